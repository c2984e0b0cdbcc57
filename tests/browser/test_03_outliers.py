"""03_outlier_sensitivity in real JupyterLab + Chromium: drags, edges, Reset, scenes, exercises.

The numbers the widgets show are checked against numpy run here (means, medians) and
against helpers' fits run here; screenshots before and after go to artifacts/screens/03/.
"""

import re

import matplotlib
import numpy as np
import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)
from helpers.plots.outliers import EDGE_ZONE

pytestmark = pytest.mark.browser

NOTEBOOK = "notebooks/03_outlier_sensitivity.ipynb"
SCREENS = lab.REPO / "artifacts" / "screens" / "03"
EXPLORER, CONSTANT = "course-03-outlier-explorer", "course-03-constant-explorer"
SEED = 3  # the notebook's SEED
NUMBER = r"-?\d+(?:\.\d+)?(?:e[+-]\d+)?"


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


def constant_numbers(page) -> tuple[float, float]:
    text = lab.text_of(lab.find_widget(page, "course-03-constant-readout"))
    mean = float(re.search(r"mean = (" + NUMBER + ")", text).group(1))
    median = float(re.search(r"median = (" + NUMBER + ")", text).group(1))
    return mean, median


def wait_numbers(page, expected, timeout=20.0):
    """Wait until the constant explorer's readout shows (mean, median) == ``expected``."""
    got = lab.wait_for(page, lambda: constant_numbers(page), lambda v: v == expected, timeout)
    assert got == expected, f"constant explorer shows {got}, expected {expected}"


def agg_copies():
    """The explorers' figures built here with Agg at the notebook's arguments (for screen positions)."""
    matplotlib.use("Agg")
    from helpers.plots import set_style
    from helpers.widgets.outliers import build_constant_explorer, build_outlier_explorer

    set_style()
    explorer = build_outlier_explorer("Anscombe III", seed=SEED)
    constant = build_constant_explorer(np.array([3.0, 4.0, 4.5, 6.0, 7.0]))
    for widget in (explorer, constant):
        widget.fig.canvas.draw()
    return explorer, constant


def on_screen(figure, fig, ax, point):
    """Page coordinates (CSS px) of data ``point`` of ``ax`` in the browser's copy of ``fig``."""
    canvas = lab.event_canvas(figure)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    fx, fy = lab.canvas_fraction(fig, ax, point)
    return box["x"] + fx * box["width"], box["y"] + fy * box["height"]


def glide(page, start, end, steps=8, ms=40):
    for t in np.linspace(0, 1, steps + 1)[1:]:
        page.mouse.move(start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1]))
        page.wait_for_timeout(ms)


def expected_fits(y_outlier, delta=1.0):
    from helpers.data import load_anscombe
    from helpers.fitting import fit_line

    data = load_anscombe("III")
    x, y = data.X[:, 0], data.y.copy()
    y[x == 13.0] = y_outlier
    return {loss: fit_line(x, y, loss=loss, delta=delta) for loss in ("l2", "l1", "huber")}


def test_03_constant_explorer_drags_and_reset_ends_a_drag_released_outside(notebook):
    """Issue 14 item 3: drag a number past the edge, press Reset, then drag the 3.0 dot:
    the 7.0 dot moved instead (to 3.4)."""
    page = notebook(NOTEBOOK)
    assert lab.cell_errors(page) == []
    for css in (EXPLORER, CONSTANT, "course-03-delta", "course-03-dataset", "course-03-add-outlier",
                "course-03-reset", "course-03-readout", "course-03-constant-reset", "course-03-numbers"):
        assert lab.find_widget(page, css).count() == 1, css
    figure = lab.wait_drawn(page, CONSTANT, timeout=60.0)
    shot(page, CONSTANT, "constant-before")
    assert constant_numbers(page) == (4.9, 4.5)
    _, agg = agg_copies()
    ax = agg.plot.ax_values
    before = lab.canvas_png_hash(figure)
    # Drag the 7 to the right, past the edge of the figure, and let go out there.
    x7 = on_screen(figure, agg.fig, ax, (7.0, 0.0))
    box = lab.event_canvas(figure).bounding_box()
    page.mouse.move(*x7)
    page.wait_for_timeout(60)
    page.mouse.down()
    glide(page, x7, (box["x"] + box["width"] - 3, x7[1]), steps=10)
    glide(page, (box["x"] + box["width"] - 3, x7[1]), (box["x"] + box["width"] + 60, x7[1]), steps=3)
    page.mouse.up()
    lab.settle(page)
    mean, median = constant_numbers(page)
    assert mean > 5.0 and median == 4.5  # the mean followed, the median stayed
    dragged = wait_still(page, figure, before)
    shot(page, CONSTANT, "constant-dragged-out")
    page.locator(".course-03-constant-reset").click()
    lab.settle(page)
    wait_numbers(page, (4.9, 4.5))
    reset = wait_still(page, figure, dragged)
    # Now drag the 3.0 dot to 3.4: it moves, and only it (mean 4.98, median 4.5).
    x3 = on_screen(figure, agg.fig, ax, (3.0, 0.0))
    to = on_screen(figure, agg.fig, ax, (3.4, 0.0))
    glide(page, (x3[0], x3[1] - 40), x3, steps=4)  # arrive over the figure with no button held
    assert constant_numbers(page) == (4.9, 4.5)
    page.mouse.down()
    glide(page, x3, to, steps=6)
    page.mouse.up()
    lab.settle(page)
    mean, median = constant_numbers(page)
    assert median == 4.5 and mean == pytest.approx((3.4 + 4 + 4.5 + 6 + 7) / 5, abs=0.02), (mean, median)
    wait_still(page, figure, reset)
    shot(page, CONSTANT, "constant-after-reset-and-drag")
    assert lab.cell_errors(page) == []


def test_03_outlier_drags_push_the_axes_at_the_mouse_speed_and_a_release_outside_ends_it(notebook):
    """Issue 14 items 1 and 4: the axes follow a drag at the speed of the mouse (holding
    still changes nothing), and a release outside the figure ends the drag."""
    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, EXPLORER, timeout=60.0)
    shot(page, EXPLORER, "explorer-before")
    start = wait_table(page, lambda t: t["points"] == 11)
    ref = expected_fits(12.74)
    for loss in ("l2", "l1", "huber"):
        assert start[loss][:2] == pytest.approx(ref[loss], abs=2e-3)
    agg, _ = agg_copies()
    ax = agg.plot.ax
    before = lab.canvas_png_hash(figure)

    # 1. Drag the outlier (13, 12.74) down onto the line: L2 swings toward the L1 line, L1 does not move.
    top = on_screen(figure, agg.fig, ax, (13.0, 12.74))
    low = on_screen(figure, agg.fig, ax, (13.0, 8.5))
    page.mouse.move(*top)
    page.wait_for_timeout(60)
    page.mouse.down()
    glide(page, top, low, steps=10)
    page.mouse.up()
    lab.settle(page)
    moved = wait_table(page, lambda t: abs(t["l2"][0] - start["l2"][0]) > 0.05)
    lo, hi = expected_fits(8.4), expected_fits(8.6)
    for loss in ("l2", "l1", "huber"):
        a, b = sorted((lo[loss][0], hi[loss][0]))
        assert a - 2e-3 <= moved[loss][0] <= b + 2e-3, (loss, moved[loss], a, b)
    assert moved["l1"][0] == pytest.approx(0.345, abs=1e-3)
    wait_still(page, figure, before)
    shot(page, EXPLORER, "explorer-dragged-down")

    # 2. Take it back up and push against the top edge: each move up in the edge zone pushes the axis out.
    #    The view was fitted to the data again on release, so find the point from the table's data.
    lab.settle(page)
    agg.drag.on_drag(2, 13.0, 8.5)  # the Agg copy follows, for screen positions
    agg.drag.on_release(2)
    agg.fig.canvas.draw()
    grab = on_screen(figure, agg.fig, ax, (13.0, 8.5))
    box = lab.event_canvas(figure).bounding_box()
    axes_top = box["y"] + (1 - ax.bbox.y1 / agg.fig.canvas.get_width_height()[1]) * box["height"]
    zone = EDGE_ZONE * ax.bbox.height / agg.fig.canvas.get_width_height()[1] * box["height"]  # CSS px
    high, dip = (grab[0], axes_top + 3), (grab[0], axes_top + 3 + 0.8 * zone)
    page.mouse.move(*grab)
    page.wait_for_timeout(60)
    page.mouse.down()
    glide(page, grab, high, steps=10)
    for _ in range(14):  # wiggle inside the edge zone: each move up pushes the top out by as much
        glide(page, high, dip, steps=2, ms=60)
        glide(page, dip, high, steps=2, ms=60)
    lab.settle(page, timeout=120)  # every push is a full redraw: give a busy machine time
    pushed = table(page)
    assert pushed["l2"][0] > start["l2"][0] + 0.1 and pushed["l1"][0] == pytest.approx(0.345, abs=1e-3)
    assert all(np.isfinite(v) for loss in ("l2", "l1", "huber") for v in pushed[loss])
    held = lab.canvas_png_hash(figure)
    for k in range(20):  # hold at the edge with a 1-pixel sideways jitter: nothing runs away
        page.mouse.move(high[0] + (k % 2), high[1])
        page.wait_for_timeout(40)
    lab.settle(page, timeout=60)
    assert table(page)["l2"][0] == pytest.approx(pushed["l2"][0], abs=0.02)
    shot(page, EXPLORER, "explorer-pushed-up")

    # 3. Leave the figure with the button held, let go outside, come back with no button.
    outside = (box["x"] - 40, axes_top + 3)
    glide(page, high, outside, steps=6)
    page.mouse.up()  # released outside the figure: no release event reaches it
    page.wait_for_timeout(100)
    glide(page, outside, (grab[0] - 100, axes_top + 120), steps=10)  # back over the figure, no button
    lab.settle(page)
    left = table(page)
    for _ in range(4):
        glide(page, (grab[0] - 100, axes_top + 120), (grab[0] - 60, axes_top + 200), steps=4)
    lab.settle(page)
    assert table(page) == left  # the point does not follow the mouse
    still = lab.wait_canvas_still(page, figure)
    assert still != held  # the axes shrank back to fit the data when the drag ended
    shot(page, EXPLORER, "explorer-after-release-outside")
    assert lab.cell_errors(page) == []


def test_03_delta_slider_buttons_data_sets_and_scenes(notebook):
    from helpers.fitting import fit_line
    from helpers.widgets.outliers import dataset_points

    page = notebook(NOTEBOOK)
    figure = lab.wait_drawn(page, EXPLORER, timeout=60.0)
    before = lab.canvas_png_hash(figure)
    lab.slider_drag(page, ".course-03-delta", dx=60)
    lab.settle(page)
    delta = lab.slider_value(page, ".course-03-delta")
    assert delta > 1.0
    rows = wait_table(page, lambda t: t["delta"] == pytest.approx(delta))
    assert rows["huber"][0] == pytest.approx(expected_fits(12.74, delta)["huber"][0], abs=2e-3)
    moved = lab.wait_canvas_change(page, figure, before)

    page.locator(".course-03-add-outlier").click()
    lab.settle(page)
    added_rows = wait_table(page, lambda t: t["points"] == 12)
    assert abs(added_rows["l2"][0] - rows["l2"][0]) > 1e-3  # a far point moves the L2 line
    added = wait_still(page, figure, moved)
    shot(page, EXPLORER, "explorer-added-outlier")
    page.locator(".course-03-reset").click()
    lab.settle(page)
    rows = wait_table(page, lambda t: t["points"] == 11)
    assert rows["l2"][0] == pytest.approx(0.4997, abs=1e-3)
    reset = lab.wait_canvas_change(page, figure, added)

    page.locator(".course-03-dataset button", has_text="Noisy line").click()
    lab.settle(page)
    x, y = dataset_points("Noisy line", SEED)
    expected = {loss: fit_line(x, y, loss=loss, delta=delta) for loss in ("l2", "l1", "huber")}
    rows = wait_table(page, lambda t: t["l2"][0] == pytest.approx(expected["l2"][0], abs=2e-3))
    for loss in ("l2", "l1", "huber"):
        assert rows[loss][:2] == pytest.approx(expected[loss], abs=2e-3)
    noisy = wait_still(page, figure, reset)
    shot(page, EXPLORER, "explorer-noisy-line")

    # A scene sets the controls and the figure: Anscombe III at delta = 5, where Huber is least squares.
    lab.click_scene(page, EXPLORER, "Huber with δ = 5")
    lab.settle(page)
    rows = wait_table(page, lambda t: t["delta"] == 5.0 and t["points"] == 11)
    assert lab.slider_value(page, ".course-03-delta") == pytest.approx(5.0)
    assert page.locator(".course-03-dataset button.mod-active").inner_text().strip() == "Anscombe III"
    assert rows["huber"][:2] == pytest.approx(rows["l2"][:2], abs=1e-3)
    assert rows["l2"][0] == pytest.approx(0.4997, abs=1e-3)
    wait_still(page, figure, noisy)
    shot(page, EXPLORER, "explorer-scene-delta-5")
    assert lab.cell_errors(page) == []


def test_03_exercises_of_each_kind_wrong_then_right(notebook):
    page = notebook(NOTEBOOK)
    assert "0 of 7" in lab.scoreboard_text(page)

    # Predict (a choice): the mean is wrong and named as such; the median is right and the explorer shows it.
    lab.pick_choice(page, "mae-constant-far", "17.5")
    lab.settle(page)  # ipywidgets sends one update per model at a time: let the choice arrive first
    feedback = lab.click_check(page, "mae-constant-far")
    assert "You picked the mean" in feedback and "watch it stay" in feedback
    wait_numbers(page, (17.5, 4.5))  # the reveal: the explorer is set to the scene
    lab.pick_choice(page, "mae-constant-far", "4.5")
    lab.settle(page)
    assert lab.click_check(page, "mae-constant-far").startswith("✓ Right")
    shot(page, "course-exercise-mae-constant-far", "exercise-predict-right")

    # Compute by hand (a number): the mean is a catalogued mistake, 4 is right.
    lab.type_number(page, "median-by-hand", "23.6")
    lab.settle(page)
    feedback = lab.click_check(page, "median-by-hand")
    assert "23.6 is the mean" in feedback
    shot(page, "course-exercise-median-by-hand", "exercise-compute-wrong")
    lab.type_number(page, "median-by-hand", "4")
    lab.settle(page)
    assert lab.click_check(page, "median-by-hand").startswith("✓ Right")

    # Write the code: the course's L2 term e^2 instead of Huber's half of it, then the right function.
    lab.write_cell(page, "def huber(e, delta):", "def huber(e, delta):\n"
                   "    return np.where(np.abs(e) <= delta, e**2, delta * (np.abs(e) - delta / 2))")
    feedback = lab.click_check(page, "write-huber")
    assert "Case 1 (small errors, inside δ)" in feedback and "½" in feedback
    shot(page, "course-exercise-write-huber", "exercise-code-wrong")
    lab.write_cell(page, "def huber(e, delta):", "def huber(e, delta):\n"
                   "    return np.where(np.abs(e) <= delta, 0.5 * e**2, delta * (np.abs(e) - delta / 2))")
    assert lab.click_check(page, "write-huber").startswith("✓ Right")
    shot(page, "course-exercise-write-huber", "exercise-code-right")

    board = lab.scoreboard_text(page)
    assert "3 of 7" in board, board
    assert lab.cell_errors(page) == []
