"""Kernel-side timestamps for the hop benchmark (``benchmarks/hops.py``); benchmark only.

``install()`` runs inside a notebook's kernel (the benchmark executes
``import benchmarks.kernel_hops as h; h.install()``) and wraps, for the time of the
benchmark, the places an update passes through, noting ``time.time()`` (the same
clock as the server's and, within a millisecond, the browser's
``performance.timeOrigin + performance.now()``):

- ``recv``: the shell channel thread receives the message from ZMQ;
- ``dispatch`` / ``dispatch_end``: the thread that handles it (main thread or a comm
  subshell) starts and ends ``dispatch_shell``;
- ``update`` / ``update_end``: ``CourseWidget.update`` (a slider's callback);
  ``mouse`` / ``mouse_end``: the canvas manager handling an ipympl message (``handle_json``:
  a drag's callback);
  ``blit`` / ``blit_end``: ``Blitter.update``; ``encode`` / ``encode_end``: the frame's
  diff + PNG encoding (``refresh_all`` up to ``send_binary``);
- ``send``: ``session.send`` of an IOPub message (queued for the IOPub thread), with its
  msg_id, type, parent and a label (status, echo_update, update:<keys>, custom:binary ...);
- ``iopub``: the IOPub thread starts writing that message to its ZMQ socket (``t``) and
  has written it (``t_end``).

``collect()`` returns the records as JSON and clears them; ``uninstall()`` restores
everything. Nothing here changes what the kernel sends.
"""

from __future__ import annotations

import json
import threading
import time

RECORDS: list = []
_SAVED: list = []  # (object, attribute name, what its own __dict__ held) to restore
_DELIM = b"<IDS|MSG>"


def _note(kind: str, **info) -> None:
    RECORDS.append({"k": kind, "t": time.time(), "thread": threading.current_thread().name, **info})


def _parent_id(kernel) -> str | None:
    try:
        return kernel.get_parent().get("header", {}).get("msg_id")
    except Exception:
        return None


def _header_of(frames) -> dict:
    frames = [f.bytes if hasattr(f, "bytes") else bytes(f) for f in frames]
    i = frames.index(_DELIM)
    header = json.loads(frames[i + 2])
    parent = json.loads(frames[i + 3]) if len(frames) > i + 3 else {}
    return {"id": header.get("msg_id"), "type": header.get("msg_type"), "parent": parent.get("msg_id"),
            "bytes": sum(len(f) for f in frames[i + 2:])}


_MISSING = object()


def _patch(owner, name, make):
    """Replace owner.name by make(current); remember what owner's own __dict__ held."""
    _SAVED.append((owner, name, vars(owner).get(name, _MISSING)))
    setattr(owner, name, make(getattr(owner, name)))


def _label(msg_type: str, content: dict) -> str:
    if msg_type == "status":
        return content.get("execution_state", "")
    if msg_type != "comm_msg":
        return ""
    data = content.get("data") or {}
    label = data.get("method", "")
    if label == "custom":
        inner = data.get("content") or {}
        payload = inner.get("data") if isinstance(inner, dict) else None
        if isinstance(payload, str):
            try:
                label += ":" + json.loads(payload).get("type", "")
            except ValueError:
                pass
    elif isinstance(data.get("state"), dict):
        label += ":" + ",".join(sorted(data["state"]))
    return label


def install() -> str:
    """Wrap the kernel's message path; idempotent. Returns a short description."""
    if _SAVED:
        return "already installed"
    from ipykernel.kernelbase import Kernel

    kernel = Kernel.instance()
    notes = []

    # 1. The shell channel thread receives from ZMQ (ipykernel 7: then forwards to a subshell
    #    or the main thread). Without a shell channel thread, the main thread's stream.
    stream = kernel.shell_stream
    callback = getattr(stream, "_recv_callback", None)
    if callback is not None:
        def make_recv(original):
            def recv(msg):
                try:
                    _note("recv", **_header_of(msg))
                except Exception:
                    pass
                return original(msg)
            return recv
        _patch(stream, "_recv_callback", make_recv)
        notes.append("shell recv")

    # 2. The handling thread starts and ends dispatch_shell.
    def make_dispatch(original):
        async def dispatch_shell(msg, /, *args, **kwargs):
            info = {}
            try:
                info = _header_of(msg)
                _note("dispatch", **info)
            except Exception:
                pass
            try:
                return await original(msg, *args, **kwargs)
            finally:
                _note("dispatch_end", id=info.get("id"))
        return dispatch_shell
    _patch(kernel, "dispatch_shell", make_dispatch)
    notes.append("dispatch")

    # 3. Every IOPub message queued by session.send (with its msg_id) ...
    def make_send(original):
        def send(stream, msg_or_type, content=None, *args, **kwargs):
            t = time.time()
            msg = original(stream, msg_or_type, content, *args, **kwargs)
            try:
                if stream is kernel.iopub_socket and isinstance(msg, dict):
                    header = msg["header"]
                    buffers = kwargs.get("buffers") or []
                    RECORDS.append({"k": "send", "t": t, "t_end": time.time(),
                                    "thread": threading.current_thread().name,
                                    "id": header.get("msg_id"), "type": header.get("msg_type"),
                                    "parent": (msg.get("parent_header") or {}).get("msg_id"),
                                    "label": _label(header.get("msg_type", ""), msg.get("content") or {}),
                                    "nbuf": len(buffers),
                                    "buf_bytes": sum(memoryview(b).nbytes for b in buffers)})
            except Exception:
                pass
            return msg
        return send
    _patch(kernel.session, "send", make_send)
    notes.append("session.send")

    # 4. ... and the IOPub thread writing it to the socket.
    iopub = getattr(kernel, "iopub_thread", None)
    if iopub is not None and hasattr(iopub, "_really_send"):
        def make_really_send(original):
            def really_send(msg, *args, **kwargs):
                t = time.time()  # the IOPub thread runs (has the GIL) and starts sending
                result = original(msg, *args, **kwargs)
                try:
                    RECORDS.append({"k": "iopub", "t": t, "t_end": time.time(), **_header_of(msg)})
                except Exception:
                    pass
                return result
            return really_send
        _patch(iopub, "_really_send", make_really_send)
        notes.append("iopub thread")

    # 5. The callbacks: a slider's (CourseWidget.update), a drag's (ipympl canvas message),
    #    the blit and the frame's encoding.
    def span(kind):
        def make(original):
            def wrapped(self, *args, **kwargs):
                _note(kind, parent=_parent_id(kernel))
                try:
                    return original(self, *args, **kwargs)
                finally:
                    _note(kind + "_end", parent=_parent_id(kernel))
            return wrapped
        return make

    try:
        from helpers.widgets import CourseWidget
        _patch(CourseWidget, "update", span("update"))
        notes.append("CourseWidget.update")
    except Exception:
        pass
    try:  # ipympl hands every canvas message to manager.handle_json (looked up per call;
        # the comm's handler, Canvas._handle_message, was bound when the canvas was made)
        from matplotlib.backends.backend_webagg_core import FigureManagerWebAgg
        _patch(FigureManagerWebAgg, "handle_json", span("mouse"))
        notes.append("canvas messages")
    except Exception:
        pass
    try:
        from helpers.plots.blitting import Blitter
        _patch(Blitter, "update", span("blit"))
        notes.append("Blitter.update")
    except Exception:
        pass
    try:
        from matplotlib.backends.backend_webagg_core import FigureManagerWebAgg
        _patch(FigureManagerWebAgg, "refresh_all", span("encode"))
        notes.append("refresh_all")
    except Exception:
        pass
    return "installed: " + ", ".join(notes)


def uninstall() -> None:
    """Put back everything install() replaced."""
    while _SAVED:
        owner, name, own = _SAVED.pop()
        if own is _MISSING:
            delattr(owner, name)
        else:
            setattr(owner, name, own)


def collect() -> str:
    """The records as JSON, cleared afterwards."""
    records = list(RECORDS)
    del RECORDS[:len(records)]
    return json.dumps(records)


# --------------------------------------------------------------------------
# Variants of benchmarks/hops.py that switch something on a widget and back.

_VARIANT_STATE: dict = {}


def set_transport(widget, on: bool) -> None:
    """helpers.plots.transport.fast_frames on (or off) for the widget's figures; restore_transport undoes."""
    from helpers.plots import transport

    figures = list(getattr(widget, "figures", ()))
    _VARIANT_STATE[id(widget)] = [getattr(f.canvas, "_course_fast_frames", False) for f in figures]
    (transport.fast_frames if on else transport.undo_fast_frames)(*figures)


def restore_transport(widget) -> None:
    from helpers.plots import transport

    for fig, was in zip(getattr(widget, "figures", ()), _VARIANT_STATE.pop(id(widget), [])):
        (transport.fast_frames if was else transport.undo_fast_frames)(fig)
