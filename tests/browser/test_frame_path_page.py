"""ipympl's frame path on the page with the course's JupyterLab extension (labextension/, issue 13).

The extension changes three things on ipympl's page side, each checked here in JupyterLab on 01:
- frames reach ipympl's <img> as data URLs, not blob URLs (read in the page, no round trip);
- a figure drag is sent from `pointerrawupdate`, before Chromium's frame-aligned `mousemove`,
  throttled as ipympl throttles it (the last move of a burst still arrives);
- the whole figure is encoded as a PNG data URL only when a widget state is asked for (ipympl
  0.10 encodes it after every frame): at device pixel ratio 2 (where the encoding costs most),
  with JupyterLab set to save widget state in notebooks (autosave off, so only the test's save
  asks for a state), Run All and a drag encode nothing; saving the notebook encodes each figure
  once, and the explorer's saved image is its canvas, pixel for pixel.
A fourth, with the kernel: the frames of a drag hold only the changed tiles, and the page puts
them back in place: the canvas equals the kernel's figure, pixel for pixel, at device pixel
ratios 1 and 2.
And where a browser has no raw pointer updates (Firefox; Chromium on plain http to another
host), a drag still moves the figure, through ipympl's mousemove listener. (Voilà: tests/browser/test_voila.py.)
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


def _pixels_differing(data_url: str, figure, overlap: bool = False) -> dict:
    """Decode data_url in the page and compare it pixel by pixel with the figure's image canvas
    (overlap: where both have pixels; at device pixel ratio 1 ipympl's canvas may be a pixel
    narrower than the figure, and shows the figure's pixels unscaled from the top-left corner)."""
    return lab.image_canvas(figure).evaluate("""async (view, [url, overlap]) => {
        const image = new Image();
        image.dataset.direct = '1';  // not a frame: SLOW_LOADS leaves it alone
        image.src = url;
        await image.decode();
        const scratch = document.createElement('canvas');
        scratch.width = image.width; scratch.height = image.height;
        const context = scratch.getContext('2d');
        context.drawImage(image, 0, 0);
        const sizes = {size: [scratch.width, scratch.height], view: [view.width, view.height]};
        if (!overlap && (view.width !== scratch.width || view.height !== scratch.height))
            return {...sizes, differing: -1};
        const width = Math.min(view.width, scratch.width), height = Math.min(view.height, scratch.height);
        const stored = context.getImageData(0, 0, width, height).data;
        const shown = view.getContext('2d').getImageData(0, 0, width, height).data;
        let differing = 0;
        for (let i = 0; i < shown.length; i += 4)
            if (shown[i] !== stored[i] || shown[i + 1] !== stored[i + 1] || shown[i + 2] !== stored[i + 2]
                || shown[i + 3] !== stored[i + 3]) differing++;
        return {...sizes, compared: [width, height], differing};
    }""", [data_url, overlap])


def _open_and_run(page, lab_server, path: str) -> None:
    lab.open_notebook(page, lab_server.base_url, lab_server.token, path)
    lab.wait_kernel_ready(page)
    lab.run_all_cells(page, timeout=180)
    lab.wait_figures_painted(page)


VECTOR_CODE = "print(_json.dumps(list(map(float, explorer.state['vector']))))"


def _drag_the_tip(page):
    """Drag the explorer's tip; returns (its figure, the frame-path record of the drag, the vector
    before and after)."""
    figure = page.locator(f".{EXPLORER}").locator(lab.FIGURE).first
    lab.wait_canvas_still(page, figure, interval=0.5)
    lab.frame_path_record(page, clear=True)
    before_vector = lab.kernel_json(page, VECTOR_CODE)
    fx, fy = lab.kernel_json(page, lab.NORM_TIP_FRACTION_CODE)
    before = lab.canvas_png_hash(figure)
    lab.scroll_into_view_still(figure)
    lab.canvas_drag(page, figure, (fx, fy), (fx + 0.04, fy - 0.05), steps=8)
    lab.wait_canvas_change(page, figure, before)
    lab.wait_canvas_still(page, figure, interval=0.5)
    return figure, lab.frame_path_record(page), (before_vector, lab.kernel_json(page, VECTOR_CODE))


def _saved_canvas_states(lab_server) -> list[dict]:
    notebook = json.loads((lab_server.root_dir / COPY).read_text())
    states = notebook.get("metadata", {}).get("widgets", {}).get(STATE_KEY, {}).get("state", {})
    return [entry["state"] for entry in states.values() if entry.get("model_name") == "MPLCanvasModel"]


def test_a_drag_encodes_nothing_and_a_saved_state_holds_the_figure_as_shown(saving_page, lab_server):
    page = saving_page
    _open_and_run(page, lab_server, COPY)
    start = lab.frame_path_record(page)
    assert start is not None, "the probe was not installed before JupyterLab loaded"
    assert start["frames"] > 0, "no ipympl frame reached the page"
    assert start["encodes"] == 0, start  # ipympl's own path: one encoding per frame

    figure, during, _ = _drag_the_tip(page)
    assert during["frames"] >= 1 and during["inline"] == during["frames"] and during["encodes"] == 0, during

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


# Each pointermove's dispatch and each motion message sent to the kernel, in page time (ms).
MOTION_RECORDER = r"""() => {
    const r = window.courseMotion = {dispatched: [], raw: 0, sent: []};
    window.addEventListener('pointermove', () => r.dispatched.push(performance.now()), true);
    window.addEventListener('pointerrawupdate', () => { r.raw++; }, true);
    const send = WebSocket.prototype.send, text = new TextDecoder();
    WebSocket.prototype.send = function (data) {
        const s = typeof data === 'string' ? data : text.decode(ArrayBuffer.isView(data) ? data : new Uint8Array(data));
        if (s.includes('motion_notify')) r.sent.push(performance.now());
        return send.call(this, data);
    };
}"""
TIP_AT_FRACTION_CODE = (  # the explorer's tip (snapped, kept in the axes) for a point given as a figure fraction
    "import numpy as _np\n"
    "from helpers.widgets import snap_to_step as _snap\n"
    "_w, _h = explorer.fig.bbox.size\n"
    "_d = explorer.plot.ax_vec.transData.inverted().transform(({fx} * _w, (1 - {fy}) * _h))\n"
    "_e = explorer.edge\n"
    "print(_json.dumps([list(map(float, _np.clip(_snap(_d, explorer.snap), -_e, _e))),"
    " list(map(float, explorer.state['vector']))]))")


def _press_on_tip(page, figure):
    lab.scroll_into_view_still(figure)
    lab.wait_canvas_still(page, figure, interval=0.5)
    fx, fy = lab.kernel_json(page, lab.NORM_TIP_FRACTION_CODE)
    box = lab.event_canvas(figure).bounding_box()

    def at(frac):
        return box["x"] + frac[0] * box["width"], box["y"] + frac[1] * box["height"]

    page.mouse.move(*at((fx - 0.02, fy + 0.02)))
    page.wait_for_timeout(100)
    # Onto the tip and press at once: the move to the tip, inside the throttle's 33 ms after the one
    # before, still waits when the button goes down; it must leave before the press (sent after
    # it, with no button held, it would end the drag the press starts).
    page.mouse.move(*at((fx - 0.01, fy + 0.01)))  # sent at once (the throttle's first call)
    page.mouse.move(*at((fx, fy)))  # waits for the throttle
    page.mouse.down()
    page.wait_for_timeout(100)
    return fx, fy, at


def test_a_figure_drag_is_sent_before_chromium_delivers_the_mouse_move(page, lab_server):
    """Each move leaves for the kernel from its raw update, before the move's frame-aligned
    pointermove is dispatched; a move made just before the press leaves before the press (else the
    drag would end at once); a burst of moves inside ipympl's 33 ms throttle ends with the last one
    (the throttle's trailing call), so the tip lands where the mouse stopped while it is still held."""
    _open_and_run(page, lab_server, SOURCE)
    assert page.evaluate("'onpointerrawupdate' in window"), "Chromium on 127.0.0.1 has raw pointer updates"
    figure = page.locator(f".{EXPLORER}").locator(lab.FIGURE).first
    fx, fy, at = _press_on_tip(page, figure)
    page.evaluate(MOTION_RECORDER)
    try:
        for i in range(1, 7):  # spaced beyond the throttle: one message per move
            page.mouse.move(*at((fx + 0.006 * i, fy - 0.006 * i)))
            page.wait_for_timeout(120)
        record = page.evaluate("() => window.courseMotion")
        assert len(record["dispatched"]) == 6 and len(record["sent"]) == 6, record
        late = [(sent, dispatched) for sent, dispatched in zip(record["sent"], record["dispatched"])
                if sent >= dispatched]
        assert not late, f"moves sent after their pointermove was dispatched (ms): {late}"

        end = (fx + 0.05, fy - 0.01)
        page.evaluate("() => { window.courseMotion.raw = 0; window.courseMotion.sent = []; }")
        page.mouse.move(*at(end), steps=6)  # a burst: six moves sent back to back, well inside 33 ms
        page.wait_for_timeout(400)
        burst = page.evaluate("() => window.courseMotion")
        # On a quiet machine the six moves come inside 33 ms and the throttle sends two of them (the
        # first and, later, the last); on a loaded one they may come slower and all go. Either way the
        # last one must arrive:
        assert 1 <= len(burst["sent"]) <= burst["raw"], burst
        expected, tip = lab.kernel_json(page, TIP_AT_FRACTION_CODE.format(fx=end[0], fy=end[1]))
        assert tip == expected, (tip, expected)
    finally:
        page.mouse.up()
    assert lab.cell_errors(page) == []


# The explorer's picture as the kernel has it (the last frame's buffer), as a PNG data URL; and the
# number of tiled frames sent. The burst repaint (a whole frame 200 ms after the last one, which
# would hide a misplaced tile) is put off for the test.
KERNEL_PICTURE_CODE = (
    "import base64 as _b64, io as _io\n"
    "from PIL import Image as _Image\n"
    "_c = explorer.fig.canvas\n"
    "_buff = _c._last_buff\n"
    "_png = _io.BytesIO()\n"
    "_Image.fromarray(_buff.view('uint8').reshape(*_buff.shape, 4)).save(_png, format='png')\n"
    "print(_json.dumps(['data:image/png;base64,' + _b64.b64encode(_png.getvalue()).decode(),"
    " _c._course_tiled_frames]))")
NO_REPAINT_CODE = ("explorer.fig.canvas._course_repaint_timer.interval = 600_000\n"
                   "print(_json.dumps(explorer.fig.canvas._course_tiled_frames))")


def _drag_and_compare_with_the_kernel(page, lab_server):
    """Drag 01's tip with the repaint put off; assert the drag's frames were tiled and the canvas
    equals the kernel's picture in every pixel (where both have pixels: see _pixels_differing)."""
    _open_and_run(page, lab_server, SOURCE)
    before = lab.kernel_json(page, NO_REPAINT_CODE)
    try:
        figure, during, (before_state, after_state) = _drag_the_tip(page)
        assert after_state != before_state
        picture, tiled = lab.kernel_json(page, KERNEL_PICTURE_CODE)
        assert tiled > before, f"no tiled frame during the drag ({before} before, {tiled} after): {during}"
        comparison = _pixels_differing(picture, figure, overlap=True)
        assert comparison["differing"] == 0 and min(comparison["compared"]) > 400, comparison
    finally:
        lab.kernel_json(page, "explorer.fig.canvas._course_repaint_timer.interval = 200\nprint(1)")
    assert lab.cell_errors(page) == []


def test_a_drag_sends_the_changed_tiles_and_the_page_puts_them_in_place(page, lab_server):
    """The page accepted the kernel's offer of tiled frames; a drag's frames are tiled; after it the
    visible canvas equals the kernel's picture in every pixel (device pixel ratio 1)."""
    _drag_and_compare_with_the_kernel(page, lab_server)


# Images start loading only at the next multiple of 150 ms: the frames of a drag that came in
# between (ipympl sends one per 33 ms) then start together, as on a machine too busy to load each
# before the next comes. Loaded into one image, as ipympl does, all but the last would never be
# drawn; the extension draws every one, in order.
SLOW_LOADS = r"""(() => {
    const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
    Object.defineProperty(HTMLImageElement.prototype, 'src', {
        configurable: true,
        get() { return src.get.call(this); },
        set(value) {
            if (typeof value === 'string' && value.startsWith('data:image/png') && !this.dataset.direct) {
                setTimeout(() => src.set.call(this, value), 150 - (performance.now() % 150));
            } else {
                src.set.call(this, value);
            }
        },
    });
})();"""


@pytest.fixture
def slow_page(browser, lab_server):
    context = browser.new_context(viewport=lab.VIEWPORT)
    context.add_init_script(SLOW_LOADS)
    page = context.new_page()
    yield page
    context.close()
    lab_server.shutdown_sessions()


def test_frames_that_overtake_each_other_are_all_drawn_in_order(slow_page, lab_server):
    _drag_and_compare_with_the_kernel(slow_page, lab_server)


def test_at_device_pixel_ratio_2_the_tiles_land_in_place_too(hidpi_page, lab_server):
    """The same at ratio 2, where the tiles are in the figure's device pixels and the canvas holds
    them 1:1."""
    _drag_and_compare_with_the_kernel(hidpi_page, lab_server)


@pytest.fixture
def plain_page(browser, lab_server):
    """A page whose browser has no raw pointer updates."""
    context = browser.new_context(viewport=lab.VIEWPORT)
    context.add_init_script("delete window.onpointerrawupdate;")
    context.add_init_script(lab.FRAME_PATH_PROBE)
    page = context.new_page()
    yield page
    context.close()


def test_without_raw_updates_a_drag_goes_through_mousemove(plain_page, lab_server):
    page = plain_page
    _open_and_run(page, lab_server, SOURCE)
    assert page.evaluate("!('onpointerrawupdate' in window)")
    _, during, (before_state, after_state) = _drag_the_tip(page)
    assert during["frames"] >= 1 and during["inline"] == during["frames"] and during["encodes"] == 0, during
    assert after_state != before_state
    assert lab.cell_errors(page) == []
