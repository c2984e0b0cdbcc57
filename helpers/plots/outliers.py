"""Figures for notebook 03_outlier_sensitivity: constant fits, line fits, pull, real data.

Interactive figures (:class:`ConstantFitFigure`, :class:`LineFitFigure`) are
built once; ``update(...)`` moves their artists and blits, and does a full
redraw only when the axes change. A dragged point can be taken beyond the
axes: in the outer ``EDGE_ZONE`` of an axis, moving the mouse toward the edge
pushes the edge out (:func:`push_limits`), at the speed of the mouse; a mouse
that holds still changes nothing. When the drag ends the widget fits the view
to the data again (``fit_view``). Lines are clipped to the visible box before
drawing, so a point dragged to 10^6 never hands the renderer huge coordinates.
The other functions draw static figures.
"""

from __future__ import annotations

import numpy as np

from helpers.losses import mae, mse
from helpers.outliers import constant_loss_curves, pull
from helpers.plots import (
    HIGHLIGHT_COLOR,
    HUBER_COLOR,
    L1_COLOR,
    L2_COLOR,
    MUTED_COLOR,
    POINT_COLOR,
    Blitter,
    new_figure,
)

LOSS_COLORS = {"l2": L2_COLOR, "l1": L1_COLOR, "huber": HUBER_COLOR}
LOSS_NAMES = {"l2": "L2 (least squares)", "l1": "L1 (least abs. dev.)", "huber": "Huber"}
LOSS_STYLES = {"l2": "-", "l1": "-", "huber": "--"}

# Coordinates are kept inside +-MAX_ABS and limits grow until they reach it.
MAX_ABS = 1e6


def tight_limits(values, pad: float = 0.12, min_span: float = 1.0) -> tuple[float, float]:
    """Limits holding every value with ``pad`` of the span on both sides."""
    values = np.asarray(values, dtype=float)
    lo, hi = float(values.min()), float(values.max())
    span = max(hi - lo, min_span)
    middle = 0.5 * (lo + hi)
    return middle - (0.5 + pad) * span, middle + (0.5 + pad) * span


EDGE_ZONE = 0.12  # share of an axis, at each end, where a drag toward the edge pushes it out
PUSH_GAIN = 1.0   # the edge moves out as far as the mouse moves (both as shares of the span)


def axis_fraction(limits, value: float) -> float:
    """Where ``value`` sits on an axis with these limits: 0 at the low end, 1 at the high end."""
    lo, hi = (float(v) for v in limits)
    return (float(value) - lo) / (hi - lo)


def push_limits(limits, fraction: float, previous: float, zone: float = EDGE_ZONE, gain: float = PUSH_GAIN):
    """New limits after the mouse moved from ``previous`` to ``fraction`` of the axis, or None.

    Only a move toward an edge, ending inside the ``zone`` next to it, pushes that
    edge out, by ``gain`` times the move (both as shares of the span): with the
    default gain of 1 the edge follows the mouse at the mouse's speed, and a
    mouse that holds still (or moves away from the edge) changes nothing. Limits never pass
    +-1.5 MAX_ABS.
    """
    lo, hi = (float(v) for v in limits)
    span, step = hi - lo, float(fraction) - float(previous)
    if fraction > 1.0 - zone and step > 0:
        hi = min(hi + gain * step * span, 1.5 * MAX_ABS)
    elif fraction < zone and step < 0:
        lo = max(lo + gain * step * span, -1.5 * MAX_ABS)
    else:
        return None
    return None if (lo, hi) == tuple(limits) else (lo, hi)


def _push_axis(get_lim, set_lim, value: float, previous: float | None) -> tuple[float, float, bool]:
    """Push one axis for a drag at ``value`` (data units); returns (value, fraction, changed).

    The value is re-read at the mouse's fraction of the new limits, so the point
    stays under the mouse while the axis grows.
    """
    limits = get_lim()
    fraction = axis_fraction(limits, value)
    new = None if previous is None else push_limits(limits, fraction, previous)
    if new is None:
        return float(value), fraction, False
    set_lim(*new)
    return new[0] + fraction * (new[1] - new[0]), fraction, True


def clip_line(slope: float, intercept: float, xlim, ylim) -> tuple[np.ndarray, np.ndarray]:
    """End points of the line y = slope x + intercept inside the box (widened by one span each way).

    Returns two NaNs when the line misses the box, so nothing is drawn.
    """
    (x0, x1), (y0, y1) = xlim, ylim
    wx, wy = x1 - x0, y1 - y0
    x0, x1, y0, y1 = x0 - wx, x1 + wx, y0 - wy, y1 + wy
    if slope != 0:
        xa, xb = sorted(((y0 - intercept) / slope, (y1 - intercept) / slope))
        x0, x1 = max(x0, xa), min(x1, xb)
    elif not y0 <= intercept <= y1:
        x1 = x0 - 1.0
    if x1 < x0:
        return np.full(2, np.nan), np.full(2, np.nan)
    xs = np.array([x0, x1])
    return xs, slope * xs + intercept


class LineFitFigure:
    """A scatter with the L2, L1 and Huber lines (their numbers go in the widget's readout:
    re-rendering text on every move would cost more than the rest of the update).

    ``update(x, y, fits, delta, active)`` moves points and lines and blits them
    (a full redraw if the axes changed). During a drag, ``push(point, previous)``
    lets the axes follow the mouse at an edge (see :func:`push_limits`);
    ``fit_view(x, y)`` fits the limits to the data again.
    """

    def __init__(self, x, y, fits: dict, delta: float = 1.0, *, width: float = 6.0, height: float = 4.2,
                 title: str = "Drag any point; the three lines refit"):
        self.fig, self.ax = new_figure(width, height)
        ax = self.ax
        self.fig.suptitle(title, fontsize=12)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        self.points = ax.scatter([], [], s=42, color=POINT_COLOR, zorder=4, edgecolors="white",
                                 linewidths=0.6)
        (self.active_point,) = ax.plot([], [], "o", ms=11, color=HIGHLIGHT_COLOR, mec="black", zorder=5)
        self.lines = {}
        for loss in ("l2", "huber", "l1"):
            (self.lines[loss],) = ax.plot([], [], LOSS_STYLES[loss], color=LOSS_COLORS[loss], lw=2.2,
                                          zorder=3, label=LOSS_NAMES[loss])
        # Above the axes, in one row: a legend inside would hide points dragged under it.
        self.legend = ax.legend(handles=[self.lines[k] for k in ("l2", "l1", "huber")],
                                loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=3, fontsize=9.5,
                                frameon=False, handlelength=1.6, borderaxespad=0.2)
        # Animated artists are drawn in this order: lines under points.
        self.blitter = Blitter(self.fig, [*self.lines.values(), self.points, self.active_point])
        self.x = self.y = None
        self._limits_moved = False
        self.fit_view(x, y, redraw=False)
        self.set_artists(x, y, fits, delta)

    def fit_view(self, x, y, *, redraw: bool = True) -> None:
        """Limits that hold every point with a margin."""
        self.ax.set_xlim(*tight_limits(x))
        self.ax.set_ylim(*tight_limits(y))
        self._limits_moved = False
        if redraw:
            self.blitter.full_redraw()

    def set_artists(self, x, y, fits: dict, delta: float, active: int | None = None) -> None:
        """Move points and lines (no redraw). ``fits`` maps loss -> (slope, intercept)."""
        self.x, self.y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        self.points.set_offsets(np.column_stack([self.x, self.y]))
        if active is None:
            self.active_point.set_data([], [])
        else:
            self.active_point.set_data([self.x[active]], [self.y[active]])
        xlim, ylim = self.ax.get_xlim(), self.ax.get_ylim()
        for loss, (slope, intercept) in fits.items():
            self.lines[loss].set_data(*clip_line(slope, intercept, xlim, ylim))

    def push(self, point, previous):
        """Follow a drag at ``point`` (data units) whose last mouse position was at ``previous``
        (axis fractions, or None at the start of a drag).

        Returns ``(point, fractions, changed)``: the point re-read under the mouse
        after the axes moved, the mouse's fractions to pass as ``previous`` next
        time, and whether the limits changed (then ``update`` redraws in full).
        """
        px, fx, cx = _push_axis(self.ax.get_xlim, self.ax.set_xlim, point[0], previous and previous[0])
        py, fy, cy = _push_axis(self.ax.get_ylim, self.ax.set_ylim, point[1], previous and previous[1])
        self._limits_moved |= cx or cy
        return (px, py), (fx, fy), cx or cy

    def update(self, x, y, fits: dict, delta: float, active: int | None = None) -> None:
        """Show new data and fits: blit, or a full redraw if the axes were pushed since the last update."""
        self.set_artists(x, y, fits, delta, active)
        moved, self._limits_moved = self._limits_moved, False
        if moved:
            self.blitter.full_redraw(during_drag=True)  # the widget redraws in full on release
        else:
            self.blitter.update()


class ConstantFitFigure:
    """Warm-up: a few numbers on a line (drag one), and MSE(c) and MAE(c) with their minima.

    Top: the numbers, the mean (blue) and the median (vermillion). Middle: MSE of
    the constant prediction c, lowest at the mean. Bottom: MAE(c), lowest at the median.
    """

    def __init__(self, values, *, width: float = 6.0, height: float = 4.8, grid_size: int = 301):
        self.fig, axes = new_figure(width, height, nrows=3, sharex=True,
                                    gridspec_kw={"height_ratios": [0.7, 1.5, 1.5]})
        self.ax_values, self.ax_mse, self.ax_mae = axes
        self.grid_size = int(grid_size)
        ax = self.ax_values
        ax.set_title("Drag a number sideways; watch the mean and the median")
        ax.set_ylim(-1, 1)
        ax.set_yticks([])
        ax.grid(False)
        self.points = ax.scatter([], [], s=70, color=POINT_COLOR, zorder=4, edgecolors="white")
        (self.active_point,) = ax.plot([], [], "o", ms=12, color=HIGHLIGHT_COLOR, mec="black", zorder=5)
        self.ax_mse.set_ylabel("MSE(c)")
        self.ax_mae.set_ylabel("MAE(c)")
        self.ax_mae.set_xlabel("the constant prediction c")
        (self.mse_curve,) = self.ax_mse.plot([], [], color=L2_COLOR)
        (self.mae_curve,) = self.ax_mae.plot([], [], color=L1_COLOR)
        (self.mse_min,) = self.ax_mse.plot([], [], "o", ms=9, color=L2_COLOR, mec="black", zorder=5)
        (self.mae_min,) = self.ax_mae.plot([], [], "o", ms=9, color=L1_COLOR, mec="black", zorder=5)
        self.mean_lines = [a.axvline(0, color=L2_COLOR, lw=1.5, ls="--") for a in axes]
        self.median_lines = [a.axvline(0, color=L1_COLOR, lw=1.5, ls=":") for a in axes]
        self.mean_lines[0].set_label("mean")
        self.median_lines[0].set_label("median")
        label_box = {"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85}
        self.ax_mse.text(0.5, 0.96, "MSE(c); the dot marks its lowest point", transform=self.ax_mse.transAxes,
                         ha="center", va="top", color=L2_COLOR, fontsize=10, bbox=label_box)
        self.ax_mae.text(0.5, 0.96, "MAE(c); the dot marks its lowest point", transform=self.ax_mae.transAxes,
                         ha="center", va="top", color=L1_COLOR, fontsize=10, bbox=label_box)
        ax.legend(loc="upper left", ncols=2, fontsize=9.5)
        self.blitter = Blitter(self.fig, [*self.mean_lines, *self.median_lines, self.mse_curve,
                                          self.mae_curve, self.mse_min, self.mae_min, self.points,
                                          self.active_point])
        self.values = np.asarray(values, dtype=float)
        self._limits_moved = False
        self.fit_view(self.values, redraw=False)

    def fit_view(self, values, *, redraw: bool = True) -> None:
        """Show ``values`` with x limits that hold every number and y limits that hold both curves."""
        values = np.asarray(values, dtype=float)
        self.ax_values.set_xlim(*tight_limits(values, pad=0.25))
        self._limits_moved = False
        self._curve_limits(values, force=True)
        self.set_artists(values)  # the curves span the new limits
        if redraw:
            self.blitter.full_redraw()

    def _grid(self) -> np.ndarray:
        return np.linspace(*self.ax_values.get_xlim(), self.grid_size)

    def _curve_limits(self, values: np.ndarray, force: bool = False) -> bool:
        """Rescale the curve panels if a curve outgrows them or shrinks below half; True if changed."""
        changed = False
        for ax, curve in zip((self.ax_mse, self.ax_mae), constant_loss_curves(values, self._grid())):
            top = float(curve.max())
            current = ax.get_ylim()[1]
            if force or top > current or top < 0.5 * current:
                ax.set_ylim(0, 1.1 * top if top > 0 else 1.0)
                changed = True
        return changed

    def set_artists(self, values, active: int | None = None) -> None:
        """Move the numbers, the curves, the minima and the mean/median lines (no redraw)."""
        self.values = np.asarray(values, dtype=float)
        v = self.values
        self.points.set_offsets(np.column_stack([v, np.zeros_like(v)]))
        if active is None:
            self.active_point.set_data([], [])
        else:
            self.active_point.set_data([v[active]], [0.0])
        grid = self._grid()
        mse_curve, mae_curve = constant_loss_curves(v, grid)
        self.mse_curve.set_data(grid, mse_curve)
        self.mae_curve.set_data(grid, mae_curve)
        mean, median = float(v.mean()), float(np.median(v))
        best_mse = mse(np.full_like(v, mean), v)
        best_mae = mae(np.full_like(v, median), v)
        self.mse_min.set_data([mean], [best_mse])
        self.mae_min.set_data([median], [best_mae])
        for line in self.mean_lines:
            line.set_xdata([mean, mean])
        for line in self.median_lines:
            line.set_xdata([median, median])

    def push(self, value: float, previous: float | None):
        """Follow a drag at ``value`` whose last mouse position was at axis fraction ``previous``
        (None at the start of a drag); returns ``(value, fraction, changed)`` (see :func:`push_limits`)."""
        value, fraction, changed = _push_axis(self.ax_values.get_xlim, self.ax_values.set_xlim, value, previous)
        self._limits_moved |= changed
        return value, fraction, changed

    def update(self, values, active: int | None = None) -> None:
        """Show new numbers: blit, or a full redraw if the axes were pushed or the curves rescaled."""
        values = np.asarray(values, dtype=float)
        pushed, self._limits_moved = self._limits_moved, False
        changed = self._curve_limits(values) or pushed
        self.set_artists(values, active)
        if changed:
            self.blitter.full_redraw(during_drag=pushed)  # the widget redraws in full on release
        else:
            self.blitter.update()


def pull_figure(residuals, delta: float = 1.0, *, labels=None, width: float = 8.0, height: float = 3.8):
    """Left: each loss's pull (d loss / d prediction) against the error e.
    Right: the pull of each data point at the given residuals, L2 against L1.
    """
    fig, (left, right) = new_figure(width, height, ncols=2)
    e = np.linspace(-4, 4, 401)
    for loss, label in (("l2", "L2: $2e$"), ("huber", f"Huber: clip(e, ±{delta:g})"),
                        ("l1", "L1: sign(e)")):
        left.plot(e, pull(e, loss, delta), LOSS_STYLES[loss], color=LOSS_COLORS[loss], label=label)
    left.axhline(0, color=MUTED_COLOR, lw=0.8)
    left.set_xlabel("error e = prediction − target")
    left.set_ylabel("pull on the fit")
    left.set_title("How hard a point pulls, by the size of its error")
    left.legend(loc="upper left")

    residuals = np.asarray(residuals, dtype=float)
    index = np.arange(residuals.size)
    right.bar(index - 0.2, pull(residuals, "l2"), width=0.4, color=L2_COLOR, label="L2 pull 2e")
    right.bar(index + 0.2, pull(residuals, "l1"), width=0.4, color=L1_COLOR, label="L1 pull sign(e)")
    right.axhline(0, color=MUTED_COLOR, lw=0.8)
    right.set_xticks(index, labels if labels is not None else [str(i + 1) for i in index])
    right.set_xlabel("data point")
    right.set_title("Each point's pull at the least-squares line")
    right.legend(loc="lower left")
    return fig


def _residual_panel(ax, residuals: dict, labels, title: str, flagged=()) -> None:
    """Residuals per observation, one thin bar per loss side by side; flagged observations labelled."""
    index = np.arange(len(labels))
    width = 0.8 / len(residuals)
    for k, (loss, r) in enumerate(residuals.items()):
        ax.bar(index + (k - (len(residuals) - 1) / 2) * width, r, width=width, color=LOSS_COLORS[loss],
               label=f"{LOSS_NAMES[loss]} residuals")
    ax.axhline(0, color=MUTED_COLOR, lw=0.8)
    step = max(1, len(labels) // 10)
    ticks = sorted(set(index[::step]) | {i for i, name in enumerate(labels) if name in flagged})
    ax.set_xticks(ticks, [labels[i] for i in ticks])
    for tick in ax.get_xticklabels():
        if tick.get_text() in flagged:
            tick.set_fontweight("bold")
    ax.set_xlabel("observation")
    ax.set_ylabel("y − prediction")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=9)


def anscombe_figure(x, y, fits: dict, *, width: float = 8.0, height: float = 3.8):
    """Anscombe III: the points with the L2 and L1 lines (left) and their residuals (right)."""
    fig, (left, right) = new_figure(width, height, ncols=2)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    left.scatter(x, y, s=42, color=POINT_COLOR, zorder=4)
    xs = np.array([x.min() - 1, x.max() + 1])
    for loss, (slope, intercept) in fits.items():
        left.plot(xs, slope * xs + intercept, LOSS_STYLES[loss], color=LOSS_COLORS[loss],
                  label=f"{LOSS_NAMES[loss]}: y = {slope:.3f}x + {intercept:.2f}")
    worst = int(np.argmax(np.abs(y - fits["l1"][0] * x - fits["l1"][1])))
    left.annotate("the outlier", (x[worst], y[worst]), xytext=(-95, -30), textcoords="offset points",
                  arrowprops={"arrowstyle": "->", "color": POINT_COLOR}, va="center")
    left.set_xlabel("x")
    left.set_ylabel("y")
    left.set_title("Anscombe III: ten points on a line, one off it")
    left.legend(loc="lower right", fontsize=9)
    order = np.argsort(x)
    residuals = {loss: (y - s * x - b)[order] for loss, (s, b) in fits.items()}
    _residual_panel(right, residuals, [f"{v:g}" for v in x[order]], "Residuals, points sorted by x")
    right.set_xlabel("x of the point")
    return fig


def stackloss_figure(feature_names, coefs: dict, residuals: dict, flagged=(), *, width: float = 8.0,
                     height: float = 3.8):
    """Stack loss: L2 and L1 coefficients side by side (left) and residuals per day (right)."""
    fig, (left, right) = new_figure(width, height, ncols=2, gridspec_kw={"width_ratios": [1, 1.6]})
    index = np.arange(len(feature_names))
    width_bar = 0.8 / len(coefs)
    for k, (loss, coef) in enumerate(coefs.items()):
        bars = left.bar(index + (k - (len(coefs) - 1) / 2) * width_bar, coef, width=width_bar,
                        color=LOSS_COLORS[loss], label=LOSS_NAMES[loss])
        left.bar_label(bars, fmt="%.2f", fontsize=9, padding=2)
    left.axhline(0, color=MUTED_COLOR, lw=0.8)
    left.set_xticks(index, list(feature_names))
    left.set_ylabel("coefficient")
    left.set_title("Coefficients")
    values = np.concatenate([np.ravel(c) for c in coefs.values()])
    span = values.max() - min(values.min(), 0.0)
    left.set_ylim(min(values.min(), 0.0) - 0.12 * span, values.max() + 0.45 * span)  # room for the legend
    left.legend(loc="upper right", fontsize=9)
    n = len(next(iter(residuals.values())))
    _residual_panel(right, residuals, [str(i + 1) for i in range(n)], "Residuals per day",
                    flagged=[str(i) for i in flagged])
    right.set_xlabel("day (observation number)")
    return fig


def held_out_figure(splits: dict, fits: dict, errors: dict, *, width: float = 8.0, height: float = 4.4):
    """One panel per generated data set: training points, held-out points (faint), the
    L2 and L1 lines and the line new data follow on average, titled with held-out RMSE.

    The y range shows the middle 98% of the held-out points, so the lines stay readable.
    """
    fig, axes = new_figure(width, height, ncols=len(splits))
    for ax, (name, split) in zip(np.atleast_1d(axes), splits.items()):
        test = ax.scatter(split.x_test[:300], split.y_test[:300], s=6, color=MUTED_COLOR, alpha=0.5)
        train = ax.scatter(split.x_train, split.y_train, s=28, color=POINT_COLOR, zorder=4)
        xs = np.array([0.0, 10.0])
        ax.plot(xs, split.mean_slope * xs + split.mean_intercept, ":", color="black", lw=1.8,
                label="E[y | x]: average of new data")
        for loss, (slope, intercept) in fits[name].items():
            ax.plot(xs, slope * xs + intercept, LOSS_STYLES[loss], color=LOSS_COLORS[loss],
                    label=f"{LOSS_NAMES[loss]}: RMSE {errors[name][loss]['rmse']:.2f}")
        lo, hi = np.percentile(split.y_test, [1, 99])
        ax.set_ylim(lo - 0.1 * (hi - lo), hi + 0.25 * (hi - lo))
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.legend(loc="upper left", fontsize=9)
    np.atleast_1d(axes)[0].set_ylabel("y")
    fig.legend([train, test], ["training points", f"held-out points ({min(300, split.x_test.size)} shown); "
               "RMSE is measured on all of them"],
               loc="outside lower center", ncols=2, fontsize=9.5)
    return fig
