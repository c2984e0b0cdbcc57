"""Blitting for ipympl: redraw only what moves, encode frames fast (introduced in 01_norm).

- :class:`Blitter` redraws a figure's moving artists on a cached background;
  :func:`blitters_of` lists the Blitters of a figure (the widget layer gives them
  an ``on_error`` so that their callbacks report errors under the widget).
- :func:`encode_png`: a PNG writer made for speed (no filter, ISA-L's deflate at its level 1).
- Two patches of an ipympl (webagg) canvas, applied by :class:`Blitter`: frames
  encoded by :func:`encode_png` and cut to the changed area (to a page that accepts
  them, only the changed tiles: :mod:`helpers.plots.tiles`), and a full frame
  resent once a burst of updates ends.

The patches touch private matplotlib/ipympl attributes (``_png_is_old``,
``_force_full``, ``_last_buff``, ``manager.refresh_all``), which is why the
requirements cap matplotlib and ipympl to the minor versions tested.
"""

from __future__ import annotations

import struct
import sys
import time
import weakref
import zlib
from collections.abc import Callable

import numpy as np

try:  # ISA-L's deflate: wheels for Linux, macOS and Windows; zlib where there is none (e.g. Pyodide)
    from isal import isal_zlib
except ImportError:  # pragma: no cover - the same bytes format, about 9x slower at ratio 2
    isal_zlib = zlib

from helpers.kernel_threads import WIDGET_LOCK
from helpers.plots import tiles
from helpers.plots.tiles import offer_tiles, pack_runs, tile_runs

# Whole frames of an opaque figure go in "diff" mode (see _fast_diff_images); False restores
# matplotlib's behaviour (switch to "full" and back), for benchmarks/hops.py's A/B comparison.
WHOLE_FRAMES_IN_DIFF_MODE = True

# figure -> weak references to its Blitters, in creation order. The values hold no strong
# reference to a Blitter (which holds its figure), so a closed figure is still freed.
_BLITTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def blitters_of(fig) -> list[Blitter]:
    """The live :class:`Blitter` objects drawing on ``fig``, oldest first."""
    try:
        refs = _BLITTERS.get(fig, ())
    except TypeError:  # not a figure (cannot be weakly referenced)
        return []
    return [blitter for ref in refs if (blitter := ref()) is not None]


def _report(blitters: list[Blitter], error: Exception) -> None:
    """Hand ``error`` to the first Blitter's ``on_error`` there is; re-raise if none has one."""
    for blitter in blitters:
        if blitter.on_error is not None:
            blitter.on_error(error)
            return
    raise error


class Blitter:
    """Redraw only the artists that move, so a drag does not repaint the whole figure.

    ipympl 0.10 says ``supports_blit = False`` but ``canvas.blit()`` works, so this
    does by hand what ``useblit`` would: the moving artists are marked animated, a
    ``draw_event`` callback caches the background after every full draw (and
    draws the animated artists on top, also when saving a PNG), and
    :meth:`update` restores the background, draws the artists and blits.
    Anything that changes static content (axis limits, titles) must call
    :meth:`full_redraw` instead.

    ``on_error`` (a callable taking the exception; None re-raises it) receives the
    errors of the callbacks that run outside the caller's code: the draw callback,
    the repaint timer and the frame encoder. The plot layer imports no widgets, so
    the widget layer sets it, e.g. to a message area's ``show_error``.
    """

    on_error: Callable[[Exception], object] | None = None

    def __init__(self, fig, artists=()):
        self.fig = fig
        self.canvas = fig.canvas
        self.artists = []
        self.on_error = None
        self._background = None
        self._drag_draw_ready_at = 0.0  # perf_counter() from which a redraw during a drag may run at once
        self._drag_draw_pending = False
        self._drag_timer = None
        for artist in artists:
            self.add(artist)
        _BLITTERS.setdefault(fig, []).append(weakref.ref(self))
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
        try:
            self._draw_animated(event)
        except Exception as error:  # a draw callback's error would only reach the browser log
            _report([self], error)

    def _draw_animated(self, event):
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
        if self._drag_draw_pending:
            if time.perf_counter() < self._drag_draw_ready_at:
                return  # a full redraw is on its way (see full_redraw) and shows this state
            self._draw_now()  # its timer is late or never fires: draw now
            return
        if self._background is None:
            self.full_redraw()
            return
        self.canvas.restore_region(self._background)
        for artist in self.artists:
            if artist.get_visible():
                self.fig.draw_artist(artist)
        self.canvas.blit(self.fig.bbox)

    def full_redraw(self, *, during_drag: bool = False) -> None:
        """Redraw everything (after limits or other static content changed).

        By default ipympl asks the page for the draw (``draw_idle``: the page answers with a draw
        request, one more round trip, and it asks again only after the frame came, so slow draws
        are skipped, not queued). ``during_drag=True`` is for a drag that redraws in full on every
        move (03's axes following the mouse): the figure is drawn and its frame sent at once, and
        the layout engine keeps its last placement for this draw (constrained layout measures
        every text once more: 40 -> 24 ms for 03's figure, issue 13). Such draws take at most half
        of the kernel's time: one that comes sooner after the last than that draw lasted waits on a
        timer and then shows the latest state (blits wait for it too; one that comes after that time
        draws it), so a fast drag never queues moves behind draws. The caller redraws without it
        when the drag ends.
        """
        if not during_drag:
            self._drag_draw_pending = False  # this redraw shows the latest state
            self.canvas.draw_idle()
            return
        wait = self._drag_draw_ready_at - time.perf_counter()
        if wait <= 0 or not hasattr(self.canvas, "get_diff_image"):  # no ipympl: no moves to queue
            self._draw_now()
            return
        if self._drag_timer is None:
            self._drag_timer = self.canvas.new_timer()
            self._drag_timer.single_shot = True
            self._drag_timer.add_callback(self._draw_pending)
        self._drag_timer.interval = max(1, int(1000 * wait))
        self._drag_timer.start()
        self._drag_draw_pending = True

    def _draw_pending(self) -> None:
        with WIDGET_LOCK:  # a timer runs on the main thread, widget messages maybe on another
            try:
                if self._drag_draw_pending:
                    self._draw_now()
            except Exception as error:  # a timer callback's error would only reach the kernel's log
                _report([self], error)

    def _draw_now(self) -> None:
        self._drag_draw_pending = False
        start = time.perf_counter()
        engine = self.fig.get_layout_engine()
        if engine is not None:
            self.fig.set_layout_engine("none")
        try:
            self.canvas.draw()
        finally:
            if engine is not None:
                self.fig.set_layout_engine(engine)
            end = time.perf_counter()
            self._drag_draw_ready_at = end + (end - start)


def encode_png(rgba) -> bytes:
    """PNG bytes of an (h, w, 4) uint8 RGBA array, made for speed.

    No row filter, and deflate by ISA-L at its level 1 (``isal``; zlib-compatible output; ISA-L's
    levels are 0-3, not zlib's): a blit's diff frame is mostly zeros, which this compresses as
    well as zlib's level 1 (and almost as well as PIL's default, filters and level 6) about 9x
    faster: 1.0 instead of 9.1 ms for 04's frame at device pixel ratio 2 (1574 x 1015 pixels,
    97 instead of 103 kB), 0.4 instead of 5.2 ms for 02's (issue 13, 2-core AMD EPYC).
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
            + chunk(b"IDAT", isal_zlib.compress(rows, 1)) + chunk(b"IEND", b""))


def _has_transparency(pixels, buff) -> bool:
    """Whether any pixel of the RGBA buffer is not opaque.

    On little-endian machines alpha is the top byte of each uint32 pixel, so one
    contiguous minimum answers it (about 10x faster than reading every 4th byte:
    0.3 instead of 3 ms for a figure at device pixel ratio 2).
    """
    if sys.byteorder == "little":
        return bool(buff.size) and int(buff.min()) < 0xFF000000
    return bool((pixels[:, :, 3] != 255).any())


def _fast_diff_images(canvas) -> None:
    """Make a webagg/ipympl canvas encode its frames faster and send smaller diffs.

    Same protocol as matplotlib's ``get_diff_image`` (a whole frame when forced or
    resized, else a diff whose zero pixels keep the old ones), with four changes:
    :func:`encode_png` instead of PIL; to a page that accepted them, a diff frame of
    the changed tiles only (:mod:`helpers.plots.tiles`); to other pages, a diff frame
    cut just below and right of its last changed pixel (ipympl's page draws each frame
    at the top-left corner, so the pixels it leaves out stay as they were); and a whole frame of opaque pixels is
    sent in "diff" mode too (drawn over the old picture it replaces every pixel), so
    the image mode, a widget state message sent before the frame whenever it
    changes, stays "diff" (only a figure with transparent pixels uses "full").
    An error while encoding goes to the figure's Blitters' ``on_error`` (no frame is sent).
    """
    if getattr(canvas, "_course_fast_diff", False) or not hasattr(canvas, "_last_buff"):
        return

    def diff_image():
        if not canvas._png_is_old:
            return None
        pixels = np.asarray(canvas.get_renderer().buffer_rgba())
        buff = pixels.view(np.uint32).squeeze(2)
        whole = canvas._force_full or buff.shape != canvas._last_buff.shape
        if not whole and canvas._course_tiles_accepted and tiles.TILED_FRAMES \
                and not getattr(canvas, "syncing_data_url", False):
            image = _tiled_image(buff)
            if image is not None:
                return image
        if _has_transparency(pixels, buff) or (whole and not WHOLE_FRAMES_IN_DIFF_MODE):
            canvas.set_image_mode("full")  # transparent pixels: only a full frame shows them
            output = buff
        elif whole:
            # A whole frame, sent in diff mode: every pixel is opaque, so drawn over the old
            # picture it replaces all of it. Staying in diff mode spares the image-mode
            # message that a switch to "full" and back costs before the next frame.
            canvas.set_image_mode("diff")
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

    def _tiled_image(buff):
        """The changed tiles' frame (helpers.plots.tiles), or None if a changed pixel is not opaque
        (a diff frame cannot show it). Unchanged pixels in the tiles are sent as 0 (transparent:
        the page keeps its own), which compresses to almost nothing: 04's eta frame at ratio 2 is
        57 kB this way and 142 kB with the tiles' own pixels (they cross the contours of J)."""
        changed = buff != canvas._last_buff
        runs = tile_runs(changed)
        # Opaque white between the runs: never drawn, and the transparency check sees only the tiles.
        atlas, rects = pack_runs(buff, runs, fill=0xFFFFFFFF)
        if rects:
            kept, _ = pack_runs(changed, runs, fill=True)
            atlas[~kept] = 0xFFFFFFFF  # only the changed pixels are checked
            if _has_transparency(atlas.view(np.uint8).reshape(*atlas.shape, 4), atlas):
                return None
            atlas[~kept] = 0  # unchanged: transparent, the page keeps what it shows
        canvas.set_image_mode("diff")
        last = canvas._last_buff
        for _, _, w, h, x, y in rects:
            last[y:y + h, x:x + w] = buff[y:y + h, x:x + w]
        canvas._course_frame_rects = rects or None  # nothing changed: one clear pixel, as before
        canvas._force_full = False
        canvas._png_is_old = False
        return encode_png(atlas.view(np.uint8).reshape(*atlas.shape, 4))

    def get_diff_image():
        try:
            return diff_image()
        except Exception as error:  # runs inside ipympl's message handling: report, send nothing
            _report(blitters_of(getattr(canvas, "figure", None)), error)
            return None

    offer_tiles(canvas)
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
    An error in the repaint goes to the figure's Blitters' ``on_error``.
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
        with WIDGET_LOCK:  # a timer runs on the main thread, widget messages maybe on another
            _repaint()

    def _repaint():
        repainting[0] = True
        try:
            canvas._force_full = True
            canvas._png_is_old = True
            canvas.manager.refresh_all()
        except Exception as error:  # a timer callback's error would only reach the kernel's log
            _report(blitters_of(getattr(canvas, "figure", None)), error)
        finally:
            repainting[0] = False

    timer.add_callback(repaint)
    canvas.get_diff_image = get_image
    canvas._course_repaint_timer = timer
