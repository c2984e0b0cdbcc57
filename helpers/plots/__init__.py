"""Plot layer shared by every notebook (introduced in 01_norm).

Figures are built once and changed in place: each figure family lives in its own
module (``norm``, ``loss``, ``outliers``, ``weight_decay``, ``sparsity``) and
returns an object whose ``update(...)`` calls ``set_data``/``set_offsets``/
``set_height`` and then redraws. This module holds what they share: the course
style and colours, a figure factory that suits ipympl, and :class:`Blitter`,
which redraws only the artists that move.
"""

from __future__ import annotations

import struct
import zlib

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

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
        if hasattr(self.canvas, "get_diff_image") and getattr(self.canvas, "manager", None):
            _fast_diff_images(self.canvas)  # ipympl (webagg): see there
            _repaint_after_bursts(self.canvas)

    def add(self, artist):
        """Register ``artist`` as moving; returns it for chaining."""
        artist.set_animated(True)
        self.artists.append(artist)
        return artist

    def _on_draw(self, event):
        renderer = event.renderer if event is not None else self.canvas.get_renderer()
        # While saving (e.g. CourseWidget's PNG), Axes.draw includes animated artists:
        # such a frame is no background, and its Axes artists are drawn already.
        saving = self.canvas.is_saving()
        if renderer is self.canvas.get_renderer() and not saving:
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        for artist in self.artists:
            if saving and artist.axes is not None:
                continue
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


def encode_png(rgba) -> bytes:
    """PNG bytes of an (h, w, 4) uint8 RGBA array, made for speed.

    No row filter and zlib level 1: a blit's diff frame is mostly zeros, which
    this compresses almost as well as PIL's default (filters, level 6) in a
    fraction of the time (about 3 ms instead of 9 ms for 850 x 620 pixels on this machine).
    """
    rgba = np.ascontiguousarray(rgba, dtype=np.uint8)
    height, width, _ = rgba.shape
    rows = np.empty((height, 4 * width + 1), dtype=np.uint8)
    rows[:, 0] = 0  # filter type "none" before each row
    rows[:, 1:] = rgba.reshape(height, 4 * width)

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def _fast_diff_images(canvas) -> None:
    """Make a webagg/ipympl canvas encode its frames faster and send smaller diffs.

    Same protocol as matplotlib's ``get_diff_image`` (a full frame when forced,
    resized or transparent, else a diff whose zero pixels keep the old ones),
    with two changes: :func:`encode_png` instead of PIL, and a diff frame cut
    just below and right of its last changed pixel (the browser draws each
    frame at the top-left corner, so the pixels it leaves out stay as they were).
    """
    if getattr(canvas, "_course_fast_diff", False) or not hasattr(canvas, "_last_buff"):
        return

    def get_diff_image():
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)
        if (canvas._force_full or buff.shape != canvas._last_buff.shape
                or (pixels[:, :, 3] != 255).any()):
            canvas.set_image_mode("full")
            output = buff
        else:
            canvas.set_image_mode("diff")
            changed = buff != canvas._last_buff
            rows, cols = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
            if rows.size == 0:
                output = np.zeros((1, 1), dtype=np.uint32)  # nothing changed: one clear pixel
            else:
                r, c = rows[-1] + 1, cols[-1] + 1
                output = np.multiply(buff[:r, :c], changed[:r, :c], dtype=np.uint32)  # unchanged -> 0
        canvas._last_buff = buff.copy()
        canvas._force_full = False
        canvas._png_is_old = False
        return encode_png(output.view(np.uint8).reshape(*output.shape, 4))

    canvas.get_diff_image = get_diff_image
    canvas._course_fast_diff = True


def _repaint_after_bursts(canvas, quiet_ms: int = 200) -> None:
    """Make a webagg/ipympl canvas resend a full frame once a burst of updates ends.

    ipympl sends each frame as a diff (only the changed pixels). Its browser side
    loads every frame into one ``Image``; when the next frame arrives before the
    previous one has loaded, that frame is never painted, and with diffs its
    pixels are lost for good ("ghost" curves after a fast drag). So diffs stay
    (they encode about twice as fast), and ``quiet_ms`` after the last frame the
    whole image is sent once more as a full frame, which repaints any ghost.
    """
    if getattr(canvas, "_course_repaint_timer", None) is not None:
        return
    timer = canvas.new_timer(interval=quiet_ms)
    timer.single_shot = True
    send_image = canvas.get_diff_image
    repainting = [False]

    def get_image():
        image = send_image()
        if image is not None and not repainting[0]:
            timer.start()  # (re)starts the countdown
        return image

    def repaint():
        repainting[0] = True
        try:
            canvas._force_full = True
            canvas._png_is_old = True
            canvas.manager.refresh_all()
        finally:
            repainting[0] = False

    timer.add_callback(repaint)
    canvas.get_diff_image = get_image
    canvas._course_repaint_timer = timer
