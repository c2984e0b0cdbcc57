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
:mod:`helpers.optimizers`.
"""

from __future__ import annotations

import numpy as np

from helpers._checks import float_if_scalar, nonnegative_values, positive_int, scalar

__all__ = [
    "sklearn_lasso_alpha", "l1_from_sklearn_lasso_alpha",
    "sklearn_ridge_alpha", "l2_from_sklearn_ridge_alpha",
    "sklearn_elastic_net_params", "penalties_from_sklearn_elastic_net",
    "torch_sgd_weight_decay", "keras_l2", "keras_l1", "d2l_lambda", "d2l_learning_rate",
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
