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

@pytest.fixture
def overfit_fresh(overfit):
    big, widget = overfit
    yield big, widget
    widget.controls["lam"].value = 1e-3


@pytest.fixture(scope="module")
def overfit():
    set_style()
    big = synthetic.overfitting_problem(seed=4, n_train=30, n_val=30, n_test=200, n_features=25,
                                        n_informative=4)
    widget = build_overfitting_explorer(big, lam=1e-3)
    widget.fig.canvas.draw()
    return big, widget


def sk_ridge(big, lam):
    return sklearn_linear.Ridge(alpha=len(big.y) * lam).fit(big.X, big.y)


@pytest.mark.parametrize("lam", [1e-4, 1e-2, 10 ** -1.4, 1.0, 100.0])
def test_overfitting_slider_moves_bars_marker_and_dots(overfit, lam):
    big, widget = overfit
    before = pixels(widget.fig)
    widget.controls["lam"].value = lam
    ridge = sk_ridge(big, lam)
    heights = [bar.get_height() for bar in widget.plot.bars]
    np.testing.assert_allclose(heights, ridge.coef_, atol=1e-8)
    train = np.mean((ridge.predict(big.X) - big.y) ** 2)
    val = np.mean((ridge.predict(big.X_val) - big.y_val) ** 2)
    xs, ys = widget.plot.dots.get_data()
    np.testing.assert_allclose(xs, [lam, lam], rtol=1e-9)
    np.testing.assert_allclose(ys, [train, val], rtol=1e-8)
    assert np.ravel(widget.plot.marker.get_xdata())[0] == pytest.approx(lam)
    text = widget.readout.value
    assert f"train MSE <b>{train:.3f}</b>" in text and f"validation MSE <b>{val:.3f}</b>" in text
    assert "test" not in text, "the test set must not be read while lambda is being chosen"
    assert widget.state["validation_mse"] == pytest.approx(val)
    if not np.isclose(lam, 1e-3):
        assert not np.array_equal(before, pixels(widget.fig))


def test_overfitting_curves_are_train_and_validation_mse(overfit):
    big, widget = overfit
    assert widget.heldout_label == "validation"
    for k in (0, 20, 40, 60):
        ridge = sk_ridge(big, widget.lambdas[k])
        assert widget.train_mse[k] == pytest.approx(np.mean((ridge.predict(big.X) - big.y) ** 2))
        assert widget.heldout_mse[k] == pytest.approx(
            np.mean((ridge.predict(big.X_val) - big.y_val) ** 2))
    lines = widget.plot.ax_err.lines
    np.testing.assert_allclose(lines[1].get_ydata(), widget.heldout_mse)
    assert widget.best == int(np.argmin(widget.heldout_mse))


def test_overfitting_without_a_validation_set_labels_the_test_curve():
    big = synthetic.overfitting_problem(seed=4, n_train=30, n_test=50, n_features=25)
    widget = build_overfitting_explorer(big, lam=1e-2)
    assert widget.heldout_label == "test" and "test MSE" in widget.readout.value
    ridge = sk_ridge(big, 1e-2)
    assert widget.state["test_mse"] == pytest.approx(np.mean((ridge.predict(big.X_test) - big.y_test) ** 2))


def test_overfitting_slider_clamps_values_outside_its_range(overfit_fresh):
    big, widget = overfit_fresh
    control = widget.controls["lam"]
    assert "course-04-overfit-lam" in control._dom_classes
    control.value = 1e-9          # below the slider: ipywidgets clamps to 10**min
    assert control.value == pytest.approx(1e-4)
    assert widget.messages.last_error is None
    assert np.ravel(widget.plot.marker.get_xdata())[0] == pytest.approx(1e-4)


def test_overfitting_off_grid_value(overfit_fresh):
    big, widget = overfit_fresh
    widget.controls["lam"].value = 0.0123
    np.testing.assert_allclose([bar.get_height() for bar in widget.plot.bars], sk_ridge(big, 0.0123).coef_,
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
        synthetic.overfitting_problem(seed=4, n_train=30, n_val=30, n_test=50, n_features=25), lam=1e-3)
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


# ------------------------------------------------------------------ issue 14: what a learner hit

def l1_run_behaviour(X, y, *, lr, l1, steps=STEPS, window=10):
    """(final distance, (lowest, highest) distance over the last `window` steps) of the L1 run,
    from the numpy recurrence and scikit-learn's lasso minimizer (independent of the widget)."""
    run = recurrence(X, y, lr=lr, steps=steps, l1=l1)
    distance = np.linalg.norm(run - lasso_minimizer(X, y, l1), axis=1)
    tail = distance[-window:]
    return distance[-1], (tail.min(), tail.max())


def test_l1_readout_at_eta_06_alpha_2_says_the_run_does_not_settle(fresh, problem):
    """Issue 14 item 5: the L1 path flails to (-4.39, -5.69) while the readout said "stable"."""
    X, y = problem.X, problem.y
    fresh.controls["alpha"].value = 2.0
    fresh.controls["eta"].value = 0.6
    final, (low, high) = l1_run_behaviour(X, y, lr=0.6, l1=2.0)
    assert final > 7 and low > 7          # far from the minimizer (0.77, 0) for good
    l1_text = fresh.readout.value.split("</div>")[0]
    # The old readout ended "...minimizer (+0.768, +0.000); stable for η < 0.667": a flailing run
    # called stable. A bound may be quoted only as the MSE part's, next to what the run does.
    assert l1_text.count("stable") == l1_text.count("The MSE part alone is stable"), l1_text
    assert "does not settle" in l1_text
    assert f"{low:.2f} to {high:.2f} from the minimizer" in l1_text
    # ... and the message line warns: the run ends farther from the minimizer than it started.
    assert "L1 run does not settle" in fresh.messages.text


@pytest.mark.parametrize("eta, alpha", [(0.1, 0.5), (0.1, 2.0), (0.3, 0.5), (0.6, 2.0), (0.6, 0.3),
                                        (0.65, 1.0), (0.05, 0.0)])
def test_l1_readout_status_is_what_the_run_on_screen_does(fresh, problem, eta, alpha):
    """Whatever the readout says about the L1 run holds for the run drawn (numpy recurrence)."""
    X, y = problem.X, problem.y
    fresh.controls["alpha"].value = alpha
    fresh.controls["eta"].value = eta
    run = recurrence(X, y, lr=eta, steps=STEPS, l1=alpha)
    distance = np.linalg.norm(run - lasso_minimizer(X, y, alpha), axis=1)[-10:]
    l1_text = fresh.readout.value.split("</div>")[0]
    if distance.max() <= 1e-3:
        assert "settled" in l1_text
    elif np.all(np.diff(distance) < 0):
        assert "still approaching" in l1_text and f"{distance[-1]:.3f}" in l1_text
    elif np.all(np.diff(distance) > 0):
        assert "moving away" in l1_text
    else:
        assert "does not settle" in l1_text
        assert f"{distance.min():.2f} to {distance.max():.2f} from the minimizer" in l1_text
    np.testing.assert_allclose(path_of(fresh.plot.l1), run, atol=1e-10)


def test_chatter_rule_down_by_eta_alpha_minus_g_up_by_eta_alpha_plus_g(problem):
    """Issue 9 item 3: at alpha = 2, eta = 0.1 w2 saw-tooths between about -0.04 and +0.35."""
    X, y = problem.X, problem.y
    run = recurrence(X, y, lr=0.1, steps=200, l1=2.0)
    w_star = lasso_minimizer(X, y, 2.0)
    g = (2 / len(y) * X.T @ (X @ w_star - y))[1]      # the loss gradient on w2 at w2 = 0
    assert w_star[1] == 0 and -2.0 < g < -1.4
    w2 = run[100:, 1]
    steps = np.diff(w2)
    up, down = steps[steps > 0], steps[steps < 0]
    assert np.allclose(up, 0.1 * (2.0 + abs(g)), rtol=0.06)           # jumps of eta*(alpha + |g|)
    assert np.isclose(-down.max(), 0.1 * (2.0 - abs(g)), rtol=0.2)   # smallest fall eta*(alpha - |g|)
    assert 0.3 < w2.max() < 0.37 and -0.06 < w2.min() < -0.03        # not centred on 0
    assert w2.max() - w2.min() > 1.5 * 0.1 * 2.0                     # not a swing of about eta*alpha


def _display_points(artist, n=40):
    """Points along a line artist (or a collection's segments), in display pixels, densified."""
    from matplotlib.collections import LineCollection
    transform = artist.get_transform()
    if isinstance(artist, LineCollection):
        paths = [np.asarray(s, float) for s in artist.get_segments()]
    else:
        paths = [np.asarray(artist.get_xydata(), float)]
    out = []
    for xy in paths:
        if len(xy) == 0:
            continue
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy) == 1:
            out.append(transform.transform(xy))
            continue
        t = np.linspace(0, 1, n)[:, None]
        for a, b in zip(xy[:-1], xy[1:]):
            out.append(transform.transform(a + t * (b - a)))
    return np.vstack(out) if out else np.empty((0, 2))


def legend_crossings(fig):
    """(legend, artist) pairs where a drawn line or bar of an axes runs through a legend's box."""
    from matplotlib.collections import LineCollection
    from matplotlib.patches import Rectangle
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None] + list(fig.legends)
    found = []
    for legend in legends:
        box = legend.get_window_extent(renderer).shrunk(0.98, 0.95)
        for ax in fig.axes:
            clip = ax.bbox
            artists = [a for a in ax.lines + [c for c in ax.collections if isinstance(c, LineCollection)]
                       if a.get_visible()]
            for artist in artists:
                pts = _display_points(artist)
                inside_axes = ((pts[:, 0] >= clip.x0) & (pts[:, 0] <= clip.x1)
                               & (pts[:, 1] >= clip.y0) & (pts[:, 1] <= clip.y1))
                pts = pts[inside_axes]
                hit = ((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1))
                if hit.any():
                    found.append((legend, artist))
            for patch in ax.patches:
                if isinstance(patch, Rectangle) and patch.get_visible() and patch.get_height() != 0:
                    extent = patch.get_window_extent(renderer)
                    if extent.overlaps(box):
                        found.append((legend, patch))
    return found


@pytest.mark.parametrize("lam", [1e-4, 1e-2, 1.0, 10.0, 100.0])
def test_no_curve_or_bar_crosses_a_legend_of_the_overfitting_figure(overfit_fresh, lam):
    """Issue 14 item 13: at lambda = 100 a curve crossed the legend text."""
    _, widget = overfit_fresh
    widget.controls["lam"].value = lam
    assert legend_crossings(widget.fig) == []


@pytest.mark.parametrize("values", [dict(eta=0.1, alpha=0.5, lam=0.5), dict(eta=0.6, alpha=2.0, lam=1.0),
                                    dict(eta=0.2, alpha=0.0, lam=3.0), dict(eta=0.75, alpha=2.0, lam=3.0)])
def test_no_curve_crosses_a_legend_of_the_trajectory_figure(fresh, values):
    for name, value in values.items():
        fresh.controls[name].value = value
    assert legend_crossings(fresh.fig) == []


# ------------------------------------------------------------------ declared API, scenes, layout (issues 11, 12, 14)

def declared(cls):
    names = set()
    for klass in cls.__mro__:
        names |= set(getattr(klass, "__annotations__", {}))
    return names


def test_builders_return_declared_subclasses_with_state(explorer, overfit):
    from helpers.widgets import CourseWidget
    from helpers.widgets.weight_decay import OverfittingExplorer, TrajectoryExplorer

    _, over = overfit
    for widget, cls in ((explorer, TrajectoryExplorer), (over, OverfittingExplorer)):
        assert isinstance(widget, cls) and issubclass(cls, CourseWidget)
        undeclared = {k for k in vars(widget) if not k.startswith("_")} - declared(cls)
        assert not undeclared, f"{cls.__name__} sets undeclared attributes {undeclared}"
    state = explorer.state
    assert {"alpha", "lam", "eta", "shrink_factor", "l1", "l2"} <= set(state)
    assert state["l2"]["status"] in ("settled", "approaching", "moving away", "not settling", "diverged")


def test_scenes_are_legal(explorer, overfit):
    from helpers.widgets import scene_problems

    assert scene_problems(explorer) == []
    assert scene_problems(overfit[1]) == []
    labels = {s.label for s in explorer.scenes}
    assert {"λ = 0", "λ = 3", "chatter at α = 2", "shrink factor below 0", "beyond the stable η"} <= labels


def test_scene_lambda_0_and_3_move_the_star(fresh, problem):
    X, y = problem.X, problem.y
    fresh.apply_scene("λ = 0")
    star0 = np.ravel(fresh.plot.l2.optimum.get_data())
    np.testing.assert_allclose(star0, np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-9)
    fresh.apply_scene("λ = 3")
    star3 = np.ravel(fresh.plot.l2.optimum.get_data())
    np.testing.assert_allclose(star3, ridge_minimizer(X, y, 3.0), atol=1e-9)
    assert np.linalg.norm(star3) < 0.5 * np.linalg.norm(star0)        # slides toward the origin
    assert fresh.scene_buttons["λ = 3"].button_style == "info"


def test_scene_chatter_chatters_and_never_hits_zero(fresh, problem):
    fresh.apply_scene("chatter at α = 2")
    assert fresh.state["alpha"] == 2.0 and fresh.state["eta"] == 0.1
    w2 = fresh.state["l1"]["path"][-20:, 1]
    np.testing.assert_allclose(path_of(fresh.plot.l1), recurrence(problem.X, problem.y, lr=0.1, steps=STEPS,
                                                                  l1=2.0), atol=1e-10)
    assert np.all(w2 != 0) and np.any(w2 > 0) and np.any(w2 < 0)     # crosses 0, never lands on it
    assert fresh.state["l1"]["status"] == "not settling"
    assert "does not settle" in fresh.readout.value


def test_scene_negative_shrink_factor_zigzags_and_converges(fresh, problem):
    fresh.apply_scene("shrink factor below 0")
    assert fresh.state["shrink_factor"] < 0
    path = path_of(fresh.plot.l2)
    error = path - ridge_minimizer(problem.X, problem.y, fresh.state["lam"])
    assert np.all(np.sum(error[1:] * error[:-1], axis=1) < 0)         # flips every step
    assert fresh.state["l2"]["status"] in ("settled", "approaching") and fresh.messages.text == ""


def test_scene_beyond_the_stable_eta_diverges(fresh, problem):
    X, y = problem.X, problem.y
    fresh.apply_scene("beyond the stable η")
    eta, lam = fresh.state["eta"], fresh.state["lam"]
    h_max = np.linalg.eigvalsh(2 / len(y) * X.T @ X + 2 * lam * np.eye(2)).max()
    assert eta > 2 / h_max                                             # beyond, by the eigenvalues
    # The note names the threshold by the largest eigenvalue, 2/h_max, not "2/h" of any h:
    # the L2 run's smaller eigenvalue h = 2 gives 2/h = 1 > eta, which would not be beyond it.
    (scene,) = [s for s in fresh.scenes if s.label == "beyond the stable η"]
    h_min = np.linalg.eigvalsh(2 / len(y) * X.T @ X + 2 * lam * np.eye(2)).min()
    assert "2/h_max" in scene.note and eta < 2 / h_min
    run = recurrence(X, y, lr=eta, steps=STEPS, l2=lam)
    assert np.linalg.norm(run[-1]) > 1e3 * np.linalg.norm(run[0])     # the recurrence blows up
    assert fresh.state["l2"]["status"] == "diverged" and fresh.state["l2"]["diverged_at"] > 0
    assert "L2 run diverged at step" in fresh.messages.text


def test_scene_l1_flails_below_the_mse_rate_while_l2_settles(fresh, problem):
    fresh.apply_scene("L1 at η = 0.6, α = 2")
    assert fresh.state["l1"]["status"] == "not settling" and fresh.state["l2"]["status"] == "settled"
    assert "L1 run does not settle" in fresh.messages.text


@pytest.mark.parametrize("label", ["λ = 0.0001", "λ = 0.1", "λ = 100"])
def test_overfitting_scenes_give_what_the_prose_asks_about(overfit_fresh, label):
    big, widget = overfit_fresh
    widget.apply_scene(label)
    lam = widget.state["lam"]
    ridge = sk_ridge(big, lam)
    val = np.mean((ridge.predict(big.X_val) - big.y_val) ** 2)
    train = np.mean((ridge.predict(big.X) - big.y) ** 2)
    assert widget.state["validation_mse"] == pytest.approx(val)
    if label == "λ = 0.0001":
        assert train < 0.1 * val                                         # overfits
    if label == "λ = 100":
        assert np.linalg.norm(ridge.coef_) < 0.2 * np.linalg.norm(big.true_weights)   # crushed
    if label == "λ = 0.1":
        others = [np.mean((sk_ridge(big, v).predict(big.X_val) - big.y_val) ** 2) for v in (1e-4, 100.0)]
        assert val < min(others)


def test_readout_sits_between_the_sliders_and_the_figure(explorer):
    """Issue 14 item 10: the readout was ~1100 px below the sliders; now it is right under them."""
    scene_bar, body = explorer.layout.children[:2]
    assert "course-scenes" in scene_bar._dom_classes
    controls_row, readout, figure = body.children
    assert set(controls_row.children) == set(explorer.controls.values())
    assert readout is explorer.readout
    assert figure is explorer.fig.canvas or figure.__class__.__name__ == "Image"


def test_no_curve_crosses_the_legend_of_the_optimizer_comparison(problem):
    X, y = problem.X, problem.y
    kw = dict(w0=W0, fit_intercept=False)
    paths = {
        "sgd_l2": opt.sgd(X, y, lr=0.1, steps=50, l2=0.3, **kw).weights,
        "sgd_decay": opt.sgd(X, y, lr=0.1, steps=50, weight_decay=0.6, **kw).weights,
        "adam_l2": opt.adam(X, y, lr=0.05, steps=600, l2=0.3, **kw).weights,
        "adamw": opt.adam(X, y, lr=0.05, steps=600, weight_decay=0.6, **kw).weights,
    }
    fig = optimizer_comparison_figure(X, y, 0.3, paths, zoom=((0.95, 1.75), (0.1, 0.7)), step_marks=(400,))
    assert len(fig.axes) == 2 and all(len(ax.child_axes) == 1 for ax in fig.axes)   # one inset each
    assert legend_crossings(fig) == []
    inset = fig.axes[1].child_axes[0]
    marks = [line for line in inset.lines if line.get_marker() == "|"]
    np.testing.assert_allclose(np.ravel(marks[0].get_data()), paths["adamw"][400])
