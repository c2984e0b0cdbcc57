"""Exercises of notebook 02_loss: what counts as right, and what each common wrong answer means.

Math layer (no widgets); the notebook shows each with ``helpers.widgets.exercises.exercise_widget``.

========================  ==========  ==================================================
exercise                  kind        learning objective it practises
========================  ==========  ==================================================
``MSE_BY_HAND``           compute     compute MAE, MSE, RMSE by hand
``WRITE_MSE``             code        ... and with code
``RMSE_FROM_NORM``        compute     how each loss relates to the norm of d
``SHARE_OF_BIG_ERROR``    predict     why squaring makes L2 sensitive to large errors
``CROSSING_UNIT``         predict     why "below 1" depends on the unit
``HUBER_BY_HAND``         compute     Huber as the bridge between L1 and L2
``WRITE_HUBER``           code        ... and with code
========================  ==========  ==================================================
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import Case, Choice, ChoiceExercise, CodeExerciseWithErrors, Mistake, NumberExercise
from helpers.exercises import vector as _v
from helpers.losses import huber_loss, mse

__all__ = ["CodeExerciseWithErrors", "MSE_BY_HAND", "WRITE_MSE", "RMSE_FROM_NORM", "SHARE_OF_BIG_ERROR",
           "CROSSING_UNIT", "HUBER_BY_HAND", "WRITE_HUBER", "EXERCISES"]


# ---------------------------------------------------------------------------------- compute by hand

MSE_BY_HAND = NumberExercise(
    key="02-mse-by-hand",
    prompt=("A model's difference vector is $d = \\hat y - y = (2, -1, 0, -3, 1)$. "
            "What is its mean squared error (MSE)?"),
    answer=3.0, tol=0.005,
    why="Square each entry (4, 1, 0, 9, 1), add them (15 = ‖d‖₂²), divide by n = 5.",
    mistakes=(
        Mistake(15.0, "That is the sum of squares Σ dᵢ² = ‖d‖₂². You forgot to divide by n: "
                      "the MSE is a mean."),
        Mistake(float(np.sqrt(15.0)), "That is ‖d‖₂, the norm itself. The MSE is the squared norm "
                                      "divided by n, with no root."),
        Mistake(float(np.sqrt(3.0)), "That is the RMSE, the root of the MSE. The MSE stops before the root."),
        Mistake(1.4, "That is the MAE, the mean of |dᵢ|. The MSE squares each entry before averaging."),
        Mistake(-0.2, "That is the mean of d itself: errors of opposite sign cancel. Square each entry first."),
        Mistake(0.04, "That is (mean of d)²: you averaged first and squared after. Square each entry, "
                      "then average."),
        Mistake(3.75, "You divided by n − 1 = 4, as for a sample variance. The MSE divides by n."),
    ),
    solution=("$d^2 = (4, 1, 0, 9, 1)$, so $\\sum_i d_i^2 = 15 = \\lVert d\\rVert_2^2$ and "
              "$\\mathrm{MSE} = 15 / 5 = 3$. (The norm is $\\lVert d\\rVert_2 = \\sqrt{15} \\approx 3.873$, "
              "the RMSE $\\sqrt 3 \\approx 1.732$, the MAE $7/5 = 1.4$.)"),
)

RMSE_FROM_NORM = NumberExercise(
    key="02-rmse-from-norm",
    prompt=("A model is scored on n = 4 numbers (4 samples, one output each), and the L2 norm of its "
            "difference vector is $\\lVert d\\rVert_2 = 6$. What is its RMSE?"),
    answer=3.0, tol=0.005,
    why="RMSE = ‖d‖₂ / √n = 6 / 2: the root of the MSE 36 / 4 = 9.",
    mistakes=(
        Mistake(9.0, "That is the MSE, ‖d‖₂² / n. The RMSE is its square root."),
        Mistake(36.0, "That is ‖d‖₂², the sum of squares. The RMSE divides it by n and takes the root."),
        Mistake(6.0, "That is the norm ‖d‖₂ itself. The RMSE rescales it by 1/√n: a mean over n "
                     "entries sits inside the root."),
        Mistake(1.5, "That is ‖d‖₂ / n. The division by n happens inside the root, so outside it "
                     "is a division by √n."),
        Mistake(float(np.sqrt(6.0)), "That is √‖d‖₂. The norm already contains the root; do not take "
                                     "another one."),
    ),
    solution=("$\\mathrm{MSE} = \\lVert d\\rVert_2^2 / n = 36 / 4 = 9$ and "
              "$\\mathrm{RMSE} = \\sqrt{\\mathrm{MSE}} = 3$; in one step, "
              "$\\mathrm{RMSE} = \\lVert d\\rVert_2 / \\sqrt n = 6 / 2 = 3$."),
)

HUBER_BY_HAND = NumberExercise(
    key="02-huber-by-hand",
    prompt=("Two errors, $d = (0.4, -3)$, and Huber's threshold $\\delta = 1$. "
            "What is the mean Huber loss? (Huber as defined above: quadratic inside "
            "$\\delta$, linear beyond.)"),
    answer=1.29, tol=0.005,
    why="½·0.4² = 0.08 inside δ; 1·(3 − ½) = 2.5 beyond; (0.08 + 2.5) / 2 = 1.29.",
    mistakes=(
        Mistake(2.29, "You kept ½e² for the error of 3, which lies beyond δ: there Huber is linear, "
                      "δ(|e| − δ/2)."),
        Mistake(1.33, "Inside δ Huber is ½e², half of the L2 term e²: 0.4 gives 0.08, not 0.16."),
        Mistake(2.58, "That is the sum, or twice Huber (e² inside, 2δ|e| − δ² beyond). The mean divides by "
                      "n = 2, and Huber carries the ½ of its convention."),
        Mistake(1.04, "The linear piece is δ(|e| − δ/2), not δ(|e| − δ): the −δ/2 makes it meet ½e² "
                      "at |e| = δ."),
        Mistake(-1.71, "The linear piece uses |e|: a negative error costs as much as a positive one."),
        Mistake(1.7, "That is the MAE, the mean of |dᵢ|. Huber treats the small error quadratically."),
        Mistake(4.58, "That is the MSE. Huber grows only linearly beyond δ, and is ½e² inside."),
    ),
    solution=("Inside $\\delta$: $\\tfrac12 \\cdot 0.4^2 = 0.08$. Beyond: "
              "$\\delta(\\lvert e\\rvert - \\delta/2) = 1 \\cdot (3 - 0.5) = 2.5$. "
              "Mean: $(0.08 + 2.5) / 2 = 1.29$."),
)

# ---------------------------------------------------------------------------------- predict

SHARE_OF_BIG_ERROR = NumberExercise(
    key="02-share-of-big-error",
    prompt=("Predict before you look: four errors are 0.5 and one is 3. What fraction of the "
            "sum of squares $\\sum_i d_i^2$ does the error of 3 own? Type a fraction between 0 and 1 "
            "(for example 0.25)."),
    answer=0.9, tol=0.01,
    why="Squares: four times 0.25 and one 9, so 9 of 10. Under L1 it owns 3 of 5 = 0.6.",
    kind="predict",
    mistakes=(
        Mistake(0.6, "That is its share of Σ|dᵢ| (the L1 view). Squaring weighs the large error far more: "
                     "square every error first, then take the share."),
        Mistake(0.2, "That would be a fair one-in-five share. Losses weigh errors by size, and squares "
                     "weigh large ones much more."),
        Mistake(0.36, "You squared the L1 share. Square each error first, then take the share of the total."),
        Mistake(90.0, "Right idea, but type it as a fraction between 0 and 1, not a percentage."),
    ),
    solution=("$\\sum_i d_i^2 = 4 \\cdot 0.25 + 9 = 10$, of which the big error owns $9/10 = 0.9$. "
              "Under L1: $\\sum_i \\lvert d_i\\rvert = 2 + 3 = 5$, of which it owns $3/5 = 0.6$."),
)

CROSSING_UNIT = ChoiceExercise(
    key="02-crossing-unit",
    prompt=("An error of 0.5 m, counted in metres, shrinks when squared: $0.5^2 = 0.25 < 0.5$. "
            "Now count the same error in units of 25 cm. What does squaring do to it?"),
    choices=(
        Choice("It still shrinks: half a metre is below 1.",
               "“Below 1” is about the number, and the number depends on the unit: 0.5 m is 2 units "
               "of 25 cm."),
        Choice("It grows: the error is 2 units, and 2² = 4 > 2.", ""),
        Choice("It ties: |e| = e², since changing the unit changes both alike.",
               "Changing the unit multiplies |e| by k but e² by k²: they tie only at 0 and at exactly 1 unit."),
        Choice("Squaring does not depend on units, so nothing changes.",
               "The ratio of two errors' squares does not depend on the unit, but whether one error's "
               "square is larger than the error itself does."),
    ),
    answer=1,
    why="Errors below 1 unit shrink and those above grow, wherever you put the unit; 0.5 m is 2 units of 25 cm.",
    solution=("In units of 25 cm the error is $e = 0.5 / 0.25 = 2$, and $e^2 = 4 > 2 = \\lvert e\\rvert$. "
              "The crossing of $\\lvert e\\rvert$ and $e^2$ sits at 1 unit, here at 25 cm."),
)

# ---------------------------------------------------------------------------------- write the code

_LENGTH_HINT = ("Check that the two vectors have the same length and raise ValueError if not: "
                "numpy would broadcast a one-element target against every prediction and return a number.")

WRITE_MSE = CodeExerciseWithErrors(
    key="02-write-mse",
    prompt=("Write <code>my_mse(pred, target)</code>: the mean squared error of two vectors "
            "(lists or numpy arrays of the same length). Raise <code>ValueError</code> when their lengths "
            "differ."),
    function_name="my_mse",
    reference=mse,
    cases=(
        Case((_v(2.5, 3.0, 1.8, 6.0, 2.2), _v(2.0, 3.5, 1.0, 4.0, 2.5)), "this notebook's vectors",
             "Square each difference pred − target, then average over n."),
        Case((_v(1.0, 2.0, 3.0), _v(1.0, 2.0, 3.0)), "a perfect prediction (all zeros)",
             "When every difference is 0 the MSE is 0."),
        Case((_v(1, 2, 3, 4, 5, 6, 7), _v(0, 0, 0, 0, 0, 0, 0)), "seven elements",
             "Divide by the actual length of the vectors, not a fixed number."),
        Case((_v(3.0), _v(1.0)), "one element", "Divide by n, not n − 1."),
        Case((_v(-1.0, -2.0, -3.0), _v(1.0, 1.0, 1.0)), "negative differences",
             "Square each difference: a negative error costs as much as a positive one."),
        Case((_v(1.0, -1.0), _v(0.0, 0.0)), "a tie of opposite errors (+1 and −1)",
             "Square first, then average: errors of opposite sign must not cancel."),
        Case((_v(1e8 + 0.5, 1e8), _v(1e8, 1e8 + 0.5)), "very large values with small differences",
             "Work in float64 (numpy's default): float32 cannot hold 1e8 + 0.5."),
        Case(([1, 2, 3], [1, 2, 5]), "plain Python lists",
             "Lists cannot be subtracted: convert with np.asarray(pred, dtype=float) first."),
    ),
    must_raise=(
        Case((_v(1.0, 2.0, 3.0), _v(2.0)), "lengths 3 and 1", _LENGTH_HINT),
        Case((_v(1.0, 2.0, 3.0), _v(1.0, 2.0)), "lengths 3 and 2", _LENGTH_HINT),
    ),
    rtol=1e-7,
    solution=("<pre>def my_mse(pred, target):\n"
              "    pred = np.asarray(pred, dtype=float)\n"
              "    target = np.asarray(target, dtype=float)\n"
              "    if pred.shape != target.shape:\n"
              "        raise ValueError(f\"pred and target differ in shape: {pred.shape} and {target.shape}\")\n"
              "    d = pred - target\n"
              "    return np.mean(d ** 2)</pre>"),
    why="It is ‖d‖₂² / n.",
)


def _huber_reference(pred, target, delta=1.0):
    return huber_loss(pred, target, delta=delta)


WRITE_HUBER = CodeExerciseWithErrors(
    key="02-write-huber",
    prompt=("Write <code>my_huber(pred, target, delta=1.0)</code>: the mean Huber loss of two vectors of the "
            "same length, $\\tfrac12 e^2$ where $\\lvert e\\rvert \\le \\delta$ and "
            "$\\delta(\\lvert e\\rvert - \\delta/2)$ beyond, with $e = \\hat y - y$. Raise "
            "<code>ValueError</code> when the lengths differ."),
    function_name="my_huber",
    reference=_huber_reference,
    cases=(
        Case((_v(0.5, -0.2), _v(0.0, 0.0), 1.0), "errors inside δ",
             "Inside δ Huber is ½e², half of the L2 term e². The ½ is a scaling convention (Huber 1964; "
             "PyTorch's HuberLoss follows it) that makes the slope e near 0; dropping it (e² inside, "
             "2δ|e| − δ² beyond) gives twice Huber, just as smooth but not the loss asked for."),
        Case((_v(3.0, -2.0), _v(0.0, 0.0), 1.0), "errors beyond δ, one negative",
             "Beyond δ Huber is δ(|e| − δ/2): linear, with |e| so that signs do not matter."),
        Case((_v(1.0, -1.0), _v(0.0, 0.0), 1.0), "|e| exactly δ",
             "At |e| = δ both pieces give ½δ²: check the linear piece δ(|e| − δ/2)."),
        Case((_v(1.0, 3.0, -5.0), _v(0.0, 0.0, 0.0), 2.0), "δ = 2", "Use the delta argument; do not hard-code 1."),
        Case((_v(0.0, 0.0, 0.0), _v(0.0, 0.0, 0.0), 1.0), "all zeros", "No error, no loss."),
        Case((_v(1.0, 2.0, 3.0), _v(1.0, 2.0, 0.0), 1.0), "ties: two predictions on their targets",
             "Elements with e = 0 add 0 but still count in the mean."),
        Case((_v(1e6), _v(0.0), 1.0), "a very large error",
             "Far beyond δ the loss grows linearly: 1e6 − 0.5, not ½·1e12."),
        Case((_v(0.1, -0.4, 2.0, -7.0, 0.0, 1.5), _v(0.0, 0.0, 0.0, 0.0, 0.0, 0.0), 1.0), "six elements",
             "Average over the actual length of the vectors."),
    ),
    must_raise=(Case((_v(1.0, 2.0, 3.0), _v(2.0), 1.0), "lengths 3 and 1", _LENGTH_HINT),),
    rtol=1e-7,
    solution=("<pre>def my_huber(pred, target, delta=1.0):\n"
              "    pred = np.asarray(pred, dtype=float)\n"
              "    target = np.asarray(target, dtype=float)\n"
              "    if pred.shape != target.shape:\n"
              "        raise ValueError(f\"pred and target differ in shape: {pred.shape} and {target.shape}\")\n"
              "    size = np.abs(pred - target)\n"
              "    each = np.where(size <= delta, 0.5 * size ** 2, delta * (size - delta / 2))\n"
              "    return np.mean(each)</pre>"),
    why="Quadratic near 0, linear far out: large errors cost in proportion, as under L1.",
)

EXERCISES = (MSE_BY_HAND, WRITE_MSE, RMSE_FROM_NORM, SHARE_OF_BIG_ERROR, CROSSING_UNIT, HUBER_BY_HAND,
             WRITE_HUBER)
