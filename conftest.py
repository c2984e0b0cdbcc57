"""Run-wide pytest set-up for every test path (tests/, notebooks/ under nbval, tests/browser/)."""

import os
import shutil
from pathlib import Path

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    # pytest empties --basetemp when it starts: two runs at once (a learner's and an editor's, or
    # parallel sessions) would delete each other's JupyterLab folders. Each run gets its own.
    base = config.option.basetemp
    if base and Path(base).name == ".pytest-tmp":
        root = Path(base)
        root.mkdir(parents=True, exist_ok=True)  # pytest makes only the last folder of --basetemp
        for old in root.glob("run-*"):
            if not _alive(old.name.removeprefix("run-")):
                shutil.rmtree(old, ignore_errors=True)
        config.option.basetemp = str(root / f"run-{os.getpid()}")


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
