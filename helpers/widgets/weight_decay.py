"""Widgets for notebook 04_weight_decay: L1 and L2 trajectories, overfitting against lambda.

- :func:`build_trajectory_explorer` -> :class:`TrajectoryExplorer`: sliders for
  alpha (L1), lambda (L2) and the learning rate eta on a two-feature problem, with
  the scenes :data:`TRAJECTORY_SCENES`. Every trajectory for every slider stop
  comes from one vectorized ``gradient_descent`` call per eta and penalty, made at
  build time, as do the contours of J per stop; a slider move only looks them up
  and blits. The readout, right under the sliders, says what each run on screen
  does, measured (:func:`helpers.optimizers.run_outcome`): settled, still
  approaching, moving away, not settling, or diverged (cut where it left).
- :func:`build_overfitting_explorer` -> :class:`OverfittingExplorer`: a log slider
  for lambda on a problem with many features and few samples; train and validation
  error and the weights move (scenes :data:`OVERFITTING_SCENES`). The test set is
  not shown: it is kept for one final report at the lambda picked on validation.
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from helpers.descent import gradient_descent, stable_learning_rate
from helpers.optimizers import RunOutcome, run_outcome, shrinkage_factor
from helpers.paths import lasso_path, ridge_path
from helpers.penalties import objective
from helpers.plots.weight_decay import (
    OverfittingFigure,
    TrajectoryFigure,
    contour_lines,
    grid_levels,
    loss_grid,
)
from helpers.widgets import SLIDER_STYLE, CourseWidget, MessageArea, Scene, figure_view

ETA_STOPS = (0.05, 0.8, 0.05)      # min, max, step of the learning-rate slider
L2_STOPS = (0.0, 3.0, 0.1)         # lambda (L2)
L1_STOPS = (0.0, 2.0, 0.1)         # alpha (L1)
OUTCOME_WINDOW = 10                # the readout describes the last this-many steps of each run
SETTLED_TOL = 1e-3                 # "settled": every one of them within this of the minimizer

# The states of the trajectory explorer that the notebook's prose and exercises discuss.
TRAJECTORY_SCENES = (
    Scene("λ = 0", {"alpha": 0.5, "lam": 0.0, "eta": 0.1},
          note="no L2 penalty: where is the star of the right panel?"),
    Scene("λ = 3", {"alpha": 0.5, "lam": 3.0, "eta": 0.1},
          note="a strong L2 penalty: compare the star and the contours with λ = 0"),
    Scene("chatter at α = 2", {"lam": 0.5, "eta": 0.1, "alpha": 2.0},
          note="watch w₂ of the L1 run near 0, step by step"),
    Scene("shrink factor below 0", {"alpha": 0.5, "eta": 0.2, "lam": 3.0},
          note="1 − 2ηλ < 0: watch the L2 path"),
    Scene("beyond the stable η", {"alpha": 0.5, "lam": 0.5, "eta": 0.6},
          note="η above 2/h_max for the L2 run (η_max = 0.5 at λ = 0.5)"),
    Scene("L1 at η = 0.6, α = 2", {"lam": 0.0, "alpha": 2.0, "eta": 0.6},
          note="below the MSE's stable rate 0.667: what do the two runs do?"),
)


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


def _status_html(outcome: RunOutcome, steps: int) -> str:
    """What the run on screen does, measured: one sentence that holds for this run."""
    window = outcome.window
    if outcome.status == "diverged":
        return (f'<b style="color:#b00020">diverged at step {outcome.diverged_at}</b>: '
                "its curves stop at the last step before it")
    if outcome.status == "settled":
        return f"<b>settled</b>: its last {window} steps all lie within {SETTLED_TOL:g} of the minimizer"
    if outcome.status == "approaching":
        return (f"<b>still approaching</b>: each of its last {window} steps ended closer; "
                f"now {outcome.distance:.3f} from the minimizer")
    if outcome.status == "moving away":
        return (f'<b style="color:#b00020">moving away</b>: each of its last {window} steps ended '
                f"farther; now {outcome.distance:.3g} from the minimizer")
    low, high = outcome.band
    return (f'<b style="color:#8a5a00">does not settle</b>: over its last {window} steps it stays '
            f"{low:.2f} to {high:.2f} from the minimizer")


def trajectory_readout(tables: TrajectoryTables, eta: float, alpha: float,
                       lam: float) -> tuple[str, list[str], dict[str, RunOutcome]]:
    """HTML for the readout (two columns: L1, L2), the notices for the message line, the outcomes.

    Every statement about a run is measured on that run (``run_outcome`` over its last
    steps), or is a bound that holds for every run: L2 converges from any start exactly
    when eta < 2/h_max; for L1, 2/h_max of the MSE alone makes the smooth part stable,
    the sign steps of size eta*alpha come on top, so below it the run stays bounded but
    need not settle (issue 14: at eta = 0.6, alpha = 2 it cycles 7.7 to 9.3 away from
    the minimizer).
    """
    notices, cells, outcomes = [], [], {}
    stable_l1 = stable_learning_rate(tables.X, fit_intercept=False)
    stable_l2 = stable_learning_rate(tables.X, l2=lam, fit_intercept=False)
    for kind, value, stable in (("l1", alpha, stable_l1), ("l2", lam, stable_l2)):
        weights, diverged_at = tables.run(kind, eta, value)
        optimum = tables.optimum(kind, value)
        outcome = run_outcome(weights, optimum, diverged_at=diverged_at, window=OUTCOME_WINDOW,
                              tol=SETTLED_TOL)
        outcomes[kind] = outcome
        name = "L1" if kind == "l1" else "L2"
        if kind == "l1":
            head = (f'<b style="color:#D55E00">L1, α = {value:.2f}, η = {eta:.2f}</b>: '
                    f"pushes every non-zero weight toward 0 by ηα = {eta * value:.3f} a step")
            bound = (f"The MSE part alone is stable for η &lt; {stable:.3f}; the ± ηα kicks come on top"
                     + (": bounded, but need not settle." if eta < stable else "."))
        else:
            factor = shrinkage_factor(eta, value)
            flip = (' <b style="color:#b00020">&lt; 0: flips the sign every step</b>'
                    if factor < 0 else "")
            head = (f'<b style="color:#0072B2">L2, λ = {value:.2f}, η = {eta:.2f}</b>: shrink factor '
                    f"1 − 2ηλ = {factor:.3f}{flip}")
            bound = f"L2 converges from any start exactly when η &lt; {stable:.3f} (= 2/h<sub>max</sub>)."
        end = (f"<br>after {tables.steps} steps w = {_fmt(weights[-1])}; minimizer {_fmt(optimum)}"
               if diverged_at < 0 else "")
        cells.append(f'<div class="course-04-readout-{kind}" style="flex:1 1 0;min-width:300px;'
                     f'padding-right:12px">{head}{end}<br>{_status_html(outcome, tables.steps)}'
                     f'<br><span style="color:#555">{bound}</span></div>')
        if outcome.status == "diverged":
            notices.append(f"{name} run diverged at step {diverged_at}: η = {eta:.2f} is beyond "
                           + ("the MSE part's stable rate" if kind == "l1" else "the stable rate")
                           + f" {stable:.3f}"
                           + ("" if kind == "l1" else f" for λ = {value:.2f}")
                           + "; its curves stop there.")
        elif outcome.status in ("moving away", "not settling") and outcome.ends_farther_than_it_started:
            notices.append(f"{name} run " + ("does not settle" if outcome.status == "not settling"
                                             else "is moving away")
                           + f": after {tables.steps} steps it is {outcome.distance:.2f} from the "
                           f"minimizer, farther than where it started ({outcome.start_distance:.2f}).")
    html = ('<div style="display:flex;flex-wrap:wrap;line-height:1.3;font-size:13px">'
            + "".join(cells) + "</div>")
    return html, notices, outcomes


class TrajectoryExplorer(CourseWidget):
    """L1 and L2 gradient descent side by side on a two-feature problem (notebook 04).

    Controls ``alpha`` (L1 strength), ``lam`` (L2 strength), ``eta`` (learning rate),
    right above the readout, which sits right above the figure (issue 14: a slider and
    its result on screen together). Scenes: :data:`TRAJECTORY_SCENES`.

    Attributes:
        plot: the :class:`~helpers.plots.weight_decay.TrajectoryFigure`.
        tables: every run, contour and minimizer, computed per slider stop at build time.
        outcomes: what each run on screen does (``"l1"``, ``"l2"`` -> ``RunOutcome``).
    """

    plot: TrajectoryFigure
    tables: TrajectoryTables
    outcomes: dict

    def __init__(self, X, y, *, w0, steps, alpha, lam, eta, limit, eta_stops, l1_stops, l2_stops):
        messages = MessageArea()
        self.tables = TrajectoryTables(X, y, w0=w0, steps=steps, etas=stops(*eta_stops),
                                       l1_values=stops(*l1_stops), l2_values=stops(*l2_stops),
                                       limit=limit)
        self.plot = TrajectoryFigure(steps=steps, limit=limit, start=self.tables.w0)
        self.outcomes = {}

        def slider(name, value, bounds, description, width):
            control = widgets.FloatSlider(value=value, min=bounds[0], max=bounds[1], step=bounds[2],
                                          description=description, readout_format=".2f",
                                          continuous_update=True, style=SLIDER_STYLE,
                                          layout=widgets.Layout(width=f"{width}px"))
            control.add_class(f"course-04-{name}")
            return control

        controls = {
            "alpha": slider("alpha", alpha, l1_stops, "α (L1)", 250),
            "lam": slider("lam", lam, l2_stops, "λ (L2)", 250),
            "eta": slider("eta", eta, eta_stops, "η (learning rate)", 320),
        }
        readout = widgets.HTML(layout=widgets.Layout(width="100%", max_width="800px"))  # fits 853 px at 150% zoom
        readout.add_class("course-04-readout")
        body = widgets.VBox([
            widgets.HBox(list(controls.values()), layout=widgets.Layout(flex_flow="row wrap")),
            readout,
            figure_view(self.plot.fig),
        ])
        super().__init__(body, figures=[self.plot.fig], controls=controls, readout=readout,
                         messages=messages, scenes=TRAJECTORY_SCENES)
        self.layout.add_class("course-04-trajectory-explorer")
        for control in controls.values():
            control.observe(lambda change: self.update(), names="value")
        self.update()

    def values(self) -> tuple[float, float, float]:
        """(eta, alpha, lam) from the sliders, snapped onto their stops up to float dust."""
        tables = self.tables
        return (snap(float(self.controls["eta"].value), tables.etas),
                snap(float(self.controls["alpha"].value), tables.values["l1"]),
                snap(float(self.controls["lam"].value), tables.values["l2"]))

    def side(self, kind: str, eta: float, value: float) -> dict:
        weights, diverged_at = self.tables.run(kind, eta, value)
        return dict(segments=self.tables.contours(kind, value),
                    path=_finite_path(weights, diverged_at),
                    optimum=self.tables.optimum(kind, value))

    def redraw(self) -> None:
        eta, alpha, lam = self.values()
        for name, value in (("α", alpha), ("λ", lam)):
            if value < 0:
                raise ValueError(f"{name} must be >= 0 (a penalty strength); got {value:g}")
        if eta <= 0:
            raise ValueError(f"η must be > 0 (a learning rate); got {eta:g}")
        self.plot.update(l1=self.side("l1", eta, alpha), l2=self.side("l2", eta, lam))
        self.readout.value, notices, self.outcomes = trajectory_readout(self.tables, eta, alpha, lam)
        if notices:
            self.messages.show_notice(" ".join(notices))
        elif self.messages.last_error is None:
            self.messages.clear()  # the notice of an earlier run

    @property
    def state(self) -> dict:
        """Slider values, and per run (``l1``, ``l2``): the iterates drawn, its status, where it ends."""
        eta, alpha, lam = self.values()
        out = {"alpha": alpha, "lam": lam, "eta": eta, "shrink_factor": shrinkage_factor(eta, lam)}
        for kind, value in (("l1", alpha), ("l2", lam)):
            weights, diverged_at = self.tables.run(kind, eta, value)
            outcome = self.outcomes.get(kind)
            out[kind] = {"path": _finite_path(weights, diverged_at), "diverged_at": diverged_at,
                         "status": outcome.status if outcome else None,
                         "minimizer": tuple(self.tables.optimum(kind, value))}
        return out


def build_trajectory_explorer(X, y, *, w0=(-1.5, 2.0), steps: int = 50, alpha: float = 0.5,
                              lam: float = 0.5, eta: float = 0.1, limit: float = 2.5,
                              eta_stops=ETA_STOPS, l1_stops=L1_STOPS,
                              l2_stops=L2_STOPS) -> TrajectoryExplorer:
    """Sliders ``alpha`` (L1), ``lam`` (L2) and ``eta`` (learning rate); L1 and L2 side by side.

    ``X`` (n, 2) and ``y`` should be centered (no intercept is fitted, so the
    picture of (w1, w2) is the whole story).
    """
    return TrajectoryExplorer(X, y, w0=w0, steps=steps, alpha=alpha, lam=lam, eta=eta, limit=limit,
                              eta_stops=eta_stops, l1_stops=l1_stops, l2_stops=l2_stops)


# ------------------------------------------------------------------ overfitting

OVERFIT_LOG_STOPS = (-4.0, 2.0, 0.1)   # log10 lambda: min, max, step

OVERFITTING_SCENES = (
    Scene("λ = 0.0001", {"lam": 1e-4}, note="almost no penalty: compare train and validation error"),
    Scene("λ = 0.1", {"lam": 10 ** -1.0}, note="a moderate penalty"),
    Scene("λ = 100", {"lam": 100.0}, note="a very strong penalty: look at the weights"),
)


class OverfittingExplorer(CourseWidget):
    """Ridge on many features and few samples: train and validation error, and the weights (notebook 04).

    One control ``lam`` (a log slider). The test set of the problem is never shown
    here: lambda is picked on the validation set, and the test set reports once, in
    the notebook, at that lambda. Without a validation set (``problem.X_val`` is None)
    the held-out curve is the test set's, labelled so.

    Attributes:
        plot: the :class:`~helpers.plots.weight_decay.OverfittingFigure`.
        lambdas: the slider's stops; ``coefs``, ``intercepts``, ``train_mse``, ``heldout_mse``:
            the exact ridge fit and its errors at each.
        heldout_label: "validation" (or "test" when the problem has no validation set).
        best: the index of the lowest held-out error on the grid.
        problem: the ``RegressionProblem`` shown.
    """

    plot: OverfittingFigure
    problem: object
    lambdas: np.ndarray
    coefs: np.ndarray
    intercepts: np.ndarray
    train_mse: np.ndarray
    heldout_mse: np.ndarray
    heldout_label: str
    best: int
    _held: tuple

    def __init__(self, problem, *, lam, log_min, log_max, log_step):
        messages = MessageArea()
        self.problem = problem
        has_val = getattr(problem, "X_val", None) is not None
        self.heldout_label = "validation" if has_val else "test"
        X_held, y_held = (problem.X_val, problem.y_val) if has_val else (problem.X_test, problem.y_test)
        self._held = (X_held, y_held)
        self.lambdas = 10.0 ** stops(log_min, log_max, log_step)
        self.coefs, self.intercepts = ridge_path(problem.X, problem.y, self.lambdas)
        self.train_mse = objective(problem.X, problem.y, self.coefs, self.intercepts)
        self.heldout_mse = objective(X_held, y_held, self.coefs, self.intercepts)
        self.best = int(np.argmin(self.heldout_mse))
        self.plot = OverfittingFigure(self.lambdas, self.train_mse, self.heldout_mse, self.coefs,
                                      problem.true_weights, heldout_label=self.heldout_label)
        control = widgets.FloatLogSlider(value=lam, base=10, min=log_min, max=log_max, step=log_step,
                                         description="λ (L2 strength)", readout_format=".2e",
                                         continuous_update=True, style=SLIDER_STYLE,
                                         layout=widgets.Layout(width="420px"))
        control.add_class("course-04-overfit-lam")
        readout = widgets.HTML()
        readout.add_class("course-04-overfit-readout")
        body = widgets.VBox([control, readout, figure_view(self.plot.fig)])
        super().__init__(body, figures=[self.plot.fig], controls={"lam": control}, readout=readout,
                         messages=messages, scenes=OVERFITTING_SCENES)
        self.layout.add_class("course-04-overfitting-explorer")
        control.observe(lambda change: self.update(), names="value")
        self.update()

    def fit_at(self, value: float):
        """(w, train MSE, held-out MSE) of the exact ridge fit at ``value`` (from the table on a stop)."""
        k = int(np.argmin(np.abs(np.log10(self.lambdas) - np.log10(value))))
        if np.isclose(self.lambdas[k], value, rtol=1e-9):
            return self.coefs[k], self.train_mse[k], self.heldout_mse[k]
        w_one, b_one = ridge_path(self.problem.X, self.problem.y, [value])
        X_held, y_held = self._held
        return (w_one[0], objective(self.problem.X, self.problem.y, w_one[0], b_one[0]),
                objective(X_held, y_held, w_one[0], b_one[0]))

    def redraw(self) -> None:
        value = float(self.controls["lam"].value)
        if not value > 0:
            raise ValueError(f"λ must be > 0 on this log slider; got {value:g}")
        w, tr, held = self.fit_at(value)
        self.plot.update(0, coefs=w, train=tr, heldout=held, lam=value)
        true_norm = np.linalg.norm(self.problem.true_weights)
        self.readout.value = (
            f"λ = {value:.3g}: train MSE <b>{tr:.3f}</b>, {self.heldout_label} MSE <b>{held:.3f}</b>, "
            f"‖w‖₂ = {np.linalg.norm(w):.2f} (true weights: {true_norm:.2f}).")

    @property
    def state(self) -> dict:
        value = float(self.controls["lam"].value)
        w, tr, held = self.fit_at(value)
        return {"lam": value, "weights": np.asarray(w), "train_mse": float(tr),
                f"{self.heldout_label}_mse": float(held)}


def build_overfitting_explorer(problem, *, lam: float = 1e-3, log_min: float = OVERFIT_LOG_STOPS[0],
                               log_max: float = OVERFIT_LOG_STOPS[1],
                               log_step: float = OVERFIT_LOG_STOPS[2]) -> OverfittingExplorer:
    """A log slider ``lam`` for ridge on ``problem`` (train, validation and test sets).

    The ridge path (exact) for every slider stop is computed at build time.
    """
    return OverfittingExplorer(problem, lam=lam, log_min=log_min, log_max=log_max, log_step=log_step)
