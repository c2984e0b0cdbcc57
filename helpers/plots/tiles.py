"""Frames sent as changed tiles, to pages that draw them (issue 13; every notebook's figures).

A blit changes a few per cent of a figure's pixels (0.4-3.2 % for the main widgets at device
pixel ratio 2), but a diff frame cut at the last changed pixel still spans 37-89 % of the figure,
and the page decodes and draws all of it (6-7 ms of decode for 04's frame at ratio 2). A tiled
frame holds only the TILE x TILE squares that have a changed pixel (6-23 % of the figure for the
main widgets at ratio 2; benchmarks/README.md, "Where the time goes, 2026-12-06 night"):

- consecutive changed tiles of one tile row make a run;
- the runs are packed in rows of height TILE into one image, the atlas;
- the frame's message lists where each run goes: ``[sx, sy, w, h, dx, dy]``, its place in the
  atlas and in the figure, in pixels from the top-left.

As in matplotlib's diff frames, a pixel that did not change is sent as 0 (transparent): drawn
over the picture the page shows (the previous frame), the tiles leave it equal to the figure.

Only a page that says it draws tiles gets them. Each time a page starts showing a figure
(ipympl's page asks for the image mode then), the kernel offers tiles (``course_tiles_offer``)
and sends plain frames until a page accepts (``course_tiles_accept``). The course's JupyterLab
extension (labextension/src/index.js, loaded by JupyterLab, Notebook 7 and Voilà) accepts; ipympl
alone logs the offer as an unknown message in the browser console. Kernel messages reach every
page that shows the figure, and the acceptance is the kernel's, not a page's: with two pages
open on one kernel, one with the extension and one without, the second gets tiled frames too.
They come as their own message type (``course_tiles``), for which ipympl alone has no handler:
it draws nothing (and logs it), so that page's figure stands still during a drag and is
repainted whole 200 ms after it (``blitting._repaint_after_bursts``), never garbled.
"""

from __future__ import annotations

import json

import numpy as np

from helpers.plots.transport import flush_iopub

TILE = 32  # pixels; 16 sends about a third less area but three times as many runs
FRAME = "course_tiles"  # a tiled frame's message type: ipympl alone has no handler for it and draws nothing
# False: plain frames even to a page that accepted tiles (benchmarks/hops.py's A/B variant "untiled").
TILED_FRAMES = True
OFFER, ACCEPT = "course_tiles_offer", "course_tiles_accept"


def tile_runs(changed: np.ndarray, tile: int = TILE) -> np.ndarray:
    """Runs of changed tiles, one row per run: ``(y, x, h, w)`` in pixels, row by row.

    ``changed`` is the (height, width) mask of changed pixels; the tiles at the right and bottom
    edges are cut to the figure.
    """
    changed = np.asarray(changed, dtype=bool)
    if changed.ndim != 2 or tile < 1:
        raise ValueError(f"tile_runs needs a 2-d mask and a tile >= 1; got shape {changed.shape}, tile {tile}")
    height, width = changed.shape
    if changed.size == 0:
        return np.zeros((0, 4), dtype=np.int64)
    pixels = changed.view(np.uint8)  # a tile row at a time: 7x faster than reduceat over the mask
    rows = np.stack([pixels[top:top + tile].max(axis=0) for top in range(0, height, tile)]) > 0
    grid = np.logical_or.reduceat(rows, np.arange(0, width, tile), axis=1)
    edges = np.diff(grid.astype(np.int8), axis=1, prepend=0, append=0)
    start_row, start_col = np.nonzero(edges == 1)
    _, end_col = np.nonzero(edges == -1)  # row-major like the starts: pairs line up
    y, x = start_row * tile, start_col * tile
    return np.column_stack([y, x, np.minimum(y + tile, height) - y, np.minimum(end_col * tile, width) - x])


def pack_runs(buff: np.ndarray, runs: np.ndarray, tile: int = TILE,
              fill: int = 0) -> tuple[np.ndarray, list[list[int]]]:
    """The atlas of ``runs`` cut from ``buff`` (an (h, w) array of pixels), and each run's place.

    Runs are laid left to right in rows of height ``tile``, a new row when the next run would
    pass the figure's width; the atlas's pixels outside the runs (never drawn) are ``fill``.
    Returns ``(atlas, rects)``, ``rects[i] = [sx, sy, w, h, dx, dy]``.
    """
    width = buff.shape[1]
    rects, sx, sy = [], 0, 0
    for y, x, h, w in runs.tolist():
        if sx + w > width:
            sx, sy = 0, sy + tile
        rects.append([sx, sy, w, h, x, y])
        sx += w
    if not rects:
        return np.zeros((1, 1), dtype=buff.dtype), []
    atlas = np.full((max(r[1] + r[3] for r in rects), max(r[0] + r[2] for r in rects)), fill, dtype=buff.dtype)
    for sx, sy, w, h, x, y in rects:
        atlas[sy:sy + h, sx:sx + w] = buff[y:y + h, x:x + w]
    return atlas, rects


def offer_tiles(canvas) -> None:
    """Let an ipympl canvas send tiled frames to a page that accepts them (see the module).

    Adds the offer to the canvas's answer to ``send_image_mode``, a handler for the acceptance,
    and a ``send_binary`` that sends the runs' places with a tiled frame. The frame encoder
    (``blitting._fast_diff_images``) makes tiles while ``canvas._course_tiles_accepted`` is set,
    and leaves the places in ``canvas._course_frame_rects`` for the next send.
    """
    if getattr(canvas, "_course_tiles_offered", False):
        return
    canvas._course_tiles_accepted = False
    canvas._course_frame_rects = None
    canvas._course_tiled_frames = 0  # sent so far (tests, benchmarks)
    own_image_mode = canvas.handle_send_image_mode
    own_send_binary = vars(canvas).get("send_binary")  # another patch's, if any (else ipympl's, looked up at each send)

    def handle_send_image_mode(event):
        own_image_mode(event)
        if event is not None:  # a page asks (matplotlib calls it with None when the mode changes)
            canvas._course_tiles_accepted = False  # a page starts: plain frames until it accepts
            canvas.send_event(OFFER, tile=TILE)

    def handle_course_tiles_accept(event):
        canvas._course_tiles_accepted = True

    def send_binary(data):
        rects, canvas._course_frame_rects = canvas._course_frame_rects, None
        if rects is None:
            return own_send_binary(data) if own_send_binary else type(canvas).send_binary(canvas, data)
        canvas._course_tiled_frames += 1
        canvas.send({"data": json.dumps({"type": FRAME, "rects": rects})}, buffers=[data])
        if getattr(canvas, "_course_fast_frames", False):  # transport.fast_frames, wrapped before or after
            flush_iopub()

    canvas.handle_send_image_mode = handle_send_image_mode
    setattr(canvas, f"handle_{ACCEPT}", handle_course_tiles_accept)
    canvas.send_binary = send_binary
    canvas._course_tiles_offered = True
