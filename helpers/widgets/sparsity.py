"""Widgets for notebook 05_sparsity.

- :func:`chatter_widget`: sliders for alpha and eta; subgradient, clip and
  proximal trajectories (all precomputed at build time) and a live count of
  exact zeros.
- :func:`geometry_widget`: sliders for the budget t and the features'
  correlation; drag the unconstrained optimum; the L1 and L2 constrained optima move.
- :func:`path_widget`: sliders moving along the lasso and ridge paths of a data set.
- :func:`figure_widget`: a static figure shown like the others (with a PNG fallback).
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from helpers.constrained_optima import constrained_optimum, constrained_path, quadratic_from_correlation
from helpers.descent import L1_METHODS, gradient_descent
from helpers.paths import lasso_path, ridge_path
from helpers.plots.sparsity import ChatterFigure, GeometryFigure, PathFigure
from helpers.widgets import CourseWidget, DragPoints, MessageArea, figure_view

_LABEL_STYLE = {"description_width": "initial"}


def _selection_slider(values, value, description, css_class, fmt="{:g}"):
    options = [(fmt.format(v), float(v)) for v in values]
    nearest = float(values[int(np.argmin(np.abs(np.asarray(values) - value)))])
    slider = widgets.SelectionSlider(options=options, value=nearest, description=description,
                                     continuous_update=True, style=_LABEL_STYLE,
                                     layout=widgets.Layout(width="420px"))
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


def _set_quietly(slider, value, observer) -> None:
    """Set ``slider.value`` without running ``observer`` (the caller redraws once itself)."""
    slider.unobserve(observer, names="value")
    try:
        slider.value = value
    finally:
        slider.observe(observer, names="value")


def _assemble(css_class, sliders, plot, readout, messages, update, *, hint=None, **extra) -> CourseWidget:
    """Layout (sliders, optional hint, figure, readout, messages) and the CourseWidget around it."""
    rows = [widgets.HBox(list(sliders.values()))]
    if hint:
        rows.append(widgets.HTML(f"<i>{hint}</i>"))
    layout = widgets.VBox(rows + [figure_view(plot.fig), readout, messages.widget])
    layout.add_class(css_class)
    widget = CourseWidget(layout, figures=[plot.fig], controls=sliders, messages=messages,
                          update=messages.guard(update))
    widget.plot, widget.readout = plot, readout
    for name, value in extra.items():
        setattr(widget, name, value)
    return widget


# --------------------------------------------------------------------------- chatter


def chatter_summary(weights: np.ndarray, useless: int, eta: float, alpha: float) -> dict:
    """Numbers the chatter widget shows for one trajectory (steps+1, p)."""
    w = weights[1:, useless]
    tail = w[w.size // 2:]
    return {
        "final_exact_zeros": int(np.count_nonzero(weights[-1] == 0.0)),
        "steps_at_zero": int(np.count_nonzero(w == 0.0)),
        "tail_amplitude": float(np.max(np.abs(tail))),
        "eta_alpha": eta * alpha,
    }


def chatter_widget(X, y, *, useless: int, alphas, learning_rates, steps: int = 150,
                   feature_names=None, alpha: float | None = None, eta: float | None = None) -> CourseWidget:
    """Three update rules for the L1 penalty on the same problem, with sliders for alpha and eta.

    Every (alpha, eta) pair on the grids is run once at build time (one
    vectorized ``gradient_descent`` call per eta and method), so a slider move
    only looks up and redraws. ``useless`` is the index of the feature whose
    true weight is zero.
    """
    alphas = _increasing_grid(alphas, "alphas")
    rates = _increasing_grid(learning_rates, "learning_rates")
    X = np.asarray(X, dtype=float)
    p = X.shape[1]
    names = tuple(feature_names) if feature_names is not None else tuple(f"w{j + 1}" for j in range(p))
    runs = {m: np.stack([gradient_descent(X, y, lr=lr, steps=steps, l1=alphas, l1_method=m).weights
                         for lr in rates]) for m in L1_METHODS}  # (n_eta, n_alpha, steps+1, p)
    low = min(r.min() for r in runs.values())
    high = max(r.max() for r in runs.values())
    pad = 0.08 * (high - low)
    plot = ChatterFigure(steps, names, useless, weight_limits=(low - pad, high + pad), methods=L1_METHODS)
    messages = MessageArea()
    alpha_slider = _selection_slider(alphas, alphas[len(alphas) // 2] if alpha is None else alpha,
                                     "penalty α", "course-05-chatter-alpha")
    eta_slider = _selection_slider(rates, rates[len(rates) // 2] if eta is None else eta,
                                   "learning rate η", "course-05-chatter-eta")
    readout = widgets.HTML()
    readout.add_class("course-05-zero-counts")
    state = {}

    def draw(alpha_value, eta_value):
        i, k = _grid_index(alphas, alpha_value, "alpha"), _grid_index(rates, eta_value, "eta")
        weights = [runs[m][k, i] for m in L1_METHODS]
        summaries = [chatter_summary(w, useless, rates[k], alphas[i]) for w in weights]
        plot.update(weights, rates[k], alphas[i])
        cell = ' style="padding:1px 14px 1px 0"'
        rows = "".join(
            f"<tr><td{cell}><b>{m}</b></td><td{cell}>{s['final_exact_zeros']} of {p}</td>"
            f"<td{cell}>{s['steps_at_zero']} of {steps}</td><td{cell}>{s['tail_amplitude']:.4f}</td></tr>"
            for m, s in zip(L1_METHODS, summaries))
        readout.value = (
            f"<div>η·α = {rates[k]:g} × {alphas[i]:g} = <b>{rates[k] * alphas[i]:.4g}</b></div>"
            f'<table class="course-05-zero-table"><tr><th{cell}>rule</th><th{cell}>exact zeros now</th>'
            f"<th{cell}>steps with {names[useless]} == 0.0</th>"
            f"<th{cell}>max |{names[useless]}| over the last half</th></tr>"
            f"{rows}</table>")
        state.update(alpha=alphas[i], eta=rates[k], summaries=dict(zip(L1_METHODS, summaries)))

    def on_change(_change=None):
        draw(alpha_slider.value, eta_slider.value)

    def update(alpha=None, eta=None):
        a = alpha_slider.value if alpha is None else alphas[_grid_index(alphas, alpha, "alpha")]
        e = eta_slider.value if eta is None else rates[_grid_index(rates, eta, "eta")]
        _set_quietly(alpha_slider, a, guarded_change)
        _set_quietly(eta_slider, e, guarded_change)
        draw(a, e)

    guarded_change = messages.guard(on_change)
    alpha_slider.observe(guarded_change, names="value")
    eta_slider.observe(guarded_change, names="value")
    on_change()
    return _assemble("course-05-chatter", {"alpha": alpha_slider, "eta": eta_slider}, plot, readout,
                     messages, update, state=state, runs=runs)


# --------------------------------------------------------------------------- geometry


def geometry_widget(*, rho: float = 0.5, center=(2.0, 0.7), budget: float = 1.0,
                    limit: float = 3.0) -> CourseWidget:
    """The L1 diamond and L2 disc of budget t over the ellipses of a 2-D loss.

    Sliders: the budget t and the correlation rho of the two (standardized)
    features; drag the unconstrained optimum (white dot) on either panel.
    """
    plot = GeometryFigure(limit=limit)
    messages = MessageArea()
    budget_slider = widgets.FloatSlider(value=budget, min=0.05, max=3.0, step=0.05, description="budget t",
                                        continuous_update=True, style=_LABEL_STYLE,
                                        layout=widgets.Layout(width="380px"), readout_format=".2f")
    budget_slider.add_class("course-05-geometry-budget")
    rho_slider = widgets.FloatSlider(value=rho, min=-0.9, max=0.9, step=0.05,
                                     description="feature correlation ρ", continuous_update=True,
                                     style=_LABEL_STYLE, layout=widgets.Layout(width="380px"),
                                     readout_format=".2f")
    rho_slider.add_class("course-05-geometry-rho")
    readout = widgets.HTML()
    readout.add_class("course-05-geometry-readout")
    state = {"center": np.array(center, dtype=float)}

    def draw():
        quad = quadratic_from_correlation(rho_slider.value, state["center"])
        t = float(budget_slider.value)
        optima = tuple(constrained_optimum(quad, t, norm) for norm in ("l1", "l2"))
        paths = []
        for norm in ("l1", "l2"):
            size = np.abs(quad.center).sum() if norm == "l1" else np.linalg.norm(quad.center)
            paths.append(constrained_path(quad, np.linspace(0.0, max(size, 1e-9), 60), norm))
        plot.update(quad, t, optima, paths)
        cells = []
        for name, w in zip(("L1", "L2"), optima):
            zeros = [f"w{j + 1} == 0.0" for j in range(2) if w[j] == 0.0]
            cells.append(f"<b>{name}</b> optimum: (<span class='course-05-{name.lower()}-w1'>{w[0]:.4f}</span>, "
                         f"<span class='course-05-{name.lower()}-w2'>{w[1]:.4f}</span>) "
                         f"{html.escape(', '.join(zeros)) if zeros else 'no zero weight'}")
        c = state["center"]
        cells.append(f"least-squares point: (<span class='course-05-center'>{c[0]:.4f}, {c[1]:.4f}</span>)")
        readout.value = "<div>" + " &nbsp;|&nbsp; ".join(cells) + "</div>"
        state.update(quad=quad, budget=t, l1=optima[0], l2=optima[1])

    def on_drag(_index, x, y):
        if x is None or y is None:
            return
        state["center"] = np.clip([x, y], -limit, limit)
        draw()

    guarded = messages.guard(lambda _change=None: draw())
    budget_slider.observe(guarded, names="value")
    rho_slider.observe(guarded, names="value")
    drags = [DragPoints(ax, lambda: state["center"][None], on_drag, radius_px=14, messages=messages)
             for ax in plot.axes]

    def update(center=None, budget=None, rho=None):
        if center is not None:
            c = np.asarray(center, dtype=float)
            if c.shape != (2,) or not np.all(np.isfinite(c)):
                raise ValueError(f"center must be two finite numbers; got {center!r}")
            state["center"] = c
        for slider, value, name in ((budget_slider, budget, "budget"), (rho_slider, rho, "rho")):
            if value is not None:
                if not slider.min <= value <= slider.max:
                    raise ValueError(f"{name} must lie in [{slider.min:g}, {slider.max:g}]; got {value!r}")
                _set_quietly(slider, value, guarded)
        draw()

    draw()
    return _assemble("course-05-geometry", {"budget": budget_slider, "rho": rho_slider}, plot, readout,
                     messages, update, hint="Drag the white dot (the least-squares point) on either panel.",
                     state=state, drags=drags)


# --------------------------------------------------------------------------- paths


def path_widget(dataset, l1_values, l2_values, *, l1=None, l2=None) -> CourseWidget:
    """Lasso and ridge paths of ``dataset`` (exact, computed once) with a slider for each penalty."""
    l1_grid = _increasing_grid(l1_values, "l1_values")
    l2_grid = _increasing_grid(l2_values, "l2_values")
    lasso, _ = lasso_path(dataset.X, dataset.y, l1_grid)
    ridge, _ = ridge_path(dataset.X, dataset.y, l2_grid)
    names = tuple(dataset.feature_names)
    plot = PathFigure(names, l1_grid, lasso, l2_grid, ridge)
    messages = MessageArea()
    l1_slider = _selection_slider(l1_grid, l1_grid[len(l1_grid) // 2] if l1 is None else l1,
                                  "lasso α", "course-05-path-l1", fmt="{:.3g}")
    l2_slider = _selection_slider(l2_grid, l2_grid[len(l2_grid) // 2] if l2 is None else l2,
                                  "ridge λ", "course-05-path-l2", fmt="{:.3g}")
    readout = widgets.HTML()
    readout.add_class("course-05-path-readout")
    state = {"lasso": lasso, "ridge": ridge}

    def draw(_change=None):
        i = _grid_index(l1_grid, l1_slider.value, "alpha")
        k = _grid_index(l2_grid, l2_slider.value, "lambda")
        nz1 = np.flatnonzero(lasso[i] != 0.0)
        nz2 = np.flatnonzero(ridge[k] != 0.0)
        plot.update(i, k)
        kept = ", ".join(names[j] for j in nz1) or "none"
        readout.value = (f"<div><b>lasso</b> α = {l1_grid[i]:.4g}: <span class='course-05-lasso-nonzero'>"
                         f"{nz1.size}</span> non-zero ({html.escape(kept)}) &nbsp;|&nbsp; "
                         f"<b>ridge</b> λ = {l2_grid[k]:.4g}: <span class='course-05-ridge-nonzero'>"
                         f"{nz2.size}</span> non-zero</div>")
        state.update(i_l1=i, i_l2=k, nonzero_l1=int(nz1.size), nonzero_l2=int(nz2.size))

    guarded = messages.guard(draw)
    l1_slider.observe(guarded, names="value")
    l2_slider.observe(guarded, names="value")

    def update(l1=None, l2=None):
        for slider, grid, value, name in ((l1_slider, l1_grid, l1, "alpha"), (l2_slider, l2_grid, l2, "lambda")):
            if value is not None:
                _set_quietly(slider, grid[_grid_index(grid, value, name)], guarded)
        draw()

    draw()
    return _assemble("course-05-paths", {"l1": l1_slider, "l2": l2_slider}, plot, readout, messages, update,
                     state=state)


def figure_widget(fig, css_class: str = "course-05-figure") -> CourseWidget:
    """Show a static figure like the widgets do (ipympl canvas, PNG where widgets cannot render)."""
    messages = MessageArea()
    layout = widgets.VBox([figure_view(fig)])
    layout.add_class(css_class)
    return CourseWidget(layout, figures=[fig], controls={}, messages=messages, update=lambda: None)
