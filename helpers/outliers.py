"""Generated data, held-out errors and per-point pull for L1 vs L2 fits.

Introduced in notebook 03_outlier_sensitivity. Pure numpy (fits come from
``helpers.fitting``); every random function takes an explicit ``seed``.

Three generated experiments share one shape, a line y = 0.5 x + 1 plus noise:

- :func:`heavy_tailed_noise`: 20% of the points are glitches, symmetric noise
  with no pattern (a contaminated normal, whose tails are heavy). L1 wins.
- :func:`gaussian_noise`: the same generator with no glitches (normal noise
  only). Least squares is the maximum-likelihood fit here and L2 wins, in
  about two repeats out of three.
- :func:`real_surges`: 20% of the points are real, recurring surges (always
  up), so they belong to what new data will look like. L2 tracks them and
  wins on held-out squared error.

It also holds the exact optimality conditions of L1 fits, which sit at kinks
where the derivative does not exist: :func:`constant_mae_slopes` (one-sided
derivatives of MAE(c)) and :func:`l1_balance` (0 is in the subdifferential of
the L1 line fit).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers import losses
from helpers._checks import as_vector, choice, positive_int, same_length, scalar
from helpers.fitting import LOSSES, fit_line

__all__ = [
    "Split",
    "noisy_line",
    "heavy_tailed_noise",
    "gaussian_noise",
    "real_surges",
    "held_out_errors",
    "repeated_held_out",
    "constant_loss_curves",
    "constant_mae_slopes",
    "l1_balance",
    "pull",
    "leave_one_out_slopes",
    "outlier_for",
]


@dataclass(frozen=True, eq=False)
class Split:
    """Training and held-out points of a generated line, and the line new data follows on average.

    ``mean_slope`` and ``mean_intercept`` describe E[y | x], the best prediction
    under squared error; ``description`` says in one line how the data were made.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    mean_slope: float
    mean_intercept: float
    description: str


def _rate(value, name: str) -> float:
    value = scalar(value, name, minimum=0.0)
    if value > 1:
        raise ValueError(f"{name} is a fraction of points and must be between 0 and 1; got {value:g}")
    return value


def noisy_line(n: int = 12, *, seed: int, slope: float = 0.5, intercept: float = 3.0,
               noise: float = 0.5, x_range: tuple[float, float] = (4.0, 14.0)):
    """``(x, y)``: n points with evenly spaced x on ``x_range`` and y = slope x + intercept + N(0, noise^2)."""
    n = positive_int(n, "n", minimum=2)
    noise = scalar(noise, "noise", minimum=0.0)
    lo, hi = (scalar(v, "x_range") for v in x_range)
    if not hi > lo:
        raise ValueError(f"x_range must be (low, high) with low < high; got {x_range!r}")
    rng = np.random.default_rng(seed)
    x = np.linspace(lo, hi, n)
    return x, slope * x + intercept + rng.normal(0.0, noise, n)


def _line_plus(n: int, rng, far_values, *, rate: float, noise: float):
    """x uniform on [0, 10], y = 0.5 x + 1 + N(0, noise^2), plus ``far_values(k)`` on a ``rate`` share."""
    x = rng.uniform(0.0, 10.0, n)
    y = 0.5 * x + 1.0 + rng.normal(0.0, noise, n)
    far = rng.random(n) < rate
    y[far] += far_values(int(far.sum()))
    return x, y


def _split(seed, n_train, n_test, far_values, *, rate, noise, shift, description) -> Split:
    n_train = positive_int(n_train, "n_train", minimum=2)
    n_test = positive_int(n_test, "n_test")
    rng = np.random.default_rng(seed)
    x_train, y_train = _line_plus(n_train, rng, lambda k: far_values(rng, k), rate=rate, noise=noise)
    x_test, y_test = _line_plus(n_test, rng, lambda k: far_values(rng, k), rate=rate, noise=noise)
    return Split(x_train, y_train, x_test, y_test, 0.5, 1.0 + shift, description)


def heavy_tailed_noise(n_train: int = 40, n_test: int = 2000, *, seed: int, glitch_rate: float = 0.2,
                       glitch_scale: float = 8.0, noise: float = 0.5) -> Split:
    """A line with heavy-tailed noise: most errors N(0, noise^2), a ``glitch_rate`` share N(0, glitch_scale^2).

    The glitches have no pattern (random sign and size), so E[y | x] is the
    line itself: 0.5 x + 1. Training and held-out points come from the same process.
    """
    rate = _rate(glitch_rate, "glitch_rate")
    scale = scalar(glitch_scale, "glitch_scale", minimum=0.0)
    noise = scalar(noise, "noise", minimum=0.0)
    return _split(seed, n_train, n_test, lambda rng, k: rng.normal(0.0, scale, k), rate=rate,
                  noise=noise, shift=0.0,
                  description=f"y = 0.5x + 1 + noise; {rate:.0%} of points get a random glitch N(0, {scale:g}^2)")


def gaussian_noise(n_train: int = 40, n_test: int = 2000, *, seed: int, noise: float = 0.5) -> Split:
    """A line with normal noise only: :func:`heavy_tailed_noise` with no glitches (same draws otherwise).

    Least squares is the maximum-likelihood line for this noise; E[y | x] = 0.5 x + 1.
    """
    noise = scalar(noise, "noise", minimum=0.0)
    return _split(seed, n_train, n_test, lambda rng, k: np.zeros(k), rate=0.0, noise=noise, shift=0.0,
                  description=f"y = 0.5x + 1 + N(0, {noise:g}^2) noise, no glitches")


def real_surges(n_train: int = 40, n_test: int = 2000, *, seed: int, surge_rate: float = 0.2,
                surge_size: float = 6.0, noise: float = 0.5) -> Split:
    """A line whose far points are real: a ``surge_rate`` share of points is ``surge_size`` higher.

    The surges recur in new data, so E[y | x] = 0.5 x + 1 + surge_rate * surge_size:
    the line a forecast judged by squared error should find.
    """
    rate = _rate(surge_rate, "surge_rate")
    size = scalar(surge_size, "surge_size")
    noise = scalar(noise, "noise", minimum=0.0)
    return _split(seed, n_train, n_test, lambda rng, k: np.full(k, size), rate=rate, noise=noise,
                  shift=rate * size,
                  description=f"y = 0.5x + 1 + noise; {rate:.0%} of points are real surges of +{size:g}")


def held_out_errors(split: Split, loss: str, delta: float = 1.0) -> dict:
    """Fit a line with ``loss`` on the training points; its errors on the held-out points.

    Returns a dict with ``slope``, ``intercept``, ``rmse``, ``mae``, ``bias``
    (mean of prediction - target; negative means the line predicts too low) and
    ``line_rmse``, the RMS distance between the fitted line and E[y | x] at the
    held-out x: the part of the error a line can do something about.
    """
    slope, intercept = fit_line(split.x_train, split.y_train, loss=loss, delta=delta)
    pred = slope * split.x_test + intercept
    best = split.mean_slope * split.x_test + split.mean_intercept
    return {"slope": slope, "intercept": intercept, "rmse": losses.rmse(pred, split.y_test),
            "mae": losses.mae(pred, split.y_test), "bias": float(np.mean(pred - split.y_test)),
            "line_rmse": losses.rmse(pred, best)}


def repeated_held_out(make_split, repeats: int = 200, *, seed: int, loss_names: tuple = ("l2", "l1"),
                      delta: float = 1.0) -> dict:
    """Held-out errors of each loss over ``repeats`` fresh data sets ``make_split(seed=...)``.

    Returns ``{"rmse", "mae", "line_rmse"}`` arrays of shape (repeats, len(loss_names))
    (see :func:`held_out_errors`) and ``"losses"``; repetition i uses seed
    ``seed + i``, so the whole table is reproducible.
    """
    repeats = positive_int(repeats, "repeats")
    for name in loss_names:
        choice(name, "loss", LOSSES)
    keys = ("rmse", "mae", "line_rmse")
    table = {key: np.empty((repeats, len(loss_names))) for key in keys}
    for i in range(repeats):
        split = make_split(seed=int(seed) + i)
        for j, name in enumerate(loss_names):
            errors = held_out_errors(split, name, delta)
            for key in keys:
                table[key][i, j] = errors[key]
    return {**table, "losses": tuple(loss_names)}


def constant_loss_curves(values, constants) -> tuple[np.ndarray, np.ndarray]:
    """MSE(c) and MAE(c) of predicting every value by the constant c, for each c in ``constants``."""
    values = as_vector(values, "values")
    constants = as_vector(constants, "constants")
    errors = constants[:, None] - values[None, :]
    return np.mean(errors * errors, axis=1), np.mean(np.abs(errors), axis=1)


def constant_mae_slopes(values, c) -> tuple[float, float]:
    """Left and right derivatives of MAE(c) = mean |c - y_i| at the constant ``c``.

    Right: (#{y_i <= c} - #{y_i > c}) / n; left: (#{y_i < c} - #{y_i >= c}) / n.
    They differ exactly where c is a data value (a kink of MAE). c minimizes MAE
    exactly when left <= 0 <= right, that is when 0 is in the subdifferential
    [left, right]; for an odd count that happens only at the median, where the
    derivative does not exist (left < 0 < right).
    """
    values = as_vector(values, "values")
    c = scalar(c, "c")
    n = values.size
    below, above = np.count_nonzero(values < c), np.count_nonzero(values > c)
    at = n - below - above
    return float(below - at - above) / n, float(below + at - above) / n


def l1_balance(x, y, slope, intercept, tol: float = 1e-9) -> dict:
    """Check that 0 is in the subdifferential of the mean absolute error of a line, at (slope, intercept).

    A point off the line pulls on (slope, intercept) with sign(e_i) (x_i, 1); a point
    on the line (|e_i| <= ``tol`` times the scale of y) is at a kink of its |e| and may pull
    with any s_i (x_i, 1), s_i in [-1, 1]. The line is an L1 fit exactly when some such
    s_i make all the pulls add up to 0. Returns a dict:
    ``on_line`` (bool mask), ``off_line_sum`` (the sum of the off-line pulls, the
    "gradient" with sign(0) = 0; usually not 0 at an L1 fit), ``pulls`` (each
    point's pull s_i, with the on-line ones solved for, or None if no choice in
    [-1, 1] balances, i.e. the line is not an L1 fit).
    """
    from scipy.optimize import linprog

    x = as_vector(x, "x")
    y = as_vector(y, "y")
    same_length(x, y, "x", "y")
    slope, intercept = scalar(slope, "slope"), scalar(intercept, "intercept")
    tol = scalar(tol, "tol", minimum=0.0)
    e = slope * x + intercept - y
    on_line = np.abs(e) <= tol * max(1.0, float(np.abs(y).max()))
    design = np.column_stack([x, np.ones_like(x)])
    pulls = np.sign(e)
    pulls[on_line] = 0.0
    off_line_sum = pulls @ design
    if not on_line.any():
        balanced = bool(np.allclose(off_line_sum, 0.0))
        return {"on_line": on_line, "off_line_sum": off_line_sum, "pulls": pulls if balanced else None}
    # Find s in [-1, 1]^m with design[on_line].T @ s = -off_line_sum (a feasibility linear program).
    m = int(on_line.sum())
    result = linprog(np.zeros(m), A_eq=design[on_line].T, b_eq=-off_line_sum, bounds=[(-1.0, 1.0)] * m,
                     method="highs")
    if result.status != 0:
        return {"on_line": on_line, "off_line_sum": off_line_sum, "pulls": None}
    pulls[on_line] = result.x
    return {"on_line": on_line, "off_line_sum": off_line_sum, "pulls": pulls}


def pull(residuals, loss: str, delta: float = 1.0) -> np.ndarray:
    """Each point's pull on the fit: the derivative of its own loss with respect to its prediction.

    ``residuals`` are prediction - target. l2: 2e (grows with the error);
    l1: sign(e) (never more than 1); huber: e clipped to [-delta, delta].
    """
    e = as_vector(residuals, "residuals")
    choice(loss, "loss", LOSSES)
    zero = np.zeros_like(e)
    if loss == "l2":
        return losses.l2_loss_grad(e, zero, reduction="none")
    if loss == "l1":
        return losses.l1_loss_grad(e, zero, reduction="none")
    return losses.huber_loss_grad(e, zero, delta=delta, reduction="none")


def leave_one_out_slopes(x, y, loss: str, delta: float = 1.0) -> np.ndarray:
    """Slope of the ``loss`` line fitted without point i, for each i (a direct measure of influence)."""
    x = as_vector(x, "x")
    y = as_vector(y, "y")
    same_length(x, y, "x", "y")
    if x.size < 3:
        raise ValueError(f"leave-one-out needs at least 3 points; got {x.size}")
    keep = ~np.eye(x.size, dtype=bool)
    return np.array([fit_line(x[k], y[k], loss=loss, delta=delta)[0] for k in keep])


def outlier_for(x, y, rng) -> tuple[float, float]:
    """A new far point for the data: x inside their range, y far above or below their L1 line.

    "Far" is 6 to 10 times the data's typical scale: the larger of their
    scatter around the L1 line (median absolute residual) and a third of the
    interquartile range of y. The second term matters when most points lie
    exactly on a line (Anscombe III): their median residual is about 1e-15,
    and a multiple of it is no distance at all. Both terms are robust, so a
    few outliers added before do not blow up the next one.
    """
    x = as_vector(x, "x")
    y = as_vector(y, "y")
    same_length(x, y, "x", "y")
    slope, intercept = fit_line(x, y, loss="l1")
    scatter = float(np.median(np.abs(y - slope * x - intercept)))
    q25, q75 = np.percentile(y, [25, 75])
    scale = max(scatter, (q75 - q25) / 3.0)
    if not scale > 1e-9 * max(1.0, float(np.abs(y).max())):
        scale = max(0.1 * float(np.ptp(y)), 1.0)  # (almost) all y equal
    new_x = float(rng.uniform(x.min(), x.max())) if np.ptp(x) > 0 else float(x[0]) + 1.0
    sign = 1.0 if rng.random() < 0.5 else -1.0
    return new_x, float(slope * new_x + intercept + sign * rng.uniform(6.0, 10.0) * scale)
