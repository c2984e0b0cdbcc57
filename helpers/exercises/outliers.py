"""Exercises of notebook 03_outlier_sensitivity: predict, compute by hand, write the code.

Math layer (no widgets): each constant is a spec from ``helpers.exercises`` whose
``check`` decides what is right and names the misconception behind each
catalogued wrong answer. ``EXERCISES`` lists them in the notebook's order; the
notebook shows each with ``helpers.widgets.exercises.exercise_widget``.

The numbers quoted by LINE_MOVES_MOST (slopes 0.54 -> 0.80, a pull about five times
harder) are those of the notebook's explorer, built with ``seed=3`` (the notebook's
SEED); another seed gives other noise and other numbers, though the same answer.
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import Case, Choice, ChoiceExercise, CodeExercise, Mistake, NumberExercise
from helpers.losses import huber_loss

__all__ = [
    "MAE_CONSTANT_FAR",
    "MEDIAN_BY_HAND",
    "PULL_BY_HAND",
    "LINE_MOVES_MOST",
    "STACKLOSS_ZERO_RESIDUALS",
    "GAUSSIAN_NOISE_SHARE",
    "WRITE_HUBER",
    "EXERCISES",
    "huber_reference",
]

# --- 1. the best constant -------------------------------------------------------------

MAE_CONSTANT_FAR = ChoiceExercise(
    key="mae-constant-far",
    prompt=("Five numbers: 3, 4, 4.5, 6, 7. Now the 7 is dragged far away, to 70. "
            "Which constant $c$ gives the lowest $\\mathrm{MAE}(c) = \\frac{1}{n}\\sum_i \\lvert c - y_i\\rvert$ "
            "for the new numbers 3, 4, 4.5, 6, 70?"),
    choices=(
        Choice("17.5", "You picked the mean. The mean is the constant that minimizes MSE, and it follows "
                       "the far value (from 4.9 to 17.5). The constant that minimizes MAE is a median: "
                       "drag the far point and watch it stay."),
        Choice("4.5", ""),
        Choice("36.5, halfway between 3 and 70", "That is the midrange, the middle of the two extremes. It "
                                                 "minimizes the largest error (the L∞ size of the errors), not "
                                                 "their mean. MAE is lowest at a median."),
        Choice("70", "At 70 one number has error 0 and the four others have errors near 65. MAE weighs "
                     "every number the same; moving c toward the crowd lowers four errors and raises one."),
    ),
    answer=1,
    why=("The median, 4.5, did not move. MAE's slope in c is (#values below c − #values above c) / n: it "
         "counts on which side each value lies, not how far. 70 is still above 4.5, so nothing changed "
         "for c near 4.5."),
    solution=("Sort the numbers: 3, 4, 4.5, 6, 70. Left of 4.5 two values are below c and three above, so "
              "MAE falls as c grows (slope (2 − 3)/5 = −0.2); right of 4.5 three are below and two above "
              "(slope +0.2). The lowest point is the kink at the median, 4.5, wherever the largest value is. "
              "The mean, (3 + 4 + 4.5 + 6 + 70)/5 = 17.5, minimizes MSE instead."),
)

MEDIAN_BY_HAND = NumberExercise(
    key="median-by-hand",
    prompt=("Compute by hand the constant $c$ that minimizes $\\mathrm{MAE}(c)$ for the five numbers "
            "2, 9, 3, 100, 4."),
    answer=4.0,
    tol=0.01,
    why="Sorted, the numbers are 2, 3, 4, 9, 100; the middle one, 4, is the median. The 100 does not pull it.",
    mistakes=(
        Mistake(23.6, "23.6 is the mean, the constant that minimizes MSE; the 100 pulls it far up. MAE is "
                      "lowest at the median: sort the numbers and take the middle one."),
        Mistake(3.0, "3 is the middle of the list as written. Sort the numbers first: 2, 3, 4, 9, 100."),
        Mistake(51.0, "51 is the midrange, halfway between the smallest and the largest number. It minimizes "
                      "the largest error, not the mean absolute error; take the median."),
    ),
    solution=("Sort: 2, 3, 4, 9, 100. With five numbers the median is the 3rd, 4. Check the slopes: just "
              "below 4, two numbers lie below c and three above (slope −1/5); just above 4, three below and "
              "two above (slope +1/5). The slope changes sign at 4, so MAE is lowest there: "
              "MAE(4) = (2 + 1 + 0 + 5 + 96)/5 = 20.8. The mean is 118/5 = 23.6."),
)

# --- 2. the pull of one point -----------------------------------------------------------

PULL_BY_HAND = NumberExercise(
    key="pull-by-hand",
    prompt=("A point's error is $e = \\hat y - y = 4$ (the line passes 4 above it). Its pull on an L2 fit is "
            "the derivative of its own loss $e^2$ with respect to the prediction $\\hat y$. Compute it."),
    answer=8.0,
    tol=0.01,
    why="d(e²)/de = 2e = 8. Under L2 a point twice as far pulls twice as hard; under L1 its pull is sign(e) = 1.",
    mistakes=(
        Mistake(4.0, "4 is e itself: the 2 of the derivative is missing (d(e²)/de = 2e). That is Huber's pull "
                     "inside δ, because Huber uses ½e², not e²."),
        Mistake(16.0, "16 is the loss e², not its derivative. The pull is how fast the loss changes when the "
                      "prediction moves: d(e²)/de."),
        Mistake(1.0, "1 is sign(e), the pull under L1 (|e|). Under L2 the pull grows with the error: 2e."),
    ),
    solution="The loss of the point is $e^2$; its derivative is $2e = 2 \\times 4 = 8$. Under L1 the loss is "
             "$\\lvert e\\rvert$ and the pull is $\\operatorname{sign}(e) = 1$: eight times less here, and "
             "the same 1 however far the point is.",
)

LINE_MOVES_MOST = ChoiceExercise(
    key="line-moves-most",
    prompt=("In the explorer below, take the scene <i>Noisy line</i>: eleven points near a line, "
            "and three fitted lines. Now the point at $x = 13$, which lies above the lines, is moved 7 units "
            "further up. "
            "Whose slope changes most?"),
    choices=(
        Choice("the L1 line", "L1 pulls with sign(e): a point above the line pulls with strength 1 whether it "
                              "is 1 or 8 above. Moving it further on the same side changes nothing."),
        Choice("the L2 line", ""),
        Choice("the Huber line", "Huber's pull is capped at δ: beyond δ it pulls like L1, with a fixed "
                                 "strength, however far the point goes."),
        Choice("all three by the same amount", "Each loss weighs the error differently: the pull is 2e under "
                                               "L2, sign(e) under L1 and e clipped to ±δ under Huber, so the "
                                               "same move shifts the three fits by different amounts."),
    ),
    answer=1,
    why=("Under L2 the point's pull is 2e, so the far point pulls about five times harder than before (with "
         "the notebook's data, seed 3: its error grows from 1.5 to 8.5 at the old least-squares line, and is "
         "6.9 at the refitted one), and the line tilts toward it. The L1 and Huber pulls are capped (1 and δ)."),
    solution=("Pulls: L2 2e grows with the distance; L1 sign(e) stays 1; Huber clip(e, −δ, δ) stays δ. "
              "In the scene <i>one outlier</i> (the notebook's data, seed 3) the L2 slope rises from 0.54 to "
              "0.80, while the L1 and Huber "
              "slopes do not move at all: the point was already beyond δ, on the same side."),
)

# --- 3. real data ------------------------------------------------------------------------

STACKLOSS_ZERO_RESIDUALS = NumberExercise(
    key="stackloss-zero-residuals",
    prompt=("The L1 fit of the stack loss data has 4 parameters (an intercept and three coefficients) and "
            "21 days of data. Predict: on how many days is its residual exactly 0?"),
    answer=4.0,
    tol=0.1,
    kind="predict",
    why=("An L1 fit sits at a kink of the MAE, where as many residuals as parameters are 0: here 4. (Minimizing "
         "a sum of |r_i| can be written as a linear program, with one extra unknown t_i ≥ |r_i| per day: a "
         "linear objective minimized under linear inequalities, whose minimum is always reached at some "
         "corner, or vertex, of the region those inequalities allow.)"),
    mistakes=(
        Mistake(0.0, "Measured data make an exact 0 look unlikely, but an L1 fit lands on a kink of |r|: it "
                     "passes exactly through some points, as the L1 line of Anscombe III passed through points."),
        Mistake(3.0, "You counted the three features; the intercept is a parameter too."),
        Mistake(21.0, "Four parameters cannot put a plane through 21 scattered points; only as many points "
                      "as parameters are hit exactly."),
    ),
    solution=("The L1 fit minimizes a sum of |r_i| (residuals r_i = y_i − ŷ_i), whose kinks are where some "
              "r_i = 0. With 4 parameters the minimum sits where 4 residuals are 0, so the plane passes "
              "through 4 of the 21 days. In the language of optimization: the fit can be written as a linear "
              "program (minimize a linear function under linear inequalities, here t_i ≥ r_i and t_i ≥ −r_i, "
              "minimizing Σ t_i), and a linear program always has a minimizer at a corner (vertex) of the "
              "allowed region, where as many of the inequalities hold with equality as there are unknowns. "
              "The next cells count them."),
)

# --- 4. which noise favours which loss ---------------------------------------------------

GAUSSIAN_NOISE_SHARE = ChoiceExercise(
    key="gaussian-noise-share",
    prompt=("Same generator as A, but with no glitches: every point gets only normal (Gaussian) noise. Over "
            "200 fresh data sets, in what share does the L1 line land closer to the true line "
            "$E[y \\mid x]$ than the L2 line?"),
    choices=(
        Choice("more than 85%, as with glitches", "You followed the slogan \"noisy data: L1\". It holds when "
                                                  "the noise is heavy-tailed (glitches); under Gaussian noise "
                                                  "least squares is the maximum-likelihood fit "
                                                  "(the line under which the observed data have the highest "
                                                  "probability density) and wins."),
        Choice("about half", "Both lines are centred on the truth here, but not equally precise: only L1's "
                             "optimality condition uses just the signs of the residuals, not their sizes, which "
                             "under Gaussian noise carry information."),
        Choice("about a third", ""),
        Choice("never", "Each repeat is a new random data set, so L1 is sometimes luckier. It loses on "
                        "average, not every time."),
    ),
    answer=2,
    why=("Under Gaussian noise least squares is the maximum-likelihood fit (the line under which the observed "
         "data have the highest probability density). L1 is like a median: its efficiency relative to the "
         "mean, the ratio Var(mean) / Var(median), tends to 2/π ≈ 0.64 and is about that already at n = 40, "
         "so it scatters more and lands closer only about a third of "
         "the time."),
    solution=("Gaussian noise: the log-likelihood of a line is −Σe²/(2σ²) + const, so the most likely line is "
              "the least-squares line. The median of normal data has π/2 ≈ 1.57 times the variance of the mean "
              "(efficiency 2/π), so its standard deviation is √(π/2) ≈ 1.25 times as large. "
              "With glitches (heavy tails) the sizes of the errors mislead, and L1 wins."),
)

# --- 5. write the code --------------------------------------------------------------------


def huber_reference(e, delta):
    """The course's Huber loss of each error (helpers.losses.huber_loss with reduction "none")."""
    e = np.asarray(e, dtype=float)
    return huber_loss(e, np.zeros_like(e), delta=delta, reduction="none")


WRITE_HUBER = CodeExercise(
    key="write-huber",
    prompt=("Write <code>huber(e, delta)</code>: the Huber loss of each error in the array <code>e</code>, "
            "$\\tfrac12 e^2$ where $\\lvert e\\rvert \\le \\delta$ and "
            "$\\delta(\\lvert e\\rvert - \\tfrac{\\delta}{2})$ beyond. Return an array of the same shape "
            "(numpy's <code>np.where</code> and <code>np.abs</code> help)."),
    function_name="huber",
    reference=huber_reference,
    cases=(
        Case((np.array([0.0, 0.5, -0.5]), 1.0), "small errors, inside δ",
             "Inside δ Huber is ½e², half of the squared error: is the ½ there?"),
        Case((np.array([3.0, -3.0]), 1.0), "large errors beyond δ, both signs",
             "Beyond δ Huber is δ(|e| − δ/2): use |e| (a negative error costs the same), and subtract δ/2 "
             "so the two pieces meet."),
        Case((np.array([1.0, -1.0]), 1.0), "errors exactly at δ",
             "At |e| = δ both pieces give δ²/2; check the boundary."),
        Case((np.array([0.5, 2.0, 5.0]), 2.0), "δ = 2", "Use the delta argument, not a fixed 1."),
        Case((np.array([1e8, -1e8]), 1.0), "very large errors",
             "Far out Huber grows like δ|e|, not like e²."),
        Case((np.array([0.3, -4.0, 2.5, 0.0, 1.5, -0.7, 10.0]), 1.5), "a longer vector",
             "Work element by element on any length."),
    ),
    solution=("<pre>def huber(e, delta):\n"
              "    e = np.asarray(e, dtype=float)\n"
              "    size = np.abs(e)\n"
              "    return np.where(size &lt;= delta, 0.5 * e**2, delta * (size - 0.5 * delta))</pre>"
              "The ½ makes the pull (the derivative) exactly e inside δ and ±δ beyond: the pieces join "
              "with the same slope at |e| = δ."),
    why="The ½ makes the derivative e clipped to ±δ: Huber's pull is capped at δ.",
)

EXERCISES = (MAE_CONSTANT_FAR, MEDIAN_BY_HAND, PULL_BY_HAND, LINE_MOVES_MOST, STACKLOSS_ZERO_RESIDUALS,
             GAUSSIAN_NOISE_SHARE, WRITE_HUBER)
