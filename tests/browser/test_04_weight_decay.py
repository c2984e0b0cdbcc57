"""04_weight_decay in real JupyterLab + Chromium: every slider, by mouse and by keys.

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
        assert "test MSE" in keyed_text
        moved = keyed
    assert lab.wait_canvas_change(page, widget, after) != after
    shot(page, OVERFIT, "overfitting-moved")
    assert lab.cell_errors(page) == []
