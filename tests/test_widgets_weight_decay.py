"""Widgets of 04_weight_decay without a browser: every control reaches the plotted artists.

Expected numbers come from independent references: the gradient-descent recurrence
written with numpy, scikit-learn's Ridge and Lasso at their documented alphas, and
the MSE computed directly.
"""

import numpy as np
import pytest
import sklearn.linear_model as sklearn_linear

from helpers import optimizers as opt
from helpers import synthetic
from helpers.plots import set_style
from helpers.plots.weight_decay import LEVEL_OFFSETS, optimizer_comparison_figure
from helpers.widgets.weight_decay import build_overfitting_explorer, build_trajectory_explorer

W0 = (-1.5, 2.0)
STEPS = 50


@pytest.fixture(scope="module")
def problem():
    return synthetic.two_feature_problem(seed=4)


@pytest.fixture(scope="module")
def explorer(problem):
    set_style()
    widget = build_trajectory_explorer(problem.X, problem.y, w0=W0, steps=STEPS)
    widget.fig.canvas.draw()
    return widget


@pytest.fixture
def fresh(explorer):
    """The module's explorer, reset to its starting values after each test."""
    yield explorer
    explorer.controls["eta"].min = 0.05
    for name, value in (("eta", 0.1), ("alpha", 0.5), ("lam", 0.5)):
        explorer.controls[name].value = value


def recurrence(X, y, *, lr, steps, l1=0.0, l2=0.0, w0=W0):
    """The notes' update rules, w <- w - lr*(2/n X^T(Xw - y) + 2*l2*w + l1*sign(w)), in numpy."""
    n = len(y)
    w = np.array(w0, dtype=float)
    out = [w]
    for _ in range(steps):
        w = w - lr * (2 / n * X.T @ (X @ w - y) + 2 * l2 * w + l1 * np.sign(w))
        out.append(w)
    return np.array(out)


def ridge_minimizer(X, y, l2):
    return sklearn_linear.Ridge(alpha=len(y) * l2, fit_intercept=False).fit(X, y).coef_


def lasso_minimizer(X, y, l1):
    if l1 == 0:
        return np.linalg.lstsq(X, y, rcond=None)[0]
    model = sklearn_linear.Lasso(alpha=l1 / 2, fit_intercept=False, tol=1e-12, max_iter=100_000)
    return model.fit(X, y).coef_


def path_of(side):
    x, y = side.path.get_data()
    return np.column_stack([x, y])


def pixels(fig):
    return np.asarray(fig.canvas.buffer_rgba()).copy()


# ------------------------------------------------------------------ trajectory explorer

def test_controls_and_classes(explorer):
    assert set(explorer.controls) == {"alpha", "lam", "eta"}
    for name, control in explorer.controls.items():
        assert f"course-04-{name}" in control._dom_classes
        assert control.continuous_update


@pytest.mark.parametrize("lam", [0.0, 0.7, 3.0])
def test_lambda_slider_moves_the_l2_path_curves_and_star(fresh, problem, lam):
    X, y = problem.X, problem.y
    before = pixels(fresh.fig)
    fresh.controls["lam"].value = lam
    expected = recurrence(X, y, lr=0.1, steps=STEPS, l2=lam)
    side = fresh.plot.l2
    np.testing.assert_allclose(path_of(side), expected, atol=1e-10)
    for k, curve in enumerate(side.curves):
        steps, values = curve.get_data()
        np.testing.assert_array_equal(steps, np.arange(STEPS + 1))
        np.testing.assert_allclose(values, expected[:, k], atol=1e-10)
    star = np.ravel(side.optimum.get_data())
    np.testing.assert_allclose(star, ridge_minimizer(X, y, lam), atol=1e-9)
    for k, target in enumerate(side.targets):
        assert np.ravel(target.get_ydata())[0] == pytest.approx(star[k])
    assert f"λ = {lam:.2f}, η = 0.10" in fresh.readout.value
    assert f"1 − 2ηλ = {1 - 2 * 0.1 * lam:.3f}" in fresh.readout.value
    if lam != 0.5:
        assert not np.array_equal(before, pixels(fresh.fig)), "the blit did not change the canvas"


@pytest.mark.parametrize("alpha", [0.0, 0.3, 2.0])
def test_alpha_slider_moves_the_l1_path_and_star(fresh, problem, alpha):
    X, y = problem.X, problem.y
    fresh.controls["alpha"].value = alpha
    expected = recurrence(X, y, lr=0.1, steps=STEPS, l1=alpha)
    np.testing.assert_allclose(path_of(fresh.plot.l1), expected, atol=1e-10)
    star = np.ravel(fresh.plot.l1.optimum.get_data())
    np.testing.assert_allclose(star, lasso_minimizer(X, y, alpha), atol=1e-8)
    assert f"α = {alpha:.2f}, η = 0.10" in fresh.readout.value
    assert f"ηα = {0.1 * alpha:.3f}" in fresh.readout.value


@pytest.mark.parametrize("kind, control, value", [("l2", "lam", 1.2), ("l1", "alpha", 0.8),
                                                  ("l2", "lam", 0.0)])
def test_contours_are_level_sets_of_the_current_j(fresh, problem, kind, control, value):
    X, y = problem.X, problem.y
    fresh.controls[control].value = value
    side = getattr(fresh.plot, kind)
    segments = side.contours.get_segments()
    assert len(segments) >= len(LEVEL_OFFSETS) - 2
    star = lasso_minimizer(X, y, value) if kind == "l1" else ridge_minimizer(X, y, value)

    def J(w):
        penalty = np.abs(w).sum(axis=1) if kind == "l1" else (w ** 2).sum(axis=1)
        return np.mean((w @ X.T - y) ** 2, axis=1) + value * penalty

    j_min = J(star[None, :])[0]
    heights = j_min + np.asarray(LEVEL_OFFSETS)
    spacing = 5.0 / 100  # the grid step: contour points are interpolated on it
    for segment in segments:
        values = J(np.asarray(segment))
        nearest = heights[np.argmin(np.abs(heights - np.median(values)))]
        assert np.all(np.abs(values - nearest) <= 0.02 + 2 * spacing * nearest), \
            "a contour line is not a level set of the J being shown"


def test_eta_slider_changes_both_runs_and_the_shrink_factor(fresh, problem):
    X, y = problem.X, problem.y
    fresh.controls["eta"].value = 0.3
    np.testing.assert_allclose(path_of(fresh.plot.l2),
                               recurrence(X, y, lr=0.3, steps=STEPS, l2=0.5), atol=1e-10)
    np.testing.assert_allclose(path_of(fresh.plot.l1),
                               recurrence(X, y, lr=0.3, steps=STEPS, l1=0.5), atol=1e-10)
    assert f"1 − 2ηλ = {1 - 2 * 0.3 * 0.5:.3f}" in fresh.readout.value
    assert "λ = 0.50, η = 0.30" in fresh.readout.value


def test_negative_shrink_factor_is_named(fresh):
    fresh.controls["eta"].value = 0.2
    fresh.controls["lam"].value = 3.0
    assert "1 − 2ηλ = -0.200" in fresh.readout.value
    assert "flips the sign" in fresh.readout.value
    assert fresh.messages.text == ""  # still stable: eta = 0.2 < 2/(3 + 2*3) = 0.222


def test_divergence_is_a_message_and_the_curves_stop(fresh, problem):
    X, y = problem.X, problem.y
    fresh.controls["lam"].value = 1.0
    fresh.controls["eta"].value = 0.6
    # Independent: the largest stable rate is 2 / largest eigenvalue of 2/n X^T X + 2*lam*I.
    h_max = np.linalg.eigvalsh(2 / len(y) * X.T @ X + 2.0 * np.eye(2)).max()
    assert 0.6 > 2 / h_max
    text = fresh.messages.text
    assert "L2 run diverged at step" in text and f"{2 / h_max:.3f}" in text
    step = int(text.split("diverged at step ")[1].split(":")[0])
    path = path_of(fresh.plot.l2)
    assert len(path) == step and np.all(np.isfinite(path))
    reference = recurrence(X, y, lr=0.6, steps=step - 1, l2=1.0)
    np.testing.assert_allclose(path, reference, rtol=1e-9)
    for curve in fresh.plot.l2.curves:
        assert np.all(np.isfinite(curve.get_data()[1]))
    assert fresh.messages.last_error is None
    fresh.controls["eta"].value = 0.1  # back to a stable rate: the notice goes away
    assert fresh.messages.text == ""
    assert len(path_of(fresh.plot.l2)) == STEPS + 1


def test_off_grid_values_are_computed_on_demand(fresh, problem):
    fresh.controls["lam"].value = 0.55
    fresh.controls["eta"].value = 0.123
    expected = recurrence(problem.X, problem.y, lr=0.123, steps=STEPS, l2=0.55)
    np.testing.assert_allclose(path_of(fresh.plot.l2), expected, atol=1e-10)
    np.testing.assert_allclose(np.ravel(fresh.plot.l2.optimum.get_data()),
                               ridge_minimizer(problem.X, problem.y, 0.55), atol=1e-9)


def test_bad_input_shows_an_error_and_the_widget_keeps_working(fresh, problem):
    fresh.controls["eta"].min = -1.0
    fresh.controls["eta"].value = -0.5
    assert isinstance(fresh.messages.last_error, ValueError)
    assert "η must be > 0" in fresh.messages.text
    fresh.controls["eta"].value = 0.2
    assert fresh.messages.last_error is None and fresh.messages.text == ""
    np.testing.assert_allclose(path_of(fresh.plot.l2),
                               recurrence(problem.X, problem.y, lr=0.2, steps=STEPS, l2=0.5),
                               atol=1e-10)


def test_static_png_fallback(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "image/png" in bundle


# ------------------------------------------------------------------ overfitting explorer

@pytest.fixture(scope="module")
def overfit():
    set_style()
    big = synthetic.overfitting_problem(seed=4, n_train=30, n_test=200, n_features=25, n_informative=4)
    widget = build_overfitting_explorer(big, lam=1e-3)
    widget.fig.canvas.draw()
    return big, widget


@pytest.mark.parametrize("lam", [1e-4, 1e-2, 10 ** -1.4, 1.0, 100.0])
def test_overfitting_slider_moves_bars_marker_and_dots(overfit, lam):
    big, widget = overfit
    before = pixels(widget.fig)
    widget.controls["lam"].value = lam
    ridge = sklearn_linear.Ridge(alpha=len(big.y) * lam).fit(big.X, big.y)
    heights = [bar.get_height() for bar in widget.plot.bars]
    np.testing.assert_allclose(heights, ridge.coef_, atol=1e-8)
    train = np.mean((ridge.predict(big.X) - big.y) ** 2)
    test = np.mean((ridge.predict(big.X_test) - big.y_test) ** 2)
    xs, ys = widget.plot.dots.get_data()
    np.testing.assert_allclose(xs, [lam, lam], rtol=1e-9)
    np.testing.assert_allclose(ys, [train, test], rtol=1e-8)
    assert np.ravel(widget.plot.marker.get_xdata())[0] == pytest.approx(lam)
    assert f"{test:.3f}" in widget.readout.value and f"{train:.3f}" in widget.readout.value
    if not np.isclose(lam, 1e-3):
        assert not np.array_equal(before, pixels(widget.fig))


def test_overfitting_curves_are_train_and_test_mse(overfit):
    big, widget = overfit
    for k in (0, 20, 40, 60):
        lam = widget.lambdas[k]
        ridge = sklearn_linear.Ridge(alpha=len(big.y) * lam).fit(big.X, big.y)
        assert widget.train_mse[k] == pytest.approx(np.mean((ridge.predict(big.X) - big.y) ** 2))
        assert widget.test_mse[k] == pytest.approx(
            np.mean((ridge.predict(big.X_test) - big.y_test) ** 2))


def test_overfitting_slider_clamps_values_outside_its_range(overfit):
    big, widget = overfit
    control = widget.controls["lam"]
    assert "course-04-overfit-lam" in control._dom_classes
    control.value = 1e-9          # below the slider: ipywidgets clamps to 10**min
    assert control.value == pytest.approx(1e-4)
    assert widget.messages.last_error is None
    assert np.ravel(widget.plot.marker.get_xdata())[0] == pytest.approx(1e-4)


def test_overfitting_off_grid_value(overfit):
    big, widget = overfit
    widget.controls["lam"].value = 0.0123
    ridge = sklearn_linear.Ridge(alpha=len(big.y) * 0.0123).fit(big.X, big.y)
    np.testing.assert_allclose([bar.get_height() for bar in widget.plot.bars], ridge.coef_,
                               atol=1e-8)


# ------------------------------------------------------------------ static comparison figure

def test_optimizer_comparison_figure_draws_the_given_paths(problem):
    X, y = problem.X, problem.y
    kw = dict(w0=W0, fit_intercept=False)
    paths = {
        "sgd_l2": opt.sgd(X, y, lr=0.1, steps=20, l2=0.3, **kw).weights,
        "sgd_decay": opt.sgd(X, y, lr=0.1, steps=20, weight_decay=0.6, **kw).weights,
        "adam_l2": opt.adam(X, y, lr=0.05, steps=30, l2=0.3, **kw).weights,
        "adamw": opt.adam(X, y, lr=0.05, steps=30, weight_decay=0.6, **kw).weights,
    }
    fig = optimizer_comparison_figure(X, y, 0.3, paths)
    ax_sgd, ax_adam = fig.axes
    for ax, keys in ((ax_sgd, ("sgd_l2", "sgd_decay")), (ax_adam, ("adam_l2", "adamw"))):
        drawn = [np.column_stack(line.get_data()) for line in ax.lines if len(line.get_xdata()) > 1]
        for key in keys:
            assert any(d.shape == paths[key].shape and np.allclose(d, paths[key]) for d in drawn)
        stars = [line for line in ax.lines if line.get_marker() == "*"]
        np.testing.assert_allclose(np.ravel(stars[0].get_data()), ridge_minimizer(X, y, 0.3),
                                   atol=1e-9)


# ------------------------------------------------------------------ no ghosts after the static PNG

def test_blits_after_the_static_png_leave_no_ghost(problem):
    """Displaying a CourseWidget saves a PNG; later blits must match a clean full draw."""
    set_style()
    trajectory = build_trajectory_explorer(problem.X, problem.y, w0=W0, steps=STEPS)
    overfitting = build_overfitting_explorer(
        synthetic.overfitting_problem(seed=4, n_train=30, n_test=50, n_features=25), lam=1e-3)
    for widget, control, value in ((trajectory, "eta", 0.2), (overfitting, "lam", 1.0)):
        widget.fig.canvas.draw()
        widget._repr_mimebundle_()
        widget.controls[control].value = value
        blitted = pixels(widget.fig)
        widget.fig.canvas.draw()
        assert np.array_equal(blitted, pixels(widget.fig)), "a stale frame shows through the blit"


def test_values_off_by_rounding_use_the_precomputed_tables(fresh):
    runs_before = len(fresh.tables._runs)
    fresh.controls["lam"].value = 0.1 + 0.2          # 0.30000000000000004, as a browser may send
    fresh.controls["eta"].value = 0.15000000000000002
    assert len(fresh.tables._runs) == runs_before, "a rounding difference caused a recomputation"
    assert "λ = 0.30, η = 0.15" in fresh.readout.value


def test_both_runs_diverging_are_both_named(fresh, problem):
    fresh.controls["eta"].value = 0.75   # beyond 2/3, the stable rate of the MSE alone
    text = fresh.messages.text
    assert "L1 run diverged at step" in text and "L2 run diverged at step" in text
    for side in (fresh.plot.l1, fresh.plot.l2):
        path = path_of(side)
        assert np.all(np.isfinite(path)) and len(path) < STEPS + 1
