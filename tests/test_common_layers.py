"""The shared plot and widget plumbing: Blitter, MessageArea, DragPoints, CourseWidget."""

import base64

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.backend_bases import MouseButton, MouseEvent

from helpers.plots import Blitter, new_figure, set_style
from helpers.widgets import CourseWidget, DragPoints, MessageArea
from tests.mouse import drag


@pytest.fixture
def scatter():
    set_style()
    fig, ax = new_figure(4, 3)
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    points = np.array([[2.0, 2.0], [5.0, 5.0], [8.0, 3.0]])
    (line,) = ax.plot(points[:, 0], points[:, 1], "o")
    return fig, ax, points, line


def test_blitter_background_cached_and_artist_redrawn(scatter):
    fig, ax, points, line = scatter
    blitter = Blitter(fig, [line])
    assert line.get_animated()
    fig.canvas.draw()
    assert blitter._background is not None
    before = np.asarray(fig.canvas.buffer_rgba()).copy()
    line.set_data([9.0], [9.0])
    blitter.update()
    after = np.asarray(fig.canvas.buffer_rgba())
    assert not np.array_equal(before, after), "blit left the pixels unchanged"


def test_blitter_artists_appear_in_saved_png(scatter, tmp_path):
    fig, ax, points, line = scatter
    Blitter(fig, [line])
    with_artist = tmp_path / "a.png"
    fig.savefig(with_artist)
    line.set_visible(False)
    without = tmp_path / "b.png"
    fig.savefig(without)
    assert with_artist.read_bytes() != without.read_bytes(), "animated artist missing from saved PNG"


def test_drag_moves_nearest_point_only(scatter):
    fig, ax, points, line = scatter
    moved = []

    def on_drag(i, x, y):
        points[i] = (x, y)
        moved.append(i)

    DragPoints(ax, lambda: points, on_drag, radius_px=10)
    drag(ax, (5.0, 5.0), (7.0, 9.0), offset_px=(4, -3))
    assert set(moved) == {1}
    np.testing.assert_allclose(points[1], (7.0, 9.0), atol=1e-9)
    np.testing.assert_allclose(points[0], (2.0, 2.0))


def test_release_position_is_applied(scatter):
    """ipympl may deliver the last throttled move after the release: the release itself places the point."""
    fig, ax, points, line = scatter
    released = []
    DragPoints(ax, lambda: points, lambda i, x, y: points.__setitem__(i, (x, y)),
               on_release=released.append)
    fig.canvas.draw()
    x0, y0 = ax.transData.transform((8.0, 3.0))
    x1, y1 = ax.transData.transform((6.5, 7.5))
    for name, (x, y), button in (("button_press_event", (x0, y0), MouseButton.LEFT),
                                 ("button_release_event", (x1, y1), MouseButton.LEFT)):
        fig.canvas.callbacks.process(name, MouseEvent(name, fig.canvas, x, y, button=button))
    np.testing.assert_allclose(points[2], (6.5, 7.5), atol=1e-9)
    assert released == [2]


def test_press_far_from_every_point_drags_nothing(scatter):
    fig, ax, points, line = scatter
    original = points.copy()
    DragPoints(ax, lambda: points, lambda i, x, y: points.__setitem__(i, (x, y)), radius_px=5)
    drag(ax, (5.0, 8.0), (1.0, 1.0))
    np.testing.assert_array_equal(points, original)


def test_error_in_drag_callback_is_shown_and_widget_keeps_working(scatter):
    fig, ax, points, line = scatter
    messages = MessageArea()
    calls = []

    def on_drag(i, x, y):
        calls.append(x)
        if len(calls) == 2:
            raise ValueError("x went somewhere odd")
        points[i] = (x, y)

    DragPoints(ax, lambda: points, on_drag, messages=messages)
    drag(ax, (2.0, 2.0), (4.0, 2.0), steps=1)  # press, move (fails), release
    assert "ValueError" in messages.text and "x went somewhere odd" in messages.text
    drag(ax, (4.0, 2.0), (6.0, 2.0), steps=3)  # the release put it at (4, 2); drag it on
    assert messages.text == ""
    np.testing.assert_allclose(points[0], (6.0, 2.0), atol=1e-9)


def test_guard_reports_error_type_and_message():
    messages = MessageArea()
    out = messages.guard(lambda: 1 / 0)()
    assert out is None
    assert isinstance(messages.last_error, ZeroDivisionError)
    assert messages.text.startswith("ZeroDivisionError")
    other = messages.guard(lambda: None)
    other()
    assert messages.text.startswith("ZeroDivisionError"), "another callback must not hide the error"
    flaky_calls = []

    def flaky():
        flaky_calls.append(1)
        if len(flaky_calls) == 1:
            raise KeyError("first time")

    guarded = messages.guard(flaky)
    guarded()
    assert "KeyError" in messages.text
    guarded()
    assert messages.text == "" and messages.last_error is None


def test_course_widget_bundle_has_widget_view_and_png(scatter):
    fig, ax, points, line = scatter
    messages = MessageArea()
    box = widgets.VBox([widgets.HTML("figure"), messages.widget])
    cw = CourseWidget(box, figures=[fig], controls={}, messages=messages, update=lambda: None)
    bundle = cw._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    png = base64.b64decode(bundle["image/png"])
    assert png.startswith(b"\x89PNG")
    assert cw.fig is fig
