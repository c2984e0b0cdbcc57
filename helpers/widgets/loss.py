"""Widgets for notebook 02_loss: move predictions and watch MAE, MSE, RMSE; the crossing at 1."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers._checks import as_vector, same_shape
from helpers.losses import l1_loss, l2_loss, mae, mse, rmse
from helpers.norms import l1_norm, l2_norm
from helpers.plots import HUBER_COLOR, L1_COLOR, L2_COLOR
from helpers.plots.loss import UNIT_STOPS, CrossingFigure, ErrorBarsFigure
from helpers.widgets import (SLIDER_STYLE, CourseWidget, DragPoints, MessageArea, figure_view, set_quietly,
                             snap_to_step)

TARGET = (2.0, 3.5, 1.0, 4.0, 2.5)
PREDICTION = (2.5, 3.0, 1.8, 6.0, 2.2)
# Press within this many figure pixels of a prediction to grab it: more than the dot's radius
# (11 pt across) also at device pixel ratio 2, where ipympl doubles the figure's dpi.
GRAB_RADIUS_PX = 24.0


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


def build_loss_explorer(target=TARGET, pred=PREDICTION, *, y_range=(-1.0, 7.0),
                        step: float = 0.1) -> CourseWidget:
    """Move each prediction (drag it on the figure or use its slider ``pred1`` ... ``predN``).

    Bars show |d_i| and d_i^2; the readout shows MAE, MSE, RMSE, ||d||_1 and ||d||_2
    and checks sum d^2 = ||d||^2, MSE = ||d||^2/n, RMSE = ||d||/sqrt(n) live.
    """
    messages = MessageArea()
    target = as_vector(target, "target")
    start = as_vector(pred, "pred")
    same_shape(start, target, "pred", "target")
    plot = ErrorBarsFigure(target, start, y_range=y_range)
    low, high = y_range
    sliders = []
    for i, value in enumerate(start, start=1):
        slider = widgets.FloatSlider(
            value=float(value), min=low, max=high, step=step, readout_format=".1f",
            description=f"ŷ{i} (target {target[i - 1]:g})", continuous_update=True,
            style=SLIDER_STYLE, layout=widgets.Layout(width="300px"))
        slider.add_class(f"course-02-pred{i}")
        sliders.append(slider)
    readout = widgets.HTML(loss_readout(start, target))
    readout.add_class("course-02-readout")
    syncing = [False]

    def show(pred_now):
        plot.update(pred_now)  # the frame first: it is what the learner watches
        readout.value = loss_readout(pred_now, target)

    def settle():
        """Refit the bar panel's scale now that no prediction is moving (see ErrorBarsFigure)."""
        plot.fit_scale()

    # The bar panel keeps its scale while predictions move. The sliders have no "let go"
    # event, so the scale is refitted once they have been still for a moment.
    quiet = plot.fig.canvas.new_timer(interval=600)
    quiet.single_shot = True
    quiet.add_callback(messages.guard(settle))

    def redraw():
        """Redraw from the sliders."""
        show(snap_to_step([s.value for s in sliders], step))

    def on_slider(change):
        # A slider moved by the learner (not the sliders following a drag, which set `syncing`).
        if not syncing[0] and drag.active is None:
            redraw()
            quiet.stop()
            quiet.start()

    def sync_sliders(values):
        set_quietly(syncing, sliders, values)

    def set_prediction(i, value):
        """Move prediction ``i`` (0-based) to ``value`` (snapped to the step, kept in range)."""
        value = as_vector([value], f"prediction {i + 1}")[0]
        pred_now = plot.pred.copy()
        pred_now[i] = float(np.clip(snap_to_step(value, step), low, high))
        sync_sliders(pred_now)  # the sliders follow the figure at every move: they never disagree
        show(pred_now)

    def on_release(i):
        sync_sliders(plot.pred)
        settle()

    guarded_redraw = messages.guard(redraw)
    for slider in sliders:
        slider.observe(messages.guard(on_slider), names="value")
    drag = DragPoints(plot.ax_pred, lambda: np.column_stack([plot.index, plot.pred]),
                      lambda i, x, y: set_prediction(i, y), on_release=on_release,
                      radius_px=GRAB_RADIUS_PX, messages=messages)
    columns = [widgets.VBox(sliders[k::2]) for k in range(2)]
    layout = widgets.VBox([figure_view(plot.fig), widgets.HBox(columns), readout, messages.widget])
    layout.add_class("course-02-loss-explorer")
    result = CourseWidget(layout, figures=[plot.fig],
                          controls={f"pred{i}": s for i, s in enumerate(sliders, start=1)},
                          messages=messages, update=guarded_redraw)
    result.plot, result.readout, result.drag = plot, readout, drag
    result.set_prediction = messages.guard(set_prediction)
    result.settle = messages.guard(settle)
    return result


def crossing_readout(e: float, unit: float) -> str:
    """HTML: the error in metres and in units, |e|, e^2 and Huber, and whether squaring shrank it."""
    absolute, squared, huber = CrossingFigure.values(e, unit)
    size = abs(e / unit)
    if size < 1:
        verdict = "below 1 unit: squaring <b>shrinks</b> it"
    elif size > 1:
        verdict = "above 1 unit: squaring <b>grows</b> it"
    else:
        verdict = "exactly 1 unit: |e| = e²"
    zone = "quadratic zone, 0.5·e²" if size <= 1 else "linear zone, |e| − 0.5"
    return (f'<div class="course-02-crossing-values">e = {e:+.2f} m = {e / unit:+.2f} units: '
            f'<span style="color:{L1_COLOR}"><b>|e| = {absolute:.3f}</b></span>, '
            f'<span style="color:{L2_COLOR}"><b>e² = {squared:.3f}</b></span>, '
            f'<span style="color:{HUBER_COLOR}"><b>Huber = {huber:.3f}</b></span> ({zone})</div>'
            f'<div class="course-02-verdict">{verdict}.</div>')


def build_crossing_explorer(e: float = 0.5, unit: float = 1.0) -> CourseWidget:
    """Slider ``e`` (an error in metres) and slider ``unit`` (how long 1 unit is).

    The figure marks |e|, e^2 and Huber at the current error; the readout says
    whether squaring shrank or grew it, which depends on the unit.
    """
    messages = MessageArea()
    plot = CrossingFigure(e, unit)
    e_slider = widgets.FloatSlider(value=float(e), min=-3.0, max=3.0, step=0.05, readout_format=".2f",
                                   description="error e (m)", continuous_update=True,
                                   style=SLIDER_STYLE, layout=widgets.Layout(width="420px"))
    e_slider.add_class("course-02-e")
    unit_slider = widgets.SelectionSlider(options=list(UNIT_STOPS), value=float(unit),
                                          description="1 unit =", continuous_update=True,
                                          style=SLIDER_STYLE, layout=widgets.Layout(width="320px"))
    unit_slider.add_class("course-02-unit")
    readout = widgets.HTML(crossing_readout(e, unit))
    readout.add_class("course-02-crossing-readout")

    def redraw():
        plot.update(e_slider.value, unit_slider.value)  # the frame first, then the table
        readout.value = crossing_readout(e_slider.value, unit_slider.value)

    guarded_redraw = messages.guard(redraw)
    for control in (e_slider, unit_slider):
        control.observe(lambda change: guarded_redraw(), names="value")

    def show(e_value, unit_value=None):
        """Show an error ``e_value`` (metres) directly, bypassing the slider's range."""
        unit_value = unit_slider.value if unit_value is None else unit_value
        e_value = as_vector([e_value], "e")[0]
        plot.update(e_value, unit_value)
        readout.value = crossing_readout(e_value, unit_value)

    layout = widgets.VBox([figure_view(plot.fig), widgets.HBox([e_slider, unit_slider]), readout,
                           messages.widget])
    layout.add_class("course-02-crossing-explorer")
    result = CourseWidget(layout, figures=[plot.fig], controls={"e": e_slider, "unit": unit_slider},
                          messages=messages, update=guarded_redraw)
    result.plot, result.readout = plot, readout
    result.show = messages.guard(show)
    return result
