"""Widget tests for notebook 03 (no browser, Agg): real mouse events, then the plotted numbers.

Every expected number is computed here, independently of the widget's solvers: least
squares by numpy's lstsq, least absolute deviations by a linear program written out
below (scipy's linprog), Huber by scipy's BFGS on scipy.special.huber, means and
medians by numpy, losses by scikit-learn's metrics.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import MouseButton, MouseEvent
from scipy.optimize import linprog, minimize
from scipy.special import huber
from sklearn.metrics import mean_absolute_error, mean_squared_error

from helpers.data import load_anscombe
from helpers.plots.outliers import EDGE_ZONE, MAX_ABS, PUSH_GAIN, clip_line, push_limits, tight_limits
from helpers.widgets import scene_problems
from helpers.widgets.outliers import (
    DATASETS,
    MAX_ADDED,
    NUMBER_SETS,
    build_constant_explorer,
    build_outlier_explorer,
    column_formatter,
)
from tests.mouse import drag, move_px, press

ANSCOMBE = load_anscombe("III")
X3, Y3 = ANSCOMBE.X[:, 0], ANSCOMBE.y


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def send(fig, name, x_px, y_px, button=None):
    fig.canvas.callbacks.process(name, MouseEvent(name, fig.canvas, x_px, y_px, button=button))


def held_move(fig, x_px, y_px):
    move_px(fig, x_px, y_px, held=True)


# --- independent references ------------------------------------------------------


def design(x):
    return np.column_stack([np.asarray(x, dtype=float), np.ones(len(x))])


def l2_reference(x, y):
    return np.linalg.lstsq(design(x), np.asarray(y, dtype=float), rcond=None)[0]


def l1_optimum(x, y):
    """min mean |y - A b| as min mean(t) s.t. -t <= y - A b <= t: returns (optimal value, b)."""
    A, y = design(x), np.asarray(y, dtype=float)
    n = len(y)
    cost = np.concatenate([np.zeros(2), np.full(n, 1.0 / n)])
    A_ub = np.block([[A, -np.eye(n)], [-A, -np.eye(n)]])
    result = linprog(cost, A_ub=A_ub, b_ub=np.concatenate([y, -y]),
                     bounds=[(None, None)] * 2 + [(0, None)] * n, method="highs")
    assert result.status == 0
    return result.fun, result.x[:2]


def huber_reference(x, y, delta):
    """Minimize the mean of scipy.special.huber(delta, residual) by BFGS from least squares."""
    A, y = design(x), np.asarray(y, dtype=float)

    def f(b):
        r = A @ b - y
        return np.mean(huber(delta, r)), A.T @ np.clip(r, -delta, delta) / len(y)

    result = minimize(f, l2_reference(x, y), jac=True, method="BFGS", options={"gtol": 1e-12})
    return result.fun, result.x


def plotted_line(widget, loss):
    xs, ys = (np.asarray(v, dtype=float) for v in widget.plot.lines[loss].get_data())
    assert xs.size == 2 and np.all(np.isfinite(xs)), loss
    slope = (ys[1] - ys[0]) / (xs[1] - xs[0])
    return slope, ys[0] - slope * xs[0]


def assert_lines_are_fits(widget, delta=None):
    """Each plotted line is the minimizer of its loss on the widget's current points."""
    x, y = np.array(widget.state["x"]), np.array(widget.state["y"])
    delta = widget.controls["delta"].value if delta is None else delta
    scale = max(1.0, np.abs(y).max())
    slope, intercept = plotted_line(widget, "l2")
    assert np.allclose((slope, intercept), l2_reference(x, y), rtol=1e-6, atol=1e-6 * scale)
    best, _ = l1_optimum(x, y)
    slope, intercept = plotted_line(widget, "l1")
    assert np.mean(np.abs(y - slope * x - intercept)) == pytest.approx(best, rel=1e-7, abs=1e-9 * scale)
    best, ref = huber_reference(x, y, delta)
    slope, intercept = plotted_line(widget, "huber")
    assert np.mean(huber(delta, y - slope * x - intercept)) <= best * (1 + 1e-7) + 1e-12 * scale
    assert np.allclose((slope, intercept), ref, rtol=1e-4, atol=1e-4 * scale)


def offsets(widget):
    return np.asarray(widget.plot.points.get_offsets())


def pixel(widget, point):
    return widget.plot.ax.transData.transform(point)


# --- the outlier explorer ---------------------------------------------------------------


def test_drag_moves_the_chosen_point_and_all_three_lines_refit():
    w = build_outlier_explorer("Anscombe III")
    # Drag the outlier (13, 12.74) down onto the others: press a few pixels off the point.
    drag(w.plot.ax, (13.0, 12.74), (13.0, 6.0), steps=6, offset_px=(3, -2))
    i = int(np.flatnonzero(X3 == 13.0)[0])
    x, y = np.array(w.state["x"]), np.array(w.state["y"])
    assert np.isclose(x[i], 13.0, atol=0.05) and np.isclose(y[i], 6.0, atol=0.05)
    others = np.arange(X3.size) != i
    assert np.array_equal(x[others], X3[others]) and np.array_equal(y[others], Y3[others])
    assert np.allclose(offsets(w), np.column_stack([x, y]))
    assert_lines_are_fits(w)
    # The L2 line moved a lot (slope 0.500 before), the L1 line stayed through the ten collinear points.
    assert plotted_line(w, "l2")[0] < 0.35 and np.isclose(plotted_line(w, "l1")[0], 0.345, atol=2e-3)
    assert w.state["fits"]["l2"][0] == pytest.approx(plotted_line(w, "l2")[0])


def test_press_away_from_every_point_moves_nothing():
    w = build_outlier_explorer("Anscombe III")
    before = w.state["y"]
    drag(w.plot.ax, (9.5, 12.0), (9.5, 6.0), steps=3)  # empty area of the plot
    assert w.state["y"] == before


def test_readout_gives_each_lines_losses_and_each_line_wins_its_own():
    w = build_outlier_explorer("Anscombe III")
    text = re.sub(r"<[^>]+>", " ", w.readout.value)
    rows = {name: [float(v) for v in re.search(name + r"((?:\s+-?[\d.]+){5})", text).group(1).split()]
            for name in ("L2 line", "L1 line", "Huber line")}
    for name, loss in (("L2 line", "l2"), ("L1 line", "l1")):
        slope, intercept = plotted_line(w, loss)
        pred = slope * X3 + intercept
        assert rows[name][2] == pytest.approx(mean_squared_error(Y3, pred), abs=1e-3)
        assert rows[name][3] == pytest.approx(mean_absolute_error(Y3, pred), abs=1e-4)
    mse_l2 = mean_squared_error(Y3, np.polyval(np.polyfit(X3, Y3, 1), X3))
    assert f"<b>{mse_l2:.3f}</b>" in w.readout.value  # bold: the smallest MSE is the L2 line's
    assert "Huber (δ=1)" in w.readout.value


def table_columns(readout_html):
    """The table's numbers as text, column by column."""
    rows = re.findall(r"<tr>(.*?)</tr>", readout_html)[1:]
    cells = [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row)][1:] for row in rows]
    return list(zip(*cells))


def decimals(text):
    return len(text.split(".")[1]) if "." in text and "e" not in text else -1


def test_every_column_of_the_table_has_one_format():
    """Issue: the table mixed 4 and 7 significant digits in one column (e.g. 0.345 beside 0.05964)."""
    for dataset in DATASETS:
        w = build_outlier_explorer(dataset, seed=3)
        for column in table_columns(w.readout.value):
            assert len({decimals(cell) for cell in column}) == 1, (dataset, column)
    w = build_outlier_explorer("Anscombe III")
    w.drag.on_drag(2, 13.0, 5e6)  # huge values beside small ones: one format per column still
    columns = table_columns(w.readout.value)
    assert all("e+10" in cell for cell in columns[2])  # MSE ~ 1e11: scientific notation
    for column in columns:
        assert len({(decimals(cell), "e" in cell) for cell in column}) == 1, column


def test_blits_during_a_drag_and_full_redraw_only_when_the_axes_are_pushed():
    w = build_outlier_explorer("Anscombe III")
    w.fig.canvas.draw()
    calls = {"full": 0, "blit": 0, "during_drag": []}
    full, blit = w.plot.blitter.full_redraw, w.plot.blitter.update

    def counted_full_redraw(**kw):
        calls["full"] += 1
        calls["during_drag"].append(kw.get("during_drag", False))
        full(**kw)

    w.plot.blitter.full_redraw = counted_full_redraw
    w.plot.blitter.update = lambda: (calls.__setitem__("blit", calls["blit"] + 1), blit())
    drag(w.plot.ax, (13.0, 12.74), (12.0, 11.0), steps=8, release=False)
    assert calls["full"] == 0 and calls["blit"] >= 8
    # Now push against the top edge: the y axis grows to follow the point.
    ax = w.plot.ax
    top_before = ax.get_ylim()[1]
    x_px, y_px = pixel(w, (12.0, 11.0))
    for y_to in np.linspace(y_px, ax.bbox.y1 - 1, 6)[1:]:
        held_move(w.fig, x_px, y_to)
    assert ax.get_ylim()[1] > top_before and calls["full"] >= 1
    assert all(calls["during_drag"]), calls  # drawn at once, the layout kept while the axes follow
    assert type(w.fig.get_layout_engine()).__name__ == "ConstrainedLayoutEngine"
    assert_lines_are_fits(w)
    send(w.fig, "button_release_event", x_px, ax.bbox.y1 - 1, MouseButton.LEFT)
    assert calls["during_drag"][-1] is False  # the release lays the figure out again
    # On release the view is fitted to the data again.
    assert np.allclose(ax.get_ylim(), tight_limits(w.state["y"]))
    assert np.allclose(ax.get_xlim(), tight_limits(w.state["x"]))


def test_axes_follow_a_drag_at_the_speed_of_the_mouse_and_come_back():
    """Issue: a 33-pixel drag to the top edge sent the outlier from y = 12.74 to about 29.8,
    and the axes never came back."""
    w = build_outlier_explorer("Anscombe III")
    ax = w.plot.ax
    press(ax, (13.0, 12.74))
    x_px, y_px = pixel(w, (13.0, 12.74))
    (lo, hi), top = ax.get_ylim(), ax.bbox.y1 - 1
    assert 25 < top - y_px < 45  # the outlier sits about 33 px below the top edge
    for y_to in np.linspace(y_px, top, 12)[1:]:
        held_move(w.fig, x_px, y_to)
    # Each move of a share df of the axis toward the edge grows the span by at most a factor
    # (1 + PUSH_GAIN df) <= exp(PUSH_GAIN df): the axes follow at the speed of the mouse.
    f_start, f_end = ((y_px, top) - ax.bbox.y0) / ax.bbox.height
    allowed = lo + f_end * (hi - lo) * np.exp(PUSH_GAIN * (f_end - f_start))
    reached, limits = w.state["y"][2], ax.get_ylim()
    assert 12.74 < reached <= allowed
    # Holding the mouse at the edge (with a 1-pixel sideways jitter, as a hand does) changes nothing.
    for k in range(40):
        held_move(w.fig, x_px + (k % 2), top)
    assert w.state["y"][2] == pytest.approx(reached) and ax.get_ylim() == pytest.approx(limits)
    assert reached < 16  # the old code reached ~29.8 on this drag
    # Released outside the figure: the next move arrives with no button held and ends the drag.
    move_px(w.fig, x_px, top + 200, held=False)
    assert w.drag.active is None
    assert np.allclose(ax.get_ylim(), tight_limits(w.state["y"]))  # the axes shrank back to the data
    assert_lines_are_fits(w)


def test_release_outside_the_figure_ends_the_drag_and_the_point_stops_following():
    w = build_outlier_explorer("Anscombe III")
    ax = w.plot.ax
    press(ax, (13.0, 12.74))
    held_move(w.fig, *pixel(w, (13.0, 10.0)))
    held_move(w.fig, ax.bbox.x1 + 300, ax.bbox.y0 - 300)  # out of the figure; released there
    where = w.state["y"][2]
    move_px(w.fig, *pixel(w, (6.0, 9.0)), held=False)  # back over the figure, no button
    move_px(w.fig, *pixel(w, (7.0, 8.0)), held=False)
    assert w.drag.active is None and w.state["y"][2] == where == pytest.approx(10.0, abs=0.05)
    assert np.allclose(offsets(w), np.column_stack([w.state["x"], w.state["y"]]))
    assert f"{w.state['fits']['l2'][0]:.4f}" in w.readout.value  # the table matches the figure
    assert_lines_are_fits(w)


def test_dragging_to_extreme_values_keeps_everything_finite():
    w = build_outlier_explorer("Anscombe III")
    w.fig.canvas.draw()
    ax = w.plot.ax
    full_redraw = w.plot.blitter.full_redraw
    w.plot.blitter.full_redraw = lambda **_: None  # the limits still change; one real draw at the end
    x_px, _ = pixel(w, (13.0, 12.74))
    press(ax, (13.0, 12.74))
    for _ in range(400):  # wiggle in the top edge zone: each move up pushes the edge out
        held_move(w.fig, x_px, ax.bbox.y1 - 0.3 * EDGE_ZONE * ax.bbox.height)
        held_move(w.fig, x_px, ax.bbox.y1 - 1)
    assert w.state["y"][2] > 1e5 and w.state["y"][2] <= MAX_ABS
    assert ax.get_ylim()[1] <= 1.5 * MAX_ABS
    assert_lines_are_fits(w)
    # A handler called directly with absurd coordinates clamps them.
    w.drag.on_drag(2, 1e300, -1e300)
    assert w.state["x"][2] == MAX_ABS and w.state["y"][2] == -MAX_ABS
    assert_lines_are_fits(w)
    for line in w.plot.lines.values():
        ys = np.asarray(line.get_ydata(), dtype=float)
        assert np.all(np.isfinite(ys)) or np.all(np.isnan(ys))
    w.plot.blitter.full_redraw = full_redraw
    w.fig.canvas.draw()  # renders without overflow
    send(w.fig, "button_release_event", 0, 0, MouseButton.LEFT)
    w.controls["reset"].click()
    assert w.state["y"] == tuple(Y3)
    assert w.plot.ax.get_ylim()[1] < 20


def test_delta_slider_refits_the_huber_line():
    w = build_outlier_explorer("Anscombe III")
    w.controls["delta"].value = 0.2
    assert_lines_are_fits(w, delta=0.2)
    assert "Huber (δ=0.2)" in w.readout.value
    w.controls["delta"].value = 5.0
    assert_lines_are_fits(w, delta=5.0)
    # With delta larger than every residual, Huber is least squares.
    assert np.allclose(plotted_line(w, "huber"), l2_reference(X3, Y3))


@pytest.mark.parametrize("dataset", DATASETS)
def test_add_an_outlier_puts_far_points_on_every_data_set(dataset):
    """Issue: five clicks on Anscombe III put points on the line ((4.9, 5.7), (9.8, 7.4))."""
    w = build_outlier_explorer(dataset, seed=3)
    ax = w.plot.ax
    for click in range(5):
        x_before, y_before = np.array(w.state["x"]), np.array(w.state["y"])
        _, (slope, intercept) = l1_optimum(x_before, y_before)
        w.controls["add_outlier"].click()
        new_x, new_y = w.state["x"][-1], w.state["y"][-1]
        assert len(w.state["x"]) == x_before.size + 1
        assert offsets(w).shape == (x_before.size + 1, 2)
        w.fig.canvas.draw()
        # On screen: inside the axes, and at least 15% of the axes' height away from the L1 line.
        px, py = pixel(w, (new_x, new_y))
        _, line_py = pixel(w, (new_x, slope * new_x + intercept))
        assert ax.bbox.x0 < px < ax.bbox.x1 and ax.bbox.y0 < py < ax.bbox.y1, click
        assert abs(py - line_py) >= 0.15 * ax.bbox.height, (click, new_x, new_y)
        assert_lines_are_fits(w)


def test_add_outlier_stops_at_the_maximum_and_reset_and_data_sets_reload():
    w = build_outlier_explorer("Anscombe III", seed=1)
    n = len(w.state["x"])
    for _ in range(MAX_ADDED + 2):
        w.controls["add_outlier"].click()
    assert len(w.state["x"]) == n + MAX_ADDED and w.state["added"] == MAX_ADDED
    assert "Reset" in w.messages.text and w.messages.last_error is None
    w.controls["reset"].click()
    assert len(w.state["x"]) == n and offsets(w).shape == (n, 2) and w.messages.text == ""
    w.controls["dataset"].value = "Noisy line"
    x = np.array(w.state["x"])
    assert x.size == 11 and np.allclose(np.diff(x), np.diff(x)[0])
    assert np.allclose(offsets(w), np.column_stack([x, w.state["y"]]))
    assert_lines_are_fits(w)
    drag(w.plot.ax, (x[4], w.state["y"][4]), (x[4], w.state["y"][4] + 2.0), steps=4)
    assert_lines_are_fits(w)
    w.controls["dataset"].value = "Anscombe III"
    assert w.state["y"] == tuple(Y3)


def test_reset_or_a_new_data_set_ends_a_drag_in_progress():
    """Issue: drag past the edge, press Reset, then drag another point: the old point moved instead."""
    w = build_outlier_explorer("Anscombe III")
    ax = w.plot.ax
    press(ax, (13.0, 12.74))
    held_move(w.fig, ax.bbox.x1 - 1, ax.bbox.y1 - 1)  # to the corner: the axes are pushed out
    w.controls["reset"].click()  # the button is still down as far as the figure knows
    held_move(w.fig, *pixel(w, (8.0, 6.0)))
    assert w.state["y"] == tuple(Y3) and w.state["x"] == tuple(X3)
    drag(ax, (8.0, 6.95), (8.0, 9.0), steps=3)  # the point (8, 6.95) moves, and only it
    i8 = int(np.flatnonzero(X3 == 8.0)[0])
    changed = np.flatnonzero(np.array(w.state["y"]) != Y3)
    assert changed.tolist() == [i8] and w.state["y"][i8] == pytest.approx(9.0, abs=0.05)
    # The same with a switch of data set in the middle of a drag (fewer or other points).
    press(ax, (13.0, 12.74 if w.state["dataset"] == "Anscombe III" else 0.0))
    w.controls["dataset"].value = "Noisy line"
    held_move(w.fig, *pixel(w, (5.0, 5.0)))
    x = np.array(w.state["x"])
    assert np.allclose(np.diff(x), np.diff(x)[0]) and w.messages.last_error is None
    assert_lines_are_fits(w)


@pytest.mark.parametrize("ratio", [1, 2])
def test_grab_radius_is_larger_than_the_dot(ratio):
    """Issue: data points about 7 px across were hard to grab."""
    w = build_outlier_explorer("Anscombe III")
    w.fig.canvas._set_device_pixel_ratio(ratio)  # what ipympl does on a HiDPI screen
    w.fig.canvas.draw()
    dot_radius = np.sqrt(w.plot.points.get_sizes()[0]) / 2 * w.fig.dpi / 72  # in the event's pixels
    x_px, y_px = pixel(w, (13.0, 12.74))
    send(w.fig, "button_press_event", x_px + 1.6 * dot_radius, y_px, MouseButton.LEFT)
    assert w.drag.active == 2
    send(w.fig, "button_release_event", x_px + 1.6 * dot_radius, y_px, MouseButton.LEFT)


@pytest.mark.widget_error_expected
def test_an_error_in_a_callback_is_shown_and_the_widget_keeps_working():
    w = build_outlier_explorer("Anscombe III")
    w.y[0] = np.nan  # corrupt the data: the next refit must fail loudly, not crash
    w.controls["delta"].value = 2.0
    assert isinstance(w.messages.last_error, ValueError)
    assert "NaN" in w.messages.text
    w.controls["reset"].click()
    assert w.messages.last_error is None and w.messages.text == ""
    drag(w.plot.ax, (13.0, 12.74), (13.0, 9.0), steps=3)
    assert_lines_are_fits(w, delta=2.0)


def test_unknown_data_set_is_refused():
    with pytest.raises(ValueError, match="unknown data set"):
        build_outlier_explorer("Anscombe V")


def test_outlier_scenes_are_legal_and_give_what_they_promise():
    w = build_outlier_explorer("Noisy line", seed=3)
    assert scene_problems(w) == []
    drag(w.plot.ax, (w.state["x"][3], w.state["y"][3]), (w.state["x"][3], 20.0), steps=3)
    w.apply_scene("Anscombe III")  # the data set as published, even though it was edited before
    assert w.state["y"] == tuple(Y3) and w.state["delta"] == 1.0
    l2_slope, l1_slope = l2_reference(X3, Y3)[0], l1_optimum(X3, Y3)[1][0]
    assert plotted_line(w, "l1")[0] == pytest.approx(0.345, abs=1e-3) and l2_slope == pytest.approx(0.5, abs=1e-3)
    w.apply_scene("Noisy line")  # no outlier: the three lines nearly agree
    slopes = [plotted_line(w, loss)[0] for loss in ("l2", "l1", "huber")]
    assert np.ptp(slopes) < 0.1
    w.apply_scene("one outlier")  # one far point: L2 tilts, L1 and Huber much less
    x, y = np.array(w.state["x"]), np.array(w.state["y"])
    clean = np.array(build_outlier_explorer("Noisy line", seed=3).state["y"])
    assert np.sum(y != clean) == 1 and x[np.argmax(y != clean)] == 13.0
    tilt = {loss: abs(plotted_line(w, loss)[0] - l2_reference(x, clean)[0]) for loss in ("l2", "l1", "huber")}
    assert tilt["l2"] > 0.2 and tilt["l1"] < 0.1 and tilt["huber"] < 0.15
    assert_lines_are_fits(w)
    w.apply_scene("Huber with δ = 0.1")  # the outlier's pull is capped at δ: Huber close to L1
    assert w.state["dataset"] == "Anscombe III" and w.state["delta"] == 0.1
    assert abs(plotted_line(w, "huber")[0] - l1_slope) < 0.01
    slope, intercept = plotted_line(w, "huber")
    beyond = np.abs(slope * X3 + intercept - Y3) > 0.1
    # Only the outlier (x = 13) is beyond δ, not "almost every error": its pull alone is capped.
    assert beyond.sum() == 1 and X3[beyond][0] == 13.0
    assert round(slope, 3) == 0.350 and round(l1_slope, 3) == 0.345  # the teacher's guide quotes both
    note = w.scene("Huber with δ = 0.1").note
    assert "capped" in note and "almost every" not in note
    w.apply_scene("Huber with δ = 5")  # every residual inside δ: Huber is least squares
    assert np.allclose(plotted_line(w, "huber"), l2_reference(X3, Y3))
    slope, intercept = plotted_line(w, "huber")
    assert np.abs(slope * X3 + intercept - Y3).max() < 5.0
    assert "every error is inside" in w.scene("Huber with δ = 5").note
    assert_lines_are_fits(w)
    w.scene_buttons["Anscombe III"].click()  # the button does what apply_scene does
    assert w.state["delta"] == 1.0 and w.scene_buttons["Anscombe III"].button_style == "info"


# --- the constant explorer ---------------------------------------------------------------


def test_constant_explorer_drag_mean_follows_median_stays():
    w = build_constant_explorer()
    drag(w.plot.ax_values, (7.0, 0.0), (7.9, 0.0), steps=5)
    values = np.array(w.state["values"])
    assert np.isclose(values[-1], 7.9, atol=0.02) and np.array_equal(values[:-1], [3.0, 4.0, 4.5, 6.0])
    mean, median = np.mean(values), np.median(values)
    assert all(np.allclose(line.get_xdata(), mean) for line in w.plot.mean_lines)
    assert all(np.allclose(line.get_xdata(), median) for line in w.plot.median_lines)
    assert median == 4.5
    grid, curve = (np.asarray(v) for v in w.plot.mse_curve.get_data())
    assert np.allclose(curve, [mean_squared_error(values, np.full(5, c)) for c in grid])
    grid, curve = (np.asarray(v) for v in w.plot.mae_curve.get_data())
    assert np.allclose(curve, [mean_absolute_error(values, np.full(5, c)) for c in grid])
    assert np.allclose(np.ravel(w.plot.mse_min.get_data()), [mean, np.var(values)])
    assert np.allclose(np.ravel(w.plot.mae_min.get_data()),
                       [median, mean_absolute_error(values, np.full(5, median))])
    assert f"mean = {mean:.2f}" in w.readout.value and "median = 4.50" in w.readout.value
    assert "-0.20 / +0.20" in w.readout.value  # MAE's slope changes sign at the median (n = 5)


def test_constant_explorer_follows_far_drags_and_resets():
    w = build_constant_explorer()
    ax = w.plot.ax_values
    w.fig.canvas.draw()
    w.plot.blitter.full_redraw = lambda **_: None  # limits still change; no need to render each step
    for _ in range(15):
        x_px, y_px = ax.transData.transform((w.state["values"][-1], 0.0))
        send(w.fig, "button_press_event", x_px, y_px, MouseButton.LEFT)
        for k in range(6):  # wiggle at the right edge: each move right pushes it out
            held_move(w.fig, ax.bbox.x1 - 1 - (k % 2) * 0.5 * EDGE_ZONE * ax.bbox.width, y_px)
        send(w.fig, "button_release_event", ax.bbox.x1 - 1, y_px, MouseButton.LEFT)
    values = np.array(w.state["values"])
    assert values[-1] > 20 and np.median(values) == 4.5
    grid = w.plot.mse_curve.get_xdata()  # after the release the view fits the numbers, curves span it
    assert np.allclose([grid[0], grid[-1]], ax.get_xlim())
    assert np.allclose(ax.get_xlim(), tight_limits(values, pad=0.25))
    assert w.plot.ax_mse.get_ylim()[1] >= np.max(w.plot.mse_curve.get_ydata())
    assert all(np.allclose(line.get_xdata(), values.mean()) for line in w.plot.mean_lines)
    w.controls["reset"].click()
    assert w.state["values"] == (3.0, 4.0, 4.5, 6.0, 7.0)
    assert ax.get_xlim()[1] < 10


def test_constant_explorer_reset_ends_a_drag_in_progress():
    """Issue: drag a number past the edge, press Reset, then drag the 3.0 dot: the 7.0 dot moved instead."""
    w = build_constant_explorer()
    ax = w.plot.ax_values
    press(ax, (7.0, 0.0))
    held_move(w.fig, ax.bbox.x1 + 40, ax.transData.transform((7.0, 0.0))[1])  # past the edge
    w.controls["reset"].click()
    held_move(w.fig, *ax.transData.transform((3.4, 0.0)))  # the next move over the figure
    assert w.state["values"] == (3.0, 4.0, 4.5, 6.0, 7.0)
    drag(ax, (3.0, 0.0), (3.4, 0.0), steps=3)
    assert w.state["values"][0] == pytest.approx(3.4, abs=0.02) and w.state["values"][1:] == (4.0, 4.5, 6.0, 7.0)


def test_constant_scenes_are_legal_and_give_what_they_promise():
    w = build_constant_explorer()
    assert scene_problems(w) == []
    drag(w.plot.ax_values, (4.0, 0.0), (5.0, 0.0), steps=3)
    w.apply_scene("five numbers")  # drags undone
    assert w.state["values"] == NUMBER_SETS["3, 4, 4.5, 6, 7"]
    w.apply_scene("one number far away")  # the mean moves to 17.5, the median stays at 4.5
    assert w.state["mean"] == pytest.approx(17.5) and w.state["median"] == 4.5
    assert np.ravel(w.plot.mae_min.get_data())[0] == 4.5 and np.ravel(w.plot.mse_min.get_data())[0] == 17.5
    w.apply_scene("even count")  # MAE is flat between the two middle values 2 and 3
    grid, curve = (np.asarray(v) for v in w.plot.mae_curve.get_data())
    middle = (grid > 2.0) & (grid < 3.0)
    assert middle.any() and np.allclose(curve[middle], curve.min())
    assert "+0.00 / +0.00" in w.readout.value


# --- the plot layer's small functions ------------------------------------------------------


def test_push_limits_moves_an_edge_only_for_a_move_toward_it_inside_the_zone():
    assert push_limits((0.0, 10.0), 0.5, 0.4) is None  # the middle of the axis
    assert push_limits((0.0, 10.0), 0.99, 0.99) is None  # holding still at the edge
    assert push_limits((0.0, 10.0), 0.95, 0.99) is None  # moving away from the edge
    lo, hi = push_limits((0.0, 10.0), 0.99, 0.95)
    assert lo == 0.0 and hi == pytest.approx(10.0 + PUSH_GAIN * 0.04 * 10.0)
    lo, hi = push_limits((0.0, 10.0), 0.01, 0.05)
    assert hi == 10.0 and lo == pytest.approx(-PUSH_GAIN * 0.04 * 10.0)
    assert push_limits((-1.5 * MAX_ABS, 1.5 * MAX_ABS), 0.999, 0.99) is None  # at the cap


def test_clip_line_stays_in_a_widened_box_and_on_the_line():
    xs, ys = clip_line(1e9, 5.0, (0.0, 10.0), (0.0, 10.0))
    assert np.all(np.abs(ys) <= 20.0 + 1e-6) and np.allclose(ys, 1e9 * xs + 5.0)
    xs, ys = clip_line(0.0, 100.0, (0.0, 10.0), (0.0, 10.0))  # misses the box
    assert np.all(np.isnan(xs))
    xs, ys = clip_line(0.5, 3.0, (2.0, 4.0), (0.0, 10.0))
    assert np.allclose(xs, [0.0, 6.0]) and np.allclose(ys, [3.0, 6.0])


def test_tight_limits_hold_every_value():
    lo, hi = tight_limits([2.0, 5.0, 9.0])
    assert lo < 2.0 and hi > 9.0
    lo, hi = tight_limits([4.0, 4.0])
    assert hi - lo > 0


def test_column_formatter_gives_one_number_of_decimals_per_column():
    fmt = column_formatter([0.4997, 0.345, 0.393])
    assert [fmt(v) for v in (0.4997, 0.345, 0.393)] == ["0.4997", "0.3450", "0.3930"]
    fmt = column_formatter([1.638, 0.5964, 12.5])
    assert [fmt(v) for v in (1.638, 0.5964, 12.5)] == ["1.64", "0.60", "12.50"]
    fmt = column_formatter([36364.0, 0.345])  # 0.345 would show as "0": scientific for the column
    assert [fmt(v) for v in (36364.0, 0.345)] == ["3.636e+04", "3.450e-01"]
    fmt = column_formatter([2.5e7, 3.0])
    assert [fmt(v) for v in (2.5e7, 3.0)] == ["2.500e+07", "3.000e+00"]
    assert column_formatter([0.0, 0.0])(0.0) == "0.000"


def test_ipympl_canvas_gets_a_full_repaint_after_a_burst_of_frames():
    """Blitter (helpers.plots) makes a webagg canvas resend a full frame when updates pause,
    so frames the browser dropped cannot leave ghosts. A stand-in canvas records what is sent."""
    from helpers.plots import _repaint_after_bursts

    class Timer:
        def __init__(self):
            self.callbacks, self.starts, self.single_shot = [], 0, False

        def add_callback(self, f):
            self.callbacks.append(f)

        def start(self):
            self.starts += 1

        def fire(self):
            for f in self.callbacks:
                f()

    class Canvas:
        def __init__(self):
            self.timer, self.sent, self._force_full, self._png_is_old = Timer(), [], False, False
            self.manager = self

        def new_timer(self, interval):
            self.interval = interval
            return self.timer

        def get_diff_image(self):
            self.sent.append("full" if self._force_full else "diff")
            self._force_full = False
            return b"png"

        def refresh_all(self):
            self.get_diff_image()

    canvas = Canvas()
    _repaint_after_bursts(canvas)
    _repaint_after_bursts(canvas)  # idempotent
    for _ in range(3):
        canvas.refresh_all()
    assert canvas.sent == ["diff"] * 3 and canvas.timer.starts == 3 and canvas.timer.single_shot
    canvas.timer.fire()
    assert canvas.sent[-1] == "full" and canvas.timer.starts == 3  # the repaint does not re-arm


def test_an_added_outlier_moves_the_l1_line_only_when_the_on_line_points_cannot_balance_it():
    """The teacher's guide follow-up: which side a new point lands on does not decide whether L1 moves.

    Noisy line, seed 3, points from the widget's own generator: a point above the line moves the L1
    line sometimes and sometimes not. It moves exactly when the points on the old line, each able to
    pull with any s_i in [-1, 1], can no longer balance the new point's pull (checked with an
    independent linear program, scipy's linprog, not with helpers.outliers.l1_balance).
    """
    from scipy.optimize import linprog

    w = build_outlier_explorer("Noisy line", seed=3)
    outcomes = []
    for _ in range(8):
        x_old, y_old = np.array(w.state["x"]), np.array(w.state["y"])
        line_old = np.array(plotted_line(w, "l1"))
        assert np.mean(np.abs(line_old[0] * x_old + line_old[1] - y_old)) <= l1_optimum(x_old, y_old)[0] + 1e-9
        w.controls["add_outlier"].click()
        x, y = np.array(w.state["x"]), np.array(w.state["y"])
        assert len(x) == len(x_old) + 1
        e = line_old[0] * x + line_old[1] - y
        on = np.abs(e) < 1e-7 * max(1.0, np.abs(y).max())
        design = np.column_stack([x, np.ones_like(x)])
        rest = np.where(on, 0.0, np.sign(e)) @ design
        balances = linprog(np.zeros(on.sum()), A_eq=design[on].T, b_eq=-rest, bounds=[(-1, 1)] * on.sum(),
                           method="highs").status == 0
        new_line = plotted_line(w, "l1")
        moved = not np.allclose(new_line, line_old, atol=1e-6)
        assert moved == (not balances)
        outcomes.append((e[-1] < 0, moved))  # e = prediction - y < 0: the new point lies above the old line
    above = [moved for is_above, moved in outcomes if is_above]
    assert any(above) and not all(above)  # "it moves when a point lands on the other side" is false
