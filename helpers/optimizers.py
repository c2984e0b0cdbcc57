"""Optimizers, weight decay and the libraries' lambda conventions (04_weight_decay).

- Small generated regression problems: :func:`two_feature_problem` (for pictures
  of weight space) and :func:`overfitting_problem` (many features, few samples).
- Full-batch SGD and Adam on the course's objective
  J(w, b) = MSE(Xw + b, y) + l2 * sum(w^2), with the penalty either *in the loss*
  (``l2``: its gradient 2*l2*w goes through the optimizer) or as *decoupled weight
  decay* (``weight_decay``: w <- w - lr*weight_decay*w next to the optimizer's
  step, as in PyTorch's AdamW; Loshchilov and Hutter, "Decoupled Weight Decay
  Regularization", ICLR 2019). For SGD the two agree when weight_decay = 2*l2;
  for Adam they do not.
- :func:`torch_sgd`: PyTorch's documented ``torch.optim.SGD`` update (momentum 0),
  written out in numpy (PyTorch itself is not needed).
- Conversions from the course's ``l2`` and ``l1`` to the constants other
  libraries expect (scikit-learn's live in :mod:`helpers.regularization`).

The bias is never penalized or decayed (in PyTorch: put it in a parameter group
with ``weight_decay=0``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import as_matrix, as_vector, same_length, scalar
from helpers.regularization import objective_grad

__all__ = [
    "RegressionProblem",
    "OptimizerPath",
    "two_feature_problem",
    "overfitting_problem",
    "sgd",
    "adam",
    "torch_sgd",
    "d2l_sgd",
    "shrinkage_factor",
    "torch_sgd_weight_decay",
    "keras_l2",
    "keras_l1",
    "d2l_lambda",
    "d2l_learning_rate",
]


@dataclass(frozen=True)
class RegressionProblem:
    """Training data ``X, y`` (and held-out ``X_test, y_test`` when made) plus the true weights."""

    X: np.ndarray
    y: np.ndarray
    true_weights: np.ndarray
    X_test: np.ndarray | None = None
    y_test: np.ndarray | None = None


@dataclass(frozen=True)
class OptimizerPath:
    """Every iterate of an optimizer: ``weights`` (steps+1, n_features), ``intercepts`` (steps+1,)."""

    weights: np.ndarray
    intercepts: np.ndarray


def two_feature_problem(*, seed: int, n_samples: int = 40, correlation: float = 0.5,
                        true_weights=(1.5, 0.25), noise: float = 0.5) -> RegressionProblem:
    """Two correlated standardized features, centered y; the bias is 0, so (w1, w2) tells all.

    The columns of ``X`` have mean 0 and variance 1 exactly and their sample
    correlation is ``correlation`` exactly, so the loss contours are ellipses
    whose shape the learner can predict; ``y`` is centered too.
    """
    n = int(scalar(n_samples, "n_samples", minimum=3))
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
                        noise: float = 1.0) -> RegressionProblem:
    """Many features, few samples: only ``n_informative`` weights are non-zero.

    Features are independent standard normals; the informative weights are
    drawn from +-(1 to 2). With ``n_features`` close to ``n_train`` plain least
    squares fits the noise, and a test set from the same source shows it.
    """
    n_train = int(scalar(n_train, "n_train", minimum=2))
    n_test = int(scalar(n_test, "n_test", minimum=1))
    p = int(scalar(n_features, "n_features", minimum=1))
    k = int(scalar(n_informative, "n_informative", minimum=0))
    if k > p:
        raise ValueError(f"n_informative ({k}) cannot exceed n_features ({p})")
    noise = scalar(noise, "noise", minimum=0.0)
    rng = np.random.default_rng(seed)
    w_true = np.zeros(p)
    w_true[:k] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(1.0, 2.0, size=k)
    X = rng.standard_normal((n_train + n_test, p))
    y = X @ w_true + noise * rng.standard_normal(n_train + n_test)
    return RegressionProblem(X=X[:n_train], y=y[:n_train], true_weights=w_true,
                             X_test=X[n_train:], y_test=y[n_train:])


def shrinkage_factor(lr, l2):
    """1 - 2*lr*l2: what one L2 step multiplies a weight by before the loss gradient acts.

    Negative when 2*lr*l2 > 1: the penalty part then flips the weight's sign each step.
    """
    lr = scalar(lr, "lr", minimum=0.0)
    l2 = np.asarray(l2, dtype=float)
    if np.any(l2 < 0) or not np.all(np.isfinite(l2)):
        raise ValueError("l2 must be finite and >= 0 (a penalty strength)")
    result = 1.0 - 2.0 * lr * l2
    return float(result) if result.ndim == 0 else result


def _setup(X, y, lr, steps, l2, weight_decay, w0, b0):
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    lr = scalar(lr, "lr", minimum=0.0, strict=True)
    steps = int(scalar(steps, "steps", minimum=0))
    l2 = scalar(l2, "l2", minimum=0.0)
    weight_decay = scalar(weight_decay, "weight_decay", minimum=0.0)
    w = np.zeros(X.shape[1]) if w0 is None else as_vector(w0, "w0").copy()
    if w.size != X.shape[1]:
        raise ValueError(f"w0 must have one entry per feature ({X.shape[1]}); got {w.size}")
    b = scalar(b0, "b0")
    return X, y, lr, steps, l2, weight_decay, w, b


def _loss_gradient(X, y, w, b, l2, fit_intercept):
    """Gradient of MSE + l2*sum(w^2) (the penalty in the loss), bias part 0 without intercept."""
    gw, gb = objective_grad(X, y, w, b, l2=l2)
    return gw, (gb if fit_intercept else 0.0)


def _run(step, X, y, lr, steps, l2, w, b, fit_intercept):
    weights = np.empty((steps + 1, w.size))
    intercepts = np.empty(steps + 1)
    weights[0], intercepts[0] = w, b
    for t in range(1, steps + 1):
        gw, gb = _loss_gradient(X, y, w, b, l2, fit_intercept)
        with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported just below
            w, b = step(t, w, b, gw, gb)
        if not (np.all(np.isfinite(w)) and np.isfinite(b)):
            raise ValueError(f"the optimizer diverged at step {t} (lr={lr:g} is too large)")
        weights[t], intercepts[t] = w, b
    return OptimizerPath(weights=weights, intercepts=intercepts)


def sgd(X, y, *, lr, steps, l2=0.0, weight_decay=0.0, w0=None, b0=0.0,
        fit_intercept: bool = True) -> OptimizerPath:
    """Full-batch SGD: w <- (1 - lr*weight_decay)*w - lr*(dMSE/dw + 2*l2*w).

    ``l2`` is the course's penalty in the loss; ``weight_decay`` shrinks the
    weights directly (decoupled). The two give the same iterates when
    weight_decay = 2*l2. Raises ValueError if the iterates overflow.
    """
    X, y, lr, steps, l2, wd, w, b = _setup(X, y, lr, steps, l2, weight_decay, w0, b0)

    def step(t, w, b, gw, gb):
        return (1.0 - lr * wd) * w - lr * gw, b - lr * gb

    return _run(step, X, y, lr, steps, l2, w, b, fit_intercept)


def adam(X, y, *, lr, steps, l2=0.0, weight_decay=0.0, betas=(0.9, 0.999), eps=1e-8,
         w0=None, b0=0.0, fit_intercept: bool = True) -> OptimizerPath:
    """Full-batch Adam (Kingma and Ba 2015); with ``weight_decay`` it is AdamW.

    The gradient g = dMSE/dw + 2*l2*w (L2 in the loss) is normalized by Adam's
    running moments: w <- w - lr*m_hat/(sqrt(v_hat) + eps). Decoupled decay
    (PyTorch's AdamW) shrinks outside that normalization: first
    w <- (1 - lr*weight_decay)*w. Raises ValueError if the iterates overflow.
    """
    X, y, lr, steps, l2, wd, w, b = _setup(X, y, lr, steps, l2, weight_decay, w0, b0)
    beta1, beta2 = (scalar(v, "betas") for v in betas)
    if not (0.0 <= beta1 < 1.0 and 0.0 <= beta2 < 1.0):
        raise ValueError(f"betas must lie in [0, 1); got ({beta1:g}, {beta2:g})")
    eps = scalar(eps, "eps", minimum=0.0, strict=True)
    m = np.zeros(w.size + 1)
    v = np.zeros(w.size + 1)

    def step(t, w, b, gw, gb):
        g = np.append(gw, gb)
        m[:] = beta1 * m + (1.0 - beta1) * g
        v[:] = beta2 * v + (1.0 - beta2) * g * g
        direction = (m / (1.0 - beta1 ** t)) / (np.sqrt(v / (1.0 - beta2 ** t)) + eps)
        new_w = (1.0 - lr * wd) * w - lr * direction[:-1]
        new_b = b - lr * direction[-1] if fit_intercept else b
        return new_w, new_b

    return _run(step, X, y, lr, steps, l2, w, b, fit_intercept)


def torch_sgd(X, y, *, lr, steps, weight_decay=0.0, w0=None, b0=0.0,
              fit_intercept: bool = True) -> OptimizerPath:
    """PyTorch's documented ``torch.optim.SGD`` (momentum=0) with ``nn.MSELoss()``.

    Per step: g <- grad of the MSE; g <- g + weight_decay*w; w <- w - lr*g
    (the bias in its own group with weight_decay=0). Written out literally so
    the course can check the conversion weight_decay = 2*l2 without PyTorch.
    """
    X, y, lr, steps, _, wd, w, b = _setup(X, y, lr, steps, 0.0, weight_decay, w0, b0)

    def step(t, w, b, gw, gb):
        g = gw + wd * w
        return w - lr * g, b - lr * gb

    return _run(step, X, y, lr, steps, 0.0, w, b, fit_intercept)


def d2l_sgd(X, y, *, lr, steps, lambd=0.0, w0=None, b0=0.0,
            fit_intercept: bool = True) -> OptimizerPath:
    """d2l's weight-decay training ("Dive into Deep Learning", section Weight Decay), full batch.

    d2l minimizes (1/n) sum (1/2)(x.w + b - y)^2 + (lambd/2)||w||^2 and steps
    w <- (1 - lr*lambd)*w - (lr/n) sum x (x.w + b - y). Written out literally; with
    lambd = l2 and lr = 2*eta it retraces the course's gradient descent at eta.
    """
    lambd = scalar(lambd, "lambd", minimum=0.0)
    X, y, lr, steps, _, _, w, b = _setup(X, y, lr, steps, 0.0, 0.0, w0, b0)
    n = X.shape[0]

    def step(t, w, b, gw, gb):  # d2l's own gradient, not the course's (it is half of it)
        r = X @ w + b - y
        new_b = b - (lr / n) * r.sum() if fit_intercept else b
        return (1.0 - lr * lambd) * w - (lr / n) * (X.T @ r), new_b

    return _run(step, X, y, lr, steps, 0.0, w, b, fit_intercept)


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
