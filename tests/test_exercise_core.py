"""The exercise machinery shared by every notebook: checkers (math layer) and Check widgets."""

import math

import numpy as np
import pytest

from helpers.exercises import Case, Choice, ChoiceExercise, CodeExercise, Mistake, NumberExercise, Verdict, parse_number
from helpers.widgets.exercises import Scoreboard, exercise_widget

MSE = NumberExercise(
    key="mse-demo", prompt="MSE of d = (1, -2, 2)?", answer=3.0, tol=0.01, why="(1 + 4 + 4) / 3 = 3.",
    mistakes=(Mistake(9.0, "forgot to divide by n"), Mistake(math.sqrt(3), "gave the RMSE")))
PICK = ChoiceExercise(
    key="pick-demo", prompt="Which constant minimizes MAE?",
    choices=(Choice("the mean", "the mean minimizes MSE"), Choice("a median", "")), answer=1,
    why="half the values lie on each side")
L1 = CodeExercise(
    key="l1-demo", prompt="write l1_norm", function_name="l1_norm",
    reference=lambda x: float(np.sum(np.abs(np.asarray(x, dtype=float)))),
    cases=(Case(([1.0, -2.0],), "a negative entry", "take absolute values"),
           Case(([0.0, 0.0, 0.0],), "zeros")),
    solution="def l1_norm(x): return float(np.sum(np.abs(x)))")


@pytest.mark.parametrize("text, value", [("3", 3.0), (" -0.5 ", -0.5), ("1e-3", 1e-3), ("1/4", 0.25),
                                         ("\u22122", -2.0), ("0,5", 0.5), (2, 2.0)])
def test_parse_number_reads_what_people_type(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "1/0", "nan", "inf", "1 2", "[1]", True])
def test_parse_number_rejects_nonsense_with_a_message(text):
    with pytest.raises(ValueError, match="number"):
        parse_number(text)


def test_number_exercise_right_mistakes_and_nonsense():
    assert MSE.check("3.004").status == "right"
    assert "divide by n" in MSE.check("9").message
    assert "RMSE" in MSE.check("1.732").message
    assert MSE.check("5").status == "wrong" and "±0.01" in MSE.check("5").message
    assert MSE.check("").status == "unanswered" and "Not answered yet" in MSE.check("").message
    assert MSE.check(None).status == "unanswered"
    for nonsense in ("three", "nan", [3.0]):
        verdict = MSE.check(nonsense)
        assert verdict.status == "invalid" and "number" in verdict.message


def test_choice_exercise_names_the_misconception():
    assert PICK.check(1).right
    wrong = PICK.check(0)
    assert wrong.status == "wrong" and "minimizes MSE" in wrong.message
    assert PICK.check(None).status == "unanswered"
    assert PICK.check(7).status == "invalid"
    assert PICK.check("the mean").status == "wrong"


def test_code_exercise_reports_the_first_failing_case_with_input_expected_and_got():
    assert L1.check(lambda x: float(np.sum(np.abs(x)))).right
    verdict = L1.check(lambda x: float(np.sum(x)))
    assert verdict.status == "wrong"
    assert "Case 1 (a negative entry)" in verdict.message and "returned -1" in verdict.message
    assert "expected 3" in verdict.message and "take absolute values" in verdict.message


def test_code_exercise_never_raises_on_bad_functions():
    def unwritten(x):
        raise NotImplementedError("write this function")

    def broken(x):
        return 1 / 0

    def mutates(x):
        x[0] = 99.0
        return float(np.sum(np.abs([1.0, -2.0]))) if len(x) == 2 else 0.0

    assert L1.check(None).status == "unanswered"
    assert L1.check(unwritten).status == "unanswered"
    assert L1.check(42).status == "invalid"
    assert "ZeroDivisionError" in L1.check(broken).message
    assert "returned None" in L1.check(lambda x: None).message
    assert "shape" in L1.check(lambda x: np.abs(x)).message
    assert "not a number" in L1.check(lambda x: "3").message
    assert "in place" in L1.check(mutates).message


def test_specs_refuse_to_be_built_wrong():
    with pytest.raises(ValueError, match="within tol"):
        NumberExercise("k", "p", answer=1.0, tol=0.1, why="", mistakes=(Mistake(1.05, "h"),))
    with pytest.raises(ValueError, match="index"):
        ChoiceExercise("k", "p", choices=(Choice("a", ""), Choice("b", "")), answer=2, why="")
    with pytest.raises(ValueError, match="status"):
        Verdict("maybe", "")


def test_widgets_show_feedback_and_count_on_the_scoreboard():
    board = Scoreboard("demo")
    number, choice = exercise_widget(MSE, board), exercise_widget(PICK, board)
    code = exercise_widget(L1, board, namespace={})
    assert "Not answered yet" in number.feedback.value and board.right == 0 and board.total == 3
    number.answer.value = "9"
    number.check_button.click()
    assert "divide by n" in number.feedback.value and board.right == 0
    number.answer.value = "3"
    number.check_button.click()
    assert number.state["status"] == "right" and board.right == 1
    revealed = []
    choice.on_answer = revealed.append
    choice.answer.value = "the mean"
    choice.check_button.click()
    assert revealed and not revealed[0].right and "minimizes MSE" in choice.feedback.value
    code.check_button.click()
    assert "Not answered yet" in code.feedback.value
    code.namespace["l1_norm"] = lambda x: float(np.sum(np.abs(x)))
    code.check_button.click()
    assert board.right == 2 and "2 of 3" in board.summary
    assert code.solution.layout.display == "none"
    code.solution_toggle.value = True
    assert code.solution.layout.display == "block"
