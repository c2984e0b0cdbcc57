"""Widget tests for notebook 03 (no browser, Agg): real mouse events, then the plotted numbers.

Every expected number is computed here independently: fits by helpers.fitting.fit_linear
(the function the issue names as the reference, called on the new data), means and
medians by numpy, losses by scikit-learn's metrics.
"""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import MouseButton, MouseEvent
from sklearn.metrics import mean_absolute_error, mean_squared_error

from helpers.data import load_anscombe
from helpers.fitting import fit_linear
from helpers.plots.outliers import MAX_ABS, clip_line, follow_limits, tight_limits
from helpers.widgets.outliers import MAX_ADDED, build_constant_explorer, build_outlier_explorer
from tests.mouse import drag


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def send(fig, name, x_px, y_px, button=None):
    fig.canvas.callbacks.process(name, MouseEvent(name, fig.canvas, x_px, y_px, button=button))


def assert_lines_are_fits(widget, delta=None):
    """Each plotted line lies on the fit_linear line of the widget's current points."""
    x, y = widget.state["x"], widget.state["y"]
    delta = widget.controls["delta"].value if delta is None else delta
    for loss, line in widget.plot.lines.items():
        coef, intercept = fit_linear(x[:, None], y, loss=loss, delta=delta)
        xs, ys = (np.asarray(v, dtype=float) for v in line.get_data())
        assert xs.size == 2 and np.all(np.isfinite(xs)), loss
        assert np.allclose(ys, coef[0] * xs + intercept, rtol=1e-6, atol=1e-6 * max(1.0, np.abs(ys).max())), loss


def offsets(widget):
    return np.asarray(widget.plot.points.get_offsets())


# --- the outlier explorer ---------------------------------------------------------------


def test_drag_moves_the_chosen_point_and_all_three_lines_refit():
    w = build_outlier_explorer("Anscombe III")
    anscombe = load_anscombe("III")
    x0, y0 = anscombe.X[:, 0], anscombe.y
    # Drag the outlier (13, 12.74) down onto the others: press a few pixels off the point.
    drag(w.plot.ax, (13.0, 12.74), (13.0, 6.0), steps=6, offset_px=(3, -2))
    i = int(np.flatnonzero(x0 == 13.0)[0])
    assert w.messages.last_error is None
    assert np.isclose(w.state["x"][i], 13.0, atol=0.05) and np.isclose(w.state["y"][i], 6.0, atol=0.05)
    others = np.arange(x0.size) != i
    assert np.array_equal(w.state["x"][others], x0[others]) and np.array_equal(w.state["y"][others], y0[others])
    assert np.allclose(offsets(w), np.column_stack([w.state["x"], w.state["y"]]))
    assert_lines_are_fits(w)
    # The L2 line moved a lot (slope 0.500 before), the L1 line stayed through the ten collinear points.
    l2_slope = np.diff(w.plot.lines["l2"].get_ydata()) / np.diff(w.plot.lines["l2"].get_xdata())
    l1_slope = np.diff(w.plot.lines["l1"].get_ydata()) / np.diff(w.plot.lines["l1"].get_xdata())
    assert l2_slope[0] < 0.35 and np.isclose(l1_slope[0], 0.345, atol=2e-3)


def test_press_away_from_every_point_moves_nothing():
    w = build_outlier_explorer("Anscombe III")
    before = w.state["y"].copy()
    drag(w.plot.ax, (9.5, 12.0), (9.5, 6.0), steps=3)  # empty area of the plot
    assert np.array_equal(w.state["y"], before)


def test_readout_gives_each_lines_losses_and_each_line_wins_its_own():
    w = build_outlier_explorer("Anscombe III")
    x, y = w.state["x"], w.state["y"]
    text = w.readout.value
    for loss in ("l2", "l1"):
        coef, intercept = fit_linear(x[:, None], y, loss=loss)
        pred = coef[0] * x + intercept
        assert f"{mean_squared_error(y, pred):.4g}" in text
        assert f"{mean_absolute_error(y, pred):.4g}" in text
    mse_l2 = mean_squared_error(y, np.polyval(np.polyfit(x, y, 1), x))
    assert f"<b>{mse_l2:.4g}</b>" in text  # bold: the smallest MSE is the L2 line's
    assert "Huber (δ=1)" in text


def test_blits_during_a_drag_and_full_redraw_only_when_the_axes_follow():
    w = build_outlier_explorer("Anscombe III")
    w.fig.canvas.draw()
    calls = {"full": 0, "blit": 0}
    full, blit = w.plot.blitter.full_redraw, w.plot.blitter.update
    w.plot.blitter.full_redraw = lambda: (calls.__setitem__("full", calls["full"] + 1), full())
    w.plot.blitter.update = lambda: (calls.__setitem__("blit", calls["blit"] + 1), blit())
    drag(w.plot.ax, (13.0, 12.74), (12.0, 11.0), steps=8)
    assert calls["full"] == 0 and calls["blit"] >= 8
    # Now drag to the top edge: the y axis grows to follow the point.
    top_before = w.plot.ax.get_ylim()[1]
    ax = w.plot.ax
    x_px, y_px = ax.transData.transform((12.0, 11.0))
    top_px = ax.transData.transform((12.0, top_before))[1] - 2
    send(w.fig, "button_press_event", x_px, y_px, MouseButton.LEFT)
    send(w.fig, "motion_notify_event", x_px, top_px)
    assert w.plot.ax.get_ylim()[1] > top_before and calls["full"] == 1
    assert_lines_are_fits(w)
    send(w.fig, "button_release_event", x_px, top_px, MouseButton.LEFT)
    # On release the view is fitted to the data again: every point inside the limits.
    (x0, x1), (y0, y1) = w.plot.ax.get_xlim(), w.plot.ax.get_ylim()
    assert np.all((w.state["x"] > x0) & (w.state["x"] < x1) & (w.state["y"] > y0) & (w.state["y"] < y1))


def test_dragging_to_extreme_values_keeps_everything_finite():
    w = build_outlier_explorer("Anscombe III")
    w.fig.canvas.draw()
    ax = w.plot.ax
    i = 2  # the outlier, x = 13
    full_redraw = w.plot.blitter.full_redraw
    w.plot.blitter.full_redraw = lambda: None  # the limits still change; one real draw at the end
    for _ in range(60):  # keep dragging the point to the top edge: the axes follow each time
        x_px, y_px = ax.transData.transform((w.state["x"][i], w.state["y"][i]))
        send(w.fig, "button_press_event", x_px, y_px, MouseButton.LEFT)
        send(w.fig, "motion_notify_event", x_px, ax.bbox.y1 - 1)
    assert w.messages.last_error is None
    assert w.state["y"][i] > 1e5 and w.state["y"][i] <= MAX_ABS
    assert ax.get_ylim()[1] <= 1.5 * MAX_ABS
    assert_lines_are_fits(w)
    # A handler called directly with absurd coordinates clamps them.
    w.drag.on_drag(i, 1e300, -1e300)
    assert w.state["x"][i] == MAX_ABS and w.state["y"][i] == -MAX_ABS
    assert_lines_are_fits(w)
    for line in w.plot.lines.values():
        ys = np.asarray(line.get_ydata(), dtype=float)
        assert np.all(np.isfinite(ys)) or np.all(np.isnan(ys))
    w.plot.blitter.full_redraw = full_redraw
    w.fig.canvas.draw()  # renders without overflow
    send(w.fig, "button_release_event", 0, 0, MouseButton.LEFT)
    w.controls["reset"].click()
    assert np.array_equal(w.state["y"], load_anscombe("III").y)
    assert w.plot.ax.get_ylim()[1] < 20


def test_delta_slider_refits_the_huber_line():
    w = build_outlier_explorer("Anscombe III")
    w.controls["delta"].value = 0.2
    assert_lines_are_fits(w, delta=0.2)
    assert "Huber (δ=0.2)" in w.readout.value
    w.controls["delta"].value = 5.0
    assert_lines_are_fits(w, delta=5.0)
    # With delta larger than every residual, Huber is least squares.
    coef, intercept = fit_linear(w.state["x"][:, None], w.state["y"], loss="l2")
    ys = w.plot.lines["huber"].get_ydata()
    assert np.allclose(ys, coef[0] * w.plot.lines["huber"].get_xdata() + intercept)


def test_add_outlier_reset_and_switching_data_set():
    w = build_outlier_explorer("Anscombe III", seed=1)
    n = w.state["x"].size
    w.controls["add_outlier"].click()
    assert w.state["x"].size == n + 1 and offsets(w).shape == (n + 1, 2)
    assert_lines_are_fits(w)
    new_y = w.state["y"][-1]
    assert new_y < w.plot.ax.get_ylim()[1] and new_y > w.plot.ax.get_ylim()[0]  # the view holds it
    for _ in range(MAX_ADDED + 2):
        w.controls["add_outlier"].click()
    assert w.state["x"].size == n + MAX_ADDED
    assert "Reset" in w.messages.text and w.messages.last_error is None
    w.controls["reset"].click()
    assert w.state["x"].size == n and offsets(w).shape == (n, 2)
    w.controls["dataset"].value = "Noisy line"
    x = w.state["x"]
    assert x.size == 11 and np.allclose(np.diff(x), np.diff(x)[0])
    assert np.allclose(offsets(w), np.column_stack([x, w.state["y"]]))
    assert_lines_are_fits(w)
    drag(w.plot.ax, (x[4], w.state["y"][4]), (x[4], w.state["y"][4] + 2.0), steps=4)
    assert_lines_are_fits(w)
    w.controls["dataset"].value = "Anscombe III"
    assert np.array_equal(w.state["y"], load_anscombe("III").y)


def test_an_error_in_a_callback_is_shown_and_the_widget_keeps_working():
    w = build_outlier_explorer("Anscombe III")
    w.state["y"][0] = np.nan  # corrupt the data: the next refit must fail loudly, not crash
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


# --- the constant explorer ---------------------------------------------------------------


def test_constant_explorer_drag_mean_follows_median_stays():
    w = build_constant_explorer((3.0, 4.0, 4.5, 6.0, 7.0))
    drag(w.plot.ax_values, (7.0, 0.0), (7.9, 0.0), steps=5)
    values = w.state["values"]
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
    assert f"mean = {mean:.3g}" in w.readout.value and "median = 4.5" in w.readout.value


def test_constant_explorer_follows_far_drags_and_resets():
    w = build_constant_explorer()
    ax = w.plot.ax_values
    w.fig.canvas.draw()
    w.plot.blitter.full_redraw = lambda: None  # limits still change; no need to render each step
    for _ in range(15):
        x_px, y_px = ax.transData.transform((w.state["values"][-1], 0.0))
        send(w.fig, "button_press_event", x_px, y_px, MouseButton.LEFT)
        send(w.fig, "motion_notify_event", ax.bbox.x1 - 1, y_px)
        send(w.fig, "button_release_event", ax.bbox.x1 - 1, y_px, MouseButton.LEFT)
    values = w.state["values"]
    assert values[-1] > 50 and np.median(values) == 4.5
    grid = w.plot.mse_curve.get_xdata()  # after the release the view fits the numbers, curves span it
    assert np.allclose([grid[0], grid[-1]], w.plot.ax_values.get_xlim())
    assert w.plot.ax_values.get_xlim()[1] < 1.5 * values.max()
    assert w.plot.ax_mse.get_ylim()[1] >= np.max(w.plot.mse_curve.get_ydata())
    assert all(np.allclose(line.get_xdata(), values.mean()) for line in w.plot.mean_lines)
    w.controls["reset"].click()
    assert np.array_equal(w.state["values"], [3.0, 4.0, 4.5, 6.0, 7.0])
    assert w.plot.ax_values.get_xlim()[1] < 10


# --- the plot layer's small functions ------------------------------------------------------


def test_follow_limits_grows_only_near_an_edge():
    assert follow_limits((0.0, 10.0), 5.0) is None
    lo, hi = follow_limits((0.0, 10.0), 9.9)
    assert lo == 0.0 and np.isclose(9.9, 0.8 * hi)
    lo, hi = follow_limits((0.0, 10.0), -3.0)
    assert hi == 10.0 and np.isclose(10 - (-3.0), 0.8 * (hi - lo))
    assert follow_limits((-1.5 * MAX_ABS, 1.5 * MAX_ABS), 1.49 * MAX_ABS) is None


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
