"""helpers.regularization against independent references (numpy, SciPy, scikit-learn, Efron et al. 2004)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import minimize_scalar

from helpers import regularization as reg

pytestmark = pytest.mark.filterwarnings("error")  # no overflow / invalid-value warning may escape

# Efron, Hastie, Johnstone, Tibshirani (2004), "Least Angle Regression", Ann. Statist. 32(2),
# Fig. 1 / Table 1: variables 3, 9, 4, 7, 2, 10, 5, 8, 6, 1 enter in this order.
EFRON_ENTRY_ORDER = ["bmi", "s5", "bp", "s3", "sex", "s6", "s1", "s4", "s2", "age"]


# --------------------------------------------------------------------------- fixtures

def make_problem(seed=0, n=80, coef=(2.0, -1.0, 0.0, 0.0, 0.5), intercept=1.0, noise=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(coef))) + rng.normal(size=len(coef))  # non-centered on purpose
    y = X @ np.asarray(coef) + intercept + noise * rng.normal(size=n)
    return X, y


def sparse_problem(seed, n, p, coef, noise):
    """Gaussian features, y built from the first len(coef) of them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X[:, : len(coef)] @ np.asarray(coef) + noise * rng.normal(size=n)


def l1_max_of(X, y):
    """(2/n) max|X_c^T y_c|: the smallest l1 giving all-zero lasso weights."""
    return (2 / len(y)) * np.max(np.abs((X - X.mean(axis=0)).T @ (y - y.mean())))


def diabetes_standardized():
    datasets = pytest.importorskip("sklearn.datasets")
    d = datasets.load_diabetes(scaled=False)
    X = (d.data - d.data.mean(axis=0)) / d.data.std(axis=0)
    return X, d.target.astype(float), list(d.feature_names)


def course_objective(X, y, w, b, l1=0.0, l2=0.0):
    """The course's J written out directly, for reference."""
    r = X @ w + b - y
    return np.mean(r**2) + l2 * np.sum(w**2) + l1 * np.sum(np.abs(w))


def kkt_violation(X, y, w, b, l1):
    """Largest violation of the lasso optimality conditions of the course's J (b optimal too)."""
    n = len(y)
    r = y - X @ w - b
    grad = (2.0 / n) * X.T @ r                       # -dMSE/dw
    on = np.abs(grad - l1 * np.sign(w))
    off = np.maximum(np.abs(grad) - l1, 0.0)
    return max(np.max(np.where(w != 0, on, off)), abs(np.mean(r)))


def finite_diff_grad(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g


# --------------------------------------------------------------------------- penalties

def test_penalties_match_direct_sums():
    w = np.array([1.5, -2.0, 0.0, 0.25])
    assert reg.l1_penalty(w) == pytest.approx(1.5 + 2.0 + 0.0 + 0.25)
    assert reg.l2_penalty(w) == pytest.approx(np.linalg.norm(w) ** 2)


@pytest.mark.parametrize("seed", range(5))
def test_penalty_gradients_match_finite_differences_away_from_zero(seed):
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.2, 3.0, size=6) * rng.choice([-1.0, 1.0], size=6)
    assert_allclose(reg.l1_penalty_grad(w), finite_diff_grad(reg.l1_penalty, w), atol=1e-8)
    assert_allclose(reg.l2_penalty_grad(w), finite_diff_grad(reg.l2_penalty, w), rtol=1e-7)


def test_sign_of_zero_is_zero():
    assert_array_equal(reg.l1_penalty_grad([0.0, -0.0, 3.0, -3.0]), [0.0, 0.0, 1.0, -1.0])


def test_soft_threshold_matches_piecewise_formula():
    rng = np.random.default_rng(1)
    w = rng.normal(scale=2.0, size=200)
    t = 0.7
    expected = np.where(w > t, w - t, np.where(w < -t, w + t, 0.0))
    assert_array_equal(reg.soft_threshold(w, t), expected)
    # t broadcasts, any shape
    W = w.reshape(20, 10)
    T = np.linspace(0.0, 2.0, 10)
    expected = np.where(W > T, W - T, np.where(W < -T, W + T, 0.0))
    assert_array_equal(reg.soft_threshold(W, T), expected)
    assert reg.soft_threshold(-3.0, 1.0) == -2.0


@pytest.mark.parametrize("w,t", [(2.3, 0.5), (-1.1, 0.4), (0.3, 0.5), (-0.2, 1.0), (0.0, 0.3), (4.0, 0.0)])
def test_soft_threshold_is_the_prox_of_abs(w, t):
    res = minimize_scalar(lambda z: 0.5 * (z - w) ** 2 + t * abs(z), bounds=(-10, 10),
                          method="bounded", options={"xatol": 1e-12})
    assert reg.soft_threshold(w, t) == pytest.approx(res.x, abs=1e-7)


# --------------------------------------------------------------------------- objective

def test_objective_matches_direct_formula_and_batches():
    X, y = make_problem()
    rng = np.random.default_rng(2)
    W = rng.normal(size=(7, X.shape[1]))
    B = rng.normal(size=7)
    for w, b in zip(W, B):
        assert reg.objective(X, y, w, b, l1=0.3, l2=0.2) == pytest.approx(
            course_objective(X, y, w, b, 0.3, 0.2), rel=1e-13)
    batch = reg.objective(X, y, W, B, l1=0.3, l2=0.2)
    assert_allclose(batch, [course_objective(X, y, w, b, 0.3, 0.2) for w, b in zip(W, B)], rtol=1e-13)


def test_objective_grad_matches_finite_differences():
    X, y = make_problem()
    w = np.array([0.7, -1.2, 0.4, -0.3, 0.9])  # no zero weight: J is smooth there
    b = 0.4
    gw, gb = reg.objective_grad(X, y, w, b, l1=0.25, l2=0.15)
    fd_w = finite_diff_grad(lambda v: course_objective(X, y, v, b, 0.25, 0.15), w)
    fd_b = finite_diff_grad(lambda v: course_objective(X, y, w, v[0], 0.25, 0.15), [b])[0]
    assert_allclose(gw, fd_w, rtol=1e-6)
    assert gb == pytest.approx(fd_b, rel=1e-6)


def test_objective_grad_uses_sign_zero_for_zero_weights():
    X, y = make_problem()
    w = np.array([0.0, 1.0, 0.0, -1.0, 0.0])
    g1, _ = reg.objective_grad(X, y, w, 0.0, l1=0.5)
    g0, _ = reg.objective_grad(X, y, w, 0.0)
    assert_allclose(g1 - g0, 0.5 * np.array([0.0, 1.0, 0.0, -1.0, 0.0]), atol=1e-14)


# --------------------------------------------------------------------------- stable learning rate

def hessian_by_differences(X, y, l2, fit_intercept):
    """Hessian of the smooth part from differences of its gradient (exact: J is quadratic)."""
    p = X.shape[1]
    q = p + 1 if fit_intercept else p

    def grad(theta):
        w, b = theta[:p], (theta[p] if fit_intercept else 0.0)
        gw, gb = reg.objective_grad(X, y, w, b, l2=l2)
        return np.append(gw, gb) if fit_intercept else gw

    theta = np.full(q, 0.3)
    H = np.column_stack([grad(theta + np.eye(q)[i]) - grad(theta) for i in range(q)])
    return 0.5 * (H + H.T)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_stable_learning_rate_is_two_over_largest_hessian_eigenvalue(fit_intercept, l2):
    X, y = make_problem()
    L = np.max(np.linalg.eigvals(hessian_by_differences(X, y, l2, fit_intercept)).real)
    assert reg.stable_learning_rate(X, l2=l2, fit_intercept=fit_intercept) == pytest.approx(2 / L, rel=1e-9)
    if not fit_intercept:  # closed form: 2 / (2 sigma_max^2 / n + 2 l2)
        n = X.shape[0]
        assert reg.stable_learning_rate(X, l2=l2, fit_intercept=False) == pytest.approx(
            2 / (2 * np.linalg.norm(X, 2) ** 2 / n + 2 * l2), rel=1e-12)


def test_stable_learning_rate_accepts_an_array_of_l2():
    X, _ = make_problem()
    l2 = np.array([0.0, 0.5, 3.0])
    assert_allclose(reg.stable_learning_rate(X, l2=l2), [reg.stable_learning_rate(X, l2=v) for v in l2])


@pytest.mark.parametrize("l1_method", ["subgradient", "proximal"])
def test_divergence_beyond_the_stable_rate_is_flagged_and_frozen(l1_method):
    X, y = make_problem()
    eta = reg.stable_learning_rate(X, l2=0.1)
    bad = reg.gradient_descent(X, y, lr=1.1 * eta, steps=1000, l2=0.1, l1=0.05, l1_method=l1_method)
    good = reg.gradient_descent(X, y, lr=0.9 * eta, steps=1000, l2=0.1, l1=0.05, l1_method=l1_method)
    assert bad.diverged is True and bad.diverged_at > 0
    assert good.diverged is False and good.diverged_at == -1
    for traj in (bad, good):
        assert np.all(np.isfinite(traj.weights)) and np.all(np.isfinite(traj.intercepts))
        assert np.all(np.isfinite(traj.objective))
    k = bad.diverged_at
    assert np.all(bad.weights[k:] == bad.weights[k - 1])
    assert np.all(bad.objective[k:] == bad.objective[k - 1])
    assert bad.objective[k - 1] > 1e3 * bad.objective[0]   # it really was blowing up
    assert good.final_objective < good.objective[0]


def test_clip_beyond_the_stable_rate_never_converges_and_stays_finite():
    """Clipping zeroes the sign-flipping weights of an unstable run: it may cycle instead of blowing up."""
    X, y = make_problem()
    eta = reg.stable_learning_rate(X, l2=0.1)
    good = reg.gradient_descent(X, y, lr=0.9 * eta, steps=1000, l2=0.1, l1=0.05, l1_method="clip")
    for factor in (1.1, 3.0):
        bad = reg.gradient_descent(X, y, lr=factor * eta, steps=1000, l2=0.1, l1=0.05, l1_method="clip")
        assert np.all(np.isfinite(bad.weights)) and np.all(np.isfinite(bad.objective))
        assert bad.final_objective > 10 * good.final_objective
    assert bad.diverged


def test_just_inside_and_just_outside_the_stable_rate():
    """2/L is the sharp boundary: 0.99x converges, 1.01x grows (smooth problem)."""
    X, y = make_problem()
    eta = reg.stable_learning_rate(X)
    coef, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)
    J_min = course_objective(X, y, coef[:-1], coef[-1])
    inside = reg.gradient_descent(X, y, lr=0.99 * eta, steps=6000)
    outside = reg.gradient_descent(X, y, lr=1.01 * eta, steps=6000)
    assert inside.final_objective == pytest.approx(J_min, rel=1e-9)
    assert outside.diverged


def test_divergence_per_value_when_vectorized():
    X, y = make_problem()
    l2 = np.array([0.0, 0.5, 10.0, 30.0])
    rates = reg.stable_learning_rate(X, l2=l2)
    lr = np.sqrt(rates[1] * rates[2])  # stable for the two small l2, too large for the two big ones
    assert rates[2] < 0.9 * lr < lr < 0.9 * rates[1]
    traj = reg.gradient_descent(X, y, lr=lr, steps=2000, l2=l2)
    assert_array_equal(traj.diverged, lr > rates)
    assert np.all((traj.diverged_at > 0) == traj.diverged)
    assert np.all(np.isfinite(traj.weights))


def test_absurd_learning_rate_gives_no_overflow():
    X, y = make_problem()
    traj = reg.gradient_descent(X, y, lr=1e300, steps=5, l1=1.0, l1_method="proximal")
    assert traj.diverged and traj.diverged_at == 1
    assert np.all(np.isfinite(traj.weights)) and np.all(np.isfinite(traj.objective))


# --------------------------------------------------------------------------- gradient descent: limits

@pytest.mark.parametrize("fit_intercept", [True, False])
def test_plain_gradient_descent_converges_to_least_squares(fit_intercept):
    X, y = make_problem()
    A = np.column_stack([X, np.ones(len(y))]) if fit_intercept else X
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    traj = reg.gradient_descent(X, y, lr=0.5 * reg.stable_learning_rate(X, fit_intercept=fit_intercept),
                                steps=4000, fit_intercept=fit_intercept)
    assert_allclose(traj.final_weights, coef[: X.shape[1]], atol=1e-9)
    assert traj.final_intercept == pytest.approx(coef[-1] if fit_intercept else 0.0, abs=1e-9)


def test_l2_gradient_descent_converges_to_ridge():
    X, y = make_problem()
    l2 = 0.3
    traj = reg.gradient_descent(X, y, lr=0.5 * reg.stable_learning_rate(X, l2=l2), steps=4000, l2=l2)
    coefs, intercepts = reg.ridge_path(X, y, [l2])
    assert_allclose(traj.final_weights, coefs[0], atol=1e-10)
    assert traj.final_intercept == pytest.approx(intercepts[0], abs=1e-10)


@pytest.mark.parametrize("l1_method", ["proximal", "clip"])
def test_proximal_and_clip_converge_to_the_lasso(l1_method):
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y = make_problem()
    l1 = 0.4
    traj = reg.gradient_descent(X, y, lr=0.5 * reg.stable_learning_rate(X), steps=5000, l1=l1,
                                l1_method=l1_method)
    coefs, intercepts = reg.lasso_path(X, y, [l1])
    assert_allclose(traj.final_weights, coefs[0], atol=1e-10)
    assert traj.final_intercept == pytest.approx(intercepts[0], abs=1e-10)
    sk = linear_model.Lasso(alpha=reg.sklearn_lasso_alpha(l1), tol=1e-12, max_iter=100_000).fit(X, y)
    assert_allclose(traj.final_weights, sk.coef_, atol=1e-7)
    assert_array_equal(traj.final_weights == 0, sk.coef_ == 0)


# --------------------------------------------------------------------------- gradient descent: vectorized

@pytest.mark.parametrize("l1_method", reg.L1_METHODS)
@pytest.mark.parametrize("which", ["l1 array", "l2 array", "both arrays"])
def test_vectorized_run_equals_a_loop_of_scalar_runs(l1_method, which):
    X, y = make_problem(seed=3)
    l1s = np.linspace(0.0, 0.8, 9)
    l2s = np.linspace(0.0, 0.5, 9)
    l1_arg, l2_arg = {"l1 array": (l1s, 0.1), "l2 array": (0.2, l2s), "both arrays": (l1s, l2s)}[which]
    kw = dict(lr=0.3 * reg.stable_learning_rate(X), steps=300, l1_method=l1_method,
              w0=np.array([0.5, -0.5, 0.1, -0.1, 0.0]), b0=0.2)
    traj = reg.gradient_descent(X, y, l1=l1_arg, l2=l2_arg, **kw)
    assert traj.weights.shape == (9, 301, 5)
    assert traj.intercepts.shape == traj.objective.shape == (9, 301)
    assert traj.diverged.shape == traj.diverged_at.shape == (9,)
    for i in range(9):
        one = reg.gradient_descent(X, y, l1=np.broadcast_to(l1_arg, 9)[i],
                                   l2=np.broadcast_to(l2_arg, 9)[i], **kw)
        assert one.weights.shape == (301, 5) and isinstance(one.diverged, bool)
        assert_allclose(traj.weights[i], one.weights, rtol=1e-12, atol=1e-12)
        assert_allclose(traj.intercepts[i], one.intercepts, rtol=1e-12, atol=1e-12)
        assert_allclose(traj.objective[i], one.objective, rtol=1e-12, atol=1e-12)
        assert traj.diverged[i] == one.diverged and traj.diverged_at[i] == one.diverged_at
        assert_array_equal(traj.exact_zero_counts[i], one.exact_zero_counts)


def test_trajectory_records_settings_and_final_values():
    X, y = make_problem()
    traj = reg.gradient_descent(X, y, lr=0.01, steps=10, l1=0.2, l2=0.1, l1_method="clip")
    assert (traj.l1, traj.l2, traj.lr, traj.l1_method, traj.steps) == (0.2, 0.1, 0.01, "clip", 10)
    assert_array_equal(traj.final_weights, traj.weights[-1])
    assert traj.final_intercept == traj.intercepts[-1]
    assert_array_equal(traj.weights[0], np.zeros(5))
    assert_allclose(traj.objective, [course_objective(X, y, w, b, 0.2, 0.1)
                                     for w, b in zip(traj.weights, traj.intercepts)], rtol=1e-12)
    with pytest.raises(ValueError):
        traj.weights[0, 0] = 1.0  # read-only


def test_plain_step_matches_the_notes_update_rule():
    """One step by hand: w <- w - eta*(dL/dw + alpha*sign(w) + 2*lambda*w)."""
    X, y = make_problem()
    w0 = np.array([0.5, -0.4, 0.0, 0.3, -0.2])
    lr, l1, l2 = 0.02, 0.3, 0.2
    n = len(y)
    r = X @ w0 + 0.1 - y
    expected_w = w0 - lr * ((2 / n) * X.T @ r + l1 * np.sign(w0) + 2 * l2 * w0)
    expected_b = 0.1 - lr * (2 / n) * r.sum()
    traj = reg.gradient_descent(X, y, lr=lr, steps=1, l1=l1, l2=l2, w0=w0, b0=0.1)
    assert_allclose(traj.weights[1], expected_w, rtol=1e-13)
    assert traj.intercepts[1] == pytest.approx(expected_b, rel=1e-13)


def test_without_intercept_the_bias_stays_put():
    X, y = make_problem()
    traj = reg.gradient_descent(X, y, lr=0.01, steps=20, b0=0.7, fit_intercept=False)
    assert np.all(traj.intercepts == 0.7)


# --------------------------------------------------------------------------- exact zeros vs chatter

def useless_feature_problem(seed=4, n=100):
    """Two informative features and one exactly orthogonal (after centering) to them and to y."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    X -= X.mean(axis=0)
    y = X[:, 0] * 2.0 - X[:, 1] + 0.2 * rng.normal(size=n)
    y -= y.mean()
    Q, _ = np.linalg.qr(np.column_stack([np.ones(n), X[:, :2], y, X[:, 2]]))
    X[:, 2] = Q[:, 4] * np.sqrt(n)  # unit mean square, orthogonal to 1, x0, x1 and y
    return X, y


def test_subgradient_chatters_around_zero_with_amplitude_lr_times_l1():
    X, y = useless_feature_problem()
    lr, l1 = 0.05, 0.4
    traj = reg.gradient_descent(X, y, lr=lr, steps=3000, l1=l1, w0=np.array([1.0, 1.0, 1.0]))
    tail = traj.weights[-500:, 2]
    assert np.count_nonzero(tail == 0.0) == 0                      # never exactly zero
    assert np.max(np.abs(tail)) <= lr * l1 * (1 + 1e-9)            # but within lr*l1 of it
    assert np.count_nonzero(np.diff(np.sign(tail)) != 0) > 400     # flipping sign nearly every step
    assert np.max(tail) - np.min(tail) >= 0.5 * lr * l1            # peak-to-peak about lr*l1


def test_subgradient_on_a_correlated_noise_feature_still_chatters():
    X, y = sparse_problem(5, 100, 4, [3.0, -2.0], 0.5)
    lr, l1 = 0.02, 0.5
    traj = reg.gradient_descent(X, y, lr=lr, steps=4000, l1=l1)
    coefs, _ = reg.lasso_path(X, y, [l1])
    useless = np.flatnonzero(coefs[0] == 0)
    assert useless.size >= 1
    tail = traj.weights[-500:][:, useless]
    # the loss gradient g_j at the lasso solution satisfies |g_j| <= l1, so each step moves
    # a weight near zero by lr*(l1 +- |g_j|) <= 2*lr*l1: it stays in that band but is not zero
    assert np.count_nonzero(tail == 0.0) == 0
    assert np.max(np.abs(tail)) <= 2 * lr * l1


@pytest.mark.parametrize("l1_method", ["clip", "proximal"])
def test_clip_and_proximal_give_exact_zeros(l1_method):
    linear_model = pytest.importorskip("sklearn.linear_model")
    p = 8
    X, y = sparse_problem(6, 120, p, [3.0, -2.0, 1.5], 0.5)
    l1 = 0.3
    sk = linear_model.Lasso(alpha=reg.sklearn_lasso_alpha(l1), tol=1e-12, max_iter=100_000).fit(X, y)
    expected = int(np.count_nonzero(sk.coef_ == 0))
    assert expected >= 3
    traj = reg.gradient_descent(X, y, lr=0.4 * reg.stable_learning_rate(X), steps=3000, l1=l1,
                                l1_method=l1_method, w0=np.ones(p))
    assert traj.exact_zero_counts[-1] == expected
    assert np.all(traj.exact_zero_counts[-200:] == expected)        # and they stay zero
    assert_array_equal(traj.final_weights == 0, sk.coef_ == 0)
    sub = reg.gradient_descent(X, y, lr=0.4 * reg.stable_learning_rate(X), steps=3000, l1=l1,
                               w0=np.ones(p))
    assert sub.exact_zero_counts[-1] == 0


def test_clip_sets_a_crossing_weight_to_zero_and_leaves_zero_only_when_the_gradient_beats_l1():
    X, y = make_problem()
    n = len(y)
    w0 = np.array([0.01, 0.0, 0.0, -0.01, 2.0])
    lr, l1 = 0.05, 1.0
    g = (2 / n) * X.T @ (X @ w0 - y)
    sub = w0 - lr * (g + l1 * np.sign(w0))
    expected = sub.copy()
    expected[(np.sign(sub) == -np.sign(w0)) & (w0 != 0)] = 0.0
    at_zero = w0 == 0
    leave = np.abs(g) > l1
    expected[at_zero & ~leave] = 0.0
    expected[at_zero & leave] = -lr * (g - l1 * np.sign(g))[at_zero & leave]
    traj = reg.gradient_descent(X, y, lr=lr, steps=1, l1=l1, l1_method="clip", w0=w0, fit_intercept=False)
    assert_allclose(traj.weights[1], expected, rtol=1e-13, atol=0)
    assert np.any((np.sign(sub) == -np.sign(w0)) & (w0 != 0))        # the case is exercised


# --------------------------------------------------------------------------- ridge path

def test_ridge_path_matches_normal_equations_and_sklearn():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y = make_problem()
    n, p = X.shape
    l2s = np.array([0.0, 0.01, 0.3, 5.0])
    coefs, intercepts = reg.ridge_path(X, y, l2s)
    assert coefs.shape == (4, p) and intercepts.shape == (4,)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    for l2, c, b in zip(l2s, coefs, intercepts):
        ref = np.linalg.solve(Xc.T @ Xc + n * l2 * np.eye(p), Xc.T @ yc)
        assert_allclose(c, ref, rtol=1e-10)
        assert b == pytest.approx(y.mean() - X.mean(axis=0) @ ref, rel=1e-10)
        sk = linear_model.Ridge(alpha=reg.sklearn_ridge_alpha(l2, n), solver="svd").fit(X, y)
        assert_allclose(c, sk.coef_, rtol=1e-9)
        assert b == pytest.approx(sk.intercept_, rel=1e-9)


def test_ridge_path_at_zero_on_rank_deficient_data_is_min_norm_least_squares():
    X, y = make_problem()
    X = np.column_stack([X, X[:, 0]])               # duplicated column
    coefs, _ = reg.ridge_path(X, y, 0.0)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    assert_allclose(coefs[0], np.linalg.pinv(Xc) @ yc, atol=1e-10)


def test_ridge_path_without_intercept():
    X, y = make_problem()
    n, p = X.shape
    coefs, intercepts = reg.ridge_path(X, y, [0.2], fit_intercept=False)
    assert_allclose(coefs[0], np.linalg.solve(X.T @ X + n * 0.2 * np.eye(p), X.T @ y), rtol=1e-10)
    assert intercepts[0] == 0.0


# --------------------------------------------------------------------------- lasso path

def test_lasso_path_matches_sklearn_lasso_and_satisfies_kkt():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y, _ = diabetes_standardized()
    l1_max = l1_max_of(X, y)
    l1s = l1_max * np.array([0.9, 0.5, 0.2, 0.05, 0.01, 0.002, 1e-4])
    coefs, intercepts = reg.lasso_path(X, y, l1s)
    for l1, c, b in zip(l1s, coefs, intercepts):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * l1_max
        sk = linear_model.Lasso(alpha=reg.sklearn_lasso_alpha(l1), tol=1e-12, max_iter=100_000).fit(X, y)
        assert_allclose(c, sk.coef_, atol=1e-6 * np.max(np.abs(sk.coef_)))
        assert b == pytest.approx(sk.intercept_, rel=1e-9)
        # ours is at least as good as sklearn's on the course objective
        assert course_objective(X, y, c, b, l1) <= course_objective(X, y, sk.coef_, sk.intercept_, l1) + 1e-12


def test_lasso_path_matches_sklearn_lasso_path():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y, _ = diabetes_standardized()
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    l1s = np.geomspace(90.0, 0.05, 40)
    coefs, _ = reg.lasso_path(X, y, l1s)
    _, sk_coefs, _ = linear_model.lasso_path(Xc, yc, alphas=reg.sklearn_lasso_alpha(l1s),
                                             tol=1e-13, max_iter=1_000_000)
    assert_allclose(coefs, sk_coefs.T, atol=1e-6)


def test_lasso_knots_match_sklearn_lars_path():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y, _ = diabetes_standardized()
    knots = reg.lasso_knots(X, y)
    alphas, _, sk_coefs = linear_model.lars_path(X - X.mean(0), y - y.mean(), method="lasso")
    assert_allclose(knots.l1, reg.l1_from_sklearn_lasso_alpha(alphas), rtol=1e-9, atol=1e-9)
    assert_allclose(knots.coefs, sk_coefs.T, rtol=1e-8, atol=1e-8)


def test_lasso_path_above_l1_max_is_all_zeros():
    X, y, _ = diabetes_standardized()
    l1_max = l1_max_of(X, y)
    coefs, intercepts = reg.lasso_path(X, y, [l1_max, 1.5 * l1_max, 1e6])
    assert np.all(coefs == 0.0)
    assert_allclose(intercepts, y.mean())
    below, _ = reg.lasso_path(X, y, [0.999 * l1_max])
    assert np.count_nonzero(below) == 1
    assert reg.lasso_knots(X, y).l1_max == pytest.approx(l1_max, rel=1e-12)


def test_lasso_path_at_zero_is_least_squares():
    X, y, _ = diabetes_standardized()
    coef, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)
    coefs, intercepts = reg.lasso_path(X, y, [0.0])
    assert_allclose(coefs[0], coef[:-1], rtol=1e-9)
    assert intercepts[0] == pytest.approx(coef[-1], rel=1e-12)


def test_diabetes_entry_order_is_the_published_one():
    X, y, names = diabetes_standardized()
    knots = reg.lasso_knots(X, y)
    assert [names[j] for j in knots.entry_order] == EFRON_ENTRY_ORDER
    # the lasso (unlike plain LARS) drops s3 (variable 7) near the end and takes it back
    leaves = [names[j] for _, j, kind in knots.events if kind == "leave"]
    assert leaves == ["s3"]
    assert np.all(np.diff(knots.l1) < 0) and knots.l1[-1] == 0.0


def test_lasso_path_falls_back_to_kkt_on_duplicated_columns():
    X, y = make_problem()
    X = np.column_stack([X, X[:, 0]])               # ties: LARS alone cannot choose
    l1s = np.array([2.0, 0.5, 0.1, 0.01])
    coefs, intercepts = reg.lasso_path(X, y, l1s)
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
    coefs, intercepts = reg.lasso_path(X, y, l1s)
    for l1, c, b in zip(l1s, coefs, intercepts):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * l1_max
        assert c[0] != 0 and c[1] != 0


def test_lasso_path_with_more_features_than_samples():
    n = 20
    X, y = sparse_problem(7, n, 50, [2.0, -2.0, 1.0], 0.1)
    l1s = np.geomspace(2.0, 0.01, 12)
    coefs, intercepts = reg.lasso_path(X, y, l1s)
    scale = l1_max_of(X, y)
    for l1, c, b in zip(l1s, coefs, intercepts):
        assert kkt_violation(X, y, c, b, l1) <= 1e-10 * scale
        assert np.count_nonzero(c) <= n - 1


# --------------------------------------------------------------------------- library conventions

def test_sklearn_lasso_conversion():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y = make_problem()
    for l1 in [0.05, 0.4, 1.5]:
        alpha = reg.sklearn_lasso_alpha(l1)
        assert alpha == l1 / 2 and reg.l1_from_sklearn_lasso_alpha(alpha) == l1
        sk = linear_model.Lasso(alpha=alpha, tol=1e-12, max_iter=100_000).fit(X, y)
        coefs, intercepts = reg.lasso_path(X, y, [l1])
        assert_allclose(sk.coef_, coefs[0], atol=1e-8)
        assert sk.intercept_ == pytest.approx(intercepts[0], abs=1e-8)


def test_sklearn_ridge_conversion():
    linear_model = pytest.importorskip("sklearn.linear_model")
    X, y = make_problem()
    n = len(y)
    for l2 in [0.01, 0.3, 4.0]:
        alpha = reg.sklearn_ridge_alpha(l2, n)
        assert alpha == pytest.approx(n * l2) and reg.l2_from_sklearn_ridge_alpha(alpha, n) == pytest.approx(l2)
        sk = linear_model.Ridge(alpha=alpha, solver="cholesky").fit(X, y)
        traj = reg.gradient_descent(X, y, lr=0.5 * reg.stable_learning_rate(X, l2=l2), steps=4000, l2=l2)
        assert_allclose(sk.coef_, traj.final_weights, atol=1e-9)
        assert sk.intercept_ == pytest.approx(traj.final_intercept, abs=1e-9)


def test_conversions_accept_arrays():
    assert_allclose(reg.sklearn_lasso_alpha([0.2, 1.0]), [0.1, 0.5])
    assert_allclose(reg.sklearn_ridge_alpha(np.array([0.1, 2.0]), 50), [5.0, 100.0])
