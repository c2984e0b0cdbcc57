"""Widgets for notebook 02_loss: move predictions and watch MAE, MSE, RMSE; the crossing at 1.

Two explorers in the course's declared widget API (:class:`helpers.widgets.CourseWidget`):

- :class:`LossExplorer` (``build_loss_explorer``): drag the predictions or move their
  sliders; bars of |d_i| and d_i^2, and a readout that computes every loss twice;
- :class:`CrossingExplorer` (``build_crossing_explorer``): one error e and the length of
  "1 unit"; marks on |e|, e^2 and Huber say whether squaring shrank or grew it.

Their scenes (:data:`LOSS_SCENES`, :data:`CROSSING_SCENES`) are the states the notebook's
prose and exercises discuss.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers._checks import as_vector, same_shape
from helpers.losses import l1_loss, l2_loss, mae, mse, rmse
from helpers.norms import l1_norm, l2_norm
from helpers.plots import HUBER_COLOR, L1_COLOR, L2_COLOR
from helpers.plots.loss import UNIT_STOPS, CrossingFigure, ErrorBarsFigure
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

TARGET = (2.0, 3.5, 1.0, 4.0, 2.5)
PREDICTION = (2.5, 3.0, 1.8, 6.0, 2.2)
# Press within this many figure pixels of a prediction to grab it: more than the dot's radius
# (11 pt across) also at device pixel ratio 2, where ipympl doubles the figure's dpi.
GRAB_RADIUS_PX = 24.0
SETTLE_MS = 600  # the bar scale is refitted once the sliders have been still this long


def _predictions(values) -> dict:
    return {f"pred{i}": float(v) for i, v in enumerate(values, start=1)}


# Scenes of the loss explorer, for TARGET = (2.0, 3.5, 1.0, 4.0, 2.5).
LOSS_SCENES = (
    Scene("the table's predictions", _predictions(PREDICTION),
          note="d = (0.5, -0.5, 0.8, 2.0, -0.3): MAE 0.82, MSE 1.046"),
    Scene("prediction 4 on its target", _predictions((2.5, 3.0, 1.8, 4.0, 2.2)),
          note="the error of 2 is gone: compare how far the MAE and the MSE fall"),
    Scene("every error 0.5", _predictions(np.add(TARGET, 0.5)),
          note="errors below 1: every squared bar is shorter than its absolute bar"),
    Scene("one error of 3", _predictions((2.5, 4.0, 1.5, 7.0, 3.0)),
          note="four errors of 0.5 and one of 3: how much of the sum of squares is the big one?"),
    Scene("all on target", _predictions(TARGET), note="d = 0: every loss is 0"),
)

# Scenes of the crossing explorer (the unit is set first, then the error).
CROSSING_SCENES = (
    Scene("e = 0.5", {"unit": 1.0, "e": 0.5}, note="below 1 unit: squaring shrinks it (0.25 < 0.5)"),
    Scene("e = 1: they tie", {"unit": 1.0, "e": 1.0}, note="exactly 1 unit: |e| = e² = 1"),
    Scene("e = 1.5", {"unit": 1.0, "e": 1.5}, note="above 1 unit: squaring grows it (2.25 > 1.5)"),
    Scene("1 unit = 25 cm", {"unit": 0.25, "e": 0.5},
          note="the same half metre is 2 units: squaring now grows it (4 > 2)"),
    Scene("1.5 m in 25 cm units", {"unit": 0.25, "e": 1.5},
          note="6 units: |e| = 6, e² = 36, Huber = 5.5"),
)


def _same(a: float, b: float) -> str:
    ok = np.isclose(a, b, rtol=1e-12, atol=1e-12)
    return '<span style="color:#1a7f37">✓</span>' if ok else '<span style="color:#b00020">✗</span>'


def loss_readout(pred, target) -> str:
    """HTML: d, then each loss computed twice, by helpers.losses and from the norm of d."""
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    d = pred - target
    n = d.size
    l1, l2 = l1_norm(d), l2_norm(d)
    sum_abs, sum_sq = l1_loss(pred, target, reduction="sum"), l2_loss(pred, target, reduction="sum")
    d_text = ", ".join(f"{v:+.2f}" for v in d)
    rows = [
        (L1_COLOR, "sum of |dᵢ|", f"{sum_abs:.3f}", f"‖d‖₁ = {l1:.3f}", _same(sum_abs, l1)),
        (L1_COLOR, "MAE", f"{mae(pred, target):.3f}", f"‖d‖₁ / n = {l1 / n:.3f}",
         _same(mae(pred, target), l1 / n)),
        (L2_COLOR, "sum of dᵢ²", f"{sum_sq:.3f}", f"‖d‖₂² = {l2:.3f}² = {l2 ** 2:.3f}",
         _same(sum_sq, l2 ** 2)),
        (L2_COLOR, "MSE", f"{mse(pred, target):.3f}", f"‖d‖₂² / n = {l2 ** 2 / n:.3f}",
         _same(mse(pred, target), l2 ** 2 / n)),
        (HUBER_COLOR, "RMSE", f"{rmse(pred, target):.3f}", f"‖d‖₂ / √n = {l2 / np.sqrt(n):.3f}",
         _same(rmse(pred, target), l2 / np.sqrt(n))),
    ]
    body = "".join(
        f'<tr><td style="color:{c}"><b>{name}</b></td><td style="text-align:right;padding:0 12px">'
        f"<b>{name} = {value}</b></td><td>{norm}</td><td>{ok}</td></tr>"
        for c, name, value, norm, ok in rows)
    return (f'<div class="course-02-d">d = ŷ − y = ({d_text}), n = {n}: '
            f'<b style="color:{L1_COLOR}">‖d‖₁ = {l1:.3f}</b>, '
            f'<b style="color:{L2_COLOR}">‖d‖₂ = {l2:.3f}</b></div>'
            '<table class="course-02-loss-table"><tr><th></th><th>from the losses</th>'
            f"<th>from the norm of d</th><th></th></tr>{body}</table>")


class LossExplorer(CourseWidget):
    """Move each prediction: drag it on the figure, or use its slider ``pred1`` ... ``predN``.

    Bars show |d_i| and d_i^2; the readout shows MAE, MSE, RMSE, ||d||_1 and ||d||_2 and
    checks sum d^2 = ||d||^2, MSE = ||d||^2/n, RMSE = ||d||/sqrt(n) live. The sliders follow
    a drag at every move, so figure and controls never disagree. The bar panel keeps its
    scale while a prediction moves and refits between moves (on release, on a scene, or
    ``SETTLE_MS`` after the last slider step): a change of bar height always means something.

    Attributes (besides CourseWidget's):
        target: the targets y (a float array).
        plot: the :class:`~helpers.plots.loss.ErrorBarsFigure`.
        sliders: the prediction sliders, in order (also ``controls["pred1"]`` ...).
        drag: the :class:`~helpers.widgets.DragPoints` on the left panel.
        step: the predictions' step (a drag snaps to it).
    """

    target: np.ndarray
    plot: ErrorBarsFigure
    sliders: list
    drag: DragPoints
    step: float

    def __init__(self, target=TARGET, pred=PREDICTION, *, y_range=(-1.0, 7.0), step: float = 0.1,
                 scenes=LOSS_SCENES):
        messages = MessageArea()
        self.target = as_vector(target, "target")
        start = as_vector(pred, "pred")
        same_shape(start, self.target, "pred", "target")
        self.step = float(step)
        self._low, self._high = (float(v) for v in y_range)
        self._syncing = [False]
        self.plot = ErrorBarsFigure(self.target, start, y_range=y_range)
        self.sliders = []
        for i, value in enumerate(start, start=1):
            slider = widgets.FloatSlider(
                value=float(value), min=self._low, max=self._high, step=self.step, readout_format=".1f",
                description=f"ŷ{i} (target {self.target[i - 1]:g})", continuous_update=True,
                style=SLIDER_STYLE, layout=widgets.Layout(width="300px"))
            slider.add_class(f"course-02-pred{i}")
            self.sliders.append(slider)
        readout = widgets.HTML(loss_readout(start, self.target))
        readout.add_class("course-02-readout")
        columns = [widgets.VBox(self.sliders[k::2]) for k in range(2)]
        body = widgets.VBox([figure_view(self.plot.fig), widgets.HBox(columns), readout])
        super().__init__(body, figures=[self.plot.fig],
                         controls={f"pred{i}": s for i, s in enumerate(self.sliders, start=1)},
                         readout=readout, messages=messages, scenes=scenes)
        self.layout.add_class("course-02-loss-explorer")
        # The sliders have no "let go" event: the scale is refitted once they have been still.
        self._quiet = self.plot.fig.canvas.new_timer(interval=SETTLE_MS)
        self._quiet.single_shot = True
        self._quiet.add_callback(messages.guard(self.settle))
        for slider in self.sliders:
            slider.observe(messages.guard(self._on_slider), names="value")
        self._guarded_set = messages.guard(self._set_prediction)
        self.drag = DragPoints(self.plot.ax_pred, lambda: np.column_stack([self.plot.index, self.plot.pred]),
                               lambda i, x, y: self._set_prediction(i, y), on_release=self._on_release,
                               radius_px=GRAB_RADIUS_PX, messages=messages)

    # -- the declared API
    def redraw(self) -> None:
        """Redraw from the sliders (the bar scale stays as it is)."""
        self._show(snap_to_step([s.value for s in self.sliders], self.step))

    @property
    def state(self) -> dict:
        pred, target = self.plot.pred, self.target
        return {"pred": tuple(float(v) for v in pred), "target": tuple(float(v) for v in target),
                "d": tuple(float(v) for v in pred - target), "mae": mae(pred, target),
                "mse": mse(pred, target), "rmse": rmse(pred, target), "bar_top": self.plot.bar_top}

    def apply_scene(self, label: str) -> None:
        """Set the sliders to the scene, then fit the bar scale at once (a scene is a jump, not a drag)."""
        super().apply_scene(label)
        self.settle()

    # -- what the learner does
    def set_prediction(self, i: int, value) -> None:
        """Move prediction ``i`` (0-based) to ``value`` (snapped to the step, kept in range);
        a bad value is shown under the widget, not raised."""
        self._guarded_set(i, value)

    def _set_prediction(self, i: int, value) -> None:
        value = as_vector([value], f"prediction {i + 1}")[0]
        pred_now = self.plot.pred.copy()
        pred_now[i] = float(np.clip(snap_to_step(value, self.step), self._low, self._high))
        set_quietly(self._syncing, self.sliders, pred_now)  # the sliders follow the figure at every move
        self._show(pred_now)

    def settle(self) -> None:
        """Refit the bar panel's scale now that no prediction is moving (see ErrorBarsFigure.fit_scale)."""
        self._quiet.stop()
        self.plot.fit_scale()

    # -- callbacks
    def _show(self, pred_now) -> None:
        self.plot.update(pred_now)  # the frame first: it is what the learner watches
        self.readout.value = loss_readout(pred_now, self.target)

    def _on_slider(self, change) -> None:
        # A slider moved by the learner (not the sliders following a drag, which raise _syncing).
        if self._syncing[0] or self.drag.active is not None:
            return
        self.update()
        self._quiet.stop()
        self._quiet.start()

    def _on_release(self, i: int) -> None:
        set_quietly(self._syncing, self.sliders, self.plot.pred)
        self.settle()


def build_loss_explorer(target=TARGET, pred=PREDICTION, *, y_range=(-1.0, 7.0),
                        step: float = 0.1) -> LossExplorer:
    """The loss explorer (see :class:`LossExplorer`); its scenes assume the default ``target``."""
    scenes = LOSS_SCENES if np.array_equal(as_vector(target, "target"), TARGET) else ()
    return LossExplorer(target, pred, y_range=y_range, step=step, scenes=scenes)


def crossing_verdict(e: float, unit: float) -> str:
    """'shrinks', 'grows' or 'tie': what squaring does to the error e (metres) counted in units."""
    size = abs(e / unit)
    return "shrinks" if 0 < size < 1 else ("grows" if size > 1 else "tie")


def crossing_readout(e: float, unit: float) -> str:
    """HTML: the error in metres and in units, |e|, e^2 and Huber, and whether squaring shrank it."""
    absolute, squared, huber = CrossingFigure.values(e, unit)
    size = abs(e / unit)
    verdict = {"shrinks": "below 1 unit: squaring <b>shrinks</b> it",
               "grows": "above 1 unit: squaring <b>grows</b> it",
               "tie": "exactly 1 unit: |e| = e²" if size == 1 else "zero: |e| = e² = 0"}[crossing_verdict(e, unit)]
    zone = "quadratic zone, ½·e²" if size <= 1 else "linear zone, |e| − ½"
    return (f'<div class="course-02-crossing-values">e = {e:+.2f} m = {e / unit:+.2f} units: '
            f'<span style="color:{L1_COLOR}"><b>|e| = {absolute:.3f}</b></span>, '
            f'<span style="color:{L2_COLOR}"><b>e² = {squared:.3f}</b></span>, '
            f'<span style="color:{HUBER_COLOR}"><b>Huber = {huber:.3f}</b></span> ({zone})</div>'
            f'<div class="course-02-verdict">{verdict}.</div>')


class CrossingExplorer(CourseWidget):
    """Slider ``e`` (an error in metres) and slider ``unit`` (how long 1 unit is).

    The figure marks |e| (square), e^2 (triangle) and Huber (diamond) at the current error,
    each labelled with its value; the readout says whether squaring shrank or grew it,
    which depends on the unit.

    Attributes (besides CourseWidget's):
        plot: the :class:`~helpers.plots.loss.CrossingFigure`.
        e_slider, unit_slider: the two controls (also ``controls["e"]``, ``controls["unit"]``).
    """

    plot: CrossingFigure
    e_slider: widgets.FloatSlider
    unit_slider: widgets.SelectionSlider

    def __init__(self, e: float = 0.5, unit: float = 1.0, *, scenes=CROSSING_SCENES):
        messages = MessageArea()
        self.plot = CrossingFigure(e, unit)
        self.e_slider = widgets.FloatSlider(value=float(e), min=-3.0, max=3.0, step=0.05, readout_format=".2f",
                                            description="error e (m)", continuous_update=True,
                                            style=SLIDER_STYLE, layout=widgets.Layout(width="420px"))
        self.e_slider.add_class("course-02-e")
        self.unit_slider = widgets.SelectionSlider(options=list(UNIT_STOPS), value=float(unit),
                                                   description="1 unit =", continuous_update=True,
                                                   style=SLIDER_STYLE, layout=widgets.Layout(width="320px"))
        self.unit_slider.add_class("course-02-unit")
        readout = widgets.HTML(crossing_readout(e, unit))
        readout.add_class("course-02-crossing-readout")
        body = widgets.VBox([figure_view(self.plot.fig), widgets.HBox([self.e_slider, self.unit_slider]),
                             readout])
        super().__init__(body, figures=[self.plot.fig], controls={"e": self.e_slider, "unit": self.unit_slider},
                         readout=readout, messages=messages, scenes=scenes)
        self.layout.add_class("course-02-crossing-explorer")
        self._guarded_show = messages.guard(self._show_checked)
        for control in (self.e_slider, self.unit_slider):
            control.observe(lambda change: self.update(), names="value")

    def redraw(self) -> None:
        self._show(self.e_slider.value, self.unit_slider.value)

    @property
    def state(self) -> dict:
        absolute, squared, huber = CrossingFigure.values(self.plot.e, self.plot.unit)
        return {"e": self.plot.e, "unit": self.plot.unit, "abs": absolute, "squared": squared,
                "huber": huber, "verdict": crossing_verdict(self.plot.e, self.plot.unit),
                "y_top": self.plot.y_top}

    def show(self, e_value, unit_value=None) -> None:
        """Show an error ``e_value`` (metres) directly, bypassing the slider's range (errors shown, not raised)."""
        self._guarded_show(e_value, unit_value)

    def _show_checked(self, e_value, unit_value=None) -> None:
        unit_value = self.unit_slider.value if unit_value is None else unit_value
        self._show(as_vector([e_value], "e")[0], unit_value)

    def _show(self, e_value, unit_value) -> None:
        self.plot.update(e_value, unit_value)  # the frame first, then the table
        self.readout.value = crossing_readout(e_value, unit_value)


def build_crossing_explorer(e: float = 0.5, unit: float = 1.0) -> CrossingExplorer:
    """The crossing explorer (see :class:`CrossingExplorer`)."""
    return CrossingExplorer(e, unit)
