"""Jupyter server settings for the course's browser tests and benchmarks only.

They start JupyterLab with ``--config=jupyter_server_config.py``. Learners do not
need this file: the speed-up it used to carry (TCP_NODELAY on the kernel
websocket) is the server extension ``helpers.server_extension``, enabled when the
course's package is installed.

What is left: allow starting as root. CI and containers run everything as root,
and JupyterLab refuses to start as root unless told it may. This is kept out of
the extension on purpose: nobody who did not ask for it gets a weakened default.
"""

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)
c.ServerApp.allow_root = True
