"""Exercises of 02_loss: the right answer is accepted, every catalogued mistake gets its own hint,
nonsense gets a clear message, and the code checkers catch the mistakes they are built for.

Right answers are worked out here with numpy and scikit-learn, never read from the catalogue.
"""

import math

import numpy as np
import pytest
from sklearn.metrics import mean_squared_error

from helpers.exercises import ChoiceExercise
from helpers.exercises import loss as ex
from helpers.widgets.exercises import Scoreboard, exercise_widget
from tests import exercise_checks as checks


class TestCatalogue(checks.CatalogueSuite):
    """The checks every notebook's exercises pass (tests/exercise_checks.py), on 02's."""

    exercises = ex.EXERCISES
    prefix = "02-"
    mistake_format = "{:.4f}"


def huber_by_hand(e, delta):
    e = abs(e)
    return 0.5 * e * e if e <= delta else delta * (e - delta / 2)


def test_number_answers_against_independent_references():
    d = np.array([2.0, -1.0, 0.0, -3.0, 1.0])
    assert ex.MSE_BY_HAND.check(str(mean_squared_error(np.zeros(5), d))).right
    assert ex.RMSE_FROM_NORM.check(str(6 / math.sqrt(4))).right
    assert ex.HUBER_BY_HAND.check(str((huber_by_hand(0.4, 1) + huber_by_hand(-3, 1)) / 2)).right
    errors = np.array([0.5, 0.5, 0.5, 0.5, 3.0])
    assert ex.SHARE_OF_BIG_ERROR.check(str(9 / np.sum(errors ** 2))).right
    # Answers within the stated tolerance count; typed forms people use are read.
    assert ex.MSE_BY_HAND.check(" 3.00 ").right and ex.MSE_BY_HAND.check("15/5").right
    assert ex.SHARE_OF_BIG_ERROR.check("9/10").right


def test_the_mistakes_named_in_the_issue_are_caught():
    d = np.array([2.0, -1.0, 0.0, -3.0, 1.0])
    sum_sq, norm = float(np.sum(d ** 2)), float(np.linalg.norm(d))
    assert "divide by n" in ex.MSE_BY_HAND.check(str(sum_sq)).message          # forgot to divide by n
    assert "norm itself" in ex.MSE_BY_HAND.check(str(norm)).message             # gave ||d||
    assert "RMSE" in ex.MSE_BY_HAND.check(str(math.sqrt(sum_sq / 5))).message   # gave the RMSE
    assert "MAE" in ex.MSE_BY_HAND.check(str(np.mean(np.abs(d)))).message       # gave the MAE
    assert "MSE" in ex.RMSE_FROM_NORM.check("9").message                         # MSE where RMSE was asked


def test_a_far_wrong_number_gets_a_general_hint():
    verdict = ex.MSE_BY_HAND.check("42")
    assert verdict.status == "wrong" and "±0.005" in verdict.message


def test_crossing_choice_right_option_is_what_squaring_does():
    """Its wrong options' feedback and nonsense are checked in TestCatalogue."""
    spec = ex.CROSSING_UNIT
    assert isinstance(spec, ChoiceExercise)
    # The right option by computing it: 0.5 m in units of 0.25 m is 2 units, and 2**2 > 2.
    size = 0.5 / 0.25
    assert size ** 2 > size and "grows" in spec.labels[spec.answer]


# --- write the code -----------------------------------------------------------------------------

def mse_right(pred, target):
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    if pred.shape != target.shape:
        raise ValueError("lengths differ")
    return np.mean((pred - target) ** 2)


def huber_right(pred, target, delta=1.0):
    pred, target = np.asarray(pred, dtype=float), np.asarray(target, dtype=float)
    if pred.shape != target.shape:
        raise ValueError("lengths differ")
    return float(np.mean([huber_by_hand(e, delta) for e in pred - target]))


def test_write_mse_accepts_a_right_function_and_agrees_with_scikit_learn():
    assert ex.WRITE_MSE.check(mse_right).right
    for case in ex.WRITE_MSE.cases:
        pred, target = case.args
        assert ex.WRITE_MSE.reference(pred, target) == pytest.approx(mean_squared_error(target, pred), rel=1e-12)


def test_write_huber_accepts_a_right_function():
    assert ex.WRITE_HUBER.check(huber_right).right
    for case in ex.WRITE_HUBER.cases:
        pred, target, delta = case.args
        expected = np.mean([huber_by_hand(p - t, delta) for p, t in zip(pred, target)])
        assert ex.WRITE_HUBER.reference(*case.args) == pytest.approx(expected, rel=1e-12)


WRONG_MSE = checks.WrongFunctions()


@WRONG_MSE.catches("this notebook's vectors", "average over n")
def mse_sum(pred, target):                       # forgot to divide by n
    return np.sum((np.asarray(pred, float) - np.asarray(target, float)) ** 2)


@WRONG_MSE.catches("this notebook's vectors", "average over n")
def mse_mean_then_square(pred, target):          # errors of opposite sign cancel
    return np.mean(np.asarray(pred, float) - np.asarray(target, float)) ** 2


@WRONG_MSE.catches("this notebook's vectors", "average over n")
def mse_abs(pred, target):                        # the MAE
    return np.mean(np.abs(np.asarray(pred, float) - np.asarray(target, float)))


@WRONG_MSE.catches("this notebook's vectors", "average over n")
def mse_n_minus_1(pred, target):
    d = np.asarray(pred, float) - np.asarray(target, float)
    return np.sum(d ** 2) / (len(d) - 1)


@WRONG_MSE.catches("seven elements", "actual length")
def mse_fixed_n(pred, target):
    d = np.asarray(pred, float) - np.asarray(target, float)
    return np.sum(d ** 2) / 5


@WRONG_MSE.catches("very large values", "float64")
def mse_float32(pred, target):
    d = np.asarray(pred, np.float32) - np.asarray(target, np.float32)
    return float(np.mean(d.astype(np.float64) ** 2))


@WRONG_MSE.catches("plain Python lists", "np.asarray")
def mse_lists(pred, target):                     # fine for arrays, but lists cannot be subtracted
    if len(pred) != len(target):
        raise ValueError("lengths differ")
    return np.mean((pred - target) ** 2)


@WRONG_MSE.catches("lengths 3 and 1", "broadcast")
def mse_broadcasts(pred, target):                 # right numbers, but no length check
    return np.mean((np.asarray(pred, float) - np.asarray(target, float)) ** 2)


@WRONG_MSE.catches("lengths 3 and 1", "broadcast")
def mse_zip(pred, target):                        # zip silently drops the extra predictions
    return sum((p - t) ** 2 for p, t in zip(pred, target)) / len(pred)


@pytest.mark.parametrize("function, case_label, words", WRONG_MSE)
def test_write_mse_catches_each_mistake_with_its_case(function, case_label, words):
    checks.caught(ex.WRITE_MSE, function, case_label, words)


def test_write_mse_later_cases_catch_what_the_first_one_misses():
    """Functions right on this notebook's vectors but wrong elsewhere meet their own case."""
    def n_minus_1_for_one(p, t):
        return mse_n_minus_1(p, t) if len(p) == 1 else mse_right(p, t)

    def cancels_for_opposite_pairs(p, t):
        return mse_mean_then_square(p, t) if len(p) == 2 else mse_right(p, t)

    one = ex.WRITE_MSE.check(n_minus_1_for_one)
    assert one.status == "wrong" and "one element" in one.message and "n − 1" in one.message
    pair = ex.WRITE_MSE.check(cancels_for_opposite_pairs)
    assert pair.status == "wrong" and "opposite errors" in pair.message and "must not cancel" in pair.message


WRONG_HUBER = checks.WrongFunctions()


@WRONG_HUBER.catches("errors inside δ")
def huber_full_square(pred, target, delta=1.0):   # e^2 instead of (1/2) e^2 inside delta
    e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
    return np.mean(np.where(e <= delta, e ** 2, delta * (e - delta / 2)))


@WRONG_HUBER.catches("errors beyond δ")
def huber_no_half_delta(pred, target, delta=1.0):  # delta (|e| - delta)
    e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
    return np.mean(np.where(e <= delta, 0.5 * e ** 2, delta * (e - delta)))


@WRONG_HUBER.catches("errors beyond δ, one negative")
def huber_no_abs(pred, target, delta=1.0):        # e instead of |e| in the linear piece
    e = np.asarray(pred, float) - np.asarray(target, float)
    return np.mean(np.where(np.abs(e) <= delta, 0.5 * e ** 2, delta * (e - delta / 2)))


@WRONG_HUBER.catches("δ = 2")
def huber_delta_one(pred, target, delta=1.0):     # ignores delta
    return huber_right(pred, target, 1.0)


@WRONG_HUBER.catches("errors beyond δ")
def huber_quadratic(pred, target, delta=1.0):     # never switches
    return np.mean(0.5 * (np.asarray(pred, float) - np.asarray(target, float)) ** 2)


@WRONG_HUBER.catches("lengths 3 and 1")
def huber_no_check(pred, target, delta=1.0):
    e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
    return np.mean(np.where(e <= delta, 0.5 * e ** 2, delta * (e - delta / 2)))


@pytest.mark.parametrize("function, case_label, words", WRONG_HUBER)
def test_write_huber_catches_each_mistake_with_its_case(function, case_label, words):
    checks.caught(ex.WRITE_HUBER, function, case_label, words)


def huber_twice(pred, target, delta=1.0):          # 2 x Huber: e^2 inside, 2 delta |e| - delta^2 beyond
    e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
    if e.shape != np.shape(target):
        raise ValueError("lengths differ")
    return np.mean(np.where(e <= delta, e ** 2, 2 * delta * e - delta ** 2))


def test_write_huber_rejects_twice_huber_with_a_hint_about_the_half_convention():
    """Review finding 2: twice Huber is just as smooth, so only the 1/2 convention tells it apart;
    the checker must reject it and say so."""
    verdict = ex.WRITE_HUBER.check(huber_twice)
    assert verdict.status == "wrong", verdict.message
    assert "½" in verdict.message and "convention" in verdict.message and "twice Huber" in verdict.message
    # By hand, twice Huber of d = (0.4, -3) is 2 x 1.29; its hint names it.
    twice_by_hand = (0.4 ** 2 + (2 * 1 * 3 - 1)) / 2
    assert "twice Huber" in ex.HUBER_BY_HAND.check(str(twice_by_hand)).message


def test_crossing_feedback_names_every_point_where_the_error_and_its_square_tie():
    """Review finding 5: |e| = e^2 at e = 0 and |e| = 1, so "only at exactly 1 unit" was false."""
    ties = sorted({abs(float(r)) for r in np.roots([1.0, -1.0, 0.0])})   # e^2 - e = 0 for e >= 0
    assert ties == [0.0, 1.0]
    feedback = ex.CROSSING_UNIT.choices[2].feedback
    assert "only at 0 and at exactly 1 unit" in feedback


def test_the_exactly_delta_case_catches_a_linear_piece_that_does_not_join():
    # Right everywhere except at |e| = delta, where it uses delta * (|e| - delta) = 0.
    def joins_badly(pred, target, delta=1.0):
        e = np.abs(np.asarray(pred, float) - np.asarray(target, float))
        if len(pred) == 2 and np.all(e == delta):
            return 0.0
        return huber_right(pred, target, delta)

    verdict = ex.WRITE_HUBER.check(joins_badly)
    assert verdict.status == "wrong" and "|e| exactly δ" in verdict.message and "½δ²" in verdict.message


def test_a_function_that_changes_its_input_is_caught():
    def in_place(pred, target):
        if len(pred) != len(target):
            raise ValueError("lengths differ")
        pred -= target                       # changes the caller's array
        return np.mean(np.asarray(pred) ** 2)

    verdict = ex.WRITE_MSE.check(in_place)
    assert verdict.status == "wrong" and "in place" in verdict.message


def test_must_raise_reports_other_exceptions_clearly():
    def type_error_on_mismatch(pred, target):
        if len(pred) != len(target):
            raise TypeError("bad lengths")
        return mse_right(pred, target)

    verdict = ex.WRITE_MSE.check(type_error_on_mismatch)
    assert verdict.status == "wrong" and "TypeError: bad lengths" in verdict.message and "ValueError" in verdict.message


def test_right_message_counts_every_case():
    verdict = ex.WRITE_MSE.check(mse_right)
    total = len(ex.WRITE_MSE.cases) + len(ex.WRITE_MSE.must_raise)
    assert f"all {total} cases" in verdict.message


def test_catalogue_builds_widgets_and_the_scoreboard_counts():
    board = Scoreboard("02 Loss")
    made = {spec.key: exercise_widget(spec, board, namespace={}) for spec in ex.EXERCISES}
    assert board.total == len(ex.EXERCISES) and board.right == 0
    w = made[ex.MSE_BY_HAND.key]
    w.answer.value = "15"
    assert "divide by n" in w.check().message
    w.answer.value = "3"
    assert w.check().right and board.right == 1
    code = exercise_widget(ex.WRITE_MSE, Scoreboard("other"), namespace={"my_mse": mse_right})
    assert code.check().right
    assert "Not answered yet" in made[ex.WRITE_HUBER.key].check().message
