"""Wall time to execute the whole course (all five notebooks) under nbval, as CI runs it."""

from __future__ import annotations

import re
import subprocess
import sys
import time

from benchmarks.common import REPO

COMMAND = [sys.executable, "-m", "pytest", "--nbval-lax", "notebooks", "-p", "no:cacheprovider", "-q"]


def run(timeout: float = 900.0) -> dict:
    """Run nbval on notebooks/ once; wall seconds and pytest's summary line."""
    t0 = time.perf_counter()
    done = subprocess.run(COMMAND, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    seconds = time.perf_counter() - t0
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    summary_line = next((line for line in reversed(lines) if re.search(r"passed|failed|error", line)), "")
    return {"seconds": seconds, "returncode": done.returncode, "summary": summary_line.strip("= "),
            "command": " ".join([".venv/bin/python", *COMMAND[1:]])}
