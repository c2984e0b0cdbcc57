"""Figures for notebook 04_weight_decay: trajectories over the contours of J, overfitting, optimizers.

- :func:`contour_lines`: level curves of a gridded J as line segments, so a
  figure can swap the contours of J for a new lambda with ``set_segments`` (a blit,
  not a new ``contour`` call).
- :class:`TrajectoryFigure`: L1 (left) and L2 (right) side by side; top row the
  path in weight space over the contours of J, bottom row each weight against
  the step. ``update(l1=..., l2=...)`` moves everything in place.
- :class:`OverfittingFigure`: train and held-out error against lambda (validation error,
  or test error when there is no validation set), and the coefficients at the
  current lambda next to the true ones.
- :func:`optimizer_comparison_figure`: SGD and Adam, each with L2 in the loss
  and with decoupled weight decay, over the contours of J (static).
"""

from __future__ import annotations

import contourpy
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from helpers.paths import ridge_path
from helpers.penalties import objective
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

WEIGHT_STYLES = ("-", "--")  # w1 solid, w2 dashed (colour says L1 or L2)


# Contours of J are drawn at these heights above its minimum (J's units: the MSE's).
LEVEL_OFFSETS = (0.03, 0.12, 0.3, 0.6, 1.0, 1.6, 2.4, 3.5, 5.0, 7.0)


def loss_grid(X, y, *, limit: float, num: int = 101):
    """``(w1, w2, mse)``: the MSE of Xw - y (no intercept) on a num x num grid over [-limit, limit]^2."""
    w1 = np.linspace(-limit, limit, num)
    w2 = np.linspace(-limit, limit, num)
    W1, W2 = np.meshgrid(w1, w2)
    stack = np.column_stack([W1.ravel(), W2.ravel()])
    return w1, w2, objective(X, y, stack, 0.0).reshape(W1.shape)


def grid_levels(j_min: float) -> np.ndarray:
    """The contour heights for a J whose minimum is ``j_min``."""
    return float(j_min) + np.asarray(LEVEL_OFFSETS)


def contour_lines(w1, w2, values, levels) -> list[np.ndarray]:
    """Segments ((k, 2) arrays) of the level curves of ``values`` on the grid ``w1 x w2``.

    ``values[i, j]`` is J at (w1[j], w2[i]) (the layout of ``np.meshgrid(w1, w2)``).
    """
    generator = contourpy.contour_generator(np.asarray(w1), np.asarray(w2), np.asarray(values),
                                            line_type="Separate")
    segments = []
    for level in levels:
        segments.extend(line for line in generator.lines(float(level)) if len(line) > 1)
    return segments


def _weight_space_axes(ax, limit, title):
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_aspect("equal")
    ax.axhline(0, color=MUTED_COLOR, lw=0.8)
    ax.axvline(0, color=MUTED_COLOR, lw=0.8)
    ax.set_xlabel("$w_1$")
    ax.set_ylabel("$w_2$")
    ax.set_title(title)


class _Side:
    """One column of :class:`TrajectoryFigure`: contours, path, end point, minimizer, curves."""

    def __init__(self, ax_path, ax_steps, color, name, blitter):
        self.contours = blitter.add(ax_path.add_collection(
            LineCollection([], colors=MUTED_COLOR, linewidths=1.0)))
        (self.path,) = ax_path.plot([], [], "-o", color=color, ms=3, lw=1.5)
        (self.end,) = ax_path.plot([], [], "o", color=HIGHLIGHT_COLOR, mec="black", ms=9)
        (self.optimum,) = ax_path.plot([], [], "*", color="black", ms=14)
        self.curves = [ax_steps.plot([], [], ls=style, color=color)[0] for style in WEIGHT_STYLES]
        self.targets = [ax_steps.axhline(0.0, ls=style, color="black", lw=1.0, alpha=0.6)
                        for style in WEIGHT_STYLES]
        for artist in (self.path, self.end, self.optimum, *self.curves,
                       *self.targets):
            blitter.add(artist)
        self.name = name

    def update(self, *, segments, path, optimum):
        path = np.asarray(path, dtype=float).reshape(-1, 2)
        steps = np.arange(len(path))
        self.contours.set_segments(segments)
        self.path.set_data(path[:, 0], path[:, 1])
        self.end.set_data(path[-1:, 0], path[-1:, 1])
        self.optimum.set_data([optimum[0]], [optimum[1]])
        for k, (curve, target) in enumerate(zip(self.curves, self.targets)):
            curve.set_data(steps, path[:, k])
            target.set_ydata([optimum[k], optimum[k]])


def _key(**style) -> Line2D:
    """A legend entry that is not drawn in any axes."""
    return Line2D([], [], **style)


def _legend_outside(fig, handles, labels, where: str, ncols: int):
    """A legend in the figure's margin (``"upper"`` or ``"lower"``), so no curve can cross its text.

    Legends inside an axes get crossed by paths, curves and markers that move with the
    sliders (issue 14: at lambda = 100 a curve ran through the legend text).
    """
    return fig.legend(handles, labels, loc=f"outside {where} center", ncols=ncols, fontsize=9,
                      frameon=False, handlelength=2.2, columnspacing=1.2)


class TrajectoryFigure:
    """L1 | L2 side by side: paths over the contours of J (top), weights against the step (bottom).

    ``update(l1=dict, l2=dict)``: each dict has ``segments`` (contours of J),
    ``path`` ((k, 2) iterates, cut where a run diverged), ``optimum`` (the
    minimizer of J). The values of alpha, lambda and eta are shown by the widget's
    readout, not on the canvas (text costs half of a blit). Limits stay fixed, so
    every update is a blit. The legends sit in the figure's margins, above the
    paths and below the step panels, where nothing that moves can cross them.
    """

    def __init__(self, *, steps: int, limit: float = 2.5, weight_limit: float = 2.5,
                 start=None, width: float = 8.0, height: float = 6.2):
        self.fig, axes = new_figure(width, height, nrows=2, ncols=2,
                                    gridspec_kw={"height_ratios": [1.45, 1.0]})
        (self.ax_l1, self.ax_l2), (self.ax_l1_steps, self.ax_l2_steps) = axes
        _weight_space_axes(self.ax_l1, limit, r"L1: $J = \mathrm{MSE} + \alpha\sum|w_i|$")
        _weight_space_axes(self.ax_l2, limit, r"L2: $J = \mathrm{MSE} + \lambda\sum w_i^2$")
        for ax in (self.ax_l1_steps, self.ax_l2_steps):
            ax.set_xlim(0, steps)
            ax.set_ylim(-weight_limit, weight_limit)
            ax.axhline(0, color=MUTED_COLOR, lw=0.8)
            ax.set_xlabel("step $t$")
        self.ax_l1_steps.set_ylabel("weight")
        if start is not None:
            for ax in (self.ax_l1, self.ax_l2):
                ax.plot([start[0]], [start[1]], "s", color=POINT_COLOR, ms=7)
        self.blitter = Blitter(self.fig)
        self.l1 = _Side(self.ax_l1, self.ax_l1_steps, L1_COLOR, "L1", self.blitter)
        self.l2 = _Side(self.ax_l2, self.ax_l2_steps, L2_COLOR, "L2", self.blitter)
        top = [
            (_key(marker="s", color=POINT_COLOR, ms=7, ls=""), "start"),
            (_key(marker="o", color=L1_COLOR, ms=3, lw=1.5), "L1 path"),
            (_key(marker="o", color=L2_COLOR, ms=3, lw=1.5), "L2 path"),
            (_key(marker="o", color=HIGHLIGHT_COLOR, mec="black", ms=9, ls=""), "last step"),
            (_key(marker="*", color="black", ms=14, ls=""), "minimizer of J"),
        ]
        bottom = [
            (_key(color=MUTED_COLOR, ls=WEIGHT_STYLES[0], lw=1.8), "$w_1$ by step"),
            (_key(color=MUTED_COLOR, ls=WEIGHT_STYLES[1], lw=1.8), "$w_2$ by step"),
            (_key(color="black", ls=WEIGHT_STYLES[0], lw=1.0, alpha=0.6), "the minimizer's $w_1$"),
            (_key(color="black", ls=WEIGHT_STYLES[1], lw=1.0, alpha=0.6), "the minimizer's $w_2$"),
        ]
        self.legends = [_legend_outside(self.fig, *zip(*top), "upper", ncols=5),
                        _legend_outside(self.fig, *zip(*bottom), "lower", ncols=4)]

    def update(self, *, l1: dict, l2: dict) -> None:
        self.l1.update(**l1)
        self.l2.update(**l2)
        self.blitter.update()


class OverfittingFigure:
    """Left: train and held-out MSE against lambda (log axis). Right: coefficients at the current lambda.

    ``update(index)`` moves the marker to ``lambdas[index]`` and sets the bars to
    ``coefs[index]``. ``heldout_label`` names the held-out set ("validation" when
    lambda is picked on it; the test set is kept for the final report).
    """

    def __init__(self, lambdas, train_mse, heldout_mse, coefs, true_weights, *,
                 heldout_label: str = "validation", coef_limit: float | None = None,
                 width: float = 8.0, height: float = 3.9):
        self.lambdas = np.asarray(lambdas, dtype=float)
        self.train_mse = np.asarray(train_mse, dtype=float)
        self.heldout_mse = np.asarray(heldout_mse, dtype=float)
        self.coefs = np.asarray(coefs, dtype=float)
        self.heldout_label = heldout_label
        true_weights = np.asarray(true_weights, dtype=float)
        self.fig, (self.ax_err, self.ax_coef) = new_figure(width, height, ncols=2,
                                                           gridspec_kw={"width_ratios": [1, 1.2]})
        ax = self.ax_err
        ax.plot(self.lambdas, self.train_mse, color=L2_COLOR)
        ax.plot(self.lambdas, self.heldout_mse, color=L1_COLOR)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(r"$\lambda$ (L2 strength, log scale)")
        ax.set_ylabel("MSE (log scale)")
        ax.set_title("Error against λ")
        best = int(np.argmin(self.heldout_mse))
        ax.plot([self.lambdas[best]], [self.heldout_mse[best]], "v", color=HUBER_COLOR, ms=9)
        self.blitter = Blitter(self.fig)
        self.marker = self.blitter.add(ax.axvline(self.lambdas[0], color=HIGHLIGHT_COLOR, lw=2))
        (self.dots,) = ax.plot([], [], "o", color=HIGHLIGHT_COLOR, mec="black", ms=8)
        self.blitter.add(self.dots)

        axc = self.ax_coef
        k = np.arange(true_weights.size)
        limit = coef_limit or 1.15 * max(np.abs(self.coefs).max(), np.abs(true_weights).max())
        axc.set_ylim(-limit, limit)
        axc.set_xlim(-0.8, true_weights.size - 0.2)
        axc.axhline(0, color=MUTED_COLOR, lw=0.8)
        self.bars = axc.bar(k, np.zeros_like(true_weights), color=L2_COLOR, alpha=0.8)
        for bar in self.bars:
            self.blitter.add(bar)
        (true_marks,) = axc.plot(k, true_weights, "_", color="black", ms=12, mew=2.5)
        self.blitter.add(true_marks)  # drawn after the bars, so always visible
        axc.set_xlabel("feature $i$")
        axc.set_title("Weights at the current λ")
        handles = [
            (_key(color=L2_COLOR, lw=2), "train MSE"),
            (_key(color=L1_COLOR, lw=2), f"{heldout_label} MSE"),
            (_key(marker="v", color=HUBER_COLOR, ms=9, ls=""), f"lowest {heldout_label} MSE"),
            (_key(color=HIGHLIGHT_COLOR, lw=2), "current λ"),
            (Patch(color=L2_COLOR, alpha=0.8), "fitted $w_i$"),
            (_key(marker="_", color="black", ms=12, mew=2.5, ls=""), "true $w_i$"),
        ]
        self.legends = [_legend_outside(self.fig, *zip(*handles), "upper", ncols=6)]

    def update(self, index: int, *, coefs=None, train=None, heldout=None, lam=None) -> None:
        """Show ``lambdas[index]`` (or an explicit off-grid ``lam`` with its numbers)."""
        lam = self.lambdas[index] if lam is None else lam
        coefs = self.coefs[index] if coefs is None else coefs
        train = self.train_mse[index] if train is None else train
        heldout = self.heldout_mse[index] if heldout is None else heldout
        self.marker.set_xdata([lam, lam])
        self.dots.set_data([lam, lam], [train, heldout])
        for bar, height in zip(self.bars, coefs):
            bar.set_height(height)
        self.blitter.update()


def optimizer_comparison_figure(X, y, l2: float, paths: dict, *, limit: float = 2.5,
                                zoom=None, step_marks=(), width: float = 8.0, height: float = 4.8):
    """Two static panels over the contours of J = MSE + l2*sum(w^2) (no intercept).

    Left SGD, right Adam: ``paths`` maps ``"sgd_l2"``, ``"sgd_decay"``,
    ``"adam_l2"``, ``"adamw"`` to (k, 2) arrays of iterates. Both panels also show
    the ridge path (the minimizer of MSE + l*sum(w^2) for every l >= 0, dotted), whose
    end at l = 0 is the least-squares fit (a cross), and the exact minimizer of J
    for ``l2`` (the star). L2 in the loss: thick translucent blue; decoupled weight
    decay: dashed vermillion. One legend below both panels.

    ``zoom`` ((w1_min, w1_max), (w2_min, w2_max)) adds an inset, in the empty lower right of
    each panel, that magnifies that box (where the runs end); ``step_marks`` labels the
    decoupled run of the Adam panel at those step numbers inside the inset.
    """
    fig, (ax_sgd, ax_adam) = new_figure(width, height, ncols=2)
    w1, w2, loss = loss_grid(X, y, limit=limit)
    W1, W2 = np.meshgrid(w1, w2)
    optimum = ridge_path(X, y, [l2], fit_intercept=False)[0][0]
    j_min = objective(X, y, optimum, l2=l2)
    segments = contour_lines(w1, w2, loss + l2 * (W1 ** 2 + W2 ** 2), grid_levels(j_min))
    ridge_l = np.concatenate([[0.0], np.logspace(-3, 3, 300)])
    ridge = ridge_path(X, y, ridge_l, fit_intercept=False)[0]
    panels = (
        (ax_sgd, "SGD", ("sgd_l2", "sgd_decay")),
        (ax_adam, "Adam", ("adam_l2", "adamw")),
    )
    for ax, name, (coupled, decoupled) in panels:
        _weight_space_axes(ax, limit, name)
        ax.add_collection(LineCollection(segments, colors=MUTED_COLOR, linewidths=1.0))
        ax.plot(ridge[:, 0], ridge[:, 1], ":", color="black", lw=1.2)
        ax.plot([ridge[0, 0]], [ridge[0, 1]], "X", color="black", ms=8)
        a, b = np.asarray(paths[coupled]), np.asarray(paths[decoupled])
        ax.plot(a[:, 0], a[:, 1], "-", color=L2_COLOR, lw=4, alpha=0.5)
        ax.plot(b[:, 0], b[:, 1], "--", color=L1_COLOR, lw=1.8)
        ax.plot([a[-1, 0]], [a[-1, 1]], "o", color=L2_COLOR, mec="black", ms=9)
        ax.plot([b[-1, 0]], [b[-1, 1]], "o", color=L1_COLOR, mec="black", ms=7)
        ax.plot([optimum[0]], [optimum[1]], "*", color="black", ms=14)
        ax.plot([a[0, 0]], [a[0, 1]], "s", color=POINT_COLOR, ms=7)
        if zoom is not None:
            inset = ax.inset_axes([0.5, 0.04, 0.47, 0.42])
            inset.add_collection(LineCollection(segments, colors=MUTED_COLOR, linewidths=0.8))
            inset.plot(ridge[:, 0], ridge[:, 1], ":", color="black", lw=1.2)
            inset.plot([ridge[0, 0]], [ridge[0, 1]], "X", color="black", ms=7)
            inset.plot(a[:, 0], a[:, 1], "-", color=L2_COLOR, lw=4, alpha=0.5)
            inset.plot(b[:, 0], b[:, 1], "--", color=L1_COLOR, lw=1.8)
            inset.plot([optimum[0]], [optimum[1]], "*", color="black", ms=11)
            inset.plot([b[-1, 0]], [b[-1, 1]], "o", color=L1_COLOR, mec="black", ms=6)
            if name == "Adam":
                for step in step_marks:
                    if step < len(b):
                        inset.plot([b[step, 0]], [b[step, 1]], "|", color="black", ms=8)
                        inset.annotate(f"{step:,}", (b[step, 0], b[step, 1]), xytext=(0, 7),
                                       textcoords="offset points", ha="center", fontsize=9)
            inset.set_xlim(*zoom[0])
            inset.set_ylim(*zoom[1])
            inset.set_xticks([])
            inset.set_yticks([])
            inset.set_facecolor("white")
            ax.indicate_inset_zoom(inset, edgecolor="black", alpha=0.6)
    handles = [
        (_key(color=L2_COLOR, lw=4, alpha=0.5), "L2 in the loss"),
        (_key(color=L1_COLOR, lw=1.8, ls="--"), "decoupled decay (AdamW on the right)"),
        (_key(marker="o", color=MUTED_COLOR, mec="black", ms=8, ls=""), "end of each run"),
        (_key(marker="*", color="black", ms=14, ls=""), "minimizer of J"),
        (_key(color="black", lw=1.2, ls=":"), "ridge path (every λ)"),
        (_key(marker="X", color="black", ms=8, ls=""), "least squares (λ = 0)"),
        (_key(marker="s", color=POINT_COLOR, ms=7, ls=""), "start"),
    ]
    _legend_outside(fig, *zip(*handles), "lower", ncols=4)
    return fig
