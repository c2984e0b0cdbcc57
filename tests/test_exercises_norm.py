"""The exercises of 01_norm (helpers.exercises.norm) without widgets: the right answer is accepted,
every catalogued mistake gets its own hint, every wrong choice names its misconception, wrong code
fails on the case meant to catch it, and nonsense gets a clear message, never a traceback.

Right answers are worked out here independently (numpy, math), not read off the specs.
"""

import math

import numpy as np
import pytest

from helpers.exercises import ChoiceExercise, CodeExercise, NumberExercise
from helpers.exercises import norm as ex
from helpers.widgets.exercises import Scoreboard, exercise_widget
from tests import exercise_checks as checks

NUMBERS = [ex.LINF_BY_HAND, ex.LP_HALF_BY_HAND]
CHOICES = [ex.NORM_ORDER, ex.UNIT_BALL_P_HALF, ex.L0_BREAKS, ex.WHICH_SIZE]
CODES = [ex.WRITE_L1_NORM, ex.WRITE_L2_NORM]


class TestCatalogue(checks.CatalogueSuite):
    """The checks every notebook's exercises pass (tests/exercise_checks.py), on 01's."""

    exercises = ex.EXERCISES
    mistake_format = "{:.4f}"
    right_words = {"norm-order": "‖x‖₁", "unit-ball-p-half": "star", "l0-breaks": "scaling", "which-size": "‖d‖∞"}


def test_the_catalogue():
    assert [s.key for s in ex.EXERCISES] == [s.key for s in sorted(NUMBERS + CHOICES + CODES,
                                                                     key=ex.EXERCISES.index)]


# ---------------------------------------------------------------------------- compute by hand


def test_linf_by_hand_is_the_largest_size():
    x = np.array(ex.LINF_VECTOR)
    answer = np.max(np.abs(x))
    assert ex.LINF_BY_HAND.check(str(answer)).right
    assert ex.LINF_BY_HAND.check("7.004").right
    assert ex.LINF_BY_HAND.check(" 7 ").right


def test_lp_half_by_hand():
    answer = (math.sqrt(1.0) + math.sqrt(1.0)) ** 2
    assert ex.LP_HALF_BY_HAND.check(f"{answer}").right
    assert ex.LP_HALF_BY_HAND.check("4").right


def test_linf_mistakes_name_the_misconception():
    check = ex.LINF_BY_HAND.check
    assert "absolute values" in check("5").message             # the signed maximum
    assert "never negative" in check("-7").message
    assert "L1" in check("15").message                          # summed every size
    assert "L2" in check(f"{np.linalg.norm(ex.LINF_VECTOR):.3f}").message
    assert "L0" in check("4").message
    assert "within ±0.01" in check("6").message                 # a number nobody catalogued


def test_lp_half_mistakes_name_the_misconception():
    check = ex.LP_HALF_BY_HAND.check
    assert "1/p = 2" in check("2").message                      # forgot the outer power
    assert "L2" in check("1.414").message
    assert "not on the edge" in check("1").message


# ---------------------------------------------------------------------------- predict


def test_the_predictions_agree_with_the_mathematics():
    """What each right choice claims, checked with numpy."""
    rng = np.random.default_rng(1)
    for _ in range(200):                                         # norm-order: L1 is the largest
        x = rng.normal(size=rng.integers(2, 9)) * 10.0 ** rng.integers(-3, 4)
        assert np.linalg.norm(x, 1) > np.linalg.norm(x, 2) > np.linalg.norm(x, np.inf)
    # unit-ball-p-half: axis points have size 1, the diagonal point (0.25, 0.25) too, (0.5, 0.5) size 2.
    half = lambda v: np.sum(np.sqrt(np.abs(v))) ** 2              # noqa: E731
    assert half([1.0, 0.0]) == half([0.0, -1.0]) == 1.0
    assert half([0.25, 0.25]) == pytest.approx(1.0) and half([0.5, 0.5]) == pytest.approx(2.0)
    # l0-breaks: scaling fails, zero and the triangle inequality hold.
    x, y = np.array([1.0, 0.0, -2.0]), np.array([0.0, 3.0, 2.0])
    assert np.count_nonzero(2 * x) != 2 * np.count_nonzero(x)
    assert np.count_nonzero(x + y) <= np.count_nonzero(x) + np.count_nonzero(y)
    # which-size: six deviations of 0.05 meet the rule, yet L1 and L2 exceed 0.1.
    d = np.full(6, 0.05)
    assert np.max(np.abs(d)) <= 0.1 < np.linalg.norm(d) < np.sum(np.abs(d))


# ---------------------------------------------------------------------------- write the code


def good_l1(x):
    return float(sum(abs(float(v)) for v in x))


def good_l2(x):
    return math.hypot(*[float(v) for v in x])     # Python's own overflow-safe length


def test_right_code_is_accepted():
    assert ex.WRITE_L1_NORM.check(good_l1).right
    assert ex.WRITE_L1_NORM.check(lambda x: np.linalg.norm(np.asarray(x, dtype=float), 1)).right
    assert ex.WRITE_L2_NORM.check(good_l2).right


def test_numpy_norm_itself_fails_the_huge_case_as_the_solution_says():
    """The worked solution says np.linalg.norm overflows for (1e200, 1e200): so it does."""
    with np.errstate(over="ignore"):
        assert np.linalg.norm([1e200, 1e200]) == np.inf
    verdict = ex.WRITE_L2_NORM.check(lambda x: float(np.linalg.norm(np.asarray(x, dtype=float))))
    assert verdict.status == "wrong" and "(huge entries (1e200))" in verdict.message
    assert "np.linalg.norm(x)</code> does not" in ex.WRITE_L2_NORM.solution


def test_the_worked_solutions_pass_their_own_checks():
    for spec in CODES:
        code = spec.solution.split("<pre>")[1].split("</pre>")[0]
        namespace = {"np": np}
        exec(code, namespace)  # noqa: S102 - the course's own solution text
        assert spec.check(namespace[spec.function_name]).right, spec.key


def _l1_divides_by_the_largest(x):
    a = np.abs(np.asarray(x, dtype=float))
    return float(a.max() * np.sum(a / a.max()))


def _l1_via_squares(x):
    return float(np.sqrt(np.sum(np.abs(np.asarray(x, dtype=float))) ** 2))


def _l1_in_place(x):
    a = np.asarray(x, dtype=float)
    np.abs(a, out=a)
    return float(a.sum())


@pytest.mark.parametrize("wrong, case, words", [
    (lambda x: float(np.sum(x)), "a negative entry", "absolute value"),
    (lambda x: float(np.linalg.norm(np.asarray(x, dtype=float))), "a negative entry", "returned 5"),
    (_l1_divides_by_the_largest, "the zero vector", "size 0"),
    (lambda x: abs(x[0]) + abs(x[1]), "a vector of length 1", "IndexError"),
    (lambda x: sum(abs(v) for v in x[:4]), "a longer vector (7 entries)", "every entry"),
    (lambda x: x.__abs__().sum(), "a negative entry", "AttributeError"),
    (_l1_via_squares, "huge entries (1e300)", "overflows"),
    (_l1_in_place, "huge entries (1e300)", "changed its input in place"),
])
def test_wrong_l1_code_fails_on_the_case_meant_to_catch_it(wrong, case, words):
    checks.caught(ex.WRITE_L1_NORM, wrong, f"({case})", words)


def _l2_naive(x):
    return float(np.sqrt(np.sum(np.square(np.asarray(x, dtype=float)))))


def _l2_scaled_no_zero_check(x):
    a = np.abs(np.asarray(x, dtype=float))
    return float(a.max() * np.sqrt(np.sum((a / a.max()) ** 2)))


def _l2_guards_only_overflow(x):
    a = np.abs(np.asarray(x, dtype=float))
    if a.max() > 1e150:
        return float(a.max() * np.sqrt(np.sum((a / a.max()) ** 2)))
    return float(np.sqrt(np.sum(a * a)))


@pytest.mark.parametrize("wrong, case, words", [
    (lambda x: float(np.sum(np.abs(x))), "x = (3, −4)", "√(3² + 4²)"),
    (_l2_scaled_no_zero_check, "the zero vector", "0/0"),
    (lambda x: math.sqrt(x[0] ** 2 + x[1] ** 2), "a vector of length 1", "IndexError"),
    (_l2_naive, "huge entries (1e200)", "overflows to inf"),
    (_l2_guards_only_overflow, "tiny entries (1e-200)", "underflows"),
])
def test_wrong_l2_code_fails_on_the_case_meant_to_catch_it(wrong, case, words):
    checks.caught(ex.WRITE_L2_NORM, wrong, f"({case})", words)


# ---------------------------------------------------------------------------- as widgets


def test_each_exercise_as_a_widget_with_the_scoreboard():
    board = Scoreboard("01 Norm")
    shown = [exercise_widget(spec, board, namespace={}) for spec in ex.EXERCISES]
    assert board.total == len(ex.EXERCISES) and board.right == 0
    assert all(w.state["status"] == "unanswered" for w in shown)
    linf = shown[ex.EXERCISES.index(ex.LINF_BY_HAND)]
    linf.answer.value = "15"
    linf.check_button.click()
    assert linf.state["status"] == "wrong" and "L1" in linf.state["feedback"]
    linf.answer.value = "7"
    linf.check_button.click()
    assert linf.state["status"] == "right" and board.right == 1
    code = shown[ex.EXERCISES.index(ex.WRITE_L1_NORM)]
    code.namespace["l1_norm"] = good_l1
    code.check_button.click()
    assert code.state["status"] == "right" and board.right == 2
    order = shown[ex.EXERCISES.index(ex.NORM_ORDER)]
    order.answer.value = order.spec.labels[0]
    order.check_button.click()
    assert order.state["status"] == "wrong" and board.right == 2


def test_specs_are_the_right_types():
    assert all(isinstance(s, NumberExercise) for s in NUMBERS)
    assert all(isinstance(s, ChoiceExercise) for s in CHOICES)
    assert all(isinstance(s, CodeExercise) for s in CODES)


# ---------------------------------------------------------------------------- review fixes


@pytest.mark.parametrize("spec, wrong", [
    (ex.WRITE_L1_NORM, lambda x: float(abs(x).sum())),      # abs() of a list: TypeError on case 1
    (ex.WRITE_L1_NORM, lambda x: float(x.sum())),           # a list has no .sum(): AttributeError
    (ex.WRITE_L2_NORM, lambda x: float((x ** 2).sum() ** 0.5)),
])
def test_code_that_fails_on_a_plain_list_gets_the_list_hint(spec, wrong):
    verdict = spec.check(wrong)
    assert verdict.status == "wrong" and "Case 1 " in verdict.message
    assert "np.asarray" in verdict.message and "plain list" in verdict.message, verdict.message
    assert spec.cases[0].hint not in verdict.message        # not the first case's unrelated hint


def test_the_list_hint_is_only_for_list_inputs():
    def fine_on_lists_only(x):
        if isinstance(x, np.ndarray):
            raise TypeError("no arrays here")
        return float(sum(abs(v) for v in x))

    verdict = ex.WRITE_L1_NORM.check(fine_on_lists_only)
    assert verdict.status == "wrong" and "(huge entries (1e300))" in verdict.message
    assert "plain list" not in verdict.message and ex.WRITE_L1_NORM.cases[-1].hint in verdict.message
    # A wrong value on a list keeps the case's own hint.
    verdict = ex.WRITE_L1_NORM.check(lambda x: float(np.sum(x)))
    assert ex.WRITE_L1_NORM.cases[0].hint in verdict.message and "plain list" not in verdict.message


def test_exercises_are_listed_in_the_order_the_notebook_asks_them():
    import json
    import re
    from pathlib import Path

    cells = json.loads((Path(__file__).parents[1] / "notebooks" / "01_norm.ipynb").read_text())["cells"]
    code = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    asked = re.findall(r"exercise_widget\(ex\.([A-Z0-9_]+)", code)
    assert asked == [name for spec in ex.EXERCISES for name in ex.__all__ if getattr(ex, name) is spec]
    assert ex.__doc__.index("write-l1-norm") < ex.__doc__.index("write-l2-norm") < ex.__doc__.index("linf-by-hand")


def test_l2_why_says_small_squares_still_underflow_harmlessly():
    x = np.array([1.0, 1e-170])
    scaled = x / np.max(np.abs(x))
    assert scaled[1] > 0 and scaled[1] ** 2 == 0.0          # the small square underflows ...
    assert ex.WRITE_L2_NORM.reference(x) == math.hypot(*x) == 1.0   # ... and changes nothing
    assert "still underflow" in ex.WRITE_L2_NORM.why


def test_convex_is_defined_where_the_feedback_uses_it():
    why = ex.UNIT_BALL_P_HALF.why
    assert why.index("convex when") < why.index("chord")
    assert r"\|x\|_1" in ex.NORM_ORDER.prompt and r"\|x\|_\infty" in ex.NORM_ORDER.prompt


def test_l2_why_places_subnormal_and_zero_squares_where_numpy_does():
    """Squares turn subnormal below about 1e-154 and become 0 only below about 1e-162."""
    tiny = np.finfo(float).tiny                                   # smallest normal, 2.2e-308
    assert (2e-154) ** 2 >= tiny > (1e-154) ** 2 > 0.0            # subnormal from about 1.5e-154 down
    assert (2e-162) ** 2 > 0.0 and (1e-162) ** 2 == 0.0       # 0 from about 1.6e-162 down
    assert 1.5e-162 < math.sqrt(np.finfo(float).smallest_subnormal) / math.sqrt(2) < 1.6e-162
    why = ex.WRITE_L2_NORM.why
    assert "1e-154" in why and "subnormal" in why and "1e-162" in why
    assert "(under about 1e-154 times it) still underflow" not in why     # the old, loose wording
