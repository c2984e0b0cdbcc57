"""04_weight_decay in real JupyterLab + Chromium: every slider by mouse and by keys, a slider and
its result on screen together at 1400x1000, the scenes, and one exercise of each kind.

Screenshots of each widget before and after go to artifacts/screens/04/.
"""

import re

import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/04_weight_decay.ipynb"
SCREENS = lab.REPO / "artifacts" / "screens" / "04"
EXPLORER = "course-04-trajectory-explorer"
OVERFIT = "course-04-overfitting-explorer"
STEP = {"alpha": 0.1, "lam": 0.1, "eta": 0.05}  # the sliders' steps (helpers.widgets.weight_decay)


def shot(page, css_class, name):
    lab.widget_screenshot(page, css_class, SCREENS / f"{name}.png")


def shown(page, selector):
    """The value a slider's readout shows (aria-valuenow may be rounded to one decimal)."""
    return float(lab.slider_readout(page, selector))


def readout(page):
    return lab.find_widget(page, "course-04-readout")


def expected_readout_bits(page):
    """What the readout must say for the sliders' current values (computed here)."""
    eta = shown(page, ".course-04-eta")
    lam = shown(page, ".course-04-lam")
    alpha = shown(page, ".course-04-alpha")
    return [f"λ = {lam:.2f}", f"α = {alpha:.2f}", f"1 − 2ηλ = {1 - 2 * eta * lam:.3f}",
            f"ηα = {eta * alpha:.3f}"]


def wait_readout(page, timeout=5.0):
    """Wait until the readout matches the sliders; return its text."""
    return lab.wait_for(page, lambda: lab.text_of(readout(page)),
                        lambda text: all(bit in text for bit in expected_readout_bits(page)), timeout)


def test_04_runs_and_renders_every_widget(notebook):
    page = notebook(NOTEBOOK)
    assert lab.cell_errors(page) == []
    counts = lab.widget_counts(page)
    assert counts["figures"] >= 3          # trajectories, overfitting, SGD vs Adam
    assert counts["sliders"] >= 4          # alpha, lambda, eta, overfitting lambda
    assert page.locator(".course-exercise").count() == 8
    assert "0 of 8" in lab.scoreboard_text(page)
    for css in (EXPLORER, OVERFIT, "course-04-alpha", "course-04-lam", "course-04-eta",
                "course-04-overfit-lam"):
        assert lab.find_widget(page, css).count() == 1, css
    text = wait_readout(page)
    assert all(bit in text for bit in expected_readout_bits(page))
    SCREENS.mkdir(parents=True, exist_ok=True)
    lab.screenshot_widget_outputs(page, SCREENS / "outputs")


def test_04_trajectory_sliders_by_mouse_and_keys(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    shot(page, EXPLORER, "trajectory-start")
    for name, dx in (("lam", 60), ("alpha", 50), ("eta", 30)):
        selector = f".course-04-{name}"
        before_value = shown(page, selector)
        before = lab.canvas_png_hash(explorer)
        lab.slider_drag(page, selector, dx=dx)
        lab.settle(page)
        value = shown(page, selector)
        assert value > before_value, f"dragging {name} did not move it"
        text = wait_readout(page)
        assert all(bit in text for bit in expected_readout_bits(page)), (name, text)
        after = lab.wait_canvas_change(page, explorer, before)
        assert after != before, f"moving {name} did not change the picture"

        lab.slider_keys(page, selector, "ArrowLeft", 2)
        lab.settle(page)
        assert shown(page, selector) == pytest.approx(value - 2 * STEP[name])
        text = wait_readout(page)
        assert all(bit in text for bit in expected_readout_bits(page)), (name, text)
        assert lab.wait_canvas_change(page, explorer, after) != after
    shot(page, EXPLORER, "trajectory-moved")
    assert lab.cell_errors(page) == []


def test_04_divergence_and_sign_flip_are_shown(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    message = explorer.locator(".course-message")
    # lambda 0.5 -> 1.0 and eta 0.1 -> 0.6: beyond the stable rate 2/(3 + 2) = 0.4.
    lab.slider_keys(page, ".course-04-lam", "ArrowRight", 5)
    lab.slider_keys(page, ".course-04-eta", "ArrowRight", 10)
    lab.settle(page)
    assert (shown(page, ".course-04-lam"), shown(page, ".course-04-eta")) == pytest.approx((1.0, 0.6))
    wait_readout(page)
    text = lab.wait_text_change(page, message, "")
    assert re.search(r"L2 run diverged at step \d+: η = 0.60 is beyond the stable rate 0.400", text), text
    shot(page, EXPLORER, "trajectory-diverged")

    # eta 0.2, lambda 3: a negative shrink factor, yet stable (eta < 2/(3 + 6)).
    lab.slider_keys(page, ".course-04-eta", "ArrowLeft", 8)
    lab.slider_keys(page, ".course-04-lam", "ArrowRight", 20)
    lab.settle(page)
    assert (shown(page, ".course-04-lam"), shown(page, ".course-04-eta")) == pytest.approx((3.0, 0.2))
    text = wait_readout(page)
    assert "1 − 2ηλ = -0.200" in text and "flips the sign" in text
    assert lab.wait_text(page, message, "", timeout=3.0) == ""
    shot(page, EXPLORER, "trajectory-sign-flip")
    assert lab.cell_errors(page) == []


def overfit_lambda(page, timeout=5.0):
    """Wait until the readout's λ agrees with the slider's; return (λ, readout text)."""
    text_box = lab.find_widget(page, "course-04-overfit-readout")

    def read():
        text = lab.text_of(text_box)
        return float(re.match(r"λ = ([0-9.e+-]+):", text).group(1)), text

    return lab.wait_for(page, read, lambda lam_text: lam_text[0] == pytest.approx(
        shown(page, ".course-04-overfit-lam"), rel=0.01), timeout)


def test_04_overfitting_slider_by_mouse_and_keys(notebook):
    page = notebook(NOTEBOOK)
    widget = lab.find_widget(page, OVERFIT)
    shot(page, OVERFIT, "overfitting-start")
    lam, text = overfit_lambda(page)
    assert text.startswith("λ = 0.001:") and lam == pytest.approx(1e-3)
    before = lab.canvas_png_hash(widget)
    lab.slider_drag(page, ".course-04-overfit-lam", dx=80)
    lab.settle(page)
    moved, moved_text = overfit_lambda(page)
    assert moved > 1e-3 and moved == pytest.approx(shown(page, ".course-04-overfit-lam"), rel=0.01)
    after = lab.wait_canvas_change(page, widget, before)
    assert after != before
    for presses in (1, 3):   # one key press, then three in a row: 10**0.1 per press
        lab.slider_keys(page, ".course-04-overfit-lam", "ArrowRight", presses)
        lab.settle(page)
        keyed, keyed_text = overfit_lambda(page)
        assert keyed == pytest.approx(shown(page, ".course-04-overfit-lam"), rel=0.01), keyed_text
        assert keyed == pytest.approx(moved * 10 ** (0.1 * presses), rel=0.02), (presses, keyed_text)
        assert "validation MSE" in keyed_text and "test" not in keyed_text
        moved = keyed
    assert lab.wait_canvas_change(page, widget, after) != after
    shot(page, OVERFIT, "overfitting-moved")
    assert lab.cell_errors(page) == []


# ---------------------------------------------------------------------------
# Issue 14 item 10: a slider and its result on screen together


def box(locator):
    b = locator.bounding_box()
    assert b is not None, "not rendered"
    return b


def test_04_sliders_readout_and_figure_fit_one_screen_at_1400x1000(notebook):
    page = notebook(NOTEBOOK)
    page.set_viewport_size({"width": 1400, "height": 1000})
    lab.settle(page)
    explorer = lab.find_widget(page, EXPLORER)
    # A learner scrolls the explorer into view once: its top at the top of the notebook panel.
    explorer.evaluate("e => e.scrollIntoView({block: 'start'})")
    lab.settle(page)
    whole = box(explorer)
    assert whole["height"] <= 1000 - 100, f"the trajectory explorer is {whole['height']:.0f} px tall"
    for name in ("alpha", "lam", "eta"):
        slider = explorer.locator(f".course-04-{name}").first
        before = lab.text_of(readout(page))
        lab.slider_keys(page, f".course-04-{name}", "ArrowRight", 1)
        lab.settle(page)
        wait_readout(page)
        assert lab.text_of(readout(page)) != before
        # The slider just moved, its readout and the whole figure are in the window, unscrolled.
        for what, part in (("slider", slider), ("readout", readout(page)),
                           ("figure", lab.image_canvas(explorer))):
            b = box(part)
            assert b["y"] >= 0 and b["y"] + b["height"] <= 1000, f"{what} off screen after moving {name}: {b}"
        lab.slider_keys(page, f".course-04-{name}", "ArrowLeft", 1)
        lab.settle(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "trajectory-1400x1000.png"))


# ---------------------------------------------------------------------------
# Scenes (issue 11) and exercises (issue 10)


def test_04_scenes_set_the_sliders_and_the_figure(notebook):
    page = notebook(NOTEBOOK)
    explorer = lab.find_widget(page, EXPLORER)
    message = explorer.locator(".course-message")
    before = lab.canvas_png_hash(explorer)
    lab.click_scene(page, EXPLORER, "beyond the stable η")
    lab.settle(page)
    assert (shown(page, ".course-04-lam"), shown(page, ".course-04-eta")) == pytest.approx((0.5, 0.6))
    wait_readout(page)
    text = lab.wait_contains(page, message, "L2 run diverged at step")
    assert re.search(r"L2 run diverged at step \d+: η = 0.60 is beyond the stable rate 0.500", text), text
    assert lab.wait_canvas_change(page, explorer, before) != before
    shot(page, EXPLORER, "scene-beyond-stable")

    # The state of issue 14 item 5: the L1 readout tells the truth about the run on screen.
    lab.click_scene(page, EXPLORER, "L1 at η = 0.6, α = 2")
    lab.settle(page)
    text = wait_readout(page)
    assert "does not settle" in text and "7.68 to 9.31 from the minimizer" in text, text
    assert "L1 run does not settle" in lab.wait_contains(page, message, "L1 run does not settle")
    shot(page, EXPLORER, "scene-l1-flails")
    # The learner moves on from a scene: one key press on eta.
    lab.slider_keys(page, ".course-04-eta", "ArrowLeft", 1)
    lab.settle(page)
    assert shown(page, ".course-04-eta") == pytest.approx(0.55)
    wait_readout(page)

    overfit = lab.find_widget(page, OVERFIT)
    before = lab.canvas_png_hash(overfit)
    lab.click_scene(page, OVERFIT, "λ = 100")
    # The readout and the slider agree before the scene's change arrives too: wait for λ = 100 itself.
    lam, text = lab.wait_for(page, lambda: overfit_lambda(page), lambda found: found[0] == pytest.approx(100.0), 10)
    assert lam == pytest.approx(100.0) and "validation MSE" in text
    assert lab.wait_canvas_change(page, overfit, before) != before
    shot(page, OVERFIT, "scene-lambda-100")
    assert lab.cell_errors(page) == []


def test_04_exercises_of_each_kind_wrong_then_right(notebook):
    page = notebook(NOTEBOOK)
    assert "0 of 8" in lab.scoreboard_text(page)
    # Compute by hand: one L1 step from w = 0 (sign(0) taken as 1, then right).
    key = "04-l1-step-by-hand"
    assert "Not answered yet" in lab.feedback_text(page, key)
    lab.type_number(page, key, "0.03")
    wrong = lab.click_check(page, key)
    assert "✗" in wrong and "sign(0) = 1" in wrong, wrong
    lab.element_screenshot(lab.exercise(page, key), SCREENS / "exercise-compute-wrong.png")
    lab.type_number(page, key, "0.08")
    assert lab.click_check(page, key).startswith("✓ Right")
    lab.element_screenshot(lab.exercise(page, key), SCREENS / "exercise-compute-right.png")

    # Predict, then reveal: Check sets the explorer to the chatter scene.
    key = "04-chatter"
    lab.pick_choice(page, key, "It reaches 0 exactly and stays there")
    wrong = lab.click_check(page, key)
    assert "✗" in wrong and "only by luck" in wrong, wrong
    lab.settle(page)
    assert (shown(page, ".course-04-alpha"), shown(page, ".course-04-eta")) == pytest.approx((2.0, 0.1))
    assert "does not settle" in wait_readout(page)
    lab.element_screenshot(lab.exercise(page, key), SCREENS / "exercise-predict-wrong.png")
    lab.pick_choice(page, key, "It saw-tooths mostly above 0: one big jump up, then smaller steps down, and again")
    assert lab.click_check(page, key).startswith("✓ Right")
    shot(page, EXPLORER, "explorer-revealed-chatter")

    # Write the code: l1_step with sign(0) taken as 1, then right.
    key = "04-write-l1-step"
    assert "Not answered yet" in lab.click_check(page, key)
    lab.write_cell(page, "def l1_step", "def l1_step(w, g, eta, alpha):\n"
                                        "    return w - eta * (g + alpha * np.where(w >= 0, 1.0, -1.0))\n")
    wrong = lab.click_check(page, key)
    assert "Case 2 (weights at exactly 0)" in wrong and "np.sign" in wrong, wrong
    lab.element_screenshot(lab.exercise(page, key), SCREENS / "exercise-code-wrong.png")
    lab.write_cell(page, "def l1_step", "def l1_step(w, g, eta, alpha):\n"
                                        "    return w - eta * (g + alpha * np.sign(w))\n")
    assert lab.click_check(page, key).startswith("✓ Right")
    assert "3 of 8" in lab.wait_contains(page, page.locator(".course-scoreboard"), "3 of 8")
    solution = lab.exercise(page, "04-ridge-alpha").locator(".course-solution")
    assert not solution.is_visible()
    lab.exercise(page, "04-ridge-alpha").locator(".course-solution-toggle").click()
    assert lab.wait_for(page, solution.is_visible, bool)
    lab.element_screenshot(page.locator(".course-scoreboard"), SCREENS / "scoreboard.png")
