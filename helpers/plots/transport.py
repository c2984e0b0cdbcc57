"""How a figure's frames travel from the kernel to the browser, made shorter (introduced in 01_norm).

Shared plot plumbing, like :mod:`helpers.plots.blitting`. One call per widget,
after its figures exist::

    fast_frames(*figures)          # CourseWidget does it for every widget's figures

It changes no pixel and no number, only what is sent around a frame and when
(measured by ``benchmarks/hops.py``; see benchmarks/README.md, "Where the time goes"):

- **No coordinate messages under a hidden footer.** On every mouse move over a
  figure, matplotlib's toolbar formats the pointer's coordinates and ipympl sends
  them to the browser as a widget state update (``_message``), before the frame.
  The course hides ipympl's footer, where that text would appear, so the message
  is skipped while the footer is hidden (it is sent again if the footer is shown).
- **The frame leaves at once.** ipykernel sends IOPub messages from its own thread;
  a frame queued by the callback waits until that thread gets Python's GIL, which
  the callback holds while it goes on (readouts, other figures) for up to the
  interpreter's switch interval (5 ms). After queuing a frame, the callback now
  waits (at most 50 ms, usually a fraction of a millisecond) until the IOPub thread
  has written it to its socket, so the frame is on its way before anything else runs.

Without ipympl (inline backend, nbconvert, tests with Agg) :func:`fast_frames` does nothing.
"""

from __future__ import annotations

import threading

__all__ = ["fast_frames", "undo_fast_frames"]

_FLUSH_TIMEOUT = 0.05  # s: never wait longer than this for the IOPub thread


def _iopub_thread():
    """ipykernel's IOPub thread object, or None outside a running kernel."""
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:
        return None
    if not Kernel.initialized():
        return None
    thread = getattr(Kernel.instance(), "iopub_thread", None)
    if thread is None or not hasattr(thread, "schedule") or not thread.thread.is_alive():
        return None
    return thread


def flush_iopub(timeout: float = _FLUSH_TIMEOUT) -> bool:
    """Wait until ipykernel's IOPub thread has sent what is queued (False if it did not in time)."""
    thread = _iopub_thread()
    if thread is None or threading.current_thread() is thread.thread:
        return True
    done = threading.Event()
    thread.schedule(done.set)  # runs after every message queued before it
    return done.wait(timeout)


def _is_ipympl(canvas) -> bool:
    return hasattr(canvas, "send_binary") and hasattr(canvas, "footer_visible")


def fast_frames(*figures) -> None:
    """Send each ipympl figure's frames sooner and alone (see the module docstring); idempotent."""
    for fig in figures:
        canvas = getattr(fig, "canvas", None)
        if canvas is None or not _is_ipympl(canvas) or getattr(canvas, "_course_fast_frames", False):
            continue
        send_binary = canvas.send_binary
        canvas._course_send_binary_before = vars(canvas).get("send_binary")  # e.g. the tiles' (tiles.py)

        def send_frame(data, _send=send_binary):
            _send(data)
            flush_iopub()

        canvas.send_binary = canvas._course_send_frame = send_frame
        toolbar = getattr(canvas, "toolbar", None)
        if toolbar is not None and hasattr(toolbar, "set_message"):
            set_message = toolbar.set_message

            def quiet_set_message(message, _set=set_message, _canvas=canvas):
                if _canvas.footer_visible:  # the text is on screen: keep it current
                    _set(message)

            toolbar.set_message = quiet_set_message
        canvas._course_fast_frames = True


def undo_fast_frames(*figures) -> None:
    """Undo :func:`fast_frames` (for A/B measurements)."""
    for fig in figures:
        canvas = getattr(fig, "canvas", None)
        if canvas is None or not getattr(canvas, "_course_fast_frames", False):
            continue
        before = canvas.__dict__.pop("_course_send_binary_before", None)
        if vars(canvas).get("send_binary") is canvas.__dict__.pop("_course_send_frame", None):  # still ours
            if before is None:
                canvas.__dict__.pop("send_binary", None)
            else:
                canvas.send_binary = before
        toolbar = getattr(canvas, "toolbar", None)
        if toolbar is not None:
            toolbar.__dict__.pop("set_message", None)
        canvas._course_fast_frames = False

