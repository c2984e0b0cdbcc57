"""01_norm in real JupyterLab + Chromium: drag the vector's tip, every slider by mouse and by keys,
the scenes, and one exercise of each kind answered wrongly and then rightly.

Expected numbers are computed here with numpy from the values the sliders show.
Screenshots of each widget before and after go to artifacts/screens/01/.
"""

import re

import numpy as np
import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/01_norm.ipynb"
SCREENS = lab.REPO / "artifacts" / "screens" / "01"
EXPLORER = "course-01-norm-explorer"
NDIM = "course-01-ndim-explorer"


def shot(page, css_class, name):
    """Screenshot of the widget once its figure has stopped changing."""
    lab.widget_screenshot(page, css_class, SCREENS / f"{name}.png", still=True)


def readout(page):
    return lab.text_of(lab.find_widget(page, "course-01-readout"))


def vector(page):
    """The vector the x1, x2 sliders show (their readouts have one decimal)."""
    values = [lab.slider_value(page, ".course-01-x1"), lab.slider_value(page, ".course-01-x2")]
    return np.round(values, 1) + 0.0


def current_p(text):
    match = re.search(r"p = ([\d.]+|∞):", text)
    assert match, text
    return np.inf if match.group(1) == "∞" else float(match.group(1))


def assert_readout_matches(page, expect=None):
    return lab.eventually(page, lambda: readout_matches(page), expect)


def readout_matches(page):
    """The readout shows the norms of the vector the sliders show, for the p it names."""
    x = vector(page)
    text = readout(page)
    p = current_p(text)
    size_p = np.abs(x).max() if np.isinf(p) else np.sum(np.abs(x) ** p) ** (1 / p)
    assert lab.value_after("L1", text) == pytest.approx(np.abs(x).sum(), abs=0.00501), text
    assert lab.value_after("L2", text) == pytest.approx(np.linalg.norm(x), abs=0.00501), text
    assert lab.value_after("Lp", text) == pytest.approx(size_p, abs=0.00501), text
    assert lab.value_after("L∞", text) == pytest.approx(np.abs(x).max(), abs=0.00501), text
    assert lab.value_after("L0", text) == np.count_nonzero(x), text
    assert ("triangle inequality fails" in text) == (p < 1), text
    return x, p, text


def tip_fraction(x):
    """Where the point x sits in the explorer's canvas, as fractions from the top-left corner."""
    from helpers.plots import set_style
    from helpers.plots.norm import VectorNormFigure

    set_style()
    plot = VectorNormFigure((3.0, 4.0), 2.0, limit=5.0)
    return lab.canvas_fraction(plot.fig, plot.ax_vec, x)


def test_01_runs_and_renders_every_widget(notebook):
    page = notebook(NOTEBOOK)
    assert lab.cell_errors(page) == []
    counts = lab.widget_counts(page)
    assert counts["figures"] >= 2 and counts["sliders"] >= 4, counts
    for css in (EXPLORER, NDIM, "course-01-p", "course-01-x1", "course-01-x2", "course-01-k",
                "course-01-readout", "course-01-ndim-readout", "course-scoreboard"):
        assert lab.find_widget(page, css).count() == 1, css
    assert page.locator(".course-exercise").count() == 8
    assert "0 of 8" in lab.scoreboard_text(page)
    x, p, text = assert_readout_matches(page)
    np.testing.assert_allclose(x, [3.0, 4.0])
    assert p == 2 and lab.value_after("L2", text) == 5.0 and lab.value_after("L1", text) == 7.0
    lab.screenshot_widget_outputs(page, SCREENS / "outputs")


def test_01_drag_the_tip(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    shot(page, EXPLORER, "explorer-start")
    before = lab.canvas_png_hash(explorer)
    lab.canvas_drag(page, explorer, tip_fraction((3.0, 4.0)), tip_fraction((-2.0, 1.0)), steps=12)
    x, p, text = assert_readout_matches(
        page, lambda x, p, text: np.testing.assert_allclose(x, [-2.0, 1.0], atol=0.15))
    assert lab.wait_canvas_change(page, explorer, before) != before
    shot(page, EXPLORER, "explorer-dragged")

    # Onto the x1 axis: one non-zero entry, L0 = 1 and L1 = L2 = L-infinity. Aimed at the axis
    # itself: x2 snaps to 0 within +-0.05 (about 1.5 px either side); an aim at 0.02 left less
    # than the 1 px that a mouse event's whole-pixel position can be off by.
    moved = lab.canvas_png_hash(explorer)
    lab.canvas_drag(page, explorer, tip_fraction(x), tip_fraction((2.5, 0.0)), steps=8)
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_equal(x[1], 0.0))
    assert lab.value_after("L0", text) == 1
    assert lab.value_after("L1", text) == lab.value_after("L2", text) == lab.value_after("L∞", text)
    assert lab.wait_canvas_change(page, explorer, moved) != moved
    shot(page, EXPLORER, "explorer-on-axis")
    assert lab.cell_errors(page) == []


def test_01_p_slider_by_mouse_and_keys(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    before = lab.canvas_png_hash(explorer)
    lab.slider_keys(page, ".course-01-p", "ArrowRight", 1)
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_equal(p, 3))
    after = lab.wait_canvas_change(page, explorer, before)
    assert after != before

    lab.slider_drag(page, ".course-01-p", dx=-400)        # far left: p = 0.5
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_equal(p, 0.5))
    assert re.search(r"= 2\.00 < [^=]*= 4\.00", text), text   # 1 + 1 < (1 + 1)^2
    assert lab.wait_canvas_change(page, explorer, after) != after
    shot(page, EXPLORER, "explorer-p-0.5")

    lab.slider_drag(page, ".course-01-p", dx=400)         # far right: p = infinity
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_equal(p, np.inf))
    assert lab.value_after("Lp", text) == 4.0
    shot(page, EXPLORER, "explorer-p-inf")
    assert lab.cell_errors(page) == []


def test_01_coordinate_sliders_by_keys_and_mouse(notebook):
    page = notebook(NOTEBOOK)
    assert lab.slider_keys(page, ".course-01-x1", "ArrowLeft", 30) == pytest.approx(0.0, abs=1e-9)
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_equal(x[0], 0.0))
    assert lab.value_after("L0", text) == 1 and lab.value_after("L1", text) == 4.0
    lab.slider_drag(page, ".course-01-x2", dx=-60)
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_array_less(x[1], 4.0))
    assert lab.cell_errors(page) == []


def check_l0(box, k):
    text = lab.text_of(box)
    assert lab.value_after("L0", text) == k, text
    return text


def test_01_ndim_slider(notebook):
    page = notebook(NOTEBOOK)
    widget = lab.find_widget(page, NDIM)
    box = lab.find_widget(page, "course-01-ndim-readout")
    shot(page, NDIM, "ndim-start")
    before = lab.canvas_png_hash(widget)
    assert lab.slider_keys(page, ".course-01-k", "ArrowLeft", 9) == 3
    text = lab.eventually(page, lambda: check_l0(box, 3))
    l1, l2 = lab.value_after("L1", text), lab.value_after("L2", text)
    assert 1 <= l1 / l2 <= np.sqrt(3) + 1e-3
    assert lab.wait_canvas_change(page, widget, before) != before
    lab.slider_drag(page, ".course-01-k", dx=-300)
    text = lab.eventually(page, lambda: check_l0(box, 1))
    assert lab.value_after("L1", text) == lab.value_after("L2", text)
    shot(page, NDIM, "ndim-k1")
    assert lab.cell_errors(page) == []


# ---------------------------------------------------------------------------
# Issue 14: what a learner hit


def tip_on_screen(page, explorer, x):
    """Page coordinates (CSS px) of the data point x in the explorer's vector panel."""
    box = lab.event_canvas(explorer).bounding_box()
    fx, fy = tip_fraction(x)
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"]


def test_01_drag_released_outside_the_figure(notebook):
    """Issue 14 item 1: press on the tip, leave the figure, let go outside, come back with no
    button: the tip must not follow the cursor, and the sliders must match the figure."""
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    lab.event_canvas(explorer).scroll_into_view_if_needed()
    box = lab.event_canvas(explorer).bounding_box()
    mouse = page.mouse
    x0, y0 = tip_on_screen(page, explorer, (3.0, 4.0))
    x1, y1 = tip_on_screen(page, explorer, (1.0, 1.0))
    mouse.move(x0, y0)
    page.wait_for_timeout(60)
    mouse.down()
    for t in np.linspace(0, 1, 8)[1:]:
        mouse.move(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        page.wait_for_timeout(40)
    outside = (box["x"] - 40, y1)                       # left of the canvas: the cell's prompt
    for t in np.linspace(0, 1, 6)[1:]:
        mouse.move(x1 + t * (outside[0] - x1), y1)
        page.wait_for_timeout(40)
    mouse.up()                                           # released outside the figure
    page.wait_for_timeout(100)
    x, p, text = assert_readout_matches(page)
    left_at = x.copy()
    # Back over the figure with no button held, to the far corner (-3, -3).
    hover_to = tip_on_screen(page, explorer, (-3.0, -3.0))
    for t in np.linspace(0, 1, 10)[1:]:
        mouse.move(outside[0] + t * (hover_to[0] - outside[0]), outside[1] + t * (hover_to[1] - outside[1]))
        page.wait_for_timeout(40)
    still = lab.wait_canvas_still(page, explorer)
    x, p, text = assert_readout_matches(page)            # sliders and readout agree
    assert np.abs(x - left_at).max() < 0.15, (x, left_at)
    assert abs(lab.value_after("L1", text) - 6.0) > 0.2, text   # not the hover point (-3, -3)
    for _ in range(4):                                   # more hovering changes nothing
        mouse.move(hover_to[0] + 25, hover_to[1] - 25, steps=3)
        page.wait_for_timeout(60)
    lab.settle(page)
    assert lab.canvas_png_hash(explorer) == still
    # The next slider nudge moves the tip by one step from where the figure shows it.
    lab.slider_keys(page, ".course-01-x1", "ArrowRight", 1)
    x, p, text = assert_readout_matches(
        page, lambda x, p, text: np.testing.assert_allclose(x, left_at + [0.1, 0.0], atol=1e-9))
    assert lab.cell_errors(page) == []


def readout_columns(page):
    """Left edges (CSS px) of every cell of the readout table, row by row."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.course-01-norm-table tr')).map(
            tr => Array.from(tr.children).map(td => Math.round(td.getBoundingClientRect().left * 10) / 10))""")


def readout_height(page, css_class):
    return page.evaluate("(c) => document.querySelector('.' + c).getBoundingClientRect().height", css_class)


def ndim_columns(page):
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('.course-01-ndim-table td')).map(
            td => Math.round(td.getBoundingClientRect().left * 10) / 10)""")


def test_01_readout_columns_stay_put_when_p_changes(notebook):
    """Issue 14 item 13: the readout's columns must not jump sideways (nor the readout change
    height) as p moves, here measured on screen at every stop of the p slider."""
    page = notebook(NOTEBOOK)
    lab.find_widget(page, "course-01-readout").scroll_into_view_if_needed()
    before = readout_columns(page)
    height = readout_height(page, "course-01-readout")
    assert len(before) >= 5 and all(len(row) >= 3 for row in before), before
    seen = {}
    for key, presses in (("ArrowLeft", 5), ("ArrowRight", 10)):     # p = 0.5, then p = infinity
        for _ in range(presses):
            lab.slider_keys(page, ".course-01-p", key, 1)
            x, p, text = assert_readout_matches(page)
            seen[p] = (readout_columns(page), readout_height(page, "course-01-readout"))
    assert {0.5, 2.0, np.inf} <= set(seen), sorted(seen)
    for p, (columns, h) in seen.items():
        assert columns == before, f"p = {p}: columns {columns} != {before}"
        assert abs(h - height) < 0.5, f"p = {p}: the readout is {h} px high, {height} px at the start"
    # The same kind of bug in the n-dimensional readout: L0 = 12 -> 3 -> 1 must not move its columns.
    lab.find_widget(page, "course-01-ndim-readout").scroll_into_view_if_needed()
    start = ndim_columns(page)
    assert len(start) == 5, start
    for k in (9, 3, 1):
        lab.slider_keys(page, ".course-01-k", "ArrowLeft", {9: 3, 3: 6, 1: 2}[k])
        lab.eventually(page, lambda k=k: check_l0(lab.find_widget(page, "course-01-ndim-readout"), k))
        assert ndim_columns(page) == start, k


def test_01_tip_grabbed_just_outside_its_dot(notebook):
    """Issue 14 item 13: the grab radius is larger than the dot (13 pt = 18 px across)."""
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    lab.event_canvas(explorer).scroll_into_view_if_needed()
    x0, y0 = tip_on_screen(page, explorer, (3.0, 4.0))
    target = tip_on_screen(page, explorer, (-2.0, 2.0))
    start = (x0 + 8.0, y0 + 8.0)                         # 11 px from the centre: outside the dot
    page.mouse.move(*start)
    page.wait_for_timeout(60)
    page.mouse.down()
    for t in np.linspace(0, 1, 8)[1:]:
        page.mouse.move(start[0] + t * (target[0] - start[0]), start[1] + t * (target[1] - start[1]))
        page.wait_for_timeout(40)
    page.mouse.up()
    assert_readout_matches(page, lambda x, p, text: np.testing.assert_allclose(x, [-2.0, 2.0], atol=0.25))


# ---------------------------------------------------------------------------
# Scenes (issue 11) and exercises (issue 10)


def test_01_scene_sets_the_controls_and_the_figure(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    before = lab.canvas_png_hash(explorer)
    lab.click_scene(page, EXPLORER, "on an axis")
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_allclose(x, [4.0, 0.0]))
    assert lab.value_after("L0", text) == 1
    assert lab.value_after("L1", text) == lab.value_after("L2", text) == lab.value_after("L∞", text) == 4.0
    assert lab.wait_canvas_change(page, explorer, before) != before
    shot(page, EXPLORER, "scene-on-an-axis")
    lab.click_scene(page, EXPLORER, "p = ∞: square")
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_equal(p, np.inf))
    assert lab.slider_readout(page, ".course-01-p") == "∞"
    np.testing.assert_allclose(x, [4.0, 0.0])              # a scene of p leaves the vector alone
    # The learner drags on from the scene.
    moved = lab.canvas_png_hash(explorer)
    lab.canvas_drag(page, explorer, tip_fraction((4.0, 0.0)), tip_fraction((2.0, -2.0)), steps=10)
    assert_readout_matches(page, lambda x, p, text: np.testing.assert_allclose(x, [2.0, -2.0], atol=0.15))
    assert lab.wait_canvas_change(page, explorer, moved) != moved
    lab.click_scene(page, NDIM, "1 non-zero")
    text = lab.eventually(page, lambda: check_l0(lab.find_widget(page, "course-01-ndim-readout"), 1))
    assert lab.value_after("L1", text) == lab.value_after("L2", text)
    assert lab.slider_value(page, ".course-01-k") == 1


def test_01_exercises_of_each_kind(notebook):
    page = notebook(NOTEBOOK)
    assert "0 of 8" in lab.scoreboard_text(page)
    # Compute by hand: L-infinity of (2, -7, 5, -1).
    assert "Not answered yet" in lab.feedback_text(page, "linf-by-hand")
    lab.type_number(page, "linf-by-hand", "15")
    assert "L1 norm" in lab.click_check(page, "linf-by-hand")
    lab.type_number(page, "linf-by-hand", "7")
    assert lab.click_check(page, "linf-by-hand").startswith("✓ Right")
    lab.element_screenshot(lab.exercise(page, "linf-by-hand"), SCREENS / "exercise-compute-right.png")

    # Predict, then reveal: Check sets the explorer to p = 0.5.
    lab.pick_choice(page, "unit-ball-p-half", "the L1 diamond again")
    wrong = lab.click_check(page, "unit-ball-p-half")
    assert "✗" in wrong and "straight edges" in wrong
    x, p, text = assert_readout_matches(page, lambda x, p, text: np.testing.assert_equal(p, 0.5))
    assert "triangle inequality fails" in text
    lab.element_screenshot(lab.exercise(page, "unit-ball-p-half"), SCREENS / "exercise-predict-wrong.png")
    lab.pick_choice(page, "unit-ball-p-half", "a four-pointed star whose edges bend inward")
    assert lab.click_check(page, "unit-ball-p-half").startswith("✓ Right")
    shot(page, EXPLORER, "explorer-revealed-p-0.5")

    # Write the code: l1_norm, first without absolute values, then right.
    assert "Not answered yet" in lab.click_check(page, "write-l1-norm")
    lab.write_cell(page, "def l1_norm", "def l1_norm(x):\n    return float(sum(x))\n")
    wrong = lab.click_check(page, "write-l1-norm")
    assert "Case 1 (a negative entry)" in wrong and "returned -1" in wrong and "expected 7" in wrong, wrong
    lab.element_screenshot(lab.exercise(page, "write-l1-norm"), SCREENS / "exercise-code-wrong.png")
    lab.write_cell(page, "def l1_norm", "def l1_norm(x):\n    return float(np.sum(np.abs(x)))\n")
    assert lab.click_check(page, "write-l1-norm").startswith("✓ Right")
    assert "3 of 8" in lab.wait_contains(page, page.locator(".course-scoreboard"), "3 of 8")
    solution = lab.exercise(page, "write-l2-norm").locator(".course-solution")
    assert not solution.is_visible()
    lab.exercise(page, "write-l2-norm").locator(".course-solution-toggle").click()
    assert lab.wait_for(page, solution.is_visible, bool)
    lab.element_screenshot(page.locator(".course-scoreboard"), SCREENS / "scoreboard.png")
