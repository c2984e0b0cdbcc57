"""Kernel-side cost of one widget update (math + redraw + image encoding) against a naive redraw.

Each notebook's code cells run in this process (magics dropped, ipympl as the
matplotlib backend) until its main widget exists; then the benchmark moves the
widget's control the way the browser would and times each update:

- slider: the comm message the frontend sends (``{"method": "update", "state":
  {"value": v}}``, or ``index`` for a SelectionSlider) handed to the widget's
  ``_handle_msg``, as ipykernel does (the echo reply included);
- point drag: a ``motion_notify`` message handed to the ipympl canvas
  (``canvas._handle_message``), exactly as the frontend sends it.

An update includes everything the kernel does before the picture leaves it:
the callback's math, moving artists, the blit or draw, ipympl's diff image
(PNG encoding) and the comm send (to a no-op comm here). A ``draw_idle`` asks
the browser for a draw, which then comes back as a message; the benchmark
answers it at once (``canvas.draw()``), so that full draw is counted too,
only the network round trip is not.

The naive baseline for each widget is the same figure made the usual way, per
change: the plot class built from scratch with the notebook's arguments on an
Agg canvas, then rendered to PNG as the inline backend does
(``print_figure(fig, "png", bbox_inches="tight")``). Its math is not counted,
so the ratio is, if anything, in the naive side's favour.

Run alone:  .venv/bin/python -m benchmarks --only kernel
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import time
from dataclasses import dataclass

import numpy as np

from benchmarks.common import NOTEBOOKS, summary


@dataclass
class Scenario:
    """One interaction with a notebook's main widget."""

    label: str          # shown in the table, e.g. "01 drag vector tip"
    notebook: str       # file in notebooks/
    variable: str       # the notebook variable holding the CourseWidget
    kind: str           # "slider" or "drag"
    control: str = ""   # slider: key in widget.controls
    css: str = ""       # browser: CSS class of the widget (its layout)
    slider_css: str = ""  # browser, slider: CSS class of the slider
    point: str = ""     # drag: python expression (in terms of `w`) -> (axes, (x, y) data point)


# Each notebook's main widget (issue 6): 01 drag the tip and the p slider; 02 a
# prediction slider; 03 drag a scatter point; 04 the lambda / alpha / eta
# sliders; 05 the alpha / eta sliders and the lasso-path slider.
def _sliders(notebook: str, variable: str, css: str, rows) -> list[Scenario]:
    """Slider scenarios of one widget: rows of (label, control name, the slider's CSS class)."""
    return [Scenario(label, notebook, variable, "slider", control, css=css, slider_css=slider_css)
            for label, control, slider_css in rows]


SCENARIOS = [
    Scenario("01 drag vector tip", "01_norm.ipynb", "explorer", "drag",
             css="course-01-norm-explorer", point="(w.plot.ax_vec, w.plot.x)"),
    *_sliders("01_norm.ipynb", "explorer", "course-01-norm-explorer",
              [("01 p slider", "p", "course-01-p")]),
    *_sliders("02_loss.ipynb", "losses", "course-02-loss-explorer",
              [("02 prediction slider", "pred1", "course-02-pred1")]),
    Scenario("03 drag scatter point", "03_outlier_sensitivity.ipynb", "outlier_explorer", "drag",
             css="course-03-outlier-explorer",
             point="(w.plot.ax, (w.state['x'][int(np.argmax(w.state['y']))], float(np.max(w.state['y']))))"),
    *_sliders("04_weight_decay.ipynb", "explorer", "course-04-trajectory-explorer",
              [("04 lambda slider", "lam", "course-04-lam"), ("04 alpha slider", "alpha", "course-04-alpha"),
               ("04 eta slider", "eta", "course-04-eta")]),
    *_sliders("05_sparsity.ipynb", "chatter", "course-05-chatter",
              [("05 alpha slider (chatter)", "alpha", "course-05-chatter-alpha"),
               ("05 eta slider (chatter)", "eta", "course-05-chatter-eta")]),
    *_sliders("05_sparsity.ipynb", "paths", "course-05-paths",
              [("05 lasso path slider", "l1", "course-05-path-l1")]),
]


# --------------------------------------------------------------------------
# Running a notebook's cells in this process


def notebook_code_cells(path) -> list[str]:
    """Sources of the code cells, IPython magics and shell lines removed."""
    nb = json.loads(path.read_text())
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        cells.append("\n".join(lines))
    return cells


_CAPTURED = {}  # id(plot object) -> deep copies of its constructor's (args, kwargs) and last update's
_CAPTURING = [True]  # off while updates are timed (the copies would be counted)


def _copy(value):
    """A deep copy if possible (arguments may be mutated later), else the value itself."""
    try:
        return copy.deepcopy(value)
    except Exception:  # e.g. widgets cannot be copied
        return value


def _capture_plot_classes():
    """Wrap the plot classes so that each instance remembers how it was built and last updated."""
    import importlib
    import inspect

    for name in ("norm", "loss", "outliers", "weight_decay", "sparsity"):
        try:
            module = importlib.import_module(f"helpers.plots.{name}")
        except ImportError:
            continue
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__ or getattr(cls, "_bench_wrapped", False):
                continue
            if not hasattr(cls, "update"):
                continue
            init, update = cls.__init__, cls.update

            def wrapped_init(self, *args, __init=init, **kwargs):
                _CAPTURED[id(self)] = {"init": _copy((args, kwargs)), "update": None}
                __init(self, *args, **kwargs)

            def wrapped_update(self, *args, __update=update, **kwargs):
                record = _CAPTURED.get(id(self)) if _CAPTURING[0] else None
                if record is not None:
                    record["update"] = _copy((args, kwargs))
                return __update(self, *args, **kwargs)

            cls.__init__, cls.update = wrapped_init, wrapped_update
            cls._bench_wrapped = True


def run_notebook_until(notebook: str, variables: set[str]) -> dict:
    """Execute the notebook's code cells (cwd = notebooks/) until every name in `variables` exists."""
    namespace = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(NOTEBOOKS)
    try:
        for source in notebook_code_cells(NOTEBOOKS / notebook):
            with contextlib.redirect_stdout(io.StringIO()):  # the notebooks' prints
                exec(compile(source, notebook, "exec"), namespace)
            if variables <= namespace.keys():
                return namespace
    finally:
        os.chdir(cwd)
    missing = variables - namespace.keys()
    raise LookupError(f"{notebook} never defines {', '.join(sorted(missing))}")


# --------------------------------------------------------------------------
# ipympl canvas without a browser


class CanvasProbe:
    """Make an ipympl canvas behave as if a browser showed it; count frames, bytes and draws."""

    def __init__(self, canvas, device_pixel_ratio: float = 1.0):
        self.canvas = canvas
        self.reset()
        # The frontend's first messages: stop syncing the PNG data URL (only done
        # when no browser is attached), size the canvas, the screen's pixel ratio.
        canvas._handle_message(canvas, {"type": "initialized"}, [])
        canvas.syncing_data_url = False
        # The course's page extension accepts tiled frames (helpers/plots/tiles.py; offered to
        # canvases with a Blitter).
        if hasattr(canvas, "handle_course_tiles_accept"):
            canvas._handle_message(canvas, {"type": "course_tiles_accept"}, [])
        if device_pixel_ratio != 1:
            canvas._handle_message(canvas, {"type": "set_device_pixel_ratio",
                                            "device_pixel_ratio": device_pixel_ratio}, [])
        send_binary, draw = canvas.send_binary, canvas.draw
        get_image, draw_artist = canvas.get_diff_image, canvas.figure.draw_artist
        self._pending_draw = False

        def timed_get_image():  # diff + PNG encoding
            c0 = time.thread_time()
            try:
                return get_image()
            finally:
                self.png_cpu += time.thread_time() - c0

        def timed_draw_artist(artist):  # what a blit redraws
            c0 = time.thread_time()
            try:
                return draw_artist(artist)
            finally:
                self.artist_cpu += time.thread_time() - c0

        def counting_send_binary(data):
            self.frames += 1
            self.bytes += len(data)
            return send_binary(data)

        def counting_draw(*args, **kwargs):
            self.full_draws += 1
            return draw(*args, **kwargs)

        def requesting_draw_idle(*args, **kwargs):
            self.draw_requests += 1
            self._pending_draw = True  # the browser would answer {"type": "draw"}

        canvas.send_binary = counting_send_binary
        canvas.draw = counting_draw
        canvas.get_diff_image = timed_get_image
        canvas.figure.draw_artist = timed_draw_artist
        canvas.draw_idle = requesting_draw_idle
        canvas.draw()  # first full frame; caches the Blitter's background
        self.reset()

    def answer_draw_requests(self) -> None:
        """What the browser's reply to draw_idle triggers: one full draw. Also a Blitter's redraw
        during a drag that waits on a timer (the kernel's event loop fires it before the next move
        when moves come at a hand's pace; here they come back to back, so it is drawn now)."""
        if self._pending_draw:
            self._pending_draw = False
            self.canvas._handle_message(self.canvas, {"type": "draw"}, [])
        from helpers.plots.blitting import blitters_of

        for blitter in blitters_of(self.canvas.figure):
            if blitter._drag_draw_pending:
                blitter._draw_pending()

    def reset(self) -> None:
        self.frames, self.bytes, self.full_draws, self.draw_requests = 0, 0, 0, 0
        self.png_cpu, self.artist_cpu = 0.0, 0.0

    def mouse(self, kind: str, x_px: float, y_px: float, buttons: int = 1) -> None:
        """A mouse message as ipympl's frontend sends it (x, y from the top-left, in pixels)."""
        height = self.canvas.figure.bbox.height
        self.canvas._handle_message(self.canvas, {
            "type": kind, "x": float(x_px), "y": float(height - y_px), "button": 0,
            "buttons": buttons, "modifiers": [], "guiEvent": None}, [])


def slider_values(slider, n: int) -> list:
    """n successive values a learner meets dragging `slider` back and forth around its value."""
    options = getattr(slider, "_options_values", None)  # SelectionSlider
    if options is not None:
        values = list(options)
    else:
        step = slider.step or (slider.max - slider.min) / 100
        values = [float(v) for v in np.round(np.arange(slider.min, slider.max + step / 2, step), 10)]
    start = int(np.argmin([abs(float(v) - float(slider.value)) for v in values]))
    width = min(len(values) - 1, 12)
    lo = max(0, min(start - width // 2, len(values) - 1 - width))
    window = values[lo:lo + width + 1]
    sweep = window + window[-2:0:-1]
    out = []
    while len(out) < n:
        out.extend(sweep)
    return out[:n]


def drag_path(ax, x0: float, y0: float, n: int, radius: float = 25.0) -> list:
    """n pointer positions (display pixels) on a circle through (x0, y0) that stays in `ax`."""
    bbox = ax.bbox
    toward = np.array([bbox.x0 + bbox.width / 2 - x0, bbox.y0 + bbox.height / 2 - y0])
    toward = toward / (np.hypot(*toward) or 1.0)
    center = np.array([x0, y0]) + radius * toward
    start = np.arctan2(y0 - center[1], x0 - center[0])
    angles = start + np.linspace(0, 2 * np.pi, 24, endpoint=False)[1:]
    ring = [(center[0] + radius * np.cos(a), center[1] + radius * np.sin(a)) for a in angles]
    return [ring[i % len(ring)] for i in range(n)]


def time_updates(scenario: Scenario, widget, namespace, n: int, warmup: int = 5,
                 device_pixel_ratio: float = 1.0) -> dict:
    """Milliseconds per update of `widget` for `scenario`, plus frames/bytes/draws per update."""
    probes = [CanvasProbe(fig.canvas, device_pixel_ratio) for fig in widget.figures
              if hasattr(fig.canvas, "_handle_message")]
    if not probes:
        raise RuntimeError(f"{scenario.label}: the figure is not an ipympl canvas")
    probe = probes[0]
    times, cpu = [], []
    _CAPTURING[0] = False
    if scenario.kind == "slider":
        slider = widget.controls[scenario.control]
        options = getattr(slider, "_options_values", None)  # SelectionSlider syncs its index
        for i, value in enumerate(slider_values(slider, n + warmup + 1)[1:]):
            if i == warmup:
                for p in probes:
                    p.reset()
            state = ({"index": list(options).index(value)} if options is not None
                     else {"value": value})
            message = {"content": {"data": {"method": "update", "state": state, "buffer_paths": []}},
                       "buffers": []}
            t0, c0 = time.perf_counter(), time.thread_time()
            slider._handle_msg(message)  # as the kernel handles the frontend's update (echo included)
            for p in probes:
                p.answer_draw_requests()
            if i >= warmup:
                times.append((time.perf_counter() - t0) * 1e3)
                cpu.append((time.thread_time() - c0) * 1e3)
    else:
        ax, point = eval(scenario.point, {"np": np, **namespace}, {"w": widget})
        x0, y0 = ax.transData.transform(np.asarray(point, dtype=float))
        probe.mouse("button_press", x0, y0)
        probe.answer_draw_requests()
        for i, (x, y) in enumerate(drag_path(ax, x0, y0, n + warmup)):
            if i == warmup:
                probe.reset()
            t0, c0 = time.perf_counter(), time.thread_time()
            probe.mouse("motion_notify", x, y)
            probe.answer_draw_requests()
            if i >= warmup:
                times.append((time.perf_counter() - t0) * 1e3)
                cpu.append((time.thread_time() - c0) * 1e3)
        probe.mouse("button_release", x0, y0, buttons=0)
        probe.answer_draw_requests()
    _CAPTURING[0] = True
    count = len(times)
    errors = widget.messages.text if widget.messages.last_error is not None else ""
    return {**summary(times), "times": times, "cpu_median": float(np.median(cpu)),
            "cpu_mean": float(np.mean(cpu)),
            "frames_per_update": sum(p.frames for p in probes) / count,
            "kb_per_update": sum(p.bytes for p in probes) / count / 1024,
            "full_draws_per_update": sum(p.full_draws for p in probes) / count,
            "artist_cpu_ms": sum(p.artist_cpu for p in probes) / count * 1e3,
            "png_cpu_ms": sum(p.png_cpu for p in probes) / count * 1e3,
            "size_px": tuple(int(v) for v in widget.fig.bbox.size),
            "error": errors}


def time_naive(plot, n: int, warmup: int = 2) -> dict:
    """Milliseconds per 'new figure + plot + PNG' of the same plot class (Agg, inline-style PNG)."""
    import matplotlib.pyplot as plt
    from IPython.core.pylabtools import print_figure

    record = _CAPTURED[id(plot)]
    args, kwargs = record["init"]
    times, cpu = [], []
    for i in range(n + warmup):
        a, k = _copy((args, kwargs))
        t0, c0 = time.perf_counter(), time.thread_time()
        fresh = type(plot)(*a, **k)
        if record["update"] is not None:
            ua, uk = record["update"]
            fresh.blitter.update = fresh.blitter.full_redraw = lambda: None  # the PNG below is the draw
            fresh.fig.canvas.draw_idle = lambda *a_, **k_: None
            fresh.update(*ua, **uk)
        print_figure(fresh.fig, "png", bbox_inches="tight")
        plt.close(fresh.fig)
        if i >= warmup:
            times.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.thread_time() - c0) * 1e3)
    return {**summary(times), "cpu_median": float(np.median(cpu))}


def run(n: int = 40, naive_n: int = 15, scenarios=SCENARIOS, log=print,
        device_pixel_ratio: float = 1.0) -> list[dict]:
    """Time every scenario's update (ipympl) and its naive baseline (Agg); one dict per scenario."""
    import matplotlib
    import matplotlib.pyplot as plt

    matplotlib.use("module://ipympl.backend_nbagg")
    matplotlib.rcParams["figure.max_open_warning"] = 0
    _capture_plot_classes()
    by_notebook: dict[str, list[Scenario]] = {}
    for s in scenarios:
        by_notebook.setdefault(s.notebook, []).append(s)
    results, plots = [], []
    for notebook, group in by_notebook.items():
        t0 = time.perf_counter()
        try:
            namespace = run_notebook_until(notebook, {s.variable for s in group})
        except Exception as error:  # a notebook still being written: report, go on
            for s in group:
                results.append({"label": s.label, "error": f"{type(error).__name__}: {error}"})
            log(f"  {notebook}: could not build its widget: {type(error).__name__}: {error}")
            continue
        log(f"  {notebook}: cells run in {time.perf_counter() - t0:.1f} s")
        for s in group:
            widget = namespace[s.variable]
            try:
                result = time_updates(s, widget, namespace, n, device_pixel_ratio=device_pixel_ratio)
            except Exception as error:
                results.append({"label": s.label, "error": f"{type(error).__name__}: {error}"})
                continue
            results.append({"label": s.label, **result})
            plots.append((len(results) - 1, widget.plot))
    # The naive baseline needs Agg figures: switching the backend closes the ipympl ones.
    plt.switch_backend("agg")
    naive_cache = {}
    for index, plot in plots:
        key = id(plot)
        if key not in naive_cache:
            try:
                naive_cache[key] = time_naive(plot, naive_n)
            except Exception as error:
                naive_cache[key] = {"error": f"{type(error).__name__}: {error}"}
        naive = naive_cache[key]
        results[index]["naive"] = naive
        if "median" in naive:
            results[index]["ratio"] = naive["median"] / results[index]["median"]
            results[index]["cpu_ratio"] = naive["cpu_median"] / results[index]["cpu_median"]
    return results
