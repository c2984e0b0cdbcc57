"""Shared pieces of the benchmark (see benchmarks/README.md): statistics, machine facts, the table."""

from __future__ import annotations

import datetime
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def summary(ms) -> dict:
    """Median, 95th percentile, min, max and count of a list of milliseconds."""
    a = np.asarray([v for v in ms if v is not None], dtype=float)
    if a.size == 0:
        return {"n": 0, "median": float("nan"), "p95": float("nan"), "min": float("nan"), "max": float("nan")}
    return {"n": int(a.size), "median": float(np.median(a)), "p95": float(np.percentile(a, 95)),
            "min": float(a.min()), "max": float(a.max())}


def load_average() -> str:
    """The 1-minute load average and the core count, e.g. 'load 3.1 on 2 cores'."""
    try:
        one, _, _ = os.getloadavg()
    except OSError:
        return "load ?"
    return f"load {one:.1f} on {os.cpu_count()} cores"


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def chromium_version() -> str:
    try:
        out = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or out.stderr.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "absent"


def machine() -> dict:
    """What the figures depend on: cores, CPU, Python and the versions of the stack."""
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor() or "?"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": usable,
        "cpu": model,
        "python": sys.version.split()[0],
        "jupyterlab": _version("jupyterlab"),
        "ipympl": _version("ipympl"),
        "matplotlib": _version("matplotlib"),
        "ipywidgets": _version("ipywidgets"),
        "chromium": chromium_version(),
        "load_at_start": load_average(),
    }


def print_machine(info: dict) -> None:
    print(f"date {info['date']}; {info['nproc']} cores, {info['cpu']}; {info['load_at_start']}")
    print(f"python {info['python']}, jupyterlab {info['jupyterlab']}, ipympl {info['ipympl']}, "
          f"matplotlib {info['matplotlib']}, ipywidgets {info['ipywidgets']}, {info['chromium']}")


def fmt_ms(value: float) -> str:
    return "   -  " if value != value else f"{value:6.1f}"  # NaN -> dash


def print_table(title: str, header: list[str], rows: list[list[str]]) -> None:
    """A plain fixed-width table (copied as is into the README)."""
    widths = [max(len(str(h)), *(len(str(r[i])) for r in rows)) if rows else len(h)
              for i, h in enumerate(header)]
    print(f"\n{title}")
    line = "  ".join(str(h).ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
