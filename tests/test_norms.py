"""helpers.norms against independent references (numpy.linalg.norm, scipy.spatial.distance,
sums written out with math.fsum), the norm axioms, the inequalities between norms, and the
unit balls (the filled region, convex exactly when p >= 1) and their edges.

No test compares two functions of helpers.norms with each other: they share one kernel.
"""

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial import distance

from helpers.norms import (
    in_unit_ball,
    l0_count,
    l1_norm,
    l2_norm,
    linf_norm,
    lp_norm,
    triangle_gap,
    unit_ball,
    unit_sphere,
)

# Entries in [-1e3, 1e3]; tiny magnitudes become exact zeros so numpy's unscaled
# formula (which underflows for them) stays a fair reference.
entry = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False).map(lambda v: 0.0 if abs(v) < 1e-6 else v)
vectors = st.integers(1, 30).flatmap(lambda n: arrays(np.float64, n, elements=entry))
vector_pairs = st.integers(1, 30).flatmap(
    lambda n: st.tuples(arrays(np.float64, n, elements=entry), arrays(np.float64, n, elements=entry))
)
orders_at_least_one = st.one_of(st.floats(1.0, 20.0), st.just(math.inf))
any_order = st.one_of(st.floats(0.05, 20.0), st.just(math.inf))

RTOL = 1e-10


@given(vectors, any_order)
def test_lp_norm_matches_numpy(x, p):
    assert lp_norm(x, p) == pytest.approx(np.linalg.norm(x, ord=p), rel=1e-10, abs=1e-300)


@given(vectors)
def test_named_norms_match_numpy(x):
    assert l1_norm(x) == pytest.approx(np.linalg.norm(x, 1), rel=1e-12)
    assert l2_norm(x) == pytest.approx(np.linalg.norm(x), rel=1e-12)
    assert linf_norm(x) == np.max(np.abs(x))


@given(vectors)
def test_named_norms_match_scipy_distances_from_the_origin(x):
    origin = np.zeros_like(x)
    assert l1_norm(x) == pytest.approx(distance.cityblock(x, origin), rel=1e-12)
    assert l2_norm(x) == pytest.approx(distance.euclidean(x, origin), rel=1e-12)
    assert linf_norm(x) == distance.chebyshev(x, origin)


@given(vectors)
def test_named_norms_match_sums_written_out(x):
    values = [float(v) for v in x]
    assert l1_norm(x) == pytest.approx(math.fsum(abs(v) for v in values), rel=1e-12)
    assert l2_norm(x) == pytest.approx(math.sqrt(math.fsum(v * v for v in values)), rel=1e-12)
    assert linf_norm(x) == max(abs(v) for v in values)


@given(vectors, st.floats(0.05, 20.0))
def test_lp_norm_matches_scipy_minkowski_and_the_sum_written_out(x, p):
    assert lp_norm(x, p) == pytest.approx(distance.minkowski(x, np.zeros_like(x), p), rel=1e-9, abs=1e-300)
    biggest = max(abs(float(v)) for v in x)
    if biggest > 0:  # the written-out sum, scaled by the largest entry so it cannot overflow
        written = biggest * math.fsum((abs(float(v)) / biggest) ** p for v in x) ** (1 / p)
        assert lp_norm(x, p) == pytest.approx(written, rel=1e-9)


def test_named_norms_on_numbers_done_by_hand():
    assert l1_norm([3.0, -4.0]) == 7.0 and l2_norm([3.0, -4.0]) == 5.0 and linf_norm([3.0, -4.0]) == 4.0
    # (sqrt 3 + sqrt 4)^2 = 7 + 4 sqrt 3 = 13.928...: the p = 0.5 size of (3, 4)
    assert lp_norm([3.0, 4.0], 0.5) == pytest.approx(7 + 4 * math.sqrt(3), rel=1e-14)
    assert lp_norm([1.0, 1.0, 1.0, 1.0], 2) == 2.0 and lp_norm([2.0, 0.0], 7.5) == 2.0


@settings(max_examples=100, deadline=None)  # the notebook says: 100 random vectors for each of the first two rules
@given(vectors, any_order)
def test_positivity(x, p):
    size = lp_norm(x, p)
    assert size >= 0
    assert (size == 0) == (not np.any(x))


@settings(max_examples=100, deadline=None)  # 100 random vectors, as the notebook says; no deadline: shared machine
@given(vectors, any_order, st.floats(-1e3, 1e3).filter(lambda c: abs(c) > 1e-3))
def test_absolute_homogeneity(x, p, c):
    assert lp_norm(c * x, p) == pytest.approx(abs(c) * lp_norm(x, p), rel=1e-10, abs=1e-300)


@settings(max_examples=200, deadline=None)  # the notebook says: 200 random pairs
@given(vector_pairs, orders_at_least_one)
def test_triangle_inequality_for_p_at_least_one(pair, p):
    x, y = pair
    gap = triangle_gap(x, y, p)
    assert gap >= -RTOL * (lp_norm(x, p) + lp_norm(y, p))
    assert gap == pytest.approx(
        np.linalg.norm(x, p) + np.linalg.norm(y, p) - np.linalg.norm(x + y, p),
        abs=1e-9 * (1 + np.linalg.norm(x, p) + np.linalg.norm(y, p)),
    )


@settings(max_examples=200, deadline=None)  # the notebook says: 200 random vectors
@given(vectors)
def test_inequalities_between_norms(x):
    """||x||_inf <= ||x||_2 <= ||x||_1 <= sqrt(n) ||x||_2 for every x (moved here from the
    notebook's loop over 1000 random vectors; hypothesis also tries the edge cases)."""
    n = x.size
    slack = 1 + 1e-12
    assert linf_norm(x) <= l2_norm(x) * slack
    assert l2_norm(x) <= l1_norm(x) * slack
    assert l1_norm(x) <= math.sqrt(n) * l2_norm(x) * slack
    assert l1_norm(x) <= n * linf_norm(x) * slack


@given(st.integers(1, 30), st.floats(1e-3, 1e3), st.integers(0, 29))
def test_one_non_zero_entry_makes_the_first_three_equal(n, size, where):
    x = np.zeros(n)
    x[where % n] = -size
    assert linf_norm(x) == l2_norm(x) == l1_norm(x) == size


@given(st.integers(1, 30), st.floats(1e-3, 1e3))
def test_equal_sizes_make_the_last_one_an_equality(n, size):
    x = size * np.where(np.arange(n) % 2 == 0, 1.0, -1.0)
    assert l1_norm(x) == pytest.approx(math.sqrt(n) * l2_norm(x), rel=1e-12)


@settings(max_examples=200, deadline=None)  # the notebook says: 200 random vectors
@given(vectors)
def test_l1_over_l2_lies_between_1_and_sqrt_of_the_count(x):
    """1 <= ||x||_1 / ||x||_2 <= sqrt(L0(x)) (Cauchy-Schwarz on the non-zero entries)."""
    assume(np.any(x))
    ratio = l1_norm(x) / l2_norm(x)
    assert 1 - 1e-12 <= ratio <= math.sqrt(np.count_nonzero(x)) * (1 + 1e-12)


@settings(max_examples=200, deadline=None)  # the notebook says: 200 random vectors
@given(vectors, st.floats(0.5, 20.0), st.floats(0.5, 20.0))
def test_lp_norm_decreases_with_p(x, p, q):
    low, high = sorted((p, q))
    assert lp_norm(x, high) <= lp_norm(x, low) * (1 + 1e-12)


@given(st.floats(0.05, 0.99))
def test_quasi_norm_breaks_triangle_inequality(p):
    e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    # ||e1|| + ||e2|| = 2, but ||e1 + e2||_p = 2^(1/p) > 2 for p < 1.
    assert triangle_gap(e1, e2, p) == pytest.approx(2 - 2 ** (1 / p), rel=1e-12)
    assert triangle_gap(e1, e2, p) < 0


def test_quasi_norm_counterexample_half():
    assert lp_norm([1.0, 1.0], 0.5) == pytest.approx(4.0, rel=1e-15)
    assert triangle_gap([1.0, 0.0], [0.0, 1.0], 0.5) == pytest.approx(-2.0, rel=1e-15)


def test_worked_example():
    x = [3.0, -4.0, 0.0]
    assert l1_norm(x) == 7.0
    assert l2_norm(x) == 5.0
    assert linf_norm(x) == 4.0
    assert l0_count(x) == 2


def test_no_overflow_or_underflow():
    assert l2_norm([1e200, 1e200]) == pytest.approx(math.sqrt(2) * 1e200, rel=1e-15)
    assert lp_norm([3e-200, 4e-200], 2) == pytest.approx(5e-200, rel=1e-15)
    assert lp_norm([1e300, 1e300, 1e300], 3) == pytest.approx(3 ** (1 / 3) * 1e300, rel=1e-14)


@given(vectors)
def test_l0_count_matches_count_nonzero(x):
    assert l0_count(x) == np.count_nonzero(x)
    assert l0_count(2.5 * x) == l0_count(x)  # not homogeneous: not a norm


@given(vectors, st.floats(0.0, 1e3))
def test_l0_count_with_tolerance(x, tol):
    assert l0_count(x, tol=tol) == sum(1 for v in x if abs(v) > tol)


@given(vector_pairs)
def test_l0_count_is_subadditive(pair):
    x, y = pair
    assert l0_count(x + y) <= l0_count(x) + l0_count(y)


@settings(max_examples=60)
@given(st.one_of(st.floats(0.1, 50.0), st.just(math.inf)), st.integers(9, 1000))
def test_unit_sphere_points_have_norm_one(p, num):
    points = unit_sphere(p, num)
    assert points.shape == (2, num)
    sizes = np.linalg.norm(points, ord=p, axis=0)
    np.testing.assert_allclose(sizes, 1.0, rtol=1e-12)
    np.testing.assert_array_equal(points[:, 0], points[:, -1])  # closed curve


@pytest.mark.parametrize("p", [0.3, 0.5, 1.0, 1.5, 2.0, 3.0, 10.0, math.inf])
@pytest.mark.parametrize("num", [9, 100, 400, 401])
def test_unit_sphere_hits_axes_and_runs_counter_clockwise(p, num):
    points = unit_sphere(p, num)
    as_set = {tuple(v) for v in points.T}
    for axis_point in [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)]:
        assert axis_point in as_set
    angle = np.unwrap(np.arctan2(points[1], points[0]))
    assert np.all(np.diff(angle) > 0)
    assert angle[-1] - angle[0] == pytest.approx(2 * np.pi)


@pytest.mark.parametrize("num", [9, 50, 400, 1001])
def test_unit_sphere_corners_are_exact(num):
    diamond = {tuple(v) for v in unit_sphere(1, num).T}
    assert {(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)} <= diamond
    square = unit_sphere(math.inf, num)
    assert {(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)} <= {tuple(v) for v in square.T}
    assert np.all(np.max(np.abs(square), axis=0) == 1.0)


def test_unit_sphere_circle_is_the_circle():
    points = unit_sphere(2, 400)
    np.testing.assert_allclose(np.hypot(points[0], points[1]), 1.0, rtol=1e-15)


def test_unit_ball_is_the_old_name_of_the_edge():
    np.testing.assert_array_equal(unit_ball(1.5, 50), unit_sphere(1.5, 50))


# The unit ball {v : ||v||_p <= 1} is the filled region; its edge {v : ||v||_p = 1} is the sphere.
# A point of the ball: a direction on the edge scaled by a factor in [0, 1].
ball_points = st.tuples(st.floats(0, 2 * math.pi), st.floats(0.0, 1.0))


def _point(p, angle_and_scale):
    angle, scale = angle_and_scale
    c, s = math.cos(angle), math.sin(angle)
    size = np.linalg.norm([c, s], ord=p)
    return scale * np.array([c, s]) / size


@pytest.mark.parametrize("p", [0.3, 0.5, 1.0, 2.0, 4.0, math.inf])
def test_in_unit_ball_against_the_sum_written_out(p):
    for v in ([0.0, 0.0], [0.3, -0.2], [1.0, 0.0], [0.6, 0.6], [-0.9, 0.5]):
        size = max(abs(a) for a in v) if p == math.inf else math.fsum(abs(a) ** p for a in v) ** (1 / p)
        assert in_unit_ball(v, p) == (size <= 1.0)


@given(st.one_of(st.floats(1.0, 20.0), st.just(math.inf)), ball_points, ball_points, st.floats(0.0, 1.0))
def test_the_ball_is_convex_for_p_at_least_one(p, a, b, t):
    """Every point of the segment between two points of the ball stays in it (numpy's size)."""
    u, v = _point(p, a), _point(p, b)
    between = (1 - t) * u + t * v
    assert np.linalg.norm(between, ord=p) <= 1 + 1e-12


@pytest.mark.parametrize("p", [0.2, 0.5, 0.75, 0.99])
def test_the_ball_is_not_convex_below_p_one(p):
    """(1, 0) and (0, 1) are in the ball; their midpoint (0.5, 0.5) is not: size 2^(1/p - 1) > 1."""
    assert in_unit_ball([1.0, 0.0], p) and in_unit_ball([0.0, 1.0], p)
    assert not in_unit_ball([0.5, 0.5], p)
    assert lp_norm([0.5, 0.5], p) == pytest.approx(2 ** (1 / p - 1), rel=1e-12)


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, math.inf])
def test_the_sphere_alone_is_never_convex(p):
    """The edge ||v|| = 1 is not the ball: the midpoint of e1 and -e1 is 0, which is not on it.
    (This is why "the unit ball is all v with ||v|| = 1" was wrong: that set is never convex.)"""
    edge = unit_sphere(p, 401)
    assert np.any(np.all(edge.T == (1.0, 0.0), axis=1)) and np.any(np.all(edge.T == (-1.0, 0.0), axis=1))
    midpoint = (np.array([1.0, 0.0]) + np.array([-1.0, 0.0])) / 2
    assert lp_norm(midpoint, p) == 0.0            # not on the edge ...
    assert in_unit_ball(midpoint, p)              # ... but in the ball


def test_the_property_tests_quoted_by_the_notebook_sample_two_hundred_vectors():
    for test in [test_triangle_inequality_for_p_at_least_one, test_inequalities_between_norms,
                 test_l1_over_l2_lies_between_1_and_sqrt_of_the_count, test_lp_norm_decreases_with_p]:
        assert test._hypothesis_internal_use_settings.max_examples == 200, test.__name__


def test_the_axiom_tests_quoted_by_the_notebook_sample_100_vectors_for_the_first_two_rules():
    """Notebook 01 ("What makes a size a norm"): zero only for zero and scaling on 100 random
    vectors each run, the triangle inequality on 200 random pairs."""
    for test in [test_positivity, test_absolute_homogeneity]:
        assert test._hypothesis_internal_use_settings.max_examples == 100, test.__name__
    assert test_triangle_inequality_for_p_at_least_one._hypothesis_internal_use_settings.max_examples == 200


@given(vector_pairs, st.floats(0.05, 0.99))
def test_lp_below_one_is_a_quasi_norm_with_constant_2_to_the_1_over_p_minus_1(pair, p):
    """||x + y||_p <= K (||x||_p + ||y||_p) with K = 2^(1/p - 1), against the sum written out."""
    x, y = pair

    def size(v):
        return math.fsum(abs(float(t)) ** p for t in v) ** (1 / p)

    K = 2 ** (1 / p - 1)
    assert size(x + y) <= K * (size(x) + size(y)) * (1 + 1e-9) + 1e-300
    # e1, e2 reach it: K cannot be smaller.
    assert size([1.0, 1.0]) == pytest.approx(K * (size([1.0, 0.0]) + size([0.0, 1.0])), rel=1e-12)


def test_sparser_is_not_always_cheaper_in_l1_at_the_same_l2_length():
    """Only the upper bound sqrt(k) ||x||_2 falls with k: a 2-sparse vector can have a larger L1 size
    than a 4-sparse one of the same L2 length."""
    a = np.array([0.99, math.sqrt(1 - 0.99 ** 2), 0.0, 0.0])
    b = np.array([1.0, 0.001, 0.001, 0.001])
    b = b / np.linalg.norm(b)
    assert np.linalg.norm(a) == pytest.approx(1.0) and np.linalg.norm(b) == pytest.approx(1.0)
    assert np.count_nonzero(a) == 2 < np.count_nonzero(b) == 4
    assert l1_norm(a) > l1_norm(b) + 0.1
    assert l1_norm(a) <= math.sqrt(2) and l1_norm(b) <= math.sqrt(4)
