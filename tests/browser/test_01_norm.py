"""01_norm in real JupyterLab + Chromium: drag the vector's tip, every slider by mouse and by keys.

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
                "course-01-readout", "course-01-ndim-readout"):
        assert lab.find_widget(page, css).count() == 1, css
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

    # Onto the x1 axis: one non-zero entry, L0 = 1 and L1 = L2 = L-infinity.
    moved = lab.canvas_png_hash(explorer)
    lab.canvas_drag(page, explorer, tip_fraction(x), tip_fraction((2.5, 0.02)), steps=8)
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
