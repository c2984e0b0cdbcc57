"""Where the time of one update goes: every hop from the mouse move to the painted frame.

One private JupyterLab (started with ``benchmarks/bench_server_config.py``: the
benchmark-only timing extension ``benchmarks.server_timing``, active because this
module sets ``COURSE_HOP_TIMING=1`` for its own server; the course's TCP_NODELAY
extension as installed) and one headless Chromium. For each notebook, the page gets
``benchmarks/hops_page.js`` before JupyterLab loads, the notebook runs (Run All), and
the kernel gets ``benchmarks/kernel_hops.install()``. Then each scenario's control is
moved exactly as ``benchmarks/browser_latency.py`` does (one move at a time, each
waiting for its frame and 60 ms of quiet), and the three processes' records are joined
by message id. Every time is on one clock: epoch ms from ``time.time()`` in the server
and the kernel, ``performance.timeOrigin + performance.now()`` in the page.

Per move, the hops (each the time from the previous stamp):

  input      pointermove created -> the page's capturing listener runs
  page-send  listener -> the websocket sends the widget's comm message
  net-in     websocket send -> the server's handler has the message
  srv-in     server: parse, queue for the kernel's ZMQ socket (a ZMQStream)
  zmq-in     -> the server's loop sends it, the kernel's shell channel thread receives it
  to-thread  shell channel thread -> the thread that handles it starts dispatch_shell
  pre-cb     dispatch start -> the callback starts (deserialize, "busy" status, echo)
  callback   callback start -> the frame is queued (math, artists, blit, diff + PNG)
  iopub      frame queued -> the IOPub thread starts writing it to ZMQ (thread switch, GIL)
  zmq-out    -> the server receives it
  srv-out    server: parse, rate limit, start writing to the websocket
  net-out    -> the page's main thread has the message (MessageEvent.timeStamp): the
             socket, Chromium's network service, the hop to the renderer
  page-q     -> the onmessage handler runs (main thread busy with other work)
  page-chain onmessage -> ipympl's handle_binary runs (JupyterLab handles messages in order,
             one promise after another: everything received before the frame first)
  img-load   handle_binary -> the image's load event has run (includes ipympl's
             toDataURL of the whole figure, shown apart as "toDataURL", and the decode)
  paint      load handler start -> drawImage on the visible canvas has returned
  total      pointermove created -> visible drawImage returned

Run from the repository root (see ``python -m benchmarks --help``):

    .venv/bin/python -m benchmarks --only hops
    .venv/bin/python -m benchmarks --only hops --widget "04 eta slider" --dpr 1 --dpr 2
    .venv/bin/python -m benchmarks --only hops --variant echo --variant nagle
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.common import NOTEBOOKS, REPO, load_average, summary

HERE = Path(__file__).resolve().parent
PAGE_SCRIPT = HERE / "hops_page.js"
SERVER_CONFIG = HERE / "bench_server_config.py"

HOPS = [
    ("input", "input event -> page listener"),
    ("page-send", "listener -> websocket send"),
    ("net-in", "browser -> server"),
    ("srv-in", "server parses, queues for ZMQ"),
    ("zmq-in", "server send + ZMQ -> shell thread"),
    ("to-thread", "shell thread -> handling thread"),
    ("pre-cb", "dispatch -> callback start"),
    ("callback", "callback -> frame queued"),
    ("iopub", "queued -> IOPub thread sends"),
    ("zmq-out", "kernel -> server"),
    ("srv-out", "server parses, starts the write"),
    ("net-out", "write -> page main thread"),
    ("page-q", "queued -> onmessage runs"),
    ("page-chain", "onmessage -> ipympl handle_binary"),
    ("img-load", "handle_binary -> image loaded"),
    ("paint", "loaded -> visible drawImage done"),
]

# The hops in four groups (the README's summary).
GROUPS = {
    "browser": ("input", "page-send", "page-q", "page-chain", "img-load", "paint"),
    "transport": ("net-in", "srv-in", "zmq-in", "zmq-out", "srv-out", "net-out"),
    "kernel threads": ("to-thread", "pre-cb", "iopub"),
    "callback": ("callback",),
}

# Changes tried within one session (same page, same kernel), against "base":
# code run in the kernel to apply and to undo each (or a server switch).
VARIANTS = {
    "base": ("", ""),
    "echo": ("import ipywidgets.widgets.widget as _w; _w.JUPYTER_WIDGETS_ECHO = False",
             "import ipywidgets.widgets.widget as _w; _w.JUPYTER_WIDGETS_ECHO = True"),
    "switch": ("import sys; _old_si = sys.getswitchinterval(); sys.setswitchinterval(0.0005)",
               "import sys; sys.setswitchinterval(_old_si)"),
    "nagle": ("SERVER nodelay=0", "SERVER nodelay=1"),
    "transport": ("import benchmarks.kernel_hops as _h; _h.set_transport(w, True)",
                  "import benchmarks.kernel_hops as _h; _h.restore_transport(w)"),
    "flip": ("import helpers.plots.blitting as _b; _b.WHOLE_FRAMES_IN_DIFF_MODE = False",
             "import helpers.plots.blitting as _b; _b.WHOLE_FRAMES_IN_DIFF_MODE = True"),
    "no-transport": ("import benchmarks.kernel_hops as _h; _h.set_transport(w, False)",
                     "import benchmarks.kernel_hops as _h; _h.restore_transport(w)"),
    "encode": ("PAGE encodeEachFrame=true", "PAGE encodeEachFrame=false"),
    "mousemove": ("PAGE noRawUpdates=true", "PAGE noRawUpdates=false"),
    "blob": ("PAGE blobFrames=true", "PAGE blobFrames=false"),
    "untiled": ("import helpers.plots.tiles as _t; _t.TILED_FRAMES = False",
                "import helpers.plots.tiles as _t; _t.TILED_FRAMES = True"),
    "zlib": ("import helpers.plots.blitting as _b, zlib as _z; _b.isal_zlib = _z",
             "import helpers.plots.blitting as _b; from isal import isal_zlib as _i; _b.isal_zlib = _i"),
}
VARIANT_HELP = {
    "echo": "ipywidgets' echo_update off (JUPYTER_WIDGETS_ECHO = False in the kernel)",
    "switch": "kernel thread switch interval 0.5 ms instead of 5 ms",
    "nagle": "TCP_NODELAY switched OFF on the kernel websocket (what the extension buys)",
    "transport": "helpers.plots.transport.fast_frames on the widget's figures",
    "no-transport": "helpers.plots.transport.fast_frames off (undone if the widget applies it)",
    "flip": "whole frames switch the image mode to full and back (the blitting before issue 13)",
    "encode": "the page encodes the whole figure after every frame, as ipympl does without the course's extension",
    "zlib": "frames compressed by zlib at level 1 instead of ISA-L's deflate (the encoder before 2026-12-06)",
    "mousemove": "figure drags sent from mousemove (aligned with animation frames) instead of raw pointer updates",
    "blob": "frames given to ipympl's <img> as blob URLs, as ipympl does, instead of data URLs",
    "untiled": "frames cut at the last changed pixel, drawn from the top-left corner, instead of the changed tiles",
}


# --------------------------------------------------------------------------
# Joining the three processes' records


def _is_frame(record) -> bool:
    """A kernel message carrying a frame: ipympl's 'binary', or the course's 'course_tiles' (tiles.py)."""
    return (record.get("label") or "").endswith(("binary", "course_tiles"))


def _index(records, kind_key="k"):
    out = {}
    for r in records:
        out.setdefault((r.get(kind_key) or r.get("where"), r.get("id")), r)
    return out


def _spans(kernel, kind, parent):
    starts = [r["t"] for r in kernel if r["k"] == kind and r.get("parent") == parent]
    ends = [r["t"] for r in kernel if r["k"] == kind + "_end" and r.get("parent") == parent]
    return (min(starts) if starts else None), (max(ends) if ends else None)


MS_PER_S = 1000.0


def d(a, b):
    """Milliseconds from epoch second a to b (None if either is missing)."""
    return (b - a) * MS_PER_S if a is not None and b is not None else None


def split_moves(page_log: list, server: list, kernel: list) -> list[dict]:
    """One dict per move that produced a frame: the stamps (epoch s) and the hops (ms)."""
    srv = _index(server, "where")
    ker_first = {}
    for r in kernel:
        ker_first.setdefault((r["k"], r.get("id")), r)
    sends_by_parent: dict = {}
    for r in kernel:
        if r["k"] == "send":
            sends_by_parent.setdefault(r.get("parent"), []).append(r)
    starts = [i for i, r in enumerate(page_log) if r["k"] == "event"]
    moves = []
    for n, i in enumerate(starts):
        seg = page_log[i:starts[n + 1] if n + 1 < len(starts) else len(page_log)]
        ev = seg[0]
        req = next((r for r in seg if r["k"] == "ws_send" and r.get("type") == "comm_msg"), None)
        if req is None:
            continue
        # The move's frame: a binary message answering one of the page's messages of this move
        # (the move's own, or the 'draw' request ipympl sends after a draw_idle), not the
        # Blitter's repaint of an earlier move, which may land in this move's time.
        mine = {r.get("id") for r in seg if r["k"] == "ws_send"}
        j_frame = next((j for j, r in enumerate(seg) if r["k"] == "ws_recv" and r.get("parent") in mine
                        and _is_frame(r)), None)
        j_draw = None if j_frame is None else next(
            (j for j in range(j_frame + 1, len(seg)) if seg[j]["k"] == "draw"), None)
        if j_draw is None:
            moves.append({"miss": True})
            continue
        draw = seg[j_draw]
        frame = seg[j_frame]
        after = seg[j_frame:j_draw + 1]
        img_src = next((r for r in after if r["k"] == "img_src"), None)
        img_load = next((r for r in after if r["k"] == "img_load"), None)
        to_url = next((r for r in after if r["k"] == "to_data_url"), None)
        recvs = [r for r in seg if r["k"] == "ws_recv"]
        sends = [r for r in seg if r["k"] == "ws_send"]
        m_id, f_id = req.get("id"), frame.get("id")
        s_in, s_out = srv.get(("server_in", m_id)), srv.get(("server_out", f_id))
        k_recv, k_disp = ker_first.get(("recv", m_id)), ker_first.get(("dispatch", m_id))
        k_send, k_iopub = ker_first.get(("send", f_id)), ker_first.get(("iopub", f_id))
        cb0 = None
        for kind in ("update", "mouse"):
            start, _ = _spans(kernel, kind, m_id)
            if start is not None:
                cb0 = start if cb0 is None else min(cb0, start)
        kids = sends_by_parent.get(m_id, [])
        echo = next((r for r in kids if (r.get("label") or "").startswith("echo_update")), None)
        if cb0 is None:
            cb0 = echo["t_end"] if echo else (k_disp["t"] if k_disp else None)
        cb_end = max([t for kind in ("update", "mouse") for t in [_spans(kernel, kind, m_id)[1]] if t], default=None)
        disp_end = ker_first.get(("dispatch_end", m_id))
        enc0, enc1 = _spans(kernel, "encode", m_id)
        ms = MS_PER_S

        t = {  # epoch seconds
            # the listener that sent: the raw update's, or (sliders) the pointermove's after it
            "event": ev["t"] / ms, "send": req["t"] / ms,
            "listen": (ev["tm"] if ev.get("tm") is not None and ev["tm"] <= req["t"] else ev["td"]) / ms,
            "srv_in": s_in and s_in["t_recv"], "srv_fwd": s_in and s_in["t_fwd"],
            "k_recv": k_recv and k_recv["t"], "k_disp": k_disp and k_disp["t"], "cb": cb0,
            "queued": k_send and k_send["t"], "iopub": k_iopub and k_iopub["t"],
            "srv_out": s_out and s_out["t_recv"], "srv_sent": s_out and s_out["t_sent"],
            "arrive": frame["t"] / ms, "onmsg": frame["td"] / ms,
            "img_src": img_src and img_src["t"] / ms, "img_load": img_load and img_load["td"] / ms,
            "draw": draw["tr"] / ms,
        }
        order = ["event", "listen", "send", "srv_in", "srv_fwd", "k_recv", "k_disp", "cb", "queued", "iopub",
                 "srv_out", "srv_sent", "arrive", "onmsg", "img_src", "img_load", "draw"]
        hops = {name: d(t[a], t[b]) for (name, _), a, b in zip(HOPS, order, order[1:])}
        labels_before = [r.get("label") or r.get("type") for r in seg[:j_frame]
                         if r["k"] == "ws_recv" and r["td"] >= req["t"]]
        sequence = [("FRAME" if r is frame else (r.get("label") or r.get("type")))
                    + ("" if r.get("parent") == m_id or r is frame else "*")
                    for r in recvs if r["td"] >= req["t"]]
        idle = next((r for r in recvs if r.get("label") == "idle" and r.get("parent") == m_id), None)
        moves.append({
            "miss": False, "hops": hops, "total": d(t["event"], t["draw"]),
            "to_data_url": (to_url["tr"] - to_url["t"]) if to_url else None,
            "to_data_url_px": (to_url["w"], to_url["h"]) if to_url else None,
            "next_frame": (draw["frame"] - draw["tr"]) if draw.get("frame") else None,
            "callback_total": d(cb0, cb_end), "handler_total": d(k_disp and k_disp["t"], disp_end and disp_end["t"]),
            "encode": d(enc0, k_send and k_send["t"]) if enc0 else None,
            "echo": echo is not None, "before_frame": labels_before, "sequence": sequence,
            "msgs_to_draw": sum(1 for r in seg[:j_frame + 1] if r["k"] == "ws_recv" and r["td"] >= req["t"]),
            "kb_to_draw": sum(r.get("bytes", 0) for r in seg[:j_frame + 1]
                              if r["k"] == "ws_recv" and r["td"] >= req["t"]) / 1024,
            "msgs_in": len(recvs), "kb_in": sum(r.get("bytes", 0) for r in recvs) / 1024,
            "msgs_out": len(sends), "kb_out": sum(r.get("bytes", 0) for r in sends) / 1024,
            "frame_kb": frame.get("bytes", 0) / 1024,
            # the frame's pixels (a diff covers the figure from its top-left corner to the last
            # changed pixel) as a share of the figure's: what the browser decodes and draws
            "frame_area": (img_load["w"] * img_load["h"] / max(1, draw["sw"] * draw["sh"])) if img_load else None,
            "idle_after_frame": (idle["td"] - frame["td"]) if idle else None,
            "kernel_msgs": len(kids),
            "canvas": {"backing": (draw["w"], draw["h"]), "css_w": draw["cssw"], "source_w": draw["sw"],
                       "scaled": draw["args"] > 3},
        })
    return moves


def breakdown(moves: list[dict], warmup: int = 3) -> dict:
    """Medians of each hop and of the totals over the counted moves (the first `warmup` dropped)."""
    good = [m for m in moves if not m["miss"]][warmup:]
    out = {"n": len(good), "misses": sum(m["miss"] for m in moves)}
    if not good:
        return out

    def med(values):
        values = [v for v in values if v is not None]
        return float(np.median(values)) if values else math.nan

    out["hops"] = {name: med(m["hops"][name] for m in good) for name, _ in HOPS}
    out["total"] = summary([m["total"] for m in good])
    out["sum_of_hop_medians"] = float(np.nansum(list(out["hops"].values())))
    for key in ("to_data_url", "next_frame", "callback_total", "handler_total", "encode", "msgs_in", "kb_in",
                "msgs_to_draw", "kb_to_draw", "frame_area",
                "msgs_out", "kb_out", "frame_kb", "idle_after_frame", "kernel_msgs"):
        out[key] = med(m[key] for m in good)
    befores = [tuple(m["before_frame"]) for m in good]
    out["before_frame"] = max(set(befores), key=befores.count) if befores else ()
    sequences = [tuple(m["sequence"]) for m in good]
    out["sequence"] = max(set(sequences), key=sequences.count) if sequences else ()
    out["sequence_share"] = sequences.count(out["sequence"]) / len(sequences) if sequences else 0
    out["echo"] = any(m["echo"] for m in good)
    c = good[-1]["canvas"]
    out["canvas"] = c
    out["totals"] = [m["total"] for m in good]
    # Which hop carries the spread: per hop, the slope of the hop against the total over the
    # moves (cov / var of the total): the slopes add up to 1 with the untimed rest, so a hop
    # with slope 0.6 explains 60 % of the move-to-move variation (two clusters, a tail).
    totals = np.asarray([m["total"] for m in good], dtype=float)
    var = float(np.var(totals)) if len(totals) > 2 else 0.0
    out["spread_share"] = {}
    for name, _ in HOPS:
        pairs = [(m["hops"][name], m["total"]) for m in good if m["hops"][name] is not None]
        if var > 0 and len(pairs) > 2:
            h, t = np.asarray(pairs, dtype=float).T
            out["spread_share"][name] = float(np.cov(h, t, bias=True)[0, 1] / var)
        else:
            out["spread_share"][name] = math.nan
    # Hop distributions: which hop carries the spread (the p95 - median of each).
    out["hops_p95"] = {name: float(np.percentile([m["hops"][name] for m in good if m["hops"][name] is not None],
                                                 95)) if any(m["hops"][name] is not None for m in good) else math.nan
                       for name, _ in HOPS}
    return out


# --------------------------------------------------------------------------
# The session


def _processes(server_pid: int, kernel_pid: int | None):
    """psutil processes: the kernel, the server, Chromium's renderers and the rest of Chromium."""
    import psutil

    me = psutil.Process()
    groups = {"kernel": [], "server": [], "renderer": [], "chromium": []}
    for p in me.children(recursive=True):
        try:
            name, cmd = p.name(), " ".join(p.cmdline())
        except psutil.Error:
            continue
        if p.pid == kernel_pid:
            groups["kernel"].append(p)
        elif p.pid == server_pid:
            groups["server"].append(p)
        elif "chrom" in name or "chrom" in cmd.split(" ")[0]:
            groups["renderer" if "--type=renderer" in cmd else "chromium"].append(p)
    return groups


def _cpu(groups) -> dict:
    import psutil

    out = {}
    for key, procs in groups.items():
        total = 0.0
        for p in procs:
            try:
                c = p.cpu_times()
                total += c.user + c.system
            except psutil.Error:
                pass
        out[key] = total
    return out


def _server_hops(server, nodelay: str | None = None) -> list:
    if nodelay is not None:
        server.api(f"api/course-hops?nodelay={nodelay}", method="POST")
        return []
    return server.api("api/course-hops")["records"]


def _kernel(page, code: str) -> str:
    from benchmarks.browser_latency import _kernel_eval

    return _kernel_eval(page, code)


def _apply(page, server, code: str) -> None:
    if not code:
        return
    if code.startswith("SERVER "):
        _server_hops(server, nodelay=code.split("=", 1)[1])
        return
    if code.startswith("PAGE "):  # a switch of benchmarks/hops_page.js
        key, value = code.split(" ", 1)[1].split("=", 1)
        page.evaluate("([k, v]) => { window.__hops[k] = v; }", [key, value == "true"])
        return
    out = _kernel(page, code)
    if "ERROR" in out:
        raise RuntimeError(out)


def _clock_check(page) -> float:
    """performance.timeOrigin + now() minus Date.now() in the page, ms (Date.now has 1 ms steps)."""
    return page.evaluate("() => { const a = []; for (let i = 0; i < 50; i++)"
                         " a.push(performance.timeOrigin + performance.now() - Date.now());"
                         " a.sort((x, y) => x - y); return a[25]; }")


# Quiet time after each move's last drawImage before the next move: longer than the Blitter's
# repaint delay (200 ms), so that a move never overlaps the repaint of the one before (the
# browser part, with 60 ms, may then credit the repaint's drawImage to the next move).
QUIET_MS = 250


def _move(browser_latency, lab, page, scenario, moves: int) -> dict:
    if scenario.kind == "slider":
        return browser_latency.slider_latency(lab, page, scenario.css, scenario.slider_css, moves,
                                              quiet_ms=QUIET_MS)
    return browser_latency.drag_latency(lab, page, scenario.css, scenario.variable, scenario.point, moves,
                                        quiet_ms=QUIET_MS)


def _stream_moves(lab, page, scenario, n: int, interval_ms: float):
    """Drag continuously, as a hand does: n moves, one every interval_ms, without waiting for frames."""
    import math as _m

    if scenario.kind == "slider":
        handle = page.locator(f".{scenario.slider_css}").locator(lab.SLIDER_HANDLE).first
        lab.scroll_into_view_still(handle)
        track = page.locator(f".{scenario.slider_css}").locator(".noUi-target").first.bounding_box()
        box = handle.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        left, right = track["x"] + 2, track["x"] + track["width"] - 2
        step = max(3.0, (right - left) / 60)
        direction = 1 if right - x >= x - left else -1
        path = []
        for _ in range(n):
            if not left <= x + direction * step <= right:
                direction = -direction
            x += direction * step
            path.append((x, y))
        start = (box["x"] + box["width"] / 2, y)
    else:
        from benchmarks.browser_latency import _kernel_eval

        root = page.locator(f".{scenario.css}").first
        figure = root.locator(lab.FIGURE).first
        lab.scroll_into_view_still(figure)
        code = (f"import json as _json, numpy as np\nw = {scenario.variable}\n_ax, _pt = {scenario.point}\n"
                "_px = _ax.transData.transform(np.asarray(_pt, dtype=float))\n"
                "print(_json.dumps([*map(float, _px), *map(float, _ax.figure.bbox.size)]))")
        px, py, fw, fh = json.loads(_kernel_eval(page, code).strip().splitlines()[-1])
        box = lab.event_canvas(figure).bounding_box()
        sx, sy = box["width"] / fw, box["height"] / fh
        start = (box["x"] + px * sx, box["y"] + (fh - py) * sy)
        radius = 25.0
        path = [(start[0] + radius * (_m.cos(2 * _m.pi * k / n) - 1) * sx,
                 start[1] + radius * _m.sin(2 * _m.pi * k / n) * sy) for k in range(1, n + 1)]
    page.mouse.move(*start)
    page.wait_for_timeout(60)
    page.mouse.down()
    page.wait_for_timeout(150)
    lab.settle(page)
    page.evaluate("() => { window.__hops.log = []; window.__hops.on = true; }")
    for point in path:
        page.mouse.move(*point)
        page.wait_for_timeout(interval_ms)
    lab.settle(page, quiet=0.4)
    page.evaluate("() => { window.__hops.on = false; }")
    log = page.evaluate("() => window.__hops.log")
    page.mouse.up()
    lab.settle(page)
    return log


def stream_summary(log: list) -> dict:
    """Continuous drag: how many moves became messages and frames, how long a value waited to be
    sent (ipywidgets sends one update at a time, the next when the kernel reports idle; ipympl
    sends at most one mouse move per 33 ms), and how far the picture lags when the hand stops."""
    events = [r for r in log if r["k"] == "event"]
    sends = [r for r in log if r["k"] == "ws_send" and r.get("type") == "comm_msg"]
    draws = [r for r in log if r["k"] == "draw"]
    if not events or not sends or not draws:
        return {}
    waits, covered = [], 0
    for snd in sends:  # the oldest move not yet sent, when this message left
        pending = [e for e in events[covered:] if e["t"] <= snd["t"]]
        if pending:
            waits.append(snd["t"] - pending[0]["t"])
            covered += len(pending)
    span = (events[-1]["t"] - events[0]["t"]) / 1000 or math.nan
    # the lag: until the frame answering the last message sent is painted (not the repaint after it)
    last = sends[-1]
    j = next((i for i, r in enumerate(log) if r["k"] == "ws_recv" and r.get("parent") == last.get("id")
              and _is_frame(r)), None)
    final = None if j is None else next((r for r in log[j + 1:] if r["k"] == "draw"), None)
    return {"moves": len(events), "sends": len(sends), "frames": len(draws),
            "send_wait_median": float(np.median(waits)) if waits else math.nan,
            "send_wait_p95": float(np.percentile(waits, 95)) if waits else math.nan,
            "frames_per_s": len([r for r in draws if r["t"] <= events[-1]["t"]]) / span,
            "lag_at_stop": (final["tr"] - events[-1]["t"]) if final else math.nan}


def measure_scenario(lab, page, server, scenario, moves: int, variants, repeats: int, pids, log) -> dict:
    """Each variant `repeats` times, interleaved (base, v1, base, v1 ...), moves split between them."""
    from benchmarks import browser_latency

    results = {v: {"moves": [], "latency": [], "cpu": {}, "wall": 0.0} for v in variants}
    per = max(8, math.ceil(moves / repeats))
    _kernel(page, f"w = {scenario.variable}")
    for _ in range(repeats):
        for v in variants:
            apply, undo = VARIANTS[v]
            _apply(page, server, apply)
            try:
                page.evaluate("() => { window.__hops.log = []; window.__hops.on = true; }")
                _kernel(page, "import benchmarks.kernel_hops as _h; _h.collect()")
                _server_hops(server)
                groups = _processes(*pids)
                c0, w0 = _cpu(groups), time.monotonic()
                r = _move(browser_latency, lab, page, scenario, per)
                c1, w1 = _cpu(groups), time.monotonic()
                page.evaluate("() => { window.__hops.on = false; }")
                page_log = page.evaluate("() => window.__hops.log")
                kernel = json.loads(_kernel(page, "import benchmarks.kernel_hops as _h; print(_h.collect())")
                                    .strip().splitlines()[-1])
                server_records = _server_hops(server)
            finally:
                _apply(page, server, undo)
            moves_v = split_moves(page_log, server_records, kernel)
            # the first 3 moves of every pass are warm-ups (as in browser_latency)
            results[v]["moves"].extend([m for m in moves_v if not m["miss"]][3:]
                                       + [m for m in moves_v if m["miss"]])
            results[v]["latency"].extend(r.get("times", []))
            results[v]["raw"] = {"page": page_log, "server": server_records, "kernel": kernel}
            for key in c0:
                results[v]["cpu"][key] = results[v]["cpu"].get(key, 0.0) + c1[key] - c0[key]
            results[v]["wall"] += w1 - w0
    out = {}
    stream = {}
    for v in variants:  # then a continuous drag per variant (16 ms between moves, like a mouse)
        apply, undo = VARIANTS[v]
        _apply(page, server, apply)
        try:
            stream[v] = stream_summary(_stream_moves(lab, page, scenario, 40, 16))
        except Exception as error:
            stream[v] = {"error": f"{type(error).__name__}: {error}"[:200]}
        finally:
            _apply(page, server, undo)
    for v, res in results.items():
        b = breakdown(res["moves"], warmup=0)
        n_moves = max(1, len(res["moves"]))
        b["cpu_ms_per_move"] = {k: 1000 * s / n_moves for k, s in res["cpu"].items()}
        b["wall_ms_per_move"] = 1000 * res["wall"] / n_moves
        b["latency"] = summary(res["latency"])
        b["raw_last_pass"] = res.get("raw")
        b["stream"] = stream.get(v, {})
        out[v] = b
        log(f"    {scenario.label} [{v}]: total median {b.get('total', {}).get('median', math.nan):.1f} ms, "
            f"n {b['n']}, misses {b['misses']}")
    return out


def new_page(browser, lab, device_pixel_ratio: float):
    context = browser.new_context(viewport=lab.VIEWPORT, device_scale_factor=device_pixel_ratio)
    page = context.new_page()
    page.add_init_script(path=str(PAGE_SCRIPT))
    return page


def run(scenarios, moves: int = 30, dprs=(1.0,), variants=("base",), repeats: int = 2, log=print,
        keep_dir: Path | None = None) -> dict:
    """The hop breakdown of every scenario at each device pixel ratio, for each variant.

    Returns {"dpr": {ratio: {label: {variant: breakdown}}}, "clock_ms": ..., "round_trip_ms": ...,
    "baseline": {ratio: summary}}.
    """
    from playwright.sync_api import sync_playwright

    from benchmarks import browser_latency

    lab = browser_latency.load_lab()
    variants = list(dict.fromkeys(["base", *variants]))
    work = Path(tempfile.mkdtemp(prefix="bench-hops-", dir=keep_dir))
    bench_dir = work / "bench"
    bench_dir.mkdir()
    shutil.copy2(browser_latency.BASELINE, bench_dir / browser_latency.BASELINE.name)
    saved_env = {k: os.environ.get(k) for k in ("COURSE_HOP_TIMING", "PYTHONPATH")}
    os.environ["COURSE_HOP_TIMING"] = "1"
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), saved_env["PYTHONPATH"]]))
    try:
        server = lab.start_server(work / "server", [NOTEBOOKS, REPO / "data", bench_dir], config_file=SERVER_CONFIG,
                                   settings=browser_latency.lab_settings(lab))
    finally:
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    out = {"dpr": {}, "clock_ms": [], "round_trip_ms": {}, "baseline": {}, "hidpi": {}, "load": []}
    by_notebook: dict = {}
    for s in scenarios:
        by_notebook.setdefault(s.notebook, []).append(s)
    try:
        with sync_playwright() as p:
            browser = lab.launch_browser(p)
            for dpr in dprs:
                table = out["dpr"].setdefault(dpr, {})
                jobs = [(f"bench/{browser_latency.BASELINE.name}", None)] + [(f"notebooks/{nb}", g)
                                                                              for nb, g in by_notebook.items()]
                for path, group in jobs:
                    page = new_page(browser, lab, dpr)
                    try:
                        t0 = time.monotonic()
                        lab.open_notebook(page, server.base_url, server.token, path)
                        lab.wait_kernel_ready(page)
                        lab.run_all_cells(page, timeout=300)
                        errors = lab.cell_errors(page)
                        log(f"  dpr {dpr:g} {path}: ran in {time.monotonic() - t0:.1f} s ({load_average()})"
                            + (f"; CELL ERRORS: {errors[0][:200]}" if errors else ""))
                        rt = sorted(lab.kernel_round_trips(page, 15))
                        out["round_trip_ms"][f"{dpr:g} {path}"] = rt[len(rt) // 2]
                        out["clock_ms"].append(_clock_check(page))
                        if group is None:
                            r = browser_latency.slider_latency(lab, page, browser_latency.BASELINE_CSS,
                                                               browser_latency.BASELINE_SLIDER_CSS, moves, mode="img")
                            out["baseline"][dpr] = {k: r[k] for k in ("n", "median", "p95", "misses")}
                            continue
                        info = _kernel(page, f"import sys, os; sys.path.insert(0, {str(REPO)!r})\n"
                                             "import benchmarks.kernel_hops as _h; print(_h.install()); "
                                             "print(os.getpid())")
                        kernel_pid = int(info.strip().splitlines()[-1])
                        log(f"    kernel hooks {info.strip().splitlines()[0]}")
                        for s in group:
                            out["load"].append(load_average())
                            try:
                                table[s.label] = measure_scenario(lab, page, server, s, moves, variants, repeats,
                                                                  (server.process.pid, kernel_pid), log)
                            except Exception as error:
                                table[s.label] = {"error": f"{type(error).__name__}: {error}"[:300]}
                                log(f"    {s.label}: {table[s.label]['error']}")
                    except Exception as error:
                        log(f"  {path}: {type(error).__name__}: {str(error)[:300]}")
                        for s in group or []:
                            table[s.label] = {"error": f"{type(error).__name__}: {error}"[:300]}
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
    return out


# --------------------------------------------------------------------------
# Printing


def _f(v, digits=1) -> str:
    return "-" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.{digits}f}"


def _top_spread(shares: dict) -> str:
    items = [(v, k) for k, v in shares.items() if v == v]
    if not items:
        return "-"
    value, name = max(items)
    return f"{name} {100 * value:.0f}%"


def print_report(result: dict, print_table) -> None:
    """The hop table (hop x widget, medians in ms) per pixel ratio and variant, then the extras."""
    clock = result.get("clock_ms") or []
    if clock:
        print(f"\nclock check: page timeOrigin+now() - Date.now() = {np.median(clock):+.2f} ms (median of pages)")
    for dpr, table in result["dpr"].items():
        labels = [label for label, r in table.items() if "base" in r]
        variants = sorted({v for r in table.values() for v in r if v != "error"}, key=lambda v: v != "base")
        base_total = (result.get("baseline", {}).get(dpr) or {}).get("median", math.nan)
        for v in variants:
            cols = [label for label in labels if v in table[label] and "hops" in table[label][v]]
            if not cols:
                continue
            short = [c.replace(" slider", "").replace("(chatter)", "ch").replace("drag ", "")[:14] for c in cols]
            rows = []
            for name, text in HOPS:
                rows.append([f"{name:<10} {text}", *[_f(table[c][v]["hops"][name]) for c in cols]])
            rows.append(["sum of hop medians", *[_f(table[c][v]["sum_of_hop_medians"]) for c in cols]])
            for group, names in GROUPS.items():
                rows.append([f"= {group} ({', '.join(names)})"[:44],
                             *[_f(sum(table[c][v]["hops"][n] for n in names
                                      if table[c][v]["hops"][n] == table[c][v]["hops"][n])) for c in cols]])
            rows.append(["hop carrying most of the spread (share)",
                         *[_top_spread(table[c][v].get("spread_share", {})) for c in cols]])
            rows.append(["TOTAL median (event -> drawImage)", *[_f(table[c][v]["total"]["median"]) for c in cols]])
            rows.append(["TOTAL p95", *[_f(table[c][v]["total"]["p95"]) for c in cols]])
            rows.append([f"vs interact baseline ({_f(base_total)} ms)",
                         *[_f(base_total / table[c][v]["total"]["median"], 2) + "x" for c in cols]])
            rows.append(["  of which toDataURL (ipympl, full figure)", *[_f(table[c][v]["to_data_url"]) for c in cols]])
            rows.append(["  kernel callback, whole (ms)", *[_f(table[c][v]["callback_total"]) for c in cols]])
            rows.append(["  kernel handler, whole (ms)", *[_f(table[c][v]["handler_total"]) for c in cols]])
            rows.append(["  frame encode + send (ms)", *[_f(table[c][v]["encode"]) for c in cols]])
            rows.append(["  drawImage -> next animation frame", *[_f(table[c][v]["next_frame"]) for c in cols]])
            rows.append(["  'idle' arrives after the frame", *[_f(table[c][v]["idle_after_frame"]) for c in cols]])
            rows.append(["msgs kernel->page up to the frame", *[_f(table[c][v]["msgs_to_draw"], 0) for c in cols]])
            rows.append(["kB kernel->page up to the frame", *[_f(table[c][v]["kb_to_draw"]) for c in cols]])
            rows.append(["msgs kernel->page per move, all", *[_f(table[c][v]["msgs_in"], 0) for c in cols]])
            rows.append(["kB kernel->page per move, all", *[_f(table[c][v]["kb_in"]) for c in cols]])
            rows.append(["  of which frame kB", *[_f(table[c][v]["frame_kb"]) for c in cols]])
            rows.append(["  frame area, share of the figure's pixels",
                         *[_f(100 * table[c][v]["frame_area"], 0) + "%" for c in cols]])
            rows.append(["msgs page->kernel per move", *[_f(table[c][v]["msgs_out"], 0) for c in cols]])
            rows.append(["CPU ms/move kernel", *[_f(table[c][v]["cpu_ms_per_move"].get("kernel")) for c in cols]])
            rows.append(["CPU ms/move server", *[_f(table[c][v]["cpu_ms_per_move"].get("server")) for c in cols]])
            rows.append(["CPU ms/move Chromium renderer",
                         *[_f(table[c][v]["cpu_ms_per_move"].get("renderer")) for c in cols]])
            rows.append(["CPU ms/move Chromium other",
                         *[_f(table[c][v]["cpu_ms_per_move"].get("chromium")) for c in cols]])
            rows.append(["wall ms per move (incl. waits)", *[_f(table[c][v]["wall_ms_per_move"], 0) for c in cols]])
            rows.append(["moves (misses)", *[f"{table[c][v]['n']} ({table[c][v]['misses']})" for c in cols]])
            title = (f"Hops of one update, median ms; device pixel ratio {dpr:g}; variant '{v}'"
                     + (f" ({VARIANT_HELP[v]})" if v in VARIANT_HELP else "") + f"; {load_average()}")
            print_table(title, ["hop", *short], rows)
        print(f"\n  messages the page receives before the frame, per widget (dpr {dpr:g}, base):")
        for label in labels:
            r = table[label].get("base", {})
            if "before_frame" in r:
                print(f"    {label:<26} {', '.join(r['before_frame']) or '(none)'}")
        print(f"\n  every message the page receives per move, in order (dpr {dpr:g}, base; * = not a reply to "
              "the move's message; share of moves with this sequence):")
        for label in labels:
            r = table[label].get("base", {})
            if "sequence" in r:
                print(f"    {label:<26} {' > '.join(r['sequence'])} ({100 * r['sequence_share']:.0f}%)")
        print(f"\n  canvas at dpr {dpr:g}: backing px vs CSS px, and the source drawn into it:")
        for label in labels:
            c = table[label].get("base", {}).get("canvas")
            if c:
                ratio = c["backing"][0] / c["css_w"] if c["css_w"] else math.nan
                print(f"    {label:<26} backing {c['backing'][0]}x{c['backing'][1]}, CSS width {c['css_w']:.0f} "
                      f"(ratio {ratio:.2f}), source width {c['source_w']}"
                      + (", SCALED" if c["scaled"] else ", drawn 1:1"))
        rows = []
        for label in labels:
            for v in variants:
                st = table[label].get(v, {}).get("stream") or {}
                if "moves" in st:
                    rows.append([label, v, f"{st['moves']} / {st['sends']} / {st['frames']}",
                                 f"{_f(st['send_wait_median'])} / {_f(st['send_wait_p95'])}",
                                 _f(st["frames_per_s"]), _f(st["lag_at_stop"])])
        if rows:
            print_table(f"Continuous drag, one move per 16 ms (dpr {dpr:g}): moves that became messages and frames",
                        ["widget", "variant", "moves / sent / frames", "move waits to be sent ms (median / p95)",
                         "frames/s", "lag when the hand stops ms"], rows)
        if len(variants) > 1:
            rows = []
            for label in labels:
                r = table[label]
                base = r["base"].get("total", {})
                row = [label, f"{_f(base.get('median'))} / {_f(base.get('p95'))}"]
                for v in variants[1:]:
                    t = r.get(v, {}).get("total", {})
                    delta = t.get("median", math.nan) - base.get("median", math.nan)
                    row.append(f"{_f(t.get('median'))} / {_f(t.get('p95'))} ({delta:+.1f})")
                rows.append(row)
            print_table(f"A/B within one session, dpr {dpr:g}: total median / p95 ms (change of median)",
                        ["widget", "base", *variants[1:]], rows)
    rt = result.get("round_trip_ms") or {}
    if rt:
        print("   bare kernel round trip (execute 'pass'), median ms: "
              + ", ".join(f"{k.split('/')[-1][:2]}@{k.split()[0]} {v:.0f}" for k, v in rt.items()))
