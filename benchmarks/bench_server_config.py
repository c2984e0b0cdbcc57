"""Jupyter server settings for the hop benchmark only (``benchmarks/hops.py``).

What ``jupyter_server_config.py`` (the tests' config) sets, plus the benchmark-only
timing extension ``benchmarks.server_timing``, which still does nothing unless the
environment variable COURSE_HOP_TIMING=1 is set (hops.py sets it for its own server).
The course's own extension (``helpers.server_extension``, TCP_NODELAY) is loaded as
usual from the installed package's config.
"""

c = get_config()  # noqa: F821 (provided by Jupyter when it loads this file)
c.ServerApp.allow_root = True
c.ServerApp.jpserver_extensions = {"benchmarks.server_timing": True}
