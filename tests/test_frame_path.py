"""What travels with a frame: helpers.plots.transport and the image mode of helpers.plots.blitting.

These change what is sent around a frame (issue 13), never the pixels: each test checks
both that the extra message is gone and that the browser still ends with the kernel's
picture. No timing here (benchmarks/hops.py measures the effect).
"""

import io
import threading

import numpy as np
import pytest
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.figure import Figure
from PIL import Image

from helpers.plots import blitting, transport
from helpers.plots.layout import freeze_layout  # noqa: F401  (the plot layer imports cleanly)


@pytest.fixture
def ipympl_figure():
    """A real ipympl canvas (no kernel needed) with a Blitter, hidden footer as the course sets it."""
    fig = Figure(figsize=(2, 1.5))
    FigureManager(Canvas(fig), 1)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    blitter = blitting.Blitter(fig, [line])
    fig.canvas.footer_visible = False
    fig.canvas.draw()
    return fig, line, blitter


def _sent_json(canvas, monkeypatch):
    sent = []
    monkeypatch.setattr(canvas, "send_json", lambda content: sent.append(content), raising=False)
    return sent


def _browser_paint(old, png, mode):
    """What ipympl's frontend shows after drawing `png` over `old` in `mode` (diff: alpha-0 pixels keep the old)."""
    frame = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
    out = np.zeros_like(old) if mode == "full" else old.copy()
    h, w = frame.shape[:2]
    region = out[:h, :w]
    keep = frame[:, :, 3:4] == 0
    out[:h, :w] = np.where(keep, region, frame)
    return out


def test_whole_frames_of_an_opaque_figure_stay_in_diff_mode(ipympl_figure):
    fig, line, _ = ipympl_figure
    canvas = fig.canvas
    canvas._png_is_old, canvas._force_full = True, True
    png = canvas.get_diff_image()
    assert canvas._current_image_mode == "diff"
    # drawn over any old picture, the whole opaque frame leaves exactly the kernel's pixels
    rng = np.random.default_rng(0)
    shape = np.asarray(canvas.get_renderer().buffer_rgba()).shape
    old = rng.integers(0, 256, size=shape, dtype=np.uint8)
    assert np.array_equal(_browser_paint(old, png, "diff"), np.asarray(canvas.get_renderer().buffer_rgba()))


def test_a_burst_and_its_repaint_send_no_image_mode_message(ipympl_figure, monkeypatch):
    fig, line, blitter = ipympl_figure
    canvas = fig.canvas
    canvas._png_is_old, canvas._force_full = True, True
    canvas.get_diff_image()  # the first frame: the mode becomes "diff" once
    modes = []
    monkeypatch.setattr(canvas, "set_image_mode", lambda mode: modes.append(mode) or
                        type(canvas).set_image_mode(canvas, mode))
    shown = np.asarray(canvas.get_renderer().buffer_rgba()).copy()
    for y in (0.2, 0.5, 0.8):
        line.set_ydata([0, y])
        blitter.update()  # blit -> refresh_all -> diff frame
    canvas._force_full, canvas._png_is_old = True, True  # what the repaint timer does
    png = canvas.get_diff_image()
    assert set(modes) == {"diff"}
    assert np.array_equal(_browser_paint(shown, png, "diff"), np.asarray(canvas.get_renderer().buffer_rgba()))


def test_a_transparent_figure_still_gets_full_frames(ipympl_figure):
    fig, _, _ = ipympl_figure
    fig.patch.set_alpha(0.0)
    fig.canvas.draw()
    fig.canvas._png_is_old, fig.canvas._force_full = True, True
    fig.canvas.get_diff_image()
    assert fig.canvas._current_image_mode == "full"


def test_fast_frames_skips_coordinate_messages_under_a_hidden_footer(ipympl_figure, monkeypatch):
    fig, _, _ = ipympl_figure
    canvas = fig.canvas
    sent = _sent_json(canvas, monkeypatch)
    canvas.toolbar.set_message("x=1 y=2")
    assert {"type": "message", "message": "x=1 y=2"} in sent  # ipympl sends it as it is
    sent.clear()
    transport.fast_frames(fig)
    canvas.toolbar.set_message("x=3 y=4")
    assert not [m for m in sent if m.get("type") == "message"]
    canvas.footer_visible = True  # the text is on screen again: it is kept current
    canvas.toolbar.set_message("x=5 y=6")
    assert {"type": "message", "message": "x=5 y=6"} in sent


def test_fast_frames_sends_every_frame_unchanged_and_is_idempotent(ipympl_figure, monkeypatch):
    fig, line, blitter = ipympl_figure
    canvas = fig.canvas
    frames = []
    monkeypatch.setattr(type(canvas), "send_binary", lambda self, data: frames.append(bytes(data)))
    transport.fast_frames(fig)
    transport.fast_frames(fig)
    line.set_ydata([0, 0.3])
    blitter.update()
    assert len(frames) == 1 and frames[0].startswith(b"\x89PNG")
    tiles_send = vars(canvas)["_course_send_binary_before"]  # the tiles' send_binary, from the Blitter
    transport.undo_fast_frames(fig)
    assert vars(canvas)["send_binary"] is tiles_send and "set_message" not in vars(canvas.toolbar)


def test_fast_frames_ignores_figures_without_ipympl():
    fig = Figure()
    fig.add_subplot().plot([0, 1])
    transport.fast_frames(fig, None)  # Agg canvas, or no figure at all: nothing to do, no error
    assert not getattr(fig.canvas, "_course_fast_frames", False)


def test_flush_iopub_without_a_kernel_returns_at_once():
    assert transport.flush_iopub() is True


def test_flush_iopub_waits_for_the_iopub_thread(monkeypatch):
    """With a (fake) IOPub thread, the frame's sender waits until that thread has run the queue."""
    ran = []

    class FakeIOPub:
        def __init__(self):
            self.thread = threading.Thread(target=lambda: None)

        def schedule(self, f):
            threading.Timer(0.01, lambda: (ran.append(True), f())).start()

    monkeypatch.setattr(transport, "_iopub_thread", lambda: FakeIOPub())
    assert transport.flush_iopub(timeout=2.0) is True
    assert ran == [True]


def test_the_old_image_mode_switch_can_be_restored_for_comparison(ipympl_figure, monkeypatch):
    fig, _, _ = ipympl_figure
    monkeypatch.setattr(blitting, "WHOLE_FRAMES_IN_DIFF_MODE", False)
    fig.canvas._png_is_old, fig.canvas._force_full = True, True
    fig.canvas.get_diff_image()
    assert fig.canvas._current_image_mode == "full"


@pytest.mark.parametrize("alpha", [255, 254, 0])
def test_transparency_check_reads_the_alpha_of_every_pixel(alpha):
    pixels = np.full((7, 5, 4), 255, dtype=np.uint8)
    pixels[3, 4, 3] = alpha
    pixels[3, 4, :3] = (0, 0, 0)  # colour bytes never count
    buff = pixels.view(np.uint32).squeeze(2)
    assert blitting._has_transparency(pixels, buff) is (alpha != 255)
    assert blitting._has_transparency(pixels, buff) == bool((pixels[:, :, 3] != 255).any())


def test_every_course_widget_sends_its_frames_the_fast_way(ipympl_figure):
    """CourseWidget applies fast_frames to the figures it declares (as transport's docstring says)."""
    import ipywidgets as widgets

    from helpers.widgets import CourseWidget

    fig, _, _ = ipympl_figure

    class OneFigure(CourseWidget):
        def redraw(self):
            pass

    assert not getattr(fig.canvas, "_course_fast_frames", False)
    OneFigure(widgets.VBox([fig.canvas]), figures=[fig])
    assert fig.canvas._course_fast_frames
    assert "send_binary" in vars(fig.canvas)  # the wrapped sender, not ipympl's own method
