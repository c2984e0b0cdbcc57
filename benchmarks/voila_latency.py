"""Mouse move to changed pixels in Voilà beside JupyterLab, in one session (issue 11).

One private JupyterLab (tests/browser/lab.py's ``start_server``) and one private
Voilà (tests/browser/voila_server.py's ``start_voila``: code hidden, the course's
TCP_NODELAY connection class from ``etc/jupyter/voila.json``) serve copies of
notebooks/ and data/; one headless Chromium opens each notebook in both, side by
side (two pages at the same viewport and device pixel ratio, each with its own
kernel). Every slider is then measured with browser_latency's own function
(``slider_latency``: the ``pointermove`` event's timeStamp to the next
``drawImage`` on the figure's canvas, measured inside the page, with the same
init script and listeners) in alternating blocks, JupyterLab then Voilà, Voilà
then JupyterLab, ..., so that the machine's load falls on both alike.

Voilà has no notebook panel: its kernel is the widget manager's
(``window.jupyterapp.widgetManager.kernel``). ``VoilaDriver`` stands in for the
``lab`` module that slider_latency takes, with that kernel for ``settle``; the
selectors (the widgets' course-* classes, ipympl's figure and canvas, the slider
handle) are the same in both. Drags are not measured: ``drag_latency`` finds the
point by running code in the kernel, and Voilà ignores execute requests from the
page (its log: 'Received message of type "execute_request", which is not allowed').

Run alone:  .venv/bin/python -m benchmarks --only voila [--widget 04] [--dpr 1] [--moves 30]
"""

from __future__ import annotations

import ctypes
import importlib.util
import math
import os
import shutil
import socket
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import browser_latency
from benchmarks.common import NOTEBOOKS, REPO, summary

APPS = ("lab", "voila")
VOILA_KERNEL_JS = "window.jupyterapp.widgetManager.kernel"
BLOCK = 10  # moves per block; the blocks alternate between the two apps
WARMUP_FIRST, WARMUP_LATER = 3, 1  # moves dropped at the start of a widget's first / later blocks


def load_drivers():
    """tests/browser/lab.py and voila_server.py, imported by path (voila_server imports `lab`)."""
    lab = browser_latency.load_lab()
    sys.modules.setdefault("lab", lab)
    path = REPO / "tests" / "browser" / "voila_server.py"
    spec = importlib.util.spec_from_file_location("course_voila_driver", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return lab, module


class LabDriver:
    """The `lab` module itself, with the page's kernel expression (for round trips)."""

    KERNEL_JS = "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"

    def __init__(self, lab):
        self._lab = lab

    def __getattr__(self, name):
        return getattr(self._lab, name)


class VoilaDriver:
    """What browser_latency's measuring functions use of `lab`, for a Voilà page."""

    KERNEL_JS = VOILA_KERNEL_JS

    def __init__(self, lab):
        self._lab = lab

    def __getattr__(self, name):  # SLIDER_HANDLE, FIGURE, event_canvas, ...: as in JupyterLab
        return getattr(self._lab, name)

    @staticmethod
    def settle(page, quiet: float = 0.3, timeout: float = 30.0) -> None:
        """Wait until the page's kernel has been idle for `quiet` seconds (lab.settle's rule)."""
        page.wait_for_timeout(50)
        page.wait_for_function(
            f"""(ms) => {{
                const k = {VOILA_KERNEL_JS};
                const now = performance.now();
                if (!k || k.status !== 'idle') {{ window.__idleSince = undefined; return false; }}
                if (window.__idleSince === undefined) window.__idleSince = now;
                return now - window.__idleSince >= ms;
            }}""",
            arg=quiet * 1000, polling=50, timeout=timeout * 1000)


def round_trips(page, kernel_js: str, n: int = 15) -> list[float]:
    """Milliseconds for n kernel_info round trips through the page's own kernel connection.

    kernel_info, not execute: Voilà ignores execute requests from the page. A reply that
    does not come within 5 s ends the series (what came before is returned).
    """
    return page.evaluate(
        """async (n) => {
            const k = KERNEL, times = [];
            for (let i = 0; i < n; i++) {
                const t0 = performance.now();
                const ok = await Promise.race([k.requestKernelInfo().then(() => true),
                                               new Promise(r => setTimeout(() => r(false), 5000))]);
                if (!ok) break;
                times.push(performance.now() - t0);
            }
            return times;
        }""".replace("KERNEL", kernel_js), n)


# --------------------------------------------------------------------------
# TCP_NODELAY, read on the server's side (as tests/test_server_extension.py does)

_PIDFD_GETFD = 438  # the same syscall number on every Linux architecture


def nodelay_connections(pid: int, port: int) -> tuple[int, int] | str:
    """(connections with TCP_NODELAY, connections) among the established TCP connections
    to `port` held by process `pid` (a child of this one), or why they cannot be read.

    tornado turns TCP_NODELAY off again after every HTTP response, so an idle keep-alive
    connection reads 0 and the kernel websocket reads 1 when the course's class set it.
    """
    if not hasattr(os, "pidfd_open"):
        return "cannot read (no os.pidfd_open)"
    libc = ctypes.CDLL(None, use_errno=True)
    on = total = 0
    try:
        pidfd = os.pidfd_open(pid)
    except OSError as error:
        return f"cannot read ({error})"
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    continue
            except OSError:
                continue
            copy = libc.syscall(_PIDFD_GETFD, pidfd, int(name), 0)
            if copy < 0:
                return f"cannot read (pidfd_getfd: {os.strerror(ctypes.get_errno())})"
            with socket.socket(fileno=copy) as sock:  # closing the copy leaves the server's socket open
                try:
                    if sock.family != socket.AF_INET or sock.getsockname()[1] != port:
                        continue
                    sock.getpeername()  # the listening socket has no peer
                except OSError:
                    continue
                total += 1
                on += bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
    finally:
        os.close(pidfd)
    return on, total


def nodelay_line(name: str, state) -> str:
    if isinstance(state, str):
        return f"{name}: {state}"
    on, total = state
    return (f"{name}: {'yes' if on else 'NO'} ({on} of the browser's {total} connections to it have "
            f"TCP_NODELAY; idle HTTP keep-alive connections never do)")


# --------------------------------------------------------------------------
# Measuring


def blocks(moves: int, block: int = BLOCK) -> list[int]:
    """Moves per block: about `block` each, an even number of blocks when more than one
    (JupyterLab first in even blocks, Voilà first in odd ones: ABBA cancels a steady drift)."""
    n = max(1, round(moves / block))
    if n > 1 and n % 2:
        n += 1
    return [moves // n + (1 if k < moves % n else 0) for k in range(n)]


def measure(driver, page, scenario, moves: int, warmup: int) -> dict:
    return browser_latency.slider_latency(driver, page, scenario.css, scenario.slider_css, moves, warmup=warmup)


def combine(parts: list[dict]) -> dict:
    """One app's blocks for one widget -> its summary (all moves pooled) and misses."""
    import numpy as np

    times = [t for r in parts for t in r.get("times", [])]
    split = [p for r in parts for p in r.get("parts", [])]
    return {**summary(times), "misses": sum(r.get("misses", 0) for r in parts), "times": times,
            "parts_ms": np.median(np.asarray(split), axis=0).tolist() if split else None, "blocks": len(parts)}


def ratio(lab_result: dict, voila_result: dict) -> float:
    a, b = lab_result.get("median", math.nan), voila_result.get("median", math.nan)
    return b / a if a and a == a and b == b else math.nan


def _split(result: dict) -> str:
    parts = result.get("parts_ms")
    return "-" if not parts else " / ".join(f"{v:.0f}" for v in parts)


def table(results: list[dict]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: widget | n | JupyterLab median, p95 | Voilà median, p95 | Voilà/Lab | misses |
    the medians of front / kernel+net / paint in each (and an error column if anything failed)."""
    from benchmarks.common import fmt_ms

    rows = []
    for r in results:
        lab_r, voila_r = r.get("lab", {}), r.get("voila", {})
        errors = "; ".join(f"{app}: {' '.join(r[app]['error'].split())}" for app in APPS
                           if "error" in r.get(app, {}))
        q = ratio(lab_r, voila_r)
        rows.append([r["label"], f"{lab_r.get('n', 0)} / {voila_r.get('n', 0)}",
                     fmt_ms(lab_r.get("median", math.nan)), fmt_ms(lab_r.get("p95", math.nan)),
                     fmt_ms(voila_r.get("median", math.nan)), fmt_ms(voila_r.get("p95", math.nan)),
                     "   -" if q != q else f"{q:5.2f}",
                     f"{lab_r.get('misses', '-')} / {voila_r.get('misses', '-')}",
                     _split(lab_r), _split(voila_r), errors[:90]])
    header = ["widget", "n lab/voilà", "Lab median", "Lab p95", "Voilà median", "Voilà p95", "Voilà/Lab",
              "misses lab/voilà", "Lab front/kernel+net/paint", "Voilà front/kernel+net/paint", "error"]
    if not any(r[-1] for r in rows):
        header, rows = header[:-1], [r[:-1] for r in rows]
    return header, rows


def _open_lab(lab, browser, server, path: str, dpr: float, log):
    page = browser.new_context(viewport=lab.VIEWPORT, device_scale_factor=dpr).new_page()
    page.add_init_script(browser_latency._NET_HOOK)
    t0 = time.monotonic()
    lab.open_notebook(page, server.base_url, server.token, path)
    lab.wait_kernel_ready(page)
    lab.run_all_cells(page, timeout=300)
    errors = lab.cell_errors(page)
    log(f"  JupyterLab {path}: opened and ran in {time.monotonic() - t0:.1f} s"
        + (f"; CELL ERRORS: {errors[0][:200]}" if errors else ""))
    return page


def _open_voila(lab, vs, browser, server, path: str, dpr: float, log, attempts: int = 3):
    """A Voilà page of `path` with every widget shown. On a loaded machine some widget outputs
    may show "Error displaying widget: model not found" (seen at load 4-10 on 2 cores); then
    the page and its kernel are closed and the page is opened again (up to `attempts` times)."""
    for attempt in range(1, attempts + 1):
        page = browser.new_context(viewport=lab.VIEWPORT, device_scale_factor=dpr).new_page()
        page.add_init_script(browser_latency._NET_HOOK)
        t0 = time.monotonic()
        counts = vs.open_app(page, server.url(path))
        VoilaDriver.settle(page, timeout=120)
        errors = vs.page_errors(page)
        log(f"  Voilà {path}: opened in {time.monotonic() - t0:.1f} s ({counts['rendered_widget_outputs']} of "
            f"{counts['widget_outputs']} widget outputs, {counts['figures']} figures)"
            + (f"; ERRORS: {' '.join(errors[0].split())[:200]}" if errors else ""))
        if not errors or attempt == attempts:
            return page
        vs.close_app(page, server)
        log(f"  Voilà {path}: opening it again (attempt {attempt + 1} of {attempts})")


def _median(values) -> float:
    values = sorted(values)
    return values[len(values) // 2] if values else math.nan


def run(scenarios, moves: int = 40, dprs=(1.0,), log=print, keep_dir: Path | None = None) -> dict:
    """Measure every scenario in JupyterLab and in Voilà, interleaved, at each device pixel ratio.

    Returns {"by_dpr": {dpr: {"scenarios": [{"label", "kind", "lab": {...}, "voila": {...}}],
    "round_trip_ms": {notebook: {"lab": ms, "voila": ms}}, "load": str}}, "nodelay": {app: (on, total)}}.
    """
    from playwright.sync_api import sync_playwright

    from benchmarks.common import load_average

    lab, vs = load_drivers()
    drivers = {"lab": LabDriver(lab), "voila": VoilaDriver(lab)}
    scenarios = [s for s in scenarios if s.kind == "slider"]  # drags: see the module's docstring
    out = {"by_dpr": {}, "nodelay": {}}
    if not scenarios:
        log("voila: no slider among the chosen widgets (drags are not measured in Voilà); skipped")
        return out
    by_notebook: dict[str, list] = {}
    for s in scenarios:
        by_notebook.setdefault(s.notebook, []).append(s)
    work = Path(tempfile.mkdtemp(prefix="bench-voila-", dir=keep_dir))
    sources = [NOTEBOOKS, REPO / "data"]
    lab_server = lab.start_server(work / "lab", sources, settings=browser_latency.lab_settings(lab))
    voila_server = None
    try:
        voila_server = vs.start_voila(work / "voila", sources)
        servers = {"lab": (lab_server.process.pid, lab_server.port),
                   "voila": (voila_server.process.pid, voila_server.port)}
        with sync_playwright() as p:
            browser = lab.launch_browser(p)
            for dpr in dprs:
                log(f"voila: device pixel ratio {dpr:g}, {moves} moves per widget and app in blocks of "
                    f"{blocks(moves)} ({load_average()})")
                results, rts = [], {}
                for notebook, group in by_notebook.items():
                    path = f"notebooks/{notebook}"
                    pages = {}
                    try:
                        pages["lab"] = _open_lab(lab, browser, lab_server, path, dpr, log)
                        pages["voila"] = _open_voila(lab, vs, browser, voila_server, path, dpr, log)
                        rts[notebook] = {app: _median(round_trips(pages[app], drivers[app].KERNEL_JS))
                                         for app in APPS}
                        if not out["nodelay"]:
                            out["nodelay"] = {app: nodelay_connections(*servers[app]) for app in APPS}
                        for s in group:
                            results.append(_measure_scenario(drivers, pages, s, moves, log))
                    except Exception as error:
                        message = f"{type(error).__name__}: {error}"[:300]
                        log(f"  {path}: {message}")
                        for s in group:
                            if not any(r["label"] == s.label for r in results):
                                results.append({"label": s.label, "kind": s.kind, "lab": {"error": message},
                                                "voila": {"error": message}})
                    finally:
                        if "voila" in pages:
                            vs.close_app(pages.pop("voila"), voila_server)
                        for page in pages.values():
                            page.context.close()
                        try:
                            lab_server.shutdown_sessions()
                        except Exception:
                            pass
                out["by_dpr"][dpr] = {"scenarios": results, "round_trip_ms": rts, "load": load_average()}
            browser.close()
    finally:
        if voila_server is not None:
            voila_server.stop()
        lab_server.stop()
        if keep_dir is None:
            shutil.rmtree(work, ignore_errors=True)
    return out


def _measure_scenario(drivers, pages, s, moves: int, log) -> dict:
    parts = {app: [] for app in APPS}
    errors = {}
    for k, size in enumerate(blocks(moves)):
        for app in (APPS if k % 2 == 0 else APPS[::-1]):
            if app in errors:
                continue
            page = pages[app]
            try:
                page.bring_to_front()
                parts[app].append(measure(drivers[app], page, s, size, WARMUP_FIRST if k == 0 else WARMUP_LATER))
            except Exception as error:
                errors[app] = f"{type(error).__name__}: {error}"[:300]
                log(f"    {s.label} in {app}: {errors[app]}")
    result = {"label": s.label, "kind": s.kind}
    for app in APPS:
        result[app] = combine(parts[app]) if parts[app] else {}
        if app in errors:
            result[app]["error"] = errors[app]
    log(f"    {s.label}: median JupyterLab {result['lab'].get('median', math.nan):.0f} ms, "
        f"Voilà {result['voila'].get('median', math.nan):.0f} ms")
    return result
