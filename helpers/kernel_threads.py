"""One widget callback at a time, whatever thread the kernel runs it on (introduced in 01_norm).

Kernel plumbing under every course widget; :class:`helpers.widgets.CourseWidget`
calls :func:`one_message_at_a_time` for you.

Why: ipykernel 7 has *kernel subshells*, and JupyterLab 4.4+ by default sends widget
(comm) messages on a subshell, which ipykernel handles in a thread of its own.
ipykernel 7.4 sends each incoming ``comm_msg``/``comm_close`` to the subshell named
in the parent header of that comm's last outgoing message (none, i.e. the main
thread, for a message sent while a cell ran), whatever subshell the page put on
it; so one widget's messages are handled on two threads at once, and not in the
order the page sent them. Two failures were measured in this course:

- interleaving: in 05's geometry explorer a slider change began a redraw on one
  thread, a scene set the budget on the other, and the first redraw, finishing
  last, left a readout computed from the old budget under sliders that showed
  the new one (matplotlib figures are not thread-safe either);
- reordering: during Run All, ipympl's start-up handshake (``refresh``,
  ``send_image_mode``, ``initialized``; the kernel answers ``resize``, the page
  answers ``refresh``) ran on the main thread between cells while the page's
  ``draw`` requests ran on the subshell; a per-message trace showed no ``refresh``
  handled after the kernel's ``resize`` and no frame after it for 30 s, and the
  figure stayed blank (1 run in 3 of notebooks 04 and 05 under load).

So the course turns comms over subshells off where it can: the package installs
``etc/jupyter/labconfig/default_setting_overrides.json`` (JupyterLab's
``commsOverSubshells`` = ``"disabled"``), and JupyterLab, once its settings have
loaded, sends every widget message on the main shell, in order, as Voilà and
Jupyter Notebook 6 do. For a
front end that still uses subshells (a user who turns the setting back on, a
server without the package), every comm message (``comm_open``, ``comm_msg``,
``comm_close``) is handled under one re-entrant lock, :data:`WIDGET_LOCK`, and the
course's timer callbacks (the Blitter's repaint) take it too: each message is
handled whole before the next starts. That removes the interleaving, not the
reordering.
"""

from __future__ import annotations

import functools
import threading

__all__ = ["WIDGET_LOCK", "COMM_MESSAGES", "one_message_at_a_time"]

WIDGET_LOCK = threading.RLock()
"""Held while the kernel handles one widget message (and by the course's own timer callbacks)."""

COMM_MESSAGES = ("comm_open", "comm_msg", "comm_close")
"""The shell messages that carry widget traffic."""


def _running_kernel():
    """ipykernel's kernel object, or None outside a running kernel (tests, nbconvert's Agg)."""
    try:
        from ipykernel.kernelbase import Kernel
    except ImportError:
        return None
    return Kernel.instance() if Kernel.initialized() else None


def one_message_at_a_time(kernel=None) -> bool:
    """Make ``kernel`` (default: the running one) handle its comm messages under :data:`WIDGET_LOCK`.

    Idempotent. Returns True when the kernel's handlers are (now) serialized, False
    outside a kernel or for a kernel without ``shell_handlers``.
    """
    kernel = kernel if kernel is not None else _running_kernel()
    handlers = getattr(kernel, "shell_handlers", None)
    if not isinstance(handlers, dict):
        return False
    for msg_type in COMM_MESSAGES:
        handler = handlers.get(msg_type)
        if handler is None or getattr(handler, "one_at_a_time", False):
            continue

        @functools.wraps(handler)
        def serialized(*args, _handler=handler, **kwargs):
            with WIDGET_LOCK:
                return _handler(*args, **kwargs)

        serialized.one_at_a_time = True
        handlers[msg_type] = serialized
    return True
