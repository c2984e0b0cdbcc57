"""helpers.conventions: each conversion checked by fitting scikit-learn at the converted constant."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import linear_model

from helpers import conventions, descent, paths
from tests.regression_problems import make_problem

pytestmark = pytest.mark.filterwarnings("error")  # no overflow / invalid-value warning may escape


# --------------------------------------------------------------------------- library conventions

def test_sklearn_lasso_conversion():
    X, y = make_problem()
    for l1 in [0.05, 0.4, 1.5]:
        alpha = conventions.sklearn_lasso_alpha(l1)
        assert alpha == l1 / 2 and conventions.l1_from_sklearn_lasso_alpha(alpha) == l1
        sk = linear_model.Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
        coefs, intercepts = paths.lasso_path(X, y, [l1])
        assert_allclose(sk.coef_, coefs[0], atol=1e-8)
        assert sk.intercept_ == pytest.approx(intercepts[0], abs=1e-8)


def test_sklearn_ridge_conversion():
    X, y = make_problem()
    n = len(y)
    for l2 in [0.01, 0.3, 4.0]:
        alpha = conventions.sklearn_ridge_alpha(l2, n)
        assert alpha == pytest.approx(n * l2) and conventions.l2_from_sklearn_ridge_alpha(alpha, n) == pytest.approx(l2)
        sk = linear_model.Ridge(alpha=alpha, solver="cholesky").fit(X, y)
        traj = descent.gradient_descent(X, y, lr=0.5 * descent.stable_learning_rate(X, l2=l2), steps=4000, l2=l2)
        assert_allclose(sk.coef_, traj.final_weights, atol=1e-9)
        assert sk.intercept_ == pytest.approx(traj.final_intercept, abs=1e-9)


def test_conversions_accept_arrays():
    assert_allclose(conventions.sklearn_lasso_alpha([0.2, 1.0]), [0.1, 0.5])
    assert_allclose(conventions.sklearn_ridge_alpha(np.array([0.1, 2.0]), 50), [5.0, 100.0])


def test_deep_learning_conventions_checked_against_independent_runs():
    """Each row's expected numbers, recomputed here: a numpy recurrence and scikit-learn's Ridge."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((30, 3))
    X -= X.mean(axis=0)
    y = X @ np.array([1.0, -0.5, 0.2]) + rng.standard_normal(30)
    y -= y.mean()
    l2, lr, steps, w0 = 0.4, 0.05, 120, np.array([1.0, 2.0, -1.0])
    n = len(y)
    w, course = w0.copy(), [w0.copy()]
    for _ in range(steps):
        w = w - lr * (2 / n * X.T @ (X @ w - y) + 2 * l2 * w)
        course.append(w.copy())
    ridge = linear_model.Ridge(alpha=n * l2, fit_intercept=False).fit(X, y).coef_
    half = linear_model.Ridge(alpha=n * l2 / 2, fit_intercept=False).fit(X, y).coef_
    torch_row, keras_row, d2l_row, slip = conventions.check_deep_learning_conventions(
        X, y, l2=l2, lr=lr, steps=steps, w0=w0)
    assert_allclose(torch_row.expected, course, atol=1e-12)
    assert_allclose(torch_row.got, course, atol=1e-12) and torch_row.difference < 1e-12
    assert_allclose(d2l_row.got, course, atol=1e-12)
    assert_allclose(keras_row.expected, ridge, atol=1e-10) and keras_row.difference < 1e-6
    assert_allclose(slip.expected, half, atol=1e-10)
    assert np.abs(slip.got - ridge).max() > 0.01        # the slip does not land on lambda's minimizer
    assert "weight_decay = 2λ = 0.8" in torch_row.setting


def test_deep_learning_conventions_reject_bad_constants():
    X, y = make_problem()
    with pytest.raises(ValueError, match="l2"):
        conventions.check_deep_learning_conventions(X, y, l2=-1.0, lr=0.1, steps=3, w0=np.zeros(X.shape[1]))
    with pytest.raises(ValueError, match="lr"):
        conventions.check_deep_learning_conventions(X, y, l2=0.1, lr=0.0, steps=3, w0=np.zeros(X.shape[1]))
