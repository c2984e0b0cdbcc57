"""Helpers for the course "L1 and L2, from norms to sparsity".

Three layers, each importing only the one below it:

1. math -- pure numpy/SciPy, no plotting, no widgets;
2. plots (``helpers.plots``) -- figures built once, changed in place by ``update``;
3. widgets (``helpers.widgets``) -- ipywidgets and ipympl events wired to 1 and 2.

Which module serves which notebook (the plots, widgets and exercises modules of a
notebook share one name):

=====================  ==========================================  =====================
notebook               math                                        plots / widgets / exercises
=====================  ==========================================  =====================
01_norm                ``norms``                                   ``norm``
02_loss                ``losses``                                  ``loss``
03_outlier_sensitivity ``fitting``, ``outliers``, ``data``         ``outliers``
04_weight_decay        ``penalties``, ``descent``, ``optimizers``, ``weight_decay``
                       ``conventions``, ``synthetic``
05_sparsity            ``descent``, ``paths``,                     ``sparsity``
                       ``constrained_optima``, ``data``
every notebook         ``exercises`` (checkers), ``_checks``       ``plots.layout``, ``plots.blitting``,
                                                                   ``plots.legibility``, ``widgets``
=====================  ==========================================  =====================

``helpers.server_extension`` (TCP_NODELAY on the kernel websocket) and
``helpers.handout`` (printable HTML/PDF handouts) serve the classroom, not a notebook;
``helpers.kernel_threads`` makes the kernel handle widget messages one at a time
(ipykernel 7 runs them on two threads), for every widget.

Importing ``helpers`` changes nothing global (no matplotlib style, no backend,
no random seed); a notebook calls ``helpers.plots.set_style()`` itself.
"""

__version__ = "0.1.0"
