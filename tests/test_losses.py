"""helpers.losses: identities with norms, scikit-learn metrics, SciPy's Huber, finite differences."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import approx_fprime
from scipy.special import huber
from sklearn.metrics import mean_absolute_error, mean_squared_error, root_mean_squared_error

from helpers.losses import (
    huber_loss,
    huber_loss_grad,
    l1_loss,
    l1_loss_grad,
    l2_loss,
    l2_loss_grad,
    mae,
    mse,
    rmse,
    rmse_grad,
)

entry = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
pairs = st.integers(1, 40).flatmap(
    lambda n: st.tuples(arrays(np.float64, n, elements=entry), arrays(np.float64, n, elements=entry))
)
deltas = st.floats(0.01, 100.0)


@given(pairs)
def test_l2_loss_is_built_from_the_l2_norm_of_the_difference(pair):
    pred, target = pair
    d = pred - target
    n = d.size
    norm = np.linalg.norm(d)
    assert l2_loss(pred, target, "sum") == pytest.approx(norm**2, rel=1e-12, abs=1e-300)
    assert mse(pred, target) == pytest.approx(norm**2 / n, rel=1e-12, abs=1e-300)
    assert rmse(pred, target) == pytest.approx(norm / math.sqrt(n), rel=1e-12, abs=1e-300)
    assert mae(pred, target) == pytest.approx(np.linalg.norm(d, 1) / n, rel=1e-12, abs=1e-300)
    assert l1_loss(pred, target, "sum") == pytest.approx(np.linalg.norm(d, 1), rel=1e-12, abs=1e-300)


@given(pairs)
def test_against_scikit_learn_metrics(pair):
    pred, target = pair
    assert mae(pred, target) == pytest.approx(mean_absolute_error(target, pred), rel=1e-12, abs=1e-300)
    assert mse(pred, target) == pytest.approx(mean_squared_error(target, pred), rel=1e-12, abs=1e-300)
    assert rmse(pred, target) == pytest.approx(root_mean_squared_error(target, pred), rel=1e-12, abs=1e-300)
    # l1_loss / l2_loss with their default reduction are the MAE / MSE: checked against
    # scikit-learn and against numpy written out, never against mae / mse themselves.
    assert l1_loss(pred, target) == pytest.approx(mean_absolute_error(target, pred), rel=1e-12, abs=1e-300)
    assert l2_loss(pred, target) == pytest.approx(mean_squared_error(target, pred), rel=1e-12, abs=1e-300)
    by_hand_abs = sum(abs(p - t) for p, t in zip(pred, target)) / len(pred)
    by_hand_sq = sum((p - t) ** 2 for p, t in zip(pred, target)) / len(pred)
    assert l1_loss(pred, target) == pytest.approx(by_hand_abs, rel=1e-12, abs=1e-300)
    assert l2_loss(pred, target) == pytest.approx(by_hand_sq, rel=1e-12, abs=1e-300)


@given(pairs)
def test_reductions(pair):
    pred, target = pair
    for loss in (l1_loss, l2_loss, huber_loss):
        each = loss(pred, target, reduction="none")
        assert each.shape == pred.shape
        assert loss(pred, target, reduction="sum") == pytest.approx(each.sum(), rel=1e-12, abs=1e-300)
        assert loss(pred, target, reduction="mean") == pytest.approx(each.mean(), rel=1e-12, abs=1e-300)
    np.testing.assert_array_equal(l1_loss(pred, target, "none"), [abs(p - t) for p, t in zip(pred, target)])
    np.testing.assert_allclose(l2_loss(pred, target, "none"), [(p - t) ** 2 for p, t in zip(pred, target)], rtol=1e-15)


def test_worked_example_and_the_crossing_at_one():
    pred, target = np.array([2.5, 0.0, 2.0, 8.0]), np.array([3.0, -0.5, 2.0, 7.0])
    assert mae(pred, target) == 0.5
    assert mse(pred, target) == 0.375
    # Squaring shrinks errors below 1 and grows errors above 1.
    errors = np.array([0.5, 1.0, 3.0])
    np.testing.assert_array_equal(l2_loss(errors, np.zeros(3), "none"), [0.25, 1.0, 9.0])
    np.testing.assert_array_equal(l1_loss(errors, np.zeros(3), "none"), [0.5, 1.0, 3.0])


def huber_by_cases(e, delta):
    return np.array([0.5 * v * v if abs(v) <= delta else delta * (abs(v) - 0.5 * delta) for v in e])


@given(pairs, deltas)
def test_huber_against_piecewise_formula_and_scipy(pair, delta):
    pred, target = pair
    e = pred - target
    each = huber_loss(pred, target, delta=delta, reduction="none")
    np.testing.assert_allclose(each, huber_by_cases(e, delta), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(each, huber(delta, e), rtol=1e-12, atol=1e-300)
    assert huber_loss(pred, target, delta) == pytest.approx(np.mean(huber(delta, e)), rel=1e-12, abs=1e-300)


@given(pairs, deltas)
def test_huber_lies_between_half_squared_and_linear(pair, delta):
    pred, target = pair
    e = np.abs(pred - target)
    each = huber_loss(pred, target, delta, "none")
    tiny = 1e-300  # subnormal results may round differently (0.5 * e**2 underflows to 0)
    assert np.all(each <= 0.5 * e**2 * (1 + 1e-12) + tiny)
    assert np.all(each <= delta * e * (1 + 1e-12) + tiny)
    if delta >= e.max():
        assert huber_loss(pred, target, delta) == pytest.approx(0.5 * mse(pred, target), rel=1e-12, abs=1e-300)


def central_difference(f, x, h=1e-4):
    """Exact for these piecewise quadratics while no kink lies within h; h large against round-off."""
    grad = np.empty_like(x)
    for i in range(x.size):
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        grad[i] = (f(up) - f(down)) / (2 * h)
    return grad


# Errors kept away from 0 and from +-delta, where the losses have kinks.
error_entry = st.tuples(st.sampled_from([-1.0, 1.0]), st.floats(0.02, 50.0)).map(lambda sm: sm[0] * sm[1])
away_from_kinks = st.integers(1, 20).flatmap(
    lambda n: st.tuples(
        arrays(np.float64, n, elements=st.floats(-50, 50)),
        arrays(np.float64, n, elements=error_entry),
    ).map(lambda te: (te[0] + te[1], te[0]))
)


def kink_free(e, delta):
    return np.all(np.abs(e) > 0.01) and np.all(np.abs(np.abs(e) - delta) > 0.01)


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@given(pair=away_from_kinks, delta=st.floats(0.1, 10.0))
def test_gradients_against_central_differences(pair, delta, reduction):
    pred, target = pair
    assume(kink_free(pred - target, delta))
    cases = [
        (lambda p: l1_loss(p, target, reduction), l1_loss_grad(pred, target, reduction)),
        (lambda p: l2_loss(p, target, reduction), l2_loss_grad(pred, target, reduction)),
        (lambda p: huber_loss(p, target, delta, reduction), huber_loss_grad(pred, target, delta, reduction)),
    ]
    for f, grad in cases:
        np.testing.assert_allclose(grad, central_difference(f, pred), rtol=1e-6, atol=1e-6)


def test_gradients_against_scipy_approx_fprime():
    rng = np.random.default_rng(3)
    pred, target = rng.normal(size=12), rng.normal(size=12)
    assert kink_free(pred - target, 0.7)
    for f, grad in [
        (lambda p: mse(p, target), l2_loss_grad(pred, target)),
        (lambda p: mae(p, target), l1_loss_grad(pred, target)),
        (lambda p: huber_loss(p, target, 0.7), huber_loss_grad(pred, target, 0.7)),
    ]:
        np.testing.assert_allclose(grad, approx_fprime(pred, f, 1e-7), atol=1e-6)


@given(pair=away_from_kinks, delta=st.floats(0.1, 10.0))
def test_elementwise_gradients_with_reduction_none(pair, delta):
    pred, target = pair
    assume(kink_free(pred - target, delta))
    h = 1e-4
    for loss, grad in [(l1_loss, l1_loss_grad), (l2_loss, l2_loss_grad)]:
        slope = (loss(pred + h, target, "none") - loss(pred - h, target, "none")) / (2 * h)
        np.testing.assert_allclose(grad(pred, target, "none"), slope, rtol=1e-6, atol=1e-6)
    slope = (huber_loss(pred + h, target, delta, "none") - huber_loss(pred - h, target, delta, "none")) / (2 * h)
    np.testing.assert_allclose(huber_loss_grad(pred, target, delta, "none"), slope, rtol=1e-6, atol=1e-6)


def test_l1_gradient_uses_sign_of_zero_equal_to_zero():
    np.testing.assert_array_equal(l1_loss_grad([1.0, 2.0, 5.0], [1.0, 3.0, 4.0], "sum"), [0.0, -1.0, 1.0])
    np.testing.assert_array_equal(l1_loss_grad([1.0, 2.0, 5.0, 0.0], [1.0, 3.0, 4.0, 0.0]), [0.0, -0.25, 0.25, 0.0])


def test_huber_gradient_is_clipped_error():
    pred, target = np.array([0.0, 0.5, 3.0, -4.0]), np.zeros(4)
    np.testing.assert_array_equal(huber_loss_grad(pred, target, 1.0, "sum"), [0.0, 0.5, 1.0, -1.0])
    np.testing.assert_array_equal(huber_loss_grad(pred, target, 2.0, "mean"), [0.0, 0.125, 0.5, -0.5])


def rmse_by_hand(p, target):
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(p, target)) / len(p))


@given(pair=away_from_kinks)
def test_rmse_gradient_against_central_differences(pair):
    pred, target = pair
    # RMSE is smooth away from e = 0; the reference is written out with math, not helpers.losses.
    numeric = central_difference(lambda p: rmse_by_hand(p, target), pred, h=1e-6)
    np.testing.assert_allclose(rmse_grad(pred, target), numeric, rtol=1e-5, atol=1e-7)


def test_rmse_gradient_against_scipy_and_by_hand():
    rng = np.random.default_rng(7)
    pred, target = rng.normal(size=9), rng.normal(size=9)
    e = pred - target
    np.testing.assert_allclose(rmse_grad(pred, target),
                               approx_fprime(pred, lambda p: root_mean_squared_error(target, p), 1e-7),
                               atol=1e-6)
    # e / (n RMSE), and the chain rule from the MSE gradient 2e/n: (2e/n) / (2 RMSE).
    root = np.sqrt(np.mean(e ** 2))
    np.testing.assert_allclose(rmse_grad(pred, target), e / (e.size * root), rtol=1e-12)
    # Worked numbers: e = (3, 4), n = 2, RMSE = 5 / sqrt(2); gradient (3, 4) / (2 * 5/sqrt 2).
    np.testing.assert_allclose(rmse_grad([3.0, 4.0], [0.0, 0.0]), np.array([3.0, 4.0]) / (10 / math.sqrt(2)))
    # Its length is 1/sqrt(n) whatever the errors: RMSE = ||e|| / sqrt(n) grows at most that fast.
    assert np.linalg.norm(rmse_grad(pred, target)) == pytest.approx(1 / math.sqrt(9), rel=1e-12)


def test_rmse_gradient_at_zero_error_and_for_huge_errors():
    np.testing.assert_array_equal(rmse_grad([1.0, 2.0], [1.0, 2.0]), [0.0, 0.0])   # a subgradient at the corner
    big = rmse_grad([1e200, -1e200, 0.0], [0.0, 0.0, 0.0])                         # e^2 would overflow
    np.testing.assert_allclose(big, np.array([1.0, -1.0, 0.0]) / (3 * math.sqrt(2 / 3)), rtol=1e-12)
    with pytest.raises(ValueError, match="same shape"):
        rmse_grad([1.0, 2.0], [1.0])


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_huber_is_half_the_l2_term_inside_delta_and_joins_in_value_and_slope(delta):
    """Issue 9 item 11: inside delta Huber is (1/2) e^2, half of the course's L2 term e^2, not equal to it;
    given the 1/2, the linear piece delta (|e| - delta/2) meets it with the same value and slope."""
    e = np.linspace(-delta, delta, 41)
    inside = huber_loss(e, np.zeros_like(e), delta, "none")
    np.testing.assert_allclose(inside, 0.5 * e ** 2, rtol=1e-12, atol=1e-300)
    nonzero = e != 0
    assert np.all(inside[nonzero] < e[nonzero] ** 2)          # "like L2" would have said equal
    h = 1e-7

    def one(v):
        return huber_loss([v], [0.0], delta, "sum")

    assert one(delta) == pytest.approx(delta * (delta - delta / 2), rel=1e-12)
    assert (one(delta) - one(delta - h)) / h == pytest.approx(delta, rel=1e-5)   # slope e = delta from inside
    assert (one(delta + h) - one(delta)) / h == pytest.approx(delta, rel=1e-5)   # slope delta from outside
    # e^2 inside with THIS linear piece would match neither the value nor the slope at |e| = delta.
    assert delta ** 2 != pytest.approx(delta * (delta - delta / 2)) and 2 * delta != pytest.approx(delta)


def twice_huber(e, delta):
    """2 x Huber written out without the 1/2: e^2 inside delta, 2 delta |e| - delta^2 beyond."""
    e = np.abs(np.asarray(e, dtype=float))
    return np.where(e <= delta, e ** 2, 2 * delta * e - delta ** 2)


@pytest.mark.parametrize("delta", [0.3, 1.0, 2.5])
def test_the_half_is_a_convention_twice_huber_is_just_as_smooth(delta):
    """Review finding 2: the 1/2 is not what makes Huber smooth. Twice Huber is continuous with a
    continuous first derivative at |e| = delta too; what the 1/2 does is make the gradient the error
    clipped to +-delta (twice Huber's gradient is twice that). The old claim "the 1/2 makes the pieces
    join" would need the doubled loss to jump in value or slope; it does not."""
    np.testing.assert_allclose(twice_huber([-3.0, -delta, 0.1, delta, 4.0], delta),
                               2 * huber(delta, np.array([-3.0, -delta, 0.1, delta, 4.0])), rtol=1e-12)
    h = 1e-6
    for side in (-1.0, 1.0):
        corner = side * delta
        assert twice_huber(corner - h, delta) == pytest.approx(twice_huber(corner + h, delta), abs=1e-5)
        left = (twice_huber(corner, delta) - twice_huber(corner - h, delta)) / h
        right = (twice_huber(corner + h, delta) - twice_huber(corner, delta)) / h
        assert left == pytest.approx(right, abs=1e-4) and right == pytest.approx(side * 2 * delta, abs=1e-4)
    e = np.linspace(-3 * delta, 3 * delta, 61)
    e = e[np.abs(np.abs(e) - delta) > 1e-3]
    slope_huber = np.array([approx_fprime([v], lambda x: huber(delta, x[0]), 1e-7)[0] for v in e])
    slope_twice = np.array([approx_fprime([v], lambda x: twice_huber(x[0], delta), 1e-7)[0] for v in e])
    np.testing.assert_allclose(slope_huber, np.clip(e, -delta, delta), atol=1e-5)
    np.testing.assert_allclose(slope_twice, 2 * np.clip(e, -delta, delta), atol=1e-5)
    np.testing.assert_allclose(huber_loss_grad(e, np.zeros_like(e), delta, "none"), np.clip(e, -delta, delta),
                               rtol=1e-12)


def test_l1_has_no_derivative_at_zero_and_sign_zero_is_one_subgradient():
    """Review finding 4: the one-sided slopes of |e| at 0 are -1 and +1, so there is no derivative;
    l1_loss_grad gives numpy's sign(0) = 0, which lies in the subdifferential [-1, 1]."""
    h = 1e-9
    assert (abs(0.0) - abs(-h)) / h == pytest.approx(-1.0) and (abs(h) - abs(0.0)) / h == pytest.approx(1.0)
    g = l1_loss_grad([0.0], [0.0], "none")[0]
    assert g == 0.0 and -1.0 <= g <= 1.0


def test_large_errors_dominate_in_any_unit_not_because_of_the_crossing_at_one():
    """Review finding 1: every error below 1, and the large one still owns 0.9 of the sum of squares,
    the same share as one error of 3 among four of 0.5 (the ratio 6 is the same)."""
    small = np.array([0.05, 0.05, 0.05, 0.05, 0.3])
    big = np.array([0.5, 0.5, 0.5, 0.5, 3.0])
    assert np.all(small < 1) and np.all(l2_loss(small, np.zeros(5), "none") < small)   # every one shrinks
    share_small = 0.3 ** 2 / l2_loss(small, np.zeros(5), "sum")
    share_big = 3.0 ** 2 / l2_loss(big, np.zeros(5), "sum")
    assert share_small == pytest.approx(0.9) and share_big == pytest.approx(0.9)


def test_mse_can_exceed_mae_with_most_errors_below_one():
    """Review finding 6 (teacher's guide): the notebook's table has four of five errors below 1 and yet
    MSE 1.046 > MAE 0.82; MSE > MAE exactly when mean(d^2) > mean(|d|)."""
    target = np.array([2.0, 3.5, 1.0, 4.0, 2.5])
    pred = np.array([2.5, 3.0, 1.8, 6.0, 2.2])
    d = pred - target
    assert np.sum(np.abs(d) < 1) == 4
    assert mean_squared_error(target, pred) == pytest.approx(1.046)
    assert mean_absolute_error(target, pred) == pytest.approx(0.82)
    assert mse(pred, target) > mae(pred, target)
