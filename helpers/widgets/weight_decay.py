"""Widgets for notebook 04_weight_decay: L1 and L2 trajectories, overfitting against lambda.

- :func:`build_trajectory_explorer`: sliders for alpha (L1), lambda (L2) and the
  learning rate eta on a two-feature problem. Every trajectory for every slider
  stop comes from one vectorized ``gradient_descent`` call per eta and penalty,
  made at build time, as do the contours of J per stop; a slider move only
  looks them up and blits. A run that diverges is cut where it left and named
  in the message area.
- :func:`build_overfitting_explorer`: a log slider for lambda on a problem with
  many features and few samples; train and test error and the weights move.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers.descent import gradient_descent, stable_learning_rate
from helpers.optimizers import shrinkage_factor
from helpers.paths import lasso_path, ridge_path
from helpers.penalties import objective
from helpers.plots.weight_decay import (
    OverfittingFigure,
    TrajectoryFigure,
    contour_lines,
    grid_levels,
    loss_grid,
)
from helpers.widgets import SLIDER_STYLE, CourseWidget, MessageArea, figure_view

ETA_STOPS = (0.05, 0.8, 0.05)      # min, max, step of the learning-rate slider
L2_STOPS = (0.0, 3.0, 0.1)         # lambda (L2)
L1_STOPS = (0.0, 2.0, 0.1)         # alpha (L1)


def stops(minimum: float, maximum: float, step: float) -> np.ndarray:
    """The values a FloatSlider(min, max, step) can take, rounded like its readout."""
    count = int(round((maximum - minimum) / step)) + 1
    return np.round(minimum + step * np.arange(count), 10)


def snap(value: float, values: np.ndarray) -> float:
    """The slider stop equal to ``value`` up to rounding (0.30000000000000004 -> 0.3), else ``value``."""
    k = int(np.argmin(np.abs(values - value)))
    return float(values[k]) if abs(values[k] - value) <= 1e-9 * max(1.0, abs(value)) else value


def _finite_path(weights: np.ndarray, diverged_at: int) -> np.ndarray:
    """The iterates up to the last one accepted before the run diverged (all if it did not)."""
    return weights if diverged_at < 0 else weights[:diverged_at]


class TrajectoryTables:
    """Everything :func:`build_trajectory_explorer` shows, computed once per slider stop.

    ``run(kind, eta, value)`` gives (weights, diverged_at) for ``kind`` "l1"
    (subgradient, the notes' rule) or "l2"; ``contours(kind, value)`` the level
    curves of J; ``optimum(kind, value)`` its exact minimizer. Values off the
    slider grid are computed when asked (and kept).
    """

    def __init__(self, X, y, *, w0, steps, etas, l1_values, l2_values, limit, num=101):
        self.X, self.y = np.asarray(X, float), np.asarray(y, float)
        self.w0, self.steps = np.asarray(w0, float), int(steps)
        self.values = {"l1": np.asarray(l1_values, float), "l2": np.asarray(l2_values, float)}
        self.etas = np.asarray(etas, float)
        self.w1, self.w2, self.loss = loss_grid(self.X, self.y, limit=limit, num=num)
        W1, W2 = np.meshgrid(self.w1, self.w2)
        self.penalty = {"l1": np.abs(W1) + np.abs(W2), "l2": W1 ** 2 + W2 ** 2}
        self._optimum = {
            "l1": dict(zip(self.values["l1"], lasso_path(self.X, self.y, self.values["l1"],
                                                         fit_intercept=False)[0])),
            "l2": dict(zip(self.values["l2"], ridge_path(self.X, self.y, self.values["l2"],
                                                         fit_intercept=False)[0])),
        }
        self._contours = {kind: {} for kind in self.values}
        for kind, values in self.values.items():
            for value in values:
                self.contours(kind, value)
        self._runs = {}
        for eta in self.etas:
            self._compute_runs(eta)

    def _compute_runs(self, eta):
        for kind, values in self.values.items():
            run = gradient_descent(self.X, self.y, lr=float(eta), steps=self.steps,
                                   **{kind: values}, w0=self.w0, fit_intercept=False)
            for k, value in enumerate(values):
                self._runs[(kind, float(eta), float(value))] = (run.weights[k],
                                                               int(run.diverged_at[k]))

    def run(self, kind, eta, value):
        key = (kind, float(eta), float(value))
        if key not in self._runs:
            run = gradient_descent(self.X, self.y, lr=float(eta), steps=self.steps,
                                   **{kind: float(value)}, w0=self.w0, fit_intercept=False)
            self._runs[key] = (run.weights, int(run.diverged_at))
        return self._runs[key]

    def optimum(self, kind, value):
        table = self._optimum[kind]
        if value not in table:
            path = lasso_path if kind == "l1" else ridge_path
            table[value] = path(self.X, self.y, [value], fit_intercept=False)[0][0]
        return table[value]

    def contours(self, kind, value):
        table = self._contours[kind]
        if value not in table:
            J = self.loss + value * self.penalty[kind]
            j_min = objective(self.X, self.y, self.optimum(kind, value), **{kind: value})
            table[value] = contour_lines(self.w1, self.w2, J, grid_levels(j_min))
        return table[value]


def _fmt(w) -> str:
    return "(" + ", ".join(f"{v:+.3f}" for v in w) + ")"


def trajectory_readout(tables: TrajectoryTables, eta: float, alpha: float, lam: float) -> tuple[str, list[str]]:
    """HTML for the readout and a list of divergence notices (empty if both runs converge)."""
    notices = []
    rows = []
    stable_l1 = stable_learning_rate(tables.X, fit_intercept=False)
    stable_l2 = stable_learning_rate(tables.X, l2=lam, fit_intercept=False)
    for kind, value, stable in (("l1", alpha, stable_l1), ("l2", lam, stable_l2)):
        weights, diverged_at = tables.run(kind, eta, value)
        optimum = tables.optimum(kind, value)
        if kind == "l1":
            head = (f'<b style="color:#D55E00">L1, α = {value:.2f}, η = {eta:.2f}</b>: each step pushes every '
                    f"non-zero weight toward 0 by ηα = {eta * value:.3f}")
        else:
            factor = shrinkage_factor(eta, value)
            flip = (' <b style="color:#b00020">&lt; 0: the decay part flips the sign every step</b>'
                    if factor < 0 else "")
            head = (f'<b style="color:#0072B2">L2, λ = {value:.2f}, η = {eta:.2f}</b>: shrink factor '
                    f"1 − 2ηλ = {factor:.3f}{flip}")
        if diverged_at >= 0:
            tail = f"diverged at step {diverged_at} (η = {eta:.2f} &gt; stable {stable:.3f})"
            name = "L1" if kind == "l1" else "L2"
            notices.append(f"{name} run diverged at step {diverged_at}: η = {eta:.2f} is beyond "
                           f"the stable rate {stable:.3f}"
                           + ("" if kind == "l1" else f" for λ = {value:.2f}")
                           + "; its curves stop there.")
        else:
            tail = (f"after {tables.steps} steps w = {_fmt(weights[-1])}, "
                    f"minimizer {_fmt(optimum)}; stable for η &lt; {stable:.3f}")
        rows.append(f"<div>{head}; {tail}</div>")
    return "".join(rows), notices


def build_trajectory_explorer(X, y, *, w0=(-1.5, 2.0), steps: int = 50, alpha: float = 0.5,
                              lam: float = 0.5, eta: float = 0.1, limit: float = 2.5,
                              eta_stops=ETA_STOPS, l1_stops=L1_STOPS,
                              l2_stops=L2_STOPS) -> CourseWidget:
    """Sliders ``alpha`` (L1), ``lam`` (L2) and ``eta`` (learning rate); L1 and L2 side by side.

    ``X`` (n, 2) and ``y`` should be centered (no intercept is fitted, so the
    picture of (w1, w2) is the whole story). Controls: ``alpha``, ``lam``, ``eta``.
    """
    messages = MessageArea()
    tables = TrajectoryTables(X, y, w0=w0, steps=steps, etas=stops(*eta_stops),
                              l1_values=stops(*l1_stops), l2_values=stops(*l2_stops), limit=limit)
    plot = TrajectoryFigure(steps=steps, limit=limit, start=tables.w0)

    def slider(name, value, bounds, description):
        control = widgets.FloatSlider(value=value, min=bounds[0], max=bounds[1], step=bounds[2],
                                      description=description, readout_format=".2f",
                                      continuous_update=True, style=SLIDER_STYLE,
                                      layout=widgets.Layout(width="310px"))
        control.add_class(f"course-04-{name}")
        return control

    controls = {
        "alpha": slider("alpha", alpha, l1_stops, "α (L1 strength)"),
        "lam": slider("lam", lam, l2_stops, "λ (L2 strength)"),
        "eta": slider("eta", eta, eta_stops, "η (learning rate)"),
    }
    readout = widgets.HTML()
    readout.add_class("course-04-readout")

    def side(kind, eta, value):
        weights, diverged_at = tables.run(kind, eta, value)
        return dict(segments=tables.contours(kind, value),
                    path=_finite_path(weights, diverged_at),
                    optimum=tables.optimum(kind, value))

    def redraw():
        eta_v = snap(float(controls["eta"].value), tables.etas)
        alpha_v = snap(float(controls["alpha"].value), tables.values["l1"])
        lam_v = snap(float(controls["lam"].value), tables.values["l2"])
        for name, value in (("α", alpha_v), ("λ", lam_v)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0 (a penalty strength); got {value:g}")
        if eta_v <= 0:
            raise ValueError(f"η must be > 0 (a learning rate); got {eta_v:g}")
        plot.update(l1=side("l1", eta_v, alpha_v), l2=side("l2", eta_v, lam_v))
        readout.value, notices = trajectory_readout(tables, eta_v, alpha_v, lam_v)
        if notices:
            messages.show_notice(" ".join(notices))
        elif messages.last_error is None:
            messages.clear()  # the notice of an earlier diverged run

    guarded = messages.guard(redraw)
    for control in controls.values():
        control.observe(lambda change: guarded(), names="value")
    guarded()
    layout = widgets.VBox([
        widgets.HBox(list(controls.values())),
        messages.widget,
        figure_view(plot.fig),
        readout,
    ])
    layout.add_class("course-04-trajectory-explorer")
    result = CourseWidget(layout, figures=[plot.fig], controls=controls, messages=messages,
                          update=guarded)
    result.plot, result.readout, result.tables = plot, readout, tables
    return result


def build_overfitting_explorer(problem, *, lam: float = 1e-3, log_min: float = -4.0,
                               log_max: float = 2.0, log_step: float = 0.1) -> CourseWidget:
    """A log slider ``lam`` for ridge on ``problem`` (train and test sets): errors and weights move.

    The ridge path (exact) for every slider stop is computed at build time.
    """
    messages = MessageArea()
    lambdas = 10.0 ** stops(log_min, log_max, log_step)
    coefs, intercepts = ridge_path(problem.X, problem.y, lambdas)
    train = objective(problem.X, problem.y, coefs, intercepts)
    test = objective(problem.X_test, problem.y_test, coefs, intercepts)
    plot = OverfittingFigure(lambdas, train, test, coefs, problem.true_weights)
    control = widgets.FloatLogSlider(value=lam, base=10, min=log_min, max=log_max, step=log_step,
                                     description="λ (L2 strength)", readout_format=".2e",
                                     continuous_update=True, style=SLIDER_STYLE,
                                     layout=widgets.Layout(width="420px"))
    control.add_class("course-04-overfit-lam")
    readout = widgets.HTML()
    readout.add_class("course-04-overfit-readout")
    best = int(np.argmin(test))

    def redraw():
        value = float(control.value)
        if not value > 0:
            raise ValueError(f"λ must be > 0 on this log slider; got {value:g}")
        k = int(np.argmin(np.abs(np.log10(lambdas) - np.log10(value))))
        if np.isclose(lambdas[k], value, rtol=1e-9):
            w, tr, te = coefs[k], train[k], test[k]
        else:
            w_one, b_one = ridge_path(problem.X, problem.y, [value])
            w = w_one[0]
            tr = objective(problem.X, problem.y, w, b_one[0])
            te = objective(problem.X_test, problem.y_test, w, b_one[0])
        plot.update(k, coefs=w, train=tr, test=te, lam=value)
        readout.value = (
            f"λ = {value:.3g}: train MSE <b>{tr:.3f}</b>, test MSE <b>{te:.3f}</b>, "
            f"‖w‖₂ = {np.linalg.norm(w):.2f} (true weights: {np.linalg.norm(problem.true_weights):.2f}). "
            f"Best test error on this grid: {test[best]:.3f} at λ ≈ {lambdas[best]:.3g}.")

    guarded = messages.guard(redraw)
    control.observe(lambda change: guarded(), names="value")
    guarded()
    layout = widgets.VBox([control, readout, messages.widget, figure_view(plot.fig)])
    layout.add_class("course-04-overfitting-explorer")
    result = CourseWidget(layout, figures=[plot.fig], controls={"lam": control},
                          messages=messages, update=guarded)
    result.plot, result.readout = plot, readout
    result.lambdas, result.train_mse, result.test_mse, result.coefs = lambdas, train, test, coefs
    return result
