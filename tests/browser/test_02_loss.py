"""02_loss in real JupyterLab + Chromium: drag predictions, every slider by mouse and by keys.

Expected numbers are computed here with numpy from the values the sliders show.
Screenshots of each widget before and after go to artifacts/screens/02/.
"""

import numpy as np
import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/02_loss.ipynb"
SCREENS = lab.REPO / "artifacts" / "screens" / "02"
EXPLORER = "course-02-loss-explorer"
CROSSING = "course-02-crossing-explorer"
TARGET = np.array([2.0, 3.5, 1.0, 4.0, 2.5])   # the notebook's y
PREDICTION = np.array([2.5, 3.0, 1.8, 6.0, 2.2])  # the notebook's y_hat
UNITS = {"25 cm": 0.25, "50 cm": 0.5, "1 m": 1.0, "2 m": 2.0}


def shot(page, css_class, name):
    """Screenshot of the widget once its figure has stopped changing."""
    lab.widget_screenshot(page, css_class, SCREENS / f"{name}.png", still=True)


def predictions(page):
    """The five predictions the sliders show (one decimal)."""
    values = [lab.slider_value(page, f".course-02-pred{i}") for i in range(1, 6)]
    return np.round(values, 1) + 0.0


def assert_losses_match(page, expect=None):
    return lab.eventually(page, lambda: losses_match(page), expect)


def losses_match(page):
    """The loss readout shows MAE, MSE, RMSE and both norms of d for the sliders' predictions."""
    pred = predictions(page)
    d = pred - TARGET
    text = lab.text_of(lab.find_widget(page, "course-02-readout"))
    tol = 5.001e-4
    assert lab.value_after("MAE", text) == pytest.approx(np.abs(d).mean(), abs=tol), text
    assert lab.value_after("MSE", text) == pytest.approx((d ** 2).mean(), abs=tol), text
    assert lab.value_after("RMSE", text) == pytest.approx(np.sqrt((d ** 2).mean()), abs=tol), text
    assert lab.value_after("‖d‖₁", text) == pytest.approx(np.abs(d).sum(), abs=tol), text
    assert lab.value_after("‖d‖₂", text) == pytest.approx(np.linalg.norm(d), abs=tol), text
    assert "✗" not in text and text.count("✓") == 5, text
    return pred, text


def point_fraction(index, value):
    """Where prediction ``index`` (1-based) at ``value`` sits in the canvas, as fractions."""
    from helpers.plots import set_style
    from helpers.plots.loss import ErrorBarsFigure

    set_style()
    plot = ErrorBarsFigure(TARGET, PREDICTION)
    return lab.canvas_fraction(plot.fig, plot.ax_pred, (index, value))


def crossing_text(page):
    return lab.text_of(lab.find_widget(page, "course-02-crossing-readout"))


def assert_crossing_matches(page, expect=None):
    return lab.eventually(page, lambda: crossing_matches(page), expect)


def crossing_matches(page):
    """|e|, e², Huber and the verdict match the e and unit sliders."""
    e = round(lab.slider_value(page, ".course-02-e"), 2) + 0.0
    unit_label = lab.slider_readout(page, ".course-02-unit")
    u = UNITS[unit_label]
    s = e / u
    huber = 0.5 * s * s if abs(s) <= 1 else abs(s) - 0.5
    text = crossing_text(page)
    tol = 5.001e-4
    assert lab.value_after("|e|", text) == pytest.approx(abs(s), abs=tol), text
    assert lab.value_after("e²", text) == pytest.approx(s * s, abs=tol), text
    assert lab.value_after("Huber", text) == pytest.approx(huber, abs=tol), text
    if abs(s) < 1:
        assert "shrinks" in text, text
    elif abs(s) > 1:
        assert "grows" in text, text
    return e, u, text


def test_02_runs_and_renders_every_widget(notebook):
    page = notebook(NOTEBOOK)
    assert lab.cell_errors(page) == []
    counts = lab.widget_counts(page)
    assert counts["figures"] >= 2 and counts["sliders"] >= 7, counts
    for css in (EXPLORER, CROSSING, "course-02-e", "course-02-unit", "course-02-readout",
                "course-02-crossing-readout", *[f"course-02-pred{i}" for i in range(1, 6)]):
        assert lab.find_widget(page, css).count() == 1, css
    pred, text = assert_losses_match(page)
    np.testing.assert_allclose(pred, PREDICTION)
    assert lab.value_after("MAE", text) == 0.82 and lab.value_after("MSE", text) == 1.046
    assert_crossing_matches(page)
    lab.screenshot_widget_outputs(page, SCREENS / "outputs")


def test_02_drag_a_prediction_onto_its_target(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    shot(page, EXPLORER, "losses-start")
    before = lab.canvas_png_hash(explorer)
    lab.canvas_drag(page, explorer, point_fraction(4, 6.0), point_fraction(4, 4.0), steps=10)
    pred, text = assert_losses_match(
        page, lambda pred, text: np.testing.assert_allclose(pred[3], 4.0, atol=0.15))
    np.testing.assert_allclose(np.delete(pred, 3), np.delete(PREDICTION, 3))
    assert lab.value_after("MSE", text) < 1.046 - 0.5       # the big squared bar is (nearly) gone
    assert lab.wait_canvas_change(page, explorer, before) != before
    shot(page, EXPLORER, "losses-dragged")
    assert lab.cell_errors(page) == []


def test_02_prediction_sliders_by_keys_and_mouse(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    before = lab.canvas_png_hash(explorer)
    assert lab.slider_keys(page, ".course-02-pred1", "ArrowRight", 5) == pytest.approx(3.0)
    pred, text = assert_losses_match(page, lambda pred, text: np.testing.assert_equal(pred[0], 3.0))
    after = lab.wait_canvas_change(page, explorer, before)
    assert after != before
    lab.slider_drag(page, ".course-02-pred3", dx=80)
    pred, text = assert_losses_match(
        page, lambda pred, text: np.testing.assert_array_less(1.8, pred[2]))
    assert lab.wait_canvas_change(page, explorer, after) != after
    shot(page, EXPLORER, "losses-sliders")
    assert lab.cell_errors(page) == []


def test_02_crossing_sliders(notebook):
    page = notebook(NOTEBOOK)
    widget = lab.find_widget(page, CROSSING)
    shot(page, CROSSING, "crossing-start")
    e, u, text = assert_crossing_matches(page)
    assert (e, u) == (0.5, 1.0) and "shrinks" in text
    before = lab.canvas_png_hash(widget)
    assert lab.slider_keys(page, ".course-02-e", "ArrowRight", 12) == pytest.approx(1.1)
    e, u, text = assert_crossing_matches(page, lambda e, u, text: np.testing.assert_equal(e, 1.1))
    assert "grows" in text
    after = lab.wait_canvas_change(page, widget, before)
    assert after != before
    shot(page, CROSSING, "crossing-e-1.1")
    # Half a metre again, now counted in units of 25 cm: the same error now grows when squared.
    lab.slider_keys(page, ".course-02-e", "ArrowLeft", 12)
    lab.slider_drag(page, ".course-02-unit", dx=-300)
    e, u, text = assert_crossing_matches(
        page, lambda e, u, text: np.testing.assert_equal((e, u), (0.5, 0.25)))
    assert "grows" in text and lab.value_after("e²", text) == 4.0
    assert lab.wait_canvas_change(page, widget, after) != after
    shot(page, CROSSING, "crossing-unit-25cm")
    assert lab.cell_errors(page) == []
