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

# Heights the bar panel may take. The panel keeps its height while a prediction moves and
# changes only between moves, and only to one of these, so that heights can be compared.
BAR_TOPS = (1.5, 3.0, 6.0, 12.0, 25.0, 50.0)
BAR_HEADROOM = 1.15      # the tallest bar fills at most 1/1.15 of a fitted panel
BAR_SHRINK_BELOW = 1 / 8  # ... and the panel shrinks only when the tallest bar fills less than this


def bar_top_for(tallest: float) -> float:
    """The lowest panel height in :data:`BAR_TOPS` that shows a bar of height ``tallest`` whole."""
    for top in BAR_TOPS:
        if BAR_HEADROOM * tallest <= top:
            return top
    return BAR_HEADROOM * tallest


class ErrorBarsFigure:
    """Left: targets (hollow squares) and predictions (draggable dots), joined by the error d_i.
    Right: bars of |d_i| (L1) and d_i^2 (L2) per element, with MAE and MSE as dashed lines.

    ``update(pred)`` moves everything and keeps the bar panel's scale (a bar taller than the
    panel is cut at the top and labelled with its height); ``fit_scale()`` refits the scale
    between moves, rarely (see :data:`BAR_TOPS`).
    """

    def __init__(self, target, pred, *, y_range=(-1.0, 7.0), width: float = 8.2,
                 height: float = 4.2):
        self.target = np.asarray(target, dtype=float)
        self.n = self.target.size
        self.index = np.arange(1, self.n + 1)
        # Fixed margins (no layout engine): the bar panel's tick labels change width when it
        # rescales, and the drag targets on the left must not move when they do.
        self.fig, (self.ax_pred, self.ax_bars) = new_figure(width, height, ncols=2, layout="none")
        self.fig.subplots_adjust(left=0.08, right=0.985, bottom=0.12, top=0.79, wspace=0.28)
        ax, axb = self.ax_pred, self.ax_bars
        legend_kw = dict(loc="lower left", bbox_to_anchor=(0.0, 1.0), fontsize=9, handletextpad=0.4,
                         columnspacing=1.0, borderaxespad=0.2)

        ax.set_xlim(0.4, self.n + 0.6)
        low, high = y_range
        ax.set_ylim(low - 0.3, high + 0.3)
        ax.set_xticks(self.index)
        ax.set_xlabel("element i")
        ax.set_ylabel("value")
        ax.set_title("Drag a prediction up or down", pad=42)
        (self.errors,) = ax.plot([], [], color=MUTED_COLOR, lw=2, label="error $d_i = \\hat y_i - y_i$")
        (self.points,) = ax.plot([], [], "o", ms=11, color=HIGHLIGHT_COLOR, mec="black", mew=1.0,
                                 zorder=5, label="prediction $\\hat y_i$")
        # Hollow squares drawn over the dots: a target stays visible under a prediction on it.
        (self.targets,) = ax.plot(self.index, self.target, "s", ms=16, mfc="none", mec=POINT_COLOR,
                                  mew=2.2, zorder=6, label="target $y_i$")
        ax.legend(handles=[self.targets, self.points, self.errors], ncols=3, **legend_kw)

        offset = 0.2
        self.abs_bars = axb.bar(self.index - offset, np.zeros(self.n), width=0.38, color=L1_COLOR,
                                label="$|d_i|$ (left bar)")
        self.sq_bars = axb.bar(self.index + offset, np.zeros(self.n), width=0.38, color=L2_COLOR,
                               hatch="//", edgecolor="white", linewidth=0, label="$d_i^2$ (right bar)")
        self.mae_line = axb.axhline(0, color=L1_COLOR, ls="--", lw=1.5, label="MAE = mean $|d_i|$")
        self.mse_line = axb.axhline(0, color=L2_COLOR, ls=":", lw=2.0, label="MSE = mean $d_i^2$")
        axb.set_xlim(0.4, self.n + 0.6)
        axb.set_xticks(self.index)
        axb.set_xlabel("element i")
        axb.set_title("Absolute and squared errors", pad=42)
        axb.legend(ncols=2, **legend_kw)
        label_kw = dict(ha="center", va="top", fontsize=9, color=L2_COLOR, visible=False,
                        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec=L2_COLOR, lw=0.8))
        # One label per element, shown when its bars are taller than the panel.
        self.overflow_labels = [axb.text(i, 0.0, "", **label_kw) for i in self.index]
        self.mse_overflow = axb.text(0.99, 0.99, "", transform=axb.transAxes, ha="right", va="top",
                                     fontsize=9, color=L2_COLOR, visible=False)
        self.blitter = Blitter(self.fig, [self.errors, self.points, self.targets, *self.abs_bars,
                                          *self.sq_bars, self.mae_line, self.mse_line,
                                          *self.overflow_labels, self.mse_overflow])
        self.pred = np.zeros(self.n)
        axb.set_ylim(0, 1.0)
        self.set_artists(pred)
        axb.set_ylim(0, bar_top_for(self.tallest))
        self.set_artists(pred)

    @property
    def tallest(self) -> float:
        """The tallest bar now: max over i of |d_i| and d_i^2."""
        d = np.abs(self.pred - self.target)
        return float(max(d.max(), (d * d).max()))

    @property
    def bar_top(self) -> float:
        return float(self.ax_bars.get_ylim()[1])

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
        mae, mse = float(absolute.mean()), float(squared.mean())
        self.mae_line.set_ydata([mae] * 2)
        self.mse_line.set_ydata([mse] * 2)
        top = self.bar_top
        for label, a, s in zip(self.overflow_labels, absolute, squared):
            over = [f"{v:.1f}" for v in (a, s) if v > top]
            label.set_visible(bool(over))
            label.set_position((label.get_position()[0], 0.985 * top))
            label.set_text("▲ " + " / ".join(over) if over else "")
        self.mse_overflow.set_visible(mse > top)
        self.mse_overflow.set_text(f"MSE = {mse:.2f} ▲" if mse > top else "")

    def update(self, pred) -> None:
        """Show predictions ``pred`` at the current scale (a blit)."""
        self.set_artists(pred)
        self.blitter.update()

    def fit_scale(self) -> bool:
        """Between moves: grow the bar panel if a bar is cut, shrink it if the bars got tiny.

        Returns whether the scale changed (then the figure is redrawn in full).
        """
        top, tallest = self.bar_top, self.tallest
        if BAR_HEADROOM * tallest <= top and tallest >= BAR_SHRINK_BELOW * top:
            return False
        new_top = bar_top_for(tallest)
        if new_top == top:
            return False
        self.ax_bars.set_ylim(0, new_top)
        self.set_artists(self.pred)
        self.blitter.full_redraw()
        return True


# Units for the crossing figure: how long "1 unit" is, in metres.
UNIT_STOPS = (("25 cm", 0.25), ("50 cm", 0.5), ("1 m", 1.0), ("2 m", 2.0))
# Heights the crossing figure's y-axis may take: the lowest one that holds every mark below
# the band at the top where the unit's note sits.
CROSSING_TOPS = (4.0, 10.0, 20.0, 45.0, 90.0, 180.0)
CROSSING_HEADROOM = 1.2
MARK_SHAPES = ("s", "^", "D")   # |e|, e^2, Huber: told apart by shape as well as by colour


def crossing_top_for(highest: float) -> float:
    """The y-axis top for marks up to ``highest``: the lowest of :data:`CROSSING_TOPS` with room."""
    for top in CROSSING_TOPS:
        if CROSSING_HEADROOM * highest <= top:
            return top
    return CROSSING_HEADROOM * highest


class CrossingFigure:
    """|e|, e^2 and Huber (delta = 1 unit) against an error e measured in metres.

    Errors are counted in a chosen unit: with 1 unit = u metres the curves are |e/u|,
    (e/u)^2 and Huber(e/u), so they cross where e = u, not at 1 m: "squaring shrinks
    errors below 1" depends on the unit. ``update(e, unit)`` marks the current error with
    a square (|e|), a triangle (e^2) and a diamond (Huber), each labelled with its value;
    the y-axis grows (to one of :data:`CROSSING_TOPS`) so that every mark stays in view.
    """

    def __init__(self, e=0.5, unit=1.0, *, e_max: float = 3.0, units=UNIT_STOPS,
                 width: float = 8.2, height: float = 3.9):
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
        ax.set_xlim(-e_max * 1.04, e_max * 1.04)
        ax.set_ylim(0, CROSSING_TOPS[0])
        ax.set_xlabel("error e (metres)")
        ax.set_ylabel("|e| in units; e², Huber in units²")
        ax.set_title("Squaring shrinks errors below 1 unit and grows those above")
        colors = (L1_COLOR, L2_COLOR, HUBER_COLOR)
        names = ("|e|  (L1)", "e²  (L2)", "Huber, δ = 1 unit")
        styles = ("-", "--", "-.")
        self.abs_curve, self.sq_curve, self.huber_curve = (
            ax.plot([], [], color=c, ls=ls, label=name)[0] for c, ls, name in zip(colors, styles, names))
        (self.crossing,) = ax.plot([], [], ":", color=MUTED_COLOR, lw=1.5)
        (self.marker_line,) = ax.plot([], [], color=HIGHLIGHT_COLOR, lw=1.5)
        self.marks = [ax.plot([], [], shape, ms=9, color=c, mec="black", mew=1.0, zorder=5)[0]
                      for shape, c in zip(MARK_SHAPES, colors)]
        self.mark_labels = [ax.text(0, 0, "", fontsize=10, color=c, va="center", zorder=6,
                                    transform=ax.transAxes,
                                    bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
                            for c in colors]
        self.unit_text = ax.text(0.5, 0.97, "", transform=ax.transAxes, ha="center", va="top",
                                 fontsize=11, color=POINT_COLOR,
                                 bbox=dict(boxstyle="round,pad=0.25", fc="white", ec="none", alpha=0.9))
        handles = [ax.plot([], [], color=c, ls=ls, marker=shape, ms=8, mec="black", label=name)[0]
                   for c, ls, shape, name in zip(colors, styles, MARK_SHAPES, names)]
        self.fig.legend(handles=handles, loc="outside right upper", fontsize=10, handlelength=3)
        self.blitter = Blitter(self.fig, [self.abs_curve, self.sq_curve, self.huber_curve,
                                          self.crossing, self.marker_line, *self.marks,
                                          *self.mark_labels, self.unit_text])
        self.e, self.unit = 0.0, 1.0
        freeze_layout(self.fig)
        self.set_artists(e, unit)

    @staticmethod
    def values(e, unit=1.0):
        """(|e/u|, (e/u)^2, Huber(e/u)) for one error ``e`` in metres with 1 unit = ``unit`` metres."""
        scaled = np.array([float(e) / float(unit)])
        zero = np.zeros(1)
        return (l1_loss(scaled, zero, reduction="sum"), l2_loss(scaled, zero, reduction="sum"),
                huber_loss(scaled, zero, delta=1.0, reduction="sum"))

    @property
    def y_top(self) -> float:
        return float(self.ax.get_ylim()[1])

    def set_artists(self, e, unit) -> bool:
        """Show error ``e`` with unit ``unit``; returns whether the y-axis changed (full redraw)."""
        unit = float(unit)
        if unit not in self.curves:
            raise ValueError(f"unit must be one of {sorted(self.curves)} metres; got {unit!r}")
        values = self.values(e, unit)
        self.e, self.unit = float(e), unit
        top = crossing_top_for(max(values))
        rescaled = top != self.y_top
        if rescaled:
            self.ax.set_ylim(0, top)
        for curve, ys in zip((self.abs_curve, self.sq_curve, self.huber_curve), self.curves[unit]):
            curve.set_data(self.grid, ys)
        self.crossing.set_data([-unit, -unit, np.nan, unit, unit], [0, top, np.nan, 0, top])
        self.marker_line.set_data([self.e, self.e], [0, top])
        names = ("|e|", "e²", "Huber")
        for mark, label, name, value in zip(self.marks, self.mark_labels, names, values):
            mark.set_data([self.e], [value])
            label.set_text(f"{name} = {value:.2f}")
        self._place_labels(values)
        self.unit_text.set_text(f"1 unit = {unit:g} m: |e| and e² cross at e = ±{unit:g} m")
        return rescaled

    def _place_labels(self, values) -> None:
        """Put each mark's label beside it, on the side with room, never on top of another label."""
        ax = self.ax
        to_px = ax.transData.transform
        box = ax.bbox
        x_px = to_px((self.e, 0.0))[0]
        points = self.fig.dpi / 72
        gap, width, height = 9 * points, 95 * points, 15 * points
        right = x_px + gap + width <= box.x1
        x_label = x_px + gap if right else x_px - gap
        ys = np.array([to_px((self.e, v))[1] for v in values])
        order = np.argsort(ys, kind="stable")
        placed = np.empty(3)
        low = box.y0 + height / 2
        for k in order:                      # bottom up, each at least one label height above the last
            placed[k] = max(ys[k], low)
            low = placed[k] + height
        excess = placed.max() - (box.y1 - 2.0 * height)   # keep clear of the unit's note at the top
        if excess > 0:                       # pushed past the top: slide the stack down
            placed -= excess
        to_axes = ax.transAxes.inverted().transform
        for label, y in zip(self.mark_labels, placed):
            label.set_position(to_axes((x_label, y)))
            label.set_horizontalalignment("left" if right else "right")

    def update(self, e, unit) -> None:
        if self.set_artists(e, unit):
            self.blitter.full_redraw()
        else:
            self.blitter.update()
