"""Labels of notebook 05's figures (helpers.plots.sparsity), Agg backend: each panel's title names the rule
it runs, and the Laplace scale is beta (b is the bias in the notebook)."""

import matplotlib

matplotlib.use("Agg")

from helpers.plots import sparsity as plots  # noqa: E402


def test_chatter_titles_name_the_rules_the_panels_run_and_fit_their_panels():
    """The "clip" panel runs the clip with a test at zero (not a literal "clip at zero"); no title names only
    the penalty's part of the subgradient step (the step is eta*(g + alpha*sign(w)))."""
    fig = plots.ChatterFigure(150, ("w1", "w2", "w3"), 2)
    titles = [ax.get_title() for ax in fig.axes_top]
    assert titles == ["subgradient (the notes)", "clip with a test at zero", "proximal (soft-threshold)"]
    fig.fig.canvas.draw()
    renderer = fig.fig.canvas.get_renderer()
    for ax in fig.axes_top:
        title, box = ax.title.get_window_extent(renderer), ax.get_window_extent(renderer)
        assert box.x0 - 1 <= title.x0 and title.x1 <= box.x1 + 1, ax.get_title()


def test_prior_figure_calls_the_laplace_scale_beta_not_b():
    """b is the bias in notebook 05; the Laplace scale is beta, in the legend as in the text."""
    fig = plots.prior_figure(1.0)
    labels = [t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()]
    assert any(r"$\beta$=0.707" in t for t in labels) and any(r"$|w|/\beta$" in t for t in labels)
    assert not any("$b$" in t or "/b$" in t for t in labels)


def test_chatter_marks_the_landing_step_with_a_line_and_redraws_no_text():
    """The dotted line sits at each rule's landing step and is hidden when the weight never lands; the
    step itself is in the widget's table: a blit redraws no text (three changing labels took more than
    half of an update's CPU, issue 13)."""
    import numpy as np
    from matplotlib.text import Text

    fig = plots.ChatterFigure(10, ("w1", "w2", "w3"), 2)
    weights = [np.zeros((11, 3)) for _ in range(3)]
    fig.update(weights, eta=0.1, alpha=0.5, landings=[None, 4, 7])
    assert [line.get_visible() for line in fig.landing_lines] == [False, True, True]
    assert [float(line.get_xdata()[0]) for line in fig.landing_lines[1:]] == [4.0, 7.0]
    assert not [a for a in fig.blitter.artists if isinstance(a, Text)]
