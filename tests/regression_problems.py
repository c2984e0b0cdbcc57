"""Shared test problems and independent references for the tests of penalties, descent, paths, conventions.

Written with numpy (and scikit-learn's copy of the diabetes data) only, never
with the code under test.
"""

from __future__ import annotations

import numpy as np
import sklearn.datasets

# Efron, Hastie, Johnstone, Tibshirani (2004), "Least Angle Regression", Ann. Statist. 32(2),
# Fig. 1 / Table 1: variables 3, 9, 4, 7, 2, 10, 5, 8, 6, 1 enter in this order.
EFRON_ENTRY_ORDER = ["bmi", "s5", "bp", "s3", "sex", "s6", "s1", "s4", "s2", "age"]


def make_problem(seed=0, n=80, coef=(2.0, -1.0, 0.0, 0.0, 0.5), intercept=1.0, noise=0.3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(coef))) + rng.normal(size=len(coef))  # non-centered on purpose
    y = X @ np.asarray(coef) + intercept + noise * rng.normal(size=n)
    return X, y


def sparse_problem(seed, n, p, coef, noise):
    """Gaussian features, y built from the first len(coef) of them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X[:, : len(coef)] @ np.asarray(coef) + noise * rng.normal(size=n)


def l1_max_of(X, y):
    """(2/n) max|X_c^T y_c|: the smallest l1 giving all-zero lasso weights."""
    return (2 / len(y)) * np.max(np.abs((X - X.mean(axis=0)).T @ (y - y.mean())))


def diabetes_standardized():
    d = sklearn.datasets.load_diabetes(scaled=False)
    X = (d.data - d.data.mean(axis=0)) / d.data.std(axis=0)
    return X, d.target.astype(float), list(d.feature_names)


def course_objective(X, y, w, b, l1=0.0, l2=0.0):
    """The course's J written out directly, for reference."""
    r = X @ w + b - y
    return np.mean(r**2) + l2 * np.sum(w**2) + l1 * np.sum(np.abs(w))


def kkt_violation(X, y, w, b, l1):
    """Largest violation of the lasso optimality conditions of the course's J (b optimal too)."""
    n = len(y)
    r = y - X @ w - b
    grad = (2.0 / n) * X.T @ r                       # -dMSE/dw
    on = np.abs(grad - l1 * np.sign(w))
    off = np.maximum(np.abs(grad) - l1, 0.0)
    return max(np.max(np.where(w != 0, on, off)), abs(np.mean(r)))


def finite_diff_grad(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    g = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g
