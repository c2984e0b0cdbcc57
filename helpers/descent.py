"""Gradient descent on the course's objective J, step by step, with the three L1 step rules.

Introduced in notebook 04 (weight decay: the update rules, shrinkage,
divergence beyond the stable learning rate) and used again in notebook 05
(sparsity: the subgradient rule chatters around zero, "clip" and "proximal"
give exact zeros). J and its gradient: :mod:`helpers.penalties`; the exact
minimizers the runs converge to: :mod:`helpers.paths`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import (
    as_matrix,
    as_vector,
    choice,
    flag,
    float_if_scalar,
    nonnegative_values,
    positive_int,
    same_length,
    scalar,
)
from helpers.penalties import objective_rows, residuals

__all__ = ["L1_METHODS", "L1_RULES", "DIVERGENCE_FACTOR", "Trajectory", "gradient_descent", "stable_learning_rate"]

L1_METHODS = ("subgradient", "clip", "proximal")
# Every rule gradient_descent runs: the three above, and "clip_literal", a literal reading of
# "clip at zero" (no test at zero), kept to show why that is not enough.
L1_RULES = L1_METHODS + ("clip_literal",)

# A run counts as diverged once J exceeds this many times its starting value.
DIVERGENCE_FACTOR = 1e8


@dataclass(frozen=True, eq=False)
class Trajectory:
    """Every iterate of a ``gradient_descent`` run (or of many runs at once).

    Shapes, with S = steps: ``weights`` (S+1, p), ``intercepts`` and
    ``objective`` (S+1,) for scalar l1 and l2; with a leading axis of length
    n_values when either was an array. ``diverged`` / ``diverged_at`` are a
    bool and an int (or arrays (n_values,)): ``diverged_at`` is the first step
    whose iterate was rejected (J beyond 1e8 times its start, or not finite),
    -1 if none; from there on the run is frozen at its last accepted iterate.
    """

    weights: np.ndarray
    intercepts: np.ndarray
    objective: np.ndarray
    diverged: bool | np.ndarray
    diverged_at: int | np.ndarray
    l1: float | np.ndarray
    l2: float | np.ndarray
    lr: float
    l1_method: str
    fit_intercept: bool = True

    @property
    def steps(self) -> int:
        return self.weights.shape[-2] - 1

    @property
    def final_weights(self) -> np.ndarray:
        """Weights after the last step: (p,) or (n_values, p)."""
        return self.weights[..., -1, :]

    @property
    def final_intercept(self):
        """Intercept after the last step: float or (n_values,)."""
        return float_if_scalar(self.intercepts[..., -1])

    @property
    def final_objective(self):
        """J after the last step: float or (n_values,)."""
        return float_if_scalar(self.objective[..., -1])

    @property
    def exact_zero_counts(self) -> np.ndarray:
        """Number of weights exactly 0.0 at each iterate: same shape as ``intercepts``."""
        return np.count_nonzero(self.weights == 0.0, axis=-1)


def gradient_descent(X, y, *, lr, steps, l1=0.0, l2=0.0, l1_method="subgradient",
                     w0=None, b0=0.0, fit_intercept=True) -> Trajectory:
    """Full-batch gradient descent on J, returning every iterate (a ``Trajectory``).

    Each step, with g = dMSE/dw + 2*l2*w (the smooth part's gradient) at the
    current weights and sign(0) = 0:

    - ``"subgradient"`` (the notes' rule): w <- w - lr*(g + l1*sign(w)). A
      weight whose loss gradient near 0 is g_j with |g_j| < l1 never settles: it
      saw-tooths across 0, creeping toward 0 against the loss's pull in steps
      of lr*(l1 - |g_j|) and jumping back across it, the way -g_j points, by
      lr*(l1 + |g_j|). Its band lies mostly on the side -g_j points to; the
      swing is about lr*l1 either way, centred on 0, only when g_j is about 0.
      It is almost never exactly 0.
    - ``"clip_literal"`` (a literal reading of "clip at zero"): the same
      step, then any weight whose sign flipped (non-zero before, the other
      sign after) is set to exactly 0. A weight at 0 has sign 0, so its next
      step is -lr*g_j: it leaves 0 whenever the loss pulls on it at all, and
      is clipped back on the next crossing.
    - ``"clip"`` (clip with a test at zero): ``"clip_literal"`` plus a test at
      zero: a weight that is already 0 leaves only if |g_j| > l1, and then
      moves by
      -lr*(g_j - l1*sign(g_j)) (the subgradient of J of smallest size, the
      "pseudo-gradient" of OWL-QN, with the same sign-flip projection: Andrew
      and Gao 2007, "Scalable training of L1-regularized log-linear models",
      ICML; here with plain gradient steps). Its fixed points are exactly the
      lasso minimizers, while its path differs from ISTA's. With l1 = 0 this is
      plain gradient descent. Beyond the stable learning rate clipping zeroes
      the weights that flip sign, so an unstable run may cycle instead of
      blowing up (and is then not flagged as diverged).
    - ``"proximal"`` (ISTA): w <- soft_threshold(w - lr*g, lr*l1), i.e. the
      loss step first, then a step of lr*l1 toward 0 that stops at 0.

    What libraries run is closest to ``"proximal"``: TensorFlow Playground
    (nn.ts, updateWeights) and scikit-learn's SGDClassifier/SGDRegressor
    (sgd_fast l1penalty) take the loss step first and then an L1 step clipped
    at 0 relative to that intermediate weight. Clipping at zero goes back to
    Carpenter 2008 ("Lazy sparse stochastic gradient descent for regularized
    multinomial logistic regression", Alias-i); Langford, Li and Zhang 2009
    ("Sparse online learning via truncated gradient", JMLR) generalize it as
    the truncated gradient. Playground takes the L1 step's sign from the
    weight before the loss step and freezes a weight that was clipped
    ("isDead") for good; scikit-learn takes it from the intermediate weight
    and carries over the part of the penalty a clip cut off: the cumulative
    penalty of Tsuruoka, Tsujii and Ananiadou 2009 (ACL-IJCNLP), which
    Playground does not have. With the intermediate weight's sign and no
    carry-over, that step is exactly soft-thresholding.

    The bias takes plain gradient steps (it stays at ``b0`` if
    ``fit_intercept`` is False). ``l1`` and ``l2`` may be 1-D arrays (equal
    lengths, or one array and one scalar): all values run at once. A run whose
    J exceeds 1e8 times its start (or overflows) is frozen and flagged, see
    ``Trajectory``; no NaN, inf or overflow warning ever leaves this function.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    lr = scalar(lr, "lr", minimum=0.0, strict=True)
    steps = positive_int(steps, "steps")
    l1_in = nonnegative_values(l1, "l1")
    l2_in = nonnegative_values(l2, "l2")
    choice(l1_method, "l1_method", L1_RULES)
    fit_intercept = flag(fit_intercept, "fit_intercept")
    n, p = X.shape
    if w0 is None:
        w0 = np.zeros(p)
    else:
        w0 = as_vector(w0, "w0")
        if w0.shape[0] != p:
            raise ValueError(f"w0 must have one entry per feature ({p}); got {w0.shape[0]} entries")
    b0 = scalar(b0, "b0")
    l1v, l2v = _paired_values(l1_in, l2_in)
    many = l1_in.ndim == 1 or l2_in.ndim == 1

    V = l1v.shape[0]
    Ws = np.empty((V, steps + 1, p))
    Bs = np.empty((V, steps + 1))
    Js = np.empty((V, steps + 1))
    diverged_at = np.full(V, -1)
    l1c, two_l2c = l1v[:, None], 2.0 * l2v[:, None]
    XT = np.ascontiguousarray(X.T)
    w = np.tile(w0, (V, 1))
    b = np.full(V, b0)
    with np.errstate(all="ignore"):
        r = residuals(X, y, w, b)
        J = objective_rows(r, w, l1v, l2v)
        floor = np.finfo(float).eps ** 2 * max(float(np.mean(y * y)), np.finfo(float).tiny)
        limit = DIVERGENCE_FACTOR * np.maximum(J, floor)
        start_bad = ~(J <= limit)            # the start itself overflows
        J = np.where(start_bad, np.finfo(float).max, J)
        diverged_at[start_bad] = 0
        Ws[:, 0], Bs[:, 0], Js[:, 0] = w, b, J
        active = ~start_bad
        for t in range(1, steps + 1):
            if not active.any():
                Ws[:, t:], Bs[:, t:], Js[:, t:] = w[:, None], b[:, None], J[:, None]
                break
            g = r @ X
            g *= 2.0 / n
            g += two_l2c * w
            w_new = _l1_step(l1_method, w, g, lr, l1c)
            b_new = b - (2.0 * lr / n) * r.sum(axis=1) if fit_intercept else b
            r_new = w_new @ XT
            r_new += b_new[:, None]
            r_new -= y
            J_new = objective_rows(r_new, w_new, l1v, l2v)
            ok = J_new <= limit                  # False for NaN and inf too
            if ok.all():
                w, b, r, J = w_new, b_new, r_new, J_new
            else:
                diverged_at[active & ~ok] = t
                active &= ok
                w = np.where(active[:, None], w_new, w)
                b = np.where(active, b_new, b)
                r = np.where(active[:, None], r_new, r)
                J = np.where(active, J_new, J)
            Ws[:, t], Bs[:, t], Js[:, t] = w, b, J

    diverged = diverged_at >= 0
    if many:
        out = dict(weights=Ws, intercepts=Bs, objective=Js, diverged=diverged,
                   diverged_at=diverged_at, l1=l1v, l2=l2v)
    else:
        out = dict(weights=Ws[0], intercepts=Bs[0], objective=Js[0], diverged=bool(diverged[0]),
                   diverged_at=int(diverged_at[0]), l1=float(l1v[0]), l2=float(l2v[0]))
    for value in out.values():
        if isinstance(value, np.ndarray):
            value.flags.writeable = False
    return Trajectory(**out, lr=lr, l1_method=l1_method, fit_intercept=fit_intercept)


def _l1_step(method, w, g, lr, l1c):
    """One update of the weights (rows: runs) given the smooth gradient g.

    The result has no -0.0 (a weight put on zero is +0.0), so that a readout never shows "-0".
    """
    if method == "proximal":
        z = w - lr * g
        return np.sign(z) * np.maximum(np.abs(z) - lr * l1c, 0.0) + 0.0
    s = np.sign(w)
    moved = w - lr * (g + l1c * s)
    if method == "subgradient":
        return moved
    crossed = (moved * s < 0) & (l1c > 0)
    moved = np.where(crossed, 0.0, moved)
    if method == "clip_literal":
        return moved
    leave_zero = -lr * (g - np.clip(g, -l1c, l1c))
    return np.where(s == 0, leave_zero, moved) + 0.0


def stable_learning_rate(X, *, l2=0.0, fit_intercept=True):
    """The stable learning rate of gradient descent on MSE + l2*sum(w**2) (04_weight_decay).

    That is 2 / h_max, with h_max the largest eigenvalue of the Hessian
    2/n [X 1]^T [X 1] + 2*l2 (l2 on the weight block only; no column of ones
    when ``fit_intercept`` is False). Every rate 0 < lr < 2/h_max converges (there
    is no largest converging rate); at 2/h_max the iterates oscillate and beyond
    it they diverge, from almost every start (any start with a component along
    the top eigenvector). ``l2`` may be an array: one
    rate per value.
    """
    X = as_matrix(X, "X")
    l2v = nonnegative_values(l2, "l2")
    fit_intercept = flag(fit_intercept, "fit_intercept")
    n, p = X.shape
    A = np.hstack([X, np.ones((n, 1))]) if fit_intercept else X
    H = (2.0 / n) * (A.T @ A)
    ridge = np.zeros(A.shape[1])
    ridge[:p] = 1.0
    Hs = H + 2.0 * np.atleast_1d(l2v)[:, None, None] * np.diag(ridge)
    L = np.linalg.eigvalsh(Hs)[:, -1]
    with np.errstate(divide="ignore"):
        rate = np.where(L > 0, 2.0 / np.where(L > 0, L, 1.0), np.inf)
    return float(rate[0]) if l2v.ndim == 0 else rate


def _paired_values(l1, l2):
    """Broadcast l1 and l2 (each 0-d or 1-d) to two 1-D arrays of equal length."""
    if l1.ndim == 1 and l2.ndim == 1 and l1.shape != l2.shape:
        raise ValueError(f"l1 and l2 arrays must have the same length (or one be a scalar); "
                         f"got lengths {l1.shape[0]} and {l2.shape[0]}")
    V = max(np.atleast_1d(l1).shape[0], np.atleast_1d(l2).shape[0])
    return np.broadcast_to(l1, (V,)).astype(float), np.broadcast_to(l2, (V,)).astype(float)
