"""02_loss in real JupyterLab + Chromium: drag predictions (also out of the figure and back),
every slider by mouse and by keys, a scene button, and one exercise of each kind.

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


def test_02_release_outside_the_figure_ends_the_drag(notebook):
    """Issue 14 item 1: press on prediction 4, drag it, leave the figure and let go out there,
    come back over the figure with no button held: the point must not follow, and the
    sliders must agree with the figure (the readout is computed from the figure's points)."""
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    canvas = lab.event_canvas(explorer)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()

    def at(frac):
        return box["x"] + frac[0] * box["width"], box["y"] + frac[1] * box["height"]

    start, held = point_fraction(4, 6.0), point_fraction(4, 5.0)
    page.mouse.move(*at(start))
    page.wait_for_timeout(60)
    page.mouse.down()
    for k in range(1, 9):
        page.mouse.move(*at((start[0], start[1] + k / 8 * (held[1] - start[1]))))
        page.wait_for_timeout(45)
    pred, _ = assert_losses_match(page, lambda pred, text: np.testing.assert_allclose(pred[3], 5.0, atol=0.15))
    dragged_to = pred[3]
    # Out of the figure sideways (the point moves only up and down, so it stays at 5.0),
    # past the canvas's left edge, and let go out there.
    for k in range(1, 7):
        page.mouse.move(*at((held[0] - k / 6 * (held[0] + 0.08), held[1])))
        page.wait_for_timeout(45)
    page.mouse.up()
    page.wait_for_timeout(100)
    # Back over the left panel with no button held, down past the target.
    for y in (point_fraction(4, 3.0), point_fraction(4, 1.4), point_fraction(4, 0.5)):
        page.mouse.move(*at((held[0], y[1])), steps=4)
        page.wait_for_timeout(80)
    lab.kernel_idle_for(page, 0.4)
    pred, text = assert_losses_match(page)
    assert pred[3] == pytest.approx(dragged_to, abs=1e-9), "the point followed the cursor after the release"
    np.testing.assert_allclose(np.delete(pred, 3), np.delete(PREDICTION, 3))
    # The next slider nudge starts from where the figure and slider both are: no jump.
    assert lab.slider_keys(page, ".course-02-pred4", "ArrowRight", 1) == pytest.approx(dragged_to + 0.1)
    assert_losses_match(page, lambda pred, text: np.testing.assert_allclose(pred[3], dragged_to + 0.1, atol=1e-9))
    shot(page, EXPLORER, "losses-after-release-outside")


def test_02_scene_button_sets_the_controls_and_the_figure(notebook):
    page = notebook(NOTEBOOK)
    widget = lab.find_widget(page, CROSSING)
    before = lab.wait_canvas_still(page, widget)
    lab.click_scene(page, CROSSING, "1.5 m in 25 cm units")
    e, u, text = assert_crossing_matches(page, lambda e, u, text: np.testing.assert_equal((e, u), (1.5, 0.25)))
    assert lab.value_after("|e|", text) == 6.0 and lab.value_after("e²", text) == 36.0
    assert lab.value_after("Huber", text) == 5.5 and "grows" in text
    assert lab.wait_canvas_change(page, widget, before) != before
    shot(page, CROSSING, "crossing-scene-1.5m-25cm")
    # The learner moves on from the scene.
    lab.slider_keys(page, ".course-02-e", "ArrowLeft", 2)
    assert_crossing_matches(page, lambda e, u, text: np.testing.assert_equal((e, u), (1.4, 0.25)))


def test_02_exercises_of_each_kind_wrong_then_right(notebook):
    page = notebook(NOTEBOOK)
    assert "0 of 7" in lab.scoreboard_text(page)
    # Compute by hand: the sum of squares first (forgot to divide by n), then the MSE.
    key = "02-mse-by-hand"
    assert "Not answered yet" in lab.feedback_text(page, key)
    lab.type_number(page, key, "15")
    wrong = lab.click_check(page, key)
    assert wrong.startswith("✗") and "forgot to divide by n" in wrong, wrong
    lab.type_number(page, key, "3")
    assert lab.click_check(page, key).startswith("✓ Right")
    # Predict: "still shrinks" first; Check also sets the crossing explorer to the 25 cm scene.
    key = "02-crossing-unit"
    lab.pick_choice(page, key, "It still shrinks: half a metre is below 1.")
    wrong = lab.click_check(page, key)
    assert wrong.startswith("✗") and "depends on the unit" in wrong, wrong
    e, u, text = assert_crossing_matches(page, lambda e, u, text: np.testing.assert_equal((e, u), (0.5, 0.25)))
    assert "grows" in text
    lab.pick_choice(page, key, "It grows: the error is 2 units, and 2² = 4 > 2.")
    assert lab.click_check(page, key).startswith("✓ Right")
    # Write the code: a sum where a mean was asked, then the MSE.
    key = "02-write-mse"
    assert "Not answered yet" in lab.click_check(page, key)
    lab.write_cell(page, "def my_mse", "import numpy as np\n\ndef my_mse(pred, target):\n"
                   "    return np.sum((np.asarray(pred) - np.asarray(target)) ** 2)\n")
    wrong = lab.click_check(page, key)
    assert "Case 1 (this notebook's vectors)" in wrong and "returned 5.23" in wrong and "1.046" in wrong, wrong
    lab.write_cell(page, "def my_mse", "import numpy as np\n\ndef my_mse(pred, target):\n"
                   "    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)\n"
                   "    if pred.shape != target.shape:\n"
                   "        raise ValueError('lengths differ')\n"
                   "    return np.mean((pred - target) ** 2)\n")
    assert lab.click_check(page, key).startswith("✓ Right")
    assert "3 of 7" in lab.wait_contains(page, page.locator(".course-scoreboard"), "3 of 7")
    solution = lab.exercise(page, key).locator(".course-solution")
    assert not solution.is_visible()
    lab.exercise(page, key).locator(".course-solution-toggle").click()
    assert lab.wait_for(page, solution.is_visible, bool)
    lab.element_screenshot(lab.exercise(page, key), SCREENS / "exercise-code-right.png")
