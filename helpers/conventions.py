"""Every conversion between the course's penalty constants and other libraries' (one place).

Introduced in notebook 04 (weight decay: "library conventions checked in
code") and used again in notebook 05 (scikit-learn's Lasso and ElasticNet).
The course's objective, bias not penalized:

    J(w, b) = MSE(Xw + b, y) + l2 * sum(w**2) + l1 * sum(|w|)

- scikit-learn: ``Lasso``, ``Ridge``, ``ElasticNet`` (alpha, l1_ratio), both ways;
- PyTorch: ``torch.optim.SGD(weight_decay=...)``;
- Keras: ``regularizers.l2(l)`` and ``regularizers.l1(l)``;
- d2l ("Dive into Deep Learning", section Weight Decay): its lambda and learning rate.

Each function takes a number (the scikit-learn ones also a 1-D array) and
checks it; the optimizers that retrace these libraries' updates live in
:mod:`helpers.optimizers`, and :func:`check_deep_learning_conventions` runs them at
the converted constants against the course's own runs (notebook 04, section 7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import float_if_scalar, nonnegative_values, positive_int, scalar

__all__ = [
    "sklearn_lasso_alpha", "l1_from_sklearn_lasso_alpha",
    "sklearn_ridge_alpha", "l2_from_sklearn_ridge_alpha",
    "sklearn_elastic_net_params", "penalties_from_sklearn_elastic_net",
    "torch_sgd_weight_decay", "keras_l2", "keras_l1", "d2l_lambda", "d2l_learning_rate",
    "ConventionCheck", "check_deep_learning_conventions",
]


# --------------------------------------------------------------------------- scikit-learn

def sklearn_lasso_alpha(l1):
    """scikit-learn Lasso's alpha for the course's l1.

    Lasso minimizes (1/(2n))||r||^2 + alpha*||w||_1, which is half of the
    course's (1/n)||r||^2 + l1*||w||_1 when alpha = l1/2.
    """
    return float_if_scalar(nonnegative_values(l1, "l1") * 0.5)


def l1_from_sklearn_lasso_alpha(alpha):
    """The course's l1 for scikit-learn Lasso's alpha: l1 = 2*alpha."""
    return float_if_scalar(nonnegative_values(alpha, "alpha") * 2.0)


def sklearn_ridge_alpha(l2, n_samples):
    """scikit-learn Ridge's alpha for the course's l2.

    Ridge minimizes ||r||^2 + alpha*||w||^2, which is n times the course's
    (1/n)||r||^2 + l2*||w||^2 when alpha = n*l2.
    """
    return float_if_scalar(nonnegative_values(l2, "l2") * float(positive_int(n_samples, "n_samples")))


def l2_from_sklearn_ridge_alpha(alpha, n_samples):
    """The course's l2 for scikit-learn Ridge's alpha: l2 = alpha/n."""
    return float_if_scalar(nonnegative_values(alpha, "alpha") * (1.0 / positive_int(n_samples, "n_samples")))


def sklearn_elastic_net_params(l1, l2):
    """scikit-learn ElasticNet's ``(alpha, l1_ratio)`` for the course's (l1, l2).

    ElasticNet minimizes (1/(2n))||r||^2 + alpha*r*||w||_1 + alpha*(1-r)/2*||w||^2,
    half of J when alpha*r = l1/2 and alpha*(1-r) = l2: alpha = l1/2 + l2,
    l1_ratio = (l1/2)/alpha. Both zero (least squares) raises: ElasticNet
    needs alpha > 0 to define l1_ratio. Arrays of equal length work elementwise.
    """
    l1 = nonnegative_values(l1, "l1")
    l2 = nonnegative_values(l2, "l2")
    alpha = l1 / 2.0 + l2
    if np.any(alpha == 0):
        raise ValueError("l1 and l2 are both 0 (least squares): ElasticNet has no l1_ratio for alpha = 0")
    return float_if_scalar(alpha), float_if_scalar(l1 / 2.0 / alpha)


def penalties_from_sklearn_elastic_net(alpha, l1_ratio):
    """The course's ``(l1, l2)`` for ElasticNet(alpha, l1_ratio): l1 = 2*alpha*r, l2 = alpha*(1 - r)."""
    alpha = nonnegative_values(alpha, "alpha")
    r = nonnegative_values(l1_ratio, "l1_ratio")
    if np.any(r > 1):
        raise ValueError(f"l1_ratio must lie in [0, 1]; got {r.max():g}")
    return float_if_scalar(2.0 * alpha * r), float_if_scalar(alpha * (1.0 - r))


# --------------------------------------------------------------------------- deep-learning libraries

def torch_sgd_weight_decay(l2):
    """PyTorch SGD's weight_decay for the course's l2: it adds wd*w to the MSE gradient, so wd = 2*l2."""
    return 2.0 * scalar(l2, "l2", minimum=0.0)


def keras_l2(l2):
    """Keras ``regularizers.l2(l)`` adds l*sum(w^2) to the (mean squared error) loss: l = l2."""
    return scalar(l2, "l2", minimum=0.0)


def keras_l1(l1):
    """Keras ``regularizers.l1(l)`` adds l*sum(|w|) to the loss: l = the course's alpha (l1)."""
    return scalar(l1, "l1", minimum=0.0)


def d2l_lambda(l2):
    """d2l minimizes (1/n) sum (1/2) r^2 + (lambda/2)||w||^2 = J/2 when lambda = l2: same minimizer."""
    return scalar(l2, "l2", minimum=0.0)


def d2l_learning_rate(lr):
    """d2l's objective is half the course's, so its gradient is half: the same steps need 2*lr."""
    return 2.0 * scalar(lr, "lr", minimum=0.0, strict=True)


# --------------------------------------------------------------------------- the conversions, checked

@dataclass(frozen=True)
class ConventionCheck:
    """One library's setting for the course's lambda, run, and compared with what it should equal.

    ``difference`` is the largest absolute difference between ``got`` and ``expected``
    (iterates or weights); ``compared_with`` says what the expected numbers are.
    """

    library: str
    setting: str
    compared_with: str
    difference: float
    got: np.ndarray
    expected: np.ndarray


def check_deep_learning_conventions(X, y, *, l2, lr, steps, w0) -> tuple[ConventionCheck, ...]:
    """Run PyTorch's, Keras's and d2l's documented updates or losses at the converted constants.

    On data ``X, y`` without intercept (centered), from ``w0``, for the course's ``l2``
    and learning rate ``lr``, and compare each with the course: PyTorch SGD with
    weight_decay = 2*l2 and d2l (lambda = l2, learning rate 2*lr) step by step with the
    course's gradient descent; Keras's loss MSE + l*sum(w^2) at l = l2, minimized by
    SciPy, with the course's ridge minimizer; and the classic slip, PyTorch with
    weight_decay = l2, with the ridge minimizer for l2/2, where it really ends. The
    libraries themselves are not needed: their documented rules are written out in
    :mod:`helpers.optimizers`.
    """
    from scipy.optimize import minimize

    from helpers import optimizers as opt
    from helpers.descent import gradient_descent
    from helpers.paths import ridge_path

    l2 = scalar(l2, "l2", minimum=0.0)
    lr = scalar(lr, "lr", minimum=0.0, strict=True)
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    common = dict(w0=w0, fit_intercept=False)
    course = gradient_descent(X, y, lr=lr, steps=steps, l2=l2, **common).weights
    ridge = ridge_path(X, y, [l2], fit_intercept=False)[0][0]
    half = ridge_path(X, y, [l2 / 2], fit_intercept=False)[0][0]
    wd = torch_sgd_weight_decay(l2)
    torch_run = opt.torch_sgd(X, y, lr=lr, steps=steps, weight_decay=wd, **common).weights
    slip = opt.torch_sgd(X, y, lr=lr, steps=steps, weight_decay=l2, **common).weights
    keras_l = keras_l2(l2)
    keras = minimize(lambda v: np.mean((X @ v - y) ** 2) + keras_l * np.sum(v ** 2), np.zeros(X.shape[1]),
                     method="BFGS", options={"gtol": 1e-10}).x
    d2l_run = opt.d2l_sgd(X, y, lr=d2l_learning_rate(lr), steps=steps, lambd=d2l_lambda(l2), **common).weights

    def row(library, setting, compared_with, got, expected):
        got, expected = np.asarray(got, float), np.asarray(expected, float)
        return ConventionCheck(library, setting, compared_with, float(np.abs(got - expected).max()), got, expected)

    return (
        row("PyTorch SGD", f"weight_decay = 2λ = {wd:g}", f"the course's run, all {steps} steps",
            torch_run, course),
        row("Keras", f"regularizers.l2({keras_l:g}), l = λ", "the course's ridge minimizer", keras, ridge),
        row("d2l", f"λ_d2l = λ = {d2l_lambda(l2):g}, learning rate 2η = {d2l_learning_rate(lr):g}",
            f"the course's run, all {steps} steps", d2l_run, course),
        row("PyTorch SGD (slip)", f"weight_decay = λ = {l2:g}, the 2 forgotten",
            "the ridge minimizer for λ/2 (where it really ends)", slip[-1], half),
    )
