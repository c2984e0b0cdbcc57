"""Optimizers with weight decay: SGD, Adam(W), PyTorch's and d2l's updates (04_weight_decay).

Introduced in notebook 04 (weight decay).

- Full-batch SGD and Adam on the course's objective
  J(w, b) = MSE(Xw + b, y) + l2 * sum(w^2), with the penalty either *in the loss*
  (``l2``: its gradient 2*l2*w goes through the optimizer) or as *decoupled weight
  decay* (``weight_decay``: w <- w - lr*weight_decay*w next to the optimizer's
  step, as in PyTorch's AdamW; Loshchilov and Hutter, "Decoupled Weight Decay
  Regularization", ICLR 2019). For SGD the two agree when weight_decay = 2*l2;
  for Adam they do not: Adam with ``l2`` heads for the minimizer of J, AdamW (constant
  lr) for the least-squares fit restricted to the box |w_i| <= 1/weight_decay (Xie and
  Li, "Implicit Bias of AdamW: l_inf Norm Constrained Optimization", ICML 2024), which
  is the least-squares fit itself only when weight_decay*|w_LS,i| < 1 for every weight.
- :func:`torch_sgd`: PyTorch's documented ``torch.optim.SGD`` update (momentum 0),
  written out in numpy (PyTorch itself is not needed).
- :func:`shrinkage_factor`: what one L2 step multiplies a weight by.
- :func:`run_outcome`: what a run of iterates does at its end, measured (settled,
  still approaching, moving away, not settling, diverged), so that a readout
  only says what holds for the run it describes.

The conversions to other libraries' constants are in :mod:`helpers.conventions`;
the generated problems these run on are in :mod:`helpers.synthetic`.

The bias is never penalized or decayed (in PyTorch: put it in a parameter group
with ``weight_decay=0``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from helpers._checks import as_matrix, as_vector, positive_int, same_length, scalar

__all__ = ["OptimizerPath", "RunOutcome", "sgd", "adam", "torch_sgd", "d2l_sgd", "shrinkage_factor",
           "run_outcome"]


@dataclass(frozen=True)
class OptimizerPath:
    """Every iterate of an optimizer: ``weights`` (steps+1, n_features), ``intercepts`` (steps+1,)."""

    weights: np.ndarray
    intercepts: np.ndarray


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
    steps = positive_int(steps, "steps")
    l2 = scalar(l2, "l2", minimum=0.0)
    weight_decay = scalar(weight_decay, "weight_decay", minimum=0.0)
    w = np.zeros(X.shape[1]) if w0 is None else as_vector(w0, "w0").copy()
    if w.size != X.shape[1]:
        raise ValueError(f"w0 must have one entry per feature ({X.shape[1]}); got {w.size}")
    b = scalar(b0, "b0")
    return X, y, lr, steps, l2, weight_decay, w, b


def _loss_gradient(X, y, w, b, l2, fit_intercept):
    """Gradient of MSE + l2*sum(w^2) (the penalty in the loss), bias part 0 without intercept.

    The same formula as :func:`helpers.penalties.objective_grad` (tests check they agree),
    without its input checks: ``_run`` calls it once per step on checked inputs, and long
    runs (AdamW over 20,000 steps in notebook 04) would spend most of their time checking.
    """
    r = X @ w + b - y
    scale = 2.0 / y.size
    gw = scale * (r @ X) + 2.0 * l2 * w
    return gw, (scale * r.sum() if fit_intercept else 0.0)


def _run(step, X, y, lr, steps, l2, w, b, fit_intercept):
    weights = np.empty((steps + 1, w.size))
    intercepts = np.empty(steps + 1)
    weights[0], intercepts[0] = w, b
    isfinite = np.isfinite
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported just below
        for t in range(1, steps + 1):
            gw, gb = _loss_gradient(X, y, w, b, l2, fit_intercept)
            w, b = step(t, w, b, gw, gb)
            if not isfinite(w.sum() + b):  # NaN or inf anywhere makes the sum so
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


# --------------------------------------------------------------------------- how a run ends

RUN_STATUSES = ("settled", "approaching", "moving away", "not settling", "diverged")


@dataclass(frozen=True)
class RunOutcome:
    """What the last ``window`` steps of a run did, measured against a target point.

    ``status`` is one of :data:`RUN_STATUSES`:

    - ``"settled"``: every one of the last ``window`` iterates is within ``tol`` of the target;
    - ``"approaching"``: not settled, but each of those steps ended closer than the one before;
    - ``"moving away"``: each of those steps ended farther than the one before;
    - ``"not settling"``: neither (it oscillates, chatters or cycles; ``band`` says how far);
    - ``"diverged"``: the run was stopped at step ``diverged_at`` (only the iterates before count).

    ``distance`` is the last iterate's distance to the target, ``start_distance`` the first's,
    ``band`` the (smallest, largest) distance over the window, ``last_step`` the largest step
    taken within it.
    """

    status: str
    distance: float
    start_distance: float
    band: tuple[float, float]
    last_step: float
    window: int
    diverged_at: int = -1

    @property
    def ends_farther_than_it_started(self) -> bool:
        return self.distance > self.start_distance


def run_outcome(weights, target, *, diverged_at: int = -1, window: int = 10,
                tol: float = 1e-3) -> RunOutcome:
    """Measure how a run of iterates ends relative to ``target`` (say, the minimizer of J).

    ``weights`` is (k, p): every iterate, the start first. With ``diverged_at >= 0`` only
    the iterates before that step are measured and the status is ``"diverged"``. A claim
    about a run (converges, chatters, flails) made from this holds for the run measured;
    it says nothing about more steps than were taken.
    """
    W = np.asarray(weights, dtype=float)
    if W.ndim != 2 or W.shape[0] < 1:
        raise ValueError(f"weights must be a (k, p) array of iterates with k >= 1; got shape {W.shape}")
    target = as_vector(target, "target")
    if target.size != W.shape[1]:
        raise ValueError(f"target must have one entry per weight ({W.shape[1]}); got {target.size}")
    window = positive_int(window, "window", minimum=2)
    tol = scalar(tol, "tol", minimum=0.0, strict=True)
    if isinstance(diverged_at, bool) or int(diverged_at) != diverged_at:
        raise ValueError(f"diverged_at must be an integer step (-1 if the run did not diverge); got {diverged_at!r}")
    diverged_at = int(diverged_at)
    if diverged_at >= 0:
        W = W[:max(diverged_at, 1)]
    if not np.all(np.isfinite(W)):
        raise ValueError("weights must be finite (cut a diverged run where it left, see diverged_at)")
    distance = np.linalg.norm(W - target, axis=1)
    tail = distance[-window:]
    steps = np.linalg.norm(np.diff(W[-window - 1:], axis=0), axis=1) if len(W) > 1 else np.zeros(1)
    if diverged_at >= 0:
        status = "diverged"
    elif tail.max() <= tol:
        status = "settled"
    elif len(tail) > 1 and np.all(np.diff(tail) < 0):
        status = "approaching"
    elif len(tail) > 1 and np.all(np.diff(tail) > 0):
        status = "moving away"
    else:
        status = "not settling"
    return RunOutcome(status=status, distance=float(distance[-1]), start_distance=float(distance[0]),
                      band=(float(tail.min()), float(tail.max())), last_step=float(steps.max()),
                      window=window, diverged_at=diverged_at)
