"""Exercises of 04_weight_decay: the right answer is accepted, every catalogued mistake gets its own hint,
nonsense gets a clear message, and the code checker catches the mistakes it is built for.

Right answers are worked out here from the definitions (numpy recurrences, scikit-learn's Ridge,
an eigenvalue decomposition), never read from the catalogue.
"""

import numpy as np
import pytest
import sklearn.linear_model as sklearn_linear

from helpers.exercises import weight_decay as ex
from helpers.synthetic import overfitting_problem, two_feature_problem
from helpers.widgets.exercises import Scoreboard, exercise_widget
from tests import exercise_checks as checks


class TestCatalogue(checks.CatalogueSuite):
    """The checks every notebook's exercises pass (tests/exercise_checks.py), on 04's."""

    exercises = ex.EXERCISES
    prefix = "04-"
    mistake_format = "{:.6g}"


# --- compute by hand ---------------------------------------------------------------------------

def test_number_answers_against_independent_references():
    # One L1 step at w = 0: numpy's sign(0) is 0, so only the loss gradient moves the weight.
    w, eta, alpha, g = 0.0, 0.1, 0.5, -0.8
    assert ex.L1_STEP_BY_HAND.check(str(w - eta * (g + alpha * np.sign(w)))).right
    # The shrink factor: what one L2 step does to a weight the loss ignores (g = 0).
    w0, eta, lam = 1.7, 0.05, 3.0
    after = w0 - eta * (0.0 + 2 * lam * w0)
    assert ex.SHRINK_FACTOR.check(str(after / w0)).right
    # Ridge's alpha: the one that gives scikit-learn the course's minimizer (n = 200, lambda = 0.02).
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((200, 3)), rng.standard_normal(200)
    course = np.linalg.solve(X.T @ X / 200 + 0.02 * np.eye(3), X.T @ y / 200)
    sk = sklearn_linear.Ridge(alpha=4.0, fit_intercept=False).fit(X, y).coef_
    np.testing.assert_allclose(sk, course, atol=1e-12)
    assert ex.RIDGE_ALPHA.check("4").right and ex.RIDGE_ALPHA.check("200").status == "wrong"
    # Typed forms people use are read.
    assert ex.SHRINK_FACTOR.check(" 0,7 ").right and ex.SHRINK_FACTOR.check("7/10").right
    assert ex.L1_STEP_BY_HAND.check("8e-2").right


def test_the_mistakes_named_in_the_issue_are_caught():
    w, eta, alpha, g = 0.0, 0.1, 0.5, -0.8
    sign0_as_1 = w - eta * (g + alpha * 1.0)
    forgot_eta = w - (g + alpha * np.sign(w))
    added = w + eta * (g + alpha * np.sign(w))
    assert "sign(0) = 1" in ex.L1_STEP_BY_HAND.check(str(sign0_as_1)).message
    assert "Multiply by" in ex.L1_STEP_BY_HAND.check(str(forgot_eta)).message
    assert "against the gradient" in ex.L1_STEP_BY_HAND.check(str(added)).message
    dropped_2 = 1 - 0.05 * 3.0
    assert "dropped the 2" in ex.SHRINK_FACTOR.check(str(dropped_2)).message
    lam, n = 0.02, 200
    assert "sum of squares" in ex.RIDGE_ALPHA.check(str(lam)).message            # lambda unchanged
    assert "Lasso" in ex.RIDGE_ALPHA.check(str(lam / 2)).message                 # the Lasso rule
    assert "PyTorch" in ex.RIDGE_ALPHA.check(str(2 * lam)).message               # PyTorch's weight_decay
    assert "divided" in ex.RIDGE_ALPHA.check(str(lam / n)).message


def test_a_far_wrong_number_gets_a_general_hint():
    verdict = ex.SHRINK_FACTOR.check("42")
    assert verdict.status == "wrong" and "±0.002" in verdict.message


# --- predict: the right option is what the computation gives ------------------------------------

def lasso_w(X, y, l1):
    model = sklearn_linear.Lasso(alpha=l1 / 2, fit_intercept=False, tol=1e-12, max_iter=100_000)
    return model.fit(X, y).coef_


def test_chatter_right_option_is_what_the_run_does():
    p = two_feature_problem(seed=4)
    X, y, n = p.X, p.y, len(p.y)
    w_star = lasso_w(X, y, 2.0)
    g = (2 / n * X.T @ (X @ w_star - y))[1]
    assert w_star[1] == 0 and g == pytest.approx(-1.46, abs=0.01)     # the numbers in the prompt
    w = np.array([-1.5, 2.0])
    w2 = []
    for _ in range(200):
        w = w - 0.1 * (2 / n * X.T @ (X @ w - y) + 2.0 * np.sign(w))
        w2.append(w[1])
    w2 = np.array(w2[100:])
    assert np.all(w2 != 0)                                              # never exactly 0 (option a)
    assert np.mean(w2 > 0) > 0.7                                        # mostly above 0 (not option b)
    assert np.diff(w2).max() > 3 * -np.diff(w2)[np.diff(w2) < 0].max()  # big jumps up, small steps down
    assert "saw-tooths mostly above 0" in ex.CHATTER.labels[ex.CHATTER.answer]


def test_beyond_stable_right_option_is_what_the_run_does():
    p = two_feature_problem(seed=4)
    X, y, n = p.X, p.y, len(p.y)
    H = 2 / n * X.T @ X + 2 * 0.5 * np.eye(2)
    h_max = np.linalg.eigvalsh(H).max()
    assert 2 / h_max == pytest.approx(0.5)                              # the prompt's eta_max
    w_star = np.linalg.solve(H, 2 / n * X.T @ y)
    w = np.array([-1.5, 2.0])
    errors = []
    for _ in range(30):
        w = w - 0.6 * (H @ w - 2 / n * X.T @ y)
        errors.append(w - w_star)
    errors = np.array(errors)
    size = np.linalg.norm(errors, axis=1)
    assert size[-1] > 1000 * size[0] and np.all(np.diff(size[5:]) > 0)        # grows without end
    assert np.all(np.sum(errors[1:] * errors[:-1], axis=1)[5:] < 0)            # back and forth
    assert "each swing larger" in ex.BEYOND_STABLE.labels[ex.BEYOND_STABLE.answer]


def test_picked_error_right_option_is_what_repeats_show():
    """Lowest validation MSE over a grid vs the same model's error on fresh data, 40 data sets."""
    lambdas = 10.0 ** np.arange(-4, 2.01, 0.1)
    picked, fresh = [], []
    for seed in range(40):
        p = overfitting_problem(seed=seed, n_train=30, n_val=30, n_test=1000)
        val, test = [], []
        for lam in lambdas:
            m = sklearn_linear.Ridge(alpha=30 * lam).fit(p.X, p.y)
            val.append(np.mean((m.predict(p.X_val) - p.y_val) ** 2))
            test.append(np.mean((m.predict(p.X_test) - p.y_test) ** 2))
        k = int(np.argmin(val))
        picked.append(val[k])
        fresh.append(test[k])
    assert np.mean(fresh) > np.mean(picked)
    assert "Higher" in ex.PICKED_ERROR.labels[ex.PICKED_ERROR.answer]


def test_adamw_right_option_first_steps_differ():
    from helpers import optimizers as opt

    p = two_feature_problem(seed=4)
    kw = dict(lr=0.05, steps=1, w0=[-1.5, 2.0], fit_intercept=False)
    coupled = opt.adam(p.X, p.y, l2=0.3, **kw).weights[1]
    decoupled = opt.adam(p.X, p.y, weight_decay=0.6, **kw).weights[1]
    assert np.abs(coupled - decoupled).max() > 1e-3
    assert "No: Adam rescales" in ex.ADAMW_SAME.labels[ex.ADAMW_SAME.answer]


# --- write the code ---------------------------------------------------------------------------

def right_l1_step(w, g, eta, alpha):
    return w - eta * (g + alpha * np.sign(w))


def test_write_l1_step_accepts_a_right_function_and_the_reference_is_the_rule():
    assert ex.WRITE_L1_STEP.check(right_l1_step).right
    for case in ex.WRITE_L1_STEP.cases:
        w, g, eta, alpha = case.args
        expected = [wi - eta * (gi + alpha * (0.0 if wi == 0 else (1.0 if wi > 0 else -1.0)))
                    for wi, gi in zip(w, g)]
        np.testing.assert_allclose(ex.WRITE_L1_STEP.reference(*case.args), expected, rtol=1e-15)


WRONG_L1_STEP = checks.WrongFunctions()


@WRONG_L1_STEP.catches("weights at exactly 0", "np.sign")
def sign0_is_1(w, g, eta, alpha):
    return w - eta * (g + alpha * np.where(w >= 0, 1.0, -1.0))


@WRONG_L1_STEP.catches("two positive weights", "multiply the whole bracket by eta")
def forgot_eta(w, g, eta, alpha):
    return w - (g + alpha * np.sign(w))


@WRONG_L1_STEP.catches("two positive weights", "subtract it")
def adds(w, g, eta, alpha):
    return w + eta * (g + alpha * np.sign(w))


@WRONG_L1_STEP.catches("weights at exactly 0", "np.sign")
def pulls_negative_away(w, g, eta, alpha):  # the push as +alpha for every weight
    return w - eta * (g + alpha)


@WRONG_L1_STEP.catches("weights at exactly 0", "shape")
def two_weights_only(w, g, eta, alpha):
    return np.array([w[0] - eta * (g[0] + alpha * np.sign(w[0])), w[1] - eta * (g[1] + alpha * np.sign(w[1]))])


@WRONG_L1_STEP.catches("two positive weights", "in place")
def in_place(w, g, eta, alpha):
    w -= eta * (g + alpha * np.sign(w))
    return w


@WRONG_L1_STEP.catches("huge values", "No rounding or clipping")
def clipped(w, g, eta, alpha):
    return np.clip(right_l1_step(w, g, eta, alpha), -1e6, 1e6)


@WRONG_L1_STEP.catches("alpha = 0", "plain gradient descent")
def ignores_alpha_zero(w, g, eta, alpha):
    return w - eta * (g + (alpha or 0.5) * np.sign(w))


@pytest.mark.parametrize("function, case_label, words", WRONG_L1_STEP)
def test_write_l1_step_catches_each_mistake_with_its_case(function, case_label, words):
    checks.caught(ex.WRITE_L1_STEP, function, case_label, words)


def test_write_l1_step_negative_case_catches_a_push_away_from_zero():
    def pushes_away_from_zero_for_negatives(w, g, eta, alpha):
        return w - eta * (g + alpha * np.abs(np.sign(w)))     # right for w >= 0 only

    verdict = ex.WRITE_L1_STEP.check(pushes_away_from_zero_for_negatives)
    assert verdict.status == "wrong" and "toward 0" in verdict.message, verdict.message


def test_write_l1_step_template_and_raising_and_bad_returns():
    def template(w, g, eta, alpha):
        raise NotImplementedError("write this function")

    def raises(w, g, eta, alpha):
        raise ZeroDivisionError("oops")

    def returns_nothing(w, g, eta, alpha):
        right_l1_step(w, g, eta, alpha)

    def returns_text(w, g, eta, alpha):
        return "w"

    assert ex.WRITE_L1_STEP.check(template).status == "unanswered"
    raised = ex.WRITE_L1_STEP.check(raises)
    assert raised.status == "wrong" and "ZeroDivisionError" in raised.message
    assert "forget `return`" in ex.WRITE_L1_STEP.check(returns_nothing).message
    assert "not a number" in ex.WRITE_L1_STEP.check(returns_text).message


# --- the widgets ---------------------------------------------------------------------------------

def test_every_exercise_builds_a_widget_and_the_scoreboard_counts():
    board = Scoreboard("04 Weight decay")
    namespace = {}
    widgets = {spec.key: exercise_widget(spec, board, namespace=namespace) for spec in ex.EXERCISES}
    assert board.total == len(ex.EXERCISES) and board.right == 0
    widgets[ex.SHRINK_FACTOR.key].answer.value = "0.7"
    widgets[ex.SHRINK_FACTOR.key].check_button.click()
    namespace["l1_step"] = right_l1_step
    widgets[ex.WRITE_L1_STEP.key].check_button.click()
    assert board.right == 2
