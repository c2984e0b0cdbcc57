"""Classroom mode: every notebook served by Voilà, driven in headless Chromium (issue 11).

Voilà is started by the tests on 127.0.0.1 (free port) on copies of notebooks/
and data/, as tests/browser/lab.py starts JupyterLab. Each notebook is opened
once at a projector's 1024x768 and then:

- shows no error (stderr tracebacks, error outputs, the course's red line
  `.course-error`, widgets that failed to render) and renders every widget;
- fits: nothing cut off, nothing to scroll sideways, at 1024x768 and at 1280x800
  zoomed to 150 % (853x533 CSS pixels at a device scale factor of 1.5);
- a slider changes its figure's pixels;
- a drag moves a point of a draggable figure (01's tip, 03's scatter): the point
  is located with the widget built here with Agg from the notebook's own call;
- a scene button (`.course-scene`) sets its widget's controls and changes the
  figure; a notebook without scenes fails that test.

Screenshots (artifacts/voila/): the whole page and screen by screen at 1024x768,
and the zoomed page's first screen.
"""

from __future__ import annotations

import importlib
import re
import time
from dataclasses import dataclass

import numpy as np
import pytest

import lab
import voila_server as vs

pytestmark = pytest.mark.browser

NOTEBOOKS = sorted((lab.REPO / "notebooks").glob("[0-9]*.ipynb"))
NAMES = [p.stem for p in NOTEBOOKS]
ARTIFACTS = vs.ARTIFACTS

# Notebooks with a draggable figure: the widgets module and builder whose call the notebook makes.
DRAGGABLE = {  # every notebook with a draggable figure (04 has sliders only)
    "01_norm": ("norm", "build_norm_explorer"),
    "02_loss": ("loss", "build_loss_explorer"),
    "03_outlier_sensitivity": ("outliers", "build_outlier_explorer"),
    "05_sparsity": ("sparsity", "build_geometry_explorer"),
}


@pytest.fixture(scope="module")
def voila(tmp_path_factory):
    """One Voilà for the module, serving copies of notebooks/ and data/."""
    work = tmp_path_factory.mktemp("voila")
    sources = [p for p in (lab.REPO / "notebooks", lab.REPO / "data") if p.is_dir()]
    server = vs.start_voila(work, sources)
    yield server
    server.stop()


@dataclass
class App:
    name: str
    page: object
    counts: dict
    server: vs.VoilaServer


@pytest.fixture(scope="module", params=NAMES)
def app(request, browser, voila):
    """A notebook opened in Voilà at 1024x768 (once for all the tests of that notebook)."""
    name = request.param
    page = vs.new_page(browser, vs.PROJECTOR)
    page.add_init_script(lab.FRAME_PATH_PROBE)  # read by test_frames_are_drawn_without_encoding_the_figure
    try:
        counts = vs.open_app(page, voila.url(f"notebooks/{name}.ipynb"))
    except Exception as error:
        console = "\n".join(vs.console_problems(page)[-40:])
        vs.close_app(page, voila)
        raise AssertionError(f"{name} did not open in Voilà: {error}\n--- Voilà log (end) ---\n"
                             f"{voila.log_text()[-3000:]}\n--- the browser console ---\n{console}") from error
    yield App(name, page, counts, voila)
    vs.close_app(page, voila)


# --------------------------------------------------------------------------
# Helpers


def no_errors(page) -> None:
    """Fail with each error's last line (the exception) and its start, if the page shows any."""
    errors = vs.page_errors(page)
    lines = []
    for error in errors:
        rows = [r for r in error.splitlines() if r.strip() and not set(r.strip()) <= set("-")]
        lines.append(f"{rows[-1][:300] if rows else error[:300]}   [{' '.join(error.split())[:160]}]")
    console = vs.console_problems(page)
    assert not errors, (f"{len(errors)} error(s) shown on the page:\n" + "\n".join(lines)
                        + "\n--- the browser console (errors, warnings) ---\n" + "\n".join(console[-40:]))


def fits(page, settle: float = 10.0) -> None:
    """Nothing cut off, nothing scrolls sideways, once the page has settled: MathJax typesets and
    the widgets (whose scene bars carry the page CSS) render after the cells show, so a layout
    seen in the first moments may still change; a problem that lasts `settle` seconds fails."""
    deadline = time.monotonic() + settle
    problems = vs.overflow_problems(page)
    while problems and time.monotonic() < deadline:
        page.wait_for_timeout(500)
        problems = vs.overflow_problems(page)
    size = page.viewport_size
    assert not problems, (f"at {size['width']}x{size['height']} CSS px something is cut off or scrolls "
                          f"sideways:\n" + "\n".join(problems))


def widget_outputs(page):
    """Locator of the output areas that hold a widget (in page order)."""
    return page.locator("#rendered_cells .jp-OutputArea-output").filter(
        has=page.locator(".jupyter-widgets"))


def figure_hashes(output) -> list[str]:
    figures = output.locator(lab.FIGURE)
    return [lab.canvas_png_hash(figures.nth(i)) for i in range(figures.count())]


def wait_any_figure_change(page, output, before: list[str], timeout: float = 10.0) -> list[str]:
    return lab.wait_for(page, lambda: figure_hashes(output), lambda h: h != before, timeout)


CONTROLS_JS = """(root) => {
    const values = [];
    root.querySelectorAll('.noUi-handle').forEach(h => values.push('h' + h.getAttribute('aria-valuenow')));
    root.querySelectorAll('.widget-readout').forEach(r => values.push('r' + r.textContent.trim()));
    root.querySelectorAll('select').forEach(s => values.push('s' + s.value));
    root.querySelectorAll('input').forEach(i => values.push('i' + (i.type === 'checkbox' ? i.checked : i.value)));
    root.querySelectorAll('.widget-toggle-button').forEach(b => values.push('t' + b.classList.contains('mod-active')));
    return values.join('|');
}"""


def controls_signature(output) -> str:
    return output.evaluate(CONTROLS_JS)


def _notebook_call(name: str, builder: str) -> tuple[str, int, dict]:
    """The argument text of the notebook's `builder(...)` call (one line), its SEED, and the
    literal arrays it defines (``y = np.array([2.0, 3.5])``), which the call may name."""
    import nbformat

    nb = nbformat.read(lab.REPO / "notebooks" / f"{name}.ipynb", as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    match = re.search(rf"^[^#\n]*\b{builder}\((.*)\)\s*$", source, flags=re.M)
    assert match, f"no call of {builder}(...) in {name}.ipynb"
    seed = re.search(r"^SEED\s*=\s*(\d+)", source, flags=re.M)
    arrays = {m.group(1): np.array([float(v) for v in m.group(2).split(",")])
              for m in re.finditer(r"^(\w+) = np\.array\(\[([-\d., ]+)\]\)\s*$", source, flags=re.M)}
    return match.group(1), int(seed.group(1)) if seed else 0, arrays


def build_like_the_notebook(name: str):
    """The notebook's draggable widget, built here with Agg from the notebook's own call."""
    import matplotlib

    matplotlib.use("Agg")
    from helpers.plots import set_style

    module_name, builder = DRAGGABLE[name]
    function = getattr(importlib.import_module(f"helpers.widgets.{module_name}"), builder)
    args, seed, arrays = _notebook_call(name, builder)
    set_style()
    return eval(f"_build({args})", {"_build": function, "np": np, "SEED": seed, **arrays})  # the notebook's text


def drag_points_of(widget):
    from helpers.widgets import DragPoints

    found = [v for v in vars(widget).values() if isinstance(v, DragPoints)]
    for value in vars(widget).values():
        if isinstance(value, (list, tuple)):
            found += [v for v in value if isinstance(v, DragPoints)]
    return found


# --------------------------------------------------------------------------
# The tests


def test_runs_without_errors_and_renders_every_widget(app):
    page, counts = app.page, app.counts
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    vs.full_page_screenshot(page, ARTIFACTS / f"{app.name}-1024x768-full.png")
    vs.screen_screenshots(page, ARTIFACTS / f"{app.name}-1024x768")
    no_errors(page)
    assert counts["widget_outputs"] > 0, counts
    assert counts["rendered_widget_outputs"] == counts["widget_outputs"], counts
    assert counts["figures"] > 0, counts
    outputs = widget_outputs(page)
    empty = [i for i in range(outputs.count()) if not outputs.nth(i).inner_text().strip()
             and outputs.nth(i).locator("canvas, img").count() == 0]
    assert not empty, f"widget outputs rendered empty: {empty}"


def test_fits_a_1024x768_projector(app):
    fits(app.page)


def test_a_slider_changes_its_figure(app):
    page = app.page
    outputs = widget_outputs(page)
    tried = []
    for i in range(outputs.count()):
        output = outputs.nth(i)
        if output.locator(lab.FIGURE).count() == 0:
            continue
        handles = output.locator(lab.SLIDER_HANDLE)
        for k in range(min(handles.count(), 3)):
            handle = handles.nth(k)
            handle.scroll_into_view_if_needed()
            lab.wait_canvas_still(page, output.locator(lab.FIGURE).first, interval=0.3)
            before = figure_hashes(output)
            at_max = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
            handle.focus()
            page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
            if wait_any_figure_change(page, output, before) != before:
                no_errors(page)
                return
            tried.append(f"output {i} slider {k}")
    pytest.fail(f"no slider changed its figure's pixels (tried {tried or 'none: no slider next to a figure'})")


@pytest.mark.parametrize("app", sorted(DRAGGABLE), indirect=True)
def test_a_drag_moves_a_point(app):
    page = app.page
    widget = build_like_the_notebook(app.name)
    drags = drag_points_of(widget)
    assert drags, f"{type(widget).__name__} has no DragPoints attribute"
    drag = drags[0]
    fig, ax = drag.ax.figure, drag.ax
    point = np.asarray(drag.get_points(), dtype=float).reshape(-1, 2)[0]
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    target = point + 0.3 * (np.array([(x0 + x1) / 2, (y0 + y1) / 2]) - point) + [0.05 * (x1 - x0), 0]
    start, end = lab.canvas_fraction(fig, ax, point), lab.canvas_fraction(fig, ax, target)
    css = next(c for c in widget.layout._dom_classes if c.startswith("course-"))
    figure = page.locator(f".{css}").first.locator(lab.FIGURE).nth(widget.figures.index(fig))
    figure.scroll_into_view_if_needed()
    before = lab.wait_canvas_still(page, figure, interval=0.4)
    lab.canvas_drag(page, figure, start, end, steps=10)
    assert lab.wait_canvas_change(page, figure, before) != before, (
        f"dragging the point at {point} of .{css} did not change the figure")
    no_errors(page)
    lab.element_screenshot(page.locator(f".{css}").first, ARTIFACTS / f"{app.name}-dragged.png")


def test_a_scene_button_sets_the_controls_and_changes_the_figure(app):
    page = app.page
    outputs = widget_outputs(page)
    with_scenes = [i for i in range(outputs.count())
                   if outputs.nth(i).locator(".course-scene").count() and outputs.nth(i).locator(lab.FIGURE).count()]
    if not with_scenes:
        pytest.fail(f"{app.name} has no scene buttons (.course-scene) next to a figure yet")
    output = outputs.nth(with_scenes[0])
    buttons = output.locator(".course-scene")
    tried = []
    for k in range(buttons.count()):
        button = buttons.nth(k)
        label = button.inner_text().strip()
        button.scroll_into_view_if_needed()
        lab.wait_canvas_still(page, output.locator(lab.FIGURE).first, interval=0.3)
        controls, pixels = controls_signature(output), figure_hashes(output)
        button.click()
        # The scene is applied once its button is highlighted (button_style "info").
        applied = lab.wait_for(page, lambda b=button: "mod-info" in (b.get_attribute("class") or ""),
                               lambda ok: ok, timeout=10)
        assert applied, f"scene {label!r}: its button was never marked as applied"
        new_controls = lab.wait_for(page, lambda: controls_signature(output), lambda c, before=controls: c != before, 5)
        new_pixels = wait_any_figure_change(page, output, pixels, 10)
        if new_controls != controls and new_pixels != pixels:
            no_errors(page)
            lab.element_screenshot(output, ARTIFACTS / f"{app.name}-scene.png")
            return
        tried.append(f"{label!r}: controls {'changed' if new_controls != controls else 'unchanged'}, "
                     f"figure {'changed' if new_pixels != pixels else 'unchanged'}")
    pytest.fail(f"no scene changed both the controls and the figure: {tried}")


def test_frames_are_drawn_without_encoding_the_figure(app):
    """The course's JupyterLab extension works in Voilà too (labextension/, issue 13): after the
    figures' first frames and the slider, drag and scene above, no figure was encoded as a PNG data
    URL on the page (ipympl's own path does it after every frame; Voilà saves no widget state), and
    the page accepted the kernel's tiled frames and drew their runs of tiles (helpers/plots/tiles.py)."""
    record = lab.frame_path_record(app.page)
    assert record is not None, "the frame-path probe was not installed before Voilà loaded"
    assert record["frames"] > 0, "no ipympl frame reached the page"
    assert record["encodes"] == 0, record
    assert record["tiles"] > 0, record


def test_no_error_after_the_interactions(app):
    no_errors(app.page)


@pytest.mark.parametrize("name", NAMES)
def test_fits_1280x800_zoomed_to_150_percent(name, browser, voila):
    page = vs.new_page(browser, vs.ZOOMED_150)
    try:
        vs.open_app(page, voila.url(f"notebooks/{name}.ipynb"))
        lab.screenshot(page, ARTIFACTS / f"{name}-zoom150-p1.png")
        assert page.evaluate("() => window.devicePixelRatio") == 1.5
        fits(page)
    finally:
        vs.close_app(page, voila)
