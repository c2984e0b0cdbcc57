"""Jupyter server settings for this course (`jupyter lab --config=jupyter_server_config.py`).

The README's command passes it to JupyterLab with `--config=jupyter_server_config.py`
(Jupyter does not read a config file from the current folder by itself), and the
browser tests and benchmarks do the same.

What it does: turn on TCP_NODELAY for the kernel websocket. jupyter_server does
not set it, so Nagle's algorithm together with delayed acknowledgements holds
back some small replies by about 40 ms, which makes dragging a point or a slider
feel sluggish. With it, a browser -> kernel -> browser round trip takes a few ms.

It also allows starting as root (containers). If a jupyter_server release moves
the handler, this logs a warning and the server starts anyway (just without the
speed-up).
"""

import logging


def _enable_tcp_nodelay_on_kernel_websocket():
    """Patch the kernel websocket handler's open() to call set_nodelay(True) first."""
    log = logging.getLogger("course.jupyter_server_config")
    try:
        from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

        original_open = KernelWebsocketHandler.open
        if getattr(original_open, "_course_nodelay", False):
            return  # already patched (the file can be loaded twice)

        def open_with_nodelay(self, *args, **kwargs):
            try:
                self.set_nodelay(True)  # tornado WebSocketHandler: disable Nagle
            except Exception as error:  # the socket may already be gone
                self.log.warning("could not set TCP_NODELAY on kernel websocket: %s", error)
            return original_open(self, *args, **kwargs)

        open_with_nodelay._course_nodelay = True
        KernelWebsocketHandler.open = open_with_nodelay
    except Exception as error:
        log.warning(
            "TCP_NODELAY not enabled on the kernel websocket (%s: %s); "
            "widgets will work, only with ~40 ms extra latency on some replies",
            type(error).__name__,
            error,
        )


_enable_tcp_nodelay_on_kernel_websocket()

# Containers and cloud notebooks often run everything as root; JupyterLab refuses
# to start as root unless told it may. Harmless for everyone else.
c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)
c.ServerApp.allow_root = True
