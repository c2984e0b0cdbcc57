"""03_outlier_sensitivity in real JupyterLab + Chromium: drag points, the slider, the buttons.

The numbers the widgets show are checked against helpers' math run here;
screenshots before and after go to artifacts/screens/03/.
"""

import re

import matplotlib
import numpy as np
import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/03_outlier_sensitivity.ipynb"
SCREENS = lab.REPO / "artifacts" / "screens" / "03"
EXPLORER, CONSTANT = "course-03-outlier-explorer", "course-03-constant-explorer"
SEED = 3  # the notebook's SEED
NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"


def wait_drawn(page, css_class):
    """The figure inside ``css_class``, scrolled into view, once ipympl has drawn it."""
    return lab.wait_drawn(page, css_class, timeout=60.0)


def wait_still(page, figure, old_hash, timeout=10.0) -> str:
    """Wait until the pixels changed from ``old_hash`` and then stayed the same for 0.5 s."""
    lab.wait_canvas_change(page, figure, old_hash, timeout)
    return lab.wait_canvas_still(page, figure, 0.5, timeout)


def shot(page, css_class, name):
    lab.widget_screenshot(page, css_class, SCREENS / f"{name}.png")


def table(page) -> dict:
    """The explorer's readout: {'l2': (slope, intercept, mse, mae, huber), ...} and the point count."""
    text = lab.text_of(lab.find_widget(page, "course-03-readout"))
    rows = {}
    for loss, name in (("l2", "L2 line"), ("l1", "L1 line"), ("huber", "Huber line")):
        match = re.search(name + r"\s+" + r"\s+".join([f"({NUMBER})"] * 5), text)
        assert match, f"no row for {name} in {text!r}"
        rows[loss] = tuple(float(v) for v in match.groups())
    rows["points"] = int(re.search(r"(\d+) points", text).group(1))
    rows["delta"] = float(re.search(r"Huber \(δ=(" + NUMBER + r")\)", text).group(1))
    return rows


def wait_table(page, check, timeout=20.0):
    """Wait until ``check(table)`` holds; return the table (or fail with the last one)."""
    rows = None
    for _ in range(int(timeout / 0.1)):
        rows = table(page)
        if check(rows):
            return rows
        page.wait_for_timeout(100)
    raise AssertionError(f"readout never matched: {rows}")


def explorer_fractions():
    """Canvas fractions of data points in the explorer, from the same figure built here (Agg)."""
    matplotlib.use("Agg")
    from helpers.plots import set_style
    from helpers.widgets.outliers import build_outlier_explorer

    set_style()
    widget = build_outlier_explorer("Anscombe III", seed=SEED)
    widget.fig.canvas.draw()  # the layout, for ax.bbox
    ax = widget.plot.ax

    def frac(x, y):
        return lab.canvas_fraction(widget.fig, ax, (x, y))

    top = 1 - ax.bbox.y1 / widget.fig.canvas.get_width_height()[1]
    return frac, top


def expected_fits(y_outlier, delta=1.0):
    from helpers.data import load_anscombe
    from helpers.fitting import fit_line

    data = load_anscombe("III")
    x, y = data.X[:, 0], data.y.copy()
    y[x == 13.0] = y_outlier
    return {loss: fit_line(x, y, loss=loss, delta=delta) for loss in ("l2", "l1", "huber")}


def test_03_runs_renders_and_the_constant_explorer_drags(notebook):
    page = notebook(NOTEBOOK)
    assert lab.cell_errors(page) == []
    counts = lab.widget_counts(page)
    assert counts["figures"] >= 6 and counts["sliders"] >= 1
    for css in (EXPLORER, CONSTANT, "course-03-delta", "course-03-dataset", "course-03-add-outlier",
                "course-03-reset", "course-03-readout", "course-03-constant-reset"):
        assert lab.find_widget(page, css).count() == 1, css
    figure = wait_drawn(page, CONSTANT)
    wait_drawn(page, EXPLORER)
    shot(page, CONSTANT, "constant-before")
    readout = lab.find_widget(page, "course-03-constant-readout")
    assert "mean = 4.9" in lab.text_of(readout) and "median = 4.5" in lab.text_of(readout)
    before = lab.canvas_png_hash(figure)
    # The strip of numbers: x limits 2..8 (pad 0.25 of the span 3..7); drag 7 to the right edge.
    matplotlib.use("Agg")
    from helpers.plots import set_style
    from helpers.plots.outliers import ConstantFitFigure

    set_style()
    plot = ConstantFitFigure([3.0, 4.0, 4.5, 6.0, 7.0])
    x7, y7 = lab.canvas_fraction(plot.fig, plot.ax_values, (7.0, 0.0))
    right = (plot.ax_values.bbox.x1 - 2) / plot.fig.canvas.get_width_height()[0]
    lab.canvas_drag(page, figure, (x7, y7), (right, y7), steps=12)
    lab.settle(page)
    text = lab.text_of(readout)
    mean = float(re.search(r"mean = (" + NUMBER + ")", text).group(1))
    assert mean > 5.1 and "median = 4.5" in text and "moved +0;" in text  # the median stays
    dragged = wait_still(page, figure, before)
    assert dragged != before
    shot(page, CONSTANT, "constant-after")
    page.locator(".course-03-constant-reset").click()
    lab.settle(page)
    assert "mean = 4.9 " in lab.wait_text_change(page, readout, text) + " "
    assert lab.wait_canvas_change(page, figure, dragged) != dragged
    assert lab.cell_errors(page) == []


def test_03_drag_the_outlier_and_the_lines_follow(notebook):
    page = notebook(NOTEBOOK)
    figure = wait_drawn(page, EXPLORER)
    shot(page, EXPLORER, "explorer-before")
    start = wait_table(page, lambda t: t["points"] == 11)
    ref = expected_fits(12.74)
    for loss in ("l2", "l1", "huber"):
        assert start[loss][:2] == pytest.approx(ref[loss], abs=2e-3)
    frac, top = explorer_fractions()
    before = lab.canvas_png_hash(figure)

    # 1. Drag the outlier (13, 12.74) down onto the line: L2 swings to the L1 line, L1 does not move.
    lab.canvas_drag(page, figure, frac(13.0, 12.74), frac(13.0, 8.5), steps=12)
    lab.settle(page)
    moved = wait_table(page, lambda t: abs(t["l2"][0] - start["l2"][0]) > 0.05)
    low, high = expected_fits(8.4), expected_fits(8.6)
    for loss in ("l2", "l1", "huber"):
        lo, hi = sorted((low[loss][0], high[loss][0]))
        assert lo - 2e-3 <= moved[loss][0] <= hi + 2e-3, (loss, moved[loss], lo, hi)
    assert moved["l1"][0] == pytest.approx(0.345, abs=1e-3)
    assert abs(moved["l2"][0] - start["l2"][0]) > 0.1  # L2 moved a lot, L1 not at all
    after_down = wait_still(page, figure, before)
    assert after_down != before
    shot(page, EXPLORER, "explorer-dragged-down")

    # 2. Take it far up: hold it at the top edge, the axes follow; the numbers stay finite.
    x_now = frac(13.0, 8.5)
    canvas = lab.event_canvas(figure)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + x_now[0] * box["width"], box["y"] + x_now[1] * box["height"])
    page.mouse.down()
    for i in range(40):
        page.mouse.move(box["x"] + x_now[0] * box["width"] + (i % 2),
                        box["y"] + (top + 0.005) * box["height"])
        page.wait_for_timeout(40)
    page.mouse.up()
    lab.settle(page)
    far = wait_table(page, lambda t: t["l2"][0] > 1.0)
    assert far["l1"][0] == pytest.approx(0.345, abs=1e-3)  # L1 still ignores it
    assert all(np.isfinite(v) for loss in ("l2", "l1", "huber") for v in far[loss])
    assert "nan" not in lab.text_of(lab.find_widget(page, EXPLORER)).lower()
    assert wait_still(page, figure, after_down) != after_down
    shot(page, EXPLORER, "explorer-dragged-far")
    assert lab.cell_errors(page) == []


def test_03_delta_slider_buttons_and_data_sets(notebook):
    from helpers.outliers import noisy_line
    from helpers.fitting import fit_line

    page = notebook(NOTEBOOK)
    figure = wait_drawn(page, EXPLORER)
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-03-delta", dx=60)
    lab.settle(page)
    delta = lab.slider_value(page, ".course-03-delta")
    assert delta > 1.0
    rows = wait_table(page, lambda t: t["delta"] == pytest.approx(delta))
    assert rows["huber"][0] == pytest.approx(expected_fits(12.74, delta)["huber"][0], abs=2e-3)
    moved = lab.wait_canvas_change(page, figure, before)
    lab.slider_keys(page, ".course-03-delta", "ArrowLeft", 12)
    lab.settle(page)
    delta_keys = lab.slider_value(page, ".course-03-delta")
    assert delta_keys == pytest.approx(delta - 1.2, abs=1e-6) or delta_keys == pytest.approx(0.1)
    rows = wait_table(page, lambda t: t["delta"] == pytest.approx(delta_keys))
    assert rows["huber"][0] == pytest.approx(expected_fits(12.74, delta_keys)["huber"][0], abs=2e-3)
    keyed = lab.wait_canvas_change(page, figure, moved)

    page.locator(".course-03-add-outlier").click()
    lab.settle(page)
    wait_table(page, lambda t: t["points"] == 12)
    added = wait_still(page, figure, keyed)
    shot(page, EXPLORER, "explorer-added-outlier")
    page.locator(".course-03-reset").click()
    lab.settle(page)
    rows = wait_table(page, lambda t: t["points"] == 11)
    assert rows["l2"][0] == pytest.approx(0.4997, abs=1e-3)
    reset = lab.wait_canvas_change(page, figure, added)

    page.locator(".course-03-dataset button", has_text="Noisy line").click()
    lab.settle(page)
    x, y = noisy_line(11, seed=SEED)
    expected = {loss: fit_line(x, y, loss=loss, delta=delta_keys) for loss in ("l2", "l1", "huber")}
    rows = wait_table(page, lambda t: t["l2"][0] == pytest.approx(expected["l2"][0], abs=2e-3))
    for loss in ("l2", "l1", "huber"):
        assert rows[loss][:2] == pytest.approx(expected[loss], abs=2e-3)
    assert wait_still(page, figure, reset) != reset
    shot(page, EXPLORER, "explorer-noisy-line")
    assert lab.cell_errors(page) == []
