"""L1 and L2 as priors: the most probable weights (MAP) under Gaussian noise.

Introduced in notebook 05 (sparsity, section 5: the Bayesian view). Model:
y = Xw + b + noise, noise ~ N(0, sigma^2) independently, a flat prior on the
bias b, and independent priors on the weights:

- Laplace, p(w_j) = exp(-|w_j| / scale) / (2 scale): the MAP estimate is the
  lasso with alpha = 2 sigma^2 / (n scale);
- Gaussian, p(w_j) = exp(-w_j^2 / (2 scale^2)) / sqrt(2 pi scale^2): the MAP
  estimate is ridge with lambda = sigma^2 / (n scale^2).

Both follow from -log p(w, b | y) = (n / (2 sigma^2)) * J(w, b) + constant,
with J the course's objective (:func:`helpers.penalties.objective`).
"""

from __future__ import annotations

import numpy as np

from helpers._checks import as_matrix, as_vector, choice, positive_int, same_length, scalar

__all__ = ["PRIORS", "map_penalty", "minus_log_posterior"]

PRIORS = ("laplace", "gaussian")


def map_penalty(prior: str, *, sigma, scale, n_samples):
    """The course's penalty whose minimizer is the MAP estimate: ``alpha`` (Laplace) or ``lambda`` (Gaussian).

    ``sigma`` is the noise's standard deviation, ``scale`` the prior's (beta for
    Laplace, tau for Gaussian; notebook 05 keeps b for the bias), ``n_samples`` the number of rows.
    """
    choice(prior, "prior", PRIORS)
    sigma = scalar(sigma, "sigma", minimum=0.0, strict=True)
    scale = scalar(scale, "scale", minimum=0.0, strict=True)
    n = positive_int(n_samples, "n_samples")
    if prior == "laplace":
        return 2.0 * sigma**2 / (n * scale)
    return sigma**2 / (n * scale**2)


def minus_log_posterior(X, y, w, b, *, prior: str, sigma, scale) -> float:
    """-log p(w, b | y) up to a constant that does not depend on (w, b), in full.

    The Gaussian likelihood and the prior's log density are written out with
    their normalizing constants (the flat prior on b contributes nothing), so
    the value is -log p(y | w, b) - log p(w); the evidence p(y) is the only
    term left out.
    """
    X = as_matrix(X, "X")
    y = as_vector(y, "y")
    same_length(X, y, "X", "y")
    w = as_vector(w, "w")
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have one entry per feature ({X.shape[1]}); got {w.shape[0]}")
    b = scalar(b, "b")
    choice(prior, "prior", PRIORS)
    sigma = scalar(sigma, "sigma", minimum=0.0, strict=True)
    scale = scalar(scale, "scale", minimum=0.0, strict=True)
    n, p = X.shape
    r = y - X @ w - b
    likelihood = (r @ r) / (2.0 * sigma**2) + n * np.log(np.sqrt(2.0 * np.pi) * sigma)
    if prior == "laplace":
        log_prior = np.abs(w).sum() / scale + p * np.log(2.0 * scale)
    else:
        log_prior = (w @ w) / (2.0 * scale**2) + p * np.log(np.sqrt(2.0 * np.pi) * scale)
    return float(likelihood + log_prior)
