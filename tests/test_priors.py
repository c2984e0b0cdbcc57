"""helpers.priors against SciPy's densities and scikit-learn's lasso and ridge."""

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import Lasso, Ridge

from helpers import penalties, priors
from tests.regression_problems import diabetes_standardized


def _scipy_minus_log_posterior(X, y, w, b, prior, sigma, scale):
    r = y - X @ w - b
    log_like = stats.norm.logpdf(r, scale=sigma).sum()
    log_prior = (stats.laplace.logpdf(w, scale=scale) if prior == "laplace"
                 else stats.norm.logpdf(w, scale=scale)).sum()
    return -(log_like + log_prior)


@pytest.mark.parametrize("prior, scale", [("laplace", 2.0), ("gaussian", 3.0)])
def test_minus_log_posterior_is_scipys_and_a_multiple_of_J(prior, scale):
    X, y, _ = diabetes_standardized()
    n = len(y)
    sigma = 50.0
    penalty = priors.map_penalty(prior, sigma=sigma, scale=scale, n_samples=n)
    rng = np.random.default_rng(0)
    gaps = []
    for _ in range(6):
        w, b = rng.normal(scale=5.0, size=X.shape[1]), rng.normal(150.0, 10.0)
        value = priors.minus_log_posterior(X, y, w, b, prior=prior, sigma=sigma, scale=scale)
        assert value == pytest.approx(_scipy_minus_log_posterior(X, y, w, b, prior, sigma, scale), rel=1e-12)
        l1, l2 = (penalty, 0.0) if prior == "laplace" else (0.0, penalty)
        J = penalties.objective(X, y, w, b, l1=l1, l2=l2)
        gaps.append(value - n / (2 * sigma**2) * J)
    np.testing.assert_allclose(gaps, gaps[0], rtol=1e-10)          # the same constant for every (w, b)


def test_the_map_estimates_are_scikit_learns_lasso_and_ridge():
    X, y, _ = diabetes_standardized()
    n, sigma = len(y), 50.0
    alpha = priors.map_penalty("laplace", sigma=sigma, scale=2.0, n_samples=n)
    lam = priors.map_penalty("gaussian", sigma=sigma, scale=3.0, n_samples=n)
    assert alpha == pytest.approx(2 * sigma**2 / (n * 2.0)) and lam == pytest.approx(sigma**2 / (n * 9.0))
    for prior, scale, model in (("laplace", 2.0, Lasso(alpha=alpha / 2, tol=1e-12, max_iter=200_000)),
                                ("gaussian", 3.0, Ridge(alpha=n * lam))):
        fit = model.fit(X, y)
        best = priors.minus_log_posterior(X, y, fit.coef_, fit.intercept_, prior=prior, sigma=sigma, scale=scale)
        rng = np.random.default_rng(1)
        for _ in range(20):
            w = fit.coef_ + 1e-2 * rng.normal(size=fit.coef_.size)
            assert priors.minus_log_posterior(X, y, w, fit.intercept_, prior=prior, sigma=sigma,
                                              scale=scale) > best


@pytest.mark.parametrize("call, match", [
    (lambda: priors.map_penalty("cauchy", sigma=1.0, scale=1.0, n_samples=10), "unknown prior"),
    (lambda: priors.map_penalty("laplace", sigma=0.0, scale=1.0, n_samples=10), "sigma"),
    (lambda: priors.map_penalty("laplace", sigma=1.0, scale=-1.0, n_samples=10), "scale"),
    (lambda: priors.map_penalty("gaussian", sigma=1.0, scale=1.0, n_samples=2.5), "n_samples"),
    (lambda: priors.minus_log_posterior(np.ones((3, 2)), np.ones(3), np.ones(3), 0.0, prior="laplace",
                                        sigma=1.0, scale=1.0), "one entry per feature"),
])
def test_bad_input_is_refused_with_a_clear_message(call, match):
    with pytest.raises(ValueError, match=match):
        call()
