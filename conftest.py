"""Run-wide pytest set-up for every test path (tests/, notebooks/ under nbval, tests/browser/)."""

import os
import shutil
from pathlib import Path

import pytest


def pytest_addoption(parser, pluginmanager):
    # pyproject.toml's addopts ask pytest-xdist for workers (--numprocesses, --dist,
    # --no-loadscope-reorder). Where xdist is not active (-p no:xdist, or not installed) those
    # options would be unknown and pytest would refuse to start: accept them here and ignore
    # them, so the run is serial.
    if not pluginmanager.hasplugin("xdist"):
        group = parser.getgroup("xdist (not active)")
        group.addoption("--numprocesses", dest="numprocesses", default=None, metavar="N",
                        help="ignored: pytest-xdist is not active, so the tests run in this process")
        group.addoption("--dist", dest="dist", default="no", metavar="MODE",
                        help="ignored: pytest-xdist is not active")
        group.addoption("--no-loadscope-reorder", dest="loadscopereorder", action="store_false",
                        help="ignored: pytest-xdist is not active")


def pytest_collection_modifyitems(config, items):
    # Under pytest-xdist (--dist=loadfile, --no-loadscope-reorder) whole files go to the workers
    # in collection order, each worker taking the next file when it is nearly done. The files
    # with real-browser tests take minutes each (Voila's, with the most tests, the longest), the
    # others seconds: start the long ones first and let the short ones fill in at the end, so
    # no worker is left with a long file while the other has finished. A serial run keeps
    # pytest's own order. (Every worker sorts its own collection the same way.)
    if not hasattr(config, "workerinput"):
        return
    files: dict[str, list] = {}
    for item in items:
        files.setdefault(item.nodeid.split("::", 1)[0], []).append(item)

    def long_first(path):
        browser = path.startswith("tests/browser/")
        return (0, -len(files[path])) if browser else (1, 0)

    items[:] = [item for path in sorted(files, key=long_first) for item in files[path]]


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    # pytest empties --basetemp when it starts: two runs at once (a learner's and an editor's, or
    # parallel sessions) would delete each other's JupyterLab folders. Each run gets its own.
    # Under pytest-xdist this runs in the controller; each worker is then given
    # <run folder>/popen-gwN as its --basetemp, which this leaves alone (not named .pytest-tmp).
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
