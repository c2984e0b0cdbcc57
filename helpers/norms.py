"""Sizes of one vector: L1, L2, Lp, L-infinity, the L0 count, unit balls and their edges.

Introduced in notebook 01_norm. Pure numpy; every function takes a 1-D vector.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_vector, same_shape, scalar

__all__ = [
    "l1_norm",
    "l2_norm",
    "lp_norm",
    "linf_norm",
    "l0_count",
    "unit_sphere",
    "unit_ball",
    "in_unit_ball",
    "triangle_gap",
]


def _order(p) -> float:
    return scalar(p, "p", minimum=0.0, strict=True, allow_inf=True)


def _lp(a: np.ndarray, p: float) -> float:
    """||a||_p of a checked vector; scaled by max|a_i| so it neither overflows nor underflows."""
    size = np.abs(a)
    largest = float(size.max())
    if p == np.inf or largest == 0.0:
        return largest
    if p == 1.0:
        return float(size.sum())
    scaled = size / largest
    if p == 2.0:
        return largest * float(np.sqrt(np.dot(scaled, scaled)))
    return largest * float(np.sum(scaled**p) ** (1.0 / p))


def l1_norm(x) -> float:
    """Sum of absolute values, ||x||_1 = sum |x_i| (the 'taxicab' length)."""
    return _lp(as_vector(x, "x"), 1.0)


def l2_norm(x) -> float:
    """Euclidean length, ||x||_2 = sqrt(sum x_i^2)."""
    return _lp(as_vector(x, "x"), 2.0)


def linf_norm(x) -> float:
    """Largest absolute value, ||x||_inf = max |x_i|."""
    return _lp(as_vector(x, "x"), np.inf)


def lp_norm(x, p) -> float:
    """||x||_p = (sum |x_i|^p)^(1/p) for p > 0; p = np.inf gives max |x_i|.

    For 0 < p < 1 this is only a quasi-norm: it is computed the same way, but
    the triangle inequality fails (see ``triangle_gap``).
    """
    return _lp(as_vector(x, "x"), _order(p))


def l0_count(x, tol=0.0) -> int:
    """Number of entries with |x_i| > tol. Not a norm: l0_count(2x) == l0_count(x)."""
    a = as_vector(x, "x")
    tol = scalar(tol, "tol", minimum=0.0)
    return int(np.count_nonzero(np.abs(a) > tol))


def triangle_gap(x, y, p) -> float:
    """||x||_p + ||y||_p - ||x + y||_p; negative means the triangle inequality fails (p < 1)."""
    a = as_vector(x, "x")
    b = as_vector(y, "y")
    same_shape(a, b, "x", "y")
    p = _order(p)
    return _lp(a, p) + _lp(b, p) - _lp(a + b, p)


# Directions at the multiples of 45 degrees, written out so that the axis points
# and the corners of the L1 diamond and of the L-infinity square are exact.
_SPECIAL_COS = np.array([1.0, 1.0, 0.0, -1.0, -1.0, -1.0, 0.0, 1.0, 1.0])
_SPECIAL_SIN = np.array([0.0, 1.0, 1.0, 1.0, 0.0, -1.0, -1.0, -1.0, 0.0])


def in_unit_ball(v, p) -> bool:
    """True when ||v||_p <= 1: v lies in the unit ball (the ball includes its edge and inside)."""
    return _lp(as_vector(v, "v"), _order(p)) <= 1.0


def unit_sphere(p, num: int = 400) -> np.ndarray:
    """Points on the edge of the 2-D Lp unit ball, the unit sphere {v : ||v||_p = 1}.

    Shape (2, num), for plotting. The unit *ball* is everything inside it,
    {v : ||v||_p <= 1}; a figure fills this curve to show the ball.

    The curve is closed (last point = first point), runs counter-clockwise from
    (1, 0), and always contains the four axis points and the four points on the
    diagonals, so the corners for p <= 1 and p = inf are drawn sharp. Works for
    any p in (0, inf], including the edges of the star-shaped balls for p < 1.
    """
    p = _order(p)
    if isinstance(num, bool) or not isinstance(num, (int, np.integer)) or num < 9:
        raise ValueError(f"num must be an integer >= 9 (points on the closed curve); got {num!r}")
    angle = np.linspace(0.0, 2.0 * np.pi, num)
    special = np.rint(np.arange(9) * (num - 1) / 8).astype(int)
    c, s = np.cos(angle), np.sin(angle)
    c[special], s[special] = _SPECIAL_COS, _SPECIAL_SIN
    diagonal = special[1::2]
    c[diagonal] *= np.sqrt(0.5)
    s[diagonal] *= np.sqrt(0.5)
    if p <= 2.0:
        # Superellipse map: |x|^p + |y|^p = c^2 + s^2 = 1, points dense near the axes
        # where the curve bends most for p <= 2 (p = 2 gives the plain circle).
        return np.vstack([np.sign(c) * np.abs(c) ** (2.0 / p), np.sign(s) * np.abs(s) ** (2.0 / p)])
    # Radial projection of (c, s) onto the ball: dense where the curve bends for p > 2.
    if p == np.inf:
        length = np.maximum(np.abs(c), np.abs(s))
    else:
        largest = np.maximum(np.abs(c), np.abs(s))
        length = largest * ((np.abs(c) / largest) ** p + (np.abs(s) / largest) ** p) ** (1.0 / p)
    return np.vstack([c / length, s / length])


def unit_ball(p, num: int = 400) -> np.ndarray:
    """The edge of the 2-D Lp unit ball: the same points as :func:`unit_sphere`.

    Kept under this name for the figures of 05 that draw a ball by its outline;
    the ball itself is {v : ||v||_p <= 1} (see :func:`in_unit_ball`).
    """
    return unit_sphere(p, num)
