"""helpers.penalties against independent references (finite differences, SciPy, direct formulas)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import minimize_scalar

from helpers import penalties
from tests.regression_problems import course_objective, finite_diff_grad, make_problem

pytestmark = pytest.mark.filterwarnings("error")  # no overflow / invalid-value warning may escape


# --------------------------------------------------------------------------- penalties

def test_penalties_match_direct_sums():
    w = np.array([1.5, -2.0, 0.0, 0.25])
    assert penalties.l1_penalty(w) == pytest.approx(1.5 + 2.0 + 0.0 + 0.25)
    assert penalties.l2_penalty(w) == pytest.approx(np.linalg.norm(w) ** 2)


@pytest.mark.parametrize("seed", range(5))
def test_penalty_gradients_match_finite_differences_away_from_zero(seed):
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.2, 3.0, size=6) * rng.choice([-1.0, 1.0], size=6)
    assert_allclose(penalties.l1_penalty_grad(w), finite_diff_grad(penalties.l1_penalty, w), atol=1e-8)
    assert_allclose(penalties.l2_penalty_grad(w), finite_diff_grad(penalties.l2_penalty, w), rtol=1e-7)


def test_sign_of_zero_is_zero():
    assert_array_equal(penalties.l1_penalty_grad([0.0, -0.0, 3.0, -3.0]), [0.0, 0.0, 1.0, -1.0])


def test_soft_threshold_matches_piecewise_formula():
    rng = np.random.default_rng(1)
    w = rng.normal(scale=2.0, size=200)
    t = 0.7
    expected = np.where(w > t, w - t, np.where(w < -t, w + t, 0.0))
    assert_array_equal(penalties.soft_threshold(w, t), expected)
    # t broadcasts, any shape
    W = w.reshape(20, 10)
    T = np.linspace(0.0, 2.0, 10)
    expected = np.where(W > T, W - T, np.where(W < -T, W + T, 0.0))
    assert_array_equal(penalties.soft_threshold(W, T), expected)
    assert penalties.soft_threshold(-3.0, 1.0) == -2.0


@pytest.mark.parametrize("w,t", [(2.3, 0.5), (-1.1, 0.4), (0.3, 0.5), (-0.2, 1.0), (0.0, 0.3), (4.0, 0.0)])
def test_soft_threshold_is_the_prox_of_abs(w, t):
    res = minimize_scalar(lambda z: 0.5 * (z - w) ** 2 + t * abs(z), bounds=(-10, 10),
                          method="bounded", options={"xatol": 1e-12})
    assert penalties.soft_threshold(w, t) == pytest.approx(res.x, abs=1e-7)


# --------------------------------------------------------------------------- objective

def test_objective_matches_direct_formula_and_batches():
    X, y = make_problem()
    rng = np.random.default_rng(2)
    W = rng.normal(size=(7, X.shape[1]))
    B = rng.normal(size=7)
    for w, b in zip(W, B):
        assert penalties.objective(X, y, w, b, l1=0.3, l2=0.2) == pytest.approx(
            course_objective(X, y, w, b, 0.3, 0.2), rel=1e-13)
    batch = penalties.objective(X, y, W, B, l1=0.3, l2=0.2)
    assert_allclose(batch, [course_objective(X, y, w, b, 0.3, 0.2) for w, b in zip(W, B)], rtol=1e-13)


def test_objective_grad_matches_finite_differences():
    X, y = make_problem()
    w = np.array([0.7, -1.2, 0.4, -0.3, 0.9])  # no zero weight: J is smooth there
    b = 0.4
    gw, gb = penalties.objective_grad(X, y, w, b, l1=0.25, l2=0.15)
    fd_w = finite_diff_grad(lambda v: course_objective(X, y, v, b, 0.25, 0.15), w)
    fd_b = finite_diff_grad(lambda v: course_objective(X, y, w, v[0], 0.25, 0.15), [b])[0]
    assert_allclose(gw, fd_w, rtol=1e-6)
    assert gb == pytest.approx(fd_b, rel=1e-6)


def test_objective_grad_uses_sign_zero_for_zero_weights():
    X, y = make_problem()
    w = np.array([0.0, 1.0, 0.0, -1.0, 0.0])
    g1, _ = penalties.objective_grad(X, y, w, 0.0, l1=0.5)
    g0, _ = penalties.objective_grad(X, y, w, 0.0)
    assert_allclose(g1 - g0, 0.5 * np.array([0.0, 1.0, 0.0, -1.0, 0.0]), atol=1e-14)
