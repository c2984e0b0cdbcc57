"""The exercises of notebook 03 (helpers.exercises.outliers), without widgets.

For each: the right answer is accepted, every catalogued mistake gets its own hint,
every wrong choice its own feedback, and nonsense gets a clear message, never a
traceback. The facts the exercises rest on are checked here against numpy, scikit-learn
and finite differences, not against the course's functions.
"""

import numpy as np
import pytest
from sklearn.linear_model import QuantileRegressor

from helpers.data import load_stackloss
from helpers.exercises import CodeExercise, NumberExercise
from helpers.exercises import outliers as ex
from helpers.widgets.exercises import Scoreboard, exercise_widget
from tests import exercise_checks as checks


class TestCatalogue(checks.CatalogueSuite):
    """The checks every notebook's exercises pass (tests/exercise_checks.py), on 03's."""

    exercises = ex.EXERCISES
    mistake_format = "{:g}"


# --- the facts behind the answers, from independent references ------------------------


def test_the_answers_are_true():
    values = np.array([3.0, 4.0, 4.5, 6.0, 70.0])
    grid = np.linspace(0, 80, 80_001)
    mae = np.abs(grid[:, None] - values).mean(axis=1)
    assert ex.MAE_CONSTANT_FAR.choices[ex.MAE_CONSTANT_FAR.answer].label == "4.5"
    assert grid[np.argmin(mae)] == pytest.approx(4.5, abs=1e-3)
    assert np.mean(values) == pytest.approx(17.5)  # the catalogued "mean" choice
    numbers = [2.0, 9.0, 3.0, 100.0, 4.0]
    assert ex.MEDIAN_BY_HAND.answer == np.median(numbers) and np.mean(numbers) == pytest.approx(23.6)
    h = 1e-6
    assert ex.PULL_BY_HAND.answer == pytest.approx(((4 + h) ** 2 - (4 - h) ** 2) / (2 * h))
    stack = load_stackloss()
    lad = QuantileRegressor(quantile=0.5, alpha=0.0, solver="highs").fit(stack.X, stack.y)
    zeros = np.sum(np.abs(stack.y - lad.predict(stack.X)) < 1e-6)
    assert ex.STACKLOSS_ZERO_RESIDUALS.answer == zeros == 4


def test_line_moves_most_quotes_the_pull_ratio_of_the_notebooks_data():
    """The far point pulls about five times harder (not seven), with the explorer's data at seed 3."""
    from helpers.widgets.outliers import dataset_points

    x, clean = dataset_points("Noisy line", seed=3)
    _, moved = dataset_points("One outlier", seed=3)
    i = int(np.flatnonzero(moved != clean)[0])
    old = np.polyfit(x, clean, 1)  # independent least-squares lines (numpy)
    new = np.polyfit(x, moved, 1)
    before = clean[i] - np.polyval(old, x[i])
    after_old_line, after_new_line = moved[i] - np.polyval(old, x[i]), moved[i] - np.polyval(new, x[i])
    assert x[i] == 13.0 and round(before, 1) == 1.5 and round(after_old_line, 1) == 8.5
    assert round(after_new_line, 1) == 6.9
    ratios = after_old_line / before, after_new_line / before  # 5.6 and 4.5: "about five", never "seven"
    assert all(4.0 < r < 6.0 for r in ratios), ratios
    why = ex.LINE_MOVES_MOST.why
    assert "five times" in why and "seven" not in why and "seed 3" in why
    assert "1.5" in why and "8.5" in why and "6.9" in why
    assert (round(old[0], 2), round(new[0], 2)) == (0.54, 0.80)
    assert "0.54 to 0.80" in ex.LINE_MOVES_MOST.solution and "seed 3" in ex.LINE_MOVES_MOST.solution


def test_gaussian_noise_share_gives_the_spread_ratio_as_a_standard_deviation():
    """pi/2 is the variance ratio of median to mean; the standard deviations differ by sqrt(pi/2)."""
    samples = np.random.default_rng(3).standard_normal((20_000, 101))
    sd_ratio = np.median(samples, axis=1).std() / samples.mean(axis=1).std()
    assert abs(sd_ratio - np.sqrt(np.pi / 2)) < 0.03 and abs(sd_ratio - np.pi / 2) > 0.25
    solution = ex.GAUSSIAN_NOISE_SHARE.solution
    assert "√(π/2) ≈ 1.25" in solution and "variance" in solution
    assert "varies π/2" not in solution
    # the terms are defined where the learner first meets them (the feedback comes before section 5's box)
    # (a continuous model gives data a density, not a probability; 2/pi is the large-n limit)
    why = ex.GAUSSIAN_NOISE_SHARE.why
    assert "highest probability density" in why and "Var(mean) / Var(median)" in why
    assert "tends to 2/π" in why and "most probable" not in why
    assert "highest probability density" in ex.GAUSSIAN_NOISE_SHARE.choices[0].feedback
    # the L1 fit "can be written as" a linear program (with t_i >= |r_i|); it is not one as it stands
    stack = ex.STACKLOSS_ZERO_RESIDUALS
    assert "linear inequalities" in stack.why and "vertex" in stack.why
    assert "can be written as a linear program" in stack.why and "can be written as a linear" in stack.solution
    assert "is a linear program" not in stack.why and "solves a linear program" not in stack.solution


def test_huber_reference_is_the_textbook_formula():
    e = np.array([-5.0, -1.0, -0.3, 0.0, 0.7, 1.0, 2.0, 1e8])
    for delta in (1.0, 2.0):
        textbook = np.where(np.abs(e) <= delta, 0.5 * e**2, delta * (np.abs(e) - 0.5 * delta))
        assert np.allclose(ex.huber_reference(e, delta), textbook)


def test_catalogued_mistakes_name_the_misconception():
    assert "mean" in ex.MEDIAN_BY_HAND.check("23.6").message
    assert "Sort" in ex.MEDIAN_BY_HAND.check("3").message
    assert "2 of the derivative" in ex.PULL_BY_HAND.check("4").message
    assert "not its derivative" in ex.PULL_BY_HAND.check("16").message
    assert "sign(e)" in ex.PULL_BY_HAND.check("1").message
    assert "intercept" in ex.STACKLOSS_ZERO_RESIDUALS.check("3").message


# --- choice exercises ---------------------------------------------------------------------


def test_the_predict_feedback_names_the_misconception():
    mean_choice = ex.MAE_CONSTANT_FAR.labels.index("17.5")
    message = ex.MAE_CONSTANT_FAR.check(mean_choice).message
    assert "You picked the mean" in message and "watch it stay" in message
    slogan = ex.GAUSSIAN_NOISE_SHARE.check(0).message
    assert "noisy data: L1" in slogan and "heavy-tailed" in slogan


# --- the code exercise --------------------------------------------------------------------


def _learner(source: str):
    namespace = {"np": np}
    exec(source, namespace)
    return namespace["huber"]


RIGHT = """
def huber(e, delta):
    e = np.asarray(e, dtype=float)
    return np.where(np.abs(e) <= delta, 0.5 * e**2, delta * (np.abs(e) - 0.5 * delta))
"""


def test_write_huber_accepts_a_right_function_and_the_shipped_solution():
    assert ex.WRITE_HUBER.check(_learner(RIGHT)).status == "right"
    loop = _learner("def huber(e, delta):\n"
                    "    return np.array([x * x / 2 if abs(x) <= delta else delta * (abs(x) - delta / 2) for x in e])")
    assert ex.WRITE_HUBER.check(loop).status == "right"
    shipped = ex.WRITE_HUBER.solution.split("<pre>")[1].split("</pre>")[0].replace("&lt;", "<")
    assert ex.WRITE_HUBER.check(_learner(shipped)).status == "right"


@pytest.mark.parametrize("source, case, words", [
    # the course's L2 term instead of Huber's half of it
    ("def huber(e, delta):\n    return np.where(np.abs(e) <= delta, e**2, delta * (np.abs(e) - delta / 2))",
     "small errors, inside δ", "½"),
    # e instead of |e| beyond delta
    ("def huber(e, delta):\n    return np.where(np.abs(e) <= delta, 0.5 * e**2, delta * (e - delta / 2))",
     "both signs", "|e|"),
    # the pieces do not meet: forgot the -delta/2
    ("def huber(e, delta):\n    return np.where(np.abs(e) <= delta, 0.5 * e**2, delta * np.abs(e))",
     "both signs", "δ/2"),
    # strict < at the boundary is fine (both pieces agree there), but a fixed delta of 1 is not
    ("def huber(e, delta):\n    return np.where(np.abs(e) <= 1, 0.5 * e**2, (np.abs(e) - 0.5))",
     "δ = 2", "delta argument"),
    # squares beyond delta too: blows up for large errors
    ("def huber(e, delta):\n    return np.where(np.abs(e) <= 3, 0.5 * e**2, delta * (np.abs(e) - delta / 2))",
     "both signs", "δ(|e| − δ/2)"),
])
def test_write_huber_reports_the_first_failing_case_with_its_hint(source, case, words):
    verdict = checks.caught(ex.WRITE_HUBER, _learner(source), case, words)
    assert "expected" in verdict.message and "returned" in verdict.message


def test_write_huber_nonsense_gets_a_clear_message():
    shipped_template = _learner("def huber(e, delta):\n    raise NotImplementedError('write this function')")
    assert ex.WRITE_HUBER.check(shipped_template).status == "unanswered"
    assert ex.WRITE_HUBER.check(None).status == "unanswered"
    assert ex.WRITE_HUBER.check(3.0).status == "invalid"
    raising = ex.WRITE_HUBER.check(_learner("def huber(e, delta):\n    return 1 / 0"))
    assert raising.status == "wrong" and "ZeroDivisionError" in raising.message
    no_return = ex.WRITE_HUBER.check(_learner("def huber(e, delta):\n    0.5 * e**2"))
    assert no_return.status == "wrong" and "return" in no_return.message
    scalar = ex.WRITE_HUBER.check(_learner("def huber(e, delta):\n    return 0.0"))
    assert scalar.status == "wrong" and "shape" in scalar.message
    text = ex.WRITE_HUBER.check(_learner("def huber(e, delta):\n    return 'huber'"))
    assert text.status == "wrong" and "not a number" in text.message
    nan = ex.WRITE_HUBER.check(_learner("def huber(e, delta):\n    return np.full(np.shape(e), np.nan)"))
    assert nan.status == "wrong"
    in_place = ex.WRITE_HUBER.check(_learner(
        "def huber(e, delta):\n    e *= 1.0\n"
        "    e[:] = np.where(np.abs(e) <= delta, 0.5 * e**2, delta * (np.abs(e) - delta / 2))\n"
        "    return e"))
    assert in_place.status == "wrong" and "in place" in in_place.message


def test_every_exercise_shows_as_a_widget_and_counts_on_the_scoreboard():
    board = Scoreboard("03 test")
    shown = {spec.key: exercise_widget(spec, board, namespace={"huber": _learner(RIGHT)}) for spec in ex.EXERCISES}
    assert board.total == len(ex.EXERCISES) and board.right == 0
    shown["median-by-hand"].controls["answer"].value = "23.6"
    shown["median-by-hand"].controls["check"].click()
    assert "mean" in shown["median-by-hand"].state["feedback"] and board.right == 0
    shown["median-by-hand"].controls["answer"].value = "4"
    shown["median-by-hand"].controls["check"].click()
    shown["write-huber"].controls["check"].click()
    assert board.right == 2 and shown["write-huber"].state["status"] == "right"
    assert all(isinstance(spec, (NumberExercise, CodeExercise)) or spec.solution for spec in ex.EXERCISES)


def test_about_half_feedback_says_only_the_optimality_condition_uses_just_the_signs():
    """The L1 loss sum|e| sees the residuals' sizes; its optimality condition (a median: as many residuals
    above as below) sees only their signs. Moving the points away from the median without crossing it
    changes the loss but not the minimizer."""
    e = np.array([-3.0, -1.0, 0.5, 2.0, 7.0])
    stretched = np.where(e == 0.5, e, 10 * e)          # every residual about the median 0.5 keeps its sign
    grid = np.linspace(-5, 5, 100_001)
    l1 = [np.abs(d[:, None] - grid).sum(axis=0) for d in (e, stretched)]
    assert grid[np.argmin(l1[0])] == pytest.approx(0.5) == grid[np.argmin(l1[1])]   # same L1 fit
    assert l1[0].min() != l1[1].min()                                                # different loss
    assert abs(e.mean() - stretched.mean()) > 1                                      # the L2 fit moves
    feedback = ex.GAUSSIAN_NOISE_SHARE.choices[1].feedback
    assert "only L1's optimality condition uses just the signs of the residuals" in feedback
    assert "L1 uses only the signs" not in feedback
