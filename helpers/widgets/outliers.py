"""Widgets for notebook 03_outlier_sensitivity: drag numbers and points, watch L1, L2 and Huber.

- :func:`build_constant_explorer`: a handful of numbers; drag one, the mean
  follows, the median stays; MSE(c) and MAE(c) with their minima.
- :func:`build_outlier_explorer`: the signature interaction. Drag any point of
  a scatter; the L2, L1 and Huber lines refit (exact minimizers from
  ``helpers.fitting``) on every move. Controls: Huber's delta, add an outlier,
  reset, switch data set.
"""

from __future__ import annotations

import html

import ipywidgets as widgets
import numpy as np

from helpers.data import load_anscombe
from helpers.fitting import fit_line
from helpers.losses import huber_loss, mae, mse
from helpers.outliers import noisy_line, outlier_for
from helpers.plots import HUBER_COLOR, L1_COLOR, L2_COLOR
from helpers.plots.outliers import MAX_ABS, ConstantFitFigure, LineFitFigure
from helpers.widgets import SLIDER_STYLE, CourseWidget, DragPoints, MessageArea, figure_view

LOSSES = ("l2", "l1", "huber")
ROW_NAMES = {"l2": ("L2 line", L2_COLOR), "l1": ("L1 line", L1_COLOR), "huber": ("Huber line", HUBER_COLOR)}
MAX_ADDED = 8


def _clamp(value: float) -> float:
    return float(np.clip(value, -MAX_ABS, MAX_ABS))


# --- warm-up: the constant predictor --------------------------------------------


def constant_readout(values, start) -> str:
    """HTML: mean and median now, the lowest MSE and MAE, and how far each centre moved."""
    values, start = np.asarray(values, dtype=float), np.asarray(start, dtype=float)
    mean, median = values.mean(), np.median(values)
    lowest_mse, lowest_mae = mse(np.full_like(values, mean), values), mae(np.full_like(values, median), values)
    return (f'<span style="color:{L2_COLOR}"><b>mean = {mean:.3g}</b></span> (moved {mean - start.mean():+.3g};'
            f" lowest MSE = {lowest_mse:.3g})<br>"
            f'<span style="color:{L1_COLOR}"><b>median = {median:.3g}</b></span>'
            f" (moved {median - np.median(start):+.3g}; lowest MAE = {lowest_mae:.3g})")


def build_constant_explorer(values=(3.0, 4.0, 4.5, 6.0, 7.0)) -> CourseWidget:
    """Drag any of a few numbers along the line; the mean, the median and MSE(c), MAE(c) follow.

    Controls: ``reset`` (Button). ``result.values`` holds the current numbers.
    """
    messages = MessageArea()
    start = np.asarray(values, dtype=float).copy()
    state = {"values": start.copy(), "followed": False}
    plot = ConstantFitFigure(start)
    readout = widgets.HTML(constant_readout(start, start))
    readout.add_class("course-03-constant-readout")

    def redraw(active=None):
        plot.update(state["values"], active)
        readout.value = constant_readout(state["values"], start)

    def on_drag(index, x, _y):
        state["values"][index] = _clamp(x)
        before = plot.ax_values.get_xlim()
        redraw(index)
        state["followed"] |= before != plot.ax_values.get_xlim()

    def on_release(_index):
        if state["followed"]:  # the axes grew during the drag: fit them to the numbers again
            state["followed"] = False
            plot.fit_view(state["values"])
        else:
            redraw()

    def on_reset(_button):
        messages.clear()
        state["values"] = start.copy()
        plot.fit_view(state["values"])
        readout.value = constant_readout(state["values"], start)

    drag = DragPoints(plot.ax_values, lambda: np.column_stack([state["values"], np.zeros(start.size)]),
                      on_drag, on_release=on_release, radius_px=12, messages=messages)
    reset = widgets.Button(description="Reset", icon="undo", tooltip="Put the numbers back",
                           layout=widgets.Layout(width="90px"))
    reset.add_class("course-03-constant-reset")
    reset.on_click(messages.guard(on_reset))
    layout = widgets.VBox([figure_view(plot.fig), widgets.HBox([reset, readout]), messages.widget])
    layout.add_class("course-03-constant-explorer")
    result = CourseWidget(layout, figures=[plot.fig], controls={"reset": reset}, messages=messages,
                          update=messages.guard(redraw))
    result.plot, result.readout, result.drag, result.state = plot, readout, drag, state
    return result


# --- the main widget: drag points, watch three lines ------------------------------


DATASETS = ("Anscombe III", "Noisy line")


def dataset_points(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The points of a named data set of the outlier explorer."""
    if name == "Anscombe III":
        data = load_anscombe("III")
        return data.X[:, 0].copy(), data.y.copy()
    if name == "Noisy line":
        return noisy_line(11, seed=seed)
    raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(map(repr, DATASETS))}")


def fit_all(x, y, delta: float) -> dict:
    """The L2, L1 and Huber lines of the points, as loss -> (slope, intercept)."""
    return {loss: fit_line(x, y, loss=loss, delta=delta) for loss in LOSSES}


def fits_readout(x, y, fits: dict, delta: float) -> str:
    """HTML table: each line's slope and intercept and its MSE, MAE and Huber loss on the data.

    The smallest value of each loss column is bold: each line wins its own loss.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    table = {loss: (s, b, mse(s * x + b, y), mae(s * x + b, y), huber_loss(s * x + b, y, delta=delta))
             for loss, (s, b) in fits.items()}
    best = [min(row[k] for row in table.values()) for k in (2, 3, 4)]
    rows = []
    for loss, (s, b, *values) in table.items():
        name, color = ROW_NAMES[loss]
        cells = "".join(
            f'<td style="text-align:right;padding:0 8px">{"<b>" if v == m else ""}{v:.4g}{"</b>" if v == m else ""}</td>'
            for v, m in zip(values, best))
        rows.append(f'<tr><td style="color:{color};padding-right:8px"><b>{name}</b></td>'
                    f'<td style="text-align:right;padding:0 8px">{s:.4g}</td>'
                    f'<td style="text-align:right;padding:0 8px">{b:.4g}</td>{cells}</tr>')
    header = "".join(f'<th style="padding:0 8px">{html.escape(h)}</th>'
                     for h in ("", "slope", "intercept", "MSE", "MAE", f"Huber (δ={delta:g})"))
    return (f'<table style="font-size:13px"><tr>{header}</tr>{"".join(rows)}</table>'
            f'<div style="color:#555;font-size:12px">{len(x)} points; bold = smallest in its column '
            "(each line is the exact minimizer of its own loss)</div>")


def build_outlier_explorer(dataset: str = "Anscombe III", delta: float = 1.0, *, seed: int = 0) -> CourseWidget:
    """Drag any point; the L2, L1 and Huber lines refit on every move.

    Controls: ``dataset`` (ToggleButtons), ``delta`` (FloatSlider, Huber's threshold),
    ``add_outlier`` and ``reset`` (Buttons). ``result.state`` holds ``x``, ``y`` and
    the current ``fits``; ``result.drag`` is the :class:`DragPoints` handler.
    """
    messages = MessageArea()
    x0, y0 = dataset_points(dataset, seed)  # raises ValueError for an unknown name
    state = {"x": x0, "y": y0, "fits": fit_all(x0, y0, delta), "added": 0, "followed": False,
             "rng": np.random.default_rng(seed)}
    plot = LineFitFigure(x0, y0, state["fits"], delta)
    delta_slider = widgets.FloatSlider(value=delta, min=0.1, max=5.0, step=0.1, readout_format=".1f",
                                       description="Huber δ", continuous_update=True, style=SLIDER_STYLE,
                                       layout=widgets.Layout(width="300px"))
    delta_slider.add_class("course-03-delta")
    chooser = widgets.ToggleButtons(options=DATASETS, value=dataset, description="Data",
                                    style={"description_width": "initial", "button_width": "110px"})
    chooser.add_class("course-03-dataset")
    add_button = widgets.Button(description="Add an outlier", icon="plus")
    add_button.add_class("course-03-add-outlier")
    reset_button = widgets.Button(description="Reset", icon="undo")
    reset_button.add_class("course-03-reset")
    readout = widgets.HTML(fits_readout(x0, y0, state["fits"], delta))
    readout.add_class("course-03-readout")

    def refresh(active=None):
        """Refit the three lines and show them (a blit unless the axes must follow)."""
        state["fits"] = fit_all(state["x"], state["y"], delta_slider.value)
        plot.update(state["x"], state["y"], state["fits"], delta_slider.value, active)
        readout.value = fits_readout(state["x"], state["y"], state["fits"], delta_slider.value)

    def refit_view():
        state["fits"] = fit_all(state["x"], state["y"], delta_slider.value)
        plot.fit_view(state["x"], state["y"], redraw=False)
        plot.set_artists(state["x"], state["y"], state["fits"], delta_slider.value)
        plot.blitter.full_redraw()
        readout.value = fits_readout(state["x"], state["y"], state["fits"], delta_slider.value)

    def on_drag(index, px, py):
        state["x"][index], state["y"][index] = _clamp(px), _clamp(py)
        before = plot.ax.get_xlim(), plot.ax.get_ylim()
        refresh(index)
        state["followed"] |= before != (plot.ax.get_xlim(), plot.ax.get_ylim())

    def on_release(_index):
        if state["followed"]:
            state["followed"] = False
            refit_view()
        else:
            refresh()

    def load(name):
        """Start again from the named data set (Reset, or a switch of data set)."""
        messages.clear()
        state["x"], state["y"] = dataset_points(name, seed)
        state["added"] = 0
        state["rng"] = np.random.default_rng(seed)
        refit_view()

    def on_add(_button):
        if state["added"] >= MAX_ADDED:
            messages.show_notice(f"{MAX_ADDED} outliers added already; press Reset to start again.")
            return
        new_x, new_y = outlier_for(state["x"], state["y"], state["rng"])
        state["x"], state["y"] = np.append(state["x"], new_x), np.append(state["y"], new_y)
        state["added"] += 1
        refit_view()

    delta_slider.observe(messages.guard(lambda _change: refresh()), names="value")
    chooser.observe(messages.guard(lambda change: load(change["new"])), names="value")
    add_button.on_click(messages.guard(on_add))
    reset_button.on_click(messages.guard(lambda _button: load(chooser.value)))
    drag = DragPoints(plot.ax, lambda: np.column_stack([state["x"], state["y"]]), on_drag,
                      on_release=on_release, radius_px=10, messages=messages)
    layout = widgets.VBox([
        chooser,
        figure_view(plot.fig),
        widgets.HBox([delta_slider, add_button, reset_button]),
        readout,
        messages.widget,
    ])
    layout.add_class("course-03-outlier-explorer")
    result = CourseWidget(layout, figures=[plot.fig],
                          controls={"dataset": chooser, "delta": delta_slider, "add_outlier": add_button,
                                    "reset": reset_button},
                          messages=messages, update=messages.guard(refresh))
    result.plot, result.readout, result.drag, result.state = plot, readout, drag, state
    return result
