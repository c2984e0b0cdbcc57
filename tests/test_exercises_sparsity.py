"""The exercises of 05_sparsity (helpers.exercises.sparsity) without widgets: the right answer is
accepted, every catalogued mistake gets its own hint, every wrong choice names its misconception,
wrong code fails on the case meant to catch it, and nonsense gets a clear message, never a traceback.

Right answers are worked out here independently (numpy, scikit-learn, the course's math run on the
notebook's problems), not read off the specs.
"""

import numpy as np
import pytest
from scipy.optimize import brentq
from sklearn.linear_model import Lasso, Ridge

from helpers import data
from helpers.constrained_optima import constrained_optimum, quadratic_from_correlation
from helpers.exercises import sparsity as ex
from helpers.widgets.exercises import Scoreboard, exercise_widget
from tests import exercise_checks as checks

NUMBERS = [ex.L1_STEP_AT_ZERO, ex.SOFT_THRESHOLD_BY_HAND, ex.SKLEARN_LASSO_ALPHA]
CHOICES = [ex.CHATTER_EXACT_ZERO, ex.L1_ON_AN_EDGE, ex.SPREAD_AND_THE_LASSO, ex.RIDGE_ZERO_COUNT,
           ex.WHICH_PRIOR_ZEROS]
CODES = [ex.WRITE_SOFT_THRESHOLD]


class TestCatalogue(checks.CatalogueSuite):
    """The checks every notebook's exercises pass (tests/exercise_checks.py), on 05's."""

    exercises = ex.EXERCISES
    right_words = {"chatter-exact-zero": "never exactly 0.0", "l1-on-an-edge": "inside an edge",
                   "spread-and-the-lasso": "enters later", "ridge-zero-count": "exactly one",
                   "which-prior-zeros": "Laplace"}


def test_the_catalogue():
    assert sorted(s.key for s in ex.EXERCISES) == sorted(s.key for s in NUMBERS + CHOICES + CODES)


# ---------------------------------------------------------------------------- compute by hand


def test_l1_step_at_zero():
    w, g, eta, alpha = 0.0, 0.3, 0.1, 0.5
    answer = w - eta * (g + alpha * np.sign(w))
    assert ex.L1_STEP_AT_ZERO.check(f"{answer}").right
    assert ex.L1_STEP_AT_ZERO.check("-0.03").right and ex.L1_STEP_AT_ZERO.check("−3/100").right
    plus = w - eta * (g + alpha * 1.0)                         # sign(0) taken as +1
    assert "sign(0) as +1" in ex.L1_STEP_AT_ZERO.check(f"{plus}").message


def test_soft_threshold_by_hand():
    v, eta, alpha = -0.3, 0.1, 4.0
    answer = np.sign(v) * max(abs(v) - eta * alpha, 0.0)
    assert ex.SOFT_THRESHOLD_BY_HAND.check(f"{answer}").right and ex.SOFT_THRESHOLD_BY_HAND.check("0").right
    check = ex.SOFT_THRESHOLD_BY_HAND.check
    assert "without the clip at 0" in check(f"{abs(v) - eta * alpha}").message    # no max(., 0)
    assert "η = 0.1 as the threshold" in check(f"{np.sign(v) * max(abs(v) - eta, 0)}").message
    assert "past 0" in check(f"{v + eta * alpha}").message                          # the subgradient overshoot


def test_sklearn_lasso_alpha_gives_the_course_solution():
    ds = data.load_diabetes(standardize=True)
    a = 0.3
    assert ex.SKLEARN_LASSO_ALPHA.check(str(a)).right
    sk = Lasso(alpha=a, tol=1e-12, max_iter=200_000).fit(ds.X, ds.y)
    # the course's objective at alpha = 0.6 is lowest there: compare with nearby points
    def course_J(w, b):
        r = ds.y - ds.X @ w - b
        return r @ r / len(r) + 0.6 * np.abs(w).sum()
    best = course_J(sk.coef_, sk.intercept_)
    rng = np.random.default_rng(0)
    for _ in range(20):
        assert course_J(sk.coef_ + 1e-3 * rng.normal(size=sk.coef_.size), sk.intercept_) > best
    check = ex.SKLEARN_LASSO_ALPHA.check
    assert "directly" in check("0.6").message
    assert "other way" in check("1.2").message
    assert "divided by 2n" in check(f"{0.6 / 884}").message
    assert "Ridge that sums" in check(f"{0.6 * 884}").message


# ---------------------------------------------------------------------------- predict


def _notebook_chatter_problem():
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 3))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ np.array([2.0, -1.0, 0.0]) + 1.0 + 0.5 * rng.standard_normal(60)
    return X, y


def test_the_predictions_agree_with_the_mathematics():
    """What each right choice claims, checked independently."""
    # chatter-exact-zero: the notebook's problem, eta = 0.4, alpha = 1, w3 from 1.0, a written-out loop.
    X, y = _notebook_chatter_problem()
    n = len(y)
    w, b, eta, alpha = np.array([0.0, 0.0, 1.0]), 0.0, 0.4, 1.0
    A = np.column_stack([X, np.ones(n)])
    assert eta < 2 / (2 / n * np.linalg.eigvalsh(A.T @ A)[-1])           # below the stable rate
    for _ in range(150):
        r = X @ w + b - y
        w, b = w - eta * (2 / n * X.T @ r + alpha * np.sign(w)), b - eta * 2 / n * r.sum()
        assert w[2] != 0.0
    # l1-on-an-edge: rho = 0, c = (1.5, 1.3), t = 1: the optimum is (0.6, 0.4).
    opt = constrained_optimum(quadratic_from_correlation(0.0, [1.5, 1.3]), 1.0, "l1")
    np.testing.assert_allclose(opt, [0.6, 0.4], atol=1e-12)
    grid = np.linspace(0, 1, 100_001)                                    # brute force on the edge w1 + w2 = 1
    best = grid[np.argmin((grid - 1.5) ** 2 + (1 - grid - 1.3) ** 2)]
    assert best == pytest.approx(0.6, abs=1e-5)
    # spread-and-the-lasso: rescaling a feature by 1/1000 moves its entry to a much smaller alpha.
    rng = np.random.default_rng(2)
    Z = rng.normal(size=(200, 3))
    t = Z @ np.array([1.0, 0.5, 0.25]) + rng.normal(size=200)
    def entry_alpha(Zs, j):
        for a in np.logspace(1, -6, 300):
            if abs(Lasso(alpha=a, tol=1e-10, max_iter=100_000).fit(Zs, t).coef_[j]) > 1e-9:
                return a
        return 0.0
    Zt = Z.copy()
    Zt[:, 2] /= 1000.0
    assert entry_alpha(Zt, 2) < entry_alpha(Z, 2) / 100
    # ridge-zero-count: scikit-learn's ridge coefficient of s1 changes sign once between 0.5 and 1.5.
    ds = data.load_diabetes(standardize=True)
    s1 = list(ds.feature_names).index("s1")
    lams = np.linspace(0.5, 1.5, 2001)
    coef = np.array([Ridge(alpha=ds.n_samples * lam).fit(ds.X, ds.y).coef_[s1] for lam in lams[::50]])
    assert coef[0] < 0 < coef[-1] and np.count_nonzero(np.diff(np.sign(coef))) == 1


def test_the_chatter_feedback_states_the_band_and_the_step_as_the_run_shows_them():
    """Wide chatter (eta = 0.4, alpha = 1): the band is about 2*eta*alpha wide (not eta*alpha), its range over
    the last half is the one the feedback prints, and each step is eta*(g + alpha*sign(w3)), g included."""
    X, y = _notebook_chatter_problem()
    n = len(y)
    w, b, eta, alpha = np.array([0.0, 0.0, 1.0]), 0.0, 0.4, 1.0
    w3, steps, grads = [w[2]], [], []
    for _ in range(150):
        r = X @ w + b - y
        g = 2 / n * X.T @ r
        new = w - eta * (g + alpha * np.sign(w))
        steps.append(new[2] - w[2])
        grads.append(g[2])
        w, b = new, b - eta * 2 / n * r.sum()
        w3.append(w[2])
    tail = np.array(w3[1:][75:])                          # the last half, as the widget's readout takes it
    assert tail.max() - tail.min() > 1.5 * eta * alpha    # about 2*eta*alpha wide, not eta*alpha
    lasso = Lasso(alpha=alpha / 2, tol=1e-14, max_iter=1_000_000).fit(X, y)   # the course's alpha = 1
    g_star = -2 / n * (y - lasso.predict(X)) @ X[:, 2]
    assert lasso.coef_[2] == 0.0 and round(g_star, 2) == -0.05
    diverges = ex.CHATTER_EXACT_ZERO.choices[3].feedback
    assert f"{tail.min():+.2f}".replace("-", "−") in diverges and f"{tail.max():+.2f}" in diverges
    assert "2ηα wide" in diverges and "g ≈ −0.05" in diverges
    # a step of eta*alpha*sign(w3) alone misses the loss's part eta*g by about 0.02 at every step of the tail
    np.testing.assert_allclose(steps, -eta * (np.array(grads) + alpha * np.sign(w3[:-1])), atol=1e-12)
    assert np.all(np.abs(np.array(steps[75:]) + eta * alpha * np.sign(w3[75:-1])) > 0.01)
    assert "η(g + α·sign(w₃))" in ex.CHATTER_EXACT_ZERO.choices[0].feedback


def test_the_chatter_feedback_says_w1_and_w2_keep_a_small_two_step_wobble():
    """'w₁ and w₂ settle' was loose: w₃'s chatter drives a two-step wobble in them, about 0.012 in w₂."""
    X, y = _notebook_chatter_problem()
    n = len(y)
    w, b, eta, alpha, path = np.array([0.0, 0.0, 1.0]), 0.0, 0.4, 1.0, []
    for _ in range(150):
        r = X @ w + b - y
        w, b = w - eta * (2 / n * X.T @ r + alpha * np.sign(w)), b - eta * 2 / n * r.sum()
        path.append(w)
    tail = np.array(path[75:])
    wobble = np.ptp(tail, axis=0)
    assert round(wobble[1], 3) == 0.012 and 0 < wobble[0] < 1e-4
    np.testing.assert_allclose(tail[2:, :2], tail[:-2, :2], atol=1e-9)          # period two ...
    assert np.all(np.abs(np.diff(tail[:, 1])) > 0.01)                          # ... and not at rest
    feedback = ex.CHATTER_EXACT_ZERO.choices[3].feedback
    assert "two-step wobble" in feedback and "about 0.012 for w₂" in feedback and "under 0.0001" in feedback
    assert "w₁ and w₂ settle. " not in feedback


def _lars_entry_alpha(X, y, j):
    """The course's alpha at which feature j enters the lasso path, from scikit-learn's LARS-lasso
    (independent of helpers.paths): sklearn's alpha is max|X^T r|/n, the course's twice that."""
    from sklearn.linear_model import lars_path
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    alphas, _, coefs = lars_path(Xc, yc, method="lasso")
    k = np.flatnonzero(coefs[j] != 0)[0]                  # first knot with feature j in
    return 2 * alphas[k - 1]


def test_spread_solution_gives_the_measured_factor_not_always_1000():
    ds = data.load_diabetes(standardize=True)
    bmi = list(ds.feature_names).index("bmi")
    Xu = ds.X.copy()
    Xu[:, bmi] /= 1000.0
    before, after = _lars_entry_alpha(ds.X, ds.y, bmi), _lars_entry_alpha(Xu, ds.y, bmi)
    assert round(before, 1) == 90.3 and round(after, 3) == 0.033
    assert 2700 < before / after < 2800                                       # not 1000
    # exactly 1000 when the residual the feature meets is unchanged: orthogonal features
    H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=float)
    Xo = np.vstack([H, H])[:, 1:]
    yo = Xo @ np.array([3.0, 2.0, 0.5]) + np.r_[0.1, -0.1, 0.1, -0.1, -0.1, 0.1, -0.1, 0.1]
    Xs = Xo.copy()
    Xs[:, 0] /= 1000.0
    assert _lars_entry_alpha(Xo, yo, 0) / _lars_entry_alpha(Xs, yo, 0) == pytest.approx(1000, rel=1e-9)
    solution = ex.SPREAD_AND_THE_LASSO.solution
    assert "90.3" in solution and "0.033" in solution and "2750" in solution
    assert "only at a \"\n" not in solution and "pays its way only at a 1000 times smaller" not in solution


def test_sign_plus_one_at_zero_kicks_a_zero_weight_away_every_other_step():
    eta, alpha, w = 0.1, 0.5, [0.0]
    for _ in range(6):                                    # nothing else pulls on the weight: g = 0
        w.append(w[-1] - eta * alpha * (1.0 if w[-1] >= 0 else -1.0))
    np.testing.assert_allclose(w, [0.0, -0.05, 0.0, -0.05, 0.0, -0.05, 0.0], atol=1e-15)
    hint = ex.L1_STEP_AT_ZERO.check("-0.08").message
    assert "every other step" in hint and "at every step" not in hint


def test_which_prior_asks_about_a_held_zero_because_ridge_also_has_isolated_zeros():
    """The Gaussian MAP (ridge) passes through 0 at an isolated lambda (s1 on the diabetes data), and a feature
    whose least-squares weight is 0 has ridge weight 0 for every lambda: only 'held at 0 over a range of
    scales, for a weight non-zero in least squares' singles out the Laplace prior."""
    ds = data.load_diabetes(standardize=True)
    names, n = list(ds.feature_names), ds.n_samples
    s1 = names.index("s1")

    def ridge_s1(lam):
        return Ridge(alpha=n * lam, solver="svd").fit(ds.X, ds.y).coef_[s1]
    root = brentq(ridge_s1, 0.5, 1.5, xtol=1e-12)
    assert root == pytest.approx(0.812, abs=5e-4)          # a Gaussian-prior MAP weight that is exactly 0 there
    assert ridge_s1(root * 0.99) < 0 < ridge_s1(root * 1.01)                  # ... and only there
    H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=float)
    Xo, yo = H[:, 1:3], 3 * H[:, 1] + 0.5 * H[:, 3]       # the second feature: least-squares weight 0
    assert np.linalg.lstsq(Xo, yo, rcond=None)[0][1] == pytest.approx(0.0, abs=1e-14)
    for lam in (0.01, 1.0, 100.0):
        assert abs(Ridge(alpha=4 * lam).fit(Xo, yo).coef_[1]) < 1e-14      # 0 for every lambda
    # Laplace-prior MAP (the lasso): s1 is non-zero in least squares and exactly 0 over a whole range of alpha.
    ls = np.linalg.lstsq(np.column_stack([ds.X, np.ones(n)]), ds.y, rcond=None)[0]
    assert abs(ls[s1]) > 1.0
    lasso_s1 = [Lasso(alpha=a / 2, tol=1e-12, max_iter=200_000).fit(ds.X, ds.y).coef_[s1] for a in (8.0, 20.0, 60.0)]
    assert lasso_s1 == [0.0, 0.0, 0.0]
    prompt = ex.WHICH_PRIOR_ZEROS.prompt
    assert "whole range of prior scales" in prompt and "least-squares value" in prompt


def test_which_prior_feedback_does_not_claim_a_least_squares_zero_stays_zero_under_ridge():
    """Notebook 05's second footnote: correlated features (rho = 0.8), least squares w2 = 0, ridge
    w2 = rho*lam/((1 + lam)^2 - rho^2) > 0. So 'a least-squares zero stays 0 for every tau' holds only for
    orthonormal features; the other direction (0 for every tau, so 0 at lam -> 0) always holds."""
    H = np.array([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=float)
    rho = 0.8
    X = np.column_stack([H[:, 1], rho * H[:, 1] + np.sqrt(1 - rho**2) * H[:, 2]])
    y = X[:, 0] + 0.3 * H[:, 3]
    assert np.linalg.lstsq(X, y, rcond=None)[0][1] == pytest.approx(0.0, abs=1e-14)
    for lam in (0.1, 1.0, 10.0):
        w2 = Ridge(alpha=len(y) * lam).fit(X, y).coef_[1]
        assert w2 == pytest.approx(rho * lam / ((1 + lam) ** 2 - rho**2), rel=1e-9) and w2 > 0.01
    feedback = ex.WHICH_PRIOR_ZEROS.choices[2].feedback
    assert "Only a weight that is 0 in least squares already" not in feedback
    assert "must be 0 in least squares" in feedback and "orthonormal features, not in general" in feedback


# ---------------------------------------------------------------------------- write the code


def good_soft_threshold(v, t):
    """Written out with Python's own numbers: independent of helpers.penalties."""
    if np.ndim(v) == 0:
        x = float(v)
        return (1.0 if x > 0 else -1.0) * max(abs(x) - t, 0.0) if x != 0 else 0.0
    return np.array([good_soft_threshold(x, t) for x in np.asarray(v, dtype=float)])


def test_right_code_is_accepted_and_agrees_with_the_reference():
    assert ex.WRITE_SOFT_THRESHOLD.check(good_soft_threshold).right
    rng = np.random.default_rng(4)
    v = rng.normal(size=50) * 3
    np.testing.assert_array_equal(ex.soft_threshold_reference(v, 1.1), good_soft_threshold(v, 1.1))


def test_the_worked_solution_passes_its_own_check():
    code = ex.WRITE_SOFT_THRESHOLD.solution.split("<pre>")[1].split("</pre>")[0]
    namespace = {"np": np}
    exec(code, namespace)  # noqa: S102 - the course's own solution text
    assert ex.WRITE_SOFT_THRESHOLD.check(namespace["soft_threshold"]).right


def _no_clip(v, t):
    v = np.asarray(v, dtype=float)
    return np.sign(v) * (np.abs(v) - t)


def _keeps_small_ones(v, t):
    v = np.asarray(v, dtype=float)
    return np.where(np.abs(v) > t, v - np.sign(v) * t, v)


def _drops_the_sign(v, t):
    return np.maximum(np.abs(np.asarray(v, dtype=float)) - t, 0.0)


def _first_three(v, t):
    v = np.asarray(v, dtype=float)
    out = np.zeros(3)
    for i in range(3):
        out[i] = np.sign(v[i]) * max(abs(v[i]) - t, 0.0)
    return out


def _via_squares(v, t):
    v = np.asarray(v, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.sign(v) * np.maximum(np.sqrt(v * v) - t, 0.0)


def _sign_plus_at_zero(v, t):
    v = np.asarray(v, dtype=float)
    s = np.where(v >= 0, 1.0, -1.0)
    return s * np.maximum(np.abs(v) - t, 0.0) + (t == 0) * (v == 0) * 1.0


def _in_place(v, t):
    v = np.asarray(v, dtype=float)
    np.copysign(np.maximum(np.abs(v) - t, 0.0), v, out=v)
    return v


@pytest.mark.parametrize("wrong, case", [
    (_no_clip, "positive entries, some below t"),
    (_drops_the_sign, "negative entries"),
    (_keeps_small_ones, "positive entries, some below t"),
    (_first_three, "a longer vector (7 entries)"),
    (_via_squares, "huge entries (1e300)"),
    (lambda v, t: None, "positive entries, some below t"),
])
def test_wrong_code_fails_on_the_case_meant_to_catch_it(wrong, case):
    checks.caught(ex.WRITE_SOFT_THRESHOLD, wrong, f"({case})")


def test_a_tie_is_caught():
    def strict(v, t):
        v = np.asarray(v, dtype=float)
        return np.where(np.abs(v) >= t + 1e-9, np.sign(v) * (np.abs(v) - t), np.where(np.abs(v) < t, 0.0, v))
    verdict = ex.WRITE_SOFT_THRESHOLD.check(strict)
    assert verdict.status == "wrong" and "(ties: |v| = t exactly)" in verdict.message


def test_changing_the_input_in_place_is_reported():
    verdict = ex.WRITE_SOFT_THRESHOLD.check(_in_place)
    assert verdict.status == "wrong" and "in place" in verdict.message


def test_the_shipped_template_is_not_answered_yet():
    def soft_threshold(v, t):
        raise NotImplementedError("write this function")
    assert ex.WRITE_SOFT_THRESHOLD.check(soft_threshold).status == "unanswered"


def test_a_function_that_raises_is_reported_not_raised():
    def broken(v, t):
        return v.shape[5]
    verdict = ex.WRITE_SOFT_THRESHOLD.check(broken)
    assert verdict.status == "wrong" and "raised" in verdict.message


def test_wrong_shape_is_reported():
    verdict = ex.WRITE_SOFT_THRESHOLD.check(lambda v, t: np.array([1.0]))
    assert verdict.status == "wrong" and "shape" in verdict.message


# ---------------------------------------------------------------------------- widgets


def test_every_exercise_becomes_a_widget_on_one_scoreboard():
    board = Scoreboard("05 Sparsity")
    shown = [exercise_widget(spec, board, namespace={}) for spec in ex.EXERCISES]
    assert board.total == len(ex.EXERCISES) and board.right == 0
    number = shown[ex.EXERCISES.index(ex.SKLEARN_LASSO_ALPHA)]
    number.answer.value = "0.6"
    assert number.check().status == "wrong"
    number.answer.value = "0.3"
    assert number.check().right and board.right == 1
    code = shown[ex.EXERCISES.index(ex.WRITE_SOFT_THRESHOLD)]
    assert code.check().status == "unanswered"                       # nothing defined yet
    code.namespace = {"soft_threshold": good_soft_threshold}
    assert code.check().right and board.right == 2
