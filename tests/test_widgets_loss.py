"""Widgets of 02_loss without a browser: drag predictions, move every slider, check bars and labels.

References are written out with numpy, never taken from helpers.losses.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import MouseButton, MouseEvent

from helpers.plots import POINT_COLOR, set_style
from helpers.plots.loss import UNIT_STOPS
from helpers.widgets import scene_problems
from helpers.widgets.loss import (
    CROSSING_SCENES,
    LOSS_SCENES,
    PREDICTION,
    TARGET,
    build_crossing_explorer,
    build_loss_explorer,
)

Y = np.array(TARGET)
HALF_LAST_DIGIT = 5.001e-4  # readouts print 3 decimals
E_STOPS = np.round(np.arange(-3.0, 3.0 + 1e-9, 0.05), 2)  # every stop of the e slider


def numbers_after(label: str, text: str) -> float:
    """The number printed right after e.g. 'MAE = ' in a readout."""
    match = re.search(re.escape(label) + r"\s*=\s*(-?[\d.]+)", text)
    assert match, f"{label!r} not found in {text!r}"
    return float(match.group(1))


def plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_text)


# --- mouse events as ipympl delivers them (motion events carry the buttons held) ---------------

def send(fig, name, x_px, y_px, *, button=None, buttons=None):
    event = MouseEvent(name, fig.canvas, x_px, y_px, button=button, buttons=buttons)
    fig.canvas.callbacks.process(name, event)


def px(ax, point):
    return ax.transData.transform(point)


def press(ax, point, offset=(0.0, 0.0)):
    x, y = px(ax, point)
    send(ax.figure, "button_press_event", x + offset[0], y + offset[1], button=MouseButton.LEFT)


def move_held(ax, point):
    x, y = px(ax, point)
    send(ax.figure, "motion_notify_event", x, y, buttons=[MouseButton.LEFT])


def move_free(fig, x_px, y_px):
    send(fig, "motion_notify_event", x_px, y_px, buttons=[])


def release(ax, point):
    x, y = px(ax, point)
    send(ax.figure, "button_release_event", x, y, button=MouseButton.LEFT)


def drag(ax, start, end, steps=5, release_at=None):
    ax.figure.canvas.draw()
    press(ax, start)
    for k in range(1, steps + 1):
        t = k / steps
        move_held(ax, (start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])))
    release(ax, end if release_at is None else release_at)


# --- fixtures -----------------------------------------------------------------------------------

@pytest.fixture
def losses():
    set_style()
    w = build_loss_explorer()
    w.fig.canvas.draw()
    yield w
    assert w.messages.last_error is None, w.messages.text
    plt.close(w.fig)


@pytest.fixture
def crossing():
    set_style()
    w = build_crossing_explorer(e=0.5, unit=1.0)
    w.fig.canvas.draw()
    yield w
    assert w.messages.last_error is None, w.messages.text
    plt.close(w.fig)


def shown_predictions(w):
    return np.asarray(w.plot.points.get_data()[1], dtype=float)


def slider_predictions(w):
    return np.array([w.controls[f"pred{i}"].value for i in range(1, 6)])


def assert_shows(w, pred):
    """Points, error segments, both bar sets, MAE/MSE lines, sliders and the readout all show ``pred``."""
    d = pred - Y
    np.testing.assert_allclose(shown_predictions(w), pred, atol=1e-12)
    np.testing.assert_allclose(slider_predictions(w), pred, atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in w.plot.abs_bars], np.abs(d), atol=1e-12)
    np.testing.assert_allclose([b.get_height() for b in w.plot.sq_bars], d * d, atol=1e-12)
    np.testing.assert_allclose(w.plot.mae_line.get_ydata(), np.abs(d).mean(), atol=1e-12)
    np.testing.assert_allclose(w.plot.mse_line.get_ydata(), (d * d).mean(), atol=1e-12)
    xs, ys = (np.asarray(a, dtype=float) for a in w.plot.errors.get_data())
    segments = ys.reshape(-1, 3)[:, :2]
    np.testing.assert_allclose(segments, np.column_stack([Y, pred]), atol=1e-12)
    text = plain(w.readout.value)
    assert numbers_after("MAE", text) == pytest.approx(np.abs(d).mean(), abs=HALF_LAST_DIGIT)
    assert numbers_after("MSE", text) == pytest.approx((d * d).mean(), abs=HALF_LAST_DIGIT)
    assert numbers_after("RMSE", text) == pytest.approx(np.sqrt((d * d).mean()), abs=HALF_LAST_DIGIT)
    assert numbers_after("‖d‖₁", text) == pytest.approx(np.abs(d).sum(), abs=HALF_LAST_DIGIT)
    assert numbers_after("‖d‖₂", text) == pytest.approx(np.sqrt((d * d).sum()), abs=HALF_LAST_DIGIT)
    assert "✗" not in w.readout.value and w.readout.value.count("✓") == 5


# --- the loss explorer --------------------------------------------------------------------------

def test_initial_state(losses):
    assert_shows(losses, np.array(PREDICTION))


def test_drag_prediction_onto_its_target(losses):
    w = losses
    drag(w.plot.ax_pred, (4, PREDICTION[3]), (4.2, TARGET[3]), steps=6)
    pred = np.array(PREDICTION)
    pred[3] = TARGET[3]
    assert_shows(w, pred)
    assert w.plot.sq_bars[3].get_height() == 0.0


def test_drag_moves_only_vertically_and_snaps(losses):
    w = losses
    drag(w.plot.ax_pred, (2, PREDICTION[1]), (2.3, 4.33), steps=3)
    pred = np.array(PREDICTION)
    pred[1] = 4.3
    assert_shows(w, pred)
    np.testing.assert_array_equal(np.asarray(w.plot.points.get_data()[0]), np.arange(1, 6))


def test_sliders_follow_the_figure_during_a_drag(losses):
    """Figure and controls never disagree, not even between press and release."""
    w = losses
    w.fig.canvas.draw()
    press(w.plot.ax_pred, (4, PREDICTION[3]))
    for y in (5.5, 5.0, 4.6):
        move_held(w.plot.ax_pred, (4, y))
        np.testing.assert_allclose(slider_predictions(w), shown_predictions(w), atol=1e-12)
    release(w.plot.ax_pred, (4, 4.6))
    pred = np.array(PREDICTION)
    pred[3] = 4.6
    assert_shows(w, pred)


def test_release_outside_the_figure_ends_the_drag(losses):
    """Issue 14 item 1: press on a prediction, leave the figure, let go out there (the release
    never reaches the canvas), come back with no button held: the point must not follow,
    and sliders, figure and readout must agree."""
    w = losses
    ax = w.plot.ax_pred
    w.fig.canvas.draw()
    press(ax, (4, PREDICTION[3]))
    move_held(ax, (4, 5.0))
    move_held(ax, (4, 6.5))
    width, height = w.fig.canvas.get_width_height()
    send(w.fig, "motion_notify_event", width * 0.3, height + 40, buttons=[MouseButton.LEFT])  # off the figure
    # ... released out there: no button_release_event. Back over the axes, no button held:
    for y in (2.0, 1.4, 0.5):
        move_free(w.fig, *px(ax, (4, y)))
    shown = shown_predictions(w)
    assert shown[3] == pytest.approx(6.5), "the point followed the cursor after the button was let go"
    pred = np.array(PREDICTION)
    pred[3] = 6.5
    assert_shows(w, pred)
    # A slider nudge now moves the point from where the slider says, without a jump.
    w.controls["pred4"].value = 6.4
    pred[3] = 6.4
    assert_shows(w, pred)


@pytest.mark.parametrize("dpi", [100, 200])  # 200: a HiDPI screen, where ipympl doubles the dpi
def test_grab_radius_is_larger_than_the_dot(losses, dpi):
    """Issue 14 item 13: a press just outside the drawn circle still picks the prediction."""
    w = losses
    w.fig.set_dpi(dpi)
    w.fig.canvas.draw()
    ax = w.plot.ax_pred
    dot_radius_px = w.plot.points.get_markersize() / 2 * dpi / 72
    press(ax, (2, PREDICTION[1]), offset=(0.0, 1.3 * dot_radius_px))
    assert w.drag.active == 1
    move_held(ax, (2, 4.0))
    release(ax, (2, 4.0))
    assert shown_predictions(w)[1] == pytest.approx(4.0)


def test_target_square_stays_visible_under_a_prediction_on_it(losses):
    """Issue 14 item 13: with a prediction exactly on its target, the target's square still shows."""
    w = losses
    w.controls["pred2"].value = TARGET[1]
    w.fig.canvas.draw()
    pixels = np.asarray(w.fig.canvas.buffer_rgba())[:, :, :3].astype(int)
    x, y = px(w.plot.ax_pred, (2, TARGET[1]))
    row = pixels.shape[0] - int(round(y))
    half = int(w.plot.targets.get_markersize() / 2 * w.fig.dpi / 72) + 2
    patch = pixels[row - half:row + half + 1, int(round(x)) - half:int(round(x)) + half + 1]
    grey = np.array([int(POINT_COLOR[k:k + 2], 16) for k in (1, 3, 5)])
    near_grey = np.abs(patch - grey).max(axis=2) <= 12
    assert near_grey.sum() >= 20, "the target's square is hidden under the prediction"


@pytest.mark.parametrize("i", range(1, 6))
def test_each_slider_moves_its_prediction(losses, i):
    w = losses
    w.controls[f"pred{i}"].value = 5.5
    pred = np.array(PREDICTION)
    pred[i - 1] = 5.5
    assert_shows(w, pred)


def bar_top(w):
    return w.plot.ax_bars.get_ylim()[1]


def test_bar_scale_holds_still_during_a_drag(losses):
    """Issue 14 item 7: while a prediction is dragged the bars' scale does not change."""
    w = losses
    top = bar_top(w)
    ax = w.plot.ax_pred
    w.fig.canvas.draw()
    press(ax, (3, PREDICTION[2]))
    tops = []
    for y in (3.0, 5.0, 7.0, 4.0, 1.2, 2.0, 6.5):
        move_held(ax, (3, y))
        tops.append(bar_top(w))
    assert tops == [top] * len(tops)
    # A bar taller than the panel is cut at the top and says how tall it is.
    d = 6.5 - TARGET[2]
    label = w.plot.overflow_labels[2]
    assert d * d > top and label.get_visible() and f"{d * d:.1f}" in label.get_text()
    release(ax, (3, 6.5))
    # Once let go, the scale fits the tallest bar again.
    assert bar_top(w) >= d * d and not label.get_visible()


def test_bar_scale_holds_still_while_sliders_move_then_fits(losses):
    w = losses
    top = bar_top(w)
    for value in (3.0, 4.5, 7.0, 0.0, 6.0):
        w.controls["pred3"].value = value
        assert bar_top(w) == top
    w.settle()   # what the kernel does 0.6 s after the last slider step
    assert bar_top(w) >= (6.0 - TARGET[2]) ** 2
    assert_shows(w, np.array([2.5, 3.0, 6.0, 6.0, 2.2]))


def test_bar_scale_refits_rarely_and_every_bar_fits_after_a_refit(losses):
    w = losses
    w.controls["pred3"].value = 7.0        # error 6, squared 36
    w.settle()
    assert bar_top(w) >= 36
    for i, target in enumerate(TARGET, start=1):
        w.controls[f"pred{i}"].value = target
    w.settle()
    assert bar_top(w) < 36
    small = bar_top(w)
    w.controls["pred1"].value = TARGET[0] + 0.3     # a small change: no new scale
    w.settle()
    assert bar_top(w) == small


def test_bad_prediction_shows_an_error_and_the_widget_keeps_working(losses):
    w = losses
    w.set_prediction(1, float("nan"))
    assert "ValueError" in w.messages.text and "NaN" in w.messages.text
    assert_shows(w, np.array(PREDICTION))
    w.set_prediction(1, 3.5)
    assert w.messages.text == ""
    pred = np.array(PREDICTION)
    pred[1] = 3.5
    assert_shows(w, pred)


def test_state_reads_the_model_in_plain_numbers(losses, crossing):
    s = losses.state
    d = np.array(PREDICTION) - Y
    assert s["pred"] == PREDICTION and s["target"] == TARGET
    np.testing.assert_allclose(s["d"], d, atol=1e-12)
    assert s["mae"] == pytest.approx(0.82) and s["mse"] == pytest.approx(1.046)
    assert s["rmse"] == pytest.approx(np.sqrt(1.046))
    c = crossing.state
    assert (c["e"], c["unit"], c["verdict"]) == (0.5, 1.0, "shrinks")
    assert (c["abs"], c["squared"], c["huber"]) == pytest.approx((0.5, 0.25, 0.125))


def test_loss_scenes_are_legal_and_show_what_they_promise(losses):
    w = losses
    assert scene_problems(w) == []
    assert [s.label for s in w.scenes] == [s.label for s in LOSS_SCENES]
    start = w.state
    w.scene_buttons["prediction 4 on its target"].click()     # as a click does
    s = w.state
    assert s["d"][3] == 0.0 and w.plot.sq_bars[3].get_height() == 0.0
    # The MSE falls by more than the MAE, in absolute terms and as a fraction of where it was.
    assert start["mse"] - s["mse"] > start["mae"] - s["mae"]
    assert s["mse"] / start["mse"] < s["mae"] / start["mae"]
    w.apply_scene("every error 0.5")
    d = np.array(w.state["d"])
    np.testing.assert_allclose(d, 0.5, atol=1e-12)
    assert all(sq.get_height() < ab.get_height() for sq, ab in zip(w.plot.sq_bars, w.plot.abs_bars))
    w.apply_scene("one error of 3")
    d = np.abs(np.array(w.state["d"]))
    np.testing.assert_allclose(sorted(d), [0.5, 0.5, 0.5, 0.5, 3.0], atol=1e-12)
    assert 9.0 / np.sum(d ** 2) == pytest.approx(0.9) and 3.0 / np.sum(d) == pytest.approx(0.6)
    assert w.state["bar_top"] >= 9.0            # a scene is a jump: the scale fits at once
    w.apply_scene("all on target")
    assert w.state["mae"] == 0.0 and w.state["mse"] == 0.0
    w.apply_scene("the table's predictions")
    assert w.state["mae"] == pytest.approx(0.82) and w.state["mse"] == pytest.approx(1.046)
    assert_shows(w, np.array(PREDICTION))
    # From a scene the learner drags on.
    drag(w.plot.ax_pred, (1, PREDICTION[0]), (1, 5.0))
    assert w.state["pred"][0] == pytest.approx(5.0)


def test_crossing_scenes_are_legal_and_show_what_they_promise(crossing):
    w = crossing
    assert scene_problems(w) == []
    assert [s.label for s in w.scenes] == [s.label for s in CROSSING_SCENES]
    w.apply_scene("e = 0.5")
    assert w.state["verdict"] == "shrinks" and w.state["squared"] < w.state["abs"]
    w.apply_scene("e = 1: they tie")
    assert w.state["verdict"] == "tie" and w.state["abs"] == w.state["squared"] == 1.0
    w.apply_scene("e = 1.5")
    assert w.state["verdict"] == "grows" and w.state["squared"] > w.state["abs"]
    w.apply_scene("1 unit = 25 cm")
    s = w.state
    assert (s["e"], s["unit"], s["verdict"]) == (0.5, 0.25, "grows")
    assert (s["abs"], s["squared"]) == pytest.approx((2.0, 4.0))
    w.scene_buttons["1.5 m in 25 cm units"].click()
    s = w.state
    assert (s["abs"], s["squared"], s["huber"]) == pytest.approx((6.0, 36.0, 5.5))
    assert s["y_top"] >= 36.0
    w.controls["e"].value = 0.1                   # the learner moves on from the scene
    assert w.state["e"] == 0.1 and w.state["verdict"] == "shrinks"


def test_static_png(losses, crossing):
    assert "image/png" in losses._repr_mimebundle_()
    assert "image/png" in crossing._repr_mimebundle_()


# --- the crossing explorer ----------------------------------------------------------------------

def huber(e, delta=1.0):
    return 0.5 * e * e if abs(e) <= delta else delta * (abs(e) - 0.5 * delta)


def mark_values(w):
    return [float(np.asarray(m.get_ydata(), dtype=float)[0]) for m in w.plot.marks]


@pytest.mark.parametrize("e", [-2.5, -1.0, -0.35, 0.0, 0.4, 1.0, 1.75])
def test_error_slider_marks_the_three_curves(crossing, e):
    w = crossing
    w.controls["e"].value = e
    for mark in w.plot.marks:
        np.testing.assert_allclose(mark.get_xdata(), e)
    np.testing.assert_allclose(mark_values(w), [abs(e), e * e, huber(e)], atol=1e-12)
    np.testing.assert_allclose(w.plot.marker_line.get_xdata(), e)
    text = plain(w.readout.value)
    assert numbers_after("|e|", text) == pytest.approx(abs(e), abs=HALF_LAST_DIGIT)
    assert numbers_after("e²", text) == pytest.approx(e * e, abs=HALF_LAST_DIGIT)
    assert numbers_after("Huber", text) == pytest.approx(huber(e), abs=HALF_LAST_DIGIT)
    if 0 < abs(e) < 1:
        assert "shrinks" in text and "grows" not in text
    elif abs(e) > 1:
        assert "grows" in text and "shrinks" not in text
    else:                       # 0 and 1: squaring changes nothing
        assert "|e| = e²" in text and "shrinks" not in text and "grows" not in text


@pytest.mark.parametrize("label, unit", UNIT_STOPS)
def test_unit_slider_moves_the_crossing(crossing, label, unit):
    w = crossing
    w.controls["unit"].value = unit
    grid = np.asarray(w.plot.abs_curve.get_xdata())
    abs_y, sq_y = np.asarray(w.plot.abs_curve.get_ydata()), np.asarray(w.plot.sq_curve.get_ydata())
    np.testing.assert_allclose(abs_y, np.abs(grid / unit))
    np.testing.assert_allclose(sq_y, (grid / unit) ** 2)
    np.testing.assert_allclose(w.plot.huber_curve.get_ydata(), [huber(g / unit) for g in grid])
    crossing_x = np.asarray(w.plot.crossing.get_xdata(), dtype=float)
    np.testing.assert_allclose(crossing_x[np.isfinite(crossing_x)], [-unit, -unit, unit, unit])
    # The plotted curves really cross at the dotted lines: e^2 below |e| strictly inside
    # (0 < |e| < u), above outside, and equal where the grid meets +-u.
    inside = (np.abs(grid) > 1e-9) & (np.abs(grid) < unit - 1e-9)
    outside = np.abs(grid) > unit + 1e-9
    assert inside.any() and outside.any()
    assert np.all(sq_y[inside] < abs_y[inside]) and np.all(sq_y[outside] > abs_y[outside])
    # The same 0.5 m error shrinks or grows depending on the unit.
    w.controls["e"].value = 0.5
    text = plain(w.readout.value)
    assert numbers_after("e²", text) == pytest.approx((0.5 / unit) ** 2, abs=HALF_LAST_DIGIT)
    assert ("shrinks" in text) == (0.5 < unit) and ("grows" in text) == (0.5 > unit)


def inside_box(inner, outer, slack=0.5):
    return (inner.x0 >= outer.x0 - slack and inner.x1 <= outer.x1 + slack
            and inner.y0 >= outer.y0 - slack and inner.y1 <= outer.y1 + slack)


def test_marks_and_their_labels_stay_on_screen_for_every_slider_stop(crossing):
    """Issue 14 item 6: at 1 unit = 25 cm and e = 1.5 m the marks (6, 36, 5.5) used to be off
    the y-axis (top 4). Every stop of both sliders keeps the three marks and labels in view."""
    w = crossing
    ax = w.plot.ax
    for _, unit in UNIT_STOPS:
        for e in E_STOPS:
            w.plot.set_artists(float(e), unit)   # what every slider event does, without the drawing
            (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
            s = e / unit
            for mark, value in zip(w.plot.marks, [abs(s), s * s, huber(s)]):
                my = float(np.asarray(mark.get_ydata(), dtype=float)[0])
                assert my == pytest.approx(value, abs=1e-12)
                assert x0 <= e <= x1 and y0 <= my <= y1, (unit, e, value, (y0, y1))
    # Drawn labels sit inside the axes (checked with the renderer on a few hard cases).
    for unit, e in [(0.25, 1.5), (0.25, 3.0), (0.25, -3.0), (2.0, 3.0), (1.0, 1.0), (1.0, 0.0)]:
        w.controls["unit"].value = unit
        w.controls["e"].value = e
        w.fig.canvas.draw()
        renderer = w.fig.canvas.get_renderer()
        box = ax.get_window_extent(renderer)
        for label in w.plot.mark_labels:
            assert inside_box(label.get_window_extent(renderer), box), (unit, e, label.get_text())


def test_the_case_from_the_issue_shows_all_three_marks(crossing):
    w = crossing
    w.controls["unit"].value = 0.25
    w.controls["e"].value = 1.5
    assert mark_values(w) == pytest.approx([6.0, 36.0, 5.5])
    assert w.plot.ax.get_ylim()[1] >= 36.0
    texts = [label.get_text() for label in w.plot.mark_labels]
    assert any("6.00" in t and "|e|" in t for t in texts)
    assert any("36.00" in t and "e²" in t for t in texts)
    assert any("5.50" in t and "Huber" in t for t in texts)


def test_marks_differ_by_shape_and_curves_by_line_style(crossing):
    """Issue 14 item 6: the three marks are told apart without colour."""
    w = crossing
    shapes = [m.get_marker() for m in w.plot.marks]
    assert len(set(shapes)) == 3
    styles = [c.get_linestyle() for c in (w.plot.abs_curve, w.plot.sq_curve, w.plot.huber_curve)]
    assert len(set(styles)) == 3
    # The legend shows each curve with its mark's shape.
    legend = w.fig.legends[0]
    assert sorted(h.get_marker() for h in legend.legend_handles) == sorted(shapes)


def test_mark_labels_do_not_overlap(crossing):
    w = crossing
    for unit, e in [(1.0, 1.0), (1.0, 0.0), (1.0, 0.5), (0.5, 0.5), (2.0, -0.3), (0.25, 0.05)]:
        w.controls["unit"].value = unit
        w.controls["e"].value = e
        w.fig.canvas.draw()
        renderer = w.fig.canvas.get_renderer()
        boxes = [label.get_window_extent(renderer) for label in w.plot.mark_labels]
        for a in range(3):
            for b in range(a + 1, 3):
                overlap = (min(boxes[a].x1, boxes[b].x1) - max(boxes[a].x0, boxes[b].x0) > 0.5
                           and min(boxes[a].y1, boxes[b].y1) - max(boxes[a].y0, boxes[b].y0) > 0.5)
                assert not overlap, (unit, e, w.plot.mark_labels[a].get_text(), w.plot.mark_labels[b].get_text())


def test_bad_unit_shows_an_error_and_the_sliders_keep_working(crossing):
    w = crossing
    w.show(1.0, 0.3)
    assert "ValueError" in w.messages.text and "unit must be one of" in w.messages.text
    w.show(float("inf"))
    assert "infinite" in w.messages.text
    w.controls["e"].value = 1.5
    np.testing.assert_allclose(mark_values(w), [1.5, 2.25, 1.0])
    assert "grows" in plain(w.readout.value)
    w.show(-0.5, 0.5)
    assert w.messages.text == ""
    assert "|e| = e²" in plain(w.readout.value)
