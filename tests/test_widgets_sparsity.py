"""Widget tests for 05_sparsity without a browser (Agg backend).

Every control is used as a learner would (slider values, a mouse drag with real
matplotlib events); the plotted artists and the readouts are compared with
numbers computed independently: a plain numpy recurrence written out in this
file (not helpers.descent), scikit-learn's Lasso and Ridge, and a brute-force
search of the balls' boundaries.
"""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.linear_model import Lasso, Ridge  # noqa: E402
from traitlets import TraitError  # noqa: E402

from helpers import constrained_optima, data, descent  # noqa: E402
from helpers.plots import sparsity as plots  # noqa: E402
from helpers.widgets import sparsity as ws  # noqa: E402
from tests.mouse import drag  # noqa: E402

ALPHAS = [0.2, 0.4, 0.6]
ETAS = [0.05, 0.1, 0.2]
STEPS = 60


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((40, 3))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ np.array([1.5, -1.0, 0.0]) + 0.3 * rng.standard_normal(40)
    return X, y


@pytest.fixture()
def chatter(problem):
    X, y = problem
    return ws.build_chatter_explorer(X, y, useless=2, alphas=ALPHAS, learning_rates=ETAS, steps=STEPS,
                                     alpha=0.4, eta=0.1)


def _plain(html_text):
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split()) + " "


def reference_run(X, y, eta, alpha, steps, method, w0=None):
    """Full-batch gradient descent on MSE + alpha*||w||_1 with a bias, written out step by step.

    Independent of helpers.descent: one plain loop over steps and one over weights, the
    three rules exactly as the notebook's table states them.
    """
    n, p = X.shape
    w = np.zeros(p) if w0 is None else np.array(w0, dtype=float)
    b = 0.0
    out = [w.copy()]
    for _ in range(steps):
        r = X @ w + b - y
        g = 2.0 / n * (X.T @ r)
        new = w.copy()
        for j in range(p):
            if method == "proximal":
                v = w[j] - eta * g[j]
                new[j] = np.sign(v) * max(abs(v) - eta * alpha, 0.0)
            elif w[j] == 0.0 and method == "clip":
                if abs(g[j]) > alpha:              # leaves 0 only if the loss pulls harder than alpha
                    new[j] = -eta * (g[j] - alpha * np.sign(g[j]))
                else:
                    new[j] = 0.0
            else:
                s = np.sign(w[j])
                new[j] = w[j] - eta * (g[j] + alpha * s)
                if method == "clip" and new[j] * s < 0:
                    new[j] = 0.0
        b = b - eta * 2.0 / n * r.sum()
        w = new
        out.append(w.copy())
    return np.array(out)


def _check_chatter(widget, X, y, alpha, eta):
    for k, method in enumerate(descent.L1_METHODS):
        ref = reference_run(X, y, eta, alpha, STEPS, method)
        for j, line in enumerate(widget.plot.lines[k]):
            np.testing.assert_allclose(line.get_ydata(), ref[:, j], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(widget.plot.zoom_lines[k].get_ydata(),
                                   np.clip(ref[:, 2] / (eta * alpha), -1.55, 1.55), atol=1e-9)
        zeros = int(np.sum(ref[-1] == 0.0))
        steps_at_zero = int(np.sum(ref[1:, 2] == 0.0))
        assert f" {method} {zeros} of 3 {steps_at_zero} of {STEPS} " in _plain(widget.readout.value)
    assert f"= <b>{eta * alpha:.4g}</b>" in widget.readout.value


def test_chatter_sliders_move_every_line(chatter, problem):
    X, y = problem
    _check_chatter(chatter, X, y, 0.4, 0.1)
    chatter.controls["alpha"].value = 0.6
    _check_chatter(chatter, X, y, 0.6, 0.1)
    chatter.controls["eta"].value = 0.2
    _check_chatter(chatter, X, y, 0.6, 0.2)
    assert chatter.messages.text == ""


def test_chatter_readout_says_subgradient_never_zero_prox_always(chatter):
    s = chatter.state["summaries"]
    assert s["subgradient"]["steps_at_zero"] == 0 and s["subgradient"]["final_exact_zeros"] == 0
    assert s["proximal"]["final_exact_zeros"] == 1 and s["clip"]["final_exact_zeros"] == 1
    assert 0 < s["subgradient"]["tail_amplitude"] < 1.5 * 0.1 * 0.4


def test_chatter_slider_refuses_values_off_the_grid_and_keeps_working(chatter, problem):
    X, y = problem
    with pytest.raises(TraitError):
        chatter.controls["alpha"].value = 5.0           # not a precomputed value: refused, nothing drawn
    _check_chatter(chatter, X, y, 0.4, 0.1)
    chatter.controls["alpha"].value = 0.2
    _check_chatter(chatter, X, y, 0.2, 0.1)
    assert chatter.messages.text == ""


def test_chatter_rejects_bad_grids(problem):
    X, y = problem
    with pytest.raises(ValueError, match="increasing positive"):
        ws.build_chatter_explorer(X, y, useless=2, alphas=[0.0, 0.1], learning_rates=ETAS)


# --------------------------------------------------------------------------- geometry


def _boundary_min(quad, t, p):
    angle = np.linspace(0, 2 * np.pi, 100_001)
    pts = np.column_stack([np.cos(angle), np.sin(angle)])
    if p == 1:
        pts = pts / np.abs(pts).sum(axis=1, keepdims=True)
    pts = t * pts
    return pts[np.argmin(quad(pts))]


def _check_geometry(widget, center, rho, t):
    quad = constrained_optima.quadratic_from_correlation(rho, center)
    for side, p in zip(widget.plot.sides, (1, 2)):
        x, y = side["optimum"].get_data()
        size = np.abs(quad.center).sum() if p == 1 else np.linalg.norm(quad.center)
        expected = quad.center if size <= t else _boundary_min(quad, t, p)
        np.testing.assert_allclose([x[0], y[0]], expected, atol=2e-4 * max(t, 1))
        cx, cy = side["center"].get_data()
        np.testing.assert_allclose([cx[0], cy[0]], center, atol=1e-12)
        ball = side["ball"].get_xy()
        norms = np.abs(ball).sum(axis=1) if p == 1 else np.linalg.norm(ball, axis=1)
        np.testing.assert_allclose(norms, t, rtol=1e-9)
        pts = np.column_stack(side["levels"].get_data())
        breaks = np.flatnonzero(np.isnan(pts[:, 0]))
        assert len(breaks) == len(plots.GeometryFigure.LEVELS) - 1
        for part, level in zip(np.split(pts, breaks), plots.GeometryFigure.LEVELS):
            part = part[~np.isnan(part[:, 0])]
            np.testing.assert_allclose(quad(part), level, rtol=1e-9)
    return quad


def test_geometry_budget_and_rho_sliders():
    widget = ws.build_geometry_explorer(rho=0.5, center=(2.0, 0.7), budget=1.0)
    _check_geometry(widget, (2.0, 0.7), 0.5, 1.0)
    assert "w2 == 0.0" in widget.readout.value  # the L1 corner
    widget.controls["budget"].value = 2.0
    _check_geometry(widget, (2.0, 0.7), 0.5, 2.0)
    widget.controls["rho"].value = -0.6
    _check_geometry(widget, (2.0, 0.7), -0.6, 2.0)
    widget.controls["budget"].value = 3.0  # outside: the least-squares point itself
    _check_geometry(widget, (2.0, 0.7), -0.6, 3.0)
    assert widget.messages.text == ""


def test_geometry_drag_moves_the_center_on_both_panels():
    widget = ws.build_geometry_explorer(rho=0.3, center=(2.0, 0.7), budget=1.2)
    for ax, target in zip(widget.plot.axes, [(-1.0, 2.2), (0.5, -1.8)]):
        drag(ax, start=tuple(widget.state["center"]), end=target, steps=4)
        np.testing.assert_allclose(widget.state["center"], target, atol=1e-9)
        _check_geometry(widget, target, 0.3, 1.2)


def test_geometry_bad_center_is_refused_and_widget_keeps_working():
    widget = ws.build_geometry_explorer()
    with pytest.raises(ValueError, match="two finite numbers"):
        widget.set_center([np.nan, 0.0])
    _check_geometry(widget, (2.0, 0.7), 0.5, 1.0)
    widget.drags[0].on_drag(0, None, 0.0)               # a drag event outside the data area: ignored
    widget.controls["budget"].value = 0.5
    _check_geometry(widget, (2.0, 0.7), 0.5, 0.5)
    widget.controls["rho"].value = 0.1
    assert widget.messages.text == ""
    _check_geometry(widget, (2.0, 0.7), 0.1, 0.5)


# --------------------------------------------------------------------------- paths


@pytest.fixture(scope="module")
def diabetes():
    return data.load_diabetes(standardize=True)


L1_GRID = np.logspace(-1, 2, 13)
L2_GRID = np.logspace(-2, 2, 9)


def _check_paths(widget, ds, l1, l2):
    n = ds.n_samples
    lasso = Lasso(alpha=l1 / 2, tol=1e-12, max_iter=200_000).fit(ds.X, ds.y).coef_  # course l1 = 2 * sklearn alpha
    ridge = Ridge(alpha=n * l2).fit(ds.X, ds.y).coef_                              # course l2 = sklearn alpha / n
    for mark, value, coef in zip(widget.plot.marks, (l1, l2), (lasso, ridge)):
        np.testing.assert_allclose(mark["vline"].get_xdata(), [value, value], rtol=1e-12)
        offsets = mark["dots"].get_offsets()
        np.testing.assert_allclose(offsets[:, 0], value, rtol=1e-12)
        np.testing.assert_allclose(offsets[:, 1], coef, atol=1e-6 * np.abs(coef).max())
        np.testing.assert_allclose([b.get_height() for b in mark["bars"]], offsets[:, 1], rtol=0, atol=0)
    nonzero = int(np.sum(np.abs(lasso) > 1e-9))
    assert f"<span class='course-05-lasso-nonzero'>{nonzero}</span>" in widget.readout.value
    assert "<span class='course-05-ridge-nonzero'>10</span>" in widget.readout.value


def test_path_sliders_follow_sklearn(diabetes):
    widget = ws.build_path_explorer(diabetes, L1_GRID, L2_GRID, l1=L1_GRID[6], l2=L2_GRID[4])
    _check_paths(widget, diabetes, L1_GRID[6], L2_GRID[4])
    for i in (0, 3, 9, 12):
        widget.controls["l1"].value = L1_GRID[i]
        _check_paths(widget, diabetes, L1_GRID[i], L2_GRID[4])
    widget.controls["l2"].value = L2_GRID[8]
    _check_paths(widget, diabetes, L1_GRID[12], L2_GRID[8])
    assert widget.messages.text == ""


def test_path_nonzero_count_at_the_ends(diabetes):
    widget = ws.build_path_explorer(diabetes, L1_GRID, L2_GRID, l1=L1_GRID[-1])
    assert widget.state["nonzero_l1"] == 0            # alpha = 100 > alpha_max ~ 90
    widget.controls["l1"].value = L1_GRID[0]
    assert widget.state["nonzero_l1"] == 10


def test_path_slider_refuses_values_off_the_grid_and_keeps_working(diabetes):
    widget = ws.build_path_explorer(diabetes, L1_GRID, L2_GRID)
    with pytest.raises(TraitError):
        widget.controls["l1"].value = 123.456
    widget.controls["l1"].value = L1_GRID[2]
    _check_paths(widget, diabetes, L1_GRID[2], L2_GRID[4])
    widget.controls["l2"].value = L2_GRID[1]
    assert widget.messages.text == ""
    _check_paths(widget, diabetes, L1_GRID[2], L2_GRID[1])


# --------------------------------------------------------------------------- static figures


def test_static_figures_render_with_png_fallback():
    result = constrained_optima.sparsity_experiment(200, seed=1)
    fig = plots.experiment_figure(result)
    widget = ws.show_figure(fig)
    bundle = widget._repr_mimebundle_()
    assert bundle["image/png"]
    # the corner counts written on the figure are the exact corners of the L1 optima
    t1 = result.budget_fraction * np.abs(result.problems.center).sum(axis=1)
    scaled = result.l1_solutions / t1[:, None]
    texts = sorted(int(t.get_text()) for t in fig.axes[0].texts)
    expected = sorted(int(np.sum(np.all(scaled == c, axis=1))) for c in ([1, 0], [0, 1], [-1, 0], [0, -1]))
    assert texts == expected and sum(expected) == result.l1_zero_count
    for make in (lambda: plots.prior_figure(2.0),
                 lambda: plots.correlated_figure([1, 0.1], np.ones((2, 2)), [1, 0.1], np.ones((2, 2)),
                                                 [1, 0.1], np.ones((2, 2)), enet_l2=1.0)):
        assert ws.show_figure(make())._repr_mimebundle_()["image/png"]
