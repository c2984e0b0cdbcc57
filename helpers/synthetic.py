"""Synthetic regression problems of notebook 04 (weight decay), generated from an explicit seed.

Introduced in notebook 04: :func:`two_feature_problem` (two correlated
standardized features, for pictures of weight space) and
:func:`overfitting_problem` (many features, few samples, a held-out test
set). The real data sets (Anscombe, stack loss, diabetes) are in
:mod:`helpers.data`. Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import as_vector, positive_int, scalar

__all__ = ["RegressionProblem", "two_feature_problem", "overfitting_problem"]


@dataclass(frozen=True)
class RegressionProblem:
    """Training data ``X, y`` plus the true weights; held-out sets when made.

    ``X_val, y_val``: a validation set, for choosing lambda; ``X_test, y_test``: a
    test set, for reporting the error of the model chosen (once, at the end).
    """

    X: np.ndarray
    y: np.ndarray
    true_weights: np.ndarray
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    X_val: np.ndarray | None = None
    y_val: np.ndarray | None = None


def two_feature_problem(*, seed: int, n_samples: int = 40, correlation: float = 0.5,
                        true_weights=(1.5, 0.25), noise: float = 0.5) -> RegressionProblem:
    """Two correlated standardized features, centered y; the bias is 0, so (w1, w2) tells all.

    The columns of ``X`` have mean 0 and variance 1 exactly and their sample
    correlation is ``correlation`` exactly, so the loss contours are ellipses
    whose shape the learner can predict; ``y`` is centered too.
    """
    n = positive_int(n_samples, "n_samples", minimum=3)
    rho = scalar(correlation, "correlation")
    if not -1.0 < rho < 1.0:
        raise ValueError(f"correlation must lie strictly between -1 and 1; got {rho:g}")
    w_true = as_vector(true_weights, "true_weights")
    if w_true.size != 2:
        raise ValueError(f"true_weights must have 2 entries (one per feature); got {w_true.size}")
    noise = scalar(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, 2))
    Z -= Z.mean(axis=0)
    # Whiten the sample, then impose the wanted sample covariance exactly.
    cov = Z.T @ Z / n
    Z = Z @ np.linalg.inv(np.linalg.cholesky(cov)).T
    X = Z @ np.linalg.cholesky(np.array([[1.0, rho], [rho, 1.0]])).T
    y = X @ w_true + noise * rng.standard_normal(n)
    return RegressionProblem(X=X, y=y - y.mean(), true_weights=w_true)


def overfitting_problem(*, seed: int, n_train: int = 30, n_test: int = 1000,
                        n_features: int = 25, n_informative: int = 4,
                        noise: float = 1.0, n_val: int = 0) -> RegressionProblem:
    """Many features, few samples: only ``n_informative`` weights are non-zero.

    Features are independent standard normals; the informative weights are
    drawn from +-(1 to 2). With ``n_features`` close to ``n_train`` plain least
    squares fits the noise, and held-out data from the same source shows it:
    ``n_val`` validation samples (to choose lambda on; none by default) and
    ``n_test`` test samples (to report on, once). With ``n_val = 0`` the data are
    those of earlier versions for the same seed.
    """
    n_train = positive_int(n_train, "n_train", minimum=2)
    n_test = positive_int(n_test, "n_test")
    n_val = positive_int(n_val, "n_val", minimum=0)
    p = positive_int(n_features, "n_features")
    k = positive_int(n_informative, "n_informative", minimum=0)
    if k > p:
        raise ValueError(f"n_informative ({k}) cannot exceed n_features ({p})")
    noise = scalar(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(seed)
    w_true = np.zeros(p)
    w_true[:k] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(1.0, 2.0, size=k)
    total = n_train + n_val + n_test
    X = rng.standard_normal((total, p))
    y = X @ w_true + noise * rng.standard_normal(total)
    held = n_train + n_val
    val = dict(X_val=X[n_train:held], y_val=y[n_train:held]) if n_val else {}
    return RegressionProblem(X=X[:n_train], y=y[:n_train], true_weights=w_true,
                             X_test=X[held:], y_test=y[held:], **val)
