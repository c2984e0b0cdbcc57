"""Widgets for notebook 05_sparsity, in the declared API (:class:`helpers.widgets.CourseWidget`).

- :class:`ChatterExplorer` (``build_chatter_explorer``): sliders for alpha and eta;
  subgradient, clip and proximal trajectories (all precomputed at build time) and
  a live count of exact zeros.
- :class:`GeometryExplorer` (``build_geometry_explorer``): sliders for the budget t
  and the features' correlation; drag the unconstrained optimum; the L1 and L2
  constrained optima move.
- :class:`PathExplorer` (``build_path_explorer``): sliders moving along the lasso
  and ridge paths of a data set.
- :class:`StaticFigure` (``show_figure``): a static figure shown like the others
  (its ipympl canvas, a PNG where widgets cannot render).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from helpers.constrained_optima import constrained_optimum, constrained_path, quadratic_from_correlation
from helpers.descent import L1_METHODS, gradient_descent
from helpers.paths import lasso_path, ridge_path, ridge_zero_crossings
from helpers.plots.sparsity import ChatterFigure, GeometryFigure, PathFigure
from helpers.widgets import (
    SLIDER_STYLE,
    CourseWidget,
    DragPoints,
    MessageArea,
    Scene,
    figure_view,
    set_quietly,
    snap_to_step,
)


def _selection_slider(values, value, description, css_class, fmt="{:g}", width="420px"):
    options = [(fmt.format(v), float(v)) for v in values]
    nearest = float(values[int(np.argmin(np.abs(np.asarray(values) - value)))])
    slider = widgets.SelectionSlider(options=options, value=nearest, description=description,
                                     continuous_update=True, style=SLIDER_STYLE,
                                     layout=widgets.Layout(width=width))
    slider.add_class(css_class)
    return slider


def _grid_index(grid: np.ndarray, value, name: str) -> int:
    value = float(value)
    i = int(np.argmin(np.abs(grid - value)))
    if not np.isclose(grid[i], value, rtol=1e-9, atol=0.0):
        raise ValueError(f"{name} = {value:g} is not one of the precomputed values "
                         f"({grid[0]:g} ... {grid[-1]:g}, {grid.size} values)")
    return i


def _increasing_grid(values, name: str) -> np.ndarray:
    grid = np.asarray(values, dtype=float)
    if grid.ndim != 1 or grid.size < 2 or np.any(np.diff(grid) <= 0) or grid[0] <= 0:
        raise ValueError(f"{name} must be at least two increasing positive values; got {values!r}")
    return grid


# --------------------------------------------------------------------------- chatter

CHATTER_ALPHAS = np.round(np.arange(0.05, 1.0001, 0.05), 2)
"""The alpha slider's stops (0.05 ... 1.0)."""
CHATTER_ETAS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4)
"""The learning-rate slider's stops (all below the stable rate of the notebook's problem)."""

CHATTER_SCENES = (
    Scene("lands at step 8", {"eta": 0.1, "alpha": 0.5},
          note="the default: clip and proximal put w3 on exactly 0.0 at step 8"),
    Scene("slow landing", {"eta": 0.02, "alpha": 0.1},
          note="small steps: w3 needs 84 steps to reach 0.0 under clip and proximal"),
    Scene("wide chatter", {"eta": 0.4, "alpha": 1.0},
          note="η·α = 0.4: compare w3 under the three rules"),
    Scene("lopsided band", {"eta": 0.1, "alpha": 0.05},
          note="the loss still pulls on w3 (|g| about half of α): its band sits mostly on one side of 0"),
)
"""Named states of the chatter explorer that the notebook's prose, exercises and teacher's guide use."""


def landing_step(w: np.ndarray) -> int | None:
    """The first index from which ``w`` is exactly 0.0 to the end; None if its last value is not 0.0."""
    w = np.asarray(w)
    nonzero = np.flatnonzero(w != 0.0)
    if nonzero.size == 0:
        return 0
    last = int(nonzero[-1])
    return None if last == w.size - 1 else last + 1


def chatter_summary(weights: np.ndarray, useless: int, eta: float, alpha: float) -> dict:
    """Numbers the chatter widget shows for one trajectory (steps+1, p).

    ``final_exact_zeros``: weights exactly 0.0 at the end; ``steps_at_zero``: steps
    (after the start) with the useless weight exactly 0.0; ``landing``: the step from
    which it is 0.0 for good (None: it is not 0.0 at the end); ``tail_min``,
    ``tail_max``, ``tail_amplitude``: its range and largest size over the last half.
    """
    w = weights[:, useless]
    tail = w[1:][w[1:].size // 2:]
    return {
        "final_exact_zeros": int(np.count_nonzero(weights[-1] == 0.0)),
        "steps_at_zero": int(np.count_nonzero(w[1:] == 0.0)),
        "landing": landing_step(w),
        "tail_min": float(tail.min()),
        "tail_max": float(tail.max()),
        "tail_amplitude": float(np.max(np.abs(tail))),
        "eta_alpha": eta * alpha,
    }


class ChatterExplorer(CourseWidget):
    """Three update rules for the L1 penalty on the same problem, with sliders for alpha and eta.

    Every run starts at ``start`` (by default 0 for every weight except the useless
    one, which starts at 1.0, so that it has to travel to 0). Every (alpha, eta)
    pair on the grids is run once at build time (one vectorized
    ``gradient_descent`` call per eta and rule), so a slider move only looks up and
    redraws; the axes' limits hold every run, so they never move.

    Attributes (besides CourseWidget's):
        plot: the :class:`ChatterFigure`.
        alpha_slider, eta_slider: SelectionSliders over the grids, controls ``"alpha"``, ``"eta"``.
        alphas, rates: the grids (increasing).
        runs: rule -> weights of every run, shape (n_eta, n_alpha, steps + 1, p).
        start: the starting weights of every run.
        useless: index of the feature whose true weight is zero.
        names: the weights' names.
        steps: steps per run.
    """

    plot: ChatterFigure
    alpha_slider: widgets.SelectionSlider
    eta_slider: widgets.SelectionSlider
    alphas: np.ndarray
    rates: np.ndarray
    runs: dict
    start: np.ndarray
    useless: int
    names: tuple
    steps: int

    def __init__(self, X, y, *, useless: int, alphas=CHATTER_ALPHAS, learning_rates=CHATTER_ETAS,
                 steps: int = 150, feature_names=None, alpha: float = 0.5, eta: float = 0.1, start=None,
                 scenes=CHATTER_SCENES):
        self.alphas = _increasing_grid(alphas, "alphas")
        self.rates = _increasing_grid(learning_rates, "learning_rates")
        X = np.asarray(X, dtype=float)
        p = X.shape[1]
        self.useless, self.steps = int(useless), int(steps)
        if not 0 <= self.useless < p:
            raise ValueError(f"useless must index a feature (0 ... {p - 1}); got {useless!r}")
        if start is None:
            start = np.zeros(p)
            start[self.useless] = 1.0
        self.start = np.array(start, dtype=float)
        if self.start.shape != (p,) or not np.all(np.isfinite(self.start)):
            raise ValueError(f"start must be {p} finite numbers (one per feature); got {start!r}")
        self.names = tuple(feature_names) if feature_names is not None else tuple(f"w{j + 1}" for j in range(p))
        self.runs = {m: np.stack([gradient_descent(X, y, lr=lr, steps=steps, l1=self.alphas, l1_method=m,
                                                   w0=self.start).weights
                                  for lr in self.rates]) for m in L1_METHODS}
        low = min(r.min() for r in self.runs.values())
        high = max(r.max() for r in self.runs.values())
        pad = 0.08 * (high - low)
        scale = self.rates[:, None, None] * self.alphas[None, :, None]
        ratios = np.concatenate([(r[..., self.useless] / scale).ravel() for r in self.runs.values()])
        zoom = (min(1.3 * ratios.min(), -1.6), max(1.3 * ratios.max(), 1.6))
        self.plot = ChatterFigure(steps, self.names, self.useless, weight_limits=(low - pad, high + pad),
                                  zoom_limits=zoom, methods=L1_METHODS)
        messages = MessageArea()
        self.alpha_slider = _selection_slider(self.alphas, alpha, "penalty α", "course-05-chatter-alpha",
                                              width="360px")
        self.eta_slider = _selection_slider(self.rates, eta, "learning rate η", "course-05-chatter-eta",
                                            width="360px")
        readout = widgets.HTML()
        readout.add_class("course-05-zero-counts")
        self._state = {}
        body = widgets.VBox([widgets.HBox([self.alpha_slider, self.eta_slider]), figure_view(self.plot.fig),
                             readout])
        super().__init__(body, figures=[self.plot.fig],
                         controls={"alpha": self.alpha_slider, "eta": self.eta_slider},
                         readout=readout, messages=messages, scenes=scenes)
        self.layout.add_class("course-05-chatter")
        self.alpha_slider.observe(lambda change: self.update(), names="value")
        self.eta_slider.observe(lambda change: self.update(), names="value")
        self.update()

    def redraw(self) -> None:
        """Show the runs at the sliders' (alpha, eta)."""
        i = _grid_index(self.alphas, self.alpha_slider.value, "alpha")
        k = _grid_index(self.rates, self.eta_slider.value, "eta")
        eta, alpha = self.rates[k], self.alphas[i]
        weights = [self.runs[m][k, i] for m in L1_METHODS]
        summaries = [chatter_summary(w, self.useless, eta, alpha) for w in weights]
        self.plot.update(weights, eta, alpha, [s["landing"] for s in summaries])
        self.readout.value = chatter_readout(summaries, eta, alpha, self.names[self.useless], len(self.names),
                                             self.steps)
        self._state = {"alpha": float(alpha), "eta": float(eta), "summaries": dict(zip(L1_METHODS, summaries))}

    @property
    def state(self) -> dict:
        """{"alpha", "eta", "summaries": rule -> :func:`chatter_summary` of the run shown}."""
        return dict(self._state)


def chatter_readout(summaries, eta, alpha, name, p, steps) -> str:
    """HTML: η·α and one row per rule (exact zeros, steps at 0.0, landing step, range over the last half)."""
    cell = ' style="padding:1px 12px 1px 0;white-space:nowrap"'
    head = ' style="padding:1px 12px 1px 0;text-align:left;vertical-align:bottom"'  # headers wrap: fits 853 px
    rows = []
    for method, s in zip(L1_METHODS, summaries):
        landing = "never" if s["landing"] is None else f"step {s['landing']}"
        rows.append(f"<tr><td{cell}><b>{method}</b></td><td{cell}>{s['final_exact_zeros']} of {p}</td>"
                    f"<td{cell}>{s['steps_at_zero']} of {steps}</td><td{cell}>{landing}</td>"
                    f"<td{cell}>{s['tail_min']:+.4f} … {s['tail_max']:+.4f}</td></tr>")
    return (f"<div>η·α = {eta:g} × {alpha:g} = <b>{eta * alpha:.4g}</b></div>"
            f'<table class="course-05-zero-table" style="font-variant-numeric:tabular-nums">'
            f"<tr><th{head}>rule</th><th{head}>exact zeros at the end</th>"
            f"<th{head}>steps with {name} == 0.0</th><th{head}>{name} == 0.0 from</th>"
            f"<th{head}>{name}, last half: min … max</th></tr>{''.join(rows)}</table>")


def build_chatter_explorer(X, y, *, useless: int, alphas=CHATTER_ALPHAS, learning_rates=CHATTER_ETAS,
                           steps: int = 150, feature_names=None, alpha: float = 0.5, eta: float = 0.1,
                           start=None) -> ChatterExplorer:
    """The chatter explorer of 05_sparsity: see :class:`ChatterExplorer` (controls ``alpha``, ``eta``;
    scenes :data:`CHATTER_SCENES`)."""
    return ChatterExplorer(X, y, useless=useless, alphas=alphas, learning_rates=learning_rates, steps=steps,
                           feature_names=feature_names, alpha=alpha, eta=eta, start=start)


# --------------------------------------------------------------------------- geometry

GEOMETRY_SCENES = (
    Scene("corner: w2 = 0", {"rho": 0.5, "c1": 2.0, "c2": 0.7, "budget": 1.0},
          note="the ellipse touches the diamond at its corner (1, 0); the disc at a point with no zero"),
    Scene("on an edge", {"rho": 0.0, "c1": 1.5, "c2": 1.3, "budget": 1.0},
          note="ρ = 0, least-squares point (1.5, 1.3), t = 1: where does the L1 optimum sit?"),
    Scene("near an axis, L2", {"rho": -0.6, "c1": 2.0, "c2": 0.7, "budget": 1.0},
          note="the disc's optimum comes close to the axis (w2 = 0.061) but does not reach it"),
    Scene("no constraint", {"rho": 0.5, "c1": 2.0, "c2": 0.7, "budget": 3.0},
          note="a budget larger than the least-squares point's norm: both optima are that point"),
)
"""Named states of the geometry explorer that the notebook's prose and exercises use."""

GEOMETRY_GRAB_RADIUS_PX = 24.0
"""How near (figure pixels) a press must be to the white dot to grab it: the dot is 8 pt across
(about 6 px in radius, 11 on a HiDPI screen); 24 covers it with a margin, and it is the only point."""


class GeometryExplorer(CourseWidget):
    """The L1 diamond and L2 disc of budget t over the ellipses of a 2-D loss.

    Sliders: the budget t, the correlation rho of the two (standardized) features,
    and the least-squares point (c1, c2), which can also be dragged (white dot) on
    either panel. While it is dragged only the figure and the readout follow; the
    c1, c2 sliders catch up when the drag ends. A drag ends when the button is let
    go, and also when the mouse leaves the figure: the browser sends no release
    outside it, so without this the sliders would lag behind until the mouse came
    back.

    Attributes (besides CourseWidget's):
        plot: the :class:`GeometryFigure`.
        drags: one :class:`DragPoints` per panel, moving the least-squares point.
        budget_slider, rho_slider, c1_slider, c2_slider: FloatSliders, controls ``"budget"``,
            ``"rho"``, ``"c1"``, ``"c2"``.
        limit: half the width of the axes.
        snap: the least-squares point snaps to multiples of it (the sliders' step).
    """

    plot: GeometryFigure
    drags: list
    budget_slider: widgets.FloatSlider
    rho_slider: widgets.FloatSlider
    c1_slider: widgets.FloatSlider
    c2_slider: widgets.FloatSlider
    limit: float
    snap: float

    def __init__(self, *, rho: float = 0.5, center=(2.0, 0.7), budget: float = 1.0, limit: float = 3.0,
                 scenes=GEOMETRY_SCENES):
        self.limit, self.snap = float(limit), 0.05
        edge = float(snap_to_step(0.95 * self.limit, self.snap))
        self.plot = GeometryFigure(limit=limit)
        messages = MessageArea()

        def slider(value, low, high, description, css):
            control = widgets.FloatSlider(value=value, min=low, max=high, step=0.05, description=description,
                                          continuous_update=True, style=SLIDER_STYLE, readout_format=".2f",
                                          layout=widgets.Layout(width="330px"))
            control.add_class(css)
            return control

        self.budget_slider = slider(budget, 0.05, 3.0, "budget t", "course-05-geometry-budget")
        self.rho_slider = slider(rho, -0.9, 0.9, "feature correlation ρ", "course-05-geometry-rho")
        c = np.clip(snap_to_step(np.asarray(center, dtype=float), self.snap), -edge, edge)
        self.c1_slider = slider(float(c[0]), -edge, edge, "least squares c₁", "course-05-geometry-c1")
        self.c2_slider = slider(float(c[1]), -edge, edge, "least squares c₂", "course-05-geometry-c2")
        readout = widgets.HTML()
        readout.add_class("course-05-geometry-readout")
        self._center = c
        self._syncing = [False]
        self._state = {}
        body = widgets.VBox([widgets.HBox([self.budget_slider, self.rho_slider]),
                             widgets.HBox([self.c1_slider, self.c2_slider]),
                             widgets.HTML("<i>Drag the white dot (the least-squares point) on either panel, "
                                          "or move c₁, c₂.</i>"),
                             figure_view(self.plot.fig), readout])
        super().__init__(body, figures=[self.plot.fig],
                         controls={"budget": self.budget_slider, "rho": self.rho_slider,
                                   "c1": self.c1_slider, "c2": self.c2_slider},
                         readout=readout, messages=messages, scenes=scenes)
        self.layout.add_class("course-05-geometry")
        for control in (self.budget_slider, self.rho_slider, self.c1_slider, self.c2_slider):
            control.observe(self._on_control, names="value")
        self.drags = [DragPoints(ax, lambda: self._center[None], self._on_drag, on_release=self._on_release,
                                 radius_px=GEOMETRY_GRAB_RADIUS_PX, messages=messages)
                      for ax in self.plot.axes]
        self.plot.fig.canvas.mpl_connect("figure_leave_event", messages.guard(self._on_leave))
        self.update()

    @property
    def dragging(self) -> bool:
        return any(drag.active is not None for drag in self.drags)

    def redraw(self) -> None:
        """Solve both constrained problems for the sliders (during a drag: the mouse's point); redraw."""
        if not self.dragging:
            self._center = snap_to_step([self.c1_slider.value, self.c2_slider.value], self.snap)
        self._show()

    def _show(self) -> None:
        quad = quadratic_from_correlation(self.rho_slider.value, self._center)
        t = float(self.budget_slider.value)
        optima = tuple(constrained_optimum(quad, t, norm) for norm in ("l1", "l2"))
        paths = []
        for norm in ("l1", "l2"):
            size = np.abs(quad.center).sum() if norm == "l1" else np.linalg.norm(quad.center)
            paths.append(constrained_path(quad, np.linspace(0.0, max(size, 1e-9), 60), norm))
        self.plot.update(quad, t, optima, paths)
        cells = []
        for name, w in zip(("L1", "L2"), optima):
            zeros = [f"w{j + 1} == 0.0" for j in range(2) if w[j] == 0.0]
            cells.append(f"<b>{name}</b> optimum: (<span class='course-05-{name.lower()}-w1'>{w[0]:.4f}</span>, "
                         f"<span class='course-05-{name.lower()}-w2'>{w[1]:.4f}</span>) "
                         f"{html.escape(', '.join(zeros)) if zeros else 'no zero weight'}")
        c = self._center
        cells.append(f"least-squares point: (<span class='course-05-center'>{c[0]:.2f}, {c[1]:.2f}</span>)")
        self.readout.value = "<div>" + " &nbsp;|&nbsp; ".join(cells) + "</div>"
        self._state = {"center": tuple(float(v) for v in c), "budget": t, "rho": float(self.rho_slider.value),
                       "l1": tuple(float(v) for v in optima[0]), "l2": tuple(float(v) for v in optima[1]),
                       "dragging": self.dragging}

    @property
    def state(self) -> dict:
        """{"center": the least-squares point shown, "budget", "rho", "l1", "l2": the two optima,
        "dragging": whether the point is being dragged}."""
        return dict(self._state)

    def set_center(self, center) -> None:
        """Move the least-squares point to ``center`` (two finite numbers; snapped, kept inside the
        axes): the c1, c2 sliders move and the figure follows."""
        c = np.asarray(center, dtype=float)
        if c.shape != (2,) or not np.all(np.isfinite(c)):
            raise ValueError(f"center must be two finite numbers; got {center!r}")
        c = np.clip(snap_to_step(c, self.snap), self.c1_slider.min, self.c1_slider.max)
        set_quietly(self._syncing, (self.c1_slider, self.c2_slider), c)
        self.update()

    def _on_control(self, _change) -> None:
        # During a drag the mouse is the truth: a slider's late echo of an older value is ignored.
        if not self._syncing[0] and not self.dragging:
            self.update()

    def _on_drag(self, _index, x, y) -> None:
        if x is None or y is None:
            return
        edge = self.c1_slider.max
        self._center = np.clip(snap_to_step([x, y], self.snap), -edge, edge)
        self._show()

    def _on_release(self, _index) -> None:
        set_quietly(self._syncing, (self.c1_slider, self.c2_slider), self._center)
        self.update()

    def _on_leave(self, _event) -> None:
        for drag in self.drags:       # ends the drag in progress, if any (on_release syncs the sliders)
            drag.end()


def build_geometry_explorer(*, rho: float = 0.5, center=(2.0, 0.7), budget: float = 1.0,
                            limit: float = 3.0) -> GeometryExplorer:
    """The geometry explorer of 05_sparsity: see :class:`GeometryExplorer` (controls ``budget``,
    ``rho``, ``c1``, ``c2``; scenes :data:`GEOMETRY_SCENES`)."""
    return GeometryExplorer(rho=rho, center=center, budget=budget, limit=limit)


# --------------------------------------------------------------------------- paths

PATH_L1_GRID = np.logspace(-2, 2, 81)
"""The lasso slider's stops: alpha from 0.01 to 100, 20 per factor of 10."""
PATH_L2_GRID = np.logspace(-3, 3, 61)
"""The ridge slider's stops: lambda from 0.001 to 1000, 10 per factor of 10."""

PATH_SCENES = (
    Scene("first feature in", {"l1": float(PATH_L1_GRID[79])},
          note="α = 89.1, just below the largest useful α: only bmi is non-zero"),
    Scene("s3 drops out", {"l1": float(PATH_L1_GRID[24])},
          note="α = 0.158: s3 left the lasso at α = 0.208 and comes back at α = 0.125"),
    Scene("all ten", {"l1": float(PATH_L1_GRID[0])}, note="α = 0.01: every lasso coefficient is non-zero"),
    Scene("a ridge crossing", {"l2": float(PATH_L2_GRID[29])},
          note="λ = 0.794: look at s1 on the ridge panel and in the readout"),
    Scene("strong ridge", {"l2": float(PATH_L2_GRID[60])},
          note="λ = 1000: every ridge coefficient is small, none is 0"),
)
"""Named states of the path explorer (for the diabetes data on the default grids)."""


class PathExplorer(CourseWidget):
    """Lasso and ridge paths of a data set (exact, computed once) with a slider for each penalty.

    Both sliders and both x axes run the same way: from the strongest penalty on
    the left to the weakest on the right, so moving a slider to the right moves its
    marker to the right (and switches features on). The ridge panel marks every
    value of lambda in the range where a ridge coefficient changes sign
    (:func:`helpers.paths.ridge_zero_crossings`).

    Attributes (besides CourseWidget's):
        plot: the :class:`PathFigure`.
        l1_slider, l2_slider: SelectionSliders over the grids (largest first), controls ``"l1"``
            (alpha) and ``"l2"`` (lambda).
        l1_grid, l2_grid: the grids (increasing).
        lasso, ridge: the coefficients on the grids, shapes (n_l1, p) and (n_l2, p).
        ridge_crossings: the :class:`helpers.paths.RidgeCrossing` s inside the lambda grid's range.
        names: the features' names.
    """

    plot: PathFigure
    l1_slider: widgets.SelectionSlider
    l2_slider: widgets.SelectionSlider
    l1_grid: np.ndarray
    l2_grid: np.ndarray
    lasso: np.ndarray
    ridge: np.ndarray
    ridge_crossings: tuple
    names: tuple

    def __init__(self, dataset, l1_values=PATH_L1_GRID, l2_values=PATH_L2_GRID, *, l1=10 ** 0.6, l2=1.0,
                 scenes=PATH_SCENES):
        self.l1_grid = _increasing_grid(l1_values, "l1_values")
        self.l2_grid = _increasing_grid(l2_values, "l2_values")
        self.lasso, _ = lasso_path(dataset.X, dataset.y, self.l1_grid)
        self.ridge, _ = ridge_path(dataset.X, dataset.y, self.l2_grid)
        self.ridge_crossings = ridge_zero_crossings(dataset.X, dataset.y, self.l2_grid[0], self.l2_grid[-1])
        self.names = tuple(dataset.feature_names)
        self.plot = PathFigure(self.names, self.l1_grid, self.lasso, self.l2_grid, self.ridge,
                               ridge_crossings=[(c.l2, c.feature) for c in self.ridge_crossings])
        messages = MessageArea()
        self.l1_slider = _selection_slider(self.l1_grid[::-1], l1, "lasso α (strong → weak)",
                                           "course-05-path-l1", fmt="{:.3g}", width="400px")
        self.l2_slider = _selection_slider(self.l2_grid[::-1], l2, "ridge λ (strong → weak)",
                                           "course-05-path-l2", fmt="{:.3g}", width="400px")
        readout = widgets.HTML()
        readout.add_class("course-05-path-readout")
        self._state = {}
        body = widgets.VBox([widgets.HBox([self.l1_slider, self.l2_slider]), figure_view(self.plot.fig), readout])
        super().__init__(body, figures=[self.plot.fig], controls={"l1": self.l1_slider, "l2": self.l2_slider},
                         readout=readout, messages=messages, scenes=scenes)
        self.layout.add_class("course-05-paths")
        self.l1_slider.observe(lambda change: self.update(), names="value")
        self.l2_slider.observe(lambda change: self.update(), names="value")
        self.update()

    def redraw(self) -> None:
        """Move both markers to the sliders' penalties; count the non-zeros."""
        i = _grid_index(self.l1_grid, self.l1_slider.value, "alpha")
        k = _grid_index(self.l2_grid, self.l2_slider.value, "lambda")
        nz1 = np.flatnonzero(self.lasso[i] != 0.0)
        nz2 = np.flatnonzero(self.ridge[k] != 0.0)
        self.plot.update(i, k)
        kept = ", ".join(self.names[j] for j in nz1) or "none"
        smallest = int(np.argmin(np.abs(self.ridge[k])))
        self.readout.value = (
            f"<div><b>lasso</b> α = {self.l1_grid[i]:.4g}: <span class='course-05-lasso-nonzero'>"
            f"{nz1.size}</span> non-zero ({html.escape(kept)})</div>"
            f"<div><b>ridge</b> λ = {self.l2_grid[k]:.4g}: <span class='course-05-ridge-nonzero'>"
            f"{nz2.size}</span> non-zero; smallest |coefficient|: {html.escape(self.names[smallest])} "
            f"{abs(self.ridge[k, smallest]):.3g}</div>")
        self._state = {"alpha": float(self.l1_grid[i]), "lambda": float(self.l2_grid[k]), "i_l1": i, "i_l2": k,
                       "nonzero_l1": int(nz1.size), "nonzero_l2": int(nz2.size),
                       "lasso": tuple(float(v) for v in self.lasso[i]),
                       "ridge": tuple(float(v) for v in self.ridge[k])}

    @property
    def state(self) -> dict:
        """{"alpha", "lambda", "i_l1", "i_l2" (grid indices), "nonzero_l1", "nonzero_l2",
        "lasso", "ridge" (the coefficients shown)}."""
        return dict(self._state)


def build_path_explorer(dataset, l1_values=PATH_L1_GRID, l2_values=PATH_L2_GRID, *, l1=10 ** 0.6,
                        l2=1.0) -> PathExplorer:
    """The path explorer of 05_sparsity: see :class:`PathExplorer` (controls ``l1``, ``l2``;
    scenes :data:`PATH_SCENES`, for the default grids)."""
    scenes = PATH_SCENES if (np.array_equal(l1_values, PATH_L1_GRID)
                             and np.array_equal(l2_values, PATH_L2_GRID)) else ()
    return PathExplorer(dataset, l1_values, l2_values, l1=l1, l2=l2, scenes=scenes)


# --------------------------------------------------------------------------- static figures


class StaticFigure(CourseWidget):
    """A figure with no controls, shown like the widgets (ipympl canvas, PNG where widgets cannot render)."""

    def __init__(self, fig, css_class: str = "course-05-figure"):
        super().__init__(widgets.VBox([figure_view(fig)]), figures=[fig])
        self.layout.add_class(css_class)

    def redraw(self) -> None:
        """Nothing to redraw: the figure never changes."""


def show_figure(fig, css_class: str = "course-05-figure") -> StaticFigure:
    """Show a static figure in the notebook: see :class:`StaticFigure`."""
    return StaticFigure(fig, css_class)
