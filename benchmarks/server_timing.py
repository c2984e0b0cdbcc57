"""Benchmark-only Jupyter server extension: when each kernel message passes through the server.

Loaded only by the hop benchmark (``benchmarks/hops.py`` starts JupyterLab with
``benchmarks/bench_server_config.py``), and even then it does nothing unless the
environment variable ``COURSE_HOP_TIMING`` is set to 1. It is not installed with the
course's package and no learner's server ever loads it.

It wraps the server's kernel websocket connection class (the same way
``helpers.server_extension`` adds TCP_NODELAY) and notes, with ``time.time()``:

- browser -> kernel: when a websocket message reached the server
  (``handle_incoming_message``) and when it had been queued for the kernel's ZMQ socket
  (a ``ZMQStream`` sends it on the event loop's next turn);
- kernel -> browser: when a ZMQ message from the kernel reached the server
  (``handle_outgoing_message``) and when the server started writing it to the websocket.

Each record carries the message's ``msg_id``, type, parent ``msg_id`` and size, so the
benchmark joins them with the browser's and the kernel's records. The benchmark reads
and clears them with ``GET /api/course-hops`` (token-authenticated like the rest of the
API). ``POST /api/course-hops?nodelay=0|1`` switches TCP_NODELAY on every open kernel
websocket (for an A/B measurement of Nagle's algorithm within one session).
"""

from __future__ import annotations

import json
import os
import threading
import time

ENV = "COURSE_HOP_TIMING"
_RECORDS: list = []
_LOCK = threading.Lock()
_CONNECTIONS: list = []  # open kernel websocket connections (for the nodelay switch)
_DELIM = b"<IDS|MSG>"


def enabled() -> bool:
    return os.environ.get(ENV, "") not in ("", "0")


def _json(part) -> dict:
    try:
        return json.loads(bytes(part))
    except Exception:
        return {}


def _summary(parts) -> dict:
    """msg_id, type, parent msg_id, size and a short label of [header, parent, metadata, content, *buffers]."""
    header, parent = _json(parts[0]), _json(parts[1]) if len(parts) > 1 else {}
    kind = header.get("msg_type", "?")
    info = {"id": header.get("msg_id"), "type": kind, "parent": parent.get("msg_id"),
            "bytes": sum(len(p) for p in parts), "nbuf": max(0, len(parts) - 4)}
    if kind in ("comm_msg", "status") and len(parts) > 3 and len(parts[3]) < 4096:
        content = _json(parts[3])
        if kind == "status":
            info["label"] = content.get("execution_state")
        else:
            data = content.get("data") or {}
            label = data.get("method", "")
            if label == "custom":
                inner = data.get("content") or {}
                payload = inner.get("data") if isinstance(inner, dict) else None
                if isinstance(payload, str):
                    try:
                        label += ":" + json.loads(payload).get("type", "")
                    except Exception:
                        pass
            elif isinstance(data.get("state"), dict):
                label += ":" + ",".join(sorted(data["state"]))
            info["label"] = label
    return info


class _TimingMixin:
    _course_write_times: list | None = None

    @property
    def write_message(self):
        """The websocket's write_message, noting the time just before each write.

        (A stamp taken after the write can be late by a whole time slice: on a busy
        machine the browser thread that the write wakes up may run first.)"""
        write = self.websocket_handler.write_message
        times = self._course_write_times

        def timed_write(*args, **kwargs):
            if times is not None:
                times.append(time.time())
            return write(*args, **kwargs)

        return timed_write

    def connect(self):
        _CONNECTIONS.append(self)
        return super().connect()

    def handle_incoming_message(self, incoming_msg) -> None:
        t0 = time.time()
        result = super().handle_incoming_message(incoming_msg)
        t1 = time.time()
        try:
            if isinstance(incoming_msg, (bytes, bytearray, memoryview)):
                from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

                _, parts = deserialize_msg_from_ws_v1(bytes(incoming_msg))
            else:  # legacy JSON protocol
                msg = json.loads(incoming_msg)
                parts = [json.dumps(msg.get(k, {})).encode() for k in ("header", "parent_header", "metadata",
                                                                         "content")]
            info = _summary(parts)
            info["bytes"] = len(incoming_msg)
            with _LOCK:
                _RECORDS.append({"where": "server_in", "t_recv": t0, "t_fwd": t1, **info})
        except Exception:  # a record lost is no reason to break the connection
            pass
        return result

    def handle_outgoing_message(self, stream, outgoing_msg) -> None:
        t0 = time.time()
        self._course_write_times = writes = []
        try:
            result = super().handle_outgoing_message(stream, outgoing_msg)
        finally:
            self._course_write_times = None
        t1 = writes[0] if writes else time.time()
        try:
            frames = [bytes(f) for f in outgoing_msg]
            i = frames.index(_DELIM)
            info = _summary(frames[i + 2:])
            channel = stream if isinstance(stream, str) else getattr(stream, "channel", "?")
            with _LOCK:
                _RECORDS.append({"where": "server_out", "channel": channel, "t_recv": t0, "t_sent": t1, **info})
        except Exception:
            pass
        return result


def with_timing(connection_class: type) -> type:
    if getattr(connection_class, "_course_hop_timing", False):
        return connection_class
    return type(f"HopTiming{connection_class.__name__}", (_TimingMixin, connection_class),
                {"_course_hop_timing": True, "__module__": __name__})


def _handler_class():
    from jupyter_server.base.handlers import APIHandler
    from tornado import web

    class HopsHandler(APIHandler):
        @web.authenticated
        def get(self):
            with _LOCK:
                records = list(_RECORDS)
                _RECORDS.clear()
            self.finish(json.dumps({"now": time.time(), "records": records}))

        @web.authenticated
        def post(self):
            flag = self.get_argument("nodelay", None)
            done = 0
            if flag is not None:
                for connection in list(_CONNECTIONS):
                    handler = getattr(connection, "websocket_handler", None)
                    try:
                        handler.set_nodelay(flag == "1")
                        done += 1
                    except Exception:
                        _CONNECTIONS.remove(connection)
            self.finish(json.dumps({"nodelay": flag, "sockets": done}))

    return HopsHandler


def _jupyter_server_extension_points():
    return [{"module": "benchmarks.server_timing"}]


def _load_jupyter_server_extension(serverapp) -> None:
    if not enabled():
        serverapp.log.info("benchmarks.server_timing: %s is not set; not timing anything", ENV)
        return
    settings = serverapp.web_app.settings
    current = settings.get("kernel_websocket_connection_class")
    if current is None:
        return
    settings["kernel_websocket_connection_class"] = with_timing(current)
    base = settings.get("base_url", "/")
    serverapp.web_app.add_handlers(".*$", [(base.rstrip("/") + "/api/course-hops", _handler_class())])
    serverapp.log.warning("benchmarks.server_timing: timing kernel messages (%s=1; benchmark only)", ENV)


load_jupyter_server_extension = _load_jupyter_server_extension
