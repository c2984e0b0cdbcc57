"""Widgets for notebook 01_norm: drag a vector's tip, morph the Lp unit ball, n dimensions.

Two widgets in the declared API (:class:`helpers.widgets.CourseWidget`):

- :class:`NormExplorer` (``build_norm_explorer``): a 2-D vector whose tip is dragged
  with the mouse or set with the x₁, x₂ sliders, a slider for p, and a readout of
  L1, L2, Lp, L∞ and L0. Its scenes are :data:`NORM_SCENES`.
- :class:`NDimExplorer` (``build_ndim_explorer``): a random n-vector; slider ``k``
  keeps its k largest entries and shows where ‖x‖₁/‖x‖₂ sits between 1 and √k.
  Its scenes are :data:`NDIM_SCENES`.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers._checks import as_vector
from helpers.norms import l0_count, l1_norm, l2_norm, linf_norm, lp_norm, triangle_gap
from helpers.plots import HUBER_COLOR, L1_COLOR, L2_COLOR
from helpers.plots.norm import P_STOPS, NDimNormFigure, VectorNormFigure, p_label
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

# --------------------------------------------------------------------------- scenes

NORM_SCENES = (
    Scene("x = (3, 4)", {"p": 2.0, "x1": 3.0, "x2": 4.0},
          note="the starting vector: L1 = 7, L2 = 5, L∞ = 4"),
    Scene("on an axis", {"x1": 4.0, "x2": 0.0},
          note="one non-zero entry: the taxicab path is the straight line"),
    Scene("on a diagonal", {"x1": 3.0, "x2": 3.0},
          note="equal entries: L1/L2 = √2, the largest ratio in 2-D"),
    Scene("p = 1: diamond", {"p": 1.0}, note="the L1 ball; its corners sit on the axes"),
    Scene("p = 0.5: not a norm", {"p": 0.5},
          note="the ball caves in; the chord's midpoint leaves it"),
    Scene("p = ∞: square", {"p": np.inf}, note="the L∞ ball: every point with max |vᵢ| ≤ 1"),
)
"""Named states of the norm explorer that the notebook's prose, exercises and teacher's guide use."""



def ndim_scenes(n: int = 12) -> tuple[Scene, ...]:
    """Named states of the n-dimensional explorer for a vector of length ``n``."""
    return (
        Scene(f"all {n} non-zero", {"k": int(n)}, note="spread out: the ratio is far above 1"),
        *((Scene("3 non-zero", {"k": 3}, note="the ratio stays below √3"),) if n > 3 else ()),
        Scene("1 non-zero", {"k": 1}, note="one entry: L1 = L2, the ratio is exactly 1"),
    )


NDIM_SCENES = ndim_scenes(12)
"""The scenes of the n-dimensional explorer as the notebook builds it (n = 12)."""


# --------------------------------------------------------------------------- readouts

def _check(ok: bool) -> str:
    return '<span style="color:#1a7f37">✓</span>' if ok else '<span style="color:#b00020">✗</span>'


# The readout tables have fixed column widths (table-layout: fixed) and tabular digits, so their
# columns stay put while p, the vector or k changes (issue 14: they used to jump sideways).
READOUT_COLUMNS_PX = (44, 290, 96, 330)
NDIM_COLUMNS_PX = (80, 120, 120, 120, 120)
_CELL_STYLE = "white-space:nowrap;overflow:hidden;text-overflow:ellipsis;padding:0 8px 0 0"


def _table(css_class: str, widths, rows) -> str:
    colgroup = "".join(f'<col style="width:{w}px">' for w in widths)
    style = ("table-layout:fixed;border-collapse:collapse;font-variant-numeric:tabular-nums;"
             f"width:{sum(widths)}px")
    return f'<table class="{css_class}" style="{style}"><colgroup>{colgroup}</colgroup>{"".join(rows)}</table>'


def _cells(*cells, color: str = "") -> str:
    first, *rest = cells
    colour = f"color:{color};" if color else ""
    return (f'<tr><td style="{colour}{_CELL_STYLE}">{first}</td>'
            + "".join(f'<td style="{_CELL_STYLE}">{cell}</td>' for cell in rest) + "</tr>")


def _row(name: str, color: str, formula: str, value: str, note: str = "") -> str:
    return _cells(f"<b>{name}</b>", formula, f"<b>{name} = {value}</b>",
                  f'<span style="color:#555">{note}</span>', color=color)


def norm_readout(x, p) -> str:
    """HTML: the five sizes of ``x`` (2-D) with their formulas, the chain of inequalities, and
    the triangle inequality on e₁ = (1, 0), e₂ = (0, 1) for the slider's p (it fails for p < 1).

    Every number comes from helpers.norms. The table's columns have fixed widths and the
    last line is always there, so nothing under the figure moves when p changes.
    """
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
        # Why L0 is not a norm is an exercise of section 5: the note does not give it away.
        _row("L0", "#333", "count of non-zero entries", f"{l0}", "not a norm (why? section 5)"),
    ]
    bound = np.sqrt(x.size) * l2
    tol = 1e-12 * max(1.0, l1)
    chain = (f"‖x‖<sub>∞</sub> = {linf:.2f} {_check(linf <= l2 + tol)} ≤ ‖x‖<sub>2</sub> = {l2:.2f} "
             f"{_check(l2 <= l1 + tol)} ≤ ‖x‖<sub>1</sub> = {l1:.2f} {_check(l1 <= bound + tol)} ≤ "
             f"√2·‖x‖<sub>2</sub> = {bound:.2f}")
    parts = [_table("course-01-norm-table", READOUT_COLUMNS_PX, rows),
             '<div class="course-01-chain" style="margin-top:4px;font-variant-numeric:tabular-nums">'
             f"On your vector: {chain}</div>"]
    e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    apart, together = lp_norm(e1, p) + lp_norm(e2, p), lp_norm(e1 + e2, p)
    # Two lines reserved whatever p is (the line is longer below p = 1), so nothing under it moves.
    line = '<div class="course-01-quasi" style="margin-top:4px;min-height:2.6em;line-height:1.3em;color:{}">'
    e12 = "With e₁ = (1, 0), e₂ = (0, 1): "
    if p < 1:
        parts.append(
            line.format("#8a5a00") + f"p = {pl} &lt; 1: not a norm. {e12}‖e₁‖<sub>p</sub> + ‖e₂‖<sub>p</sub> = "
            f"{apart:.2f} &lt; ‖e₁ + e₂‖<sub>p</sub> = {together:.2f}, the triangle inequality fails "
            f"(gap {triangle_gap(e1, e2, p):.2f}).</div>")
    else:
        parts.append(
            line.format("#555") + f"p = {pl} ≥ 1: a norm. {e12}‖e₁ + e₂‖<sub>p</sub> = {together:.2f} ≤ "
            f"‖e₁‖<sub>p</sub> + ‖e₂‖<sub>p</sub> = {apart:.2f}, the triangle inequality holds.</div>")
    return _flat_scripts("".join(parts))


def _flat_scripts(html: str) -> str:
    """Sub- and superscripts that do not stretch their line (so rows keep one height for every p)."""
    return html.replace("<sub>", '<sub style="line-height:0">').replace("<sup>", '<sup style="line-height:0">')


def ndim_readout(v) -> str:
    """HTML: L0, L∞, L2, L1 of an n-vector (a table with fixed columns) and both chains of
    bounds (√n and √L0)."""
    v = np.asarray(v, dtype=float)
    n, l0, l1, l2, linf = v.size, l0_count(v), l1_norm(v), l2_norm(v), linf_norm(v)
    row = _cells(f"n = {n}", f"<b>L0 = {l0}</b>", f"L∞ = {linf:.3f}", f"L2 = {l2:.3f}", f"L1 = {l1:.3f}")
    return (
        f'<div class="course-01-ndim-values">{_table("course-01-ndim-table", NDIM_COLUMNS_PX, [row])}</div>'
        '<div style="font-variant-numeric:tabular-nums">'
        f"‖x‖<sub>∞</sub> = {linf:.3f} ≤ ‖x‖<sub>2</sub> = {l2:.3f} ≤ ‖x‖<sub>1</sub> = {l1:.3f} "
        f"≤ √L0·‖x‖<sub>2</sub> = {np.sqrt(l0) * l2:.3f} ≤ √n·‖x‖<sub>2</sub> = {np.sqrt(n) * l2:.3f}</div>"
    ).replace("<sub>", '<sub style="line-height:0">')


# --------------------------------------------------------------------------- the vector explorer

GRAB_RADIUS_PX = 24.0
"""How near (figure pixels) a press must be to the tip to grab it. The dot is 13 pt across:
9 px in radius on a plain screen, 18 figure pixels on a HiDPI screen (device pixel ratio 2,
where ipympl doubles the figure's dpi and DragPoints measures in figure pixels). 24 covers
the whole dot with a margin on both; the tip is the only point, so a wide radius grabs nothing else."""

class NormExplorer(CourseWidget):
    """Drag the tip of a 2-D vector (or use the x₁, x₂ sliders) and pick p on a slider.

    The figure shows the L1 taxicab path, the L2 segment, the curve of the same
    ‖·‖ₚ through the tip, and the Lp unit ball {v : ‖v‖ₚ ≤ 1}; the readout lists
    L1, L2, Lp, L∞ and L0 and the inequalities between them. While the tip is
    dragged only the figure and readout change; the sliders follow on release, and
    as soon as the mouse leaves the figure (where a release is never heard: the
    drag then ends on the next move without a button, see DragPoints).

    Attributes (besides CourseWidget's):
        plot: the :class:`VectorNormFigure`.
        drag: the :class:`DragPoints` that moves the tip.
        p_slider: SelectionSlider over :data:`P_STOPS` (0.5 ... 10, ∞), control ``"p"``.
        x1_slider, x2_slider: FloatSliders for the coordinates, controls ``"x1"``, ``"x2"``.
        snap: drags and sliders snap to multiples of it, so the tip can land exactly on an axis.
        edge: the largest |coordinate| allowed (inside the axes).
    """

    plot: VectorNormFigure
    drag: DragPoints
    p_slider: widgets.SelectionSlider
    x1_slider: widgets.FloatSlider
    x2_slider: widgets.FloatSlider
    snap: float
    edge: float

    def __init__(self, x=(3.0, 4.0), p=2.0, *, limit: float = 5.0, snap: float = 0.1,
                 scenes=NORM_SCENES):
        messages = MessageArea()
        start = as_vector(x, "x")
        if start.size != 2:
            raise ValueError(f"x must have 2 entries (x₁, x₂); got {start.size}")
        self.snap = float(snap)
        self.edge = float(snap_to_step(0.95 * limit, snap))
        self.plot = VectorNormFigure(start, p, limit=limit)
        self.p_slider = widgets.SelectionSlider(
            options=[(p_label(v), v) for v in P_STOPS], value=min(P_STOPS, key=lambda v: abs(v - p)),
            description="p", continuous_update=True, style=SLIDER_STYLE,
            layout=widgets.Layout(width="330px"))
        self.p_slider.add_class("course-01-p")
        sliders = []
        for i, name in enumerate(("x1", "x2")):
            slider = widgets.FloatSlider(
                value=float(start[i]), min=-self.edge, max=self.edge, step=self.snap, readout_format=".1f",
                description=f"x{'₁₂'[i]}", continuous_update=True, style=SLIDER_STYLE,
                layout=widgets.Layout(width="300px"))
            slider.add_class(f"course-01-{name}")
            sliders.append(slider)
        self.x1_slider, self.x2_slider = sliders
        readout = widgets.HTML(norm_readout(start, self.p_slider.value))
        readout.add_class("course-01-readout")
        self._syncing = [False]
        body = widgets.VBox([figure_view(self.plot.fig),
                             widgets.HBox([self.p_slider, self.x1_slider, self.x2_slider]),
                             readout])
        super().__init__(body, figures=[self.plot.fig],
                         controls={"p": self.p_slider, "x1": self.x1_slider, "x2": self.x2_slider},
                         readout=readout, messages=messages, scenes=scenes)
        self.layout.add_class("course-01-norm-explorer")
        self._guarded_set_vector = messages.guard(self._set_vector)
        self.p_slider.observe(lambda change: self.update(), names="value")
        for slider in sliders:
            slider.observe(self._on_coordinate, names="value")
        self._outside = False
        self.drag = DragPoints(self.plot.ax_vec, lambda: self.plot.x[None, :],
                               lambda i, px, py: self._set_vector((px, py), sync=self._outside),
                               on_release=lambda i: self._sync_sliders(self.plot.x), radius_px=GRAB_RADIUS_PX,
                               messages=messages)
        # The mouse may leave the figure during a drag and the button go up out there, where the
        # figure hears no release: the sliders catch up when the mouse leaves, so figure and
        # controls agree while it is outside (a late move that arrives after the leave syncs too).
        canvas = self.plot.fig.canvas
        canvas.mpl_connect("figure_leave_event", messages.guard(self._on_leave))
        canvas.mpl_connect("figure_enter_event", messages.guard(self._on_enter))

    # -- the declared API
    def redraw(self) -> None:
        """Redraw from the controls: the x₁, x₂ sliders and p (during a drag, the mouse's vector)."""
        if self.drag.active is not None:
            vector = self.plot.x
        else:
            vector = snap_to_step([self.x1_slider.value, self.x2_slider.value], self.snap)
        self._show(vector)

    @property
    def state(self) -> dict:
        """{"vector": (x₁, x₂) shown in the figure, "p": the slider's p, "dragging": bool}."""
        return {"vector": tuple(float(v) for v in self.plot.x), "p": float(self.p_slider.value),
                "dragging": self.drag.active is not None}

    def set_vector(self, vector, sync: bool = True) -> None:
        """Move the tip to ``vector`` (snapped, kept inside the axes); ``sync`` also moves the
        sliders. A bad vector is shown as an error under the widget, not raised."""
        self._guarded_set_vector(vector, sync)

    # -- internals
    def _show(self, vector) -> None:
        self.plot.update(vector, self.p_slider.value)  # the frame first: it is what the learner watches
        self.readout.value = norm_readout(vector, self.p_slider.value)

    def _set_vector(self, vector, sync: bool = True) -> None:
        vector = as_vector(vector, "the vector")
        if vector.size != 2:
            raise ValueError(f"the vector must have 2 entries (x₁, x₂); got {vector.size}")
        vector = np.clip(snap_to_step(vector, self.snap), -self.edge, self.edge)
        if sync:
            self._sync_sliders(vector)
        self._show(vector)

    def _on_coordinate(self, change) -> None:
        # During a drag the mouse is the truth: a slider's late echo of an older value is ignored.
        if not self._syncing[0] and self.drag.active is None:
            self.update()

    def _on_leave(self, event) -> None:
        self._outside = True
        if self.drag.active is not None:
            self._sync_sliders(self.plot.x)

    def _on_enter(self, event) -> None:
        self._outside = False

    def _sync_sliders(self, vector) -> None:
        set_quietly(self._syncing, (self.x1_slider, self.x2_slider), vector)


def build_norm_explorer(x=(3.0, 4.0), p=2.0, *, limit: float = 5.0, snap: float = 0.1) -> NormExplorer:
    """The vector explorer of 01_norm: see :class:`NormExplorer` (controls ``p``, ``x1``, ``x2``)."""
    return NormExplorer(x, p, limit=limit, snap=snap)


# --------------------------------------------------------------------------- n dimensions

class NDimExplorer(CourseWidget):
    """A random n-vector (normal entries, rounded to 2 decimals, from ``seed``); the slider
    ``k`` keeps its k largest entries. Shows the bars of x and where ‖x‖₁/‖x‖₂ sits
    between 1 and √k.

    Attributes (besides CourseWidget's):
        plot: the :class:`NDimNormFigure` (every k computed at build time).
        k_slider: IntSlider 1 ... n, control ``"k"``.
    """

    plot: NDimNormFigure
    k_slider: widgets.IntSlider

    def __init__(self, n: int = 12, *, seed: int = 0, scenes=None):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise ValueError(f"n must be an integer >= 2 (the vector's length); got {n!r}")
        messages = MessageArea()
        x = np.random.default_rng(seed).normal(size=int(n)).round(2)
        self.plot = NDimNormFigure(x)
        self.k_slider = widgets.IntSlider(value=int(n), min=1, max=int(n), step=1,
                                          description="k = non-zeros kept", continuous_update=True,
                                          style=SLIDER_STYLE, layout=widgets.Layout(width="420px"))
        self.k_slider.add_class("course-01-k")
        readout = widgets.HTML(ndim_readout(self.plot.vector(n)))
        readout.add_class("course-01-ndim-readout")
        body = widgets.VBox([figure_view(self.plot.fig), self.k_slider, readout])
        super().__init__(body, figures=[self.plot.fig], controls={"k": self.k_slider},
                         readout=readout, messages=messages,
                         scenes=ndim_scenes(int(n)) if scenes is None else scenes)
        self.layout.add_class("course-01-ndim-explorer")
        self.k_slider.observe(lambda change: self.update(), names="value")

    def redraw(self) -> None:
        """Show the vector with the k largest entries kept (k from the slider)."""
        self.plot.update(self.k_slider.value)  # the frame first, then the table
        self.readout.value = ndim_readout(self.plot.vector(self.k_slider.value))

    @property
    def state(self) -> dict:
        """{"k", "vector" (the k largest entries kept, the rest 0), "ratio": ‖x‖₁/‖x‖₂}."""
        k = self.plot.k
        return {"k": k, "vector": tuple(float(v) for v in self.plot.vector(k)),
                "ratio": float(self.plot.ratios[k - 1])}


def build_ndim_explorer(n: int = 12, *, seed: int = 0) -> NDimExplorer:
    """The n-dimensional explorer of 01_norm: see :class:`NDimExplorer` (control ``k``)."""
    return NDimExplorer(n, seed=seed)
