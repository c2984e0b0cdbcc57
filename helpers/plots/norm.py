"""Figures for notebook 01_norm: one vector's L1 path and L2 segment, Lp unit balls, n dimensions.

Each figure is built once; ``update(...)`` moves its artists in place and blits.
"""

from __future__ import annotations

import numpy as np

from helpers.norms import l0_count, l1_norm, l2_norm, linf_norm, lp_norm, unit_sphere
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

# The stops of the p slider: 0.5 to 10, then infinity (the L-infinity "square").
P_STOPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0, 6.0, 10.0, np.inf)
LP_COLOR = HUBER_COLOR  # the current Lp: "in between" L1 and L2


def p_label(p) -> str:
    """'∞' for infinity, else p without trailing zeros ('0.5', '2')."""
    return "∞" if np.isinf(p) else f"{float(p):g}"


def lp_balls(p_values=P_STOPS, num: int = 401) -> dict:
    """Edges of the unit balls {p: (2, num) array} for every p, computed once at build time."""
    return {p: unit_sphere(p, num) for p in p_values}


def _equal_square(ax, limit: float) -> None:
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.axhline(0, color=MUTED_COLOR, lw=0.8)
    ax.axvline(0, color=MUTED_COLOR, lw=0.8)


class VectorNormFigure:
    """Left: the vector x, its L1 taxicab path, its L2 segment and the Lp curve through x.
    Right: the Lp unit ball {v : ||v||_p <= 1} for the current p, filled, with its edge
    {v : ||v||_p = 1} drawn thick and the edges of the L1 and L2 balls as references.

    ``update(x, p)`` moves everything; curves come from a table made at build time.
    """

    def __init__(self, x=(3.0, 2.0), p=2.0, *, p_values=P_STOPS, limit: float = 4.0,
                 width: float = 8.2, height: float = 4.5):
        self.limit = float(limit)
        self.balls = lp_balls(p_values)
        if 1.0 not in self.balls or 2.0 not in self.balls:
            self.balls.update(lp_balls((1.0, 2.0)))
        self.fig, (self.ax_vec, self.ax_ball) = new_figure(width, height, ncols=2)
        ax, axb = self.ax_vec, self.ax_ball

        _equal_square(ax, self.limit)
        ax.set_title("Your vector x: drag the orange tip")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        (self.lp_level,) = ax.plot([], [], color=LP_COLOR, ls="--", lw=1.5,
                                   label=r"same $\|\cdot\|_p$ as x")
        (self.l1_path,) = ax.plot([], [], color=L1_COLOR, lw=3.5, solid_capstyle="butt",
                                  label=r"L1: taxicab path $|x_1| + |x_2|$")
        (self.l2_segment,) = ax.plot([], [], color=L2_COLOR, lw=2.5,
                                     label=r"L2: straight line $\sqrt{x_1^2 + x_2^2}$")
        (self.tip,) = ax.plot([], [], "o", ms=13, color=HIGHLIGHT_COLOR, mec="black", zorder=5)
        box = dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.85)
        self.l1_text = ax.text(0, 0, "", color=L1_COLOR, fontsize=11, fontweight="bold",
                               ha="center", va="center", bbox=box)
        self.l2_text = ax.text(0, 0, "", color=L2_COLOR, fontsize=11, fontweight="bold",
                               ha="center", va="center", bbox=box)

        _equal_square(axb, 1.5)
        axb.set_xlabel("$v_1$")
        axb.plot(*self.balls[1.0], color=L1_COLOR, lw=1.3, alpha=0.8, label="L1 diamond (p = 1)")
        axb.plot(*self.balls[2.0], color=L2_COLOR, lw=1.3, alpha=0.8, label="L2 circle (p = 2)")
        # The ball is the filled region ||v||_p <= 1; the thick curve is its edge ||v||_p = 1.
        (self.ball_fill,) = axb.fill([0.0], [0.0], color=LP_COLOR, alpha=0.18, lw=0,
                                     label=r"Lp ball: $\|v\|_p \leq 1$")
        (self.chord,) = axb.plot([1.0, 0.5, 0.0], [0.0, 0.5, 1.0], ":", color=POINT_COLOR, lw=1.5,
                                 marker="o", ms=5, visible=False)
        (self.ball,) = axb.plot([], [], color=LP_COLOR, lw=3, label=r"its edge: $\|v\|_p = 1$")
        (self.direction,) = axb.plot([], [], "o", ms=10, color=HIGHLIGHT_COLOR, mec="black",
                                     zorder=5, label=r"$x / \|x\|_p$")
        axb.set_title("Unit ball: all v with ‖v‖ₚ ≤ 1")
        self.p_text = axb.text(0.03, 0.97, "", transform=axb.transAxes, ha="left", va="top",
                               fontsize=13, fontweight="bold", color=LP_COLOR)
        handles = [self.l1_path, self.l2_segment, self.lp_level, self.ball_fill, self.ball, self.direction]
        self.fig.legend(handles=handles, loc="outside lower center", ncols=3, fontsize=10)
        self.blitter = Blitter(self.fig, [self.lp_level, self.l1_path, self.l2_segment, self.tip,
                                          self.l1_text, self.l2_text, self.ball_fill, self.ball,
                                          self.direction,
                                          self.p_text, self.chord])
        self.x = np.zeros(2)
        self.p = float(p)
        self.set_artists(x, p)
        freeze_layout(self.fig)

    def set_artists(self, x, p) -> None:
        """Move every artist to show vector ``x`` (2 numbers) and order ``p`` (no redraw)."""
        x = np.asarray(x, dtype=float)
        p = float(p)
        l1, l2, size_p = l1_norm(x), l2_norm(x), lp_norm(x, p)
        if p not in self.balls:
            self.balls[p] = unit_sphere(p, 401)
        curve = self.balls[p]
        self.x, self.p = x.copy(), p
        x1, x2 = x
        self.l1_path.set_data([0.0, x1, x1], [0.0, 0.0, x2])
        self.l2_segment.set_data([0.0, x1], [0.0, x2])
        self.tip.set_data([x1], [x2])
        self.lp_level.set_data(*(curve * size_p))
        self.l1_text.set_text(f"L1 = {l1:.2f}")
        self.l2_text.set_text(f"L2 = {l2:.2f}")
        l1_pos, (l2_pos, ha, va) = self._label_positions(x)
        self.l1_text.set_position(l1_pos)
        self.l2_text.set_position(l2_pos)
        self.l2_text.set_horizontalalignment(ha)
        self.l2_text.set_verticalalignment(va)
        self.ball.set_data(*curve)
        self.ball_fill.set_xy(curve.T)
        self.p_text.set_text(f"p = {p_label(p)}")
        if size_p > 0:
            self.direction.set_data([x1 / size_p], [x2 / size_p])
            self.direction.set_visible(True)
        else:
            self.direction.set_visible(False)
        # p < 1: the chord from (1, 0) to (0, 1) leaves the ball (its midpoint has size > 1).
        self.chord.set_visible(p < 1.0)

    def _label_positions(self, x):
        """Where the labels go: L1 beside the horizontal leg; L2 beside the segment, on the
        side away from the taxicab corner, as (position, ha, va)."""
        x1, x2 = x
        gap = 0.08 * self.limit
        l1_pos = (x1 / 2, -1.4 * gap if x2 >= 0 else 1.4 * gap)
        length = np.hypot(x1, x2)
        if length == 0:
            return l1_pos, ((0.0, 2 * gap), "center", "bottom")
        normal = np.array([-x2, x1]) / length
        side = np.sign(np.dot([x1 / 2, -x2 / 2], normal))
        if side == 0:  # on an axis the taxicab path is the segment: L2's label goes above it
            away = normal if normal[1] >= 0 else -normal
        else:
            away = -side * normal
        ha = "left" if away[0] > 0.3 else "right" if away[0] < -0.3 else "center"
        va = "bottom" if away[1] > 0.3 else "top" if away[1] < -0.3 else "center"
        return l1_pos, (tuple(np.array([x1, x2]) / 2 + gap * away), ha, va)

    def update(self, x, p) -> None:
        """Show vector ``x`` and order ``p``: move the artists, then blit."""
        self.set_artists(x, p)
        self.blitter.update()


def _norm_rows(x: np.ndarray) -> dict:
    return {"L∞": linf_norm(x), "L2": l2_norm(x), "L1": l1_norm(x), "L0": l0_count(x)}


class NDimNormFigure:
    """n dimensions: bars of a vector with k non-zeros, and ||x||_1/||x||_2 against k.

    The ratio always lies between 1 and sqrt(k) = sqrt(L0) (Cauchy-Schwarz on the
    non-zeros), so it measures how spread out x is. ``update(k)`` shows the
    vector keeping its k largest entries; every k is computed at build time.
    """

    def __init__(self, x, *, width: float = 8.2, height: float = 3.6):
        x = np.asarray(x, dtype=float)
        self.n = x.size
        order = np.argsort(-np.abs(x), kind="stable")
        # vectors[k - 1]: x with only its k largest entries kept.
        self.vectors = np.zeros((self.n, self.n))
        for k in range(1, self.n + 1):
            self.vectors[k - 1, order[:k]] = x[order[:k]]
        self.ks = np.arange(1, self.n + 1)
        self.ratios = np.array([l1_norm(v) / l2_norm(v) for v in self.vectors])
        self.fig, (self.ax_bars, self.ax_ratio) = new_figure(width, height, ncols=2)
        axb, axr = self.ax_bars, self.ax_ratio
        top = 1.1 * np.abs(x).max()
        axb.set_xlim(0.3, self.n + 0.7)
        axb.set_ylim(-top, top)
        axb.axhline(0, color=MUTED_COLOR, lw=0.8)
        axb.set_xlabel("index i")
        axb.set_ylabel("$x_i$")
        axb.set_xticks(self.ks[:: max(1, self.n // 12)])
        self.bars = axb.bar(self.ks, np.zeros(self.n), width=0.7, color=HIGHLIGHT_COLOR)
        self.bars_title = axb.set_title("")

        axr.plot(self.ks, np.sqrt(self.ks), "--", color=MUTED_COLOR, lw=1.5,
                 label=r"upper bound $\sqrt{k}$")
        axr.axhline(1.0, color=MUTED_COLOR, lw=1.5, ls=":", label="lower bound 1")
        axr.plot(self.ks, self.ratios, "o-", color=POINT_COLOR, ms=4, lw=1,
                 label=r"$\|x\|_1 / \|x\|_2$")
        (self.current,) = axr.plot([], [], "o", ms=12, color=HIGHLIGHT_COLOR, mec="black", zorder=5)
        axr.set_xlim(0.5, self.n + 0.5)
        axr.set_ylim(0, np.sqrt(self.n) * 1.08)
        axr.set_xlabel("k = number of non-zeros (L0)")
        axr.set_title(r"Spread: $1 \leq \|x\|_1/\|x\|_2 \leq \sqrt{k}$")
        axr.legend(loc="upper left")
        self.blitter = Blitter(self.fig, [*self.bars, self.current, self.bars_title])
        self.k = self.n
        self.set_artists(self.n)
        freeze_layout(self.fig)

    def vector(self, k: int) -> np.ndarray:
        """The vector with its k largest entries kept (a copy)."""
        return self.vectors[int(k) - 1].copy()

    def set_artists(self, k: int) -> None:
        k = int(k)
        if not 1 <= k <= self.n:
            raise ValueError(f"k must be between 1 and n = {self.n} (how many entries stay non-zero); got {k}")
        self.k = k
        v = self.vectors[k - 1]
        for bar, value in zip(self.bars, v):
            bar.set_height(value)
        self.current.set_data([k], [self.ratios[k - 1]])
        rows = _norm_rows(v)
        self.bars_title.set_text(f"n = {self.n}, L0 = {rows['L0']}: L1 = {rows['L1']:.2f}, "
                                 f"L2 = {rows['L2']:.2f}")

    def update(self, k: int) -> None:
        self.set_artists(k)
        self.blitter.update()
