"""Start Voilà (classroom mode) for the browser tests and drive its pages.

Voilà 0.5 serves a notebook as an app: it executes the notebook on the server,
sends prose, figures and widgets without the code, and keeps the kernel alive
so the widgets stay live. This module starts it the way tests/browser/lab.py
starts JupyterLab (127.0.0.1, a free port, fresh Jupyter folders under a work
folder of the test's own, copies of notebooks/ and data/), and holds the page
helpers that differ from JupyterLab's. Everything else (launch flags, canvas
pixels, slider and mouse helpers, screenshots) comes from `lab`.

Named voila_server.py, not voila.py: pytest puts tests/browser/ on sys.path,
and a module named `voila` there would hide the real voila package.

By hand:

    .venv/bin/python tests/browser/voila_server.py notebooks/03_outlier_sensitivity.ipynb

starts Voilà on a copy of notebooks/ and data/, opens the notebook in headless
Chromium at 1024x768, reports errors and widget counts, and saves a full-page
screenshot to artifacts/voila/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import lab

REPO = lab.REPO
ARTIFACTS = REPO / "artifacts" / "voila"

# Voilà's own page: a spinner (#loading) while the server executes the notebook,
# then #rendered_cells; widget outputs become .jupyter-widgets views.
RENDERED = "#rendered_cells"
ERROR_SELECTORS = (
    '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]',
    ".jp-OutputArea-output.jp-mod-error",
    ".course-error",
)
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"

# Window sizes a projector gives (issue 11): CSS viewport and device scale factor.
PROJECTOR = {"width": 1024, "height": 768, "scale": 1}
ZOOMED_150 = {"width": 853, "height": 533, "scale": 1.5}  # 1280x800 zoomed to 150 %


@dataclass
class VoilaServer:
    """A running Voilà started by start_voila(); stop() ends it and its kernels."""

    process: subprocess.Popen
    port: int
    root_dir: Path
    log_path: Path
    base_url: str = field(init=False)

    def __post_init__(self):
        self.base_url = f"http://127.0.0.1:{self.port}/"

    def url(self, path: str) -> str:
        """Page URL of a notebook, `path` relative to the root (e.g. 'notebooks/01_norm.ipynb')."""
        return f"{self.base_url}voila/render/{path}"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM (Voilà then shuts its kernels down), SIGKILL if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def voila_command(root: Path, port: int, extra_args=()) -> list[str]:
    """The command line: Voilà serving the folder `root` on 127.0.0.1:`port`, no browser.

    --show_tracebacks=True: a failing cell shows its traceback on the page (the
    default shows only "There was an error when executing cell"), so errors are
    visible to a teacher and to the tests.
    """
    return [
        sys.executable, "-m", "voila", str(root),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--show_tracebacks=True",
        *extra_args,
    ]


def start_voila(work_dir: Path, sources=(), extra_args=(), timeout: float = 90.0) -> VoilaServer:
    """Start Voilà on 127.0.0.1 (free port) serving work_dir/root, with fresh Jupyter folders.

    Copies `sources` (files or folders) into work_dir/root. Voilà 0.5 starts as
    root without any flag (unlike JupyterLab) and needs no token on 127.0.0.1.
    """
    work_dir = Path(work_dir)
    root = work_dir / "root"
    root.mkdir(parents=True, exist_ok=True)
    for item in map(Path, sources):
        if item.is_dir():
            shutil.copytree(item, root / item.name, dirs_exist_ok=True)
        else:
            shutil.copy2(item, root / item.name)
    dirs = {name: work_dir / name for name in ("config", "runtime", "ipython")}
    for d in dirs.values():
        d.mkdir(exist_ok=True)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        IPYTHONDIR=str(dirs["ipython"]),
        JUPYTER_PLATFORM_DIRS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    port = lab.free_port()
    log_path = work_dir / "voila.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            voila_command(root, port, extra_args), cwd=root, env=env,
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = VoilaServer(process, port, root, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"Voilà exited with {process.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(server.base_url, timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise TimeoutError(f"Voilà did not answer in {timeout} s:\n{server.log_text()}")
        time.sleep(0.2)


# --------------------------------------------------------------------------
# Pages


# Console lines of every Voilà page that say nothing about the course: Voilà's JupyterLab 4.2
# core against extensions built for 4.6 (they bring their own copies), a Chromium canvas hint,
# ipympl messages the page has no handler for. (Failed fetches stay: a missing chunk matters.)
CONSOLE_NOISE = ("Unsatisfied version", "No satisfying version", "willReadFrequently", "capture_scroll",
                 "Starting WebSocket")
_CONSOLE: dict = {}


def new_page(browser, size: dict = PROJECTOR):
    """A fresh page (own context) with a viewport and device scale factor from `size`.

    The page's console errors and warnings are kept (see console_problems)."""
    context = browser.new_context(
        viewport={"width": size["width"], "height": size["height"]},
        device_scale_factor=size["scale"],
    )
    page = context.new_page()
    lines = _CONSOLE.setdefault(id(page), [])
    started = time.monotonic()
    page.on("console", lambda message: lines.append(
        f"{time.monotonic() - started:6.1f} s {message.type}: {message.text[:400]}")
        if message.type in ("error", "warning") and not any(n in message.text for n in CONSOLE_NOISE)
        else None)
    page.on("pageerror", lambda error: lines.append(
        f"{time.monotonic() - started:6.1f} s uncaught: {str(error)[:400]}"))
    return page


def console_problems(page) -> list[str]:
    """The errors and warnings the page's console showed so far (noise left out), with the
    seconds since the page was made: what a failed widget restore says and the page does not."""
    return list(_CONSOLE.get(id(page), []))


def widget_views_in(html_text: str) -> int:
    """How many outputs of the executed notebook are widget views, from the page's HTML.

    Voilà sends each output as a <script type="application/vnd.voila.cell-output+json">
    (removed from the DOM once rendered), so count them in the response body.
    """
    count = 0
    for body in re.findall(r'<script type="application/vnd\.voila\.cell-output\+json">(.*?)</script>',
                           html_text, flags=re.S):
        try:
            output = json.loads(body)
        except ValueError:
            continue
        if WIDGET_VIEW_MIME in (output.get("data") or {}):
            count += 1
    return count


WIDGET_OUTPUTS_JS = """() => Array.from(document.querySelectorAll('#rendered_cells .jp-OutputArea-output'))
    .filter(o => o.querySelector(':scope > .jupyter-widgets') || o.querySelector('.widget-box, .jupyter-matplotlib'))"""


def open_app(page, url: str, timeout: float = 240.0) -> dict:
    """Open a Voilà page; wait until the server executed it, the cells show, every widget
    output holds a rendered view and every figure is painted. Returns the counts."""
    response = page.goto(url, timeout=timeout * 1000, wait_until="commit")
    page.wait_for_function(
        f"""() => {{ const r = document.querySelector('{RENDERED}');
                     return !!(r && r.style.display !== 'none' && !document.getElementById('loading')
                               && window.jupyterapp); }}""",
        timeout=timeout * 1000, polling=200,
    )
    expected = widget_views_in(response.text())
    try:
        page.wait_for_function(
            f"(n) => ({WIDGET_OUTPUTS_JS})().length >= n", arg=expected, timeout=60_000, polling=200)
    except Exception:
        pass  # reported by the counts below (and by page_errors)
    rendered = page.evaluate(f"() => ({WIDGET_OUTPUTS_JS})().length")
    figures = lab.wait_figures_painted(page, timeout=60) if rendered else 0
    return {"widget_outputs": expected, "rendered_widget_outputs": rendered, "figures": figures,
            "sliders": page.locator(lab.SLIDER_HANDLE).count(),
            "scene_buttons": page.locator(".course-scene").count()}


def close_app(page, server: VoilaServer) -> None:
    """Close a Voilà page and shut its kernel down.

    Voilà asks for that itself on the page's ``beforeunload``, but the request is refused
    (403, '_xsrf' argument missing: voila-dashboards/voila#1458), so the kernel of every
    closed page would run on, and load the machine, until the server stops.
    """
    try:
        kernel_id = page.evaluate("() => window.jupyterapp.widgetManager.kernel.id")
    except Exception:  # the page never got a kernel (it failed to open)
        kernel_id = None
    _CONSOLE.pop(id(page), None)
    page.context.close()
    if kernel_id:
        status = shutdown_kernel(server.base_url, kernel_id)
        assert status in (200, 204), f"Voilà refused to shut kernel {kernel_id} down: HTTP {status}"


def shutdown_kernel(base_url: str, kernel_id: str) -> int:
    """POST Voilà's shutdown request for one kernel; returns the HTTP status (204 when done).

    The XSRF check compares the request's ``_xsrf`` cookie with its ``_xsrf`` field, so
    this request sends both (what the page's own request leaves out).
    """
    token = os.urandom(8).hex()
    request = urllib.request.Request(
        f"{base_url}voila/api/shutdown/{kernel_id}", data=urllib.parse.urlencode({"_xsrf": token}).encode(),
        method="POST", headers={"Cookie": f"_xsrf={token}"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def page_errors(page) -> list[str]:
    """Texts of every error shown on the page: stderr with a traceback or an error name,
    error outputs, the course's own error line (.course-error), widgets that failed."""
    return page.evaluate(
        """(selectors) => {
            const found = [];
            document.querySelectorAll(selectors.join(', ')).forEach(el => {
                const t = (el.innerText || '').trim();
                if (!t) return;
                if (el.matches('.jp-RenderedText') && !t.includes('Traceback') && !/Error\\b/.test(t))
                    return;  // a warning on stderr is not an error
                if (!found.includes(t)) found.push(t);
            });
            document.querySelectorAll('.jp-OutputArea-output').forEach(el => {
                const t = el.innerText || '';
                if (t.includes('Error displaying widget') || t.includes('Failed to display')
                    || t.includes('There was an error when executing cell'))
                    found.push(t.trim());
            });
            return found;
        }""",
        list(ERROR_SELECTORS),
    )


def horizontal_overflow(page) -> dict:
    """What sticks out sideways: the page's and the cell area's widths against the window, and
    every element that is cut off or scrolls sideways inside a box (for messages)."""
    return page.evaluate(
        """() => {
            const doc = document.documentElement, w = window.innerWidth;
            const cells = document.querySelector('#rendered_cells');
            const owner = el => {  // the course widget it belongs to (its CSS class), if any
                const a = el.closest('[class*="course-"]');
                const c = a && Array.from(a.classList).find(k => k.startsWith('course-'));
                return c ? ` in .${c}` : '';
            };
            const name = el => el.tagName.toLowerCase() + (typeof el.className === 'string' && el.className.trim()
                ? '.' + el.className.trim().split(/\\s+/).slice(0, 3).join('.') : '') + owner(el)
                + (/^(math|mjx-container)$/i.test(el.tagName) ? ` "${el.textContent.trim().slice(0, 60)}"` : '');
            const problems = [];
            // boxes that scroll sideways (a scrollbar inside the page)
            cells.querySelectorAll('*').forEach(el => {
                const s = getComputedStyle(el);
                if ((s.overflowX === 'auto' || s.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1
                    && el.clientWidth > 0)
                    problems.push(`${name(el)} scrolls sideways: ${el.scrollWidth} > ${el.clientWidth} px`);
            });
            // content cut off by a box that hides its overflow, or by the window
            const boxes = 'canvas, img, table, math, mjx-container, pre, .widget-slider, .widget-button, .widget-html';
            cells.querySelectorAll(boxes).forEach(el => {
                // MathJax's hidden screen-reader copy of a formula (clipped, never seen): the
                // visible formula is its mjx-container, checked on its own
                if (el.closest('mjx-assistive-mml')) return;
                const r = el.getBoundingClientRect();
                if (!r.width || !r.height) return;
                if (r.right > w + 1) {
                    problems.push(`${name(el)} ends at ${Math.round(r.right)} px > window ${w}`);
                    return;
                }
                for (let a = el.parentElement; a && a !== cells; a = a.parentElement) {
                    const s = getComputedStyle(a);
                    if (s.overflowX === 'visible') continue;
                    const b = a.getBoundingClientRect();
                    if (r.right > b.right + 1 || r.left < b.left - 1) {
                        const span = (x, y) => `${Math.round(x)}..${Math.round(y)}`;
                        problems.push(`${name(el)} cut off by ${name(a)}: `
                                      + `${span(r.left, r.right)} in ${span(b.left, b.right)}`);
                        break;
                    }
                }
            });
            return {scrollWidth: doc.scrollWidth, innerWidth: w,
                    cellsScrollWidth: cells.scrollWidth, cellsClientWidth: cells.clientWidth,
                    problems: [...new Set(problems)].slice(0, 12)};
        }"""
    )


def overflow_problems(page) -> list[str]:
    """Empty when nothing is cut off and nothing needs scrolling sideways; else what does."""
    o = horizontal_overflow(page)
    problems = list(o["problems"])
    if o["scrollWidth"] > o["innerWidth"] + 1:
        problems.insert(0, f"page is {o['scrollWidth']} px wide in a {o['innerWidth']} px window")
    if o["cellsScrollWidth"] > o["cellsClientWidth"] + 1:
        problems.insert(0, f"cell area scrolls sideways: {o['cellsScrollWidth']} > {o['cellsClientWidth']} px")
    return problems


def full_page_screenshot(page, path) -> Path:
    """The whole page (all cells) to `path`: Voilà scrolls inside #rendered_cells, so the window
    is made as tall as the cells for the shot, then put back."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate(f"() => document.querySelector('{RENDERED}').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 20, 30000)})
    try:
        page.wait_for_timeout(300)
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


def screen_screenshots(page, prefix, max_screens: int = 20) -> list[Path]:
    """What the projector shows, screen by screen: <prefix>-p1.png, -p2.png, ... (scrolling the cells)."""
    prefix = Path(prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    for old in prefix.parent.glob(f"{prefix.name}-p*.png"):
        old.unlink()  # screens of a longer page from an earlier run
    height = page.evaluate(f"() => document.querySelector('{RENDERED}').scrollHeight")
    step = page.viewport_size["height"] - 40
    saved = []
    for k in range(min(max_screens, int(height // step) + 1)):
        page.evaluate(f"(y) => document.querySelector('{RENDERED}').scrollTop = y", k * step)
        page.wait_for_timeout(150)
        path = prefix.parent / f"{prefix.name}-p{k + 1}.png"
        page.screenshot(path=str(path))
        saved.append(path)
    page.evaluate(f"() => document.querySelector('{RENDERED}').scrollTop = 0")
    return saved


# --------------------------------------------------------------------------
# Command line


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/browser/voila_server.py",
        description="Open a notebook in a private Voilà at 1024x768; report errors; save a screenshot.",
    )
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, default=ARTIFACTS)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    nb = args.notebook.resolve()
    with tempfile.TemporaryDirectory(prefix="voila-") as tmp:
        server = start_voila(Path(tmp), [nb.parent, REPO / "data"])
        try:
            with sync_playwright() as p:
                browser = lab.launch_browser(p)
                page = new_page(browser)
                t0 = time.monotonic()
                counts = open_app(page, server.url(f"{nb.parent.name}/{nb.name}"))
                print(f"open {time.monotonic() - t0:.1f} s; {counts}")
                print(f"overflow: {overflow_problems(page) or 'none'}")
                shot = full_page_screenshot(page, args.out / f"{nb.stem}-1024x768-full.png")
                screens = screen_screenshots(page, args.out / f"{nb.stem}-1024x768")
                print(f"screenshots: {shot} and {len(screens)} screens")
                errors = page_errors(page)
                print("\n---\n".join(errors) if errors else "no errors")
                browser.close()
        finally:
            server.stop()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
