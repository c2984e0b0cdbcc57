"""Figures on a HiDPI screen (device pixel ratio 2, most learners' laptops; issue 13).

ipympl tells the kernel the screen's pixel ratio and the figure is rendered at it,
so a figure should hold twice as many pixels per side as it takes CSS pixels, and
the browser should draw the kernel's pixels one to one (never scale a 1x picture
up, which blurs text and lines). Timing is the benchmark's job
(``python -m benchmarks --dpr 2``); this checks sharpness and that a drag still works.
"""


import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

NOTEBOOK = "notebooks/01_norm.ipynb"
EXPLORER = "course-01-norm-explorer"


def test_figures_are_rendered_at_ratio_2_and_drawn_one_to_one(hidpi_page, lab_server):
    page = hidpi_page
    lab.open_notebook(page, lab_server.base_url, lab_server.token, NOTEBOOK)
    lab.wait_kernel_ready(page)
    lab.run_all_cells(page, timeout=180)
    count = lab.wait_figures_painted(page)
    assert count >= 1
    assert page.evaluate("() => window.devicePixelRatio") == 2

    canvases = page.evaluate(f"""() => Array.from(document.querySelectorAll('{lab.FIGURE_CANVAS_DIV}')).map(div => {{
        const c = div.querySelector('canvas'), box = c.getBoundingClientRect();
        return [c.width, c.height, box.width, box.height];
    }})""")
    for width, height, css_width, css_height in canvases:  # every figure: 2 canvas pixels per CSS pixel
        assert abs(width - 2 * css_width) <= 1 and abs(height - 2 * css_height) <= 1, canvases

    # The kernel renders the explorer at the screen's ratio, and its pixels fill the canvas exactly.
    ratio, fig_w, fig_h = lab.kernel_json(
        page, "print(_json.dumps([explorer.fig.canvas.device_pixel_ratio, *map(float, explorer.fig.bbox.size)]))")
    figure = page.locator(f".{EXPLORER}").locator(lab.FIGURE).first
    width, height = lab.image_canvas(figure).evaluate("c => [c.width, c.height]")
    assert ratio == 2
    assert abs(width - fig_w) <= 1 and abs(height - fig_h) <= 1, (width, height, fig_w, fig_h)

    # A drag of the vector's tip still moves it and repaints the figure.
    before_state = lab.kernel_json(page, "print(_json.dumps(list(map(float, explorer.state['vector']))))")
    fx, fy = lab.kernel_json(page, lab.NORM_TIP_FRACTION_CODE)
    before_pixels = lab.canvas_png_hash(figure)
    figure.scroll_into_view_if_needed()
    lab.canvas_drag(page, figure, (fx, fy), (fx + 0.03, fy - 0.04), steps=6)
    lab.settle(page)
    lab.wait_canvas_change(page, figure, before_pixels)
    after_state = lab.kernel_json(page, "print(_json.dumps(list(map(float, explorer.state['vector']))))")
    assert after_state != before_state
    lab.widget_screenshot(page, EXPLORER, lab.REPO / "artifacts" / "browser" / "hidpi-01-explorer-after-drag.png",
                          still=True)  # to look at: sharp lines and text at ratio 2
    assert lab.cell_errors(page) == []
