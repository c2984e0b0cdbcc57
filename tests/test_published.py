"""Published results on the course's real data.

- Stack loss (Brownlee 1965): the least-squares and least-absolute-deviations
  fits of stack_loss on air_flow, water_temp, acid_conc, as published.
- Diabetes (Efron, Hastie, Johnstone, Tibshirani 2004, "Least Angle
  Regression", Annals of Statistics 32(2), 407-499): the order in which the
  ten variables enter the lasso path.
"""

import numpy as np
import pytest
from sklearn import linear_model

from helpers.data import load_diabetes, load_stackloss
from helpers.fitting import fit_linear
from helpers.paths import lasso_knots, lasso_path

# --- stack loss ---------------------------------------------------------------------

# Least squares, (intercept, air_flow, water_temp, acid_conc), to 4 decimals:
# Brownlee (1965), Statistical Theory and Methodology in Science and Engineering,
# 2nd ed., Wiley, pp. 491-500; also R's summary(lm(stack.loss ~ ., data = stackloss))
# and Draper & Smith (1998), Applied Regression Analysis, 3rd ed., Wiley.
STACKLOSS_LS = (-39.9197, 0.7156, 1.2953, -0.1521)

# Least absolute deviations (L1, median regression), to 5 decimals: R package
# quantreg, rq(stack.loss ~ ., data = stackloss) (tau = 0.5; Koenker, R. (2005),
# Quantile Regression, Cambridge University Press, uses this example); the L1 fit is
# among those surveyed in Dodge, Y. (1996), The guinea pig of multiple regression,
# Lecture Notes in Statistics 109, Springer, and Birkes, D. and Dodge, Y. (1993),
# Alternative Methods of Regression, Wiley, ch. 4.
STACKLOSS_LAD = (-39.68986, 0.83188, 0.57391, -0.06087)


def _as_row(coef, intercept):
    return np.concatenate([[intercept], coef])


def test_stackloss_least_squares_published():
    d = load_stackloss()
    coef, intercept = fit_linear(d.X, d.y, loss="l2")
    # published to 4 decimals: within half a unit of the last digit
    np.testing.assert_allclose(_as_row(coef, intercept), STACKLOSS_LS, rtol=0, atol=5e-5)


def test_stackloss_least_absolute_deviations_published():
    d = load_stackloss()
    coef, intercept = fit_linear(d.X, d.y, loss="l1")
    # published to 5 decimals: the exact fit rounds to them, so it lies within half a unit (5e-6)
    np.testing.assert_allclose(_as_row(coef, intercept), STACKLOSS_LAD, rtol=0, atol=5e-6)


def test_stackloss_lad_is_no_worse_than_published_fit():
    # optimality, not only closeness: the L1 fit's sum of |residuals| is at most the
    # published coefficients' (which are rounded, so slightly worse or equal)
    d = load_stackloss()
    coef, intercept = fit_linear(d.X, d.y, loss="l1")
    published = np.asarray(STACKLOSS_LAD)
    ours = np.abs(d.y - d.X @ coef - intercept).sum()
    theirs = np.abs(d.y - d.X @ published[1:] - published[0]).sum()
    assert ours <= theirs + 1e-9
    least_squares = _as_row(*fit_linear(d.X, d.y, loss="l2"))
    assert ours < np.abs(d.y - d.X @ least_squares[1:] - least_squares[0]).sum()


# --- diabetes: lasso path ---------------------------------------------------------------

# Efron, Hastie, Johnstone, Tibshirani (2004), Least Angle Regression, Annals of
# Statistics 32(2), 407-499, section 1 and Figure 1 (diabetes data, predictors
# standardized): the variables enter in the order 3, 9, 4, 7, 2, 10, 5, 8, 6, 1,
# i.e. bmi, s5 (ltg), bp, s3 (hdl), sex, s6 (glu), s1 (tc), s4 (tch), s2 (ldl), age.
LARS_ENTRY_ORDER = (3, 9, 4, 7, 2, 10, 5, 8, 6, 1)  # 1-based, as in the paper
LARS_ENTRY_NAMES = ("bmi", "s5", "bp", "s3", "sex", "s6", "s1", "s4", "s2", "age")
ZERO = 1e-8  # |w| at or below this counts as zero (weights here are of order 1 to 800)


@pytest.fixture(scope="module")
def diabetes_path():
    d = load_diabetes(standardize=True)
    # The course's penalty: MSE + l1 * sum|w|. All weights are zero for
    # l1 >= max_j |2/n x_j . (y - mean y)| (about 90.3 here); the closest two
    # entries (s4, s2) are about 8% apart in l1, so a grid with steps of 2%
    # separates every entry.
    l1_values = np.geomspace(200.0, 1e-3, 600)
    coefs, intercepts = lasso_path(d.X, d.y, l1_values)
    return d, l1_values, np.asarray(coefs), np.asarray(intercepts)


def _entry_order(coefs):
    """1-based features sorted by the first path index (large l1 first) where non-zero."""
    active = np.abs(coefs) > ZERO
    assert active[-1].all(), "every feature should be active at the small end of the path"
    first = active.argmax(axis=0)
    assert np.unique(first).size == first.size, "two features entered between the same grid points"
    return tuple(int(j) + 1 for j in np.argsort(first))


def test_lasso_entry_order_published(diabetes_path):
    d, _, coefs, _ = diabetes_path
    order = _entry_order(coefs)
    assert order == LARS_ENTRY_ORDER
    assert tuple(d.feature_names[j - 1] for j in order) == LARS_ENTRY_NAMES


def test_lasso_knots_entry_order_published():
    d = load_diabetes(standardize=True)
    knots = lasso_knots(d.X, d.y)
    assert tuple(j + 1 for j in knots.entry_order) == LARS_ENTRY_ORDER
    # the lasso modification at work: s3 (hdl) enters, leaves when its coefficient
    # reaches zero, and re-enters (scikit-learn's lars_path(method="lasso") and
    # R's glmnet show the same on these data)
    hdl = d.feature_names.index("s3")
    assert [kind for _, j, kind in knots.events if j == hdl] == ["enter", "leave", "enter"]
    assert sum(kind == "leave" for _, _, kind in knots.events) == 1


def test_lasso_path_starts_empty(diabetes_path):
    # above l1_max (the subgradient condition at w = 0) every weight is exactly zero,
    # and the intercept is the mean of y
    d, l1_values, coefs, intercepts = diabetes_path
    l1_max = np.max(np.abs(2.0 / d.n_samples * d.X.T @ (d.y - d.y.mean())))
    above = l1_values > l1_max * (1 + 1e-9)
    assert above.any() and (~above).any()
    assert np.all(coefs[above] == 0.0)
    np.testing.assert_allclose(intercepts[above], d.y.mean(), rtol=1e-12)
    assert np.count_nonzero(coefs[~above][0]) == 1  # bmi, just below l1_max


def test_lasso_path_ends_at_least_squares():
    # The LARS paper's path ends at the ordinary least-squares fit; checked here
    # against numpy's lstsq on the same standardized data (l1 = 0).
    d = load_diabetes(standardize=True)
    coefs, intercepts = lasso_path(d.X, d.y, np.array([0.0]))
    design = np.column_stack([np.ones(d.n_samples), d.X])
    beta = np.linalg.lstsq(design, d.y, rcond=None)[0]
    np.testing.assert_allclose(np.asarray(coefs)[0], beta[1:], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(np.asarray(intercepts)[0], beta[0], rtol=1e-9)


def test_lasso_path_drops_hdl_then_readmits_it(diabetes_path):
    # The lasso (unlike plain LARS) removes s3 (hdl) near the end of the path and
    # brings it back: a coefficient crossing zero must leave the active set. Knots
    # from scikit-learn's lars_path(method="lasso") (alpha there = l1 / 2 here).
    d, l1_values, coefs, _ = diabetes_path
    alphas, _, sk_coefs = linear_model.lars_path(d.X, d.y - d.y.mean(), method="lasso")
    hdl = d.feature_names.index("s3")
    active = sk_coefs[hdl] != 0
    entered = int(np.argmax(active))
    zero_knots = np.flatnonzero(~active[entered:]) + entered  # knots where s3 is out again
    assert zero_knots.size >= 1 and np.all(np.diff(zero_knots) == 1)
    left, right = 2 * alphas[zero_knots[0]], 2 * alphas[zero_knots[-1]]  # s3 = 0 in between
    inside = (l1_values < left * 0.98) & (l1_values > right * 1.02)
    assert inside.any()
    assert np.all(np.abs(coefs[inside, hdl]) <= ZERO)
    assert np.all(np.abs(coefs[l1_values > left * 1.02, hdl][-5:]) > ZERO)
    assert np.all(np.abs(coefs[l1_values < right * 0.98, hdl][:5]) > ZERO)
