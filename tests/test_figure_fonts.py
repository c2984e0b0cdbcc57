"""Figure text legible on a projector: every widget's figures, checked by helpers.plots.legibility.

The minimum is helpers.plots.legibility.MIN_FONT_PX (12 screen pixels = 8.6 pt at
the course's 100 dpi); see that module for why.

Which widgets: every ``build_<thing>_explorer`` function in the ``helpers.widgets.*``
modules is discovered. Those that need no argument are built with their defaults,
unless NOTEBOOK_CALLS below gives the arguments a notebook uses (read off the
notebooks' code cells), which it must for builders that need data. Executing the
notebooks would be slower and is what nbval does already.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import helpers.widgets
from helpers.plots import set_style
from helpers.plots.legibility import MIN_FONT_PX, check_font_sizes, drawn_texts, small_texts

BUILDER = re.compile(r"build_\w+_explorer")


def _module_names() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(helpers.widgets.__path__)
                  if not m.name.startswith("_") and m.name != "exercises")


def discovered_builders() -> dict[str, object]:
    """'module.build_x_explorer' -> the function, for every builder in helpers.widgets.*."""
    found = {}
    for name in _module_names():
        module = importlib.import_module(f"helpers.widgets.{name}")
        for attr, value in vars(module).items():
            if BUILDER.fullmatch(attr) and inspect.isfunction(value) and value.__module__ == module.__name__:
                found[f"{name}.{attr}"] = value
    return found


def _builder(module: str, *names: str):
    """The first of `names` that module helpers.widgets.<module> defines (builders are being renamed)."""
    mod = importlib.import_module(f"helpers.widgets.{module}")
    for name in names:
        if hasattr(mod, name):
            return getattr(mod, name)
    raise AssertionError(f"helpers.widgets.{module} defines none of {names}: update NOTEBOOK_CALLS")


# --------------------------------------------------------------------------
# The notebooks' own calls (arguments copied from the notebooks' code cells)


def _norm_explorer():  # 01 cell "explorer = build_norm_explorer(x=(3.0, 4.0), p=2.0, limit=5.0)"
    return _builder("norm", "build_norm_explorer")(x=(3.0, 4.0), p=2.0, limit=5.0)


def _ndim_explorer():  # 01: build_ndim_explorer(n=12, seed=SEED), SEED = 1
    return _builder("norm", "build_ndim_explorer")(n=12, seed=1)


def _loss_explorer():  # 02: build_loss_explorer(target=y, pred=y_hat)
    y = np.array([2.0, 3.5, 1.0, 4.0, 2.5])
    y_hat = np.array([2.5, 3.0, 1.8, 6.0, 2.2])
    return _builder("loss", "build_loss_explorer")(target=y, pred=y_hat)


def _crossing_explorer():  # 02: build_crossing_explorer(e=0.5, unit=1.0)
    return _builder("loss", "build_crossing_explorer")(e=0.5, unit=1.0)


def _constant_explorer():  # 03: build_constant_explorer(values)
    return _builder("outliers", "build_constant_explorer")(np.array([3.0, 4.0, 4.5, 6.0, 7.0]))


def _outlier_explorer():  # 03: build_outlier_explorer("Anscombe III", delta=1.0, seed=SEED), SEED = 3
    return _builder("outliers", "build_outlier_explorer")("Anscombe III", delta=1.0, seed=3)


def _trajectory_explorer():  # 04: two_feature_problem(seed=SEED), SEED = 4
    from helpers.synthetic import two_feature_problem

    problem = two_feature_problem(seed=4)
    return _builder("weight_decay", "build_trajectory_explorer")(
        problem.X, problem.y, w0=np.array([-1.5, 2.0]), steps=50, alpha=0.5, lam=0.5, eta=0.1)


def _overfitting_explorer():  # 04: overfitting_problem(seed=SEED, n_train=30, ...)
    from helpers.synthetic import overfitting_problem

    big = overfitting_problem(seed=4, n_train=30, n_test=1000, n_features=25, n_informative=4)
    return _builder("weight_decay", "build_overfitting_explorer")(big, lam=1e-3)


def _chatter_data():  # 05 cell 3, SEED = 5
    rng = np.random.default_rng(5)
    n = 60
    X = rng.standard_normal((n, 3))
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = X @ np.array([2.0, -1.0, 0.0]) + 1.0 + 0.5 * rng.standard_normal(n)
    return X, y


def _chatter_explorer():  # 05: chatter over ALPHAS x ETAS
    X, y = _chatter_data()
    alphas = np.round(np.arange(0.05, 1.0001, 0.05), 2)
    etas = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]
    return _builder("sparsity", "build_chatter_explorer", "chatter_widget")(
        X, y, useless=2, alphas=alphas, learning_rates=etas, steps=150, alpha=0.5, eta=0.2)


def _geometry_explorer():  # 05: geometry_widget(rho=0.5, center=(2.0, 0.7), budget=1.0)
    return _builder("sparsity", "build_geometry_explorer", "geometry_widget")(
        rho=0.5, center=(2.0, 0.7), budget=1.0)


def _path_explorer():  # 05: the diabetes lasso and ridge paths
    from helpers import data

    diabetes = data.load_diabetes(standardize=True)
    return _builder("sparsity", "build_path_explorer", "path_widget")(
        diabetes, np.logspace(-2, 2, 81), np.logspace(-3, 3, 61), l1=10 ** 0.6, l2=1.0)


NOTEBOOK_CALLS = {
    "norm.build_norm_explorer": _norm_explorer,
    "norm.build_ndim_explorer": _ndim_explorer,
    "loss.build_loss_explorer": _loss_explorer,
    "loss.build_crossing_explorer": _crossing_explorer,
    "outliers.build_constant_explorer": _constant_explorer,
    "outliers.build_outlier_explorer": _outlier_explorer,
    "weight_decay.build_trajectory_explorer": _trajectory_explorer,
    "weight_decay.build_overfitting_explorer": _overfitting_explorer,
    "sparsity.build_chatter_explorer": _chatter_explorer,
    "sparsity.build_geometry_explorer": _geometry_explorer,
    "sparsity.build_path_explorer": _path_explorer,
}


def _static_figures():
    """Figures the notebooks show without a control of their own (05's show_figure calls that
    are cheap to rebuild here; the correlated-features and optimizer figures need the notebooks'
    longer computations and are left to nbval)."""
    from helpers.plots import sparsity as sparsity_plots

    def experiment():  # 05: sparsity_experiment(2000, seed=SEED, budget_fraction=(0.2, 0.8))
        from helpers.constrained_optima import sparsity_experiment

        return sparsity_plots.experiment_figure(sparsity_experiment(2000, seed=5, budget_fraction=(0.2, 0.8)))

    return {"sparsity.prior_figure": lambda: sparsity_plots.prior_figure(variance=1.0),
            "sparsity.experiment_figure": experiment}


def _needs_arguments(function) -> bool:
    return any(p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                                                   p.KEYWORD_ONLY)
               for p in inspect.signature(function).parameters.values())


def all_builds() -> dict[str, object]:
    """name -> zero-argument callable building the widget as its notebook does."""
    builds = dict(NOTEBOOK_CALLS)
    for name, function in discovered_builders().items():
        if name not in builds:
            builds[name] = function  # called with its defaults (checked in the test below)
    return builds


BUILDS = all_builds()


@pytest.fixture(autouse=True)
def _style():
    matplotlib.use("Agg")
    set_style()
    yield
    plt.close("all")


def _figures_of(widget) -> list:
    figures = list(getattr(widget, "figures", None) or [])
    if not figures and hasattr(widget, "fig"):
        figures = [widget.fig]
    return figures


# --------------------------------------------------------------------------
# The checker itself


def test_check_font_sizes_lists_every_small_text():
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.set_title("big enough", fontsize=12)            # 16.7 px
    ax.set_xlabel("too small", fontsize=7)              # 9.7 px
    ax.text(0.5, 0.5, "tiny note", fontsize=6)           # 8.3 px
    ax.tick_params(labelsize=8)                          # 11.1 px: every tick label
    with pytest.raises(ValueError) as info:
        check_font_sizes(fig, min_px=12, name="demo")
    message = str(info.value)
    assert "'too small' at 9.7 px (axis label of axes 1" in message
    assert "'tiny note' at 8.3 px" in message
    assert "tick label of axes 1" in message
    assert "'big enough' at" not in message
    check_font_sizes(fig, min_px=8)  # all of them pass a lower bar


def test_only_drawn_text_counts():
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.set_xlim(0, 1)
    ax.text(0.5, 0.5, "hidden", fontsize=5, visible=False)
    ax.text(0.5, 0.5, "   ", fontsize=5)
    ax.tick_params(labelsize=12)
    assert all(t.text != "hidden" for t in drawn_texts(fig))
    check_font_sizes(fig)  # empty titles, hidden text and blank strings are ignored


def test_screen_pixels_ignore_the_device_pixel_ratio():
    # ipympl raises fig.dpi on HiDPI screens; the text's size on screen does not change.
    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.set_title("title", fontsize=9)                    # 12.5 px
    ax.tick_params(labelsize=9)
    fig._set_dpi(200, forward=False)                      # what a device pixel ratio of 2 does
    assert {round(t.px, 1) for t in drawn_texts(fig)} == {12.5}


def test_animated_text_drawn_by_a_blitter_counts():
    from helpers.plots import Blitter

    fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    ax.tick_params(labelsize=12)
    blitter = Blitter(fig, [ax.text(0.1, 0.1, "moving", fontsize=6)])  # kept: callbacks are weak
    assert blitter.artists and [t.text for t in small_texts(fig)] == ["moving"]


def test_minimum_is_stated():
    assert MIN_FONT_PX == 12.0


def test_every_builder_is_built():
    """A builder that needs data must be in NOTEBOOK_CALLS with the notebook's arguments."""
    missing = [name for name, function in discovered_builders().items()
               if name not in NOTEBOOK_CALLS and _needs_arguments(function)]
    assert not missing, f"add these builders to NOTEBOOK_CALLS with their notebook's arguments: {missing}"


# --------------------------------------------------------------------------
# The course's figures


@pytest.mark.parametrize("name", sorted(BUILDS))
def test_widget_figure_text_is_legible(name):
    widget = BUILDS[name]()
    figures = _figures_of(widget)
    assert figures, f"{name} built a widget without figures"
    problems = []
    for i, fig in enumerate(figures):
        try:
            check_font_sizes(fig, name=f"{name} figure {i}")
        except ValueError as error:
            problems.append(str(error))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(_static_figures()))
def test_static_figure_text_is_legible(name):
    check_font_sizes(_static_figures()[name](), name=name)
