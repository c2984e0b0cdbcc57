"""helpers.optimizers: SGD/Adam/AdamW, PyTorch and d2l updates, with the conversions of helpers.conventions.

References are independent of the code under test: the linear recurrence of
gradient descent on a quadratic written with numpy, scikit-learn's Ridge at the
documented alpha, SciPy minimizing each library's documented loss, and a
published property of Adam (its first step has size lr in every coordinate).
"""

import numpy as np
import pytest
import sklearn.linear_model as sklearn_linear
from scipy.optimize import lsq_linear, minimize

from helpers import conventions
from helpers import optimizers as opt
from helpers.synthetic import overfitting_problem, two_feature_problem


@pytest.fixture(scope="module")
def small():
    return two_feature_problem(seed=3)


@pytest.fixture(scope="module")
def wide():
    return overfitting_problem(seed=5, n_train=20, n_test=50, n_features=8, n_informative=3)


def gd_recurrence(X, y, *, lr, steps, l2, w0):
    """Gradient descent on MSE + l2*||w||^2 (no intercept) as the linear map w <- w - lr*(Hw - c)."""
    n = len(y)
    H = 2.0 / n * X.T @ X + 2.0 * l2 * np.eye(X.shape[1])
    c = 2.0 / n * X.T @ y
    w = np.array(w0, dtype=float)
    out = [w]
    for _ in range(steps):
        w = w - lr * (H @ w - c)
        out.append(w)
    return np.array(out)


def sklearn_ridge(X, y, l2, fit_intercept=False):
    """The ridge minimizer from scikit-learn: Ridge minimizes ||r||^2 + alpha||w||^2, alpha = n*l2."""
    model = sklearn_linear.Ridge(alpha=len(y) * l2, fit_intercept=fit_intercept).fit(X, y)
    return model.coef_, model.intercept_


# ------------------------------------------------------------------ SGD, PyTorch, d2l

def test_sgd_with_l2_in_the_loss_is_the_gradient_descent_recurrence(small):
    w0 = [-1.5, 2.0]
    path = opt.sgd(small.X, small.y, lr=0.1, steps=60, l2=0.4, w0=w0, fit_intercept=False)
    reference = gd_recurrence(small.X, small.y, lr=0.1, steps=60, l2=0.4, w0=w0)
    np.testing.assert_allclose(path.weights, reference, atol=1e-12)
    np.testing.assert_array_equal(path.intercepts, 0.0)


@pytest.mark.parametrize("l2", [0.0, 0.1, 0.7])
def test_sgd_decoupled_decay_equals_l2_in_the_loss_at_twice_the_value(small, l2):
    kw = dict(lr=0.15, steps=80, w0=[1.0, -2.0], fit_intercept=False)
    coupled = opt.sgd(small.X, small.y, l2=l2, **kw)
    decoupled = opt.sgd(small.X, small.y, weight_decay=2 * l2, **kw)
    np.testing.assert_allclose(coupled.weights, decoupled.weights, rtol=0, atol=1e-12)


@pytest.mark.parametrize("run", [
    lambda X, y: opt.sgd(X, y, lr=0.05, steps=4000, l2=0.3),
    lambda X, y: opt.torch_sgd(X, y, lr=0.05, steps=4000, weight_decay=0.6),  # bias undecayed
], ids=["sgd_l2", "torch_sgd"])
def test_with_intercept_converges_to_sklearn_ridge(wide, run):
    path = run(wide.X, wide.y)
    coef, intercept = sklearn_ridge(wide.X, wide.y, 0.3, fit_intercept=True)
    np.testing.assert_allclose(path.weights[-1], coef, atol=1e-8)
    assert path.intercepts[-1] == pytest.approx(intercept, abs=1e-8)


def test_torch_sgd_weight_decay_2l2_retraces_the_course_and_ends_at_ridge(small):
    l2 = 0.35
    wd = conventions.torch_sgd_weight_decay(l2)
    assert wd == pytest.approx(0.7)
    kw = dict(lr=0.1, steps=300, w0=[-1.0, 1.0], fit_intercept=False)
    torch_path = opt.torch_sgd(small.X, small.y, weight_decay=wd, **kw)
    reference = gd_recurrence(small.X, small.y, lr=0.1, steps=300, l2=l2, w0=[-1.0, 1.0])
    np.testing.assert_allclose(torch_path.weights, reference, atol=1e-12)
    np.testing.assert_allclose(torch_path.weights[-1], sklearn_ridge(small.X, small.y, l2)[0], atol=1e-10)


def test_d2l_update_at_twice_the_rate_retraces_the_course(small):
    lr, l2 = 0.08, 0.5
    d2l = opt.d2l_sgd(small.X, small.y, lr=conventions.d2l_learning_rate(lr), steps=100,
                      lambd=conventions.d2l_lambda(l2), w0=[2.0, -1.0], fit_intercept=False)
    reference = gd_recurrence(small.X, small.y, lr=lr, steps=100, l2=l2, w0=[2.0, -1.0])
    np.testing.assert_allclose(d2l.weights, reference, atol=1e-12)


def test_d2l_documented_objective_has_the_course_minimizer_at_lambda_equal_l2(wide):
    l2 = 0.25
    lam = conventions.d2l_lambda(l2)
    X, y = wide.X, wide.y

    def d2l_loss(v):  # (1/n) sum 1/2 (x.w + b - y)^2 + lambda/2 ||w||^2, as d2l writes it
        w, b = v[:-1], v[-1]
        return np.mean(0.5 * (X @ w + b - y) ** 2) + lam / 2 * np.sum(w ** 2)

    fit = minimize(d2l_loss, np.zeros(X.shape[1] + 1), method="BFGS", options={"gtol": 1e-11})
    coef, intercept = sklearn_ridge(X, y, l2, fit_intercept=True)
    np.testing.assert_allclose(fit.x[:-1], coef, atol=1e-6)
    assert fit.x[-1] == pytest.approx(intercept, abs=1e-6)


def test_keras_documented_losses_match_the_course_at_the_converted_constants(wide):
    X, y = wide.X, wide.y
    l2 = 0.2
    l_keras = conventions.keras_l2(l2)

    def keras_loss(v):  # loss="mse" plus regularizers.l2(l): l * sum(w^2) on the kernel only
        w, b = v[:-1], v[-1]
        return np.mean((X @ w + b - y) ** 2) + l_keras * np.sum(w ** 2)

    fit = minimize(keras_loss, np.zeros(X.shape[1] + 1), method="BFGS", options={"gtol": 1e-11})
    coef, _ = sklearn_ridge(X, y, l2, fit_intercept=True)
    np.testing.assert_allclose(fit.x[:-1], coef, atol=1e-6)
    # regularizers.l1(l) adds l*sum|w|: with l = alpha the loss is the course's J, whose
    # minimizer scikit-learn's Lasso gives at alpha/2.
    alpha = 0.3
    lasso = sklearn_linear.Lasso(alpha=alpha / 2, tol=1e-12, max_iter=200_000).fit(X, y)
    w, b = lasso.coef_, lasso.intercept_
    r = X @ w + b - y
    # Optimality of MSE + l*sum|w| at the Lasso solution: (2/n) X^T r = -l*sign(w) on the support.
    g = 2 / len(y) * X.T @ r
    support = w != 0
    np.testing.assert_allclose(g[support], -conventions.keras_l1(alpha) * np.sign(w[support]), atol=1e-6)
    assert np.all(np.abs(g[~support]) <= conventions.keras_l1(alpha) + 1e-6)


def test_shrinkage_factor_values_and_sign_flip():
    assert opt.shrinkage_factor(0.1, 0.5) == pytest.approx(0.9)
    assert opt.shrinkage_factor(0.2, 3.0) == pytest.approx(-0.2)
    np.testing.assert_allclose(opt.shrinkage_factor(0.25, np.array([0.0, 1.0, 4.0])), [1.0, 0.5, -1.0])


def test_shrinkage_factor_is_the_l2_step_on_a_weight_the_loss_ignores():
    # A feature that is identically 0 gives dL/dw = 0: only the penalty moves its weight.
    X = np.column_stack([np.linspace(-1, 1, 10), np.zeros(10)])
    y = X[:, 0].copy()
    path = opt.sgd(X, y, lr=0.2, steps=6, l2=3.0, w0=[0.0, 1.0], fit_intercept=False)
    np.testing.assert_allclose(path.weights[:, 1], (1 - 2 * 0.2 * 3.0) ** np.arange(7))
    assert np.all(np.diff(np.sign(path.weights[:, 1])) != 0)  # the sign flips every step


# ------------------------------------------------------------------ Adam and AdamW

def test_adam_first_step_has_size_lr_in_every_coordinate(small):
    """Kingma and Ba: with bias correction, step 1 is -lr*g/|g| (eps aside)."""
    w0 = np.array([-1.5, 2.0])
    path = opt.adam(small.X, small.y, lr=0.05, steps=1, w0=w0, fit_intercept=False)
    n = len(small.y)
    g = 2 / n * small.X.T @ (small.X @ w0 - small.y)
    np.testing.assert_allclose(path.weights[1], w0 - 0.05 * np.sign(g), atol=1e-8)


def test_adamw_first_step_decays_then_steps(small):
    w0 = np.array([-1.5, 2.0])
    path = opt.adam(small.X, small.y, lr=0.05, steps=1, weight_decay=0.6, w0=w0,
                    fit_intercept=False)
    g = 2 / len(small.y) * small.X.T @ (small.X @ w0 - small.y)
    np.testing.assert_allclose(path.weights[1], (1 - 0.05 * 0.6) * w0 - 0.05 * np.sign(g), atol=1e-8)


def test_adam_with_l2_in_the_loss_minimizes_j_adamw_does_not(small):
    kw = dict(lr=0.05, steps=500, w0=[-1.5, 2.0], fit_intercept=False)
    l2 = 0.3
    coupled = opt.adam(small.X, small.y, l2=l2, **kw)
    decoupled = opt.adam(small.X, small.y, weight_decay=2 * l2, **kw)
    ridge = sklearn_ridge(small.X, small.y, l2)[0]
    np.testing.assert_allclose(coupled.weights[-1], ridge, atol=1e-4)
    assert np.linalg.norm(decoupled.weights[-1] - ridge) > 0.05
    assert np.abs(coupled.weights - decoupled.weights).max() > 0.1


@pytest.mark.parametrize("weight_decay, steps", [(1.0, 10_000), (2.0, 3_000)])
def test_adamw_with_a_large_decay_ends_at_least_squares_in_the_box(weight_decay, steps):
    """AdamW's rest points solve least squares restricted to |w_i| <= 1/wd (Xie and Li, ICML 2024).

    On notebook 04's data wd*|w_LS,1| > 1 for these decays, so AdamW (constant lr) does not
    head for the least-squares fit: it stops at the box, found here by SciPy's lsq_linear,
    a point that is neither least squares nor on the ridge path.
    """
    problem = two_feature_problem(seed=4)
    X, y = problem.X, problem.y
    path = opt.adam(X, y, lr=0.05, steps=steps, weight_decay=weight_decay, w0=[-1.5, 2.0],
                    fit_intercept=False).weights
    box = lsq_linear(X, y, bounds=(-1 / weight_decay, 1 / weight_decay)).x
    least_squares = np.linalg.lstsq(X, y, rcond=None)[0]
    assert weight_decay * np.abs(least_squares).max() > 1
    np.testing.assert_allclose(path[-1], box, atol=5e-3)
    assert np.isclose(np.abs(box).max(), 1 / weight_decay)              # on the box's edge
    n = len(y)
    ridge = [np.linalg.solve(X.T @ X / n + lam * np.eye(2), X.T @ y / n) for lam in np.logspace(-4, 3, 2001)]
    assert np.linalg.norm(box - least_squares) > 0.5
    assert np.linalg.norm(np.array(ridge) - box, axis=1).min() > 0.1


def test_adam_without_penalty_reaches_least_squares(wide):
    path = opt.adam(wide.X, wide.y, lr=0.01, steps=6000)
    model = sklearn_linear.LinearRegression().fit(wide.X, wide.y)
    np.testing.assert_allclose(path.weights[-1], model.coef_, atol=1e-3)


# ------------------------------------------------------------------ bad input

@pytest.mark.parametrize("func", [opt.sgd, opt.adam, opt.torch_sgd])
@pytest.mark.parametrize("kwargs, words", [
    (dict(lr=0.0), "lr"),
    (dict(lr=-0.1), "lr"),
    (dict(steps=-1), "steps"),
    (dict(weight_decay=-0.5), "weight_decay"),
    (dict(w0=[1.0, 2.0, 3.0]), "w0"),
])
def test_optimizers_reject_bad_input(small, func, kwargs, words):
    args = dict(lr=0.1, steps=5) | kwargs
    with pytest.raises(ValueError, match=words):
        func(small.X, small.y, **args)


def test_optimizers_reject_bad_data_and_penalties(small):
    with pytest.raises(ValueError, match="same length"):
        opt.sgd(small.X, small.y[:-1], lr=0.1, steps=3)
    with pytest.raises(ValueError, match="NaN"):
        opt.adam(np.full((4, 2), np.nan), np.zeros(4), lr=0.1, steps=3)
    with pytest.raises(ValueError, match="l2"):
        opt.sgd(small.X, small.y, lr=0.1, steps=3, l2=-1.0)
    with pytest.raises(ValueError, match="betas"):
        opt.adam(small.X, small.y, lr=0.1, steps=3, betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="lambd"):
        opt.d2l_sgd(small.X, small.y, lr=0.1, steps=3, lambd=-0.1)
    with pytest.raises(ValueError, match="l2"):
        opt.shrinkage_factor(0.1, -0.5)
    with pytest.raises(ValueError, match="l2"):
        conventions.torch_sgd_weight_decay(-1.0)


@pytest.mark.parametrize("func", [opt.sgd, opt.adam, opt.torch_sgd, opt.d2l_sgd])
@pytest.mark.parametrize("steps", [2.7, 2.0, True, "3", 0])
def test_steps_must_be_a_positive_integer_with_gradient_descents_message(small, func, steps):
    """steps=2.7 used to run 2 steps silently; the message is the one gradient_descent gives."""
    from helpers.descent import gradient_descent

    with pytest.raises(ValueError) as ours:
        func(small.X, small.y, lr=0.1, steps=steps)
    with pytest.raises(ValueError) as theirs:
        gradient_descent(small.X, small.y, lr=0.1, steps=steps)
    assert str(ours.value) == str(theirs.value)
    assert str(ours.value).startswith("steps must be a positive integer")


def test_divergence_is_reported_not_returned_as_nan(small):
    with pytest.raises(ValueError, match="diverged at step"):
        opt.sgd(small.X * 100, small.y, lr=1.0, steps=500)


# ------------------------------------------------------------------ how a run ends

def test_fast_loss_gradient_is_the_objective_gradient(small, wide):
    """optimizers' unchecked per-step gradient agrees with penalties.objective_grad (and a hand formula)."""
    from helpers.penalties import objective_grad

    for p in (small, wide):
        rng = np.random.default_rng(1)
        w, b = rng.standard_normal(p.X.shape[1]), 0.7
        for fit_intercept in (True, False):
            gw, gb = opt._loss_gradient(p.X, p.y, w, b, 0.3, fit_intercept)
            ref_w, ref_b = objective_grad(p.X, p.y, w, b, l2=0.3)
            hand = 2 / len(p.y) * p.X.T @ (p.X @ w + b - p.y) + 0.6 * w
            np.testing.assert_allclose(gw, ref_w, rtol=1e-12)
            np.testing.assert_allclose(gw, hand, rtol=1e-12)
            assert gb == (pytest.approx(ref_b) if fit_intercept else 0.0)


def test_run_outcome_statuses_on_runs_with_known_behaviour():
    """Iterates built by hand: geometric approach, geometric growth, a 2-cycle, a settled run."""
    target = np.array([1.0, -1.0])
    t = np.arange(30)[:, None]
    approaching = target + 0.8 ** t * np.array([[2.0, 1.0]])
    away = target + 1.1 ** t * np.array([[0.1, 0.0]])
    cycle = target + np.where(t % 2 == 0, 3.0, -5.0) * np.array([[1.0, 0.0]])
    settled = target + 1e-9 * (-1.0) ** t
    out = {name: opt.run_outcome(W, target) for name, W in
           (("approaching", approaching), ("away", away), ("cycle", cycle), ("settled", settled))}
    assert out["approaching"].status == "approaching"
    assert out["approaching"].distance == pytest.approx(np.hypot(2, 1) * 0.8 ** 29)
    assert out["away"].status == "moving away" and out["away"].ends_farther_than_it_started
    assert out["cycle"].status == "not settling" and out["cycle"].band == (3.0, 5.0)
    assert out["cycle"].last_step == pytest.approx(8.0)
    assert out["settled"].status == "settled"
    assert out["approaching"].start_distance == pytest.approx(np.hypot(2, 1))


def test_run_outcome_of_a_diverged_run_measures_only_what_came_before():
    W = np.array([[0.0, 0.0], [1.0, 1.0], [4.0, 4.0], [np.inf, np.inf]])
    outcome = opt.run_outcome(W, [0.0, 0.0], diverged_at=3, window=2)
    assert outcome.status == "diverged" and outcome.diverged_at == 3
    assert outcome.distance == pytest.approx(np.hypot(4, 4))


@pytest.mark.parametrize("kwargs, words", [
    (dict(weights=np.zeros(3), target=[0.0]), "weights"),
    (dict(weights=np.zeros((4, 2)), target=[0.0]), "target"),
    (dict(weights=np.zeros((4, 2)), target=[0.0, 0.0], window=1), "window"),
    (dict(weights=np.zeros((4, 2)), target=[0.0, 0.0], tol=0.0), "tol"),
    (dict(weights=np.full((4, 2), np.nan), target=[0.0, 0.0]), "finite"),
    (dict(weights=np.zeros((4, 2)), target=[0.0, 0.0], diverged_at=1.5), "diverged_at"),
])
def test_run_outcome_rejects_bad_input(kwargs, words):
    with pytest.raises(ValueError, match=words):
        opt.run_outcome(**kwargs)


def test_adam_is_kingma_and_ba_with_the_pytorch_defaults_written_out(small):
    """Notebook 04 states Adam's update (m, v, bias-corrected m_hat, v_hat, eps) and the defaults
    beta1 = 0.9, beta2 = 0.999, eps = 1e-8: three steps by hand, with L2 in the loss and with AdamW's decay."""
    import inspect
    params = inspect.signature(opt.adam).parameters
    assert params["betas"].default == (0.9, 0.999) and params["eps"].default == 1e-8
    X, y, n = small.X, small.y, len(small.y)
    for l2, wd in ((0.3, 0.0), (0.0, 0.6)):
        w, m, v = np.array([-1.5, 2.0]), np.zeros(2), np.zeros(2)
        for t in (1, 2, 3):
            g = 2 / n * X.T @ (X @ w - y) + 2 * l2 * w
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w = (1 - 0.05 * wd) * w - 0.05 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
        path = opt.adam(X, y, lr=0.05, steps=3, l2=l2, weight_decay=wd, w0=[-1.5, 2.0], fit_intercept=False)
        np.testing.assert_allclose(path.weights[-1], w, rtol=0, atol=1e-14)
