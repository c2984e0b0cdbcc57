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
    assert counts["sliders"] == 1
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
