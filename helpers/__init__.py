"""Helpers for the course "L1 and L2, from norms to sparsity".

Three layers, each importing only the one below it:

1. math: ``norms`` (01), ``losses`` (02), ``fitting`` (03), ``regularization``
   (04, 05), ``data`` (03, 05) -- pure numpy/SciPy, no plotting;
2. plots: ``helpers.plots`` -- figures built once, changed in place by ``update``;
3. widgets: ``helpers.widgets`` -- ipywidgets and ipympl events wired to 1 and 2.

Importing ``helpers`` changes nothing global (no matplotlib style, no backend,
no random seed); a notebook calls ``helpers.plots.set_style()`` itself.
"""

__version__ = "0.1.0"
