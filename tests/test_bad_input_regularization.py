"""Bad input to the regularization math (penalties, descent, paths, conventions): a ValueError naming the problem."""

from __future__ import annotations

import numpy as np
import pytest

from helpers import conventions, descent, paths, penalties

X = np.arange(12.0).reshape(6, 2) ** 1.5
Y = np.array([1.0, 2.0, 0.5, 3.0, 2.5, 4.0])


def gd(X=X, y=Y, **kw):
    """A valid gradient_descent call, with one argument spoiled by the test."""
    kw.setdefault("lr", 0.01)
    kw.setdefault("steps", 10)
    return descent.gradient_descent(X, y, **kw)


@pytest.mark.parametrize("call", [
    lambda: gd(l1=-0.1),
    lambda: gd(l1=np.array([0.1, -0.2])),
    lambda: paths.lasso_path(X, Y, [0.1, -1.0]),
    lambda: conventions.sklearn_lasso_alpha(-1.0),
], ids=["gd", "gd-array", "lasso_path", "sklearn_lasso_alpha"])
def test_negative_l1(call):
    with pytest.raises(ValueError, match=r"must be >= 0 .*negative value"):
        call()


@pytest.mark.parametrize("call", [
    lambda: gd(l2=-0.1),
    lambda: paths.ridge_path(X, Y, [-0.5, 1.0]),
    lambda: descent.stable_learning_rate(X, l2=-1.0),
    lambda: penalties.objective(X, Y, [0.0, 0.0], 0.0, l2=-1.0),
], ids=["gd", "ridge_path", "stable_learning_rate", "objective"])
def test_negative_l2(call):
    with pytest.raises(ValueError, match=r"l2.*(>= 0|at least 0)"):
        call()


@pytest.mark.parametrize("lr", [-0.1, 0.0])
def test_negative_or_zero_learning_rate(lr):
    with pytest.raises(ValueError, match=r"lr must be greater than 0"):
        gd(lr=lr)


def test_negative_threshold():
    with pytest.raises(ValueError, match=r"t must be >= 0"):
        penalties.soft_threshold([1.0, 2.0], -0.5)


@pytest.mark.parametrize("steps", [0, -5])
def test_zero_or_negative_steps(steps):
    with pytest.raises(ValueError, match=r"steps must be a positive integer"):
        gd(steps=steps)


@pytest.mark.parametrize("steps", [2.5, "10", True])
def test_non_integer_steps(steps):
    with pytest.raises(ValueError, match=r"steps must be a positive integer"):
        gd(steps=steps)


def test_unknown_l1_method():
    message = r"unknown l1_method 'ista'; expected one of 'subgradient', 'clip', 'proximal'"
    with pytest.raises(ValueError, match=message):
        gd(l1_method="ista")


@pytest.mark.parametrize("call", [
    lambda: gd(y=Y[:-1]),
    lambda: paths.ridge_path(X, Y[:4], [0.1]),
    lambda: paths.lasso_path(X, Y[:4], [0.1]),
    lambda: paths.lasso_knots(X, Y[:4]),
    lambda: penalties.objective(X, Y[:4], [0.0, 0.0]),
], ids=["gd", "ridge_path", "lasso_path", "lasso_knots", "objective"])
def test_mismatched_X_and_y(call):
    with pytest.raises(ValueError, match=r"X and y must have the same length; got 6 and"):
        call()


@pytest.mark.parametrize("call", [
    lambda: penalties.objective(X, Y, [1.0, 2.0, 3.0]),
    lambda: penalties.objective_grad(X, Y, [1.0]),
], ids=["objective", "objective_grad"])
def test_wrong_number_of_weights(call):
    with pytest.raises(ValueError, match=r"w must have one entry per feature \(2\)"):
        call()


def test_wrong_w0_length():
    with pytest.raises(ValueError, match=r"w0 must have one entry per feature \(2\); got 3 entries"):
        gd(w0=[0.0, 0.0, 0.0])


def test_broadcast_failure_in_soft_threshold():
    with pytest.raises(ValueError, match=r"does not broadcast"):
        penalties.soft_threshold(np.ones(3), np.ones(2))


@pytest.mark.parametrize("call,name", [
    (lambda: gd(X=np.where(X > 10, np.nan, X)), "X"),
    (lambda: gd(y=np.append(Y[:-1], np.nan)), "y"),
    (lambda: gd(w0=[np.nan, 0.0]), "w0"),
    (lambda: gd(l1=np.nan), "l1"),
    (lambda: paths.ridge_path(X, Y, [0.1, np.nan]), "l2_values"),
    (lambda: paths.lasso_path(X, Y, [np.nan]), "l1_values"),
    (lambda: penalties.soft_threshold([1.0, np.nan], 0.1), "w"),
    (lambda: penalties.l1_penalty([np.nan]), "w"),
], ids=["X", "y", "w0", "l1", "ridge", "lasso", "soft_threshold", "l1_penalty"])
def test_nan(call, name):
    with pytest.raises(ValueError, match=rf"{name} contains NaN values"):
        call()


def test_infinite_learning_rate():
    with pytest.raises(ValueError, match=r"lr must be a finite number"):
        gd(lr=np.inf)


@pytest.mark.parametrize("call,name", [
    (lambda: gd(X=np.empty((0, 2)), y=np.empty(0)), "X"),
    (lambda: penalties.l2_penalty([]), "w"),
    (lambda: paths.lasso_path(X, Y, []), "l1_values"),
    (lambda: paths.ridge_path(X, Y, []), "l2_values"),
    (lambda: penalties.soft_threshold([], 1.0), "w"),
], ids=["X", "l2_penalty", "lasso", "ridge", "soft_threshold"])
def test_empty(call, name):
    with pytest.raises(ValueError, match=rf"{name} is (an )?empty"):
        call()


def test_l1_and_l2_arrays_of_different_lengths():
    with pytest.raises(ValueError, match=r"l1 and l2 arrays must have the same length .*got lengths 3 and 2"):
        gd(l1=[0.1, 0.2, 0.3], l2=[0.1, 0.2])


def test_two_dimensional_penalty_values():
    with pytest.raises(ValueError, match=r"l1 must be a number or a 1-D array"):
        gd(l1=np.ones((2, 2)))


def test_non_positive_tolerance():
    with pytest.raises(ValueError, match=r"tol must be greater than 0"):
        paths.lasso_path(X, Y, [0.1], tol=0.0)


def test_non_positive_sample_count():
    with pytest.raises(ValueError, match=r"n_samples must be a positive integer"):
        conventions.sklearn_ridge_alpha(0.1, 0)


def test_fit_intercept_must_be_a_bool():
    with pytest.raises(ValueError, match=r"fit_intercept must be True or False"):
        gd(fit_intercept="yes")


def test_elastic_net_l2_values_of_the_wrong_length():
    with pytest.raises(ValueError, match=r"l2_values must be one number or one value per l1 value \(3\); got 2"):
        paths.elastic_net_path(X, Y, [0.1, 0.2, 0.3], [0.1, 0.2])


@pytest.mark.parametrize("call,message", [
    (lambda: paths.elastic_net_path(X, Y, [0.1], -0.5), r"l2_values must be >= 0"),
    (lambda: paths.elastic_net_path(X, Y, [0.1], [np.nan]), r"l2_values contains NaN"),
    (lambda: paths.elastic_net_path(X, Y, [-0.1], 0.5), r"l1_values must be >= 0"),
    (lambda: paths.elastic_net_path(X, Y[:4], [0.1], 0.5), r"X and y must have the same length"),
    (lambda: paths.elastic_net_path(X, Y, [0.1], 0.5, fit_intercept=1), r"fit_intercept must be True or False"),
], ids=["negative l2", "NaN l2", "negative l1", "lengths", "fit_intercept"])
def test_elastic_net_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("call,name", [
    (lambda: paths.lasso_path(X, Y, [0.1], max_sweeps=2.7), "max_sweeps"),
    (lambda: paths.lasso_path(X, Y, [0.1], max_sweeps=0), "max_sweeps"),
    (lambda: paths.elastic_net_path(X, Y, [0.1], 0.1, max_sweeps=True), "max_sweeps"),
    (lambda: paths.lasso_knots(X, Y, max_knots=2.7), "max_knots"),
    (lambda: conventions.sklearn_ridge_alpha(0.1, 2.7), "n_samples"),
], ids=["sweeps float", "sweeps zero", "sweeps bool", "knots float", "n_samples float"])
def test_solver_caps_and_counts_must_be_positive_integers(call, name):
    with pytest.raises(ValueError, match=rf"{name} must be a positive integer"):
        call()


@pytest.mark.parametrize("call", [
    lambda: conventions.sklearn_elastic_net_params(0.0, 0.0),
    lambda: conventions.sklearn_elastic_net_params(-1.0, 0.5),
    lambda: conventions.penalties_from_sklearn_elastic_net(1.0, 1.5),
    lambda: conventions.penalties_from_sklearn_elastic_net(-1.0, 0.5),
], ids=["both zero", "negative l1", "ratio above 1", "negative alpha"])
def test_elastic_net_conversion_bad_input(call):
    with pytest.raises(ValueError, match=r"l1|l2|alpha|l1_ratio"):
        call()
