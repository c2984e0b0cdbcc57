"""ipympl's frame path on the page with the course's JupyterLab extension (labextension/, issue 13).

ipympl 0.10 encodes the whole figure as a PNG data URL on the page after every frame, only for
a saved widget state; the course's extension encodes it when a state is asked for. Checked here
in JupyterLab at device pixel ratio 2 (where the encoding costs most) on 01, with JupyterLab set
to save widget state in notebooks (autosave off, so only the test's save asks for a state): Run
All and a drag of the explorer draw frames and encode nothing; saving the notebook encodes each
figure once, and the explorer's saved image is its canvas, pixel for pixel. (Voilà:
tests/browser/test_voila.py.)
"""

import json
import shutil

import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

SOURCE = "notebooks/01_norm.ipynb"
COPY = "notebooks/01_norm_saved_state.ipynb"  # saved by the test; the other tests' 01 stays untouched
EXPLORER = "course-01-norm-explorer"
WIDGETS_SETTINGS = "lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin"
DOCMANAGER_SETTINGS = "lab/api/settings/@jupyterlab/docmanager-extension:plugin"
STATE_KEY = "application/vnd.jupyter.widget-state+json"


@pytest.fixture
def saving_page(browser, lab_server):
    """A page of its own at device scale factor 2, the frame-path probe installed before JupyterLab
    loads, JupyterLab saving widget state (off by default), and a scratch copy of 01 to save."""
    lab_server.shutdown_sessions()
    shutil.copy2(lab_server.root_dir / SOURCE, lab_server.root_dir / COPY)
    lab_server.api(WIDGETS_SETTINGS, method="PUT", body={"raw": json.dumps({"saveState": True})})
    lab_server.api(DOCMANAGER_SETTINGS, method="PUT", body={"raw": json.dumps({"autosave": False})})
    context = browser.new_context(viewport=lab.VIEWPORT, device_scale_factor=2)
    context.add_init_script(lab.FRAME_PATH_PROBE)
    page = context.new_page()
    yield page
    context.close()
    lab_server.shutdown_sessions()
    lab_server.api(WIDGETS_SETTINGS, method="PUT", body={"raw": "{}"})
    lab_server.api(DOCMANAGER_SETTINGS, method="PUT", body={"raw": "{}"})
    (lab_server.root_dir / COPY).unlink(missing_ok=True)


def _pixels_differing(data_url: str, figure) -> dict:
    """Decode data_url in the page and compare it pixel by pixel with the figure's image canvas."""
    return lab.image_canvas(figure).evaluate("""async (view, url) => {
        const image = new Image();
        image.src = url;
        await image.decode();
        const scratch = document.createElement('canvas');
        scratch.width = image.width; scratch.height = image.height;
        const context = scratch.getContext('2d');
        context.drawImage(image, 0, 0);
        const stored = context.getImageData(0, 0, scratch.width, scratch.height).data;
        if (view.width !== scratch.width || view.height !== scratch.height)
            return {size: [scratch.width, scratch.height], view: [view.width, view.height], differing: -1};
        const shown = view.getContext('2d').getImageData(0, 0, view.width, view.height).data;
        let differing = 0;
        for (let i = 0; i < shown.length; i += 4)
            if (shown[i] !== stored[i] || shown[i + 1] !== stored[i + 1] || shown[i + 2] !== stored[i + 2]
                || shown[i + 3] !== stored[i + 3]) differing++;
        return {size: [scratch.width, scratch.height], view: [view.width, view.height], differing};
    }""", data_url)


def _saved_canvas_states(lab_server) -> list[dict]:
    notebook = json.loads((lab_server.root_dir / COPY).read_text())
    states = notebook.get("metadata", {}).get("widgets", {}).get(STATE_KEY, {}).get("state", {})
    return [entry["state"] for entry in states.values() if entry.get("model_name") == "MPLCanvasModel"]


def test_a_drag_encodes_nothing_and_a_saved_state_holds_the_figure_as_shown(saving_page, lab_server):
    page = saving_page
    lab.open_notebook(page, lab_server.base_url, lab_server.token, COPY)
    lab.wait_kernel_ready(page)
    lab.run_all_cells(page, timeout=180)
    lab.wait_figures_painted(page)
    start = lab.frame_path_record(page)
    assert start is not None, "the probe was not installed before JupyterLab loaded"
    assert start["frames"] > 0, "no ipympl frame reached the page"
    assert start["encodes"] == 0, start  # ipympl's own path: one encoding per frame

    figure = page.locator(f".{EXPLORER}").locator(lab.FIGURE).first
    lab.wait_canvas_still(page, figure, interval=0.5)
    lab.frame_path_record(page, clear=True)
    fx, fy = lab.kernel_json(page, lab.NORM_TIP_FRACTION_CODE)
    before = lab.canvas_png_hash(figure)
    lab.scroll_into_view_still(figure)
    lab.canvas_drag(page, figure, (fx, fy), (fx + 0.04, fy - 0.05), steps=8)
    lab.wait_canvas_change(page, figure, before)
    lab.wait_canvas_still(page, figure, interval=0.5)
    during = lab.frame_path_record(page)
    assert during["frames"] >= 1 and during["encodes"] == 0, during

    # Saving the notebook saves the widget state: each figure encoded once, as it is shown now.
    label = lab.kernel_json(page, "print(_json.dumps(explorer.fig.canvas._figure_label))")
    page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    lab.wait_for(page, lambda: [s for s in _saved_canvas_states(lab_server) if s.get("_figure_label") == label],
                 bool, timeout=30)
    saved = lab.frame_path_record(page)
    states = _saved_canvas_states(lab_server)
    assert saved["encodes"] == len(states) >= 1, (saved, len(states))  # once per figure, for the save
    explorer_state = next((s for s in states if s.get("_figure_label") == label), None)
    assert explorer_state is not None, (label, [s.get("_figure_label") for s in states])
    assert str(explorer_state.get("_data_url", "")).startswith("data:image/png;base64,"), explorer_state.keys()
    comparison = _pixels_differing(explorer_state["_data_url"], figure)
    assert comparison["differing"] == 0, comparison
    assert lab.cell_errors(page) == []
