"""helpers.plots.blitting: callbacks that run outside the caller's code report their errors.

The draw callback, the repaint timer and the frame encoder of a :class:`Blitter` run
inside matplotlib's or ipympl's machinery, where an exception would only reach a log.
With ``on_error`` set (the widget layer sets a message area's ``show_error``) the
exception goes there; without it, it propagates as before.
"""

import gc
import io
import weakref

import numpy as np
import pytest
from ipympl.backend_nbagg import Canvas, FigureManager
from matplotlib.figure import Figure
from PIL import Image

import helpers.plots
from helpers.plots import blitting, new_figure


class Broken(RuntimeError):
    pass


def _raise(*args, **kwargs):
    raise Broken("drawing failed on purpose")


@pytest.fixture
def figure_with_broken_artist():
    fig, ax = new_figure(3, 2)
    (line,) = ax.plot([0, 1], [0, 1])
    blitter = blitting.Blitter(fig, [line])
    line.draw = _raise  # the draw callback draws the animated artists: this one raises
    return fig, blitter


def test_plots_reexports_the_blitting_machinery():
    assert helpers.plots.Blitter is blitting.Blitter
    assert helpers.plots.blitters_of is blitting.blitters_of
    assert helpers.plots.encode_png is blitting.encode_png


def test_draw_callback_error_reaches_on_error(figure_with_broken_artist):
    fig, blitter = figure_with_broken_artist
    errors = []
    blitter.on_error = errors.append
    fig.canvas.draw()  # does not raise
    assert len(errors) == 1 and isinstance(errors[0], Broken)


def test_draw_callback_error_propagates_without_on_error(figure_with_broken_artist):
    fig, blitter = figure_with_broken_artist
    assert blitter.on_error is None
    with pytest.raises(Broken):
        fig.canvas.draw()


def test_blitters_of_lists_a_figures_blitters_in_order_and_forgets_them():
    fig, other = Figure(), Figure()  # not pyplot figures: pyplot would keep them alive itself
    first, second = blitting.Blitter(fig), blitting.Blitter(fig)
    third = blitting.Blitter(other)
    assert blitting.blitters_of(fig) == [first, second]
    assert blitting.blitters_of(other) == [third]
    assert blitting.blitters_of(object()) == [] and blitting.blitters_of(None) == []
    del second
    gc.collect()
    assert blitting.blitters_of(fig) == [first]
    # the registry keeps no figure alive
    ref = weakref.ref(other)
    del other, third
    gc.collect()
    assert ref() is None


@pytest.fixture
def ipympl_figure():
    """A real ipympl canvas (no kernel needed) with a Blitter, so both canvas patches are applied."""
    fig = Figure(figsize=(2, 1.5))
    FigureManager(Canvas(fig), 1)
    ax = fig.add_subplot()
    (line,) = ax.plot([0, 1], [0, 1])
    blitter = blitting.Blitter(fig, [line])
    fig.canvas.draw()
    return fig, blitter


def _fire(timer):
    for func, args, kwargs in list(timer.callbacks):
        func(*args, **kwargs)


def test_repaint_timer_error_reaches_on_error(ipympl_figure, monkeypatch):
    fig, blitter = ipympl_figure
    errors = []
    blitter.on_error = errors.append
    monkeypatch.setattr(fig.canvas.manager, "refresh_all", _raise)
    _fire(fig.canvas._course_repaint_timer)
    assert len(errors) == 1 and isinstance(errors[0], Broken)


def test_repaint_timer_error_propagates_without_on_error(ipympl_figure, monkeypatch):
    fig, _ = ipympl_figure
    monkeypatch.setattr(fig.canvas.manager, "refresh_all", _raise)
    with pytest.raises(Broken):
        _fire(fig.canvas._course_repaint_timer)


def test_frame_encoder_error_reaches_on_error_and_sends_nothing(ipympl_figure, monkeypatch):
    fig, blitter = ipympl_figure
    errors = []
    blitter.on_error = errors.append
    monkeypatch.setattr(blitting, "encode_png", _raise)
    fig.canvas._png_is_old = True
    assert fig.canvas.get_diff_image() is None
    assert len(errors) == 1 and isinstance(errors[0], Broken)


def test_frame_encoder_error_propagates_without_on_error(ipympl_figure, monkeypatch):
    fig, _ = ipympl_figure
    monkeypatch.setattr(blitting, "encode_png", _raise)
    fig.canvas._png_is_old = True
    with pytest.raises(Broken):
        fig.canvas.get_diff_image()


def test_frames_are_valid_pngs_of_the_canvas(ipympl_figure):
    fig, _ = ipympl_figure
    fig.canvas._png_is_old, fig.canvas._force_full = True, True
    frame = Image.open(io.BytesIO(fig.canvas.get_diff_image()))
    assert np.array_equal(np.asarray(frame.convert("RGBA")), np.asarray(fig.canvas.get_renderer().buffer_rgba()))


def test_encode_png_round_trip():
    rgba = np.random.default_rng(0).integers(0, 256, size=(7, 5, 4), dtype=np.uint8)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(blitting.encode_png(rgba)))), rgba)


def test_a_redraw_during_a_drag_sends_its_frame_at_once_and_keeps_the_layout(monkeypatch):
    """full_redraw(during_drag=True) (03's axes following a drag): the frame leaves in the same
    call, without ipympl's draw request to the page, and the axes stay where constrained layout
    put them even when wider tick labels would move them; the default redraw asks the page and
    lays the figure out again."""
    fig, ax = new_figure(4, 3)
    FigureManager(Canvas(fig), 1)
    ax.plot([0, 1], [0, 1])
    blitter = blitting.Blitter(fig)
    fig.canvas.draw()
    placed, engine = ax.get_position().bounds, fig.get_layout_engine()
    sent, events = [], []
    monkeypatch.setattr(fig.canvas, "send_binary", sent.append)
    monkeypatch.setattr(fig.canvas, "send_event", lambda name, **kw: events.append(name))
    ax.set_ylim(-123456.0, 123456.0)  # much wider tick labels: constrained layout would shrink the axes
    blitter.full_redraw(during_drag=True)
    assert len(sent) == 1 and events == []  # drawn and sent now, no "draw" request to the page
    assert ax.get_position().bounds == placed
    assert fig.get_layout_engine() is engine
    frame = np.asarray(Image.open(io.BytesIO(sent[0])).convert("RGBA"))  # a diff: changed pixels, 0 elsewhere
    shown = np.asarray(fig.canvas.get_renderer().buffer_rgba())[:frame.shape[0], :frame.shape[1]]
    changed = frame[..., 3] > 0
    assert changed.sum() > 100 and np.array_equal(frame[changed], shown[changed])
    blitter.full_redraw()
    assert events == ["draw"] and len(sent) == 1  # the page is asked; it answers with a draw
    fig.canvas.draw()
    assert ax.get_position().bounds[0] > placed[0]  # laid out again: the wider labels take room


def test_redraws_during_a_drag_never_take_more_than_half_the_kernel(monkeypatch):
    """A redraw asked for sooner after the last one than that one lasted waits on a timer, and
    blits wait with it (their background is stale); the timer then draws the latest state."""
    fig, ax = new_figure(4, 3)
    FigureManager(Canvas(fig), 1)
    (line,) = ax.plot([0, 1], [0, 1])
    blitter = blitting.Blitter(fig, [line])
    fig.canvas.draw()
    sent, drawn = [], []
    monkeypatch.setattr(fig.canvas, "send_binary", sent.append)
    monkeypatch.setattr(fig.canvas, "send_event", lambda name, **kw: None)
    fig.canvas.mpl_connect("draw_event", lambda event: drawn.append(tuple(map(float, ax.get_ylim()))))
    blitter.full_redraw(during_drag=True)
    assert len(sent) == 1
    ax.set_ylim(-5, 5)
    line.set_ydata([-4, 4])
    blitter._drag_draw_ready_at = blitting.time.perf_counter() + 60.0  # as if the last draw had just taken a minute
    blitter.full_redraw(during_drag=True)  # sooner than that: it waits
    blitter.update()  # a blit now would draw the new line on the old axes: it waits too
    assert len(sent) == 1 and blitter._drag_draw_pending
    _fire(blitter._drag_timer)
    assert len(sent) == 2 and not blitter._drag_draw_pending
    assert drawn[-1] == (-5.0, 5.0)  # the timer's draw shows the latest limits
    # A timer that never fires (late, or a backend without timers) does not stop the blits for good:
    blitter._drag_draw_ready_at = blitting.time.perf_counter() + 60.0
    blitter.full_redraw(during_drag=True)
    blitter._drag_draw_ready_at = 0.0  # the time is up, the timer has not fired
    blitter.update()
    assert len(sent) == 3 and not blitter._drag_draw_pending
