"""Exercises of notebook 04_weight_decay: what counts as right, and what each common wrong answer means.

Math layer (no widgets); the notebook shows each with ``helpers.widgets.exercises.exercise_widget``.

=========================  ==========  =====================================================
exercise                   kind        learning objective it practises
=========================  ==========  =====================================================
``L1_STEP_BY_HAND``        compute     write the L1 update rule (sign(0) = 0)
``WRITE_L1_STEP``          code        ... and with code
``SHRINK_FACTOR``          compute     read L2 as multiplicative shrinkage, 1 - 2*eta*lambda
``CHATTER``                predict     predict how an L1 weight whose best value is 0 moves
``BEYOND_STABLE``          predict     tell when a learning rate is too large
``PICKED_ERROR``           predict     pick lambda on validation data, report on test data
``RIDGE_ALPHA``            compute     translate lambda into another library's constant
``ADAMW_SAME``             predict     weight decay = L2 for SGD, not for Adam
=========================  ==========  =====================================================

The right answers are worked out in the prompts' numbers; tests/test_exercises_weight_decay.py
recomputes each one independently (numpy, scikit-learn).
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import Case, Choice, ChoiceExercise, CodeExercise, Mistake, NumberExercise
from helpers.exercises import vector as _v

__all__ = ["L1_STEP_BY_HAND", "WRITE_L1_STEP", "SHRINK_FACTOR", "CHATTER", "BEYOND_STABLE",
           "PICKED_ERROR", "RIDGE_ALPHA", "ADAMW_SAME", "EXERCISES", "l1_step"]


def l1_step(w, g, eta, alpha):
    """The notes' L1 update for every weight at once: w - eta*(g + alpha*sign(w)), sign(0) = 0."""
    w = np.asarray(w, dtype=float)
    return w - eta * (np.asarray(g, dtype=float) + alpha * np.sign(w))


# ---------------------------------------------------------------------------------- compute by hand

L1_STEP_BY_HAND = NumberExercise(
    key="04-l1-step-by-hand",
    prompt=("One weight sits at $w = 0$. The learning rate is $\\eta = 0.1$, the L1 strength "
            "$\\alpha = 0.5$, and the loss gradient there is $g = \\partial L/\\partial w = -0.8$. "
            "What is $w$ after one step of the L1 rule "
            "$w \\leftarrow w - \\eta\\,[\\,g + \\alpha\\,\\mathrm{sign}(w)\\,]$?"),
    answer=0.08, tol=0.002,
    why=("At w = 0 the sign is 0, so the penalty adds nothing this step: w = 0 − 0.1·(−0.8 + 0) = 0.08. "
         "Only the loss moves a weight that sits exactly at 0."),
    mistakes=(
        Mistake(0.03, "You took sign(0) = 1. The sign of 0 is 0 (numpy's np.sign(0) is 0.0), so at "
                      "w = 0 the L1 term adds nothing; taking +1 would push a zero weight away by itself."),
        Mistake(0.13, "You took sign(0) = −1. The sign of 0 is 0, so at w = 0 the L1 term adds nothing."),
        Mistake(0.8, "You stepped by the whole gradient: the step is η times the bracket. Multiply by "
                     "η = 0.1."),
        Mistake(0.3, "Two slips: sign(0) is 0, not 1, and the bracket is multiplied by η = 0.1."),
        Mistake(-0.08, "You added the step. Gradient descent moves against the gradient: "
                       "w − η[…], and −η·(−0.8) is +0.08."),
        Mistake(-0.03, "Two slips: the step is subtracted (w − η[…]), and sign(0) is 0, not 1."),
    ),
    solution=("$\\mathrm{sign}(0) = 0$, so the bracket is $g + \\alpha \\cdot 0 = -0.8$ and "
              "$w = 0 - 0.1 \\cdot (-0.8) = 0.08$. (Had $w$ been $+0.01$, the bracket would be "
              "$-0.8 + 0.5 = -0.3$ and the step $+0.03$.)"),
)

SHRINK_FACTOR = NumberExercise(
    key="04-shrink-factor",
    prompt=("L2 with $\\lambda = 3$ and a learning rate $\\eta = 0.05$. One step of the L2 rule multiplies "
            "every weight by the same number before the loss gradient acts: the shrink factor. "
            "What is it?"),
    answer=0.7, tol=0.002,
    why="The L2 gradient is 2λw, so the step removes 2ηλw = 0.3·w: the factor is 1 − 2ηλ = 1 − 0.3 = 0.7.",
    mistakes=(
        Mistake(0.85, "You dropped the 2: the derivative of λw² is 2λw, so the step removes 2ηλ·w, "
                      "and the factor is 1 − 2ηλ."),
        Mistake(0.3, "That is 2ηλ, the share of the weight the step removes. The factor is what is left: "
                     "1 − 2ηλ."),
        Mistake(-5.0, "You left out η: the penalty's gradient 2λw is multiplied by the learning rate, "
                      "1 − 2ηλ."),
        Mistake(-0.3, "You left out the 1: the weight itself stays in the update, "
                      "w − 2ηλw = (1 − 2ηλ)w."),
        Mistake(0.15, "That is ηλ. The factor is 1 − 2ηλ: one minus twice that."),
    ),
    solution=("$w - \\eta \\cdot 2\\lambda w = (1 - 2\\eta\\lambda)\\,w$, and "
              "$1 - 2 \\cdot 0.05 \\cdot 3 = 1 - 0.3 = 0.7$: 30 % off every weight, every step."),
)

RIDGE_ALPHA = NumberExercise(
    key="04-ridge-alpha",
    prompt=("You chose the course's $\\lambda = 0.02$ on $n = 200$ training samples. Which <code>alpha</code> do you "
            "give scikit-learn's <code>Ridge(alpha=...)</code> to get the same weights?"),
    answer=4.0, tol=1e-6,
    why=("Ridge minimizes Σr² + alpha·‖w‖², a sum; the course minimizes (1/n)Σr² + λ‖w‖², a mean. "
         "Multiplying the course's J by n gives Ridge's, so alpha = nλ = 200 · 0.02 = 4."),
    mistakes=(
        Mistake(0.02, "That is λ unchanged. Ridge's loss is a sum of squares, not a mean, so its alpha "
                      "must be n times larger to weigh the penalty the same: alpha = nλ."),
        Mistake(0.01, "That is λ/2, the rule for the L1 strength in scikit-learn's Lasso (alpha = α/2). "
                      "Ridge has no 1/(2n): alpha = nλ."),
        Mistake(2.0, "That is nλ/2. Ridge has no ½ in front of its sum of squares: alpha = nλ."),
        Mistake(8.0, "That is 2nλ: the 2 of the derivative 2λw belongs to gradients, not to the "
                     "objectives. Both write the penalty as (constant)·‖w‖²: alpha = nλ."),
        Mistake(0.0001, "That is λ/n: you divided. Ridge's sum of squares is n times the course's mean, "
                        "so its alpha is n times λ."),
        Mistake(0.04, "That is 2λ, PyTorch SGD's weight_decay for the course's λ. Ridge compares "
                      "objectives, not gradients: alpha = nλ."),
    ),
    solution=("$n \\cdot \\big(\\tfrac1n \\sum r_k^2 + \\lambda \\lVert w\\rVert_2^2\\big) = \\sum r_k^2 + "
              "n\\lambda \\lVert w\\rVert_2^2$: the same minimizer, with $\\texttt{alpha} = n\\lambda = "
              "200 \\cdot 0.02 = 4$."),
)

# ---------------------------------------------------------------------------------- predict

CHATTER = ChoiceExercise(
    key="04-chatter",
    prompt=("In the explorer below, the L1 run with $\\alpha = 2$ and $\\eta = 0.1$: the minimizer of $J$ has "
            "$w_2 = 0$, and near it the loss alone pulls $w_2$ upward with a gradient of about "
            "$g = -1.46$ (smaller in size than $\\alpha$). Once the run has come close to $w_2 = 0$, "
            "what does its $w_2$ do, step after step?"),
    choices=(
        Choice("It reaches 0 exactly and stays there",
               "That is the notes' argument, that a constant push can bring a weight to 0. But a step of fixed "
               "size jumps over 0 instead of landing on it: the weight hits exactly 0.0 only by luck. Exact "
               "zeros need a clip or a proximal step (notebook 05)."),
        Choice("It swings evenly around 0, about ηα = 0.2 up and 0.2 down",
               "That is the picture when the loss does not pull on the weight (g ≈ 0, a useless feature). "
               "Here the loss pulls with |g| ≈ 1.46, so the steps on the two sides of 0 differ."),
        Choice("It saw-tooths mostly above 0: one big jump up, then smaller steps down, and again", ""),
        Choice("It settles at the least-squares value of w₂, as if there were no penalty",
               "The penalty does not fade near 0: above 0 it pulls down by ηα = 0.2 per step, more than the "
               "loss's push up of η|g| ≈ 0.15, so w₂ cannot rest above 0."),
    ),
    answer=2,
    why=("Below 0 the penalty and the loss both push up: one step of η(α + |g|) ≈ 0.35. Above 0 they pull "
         "against each other: steps of η(α − |g|), about 0.05 near 0. So w₂ saw-tooths between about −0.04 "
         "and +0.35, and the swing is about ηα only when g ≈ 0. The explorer now shows the scene."),
    solution=("Take the sign term into account on each side of 0. For $w_2 > 0$: step "
              "$-\\eta(g + \\alpha) = -0.1\\,(2 - 1.46) \\approx -0.054$. For $w_2 < 0$: step "
              "$-\\eta(g - \\alpha) = 0.1\\,(2 + 1.46) \\approx +0.35$. Small steps down, a big jump up: a saw-tooth "
              "above 0, not a swing around it."),
)

BEYOND_STABLE = ChoiceExercise(
    key="04-beyond-stable",
    prompt=("In the explorer below, the L2 run with $\\lambda = 0.5$ has the stable learning rate "
            "$\\eta_{\\max} = 2/h_{\\max} = 0.5$. Predict what the L2 run does at $\\eta = 0.6$, a little above it."),
    choices=(
        Choice("It still converges, only more slowly",
               "Slow convergence comes from a small η, where every factor 1 − ηh is close to +1. Above 2/h_max "
               "the factor of the steepest direction is below −1: each step makes the error larger in size."),
        Choice("It jumps back and forth, each swing larger than the last, until it blows up", ""),
        Choice("It bounces between the same two points for ever",
               "That happens exactly at η = 2/h_max, where the factor is −1. A little above, the factor is "
               "1 − 0.6 · 4 = −1.4, and every bounce is 40 % larger than the one before."),
        Choice("It stops at a point away from the minimizer",
               "Gradient descent only stops where the gradient is 0, and for L2 that is the minimizer alone: "
               "anywhere else the step is not 0, so the run cannot stop there."),
    ),
    answer=1,
    why=("Along the steepest direction (h_max = 4) the error is multiplied by 1 − ηh_max = −1.4 each step: "
         "it changes sign and grows by 40 %, so after 30 steps it is about 24,000 times larger. "
         "The explorer now shows the scene; gradient_descent stops the run and names the step."),
    solution=("The error along the eigenvector of $h_{\\max}$ follows $e_{t+1} = (1 - \\eta h_{\\max})\\,e_t$. "
              "With $\\eta = 0.6$ and $h_{\\max} = 3 + 2\\lambda = 4$: $1 - 2.4 = -1.4$, so "
              "$\\lvert e_t\\rvert = 1.4^t \\lvert e_0\\rvert$, alternating in sign: a growing zig-zag."),
)

PICKED_ERROR = ChoiceExercise(
    key="04-picked-error",
    prompt=("You try 61 values of $\\lambda$ and keep the one whose validation MSE is lowest. Compared with "
            "that lowest validation MSE, what is the MSE of the same model on new data from the same "
            "source, on average over many data sets?"),
    choices=(
        Choice("About the same: the validation set was not used to fit the weights",
               "It was not used for the weights, but it was used to choose λ: among 61 noisy estimates you "
               "kept the lowest, and the lowest of many noisy numbers is, on average, lower than the truth."),
        Choice("Higher: the lowest of 61 noisy estimates tends to be a lucky one", ""),
        Choice("Lower: the validation set is small, so its errors run high",
               "A small set makes each estimate noisy in both directions, not high. Choosing the lowest "
               "of them is what biases the result, and it biases it downward."),
    ),
    answer=1,
    why=("Choosing is a kind of fitting: the validation error of the chosen λ is biased low. An honest "
         "report needs data that played no part in any choice: a test set, used once."),
    solution=("Each validation MSE is the true error plus noise. Taking the minimum over 61 of them favours the "
              "λ whose noise happened to be negative, so the minimum sits below that λ's true error. The "
              "next cells measure it over 200 data sets."),
)

ADAMW_SAME = ChoiceExercise(
    key="04-adamw-same",
    prompt=("Adam with $\\lambda\\lVert w\\rVert_2^2$ added to the loss, and AdamW with "
            "<code>weight_decay</code> $= 2\\lambda$, start from the same weights with the same learning "
            "rate. Do they take the same steps?"),
    choices=(
        Choice("Yes: as for SGD, they are one update written two ways",
               "For SGD they are (the penalty's gradient 2λw and the decay wd·w are the same step when "
               "wd = 2λ). Adam rescales the gradient per coordinate before stepping, and the two differ in "
               "what gets rescaled."),
        Choice("No: Adam rescales the penalty's gradient 2λw with the loss's, AdamW shrinks w outside "
               "that rescaling", ""),
        Choice("No, only because AdamW uses a smaller learning rate",
               "Both use the same learning rate here. They differ in where the shrinkage enters: inside "
               "Adam's per-coordinate rescaling (L2 in the loss) or outside it (AdamW)."),
        Choice("Yes at first, and they part only after many steps",
               "They part from the first step: Adam's first step has size η in every coordinate whatever "
               "the gradient (L2 in the loss), while AdamW first shrinks w by η·wd·w and then takes that "
               "step."),
    ),
    answer=1,
    why=("Adam divides each coordinate of its gradient by a running estimate of its size. With L2 in the loss "
         "the penalty's 2λw is divided too; AdamW's decay η·wd·w is not. Different steps, and, as the next "
         "cells measure, different places in the long run."),
    solution=("L2 in the loss: $g = \\nabla\\mathrm{MSE} + 2\\lambda w$, then "
              "$w \\leftarrow w - \\eta\\,\\hat m/(\\sqrt{\\hat v} + \\epsilon)$ with $\\hat m, \\hat v$ built "
              "from that $g$. AdamW: $w \\leftarrow (1 - \\eta\\,\\texttt{wd})\\,w - \\eta\\,\\hat m/"
              "(\\sqrt{\\hat v} + \\epsilon)$ with $\\hat m, \\hat v$ built from $\\nabla\\mathrm{MSE}$ alone."),
)

# ---------------------------------------------------------------------------------- write the code

_SIGN0 = ("At w = 0 the sign is 0: use np.sign (np.sign(0.0) is 0.0). A hand-written `1 if w >= 0 else -1`, "
          "or w / abs(w), gets 0 wrong.")

WRITE_L1_STEP = CodeExercise(
    key="04-write-l1-step",
    prompt=("Write <code>l1_step(w, g, eta, alpha)</code> in the cell above: one step of the notes' L1 rule "
            "$w \\leftarrow w - \\eta\\,[\\,g + \\alpha\\,\\mathrm{sign}(w)\\,]$ for a whole weight vector "
            "<code>w</code> (a numpy array) with its loss gradient <code>g</code> (same length), a learning "
            "rate <code>eta</code> and an L1 strength <code>alpha</code>. Return the new weights; leave "
            "<code>w</code> itself unchanged."),
    function_name="l1_step",
    reference=l1_step,
    cases=(
        Case((_v(0.5, 1.2), _v(0.2, -0.1), 0.1, 0.5), "two positive weights",
             "The step is w − eta·(g + alpha·sign(w)): subtract it, and multiply the whole bracket by eta."),
        Case((_v(0.0, 0.0, 1.0), _v(0.3, -0.2, 0.0), 0.1, 0.5), "weights at exactly 0", _SIGN0),
        Case((_v(-2.0, -0.5), _v(0.0, 0.0), 0.2, 1.0), "negative weights, no loss gradient",
             "The penalty pushes toward 0: for a negative w, −ηα·sign(w) = +ηα."),
        Case((_v(1.0, -1.0, 0.0, 2.0, -3.0), _v(0.1, 0.2, -0.3, 0.0, 0.5), 0.05, 0.2),
             "a vector of 5 weights", "Work elementwise on whole arrays; do not assume two weights."),
        Case((_v(0.7), _v(-0.4), 0.3, 0.1), "a single weight (an array of length 1)"),
        Case((_v(1e12, -1e12, 0.0), _v(1e12, 3.0, -2.0), 0.1, 0.5), "huge values",
             "No rounding or clipping: the rule is exact arithmetic."),
        Case((_v(0.4, -0.2), _v(0.1, 0.1), 0.1, 0.0), "alpha = 0 (no penalty)",
             "With alpha = 0 the step is plain gradient descent, w − ηg."),
    ),
    solution=("<pre>def l1_step(w, g, eta, alpha):\n"
              "    return w - eta * (g + alpha * np.sign(w))</pre>"
              "<code>np.sign</code> works elementwise and gives 0 at 0; the expression builds a new array, "
              "so <code>w</code> is left as it was (<code>w -= ...</code> would change the caller's array)."),
    why="np.sign gives sign(0) = 0, so a weight at exactly 0 is moved by the loss alone.",
)

EXERCISES = (L1_STEP_BY_HAND, WRITE_L1_STEP, SHRINK_FACTOR, CHATTER, BEYOND_STABLE, PICKED_ERROR,
             RIDGE_ALPHA, ADAMW_SAME)
