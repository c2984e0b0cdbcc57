"""Widgets for notebook 01_norm: drag a vector's tip, morph the Lp unit ball, n dimensions."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers._checks import as_vector
from helpers.norms import l0_count, l1_norm, l2_norm, linf_norm, lp_norm, triangle_gap
from helpers.plots import HUBER_COLOR, L1_COLOR, L2_COLOR
from helpers.plots.norm import P_STOPS, NDimNormFigure, VectorNormFigure, p_label
from helpers.widgets import (SLIDER_STYLE, CourseWidget, DragPoints, MessageArea, figure_view, set_quietly,
                             snap_to_step)

def _check(ok: bool) -> str:
    return '<span style="color:#1a7f37">✓</span>' if ok else '<span style="color:#b00020">✗</span>'


def _row(name: str, color: str, formula: str, value: str, note: str = "") -> str:
    return (f'<tr><td style="color:{color};padding-right:10px"><b>{name}</b></td>'
            f'<td style="padding-right:10px">{formula}</td><td><b>{name} = {value}</b></td>'
            f'<td style="color:#555;padding-left:10px">{note}</td></tr>')


def norm_readout(x, p) -> str:
    """HTML: the five sizes of ``x`` (2-D) with their formulas, the chain of inequalities, and
    for p < 1 the triangle-inequality counterexample. Every number comes from helpers.norms."""
    x = np.asarray(x, dtype=float)
    a1, a2 = np.abs(x)
    l1, l2, size_p, linf, l0 = l1_norm(x), l2_norm(x), lp_norm(x, p), linf_norm(x), l0_count(x)
    pl = p_label(p)
    if np.isinf(p):
        lp_formula = f"p = ∞: max(|x₁|, |x₂|) = max({a1:.2f}, {a2:.2f})"
    else:
        lp_formula = f"p = {pl}: (|x₁|<sup>{pl}</sup> + |x₂|<sup>{pl}</sup>)<sup>1/{pl}</sup>"
    rows = [
        _row("L1", L1_COLOR, f"|x₁| + |x₂| = {a1:.2f} + {a2:.2f}", f"{l1:.2f}", "taxicab path"),
        _row("L2", L2_COLOR, f"√(x₁² + x₂²) = √({a1 ** 2:.2f} + {a2 ** 2:.2f})", f"{l2:.2f}",
             "straight line"),
        _row("Lp", HUBER_COLOR, lp_formula, f"{size_p:.2f}", "the slider's p"),
        _row("L∞", "#333", f"max(|x₁|, |x₂|) = max({a1:.2f}, {a2:.2f})", f"{linf:.2f}",
             "largest entry"),
        _row("L0", "#333", "count of non-zero entries", f"{l0}",
             f"not a norm: L0(2x) = {l0_count(2 * x)}, a norm would give {2 * l0}"
             if l0 else "not a norm: L0(2x) = L0(x) for every x"),
    ]
    bound = np.sqrt(x.size) * l2
    tol = 1e-12 * max(1.0, l1)
    chain = (f"‖x‖<sub>∞</sub> = {linf:.2f} {_check(linf <= l2 + tol)} ≤ ‖x‖<sub>2</sub> = {l2:.2f} "
             f"{_check(l2 <= l1 + tol)} ≤ ‖x‖<sub>1</sub> = {l1:.2f} {_check(l1 <= bound + tol)} ≤ "
             f"√2·‖x‖<sub>2</sub> = {bound:.2f}")
    parts = [f'<table class="course-01-norm-table">{"".join(rows)}</table>',
             f'<div class="course-01-chain" style="margin-top:4px">On your vector: {chain}</div>']
    if p < 1:
        e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
        gap = triangle_gap(e1, e2, p)
        parts.append(
            '<div class="course-01-quasi" style="margin-top:4px;color:#8a5a00">'
            f"p = {pl} &lt; 1 is not a norm: for e₁ = (1, 0), e₂ = (0, 1), "
            f"‖e₁‖<sub>p</sub> + ‖e₂‖<sub>p</sub> = {lp_norm(e1, p) + lp_norm(e2, p):.2f} &lt; "
            f"‖e₁ + e₂‖<sub>p</sub> = {lp_norm(e1 + e2, p):.2f} "
            f"(triangle gap {gap:.2f}): the triangle inequality fails.</div>")
    return "".join(parts)


def build_norm_explorer(x=(3.0, 2.0), p=2.0, *, limit: float = 4.0, snap: float = 0.1) -> CourseWidget:
    """Drag the tip of a 2-D vector (or use the x₁, x₂ sliders) and pick p on a slider.

    The figure shows the L1 taxicab path, the L2 segment and the Lp unit ball;
    the readout lists L1, L2, Lp, L∞ and L0 and the inequalities between them.
    Controls: ``p`` (SelectionSlider, 0.5 ... 10, ∞), ``x1``, ``x2`` (FloatSliders).
    Drags snap to multiples of ``snap`` so the tip can land exactly on an axis.
    """
    messages = MessageArea()
    start = np.asarray(x, dtype=float)
    plot = VectorNormFigure(start, p, limit=limit)
    edge = float(snap_to_step(0.95 * limit, snap))
    p_slider = widgets.SelectionSlider(
        options=[(p_label(v), v) for v in P_STOPS], value=min(P_STOPS, key=lambda v: abs(v - p)),
        description="p", continuous_update=True, style=SLIDER_STYLE,
        layout=widgets.Layout(width="330px"))
    p_slider.add_class("course-01-p")
    coordinate = {}
    for i, name in enumerate(("x1", "x2")):
        slider = widgets.FloatSlider(
            value=float(start[i]), min=-edge, max=edge, step=snap, readout_format=".1f",
            description=f"x{'₁₂'[i]}", continuous_update=True, style=SLIDER_STYLE,
            layout=widgets.Layout(width="300px"))
        slider.add_class(f"course-01-{name}")
        coordinate[name] = slider
    readout = widgets.HTML(norm_readout(start, p_slider.value))
    readout.add_class("course-01-readout")
    syncing = [False]

    def show(vector):
        plot.update(vector, p_slider.value)  # the frame first: it is what the learner watches
        readout.value = norm_readout(vector, p_slider.value)

    def redraw():
        """Redraw from the controls (p and the x₁, x₂ sliders)."""
        show(snap_to_step([coordinate["x1"].value, coordinate["x2"].value], snap))

    def on_coordinate(change):
        # During a drag the mouse is the truth: a slider's late echo of an older value is ignored.
        if not syncing[0] and drag.active is None:
            redraw()

    def sync_sliders(vector):
        set_quietly(syncing, (coordinate["x1"], coordinate["x2"]), vector)

    def set_vector(vector, sync: bool = True):
        """Move the tip to ``vector`` (snapped, kept inside the axes); ``sync`` also moves the sliders."""
        vector = as_vector(vector, "the vector")
        if vector.size != 2:
            raise ValueError(f"the vector must have 2 entries (x₁, x₂); got {vector.size}")
        vector = np.clip(snap_to_step(vector, snap), -edge, edge)
        if sync:
            sync_sliders(vector)
        show(vector)

    guarded_redraw = messages.guard(redraw)
    p_slider.observe(messages.guard(lambda change: show(plot.x)), names="value")
    for control in coordinate.values():
        control.observe(messages.guard(on_coordinate), names="value")
    # While dragging only the figure and readout change; the sliders follow on release.
    drag = DragPoints(plot.ax_vec, lambda: plot.x[None, :],
                      lambda i, px, py: set_vector((px, py), sync=False),
                      on_release=lambda i: sync_sliders(plot.x), radius_px=14, messages=messages)
    layout = widgets.VBox([
        figure_view(plot.fig),
        widgets.HBox([p_slider, coordinate["x1"], coordinate["x2"]]),
        readout,
        messages.widget,
    ])
    layout.add_class("course-01-norm-explorer")
    result = CourseWidget(layout, figures=[plot.fig],
                          controls={"p": p_slider, **coordinate},
                          messages=messages, update=guarded_redraw)
    result.plot, result.readout, result.drag = plot, readout, drag
    result.set_vector = messages.guard(set_vector)
    return result


def ndim_readout(v) -> str:
    """HTML: L0, L∞, L2, L1 of an n-vector and both chains of bounds (sqrt(n) and sqrt(L0))."""
    v = np.asarray(v, dtype=float)
    n, l0, l1, l2, linf = v.size, l0_count(v), l1_norm(v), l2_norm(v), linf_norm(v)
    return (
        f'<div class="course-01-ndim-values">n = {n}, L0 = {l0}: '
        f"L∞ = {linf:.3f}, L2 = {l2:.3f}, L1 = {l1:.3f}</div>"
        f"<div>‖x‖<sub>∞</sub> = {linf:.3f} ≤ ‖x‖<sub>2</sub> = {l2:.3f} ≤ ‖x‖<sub>1</sub> = {l1:.3f} "
        f"≤ √L0·‖x‖<sub>2</sub> = {np.sqrt(l0) * l2:.3f} ≤ √n·‖x‖<sub>2</sub> = {np.sqrt(n) * l2:.3f}</div>"
    )


def build_ndim_explorer(n: int = 12, *, seed: int = 0) -> CourseWidget:
    """A random n-vector (normal entries, ``seed``); slider ``k`` keeps its k largest entries.

    Shows the bars of x and where ||x||_1/||x||_2 sits between 1 and sqrt(k).
    """
    messages = MessageArea()
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2 (the vector's length); got {n!r}")
    x = np.random.default_rng(seed).normal(size=int(n)).round(2)
    plot = NDimNormFigure(x)
    k_slider = widgets.IntSlider(value=int(n), min=1, max=int(n), step=1,
                                 description="k = non-zeros kept", continuous_update=True,
                                 style=SLIDER_STYLE, layout=widgets.Layout(width="420px"))
    k_slider.add_class("course-01-k")
    readout = widgets.HTML(ndim_readout(plot.vector(n)))
    readout.add_class("course-01-ndim-readout")

    def redraw():
        plot.update(k_slider.value)  # the frame first, then the table
        readout.value = ndim_readout(plot.vector(k_slider.value))

    guarded_redraw = messages.guard(redraw)
    k_slider.observe(lambda change: guarded_redraw(), names="value")
    layout = widgets.VBox([figure_view(plot.fig), k_slider, readout, messages.widget])
    layout.add_class("course-01-ndim-explorer")
    result = CourseWidget(layout, figures=[plot.fig], controls={"k": k_slider},
                          messages=messages, update=guarded_redraw)
    result.plot, result.readout = plot, readout
    result.show_k = messages.guard(plot.update)
    return result
