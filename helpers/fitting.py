"""Exact L2, L1 and Huber fits of constants, lines and linear models.

Introduced in notebook 03_outlier_sensitivity. Each fit minimizes the mean of
its loss over the data (losses as in ``helpers.losses``):

- "l2": least squares, exactly (``numpy.linalg.lstsq`` or the closed form);
- "l1": least absolute deviations, to optimality (a linear program solved by
  SciPy's HiGHS, or for a small line fit an exact search over the lines through
  two data points); the minimizer may not be unique, one is returned;
- "huber": Huber loss with threshold ``delta`` (``helpers.losses.huber_loss``:
  (1/2) e^2 up to delta, so its pull is e clipped to delta), by Newton's method on the
  piecewise-quadratic objective from the L2 fit (IRLS steps where Newton's
  stall); usually ends on an exact stationary point, always with the gradient
  checked against a tight tolerance (else RuntimeError).

``fit_line`` is fast enough to refit on every mouse move of a drag.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy import sparse
from scipy.optimize import linprog

from helpers._checks import as_matrix, as_vector, choice, same_length, scalar
from helpers.losses import huber_loss, huber_loss_grad

__all__ = ["fit_linear", "fit_line", "fit_constant", "LOSSES"]

LOSSES = ("l2", "l1", "huber")

# Up to this many points, fit_line finds the L1 line by trying every line
# through two points (n^3 / 2 operations, vectorized); beyond it, a linear program.
_LAD_PAIRS_MAX_N = 60


def _options(loss, delta) -> tuple[str, float]:
    choice(loss, "loss", LOSSES)
    return loss, scalar(delta, "delta", minimum=0.0, strict=True)


def _centered(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns minus their means; a constant column becomes exactly zero."""
    mean = X.mean(axis=0)
    centered = X - mean
    centered[:, np.ptp(X, axis=0) == 0] = 0.0
    return centered, mean


def fit_linear(X, y, loss: str = "l2", delta=1.0, fit_intercept: bool = True) -> tuple[np.ndarray, float]:
    """Weights and intercept minimizing the mean loss of X @ coef + intercept against y.

    X has shape (n_samples, n_features) (a 1-D X is one feature); returns
    ``(coef, intercept)`` with coef of shape (n_features,); intercept is 0.0
    when ``fit_intercept`` is False. Rank-deficient least squares returns the
    minimum-norm solution.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    loss, delta = _options(loss, delta)
    if not isinstance(fit_intercept, (bool, np.bool_)):
        raise ValueError(f"fit_intercept must be True or False; got {fit_intercept!r}")
    n, k = X.shape
    if fit_intercept:
        centered, mean = _centered(X)
        design = np.hstack([centered, np.ones((n, 1))])
    else:
        design = X
    if loss == "l1":
        beta = _least_absolute_deviations(design, y)
    else:
        beta = _least_squares(design, y)
        if loss == "huber":
            beta = _huber_minimize(design, y, delta, beta, lambda: _least_absolute_deviations(design, y))
    coef = beta[:k].copy()
    intercept = float(beta[k] - mean @ coef) if fit_intercept else 0.0
    return coef, intercept


def fit_line(x, y, loss: str = "l2", delta=1.0) -> tuple[float, float]:
    """Slope and intercept of the line y ~ slope * x + intercept minimizing the mean loss.

    If all x are equal the slope is 0 and the intercept is ``fit_constant(y, loss)``.
    """
    x = as_vector(x, "x")
    y = as_vector(y, "y")
    same_length(x, y, "x", "y")
    loss, delta = _options(loss, delta)
    if np.ptp(x) == 0:
        return 0.0, fit_constant(y, loss, delta)
    # Work with x - mean(x): the line is level + slope * (x - mean(x)).
    x_mean, y_mean = x.mean(), y.mean()
    xc = x - x_mean
    spread = np.abs(xc).max()
    u = xc / spread
    with np.errstate(over="ignore"):
        slope, level = (u @ (y - y_mean)) / (u @ u) / spread, y_mean
    if not np.isfinite(slope):
        raise ValueError(
            f"x values are too close together (spread {np.ptp(x):g}) for a finite slope; "
            "expected x values that differ measurably"
        )
    if loss == "l1" and x.size <= _LAD_PAIRS_MAX_N:
        return _lad_line_through_pairs(x, y)
    design = np.column_stack([xc, np.ones_like(x)])

    def l1_fit():
        if x.size <= _LAD_PAIRS_MAX_N:
            l1_slope, l1_intercept = _lad_line_through_pairs(x, y)
            return np.array([l1_slope, l1_intercept + l1_slope * x_mean])
        return _least_absolute_deviations(design, y)

    if loss == "l1":
        slope, level = l1_fit()
    elif loss == "huber":
        slope, level = _huber_minimize(design, y, delta, np.array([slope, level]), l1_fit)
    return float(slope), float(level - slope * x_mean)


def fit_constant(y, loss: str = "l2", delta=1.0) -> float:
    """The constant c minimizing the mean loss of c against y.

    l2: the mean; l1: the median (for even n, the midpoint of the two middle
    values, one of many minimizers); huber: Huber's location estimate, often
    but not always between the median and the mean.
    """
    y = as_vector(y, "y")
    loss, delta = _options(loss, delta)
    if loss == "l2":
        return float(y.mean())
    if loss == "l1":
        return float(np.median(y))
    ones = np.ones((y.size, 1))
    return float(_huber_minimize(ones, y, delta, np.array([y.mean()]), lambda: np.array([np.median(y)]))[0])


# --- solvers on a design matrix A (intercept, if any, already a column) ---------


def _least_squares(A: np.ndarray, y: np.ndarray) -> np.ndarray:
    return np.linalg.lstsq(A, y, rcond=None)[0]


def _least_absolute_deviations(A: np.ndarray, y: np.ndarray) -> np.ndarray:
    """min_b sum |A b - y| as the LP  min sum(u + v)  s.t.  A b + u - v = y,  u, v >= 0."""
    n, k = A.shape
    cost = np.concatenate([np.zeros(k), np.ones(2 * n)])
    identity = sparse.identity(n, format="csr")
    constraints = sparse.hstack([sparse.csr_matrix(A), identity, -identity], format="csr")
    bounds = [(None, None)] * k + [(0.0, None)] * (2 * n)
    result = linprog(cost, A_eq=constraints, b_eq=y, bounds=bounds, method="highs")
    if result.status != 0:
        raise RuntimeError(f"the L1 fit (linear program) failed: {result.message}")
    return result.x[:k]


@lru_cache(maxsize=64)
def _pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.triu_indices(n, 1)


def _lad_line_through_pairs(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Exact L1 line for small n: some minimizer passes through two points with different x."""
    i, j = _pairs(x.size)
    dx = x[j] - x[i]
    keep = dx != 0
    i, j, dx = i[keep], j[keep], dx[keep]
    slopes = (y[j] - y[i]) / dx
    intercepts = y[i] - slopes * x[i]
    totals = np.abs(y - intercepts[:, None] - slopes[:, None] * x).sum(axis=1)
    totals[~np.isfinite(totals)] = np.inf  # a pair too close in x to give a finite line
    best = int(np.argmin(totals))
    return float(slopes[best]), float(intercepts[best])


def _huber_total(A: np.ndarray, y: np.ndarray, delta: float, beta: np.ndarray) -> float:
    """Sum of the Huber losses of the residuals (the formula lives once, in helpers.losses)."""
    return huber_loss(A @ beta, y, delta=delta, reduction="sum")


def _huber_minimize(A: np.ndarray, y: np.ndarray, delta: float, start: np.ndarray,
                    lad_start=None, max_steps: int = 2000) -> np.ndarray:
    """Minimize sum huber_delta(A b - y), from ``start`` (the L2 fit).

    If fewer than k residuals lie inside [-delta, delta] at the start, the L1
    fit ``lad_start()`` (which has k zero residuals) is tried as a start too.
    Then Newton steps on the current quadratic piece (residuals inside
    [-delta, delta] count quadratically, the rest linearly) with backtracking,
    and an IRLS step (majorize-minimize: always descends) when a Newton step
    makes little progress. A full Newton step that stays on its piece lands on
    the minimizer.
    """
    n, k = A.shape
    column_norm = np.linalg.norm(A, axis=0)
    column_norm[column_norm == 0] = 1.0
    A = A / column_norm  # unit columns: conditioning reflects collinearity, not units
    beta = np.asarray(start, dtype=float) * column_norm
    # Gradient small against delta, or at the round-off level of the residuals.
    gtol = np.sqrt(n) * (1e-12 * delta + 1e3 * np.finfo(float).eps * float(np.abs(y).max()))
    if lad_start is not None and np.count_nonzero(np.abs(A @ beta - y) <= delta) < k:
        other = np.asarray(lad_start(), dtype=float) * column_norm
        if _huber_total(A, y, delta, other) < _huber_total(A, y, delta, beta):
            beta = other
    for _ in range(max_steps):
        r = A @ beta - y
        inside = np.abs(r) <= delta
        gradient = A.T @ huber_loss_grad(A @ beta, y, delta=delta, reduction="none")
        if np.max(np.abs(gradient)) <= gtol:
            break
        step, exact = _newton_step(A[inside], gradient)
        if step is not None:
            trial = beta + step
            r_trial = A @ trial - y
            if exact and np.array_equal(np.abs(r_trial) <= delta, inside) and np.array_equal(
                np.sign(r_trial[~inside]), np.sign(r[~inside])
            ):
                beta = trial  # the stationary point of a piece it lies on: the minimizer
                break
            step = _backtrack(A, y, delta, beta, step, gradient)
        if step is None:
            weight = np.sqrt(delta / np.maximum(np.abs(r), delta))
            beta = np.linalg.lstsq(A * weight[:, None], y * weight, rcond=None)[0]
        else:
            beta = beta + step
    else:
        if np.max(np.abs(A.T @ huber_loss_grad(A @ beta, y, delta=delta, reduction="none"))) > 1e3 * gtol:
            raise RuntimeError("the Huber fit did not converge; try rescaling the data or a larger delta")
    return beta / column_norm


def _newton_step(inner: np.ndarray, gradient: np.ndarray):
    """Newton step on the current piece, if its Hessian is well conditioned."""
    hessian = inner.T @ inner
    eigenvalues = np.linalg.eigvalsh(hessian)
    if eigenvalues[0] > 1e-12 * eigenvalues[-1]:
        return np.linalg.solve(hessian, -gradient), True
    return None, False  # a flat piece: leave the step to IRLS


def _backtrack(A, y, delta, beta, step, gradient, halvings: int = 10):
    """step * 2^-j for the first j < halvings giving enough decrease (Armijo), or None."""
    current = _huber_total(A, y, delta, beta)
    slope = float(gradient @ step)
    if not slope < 0:
        return None
    t = 1.0
    for _ in range(halvings):
        if _huber_total(A, y, delta, beta + t * step) <= current + 1e-4 * t * slope:
            return t * step
        t *= 0.5
    return None
