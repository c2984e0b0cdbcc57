"""Bad input to helpers.norms, helpers.losses and helpers.fitting: ValueError naming the problem."""

import math

import numpy as np
import pytest

from helpers import fitting, losses, norms

GOOD = [1.0, -2.0, 3.0]
X_GOOD = [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]


def vector_calls(v):
    """Every public function called with ``v`` where a vector is expected (others good)."""
    return {
        "l1_norm": lambda: norms.l1_norm(v),
        "l2_norm": lambda: norms.l2_norm(v),
        "linf_norm": lambda: norms.linf_norm(v),
        "lp_norm": lambda: norms.lp_norm(v, 3),
        "l0_count": lambda: norms.l0_count(v),
        "triangle_gap": lambda: norms.triangle_gap(GOOD, v, 2),
        "l1_loss": lambda: losses.l1_loss(v, GOOD),
        "l2_loss": lambda: losses.l2_loss(GOOD, v),
        "huber_loss": lambda: losses.huber_loss(v, GOOD),
        "mae": lambda: losses.mae(v, GOOD),
        "mse": lambda: losses.mse(GOOD, v),
        "rmse": lambda: losses.rmse(v, GOOD),
        "l1_loss_grad": lambda: losses.l1_loss_grad(v, GOOD),
        "l2_loss_grad": lambda: losses.l2_loss_grad(GOOD, v),
        "huber_loss_grad": lambda: losses.huber_loss_grad(v, GOOD),
        "fit_linear y": lambda: fitting.fit_linear(X_GOOD, v),
        "fit_line x": lambda: fitting.fit_line(v, GOOD),
        "fit_line y": lambda: fitting.fit_line(GOOD, v),
        "fit_constant": lambda: fitting.fit_constant(v),
    }


def each(calls):
    return pytest.mark.parametrize("call", list(calls.values()), ids=list(calls))


@each(vector_calls([[1.0, 2.0], [3.0, 4.0]]))
def test_matrix_where_a_vector_is_expected(call):
    with pytest.raises(ValueError, match=r"must be a 1-D array \(a vector\); got an array of shape \(2, 2\)"):
        call()


@each({**vector_calls([]), "fit_linear X": lambda: fitting.fit_linear(np.empty((0, 2)), [])})
def test_empty_input(call):
    with pytest.raises(ValueError, match=r"is empty"):
        call()


@each({**vector_calls([1.0, math.nan, 3.0]), "fit_linear X": lambda: fitting.fit_linear([[1.0], [math.nan]], [1, 2])})
def test_nan_values(call):
    with pytest.raises(ValueError, match=r"contains NaN values; expected finite numbers"):
        call()


@each({**vector_calls([1.0, math.inf, 3.0]), "fit_linear X": lambda: fitting.fit_linear([[1.0], [-math.inf]], [1, 2])})
def test_infinite_values(call):
    with pytest.raises(ValueError, match=r"contains infinite values; expected finite numbers"):
        call()


@each(vector_calls(["a", "b", "c"]))
def test_text_instead_of_numbers(call):
    with pytest.raises(ValueError, match=r"array of numbers; could not convert"):
        call()


@each({
    "triangle_gap": lambda: norms.triangle_gap([1.0, 2.0], GOOD, 1),
    "l1_loss": lambda: losses.l1_loss([1.0, 2.0], GOOD),
    "l2_loss_grad": lambda: losses.l2_loss_grad([1.0, 2.0], GOOD, "sum"),
    "huber_loss": lambda: losses.huber_loss(GOOD, [1.0, 2.0]),
    "rmse": lambda: losses.rmse(GOOD, [1.0]),
    "fit_linear": lambda: fitting.fit_linear(X_GOOD, [1.0, 2.0]),
    "fit_line": lambda: fitting.fit_line([1.0, 2.0], GOOD, "l1"),
})
def test_mismatched_lengths(call):
    with pytest.raises(ValueError, match=r"must have the same (shape|length); got"):
        call()


def test_three_dimensional_design_matrix():
    with pytest.raises(ValueError, match=r"X must be a 2-D array \(samples x features\)"):
        fitting.fit_linear(np.ones((3, 2, 2)), GOOD)


@pytest.mark.parametrize("p", [0, -1, -math.inf])
@pytest.mark.parametrize("call", [
    lambda p: norms.lp_norm(GOOD, p),
    lambda p: norms.unit_ball(p),
    lambda p: norms.triangle_gap(GOOD, GOOD, p),
], ids=["lp_norm", "unit_ball", "triangle_gap"])
def test_order_p_not_positive(call, p):
    with pytest.raises(ValueError, match=r"p must be greater than 0"):
        call(p)


@pytest.mark.parametrize("p", [math.nan, "2", None])
def test_order_p_not_a_number(p):
    with pytest.raises(ValueError, match=r"p must be (a real|a finite) number"):
        norms.lp_norm(GOOD, p)


def test_negative_tolerance():
    with pytest.raises(ValueError, match=r"tol must be at least 0"):
        norms.l0_count(GOOD, tol=-0.1)


@pytest.mark.parametrize("num", [8, 0, 100.0, True, "400"])
def test_unit_ball_point_count(num):
    with pytest.raises(ValueError, match=r"num must be an integer >= 9"):
        norms.unit_ball(2, num)


@pytest.mark.parametrize("delta", [-1.0, 0.0])
@each({
    "huber_loss": lambda d: losses.huber_loss(GOOD, GOOD, delta=d),
    "huber_loss_grad": lambda d: losses.huber_loss_grad(GOOD, GOOD, delta=d),
    "fit_linear": lambda d: fitting.fit_linear(X_GOOD, GOOD, "huber", delta=d),
    "fit_line": lambda d: fitting.fit_line(GOOD, GOOD, "huber", delta=d),
    "fit_constant": lambda d: fitting.fit_constant(GOOD, "huber", delta=d),
})
def test_delta_not_positive(call, delta):
    with pytest.raises(ValueError, match=r"delta must be greater than 0"):
        call(delta)


@each({
    "l1_loss": lambda: losses.l1_loss(GOOD, GOOD, reduction="average"),
    "l2_loss": lambda: losses.l2_loss(GOOD, GOOD, reduction="MEAN"),
    "huber_loss": lambda: losses.huber_loss(GOOD, GOOD, reduction=None),
    "l1_loss_grad": lambda: losses.l1_loss_grad(GOOD, GOOD, reduction="avg"),
    "l2_loss_grad": lambda: losses.l2_loss_grad(GOOD, GOOD, reduction="total"),
    "huber_loss_grad": lambda: losses.huber_loss_grad(GOOD, GOOD, reduction="elementwise"),
})
def test_unknown_reduction(call):
    with pytest.raises(ValueError, match=r"unknown reduction .*; expected one of 'mean', 'sum', 'none'"):
        call()


@each({
    "fit_linear": lambda: fitting.fit_linear(X_GOOD, GOOD, loss="mse"),
    "fit_line": lambda: fitting.fit_line(GOOD, GOOD, loss="L1"),
    "fit_constant": lambda: fitting.fit_constant(GOOD, loss="median"),
})
def test_unknown_loss(call):
    with pytest.raises(ValueError, match=r"unknown loss .*; expected one of 'l2', 'l1', 'huber'"):
        call()


@pytest.mark.parametrize("flag", [1, "yes", None])
def test_fit_intercept_not_boolean(flag):
    with pytest.raises(ValueError, match=r"fit_intercept must be True or False"):
        fitting.fit_linear(X_GOOD, GOOD, fit_intercept=flag)


def test_x_values_too_close_for_a_slope():
    with pytest.raises(ValueError, match=r"x values are too close together"):
        fitting.fit_line([0.0, 5e-324], [0.0, 1e300])
