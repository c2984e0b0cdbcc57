"""helpers.norms against numpy.linalg.norm, the norm axioms and the inequalities between norms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from helpers.norms import l0_count, l1_norm, l2_norm, linf_norm, lp_norm, triangle_gap, unit_ball

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
    assert l1_norm(x) == pytest.approx(lp_norm(x, 1), rel=1e-12)
    assert l2_norm(x) == pytest.approx(lp_norm(x, 2), rel=1e-12)
    assert linf_norm(x) == lp_norm(x, math.inf)


@given(vectors, any_order)
def test_positivity(x, p):
    size = lp_norm(x, p)
    assert size >= 0
    assert (size == 0) == (not np.any(x))


@given(vectors, any_order, st.floats(-1e3, 1e3).filter(lambda c: abs(c) > 1e-3))
def test_absolute_homogeneity(x, p, c):
    assert lp_norm(c * x, p) == pytest.approx(abs(c) * lp_norm(x, p), rel=1e-10, abs=1e-300)


@given(vector_pairs, orders_at_least_one)
def test_triangle_inequality_for_p_at_least_one(pair, p):
    x, y = pair
    gap = triangle_gap(x, y, p)
    assert gap >= -RTOL * (lp_norm(x, p) + lp_norm(y, p))
    assert gap == pytest.approx(
        np.linalg.norm(x, p) + np.linalg.norm(y, p) - np.linalg.norm(x + y, p),
        abs=1e-9 * (1 + np.linalg.norm(x, p) + np.linalg.norm(y, p)),
    )


@given(vectors)
def test_inequalities_between_norms(x):
    n = x.size
    slack = 1 + 1e-12
    assert linf_norm(x) <= l2_norm(x) * slack
    assert l2_norm(x) <= l1_norm(x) * slack
    assert l1_norm(x) <= math.sqrt(n) * l2_norm(x) * slack
    assert l1_norm(x) <= n * linf_norm(x) * slack


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
def test_unit_ball_points_have_norm_one(p, num):
    points = unit_ball(p, num)
    assert points.shape == (2, num)
    sizes = np.linalg.norm(points, ord=p, axis=0)
    np.testing.assert_allclose(sizes, 1.0, rtol=1e-12)
    np.testing.assert_array_equal(points[:, 0], points[:, -1])  # closed curve


@pytest.mark.parametrize("p", [0.3, 0.5, 1.0, 1.5, 2.0, 3.0, 10.0, math.inf])
@pytest.mark.parametrize("num", [9, 100, 400, 401])
def test_unit_ball_hits_axes_and_runs_counter_clockwise(p, num):
    points = unit_ball(p, num)
    as_set = {tuple(v) for v in points.T}
    for axis_point in [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)]:
        assert axis_point in as_set
    angle = np.unwrap(np.arctan2(points[1], points[0]))
    assert np.all(np.diff(angle) > 0)
    assert angle[-1] - angle[0] == pytest.approx(2 * np.pi)


@pytest.mark.parametrize("num", [9, 50, 400, 1001])
def test_unit_ball_corners_are_exact(num):
    diamond = {tuple(v) for v in unit_ball(1, num).T}
    assert {(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)} <= diamond
    square = unit_ball(math.inf, num)
    assert {(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)} <= {tuple(v) for v in square.T}
    assert np.all(np.max(np.abs(square), axis=0) == 1.0)


def test_unit_ball_circle_is_the_circle():
    points = unit_ball(2, 400)
    np.testing.assert_allclose(np.hypot(points[0], points[1]), 1.0, rtol=1e-15)
