"""Exercises of notebook 01_norm: what counts as right, and what each common wrong answer means.

Math layer (no widgets); the notebook shows each with ``helpers.widgets.exercises.exercise_widget``.
One constant per exercise and ``EXERCISES``, in the order the notebook asks them (a test checks it):

| key | kind | objective practised |
|---|---|---|
| ``write-l1-norm`` | code | compute a norm with code |
| ``write-l2-norm`` | code | compute L2 with code that survives huge and tiny entries |
| ``linf-by-hand`` | compute | compute L∞ by hand |
| ``norm-order`` | predict | the chain ‖x‖∞ ≤ ‖x‖₂ ≤ ‖x‖₁ |
| ``unit-ball-p-half`` | predict | picture the unit ball for each p |
| ``l0-breaks`` | predict | why L0 is not a norm |
| ``lp-half-by-hand`` | compute | compute Lp by hand; why p < 1 is not a norm |
| ``which-size`` | predict | which size for which job |

The two code exercises are ``ListAwareCodeExercise``: their cases pass plain lists, and a function
that fails on a list with TypeError or AttributeError (``abs(x).sum()``, ``x.sum()``) is told about
lists, not given the hint of the case it happened to fail first.
"""

from __future__ import annotations

import math

import numpy as np

from helpers.exercises import Case, Choice, ChoiceExercise, ListAwareCodeExercise, Mistake, NumberExercise
from helpers.norms import l1_norm, l2_norm

__all__ = ["ListAwareCodeExercise", "LINF_BY_HAND", "NORM_ORDER", "UNIT_BALL_P_HALF", "WRITE_L1_NORM", "L0_BREAKS",
           "LP_HALF_BY_HAND", "WRITE_L2_NORM", "WHICH_SIZE", "EXERCISES"]

LINF_VECTOR = (2.0, -7.0, 5.0, -1.0)

LINF_BY_HAND = NumberExercise(
    key="linf-by-hand",
    prompt=r"Compute $\|x\|_\infty$ for $x = (2, -7, 5, -1)$ by hand.",
    answer=7.0,
    tol=0.01,
    why=r"$\|x\|_\infty = \max_i |x_i| = \max(2, 7, 5, 1) = 7$: the size of the worst single entry.",
    mistakes=(
        Mistake(5.0, "That is the largest entry with its sign, but −7 is farther from 0. A norm looks at "
                     "sizes: take absolute values first, then the largest."),
        Mistake(-7.0, "−7 is the entry; the norm is its size. A norm is never negative: take |−7|."),
        Mistake(15.0, "15 = 2 + 7 + 5 + 1 adds every size: that is the L1 norm. L∞ keeps only the largest."),
        Mistake(math.sqrt(79.0), "√79 ≈ 8.89 is the straight-line length, the L2 norm. L∞ keeps only the "
                                 "largest size, no squares."),
        Mistake(4.0, "4 counts the non-zero entries: that is L0. L∞ is the largest size."),
        Mistake(1.0, "1 is the smallest size. L∞ is the largest one (p → ∞ lets the largest entry take over)."),
    ),
    solution=r"Sizes: $|2| = 2$, $|-7| = 7$, $|5| = 5$, $|-1| = 1$. The largest is 7, so "
             r"$\|x\|_\infty = 7$.",
)

NORM_ORDER = ChoiceExercise(
    key="norm-order",
    prompt=r"Without computing anything: for a vector with at least two non-zero entries, which of "
           r"$\|x\|_1$, $\|x\|_2$, $\|x\|_\infty$ is the <b>largest</b>?",
    choices=(
        Choice(r"‖x‖₂, the straight line",
               "The squares make big entries count more, but the square root undoes that: the straight "
               "line from the origin to the tip is never longer than the taxicab path, so ‖x‖₂ ≤ ‖x‖₁."),
        Choice(r"‖x‖∞, the largest entry",
               "“∞” is the limit p → ∞, not a big number. ‖x‖ₚ shrinks as p grows, so ‖x‖∞ is the "
               "smallest of the three: one entry can never be larger than the length it is part of."),
        Choice(r"‖x‖₁, the taxicab path", ""),
        Choice("it depends on the vector",
               "Only the gaps depend on the vector. The order ‖x‖∞ ≤ ‖x‖₂ ≤ ‖x‖₁ holds for every "
               "vector, and the gaps close only when a single entry is non-zero."),
    ),
    answer=2,
    why=r"The taxicab path is never shorter than the straight line, and the straight line is never "
        r"shorter than its longest leg: ‖x‖∞ ≤ ‖x‖₂ ≤ ‖x‖₁, with equality only for one non-zero entry.",
    solution=r"Square the taxicab length: $(|x_1| + |x_2|)^2 = x_1^2 + x_2^2 + 2|x_1||x_2| \geq "
             r"x_1^2 + x_2^2$, so $\|x\|_1 \geq \|x\|_2$. And $x_1^2 + x_2^2 \geq \max_i x_i^2$, so "
             r"$\|x\|_2 \geq \|x\|_\infty$. Both are equalities only when one entry is 0.",
)

UNIT_BALL_P_HALF = ChoiceExercise(
    key="unit-ball-p-half",
    prompt=r"Before you move $p$ below 1: what will the unit ball $\{v : \|v\|_{1/2} \leq 1\}$ "
           r"look like?",
    choices=(
        Choice("a circle, smaller than the L2 circle",
               "The shape changes with p, not only the size. Every ball, whatever p, contains the four "
               "axis points (±1, 0) and (0, ±1), since ‖(1, 0)‖ₚ = 1 for every p: so it cannot be a "
               "smaller circle."),
        Choice("the L1 diamond again",
               "p = 1 gives the diamond, with straight edges between the axis points. Check a point "
               "of that edge: ‖(0.5, 0.5)‖₁ = 1, but with p = 1/2 its size is (√0.5 + √0.5)² = 2."),
        Choice("a square, larger than the L∞ square",
               "Smaller p gives larger sizes (‖x‖ₚ shrinks as p grows), so fewer points have size "
               "≤ 1: the ball shrinks as p falls, it does not grow."),
        Choice("a four-pointed star whose edges bend inward", ""),
    ),
    answer=3,
    why=r"The axis points (±1, 0), (0, ±1) still have size 1, but (0.5, 0.5) has size 2: the edge "
        r"caves in between the axes. The ball is not convex (a set is convex when the straight "
        r"segment between any two of its points stays inside it; the chord from (1, 0) to (0, 1) leaves "
        r"this ball), and that is the triangle inequality failing: p = 1/2 gives no norm.",
    solution=r"On the diagonal, $\|(t, t)\|_{1/2} = (2\sqrt{t})^2 = 4t$, so the edge crosses the "
             r"diagonal at $t = 1/4$: the point $(0.25, 0.25)$, much closer to the origin than the "
             r"diamond's $(0.5, 0.5)$. The axis points stay at distance 1: a star.",
)


def _course_l1(x) -> float:
    return l1_norm(x)


def _course_l2(x) -> float:
    return l2_norm(x)


WRITE_L1_NORM = ListAwareCodeExercise(
    key="write-l1-norm",
    prompt=r"Write <code>l1_norm(x)</code>: it takes a vector (a list or a numpy array) and returns "
           r"$\|x\|_1$ as a number. Edit the cell above, run it, then press Check.",
    function_name="l1_norm",
    reference=_course_l1,
    cases=(
        Case(([3.0, -4.0],), "a negative entry",
             "A size never subtracts: take the absolute value |xᵢ| of each entry before adding."),
        Case(([0.0, 0.0, 0.0],), "the zero vector",
             "The zero vector has size 0: return 0.0, not an error and not None."),
        Case(([-2.5],), "a vector of length 1", "One entry: the size is its absolute value."),
        Case(([1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0],), "a longer vector (7 entries)",
             "Add over every entry, whatever the length: a loop or np.sum, not x[0] + x[1]."),
        Case(([-1, 2, -3],), "whole numbers in a list",
             "Whole numbers count like floats: the same code must work on a list of ints."),
        Case((np.array([1e300, -1e300, 5e299]),), "huge entries (1e300)",
             "Add the absolute values directly; a detour through squares overflows to inf for 1e300."),
    ),
    solution=r"<pre>def l1_norm(x):" "\n"
             r"    return float(np.sum(np.abs(x)))</pre>"
             r"or, without numpy: <code>return float(sum(abs(v) for v in x))</code>.",
    why="The L1 norm is just the sum of the entries' sizes; numpy's np.linalg.norm(x, 1) gives the same.",
)

L0_BREAKS = ChoiceExercise(
    key="l0-breaks",
    prompt="The L0 count is not a norm. Which of the three rules of a norm does it break?",
    choices=(
        Choice("zero only for the zero vector",
               "L0 keeps this rule: the count of non-zero entries is 0 exactly when every entry is 0."),
        Choice("scaling: ‖c x‖ = |c| ‖x‖", ""),
        Choice("the triangle inequality: ‖x + y‖ ≤ ‖x‖ + ‖y‖",
               "L0 keeps this rule: x + y can be non-zero only where x or y is, so "
               "L0(x + y) ≤ L0(x) + L0(y)."),
        Choice("none: the name says it is a norm",
               "The name is a habit, not a proof. A norm must obey all three rules, and one "
               "counterexample is enough: L0(2·(1, 0)) = 1, but a norm would give 2."),
    ),
    answer=1,
    why="L0(2x) = L0(x): doubling a vector does not double its number of non-zero entries (nor does "
        "shrinking it to 0.001·x lower the count). A size that ignores scale is a count, not a norm.",
    solution=r"Take $x = (1, 0)$: $\mathrm{L0}(x) = 1$ and $\mathrm{L0}(2x) = 1$, but scaling demands "
             r"$\|2x\| = 2\|x\| = 2$. The other two rules hold for every vector.",
)

LP_HALF_BY_HAND = NumberExercise(
    key="lp-half-by-hand",
    prompt=r"Compute $\|e_1 + e_2\|_{1/2} = \|(1, 1)\|_{1/2}$ by hand, from "
           r"$\|x\|_p = \big(\sum_i |x_i|^p\big)^{1/p}$ with $p = 1/2$.",
    answer=4.0,
    tol=0.01,
    why=r"$(1^{1/2} + 1^{1/2})^{2} = 2^2 = 4$, larger than $\|e_1\|_{1/2} + \|e_2\|_{1/2} = 1 + 1 = 2$: "
        r"a sum is longer than the detour through its parts, so the triangle inequality fails for p = 1/2.",
    mistakes=(
        Mistake(2.0, "2 is the sum of the square roots √|xᵢ| = 1 + 1; the formula then raises that sum to the power "
                     "1/p = 2."),
        Mistake(math.sqrt(2.0), "√2 ≈ 1.41 is the L2 length of (1, 1), or the sum raised to p = 1/2 instead "
                                "of 1/p = 2. With p = 1/2 the outer power is 1/p = 2."),
        Mistake(1.0, "(1, 1) is not on the edge of this ball: its size is larger than 1. Apply the formula "
                     "term by term: √1 + √1, then the power 1/p = 2."),
    ),
    solution=r"$|1|^{1/2} = 1$ for both entries, the sum is 2, and the outer power is $1/p = 2$: "
             r"$\|(1, 1)\|_{1/2} = 2^2 = 4$.",
)

WRITE_L2_NORM = ListAwareCodeExercise(
    key="write-l2-norm",
    prompt=r"Write <code>l2_norm(x)</code>, returning $\|x\|_2$ as a number. The checker tries huge "
           r"entries (1e200) and tiny ones (1e-200) too: floats stop near 1.8e308 and below about "
           r"5e-324, and the squares on the way must not leave that range.",
    function_name="l2_norm",
    reference=_course_l2,
    cases=(
        Case(([3.0, -4.0],), "x = (3, −4)", "The straight-line length: √(3² + 4²) = 5."),
        Case(([0.0, 0.0],), "the zero vector",
             "The zero vector has size 0. If you divide by the largest |xᵢ|, do it only when it is not 0 "
             "(0/0 is nan)."),
        Case(([-2.0],), "a vector of length 1", "One entry: the size is its absolute value."),
        Case(([1.0, 2.0, 2.0, 4.0, 0.0, -10.0],), "a longer vector (6 entries)",
             "Sum the squares of every entry, whatever the length."),
        Case(([1e200, 1e200],), "huge entries (1e200)",
             "(1e200)² = 1e400 overflows to inf. Divide every entry by the largest |xᵢ| first, take the "
             "length of that (entries ≤ 1), and multiply back."),
        Case(([3e-200, 4e-200],), "tiny entries (1e-200)",
             "(3e-200)² underflows to 0, so the naive formula returns 0. Scaling by the largest |xᵢ| "
             "fixes this too."),
    ),
    solution=r"<pre>def l2_norm(x):" "\n"
             r"    x = np.abs(np.asarray(x, dtype=float))" "\n"
             r"    largest = x.max()" "\n"
             r"    if largest == 0:" "\n"
             r"        return 0.0" "\n"
             r"    scaled = x / largest            # every entry now in [0, 1]" "\n"
             r"    return float(largest * np.sqrt(np.sum(scaled ** 2)))</pre>"
             r"Python's <code>math.hypot(*x)</code> scales the same way; <code>np.linalg.norm(x)</code> "
             r"does not, and returns inf for (1e200, 1e200).",
    why="Scaling by the largest entry keeps every square between 0 and 1, so nothing overflows, and the "
        "largest entry's square is exactly 1, so the sum cannot underflow to 0. Squares of entries far below "
        "the largest still underflow, harmlessly: under about 1e-154 times it they become subnormal (fewer "
        "significant digits), and under about 1e-162 times it exactly 0; next to that 1 they would be lost "
        "in rounding anyway. The course's helpers.norms does the same.",
    rtol=1e-12,
    atol=0.0,
)

WHICH_SIZE = ChoiceExercise(
    key="which-size",
    prompt=r"A machined part is measured at 6 points, giving a deviation vector $d$ (mm) from the "
           r"drawing. The rule: <i>at every point</i> the deviation must stay within 0.1 mm. Which "
           r"size of $d$ do you compare with 0.1?",
    choices=(
        Choice("‖d‖₁", "‖d‖₁ adds all six deviations. Six points each off by 0.05 mm meet the rule, "
                       "yet ‖d‖₁ = 0.3 > 0.1: a false alarm. The rule is about each point on its own."),
        Choice("‖d‖₂", "‖d‖₂ mixes all six too: six deviations of 0.05 give ‖d‖₂ ≈ 0.12 > 0.1, a false "
                       "alarm although every point is within tolerance."),
        Choice("‖d‖∞", ""),
        Choice("L0(d)", "L0 counts how many points deviate at all, not by how much: a deviation of "
                        "0.001 mm counts as much as one of 5 mm."),
    ),
    answer=2,
    why="‖d‖∞ = max |dᵢ| is the worst single point, so ‖d‖∞ ≤ 0.1 says exactly that every point is "
        "within 0.1 mm.",
    solution=r"“Every $|d_i| \leq 0.1$” is the same statement as “$\max_i |d_i| \leq 0.1$”, "
             r"i.e. $\|d\|_\infty \leq 0.1$.",
)

EXERCISES = (WRITE_L1_NORM, WRITE_L2_NORM, LINF_BY_HAND, NORM_ORDER, UNIT_BALL_P_HALF, L0_BREAKS,
             LP_HALF_BY_HAND, WHICH_SIZE)
