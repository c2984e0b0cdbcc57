"""Tests for helpers.constrained_optima (05_sparsity): constrained optima over the L1 and L2 balls.

References are independent of the code under test: dense sampling of the ball's
boundary, scikit-learn's Lasso and Ridge at the penalty the KKT conditions give,
SciPy's SLSQP, and least squares with numpy.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize
from sklearn.linear_model import Lasso, Ridge

from helpers import constrained_optima as g


def _boundary(t, norm, num=200_001):
    angle = np.linspace(0.0, 2.0 * np.pi, num)
    circle = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    if norm == "l1":
        circle = circle / np.abs(circle).sum(axis=1, keepdims=True)
        circle = np.vstack([circle, [[1, 0], [0, 1], [-1, 0], [0, -1]]])
    return t * circle


def _data(seed, rho=0.6, n=40):
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, 2))
    X = np.column_stack([z[:, 0], rho * z[:, 0] + np.sqrt(1 - rho**2) * z[:, 1]]) * [1.0, 2.0] + 3.0
    y = X @ np.array([1.5, -0.7]) + 0.5 + rng.standard_normal(n)
    return X, y


def test_quadratic_from_data_is_the_mse_with_best_intercept():
    X, y = _data(0)
    quad = g.quadratic_from_data(X, y)
    rng = np.random.default_rng(1)
    for w in rng.normal(size=(5, 2)) * 3:
        b = np.mean(y - X @ w)  # best intercept for this w
        assert quad(w) == pytest.approx(np.mean((y - X @ w - b) ** 2), rel=1e-10)
    coef = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0][:2]
    np.testing.assert_allclose(quad.center, coef, rtol=1e-10)


@pytest.mark.parametrize("norm", ["l1", "l2"])
@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("fraction", [0.15, 0.5, 0.9])
def test_constrained_optimum_beats_every_boundary_point(norm, seed, fraction):
    X, y = _data(seed, rho=[0.6, -0.8, 0.1][seed])
    quad = g.quadratic_from_data(X, y)
    t = fraction * (np.abs(quad.center).sum() if norm == "l1" else np.linalg.norm(quad.center))
    w = g.constrained_optimum(quad, t, norm)
    size = np.abs(w).sum() if norm == "l1" else np.linalg.norm(w)
    assert size == pytest.approx(t, rel=1e-12)
    samples = _boundary(t, norm)
    values = quad(samples)
    assert quad(w) <= values.min() + 1e-12
    np.testing.assert_allclose(w, samples[np.argmin(values)], atol=1e-4 * t)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_l1_optimum_matches_sklearn_lasso_at_the_kkt_penalty(seed):
    X, y = _data(seed, rho=0.9 if seed % 2 else 0.3)
    quad = g.quadratic_from_data(X, y)
    t = 0.5 * np.abs(quad.center).sum()
    w = g.constrained_optimum(quad, t, "l1")
    grad = 2 * quad.A @ (quad.center - w)  # = lam * sign(w_i) on the support, |.| <= lam off it
    support = w != 0
    lam = np.abs(grad[support]).max()
    # course: MSE + lam*|w|_1  ==  2 * [1/(2n)||r||^2 + (lam/2)|w|_1]  (scikit-learn's Lasso)
    ref = Lasso(alpha=lam / 2, tol=1e-14, max_iter=100_000).fit(X, y).coef_
    np.testing.assert_allclose(w, ref, atol=1e-7)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_l2_optimum_matches_sklearn_ridge_at_the_kkt_penalty(seed):
    X, y = _data(seed)
    quad = g.quadratic_from_data(X, y)
    t = 0.4 * np.linalg.norm(quad.center)
    w = g.constrained_optimum(quad, t, "l2")
    mu = (quad.A @ (quad.center - w))[0] / w[0]  # KKT: A(w - c) + mu w = 0
    # course: MSE + mu*||w||^2  ==  (1/n) [||r||^2 + n*mu*||w||^2]  (scikit-learn's Ridge)
    ref = Ridge(alpha=len(y) * mu).fit(X, y).coef_
    np.testing.assert_allclose(w, ref, rtol=1e-9)


def test_l1_matches_scipy_slsqp_on_split_variables():
    quad = g.quadratic_from_correlation(0.7, [2.0, 0.5])
    t = 1.2

    def f(uv):
        return quad(uv[:2] - uv[2:])

    res = minimize(f, np.full(4, 0.1), method="SLSQP", bounds=[(0, None)] * 4,
                   constraints=[{"type": "ineq", "fun": lambda uv: t - uv.sum()}],
                   options={"ftol": 1e-14, "maxiter": 500})
    np.testing.assert_allclose(g.constrained_optimum(quad, t, "l1"), res.x[:2] - res.x[2:], atol=1e-6)


def test_corner_is_exact_and_inside_returns_center():
    quad = g.quadratic_from_correlation(0.0, [3.0, 0.2])  # round bowl, far along w1
    w = g.constrained_optimum(quad, 1.0, "l1")
    assert w[1] == 0.0 and w[0] == 1.0
    w2 = g.constrained_optimum(quad, 1.0, "l2")
    assert np.all(w2 != 0.0)
    np.testing.assert_array_equal(g.constrained_optimum(quad, 10.0, "l1"), quad.center)
    np.testing.assert_array_equal(g.constrained_optimum(quad, 10.0, "l2"), quad.center)
    np.testing.assert_array_equal(g.constrained_optimum(quad, 0.0, "l2"), [0.0, 0.0])
    np.testing.assert_array_equal(g.constrained_optimum(quad, 0.0, "l1"), [0.0, 0.0])


def test_constrained_path_equals_pointwise():
    quad = g.quadratic_from_correlation(-0.4, [1.0, -2.0])
    budgets = np.linspace(0, 3.5, 15)
    for norm in ("l1", "l2"):
        path = g.constrained_path(quad, budgets, norm)
        expected = np.array([g.constrained_optimum(quad, t, norm) for t in budgets])
        np.testing.assert_allclose(path, expected, rtol=1e-12, atol=1e-15)


@settings(max_examples=60, deadline=None)
@given(rho=st.floats(-0.95, 0.95), c1=st.floats(-5, 5), c2=st.floats(-5, 5),
       fraction=st.floats(0.05, 0.95))
def test_l1_optimum_property(rho, c1, c2, fraction):
    quad = g.quadratic_from_correlation(rho, [c1, c2])
    t = fraction * (abs(c1) + abs(c2)) + 1e-3
    w = g.constrained_optimum(quad, t, "l1")
    assert np.abs(w).sum() <= t * (1 + 1e-12)
    samples = _boundary(t, "l1", num=20_001)
    assert quad(w) <= quad(samples).min() + 1e-9 * (1 + quad(samples).min())


def test_level_curve_lies_on_the_level():
    quad = g.quadratic_from_correlation(0.8, [1.0, 2.0], offset=0.5)
    pts = g.level_curve(quad, 2.0, num=50)
    np.testing.assert_allclose(quad(pts.T), 2.0, rtol=1e-12)
    np.testing.assert_allclose(pts[:, 0], pts[:, -1])
    W1, W2, L = g.loss_grid(quad, (-1, 3), (0, 4), num=11)
    assert W1.shape == L.shape == (11, 11)
    assert L[3, 7] == pytest.approx(0.5 + (np.array([W1[3, 7], W2[3, 7]]) - quad.center)
                                    @ quad.A @ (np.array([W1[3, 7], W2[3, 7]]) - quad.center))


def test_experiment_l1_has_zeros_often_l2_never_and_is_reproducible():
    r = g.sparsity_experiment(500, seed=7)
    assert r.n_problems == 500
    assert r.l1_zero_count > 100
    assert r.l2_zero_count == 0
    np.testing.assert_array_equal(r.l1_zero, r.l1_exact_zero)  # corners are exact
    again = g.sparsity_experiment(500, seed=7)
    np.testing.assert_array_equal(r.l1_solutions, again.l1_solutions)
    # each solution checked against the boundary samples for a few problems
    for i in range(5):
        quad = r.problems.quadratic(i)
        t1 = r.budget_fraction[i] * np.abs(quad.center).sum()
        t2 = r.budget_fraction[i] * np.linalg.norm(quad.center)
        assert quad(r.l1_solutions[i]) <= quad(_boundary(t1, "l1")).min() + 1e-12
        assert quad(r.l2_solutions[i]) <= quad(_boundary(t2, "l2")).min() + 1e-12


def test_random_problems_are_least_squares_losses():
    p = g.random_problems(50, seed=3, n_samples=10)
    assert p.A.shape == (50, 2, 2) and p.center.shape == (50, 2)
    assert np.all(np.linalg.eigvalsh(p.A) > 0)
    assert np.all(np.abs(p.correlation) <= 0.9)


@pytest.mark.parametrize("call, message", [
    (lambda: g.constrained_optimum(g.quadratic_from_correlation(0, [1, 1]), -1.0), "at least 0"),
    (lambda: g.constrained_optimum(g.quadratic_from_correlation(0, [1, 1]), 1.0, "l3"), "unknown norm"),
    (lambda: g.constrained_optimum("bowl", 1.0), "Quadratic"),
    (lambda: g.quadratic_from_correlation(1.0, [1, 1]), "between -1 and 1"),
    (lambda: g.Quadratic([[1, 2], [2, 1]], [0, 0]), "positive definite"),
    (lambda: g.Quadratic([[1, 0.5], [0, 1]], [0, 0]), "symmetric"),
    (lambda: g.Quadratic(np.eye(3), [0, 0]), "2x2"),
    (lambda: g.quadratic_from_data(np.ones((5, 2)), np.arange(5.0)), "collinear"),
    (lambda: g.quadratic_from_data(np.ones((5, 3)), np.arange(5.0)), "exactly 2 features"),
    (lambda: g.level_curve(g.quadratic_from_correlation(0, [1, 1], offset=1.0), 0.5), "below"),
    (lambda: g.constrained_path(g.quadratic_from_correlation(0, [1, 1]), [1, -1]), ">= 0"),
    (lambda: g.sparsity_experiment(10, seed=0, budget_fraction=(0.5, 1.5)), "budget_fraction"),
    (lambda: g.random_problems(0, seed=0), "n_problems"),
])
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
