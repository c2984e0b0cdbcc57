"""The browser-test infrastructure on its own small notebook (fixtures/smoke.ipynb).

The notebook has an IntSlider driving an ipympl line (classes smoke-slope,
smoke-slope-label, smoke-slider-demo) and a point dragged with the mouse
(smoke-point-label, smoke-point-demo).
"""

import re

import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

pytestmark = pytest.mark.browser

SMOKE = "fixtures/smoke.ipynb"

# The point figure is 4x4 in at 80 dpi with matplotlib's default subplot box
# (left 0.125, right 0.9, bottom 0.11, top 0.88) and axes 0..10 on both sides.
LEFT, RIGHT, BOTTOM, TOP = 0.125, 0.9, 0.11, 0.88


def data_to_frac(x, y):
    """Canvas fractions (from the top-left corner) of data point (x, y)."""
    return (LEFT + x / 10 * (RIGHT - LEFT), 1 - (BOTTOM + y / 10 * (TOP - BOTTOM)))


def test_smoke_runs_without_errors_and_renders_widgets(notebook):
    page = notebook(SMOKE)
    assert lab.cell_errors(page) == []
    counts = lab.widget_counts(page)
    assert counts["figures"] == 2
    assert counts["sliders"] == 2  # the slope slider and the faulty widget's slider
    assert lab.find_widget(page, "smoke-slider-demo").count() == 1


def test_slider_mouse_and_keys_change_label_and_canvas(notebook):
    page = notebook(SMOKE)
    demo = lab.find_widget(page, "smoke-slider-demo")
    label = lab.find_widget(page, "smoke-slope-label")
    assert lab.text_of(label) == "slope = 1"

    before = lab.canvas_png_hash(demo)
    value = int(lab.slider_drag(page, ".smoke-slope", dx=25))
    assert value > 1
    assert lab.wait_text(page, label, f"slope = {value}") == f"slope = {value}"
    after_drag = lab.wait_canvas_change(page, demo, before)
    assert after_drag != before

    keyed = int(lab.slider_keys(page, ".smoke-slope", "ArrowLeft", 3))
    assert keyed == value - 3
    assert lab.wait_text(page, label, f"slope = {keyed}") == f"slope = {keyed}"
    assert lab.wait_canvas_change(page, demo, after_drag) != after_drag
    assert lab.cell_errors(page) == []


def test_point_drag_moves_point(notebook):
    page = notebook(SMOKE)
    demo = lab.find_widget(page, "smoke-point-demo")
    label = lab.find_widget(page, "smoke-point-label")
    start = lab.text_of(label)
    assert start == "point = (5.00, 5.00)"

    before = lab.canvas_png_hash(demo)
    lab.canvas_drag(page, demo, data_to_frac(5, 5), data_to_frac(8, 2), steps=8)
    lab.settle(page)
    text = lab.text_of(label)
    x, y = map(float, re.findall(r"-?\d+\.\d+", text))
    assert x == pytest.approx(8, abs=0.3) and y == pytest.approx(2, abs=0.3)
    assert lab.wait_canvas_change(page, demo, before) != before
    assert lab.cell_errors(page) == []


@pytest.mark.widget_error_expected
def test_a_fault_injected_into_a_widget_callback_is_reported(notebook):
    """Break a callback on purpose: the red error line appears and cell_errors reports it."""
    page = notebook(SMOKE)
    assert lab.cell_errors(page) == []
    lab.click_scene(page, "smoke-faulty-widget", "x = 3")
    errors = lab.wait_for(page, lambda: lab.cell_errors(page), lambda found: bool(found))
    assert any("RuntimeError: injected fault at x = 3" in e for e in errors), errors
    lab.click_scene(page, "smoke-faulty-widget", "x = 1")  # the next good redraw clears it
    assert lab.wait_for(page, lambda: lab.cell_errors(page), lambda found: not found) == []


def test_exercises_of_each_kind_answered_by_typing_and_clicking(notebook):
    page = notebook(SMOKE)
    assert "0 of 3" in lab.scoreboard_text(page)
    assert "Not answered yet" in lab.feedback_text(page, "smoke-number")
    lab.pick_choice(page, "smoke-pick", "L2")
    assert "never longer" in lab.click_check(page, "smoke-pick")
    lab.pick_choice(page, "smoke-pick", "L1")
    assert lab.click_check(page, "smoke-pick").startswith("✓ Right")
    lab.type_number(page, "smoke-number", "9")
    assert "divide by n = 3" in lab.click_check(page, "smoke-number")
    lab.type_number(page, "smoke-number", "3")
    assert "Right" in lab.click_check(page, "smoke-number")
    assert "Not answered yet" in lab.click_check(page, "smoke-code")
    lab.write_cell(page, "def double", "def double(x):\n    return x + x + 1\n")
    wrong = lab.click_check(page, "smoke-code")
    assert "Case 1 (a number)" in wrong and "returned 4" in wrong and "expected 3" in wrong
    lab.write_cell(page, "def double", "def double(x):\n    return 2 * x\n")
    assert "Right" in lab.click_check(page, "smoke-code")
    assert "3 of 3" in lab.wait_contains(page, page.locator(".course-scoreboard"), "3 of 3")
    solution = lab.exercise(page, "smoke-code").locator(".course-solution")
    assert not solution.is_visible()
    lab.exercise(page, "smoke-code").locator(".course-solution-toggle").click()
    assert lab.wait_for(page, solution.is_visible, bool)
