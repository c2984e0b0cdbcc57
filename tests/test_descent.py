"""helpers.descent against independent references (numpy recurrences and lstsq, scikit-learn's Lasso)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import linear_model

from helpers import conventions, descent, paths, penalties
from tests.regression_problems import course_objective, make_problem, sparse_problem

pytestmark = pytest.mark.filterwarnings("error")  # no overflow / invalid-value warning may escape


# --------------------------------------------------------------------------- stable learning rate

def hessian_by_differences(X, y, l2, fit_intercept):
    """Hessian of the smooth part from differences of its gradient (exact: J is quadratic)."""
    p = X.shape[1]
    q = p + 1 if fit_intercept else p

    def grad(theta):
        w, b = theta[:p], (theta[p] if fit_intercept else 0.0)
        gw, gb = penalties.objective_grad(X, y, w, b, l2=l2)
        return np.append(gw, gb) if fit_intercept else gw

    theta = np.full(q, 0.3)
    H = np.column_stack([grad(theta + np.eye(q)[i]) - grad(theta) for i in range(q)])
    return 0.5 * (H + H.T)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l2", [0.0, 0.4])
def test_stable_learning_rate_is_two_over_largest_hessian_eigenvalue(fit_intercept, l2):
    X, y = make_problem()
    L = np.max(np.linalg.eigvals(hessian_by_differences(X, y, l2, fit_intercept)).real)
    assert descent.stable_learning_rate(X, l2=l2, fit_intercept=fit_intercept) == pytest.approx(2 / L, rel=1e-9)
    if not fit_intercept:  # closed form: 2 / (2 sigma_max^2 / n + 2 l2)
        n = X.shape[0]
        assert descent.stable_learning_rate(X, l2=l2, fit_intercept=False) == pytest.approx(
            2 / (2 * np.linalg.norm(X, 2) ** 2 / n + 2 * l2), rel=1e-12)


def test_stable_learning_rate_accepts_an_array_of_l2():
    X, _ = make_problem()
    l2 = np.array([0.0, 0.5, 3.0])
    assert_allclose(descent.stable_learning_rate(X, l2=l2), [descent.stable_learning_rate(X, l2=v) for v in l2])


@pytest.mark.parametrize("l1_method", ["subgradient", "proximal"])
def test_divergence_beyond_the_stable_rate_is_flagged_and_frozen(l1_method):
    X, y = make_problem()
    eta = descent.stable_learning_rate(X, l2=0.1)
    bad = descent.gradient_descent(X, y, lr=1.1 * eta, steps=1000, l2=0.1, l1=0.05, l1_method=l1_method)
    good = descent.gradient_descent(X, y, lr=0.9 * eta, steps=1000, l2=0.1, l1=0.05, l1_method=l1_method)
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
    eta = descent.stable_learning_rate(X, l2=0.1)
    good = descent.gradient_descent(X, y, lr=0.9 * eta, steps=1000, l2=0.1, l1=0.05, l1_method="clip")
    for factor in (1.1, 3.0):
        bad = descent.gradient_descent(X, y, lr=factor * eta, steps=1000, l2=0.1, l1=0.05, l1_method="clip")
        assert np.all(np.isfinite(bad.weights)) and np.all(np.isfinite(bad.objective))
        assert bad.final_objective > 10 * good.final_objective
    assert bad.diverged


def test_just_inside_and_just_outside_the_stable_rate():
    """2/L is the sharp boundary: 0.99x converges, 1.01x grows (smooth problem)."""
    X, y = make_problem()
    eta = descent.stable_learning_rate(X)
    coef, *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)
    J_min = course_objective(X, y, coef[:-1], coef[-1])
    inside = descent.gradient_descent(X, y, lr=0.99 * eta, steps=6000)
    outside = descent.gradient_descent(X, y, lr=1.01 * eta, steps=6000)
    assert inside.final_objective == pytest.approx(J_min, rel=1e-9)
    assert outside.diverged


def test_divergence_per_value_when_vectorized():
    X, y = make_problem()
    l2 = np.array([0.0, 0.5, 10.0, 30.0])
    rates = descent.stable_learning_rate(X, l2=l2)
    lr = np.sqrt(rates[1] * rates[2])  # stable for the two small l2, too large for the two big ones
    assert rates[2] < 0.9 * lr < lr < 0.9 * rates[1]
    traj = descent.gradient_descent(X, y, lr=lr, steps=2000, l2=l2)
    assert_array_equal(traj.diverged, lr > rates)
    assert np.all((traj.diverged_at > 0) == traj.diverged)
    assert np.all(np.isfinite(traj.weights))


def test_absurd_learning_rate_gives_no_overflow():
    X, y = make_problem()
    traj = descent.gradient_descent(X, y, lr=1e300, steps=5, l1=1.0, l1_method="proximal")
    assert traj.diverged and traj.diverged_at == 1
    assert np.all(np.isfinite(traj.weights)) and np.all(np.isfinite(traj.objective))


# --------------------------------------------------------------------------- gradient descent: limits

@pytest.mark.parametrize("fit_intercept", [True, False])
def test_plain_gradient_descent_converges_to_least_squares(fit_intercept):
    X, y = make_problem()
    A = np.column_stack([X, np.ones(len(y))]) if fit_intercept else X
    coef, *_ = np.linalg.lstsq(A, y, rcond=None)
    traj = descent.gradient_descent(X, y, lr=0.5 * descent.stable_learning_rate(X, fit_intercept=fit_intercept),
                                steps=4000, fit_intercept=fit_intercept)
    assert_allclose(traj.final_weights, coef[: X.shape[1]], atol=1e-9)
    assert traj.final_intercept == pytest.approx(coef[-1] if fit_intercept else 0.0, abs=1e-9)


def test_l2_gradient_descent_converges_to_ridge():
    X, y = make_problem()
    l2 = 0.3
    traj = descent.gradient_descent(X, y, lr=0.5 * descent.stable_learning_rate(X, l2=l2), steps=4000, l2=l2)
    coefs, intercepts = paths.ridge_path(X, y, [l2])
    assert_allclose(traj.final_weights, coefs[0], atol=1e-10)
    assert traj.final_intercept == pytest.approx(intercepts[0], abs=1e-10)


@pytest.mark.parametrize("l1_method", ["proximal", "clip"])
def test_proximal_and_clip_converge_to_the_lasso(l1_method):
    X, y = make_problem()
    l1 = 0.4
    traj = descent.gradient_descent(X, y, lr=0.5 * descent.stable_learning_rate(X), steps=5000, l1=l1,
                                l1_method=l1_method)
    coefs, intercepts = paths.lasso_path(X, y, [l1])
    assert_allclose(traj.final_weights, coefs[0], atol=1e-10)
    assert traj.final_intercept == pytest.approx(intercepts[0], abs=1e-10)
    sk = linear_model.Lasso(alpha=conventions.sklearn_lasso_alpha(l1), tol=1e-12, max_iter=100_000).fit(X, y)
    assert_allclose(traj.final_weights, sk.coef_, atol=1e-7)
    assert_array_equal(traj.final_weights == 0, sk.coef_ == 0)


# --------------------------------------------------------------------------- gradient descent: vectorized

@pytest.mark.parametrize("l1_method", descent.L1_METHODS)
@pytest.mark.parametrize("which", ["l1 array", "l2 array", "both arrays"])
def test_vectorized_run_equals_a_loop_of_scalar_runs(l1_method, which):
    X, y = make_problem(seed=3)
    l1s = np.linspace(0.0, 0.8, 9)
    l2s = np.linspace(0.0, 0.5, 9)
    l1_arg, l2_arg = {"l1 array": (l1s, 0.1), "l2 array": (0.2, l2s), "both arrays": (l1s, l2s)}[which]
    kw = dict(lr=0.3 * descent.stable_learning_rate(X), steps=300, l1_method=l1_method,
              w0=np.array([0.5, -0.5, 0.1, -0.1, 0.0]), b0=0.2)
    traj = descent.gradient_descent(X, y, l1=l1_arg, l2=l2_arg, **kw)
    assert traj.weights.shape == (9, 301, 5)
    assert traj.intercepts.shape == traj.objective.shape == (9, 301)
    assert traj.diverged.shape == traj.diverged_at.shape == (9,)
    for i in range(9):
        one = descent.gradient_descent(X, y, l1=np.broadcast_to(l1_arg, 9)[i],
                                   l2=np.broadcast_to(l2_arg, 9)[i], **kw)
        assert one.weights.shape == (301, 5) and isinstance(one.diverged, bool)
        assert_allclose(traj.weights[i], one.weights, rtol=1e-12, atol=1e-12)
        assert_allclose(traj.intercepts[i], one.intercepts, rtol=1e-12, atol=1e-12)
        assert_allclose(traj.objective[i], one.objective, rtol=1e-12, atol=1e-12)
        assert traj.diverged[i] == one.diverged and traj.diverged_at[i] == one.diverged_at
        assert_array_equal(traj.exact_zero_counts[i], one.exact_zero_counts)


def test_trajectory_records_settings_and_final_values():
    X, y = make_problem()
    traj = descent.gradient_descent(X, y, lr=0.01, steps=10, l1=0.2, l2=0.1, l1_method="clip")
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
    traj = descent.gradient_descent(X, y, lr=lr, steps=1, l1=l1, l2=l2, w0=w0, b0=0.1)
    assert_allclose(traj.weights[1], expected_w, rtol=1e-13)
    assert traj.intercepts[1] == pytest.approx(expected_b, rel=1e-13)


def test_without_intercept_the_bias_stays_put():
    X, y = make_problem()
    traj = descent.gradient_descent(X, y, lr=0.01, steps=20, b0=0.7, fit_intercept=False)
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
    traj = descent.gradient_descent(X, y, lr=lr, steps=3000, l1=l1, w0=np.array([1.0, 1.0, 1.0]))
    tail = traj.weights[-500:, 2]
    assert np.count_nonzero(tail == 0.0) == 0                      # never exactly zero
    assert np.max(np.abs(tail)) <= lr * l1 * (1 + 1e-9)            # but within lr*l1 of it
    assert np.count_nonzero(np.diff(np.sign(tail)) != 0) > 400     # flipping sign nearly every step
    assert np.max(tail) - np.min(tail) >= 0.5 * lr * l1            # peak-to-peak about lr*l1


def test_subgradient_on_a_correlated_noise_feature_still_chatters():
    X, y = sparse_problem(5, 100, 4, [3.0, -2.0], 0.5)
    lr, l1 = 0.02, 0.5
    traj = descent.gradient_descent(X, y, lr=lr, steps=4000, l1=l1)
    coefs, _ = paths.lasso_path(X, y, [l1])
    useless = np.flatnonzero(coefs[0] == 0)
    assert useless.size >= 1
    tail = traj.weights[-500:][:, useless]
    # the loss gradient g_j at the lasso solution satisfies |g_j| <= l1, so each step moves
    # a weight near zero by lr*(l1 +- |g_j|) <= 2*lr*l1: it stays in that band but is not zero
    assert np.count_nonzero(tail == 0.0) == 0
    assert np.max(np.abs(tail)) <= 2 * lr * l1


@pytest.mark.parametrize("l1_method", ["clip", "proximal"])
def test_clip_and_proximal_give_exact_zeros(l1_method):
    p = 8
    X, y = sparse_problem(6, 120, p, [3.0, -2.0, 1.5], 0.5)
    l1 = 0.3
    sk = linear_model.Lasso(alpha=conventions.sklearn_lasso_alpha(l1), tol=1e-12, max_iter=100_000).fit(X, y)
    expected = int(np.count_nonzero(sk.coef_ == 0))
    assert expected >= 3
    traj = descent.gradient_descent(X, y, lr=0.4 * descent.stable_learning_rate(X), steps=3000, l1=l1,
                                l1_method=l1_method, w0=np.ones(p))
    assert traj.exact_zero_counts[-1] == expected
    assert np.all(traj.exact_zero_counts[-200:] == expected)        # and they stay zero
    assert_array_equal(traj.final_weights == 0, sk.coef_ == 0)
    sub = descent.gradient_descent(X, y, lr=0.4 * descent.stable_learning_rate(X), steps=3000, l1=l1,
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
    traj = descent.gradient_descent(X, y, lr=lr, steps=1, l1=l1, l1_method="clip", w0=w0, fit_intercept=False)
    assert_allclose(traj.weights[1], expected, rtol=1e-13, atol=0)
    assert np.any((np.sign(sub) == -np.sign(w0)) & (w0 != 0))        # the case is exercised


# --------------------------------------------------------------------------- the rules as stated (issue 9 item 2, 3)

def _literal_clip_run(X, y, lr, l1, steps, w0):
    """The old table's rule, written out: subgradient step, a weight whose sign flipped is set to 0."""
    n, p = X.shape
    w, b, out = np.array(w0, dtype=float), 0.0, []
    for _ in range(steps):
        r = X @ w + b - y
        g = 2 / n * X.T @ r
        new = w - lr * (g + l1 * np.sign(w))
        new[(w != 0) & (np.sign(new) == -np.sign(w))] = 0.0
        b -= lr * 2 / n * r.sum()
        w = new
        out.append(w.copy())
    return np.array(out)


def test_clip_literal_is_the_stated_rule_and_does_not_keep_a_useless_weight_at_zero():
    """Issue 9 item 2: 'a weight whose sign flipped is set to 0', as stated, lets a zero weight
    leave again at once (sign(0) = 0 leaves only the loss step): it does not 'stay there'."""
    X, y = sparse_problem(5, 100, 4, [3.0, -2.0], 0.5)
    lr, l1, steps = 0.02, 0.5, 2000
    w0 = np.ones(4)
    traj = descent.gradient_descent(X, y, lr=lr, steps=steps, l1=l1, l1_method="clip_literal", w0=w0)
    assert_allclose(traj.weights[1:], _literal_clip_run(X, y, lr, l1, steps, w0), rtol=1e-9, atol=1e-12)
    coefs, _ = paths.lasso_path(X, y, [l1])
    useless = np.flatnonzero(coefs[0] == 0)
    tail = traj.weights[-500:][:, useless]
    assert np.any(tail == 0.0) and np.any(tail != 0.0)              # hit 0, then leave it again
    clip = descent.gradient_descent(X, y, lr=lr, steps=steps, l1=l1, l1_method="clip", w0=w0)
    assert np.all(clip.weights[-500:][:, useless] == 0.0)           # with the test at zero it stays
    assert np.all(clip.exact_zero_counts[-500:] > traj.exact_zero_counts[-500:].min())


def test_clipping_at_zero_with_the_intermediate_sign_is_soft_thresholding():
    """Loss step v = w - lr*g, then an L1 step of lr*l1 toward 0 that stops at 0 (clipping at zero,
    scikit-learn's rule without its carry-over) equals soft_threshold(v, lr*l1) for every input."""
    rng = np.random.default_rng(3)
    v = np.concatenate([rng.normal(size=2000), [0.0, 0.3, -0.3, 0.29999999]])
    t = 0.3
    truncated = np.where(v > 0, np.maximum(0.0, v - t), np.where(v < 0, np.minimum(0.0, v + t), 0.0))
    assert_array_equal(truncated, penalties.soft_threshold(v, t))
    X, y = make_problem()
    w0 = np.array([0.5, -0.2, 0.0, 0.01, 1.0])
    g = (2 / len(y)) * X.T @ (X @ w0 - y)
    lr, l1 = 0.05, 0.8
    v = w0 - lr * g
    step = np.where(v > 0, np.maximum(0.0, v - lr * l1), np.where(v < 0, np.minimum(0.0, v + lr * l1), 0.0))
    traj = descent.gradient_descent(X, y, lr=lr, steps=1, l1=l1, l1_method="proximal", w0=w0, fit_intercept=False)
    assert_allclose(traj.weights[1], step, rtol=1e-13, atol=0)


def test_saw_tooth_moves_by_lr_times_l1_minus_and_plus_g():
    """Issue 9 item 3: near 0 the subgradient weight creeps toward 0 against the loss's pull in
    steps of lr*(l1 - |g|) and jumps back across 0, the way -g points, by lr*(l1 + |g|); its band
    lies mostly on the side -g points to, not centred on 0 unless g is about 0."""
    X, y = sparse_problem(5, 100, 4, [3.0, -2.0], 0.5)
    lr, l1 = 0.02, 0.12
    coefs, intercepts = paths.lasso_path(X, y, [l1])
    useless = np.flatnonzero(coefs[0] == 0)
    r = y - X @ coefs[0] - intercepts[0]
    g_star = -(2 / len(y)) * X.T @ r                                # loss gradient at the lasso solution
    j = useless[np.argmax(np.abs(g_star[useless]))]
    g = g_star[j]
    assert 0.2 * l1 < abs(g) < l1                                   # a feature the loss pulls on
    traj = descent.gradient_descent(X, y, lr=lr, steps=6000, l1=l1)
    tail = traj.weights[-1000:, j]
    steps = np.diff(tail)
    small, big = lr * (l1 - abs(g)), lr * (l1 + abs(g))
    jumps = steps[np.sign(steps) == -np.sign(g)]                    # the way the loss pulls
    creeps = steps[np.sign(steps) == np.sign(g)]                    # against it, toward 0
    assert_allclose(np.abs(jumps), big, rtol=0.05)
    assert_allclose(np.abs(creeps), small, rtol=0.12)              # g moves a little: the other weights chatter too
    assert creeps.size > jumps.size                                 # more small steps than big ones
    centre = 0.5 * (tail.max() + tail.min())
    assert abs(centre) > 0.25 * lr * abs(g)                         # not centred on 0
    assert np.sign(centre) == -np.sign(g)


def _sklearn_l1penalty(w, u, q):
    """scikit-learn's sgd_fast l1penalty (Tsuruoka, Tsujii and Ananiadou 2009): clip at 0 against the
    cumulative penalty u minus what this weight has received so far, q; q records what was applied."""
    z = w
    if w > 0:
        w = max(0.0, w - (u + q))
    elif w < 0:
        w = min(0.0, w + (u - q))
    return w, q + (w - z)


def test_the_cumulative_penalty_carries_a_clip_over_so_it_is_not_soft_thresholding():
    """With carry-over the clipped part of the penalty is charged later: the result differs from
    soft-thresholding each step, which is why 'this is soft-thresholding' needs 'and no carry-over'."""
    t = 0.2                                        # lr*l1 per step
    u, q, w_cum, w_prox = 0.0, 0.0, 0.0, 0.0
    for pull in (0.1, 0.5):                        # the loss steps: +0.1, then +0.5
        u += t
        w_cum, q = _sklearn_l1penalty(w_cum + pull, u, q)
        w_prox = float(penalties.soft_threshold(w_prox + pull, t))
    assert w_prox == pytest.approx(0.3) and w_cum == pytest.approx(0.2)   # 0.1 of the first step's penalty carried over
    u, q = t, 0.0                                  # one step from scratch: nothing to carry, the same numbers
    for v in np.linspace(-1, 1, 41):
        assert _sklearn_l1penalty(v, u, q)[0] == pytest.approx(float(penalties.soft_threshold(v, t)), abs=1e-15)
