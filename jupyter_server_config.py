"""Jupyter server settings for this course (loaded when `jupyter lab` starts here).

Jupyter reads a `jupyter_server_config.py` from the folder where `jupyter lab`
is started, so starting JupyterLab in the repository root picks this file up.
The browser tests pass it explicitly with `--config`.

What it does: turn on TCP_NODELAY for the kernel websocket. jupyter_server does
not set it, so Nagle's algorithm together with delayed acknowledgements holds
back some small replies by about 40 ms, which makes dragging a point or a slider
feel sluggish. With it, a browser -> kernel -> browser round trip takes a few ms.

If a jupyter_server release moves the handler, this logs a warning and the
server starts anyway (just without the speed-up).
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
