"""Constrained optima on the L1 and L2 balls: why L1 gives zero weights (2-D quadratic losses).

Introduced in notebook 05 (sparsity, section 2: the diamond against the circle).

A least-squares loss in two weights is a quadratic bowl,
``loss(w) = offset + (w - center)^T A (w - center)``, whose level sets are
ellipses around the unconstrained optimum ``center``. Regularization with a
budget ``t`` asks for the lowest point of the bowl inside the L1 ball
(a diamond, ``|w1| + |w2| <= t``) or the L2 ball (a disc, ``w1^2 + w2^2 <= t^2``).

- :func:`constrained_optimum` solves both exactly: L1 by minimizing the
  quadratic on each of the diamond's four edges in closed form (a corner
  comes back as the exact corner, so its zero coordinate is exactly 0.0);
  L2 by Newton's method on the multiplier ``mu`` of ``w = (A + mu I)^-1 A center``.
- :func:`level_curve`, :func:`loss_grid`: contour data for the pictures.
- :func:`random_problems`, :func:`sparsity_experiment`: many random 2-D
  least-squares problems and how often each ball's optimum has a zero weight.

Pure numpy; randomness only through an explicit ``seed``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import (
    as_matrix,
    as_vector,
    choice,
    positive_int,
    same_length,
    scalar,
)

__all__ = [
    "Quadratic", "quadratic_from_data", "quadratic_from_correlation", "constrained_optimum",
    "constrained_path", "level_curve", "loss_grid", "random_problems", "RandomProblems",
    "sparsity_experiment", "ExperimentResult", "NORMS",
]

NORMS = ("l1", "l2")


@dataclass(frozen=True, eq=False)
class Quadratic:
    """``loss(w) = offset + (w - center)^T A (w - center)`` for 2 weights; ``A`` symmetric positive definite."""

    A: np.ndarray
    center: np.ndarray
    offset: float = 0.0

    def __post_init__(self):
        A = as_matrix(self.A, "A")
        center = as_vector(self.center, "center")
        if A.shape != (2, 2) or center.shape != (2,):
            raise ValueError(f"A must be 2x2 and center must have 2 entries; got shapes {A.shape} "
                             f"and {center.shape}")
        _check_spd(A[None])
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "center", center)
        object.__setattr__(self, "offset", scalar(self.offset, "offset"))

    def __call__(self, w) -> np.ndarray:
        """The loss at ``w`` of shape (..., 2); returns shape (...)."""
        d = np.asarray(w, dtype=float) - self.center
        return self.offset + np.einsum("...i,ij,...j->...", d, self.A, d)


def quadratic_from_data(X, y) -> Quadratic:
    """The MSE of a 2-feature linear model with intercept, as a :class:`Quadratic` in ``w``.

    With the intercept at its best value for each ``w``, MSE(w) equals
    ``offset + (w - w_ols)^T A (w - w_ols)`` with ``A = Xc^T Xc / n`` (``Xc``
    the centered features) and ``offset`` the least-squares MSE.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    if X.shape[1] != 2:
        raise ValueError(f"X must have exactly 2 features for the 2-D picture; got {X.shape[1]}")
    Xc = X - X.mean(axis=0)
    yc = y - y.mean()
    A = Xc.T @ Xc / X.shape[0]
    if np.linalg.eigvalsh(A)[0] <= 1e-12 * max(np.trace(A), 1e-300):
        raise ValueError("the two features are (nearly) collinear or constant; the loss has no "
                         "unique minimum, expected two linearly independent features")
    center = np.linalg.solve(A, Xc.T @ yc / X.shape[0])
    offset = float(np.mean((yc - Xc @ center) ** 2))
    return Quadratic(A, center, offset)


def quadratic_from_correlation(rho, center, offset: float = 0.0) -> Quadratic:
    """The loss of two standardized features with correlation ``rho``: ``A = [[1, rho], [rho, 1]]``."""
    rho = scalar(rho, "rho")
    if not -1.0 < rho < 1.0:
        raise ValueError(f"rho must lie strictly between -1 and 1 (a correlation); got {rho:g}")
    return Quadratic(np.array([[1.0, rho], [rho, 1.0]]), center, offset)


def constrained_optimum(quad: Quadratic, budget, norm: str = "l1") -> np.ndarray:
    """The minimizer of ``quad`` over the ball ``{w : ||w||_norm <= budget}``, shape (2,).

    If the unconstrained optimum lies inside the ball it is the answer; otherwise
    the answer is on the boundary. For ``norm="l1"`` a corner of the diamond is
    returned as the exact corner, e.g. ``(0.0, budget)``.
    """
    _check_quadratic(quad)
    choice(norm, "norm", NORMS)
    budget = scalar(budget, "budget", minimum=0.0)
    solve = _l1_ball_optimum if norm == "l1" else _l2_ball_optimum
    return solve(quad.A[None], quad.center[None], np.array([budget]))[0]


def constrained_path(quad: Quadratic, budgets, norm: str = "l1") -> np.ndarray:
    """:func:`constrained_optimum` for every budget at once, shape (len(budgets), 2)."""
    _check_quadratic(quad)
    choice(norm, "norm", NORMS)
    budgets = as_vector(budgets, "budgets")
    if np.any(budgets < 0):
        raise ValueError(f"budgets must be >= 0 (a ball's radius); got {budgets.min():g}")
    m = budgets.size
    solve = _l1_ball_optimum if norm == "l1" else _l2_ball_optimum
    return solve(np.broadcast_to(quad.A, (m, 2, 2)), np.broadcast_to(quad.center, (m, 2)), budgets)


def level_curve(quad: Quadratic, value, num: int = 200) -> np.ndarray:
    """Points on the ellipse ``{w : quad(w) = value}``, shape (2, num), closed (last = first).

    ``value`` below the minimum ``quad.offset`` has no curve and raises ValueError.
    """
    _check_quadratic(quad)
    value = scalar(value, "value")
    if value < quad.offset:
        raise ValueError(f"value {value:g} is below the loss's minimum {quad.offset:g}; "
                         "no level curve there")
    num = positive_int(num, "num", minimum=3)
    return quad.center[:, None] + np.sqrt(value - quad.offset) * _unit_level_shape(quad.A, num)


def _unit_level_shape(A: np.ndarray, num: int) -> np.ndarray:
    """Points d with d^T A d = 1, shape (2, num)."""
    eigval, eigvec = np.linalg.eigh(A)
    angle = np.linspace(0.0, 2.0 * np.pi, num)
    circle = np.vstack([np.cos(angle), np.sin(angle)])
    return eigvec @ (circle / np.sqrt(eigval)[:, None])


def loss_grid(quad: Quadratic, xlim, ylim, num: int = 101):
    """``(W1, W2, L)``: a ``num`` x ``num`` grid over ``xlim`` x ``ylim`` and the loss on it (for contour)."""
    _check_quadratic(quad)
    xlim, ylim = as_vector(xlim, "xlim"), as_vector(ylim, "ylim")
    if xlim.shape != (2,) or ylim.shape != (2,) or xlim[0] >= xlim[1] or ylim[0] >= ylim[1]:
        raise ValueError("xlim and ylim must each be (low, high) with low < high")
    num = positive_int(num, "num", minimum=2)
    W1, W2 = np.meshgrid(np.linspace(*xlim, num), np.linspace(*ylim, num))
    return W1, W2, quad(np.stack([W1, W2], axis=-1))


@dataclass(frozen=True, eq=False)
class RandomProblems:
    """Many random 2-D least-squares losses: ``A`` (m, 2, 2), ``center`` (m, 2), ``correlation`` (m,)."""

    A: np.ndarray
    center: np.ndarray
    correlation: np.ndarray

    def __len__(self) -> int:
        return self.center.shape[0]

    def quadratic(self, i: int) -> Quadratic:
        return Quadratic(self.A[i], self.center[i])


def random_problems(n_problems: int, *, seed, n_samples: int = 30, noise: float = 1.0) -> RandomProblems:
    """Draw ``n_problems`` random least-squares problems with two features (``seed``: int or Generator).

    Each problem: a correlation ``rho ~ U(-0.9, 0.9)``; ``n_samples`` rows of two
    standard normal features with that correlation; true weights ``~ N(0, I)``;
    ``y = X w_true + noise * N(0, 1)``. Returned as the quadratic form of each
    problem's MSE (see :func:`quadratic_from_data`), vectorized over problems.
    """
    n_problems = positive_int(n_problems, "n_problems")
    n_samples = positive_int(n_samples, "n_samples", minimum=3)
    noise = scalar(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(seed)
    rho = rng.uniform(-0.9, 0.9, n_problems)
    Z = rng.standard_normal((n_problems, n_samples, 2))
    X = np.empty_like(Z)
    X[..., 0] = Z[..., 0]
    X[..., 1] = rho[:, None] * Z[..., 0] + np.sqrt(1.0 - rho[:, None] ** 2) * Z[..., 1]
    w_true = rng.standard_normal((n_problems, 2))
    y = np.einsum("mnj,mj->mn", X, w_true) + noise * rng.standard_normal((n_problems, n_samples))
    Xc = X - X.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    A = np.einsum("mni,mnj->mij", Xc, Xc) / n_samples
    center = np.linalg.solve(A, np.einsum("mni,mn->mi", Xc, yc)[..., None] / n_samples)[..., 0]
    return RandomProblems(A=A, center=center, correlation=rho)


@dataclass(frozen=True, eq=False)
class ExperimentResult:
    """Outcome of :func:`sparsity_experiment`; ``*_zero`` mark optima with a zero weight."""

    problems: RandomProblems
    budget_fraction: np.ndarray   # (m,) budget as a fraction of the unconstrained optimum's norm
    l1_solutions: np.ndarray      # (m, 2)
    l2_solutions: np.ndarray      # (m, 2)
    l1_zero: np.ndarray           # (m,) bool: a coordinate within tol * budget of 0
    l2_zero: np.ndarray
    l1_exact_zero: np.ndarray     # (m,) bool: a coordinate == 0.0
    l2_exact_zero: np.ndarray
    tol: float

    @property
    def n_problems(self) -> int:
        return self.l1_zero.size

    @property
    def l1_zero_count(self) -> int:
        return int(self.l1_zero.sum())

    @property
    def l2_zero_count(self) -> int:
        return int(self.l2_zero.sum())


def sparsity_experiment(n_problems: int = 1000, *, seed, budget_fraction=(0.2, 0.8),
                        n_samples: int = 30, tol: float = 1e-9) -> ExperimentResult:
    """Count how often the L1-ball and the L2-ball optimum of random problems has a zero weight.

    Each problem's budget is ``f * ||center||_p`` for its own ball, with one
    ``f ~ U(budget_fraction)`` per problem (shared by both balls), so both
    constraints are active and shrink the optimum by a comparable amount.
    A coordinate counts as zero when ``|w_i| <= tol * budget``; the exact
    (``== 0.0``) counts are kept as well.
    """
    low, high = (scalar(v, "budget_fraction") for v in budget_fraction)
    if not 0.0 < low <= high < 1.0:
        raise ValueError(f"budget_fraction must be (low, high) with 0 < low <= high < 1; got {budget_fraction}")
    tol = scalar(tol, "tol", minimum=0.0)
    rng = np.random.default_rng(seed)
    problems = random_problems(n_problems, seed=rng, n_samples=n_samples)
    f = rng.uniform(low, high, len(problems))
    t1 = f * np.abs(problems.center).sum(axis=1)
    t2 = f * np.linalg.norm(problems.center, axis=1)
    w1 = _l1_ball_optimum(problems.A, problems.center, t1)
    w2 = _l2_ball_optimum(problems.A, problems.center, t2)
    return ExperimentResult(
        problems=problems, budget_fraction=f, l1_solutions=w1, l2_solutions=w2,
        l1_zero=np.any(np.abs(w1) <= tol * t1[:, None], axis=1),
        l2_zero=np.any(np.abs(w2) <= tol * t2[:, None], axis=1),
        l1_exact_zero=np.any(w1 == 0.0, axis=1), l2_exact_zero=np.any(w2 == 0.0, axis=1), tol=tol)


# --------------------------------------------------------------------------
# The solvers, vectorized over m problems: A (m, 2, 2), c (m, 2), t (m,)


def _l1_ball_optimum(A: np.ndarray, c: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Exact minimizer over |w1| + |w2| <= t: c itself if inside, else the best point on the 4 edges."""
    A, c, t = np.asarray(A, float), np.asarray(c, float), np.asarray(t, float)
    m = t.size
    corners = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    V = corners[None] * t[:, None, None]                      # (m, 4, 2) edge starts
    D = np.roll(V, -1, axis=1) - V                            # (m, 4, 2) edge directions
    E = V - c[:, None, :]                                     # start minus center
    AD = np.einsum("mij,mkj->mki", A, D)
    dAd = np.einsum("mki,mki->mk", D, AD)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(dAd > 0, -np.einsum("mki,mki->mk", E, AD) / dAd, 0.0)
    s = np.clip(s, 0.0, 1.0)
    points = V + s[..., None] * D
    # Land exactly on a corner when the edge minimum is clipped to one.
    points = np.where((s == 0.0)[..., None], V, points)
    points = np.where((s == 1.0)[..., None], np.roll(V, -1, axis=1), points)
    diff = points - c[:, None, :]
    values = np.einsum("mki,mij,mkj->mk", diff, A, diff)
    best = points[np.arange(m), np.argmin(values, axis=1)]
    inside = np.abs(c).sum(axis=1) <= t
    return np.where(inside[:, None], c, best)


def _l2_ball_optimum(A: np.ndarray, c: np.ndarray, t: np.ndarray, iterations: int = 100) -> np.ndarray:
    """Exact minimizer over ||w||_2 <= t: w = (A + mu I)^-1 A c with ||w|| = t.

    ``mu`` solves the secular equation 1/||w(mu)|| = 1/t; the left side is
    concave and increasing in mu, so Newton's method from mu = 0 climbs to the
    root without overshooting (Moré and Sorensen 1983, trust-region subproblem).
    """
    A, c, t = np.asarray(A, float), np.asarray(c, float), np.asarray(t, float)
    eigval, eigvec = np.linalg.eigh(A)                        # (m, 2), (m, 2, 2)
    b = np.einsum("mji,mj->mi", eigvec, c) * eigval           # coordinates of A c in the eigenbasis
    outside = np.linalg.norm(c, axis=1) > t
    safe_t = np.where(t > 0, t, 1.0)
    mu = np.zeros_like(t)
    for _ in range(iterations):
        shifted = eigval + mu[:, None]
        length = np.sqrt(np.sum((b / shifted) ** 2, axis=1))
        slope = np.sum(b**2 / shifted**3, axis=1) / np.where(length > 0, length, 1.0) ** 3
        phi = 1.0 / np.where(length > 0, length, np.inf) - 1.0 / safe_t
        step = np.where(outside & (slope > 0), -phi / np.where(slope > 0, slope, 1.0), 0.0)
        step = np.maximum(step, 0.0)
        mu = mu + step
        if np.all(step <= 4 * np.finfo(float).eps * np.maximum(mu, 1e-300)):
            break
    w = np.einsum("mij,mj->mi", eigvec, b / (eigval + mu[:, None]))
    length = np.linalg.norm(w, axis=1)
    w = w * np.where(length > 0, t / np.where(length > 0, length, 1.0), 0.0)[:, None]  # onto the circle
    w = np.where((t == 0)[:, None], 0.0, w)
    return np.where(outside[:, None], w, c)


def _check_quadratic(quad) -> None:
    if not isinstance(quad, Quadratic):
        raise ValueError(f"expected a Quadratic (see quadratic_from_data); got {type(quad).__name__}")


def _check_spd(A: np.ndarray) -> None:
    if not np.allclose(A, np.swapaxes(A, -1, -2), rtol=1e-10, atol=1e-12):
        raise ValueError("A must be symmetric")
    if np.any(np.linalg.eigvalsh(A)[..., 0] <= 0):
        raise ValueError("A must be positive definite (the loss must have one lowest point)")

