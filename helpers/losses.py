"""Losses between a prediction vector and a target vector, and their gradients.

Introduced in notebook 02_loss (Huber included; notebook 03 fits with them). Conventions
follow PyTorch: ``reduction`` is "mean" (default), "sum" or "none"; the error is
e = pred - target. Gradients are with respect to ``pred``; with "none" they are
the derivative of each element's own loss. sign(0) = 0.

Huber here is Huber's (1964), which PyTorch's HuberLoss follows: (1/2) e^2 up to delta,
so inside delta it is half of the course's L2 term e^2. The 1/2 is a scaling convention,
not what makes it smooth (twice Huber, e^2 and 2 delta |e| - delta^2, is just as smooth):
it gives slope e near 0, so the gradient is e clipped to [-delta, delta]. Given the 1/2,
the linear part must be delta (|e| - delta/2) to join with the same value and slope at
|e| = delta. sign(0) = 0 (numpy's) is one valid subgradient of |e| at 0, which has no
derivative there.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_vector, choice, same_shape, scalar

__all__ = [
    "l1_loss",
    "l2_loss",
    "huber_loss",
    "mae",
    "mse",
    "rmse",
    "l1_loss_grad",
    "l2_loss_grad",
    "huber_loss_grad",
    "rmse_grad",
]

REDUCTIONS = ("mean", "sum", "none")


def _error(pred, target) -> np.ndarray:
    """e = pred - target for two checked vectors of the same shape."""
    p = as_vector(pred, "pred")
    t = as_vector(target, "target")
    same_shape(p, t, "pred", "target")
    return p - t


def _reduce(values: np.ndarray, reduction: str, *, gradient: bool = False):
    """Mean / sum / none of per-element values; for a gradient, "mean" divides by n."""
    choice(reduction, "reduction", REDUCTIONS)
    if reduction == "none":
        return values
    if gradient:
        return values / values.size if reduction == "mean" else values
    return float(values.mean() if reduction == "mean" else values.sum())


def _delta(delta) -> float:
    return scalar(delta, "delta", minimum=0.0, strict=True)


def l1_loss(pred, target, reduction: str = "mean"):
    """|pred - target| per element; "mean" is the MAE, "sum" is ||pred - target||_1."""
    return _reduce(np.abs(_error(pred, target)), reduction)


def l2_loss(pred, target, reduction: str = "mean"):
    """(pred - target)^2 per element; "mean" is the MSE, "sum" is ||pred - target||_2^2."""
    e = _error(pred, target)
    return _reduce(e * e, reduction)


def huber_loss(pred, target, delta=1.0, reduction: str = "mean"):
    """Huber loss (PyTorch's HuberLoss): 0.5 e^2 for |e| <= delta, delta (|e| - delta/2) beyond."""
    delta = _delta(delta)
    size = np.abs(_error(pred, target))
    values = np.where(size <= delta, 0.5 * size * size, delta * (size - 0.5 * delta))
    return _reduce(values, reduction)


def mae(pred, target) -> float:
    """Mean absolute error, ||pred - target||_1 / n."""
    return l1_loss(pred, target, "mean")


def mse(pred, target) -> float:
    """Mean squared error, ||pred - target||_2^2 / n."""
    return l2_loss(pred, target, "mean")


def rmse(pred, target) -> float:
    """Root mean squared error, ||pred - target||_2 / sqrt(n)."""
    return float(np.sqrt(mse(pred, target)))


def l1_loss_grad(pred, target, reduction: str = "mean") -> np.ndarray:
    """Gradient of ``l1_loss`` with respect to pred: sign(e) (/ n for "mean"), sign(0) = 0."""
    return _reduce(np.sign(_error(pred, target)), reduction, gradient=True)


def l2_loss_grad(pred, target, reduction: str = "mean") -> np.ndarray:
    """Gradient of ``l2_loss`` with respect to pred: 2 e (/ n for "mean")."""
    return _reduce(2.0 * _error(pred, target), reduction, gradient=True)


def huber_loss_grad(pred, target, delta=1.0, reduction: str = "mean") -> np.ndarray:
    """Gradient of ``huber_loss`` with respect to pred: e clipped to [-delta, delta] (/ n for "mean")."""
    delta = _delta(delta)
    return _reduce(np.clip(_error(pred, target), -delta, delta), reduction, gradient=True)


def rmse_grad(pred, target) -> np.ndarray:
    """Gradient of ``rmse`` with respect to pred: e / (n * RMSE).

    RMSE = ||e||_2 / sqrt(n) is not differentiable where every error is 0 (it is a norm,
    with a corner at 0); there this returns 0, which is a subgradient (0 is the minimum).
    """
    e = _error(pred, target)
    largest = float(np.max(np.abs(e)))
    if largest == 0.0:
        return np.zeros_like(e)
    scaled = e / largest          # e / (n RMSE) is unchanged by scaling e; this avoids overflow in e^2
    return scaled / (e.size * float(np.sqrt(np.mean(scaled * scaled))))
