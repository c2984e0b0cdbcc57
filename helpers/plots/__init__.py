"""Plot layer shared by every notebook (introduced in 01_norm).

Figures are built once and changed in place: each figure family lives in its own
module (``norm``, ``loss``, ``outliers``, ``weight_decay``, ``sparsity``) and
returns an object whose ``update(...)`` calls ``set_data``/``set_offsets``/
``set_height`` and then redraws. This module holds what they share: the course
style and colours, a figure factory that suits ipympl, and :class:`Blitter`,
which redraws only the artists that move.
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt

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


class Blitter:
    """Redraw only the artists that move, so a drag does not repaint the whole figure.

    ipympl 0.10 says ``supports_blit = False`` but ``canvas.blit()`` works, so this
    does by hand what ``useblit`` would: the moving artists are marked animated, a
    ``draw_event`` callback caches the background after every full draw (and
    draws the animated artists on top, also when saving a PNG), and
    :meth:`update` restores the background, draws the artists and blits.
    Anything that changes static content (axis limits, titles) must call
    :meth:`full_redraw` instead.
    """

    def __init__(self, fig, artists=()):
        self.fig = fig
        self.canvas = fig.canvas
        self.artists = []
        self._background = None
        for artist in artists:
            self.add(artist)
        self.canvas.mpl_connect("draw_event", self._on_draw)

    def add(self, artist):
        """Register ``artist`` as moving; returns it for chaining."""
        artist.set_animated(True)
        self.artists.append(artist)
        return artist

    def _on_draw(self, event):
        renderer = event.renderer if event is not None else self.canvas.get_renderer()
        if renderer is self.canvas.get_renderer():
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        for artist in self.artists:
            if artist.get_visible() and artist.figure is not None:
                artist.draw(renderer)

    def update(self) -> None:
        """Show the animated artists' new state: a blit if possible, else a full redraw."""
        if self._background is None:
            self.full_redraw()
            return
        self.canvas.restore_region(self._background)
        for artist in self.artists:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        self.canvas.blit(self.fig.bbox)

    def full_redraw(self) -> None:
        """Redraw everything (after limits or other static content changed)."""
        self.canvas.draw_idle()
