"""Exact minimizers of the course's objective J along a path of penalty values.

Introduced in notebook 04 (the ridge and lasso minimizers that gradient
descent converges to) and used throughout notebook 05 (sparsity: lasso and
ridge paths on the diabetes data, the elastic net on correlated features).
Objective, bias ``b`` not penalized:

    J(w, b) = MSE(Xw + b, y) + l2 * sum(w**2) + l1 * sum(|w|)

- :func:`ridge_path` (l1 = 0): one SVD for all values at once.
- :func:`ridge_zero_crossings`: the isolated values of l2 where a ridge
  coefficient changes sign (passes through 0), found by root finding
  (``scipy.optimize.brentq``) on the exact ridge solution.
- :func:`lasso_knots` (l2 = 0): the knots of the LARS-lasso homotopy;
  :func:`elastic_net_knots`: the same at a fixed l2 > 0.
- :func:`lasso_path` (l2 = 0) and :func:`elastic_net_path` (both): the
  homotopy, interpolated at the requested values, checked against the
  optimality (KKT) conditions and finished by coordinate descent where ties
  or rank deficiency defeat it.

A solver that stops early says so: :class:`ConvergenceWarning`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from helpers._checks import (
    as_matrix,
    as_vector,
    flag,
    nonnegative_values,
    positive_int,
    same_length,
    scalar,
)

__all__ = ["ConvergenceWarning", "ridge_path", "RidgeCrossing", "ridge_zero_crossings", "LassoKnots",
           "lasso_knots", "elastic_net_knots", "lasso_path", "elastic_net_path"]


class ConvergenceWarning(UserWarning):
    """A path solver stopped before finishing: its result is truncated or not optimal (see the message)."""


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
    fit_intercept = flag(fit_intercept, "fit_intercept")
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


@dataclass(frozen=True)
class RidgeCrossing:
    """One sign change of a ridge coefficient: ``coef[feature]`` is exactly 0 at ``l2`` and
    goes from ``sign_before`` (just below ``l2``) to ``-sign_before`` (just above)."""

    l2: float
    feature: int
    sign_before: int


def ridge_zero_crossings(X, y, l2_low, l2_high, *, fit_intercept=True, points_per_decade=400,
                         xtol=1e-13) -> tuple[RidgeCrossing, ...]:
    """Every l2 in [l2_low, l2_high] where a ridge coefficient changes sign, sorted by l2.

    A ridge coefficient is a ratio of polynomials in l2: with the SVD of the
    centered X = U S V^T, w_j(l2) = sum_k V_jk s_k (U^T y_c)_k / (s_k^2 + n*l2).
    Over a common denominator its numerator has degree at most p - 1 in l2, so
    unless it is 0 for every l2 it is 0 at no more than p - 1 values: zeros of a
    ridge coefficient are isolated points, never an interval. This function
    brackets each sign change on a log grid (``points_per_decade`` points per
    factor of 10, plus both ends) and finds it with ``scipy.optimize.brentq``
    on log(l2) (absolute tolerance ``xtol`` there, i.e. relative in l2). Two
    crossings closer together than one grid step would cancel in the bracket
    (the tests count the roots of the numerator polynomial to rule that out for
    the course's data). A coefficient that touches 0 without changing sign is
    not a crossing and is not reported.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    low = scalar(l2_low, "l2_low", minimum=0.0, strict=True)
    high = scalar(l2_high, "l2_high", minimum=0.0, strict=True)
    if not low < high:
        raise ValueError(f"l2_low must be below l2_high; got {low:g} and {high:g}")
    fit_intercept = flag(fit_intercept, "fit_intercept")
    points_per_decade = positive_int(points_per_decade, "points_per_decade", minimum=2)
    xtol = scalar(xtol, "xtol", minimum=0.0, strict=True)
    n, p = X.shape
    Xc, yc, _, _ = _center(X, y, fit_intercept)
    U, s, Vt = np.linalg.svd(Xc, full_matrices=False)
    weights = Vt.T * (s * (U.T @ yc))                        # (p, k): w(l2) = weights @ 1/(s**2 + n*l2)

    def coef(log_l2, j=None):
        inv = 1.0 / (s**2 + n * np.exp(log_l2)[..., None])
        w = inv @ weights.T
        return w if j is None else w[..., j]

    a, b = np.log(low), np.log(high)
    count = max(int(np.ceil((b - a) / np.log(10.0) * points_per_decade)), 1) + 1
    grid = np.linspace(a, b, count)
    values = coef(grid)                                      # (count, p)
    found = []
    for j in range(p):
        v = values[:, j]
        scale = np.abs(v).max()
        if scale == 0.0:
            continue                                         # 0 for every l2: no crossing, no sign
        for i in np.flatnonzero(np.sign(v[:-1]) * np.sign(v[1:]) < 0):
            root = brentq(lambda t, j=j: coef(np.array(t), j), grid[i], grid[i + 1], xtol=xtol, rtol=1e-15)
            found.append(RidgeCrossing(float(np.exp(root)), int(j), int(np.sign(v[i]))))
        for i in np.flatnonzero(v == 0.0):                   # a grid point that is exactly a root
            if 0 < i < count - 1 and np.sign(v[i - 1]) * np.sign(v[i + 1]) < 0:
                found.append(RidgeCrossing(float(np.exp(grid[i])), int(j), int(np.sign(v[i - 1]))))
    return tuple(sorted(found, key=lambda c: (c.l2, c.feature)))


# --------------------------------------------------------------------------- lasso path

@dataclass(frozen=True, eq=False)
class LassoKnots:
    """The knots of the exact lasso path (LARS-lasso homotopy).

    ``l1`` (n_knots,) decreasing from ``l1_max`` to the end of the path (0 when
    it reaches least squares); ``coefs`` (n_knots, p) and ``intercepts`` the
    exact solutions there (the path is linear in l1 between knots);
    ``events`` a tuple of (l1, feature index, "enter" | "leave");
    ``entry_order`` the features in the order they first become non-zero;
    ``complete`` False when the homotopy stopped early (a ConvergenceWarning
    said why): the knots then end before the path does.
    """

    l1: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    events: tuple
    entry_order: tuple
    l1_max: float
    complete: bool = True


def lasso_knots(X, y, *, fit_intercept=True, max_knots=None) -> LassoKnots:
    """Run the LARS-lasso homotopy (Efron, Hastie, Johnstone, Tibshirani 2004,
    "Least Angle Regression", with the lasso modification: a variable whose
    coefficient reaches zero leaves the active set) on the course objective.

    Optimality of (1/n)||y_c - X_c w||^2 + l1*||w||_1 is
    (2/n) X_c^T r = l1*sign(w) on the active set and |(2/n) X_c^T r| <= l1 off it,
    so the path starts at l1_max = (2/n) max|X_c^T y_c|. ``max_knots`` caps the
    number of steps (default 50*(p+1)); a homotopy stopped by the cap or by a
    singular system warns (:class:`ConvergenceWarning`) and returns the knots
    found so far with ``complete=False``.
    """
    return _knots("lasso_knots", X, y, 0.0, fit_intercept, max_knots)


def elastic_net_knots(X, y, l2, *, fit_intercept=True, max_knots=None) -> LassoKnots:
    """The knots of the exact elastic-net path in l1 at a fixed ``l2`` (a :class:`LassoKnots`).

    With the bias at its best value the elastic net is a lasso in the Gram
    matrix shifted by n*l2 (see :func:`elastic_net_path`), so the same homotopy
    gives its knots exactly: ``events`` are the values of l1 where a feature
    enters or leaves. The L2 term has slope 0 at w = 0, so the first feature
    enters at the lasso's l1_max whatever ``l2`` is. ``l2 = 0`` is
    :func:`lasso_knots`.
    """
    l2 = scalar(l2, "l2", minimum=0.0)
    return _knots("elastic_net_knots", X, y, l2, fit_intercept, max_knots)


def _knots(caller, X, y, l2, fit_intercept, max_knots) -> LassoKnots:
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    fit_intercept = flag(fit_intercept, "fit_intercept")
    n, p = X.shape
    max_knots = 50 * (p + 1) if max_knots is None else positive_int(max_knots, "max_knots")
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    if l2 > 0:
        G, rank = Xc.T @ Xc + n * l2 * np.eye(p), p
    else:
        G, rank = Xc.T @ Xc, np.linalg.matrix_rank(Xc)
    lam, coefs, events, problem = _lars_lasso(G, Xc.T @ yc, rank, max_knots)
    scale = 2.0 / n
    l1 = lam * scale
    if problem:
        warnings.warn(f"{caller}: the LARS homotopy {problem}; the knots stop at l1 = {l1[-1]:.6g} "
                      "instead of reaching the end of the path", ConvergenceWarning, stacklevel=3)
    entry = []
    for _, j, kind in events:
        if kind == "enter" and j not in entry:
            entry.append(j)
    return LassoKnots(l1=l1, coefs=coefs, intercepts=y_mean - coefs @ x_mean,
                      events=tuple((float(lv * scale), j, kind) for lv, j, kind in events),
                      entry_order=tuple(entry), l1_max=float(l1[0]), complete=problem is None)


def lasso_path(X, y, l1_values, *, tol=1e-10, fit_intercept=True, max_sweeps=100_000):
    """Exact lasso minimizers of J (l2 = 0) for every value in ``l1_values``.

    Returns ``(coefs, intercepts)`` of shapes (n_values, n_features) and
    (n_values,). The whole piecewise-linear path comes from the LARS-lasso
    homotopy (see :func:`lasso_knots`) and is interpolated linearly at the
    requested values; the result is then checked against the optimality (KKT)
    conditions, and any value violating them by more than ``tol * l1_max``
    (ties, rank deficiency) is finished by coordinate descent until it
    satisfies them. If ``max_sweeps`` sweeps do not get there, a
    :class:`ConvergenceWarning` names the values left non-optimal.
    """
    return _solve_path("lasso_path", X, y, l1_values, 0.0, tol, fit_intercept, max_sweeps)


def elastic_net_path(X, y, l1_values, l2_values, *, tol=1e-10, fit_intercept=True, max_sweeps=100_000):
    """Exact minimizers of J with both penalties, for every pair (l1, l2).

    ``l1_values`` is a number or a 1-D array; ``l2_values`` is one number for
    all of them or one value per l1 value. Returns ``(coefs, intercepts)`` of
    shapes (n_values, n_features) and (n_values,). With the bias at its best
    value, (n/2) J is 0.5 w^T (X_c^T X_c + n*l2 I) w - (X_c^T y_c)^T w +
    (n*l1/2) ||w||_1 + constant: a lasso in the Gram matrix shifted by n*l2,
    solved exactly as :func:`lasso_path` does (homotopy, KKT check,
    coordinate descent where needed). l2 = 0 gives the lasso path.
    scikit-learn's ElasticNet(alpha=a, l1_ratio=r) is l1 = 2*a*r,
    l2 = a*(1 - r) here (see :mod:`helpers.conventions`).
    """
    return _solve_path("elastic_net_path", X, y, l1_values, l2_values, tol, fit_intercept, max_sweeps)


def _solve_path(caller, X, y, l1_values, l2_values, tol, fit_intercept, max_sweeps):
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    l1 = np.atleast_1d(nonnegative_values(l1_values, "l1_values"))
    l2 = nonnegative_values(l2_values, "l2_values")
    if l2.ndim == 1 and l2.shape != l1.shape:
        raise ValueError(f"l2_values must be one number or one value per l1 value ({l1.size}); "
                         f"got {l2.size} values")
    l2 = np.broadcast_to(l2, l1.shape)
    tol = scalar(tol, "tol", minimum=0.0, strict=True)
    fit_intercept = flag(fit_intercept, "fit_intercept")
    max_sweeps = positive_int(max_sweeps, "max_sweeps")
    n, p = X.shape
    Xc, yc, x_mean, y_mean = _center(X, y, fit_intercept)
    G0 = Xc.T @ Xc
    c0 = Xc.T @ yc
    lam = l1 * (n / 2.0)
    coefs = np.empty((l1.size, p))
    rank = None
    for value in np.unique(l2):
        rows = np.flatnonzero(l2 == value)
        if value > 0:
            G, r = G0 + n * value * np.eye(p), p
        else:
            rank = np.linalg.matrix_rank(Xc) if rank is None else rank
            G, r = G0, rank
        coefs[rows] = _gram_path(G, c0, r, lam[rows], tol, max_sweeps, caller)
    return coefs, y_mean - coefs @ x_mean


# --------------------------------------------------------------------------- solvers (Gram form)
# All of them work on 0.5 w^T G w - c0^T w + lam*||w||_1 (lam = n*l1/2, "correlation units").

def _gram_path(G, c0, rank, lam, tol, max_sweeps, caller):
    """Exact solutions for every lam: homotopy knots, interpolation, KKT check, coordinate descent."""
    lam_knots, coef_knots, _, _ = _lars_lasso(G, c0, rank, 50 * (G.shape[0] + 1))
    coefs = _interpolate_knots(lam_knots, coef_knots, lam)   # a truncated homotopy is repaired below
    bound = tol * max(lam_knots[0], np.finfo(float).tiny)
    bad = _kkt_violation(G, c0, coefs, lam) > bound
    if bad.any():
        coefs[bad] = _coordinate_descent(G, c0, coefs[bad], lam[bad], bound, max_sweeps, caller)
    return coefs


def _lars_lasso(G, c0, rank, max_steps):
    """Knots of the lasso path in correlation units lam = n*l1/2 (X^T r = lam*s).

    Returns ``(lams, coefs, events, problem)``: ``problem`` is None when the
    homotopy reached the end of the path, else what stopped it early.
    """
    p = G.shape[0]
    lam = float(np.max(np.abs(c0)))
    coef = np.zeros(p)
    lams, coefs, events = [lam], [coef.copy()], []
    if lam <= 0.0:
        return np.array(lams), np.array(coefs), events, None
    eps = 1e-12 * lam
    j0 = int(np.argmax(np.abs(c0)))
    active = [j0]
    signs = [np.sign(c0[j0])]
    events.append((lam, j0, "enter"))
    problem = None
    for _ in range(max_steps):
        A = np.array(active)
        s = np.array(signs)
        GA = G[np.ix_(A, A)]
        try:
            base = np.linalg.solve(GA, c0[A])     # least-squares fit on A
            d = np.linalg.solve(GA, s)            # w_A(lam) = base - lam*d
        except np.linalg.LinAlgError as exc:
            problem = f"met a singular system on the active set ({exc})"
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
    else:
        problem = f"reached its cap of {max_steps} steps"
    return np.array(lams), np.array(coefs), events, problem


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


def _coordinate_descent(G, c0, coefs, lam, bound, max_sweeps, caller):
    """Cyclic coordinate descent on 0.5 w^T G w - c0^T w + lam*||w||_1, rows in parallel.

    Stops once every row satisfies the KKT conditions within ``bound``; warns
    (ConvergenceWarning) if ``max_sweeps`` sweeps do not get there.
    """
    W = coefs.copy()
    diag = np.diag(G)
    for _ in range(max_sweeps):
        for j in range(G.shape[0]):
            if diag[j] <= 0:
                W[:, j] = 0.0
                continue
            rho = c0[j] - W @ G[:, j] + diag[j] * W[:, j]
            W[:, j] = np.sign(rho) * np.maximum(np.abs(rho) - lam, 0.0) / diag[j]
        violation = _kkt_violation(G, c0, W, lam)
        if np.all(violation <= bound):
            break
    else:
        left = int(np.count_nonzero(violation > bound))
        warnings.warn(f"{caller}: coordinate descent did not satisfy the optimality (KKT) conditions "
                      f"within max_sweeps = {max_sweeps} sweeps for {left} of the requested values (worst violation "
                      f"{violation.max():.3g} > {bound:.3g}); the weights there are not the exact "
                      "minimizers", ConvergenceWarning, stacklevel=5)
    return W


def _center(X, y, fit_intercept):
    if not fit_intercept:
        return X, y, np.zeros(X.shape[1]), 0.0
    x_mean, y_mean = X.mean(axis=0), float(y.mean())
    return X - x_mean, y - y_mean, x_mean, y_mean
