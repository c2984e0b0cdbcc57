"""ipympl's frame path on the page with the course's JupyterLab extension (labextension/, issue 13).

ipympl 0.10 encodes the whole figure as a PNG data URL on the page after every frame; the
course's extension stores that data URL only once a figure has been still for 500 ms. Checked
here in JupyterLab at device pixel ratio 2 (where the encoding costs most) on 01's explorer:
a drag draws frames and encodes nothing while it goes on; once the figure is still, the stored
data URL holds exactly the pixels on the screen. (Voilà: tests/browser/test_voila.py.)
"""

import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

NOTEBOOK = "notebooks/01_norm.ipynb"
EXPLORER = "course-01-norm-explorer"


@pytest.fixture
def probed_page(browser, lab_server):
    """A page of its own at device scale factor 2 with the frame-path probe installed before JupyterLab loads."""
    lab_server.shutdown_sessions()
    context = browser.new_context(viewport=lab.VIEWPORT, device_scale_factor=2)
    context.add_init_script(lab.FRAME_PATH_PROBE)
    page = context.new_page()
    yield page
    context.close()
    lab_server.shutdown_sessions()


def _pixels_differing(page, data_url: str, figure) -> dict:
    """Decode data_url and compare it pixel by pixel with the figure's image canvas."""
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


def test_a_drag_encodes_nothing_and_a_still_figure_stores_what_it_shows(probed_page, lab_server):
    page = probed_page
    lab.open_notebook(page, lab_server.base_url, lab_server.token, NOTEBOOK)
    lab.wait_kernel_ready(page)
    lab.run_all_cells(page, timeout=180)
    lab.wait_figures_painted(page)
    start = lab.frame_path_record(page)
    assert start is not None, "the probe was not installed before JupyterLab loaded"
    assert start["frames"], "no ipympl frame reached the page"
    assert start["soon"] == []  # also the first frames of every figure

    figure = page.locator(f".{EXPLORER}").locator(lab.FIGURE).first
    lab.wait_canvas_still(page, figure, interval=0.7)
    lab.frame_path_record(page, clear=True)
    fx, fy = lab.kernel_json(page, lab.NORM_TIP_FRACTION_CODE)
    before = lab.canvas_png_hash(figure)
    figure.scroll_into_view_if_needed()
    lab.canvas_drag(page, figure, (fx, fy), (fx + 0.04, fy - 0.05), steps=8)
    lab.wait_canvas_change(page, figure, before)
    during = lab.frame_path_record(page)
    assert during["frames"] >= 3, during["frames"]
    assert during["soon"] == []

    # Still for a while: the figure's data URL is stored once, after its last frame, and it is
    # what the learner sees (ipympl's own encoding ran before each new frame was drawn).
    lab.wait_canvas_still(page, figure, interval=1.5)
    page.wait_for_timeout(lab.DATA_URL_DELAY_MS + 300)
    after = lab.frame_path_record(page)
    assert after["soon"] == []
    assert after["encodes"] >= 1 and after["last_after_frames"], {k: v for k, v in after.items() if k != "lastEncoded"}
    comparison = _pixels_differing(page, after["lastEncoded"], figure)
    assert comparison["differing"] == 0, comparison
    assert lab.cell_errors(page) == []
