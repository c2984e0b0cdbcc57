"""05_sparsity in real JupyterLab + Chromium: every slider by mouse and by keys, the drag (also
released outside the figure), the scenes, and one exercise of each kind answered wrongly, then rightly.

The numbers the notebook shows are checked against helpers' math run here (and numpy);
screenshots before and after go to artifacts/screens/05/.
"""

import functools
import re

import matplotlib
import numpy as np
import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/05_sparsity.ipynb"
SCREENS = lab.REPO / "artifacts" / "screens" / "05"
CHATTER, GEOMETRY, PATHS = "course-05-chatter", "course-05-geometry", "course-05-paths"
FIGURES = (CHATTER, GEOMETRY, PATHS, "course-05-experiment", "course-05-correlated", "course-05-priors")
SLIDERS = ("course-05-chatter-alpha", "course-05-chatter-eta", "course-05-geometry-budget",
           "course-05-geometry-rho", "course-05-geometry-c1", "course-05-geometry-c2", "course-05-path-l1",
           "course-05-path-l2")
N_EXERCISES = 9


def shot(page, css_class, name):
    lab.widget_screenshot(page, css_class, SCREENS / f"{name}.png", still=True)


def readout_value(page, css_class) -> float:
    """The number a slider shows next to it (what the learner reads)."""
    return float(lab.slider_readout(page, f".{css_class}").replace("\u2212", "-"))


def test_05_runs_and_renders_every_widget(notebook):
    page = notebook(NOTEBOOK)
    assert lab.cell_errors(page) == []
    counts = lab.widget_counts(page)
    assert counts["figures"] >= 6 and counts["sliders"] >= len(SLIDERS)
    for css in FIGURES + SLIDERS:
        assert lab.find_widget(page, css).count() == 1, css
    assert f"0 of {N_EXERCISES}" in lab.scoreboard_text(page)
    for css in FIGURES:
        lab.wait_drawn(page, css)
        shot(page, css, f"{css.removeprefix('course-05-')}-start")


# --------------------------------------------------------------------------- chatter


def _notebook_problem():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 3))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ np.array([2.0, -1.0, 0.0]) + 1.0 + 0.5 * rng.standard_normal(60)
    return X, y


def _expected_rows(eta, alpha):
    """Per rule: (exact zeros at the end, steps with w3 == 0.0, landing step or None), from helpers' math."""
    from helpers.descent import gradient_descent

    X, y = _notebook_problem()
    rows = {}
    for rule in ("subgradient", "clip", "proximal"):
        w = gradient_descent(X, y, lr=eta, steps=150, l1=alpha, l1_method=rule, w0=[0.0, 0.0, 1.0]).weights
        nonzero = np.flatnonzero(w[:, 2] != 0.0)
        landing = None if nonzero[-1] == 150 else int(nonzero[-1] + 1)
        rows[rule] = (int(np.count_nonzero(w[-1] == 0.0)), int(np.count_nonzero(w[1:, 2] == 0.0)), landing)
    return rows


def _chatter_matches(page):
    alpha = readout_value(page, "course-05-chatter-alpha")
    eta = readout_value(page, "course-05-chatter-eta")
    text = lab.text_of(lab.find_widget(page, "course-05-zero-counts"))
    assert f"η·α = {eta:g} × {alpha:g} = {eta * alpha:.4g}" in text, text
    for rule, (zeros, at_zero, landing) in _expected_rows(eta, alpha).items():
        line = next(line for line in text.splitlines() if line.split() and line.split()[0] == rule)
        assert f"{zeros} of 3" in line and f"{at_zero} of 150" in line, line
        assert ("never" if landing is None else f"step {landing}") in line, line
    return alpha, eta, text


def test_05_chatter_sliders_and_scene(notebook):
    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, CHATTER)
    shot(page, CHATTER, "chatter-before")
    alpha, eta, text = lab.eventually(page, lambda: _chatter_matches(page))
    assert (alpha, eta) == (0.5, 0.1) and "step 8" in text          # the default shows the landing
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-05-chatter-alpha", dx=90)
    alpha1, _, _ = lab.eventually(page, lambda: _chatter_matches(page))
    assert alpha1 > alpha
    moved = lab.wait_canvas_change(page, figure, before)
    lab.slider_keys(page, ".course-05-chatter-eta", "ArrowLeft", 2)
    _, eta1, _ = lab.eventually(page, lambda: _chatter_matches(page))
    assert eta1 == 0.02
    keyed = lab.wait_canvas_change(page, figure, moved)
    lab.click_scene(page, CHATTER, "slow landing")
    alpha2, eta2, text = lab.eventually(page, lambda: _chatter_matches(page))
    assert (alpha2, eta2) == (0.1, 0.02) and text.count("step 84") == 2
    lab.wait_canvas_change(page, figure, keyed)
    shot(page, CHATTER, "chatter-after")
    assert lab.cell_errors(page) == []


# --------------------------------------------------------------------------- geometry


def _geometry_numbers(page):
    """Readout text, L1 optimum, L2 optimum and least-squares point as shown (spans with classes)."""
    readout = lab.find_widget(page, "course-05-geometry-readout")

    def num(css):
        return float(lab.text_of(readout.locator(f".{css}")))

    center = [float(v) for v in lab.text_of(readout.locator(".course-05-center")).split(",")]
    return (lab.text_of(readout), np.array([num("course-05-l1-w1"), num("course-05-l1-w2")]),
            np.array([num("course-05-l2-w1"), num("course-05-l2-w2")]), np.array(center))


def _geometry_matches(page):
    """The readout's optima are those of the sliders' problem, and its point is the c1, c2 sliders'."""
    from helpers import constrained_optima as co

    text, w1, w2, center = _geometry_numbers(page)
    c = np.array([readout_value(page, "course-05-geometry-c1"), readout_value(page, "course-05-geometry-c2")])
    np.testing.assert_allclose(center, c, atol=1e-9)
    quad = co.quadratic_from_correlation(readout_value(page, "course-05-geometry-rho"), c)
    budget = readout_value(page, "course-05-geometry-budget")
    np.testing.assert_allclose(w1, co.constrained_optimum(quad, budget, "l1"), atol=6e-5)
    np.testing.assert_allclose(w2, co.constrained_optimum(quad, budget, "l2"), atol=6e-5)
    return text, w1, w2, center


GEOMETRY_KERNEL_VIEW = ("print({name: c.value for name, c in geo.controls.items()}, 'state', geo.state, "
                        "'syncing', geo._syncing, 'dragging', geo.dragging)")
"""What the kernel holds, printed when a geometry check fails (the page's values are in the error)."""


@functools.cache
def _geometry_plot():
    """The geometry figure built here (Agg) as the notebook builds it, once per test process."""
    matplotlib.use("Agg")
    from helpers.plots import set_style
    from helpers.plots.sparsity import GeometryFigure

    set_style()
    return GeometryFigure(limit=3.0)


def _frac(x, y):
    """Canvas fractions of a data point on the left panel, from the same figure built here."""
    plot = _geometry_plot()
    return lab.canvas_fraction(plot.fig, plot.axes[0], (x, y))


def test_05_geometry_sliders_drag_released_outside_and_scene(notebook):
    """Sliders, a drag of the least-squares point, and issue 14 item 1: press on the point, leave
    the figure, let go outside, come back with no button: the point stays, the sliders match it."""
    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, GEOMETRY)
    # JupyterLab 4.6 sends widget messages on a kernel subshell (a thread of its own) by default and
    # ipykernel 7.4 handles some on the main thread: a scene and a slider's redraw interleaved and left
    # the readout one budget behind (seen here, 1 run in about 5). The package makes JupyterLab send
    # them on the main shell, and the kernel handles them one at a time (helpers.kernel_threads).
    handlers = lab.kernel_eval(page, "k = get_ipython().kernel\nprint([getattr(k.shell_handlers[m], 'one_at_a_time', "
                                     "False) for m in ('comm_open', 'comm_msg', 'comm_close')])")
    assert handlers.strip() == "[True, True, True]", handlers
    shot(page, GEOMETRY, "geometry-before")
    text, w1, w2, center = lab.eventually(page, lambda: _geometry_matches(page))
    assert "w2 == 0.0" in text and w1[1] == 0.0 and np.all(w2 != 0)    # the corner at the start
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-05-geometry-budget", dx=60)
    lab.eventually(page, lambda: _geometry_matches(page), kernel_view=GEOMETRY_KERNEL_VIEW)
    moved = lab.wait_canvas_change(page, figure, before)
    lab.slider_keys(page, ".course-05-geometry-rho", "ArrowLeft", 10)
    assert lab.wait_text(page, page.locator(".course-05-geometry-rho .widget-readout"), "0.00")
    lab.eventually(page, lambda: _geometry_matches(page))
    keyed = lab.wait_canvas_change(page, figure, moved)
    # A drag that ends inside the figure.
    lab.canvas_drag(page, figure, _frac(2.0, 0.7), _frac(-1.5, 2.0), steps=10)
    _, _, _, center = lab.eventually(page, lambda: _geometry_matches(page))
    np.testing.assert_allclose(center, [-1.5, 2.0], atol=0.1)
    dragged = lab.wait_canvas_change(page, figure, keyed)
    # A drag released outside the figure.
    canvas = lab.event_canvas(figure)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()

    def at(point):
        fx, fy = _frac(*point)
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    mouse = page.mouse
    x0, y0 = at(center)
    x1, y1 = at((0.5, -1.0))
    mouse.move(x0, y0)
    page.wait_for_timeout(60)
    mouse.down()
    for t in np.linspace(0, 1, 8)[1:]:
        mouse.move(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        page.wait_for_timeout(40)
    outside = (box["x"] - 40, y1)
    for t in np.linspace(0, 1, 6)[1:]:
        mouse.move(x1 + t * (outside[0] - x1), y1)
        page.wait_for_timeout(40)
    mouse.up()                                                       # released outside the figure
    _, _, _, left_at = lab.eventually(page, lambda: _geometry_matches(page))
    hover_to = at((-2.5, -2.5))
    for t in np.linspace(0, 1, 10)[1:]:
        mouse.move(outside[0] + t * (hover_to[0] - outside[0]), outside[1] + t * (hover_to[1] - outside[1]))
        page.wait_for_timeout(40)
    lab.settle(page)
    _, _, _, center = lab.eventually(page, lambda: _geometry_matches(page))
    np.testing.assert_allclose(center, left_at, atol=1e-9)             # the point did not follow
    assert np.abs(center - [-2.5, -2.5]).max() > 1.0
    assert lab.wait_canvas_change(page, figure, dragged) != dragged
    # A scene sets every control.
    lab.click_scene(page, GEOMETRY, "on an edge")
    text, w1, _, center = lab.eventually(page, lambda: _geometry_matches(page), kernel_view=GEOMETRY_KERNEL_VIEW)
    np.testing.assert_allclose(center, [1.5, 1.3])
    np.testing.assert_allclose(w1, [0.6, 0.4], atol=1e-4)
    assert readout_value(page, "course-05-geometry-rho") == 0.0 and "no zero weight" in text
    # After Run All, drags, keys and a scene, the kernel never started a subshell thread: every widget
    # message came on the main shell (ipykernel names a subshell's thread "subshell-<id>").
    threads = lab.kernel_eval(page, "import threading\nprint([t.name for t in threading.enumerate()])")
    assert "subshell-" not in threads, f"widget messages went to a kernel subshell: {threads}"
    shot(page, GEOMETRY, "geometry-after")
    assert lab.cell_errors(page) == []


# --------------------------------------------------------------------------- paths


def _paths_match(page):
    from helpers import data, paths

    alpha = readout_value(page, "course-05-path-l1")
    lam = readout_value(page, "course-05-path-l2")
    text = lab.text_of(lab.find_widget(page, "course-05-path-readout"))
    shown_alpha = float(re.search(r"α = ([\d.e+-]+):", text).group(1))
    shown_lam = float(re.search(r"λ = ([\d.e+-]+):", text).group(1))
    assert shown_alpha == pytest.approx(alpha, rel=5e-3) and shown_lam == pytest.approx(lam, rel=5e-3), text
    ds = data.load_diabetes(standardize=True)
    coefs, _ = paths.lasso_path(ds.X, ds.y, [shown_alpha])
    nonzero = int(re.search(r"α = [\d.e+-]+: (\d+) non-zero", text).group(1))
    assert nonzero == np.count_nonzero(np.abs(coefs[0]) > 1e-9 * np.abs(coefs[0]).max(initial=1.0)), text
    return shown_alpha, shown_lam, nonzero, text


def test_05_path_sliders_run_the_same_way_as_the_axes(notebook):
    """Issue 14 item 8: moving the lasso slider right lowers alpha (the axis runs from strong to
    weak penalty), and features switch on, as the path reads left to right."""
    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, PATHS)
    shot(page, PATHS, "paths-before")
    alpha, lam, nonzero, _ = lab.eventually(page, lambda: _paths_match(page))
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-05-path-l1", dx=120)                 # to the right: weaker penalty
    alpha_right, _, nonzero_right, _ = lab.eventually(page, lambda: _paths_match(page))
    assert alpha_right < alpha and nonzero_right >= nonzero
    moved = lab.wait_canvas_change(page, figure, before)
    lab.slider_keys(page, ".course-05-path-l1", "ArrowLeft", 30)        # to the left: stronger
    alpha_left, _, nonzero_left, _ = lab.eventually(page, lambda: _paths_match(page))
    assert alpha_left > alpha_right and nonzero_left <= nonzero_right
    keyed = lab.wait_canvas_change(page, figure, moved)
    lab.slider_keys(page, ".course-05-path-l2", "ArrowRight", 10)
    _, lam_right, _, text = lab.eventually(page, lambda: _paths_match(page))
    assert lam_right < lam and "10 non-zero" in text.split("ridge")[1]
    scened = lab.wait_canvas_change(page, figure, keyed)
    lab.click_scene(page, PATHS, "a ridge crossing")
    _, lam, _, text = lab.eventually(page, lambda: _paths_match(page))
    assert lam == pytest.approx(0.794, abs=1e-3) and "smallest |coefficient|: s1" in text
    lab.wait_canvas_change(page, figure, scened)
    shot(page, PATHS, "paths-after")
    assert lab.cell_errors(page) == []


# --------------------------------------------------------------------------- exercises


def test_05_exercises_of_each_kind(notebook):
    page = notebook(NOTEBOOK)
    assert f"0 of {N_EXERCISES}" in lab.scoreboard_text(page)
    lab.element_screenshot(lab.exercise(page, "sklearn-lasso-alpha"), SCREENS / "exercise-compute-before.png")
    # Compute by hand: the scikit-learn alpha.
    lab.type_number(page, "sklearn-lasso-alpha", "0.6")
    assert "directly" in lab.click_check(page, "sklearn-lasso-alpha")
    lab.type_number(page, "sklearn-lasso-alpha", "0.3")
    assert lab.click_check(page, "sklearn-lasso-alpha").startswith("✓ Right")
    lab.element_screenshot(lab.exercise(page, "sklearn-lasso-alpha"), SCREENS / "exercise-compute-after.png")
    # Predict, then reveal: the answer sets the chatter explorer to the scene in question.
    lab.pick_choice(page, "chatter-exact-zero", "yes, every other step, as it crosses 0")
    wrong = lab.click_check(page, "chatter-exact-zero")
    assert wrong.startswith("✗") and "Crossing 0 is not landing on it" in wrong
    def revealed():
        assert (readout_value(page, "course-05-chatter-eta"), readout_value(page, "course-05-chatter-alpha")) \
            == (0.4, 1.0)
    lab.eventually(page, revealed)
    text = lab.text_of(lab.find_widget(page, "course-05-zero-counts"))
    sub = next(line for line in text.splitlines() if line.startswith("subgradient"))
    assert "0 of 150" in sub and "never" in sub
    lab.pick_choice(page, "chatter-exact-zero", "no: it keeps jumping across 0 and is never exactly 0.0")
    assert lab.click_check(page, "chatter-exact-zero").startswith("✓ Right")
    lab.element_screenshot(lab.exercise(page, "chatter-exact-zero"), SCREENS / "exercise-predict-after.png")
    # Write the code: soft_threshold, first without the clip at zero, then right.
    assert "Not answered yet" in lab.click_check(page, "write-soft-threshold")
    lab.write_cell(page, "def soft_threshold",
                   "def soft_threshold(v, t):\n    return np.sign(v) * (np.abs(v) - t)\n")
    wrong = lab.click_check(page, "write-soft-threshold")
    assert wrong.startswith("✗") and "(positive entries, some below t)" in wrong and "max(…, 0)" in wrong
    lab.write_cell(page, "def soft_threshold",
                   "def soft_threshold(v, t):\n    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)\n")
    assert lab.click_check(page, "write-soft-threshold").startswith("✓ Right")
    lab.element_screenshot(lab.exercise(page, "write-soft-threshold"), SCREENS / "exercise-code-after.png")
    assert f"3 of {N_EXERCISES}" in lab.wait_contains(page, page.locator(".course-scoreboard"),
                                                      f"3 of {N_EXERCISES}")
    lab.element_screenshot(page.locator(".course-scoreboard"), SCREENS / "scoreboard.png")
    assert lab.cell_errors(page) == []
