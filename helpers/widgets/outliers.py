"""Widgets for notebook 03_outlier_sensitivity: drag numbers and points, watch L1, L2 and Huber.

- :func:`build_constant_explorer` -> :class:`ConstantExplorer`: a handful of
  numbers; drag one and watch the mean, the median, MSE(c) and MAE(c).
- :func:`build_outlier_explorer` -> :class:`OutlierExplorer`: the signature
  interaction. Drag any point of a scatter; the L2, L1 and Huber lines refit
  (exact minimizers from ``helpers.fitting``) on every move. Controls: the data
  set, Huber's delta, add an outlier, reset.

Both follow the course's declared widget API (``helpers.widgets.CourseWidget``):
``controls``, ``state``, ``update()`` and named scenes (``CONSTANT_SCENES``,
``OUTLIER_SCENES``). During a drag the axes follow the mouse at an edge (at the
mouse's speed, see ``helpers.plots.outliers.push_limits``) and fit the data again
when the drag ends; Reset, a scene or a new data set ends any drag in progress.
"""

from __future__ import annotations

import html
import math

import ipywidgets as widgets
import numpy as np

from helpers._checks import as_vector
from helpers.data import load_anscombe
from helpers.fitting import LOSSES, fit_line
from helpers.losses import huber_loss, mae, mse
from helpers.outliers import constant_mae_slopes, noisy_line, outlier_for
from helpers.plots import HUBER_COLOR, L1_COLOR, L2_COLOR
from helpers.plots.outliers import MAX_ABS, ConstantFitFigure, LineFitFigure
from helpers.widgets import SLIDER_STYLE, CourseWidget, DragPoints, MessageArea, Scene, figure_view

ROW_NAMES = {"l2": ("L2 line", L2_COLOR), "l1": ("L1 line", L1_COLOR), "huber": ("Huber line", HUBER_COLOR)}
MAX_ADDED = 8
GRAB_RADIUS_PX = 14  # screen pixels (DragPoints scales by the pixel ratio): about 3 times a dot's radius


def _clamp(value: float) -> float:
    return float(np.clip(value, -MAX_ABS, MAX_ABS))


def column_formatter(values, digits: int = 4):
    """One format for a whole table column: the same number of decimals in every cell.

    The decimals give the largest |value| ``digits`` significant digits (0 to 6
    decimals), and trailing zeros are kept, so the digits line up. If that would
    leave a non-zero value of the column with fewer than 2 significant digits (or
    the largest is 10^6 or more), every cell is in scientific notation with the
    same mantissa length instead.
    """
    sizes = [abs(float(v)) for v in values]
    big = max(sizes, default=0.0)
    scientific = lambda v: f"{v:.{digits - 1}e}"  # noqa: E731
    if big >= 1e6:
        return scientific
    decimals = digits - 1 - math.floor(math.log10(big)) if big > 0 else digits - 1
    decimals = min(max(decimals, 0), 6)
    small = min((v for v in sizes if v > 0), default=big)
    if small > 0 and small * 10 ** decimals < 10:  # fewer than 2 significant digits would show
        return scientific
    return lambda v: f"{v:.{decimals}f}"


# --- warm-up: the constant predictor --------------------------------------------

NUMBER_SETS = {
    "3, 4, 4.5, 6, 7": (3.0, 4.0, 4.5, 6.0, 7.0),
    "3, 4, 4.5, 6, 70": (3.0, 4.0, 4.5, 6.0, 70.0),
    "1, 2, 3, 10 (even count)": (1.0, 2.0, 3.0, 10.0),
}

CONSTANT_SCENES = (
    Scene("five numbers", {"numbers": "3, 4, 4.5, 6, 7"},
          "Five numbers; the mean and the median are close."),
    Scene("one number far away", {"numbers": "3, 4, 4.5, 6, 70"},
          "The 7 is now 70: compare where MSE(c) and MAE(c) are lowest."),
    Scene("even count", {"numbers": "1, 2, 3, 10 (even count)"},
          "Four numbers: look at the bottom of MAE(c) between the two middle ones."),
)


def constant_readout(values, start) -> str:
    """HTML: mean and median now (two decimals), how far each moved, the lowest MSE and MAE,
    and MAE's slope on either side of the median (0 lies between them at the minimum)."""
    values, start = np.asarray(values, dtype=float), np.asarray(start, dtype=float)
    mean, median = values.mean(), np.median(values)
    lowest_mse, lowest_mae = mse(np.full_like(values, mean), values), mae(np.full_like(values, median), values)
    left, right = constant_mae_slopes(values, median)
    return (f'<span style="color:{L2_COLOR}"><b>mean = {mean:.2f}</b></span> (moved {mean - start.mean():+.2f};'
            f" lowest MSE = {lowest_mse:.2f})<br>"
            f'<span style="color:{L1_COLOR}"><b>median = {median:.2f}</b></span>'
            f" (moved {median - np.median(start):+.2f}; lowest MAE = {lowest_mae:.2f};"
            f" slope of MAE just left / right of it: {left:+.2f} / {right:+.2f})")


class ConstantExplorer(CourseWidget):
    """A few numbers on a line (drag one sideways), MSE(c) and MAE(c) below, the mean and median marked.

    Controls: ``numbers`` (Dropdown: the set to start from) and ``reset`` (Button: back to that set).
    ``state`` gives the numbers, their mean and median.
    """

    plot: ConstantFitFigure
    drag: DragPoints
    start: np.ndarray       # the numbers of the chosen set
    values: np.ndarray      # the numbers now (changed by drags)
    _previous: float | None  # the mouse's axis fraction at the last drag event (None: no drag)

    number_sets: dict       # name -> numbers: the sets the Dropdown offers

    def __init__(self, values=NUMBER_SETS["3, 4, 4.5, 6, 7"]):
        start = as_vector(values, "values")
        self.number_sets = dict(NUMBER_SETS)
        numbers = next((name for name, v in NUMBER_SETS.items() if np.array_equal(v, start)), None)
        if numbers is None:  # the caller's own numbers come first
            numbers = ", ".join(f"{v:g}" for v in start)
            self.number_sets = {numbers: tuple(start), **NUMBER_SETS}
        messages = MessageArea()
        self.start = start.copy()
        self.values = self.start.copy()
        self._previous = None
        self.plot = ConstantFitFigure(self.start)
        readout = widgets.HTML(constant_readout(self.start, self.start))
        readout.add_class("course-03-constant-readout")
        chooser = widgets.Dropdown(options=list(self.number_sets), value=numbers, description="Start from",
                                   style=SLIDER_STYLE, layout=widgets.Layout(width="300px"))
        chooser.add_class("course-03-numbers")
        reset = widgets.Button(description="Reset", icon="undo", tooltip="Put the numbers back",
                               layout=widgets.Layout(width="90px"))
        reset.add_class("course-03-constant-reset")
        self.drag = DragPoints(self.plot.ax_values, self._points, self._on_drag, on_release=self._on_release,
                               radius_px=GRAB_RADIUS_PX, messages=messages)
        body = widgets.VBox([figure_view(self.plot.fig), widgets.HBox([chooser, reset]), readout])
        super().__init__(body, figures=[self.plot.fig], controls={"numbers": chooser, "reset": reset},
                         readout=readout, messages=messages, scenes=CONSTANT_SCENES)
        self.layout.add_class("course-03-constant-explorer")
        chooser.observe(messages.guard(lambda change: self.load(change["new"])), names="value")
        reset.on_click(messages.guard(lambda _button: self.load(chooser.value)))

    @property
    def state(self) -> dict:
        return {"numbers": self.controls["numbers"].value, "values": tuple(float(v) for v in self.values),
                "mean": float(np.mean(self.values)), "median": float(np.median(self.values))}

    def redraw(self) -> None:
        self.plot.update(self.values, self.drag.active)
        self.readout.value = constant_readout(self.values, self.start)

    def load(self, numbers: str) -> None:
        """Start again from a named set of numbers: ends any drag, fits the view."""
        self._previous = None
        self.drag.active = None  # a drag in progress is over: no stale point follows the mouse
        self.messages.clear()
        self.start = np.array(self.number_sets[numbers], dtype=float)
        self.values = self.start.copy()
        self.plot.fit_view(self.values)
        self.readout.value = constant_readout(self.values, self.start)

    def apply_scene(self, label: str) -> None:
        """Set the scene's controls; its numbers are shown as the set defines them (drags undone)."""
        numbers = self.scene(label).values["numbers"]
        if numbers == self.controls["numbers"].value:
            self.load(numbers)  # the same set: the observer would not fire
        super().apply_scene(label)

    def _points(self) -> np.ndarray:
        return np.column_stack([self.values, np.zeros(self.values.size)])

    def _on_drag(self, index: int, x: float, _y: float) -> None:
        value, self._previous, _ = self.plot.push(_clamp(x), self._previous)
        self.values[index] = _clamp(value)
        self.plot.update(self.values, index)
        self.readout.value = constant_readout(self.values, self.start)

    def _on_release(self, _index: int) -> None:
        self._previous = None
        self.plot.fit_view(self.values)  # the axes shrink back to hold the numbers


def build_constant_explorer(values=NUMBER_SETS["3, 4, 4.5, 6, 7"]) -> ConstantExplorer:
    """Drag any of a few numbers along the line; the mean, the median and MSE(c), MAE(c) follow.

    ``values`` are the numbers to start from; the Dropdown also offers NUMBER_SETS (the scenes' sets).
    """
    return ConstantExplorer(values)


# --- the main widget: drag points, watch three lines ------------------------------


DATASETS = ("Anscombe III", "Noisy line", "One outlier")

OUTLIER_SCENES = (
    Scene("Anscombe III", {"dataset": "Anscombe III", "delta": 1.0},
          "Ten points on a line and one off it."),
    Scene("Noisy line", {"dataset": "Noisy line", "delta": 1.0},
          "Eleven points with small normal noise and no outlier."),
    Scene("one outlier", {"dataset": "One outlier", "delta": 1.0},
          "The noisy line with its point at x = 13 moved 7 further from the line."),
    Scene("Huber with δ = 0.1", {"dataset": "Anscombe III", "delta": 0.1},
          "A small δ: the outlier's pull is capped at δ, so Huber comes close to L1."),
    Scene("Huber with δ = 5", {"dataset": "Anscombe III", "delta": 5.0},
          "A large δ: every error is inside it."),
)


def dataset_points(name: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The points of a named data set of the outlier explorer."""
    if name == "Anscombe III":
        data = load_anscombe("III")
        return data.X[:, 0].copy(), data.y.copy()
    if name == "Noisy line":
        return noisy_line(11, seed=seed)
    if name == "One outlier":  # the point at x = 13 moved 7 further from the L1 line, on its own side
        x, y = noisy_line(11, seed=seed)
        slope, intercept = fit_line(x, y, loss="l1")
        y[9] += -7.0 if y[9] < slope * x[9] + intercept else 7.0
        return x, y
    raise ValueError(f"unknown data set {name!r}; expected one of {', '.join(map(repr, DATASETS))}")


def fit_all(x, y, delta: float) -> dict:
    """The L2, L1 and Huber lines of the points, as loss -> (slope, intercept)."""
    return {loss: fit_line(x, y, loss=loss, delta=delta) for loss in LOSSES}


def fits_readout(x, y, fits: dict, delta: float) -> str:
    """HTML table: each line's slope and intercept and its MSE, MAE and Huber loss on the data.

    Every column has one format (the same decimals in each cell). The smallest
    value of each loss column is bold: each line wins its own loss.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    table = {loss: (s, b, mse(s * x + b, y), mae(s * x + b, y), huber_loss(s * x + b, y, delta=delta))
             for loss, (s, b) in fits.items()}
    columns = list(zip(*table.values()))
    formats = [column_formatter(column) for column in columns]
    best = {k: min(columns[k]) for k in (2, 3, 4)}
    cell = '<td style="text-align:right;padding:0 8px;font-variant-numeric:tabular-nums">{}</td>'
    rows = []
    for loss, row in table.items():
        name, color = ROW_NAMES[loss]
        cells = []
        for k, value in enumerate(row):
            text = formats[k](value)
            cells.append(cell.format(f"<b>{text}</b>" if k in best and value == best[k] else text))
        rows.append(f'<tr><td style="color:{color};padding-right:8px"><b>{name}</b></td>{"".join(cells)}</tr>')
    header = "".join(f'<th style="padding:0 8px">{html.escape(h)}</th>'
                     for h in ("", "slope", "intercept", "MSE", "MAE", f"Huber (δ={delta:g})"))
    return (f'<table style="font-size:13px"><tr>{header}</tr>{"".join(rows)}</table>'
            f'<div style="color:#555;font-size:12px">{len(x)} points; bold = smallest in its column '
            "(each line is the exact minimizer of its own loss)</div>")


class OutlierExplorer(CourseWidget):
    """Drag any point; the L2, L1 and Huber lines refit on every move.

    Controls: ``dataset`` (ToggleButtons), ``delta`` (FloatSlider, Huber's threshold),
    ``add_outlier`` and ``reset`` (Buttons). ``state`` gives the data set, delta, the
    points, the three fitted lines and how many outliers were added.
    """

    plot: LineFitFigure
    drag: DragPoints
    seed: int
    x: np.ndarray            # the points now (changed by drags and added outliers)
    y: np.ndarray
    fits: dict               # loss -> (slope, intercept) of the points now
    added: int               # outliers added since the data set was loaded
    rng: np.random.Generator  # where added outliers come from (reset with the data)
    _previous: tuple | None  # the mouse's axis fractions at the last drag event (None: no drag)

    def __init__(self, dataset: str = "Anscombe III", delta: float = 1.0, *, seed: int = 0):
        messages = MessageArea()
        self.seed = seed
        self.x, self.y = dataset_points(dataset, seed)  # raises ValueError for an unknown name
        self.fits = fit_all(self.x, self.y, delta)
        self.added, self.rng, self._previous = 0, np.random.default_rng(seed), None
        self.plot = LineFitFigure(self.x, self.y, self.fits, delta)
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
        readout = widgets.HTML(fits_readout(self.x, self.y, self.fits, delta))
        readout.add_class("course-03-readout")
        self.drag = DragPoints(self.plot.ax, self._points, self._on_drag, on_release=self._on_release,
                               radius_px=GRAB_RADIUS_PX, messages=messages)
        body = widgets.VBox([chooser, figure_view(self.plot.fig),
                             widgets.HBox([delta_slider, add_button, reset_button]), readout])
        super().__init__(body, figures=[self.plot.fig],
                         controls={"dataset": chooser, "delta": delta_slider, "add_outlier": add_button,
                                   "reset": reset_button},
                         readout=readout, messages=messages, scenes=OUTLIER_SCENES)
        self.layout.add_class("course-03-outlier-explorer")
        delta_slider.observe(messages.guard(lambda _change: self.redraw()), names="value")
        chooser.observe(messages.guard(lambda change: self.load(change["new"])), names="value")
        add_button.on_click(messages.guard(lambda _button: self.add_outlier()))
        reset_button.on_click(messages.guard(lambda _button: self.load(chooser.value)))

    @property
    def state(self) -> dict:
        return {"dataset": self.controls["dataset"].value, "delta": float(self.controls["delta"].value),
                "x": tuple(float(v) for v in self.x), "y": tuple(float(v) for v in self.y),
                "fits": {loss: (float(s), float(b)) for loss, (s, b) in self.fits.items()},
                "added": self.added}

    @property
    def delta(self) -> float:
        return float(self.controls["delta"].value)

    def redraw(self) -> None:
        """Refit the three lines and show them (a blit unless the axes were pushed)."""
        self.fits = fit_all(self.x, self.y, self.delta)
        self.plot.update(self.x, self.y, self.fits, self.delta, self.drag.active)
        self.readout.value = fits_readout(self.x, self.y, self.fits, self.delta)

    def refit_view(self) -> None:
        """Refit, fit the view to the points, and redraw in full."""
        self.fits = fit_all(self.x, self.y, self.delta)
        self.plot.fit_view(self.x, self.y, redraw=False)
        self.plot.set_artists(self.x, self.y, self.fits, self.delta)
        self.plot.blitter.full_redraw()
        self.readout.value = fits_readout(self.x, self.y, self.fits, self.delta)

    def load(self, name: str) -> None:
        """Start again from the named data set (Reset, a scene, or a switch of data set)."""
        self._previous = None
        self.drag.active = None  # a drag in progress is over: no stale point follows the mouse
        self.messages.clear()
        self.x, self.y = dataset_points(name, self.seed)
        self.added, self.rng = 0, np.random.default_rng(self.seed)
        self.refit_view()

    def add_outlier(self) -> None:
        """Add one far point (``helpers.outliers.outlier_for``), up to MAX_ADDED."""
        if self.added >= MAX_ADDED:
            self.messages.show_notice(f"{MAX_ADDED} outliers added already; press Reset to start again.")
            return
        self._previous = None
        self.drag.active = None
        new_x, new_y = outlier_for(self.x, self.y, self.rng)
        self.x, self.y = np.append(self.x, new_x), np.append(self.y, new_y)
        self.added += 1
        self.refit_view()

    def apply_scene(self, label: str) -> None:
        """Set the scene's controls; its data set is shown as published (drags and added points undone)."""
        dataset = self.scene(label).values["dataset"]
        if dataset == self.controls["dataset"].value:
            self.load(dataset)  # the same data set: the observer would not fire
        super().apply_scene(label)

    def _points(self) -> np.ndarray:
        return np.column_stack([self.x, self.y])

    def _on_drag(self, index: int, px: float, py: float) -> None:
        (px, py), self._previous, _ = self.plot.push((_clamp(px), _clamp(py)), self._previous)
        self.x[index], self.y[index] = _clamp(px), _clamp(py)
        self.fits = fit_all(self.x, self.y, self.delta)
        self.plot.update(self.x, self.y, self.fits, self.delta, index)
        self.readout.value = fits_readout(self.x, self.y, self.fits, self.delta)

    def _on_release(self, _index: int) -> None:
        self._previous = None
        self.refit_view()  # the axes shrink back to hold the points


def build_outlier_explorer(dataset: str = "Anscombe III", delta: float = 1.0, *, seed: int = 0) -> OutlierExplorer:
    """Drag any point; the L2, L1 and Huber lines refit on every move (see :class:`OutlierExplorer`)."""
    return OutlierExplorer(dataset, delta, seed=seed)
