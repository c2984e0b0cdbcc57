"""Widget tests for 05_sparsity without a browser (Agg backend).

Every control is used as a learner would (slider values, a mouse drag with real
matplotlib events); the plotted artists and the readouts are compared with
numbers computed independently: a plain numpy recurrence written out in this
file (not helpers.descent), scikit-learn's Lasso and Ridge, and a brute-force
search of the balls' boundaries.
"""

import matplotlib

matplotlib.use("Agg")

import re  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.backend_bases import LocationEvent  # noqa: E402
from sklearn.linear_model import Lasso, Ridge  # noqa: E402
from traitlets import TraitError  # noqa: E402

from helpers import constrained_optima, data, descent  # noqa: E402
from helpers.plots import sparsity as plots  # noqa: E402
from helpers.widgets import scene_problems  # noqa: E402
from helpers.widgets import sparsity as ws  # noqa: E402
from tests.mouse import drag, move, move_px  # noqa: E402


@pytest.fixture(autouse=True, scope="module")
def _close_figures():
    """Each explorer opens its own figure (closing one breaks its Blitter): close them at the end."""
    limit = matplotlib.rcParams["figure.max_open_warning"]
    matplotlib.rcParams["figure.max_open_warning"] = 0
    yield
    plt.close("all")
    matplotlib.rcParams["figure.max_open_warning"] = limit


ALPHAS = [0.2, 0.4, 0.6]
ETAS = [0.05, 0.1, 0.2]
STEPS = 60


@pytest.fixture(scope="module")
def problem():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((40, 3))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ np.array([1.5, -1.0, 0.0]) + 0.3 * rng.standard_normal(40)
    return X, y


@pytest.fixture()
def chatter(problem):
    X, y = problem
    return ws.build_chatter_explorer(X, y, useless=2, alphas=ALPHAS, learning_rates=ETAS, steps=STEPS,
                                     alpha=0.4, eta=0.1)


def _plain(html_text):
    return " ".join(re.sub(r"<[^>]+>", " ", html_text).split()) + " "


def reference_run(X, y, eta, alpha, steps, method, w0=None):
    """Full-batch gradient descent on MSE + alpha*||w||_1 with a bias, written out step by step.

    Independent of helpers.descent: one plain loop over steps and one over weights, the
    three rules exactly as the notebook's table states them.
    """
    n, p = X.shape
    w = np.zeros(p) if w0 is None else np.array(w0, dtype=float)
    b = 0.0
    out = [w.copy()]
    for _ in range(steps):
        r = X @ w + b - y
        g = 2.0 / n * (X.T @ r)
        new = w.copy()
        for j in range(p):
            if method == "proximal":
                v = w[j] - eta * g[j]
                new[j] = np.sign(v) * max(abs(v) - eta * alpha, 0.0)
            elif w[j] == 0.0 and method == "clip":
                if abs(g[j]) > alpha:              # leaves 0 only if the loss pulls harder than alpha
                    new[j] = -eta * (g[j] - alpha * np.sign(g[j]))
                else:
                    new[j] = 0.0
            else:
                s = np.sign(w[j])
                new[j] = w[j] - eta * (g[j] + alpha * s)
                if method == "clip" and new[j] * s < 0:
                    new[j] = 0.0
        b = b - eta * 2.0 / n * r.sum()
        w = new
        out.append(w.copy())
    return np.array(out)


def _check_chatter(widget, X, y, alpha, eta):
    for k, method in enumerate(descent.L1_METHODS):
        ref = reference_run(X, y, eta, alpha, STEPS, method, w0=widget.start)
        for j, line in enumerate(widget.plot.lines[k]):
            np.testing.assert_allclose(line.get_ydata(), ref[:, j], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(widget.plot.zoom_lines[k].get_ydata(), ref[:, 2] / (eta * alpha),
                                   rtol=1e-9, atol=1e-9)
        zeros = int(np.sum(ref[-1] == 0.0))
        steps_at_zero = int(np.sum(ref[1:, 2] == 0.0))
        assert f" {method} {zeros} of 3 {steps_at_zero} of {STEPS} " in _plain(widget.readout.value)
    assert f"= <b>{eta * alpha:.4g}</b>" in widget.readout.value


def test_chatter_sliders_move_every_line(chatter, problem):
    X, y = problem
    _check_chatter(chatter, X, y, 0.4, 0.1)
    chatter.controls["alpha"].value = 0.6
    _check_chatter(chatter, X, y, 0.6, 0.1)
    chatter.controls["eta"].value = 0.2
    _check_chatter(chatter, X, y, 0.6, 0.2)
    assert chatter.messages.text == ""


def test_chatter_readout_says_subgradient_never_zero_prox_always(chatter):
    s = chatter.state["summaries"]
    assert s["subgradient"]["steps_at_zero"] == 0 and s["subgradient"]["final_exact_zeros"] == 0
    assert s["proximal"]["final_exact_zeros"] == 1 and s["clip"]["final_exact_zeros"] == 1
    assert 0 < s["subgradient"]["tail_amplitude"] < 1.5 * 0.1 * 0.4


def test_chatter_slider_refuses_values_off_the_grid_and_keeps_working(chatter, problem):
    X, y = problem
    with pytest.raises(TraitError):
        chatter.controls["alpha"].value = 5.0           # not a precomputed value: refused, nothing drawn
    _check_chatter(chatter, X, y, 0.4, 0.1)
    chatter.controls["alpha"].value = 0.2
    _check_chatter(chatter, X, y, 0.2, 0.1)
    assert chatter.messages.text == ""


def test_chatter_rejects_bad_grids(problem):
    X, y = problem
    with pytest.raises(ValueError, match="increasing positive"):
        ws.build_chatter_explorer(X, y, useless=2, alphas=[0.0, 0.1], learning_rates=ETAS)


# --------------------------------------------------------------------------- geometry


def _boundary_min(quad, t, p):
    angle = np.linspace(0, 2 * np.pi, 100_001)
    pts = np.column_stack([np.cos(angle), np.sin(angle)])
    if p == 1:
        pts = pts / np.abs(pts).sum(axis=1, keepdims=True)
    pts = t * pts
    return pts[np.argmin(quad(pts))]


def _check_geometry(widget, center, rho, t):
    quad = constrained_optima.quadratic_from_correlation(rho, center)
    for side, p in zip(widget.plot.sides, (1, 2)):
        x, y = side["optimum"].get_data()
        size = np.abs(quad.center).sum() if p == 1 else np.linalg.norm(quad.center)
        expected = quad.center if size <= t else _boundary_min(quad, t, p)
        np.testing.assert_allclose([x[0], y[0]], expected, atol=2e-4 * max(t, 1))
        cx, cy = side["center"].get_data()
        np.testing.assert_allclose([cx[0], cy[0]], center, atol=1e-12)
        ball = side["ball"].get_xy()
        norms = np.abs(ball).sum(axis=1) if p == 1 else np.linalg.norm(ball, axis=1)
        np.testing.assert_allclose(norms, t, rtol=1e-9)
        pts = np.column_stack(side["levels"].get_data())
        breaks = np.flatnonzero(np.isnan(pts[:, 0]))
        assert len(breaks) == len(plots.GeometryFigure.LEVELS) - 1
        for part, level in zip(np.split(pts, breaks), plots.GeometryFigure.LEVELS):
            part = part[~np.isnan(part[:, 0])]
            np.testing.assert_allclose(quad(part), level, rtol=1e-9)
    return quad


def test_geometry_budget_and_rho_sliders():
    widget = ws.build_geometry_explorer(rho=0.5, center=(2.0, 0.7), budget=1.0)
    _check_geometry(widget, (2.0, 0.7), 0.5, 1.0)
    assert "w2 == 0.0" in widget.readout.value  # the L1 corner
    widget.controls["budget"].value = 2.0
    _check_geometry(widget, (2.0, 0.7), 0.5, 2.0)
    widget.controls["rho"].value = -0.6
    _check_geometry(widget, (2.0, 0.7), -0.6, 2.0)
    widget.controls["budget"].value = 3.0  # outside: the least-squares point itself
    _check_geometry(widget, (2.0, 0.7), -0.6, 3.0)
    assert widget.messages.text == ""


def test_geometry_drag_moves_the_center_on_both_panels():
    widget = ws.build_geometry_explorer(rho=0.3, center=(2.0, 0.7), budget=1.2)
    for ax, target in zip(widget.plot.axes, [(-1.0, 2.2), (0.5, -1.8)]):
        drag(ax, start=tuple(widget.state["center"]), end=target, steps=4)
        np.testing.assert_allclose(widget.state["center"], target, atol=1e-9)
        assert (widget.controls["c1"].value, widget.controls["c2"].value) == pytest.approx(target)
        _check_geometry(widget, target, 0.3, 1.2)


def test_geometry_c_sliders_move_the_point_and_scenes_set_it():
    widget = ws.build_geometry_explorer(rho=0.3, center=(2.0, 0.7), budget=1.2)
    widget.controls["c1"].value = -0.5
    widget.controls["c2"].value = 1.5
    _check_geometry(widget, (-0.5, 1.5), 0.3, 1.2)


def test_geometry_drag_released_outside_keeps_figure_and_sliders_together():
    """Issue 14 item 1 in this widget: press on the dot, move out of the figure, let go outside
    (no release event), come back with no button held: the dot stays, the sliders match it."""
    widget = ws.build_geometry_explorer(rho=0.3, center=(2.0, 0.7), budget=1.2)
    ax = widget.plot.axes[0]
    drag(ax, start=(2.0, 0.7), end=(1.0, -1.0), steps=3, release=False)
    assert widget.state["dragging"]
    move_px(widget.fig, -40.0, -40.0, held=True)            # out of the figure, button still down
    move_px(widget.fig, 100.0, 100.0, held=False)           # back over it, the button went up outside
    assert not widget.state["dragging"]
    move(ax, (-2.0, 2.0), held=False)                      # moving on does not drag the dot
    np.testing.assert_allclose(widget.state["center"], (1.0, -1.0), atol=1e-9)
    assert (widget.controls["c1"].value, widget.controls["c2"].value) == pytest.approx((1.0, -1.0))
    _check_geometry(widget, (1.0, -1.0), 0.3, 1.2)


def test_geometry_drag_ends_when_the_mouse_leaves_the_figure():
    """The browser sends no release outside the figure; leaving it ends the drag, so the sliders
    catch up at once instead of when the mouse comes back."""
    widget = ws.build_geometry_explorer(rho=0.3, center=(2.0, 0.7), budget=1.2)
    ax = widget.plot.axes[0]
    drag(ax, start=(2.0, 0.7), end=(-1.0, -0.5), steps=3, release=False)
    assert widget.state["dragging"]
    LocationEvent("figure_leave_event", widget.fig.canvas, -10.0, 50.0)._process()
    assert not widget.state["dragging"]
    assert (widget.controls["c1"].value, widget.controls["c2"].value) == pytest.approx((-1.0, -0.5))
    _check_geometry(widget, (-1.0, -0.5), 0.3, 1.2)
    move(ax, (2.0, 2.0), held=True)                       # coming back, even with the button down: no drag
    _check_geometry(widget, (-1.0, -0.5), 0.3, 1.2)
    widget.controls["c2"].value = 0.25                    # the sliders work at once
    _check_geometry(widget, (-1.0, 0.25), 0.3, 1.2)


def test_geometry_grab_radius_is_larger_than_the_dot():
    widget = ws.build_geometry_explorer(rho=0.3, center=(2.0, 0.7), budget=1.2)
    ax = widget.plot.axes[1]
    dot_px = widget.plot.sides[1]["center"].get_markersize() * widget.fig.dpi / 72 / 2
    offset = 0.5 * (dot_px + ws.GEOMETRY_GRAB_RADIUS_PX) / np.sqrt(2)   # outside the dot, inside the radius
    assert np.hypot(offset, offset) > dot_px
    drag(ax, start=(2.0, 0.7), end=(1.5, 0.5), steps=3, offset_px=(offset, offset))
    np.testing.assert_allclose(widget.state["center"], (1.5, 0.5), atol=0.051)
    assert ws.GEOMETRY_GRAB_RADIUS_PX >= 2 * dot_px


def test_geometry_scenes_are_legal_and_show_what_their_labels_say():
    widget = ws.build_geometry_explorer()
    assert scene_problems(widget) == []
    for scene in widget.scenes:
        widget.apply_scene(scene.label)
        v = scene.values
        quad = _check_geometry(widget, (v["c1"], v["c2"]), v["rho"], v["budget"])
        l1, l2 = np.array(widget.state["l1"]), np.array(widget.state["l2"])
        if scene.label == "corner: w2 = 0":
            assert l1[1] == 0.0 and l1[0] == v["budget"] and np.all(l2 != 0.0)
        elif scene.label == "on an edge":
            assert np.all(l1 != 0.0) and np.abs(l1).sum() == pytest.approx(v["budget"])
        elif scene.label == "near an axis, L2":
            assert l1[1] == 0.0 and 0.0 < abs(l2[1]) < 0.1 * abs(l2[0])
        elif scene.label == "no constraint":
            np.testing.assert_array_equal(l1, quad.center)
            np.testing.assert_array_equal(l2, quad.center)
        else:
            raise AssertionError(f"scene {scene.label!r} has no check")
    assert widget.messages.text == ""


def test_geometry_bad_center_is_refused_and_widget_keeps_working():
    widget = ws.build_geometry_explorer()
    with pytest.raises(ValueError, match="two finite numbers"):
        widget.set_center([np.nan, 0.0])
    _check_geometry(widget, (2.0, 0.7), 0.5, 1.0)
    widget.drags[0].on_drag(0, None, 0.0)               # a drag event outside the data area: ignored
    widget.drags[0].on_release(0)
    widget.controls["budget"].value = 0.5
    _check_geometry(widget, (2.0, 0.7), 0.5, 0.5)
    widget.controls["rho"].value = 0.1
    assert widget.messages.text == ""
    _check_geometry(widget, (2.0, 0.7), 0.1, 0.5)


# --------------------------------------------------------------------------- paths


@pytest.fixture(scope="module")
def diabetes():
    return data.load_diabetes(standardize=True)


L1_GRID = np.logspace(-1, 2, 13)
L2_GRID = np.logspace(-2, 2, 9)


def _check_paths(widget, ds, l1, l2):
    n = ds.n_samples
    lasso = Lasso(alpha=l1 / 2, tol=1e-12, max_iter=200_000).fit(ds.X, ds.y).coef_  # course l1 = 2 * sklearn alpha
    ridge = Ridge(alpha=n * l2).fit(ds.X, ds.y).coef_                              # course l2 = sklearn alpha / n
    for mark, value, coef in zip(widget.plot.marks, (l1, l2), (lasso, ridge)):
        np.testing.assert_allclose(mark["vline"].get_xdata(), [value, value], rtol=1e-12)
        offsets = mark["dots"].get_offsets()
        np.testing.assert_allclose(offsets[:, 0], value, rtol=1e-12)
        np.testing.assert_allclose(offsets[:, 1], coef, atol=1e-6 * np.abs(coef).max())
        np.testing.assert_allclose([b.get_height() for b in mark["bars"]], offsets[:, 1], rtol=0, atol=0)
    nonzero = int(np.sum(np.abs(lasso) > 1e-9))
    assert f"<span class='course-05-lasso-nonzero'>{nonzero}</span>" in widget.readout.value
    assert "<span class='course-05-ridge-nonzero'>10</span>" in widget.readout.value


def test_path_sliders_follow_sklearn(diabetes):
    widget = ws.build_path_explorer(diabetes, L1_GRID, L2_GRID, l1=L1_GRID[6], l2=L2_GRID[4])
    _check_paths(widget, diabetes, L1_GRID[6], L2_GRID[4])
    for i in (0, 3, 9, 12):
        widget.controls["l1"].value = L1_GRID[i]
        _check_paths(widget, diabetes, L1_GRID[i], L2_GRID[4])
    widget.controls["l2"].value = L2_GRID[8]
    _check_paths(widget, diabetes, L1_GRID[12], L2_GRID[8])
    assert widget.messages.text == ""


def test_path_nonzero_count_at_the_ends(diabetes):
    widget = ws.build_path_explorer(diabetes, L1_GRID, L2_GRID, l1=L1_GRID[-1])
    assert widget.state["nonzero_l1"] == 0            # alpha = 100 > alpha_max ~ 90
    widget.controls["l1"].value = L1_GRID[0]
    assert widget.state["nonzero_l1"] == 10


def test_path_slider_refuses_values_off_the_grid_and_keeps_working(diabetes):
    widget = ws.build_path_explorer(diabetes, L1_GRID, L2_GRID)
    with pytest.raises(TraitError):
        widget.controls["l1"].value = 123.456
    widget.controls["l1"].value = L1_GRID[2]
    _check_paths(widget, diabetes, L1_GRID[2], L2_GRID[4])
    widget.controls["l2"].value = L2_GRID[1]
    assert widget.messages.text == ""
    _check_paths(widget, diabetes, L1_GRID[2], L2_GRID[1])


# --------------------------------------------------------------------------- static figures


def test_static_figures_render_with_png_fallback():
    result = constrained_optima.sparsity_experiment(200, seed=1)
    fig = plots.experiment_figure(result)
    widget = ws.show_figure(fig)
    bundle = widget._repr_mimebundle_()
    assert bundle["image/png"]
    # the corner counts written on the figure are the exact corners of the L1 optima
    t1 = result.budget_fraction * np.abs(result.problems.center).sum(axis=1)
    scaled = result.l1_solutions / t1[:, None]
    texts = sorted(int(t.get_text()) for t in fig.axes[0].texts)
    expected = sorted(int(np.sum(np.all(scaled == c, axis=1))) for c in ([1, 0], [0, 1], [-1, 0], [0, -1]))
    assert texts == expected and sum(expected) == result.l1_zero_count
    for make in (lambda: plots.prior_figure(2.0),
                 lambda: plots.correlated_figure([1, 0.1], np.ones((2, 2)), [1, 0.1], np.ones((2, 2)),
                                                 [1, 0.1], np.ones((2, 2)), enet_l2=1.0)):
        assert ws.show_figure(make())._repr_mimebundle_()["image/png"]


# --------------------------------------------------------------------------- issue 14: what a learner hit


def notebook_problem():
    """The notebook's chatter problem (05 section 1, SEED = 5): three standardized features, w3 useless."""
    rng = np.random.default_rng(5)
    X = rng.standard_normal((60, 3))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ np.array([2.0, -1.0, 0.0]) + 1.0 + 0.5 * rng.standard_normal(60)
    return X, y


NOTEBOOK_CHATTER = {}   # the notebook builds the chatter explorer with the builder's defaults


@pytest.fixture(scope="module")
def notebook_chatter():
    X, y = notebook_problem()
    return ws.build_chatter_explorer(X, y, useless=2, **NOTEBOOK_CHATTER)


def _landing_step(w):
    """First step from which w stays exactly 0.0 to the end (None if it never does)."""
    nonzero = np.flatnonzero(w != 0.0)
    if nonzero.size == 0:
        return 0
    return None if nonzero[-1] == w.size - 1 else int(nonzero[-1] + 1)


def test_chatter_defaults_show_the_useless_weight_landing_on_zero(notebook_chatter):
    """Issue 14 item 9: at the defaults, clip and proximal make w3 exactly 0.0 after a few
    steps (not from the first step), and it stays there; the subgradient w3 never is 0.0."""
    X, y = notebook_problem()
    state = notebook_chatter.state
    start = notebook_chatter.start                      # every run starts there
    for method in ("clip", "proximal"):
        w3 = reference_run(X, y, state["eta"], state["alpha"], notebook_chatter.steps, method,
                           w0=start)[:, 2]
        landing = _landing_step(w3)
        assert landing is not None and 4 <= landing <= 40, (method, landing)
        shown = notebook_chatter.plot.lines[descent.L1_METHODS.index(method)][2].get_ydata()
        np.testing.assert_allclose(shown, w3, rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(shown == 0.0, w3 == 0.0)          # the same exact zeros
        assert not np.any(np.signbit(shown[shown == 0.0]))              # no -0.0 to print as "-0"
    sub = reference_run(X, y, state["eta"], state["alpha"], notebook_chatter.steps, "subgradient",
                        w0=start)[1:, 2]
    assert np.all(sub != 0.0)


def test_chatter_axes_fit_every_slider_stop(notebook_chatter):
    """Issue 14 item 9: at every stop of both sliders, every plotted point lies inside its axes
    and the zoom row shows w3 / (eta*alpha) itself (nothing clipped to the frame)."""
    X, y = notebook_problem()
    widget = notebook_chatter
    for eta in widget.controls["eta"].options:
        widget.controls["eta"].value = eta[1]
        for alpha in widget.controls["alpha"].options:
            widget.controls["alpha"].value = alpha[1]
            for k, method in enumerate(descent.L1_METHODS):
                top, zoom = widget.plot.axes_top[k], widget.plot.axes_zoom[k]
                for line in widget.plot.lines[k]:
                    low, high = top.get_ylim()
                    assert low < np.min(line.get_ydata()) and np.max(line.get_ydata()) < high
                w3 = widget.runs[method][widget.rates.tolist().index(eta[1]),
                                         widget.alphas.tolist().index(alpha[1]), :, 2]
                shown = widget.plot.zoom_lines[k].get_ydata()
                np.testing.assert_allclose(shown, w3 / (eta[1] * alpha[1]), rtol=1e-12)
                low, high = zoom.get_ylim()
                assert low < shown.min() and shown.max() < high, (method, eta, alpha)
    assert widget.messages.text == ""


def _marker_px(widget, side):
    mark = widget.plot.marks[side]
    ax = mark["vline"].axes
    x = mark["vline"].get_xdata()[0]
    return ax.transData.transform((x, 0.0))[0]


@pytest.mark.parametrize("side, control", [(0, "l1"), (1, "l2")])
def test_path_slider_and_marker_move_the_same_way(diabetes, side, control):
    """Issue 14 item 8: moving a penalty slider to the right moves its marker to the right."""
    widget = ws.build_path_explorer(diabetes, L1_GRID, L2_GRID)
    slider = widget.controls[control]
    positions = []
    for _label, value in slider.options:             # the slider's stops, left to right
        slider.value = value
        positions.append(_marker_px(widget, side))
    assert np.all(np.diff(positions) > 0), positions


# --------------------------------------------------------------------------- scenes (issue 11)


def test_chatter_scenes_are_legal_and_show_what_their_labels_say(notebook_chatter):
    X, y = notebook_problem()
    widget = notebook_chatter
    assert scene_problems(widget) == []
    landings = {}
    for scene in widget.scenes:
        widget.apply_scene(scene.label)
        eta, alpha = widget.state["eta"], widget.state["alpha"]
        assert (eta, alpha) == (scene.values["eta"], scene.values["alpha"])
        runs = {m: reference_run(X, y, eta, alpha, widget.steps, m, w0=widget.start) for m in descent.L1_METHODS}
        assert np.all(runs["subgradient"][1:, 2] != 0.0), scene.label       # never exactly 0 in any scene
        landings[scene.label] = {m: _landing_step(runs[m][:, 2]) for m in ("clip", "proximal")}
        summary = widget.state["summaries"]
        for m in ("clip", "proximal"):
            assert summary[m]["landing"] == landings[scene.label][m]
    assert landings["lands at step 8"] == {"clip": 8, "proximal": 8}
    assert landings["slow landing"] == {"clip": 84, "proximal": 84}
    assert landings["wide chatter"]["proximal"] <= 2
    widget.apply_scene("wide chatter")
    sub = widget.state["summaries"]["subgradient"]
    assert sub["steps_at_zero"] == 0 and sub["tail_amplitude"] > 0.5 * 0.4 * 1.0
    widget.apply_scene("lopsided band")
    sub = widget.state["summaries"]["subgradient"]
    centre = 0.5 * (sub["tail_max"] + sub["tail_min"])
    assert centre > 0.25 * 0.1 * 0.05                                      # mostly on one side of 0
    assert sub["tail_max"] > 1.2 * 0.1 * 0.05 > -sub["tail_min"]            # beyond eta*alpha on that side


@pytest.fixture(scope="module")
def notebook_paths(diabetes):
    return ws.build_path_explorer(diabetes)


def test_path_scenes_are_legal_and_show_what_their_labels_say(notebook_paths, diabetes):
    widget = notebook_paths
    assert scene_problems(widget) == []
    names = list(diabetes.feature_names)

    def lasso_at(alpha):
        return Lasso(alpha=alpha / 2, tol=1e-12, max_iter=200_000).fit(diabetes.X, diabetes.y).coef_

    widget.apply_scene("first feature in")
    coef = lasso_at(widget.state["alpha"])
    assert [names[j] for j in np.flatnonzero(np.abs(coef) > 1e-9)] == ["bmi"]
    assert widget.state["nonzero_l1"] == 1
    widget.apply_scene("s3 drops out")
    coef = lasso_at(widget.state["alpha"])
    assert abs(coef[names.index("s3")]) < 1e-9 and np.sum(np.abs(coef) > 1e-9) == 9
    assert widget.state["lasso"][names.index("s3")] == 0.0 and widget.state["nonzero_l1"] == 9
    widget.apply_scene("all ten")
    assert np.all(np.abs(lasso_at(widget.state["alpha"])) > 1e-9) and widget.state["nonzero_l1"] == 10
    widget.apply_scene("a ridge crossing")
    lam = widget.state["lambda"]
    ridge = Ridge(alpha=diabetes.n_samples * lam).fit(diabetes.X, diabetes.y).coef_
    s1 = names.index("s1")
    assert np.argmin(np.abs(ridge)) == s1 and abs(ridge[s1]) < 0.02 * np.abs(ridge).max()
    assert any(c.feature == s1 and abs(np.log10(c.l2 / lam)) < 0.1 for c in widget.ridge_crossings)
    widget.apply_scene("strong ridge")
    assert widget.state["nonzero_l2"] == 10
    assert widget.messages.text == ""


def test_path_figure_marks_every_ridge_crossing(notebook_paths):
    widget = notebook_paths
    crossings = {(c.l2, c.feature) for c in widget.ridge_crossings}
    assert len(crossings) == 6
    ax = widget.plot.axes_paths[1]
    marked = [coll for coll in ax.collections if coll.get_offsets().shape[0] == len(crossings)
              and np.all(coll.get_offsets()[:, 1] == 0.0)]
    assert len(marked) == 1
    np.testing.assert_allclose(np.sort(marked[0].get_offsets()[:, 0]), np.sort([c[0] for c in crossings]),
                               rtol=1e-12)
