"""Fixtures for the real-browser tests: one JupyterLab and one Chromium per session.

`lab_server` serves a copy of notebooks/, data/ and tests/browser/fixtures/;
`page` gives each test a fresh browser page. Without Chromium or Playwright
the tests skip, except under CI=true, where that is a failure.
"""

import os
from pathlib import Path

import pytest

import lab  # tests/browser/lab.py (pytest puts this folder on sys.path)

ENABLE_HINT = (
    "real-browser tests need Debian's Chromium and Playwright: "
    "`apt-get install chromium` and `pip install -r requirements-dev.txt`"
)
ARTIFACTS = lab.REPO / "artifacts" / "browser"


def _missing(reason: str):
    """Skip for a learner; fail in CI, where the browser must be present."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true, so this is a failure). {ENABLE_HINT}", pytrace=False)
    pytest.skip(f"{reason}; {ENABLE_HINT}")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    """A JupyterLab on 127.0.0.1 with fresh settings, stopped at the end of the session."""
    work = tmp_path_factory.mktemp("lab")
    sources = [p for p in (lab.REPO / "notebooks", lab.REPO / "data") if p.is_dir()]
    server = lab.start_server(work, sources + [Path(__file__).parent / "fixtures"])
    yield server
    server.stop()
    if server.process.returncode not in (0, -15, None):
        print(f"JupyterLab exited with {server.process.returncode}; log in {server.log_path}")


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from /usr/bin/chromium, shared by the session."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright for Python is not installed")
    if not (os.path.isfile(lab.CHROMIUM) and os.access(lab.CHROMIUM, os.X_OK)):
        _missing(f"Chromium not found at {lab.CHROMIUM}")
    with sync_playwright() as p:
        browser = lab.launch_browser(p)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, lab_server):
    """A fresh page (own browser context) for one test."""
    page = lab.new_page(browser)
    yield page
    page.context.close()


def open_and_run(page, server, path: str, timeout: float = 180.0) -> None:
    """Open `path` (e.g. 'notebooks/01_norm.ipynb'), wait for the kernel, run all cells."""
    try:
        lab.open_notebook(page, server.base_url, server.token, path)
        lab.wait_kernel_ready(page)
        lab.run_all_cells(page, timeout)
    except Exception as error:
        log = server.log_text()[-3000:]
        raise AssertionError(f"{error}\n--- JupyterLab log (end) ---\n{log}") from error


@pytest.fixture
def notebook(page, lab_server, request):
    """Call notebook('notebooks/01_norm.ipynb') to open and run it; returns the page.

    Screenshots go to artifacts/browser/<test>-start.png (after Run All) and
    <test>-end.png (after the test's interactions). At the end, any error shown in
    the notebook (an error output, a traceback, a widget that failed to render, the
    course's red error line under a widget) fails the test, unless it is marked
    ``@pytest.mark.widget_error_expected``.
    """
    opened = []

    def _open(path: str, timeout: float = 180.0):
        open_and_run(page, lab_server, path, timeout)
        opened.append(path)
        lab.wait_figures_painted(page)  # every figure drawn: a blank one fails here
        lab.screenshot(page, ARTIFACTS / f"{request.node.name}-start.png")
        return page

    yield _open
    errors = []
    if opened and not request.node.get_closest_marker("widget_error_expected"):
        try:
            errors = lab.cell_errors(page)
        except Exception as error:  # the page is gone: say so rather than pass silently
            errors = [f"could not read the notebook's errors: {error}"]
    try:
        lab.screenshot(page, ARTIFACTS / f"{request.node.name}-end.png")
    except Exception:
        pass
    # A fresh kernel for the next test, even when it opens the same notebook.
    page.context.close()
    lab_server.shutdown_sessions()
    assert not errors, f"errors shown in {opened}: {errors}"
