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
