"""Latency from a mouse move to changed pixels, in JupyterLab in headless Chromium.

Uses the real-browser driver of the tests (tests/browser/lab.py): a private
JupyterLab (with jupyter_server_config.py, i.e. TCP_NODELAY), Debian's
Chromium through Playwright, the notebooks run with Run All. Then, for each
notebook's main widget, the mouse drags a slider handle or a point on the
ipympl figure, one move at a time, and the page itself measures:

- start: the ``pointermove`` event's ``timeStamp`` (when Chromium created the
  input event; a capturing listener on ``window`` reads it before any widget
  code runs);
- end: the first ``drawImage`` on the figure's visible canvas after that move
  (ipympl paints every frame received from the kernel that way; the call is
  wrapped), or for the baseline the moment the new ``<img>`` is decoded
  (a MutationObserver on the output).

Each move waits for its own change and then for 60 ms without any further
frame before the next move (so moves are never closer than ipympl's 33 ms
throttle, and frames cannot be attributed to the wrong move). A slider move
that does not change the slider's value is not counted (the next move is
longer). A move with no frame within 3 s counts as a miss (reported).

The baseline is benchmarks/baseline_interact.ipynb: ``ipywidgets.interact``
with the inline backend, a new matplotlib figure per change, dragged with the
mouse in the same browser session.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import NOTEBOOKS, REPO, summary

BASELINE = Path(__file__).with_name("baseline_interact.ipynb")
BASELINE_CSS = "bench-baseline"
BASELINE_SLIDER_CSS = "bench-baseline-slider"


def load_lab():
    """tests/browser/lab.py, imported by path (an installed package named `tests` may shadow it)."""
    if "course_lab_driver" in sys.modules:
        return sys.modules["course_lab_driver"]
    path = REPO / "tests" / "browser" / "lab.py"
    spec = importlib.util.spec_from_file_location("course_lab_driver", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------
# Page-side instrumentation

_INSTALL = """
(args) => {
    const [root, mode] = args;
    if (!window.__lat) {
        window.__lat = {armed: false, tEvent: 0, tListen: 0, tDraw: 0, lastDraw: 0, draws: 0};
        // The move's first event: its raw update (dispatched at once; the course's extension sends
        // figure drags from it) or its pointermove (at the next animation frame). Both carry the
        // time the input event was made; a frame can be drawn before the pointermove comes.
        for (const type of ['pointerrawupdate', 'pointermove']) {
            window.addEventListener(type, (e) => {
                const L = window.__lat;
                if (L.armed && !L.tEvent) { L.tEvent = e.timeStamp; L.tListen = performance.now(); }
            }, true);
        }
    }
    const changed = () => {
        const L = window.__lat, now = performance.now();
        L.lastDraw = now; L.draws += 1;
        if (L.armed && L.tEvent && !L.tDraw) { L.tDraw = now; if (L.onDraw) L.onDraw(); }
    };
    if (mode === 'canvas') {
        const canvas = root.querySelector('.jupyter-matplotlib-canvas-div canvas');
        if (!canvas) return 'no ipympl canvas';
        const ctx = canvas.getContext('2d');
        if (!ctx.__latWrapped) {
            const original = ctx.drawImage;
            ctx.drawImage = function (...a) { const r = original.apply(this, a); changed(); return r; };
            ctx.__latWrapped = true;
        }
    } else {
        if (!root.__latObserver) {
            const seen = (img) => img.decode().then(changed, changed);
            root.__latObserver = new MutationObserver((mutations) => {
                for (const m of mutations) for (const n of m.addedNodes) {
                    if (n.tagName === 'IMG') seen(n);
                    else if (n.querySelectorAll) n.querySelectorAll('img').forEach(seen);
                }
            });
            root.__latObserver.observe(root, {childList: true, subtree: true});
        }
    }
    return 'ok';
}
"""

# Before the page loads: note when the kernel websocket sends the move's first message
# and when the last message before the changed pixels arrived (for the breakdown).
_NET_HOOK = """
(() => {
    const L = () => window.__lat;
    const send = WebSocket.prototype.send;
    WebSocket.prototype.send = function (...a) {
        const l = L();
        if (l && l.armed && l.tEvent && !l.tSend) l.tSend = performance.now();
        return send.apply(this, a);
    };
    const d = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
    Object.defineProperty(WebSocket.prototype, 'onmessage', {
        configurable: true, get() { return d.get.call(this); },
        set(fn) {
            d.set.call(this, function (ev) {
                const l = L();
                if (l && l.armed && l.tSend && !l.tDraw) l.tRecv = performance.now();
                return fn.call(this, ev);
            });
        },
    });
})();
"""

# Arm for one move. A slider's handle is passed in: its value before the move is kept, so the page
# itself can tell a move too short to change it (a Playwright query after the move would run on the
# page's main thread while the frame is on its way: a locator's `get_attribute` took 7-9 ms there in
# a trace of 04's sliders at ratio 2, and delayed the frame by as much).
_ARM = """(handle) => Object.assign(window.__lat, {armed: true, tEvent: 0, tListen: 0, tDraw: 0, tSend: 0,
    tRecv: 0, handle, before: handle ? handle.getAttribute('aria-valuenow') : null})"""
# Resolves when the move's frame is drawn ('drawn'), or (a slider) when its value is still the
# same 50 ms after the move's event ('same': such a move sends nothing), or after timeoutMs
# ('miss'). Event-driven: the drawImage wrapper calls L.onDraw; nothing polls the page while a
# move is on its way (see the note at _one_move).
_DONE = """(timeoutMs) => new Promise((resolve) => {
    const L = window.__lat;
    const timers = [];
    const finish = (how) => { timers.forEach(clearTimeout); L.onDraw = null; resolve(how); };
    if (L.tDraw > 0) return finish('drawn');
    L.onDraw = () => finish('drawn');
    timers.push(setTimeout(() => finish('miss'), timeoutMs));
    if (L.handle) {
        const check = () => {  // every 10 ms until 50 ms after the move's event
            if (L.tEvent && performance.now() - L.tEvent > 50) {
                if (L.handle.getAttribute('aria-valuenow') === L.before) finish('same');
                return;  // the value changed: its frame is on its way
            }
            timers.push(setTimeout(check, 10));
        };
        timers.push(setTimeout(check, 10));
    }
})"""
_READ = """() => { const L = window.__lat; L.armed = false;
                   return {event: L.tEvent, listen: L.tListen, draw: L.tDraw, send: L.tSend, recv: L.tRecv}; }"""
# Resolves once no frame has been drawn for q ms (after the move's event); fails after 30 s of frames.
_QUIET = """(q) => new Promise((resolve, reject) => {
    const deadline = performance.now() + 30000;
    const tick = () => {
        const L = window.__lat, now = performance.now(), idle = now - Math.max(L.lastDraw, L.tEvent);
        if (idle > q) resolve(true);
        else if (now > deadline) reject(new Error('frames kept coming for 30 s after a move'));
        else setTimeout(tick, q - idle + 1);
    };
    tick();
})"""


def _one_move(page, x: float, y: float, timeout_ms: float, quiet_ms: float, slider_handle=None):
    """Move the mouse to (x, y); return (ms from the event to the change, or None for a miss,
    whether the move counts: a slider move that left the value as it was does not).

    Between the move and its frame the benchmark runs nothing in the page but timers (a 10 ms
    check of a slider's value until 50 ms after the event, and the miss deadline): no
    Playwright query (a locator's `get_attribute` after the move ran 7-9 ms on the page's main
    thread while the frame was on its way, in a trace of 04's sliders at ratio 2) and no polling
    at every animation frame (that keeps Chromium's frame pipeline running, and a move made then
    waits for the next frame tick before its `pointermove` is dispatched: 11-12 ms in that trace,
    at a phase set by the benchmark's own loop; in a page at rest headless Chromium started a frame
    for the move at once, 1-2 ms in that trace; a real screen was not measured). Both were in the
    benchmark until 2026-12-06 evening, and in every figure before that. A move made during a
    continuous drag, while the page is still painting the last one, waits for the next frame tick
    as before (up to 16.7 ms) if its widget listens to `pointermove` (the sliders); figure drags
    are sent from `pointerrawupdate`."""
    page.evaluate(_ARM, slider_handle)
    page.mouse.move(x, y)
    done = page.evaluate(_DONE, timeout_ms)
    if done != "drawn":
        page.evaluate(_READ)
        if done == "same":
            page.wait_for_timeout(40)
            return None, False
        return None, True
    t = page.evaluate(_READ)
    page.evaluate(_QUIET, quiet_ms)
    if t["send"] and t["recv"]:  # frontend until sent / kernel + network / decode + paint
        _PARTS.append((t["send"] - t["event"], t["recv"] - t["send"], t["draw"] - t["recv"]))
    return t["draw"] - t["event"], True


_PARTS: list = []


def _result(samples) -> dict:
    """Summary of a list of ms per move (None = a miss) and the median breakdown."""
    import numpy as np

    latencies = [ms for ms in samples if ms is not None]
    misses = len(samples) - len(latencies)
    kept = [list(p) for p in _PARTS[-len(latencies):]] if latencies else []  # per move (for pooling blocks)
    parts = np.median(np.asarray(kept), axis=0).tolist() if kept else None
    _PARTS.clear()
    return {**summary(latencies), "misses": misses, "times": latencies, "parts_ms": parts, "parts": kept}


def slider_latency(lab, page, root_css: str, slider_css: str, moves: int, mode: str = "canvas",
                   warmup: int = 3, timeout_ms: float = 3000, quiet_ms: float = 60) -> dict:
    """Drag the handle of the slider with class `slider_css`; watch the figure inside `root_css`."""
    root = page.locator(f".{root_css}").first
    root.scroll_into_view_if_needed()
    state = page.evaluate(_INSTALL, [root.element_handle(), mode])
    if state != "ok":
        raise RuntimeError(f"{root_css}: {state}")
    handle = page.locator(f".{slider_css}").locator(lab.SLIDER_HANDLE).first
    lab.scroll_into_view_still(handle)
    track = page.locator(f".{slider_css}").locator(".noUi-target").first.bounding_box()
    box = handle.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    left, right = track["x"] + 2, track["x"] + track["width"] - 2
    direction = 1 if right - x >= x - left else -1
    handle_element = handle.element_handle()

    page.mouse.move(x, y)
    page.mouse.down()
    page.wait_for_timeout(100)
    samples, dx, counted, tries = [], 4.0, 0, 0
    _PARTS.clear()
    while counted < moves + warmup and tries < 10 * (moves + warmup):
        tries += 1
        nx = x + direction * dx
        if not left <= nx <= right:
            direction = -direction
            nx = x + direction * dx
        ms, counts = _one_move(page, nx, y, timeout_ms, quiet_ms, slider_handle=handle_element)
        if not counts:
            dx += 2.0  # too short to reach the next value: longer moves from now on
            x = nx
            continue
        x = nx
        counted += 1
        if counted > warmup:
            samples.append(ms)
    page.mouse.up()
    lab.settle(page)
    return _result(samples)


def _kernel_eval(page, code: str) -> str:
    """Run `code` in the notebook's kernel; return what it printed (tests/browser/lab.py's kernel_eval)."""
    return load_lab().kernel_eval(page, code)


def drag_latency(lab, page, root_css: str, variable: str, point_expr: str, moves: int,
                 warmup: int = 3, radius: float = 25.0, timeout_ms: float = 3000,
                 quiet_ms: float = 60) -> dict:
    """Press on a point of an ipympl figure and move it on a small circle inside its axes."""
    import json
    import math

    root = page.locator(f".{root_css}").first
    figure = root.locator(lab.FIGURE).first
    lab.scroll_into_view_still(figure)
    state = page.evaluate(_INSTALL, [root.element_handle(), "canvas"])
    if state != "ok":
        raise RuntimeError(f"{root_css}: {state}")
    code = (f"import json as _json, numpy as np\nw = {variable}\n_ax, _pt = {point_expr}\n"
            "_px = _ax.transData.transform(np.asarray(_pt, dtype=float))\n"
            "print(_json.dumps([*map(float, _px), *map(float, _ax.figure.bbox.size), *map(float, _ax.bbox.bounds)]))")
    out = _kernel_eval(page, code)
    try:
        px, py, fw, fh, ax0, ay0, aw, ah = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError) as error:
        raise RuntimeError(f"could not locate the point: {out!r}") from error
    canvas = lab.event_canvas(figure)
    box = canvas.bounding_box()
    sx, sy = box["width"] / fw, box["height"] / fh

    def to_page(x, y):  # matplotlib display pixels (from bottom-left) -> page CSS pixels
        return box["x"] + x * sx, box["y"] + (fh - y) * sy

    toward = (ax0 + aw / 2 - px, ay0 + ah / 2 - py)
    norm = math.hypot(*toward) or 1.0
    cx, cy = px + radius * toward[0] / norm, py + radius * toward[1] / norm
    start = math.atan2(py - cy, px - cx)
    ring = [to_page(cx + radius * math.cos(start + 2 * math.pi * k / 24),
                    cy + radius * math.sin(start + 2 * math.pi * k / 24)) for k in range(1, 24)]
    page.mouse.move(*to_page(px, py))
    page.wait_for_timeout(60)
    page.mouse.down()
    page.wait_for_timeout(200)
    lab.settle(page)
    samples = []
    _PARTS.clear()
    for i in range(moves + warmup):
        ms, _ = _one_move(page, *ring[i % len(ring)], timeout_ms, quiet_ms)
        if i >= warmup:
            samples.append(ms)
    page.mouse.up()
    lab.settle(page)
    return _result(samples)


# Which JupyterLab settings the benchmark's server gets (`--lab-settings`): "learner", JupyterLab's
# defaults as a learner has them (the figures in the READMEs since 2026-12-06), or "tests", the browser
# tests' set-up (every cell rendered: windowingMode "none"; the figures before that day).
SETTINGS = "learner"


def lab_settings(lab) -> dict:
    """The user settings for lab.start_server that SETTINGS names."""
    return {"learner": lab.LEARNER_SETTINGS, "tests": lab.LAB_SETTINGS}[SETTINGS]


def run(scenarios, moves: int = 40, log=print, keep_dir: Path | None = None,
        device_pixel_ratio: float = 1.0) -> dict:
    """Measure every scenario and the baseline in one JupyterLab + Chromium session.

    ``device_pixel_ratio`` is the screen's (Playwright's ``device_scale_factor``; 2 on most laptops).

    Returns {"scenarios": [...], "baseline": {...}, "round_trip_ms": {...}}.
    """
    lab = load_lab()
    from playwright.sync_api import sync_playwright

    results = {"scenarios": [], "baseline": None, "round_trip_ms": {}}
    by_notebook: dict[str, list] = {}
    for s in scenarios:
        by_notebook.setdefault(s.notebook, []).append(s)
    work = Path(tempfile.mkdtemp(prefix="bench-lab-", dir=keep_dir))
    bench_dir = work / "bench"
    bench_dir.mkdir()
    shutil.copy2(BASELINE, bench_dir / BASELINE.name)
    server = lab.start_server(work / "server", [NOTEBOOKS, REPO / "data", bench_dir],
                              settings=lab_settings(lab))
    try:
        with sync_playwright() as p:
            browser = lab.launch_browser(p)
            jobs = [(f"bench/{BASELINE.name}", None)] + [(f"notebooks/{nb}", group)
                                                          for nb, group in by_notebook.items()]
            for path, group in jobs:
                page = browser.new_context(viewport=lab.VIEWPORT,
                                           device_scale_factor=device_pixel_ratio).new_page()
                page.add_init_script(_NET_HOOK)
                try:
                    t0 = time.monotonic()
                    lab.open_notebook(page, server.base_url, server.token, path)
                    lab.wait_kernel_ready(page)
                    lab.run_all_cells(page, timeout=300)
                    errors = lab.cell_errors(page)
                    log(f"  {path}: opened and ran in {time.monotonic() - t0:.1f} s"
                        + (f"; CELL ERRORS: {errors[0][:200]}" if errors else ""))
                    rt = sorted(lab.kernel_round_trips(page, 15))
                    results["round_trip_ms"][path] = rt[len(rt) // 2]
                    if group is None:
                        r = slider_latency(lab, page, BASELINE_CSS, BASELINE_SLIDER_CSS, moves, mode="img")
                        results["baseline"] = {"label": "baseline: interact + new inline figure", **r}
                        continue
                    for s in group:
                        try:
                            if s.kind == "slider":
                                r = slider_latency(lab, page, s.css, s.slider_css, moves)
                            else:
                                r = drag_latency(lab, page, s.css, s.variable, s.point, moves)
                            results["scenarios"].append({"label": s.label, **r})
                        except Exception as error:
                            results["scenarios"].append({"label": s.label,
                                                         "error": f"{type(error).__name__}: {error}"[:300]})
                except Exception as error:
                    message = f"{type(error).__name__}: {error}"[:300]
                    log(f"  {path}: {message}")
                    for s in group or []:
                        results["scenarios"].append({"label": s.label, "error": message})
                    if group is None:
                        results["baseline"] = {"label": "baseline", "error": message}
                finally:
                    page.context.close()
                    try:
                        server.shutdown_sessions()
                    except Exception:
                        pass
            browser.close()
    finally:
        server.stop()
        if keep_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return results
