"""Weight decay: L1/L2 penalties, gradient descent with them, exact paths.

Introduced in notebook 04 (weight decay) and used again in notebook 05
(sparsity). The course's objective, bias ``b`` not penalized, sign(0) = 0:

    J(w, b) = MSE(Xw + b, y) + l2 * sum(w**2) + l1 * sum(|w|)

``gradient_descent`` runs the notes' update rules (and the two that give exact
zeros); ``ridge_path`` and ``lasso_path`` give the exact minimizers to compare
with. Converters to scikit-learn's lambda conventions close the module.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from helpers._checks import _check_finite, as_matrix, as_vector, choice, nonnegative_values, same_length, scalar

__all__ = [
    "l1_penalty", "l2_penalty", "l1_penalty_grad", "l2_penalty_grad", "soft_threshold",
    "objective", "objective_grad", "stable_learning_rate",
    "L1_METHODS", "Trajectory", "gradient_descent",
    "ridge_path", "LassoKnots", "lasso_knots", "lasso_path",
    "sklearn_lasso_alpha", "sklearn_ridge_alpha",
    "l1_from_sklearn_lasso_alpha", "l2_from_sklearn_ridge_alpha",
]

L1_METHODS = ("subgradient", "clip", "proximal")

# A run counts as diverged once J exceeds this many times its starting value.
DIVERGENCE_FACTOR = 1e8


# --------------------------------------------------------------------------- penalties

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
    w = _finite_array(w, "w")
    t = _finite_array(t, "t")
    if np.any(t < 0):
        raise ValueError(f"t must be >= 0 (a threshold); got a negative value {t.min():g}")
    try:
        out = np.sign(w) * np.maximum(np.abs(w) - t, 0.0)
    except ValueError:
        raise ValueError(f"t of shape {t.shape} does not broadcast against w of shape {w.shape}") from None
    return _float_if_scalar(out)


# --------------------------------------------------------------------------- objective

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
        J = _objective_rows(_residuals(X, y, W, B), W, l1, l2)
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
        R = _residuals(X, y, W, B)
        gw = (2.0 / n) * (R @ X) + 2.0 * l2 * W + l1 * np.sign(W)
        gb = (2.0 / n) * R.sum(axis=1)
    return (gw[0], float(gb[0])) if single else (gw, gb)


def stable_learning_rate(X, *, l2=0.0, fit_intercept=True):
    """Largest learning rate for which gradient descent on MSE + l2*sum(w**2) converges.

    That is 2 / L, with L the largest eigenvalue of the Hessian
    2/n [X 1]^T [X 1] + 2*l2 (l2 on the weight block only; no column of ones
    when ``fit_intercept`` is False). Exactly at 2/L the iterates oscillate
    without converging; beyond it they diverge. ``l2`` may be an array: one
    rate per value.
    """
    X = as_matrix(X, "X")
    l2v = nonnegative_values(l2, "l2")
    fit_intercept = _flag(fit_intercept, "fit_intercept")
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


# --------------------------------------------------------------------------- gradient descent

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
        return _float_if_scalar(self.intercepts[..., -1])

    @property
    def final_objective(self):
        """J after the last step: float or (n_values,)."""
        return _float_if_scalar(self.objective[..., -1])

    @property
    def exact_zero_counts(self) -> np.ndarray:
        """Number of weights exactly 0.0 at each iterate: same shape as ``intercepts``."""
        return np.count_nonzero(self.weights == 0.0, axis=-1)


def gradient_descent(X, y, *, lr, steps, l1=0.0, l2=0.0, l1_method="subgradient",
                     w0=None, b0=0.0, fit_intercept=True) -> Trajectory:
    """Full-batch gradient descent on J, returning every iterate (a ``Trajectory``).

    Each step, with g = dMSE/dw + 2*l2*w (the smooth part's gradient):

    - ``"subgradient"`` (the notes' rule): w <- w - lr*(g + l1*sign(w)).
      A useless weight chatters around 0 (amplitude about lr*l1), never exactly 0.
    - ``"clip"``: the same step, then any non-zero weight whose sign flipped
      is set to exactly 0; a weight that is already 0 leaves 0 only if
      |g_j| > l1, moving by -lr*(g_j - l1*sign(g_j)) (the minimum-norm
      subgradient, the "pseudo-gradient" of OWL-QN: Andrew and Gao 2007,
      "Scalable training of L1-regularized log-linear models", ICML).
      Clipping at zero is what TensorFlow Playground does (nn.ts,
      updateWeights: "The weight crossed 0 due to the regularization term.
      Set it to 0.") and scikit-learn's SGDClassifier/SGDRegressor
      (sgd_fast l1penalty, the truncated cumulative penalty of Tsuruoka,
      Tsujii and Ananiadou 2009). Both apply the L1 step after the loss step
      and clip relative to that intermediate weight (which alone would be
      exactly soft-thresholding); Playground then freezes the weight at 0 for
      good, scikit-learn accumulates the penalty. Here the sign is compared
      with the weight before the whole step, so fixed points are exactly the
      lasso minimizers while the path differs from ISTA. With l1 = 0 this is
      plain gradient descent (nothing is clipped). Beyond the stable learning
      rate, clipping zeroes the weights that flip sign, so an unstable run may
      cycle instead of blowing up (and then is not flagged as diverged).
    - ``"proximal"`` (ISTA): w <- soft_threshold(w - lr*g, lr*l1).

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
    steps = _positive_int(steps, "steps")
    l1_in = nonnegative_values(l1, "l1")
    l2_in = nonnegative_values(l2, "l2")
    choice(l1_method, "l1_method", L1_METHODS)
    fit_intercept = _flag(fit_intercept, "fit_intercept")
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
        r = _residuals(X, y, w, b)
        J = _objective_rows(r, w, l1v, l2v)
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
            J_new = _objective_rows(r_new, w_new, l1v, l2v)
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
    """One update of the weights (rows: runs) given the smooth gradient g."""
    if method == "proximal":
        z = w - lr * g
        return np.sign(z) * np.maximum(np.abs(z) - lr * l1c, 0.0)
    s = np.sign(w)
    moved = w - lr * (g + l1c * s)
    if method == "subgradient":
        return moved
    crossed = (moved * s < 0) & (l1c > 0)
    moved = np.where(crossed, 0.0, moved)
    leave_zero = -lr * (g - np.clip(g, -l1c, l1c))
    return np.where(s == 0, leave_zero, moved)


# --------------------------------------------------------------------------- ridge path

def ridge_path(X, y, l2_values, *, fit_intercept=True):
    """Exact ridge minimizers of J (l1 = 0) for every value in ``l2_values``.

    Returns ``(coefs, intercepts)`` of shapes (n_values, n_features) and
    (n_values,). One SVD of the centered X = U S V^T gives all values at once:
    w = V diag(s / (s**2 + n*l2)) U^T y_c (the minimum-norm least-squares
    solution at l2 = 0). The intercept, unpenalized, is mean(y) - mean(X) w.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    l2 = np.atleast_1d(nonnegative_values(l2_values, "l2_values"))
    fit_intercept = _flag(fit_intercept, "fit_intercept")
    n, p = X.shape
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    keep = s > (s[0] if s.size else 0.0) * max(n, p) * np.finfo(float).eps
    denom = s**2 + n * l2[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        shrink = np.where(keep | (l2[:, None] > 0), s / denom, 0.0)
    shrink = np.where(denom > 0, shrink, 0.0)
    coefs = (shrink * (U.T @ yc)) @ Vt
    return coefs, y_mean - coefs @ x_mean


# --------------------------------------------------------------------------- lasso path

@dataclass(frozen=True, eq=False)
class LassoKnots:
    """The knots of the exact lasso path (LARS-lasso homotopy).

    ``l1`` (n_knots,) decreasing from ``l1_max`` to the end of the path (0 when
    it reaches least squares); ``coefs`` (n_knots, p) and ``intercepts`` the
    exact solutions there (the path is linear in l1 between knots);
    ``events`` a tuple of (l1, feature index, "enter" | "leave");
    ``entry_order`` the features in the order they first become non-zero.
    """

    l1: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    events: tuple
    entry_order: tuple
    l1_max: float


def lasso_knots(X, y, *, fit_intercept=True) -> LassoKnots:
    """Run the LARS-lasso homotopy (Efron, Hastie, Johnstone, Tibshirani 2004,
    "Least Angle Regression", with the lasso modification: a variable whose
    coefficient reaches zero leaves the active set) on the course objective.

    Optimality of (1/n)||y_c - X_c w||^2 + l1*||w||_1 is
    (2/n) X_c^T r = l1*sign(w) on the active set and |(2/n) X_c^T r| <= l1 off it,
    so the path starts at l1_max = (2/n) max|X_c^T y_c|.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    fit_intercept = _flag(fit_intercept, "fit_intercept")
    n = X.shape[0]
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    lam, coefs, events = _lars_lasso(Xc, yc)
    scale = 2.0 / n
    l1 = lam * scale
    entry = []
    for _, j, kind in events:
        if kind == "enter" and j not in entry:
            entry.append(j)
    return LassoKnots(l1=l1, coefs=coefs, intercepts=y_mean - coefs @ x_mean,
                      events=tuple((float(lv * scale), j, kind) for lv, j, kind in events),
                      entry_order=tuple(entry), l1_max=float(l1[0]))


def lasso_path(X, y, l1_values, *, tol=1e-10, fit_intercept=True):
    """Exact lasso minimizers of J (l2 = 0) for every value in ``l1_values``.

    Returns ``(coefs, intercepts)`` of shapes (n_values, n_features) and
    (n_values,). The whole piecewise-linear path comes from ``lasso_knots``
    and is interpolated linearly at the requested values; the result is then
    checked against the optimality (KKT) conditions, and any value violating
    them by more than ``tol * l1_max`` (ties, rank deficiency) is finished by
    coordinate descent until it satisfies them.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    l1 = np.atleast_1d(nonnegative_values(l1_values, "l1_values"))
    tol = scalar(tol, "tol", minimum=0.0, strict=True)
    fit_intercept = _flag(fit_intercept, "fit_intercept")
    n = X.shape[0]
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    lam_knots, coef_knots, _ = _lars_lasso(Xc, yc)
    lam = l1 * (n / 2.0)
    coefs = _interpolate_knots(lam_knots, coef_knots, lam)
    G = Xc.T @ Xc
    c0 = Xc.T @ yc
    bound = tol * max(lam_knots[0], np.finfo(float).tiny)
    bad = _kkt_violation(G, c0, coefs, lam) > bound
    if bad.any():
        coefs[bad] = _coordinate_descent(G, c0, coefs[bad], lam[bad], bound)
    return coefs, y_mean - coefs @ x_mean


def _lars_lasso(Xc, yc):
    """Knots of the lasso path in correlation units lam = n*l1/2 (X^T r = lam*s)."""
    p = Xc.shape[1]
    G = Xc.T @ Xc
    c0 = Xc.T @ yc
    lam = float(np.max(np.abs(c0)))
    coef = np.zeros(p)
    lams, coefs, events = [lam], [coef.copy()], []
    if lam <= 0.0:
        return np.array(lams), np.array(coefs), events
    rank = np.linalg.matrix_rank(Xc)
    eps = 1e-12 * lam
    j0 = int(np.argmax(np.abs(c0)))
    active = [j0]
    signs = [np.sign(c0[j0])]
    events.append((lam, j0, "enter"))
    for _ in range(50 * (p + 1)):
        A = np.array(active)
        s = np.array(signs)
        GA = G[np.ix_(A, A)]
        try:
            base = np.linalg.solve(GA, c0[A])     # least-squares fit on A
            d = np.linalg.solve(GA, s)            # w_A(lam) = base - lam*d
        except np.linalg.LinAlgError:
            break
        e = c0 - G[:, A] @ base                   # correlations: c(lam) = e + lam*a
        a = G[:, A] @ d
        best, who, kind = 0.0, -1, "end"
        if len(active) < rank:
            inactive = np.setdiff1d(np.arange(p), A)
            with np.errstate(divide="ignore", invalid="ignore"):
                cand = np.concatenate([e[inactive] / (1.0 - a[inactive]),
                                       -e[inactive] / (1.0 + a[inactive])])
            idx = np.concatenate([inactive, inactive])
            valid = np.isfinite(cand) & (cand >= 0) & (cand < lam - eps)
            if valid.any():
                k = int(np.argmax(np.where(valid, cand, -np.inf)))
                best, who, kind = float(cand[k]), int(idx[k]), "enter"
        with np.errstate(divide="ignore", invalid="ignore"):
            cross = base / d
        valid = np.isfinite(cross) & (cross >= 0) & (cross < lam - eps) & (cross > best)
        if valid.any():
            k = int(np.argmax(np.where(valid, cross, -np.inf)))
            best, who, kind = float(cross[k]), int(A[k]), "leave"
        lam = best
        coef = np.zeros(p)
        coef[A] = base - lam * d
        if kind == "leave":
            coef[who] = 0.0
            k = active.index(who)
            del active[k], signs[k]
        elif kind == "enter":
            active.append(who)
            signs.append(np.sign(e[who] + lam * a[who]))
        lams.append(lam)
        coefs.append(coef)
        if kind == "end":
            break
        events.append((lam, who, kind))
        if lam <= 0.0 or not active:
            break
    return np.array(lams), np.array(coefs), events


def _interpolate_knots(lam_knots, coef_knots, lam):
    """Linear interpolation along the path (knots decreasing in lam)."""
    K = lam_knots.shape[0]
    if K == 1:
        return np.zeros((lam.shape[0], coef_knots.shape[1]))
    i = np.clip(np.searchsorted(-lam_knots, -lam, side="right") - 1, 0, K - 2)
    width = lam_knots[i] - lam_knots[i + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(width > 0, (lam_knots[i] - lam) / width, 1.0)
    t = np.clip(t, 0.0, 1.0)[:, None]
    return (1.0 - t) * coef_knots[i] + t * coef_knots[i + 1]


def _kkt_violation(G, c0, coefs, lam):
    """Largest violation of X^T r = lam*sign(w) (active), |X^T r| <= lam (zero), per row."""
    c = c0 - coefs @ G
    on = np.abs(c - lam[:, None] * np.sign(coefs))
    off = np.maximum(np.abs(c) - lam[:, None], 0.0)
    return np.max(np.where(coefs != 0, on, off), axis=1)


def _coordinate_descent(G, c0, coefs, lam, bound, max_sweeps=100_000):
    """Cyclic coordinate descent on 0.5 w^T G w - c0^T w + lam*||w||_1, rows in parallel."""
    W = coefs.copy()
    diag = np.diag(G)
    for _ in range(max_sweeps):
        for j in range(G.shape[0]):
            if diag[j] <= 0:
                W[:, j] = 0.0
                continue
            rho = c0[j] - W @ G[:, j] + diag[j] * W[:, j]
            W[:, j] = np.sign(rho) * np.maximum(np.abs(rho) - lam, 0.0) / diag[j]
        if np.all(_kkt_violation(G, c0, W, lam) <= bound):
            break
    return W


# --------------------------------------------------------------------------- library conventions

def sklearn_lasso_alpha(l1):
    """scikit-learn Lasso's alpha for the course's l1.

    Lasso minimizes (1/(2n))||r||^2 + alpha*||w||_1, which is half of the
    course's (1/n)||r||^2 + l1*||w||_1 when alpha = l1/2.
    """
    return _scaled(nonnegative_values(l1, "l1"), 0.5)


def l1_from_sklearn_lasso_alpha(alpha):
    """The course's l1 for scikit-learn Lasso's alpha: l1 = 2*alpha."""
    return _scaled(nonnegative_values(alpha, "alpha"), 2.0)


def sklearn_ridge_alpha(l2, n_samples):
    """scikit-learn Ridge's alpha for the course's l2.

    Ridge minimizes ||r||^2 + alpha*||w||^2, which is n times the course's
    (1/n)||r||^2 + l2*||w||^2 when alpha = n*l2.
    """
    return _scaled(nonnegative_values(l2, "l2"), float(_positive_int(n_samples, "n_samples")))


def l2_from_sklearn_ridge_alpha(alpha, n_samples):
    """The course's l2 for scikit-learn Ridge's alpha: l2 = alpha/n."""
    return _scaled(nonnegative_values(alpha, "alpha"), 1.0 / _positive_int(n_samples, "n_samples"))


# --------------------------------------------------------------------------- small internals

def _scaled(values, factor):
    return _float_if_scalar(values * factor)


def _float_if_scalar(a):
    return float(a) if np.ndim(a) == 0 else a


def _residuals(X, y, W, B):
    """Residuals Xw + b - y for each row of W: shape (m, n)."""
    return W @ X.T + B[:, None] - y


def _objective_rows(R, W, l1, l2):
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
    W = _finite_array(w, "w")
    single = W.ndim <= 1
    W = np.atleast_2d(W)
    if W.ndim != 2 or W.shape[1] != X.shape[1]:
        raise ValueError(f"w must have one entry per feature ({X.shape[1]}), as (n_features,) or "
                         f"(m, n_features); got shape {np.shape(w)}")
    B = _finite_array(b, "b")
    if B.ndim == 0 or (single and B.size == 1):
        B = np.full(W.shape[0], float(B.reshape(-1)[0]))
    elif B.shape != (W.shape[0],):
        raise ValueError(f"b must be a number or one value per row of w ({W.shape[0]}); got shape {B.shape}")
    return X, y, W, B, single


def _paired_values(l1, l2):
    """Broadcast l1 and l2 (each 0-d or 1-d) to two 1-D arrays of equal length."""
    if l1.ndim == 1 and l2.ndim == 1 and l1.shape != l2.shape:
        raise ValueError(f"l1 and l2 arrays must have the same length (or one be a scalar); "
                         f"got lengths {l1.shape[0]} and {l2.shape[0]}")
    V = max(np.atleast_1d(l1).shape[0], np.atleast_1d(l2).shape[0])
    return np.broadcast_to(l1, (V,)).astype(float), np.broadcast_to(l2, (V,)).astype(float)


def _center(X, y, fit_intercept):
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean


def _finite_array(x, name):
    try:
        arr = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number or an array of numbers; could not convert it ({exc})") from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty; expected at least one value")
    _check_finite(arr, name)
    return arr


def _positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    if value < 1:
        raise ValueError(f"{name} must be a positive integer (at least 1); got {value}")
    return int(value)


def _flag(value, name):
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False; got {value!r}")
    return bool(value)
