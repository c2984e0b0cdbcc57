"""helpers.fitting against numpy, SciPy, scikit-learn and the published L1 fit of the stack loss data."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import linprog, minimize, minimize_scalar
from scipy.special import huber
from sklearn.linear_model import HuberRegressor, LinearRegression, QuantileRegressor
from statsmodels import datasets

from helpers.fitting import fit_constant, fit_line, fit_linear

# --- independent references, written here rather than taken from helpers ------

def l1_objective(X, y, coef, intercept):
    return np.mean(np.abs(y - np.asarray(X).reshape(len(y), -1) @ np.atleast_1d(coef) - intercept))


def huber_objective(X, y, coef, intercept, delta):
    return np.mean(huber(delta, y - np.asarray(X).reshape(len(y), -1) @ np.atleast_1d(coef) - intercept))


def lad_by_linprog(X, y, fit_intercept=True):
    """min mean(t) subject to -t <= y - A b <= t (inequality form, unlike the code's)."""
    A = np.asarray(X, dtype=float).reshape(len(y), -1)
    if fit_intercept:
        A = np.column_stack([A, np.ones(len(y))])
    n, k = A.shape
    cost = np.concatenate([np.zeros(k), np.full(n, 1.0 / n)])
    A_ub = np.block([[A, -np.eye(n)], [-A, -np.eye(n)]])
    b_ub = np.concatenate([y, -y])
    result = linprog(cost, A_ub=A_ub, b_ub=b_ub, bounds=[(None, None)] * k + [(0, None)] * n, method="highs")
    assert result.status == 0
    return result.fun


def huber_by_scipy(X, y, delta):
    """Huber fit by BFGS on the mean Huber objective (starting from least squares)."""
    A = np.column_stack([np.asarray(X, dtype=float).reshape(len(y), -1), np.ones(len(y))])

    def f(b):
        r = A @ b - y
        return np.mean(huber(delta, r)), A.T @ np.clip(r, -delta, delta) / len(y)

    start = np.linalg.lstsq(A, y, rcond=None)[0]
    result = minimize(f, start, jac=True, method="BFGS", options={"gtol": 1e-12})
    return result.fun


def messy_data(seed, n=30, k=1, outliers=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    y = X @ rng.normal(size=k) + 0.5 + rng.normal(scale=0.3, size=n)
    y[rng.choice(n, outliers, replace=False)] += rng.normal(scale=10, size=outliers)
    return X, y


# --- least squares -------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_l2_line_matches_polyfit(seed):
    X, y = messy_data(seed)
    slope, intercept = fit_line(X[:, 0], y)
    ref_slope, ref_intercept = np.polyfit(X[:, 0], y, 1)
    assert slope == pytest.approx(ref_slope, rel=1e-10)
    assert intercept == pytest.approx(ref_intercept, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("k", [1, 3, 6])
def test_l2_linear_matches_lstsq_and_scikit_learn(k):
    X, y = messy_data(k, n=40, k=k)
    coef, intercept = fit_linear(X, y, "l2")
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(coef, ref.coef_, rtol=1e-10, atol=1e-12)
    assert intercept == pytest.approx(ref.intercept_, abs=1e-10)
    beta = np.linalg.lstsq(np.column_stack([X, np.ones(len(y))]), y, rcond=None)[0]
    np.testing.assert_allclose(np.append(coef, intercept), beta, rtol=1e-10, atol=1e-12)
    coef0, intercept0 = fit_linear(X, y, "l2", fit_intercept=False)
    np.testing.assert_allclose(coef0, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-10, atol=1e-12)
    assert intercept0 == 0.0


# --- least absolute deviations ---------------------------------------------------

@pytest.mark.parametrize("k", [1, 2, 5])
@pytest.mark.parametrize("seed", range(3))
def test_l1_linear_reaches_the_linprog_optimum(k, seed):
    X, y = messy_data(seed, n=35, k=k)
    coef, intercept = fit_linear(X, y, "l1")
    assert l1_objective(X, y, coef, intercept) == pytest.approx(lad_by_linprog(X, y), rel=1e-9)
    coef0, intercept0 = fit_linear(X, y, "l1", fit_intercept=False)
    assert intercept0 == 0.0
    assert l1_objective(X, y, coef0, 0.0) == pytest.approx(lad_by_linprog(X, y, fit_intercept=False), rel=1e-9)


@pytest.mark.parametrize("k", [1, 3])
def test_l1_linear_matches_quantile_regression(k):
    X, y = messy_data(10 + k, n=50, k=k)
    coef, intercept = fit_linear(X, y, "l1")
    ref = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(X, y)
    assert l1_objective(X, y, coef, intercept) == pytest.approx(
        l1_objective(X, y, ref.coef_, ref.intercept_), rel=1e-8
    )


def test_l1_fit_of_stack_loss_matches_published_result():
    # Least absolute deviations fit of Brownlee's stack loss data, as published
    # (e.g. Koenker's quantreg, rq(stack.loss ~ ., stackloss)): intercept
    # -39.68985507, air flow 0.83188406, water temp 0.57391304, acid -0.06086957;
    # sum of absolute residuals 42.08116.
    data = datasets.stackloss.load_pandas()
    X, y = data.exog.to_numpy(float), data.endog.to_numpy(float)
    coef, intercept = fit_linear(X, y, "l1")
    np.testing.assert_allclose(coef, [0.83188406, 0.57391304, -0.06086957], atol=1e-7)
    assert intercept == pytest.approx(-39.68985507, abs=1e-7)
    assert np.abs(X @ coef + intercept - y).sum() == pytest.approx(42.08116, abs=1e-5)


def test_l1_line_ignores_a_far_outlier_that_moves_the_l2_line():
    x = np.arange(10.0)
    y = 2 * x + 1
    y[9] = 100.0
    slope, intercept = fit_line(x, y, "l1")
    assert (slope, intercept) == pytest.approx((2.0, 1.0), abs=1e-12)
    assert fit_line(x, y, "l2")[0] > 4


# --- Huber ---------------------------------------------------------------------

@pytest.mark.parametrize("delta", [0.1, 0.5, 1.0, 3.0])
@pytest.mark.parametrize("k", [1, 3])
def test_huber_linear_minimizes_the_objective(delta, k):
    X, y = messy_data(20 + k, n=40, k=k)
    coef, intercept = fit_linear(X, y, "huber", delta=delta)
    ours = huber_objective(X, y, coef, intercept, delta)
    assert ours <= huber_by_scipy(X, y, delta) + 1e-12
    # Stationary: the gradient of the objective (by central differences) vanishes.
    beta = np.append(coef, intercept)
    A = np.column_stack([X, np.ones(len(y))])
    h = 1e-6
    for i in range(beta.size):
        step = np.zeros_like(beta)
        step[i] = h
        slope = (np.mean(huber(delta, y - A @ (beta + step))) - np.mean(huber(delta, y - A @ (beta - step)))) / (2 * h)
        assert abs(slope) < 1e-8


@pytest.mark.parametrize("epsilon", [1.35, 2.0])
def test_huber_line_matches_scikit_learn_huber_regressor(epsilon):
    """scikit-learn's HuberRegressor (alpha=0) minimizes over (w, sigma)
    sum(sigma + H_eps(r / sigma) sigma) with H_eps(z) = z^2 (|z| <= eps), 2 eps |z| - eps^2 beyond.
    At its sigma, sigma H_eps(r / sigma) = (2 / sigma) huber_delta(r) with delta = eps sigma,
    so its w is our fixed-delta Huber fit with delta = epsilon * scale_."""
    X, y = messy_data(40 + int(10 * epsilon), n=60)
    ref = HuberRegressor(epsilon=epsilon, alpha=0.0, tol=1e-12, max_iter=10_000).fit(X, y)
    delta = epsilon * ref.scale_
    slope, intercept = fit_line(X[:, 0], y, "huber", delta=delta)
    assert slope == pytest.approx(ref.coef_[0], abs=1e-5)
    assert intercept == pytest.approx(ref.intercept_, abs=1e-5)


def test_huber_with_large_delta_is_least_squares():
    X, y = messy_data(7, n=30, k=2)
    big = 10 * np.ptp(y)
    coef, intercept = fit_linear(X, y, "huber", delta=big)
    ref = LinearRegression().fit(X, y)
    np.testing.assert_allclose(coef, ref.coef_, rtol=1e-10)
    assert intercept == pytest.approx(ref.intercept_, abs=1e-10)


def test_huber_without_intercept():
    X, y = messy_data(8, n=30, k=2)
    coef, intercept = fit_linear(X, y, "huber", delta=0.5, fit_intercept=False)
    assert intercept == 0.0
    ref = minimize(lambda b: np.mean(huber(0.5, y - X @ b)), np.zeros(2), method="Nelder-Mead",
                   options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
    assert np.mean(huber(0.5, y - X @ coef)) <= ref.fun + 1e-12


# --- fit_line against fit_linear and linprog, including awkward data --------------

def awkward_lines():
    rng = np.random.default_rng(42)
    cases = {}
    x = rng.uniform(0, 10, 20)
    cases["random"] = (x, 3 * x - 2 + rng.standard_cauchy(20))
    x = np.repeat(np.arange(5.0), 4)  # duplicate x values
    cases["duplicate x"] = (x, rng.integers(0, 3, x.size).astype(float))
    x = rng.integers(0, 4, 15).astype(float)  # ties everywhere: integer x and y
    cases["ties"] = (x, rng.integers(0, 4, 15).astype(float))
    x = 5 + 1e-6 * rng.normal(size=12)  # nearly vertical
    cases["vertical-ish"] = (x, rng.normal(size=12))
    cases["two points"] = (np.array([1.0, 2.0]), np.array([3.0, -1.0]))
    cases["one point"] = (np.array([1.0]), np.array([4.0]))
    x = rng.normal(size=90)  # beyond the pair search: the linear program
    cases["n=90"] = (x, x + rng.laplace(size=90))
    return cases


@pytest.mark.parametrize("name", list(awkward_lines()))
@pytest.mark.parametrize("loss", ["l2", "l1", "huber"])
def test_fit_line_agrees_with_fit_linear(name, loss):
    x, y = awkward_lines()[name]
    slope, intercept = fit_line(x, y, loss)
    coef, ref_intercept = fit_linear(x[:, None], y, loss)
    if loss == "l2":
        assert slope == pytest.approx(coef[0], rel=1e-7)
        assert intercept == pytest.approx(ref_intercept, rel=1e-7, abs=1e-9)
    elif loss == "l1":
        ours = l1_objective(x, y, slope, intercept)
        assert ours == pytest.approx(l1_objective(x, y, coef, ref_intercept), rel=1e-9, abs=1e-12)
        assert ours == pytest.approx(lad_by_linprog(x, y), rel=1e-8, abs=1e-12)
    else:
        ours = huber_objective(x, y, slope, intercept, 1.0)
        assert ours == pytest.approx(huber_objective(x, y, coef, ref_intercept, 1.0), rel=1e-10, abs=1e-14)
        assert ours <= huber_by_scipy(x, y, 1.0) + 1e-12


def test_fit_line_with_all_x_equal_fits_a_constant():
    x, y = np.full(6, 2.0), np.array([1.0, 5.0, 2.0, 9.0, 3.0, 4.0])
    assert fit_line(x, y, "l2") == (0.0, pytest.approx(4.0))
    assert fit_line(x, y, "l1") == (0.0, pytest.approx(3.5))
    assert fit_line(x, y, "huber")[0] == 0.0


small_int = st.integers(-5, 5).map(float)


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 25).flatmap(lambda n: st.tuples(arrays(np.float64, n, elements=small_int),
                                                       arrays(np.float64, n, elements=small_int))))
def test_l1_line_is_optimal_on_data_full_of_ties(xy):
    x, y = xy
    slope, intercept = fit_line(x, y, "l1")
    assert l1_objective(x, y, slope, intercept) == pytest.approx(lad_by_linprog(x, y), rel=1e-9, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 30).flatmap(lambda n: st.tuples(arrays(np.float64, n, elements=st.floats(-20, 20)),
                                                       arrays(np.float64, n, elements=st.floats(-20, 20)))),
       st.floats(0.05, 5.0))
def test_huber_line_is_optimal(xy, delta):
    x, y = xy
    slope, intercept = fit_line(x, y, "huber", delta)
    assert huber_objective(x, y, slope, intercept, delta) <= huber_by_scipy(x, y, delta) + 1e-10


# --- fit_constant ----------------------------------------------------------------

@given(arrays(np.float64, st.integers(1, 40), elements=st.floats(-100, 100)))
def test_constant_fits_are_mean_and_median(y):
    assert fit_constant(y, "l2") == pytest.approx(np.mean(y), rel=1e-12, abs=1e-12)
    assert fit_constant(y, "l1") == np.median(y)
    grid_best = min(np.mean(np.abs(y - c)) for c in y)  # an L1 minimizer is a data point
    assert np.mean(np.abs(y - fit_constant(y, "l1"))) == pytest.approx(grid_best, rel=1e-12, abs=1e-12)


@given(arrays(np.float64, st.integers(1, 40), elements=st.floats(-100, 100)), st.floats(0.05, 50))
def test_huber_constant_minimizes_the_objective(y, delta):
    c = fit_constant(y, "huber", delta)
    ref = minimize_scalar(lambda v: np.mean(huber(delta, y - v)), bounds=(y.min(), y.max()), method="bounded",
                          options={"xatol": 1e-12})
    assert np.mean(huber(delta, y - c)) <= ref.fun + 1e-10
    assert abs(np.sum(np.clip(y - c, -delta, delta))) <= 1e-9 * delta * y.size  # first-order condition


def test_huber_constant_between_median_and_mean_for_one_outlier():
    y = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    # By hand, delta = 10: at c = 5 the clipped errors are -4, -3, -2, -1, +10, summing to 0.
    assert fit_constant(y, "huber", delta=10.0) == pytest.approx(5.0, rel=1e-12)
    assert np.median(y) < 5.0 < np.mean(y)
    assert fit_constant(y, "huber", delta=1000.0) == pytest.approx(np.mean(y), rel=1e-12)


def test_huber_constant_is_not_always_between_median_and_mean():
    # A counterexample worth knowing: far outlier below, asymmetric cluster above the median.
    y = np.array([-1000.0, 0.9, 0.9, 1.0, 1.5, 1.9, 1.9])
    c = fit_constant(y, "huber", delta=1.0)
    # By hand: for c in [0.9, 1.9], the clipped errors sum to -1 + 2(0.9 - c) + (1 - c) + (1.5 - c) + 2(1.9 - c)
    # = 7.1 - 6c, zero at c = 7.1 / 6 > median 1.0 > mean.
    assert c == pytest.approx(7.1 / 6, rel=1e-12)
    assert c > np.median(y) > np.mean(y)


def test_huber_line_scales_with_the_data_only_when_delta_scales_too():
    """Notebook 03, section 2: the L1 and L2 lines of s*y are s times those of y; the Huber line is
    only when delta is scaled by s too (delta has the unit of the errors). Anscombe III, against an
    independent BFGS fit of the Huber objective (scipy.special.huber)."""
    x = np.array([10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5], dtype=float)
    y = np.array([7.46, 6.77, 12.74, 7.11, 7.81, 8.84, 6.08, 5.39, 8.15, 6.42, 5.73])
    A = np.column_stack([x, np.ones_like(x)])

    def huber_line_by_scipy(target, delta):
        def f(beta):
            r = A @ beta - target
            return np.mean(huber(delta, r)), A.T @ np.clip(r, -delta, delta) / len(target)

        start = np.linalg.lstsq(A, target, rcond=None)[0]
        return minimize(f, start, jac=True, method="BFGS", options={"gtol": 1e-10 * max(1.0, delta)}).x

    base = np.array(fit_line(x, y, "huber", delta=1.0))
    np.testing.assert_allclose(base, huber_line_by_scipy(y, 1.0), atol=1e-5)
    np.testing.assert_allclose(base, [0.393009, 3.696126], atol=1e-5)
    for scale in (0.01, 100.0):
        for loss in ("l2", "l1"):
            np.testing.assert_allclose(fit_line(x, scale * y, loss), scale * np.array(fit_line(x, y, loss)),
                                       rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(fit_line(x, scale * y, "huber", delta=scale), scale * base, rtol=1e-7)
        fixed = np.array(fit_line(x, scale * y, "huber", delta=1.0))
        np.testing.assert_allclose(fixed, huber_line_by_scipy(scale * y, 1.0), rtol=1e-5)
        assert not np.allclose(fixed, scale * base, rtol=0.01)
    # delta = 1 kept: 100 y gives 400.26 + 34.59 x (not 369.61 + 39.30 x); 0.01 y gives least squares.
    np.testing.assert_allclose(fit_line(x, 100 * y, "huber", delta=1.0), [34.5866, 400.2554], atol=1e-3)
    np.testing.assert_allclose(fit_line(x, 0.01 * y, "huber", delta=1.0), np.polyfit(x, 0.01 * y, 1), rtol=1e-9)
