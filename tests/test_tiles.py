"""Tiled frames (helpers.plots.tiles, issue 13): the changed tiles only, to a page that accepted them.

Each frame test ends where the browser ends: the picture the page had, with the frame drawn the
way the course's extension draws it (each run copied from the atlas to its place), must equal
the kernel's figure pixel for pixel. The page side itself: tests/browser/test_frame_path_page.py.
"""

import io
import json
from pathlib import Path

import numpy as np
import pytest
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.figure import Figure
from PIL import Image

from helpers.plots import blitting, tiles, transport


def test_the_page_side_answers_the_offer_the_kernel_makes():
    """The names in labextension/src/index.js are the kernel's (helpers/plots/tiles.py)."""
    source = (Path(__file__).resolve().parents[1] / "labextension" / "src" / "index.js").read_text()
    assert f"model.handle_{tiles.OFFER} = acceptTiles" in source
    assert f"this.send_message('{tiles.ACCEPT}', {{}})" in source


def _rebuild(old, atlas, rects):
    """`old` with each run of `atlas` drawn over its place; a 0 pixel (transparent) keeps the old one."""
    out = old.copy()
    for sx, sy, w, h, dx, dy in rects:
        run = atlas[sy:sy + h, sx:sx + w]
        out[dy:dy + h, dx:dx + w] = np.where(run == 0, out[dy:dy + h, dx:dx + w], run)
    return out


@pytest.mark.parametrize("shape", [(1240, 1600), (45, 70), (33, 31), (1, 1), (32, 32)])
def test_runs_packed_in_an_atlas_rebuild_the_new_picture(shape):
    rng = np.random.default_rng(sum(shape))
    old = rng.integers(0, 2**32, shape, dtype=np.uint32)
    new = old.copy()
    for _ in range(25):
        y, x = rng.integers(0, shape[0]), rng.integers(0, shape[1])
        new[y:y + rng.integers(1, 40), x:x + rng.integers(1, 150)] ^= 0x00FF00FF
    changed = new != old
    runs = tiles.tile_runs(changed)
    atlas, rects = tiles.pack_runs(new, runs)
    assert np.array_equal(_rebuild(old, atlas, rects), new)
    # every changed pixel lies in a run, and every tile of every run holds a changed pixel
    covered = np.zeros_like(changed)
    for y, x, h, w in runs.tolist():
        covered[y:y + h, x:x + w] = True
        for left in range(x, x + w, tiles.TILE):
            assert changed[y:y + h, left:left + tiles.TILE].any(), (y, x, h, w, left)
    assert not (changed & ~covered).any()
    assert atlas.shape[1] <= shape[1]  # rows of runs no wider than the figure


def test_nothing_changed_gives_no_runs_and_an_empty_atlas():
    mask = np.zeros((40, 50), dtype=bool)
    runs = tiles.tile_runs(mask)
    assert runs.shape == (0, 4)
    atlas, rects = tiles.pack_runs(np.zeros((40, 50), np.uint32), runs)
    assert rects == [] and atlas.shape == (1, 1)


def test_runs_of_a_known_mask():
    mask = np.zeros((70, 100), dtype=bool)
    mask[5, 3] = mask[5, 40] = True  # tiles (0, 0) and (0, 1): one run 64 px wide
    mask[69, 99] = True  # the corner tile, cut to the figure: 4 x 6 px
    assert tiles.tile_runs(mask, tile=32).tolist() == [[0, 0, 32, 64], [64, 96, 6, 4]]


@pytest.mark.parametrize("mask, tile", [(np.zeros((2, 3, 4), bool), 32), (np.zeros((4, 4), bool), 0)])
def test_tile_runs_says_what_it_needs(mask, tile):
    with pytest.raises(ValueError, match="2-d mask and a tile >= 1"):
        tiles.tile_runs(mask, tile=tile)


@pytest.fixture
def page_figure(monkeypatch):
    """An ipympl figure with a Blitter, and what its canvas sends (json events, comm messages)."""
    fig = Figure(figsize=(4, 3))
    FigureManager(Canvas(fig), 1)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    blitter = blitting.Blitter(fig, [line])
    canvas = fig.canvas
    events, messages = [], []
    monkeypatch.setattr(canvas, "send_json", events.append, raising=False)
    monkeypatch.setattr(canvas, "send", lambda content, buffers=None: messages.append((content, buffers)),
                        raising=False)
    canvas._handle_message(canvas, {"type": "initialized"}, [])  # a page shows it: no data-URL syncing
    canvas.draw()
    canvas._png_is_old, canvas._force_full = True, True
    canvas.manager.refresh_all()  # the first, whole frame
    return fig, line, blitter, events, messages


@pytest.fixture
def accepted_figure(page_figure):
    """page_figure, shown by a page that accepted tiled frames."""
    _tiles_accepted(page_figure[0].canvas)
    return page_figure


def _page_starts(canvas):
    canvas._handle_message(canvas, {"type": "send_image_mode"}, [])


def _accept(canvas):
    canvas._handle_message(canvas, {"type": tiles.ACCEPT}, [])


def _tiles_accepted(canvas):
    """A page starts showing the figure and accepts the kernel's offer, as the course's extension does."""
    _page_starts(canvas)
    _accept(canvas)


def _assert_plain_frame(messages):
    header, _ = _last_frame(messages)
    assert "rects" not in header and header["type"] == "binary", header


def _picture(canvas):
    return np.asarray(canvas.get_renderer().buffer_rgba()).copy()


def _move(line, blitter, y):
    line.set_ydata([0, y])
    blitter.update()  # blit -> refresh_all -> one frame


def _last_frame(messages):
    content, buffers = messages[-1]
    header = json.loads(content["data"])
    assert header["type"] in ("binary", tiles.FRAME), header
    assert ("rects" in header) == (header["type"] == tiles.FRAME), header
    return header, np.asarray(Image.open(io.BytesIO(bytes(buffers[0]))).convert("RGBA"))


def test_a_page_is_offered_tiles_and_gets_them_once_it_accepts(page_figure):
    fig, line, blitter, events, messages = page_figure
    canvas = fig.canvas
    _page_starts(canvas)
    assert {"type": tiles.OFFER, "tile": tiles.TILE} in events
    _move(line, blitter, 0.3)
    _assert_plain_frame(messages)  # no answer yet

    _accept(canvas)
    shown = _picture(canvas)
    for y in (0.5, 0.9, 0.1):
        _move(line, blitter, y)
        header, atlas = _last_frame(messages)
        assert header["rects"], header
        shown = _rebuild(shown.view(np.uint32).squeeze(-1), atlas.view(np.uint32).squeeze(-1),
                         header["rects"]).view(np.uint8).reshape(shown.shape)
        assert np.array_equal(shown, _picture(canvas))  # the page's picture is the kernel's
        area = sum(w * h for _, _, w, h, _, _ in header["rects"])
        assert area < 0.5 * shown.shape[0] * shown.shape[1], area  # a line's move: far from all of it
    assert canvas._course_tiled_frames == 3


def test_a_page_that_starts_later_gets_plain_frames_until_it_accepts(accepted_figure):
    fig, line, blitter, events, messages = accepted_figure
    _page_starts(fig.canvas)  # e.g. a page without the course's extension opens the notebook
    _move(line, blitter, 0.7)
    _assert_plain_frame(messages)


def test_an_image_mode_change_in_the_kernel_keeps_the_acceptance(accepted_figure):
    fig, line, blitter, events, messages = accepted_figure
    canvas = fig.canvas
    canvas.set_image_mode("full")  # matplotlib tells the page about the mode itself
    canvas.set_image_mode("diff")
    assert canvas._course_tiles_accepted
    assert sum(e["type"] == tiles.OFFER for e in events) == 1


def test_tiles_can_be_switched_off_for_comparison(accepted_figure, monkeypatch):
    fig, line, blitter, events, messages = accepted_figure
    monkeypatch.setattr(tiles, "TILED_FRAMES", False)
    _move(line, blitter, 0.2)
    _assert_plain_frame(messages)


def test_changed_tiles_with_transparent_pixels_go_as_a_full_frame(accepted_figure):
    fig, line, blitter, events, messages = accepted_figure
    canvas = fig.canvas
    line.set_alpha(0.0)
    fig.patch.set_alpha(0.0)  # transparent where the line was: only a full frame shows it
    canvas.draw()  # sends its frame
    header, frame = _last_frame(messages)
    assert "rects" not in header and canvas._current_image_mode == "full"
    assert np.array_equal(frame, _picture(canvas))


def test_with_two_pages_a_tiled_frame_never_goes_as_ipympls_own_frame(page_figure):
    """Page A (with the course's extension) accepts; page B (ipympl alone) starts and is offered
    tiles too, but A answers again: the kernel sends tiles. They go as 'course_tiles', which ipympl
    alone does not draw; its own 'binary' frames stay whole pictures drawn from the top-left corner,
    and the repaint after a burst is one of them."""
    fig, line, blitter, events, messages = page_figure
    canvas = fig.canvas
    _page_starts(canvas)  # A
    _accept(canvas)
    _page_starts(canvas)  # B
    _accept(canvas)  # A's answer to the offer B's start made (kernel messages reach every page)
    _move(line, blitter, 0.4)
    header, _ = _last_frame(messages)
    assert header["type"] == tiles.FRAME
    for func, args, kwargs in list(canvas._course_repaint_timer.callbacks):  # the burst's end
        func(*args, **kwargs)
    header, frame = _last_frame(messages)
    assert header == {"type": "binary"} and np.array_equal(frame, _picture(canvas))


def test_a_transparent_figure_gets_tiles_where_the_changed_pixels_are_opaque(page_figure):
    """The figure's margin is transparent, the axes opaque: a line moving inside the axes changes
    only opaque pixels, so its frames are tiled, and the page's picture keeps the transparent
    margin it got from the last full frame."""
    fig, line, blitter, events, messages = page_figure
    canvas = fig.canvas
    fig.patch.set_alpha(0.0)
    canvas.draw()  # a full frame: the margin is transparent
    header, frame = _last_frame(messages)
    assert header == {"type": "binary"} and canvas._current_image_mode == "full"
    shown = frame.copy()
    _tiles_accepted(canvas)
    _move(line, blitter, 0.6)
    header, atlas = _last_frame(messages)
    assert header["type"] == tiles.FRAME
    shown = _rebuild(shown.view(np.uint32).squeeze(-1), atlas.view(np.uint32).squeeze(-1),
                     header["rects"]).view(np.uint8).reshape(shown.shape)
    assert np.array_equal(shown, _picture(canvas))
    assert (shown[:, :, 3] == 0).any()  # the margin is still transparent


def test_tiles_and_the_fast_transport_compose_in_either_order(monkeypatch):
    """helpers.plots.transport.fast_frames wraps send_binary too: made before or after the Blitter
    (which offers tiles), tiled frames keep their places and are flushed like plain ones; undone,
    both still go."""
    flushes = []
    monkeypatch.setattr(transport, "flush_iopub", lambda: flushes.append(1) or True)
    monkeypatch.setattr(tiles, "flush_iopub", transport.flush_iopub)
    for transport_first in (True, False):
        fig = Figure(figsize=(3, 2))
        FigureManager(Canvas(fig), 1)
        (line,) = fig.add_subplot().plot([0, 1], [0, 1])
        if transport_first:
            transport.fast_frames(fig)
        blitter = blitting.Blitter(fig, [line])
        if not transport_first:
            transport.fast_frames(fig)
        canvas = fig.canvas
        sent = []
        canvas.send_json = lambda content: None
        canvas.send = lambda content, buffers=None, sent=sent: sent.append(json.loads(content["data"]))
        canvas._handle_message(canvas, {"type": "initialized"}, [])
        canvas.draw()
        _tiles_accepted(canvas)
        flushes.clear()
        _move(line, blitter, 0.3)
        assert sent[-1]["type"] == tiles.FRAME and sent[-1]["rects"], (transport_first, sent[-1])
        assert flushes, f"a tiled frame was not flushed (transport first: {transport_first})"
        transport.undo_fast_frames(fig)
        _move(line, blitter, 0.5)
        assert sent[-1]["type"] == tiles.FRAME and sent[-1]["rects"], (transport_first, sent[-1])
        canvas._png_is_old, canvas._force_full = True, True
        canvas.manager.refresh_all()
        assert sent[-1] == {"type": "binary"}, transport_first
