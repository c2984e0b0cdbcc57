"""05_sparsity in real JupyterLab + Chromium: every slider by mouse and by keys, the drag.

The numbers the notebook shows are checked against helpers' math run here;
screenshots before and after go to artifacts/screens/05/.
"""

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
           "course-05-geometry-rho", "course-05-path-l1", "course-05-path-l2")
# The grids the notebook passes to the widgets.
ALPHAS = np.round(np.arange(0.05, 1.0001, 0.05), 2)
ETAS = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]
L1_GRID = np.logspace(-2, 2, 81)
L2_GRID = np.logspace(-3, 3, 61)


def shot(page, css_class, name):
    lab.widget_screenshot(page, css_class, SCREENS / f"{name}.png")


def selection_value(page, css_class) -> str:
    """The readout text of a slider (a SelectionSlider's aria-valuenow is the index)."""
    return lab.slider_readout(page, f".{css_class}")


def test_05_runs_and_renders_every_widget(notebook):
    page = notebook(NOTEBOOK)
    assert lab.cell_errors(page) == []
    counts = lab.widget_counts(page)
    assert counts["figures"] >= 6 and counts["sliders"] >= 6
    for css in FIGURES + SLIDERS:
        assert lab.find_widget(page, css).count() == 1, css
    for css in FIGURES:
        lab.wait_drawn(page, css)
        shot(page, css, f"{css.removeprefix('course-05-')}-start")


def _check_chatter_readout(page):
    alpha = float(selection_value(page, "course-05-chatter-alpha"))
    eta = float(selection_value(page, "course-05-chatter-eta"))
    text = lab.wait_contains(page, lab.find_widget(page, "course-05-zero-counts"),
                         f"η·α = {eta:g} × {alpha:g} = {eta * alpha:.4g}")
    assert f"η·α = {eta:g} × {alpha:g} = {eta * alpha:.4g}" in text
    rows = {line.split()[0]: line for line in text.splitlines() if line.split()
            and line.split()[0] in ("subgradient", "clip", "proximal")}
    assert "0 of 3" in rows["subgradient"] and "0 of 150" in rows["subgradient"]
    assert "1 of 3" in rows["clip"] and "1 of 3" in rows["proximal"]
    amplitude = float(rows["subgradient"].split()[-1])
    assert 0.5 * eta * alpha < amplitude < 1.5 * eta * alpha   # chatter ~ eta * alpha
    return alpha, eta


def test_05_chatter_sliders_by_mouse_and_keys(notebook):
    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, CHATTER)
    shot(page, CHATTER, "chatter-before")
    alpha0, eta0 = _check_chatter_readout(page)
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-05-chatter-alpha", dx=90)
    lab.settle(page)
    alpha1, _ = _check_chatter_readout(page)
    assert alpha1 > alpha0
    after_alpha = lab.wait_canvas_change(page, figure, before)
    assert after_alpha != before
    lab.slider_keys(page, ".course-05-chatter-eta", "ArrowLeft", 3)
    lab.settle(page)
    _, eta1 = _check_chatter_readout(page)
    assert eta1 == ETAS[ETAS.index(eta0) - 3]
    assert lab.wait_canvas_change(page, figure, after_alpha) != after_alpha
    shot(page, CHATTER, "chatter-after")
    assert lab.cell_errors(page) == []


def _geometry_numbers(page):
    """Readout text, L1 optimum, L2 optimum and least-squares point as shown (spans with classes)."""
    readout = lab.find_widget(page, "course-05-geometry-readout")

    def num(css):
        return float(lab.text_of(readout.locator(f".{css}")))

    center = [float(v) for v in lab.text_of(readout.locator(".course-05-center")).split(",")]
    return (lab.text_of(readout), np.array([num("course-05-l1-w1"), num("course-05-l1-w2")]),
            np.array([num("course-05-l2-w1"), num("course-05-l2-w2")]), np.array(center))


def _expected_optima(page, center):
    from helpers import constrained_optima

    budget = float(selection_value(page, "course-05-geometry-budget"))  # the readout, not aria (rounded)
    rho = float(selection_value(page, "course-05-geometry-rho"))
    quad = constrained_optima.quadratic_from_correlation(rho, center)
    return (constrained_optima.constrained_optimum(quad, budget, "l1"),
            constrained_optima.constrained_optimum(quad, budget, "l2"))


def _wait_geometry(page, timeout=8.0):
    """Wait until the readout's optima match the sliders (computed here); return them."""
    for _ in range(int(timeout / 0.1)):
        text, w1, w2, center = _geometry_numbers(page)
        e1, e2 = _expected_optima(page, center)
        if np.allclose(w1, e1, atol=6e-4) and np.allclose(w2, e2, atol=6e-4):
            return text, w1, w2, center
        page.wait_for_timeout(100)
    raise AssertionError(f"geometry readout {text!r} does not match {e1}, {e2}")


def _axes_fractions():
    """Canvas fractions of data points on the left panel, from the same figure built here (Agg)."""
    matplotlib.use("Agg")
    from helpers.plots import set_style
    from helpers.plots.sparsity import GeometryFigure

    set_style()
    plot = GeometryFigure(limit=3.0)

    def frac(x, y):
        return lab.canvas_fraction(plot.fig, plot.axes[0], (x, y))

    return frac


def test_05_geometry_sliders_and_drag(notebook):
    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, GEOMETRY)
    shot(page, GEOMETRY, "geometry-before")
    text, w1, w2, center = _wait_geometry(page)
    assert "w2 == 0.0" in text and w1[1] == 0.0 and np.all(w2 != 0)    # the corner at start
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-05-geometry-budget", dx=60)
    budget = page.locator(".course-05-geometry-budget .widget-readout")
    assert float(lab.wait_text_change(page, budget, "1.00")) > 1.0
    _wait_geometry(page)
    moved = lab.wait_canvas_change(page, figure, before)
    assert moved != before
    lab.slider_keys(page, ".course-05-geometry-rho", "ArrowLeft", 10)
    rho = page.locator(".course-05-geometry-rho .widget-readout")
    assert float(lab.wait_text(page, rho, "0.00")) == pytest.approx(0.0, abs=1e-9)
    _wait_geometry(page)
    after_keys = lab.wait_canvas_change(page, figure, moved)
    assert after_keys != moved
    frac = _axes_fractions()
    lab.canvas_drag(page, figure, frac(*center), frac(-1.5, 2.0), steps=10)
    lab.settle(page)
    text, w1, w2, new_center = _wait_geometry(page)
    np.testing.assert_allclose(new_center, [-1.5, 2.0], atol=0.1)
    assert lab.wait_canvas_change(page, figure, after_keys) != after_keys
    shot(page, GEOMETRY, "geometry-after")
    assert lab.cell_errors(page) == []


def _lasso_nonzero_expected(alpha):
    from helpers import data, paths

    ds = data.load_diabetes(standardize=True)
    coefs, _ = paths.lasso_path(ds.X, ds.y, [alpha])
    return int(np.count_nonzero(coefs[0]))


def _wait_paths(page, timeout=8.0):
    readout = lab.find_widget(page, "course-05-path-readout")
    for _ in range(int(timeout / 0.1)):
        i = int(lab.slider_value(page, ".course-05-path-l1"))   # SelectionSlider: the index
        k = int(lab.slider_value(page, ".course-05-path-l2"))
        text = lab.text_of(readout)
        if f"α = {L1_GRID[i]:.4g}:" in text and f"λ = {L2_GRID[k]:.4g}:" in text:
            nonzero = int(re.search(r"α = [\d.e+-]+: (\d+) non-zero", text).group(1))
            return text, L1_GRID[i], nonzero
        page.wait_for_timeout(100)
    raise AssertionError(f"path readout {lab.text_of(readout)!r} does not follow the sliders")


def test_05_path_sliders_by_mouse_and_keys(notebook):
    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, PATHS)
    shot(page, PATHS, "paths-before")
    text, alpha, nonzero = _wait_paths(page)
    assert nonzero == _lasso_nonzero_expected(alpha)
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-05-path-l1", dx=-120)            # toward small alpha
    text, alpha_small, nonzero_small = _wait_paths(page)
    assert alpha_small < alpha and nonzero_small == _lasso_nonzero_expected(alpha_small)
    assert nonzero_small >= nonzero
    moved = lab.wait_canvas_change(page, figure, before)
    assert moved != before
    lab.slider_keys(page, ".course-05-path-l1", "ArrowRight", 30)  # toward large alpha
    text, alpha_big, nonzero_big = _wait_paths(page)
    assert alpha_big > alpha_small and nonzero_big == _lasso_nonzero_expected(alpha_big)
    keyed = lab.wait_canvas_change(page, figure, moved)
    assert keyed != moved
    lab.slider_keys(page, ".course-05-path-l2", "ArrowRight", 10)
    text, *_ = _wait_paths(page)
    assert "10 non-zero" in text.split("ridge")[1]
    assert lab.wait_canvas_change(page, figure, keyed) != keyed
    shot(page, PATHS, "paths-after")
    assert lab.cell_errors(page) == []
