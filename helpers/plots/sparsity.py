"""Figures for notebook 05_sparsity: exact zeros, diamond against circle, regularization paths.

- :class:`ChatterFigure`: subgradient, clip (with a test at zero) and proximal side by side; top row
  every weight against the step, bottom row the useless weight in units of
  eta*alpha (so the axis never moves and the chatter band is always +-1).
- :class:`GeometryFigure`: loss ellipses with the L1 diamond (left) and the L2
  disc (right) of the same budget, each ball's constrained optimum and the
  level curve that touches it.
- :class:`PathFigure`: lasso (left) and ridge (right) coefficient paths on a
  log axis, a vertical line and markers at the current penalty, bars of the
  current coefficients underneath.
- :func:`experiment_figure`, :func:`correlated_figure`, :func:`prior_figure`:
  static pictures (random problems, two correlated features, the two priors).
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.ticker import FuncFormatter

from helpers.constrained_optima import level_curve
from helpers.norms import unit_ball
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

METHOD_TITLES = {
    "subgradient": "subgradient (the notes)",
    "clip": "clip with a test at zero",
    "clip_literal": "clip, read literally",
    "proximal": "proximal (soft-threshold)",
}
WEIGHT_COLORS = (POINT_COLOR, MUTED_COLOR, HIGHLIGHT_COLOR, HUBER_COLOR, L2_COLOR)


def feature_colors(n: int):
    """``n`` distinct colours for coefficient paths (tab10, repeated if needed)."""
    cmap = mpl.colormaps["tab10"]
    return [cmap(i % 10) for i in range(n)]


# --------------------------------------------------------------------------- chatter


class ChatterFigure:
    """Three update rules on the same problem; ``update(weights, eta, alpha, landings)`` moves the lines.

    Top row: every weight against the step (fixed limits ``weight_limits``, chosen
    by the caller to hold every run). Bottom row: the useless weight divided by
    eta*alpha on a symmetric-log axis, linear inside the band +-1 (+-eta*alpha,
    shaded) and logarithmic outside it, with fixed limits ``zoom_limits``: the
    whole run fits at every slider stop, and the chatter band always has the
    same size on screen. A dotted line marks the step from which the useless weight
    is exactly 0.0 for good (hidden when it never is). That step is written in the
    widget's table, not on the canvas: three changing labels took more than half of an
    update's CPU (10.3 against 4.5 ms at device pixel ratio 1, `python -m benchmarks --only
    kernel`; issue 13).
    """

    def __init__(self, steps: int, weight_names, useless: int, *, weight_limits=(-1.0, 1.0),
                 zoom_limits=(-2.0, 2.0), methods=("subgradient", "clip", "proximal")):
        self.methods = tuple(methods)
        self.useless = int(useless)
        self.steps = int(steps)
        self.fig, axes = new_figure(8.0, 5.4, nrows=2, ncols=len(self.methods), sharex=True)
        self.axes_top, self.axes_zoom = axes[0], axes[1]
        self.blitter = Blitter(self.fig)
        step = np.arange(steps + 1)
        self.lines, self.zoom_lines, self.landing_lines = [], [], []
        useless_name = self.useless_name = str(weight_names[self.useless])
        for k, method in enumerate(self.methods):
            top, zoom = axes[0, k], axes[1, k]
            top.set_title(METHOD_TITLES.get(method, method), fontsize=11)
            top.set_ylim(*weight_limits)
            top.axhline(0.0, color="black", lw=0.6)
            lines = []
            for j, name in enumerate(weight_names):
                color = HIGHLIGHT_COLOR if j == self.useless else WEIGHT_COLORS[j % 2]
                (line,) = top.plot(step, np.zeros_like(step, dtype=float), color=color,
                                   lw=2.2 if j == self.useless else 1.6,
                                   label=name + (" (useless)" if j == self.useless else ""))
                lines.append(self.blitter.add(line))
            self.lines.append(lines)
            zoom.set_yscale("symlog", linthresh=1.0, linscale=1.0)
            zoom.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
            zoom.axhspan(-1.0, 1.0, color=HIGHLIGHT_COLOR, alpha=0.15, lw=0)
            zoom.axhline(0.0, color="black", lw=0.6)
            zoom.set_ylim(*zoom_limits)
            zoom.set_xlim(0, steps)
            zoom.set_xlabel("step")
            (zline,) = zoom.plot(step, np.zeros_like(step, dtype=float), color=HIGHLIGHT_COLOR,
                                 lw=1.0, marker=".", ms=3)
            self.zoom_lines.append(self.blitter.add(zline))
            self.landing_lines.append(self.blitter.add(zoom.axvline(0.0, color="black", lw=1.0, ls=":")))
        axes[0, 0].set_ylabel("weights")
        sub = useless_name[1:] if useless_name.startswith("w") and len(useless_name) > 1 else useless_name
        axes[1, 0].set_ylabel(rf"$w_{{{sub}}}\,/\,(\eta\alpha)$")
        axes[0, 0].legend(loc="center right", fontsize=9, ncols=1)

    def update(self, weights, eta: float, alpha: float, landings=None) -> None:
        """``weights``: one (steps+1, p) array per method; ``landings``: per method the step from
        which the useless weight is exactly 0.0 for good, or None (the counts live in the readout)."""
        scale = eta * alpha
        landings = [None] * len(weights) if landings is None else landings
        for lines, zline, vline, w, landing in zip(self.lines, self.zoom_lines, self.landing_lines,
                                                   weights, landings):
            for j, line in enumerate(lines):
                line.set_ydata(w[:, j])
            zline.set_ydata(w[:, self.useless] / scale)
            vline.set_visible(landing is not None)
            if landing is not None:
                vline.set_xdata([landing, landing])
        self.blitter.update()


# --------------------------------------------------------------------------- geometry


class GeometryFigure:
    """Loss ellipses and the L1 / L2 ball of one budget; ``update(...)`` moves everything."""

    LEVELS = (0.25, 0.75, 1.5, 2.5, 3.75)  # loss above its minimum for the grey ellipses

    def __init__(self, limit: float = 3.0):
        self.limit = float(limit)
        self.fig, axes = new_figure(8.0, 4.2, ncols=2)
        self.axes = tuple(axes)
        self.blitter = Blitter(self.fig)
        self.sides = []
        for ax, name, color in zip(axes, ("L1", "L2"), (L1_COLOR, L2_COLOR)):
            ax.set_xlim(-limit, limit)
            ax.set_ylim(-limit, limit)
            ax.set_aspect("equal")
            ax.axhline(0, color="black", lw=0.7)
            ax.axvline(0, color="black", lw=0.7)
            ax.set_xlabel("$w_1$")
            ax.set_ylabel("$w_2$")
            ax.set_title(f"{name} ball: " + (r"$|w_1|+|w_2|\leq t$" if name == "L1"
                                              else r"$w_1^2+w_2^2\leq t^2$"), color=color)
            add = self.blitter.add
            side = {
                "levels": add(ax.plot([], [], color=MUTED_COLOR, lw=1.0)[0]),  # all ellipses, NaN-separated
                "ball": add(ax.add_patch(Polygon(np.zeros((4, 2)), closed=True, fc=color, alpha=0.18,
                                                 ec=color, lw=2.0))),
                "path": add(ax.plot([], [], color=color, lw=1.2, ls=":")[0]),
                "touch": add(ax.plot([], [], color=color, lw=1.6, ls="--")[0]),
                "center": add(ax.plot([], [], "o", color=POINT_COLOR, ms=8, mfc="white", mew=2,
                                      zorder=5)[0]),
                "optimum": add(ax.plot([], [], "o", color=color, ms=9, mec="black", zorder=6)[0]),
            }
            self.sides.append(side)

    def level_points(self, quad, num: int = 120) -> np.ndarray:
        """The ellipses at ``LEVELS`` above the minimum as one (2, k) array, NaN between ellipses."""
        gap = np.full((2, 1), np.nan)
        parts = []
        for level in self.LEVELS:
            parts += [level_curve(quad, quad.offset + level, num=num), gap]
        return np.hstack(parts[:-1])

    def update(self, quad, budget: float, optima, paths) -> None:
        """``optima``: (w_l1, w_l2); ``paths``: ((k, 2), (k, 2)) optimum against budget."""
        for side, p, w, path in zip(self.sides, (1, 2), optima, paths):
            side["levels"].set_data(*self.level_points(quad))
            side["ball"].set_xy(budget * unit_ball(p, num=161 if p == 2 else 9).T)
            side["path"].set_data(path[:, 0], path[:, 1])
            touch = level_curve(quad, float(quad(w)), num=160)
            side["touch"].set_data(touch[0], touch[1])
            side["center"].set_data([quad.center[0]], [quad.center[1]])
            side["optimum"].set_data([w[0]], [w[1]])
        self.blitter.update()


# --------------------------------------------------------------------------- paths


class PathFigure:
    """Lasso and ridge coefficient paths with the current penalty marked; ``update(i_l1, i_l2)``.

    Both x axes are logarithmic and run from the strongest penalty (left) to the
    weakest (right), as in the lasso literature: read left to right, features
    switch on. ``ridge_crossings``, pairs (l2, feature index), are drawn as
    hollow circles on the ridge panel: the isolated values of lambda where a
    ridge coefficient changes sign and so is exactly 0 (at that lambda only).
    """

    def __init__(self, feature_names, l1_values, l1_coefs, l2_values, l2_coefs, *, ridge_crossings=()):
        self.names = tuple(feature_names)
        self.values = (np.asarray(l1_values, float), np.asarray(l2_values, float))
        self.coefs = (np.asarray(l1_coefs, float), np.asarray(l2_coefs, float))
        self.fig, axes = new_figure(8.0, 6.2, nrows=2, ncols=2, height_ratios=(3, 2))
        self.axes_paths = (axes[0, 0], axes[0, 1])
        self.axes_bars = (axes[1, 0], axes[1, 1])
        self.blitter = Blitter(self.fig)
        colors = feature_colors(len(self.names))
        top = np.max([np.abs(c).max() for c in self.coefs]) * 1.08
        self.marks = []
        for k, (values, coefs, name, color, symbol) in enumerate(zip(
                self.values, self.coefs, ("lasso (L1)", "ridge (L2)"), (L1_COLOR, L2_COLOR),
                (r"$\alpha$", r"$\lambda$"))):
            ax, bar_ax = axes[0, k], axes[1, k]
            for j in range(len(self.names)):
                ax.plot(values, coefs[:, j], color=colors[j], lw=1.6)
            ax.set_xscale("log")
            ax.set_xlim(values.max(), values.min())  # strong penalty on the left, as in the papers
            ax.set_ylim(-top, top)
            ax.axhline(0, color="black", lw=0.6)
            ax.set_title(name, color=color)
            ax.set_xlabel(f"penalty {symbol}: strong → weak (log scale)")
            ax.set_ylabel("coefficient")
            # name each curve at its least-penalized end
            ends = coefs[np.argmin(values)]
            order = np.argsort(ends)
            gap = 2 * top / 22
            placed = []
            for j in order:
                yv = ends[j] if not placed or ends[j] - placed[-1] >= gap else placed[-1] + gap
                placed.append(yv)
                ax.text(1.01, (yv + top) / (2 * top), self.names[j], transform=ax.transAxes,
                        fontsize=9, color=colors[j], va="center")
            vline = self.blitter.add(ax.axvline(values[0], color=HIGHLIGHT_COLOR, lw=2.0))
            dots = self.blitter.add(ax.scatter(np.full(len(self.names), values[0]), coefs[0],
                                               c=colors, s=36, edgecolors="black", zorder=5))
            bars = bar_ax.bar(np.arange(len(self.names)), coefs[0], color=colors, edgecolor="black",
                              lw=0.5)
            for b in bars:
                self.blitter.add(b)
            bar_ax.set_xticks(np.arange(len(self.names)), self.names, fontsize=9)
            bar_ax.set_ylim(-top, top)
            bar_ax.axhline(0, color="black", lw=0.6)
            bar_ax.set_ylabel("coefficient now")
            bar_ax.grid(axis="x", visible=False)
            self.marks.append({"vline": vline, "dots": dots, "bars": bars})
        self.ridge_crossings = tuple((float(l2), int(j)) for l2, j in ridge_crossings)
        if self.ridge_crossings:
            ax = axes[0, 1]
            xs = [l2 for l2, _ in self.ridge_crossings]
            ax.scatter(xs, np.zeros(len(xs)), s=70, facecolors="none", lw=1.8,
                       edgecolors=[colors[j] for _, j in self.ridge_crossings], zorder=4)
            proxy = Line2D([], [], ls="none", marker="o", ms=8, mfc="none", mec="black", mew=1.5)
            ax.legend([proxy], [f"a coefficient crosses 0 ({len(xs)}×),\nat one λ each"], loc="lower left",
                      fontsize=9, handletextpad=0.3, borderaxespad=0.3)

    def update(self, i_l1: int, i_l2: int) -> None:
        """Move both markers to grid indices ``i_l1``, ``i_l2``."""
        for mark, values, coefs, i in zip(self.marks, self.values, self.coefs, (i_l1, i_l2)):
            x = values[i]
            mark["vline"].set_xdata([x, x])
            mark["dots"].set_offsets(np.column_stack([np.full(coefs.shape[1], x), coefs[i]]))
            for bar, h in zip(mark["bars"], coefs[i]):
                bar.set_height(h)
        self.blitter.update()


# --------------------------------------------------------------------------- static figures


def experiment_figure(result, *, bins: int = 6):
    """Random problems: optima scaled by their budget (left); share with a zero weight against the budget (right)."""
    fig, (ax, ax2) = new_figure(8.0, 3.9, ncols=2)
    t1 = result.budget_fraction * np.abs(result.problems.center).sum(axis=1)
    t2 = result.budget_fraction * np.linalg.norm(result.problems.center, axis=1)
    w1 = result.l1_solutions / t1[:, None]
    w2 = result.l2_solutions / t2[:, None]
    ax.plot(*unit_ball(1, num=9), color=L1_COLOR, lw=1.0)
    ax.plot(*unit_ball(2, num=200), color=L2_COLOR, lw=1.0)
    ax.scatter(w2[:, 0], w2[:, 1], s=10, color=L2_COLOR, alpha=0.35, label="L2 optimum / t")
    ax.scatter(w1[:, 0], w1[:, 1], s=10, color=L1_COLOR, alpha=0.35, label="L1 optimum / t")
    corners = np.array([[1, 0], [0, 1], [-1, 0], [0, -1]])
    counts = [int(np.sum(np.all(w1 == c, axis=1))) for c in corners]
    ax.scatter(corners[:, 0], corners[:, 1], s=40 + 600 * np.array(counts) / max(len(w1), 1),
               facecolors="none", edgecolors=L1_COLOR, lw=2.0, zorder=4)
    for (cx, cy), count in zip(corners, counts):
        ax.annotate(f"{count}", (cx, cy), xytext=(cx * 22 + (14 if cx == 0 else 0), cy * 22 + (0 if cy else 14)),
                    textcoords="offset points", ha="center", va="center", fontsize=10,
                    color=L1_COLOR, fontweight="bold")
    ax.set_aspect("equal")
    ax.set_xlim(-1.45, 1.45)
    ax.set_ylim(-1.45, 1.45)
    ax.set_xlabel("$w_1 / t$")
    ax.set_ylabel("$w_2 / t$")
    ax.set_title(f"{result.n_problems} random problems: optima on the ball")
    ax.legend(loc="lower left", fontsize=9, markerscale=2)
    edges = np.linspace(result.budget_fraction.min(), result.budget_fraction.max(), bins + 1)
    which = np.clip(np.digitize(result.budget_fraction, edges) - 1, 0, bins - 1)
    mid = 0.5 * (edges[1:] + edges[:-1])
    for zero, color, name in ((result.l1_zero, L1_COLOR, "L1"), (result.l2_zero, L2_COLOR, "L2")):
        share = np.array([zero[which == b].mean() if np.any(which == b) else np.nan for b in range(bins)])
        ax2.plot(mid, 100 * share, "o-", color=color,
                 label=f"{name}: {int(zero.sum())} of {zero.size} have a zero weight")
    ax2.set_ylim(-3, 100)
    ax2.set_xlabel("budget t / norm of the least-squares point")
    ax2.set_ylabel("% of problems with a zero weight")
    ax2.set_title("smaller budget, more corners (L1 only)")
    ax2.legend(loc="upper right", fontsize=9)
    return fig


def correlated_figure(l1_values, lasso_coefs, l2_values, ridge_coefs, enet_l1_values, enet_coefs,
                      *, enet_l2: float, names=("$w_1$", "$w_2$")):
    """Two correlated informative features: lasso, ridge and elastic-net paths side by side."""
    fig, axes = new_figure(8.0, 3.3, ncols=3)
    panels = ((axes[0], l1_values, lasso_coefs, "lasso (L1)", L1_COLOR, r"$\alpha$"),
              (axes[1], l2_values, ridge_coefs, "ridge (L2)", L2_COLOR, r"$\lambda$"),
              (axes[2], enet_l1_values, enet_coefs, rf"elastic net ($\lambda$={enet_l2:g})",
               HUBER_COLOR, r"$\alpha$"))
    top = max(np.abs(c).max() for _, _, c, *_ in panels) * 1.1
    for ax, values, coefs, title, color, symbol in panels:
        for j, (name, style) in enumerate(zip(names, ("-", "--"))):
            ax.plot(values, coefs[:, j], style, color=color, lw=2.0, label=name)
        ax.set_xscale("log")
        ax.set_xlim(np.max(values), np.min(values))
        ax.set_ylim(-0.05 * top, top)
        ax.axhline(0, color="black", lw=0.6)
        ax.set_title(title, color=color, fontsize=11)
        ax.set_xlabel(f"{symbol} (log, decreasing)")
    axes[0].set_ylabel("coefficient")
    axes[0].legend(loc="upper left", fontsize=9)
    return fig


def prior_figure(variance: float = 1.0):
    """Gaussian and Laplace priors with the same variance: densities, and minus log densities (the penalties)."""
    w = np.linspace(-4, 4, 801)
    tau = np.sqrt(variance)
    beta = np.sqrt(variance / 2.0)  # Laplace scale beta, variance 2 beta^2 (b is the bias in the notebook)
    gauss = np.exp(-w**2 / (2 * variance)) / np.sqrt(2 * np.pi * variance)
    laplace = np.exp(-np.abs(w) / beta) / (2 * beta)
    fig, (ax, ax2) = new_figure(8.0, 3.4, ncols=2)
    ax.plot(w, gauss, color=L2_COLOR, label=rf"Gaussian, $\tau$={tau:g} $\to$ L2")
    ax.plot(w, laplace, color=L1_COLOR, label=rf"Laplace, $\beta$={beta:.3g} $\to$ L1")
    ax.set_xlabel("$w$")
    ax.set_ylabel("prior density $p(w)$")
    ax.set_ylim(-0.02, 0.98)  # room for the legend above the Laplace peak
    ax.set_title(f"two priors, both with variance {variance:g}")
    ax.legend(fontsize=9)
    ax2.plot(w, -np.log(gauss) + np.log(gauss.max()), color=L2_COLOR,
             label=r"$w^2/(2\tau^2)$: flat at 0")
    ax2.plot(w, -np.log(laplace) + np.log(laplace.max()), color=L1_COLOR,
             label=r"$|w|/\beta$: a kink at 0")
    ax2.set_ylim(0, 6)
    ax2.set_xlabel("$w$")
    ax2.set_ylabel(r"$-\log p(w)$ + const")
    ax2.set_title("minus log prior = the penalty")
    ax2.legend(fontsize=9, loc="upper center")
    return fig
