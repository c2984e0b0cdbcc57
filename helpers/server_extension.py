"""Jupyter server extension: TCP_NODELAY on the kernel websocket (speed, see README "Speed").

jupyter_server does not set TCP_NODELAY on the websocket between the browser and
the server, so Nagle's algorithm together with the browser's delayed
acknowledgements holds back some small replies by about 40 ms: dragging a point or
a slider then feels sluggish. This extension turns it on for every kernel websocket.

It is enabled when the course's package is installed (``pip install .`` or
``pip install -e .`` puts ``etc/jupyter/jupyter_server_config.d/l1_l2_course_helpers.json``
into the environment), so JupyterLab, Jupyter Notebook, a JupyterHub single-user
server, Binder and Voilà's ``/voila/render/...`` pages all get it without a flag;
``jupyter server extension list`` shows ``helpers.server_extension``. The standalone
``voila`` command does not load server extensions; it reads ``etc/jupyter/voila.json``,
also installed with the package, which names :class:`NoDelayKernelWebsocketConnection`.

How: the kernel websocket handler asks its connection object to ``connect()`` as soon
as the websocket is open; the connection class is wrapped so that this first sets
TCP_NODELAY on the handler's stream. The class configured in the server is kept and
only wrapped (a kernel gateway's connection class, for one, keeps working). The
extension changes nothing else: no handler, no setting such as ``allow_root``.

To start a server without it (to measure the difference)::

    jupyter lab --ServerApp.jpserver_extensions="{'helpers.server_extension': False}"
"""

from __future__ import annotations

import logging

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

EXTENSION = "helpers.server_extension"
_WRAPPED = "_course_nodelay"  # marks a connection class that already sets TCP_NODELAY


def set_nodelay(websocket_handler, log=None) -> bool:
    """Turn on TCP_NODELAY for ``websocket_handler``'s stream; False (and a warning) if it failed."""
    try:
        websocket_handler.set_nodelay(True)  # tornado WebSocketHandler: disable Nagle on this socket
    except Exception as error:  # the socket may already be gone; the connection works without it
        (log or logging.getLogger(EXTENSION)).warning(
            "could not set TCP_NODELAY on the kernel websocket (%s: %s)", type(error).__name__, error)
        return False
    return True


class _NoDelayMixin:
    """Set TCP_NODELAY on the websocket before the kernel connection starts."""

    def connect(self):
        handler = getattr(self, "websocket_handler", None)
        if handler is not None:
            set_nodelay(handler, getattr(self, "log", None))
        return super().connect()  # unchanged: a coroutine, a Future or None, whatever the base returns


def with_nodelay(connection_class: type) -> type:
    """``connection_class`` whose ``connect()`` first sets TCP_NODELAY (the class itself if it does already)."""
    if getattr(connection_class, _WRAPPED, False):
        return connection_class
    return type(f"NoDelay{connection_class.__name__}", (_NoDelayMixin, connection_class),
                {_WRAPPED: True, "__module__": __name__})


class NoDelayKernelWebsocketConnection(_NoDelayMixin, ZMQChannelsWebsocketConnection):
    """jupyter_server's default kernel websocket connection, with TCP_NODELAY.

    Named by ``etc/jupyter/voila.json`` for the standalone ``voila`` command
    (``Voila.kernel_websocket_connection_class``).
    """

    _course_nodelay = True


def _jupyter_server_extension_points():
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(serverapp) -> None:
    settings = serverapp.web_app.settings
    current = settings.get("kernel_websocket_connection_class")
    if current is None:
        serverapp.log.warning("%s: no kernel websocket connection class to wrap; TCP_NODELAY not set", EXTENSION)
        return
    settings["kernel_websocket_connection_class"] = with_nodelay(current)
    serverapp.log.info("%s: TCP_NODELAY on the kernel websocket (%s)", EXTENSION, current.__name__)


# jupyter_server < 2 and the classic notebook look for the name without the underscore.
load_jupyter_server_extension = _load_jupyter_server_extension
