"""The L1 and L2 penalties, their gradients, soft-thresholding and the course's objective J.

Introduced in notebook 04 (weight decay) and used again in notebook 05
(sparsity). The course's objective, bias ``b`` not penalized, sign(0) = 0:

    J(w, b) = MSE(Xw + b, y) + l2 * sum(w**2) + l1 * sum(|w|)

Minimizing J: :mod:`helpers.descent` (gradient descent, step by step) and
:mod:`helpers.paths` (the exact minimizers). Other libraries' constants for
l1 and l2: :mod:`helpers.conventions`.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import (
    as_matrix,
    as_vector,
    finite_array,
    float_if_scalar,
    same_length,
    scalar,
)

__all__ = [
    "l1_penalty", "l2_penalty", "l1_penalty_grad", "l2_penalty_grad", "soft_threshold",
    "objective", "objective_grad",
]


def l1_penalty(w) -> float:
    """sum(|w|): the L1 penalty of one weight vector."""
    return float(np.sum(np.abs(as_vector(w, "w"))))


def l2_penalty(w) -> float:
    """sum(w**2): the (squared) L2 penalty of one weight vector."""
    w = as_vector(w, "w")
    return float(w @ w)


def l1_penalty_grad(w) -> np.ndarray:
    """sign(w), the (sub)gradient of sum(|w|); sign(0) = 0 as in numpy."""
    return np.sign(as_vector(w, "w"))


def l2_penalty_grad(w) -> np.ndarray:
    """2w, the gradient of sum(w**2)."""
    return 2.0 * as_vector(w, "w")


def soft_threshold(w, t):
    """sign(w) * max(|w| - t, 0): the proximal step of t*|.|.

    It is the z minimizing 0.5*(z - w)**2 + t*|z|, elementwise. ``w`` may have
    any shape; ``t >= 0`` is a scalar or broadcasts against ``w``.
    """
    w = finite_array(w, "w")
    t = finite_array(t, "t")
    if np.any(t < 0):
        raise ValueError(f"t must be >= 0 (a threshold); got a negative value {t.min():g}")
    try:
        out = np.sign(w) * np.maximum(np.abs(w) - t, 0.0)
    except ValueError:
        raise ValueError(f"t of shape {t.shape} does not broadcast against w of shape {w.shape}") from None
    return float_if_scalar(out)


def objective(X, y, w, b=0.0, *, l1=0.0, l2=0.0):
    """J(w, b) = MSE(Xw + b, y) + l2*sum(w**2) + l1*sum(|w|).

    ``w`` is one weight vector (n_features,) giving a float, or a stack
    (m, n_features) with ``b`` scalar or (m,), giving an array (m,): handy
    for contour plots.
    """
    X, y, W, B, single = _objective_inputs(X, y, w, b)
    l1 = scalar(l1, "l1", minimum=0.0)
    l2 = scalar(l2, "l2", minimum=0.0)
    with np.errstate(all="ignore"):
        J = objective_rows(residuals(X, y, W, B), W, l1, l2)
    return float(J[0]) if single else J


def objective_grad(X, y, w, b=0.0, *, l1=0.0, l2=0.0):
    """(dJ/dw, dJ/db), taking the subgradient sign(w) (sign(0) = 0) for the L1 part.

    Shapes follow ``w``: (n_features,) and a float, or (m, n_features) and (m,).
    """
    X, y, W, B, single = _objective_inputs(X, y, w, b)
    l1 = scalar(l1, "l1", minimum=0.0)
    l2 = scalar(l2, "l2", minimum=0.0)
    n = X.shape[0]
    with np.errstate(all="ignore"):
        R = residuals(X, y, W, B)
        gw = (2.0 / n) * (R @ X) + 2.0 * l2 * W + l1 * np.sign(W)
        gb = (2.0 / n) * R.sum(axis=1)
    return (gw[0], float(gb[0])) if single else (gw, gb)


# --------------------------------------------------------------------------- shared with helpers.descent
# (checked inputs only: no validation here)

def residuals(X, y, W, B):
    """Residuals Xw + b - y for each row of W: shape (m, n)."""
    return W @ X.T + B[:, None] - y


def objective_rows(R, W, l1, l2):
    """J for each row: residuals R (m, n), weights W (m, p), l1 and l2 scalars or (m,)."""
    J = np.einsum("ij,ij->i", R, R) / R.shape[1]
    if np.any(l2):
        J += l2 * np.einsum("ij,ij->i", W, W)
    if np.any(l1):
        J += l1 * np.abs(W).sum(axis=1)
    return J


def _objective_inputs(X, y, w, b):
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    W = finite_array(w, "w")
    single = W.ndim <= 1
    W = np.atleast_2d(W)
    if W.ndim != 2 or W.shape[1] != X.shape[1]:
        raise ValueError(f"w must have one entry per feature ({X.shape[1]}), as (n_features,) or "
                         f"(m, n_features); got shape {np.shape(w)}")
    B = finite_array(b, "b")
    if B.ndim == 0 or (single and B.size == 1):
        B = np.full(W.shape[0], float(B.reshape(-1)[0]))
    elif B.shape != (W.shape[0],):
        raise ValueError(f"b must be a number or one value per row of w ({W.shape[0]}); got shape {B.shape}")
    return X, y, W, B, single
