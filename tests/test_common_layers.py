"""The shared plot and widget plumbing: Blitter, MessageArea, DragPoints, CourseWidget."""

import base64

import ipywidgets as widgets
import numpy as np
import pytest
from matplotlib.backend_bases import MouseButton, MouseEvent

from helpers.plots import Blitter, new_figure, set_style
from helpers.widgets import CourseWidget, DragPoints, MessageArea, Scene, scene_problems
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


@pytest.mark.widget_error_expected
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


@pytest.mark.widget_error_expected
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


def test_a_move_with_no_button_held_ends_the_drag(scatter):
    """Released outside the figure, the browser sends no release: the next move without a button ends it."""
    from tests.mouse import move, move_px
    fig, ax, points, line = scatter
    released = []
    DragPoints(ax, lambda: points, lambda i, x, y: points.__setitem__(i, (x, y)),
               on_release=released.append)
    drag(ax, (5.0, 5.0), (6.0, 6.0), release=False)
    move_px(fig, -50, -50, held=True)           # out of the figure, button still down: nothing moves
    np.testing.assert_allclose(points[1], (6.0, 6.0), atol=1e-9)
    move(ax, (3.0, 8.0), held=False)            # back over the axes, button up: the drag is over
    assert released == [1]
    np.testing.assert_allclose(points[1], (6.0, 6.0), atol=1e-9)
    move(ax, (1.0, 9.0), held=False)            # and the point no longer follows the cursor
    np.testing.assert_allclose(points[1], (6.0, 6.0), atol=1e-9)
    assert released == [1]


def test_a_move_with_the_button_held_outside_and_back_keeps_dragging(scatter):
    from tests.mouse import move
    fig, ax, points, line = scatter
    DragPoints(ax, lambda: points, lambda i, x, y: points.__setitem__(i, (x, y)))
    drag(ax, (2.0, 2.0), (3.0, 3.0), release=False)
    move(ax, (4.0, 7.0), held=True)
    np.testing.assert_allclose(points[0], (4.0, 7.0), atol=1e-9)


@pytest.mark.widget_error_expected
def test_error_line_folds_the_traceback_under_type_and_message():
    messages = MessageArea()
    messages.guard(lambda: {}["missing"])()
    assert messages.text == "KeyError: 'missing'"
    assert "<details" in messages.widget.value and "Traceback (most recent call last)" in messages.widget.value


class _Demo(CourseWidget):
    """A small widget in the declared API: one slider, one readout, two scenes."""

    def __init__(self):
        self.slider = widgets.FloatSlider(value=1.0, min=0.0, max=2.0, step=0.5)
        self.choice = widgets.Dropdown(options=["a", "b"], value="a")
        readout = widgets.HTML()
        self.drawn = []
        super().__init__(widgets.VBox([self.slider, self.choice, readout]), controls={
            "x": self.slider, "pick": self.choice}, readout=readout,
            scenes=(Scene("x = 2, b", {"x": 2.0, "pick": "b"}), Scene("x = 0", {"x": 0.0})))
        self.slider.observe(lambda change: self.update(), names="value")

    def redraw(self):
        self.drawn.append(self.slider.value)
        if self.slider.value == 0.5:
            raise RuntimeError("injected fault at x = 0.5")
        self.readout.value = f"x = {self.slider.value}"


def test_scenes_set_only_the_controls_and_the_widget_updates_as_if_dragged():
    demo = _Demo()
    assert scene_problems(demo) == []
    bar = demo.layout.children[0]
    assert "course-scenes" in bar._dom_classes
    buttons = [b for b in bar.children if isinstance(b, widgets.Button)]
    assert [b.description for b in buttons] == ["x = 2, b", "x = 0"]
    buttons[0].click()
    assert demo.state == {"x": 2.0, "pick": "b"} and demo.readout.value == "x = 2.0"
    demo.slider.value = 1.5  # the learner drags on from the scene
    assert demo.readout.value == "x = 1.5"
    with pytest.raises(ValueError, match="no scene"):
        demo.apply_scene("nope")


def test_scene_problems_names_every_illegal_value():
    demo = _Demo()
    demo.scenes = (Scene("too far", {"x": 3.0}), Scene("between stops", {"x": 0.7}),
                   Scene("not an option", {"pick": "c"}), Scene("unknown", {"y": 1.0}))
    problems = " | ".join(scene_problems(demo))
    for part in ("outside [0.0, 2.0]", "not on a stop", "not one of its options", "no control named 'y'"):
        assert part in problems


@pytest.mark.widget_error_expected
def test_a_fault_injected_into_a_callback_is_shown_and_the_teardown_check_catches_it():
    from tests.conftest import shown_widget_errors
    demo = _Demo()
    demo.slider.value = 0.5
    assert "injected fault" in demo.messages.text
    assert shown_widget_errors([demo.messages]) == ["RuntimeError: injected fault at x = 0.5"]
    demo.slider.value = 1.0
    assert demo.messages.text == "" and shown_widget_errors([demo.messages]) == []


def test_grab_radius_is_in_screen_pixels_on_hidpi_screens(scatter):
    """At device pixel ratio 2 a press 20 screen px (40 figure px) from a point still grabs it."""
    fig, ax, points, line = scatter
    drag_points = DragPoints(ax, lambda: points, lambda i, x, y: None, radius_px=24)
    fig.canvas.draw()
    x, y = ax.transData.transform(points[1])
    assert drag_points.pick(x + 20, y) == 1
    fig.canvas._set_device_pixel_ratio(2)
    fig.canvas.draw()
    x, y = ax.transData.transform(points[1])
    assert drag_points.pick(x + 40, y) == 1, "20 screen px is 40 figure px at ratio 2"
    assert drag_points.pick(x + 60, y) is None
