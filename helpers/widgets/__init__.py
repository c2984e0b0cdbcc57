"""Widget layer shared by every notebook (introduced in 01_norm).

One module per notebook (``norm``, ``loss``, ``outliers``, ``weight_decay``,
``sparsity``) builds that notebook's widgets on top of what is here:

- :class:`MessageArea`: a place in the notebook where a callback's error (or a
  warning such as "diverged") is shown; :meth:`MessageArea.guard` wraps every
  callback so an exception is reported there and the widget keeps working;
- :class:`DragPoints`: press, move and release on an ipympl figure drag the
  nearest point within a few pixels;
- :class:`CourseWidget`: the object a builder returns. It displays as its layout,
  exposes ``fig``, ``controls`` and ``messages`` for tests, and carries a static
  PNG of its figure so that frontends without widgets (nbconvert, GitHub) still
  show a meaningful picture.
"""

from __future__ import annotations

import base64
import functools
import html
import io

import ipywidgets as widgets
import numpy as np

SLIDER_STYLE = {"description_width": "initial"}  # long descriptions stay readable


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
        for slider, value in zip(sliders, values):
            slider.value = float(value)
    finally:
        syncing[0] = False


class MessageArea:
    """An HTML line under a widget that shows errors and notices (never hides them)."""

    def __init__(self):
        self.widget = widgets.HTML(value="")
        self.widget.add_class("course-message")
        self.last_error: BaseException | None = None
        self._failed = None

    def show_error(self, exc: BaseException) -> None:
        """Show ``exc`` (type and message) in red; tests read :attr:`last_error`."""
        self.last_error = exc
        self.widget.value = (
            '<div class="course-error" style="color:#b00020">'
            f"<b>{html.escape(type(exc).__name__)}</b>: {html.escape(str(exc))}</div>"
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
        """The message as plain text (empty when there is none)."""
        import re
        return html.unescape(re.sub(r"<[^>]+>", "", self.widget.value))

    def guard(self, callback):
        """Wrap ``callback`` so that any exception is shown here, not lost in a log.

        The exception is shown, not swallowed: the learner sees its type and
        message in the notebook, and ``last_error`` keeps it for tests. The error
        stays until the same callback next succeeds (a later release or another
        control does not hide it). Notices are left to the widget to manage.
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


class DragPoints:
    """Drag points of an axes with the mouse: press, move, release (01_norm, 03).

    ``get_points()`` returns the current points as an (n, 2) array in data
    coordinates; ``on_drag(index, x, y)`` is called for every move while a point
    is held, and once more at the release position (ipympl throttles moves to one
    per 33 ms and may deliver the last one after the release, so without this the
    point stops short of where the learner let go); ``on_release(index)`` is
    called when it is let go. The point picked is the
    nearest one within ``radius_px`` screen pixels of the press. The handlers
    ``press``, ``move`` and ``release`` take matplotlib mouse events, so tests can
    call them (or ``canvas.callbacks.process``) without a browser.
    """

    def __init__(self, ax, get_points, on_drag, *, on_release=None, radius_px: float = 12.0,
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
        return index if dist[index] <= self.radius_px else None

    def press(self, event) -> None:
        if event.inaxes is not self.ax or event.button != 1:
            return
        self.active = self.pick(event.x, event.y)
        if self.active is not None:
            self.on_drag(self.active, event.xdata, event.ydata)

    def move(self, event) -> None:
        if self.active is None or event.inaxes is not self.ax or event.xdata is None:
            return
        self.on_drag(self.active, event.xdata, event.ydata)

    def release(self, event) -> None:
        index, self.active = self.active, None
        if index is None:
            return
        if event.inaxes is self.ax and event.xdata is not None:
            self.on_drag(index, event.xdata, event.ydata)
        if self.on_release is not None:
            self.on_release(index)


class CourseWidget:
    """What every widget builder returns (01-05).

    ``layout`` is the ipywidgets container shown in the notebook; ``figures`` the
    matplotlib figures inside it (``fig`` is the first); ``controls`` a dict of
    named controls (sliders, buttons) that tests set; ``messages`` the
    :class:`MessageArea`; ``update`` the handler that redraws from the controls.
    """

    def __init__(self, layout, *, figures, controls, messages: MessageArea, update):
        self.layout = layout
        self.figures = list(figures)
        self.controls = dict(controls)
        self.messages = messages
        self.update = update

    @property
    def fig(self):
        return self.figures[0]

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.layout._repr_mimebundle_(**kwargs)
        if isinstance(bundle, tuple):  # (data, metadata)
            bundle = bundle[0]
        bundle = dict(bundle)
        pngs = []
        for fig in self.figures:
            buf = io.BytesIO()
            fig.savefig(buf, format="png", dpi="figure")
            pngs.append(buf.getvalue())
        if pngs:
            # A frontend without widgets shows this picture instead of "VBox(...)".
            bundle["image/png"] = base64.b64encode(pngs[0]).decode("ascii")
        return bundle
