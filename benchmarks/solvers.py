"""Timing of the regularization solvers (helpers.paths and helpers.descent, notebooks 04 and 05).

Run from the repository root:  .venv/bin/python benchmarks/solvers.py

Prints medians of repeated runs (no assertion; tests never time anything):
1. lasso_path on the diabetes data (442 x 10, standardized), 100 values of l1,
   against scikit-learn's lasso_path at the converted alphas (same data, centered);
2. gradient_descent over 50 values of l1 in one vectorized call against a
   Python loop of 50 scalar calls.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import conventions, descent, paths  # noqa: E402


def median_seconds(fn, repeat: int, number: int = 1) -> float:
    return float(np.median(timeit.repeat(fn, repeat=repeat, number=number))) / number


def diabetes_standardized():
    from sklearn.datasets import load_diabetes

    d = load_diabetes(scaled=False)
    return (d.data - d.data.mean(axis=0)) / d.data.std(axis=0), d.target.astype(float)


def bench_lasso_path(repeat: int = 50) -> dict:
    from sklearn.linear_model import lasso_path as sklearn_lasso_path

    X, y = diabetes_standardized()
    l1_max = paths.lasso_knots(X, y).l1_max
    l1_values = np.geomspace(l1_max, 1e-3 * l1_max, 100)
    alphas = conventions.sklearn_lasso_alpha(l1_values)

    def ours():
        paths.lasso_path(X, y, l1_values)

    def sklearn():  # sklearn's lasso_path fits no intercept: centering is part of the job
        sklearn_lasso_path(X - X.mean(axis=0), y - y.mean(), alphas=alphas)

    ours(), sklearn()  # warm up
    t_ours, t_sklearn = median_seconds(ours, repeat), median_seconds(sklearn, repeat)
    return {"ours": t_ours, "sklearn": t_sklearn, "ratio": t_ours / t_sklearn}


def bench_gradient_descent(repeat: int = 7, n_values: int = 50, steps: int = 500) -> dict:
    X, y = diabetes_standardized()
    lr = 0.5 * descent.stable_learning_rate(X)
    l1_values = np.linspace(0.0, 5.0, n_values)

    def vectorized():
        descent.gradient_descent(X, y, lr=lr, steps=steps, l1=l1_values, l1_method="proximal")

    def loop():
        for l1 in l1_values:
            descent.gradient_descent(X, y, lr=lr, steps=steps, l1=float(l1), l1_method="proximal")

    vectorized()
    t_vec, t_loop = median_seconds(vectorized, repeat), median_seconds(loop, repeat)
    return {"vectorized": t_vec, "loop": t_loop, "ratio": t_vec / t_loop}


def main() -> None:
    lasso = bench_lasso_path()
    print("lasso_path, diabetes 442x10 standardized, 100 values of l1 (median of 50 runs)")
    print(f"  helpers.paths.lasso_path : {lasso['ours'] * 1e3:8.3f} ms")
    print(f"  sklearn.linear_model.lasso_path   : {lasso['sklearn'] * 1e3:8.3f} ms")
    print(f"  ratio ours / sklearn              : {lasso['ratio']:8.3f}")
    gd = bench_gradient_descent()
    print("gradient_descent, diabetes, 50 values of l1, 500 steps, proximal (median of 7 runs)")
    print(f"  one vectorized call               : {gd['vectorized'] * 1e3:8.1f} ms")
    print(f"  Python loop of 50 scalar calls    : {gd['loop'] * 1e3:8.1f} ms")
    print(f"  ratio vectorized / loop           : {gd['ratio']:8.3f}")


if __name__ == "__main__":
    main()
