"""Interaction-speed benchmark of the course (issue 6). Prints figures; asserts nothing.

    .venv/bin/python -m benchmarks                  # everything (about 6 minutes)
    .venv/bin/python -m benchmarks --only browser   # or kernel, course, solvers (repeatable)
    .venv/bin/python -m benchmarks --moves 40 --json artifacts/benchmark.json

See benchmarks/README.md for what each figure means and how it is measured.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

from benchmarks.common import fmt_ms, load_average, machine, print_machine, print_table

PARTS = ("browser", "kernel", "course", "solvers")

# Targets of issue 6 (printed next to the figures; never asserted).
TARGET_DRAG = "median < 50, p95 < 100 ms"
TARGET_KERNEL = "< 10 ms and >= 5x naive"
TARGET_COURSE = "< 30 s"
TARGET_LASSO = "<= 2x sklearn"


def _yes(ok: bool) -> str:
    return "yes" if ok else "NO"


def browser_section(moves: int, log) -> tuple[list, dict]:
    from benchmarks import browser_latency
    from benchmarks.kernel_update import SCENARIOS

    log(f"browser: JupyterLab + headless Chromium, {moves} moves per widget ({load_average()})")
    results = browser_latency.run(SCENARIOS, moves=moves, log=log)
    base = results["baseline"] or {}
    rows = []
    for r in ([base] if base else []) + results["scenarios"]:
        if "median" not in r:
            rows.append([r.get("label", "?"), "error", "", "", "", "", "", r.get("error", "")[:70]])
            continue
        is_base = r is base
        ratio = base.get("median", math.nan) / r["median"] if not is_base else math.nan
        parts = r.get("parts_ms") or [math.nan] * 3
        met = "" if is_base else _yes(r["median"] < 50 and r["p95"] < 100 and not r["misses"])
        rows.append([r["label"], f"{r['n']}", fmt_ms(r["median"]), fmt_ms(r["p95"]),
                     "" if is_base else f"{ratio:5.1f}x",
                     f"{parts[0]:.0f} / {parts[1]:.0f} / {parts[2]:.0f}", f"{r['misses']}",
                     "(baseline)" if is_base else met])
    print_table(f"1. Browser: mouse move -> changed canvas pixels, ms (target {TARGET_DRAG}); "
                f"{load_average()} at the end",
                ["widget", "n", "median", "p95", "vs base", "front/kernel+net/paint", "miss", "met"], rows)
    rt = results["round_trip_ms"]
    if rt:
        print("   bare kernel round trip (execute 'pass'), median ms: "
              + ", ".join(f"{Path(k).stem[:2]} {v:.0f}" for k, v in rt.items()))
    return rows, results


def kernel_section(n: int, log, device_pixel_ratio: float = 1.0) -> tuple[list, list]:
    from benchmarks import kernel_update

    log(f"kernel: each notebook's cells in-process, ipympl canvas, {n} updates per widget, "
        f"device pixel ratio {device_pixel_ratio:g} ({load_average()})")
    results = kernel_update.run(n=n, log=log, device_pixel_ratio=device_pixel_ratio)
    rows = []
    for r in results:
        if "median" not in r:
            rows.append([r["label"], "error", "", "", "", "", "", "", "", r.get("error", "")[:60]])
            continue
        naive = r.get("naive", {})
        ratio = r.get("ratio", math.nan)
        cpu_ratio = r.get("cpu_ratio", math.nan)
        met = _yes(r["cpu_median"] < 10 and cpu_ratio >= 5)
        other = r["cpu_mean"] - r["artist_cpu_ms"] - r["png_cpu_ms"]  # means: they add up
        rows.append([r["label"], f"{r['size_px'][0]}x{r['size_px'][1]}", fmt_ms(r["median"]),
                     fmt_ms(r["cpu_median"]),
                     f"{r['artist_cpu_ms']:.1f} / {r['png_cpu_ms']:.1f} / {other:.1f}",
                     fmt_ms(naive.get("median", math.nan)),
                     f"{ratio:5.1f}x / {cpu_ratio:5.1f}x",
                     f"{r['kb_per_update']:.1f}", f"{r['full_draws_per_update']:.2f}", met])
    print_table(f"2. Kernel: one update (math + redraw + PNG), ms (target {TARGET_KERNEL}); {load_average()}",
                ["widget", "figure px", "wall", "cpu", "artists/png/rest", "naive", "speed-up wall / cpu",
                 "kB sent", "full draws", "met"], rows)
    print("   cpu = thread CPU time (the update's cost without the other processes on the machine); "
          "'met' uses it.\n   artists/png/rest = CPU ms drawing the blitted artists / diff + PNG encoding / "
          "everything else (callback math, set_data, readout, comm).")
    return rows, results


def course_section(log) -> dict:
    from benchmarks import course_time

    log(f"course: nbval on all notebooks ({load_average()})")
    r = course_time.run()
    print_table(f"3. Course under nbval (target {TARGET_COURSE}); {load_average()}",
                ["command", "wall s", "result", "met"],
                [[r["command"], f"{r['seconds']:.1f}", r["summary"], _yes(r["seconds"] < 30 and r["returncode"] == 0)]])
    return r


def solvers_section(log) -> dict:
    from benchmarks import solvers

    log(f"solvers ({load_average()})")
    lasso = solvers.bench_lasso_path()
    gd = solvers.bench_gradient_descent()
    print_table(f"4. Solvers, diabetes 442x10 standardized; {load_average()}",
                ["figure", "ours ms", "reference ms", "ratio", "target", "met"],
                [["lasso_path, 100 lambdas vs sklearn lasso_path", f"{lasso['ours'] * 1e3:.2f}",
                  f"{lasso['sklearn'] * 1e3:.2f}", f"{lasso['ratio']:.2f}", TARGET_LASSO, _yes(lasso["ratio"] <= 2)],
                 ["gradient_descent, 50 l1 x 500 steps: vectorized vs loop", f"{gd['vectorized'] * 1e3:.1f}",
                  f"{gd['loop'] * 1e3:.1f}", f"{gd['ratio']:.2f}", "(< 1)", _yes(gd["ratio"] < 1)]])
    return {"lasso_path": lasso, "gradient_descent": gd}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", choices=PARTS,
                        help="run only this part (repeat for several); default: all")
    parser.add_argument("--moves", type=int, default=40, help="mouse moves per widget in the browser (>= 30)")
    parser.add_argument("--updates", type=int, default=40, help="updates per widget in the kernel")
    parser.add_argument("--dpr", type=float, default=1.0,
                        help="kernel part: device pixel ratio the browser reports (2 on most laptops' screens)")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this JSON file")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    args = parser.parse_args(argv)
    parts = args.only or list(PARTS)

    def log(text):
        if not args.quiet:
            print(text, flush=True)

    info = machine()
    print_machine(info)
    print("Figures are medians of repeated measurements on a shared machine; "
          "other processes' load (shown per section) inflates wall-clock times.")
    out = {"machine": info}
    t0 = time.monotonic()
    # The kernel part switches matplotlib backends in this process; the browser part
    # uses its own JupyterLab, so the order does not matter for the figures.
    if "solvers" in parts:
        out["solvers"] = solvers_section(log)
    if "kernel" in parts:
        out["kernel"] = kernel_section(args.updates, log, args.dpr)[1]
    if "browser" in parts:
        out["browser"] = browser_section(args.moves, log)[1]
    if "course" in parts:
        out["course"] = course_section(log)
    print(f"\n(benchmark took {time.monotonic() - t0:.0f} s)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1, default=str))
        print(f"figures written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
