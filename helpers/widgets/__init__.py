"""Widget layer shared by every notebook (introduced in 01_norm).

One module per notebook (``norm``, ``loss``, ``outliers``, ``weight_decay``,
``sparsity``) builds that notebook's widgets on top of what is here, and
``exercises`` builds the Check-button exercises of every notebook:

- :class:`CourseWidget`: the one declared API. Every builder
  ``build_<thing>_explorer(...)`` returns an instance of a subclass; its
  attributes (``layout``, ``figures``, ``controls``, ``readout``, ``messages``,
  ``scenes``) are declared in the class body, ``update()`` redraws from the
  controls and ``state`` is the widget's model in plain numbers (what a test reads);
- :class:`Scene`: a named state of the controls that the prose discusses; the
  widget shows one button per scene, which sets the controls (nothing else);
- :class:`MessageArea`: where a callback's error (with its traceback, folded) or a
  notice such as "diverged" is shown; :meth:`MessageArea.guard` wraps every callback;
- :class:`DragPoints`: press, move and release on an ipympl figure drag the
  nearest point; a move with no button held ends the drag (released outside).
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
import traceback
import weakref
from dataclasses import dataclass, field
from typing import Any, ClassVar

import ipywidgets as widgets
import numpy as np
from matplotlib.backend_bases import MouseButton

from helpers.kernel_threads import one_message_at_a_time

SLIDER_STYLE = {"description_width": "initial"}  # long descriptions stay readable

# Page-wide CSS, carried by every scene bar (a <style> in an HTML widget applies to the whole
# page, in JupyterLab and in Voilà). MathJax keeps a hidden copy of each formula for screen
# readers, laid out in a fallback font and often wider than the visible formula; near the end
# of a line it made the paragraph scroll sideways (Voilà, 1024 px window). Its box is clipped to
# the formula's width; screen readers read its text, not its box.
PAGE_CSS = "mjx-container > mjx-assistive-mml { max-width: 100%; }"


def figure_view(fig):
    """The widget that shows ``fig``: its ipympl canvas, or a static PNG on other backends."""
    if isinstance(fig.canvas, widgets.DOMWidget):
        return fig.canvas
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return widgets.Image(value=buf.getvalue(), format="png")


def snap_to_step(values, step: float) -> np.ndarray:
    """Round to the nearest multiple of ``step``, exactly (no 1e-16 left over, no -0.0).

    A slider's frontend computes values as min + k * step, which leaves float dust
    (3.0 - 30 * 0.1 is not 0.0); this puts a value that looks like 0 exactly on 0.
    """
    return np.round(np.round(np.asarray(values, dtype=float) / step) * step, 10) + 0.0


def set_quietly(syncing: list, sliders, values) -> None:
    """Set ``sliders`` to ``values`` with ``syncing[0]`` raised, so their observers skip the redraw."""
    syncing[0] = True
    try:
        for slider, value in zip(sliders, values, strict=True):
            slider.value = float(value)
    finally:
        syncing[0] = False


# --------------------------------------------------------------------------- messages

class MessageArea:
    """An HTML line under a widget that shows errors and notices (never hides them).

    Every instance is tracked (weakly) so that the test suite can assert, after each
    widget test, that no widget is showing an error (see tests/conftest.py).
    """

    live: ClassVar[weakref.WeakSet] = weakref.WeakSet()

    def __init__(self):
        self.widget = widgets.HTML(value="")
        self.widget.add_class("course-message")
        self.last_error: BaseException | None = None
        self._failed = None
        MessageArea.live.add(self)

    def show_error(self, exc: BaseException) -> None:
        """Show ``exc`` (type and message) in red, its traceback folded below; tests read :attr:`last_error`."""
        self.last_error = exc
        trace = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        self.widget.value = (
            '<div class="course-error" style="color:#b00020">'
            f"<b>{html.escape(type(exc).__name__)}</b>: {html.escape(str(exc))}"
            '<details class="course-traceback"><summary style="cursor:pointer">traceback</summary>'
            f'<pre style="font-size:11px;color:#555;white-space:pre-wrap">{html.escape(trace)}</pre>'
            "</details></div>"
        )

    def show_notice(self, text: str) -> None:
        """Show a non-error notice (for example: 'diverged at step 12')."""
        self.widget.value = f'<div class="course-notice" style="color:#8a5a00">{html.escape(text)}</div>'

    def clear(self) -> None:
        """Remove any error or notice."""
        self.widget.value = ""
        self.last_error = None
        self._failed = None

    @property
    def text(self) -> str:
        """The message as plain text, without the folded traceback (empty when there is none)."""
        visible = re.sub(r"<details.*?</details>", "", self.widget.value, flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", "", visible))

    def guard(self, callback):
        """Wrap ``callback`` so that any exception is shown here, not lost in a log.

        The exception is shown, not swallowed: the learner sees its type and
        message in the notebook (the traceback folded under it), and ``last_error``
        keeps it for tests. The error stays until the same callback next succeeds
        (a later release or another control does not hide it).
        """

        @functools.wraps(callback)
        def guarded(*args, **kwargs):
            try:
                result = callback(*args, **kwargs)
            except Exception as exc:  # shown to the learner, see docstring
                self.show_error(exc)
                self._failed = guarded
                return None
            if self.last_error is not None and self._failed is guarded:
                self.clear()
            return result

        return guarded


# --------------------------------------------------------------------------- dragging

class DragPoints:
    """Drag points of an axes with the mouse: press, move, release (01_norm, 02, 03).

    ``get_points()`` returns the current points as an (n, 2) array in data
    coordinates; ``on_drag(index, x, y)`` is called for every move while a point
    is held, and once more at the release position (ipympl throttles moves to one
    per 33 ms and may deliver the last one after the release, so without this the
    point stops short of where the learner let go); ``on_release(index)`` is
    called when it is let go. The point picked is the nearest one within
    ``radius_px`` screen pixels of the press (larger than the dot, so it is easy
    to grab; on a HiDPI screen that is ``radius_px`` times the device pixel ratio
    in the figure's own pixels).

    A drag ends when the button is no longer held, wherever it was released: the
    browser sends no release when the button goes up outside the figure, so the
    first move that arrives with no button held ends the drag (``on_release`` runs,
    the point stays where it was last dragged to).
    """

    def __init__(self, ax, get_points, on_drag, *, on_release=None, radius_px: float = 14.0,
                 messages: MessageArea | None = None):
        self.ax = ax
        self.get_points = get_points
        self.on_drag = on_drag
        self.on_release = on_release
        self.radius_px = float(radius_px)
        self.active: int | None = None
        self.messages = messages or MessageArea()
        canvas = ax.figure.canvas
        self._cids = [
            canvas.mpl_connect("button_press_event", self.messages.guard(self.press)),
            canvas.mpl_connect("motion_notify_event", self.messages.guard(self.move)),
            canvas.mpl_connect("button_release_event", self.messages.guard(self.release)),
        ]

    def pick(self, x_px: float, y_px: float) -> int | None:
        """Index of the point nearest to the pixel (x_px, y_px) within the radius, else None."""
        points = np.asarray(self.get_points(), dtype=float).reshape(-1, 2)
        if points.size == 0:
            return None
        screen = self.ax.transData.transform(points)
        dist = np.hypot(screen[:, 0] - x_px, screen[:, 1] - y_px)
        index = int(np.argmin(dist))
        # Events come in device pixels; the radius is in screen (CSS) pixels, the same on HiDPI.
        ratio = float(getattr(self.ax.figure.canvas, "device_pixel_ratio", 1) or 1)
        return index if dist[index] <= self.radius_px * ratio else None

    def press(self, event) -> None:
        if event.inaxes is not self.ax or event.button != 1:
            return
        self.active = self.pick(event.x, event.y)
        if self.active is not None:
            self.on_drag(self.active, event.xdata, event.ydata)

    def move(self, event) -> None:
        if self.active is None:
            return
        buttons = getattr(event, "buttons", None)
        if buttons is not None and MouseButton.LEFT not in buttons:
            self.end()  # released outside the figure: no release event ever came
            return
        if event.inaxes is not self.ax or event.xdata is None:
            return
        self.on_drag(self.active, event.xdata, event.ydata)

    def release(self, event) -> None:
        index = self.active
        if index is None:
            return
        if event.inaxes is self.ax and event.xdata is not None:
            self.on_drag(index, event.xdata, event.ydata)
        self.end()

    def end(self) -> None:
        """End the drag in progress (if any) where the point is now, and call ``on_release``."""
        index, self.active = self.active, None
        if index is not None and self.on_release is not None:
            self.on_release(index)


# --------------------------------------------------------------------------- scenes

@dataclass(frozen=True)
class Scene:
    """A named state of a widget's controls that the prose or an exercise discusses (issue: classroom).

    ``values`` maps control names to values; they are applied in order through the
    controls themselves, so the widget updates exactly as if the learner had set
    them, and the learner can drag on from there. ``note`` says what to look at.
    """

    label: str
    values: dict = field(default_factory=dict)
    note: str = ""


def _control_problem(name: str, control, value) -> str | None:
    """Why ``value`` cannot be set on ``control`` (None when it can)."""
    if isinstance(control, (widgets.SelectionSlider, widgets.Dropdown, widgets.ToggleButtons,
                            widgets.RadioButtons, widgets.Select, widgets.SelectionRangeSlider)):
        options = [opt[1] if isinstance(opt, tuple) else opt for opt in control.options]
        if not any(_same(value, option) for option in options):
            return f"{name} = {value!r} is not one of its options {options}"
        return None
    if isinstance(control, widgets.FloatLogSlider):
        low, high = control.base ** control.min, control.base ** control.max
        if not (isinstance(value, (int, float)) and low * (1 - 1e-12) <= value <= high * (1 + 1e-12)):
            return f"{name} = {value!r} is outside [{low:g}, {high:g}]"
        k = (np.log(value) / np.log(control.base) - control.min) / control.step
        if abs(k - round(k)) > 1e-6:
            return f"{name} = {value!r} is not on a stop of the slider (step {control.step} in log{control.base})"
        return None
    if isinstance(control, (widgets.FloatSlider, widgets.IntSlider, widgets.BoundedFloatText,
                            widgets.BoundedIntText)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
            return f"{name} = {value!r} is not a number"
        if not control.min - 1e-12 <= value <= control.max + 1e-12:
            return f"{name} = {value!r} is outside [{control.min}, {control.max}]"
        step = getattr(control, "step", None)
        if isinstance(control, (widgets.FloatSlider, widgets.IntSlider)) and step:
            k = (value - control.min) / step
            if abs(k - round(k)) > 1e-6:
                return f"{name} = {value!r} is not on a stop of the slider (min {control.min}, step {step})"
        return None
    if isinstance(control, (widgets.Checkbox, widgets.ToggleButton)):
        return None if isinstance(value, bool) else f"{name} = {value!r} is not True or False"
    if isinstance(control, widgets.Button):
        return f"{name} is a button; a scene sets values, it does not click"
    return None


def _same(a, b) -> bool:
    try:
        return bool(a == b) or (isinstance(a, float) and isinstance(b, float) and np.isclose(a, b))
    except (TypeError, ValueError):
        return False


def scene_problems(widget: CourseWidget) -> list[str]:
    """Every reason a scene of ``widget`` cannot be applied (an empty list when all are legal)."""
    problems = []
    labels = [scene.label for scene in widget.scenes]
    if len(set(labels)) != len(labels):
        problems.append(f"scene labels repeat: {labels}")
    for scene in widget.scenes:
        if not scene.values:
            problems.append(f"scene {scene.label!r} sets no control")
        for name, value in scene.values.items():
            if name not in widget.controls:
                problems.append(f"scene {scene.label!r}: no control named {name!r} "
                                f"(controls: {sorted(widget.controls)})")
                continue
            problem = _control_problem(name, widget.controls[name], value)
            if problem:
                problems.append(f"scene {scene.label!r}: {problem}")
    return problems


# --------------------------------------------------------------------------- the declared API

class CourseWidget:
    """What every widget builder returns (01-05): subclass it and declare your attributes.

    A subclass builds its figure, controls and readout, puts them in a ``body`` box,
    calls ``super().__init__(body, figures=..., controls=..., readout=..., messages=...,
    scenes=...)``, and implements :meth:`redraw` (redraw from the controls) and
    :attr:`state` (the model in plain numbers). The base puts the scene buttons above
    the body and the message line below it, and guards :meth:`update`.

    Attributes:
        layout: the box the notebook displays (scene bar, body, message line).
        figures: the matplotlib figures inside it (``fig`` is the first).
        controls: named controls (sliders, dropdowns, buttons) that tests and scenes set.
        readout: the HTML readout under the figure, or None.
        messages: the :class:`MessageArea` where every callback's error is shown.
        scenes: the named states of the controls; one button each (CSS class ``course-scene``).
    """

    layout: widgets.Box
    figures: list
    controls: dict[str, widgets.Widget]
    readout: widgets.HTML | None
    messages: MessageArea
    scenes: tuple[Scene, ...]
    scene_buttons: dict[str, widgets.Button]

    def __init__(self, body, *, figures=(), controls=None, readout=None, messages=None, scenes=(),
                 update=None):
        self.figures = list(figures)
        self.controls = dict(controls or {})
        self.readout = readout
        self.messages = messages if messages is not None else MessageArea()
        self.scenes = tuple(scenes)
        if update is not None:  # legacy builders pass their redraw; new ones implement redraw()
            self.redraw = update
        self.scene_buttons = {}
        children = []
        if self.scenes:
            children.append(self._scene_bar())
        children.append(body)
        if self.messages.widget not in _descendants(body):
            children.append(self.messages.widget)
        self.layout = body if children == [body] else widgets.VBox(children)
        for fig in self.figures:
            for blitter in _blitters_of(fig):
                blitter.on_error = self.messages.show_error
        _fast_frames(self.figures)
        one_message_at_a_time()  # widget messages on two kernel threads would interleave (kernel_threads)

    # -- what a subclass provides
    def redraw(self) -> None:
        """Redraw the figure and readout from the controls (subclasses implement it)."""
        raise NotImplementedError(f"{type(self).__name__} must implement redraw()")

    @property
    def state(self) -> dict[str, Any]:
        """The widget's model in plain numbers; the default is every control's value."""
        return {name: control.value for name, control in self.controls.items()
                if hasattr(control, "value")}

    # -- what every widget has
    def update(self) -> None:
        """Redraw from the controls; an error is shown under the widget, not raised."""
        guarded = self.__dict__.get("_guarded_redraw")
        if guarded is None:  # one wrapper, so that the next successful redraw clears its own error
            guarded = self._guarded_redraw = self.messages.guard(self.redraw)
        guarded()

    @property
    def fig(self):
        return self.figures[0]

    def scene(self, label: str) -> Scene:
        """The scene called ``label`` (ValueError listing the labels if there is none)."""
        for scene in self.scenes:
            if scene.label == label:
                return scene
        raise ValueError(f"no scene {label!r}; the scenes are {[s.label for s in self.scenes]}")

    def apply_scene(self, label: str) -> None:
        """Set the controls to the scene's values, in order, as a learner would (a click does the same)."""
        scene = self.scene(label)
        problems = [p for p in scene_problems(self) if p.startswith(f"scene {label!r}")]
        if problems:
            raise ValueError("; ".join(problems))
        for name, value in scene.values.items():
            self.controls[name].value = value
        for other, button in self.scene_buttons.items():
            button.button_style = "info" if other == label else ""

    def _scene_bar(self) -> widgets.Box:
        buttons = []
        for scene in self.scenes:
            button = widgets.Button(description=scene.label, tooltip=scene.note or scene.label,
                                    layout=widgets.Layout(width="auto"))
            button.add_class("course-scene")
            button.on_click(self.messages.guard(lambda _b, label=scene.label: self.apply_scene(label)))
            self.scene_buttons[scene.label] = button
            buttons.append(button)
        label = widgets.HTML(f"<style>{PAGE_CSS}</style><b>Scenes:</b>", layout=widgets.Layout(margin="0 6px 0 0"))
        bar = widgets.HBox([label, *buttons], layout=widgets.Layout(flex_flow="row wrap", align_items="center"))
        bar.add_class("course-scenes")
        return bar

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.layout._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        bundle = dict(bundle)
        if self.figures:
            # A frontend without widgets (nbconvert, GitHub) shows this picture instead of "VBox(...)".
            buf = io.BytesIO()
            self.figures[0].savefig(buf, format="png", dpi="figure")
            bundle["image/png"] = base64.b64encode(buf.getvalue()).decode("ascii")
        return bundle


def _descendants(box) -> list:
    found = [box]
    for child in getattr(box, "children", ()):
        found.extend(_descendants(child))
    return found


def _fast_frames(figures) -> None:
    """Send the figures' frames sooner (no-op without ipympl); see :mod:`helpers.plots.transport`."""
    try:
        from helpers.plots.transport import fast_frames
    except ImportError:
        return
    fast_frames(*figures)


def _blitters_of(fig) -> list:
    """The Blitters drawing on ``fig`` (so their callbacks report errors under the widget)."""
    try:
        from helpers.plots.blitting import blitters_of
    except ImportError:
        return []
    return list(blitters_of(fig))
