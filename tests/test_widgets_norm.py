"""Widgets of 01_norm without a browser: drag the tip, move every slider, apply every scene,
check the plotted numbers.

References are numpy's own norms (and hand-written sums), never helpers.norms.
"""

import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.backend_bases import LocationEvent, MouseButton, MouseEvent

from helpers.plots import set_style
from helpers.plots.norm import P_STOPS
from helpers.widgets import CourseWidget, scene_problems
from helpers.widgets.norm import (
    GRAB_RADIUS_PX,
    NDIM_SCENES,
    NORM_SCENES,
    NDimExplorer,
    NormExplorer,
    build_ndim_explorer,
    build_norm_explorer,
    norm_readout,
)
from tests.mouse import drag, move, press


@pytest.fixture
def explorer():
    set_style()
    w = build_norm_explorer(x=(3.0, 2.0), p=2.0, limit=4.0)
    assert isinstance(w, NormExplorer) and isinstance(w, CourseWidget)
    w.fig.canvas.draw()
    yield w
    plt.close(w.fig)


def numbers_after(label: str, text: str) -> float:
    """The number printed right after e.g. 'L1 = ' in a readout."""
    match = re.search(re.escape(label) + r"\s*=\s*(-?[\d.]+)", text)
    assert match, f"{label!r} not found in {text!r}"
    return float(match.group(1))


def plain(html_text: str) -> str:
    return re.sub(r"<[^>]+>", " ", html_text)


def test_drag_tip_moves_paths_labels_sliders_and_readout(explorer):
    w = explorer
    drag(w.plot.ax_vec, (3.0, 2.0), (-1.5, 2.5), steps=6, offset_px=(3, -2))
    x = np.array([-1.5, 2.5])
    np.testing.assert_allclose(w.plot.x, x, atol=1e-12)
    np.testing.assert_allclose(np.asarray(w.plot.l1_path.get_data()), [[0, -1.5, -1.5], [0, 0, 2.5]])
    np.testing.assert_allclose(np.asarray(w.plot.l2_segment.get_data()), [[0, -1.5], [0, 2.5]])
    np.testing.assert_allclose(np.asarray(w.plot.tip.get_data()).ravel(), x)
    assert (w.controls["x1"].value, w.controls["x2"].value) == pytest.approx((-1.5, 2.5))
    assert w.plot.l1_text.get_text() == f"L1 = {np.linalg.norm(x, 1):.2f}"
    assert w.plot.l2_text.get_text() == f"L2 = {np.linalg.norm(x):.2f}"
    text = plain(w.readout.value)
    assert numbers_after("L1", text) == pytest.approx(np.linalg.norm(x, 1), abs=0.00501)
    assert numbers_after("L2", text) == pytest.approx(np.linalg.norm(x), abs=0.00501)
    assert numbers_after("L∞", text) == pytest.approx(np.abs(x).max(), abs=0.00501)
    assert numbers_after("L0", text) == 2
    # The dashed curve through the tip has the tip's L2 size everywhere (p = 2: a circle).
    level = np.asarray(w.plot.lp_level.get_data())
    np.testing.assert_allclose(np.linalg.norm(level, axis=0), np.linalg.norm(x), rtol=1e-9)
    assert w.messages.text == ""


def test_drag_snaps_onto_an_axis_and_l0_drops_to_one(explorer):
    w = explorer
    drag(w.plot.ax_vec, (3.0, 2.0), (2.5, 0.03), steps=4)
    np.testing.assert_allclose(w.plot.x, [2.5, 0.0], atol=1e-12)
    text = plain(w.readout.value)
    assert numbers_after("L0", text) == 1
    # One non-zero entry: L1 = L2 = L-infinity.
    assert numbers_after("L1", text) == numbers_after("L2", text) == numbers_after("L∞", text) == 2.5


def send(w, name, point, button=None):
    """One mouse event at ``point`` (data coordinates of the vector panel); a move between a
    press and a release carries the held left button."""
    canvas = w.fig.canvas
    x, y = w.plot.ax_vec.transData.transform(point)
    if name == "motion_notify_event":
        event = MouseEvent(name, canvas, x, y, buttons={MouseButton.LEFT} if w.drag.active is not None else set())
    else:
        event = MouseEvent(name, canvas, x, y, button=button)
    canvas.callbacks.process(name, event)


def test_release_position_wins_when_the_last_move_arrives_late(explorer):
    """ipympl may deliver the last throttled move after the release: the release position counts."""
    w = explorer
    send(w, "button_press_event", (3.0, 2.0), MouseButton.LEFT)
    send(w, "motion_notify_event", (1.0, 1.0))
    send(w, "button_release_event", (-2.0, 1.5), MouseButton.LEFT)
    canvas = w.fig.canvas                                 # the late move, still marked as held: ignored
    x, y = w.plot.ax_vec.transData.transform((0.5, 0.5))
    canvas.callbacks.process("motion_notify_event", MouseEvent("motion_notify_event", canvas, x, y,
                                                               buttons={MouseButton.LEFT}))
    np.testing.assert_allclose(w.plot.x, [-2.0, 1.5], atol=1e-12)
    assert (w.controls["x1"].value, w.controls["x2"].value) == pytest.approx((-2.0, 1.5))


def test_slider_echo_during_a_drag_does_not_pull_the_tip_back(explorer):
    """A frontend may send back an older slider value mid-drag; the mouse stays the truth."""
    w = explorer
    send(w, "button_press_event", (3.0, 2.0), MouseButton.LEFT)
    send(w, "motion_notify_event", (-1.0, -2.0))
    w.controls["x1"].value = 2.7                        # the late echo
    np.testing.assert_allclose(w.plot.x, [-1.0, -2.0], atol=1e-12)
    send(w, "button_release_event", (-1.0, -2.0), MouseButton.LEFT)
    assert (w.controls["x1"].value, w.controls["x2"].value) == pytest.approx((-1.0, -2.0))
    w.controls["x1"].value = 0.5                        # after the drag, sliders drive again
    np.testing.assert_allclose(w.plot.x, [0.5, -2.0], atol=1e-12)


def test_press_away_from_the_tip_moves_nothing(explorer):
    w = explorer
    drag(w.plot.ax_vec, (-3.0, -3.0), (1.0, 1.0))
    np.testing.assert_allclose(w.plot.x, [3.0, 2.0])


def test_drag_is_kept_inside_the_axes(explorer):
    w = explorer
    drag(w.plot.ax_vec, (3.0, 2.0), (3.99, -3.99), steps=3)
    assert np.all(np.abs(w.plot.x) <= 0.95 * 4.0 + 1e-12)


@pytest.mark.parametrize("p", P_STOPS, ids=lambda p: f"p{p:g}")
def test_p_slider_morphs_the_unit_ball(explorer, p):
    w = explorer
    w.controls["p"].value = p
    ball = np.asarray(w.plot.ball.get_data())
    np.testing.assert_allclose(np.linalg.norm(ball, ord=p, axis=0), 1.0, rtol=1e-9)
    x = np.array([3.0, 2.0])
    size = np.sum(np.abs(x) ** p) ** (1 / p) if np.isfinite(p) else np.abs(x).max()
    direction = np.asarray(w.plot.direction.get_data()).ravel()
    np.testing.assert_allclose(direction, x / size, rtol=1e-9)
    level = np.asarray(w.plot.lp_level.get_data())
    np.testing.assert_allclose(np.linalg.norm(level, ord=p, axis=0), size, rtol=1e-9)
    assert w.plot.p_text.get_text() == ("p = ∞" if np.isinf(p) else f"p = {p:g}")
    assert w.plot.chord.get_visible() == (p < 1)
    text = plain(w.readout.value)
    assert numbers_after("Lp", text) == pytest.approx(size, abs=0.00501)
    if p < 1:
        assert "triangle inequality fails" in text
        both = 2 ** (1 / p)  # ||e1 + e2||_p for the two unit vectors
        assert "= 2.00 &lt; " in w.readout.value and f"{both:.2f}" in text
    else:
        assert "triangle inequality fails" not in text


def test_reference_diamond_and_circle_stay_put(explorer):
    w = explorer
    lines = w.plot.ax_ball.get_lines()[2:4]  # after the two axis lines: diamond, circle
    before = [np.asarray(line.get_data()).copy() for line in lines]
    for p in P_STOPS:
        w.controls["p"].value = p
    for line, old in zip(lines, before):
        np.testing.assert_array_equal(np.asarray(line.get_data()), old)
    np.testing.assert_allclose(np.abs(before[0]).sum(axis=0), 1.0, rtol=1e-9)   # diamond
    np.testing.assert_allclose(np.hypot(*before[1]), 1.0, rtol=1e-9)           # circle


def test_coordinate_sliders_move_the_tip(explorer):
    w = explorer
    w.controls["x1"].value = -2.0
    w.controls["x2"].value = -3.0
    np.testing.assert_allclose(np.asarray(w.plot.tip.get_data()).ravel(), [-2.0, -3.0])
    assert numbers_after("L1", plain(w.readout.value)) == 5.0


def test_slider_float_dust_still_lands_exactly_on_an_axis(explorer):
    w = explorer
    dusty = -3.8 + 38 * 0.1         # min + k * step, as a slider frontend computes it: 4.4e-16
    assert dusty != 0.0
    w.controls["x1"].value = dusty
    assert w.plot.x[0] == 0.0
    assert numbers_after("L0", plain(w.readout.value)) == 1


def test_inequality_chain_in_the_readout(explorer):
    w = explorer
    w.set_vector((1.2, -3.1))
    x = np.array([1.2, -3.1])
    chain = plain(re.search(r'class="course-01-chain"[^>]*>(.*?)</div>', w.readout.value).group(1))
    values = [float(v) for v in re.findall(r"=\s*(-?[\d.]+)", chain)]
    expected = [np.abs(x).max(), np.linalg.norm(x), np.abs(x).sum(), np.sqrt(2) * np.linalg.norm(x)]
    np.testing.assert_allclose(values, expected, atol=0.005)
    assert "✗" not in w.readout.value and w.readout.value.count("✓") == 3


@pytest.mark.widget_error_expected
def test_bad_vector_shows_an_error_and_the_widget_keeps_working(explorer):
    w = explorer
    w.set_vector((float("nan"), 1.0))
    assert "ValueError" in w.messages.text and "NaN" in w.messages.text
    np.testing.assert_allclose(w.plot.x, [3.0, 2.0])
    w.set_vector((1.0, 1.0, 1.0))
    assert "2 entries" in w.messages.text
    w.set_vector((1.0, -1.0))
    assert w.messages.text == ""
    np.testing.assert_allclose(w.plot.x, [1.0, -1.0])
    drag(w.plot.ax_vec, (1.0, -1.0), (2.0, 2.0))
    np.testing.assert_allclose(w.plot.x, [2.0, 2.0], atol=1e-12)


def test_static_png_for_frontends_without_widgets(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "image/png" in bundle


def test_ndim_slider_keeps_the_k_largest_entries():
    set_style()
    w = build_ndim_explorer(n=12, seed=3)
    w.fig.canvas.draw()
    full = np.array([bar.get_height() for bar in w.plot.bars])
    assert np.count_nonzero(full) == 12
    for k in (1, 4, 7, 12):
        w.controls["k"].value = k
        heights = np.array([bar.get_height() for bar in w.plot.bars])
        keep = np.argsort(-np.abs(full))[:k]
        expected = np.zeros(12)
        expected[keep] = full[keep]
        np.testing.assert_array_equal(heights, expected)
        ratio = np.abs(expected).sum() / np.linalg.norm(expected)
        np.testing.assert_allclose(np.asarray(w.plot.current.get_data()).ravel(), [k, ratio])
        assert 1 - 1e-12 <= ratio <= np.sqrt(k) + 1e-12
        text = plain(w.readout.value)
        assert numbers_after("L0", text) == k
        assert numbers_after("L1", text) == pytest.approx(np.abs(expected).sum(), abs=5.001e-4)
    plt.close(w.fig)


@pytest.mark.widget_error_expected
def test_ndim_bad_k_shows_an_error_and_the_slider_still_works():
    set_style()
    w = build_ndim_explorer(n=8, seed=1)
    assert isinstance(w, NDimExplorer)
    w.k_slider.min = 0                      # a k the figure cannot show
    w.controls["k"].value = 0
    assert "ValueError" in w.messages.text and "k must be between 1 and n = 8" in w.messages.text
    w.controls["k"].value = 2
    assert w.messages.text == ""
    heights = np.array([bar.get_height() for bar in w.plot.bars])
    assert np.count_nonzero(heights) == 2
    assert w.state["k"] == 2
    plt.close(w.fig)


def test_ndim_rejects_a_bad_length():
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        build_ndim_explorer(n=1)


# ---------------------------------------------------------------------------
# Issue 14: what a learner hit


def leave(w):
    canvas = w.fig.canvas
    canvas.callbacks.process("figure_leave_event", LocationEvent("figure_leave_event", canvas, -30.0, 100.0))


def enter(w):
    canvas = w.fig.canvas
    canvas.callbacks.process("figure_enter_event", LocationEvent("figure_enter_event", canvas, 5.0, 100.0))


def test_drag_released_outside_the_figure_ends_the_drag(explorer):
    """Item 1: press on the tip, leave the figure, let go outside (no release event arrives),
    come back with no button: the tip must not follow, and the sliders must match the figure."""
    w = explorer
    press(w.plot.ax_vec, (3.0, 2.0))
    move(w.plot.ax_vec, (1.0, 1.0), held=True)
    assert (w.controls["x1"].value, w.controls["x2"].value) == (3.0, 2.0)   # sliders follow later
    leave(w)                                              # out of the figure, button still held
    assert (w.controls["x1"].value, w.controls["x2"].value) == pytest.approx((1.0, 1.0))
    move(w.plot.ax_vec, (1.5, 1.0), held=True)            # ipympl's throttled last move, after the leave
    assert (w.controls["x1"].value, w.controls["x2"].value) == pytest.approx((1.5, 1.0))
    move(w.plot.ax_vec, (1.0, 1.0), held=True)
    assert w.state["dragging"]
    # The button goes up outside: no release event. Then the mouse comes back.
    enter(w)
    move(w.plot.ax_vec, (-3.0, -3.0), held=False)         # back over the figure, button up
    move(w.plot.ax_vec, (-2.0, -3.5), held=False)
    np.testing.assert_allclose(w.plot.x, [1.0, 1.0], atol=1e-12)
    assert not w.state["dragging"]
    assert (w.controls["x1"].value, w.controls["x2"].value) == pytest.approx((1.0, 1.0))
    assert numbers_after("L1", plain(w.readout.value)) == pytest.approx(2.0)
    w.controls["x1"].value = 1.1                          # the next nudge moves from (1, 1)
    np.testing.assert_allclose(w.plot.x, [1.1, 1.0], atol=1e-12)


@pytest.mark.parametrize("ratio", [1, 2])
def test_tip_is_grabbed_anywhere_on_its_dot_and_just_outside(ratio):
    """Item 13: the grab radius is larger than the dot, also on a HiDPI screen (ratio 2), where
    ipympl doubles the figure's dpi and every distance in figure pixels."""
    set_style()
    w = build_norm_explorer(x=(3.0, 2.0), p=2.0, limit=4.0)
    w.fig.canvas._set_device_pixel_ratio(ratio)
    w.fig.canvas.draw()
    dot_radius = w.plot.tip.get_markersize() / 2 * w.fig.dpi / 72    # figure pixels
    assert GRAB_RADIUS_PX >= dot_radius + 2 * ratio
    press(w.plot.ax_vec, (3.0, 2.0), offset_px=(dot_radius + 2 * ratio, 0.0))   # 2 screen px outside
    assert w.drag.active == 0
    move(w.plot.ax_vec, (-1.0, 1.0), held=True)
    np.testing.assert_allclose(w.plot.x, [-1.0, 1.0], atol=1e-12)
    plt.close(w.fig)


def test_readout_columns_have_fixed_widths():
    """Item 13: the readout's table fixes its column widths, whatever p and the vector are (the
    browser test measures the columns on screen)."""
    widths = None
    for x, p in [((3.0, 4.0), 2.0), ((-3.8, 0.1), 0.5), ((0.0, 0.0), np.inf), ((1.2, -3.1), 1.25)]:
        html = norm_readout(x, p)
        assert "table-layout:fixed" in html
        found = re.findall(r'<col style="width:(\d+)px">', html)
        assert len(found) == 4
        widths = widths or found
        assert found == widths
        assert html.count('class="course-01-quasi"') == 1       # the last line is always there,
        assert "min-height:2.6em" in html                         # with room for two lines


def test_state_matches_figure_and_controls(explorer):
    w = explorer
    assert w.state == {"vector": (3.0, 2.0), "p": 2.0, "dragging": False}
    w.controls["p"].value = np.inf
    w.controls["x2"].value = -1.0
    assert w.state == {"vector": (3.0, -1.0), "p": np.inf, "dragging": False}
    np.testing.assert_allclose(np.asarray(w.plot.tip.get_data()).ravel(), w.state["vector"])


# ---------------------------------------------------------------------------
# Issue 9: the unit ball is the filled region ||v||_p <= 1; its edge is the unit sphere


@pytest.mark.parametrize("p", P_STOPS, ids=lambda p: f"p{p:g}")
def test_the_ball_is_filled_and_its_edge_has_size_one(explorer, p):
    w = explorer
    w.controls["p"].value = p
    edge = np.asarray(w.plot.ball.get_data())
    fill = w.plot.ball_fill.get_xy()
    np.testing.assert_allclose(fill[: edge.shape[1]], edge.T)
    assert "≤ 1" in w.plot.ax_ball.get_title()
    # Points of the filled region (shrunk copies of the edge) have size <= 1, outside > 1.
    size = np.linalg.norm(0.7 * edge, ord=p, axis=0)
    assert np.all(size <= 0.7 + 1e-9)
    assert np.all(np.linalg.norm(1.05 * edge, ord=p, axis=0) > 1.0)


# ---------------------------------------------------------------------------
# Scenes (issue 11)


def test_scenes_are_legal_for_the_notebook_widgets():
    set_style()
    w = build_norm_explorer()
    nd = build_ndim_explorer()
    assert w.scenes == NORM_SCENES and nd.scenes == NDIM_SCENES
    assert scene_problems(w) == [] and scene_problems(nd) == []
    assert scene_problems(build_ndim_explorer(n=5)) == []
    plt.close(w.fig)
    plt.close(nd.fig)


def numpy_sizes(x):
    x = np.asarray(x, dtype=float)
    return {"L1": np.sum(np.abs(x)), "L2": np.sqrt(np.sum(x * x)), "L∞": np.max(np.abs(x)),
            "L0": np.count_nonzero(x)}


def test_each_norm_scene_gives_what_its_label_promises():
    set_style()
    w = build_norm_explorer()
    w.fig.canvas.draw()
    w.apply_scene("on an axis")
    sizes = numpy_sizes(w.state["vector"])
    assert sizes["L0"] == 1 and sizes["L1"] == sizes["L2"] == sizes["L∞"] > 0
    text = plain(w.readout.value)
    assert numbers_after("L1", text) == numbers_after("L2", text) == numbers_after("L∞", text)

    w.apply_scene("on a diagonal")
    x = np.array(w.state["vector"])
    assert abs(x[0]) == abs(x[1]) > 0
    sizes = numpy_sizes(x)
    assert sizes["L1"] == pytest.approx(np.sqrt(2) * sizes["L2"], rel=1e-12)
    # What is largest on a diagonal is the RATIO L1/L2 (|cos t| + |sin t| <= sqrt 2 on a fine grid of
    # directions), not the gap L1 - L2: (3, 3) has gap 6 - sqrt 18 = 1.757 < 2 = 7 - 5 for (3, 4).
    t = np.linspace(0.0, 2 * np.pi, 100_001)
    assert np.max(np.abs(np.cos(t)) + np.abs(np.sin(t))) <= np.sqrt(2) * (1 + 1e-15)
    assert sizes["L1"] / sizes["L2"] >= np.max(np.abs(np.cos(t)) + np.abs(np.sin(t))) * (1 - 1e-15)
    assert sizes["L1"] - sizes["L2"] < numpy_sizes((3.0, 4.0))["L1"] - numpy_sizes((3.0, 4.0))["L2"]
    note = next(s.note for s in w.scenes if s.label == "on a diagonal")
    assert "ratio" in note and "gap" not in note

    w.apply_scene("p = 1: diamond")
    edge = np.asarray(w.plot.ball.get_data())
    np.testing.assert_allclose(np.abs(edge).sum(axis=0), 1.0, rtol=1e-9)
    corners = {tuple(v) for v in edge.T}
    assert {(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)} <= corners

    w.apply_scene("p = 0.5: not a norm")
    assert w.state["p"] == 0.5
    # Not a norm: the chord's midpoint (0.5, 0.5) between two points of the ball lies outside it.
    assert (0.5 ** 0.5 + 0.5 ** 0.5) ** 2 > 1
    assert w.plot.chord.get_visible()
    assert "triangle inequality fails" in plain(w.readout.value)

    w.apply_scene("p = ∞: square")
    edge = np.asarray(w.plot.ball.get_data())
    np.testing.assert_allclose(np.abs(edge).max(axis=0), 1.0, rtol=1e-12)
    assert {(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)} <= {tuple(v) for v in edge.T}
    assert not w.plot.chord.get_visible()

    w.apply_scene("x = (3, 4)")
    assert w.state == {"vector": (3.0, 4.0), "p": 2.0, "dragging": False}
    text = plain(w.readout.value)
    assert (numbers_after("L1", text), numbers_after("L2", text), numbers_after("L∞", text)) == (7.0, 5.0, 4.0)
    # The learner can drag on from a scene.
    drag(w.plot.ax_vec, (3.0, 4.0), (2.0, -1.0))
    assert w.state["vector"] == (2.0, -1.0)
    assert (w.controls["x1"].value, w.controls["x2"].value) == pytest.approx((2.0, -1.0))
    plt.close(w.fig)


def test_each_ndim_scene_gives_what_its_label_promises():
    set_style()
    w = build_ndim_explorer(n=12, seed=0)
    for label, k in (("all 12 non-zero", 12), ("3 non-zero", 3), ("1 non-zero", 1)):
        w.apply_scene(label)
        v = np.array(w.state["vector"])
        assert np.count_nonzero(v) == k
        ratio = np.sum(np.abs(v)) / np.sqrt(np.sum(v * v))
        assert w.state["ratio"] == pytest.approx(ratio, rel=1e-12)
        assert 1 - 1e-12 <= ratio <= np.sqrt(k) + 1e-12
        if k == 1:
            assert ratio == pytest.approx(1.0, rel=1e-15)
        if k == 12:
            assert ratio > 2.0          # spread out: far above 1
    plt.close(w.fig)
