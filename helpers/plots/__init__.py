"""Plot layer shared by every notebook (introduced in 01_norm).

Figures are built once and changed in place: each figure family lives in its own
module (``norm``, ``loss``, ``outliers``, ``weight_decay``, ``sparsity``) and
returns an object whose ``update(...)`` calls ``set_data``/``set_offsets``/
``set_height`` and then redraws. This module holds what they share: the course
style and colours and a figure factory that suits ipympl. Shared plumbing lives in
its own modules: :mod:`helpers.plots.blitting` (:class:`Blitter`, which redraws
only the artists that move, and its fast frame encoding) and
:mod:`helpers.plots.layout`. ``Blitter``, ``blitters_of`` and ``encode_png`` are
re-exported here, so ``from helpers.plots import Blitter`` works.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

from helpers.plots import blitting as _blitting
from helpers.plots.blitting import Blitter, blitters_of, encode_png

__all__ = [
    "L1_COLOR", "L2_COLOR", "HUBER_COLOR", "POINT_COLOR", "HIGHLIGHT_COLOR", "MUTED_COLOR",
    "set_style", "new_figure", "configure_canvas", "Blitter", "blitters_of", "encode_png",
]

# Imports of the canvas patches from their old home keep working (tests/test_widgets_outliers.py).
_fast_diff_images = _blitting._fast_diff_images
_repaint_after_bursts = _blitting._repaint_after_bursts

# One colour per idea, the same in every notebook (Okabe-Ito, colour-blind safe).
L1_COLOR = "#D55E00"      # vermillion: L1, MAE, lasso, least absolute deviations
L2_COLOR = "#0072B2"      # blue: L2, MSE, ridge, least squares
HUBER_COLOR = "#009E73"   # bluish green: Huber, elastic net, "in between"
POINT_COLOR = "#444444"   # data points
HIGHLIGHT_COLOR = "#E69F00"  # the thing being dragged / the current value
MUTED_COLOR = "#999999"   # references, guides

_STYLE = {
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "legend.fontsize": 10,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.0,
    "legend.frameon": False,
}


def set_style() -> None:
    """Apply the course's matplotlib style (each notebook's setup cell calls it)."""
    mpl.rcParams.update(_STYLE)


def new_figure(width: float = 6.4, height: float = 4.0, *, nrows: int = 1, ncols: int = 1,
               **subplots_kw):
    """Create ``(fig, axes)`` without displaying it, ready to be placed in a widget layout.

    The figure is made inside ``plt.ioff()`` so that it appears only where a widget
    puts ``fig.canvas``; under ipympl the header, footer and toolbar are hidden and
    the canvas keeps its size (a resize would force full redraws during a drag).
    """
    subplots_kw.setdefault("layout", "constrained")
    with plt.ioff():
        fig, axes = plt.subplots(nrows, ncols, figsize=(width, height), **subplots_kw)
    configure_canvas(fig)
    return fig, axes


def configure_canvas(fig) -> None:
    """Hide ipympl's header, footer and toolbar and fix the size (no-op on other backends)."""
    canvas = fig.canvas
    for name, value in (("header_visible", False), ("footer_visible", False),
                        ("toolbar_visible", False), ("resizable", False),
                        ("capture_scroll", False)):
        if hasattr(canvas, "has_trait") and canvas.has_trait(name):
            setattr(canvas, name, value)
    if hasattr(canvas, "has_trait") and canvas.has_trait("_size"):
        # ipympl sizes a new view's canvas from the `_size` trait, which it sets
        # only when the canvas is displayed on its own or after the browser's
        # 'initialized' handshake. Inside a layout, a view rendered before that
        # reply started at 0 x 0 and stayed blank; give it the size at once.
        width, height = fig.get_size_inches() * fig.dpi / getattr(canvas, "device_pixel_ratio", 1)
        canvas._size = (float(width), float(height))
