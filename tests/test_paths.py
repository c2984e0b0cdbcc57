"""helpers.paths against independent references (numpy, scikit-learn, Efron et al. 2004)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import linear_model

from helpers import conventions, paths
from tests.regression_problems import (
    EFRON_ENTRY_ORDER,
    course_objective,
    diabetes_standardized,
    kkt_violation,
    l1_max_of,
    make_problem,
    sparse_problem,
)

pytestmark = pytest.mark.filterwarnings("error")  # no overflow / invalid-value warning may escape


# --------------------------------------------------------------------------- ridge path

def test_ridge_path_matches_normal_equations_and_sklearn():
    X, y = make_problem()
    n, p = X.shape
    l2s = np.array([0.0, 0.01, 0.3, 5.0])
    coefs, intercepts = paths.ridge_path(X, y, l2s)
    assert coefs.shape == (4, p) and intercepts.shape == (4,)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    for l2, c, b in zip(l2s, coefs, intercepts):
        ref = np.linalg.solve(Xc.T @ Xc + n * l2 * np.eye(p), Xc.T @ yc)
        assert_allclose(c, ref, rtol=1e-10)
        assert b == pytest.approx(y.mean() - X.mean(axis=0) @ ref, rel=1e-10)
        sk = linear_model.Ridge(alpha=conventions.sklearn_ridge_alpha(l2, n), solver="svd").fit(X, y)
        assert_allclose(c, sk.coef_, rtol=1e-9)
        assert b == pytest.approx(sk.intercept_, rel=1e-9)


def test_ridge_path_at_zero_on_rank_deficient_data_is_min_norm_least_squares():
    X, y = make_problem()
    X = np.column_stack([X, X[:, 0]])               # duplicated column
    coefs, _ = paths.ridge_path(X, y, 0.0)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    assert_allclose(coefs[0], np.linalg.pinv(Xc) @ yc, atol=1e-10)


def test_ridge_path_without_intercept():
    X, y = make_problem()
    n, p = X.shape
    coefs, intercepts = paths.ridge_path(X, y, [0.2], fit_intercept=False)
    assert_allclose(coefs[0], np.linalg.solve(X.T @ X + n * 0.2 * np.eye(p), X.T @ y), rtol=1e-10)
    assert intercepts[0] == 0.0


# --------------------------------------------------------------------------- ridge zero crossings

def _ridge_by_eigh(X, y, l2s):
    """Ridge coefficients from the eigendecomposition of the Gram matrix (no SVD): independent of paths."""
    n = X.shape[0]
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    d, Q = np.linalg.eigh(Xc.T @ Xc)
    c = Q.T @ (Xc.T @ yc)
    return (c / (d + n * np.asarray(l2s)[:, None])) @ Q.T


def test_ridge_crossings_on_diabetes_are_the_published_ones_and_real_sign_changes():
    """Issue 9 item 1: on the standardized diabetes data, ridge coefficients change sign
    inside the plotted range (s3 near 0.0037; s2 near 0.032 and 2.19; age near 0.083;
    s1 near 0.81; sex near 12.0), so 'no ridge coefficient ever reaches 0' is false."""
    X, y, names = diabetes_standardized()
    n = len(y)
    crossings = paths.ridge_zero_crossings(X, y, 1e-3, 1e3)
    named = [(names[c.feature], c.l2) for c in crossings]
    expected = [("s3", 0.0037), ("s2", 0.032), ("age", 0.083), ("s1", 0.81), ("s2", 2.19), ("sex", 12.0)]
    assert [name for name, _ in named] == [name for name, _ in expected]
    for (_, l2), (_, ref) in zip(named, expected):
        assert l2 == pytest.approx(ref, rel=0.01)
    scale = np.abs(_ridge_by_eigh(X, y, [1e-3])).max()
    for c in crossings:
        at = _ridge_by_eigh(X, y, [c.l2])[0, c.feature]
        assert abs(at) < 1e-10 * scale                                     # 0 at the crossing
        below, above = (linear_model.Ridge(alpha=conventions.sklearn_ridge_alpha(c.l2 * f, n), solver="svd")
                        .fit(X, y).coef_[c.feature] for f in (1 - 1e-6, 1 + 1e-6))
        assert np.sign(below) == c.sign_before and np.sign(above) == -c.sign_before   # a sign change


def test_ridge_crossings_are_all_of_them_on_a_fine_grid():
    """No crossing is missed: count the sign changes on a grid 50 times finer (eigh, not SVD)."""
    X, y, names = diabetes_standardized()
    crossings = paths.ridge_zero_crossings(X, y, 1e-3, 1e3)
    fine = np.logspace(-3, 3, 120_001)
    coefs = _ridge_by_eigh(X, y, fine)
    changes = np.sign(coefs[:-1]) * np.sign(coefs[1:]) < 0                 # (grid, p)
    for j in range(X.shape[1]):
        assert changes[:, j].sum() == sum(c.feature == j for c in crossings), names[j]
        assert changes[:, j].sum() <= X.shape[1] - 1                       # numerator degree <= p - 1


def test_ridge_crossing_of_two_correlated_features_has_a_closed_form():
    """X^T X / n = [[1, rho], [rho, 1]] and X^T y / n = (c1, c2): w1 = 0 where 1 + l2 = rho*c2/c1."""
    H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=float)
    rho, c1, c2 = 0.9, 0.3, 0.8
    X = np.column_stack([H[:, 1], rho * H[:, 1] + np.sqrt(1 - rho**2) * H[:, 2]])
    # y = X a gives X^T y / n = C a = (c1, c2) for a = C^-1 (c1, c2)
    a = np.linalg.solve(np.array([[1.0, rho], [rho, 1.0]]), [c1, c2])
    y = X @ a + 0.7 * H[:, 3] + 5.0                                        # H[:, 3] is orthogonal noise
    crossings = paths.ridge_zero_crossings(X, y, 1e-3, 1e3)
    assert len(crossings) == 1 and crossings[0].feature == 0
    assert crossings[0].l2 == pytest.approx(rho * c2 / c1 - 1.0, rel=1e-10)
    assert crossings[0].sign_before == np.sign(a[0])


def test_ridge_has_no_crossing_on_orthonormal_features_and_least_squares_zero_stays_zero():
    """With X^T X / n = I every ridge coefficient is w_ls / (1 + l2): it never changes sign."""
    H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=float)
    X, y = H[:, 1:3], 2 * H[:, 1] - 0.5 * H[:, 2] + H[:, 3]
    assert paths.ridge_zero_crossings(X, y, 1e-4, 1e4) == ()


@pytest.mark.parametrize("low, high, match", [(1.0, 1.0, "below"), (0.0, 1.0, "greater than 0"),
                                              (-1.0, 1.0, "greater than 0"), (2.0, 1.0, "below")])
def test_ridge_crossings_reject_a_bad_range(low, high, match):
    X, y = make_problem()
    with pytest.raises(ValueError, match=match):
        paths.ridge_zero_crossings(X, y, low, high)


# --------------------------------------------------------------------------- lasso path

def test_lasso_path_matches_sklearn_lasso_and_satisfies_kkt():
    X, y, _ = diabetes_standardized()
    l1_max = l1_max_of(X, y)
    l1s = l1_max * np.array([0.9, 0.5, 0.2, 0.05, 0.01, 0.002, 1e-4])
    coefs, intercepts = paths.lasso_path(X, y, l1s)
    for l1, c, b in zip(l1s, coefs, intercepts):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * l1_max
        sk = linear_model.Lasso(alpha=conventions.sklearn_lasso_alpha(l1), tol=1e-12, max_iter=100_000).fit(X, y)
        assert_allclose(c, sk.coef_, atol=1e-6 * np.max(np.abs(sk.coef_)))
        assert b == pytest.approx(sk.intercept_, rel=1e-9)
        # ours is at least as good as sklearn's on the course objective
        assert course_objective(X, y, c, b, l1) <= course_objective(X, y, sk.coef_, sk.intercept_, l1) + 1e-12


def test_lasso_path_matches_sklearn_lasso_path():
    X, y, _ = diabetes_standardized()
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    l1s = np.geomspace(90.0, 0.05, 40)
    coefs, _ = paths.lasso_path(X, y, l1s)
    _, sk_coefs, _ = linear_model.lasso_path(Xc, yc, alphas=conventions.sklearn_lasso_alpha(l1s),
                                             tol=1e-13, max_iter=1_000_000)
    assert_allclose(coefs, sk_coefs.T, atol=1e-6)


def test_lasso_knots_match_sklearn_lars_path():
    X, y, _ = diabetes_standardized()
    knots = paths.lasso_knots(X, y)
    alphas, _, sk_coefs = linear_model.lars_path(X - X.mean(0), y - y.mean(), method="lasso")
    assert_allclose(knots.l1, conventions.l1_from_sklearn_lasso_alpha(alphas), rtol=1e-9, atol=1e-9)
    assert_allclose(knots.coefs, sk_coefs.T, rtol=1e-8, atol=1e-8)


def test_lasso_path_above_l1_max_is_all_zeros():
    X, y, _ = diabetes_standardized()
    l1_max = l1_max_of(X, y)
    coefs, intercepts = paths.lasso_path(X, y, [l1_max, 1.5 * l1_max, 1e6])
    assert np.all(coefs == 0.0)
    assert_allclose(intercepts, y.mean())
    below, _ = paths.lasso_path(X, y, [0.999 * l1_max])
    assert np.count_nonzero(below) == 1
    assert paths.lasso_knots(X, y).l1_max == pytest.approx(l1_max, rel=1e-12)


def test_lasso_path_at_zero_is_least_squares():
    X, y, _ = diabetes_standardized()
    coef, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)
    coefs, intercepts = paths.lasso_path(X, y, [0.0])
    assert_allclose(coefs[0], coef[:-1], rtol=1e-9)
    assert intercepts[0] == pytest.approx(coef[-1], rel=1e-12)


def test_diabetes_entry_order_is_the_published_one():
    X, y, names = diabetes_standardized()
    knots = paths.lasso_knots(X, y)
    assert [names[j] for j in knots.entry_order] == EFRON_ENTRY_ORDER
    # the lasso (unlike plain LARS) drops s3 (variable 7) near the end and takes it back
    leaves = [names[j] for _, j, kind in knots.events if kind == "leave"]
    assert leaves == ["s3"]
    assert np.all(np.diff(knots.l1) < 0) and knots.l1[-1] == 0.0


def test_lasso_path_falls_back_to_kkt_on_duplicated_columns():
    X, y = make_problem()
    X = np.column_stack([X, X[:, 0]])               # ties: LARS alone cannot choose
    l1s = np.array([2.0, 0.5, 0.1, 0.01])
    coefs, intercepts = paths.lasso_path(X, y, l1s)
    scale = l1_max_of(X, y)
    for l1, c, b in zip(l1s, coefs, intercepts):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * scale


def test_lasso_path_handles_an_exact_tie_in_correlation():
    """Integer data where two features are exactly equally correlated with y: they enter together."""
    x1 = np.array([1, 2, -3, 0, 4, -4, 0, 0.0])
    x2 = np.array([2, 1, 0, -3, -4, 4, 0, 0.0])
    x3 = np.array([1, -1, 1, -1, 2, 0, -2, 0.0])
    X = np.column_stack([x1, x2, x3])
    y = x1 + x2 + np.array([0, 0, 0, 0, 0, 0, 1, -1.0])
    c0 = (X - X.mean(0)).T @ (y - y.mean())
    assert c0[0] == c0[1]
    l1_max = l1_max_of(X, y)
    l1s = l1_max * np.array([0.9, 0.5, 0.1])
    coefs, intercepts = paths.lasso_path(X, y, l1s)
    for l1, c, b in zip(l1s, coefs, intercepts):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * l1_max
        assert c[0] != 0 and c[1] != 0


def test_lasso_path_with_more_features_than_samples():
    n = 20
    X, y = sparse_problem(7, n, 50, [2.0, -2.0, 1.0], 0.1)
    l1s = np.geomspace(2.0, 0.01, 12)
    coefs, intercepts = paths.lasso_path(X, y, l1s)
    scale = l1_max_of(X, y)
    for l1, c, b in zip(l1s, coefs, intercepts):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * scale
        assert np.count_nonzero(c) <= n - 1


# --------------------------------------------------------------------------- elastic net

def enet_kkt_violation(X, y, w, b, l1, l2):
    """Largest violation of the optimality conditions of MSE + l2*||w||^2 + l1*||w||_1 (b optimal too)."""
    r = y - X @ w - b
    grad = (2.0 / len(y)) * X.T @ r - 2.0 * l2 * w      # minus the smooth part's gradient
    on = np.abs(grad - l1 * np.sign(w))
    off = np.maximum(np.abs(grad) - l1, 0.0)
    return max(np.max(np.where(w != 0, on, off)), abs(np.mean(r)))


@pytest.mark.parametrize("l1_ratio", [0.2, 0.5, 0.9])
def test_elastic_net_path_matches_sklearn_enet_path(l1_ratio):
    # scikit-learn's ElasticNet minimizes 1/(2n)*RSS + a*r*||w||_1 + a*(1-r)/2*||w||^2. Twice that is
    # MSE + 2*a*r*||w||_1 + a*(1-r)*||w||^2: the course's J with l1 = 2*a*r and l2 = a*(1-r).
    X, y, _ = diabetes_standardized()
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    a = np.geomspace(100.0, 0.01, 30)
    l1, l2 = 2 * a * l1_ratio, a * (1 - l1_ratio)
    coefs, intercepts = paths.elastic_net_path(X, y, l1, l2)
    _, sk_coefs, _ = linear_model.enet_path(Xc, yc, l1_ratio=l1_ratio, alphas=a, tol=1e-14,
                                            max_iter=1_000_000)
    assert coefs.shape == (30, 10) and intercepts.shape == (30,)
    assert_allclose(coefs, sk_coefs.T, atol=1e-6 * np.abs(sk_coefs).max())
    assert_allclose(intercepts, y.mean() - X.mean(axis=0) @ coefs.T, rtol=1e-12)
    scale = l1_max_of(X, y)
    for c, b, v1, v2 in zip(coefs, intercepts, l1, l2):
        assert enet_kkt_violation(X, y, c, b, v1, v2) <= 1e-9 * scale
    assert np.any(coefs == 0.0) and np.all(coefs[-1] != 0.0)   # exact zeros at large a, none at small


def test_elastic_net_with_intercept_matches_sklearn_elastic_net_and_the_conversion():
    X, y = make_problem()
    for l1, l2 in [(0.4, 0.1), (0.05, 1.0), (1.5, 0.3)]:
        a, r = l1 / 2 + l2, (l1 / 2) / (l1 / 2 + l2)     # the conversion, written out
        assert conventions.sklearn_elastic_net_params(l1, l2) == (pytest.approx(a), pytest.approx(r))
        assert conventions.penalties_from_sklearn_elastic_net(a, r) == (pytest.approx(l1), pytest.approx(l2))
        sk = linear_model.ElasticNet(alpha=a, l1_ratio=r, tol=1e-14, max_iter=1_000_000).fit(X, y)
        coefs, intercepts = paths.elastic_net_path(X, y, [l1], l2)
        assert_allclose(coefs[0], sk.coef_, atol=1e-9)
        assert intercepts[0] == pytest.approx(sk.intercept_, abs=1e-9)


def test_elastic_net_at_l2_zero_is_the_lasso_and_at_l1_zero_is_ridge():
    X, y = make_problem()
    l1s = np.array([2.0, 0.5, 0.05, 0.0])
    lasso, lasso_b = paths.lasso_path(X, y, l1s)
    enet, enet_b = paths.elastic_net_path(X, y, l1s, 0.0)
    assert_array_equal(enet, lasso)
    assert_array_equal(enet_b, lasso_b)
    ridge, _ = paths.ridge_path(X, y, [0.3, 2.0])
    enet_ridge, _ = paths.elastic_net_path(X, y, 0.0, [0.3, 2.0][:1])
    assert_allclose(enet_ridge[0], ridge[0], rtol=1e-10)
    both, _ = paths.elastic_net_path(X, y, [0.0, 0.0], [0.3, 2.0])   # one l2 per l1 value
    assert_allclose(both, ridge, rtol=1e-10)


@pytest.mark.parametrize("l2", [0.3, 1.0])
def test_elastic_net_knots_match_sklearn_lars_on_augmented_data_and_sklearn_elastic_net(l2):
    """The elastic net at fixed l2 is a lasso on [X_c; sqrt(n*l2) I], [y_c; 0]: scikit-learn's lars_path there
    gives the knots independently; scikit-learn's ElasticNet changes its non-zeros exactly at them."""
    X, y = make_problem()
    n, p = X.shape
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    knots = paths.elastic_net_knots(X, y, l2)
    Xa, ya = np.vstack([Xc, np.sqrt(n * l2) * np.eye(p)]), np.concatenate([yc, np.zeros(p)])
    alphas, _, sk_coefs = linear_model.lars_path(Xa, ya, method="lasso")
    assert_allclose(knots.l1, 2.0 * alphas * (n + p) / n, rtol=1e-9, atol=1e-9)
    assert_allclose(knots.coefs, sk_coefs.T, rtol=1e-8, atol=1e-8)
    assert knots.l1_max == pytest.approx(paths.lasso_knots(X, y).l1_max, rel=1e-12)   # the same first entry
    for l1, j, kind in knots.events:
        if l1 <= 0.02:
            continue
        above, below = (linear_model.ElasticNet(alpha=a, l1_ratio=r, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
                        for a, r in (conventions.sklearn_elastic_net_params(l1 * s, l2) for s in (1.001, 0.999)))
        assert (above[j] == 0.0) == (kind == "enter") and (below[j] == 0.0) == (kind == "leave")


def test_elastic_net_knots_at_l2_zero_are_the_lasso_knots():
    X, y, _ = diabetes_standardized()
    lasso, enet = paths.lasso_knots(X, y), paths.elastic_net_knots(X, y, 0.0)
    assert_array_equal(enet.l1, lasso.l1) and enet.events == lasso.events


def test_notebook_05_correlated_pair_enters_closer_together_in_the_elastic_net():
    """05 section 4 (and the teacher's guide): x1 enters at alpha = 2.699 in both, x2 at 2.612 in the elastic
    net (lambda = 1) against 1.828 in the lasso; scikit-learn's ElasticNet agrees either side of 2.612."""
    rng = np.random.default_rng(5)                 # the notebook's draws, in its order
    rng.standard_normal((60, 3)), rng.standard_normal(60)
    z = rng.standard_normal((100, 2))
    X = np.column_stack([z[:, 0], 0.95 * z[:, 0] + np.sqrt(1 - 0.95**2) * z[:, 1]])
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ np.array([1.0, 0.4]) + 0.5 * rng.standard_normal(100)
    lasso, enet = paths.lasso_knots(X, y).events[:2], paths.elastic_net_knots(X, y, 1.0).events[:2]
    assert [(round(a, 3), j) for a, j, _ in lasso] == [(2.699, 0), (1.828, 1)]
    assert [(round(a, 3), j) for a, j, _ in enet] == [(2.699, 0), (2.612, 1)]
    for scale, zero in ((1.001, True), (0.999, False)):
        a, r = conventions.sklearn_elastic_net_params(enet[1][0] * scale, 1.0)
        coef = linear_model.ElasticNet(alpha=a, l1_ratio=r, tol=1e-14, max_iter=1_000_000).fit(X, y).coef_
        assert (coef[1] == 0.0) == zero and coef[0] > 0


def test_elastic_net_on_duplicated_columns_splits_the_weight_equally():
    # The L2 part makes J strictly convex: two identical columns get identical weights
    # (the lasso alone has no unique answer there).
    X, y = make_problem()
    X = np.column_stack([X, X[:, 0]])
    coefs, intercepts = paths.elastic_net_path(X, y, [0.5, 0.1, 0.01], 0.2)
    assert_allclose(coefs[:, 0], coefs[:, -1], rtol=1e-9)
    for c, b, l1 in zip(coefs, intercepts, [0.5, 0.1, 0.01]):
        assert enet_kkt_violation(X, y, c, b, l1, 0.2) <= 1e-9


def test_elastic_net_with_more_features_than_samples_is_unique_and_optimal():
    X, y = sparse_problem(8, 20, 50, [2.0, -2.0, 1.0], 0.1)
    l1s = np.geomspace(2.0, 0.01, 8)
    coefs, intercepts = paths.elastic_net_path(X, y, l1s, 0.05)
    for c, b, l1 in zip(coefs, intercepts, l1s):
        assert enet_kkt_violation(X, y, c, b, l1, 0.05) <= 1e-9 * l1_max_of(X, y)


# --------------------------------------------------------------------------- solvers that stop early

def test_lasso_knots_warn_when_the_homotopy_hits_its_cap():
    X, y, _ = diabetes_standardized()
    full = paths.lasso_knots(X, y)
    assert full.complete and full.l1[-1] == 0.0
    with pytest.warns(paths.ConvergenceWarning, match=r"reached its cap of 3 steps"):
        short = paths.lasso_knots(X, y, max_knots=3)
    assert not short.complete and short.l1.size == 4 and short.l1[-1] > 0
    assert_allclose(short.coefs, full.coefs[:4], rtol=1e-12, atol=1e-12)


def test_lasso_knots_warn_on_a_singular_system(monkeypatch):
    X, y, _ = diabetes_standardized()
    solve = np.linalg.solve
    calls = {"n": 0}

    def failing_solve(a, b):             # the 5th active-set system turns out singular
        calls["n"] += 1
        if calls["n"] > 8:
            raise np.linalg.LinAlgError("Singular matrix")
        return solve(a, b)

    monkeypatch.setattr(np.linalg, "solve", failing_solve)
    with pytest.warns(paths.ConvergenceWarning, match=r"singular system .*Singular matrix.* knots stop at l1"):
        knots = paths.lasso_knots(X, y)
    assert not knots.complete and knots.l1[-1] > 0


def test_lasso_path_repairs_a_truncated_homotopy_without_warning(monkeypatch):
    # lasso_path checks every value against the KKT conditions and finishes the ones past a
    # truncated homotopy by coordinate descent: still exact, so nothing to warn about.
    X, y = make_problem()
    l1s = np.array([1.0, 0.3, 0.05, 0.0])
    reference, _ = paths.lasso_path(X, y, l1s)
    solve = np.linalg.solve
    calls = {"n": 0}

    def failing_solve(a, b):
        calls["n"] += 1
        if calls["n"] > 2:
            raise np.linalg.LinAlgError("Singular matrix")
        return solve(a, b)

    monkeypatch.setattr(np.linalg, "solve", failing_solve)
    coefs, intercepts = paths.lasso_path(X, y, l1s)      # filterwarnings("error"): no warning
    assert_allclose(coefs, reference, atol=1e-9)
    for c, b, l1 in zip(coefs, intercepts, l1s):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * l1_max_of(X, y)


def truncate_the_homotopy(monkeypatch, after_calls):
    """Make np.linalg.solve raise LinAlgError after ``after_calls`` calls: the homotopy stops early."""
    solve = np.linalg.solve
    calls = {"n": 0}

    def failing_solve(a, b):
        calls["n"] += 1
        if calls["n"] > after_calls:
            raise np.linalg.LinAlgError("Singular matrix")
        return solve(a, b)

    monkeypatch.setattr(np.linalg, "solve", failing_solve)


@pytest.mark.parametrize("l2", [0.0, 0.05], ids=["lasso_path", "elastic_net_path"])
def test_coordinate_descent_warns_when_its_sweeps_run_out(monkeypatch, l2):
    # A truncated homotopy leaves the small l1 values to coordinate descent; one sweep is not
    # enough to reach the KKT conditions from the last knot, and the solver must say so.
    X, y = make_problem()
    l1s = np.array([1.0, 0.05, 0.001])
    truncate_the_homotopy(monkeypatch, 2)
    run = paths.lasso_path if l2 == 0.0 else (lambda *a, **kw: paths.elastic_net_path(*a, l2, **kw))
    name = "lasso_path" if l2 == 0.0 else "elastic_net_path"
    with pytest.warns(paths.ConvergenceWarning,
                      match=rf"^{name}: coordinate descent did not satisfy the optimality \(KKT\) conditions "
                            r"within max_sweeps = 1 sweeps for [123] of the requested values"):
        coefs, _ = run(X, y, l1s, max_sweeps=1)
    assert coefs.shape == (3, 5)
    exact, _ = run(X, y, l1s)                        # enough sweeps: exact, and no warning
    reference, _ = paths.elastic_net_path(X, y, l1s, l2)
    assert_allclose(exact, reference, atol=1e-9)
