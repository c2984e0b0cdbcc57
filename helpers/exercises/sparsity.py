"""Exercises of notebook 05_sparsity: what counts as right, and what each common wrong answer means.

Math layer (no widgets); the notebook shows each with ``helpers.widgets.exercises.exercise_widget``.
One constant per exercise, in the order the notebook asks them, and ``EXERCISES``.

| key | kind | objective practised |
|---|---|---|
| ``l1-step-at-zero`` | compute | the notes' L1 update, with sign(0) = 0 |
| ``chatter-exact-zero`` | predict | why the subgradient rule chatters instead of landing on 0 |
| ``soft-threshold-by-hand`` | compute | the proximal step (soft-thresholding) gives exact zeros |
| ``write-soft-threshold`` | code | the proximal step, in code |
| ``l1-on-an-edge`` | predict | the diamond picture: a corner often, not always |
| ``spread-and-the-lasso`` | predict | why features are standardized before L1 |
| ``ridge-zero-count`` | predict | reading a ridge path: zeros are isolated crossings |
| ``sklearn-lasso-alpha`` | compute | using the lasso in scikit-learn with the course's alpha |
| ``which-prior-zeros`` | predict | L1 and L2 as Laplace and Gaussian priors |
"""

from __future__ import annotations

import numpy as np

from helpers.exercises import Case, Choice, ChoiceExercise, CodeExercise, Mistake, NumberExercise
from helpers.penalties import soft_threshold

__all__ = ["L1_STEP_AT_ZERO", "CHATTER_EXACT_ZERO", "SOFT_THRESHOLD_BY_HAND", "WRITE_SOFT_THRESHOLD",
           "L1_ON_AN_EDGE", "SPREAD_AND_THE_LASSO", "RIDGE_ZERO_COUNT", "SKLEARN_LASSO_ALPHA",
           "WHICH_PRIOR_ZEROS", "EXERCISES", "soft_threshold_reference"]

# --- 1. the notes' update at zero --------------------------------------------------------

L1_STEP_AT_ZERO = NumberExercise(
    key="l1-step-at-zero",
    prompt=(r"A weight is exactly at $w = 0$. Its loss gradient is $g = \partial\mathrm{MSE}/\partial w = 0.3$, "
            r"the learning rate is $\eta = 0.1$ and the L1 penalty is $\alpha = 0.5$. Take one step of the "
            r"notes' rule $w \leftarrow w - \eta\,\big(g + \alpha\,\mathrm{sign}(w)\big)$ with NumPy's sign. "
            r"What is the new $w$?"),
    answer=-0.03,
    tol=1e-4,
    why=(r"$\mathrm{sign}(0) = 0$ (NumPy's convention), so at $w = 0$ the penalty adds nothing and only the "
         r"loss moves the weight: $0 - 0.1 \times (0.3 + 0.5 \times 0) = -0.03$."),
    mistakes=(
        Mistake(-0.08, "You took sign(0) as +1, so the penalty pushed too: −0.1 × (0.3 + 0.5) = −0.08. "
                       "np.sign(0.0) is 0; a rule with sign(0) = +1 kicks a zero weight away again and again (every "
                       "other step when the loss does not pull on it: out to −ηα, then back to 0)."),
        Mistake(0.02, "You took sign(0) as −1: −0.1 × (0.3 − 0.5) = +0.02. At w = 0, np.sign gives 0, so "
                      "only the loss gradient acts."),
        Mistake(-0.3, "You left out the learning rate: the step is η times the gradient, −0.1 × 0.3."),
        Mistake(0.03, "The sign: gradient descent moves against the gradient, w − η g, so a positive g "
                      "lowers w."),
        Mistake(0.0, "The penalty term is 0 at w = 0 (sign(0) = 0), but the loss gradient g = 0.3 still "
                     "moves the weight: −η g = −0.03."),
    ),
    solution=(r"$w_{\text{new}} = 0 - 0.1\,\big(0.3 + 0.5\cdot\mathrm{sign}(0)\big) = -0.1 \times 0.3 = -0.03$, "
              r"since $\mathrm{sign}(0) = 0$."),
)

CHATTER_EXACT_ZERO = ChoiceExercise(
    key="chatter-exact-zero",
    prompt=(r"In the scene <b>wide chatter</b> ($\eta = 0.4$, $\alpha = 1$) the useless weight $w_3$ starts at "
            r"1.0. Under the notes' subgradient rule, does $w_3$ ever become exactly <code>0.0</code> in the "
            r"150 steps?"),
    choices=(
        Choice("yes, after a few steps, and it stays there",
               "That is what clip (with a test at zero) and proximal do: they stop at 0. The subgradient rule "
               "has no such stop: its step is η(g + α·sign(w₃)), with |g| < α, so near 0 it points toward 0 "
               "from either side; once it is larger than |w₃| it carries the weight across 0."),
        Choice("yes, every other step, as it crosses 0",
               "Crossing 0 is not landing on it: the weight jumps from one side to the other in one step "
               "and is never exactly 0.0 in between (a float lands on 0.0 only by a fluke)."),
        Choice("no: it keeps jumping across 0 and is never exactly 0.0", ""),
        Choice("no, because it diverges",
               "η = 0.4 is below this problem's stable learning rate, so nothing blows up: w₁ and w₂ settle "
               "into a small two-step wobble driven by w₃'s chatter (about 0.012 for w₂, under 0.0001 for "
               "w₁). Only w₃ keeps moving widely, inside the band −ηg ± ηα: about 2ηα wide, and centred on 0 only "
               "because the loss barely pulls on w₃ here (g ≈ −0.05); over the last half it runs from −0.31 "
               "to +0.36 with ηα = 0.4."),
    ),
    answer=2,
    why=(r"The step is $-\eta\,(g + \alpha\,\mathrm{sign}(w_3))$ with $|g| < \alpha$: near 0 it points toward 0 "
         r"from either side, with a size of at least $\eta(\alpha - |g|)$, larger than $|w_3|$ there, so every "
         r"step jumps over 0 and the next jumps back: the readout counts 0 steps at exactly 0.0, while "
         r"proximal is exactly 0 from step 1."),
    solution=(r"Near 0 a step moves $w_3$ by $-\eta\,(g + \alpha\,\mathrm{sign}(w_3))$ with $|g| < \alpha$: "
              r"toward 0 from either side, by at least $\eta(\alpha - |g|)$. A weight at $0.05$ with "
              r"$\eta\alpha = 0.4$ and $g \approx -0.05$ goes to about $-0.33$, then back up, and so on. "
              r"Landing on exactly $0.0$ would need the weight to equal one step's size to every bit."),
)

# --- 2. the proximal step --------------------------------------------------------------

SOFT_THRESHOLD_BY_HAND = NumberExercise(
    key="soft-threshold-by-hand",
    prompt=(r"One proximal step: after the loss step the weight is $v = w - \eta g = -0.3$. The learning rate "
            r"is $\eta = 0.1$ and the L1 penalty is $\alpha = 4$. What is the new weight "
            r"$\mathrm{sign}(v)\,\max(\lvert v\rvert - \eta\alpha,\ 0)$?"),
    answer=0.0,
    tol=1e-6,
    why=(r"The threshold is $\eta\alpha = 0.4$, larger than $\lvert v\rvert = 0.3$: soft-thresholding moves "
         r"the weight toward 0 by at most 0.4 and stops at 0, so the new weight is exactly 0."),
    mistakes=(
        Mistake(0.1, "0.1 = −0.3 + 0.4 moved the weight by the full ηα = 0.4 and past 0: that is the "
                     "subgradient step, which overshoots. Soft-thresholding stops at 0: max(|v| − ηα, 0)."),
        Mistake(-0.1, "−0.1 = |v| − ηα without the clip at 0. The max(…, 0) is what turns a small weight into "
                      "exactly 0 instead of a negative size."),
        Mistake(-0.2, "−0.2 used η = 0.1 as the threshold. The threshold is η·α = 0.1 × 4 = 0.4: the penalty's "
                      "push per step, not the learning rate alone."),
        Mistake(-0.7, "−0.7 moved away from 0. Soft-thresholding always moves toward 0 (it shrinks |v|)."),
    ),
    solution=(r"$\eta\alpha = 0.1 \times 4 = 0.4$. $\lvert v\rvert - 0.4 = 0.3 - 0.4 = -0.1 < 0$, so "
              r"$\max(-0.1, 0) = 0$ and the new weight is $\mathrm{sign}(-0.3)\times 0 = 0$."),
)


def soft_threshold_reference(v, t):
    """The course's soft-threshold (``helpers.penalties.soft_threshold``), as an array for array input."""
    out = soft_threshold(v, t)
    return np.asarray(out) if np.ndim(v) else out


WRITE_SOFT_THRESHOLD = CodeExercise(
    key="write-soft-threshold",
    prompt=(r"Write <code>soft_threshold(v, t)</code>: for a number or a NumPy array <code>v</code> and a "
            r"threshold $t \ge 0$ it returns $\mathrm{sign}(v)\,\max(\lvert v\rvert - t,\ 0)$ elementwise "
            r"(an array of the same shape for an array). Edit the cell above, run it, then press Check."),
    function_name="soft_threshold",
    reference=soft_threshold_reference,
    cases=(
        Case((np.array([2.0, 0.5, 1.2]), 1.0), "positive entries, some below t",
             "Entries smaller than t must become exactly 0: clip |v| − t at 0 with max(…, 0)."),
        Case((np.array([-2.0, -0.5, 3.0]), 1.0), "negative entries",
             "A negative entry moves up toward 0: keep its sign, shrink its size (sign(v)·max(|v| − t, 0))."),
        Case((np.array([0.0, 0.0, 0.0]), 0.5), "zeros",
             "0 stays 0. Beware sign conventions that give +1 at 0."),
        Case((np.array([1.0, -1.0, 0.25]), 1.0), "ties: |v| = t exactly",
             "At |v| = t the result is exactly 0 (max(0, 0)); a test like |v| > t that returns v otherwise "
             "keeps the weight."),
        Case((np.array([3.0, -1.5, 0.2, -0.1, 7.0, 0.0, -4.0]), 0.3), "a longer vector (7 entries)",
             "Work elementwise on the whole array (np.sign, np.abs, np.maximum), not on v[0] and v[1]."),
        Case((np.array([1e300, -1e300, 5e299]), 1e299), "huge entries (1e300)",
             "Take |v| with np.abs, not through a square root of v**2, which overflows for 1e300."),
        Case((2.5, 1.0), "a single number", "A plain number in, a number out: 2.5 shrinks by 1 to 1.5."),
        Case((np.array([0.7, -0.2]), 0.0), "t = 0 changes nothing", "With t = 0 nothing is shrunk: return v."),
    ),
    solution=("<pre>def soft_threshold(v, t):\n"
              "    v = np.asarray(v, dtype=float)\n"
              "    return np.sign(v) * np.maximum(np.abs(v) - t, 0.0)</pre>"),
    why="It is the proximal step of t·|w|: move toward 0 by t, and stop at 0.",
)

# --- 3. the geometry ---------------------------------------------------------------------

L1_ON_AN_EDGE = ChoiceExercise(
    key="l1-on-an-edge",
    prompt=(r"Uncorrelated features ($\rho = 0$), least-squares point $c = (1.5, 1.3)$, budget $t = 1$. "
            r"Where does the L1 optimum (the lowest point of the loss inside the diamond) lie?"),
    choices=(
        Choice("on a corner: one weight is exactly 0",
               "L1 makes a corner likely, not certain. A point close to the diagonal, with round (ρ = 0) "
               "ellipses, is nearest to the middle of an edge: both weights stay non-zero."),
        Choice("inside an edge: both weights non-zero", ""),
        Choice("at the least-squares point itself",
               "Only if the point is inside the diamond: |1.5| + |1.3| = 2.8 > t = 1, so the constraint binds."),
        Choice("at the origin",
               "The origin would need t = 0. With t = 1 the optimum lies on the diamond's boundary."),
    ),
    answer=1,
    why=(r"With round level curves the optimum is the point of the diamond nearest to $c$; for $c$ this close "
         r"to the diagonal that is inside the edge $w_1 + w_2 = 1$, at $(0.6, 0.4)$. A corner wins only when "
         r"$c$ lies far enough from the diagonal (or the ellipses lean toward an axis)."),
    solution=(r"On the edge $w_1 + w_2 = 1$ the squared distance to $(1.5, 1.3)$ is smallest where "
              r"$w_1 - 1.5 = w_2 - 1.3$, so $w_1 - w_2 = 0.2$ and $w = (0.6, 0.4)$: inside the edge."),
)

# --- 4. real data: standardize, paths, scikit-learn ---------------------------------------

SPREAD_AND_THE_LASSO = ChoiceExercise(
    key="spread-and-the-lasso",
    prompt=("A feature is recorded in kilograms, with standard deviation 10 kg. Someone converts it to "
            "tonnes (standard deviation 0.01 t) and leaves everything else alone. What happens to that "
            "feature in the lasso path (same α values)?"),
    choices=(
        Choice("it enters the path earlier",
               "Smaller numbers do not make a feature cheaper. With a spread 1000 times smaller, the same "
               "effect on y needs a coefficient 1000 times larger, and the L1 penalty charges α|w|."),
        Choice("it enters later: it needs a 1000 times larger coefficient, and L1 charges for it", ""),
        Choice("nothing changes: the lasso does not care about units",
               "Least squares does not care (its fit only rescales the coefficient), but the penalty "
               "α|w| is charged on the coefficient itself, whose size depends on the feature's spread."),
        Choice("it can never enter",
               "It still enters once α is small enough; only the α at which it enters moves."),
    ),
    answer=1,
    why=(r"What matters is the feature's spread (its standard deviation): the coefficient needed for a "
         r"given effect is inversely proportional to it, and L1 charges the coefficient's size. "
         r"Standardizing gives every feature spread 1, so the penalty compares effects, not units."),
    solution=(r"$x_{\text{t}} = x_{\text{kg}}/1000$, so the same prediction needs $w_{\text{t}} = 1000\,"
              r"w_{\text{kg}}$ and costs $1000$ times more penalty: the feature pays its way only at a "
              r"much smaller $\alpha$. Its entry is where $(2/n)\lvert x_j^\top r(\alpha)\rvert = \alpha$, "
              r"and the residual $r(\alpha)$ it meets changes with $\alpha$, so the factor is exactly 1000 "
              r"only when that residual is the same (uncorrelated features, or a feature that enters first "
              r"either way). On the diabetes data bmi moves from $\alpha = 90.3$ (first in) to "
              r"$\alpha = 0.033$ (last in), about 2750 times smaller."),
)

RIDGE_ZERO_COUNT = ChoiceExercise(
    key="ridge-zero-count",
    prompt=(r"On the diabetes data the ridge coefficient of <code>s1</code> is negative at $\lambda = 0.5$ and "
            r"positive at $\lambda = 1.5$. For how many values of $\lambda$ between them is it exactly 0?"),
    choices=(
        Choice("none: L2 never makes a coefficient 0",
               "The notes' reason (the push 2ηλw fades near 0) explains why ridge does not hold a weight at "
               "0; it does not stop a coefficient from changing sign. A continuous curve that goes from "
               "negative to positive passes through 0."),
        Choice("exactly one value, an isolated crossing", ""),
        Choice("a whole interval, as in the lasso",
               "A ridge coefficient is a ratio of polynomials in λ: it can be 0 only at isolated λ (at most "
               "p − 1 of them), never on an interval, unless it is 0 for every λ."),
        Choice("every λ above some threshold",
               "That is the lasso's behaviour for a feature leaving the model. Ridge coefficients only "
               "approach 0 as λ grows; here s1 turns positive and stays positive."),
    ),
    answer=1,
    why=(r"It crosses 0 once, at $\lambda \approx 0.812$ (found by root finding), and is non-zero at every "
         r"other $\lambda$: a ridge zero is a crossing at one point, a lasso zero holds over an interval."),
    solution=(r"A ridge coefficient is $\sum_k a_k / (s_k^2 + n\lambda)$: over a common denominator its "
              r"numerator is a polynomial of degree at most $p - 1 = 9$ in $\lambda$, so it has at most 9 "
              r"zeros. Between $\lambda = 0.5$ and $1.5$ it changes sign once: one crossing, at "
              r"$\lambda \approx 0.812$."),
)

SKLEARN_LASSO_ALPHA = NumberExercise(
    key="sklearn-lasso-alpha",
    prompt=(r"The course minimizes $\frac{1}{n}\lVert y - Xw - b\rVert^2 + \alpha\lVert w\rVert_1$. "
            r"scikit-learn's <code>Lasso(alpha=a)</code> minimizes "
            r"$\frac{1}{2n}\lVert y - Xw - b\rVert^2 + a\lVert w\rVert_1$. On the diabetes data "
            r"($n = 442$) you want the course's $\alpha = 0.6$. Which <code>a</code> do you pass?"),
    answer=0.3,
    tol=1e-6,
    why=(r"scikit-learn's objective is exactly half of the course's when $a = \alpha/2$: half of "
         r"$\frac{1}{n}\lVert r\rVert^2$ is $\frac{1}{2n}\lVert r\rVert^2$, and half of "
         r"$\alpha\lVert w\rVert_1$ is $\frac{\alpha}{2}\lVert w\rVert_1$. Half of a function has the "
         r"same minimizer."),
    mistakes=(
        Mistake(0.6, "You passed the course's α directly. scikit-learn puts 1/(2n) in front of the squared "
                     "error, the course 1/n: its squared error weighs half as much, so its alpha must be half."),
        Mistake(1.2, "You doubled α: the conversion goes the other way. Multiply the course's J by 1/2 to get "
                     "scikit-learn's objective: a = α/2."),
        Mistake(0.6 / 884, "You divided by 2n. Both objectives already average over the n samples (1/n and "
                           "1/(2n)); only the factor 2 differs, so a = α/2."),
        Mistake(0.6 * 884, "You multiplied by 2n, as if scikit-learn summed the squared errors without 1/n. "
                           "Lasso averages (1/(2n)); it is Ridge that sums. Here a = α/2."),
    ),
    solution=(r"$\frac{1}{2}\Big(\frac{1}{n}\lVert r\rVert^2 + 0.6\lVert w\rVert_1\Big) = \frac{1}{2n}"
              r"\lVert r\rVert^2 + 0.3\lVert w\rVert_1$, so <code>Lasso(alpha=0.3)</code> "
              r"(<code>helpers.conventions.sklearn_lasso_alpha(0.6)</code>)."),
)

# --- 5. priors ----------------------------------------------------------------------------

WHICH_PRIOR_ZEROS = ChoiceExercise(
    key="which-prior-zeros",
    prompt=("Gaussian noise, and a prior on each weight. Take a weight whose least-squares value (no prior) "
            "is not 0. For which prior can the weights of highest posterior density (the MAP estimate) hold "
            "that weight at exactly 0 over a whole range of prior scales, not just at one scale where it passes "
            "through 0?"),
    choices=(
        Choice("the Gaussian prior: it is highest at 0",
               "Both priors are highest at 0. What matters is the shape there: −log of a Gaussian is w²/(2τ²), "
               "flat at 0 (slope 0), so any pull from the data moves the weight off 0. That is ridge: a ridge "
               "weight can pass through 0 at single values of λ (s1 at λ ≈ 0.812 on the diabetes data), but "
               "it does not stay there."),
        Choice("the Laplace prior: its −log, |w|/β, has a kink at 0", ""),
        Choice("both, for a strong enough prior",
               "A stronger Gaussian prior shrinks every weight more but holds none at exactly 0 over a range of "
               "τ: its penalty has slope 0 at 0 (ridge), so a zero is a crossing at one τ. A weight that is 0 for "
               "every τ must be 0 in least squares; the converse holds for orthonormal features, not in "
               "general (section 3)."),
        Choice("neither: a probability model never gives exact zeros",
               "The MAP estimate is a minimizer, and with the Laplace prior it is exactly the lasso, which holds "
               "weights at 0 over whole intervals of α. (The posterior mean is never exactly sparse; the MAP "
               "is.)"),
    ),
    answer=1,
    why=(r"$-\log$ of the Laplace density is $\lvert w\rvert/\beta$ plus a constant: the L1 penalty, with a "
         r"kink at 0 that holds the minimizer exactly on 0 for every scale at which the data's pull is "
         r"smaller than the kink's slope, a whole interval of $\beta$. The Gaussian prior gives ridge, whose "
         r"weight is 0 only at isolated scales where it changes sign."),
    solution=(r"MAP minimizes $-\log p(y\mid w) - \log p(w)$. Laplace: $-\log p(w) = \lvert w\rvert/\beta$ "
              r"+ const, the lasso with $\alpha = 2\sigma^2/(n\beta)$: a weight is 0 for every $\alpha$ above "
              r"the largest one at which it enters, a whole range of $\beta$. Gaussian: $w^2/(2\tau^2)$ + const, "
              r"ridge: a ratio of polynomials in $\lambda$, so it is 0 at a few isolated values (crossings) unless it "
              r"is 0 for every $\lambda$, which needs a least-squares value of 0."),
)

EXERCISES = (L1_STEP_AT_ZERO, CHATTER_EXACT_ZERO, SOFT_THRESHOLD_BY_HAND, WRITE_SOFT_THRESHOLD, L1_ON_AN_EDGE,
             SPREAD_AND_THE_LASSO, RIDGE_ZERO_COUNT, SKLEARN_LASSO_ALPHA, WHICH_PRIOR_ZEROS)
