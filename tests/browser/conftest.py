"""Fixtures for the real-browser tests: one JupyterLab and one Chromium per session.

`lab_server` serves a copy of notebooks/, data/ and tests/browser/fixtures/.
`notebook` opens a notebook in a page where JupyterLab stays loaded for the
tests of a module (`loaded_lab`): loading the app is the costly part, so each
test instead closes the previous test's documents, shuts down every kernel and
opens its notebook with a fresh kernel and a fresh Run All. `page` gives a test
a fresh browser page of its own. Without Chromium or Playwright the tests skip,
except under CI=true, where that is a failure. Under pytest-xdist every worker
has its own JupyterLab and Chromium (session fixtures are per worker).
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


@pytest.fixture
def hidpi_page(browser, lab_server):
    """A page of its own at device scale factor 2 (JupyterLab loaded anew in it, not the shared one)."""
    lab_server.shutdown_sessions()  # no kernel of an earlier test to attach to
    context = browser.new_context(viewport=lab.VIEWPORT, device_scale_factor=2)
    page = context.new_page()
    yield page
    context.close()
    lab_server.shutdown_sessions()


def open_and_run(page, server, path: str, timeout: float = 180.0) -> None:
    """Open `path` (e.g. 'notebooks/01_norm.ipynb'), wait for the kernel, run all cells."""
    try:
        lab.open_notebook(page, server.base_url, server.token, path)
        lab.wait_kernel_ready(page)
        lab.run_all_cells(page, timeout)
    except Exception as error:
        log = server.log_text()[-3000:]
        raise AssertionError(f"{error}\n--- JupyterLab log (end) ---\n{log}") from error


class LoadedLab:
    """A page (own browser context, 1280x900) in which JupyterLab stays loaded between tests.

    ready() gives the page clean: no document open, no kernel on the server, the
    default viewport, the mouse at the top-left corner. clean() closes what a test
    opened and shuts down the kernels; a page that cannot be cleaned, or whose test
    failed (a button may still be held, a dialog open), is discarded and the next
    test loads JupyterLab anew.
    """

    def __init__(self, browser, server):
        self.browser, self.server, self.page = browser, server, None

    def ready(self):
        if self.page is not None:
            try:
                lab.close_documents(self.page, timeout=30)  # normally nothing: clean() closed them
            except Exception:
                self.discard()
        self.server.shutdown_sessions()
        if self.page is None:
            self.page = lab.new_page(self.browser)
            lab.boot_lab(self.page, self.server.base_url, self.server.token)
        lab.reset_page(self.page)
        return self.page

    def open_and_run(self, path: str, timeout: float = 180.0):
        """Open `path` in the loaded JupyterLab, wait for its fresh kernel, run all cells."""
        try:
            page = self.ready()
            lab.open_in_lab(page, path)
            lab.wait_kernel_ready(page)
            lab.run_all_cells(page, timeout)
        except Exception as error:
            log = self.server.log_text()[-3000:]
            raise AssertionError(f"{error}\n--- JupyterLab log (end) ---\n{log}") from error
        return page

    def clean(self, discard: bool = False) -> None:
        """Close every document, shut down every kernel (the next test starts its own)."""
        try:
            if discard:
                self.discard()
            elif self.page is not None:
                lab.close_documents(self.page, timeout=30)
                lab.shutdown_kernels(self.page)
        except Exception:
            self.discard()
        finally:
            self.server.shutdown_sessions()

    def discard(self) -> None:
        if self.page is not None:
            page, self.page = self.page, None
            try:
                page.context.close()
            except Exception:
                pass


@pytest.fixture(scope="module")
def loaded_lab(browser, lab_server):
    """JupyterLab loaded once for the tests of a module (see LoadedLab)."""
    loaded = LoadedLab(browser, lab_server)
    yield loaded
    loaded.discard()
    lab_server.shutdown_sessions()


_REPORTS = pytest.StashKey[dict]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item: the notebook fixture's teardown asks whether the test failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture
def notebook(loaded_lab, request):
    """Call notebook('notebooks/01_norm.ipynb') to open and run it; returns the page.

    Every call starts from a freshly started kernel and a fresh Run All, in a page
    holding no trace of an earlier notebook (JupyterLab itself stays loaded for the
    module, see LoadedLab). Screenshots go to artifacts/browser/<test>-start.png
    (after Run All) and <test>-end.png (after the test's interactions). At the end,
    any error shown in the notebook (an error output, a traceback, a widget that
    failed to render, the course's red error line under a widget) fails the test,
    unless it is marked ``@pytest.mark.widget_error_expected``.
    """
    opened = []

    def _open(path: str, timeout: float = 180.0):
        page = loaded_lab.open_and_run(path, timeout)
        opened.append(path)
        try:
            lab.wait_figures_painted(page)  # every figure drawn: a blank one fails here
        except TimeoutError as error:
            raise TimeoutError(f"{error}\n--- the kernel's canvases ---\n"
                               f"{lab.kernel_eval(page, lab.CANVAS_STATE_CODE)}") from None
        lab.screenshot(page, ARTIFACTS / f"{request.node.name}-start.png")
        return page

    yield _open
    page = loaded_lab.page
    errors = []
    if opened and page is not None and not request.node.get_closest_marker("widget_error_expected"):
        try:
            errors = lab.cell_errors(page)
        except Exception as error:  # the page is gone: say so rather than pass silently
            errors = [f"could not read the notebook's errors: {error}"]
    if page is not None:
        try:
            lab.screenshot(page, ARTIFACTS / f"{request.node.name}-end.png")
        except Exception:
            pass
    # A fresh kernel for the next test, even when it opens the same notebook; after a
    # failure a fresh page too (a drag may have stopped with the button held).
    failed = any(report.failed for report in request.node.stash.get(_REPORTS, {}).values())
    loaded_lab.clean(discard=failed or bool(errors))
    assert not errors, f"errors shown in {opened}: {errors}"
