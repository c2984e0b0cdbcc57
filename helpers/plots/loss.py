"""Figures for notebook 02_loss: per-element errors as bars, and the crossing of |e| and e^2 at 1.

Each figure is built once; ``update(...)`` moves its artists in place and blits.
"""

from __future__ import annotations

import numpy as np

from helpers.losses import huber_loss, l1_loss, l2_loss
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
from helpers.plots.layout import freeze_layout


class ErrorBarsFigure:
    """Left: targets (squares) and predictions (draggable circles), joined by the error d_i.
    Right: bars of |d_i| (L1) and d_i^2 (L2) per element, with MAE and MSE as dashed lines.

    ``update(pred)`` moves everything. The bar panel's height follows the largest bar
    (a full redraw only when it must grow or may shrink a lot; a blit otherwise).
    """

    def __init__(self, target, pred, *, y_range=(-1.0, 7.0), width: float = 8.2,
                 height: float = 4.0):
        self.target = np.asarray(target, dtype=float)
        self.n = self.target.size
        self.index = np.arange(1, self.n + 1)
        # Fixed margins (no layout engine): the bar panel's tick labels change width when it
        # rescales, and the drag targets on the left must not move when they do.
        self.fig, (self.ax_pred, self.ax_bars) = new_figure(width, height, ncols=2, layout="none")
        self.fig.subplots_adjust(left=0.08, right=0.985, bottom=0.13, top=0.92, wspace=0.28)
        ax, axb = self.ax_pred, self.ax_bars

        ax.set_xlim(0.4, self.n + 0.6)
        low, high = y_range
        ax.set_ylim(low - 0.3, high + 0.25 * (high - low))   # room for the legend above
        ax.set_xticks(self.index)
        ax.set_xlabel("element i")
        ax.set_ylabel("value")
        ax.set_title("Drag a prediction up or down")
        (self.errors,) = ax.plot([], [], color=MUTED_COLOR, lw=2, label="error $d_i = \\hat y_i - y_i$")
        ax.plot(self.index, self.target, "s", ms=10, color=POINT_COLOR, label="target $y_i$")
        (self.points,) = ax.plot([], [], "o", ms=12, color=HIGHLIGHT_COLOR, mec="black", zorder=5,
                                 label="prediction $\\hat y_i$")
        ax.legend(loc="upper left", ncols=3, fontsize=9, handletextpad=0.3, columnspacing=0.8)

        offset = 0.2
        self.abs_bars = axb.bar(self.index - offset, np.zeros(self.n), width=0.38, color=L1_COLOR,
                                label="$|d_i|$")
        self.sq_bars = axb.bar(self.index + offset, np.zeros(self.n), width=0.38, color=L2_COLOR,
                               label="$d_i^2$")
        self.mae_line = axb.axhline(0, color=L1_COLOR, ls="--", lw=1.5, label="MAE = mean $|d_i|$")
        self.mse_line = axb.axhline(0, color=L2_COLOR, ls="--", lw=1.5, label="MSE = mean $d_i^2$")
        axb.set_xlim(0.4, self.n + 0.6)
        axb.set_xticks(self.index)
        axb.set_xlabel("element i")
        axb.set_title("Absolute and squared errors")
        axb.legend(loc="upper left", ncols=2, fontsize=9)
        self.blitter = Blitter(self.fig, [self.errors, self.points, *self.abs_bars, *self.sq_bars,
                                          self.mae_line, self.mse_line])
        self.pred = np.zeros(self.n)
        self.set_artists(pred)
        axb.set_ylim(0, self._top())

    def _top(self) -> float:
        """A bar-panel height that fits the tallest bar with room for the legend."""
        tallest = max(float(np.max(np.abs(self.pred - self.target))),
                      float(np.max((self.pred - self.target) ** 2)), 1.0)
        return 1.45 * tallest

    def set_artists(self, pred) -> None:
        """Move the artists to show ``pred`` (no redraw); the numbers come from helpers.losses."""
        pred = np.asarray(pred, dtype=float)
        absolute = l1_loss(pred, self.target, reduction="none")
        squared = l2_loss(pred, self.target, reduction="none")
        self.pred = pred.copy()
        self.points.set_data(self.index, pred)
        gaps = np.full(self.n, np.nan)
        self.errors.set_data(np.column_stack([self.index, self.index, gaps]).ravel(),
                             np.column_stack([self.target, pred, gaps]).ravel())
        for bar, value in zip(self.abs_bars, absolute):
            bar.set_height(value)
        for bar, value in zip(self.sq_bars, squared):
            bar.set_height(value)
        self.mae_line.set_ydata([absolute.mean()] * 2)
        self.mse_line.set_ydata([squared.mean()] * 2)

    def update(self, pred) -> None:
        """Show predictions ``pred``: blit, or redraw in full when the bar panel must rescale."""
        self.set_artists(pred)
        top = self._top()
        current = self.ax_bars.get_ylim()[1]
        if top > current or top < 0.4 * current:
            self.ax_bars.set_ylim(0, top)
            self.blitter.full_redraw()
        else:
            self.blitter.update()


# Units for the crossing figure: how long "1 unit" is, in metres.
UNIT_STOPS = (("25 cm", 0.25), ("50 cm", 0.5), ("1 m", 1.0), ("2 m", 2.0))


class CrossingFigure:
    """|e|, e^2 and Huber (delta = 1 unit) against an error e measured in metres.

    Errors are counted in a chosen unit: with 1 unit = u metres the curves are |e/u|,
    (e/u)^2 and Huber(e/u), so they cross where e = u, not at 1 m: "squaring shrinks
    errors below 1" depends on the unit. ``update(e, unit)`` marks the current error;
    the curves for every unit come from a table made at build time.
    """

    def __init__(self, e=0.5, unit=1.0, *, e_max: float = 2.5, y_max: float = 4.0,
                 units=UNIT_STOPS, width: float = 8.2, height: float = 3.9):
        self.grid = np.linspace(-e_max, e_max, 601)
        zeros = np.zeros_like(self.grid)
        self.curves = {}
        for _, u in units:
            scaled = self.grid / u
            self.curves[u] = (l1_loss(scaled, zeros, reduction="none"),
                              l2_loss(scaled, zeros, reduction="none"),
                              huber_loss(scaled, zeros, delta=1.0, reduction="none"))
        self.fig, self.ax = new_figure(width, height)
        ax = self.ax
        ax.set_xlim(-e_max, e_max)
        ax.set_ylim(0, y_max)
        ax.set_xlabel("error e (metres)")
        ax.set_ylabel("loss of this one error")
        ax.set_title("Squaring shrinks errors below 1 unit and grows those above")
        (self.abs_curve,) = ax.plot([], [], color=L1_COLOR, label="|e|  (L1)")
        (self.sq_curve,) = ax.plot([], [], color=L2_COLOR, label="e²  (L2)")
        (self.huber_curve,) = ax.plot([], [], color=HUBER_COLOR, ls="-.",
                                      label="Huber, δ = 1 unit")
        (self.crossing,) = ax.plot([], [], ":", color=MUTED_COLOR, lw=1.5)
        (self.marker_line,) = ax.plot([], [], color=HIGHLIGHT_COLOR, lw=1.5)
        (self.marks,) = ax.plot([], [], "o", ms=9, color=HIGHLIGHT_COLOR, mec="black", zorder=5)
        self.unit_text = ax.text(0.5, 0.97, "", transform=ax.transAxes, ha="center", va="top",
                                 fontsize=11, color=POINT_COLOR,
                                 bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="none", alpha=0.9))
        self.fig.legend(handles=[self.abs_curve, self.sq_curve, self.huber_curve],
                        loc="outside right upper", fontsize=10)
        self.y_max = y_max
        self.blitter = Blitter(self.fig, [self.abs_curve, self.sq_curve, self.huber_curve,
                                          self.crossing, self.marker_line, self.marks,
                                          self.unit_text])
        self.e, self.unit = 0.0, 1.0
        self.set_artists(e, unit)
        freeze_layout(self.fig)

    @staticmethod
    def values(e, unit=1.0):
        """(|e/u|, (e/u)^2, Huber(e/u)) for one error ``e`` in metres with 1 unit = ``unit`` metres."""
        scaled = np.array([float(e) / float(unit)])
        zero = np.zeros(1)
        return (l1_loss(scaled, zero, reduction="sum"), l2_loss(scaled, zero, reduction="sum"),
                huber_loss(scaled, zero, delta=1.0, reduction="sum"))

    def set_artists(self, e, unit) -> None:
        unit = float(unit)
        if unit not in self.curves:
            raise ValueError(f"unit must be one of {sorted(self.curves)} metres; got {unit!r}")
        absolute, squared, huber = self.values(e, unit)
        self.e, self.unit = float(e), unit
        curve_abs, curve_sq, curve_huber = self.curves[unit]
        self.abs_curve.set_data(self.grid, curve_abs)
        self.sq_curve.set_data(self.grid, curve_sq)
        self.huber_curve.set_data(self.grid, curve_huber)
        self.crossing.set_data([-unit, -unit, np.nan, unit, unit], [0, self.y_max, np.nan, 0, self.y_max])
        self.marker_line.set_data([self.e, self.e], [0, self.y_max])
        self.marks.set_data([self.e] * 3, [absolute, squared, huber])
        self.unit_text.set_text(f"1 unit = {unit:g} m: |e| and e² cross at e = ±{unit:g} m")

    def update(self, e, unit) -> None:
        self.set_artists(e, unit)
        self.blitter.update()
