"""Shared pytest set-up: a headless matplotlib backend, and no widget error may pass unseen.

After every test, each widget message area created during it must be free of
errors: a callback that raised shows its error under the widget (never in a log),
and a test that did not expect it fails here. A test that provokes a widget error
on purpose says so with ``@pytest.mark.widget_error_expected``.
"""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

# No per-example deadline: on a loaded 2-core machine (CI, or a learner's laptop) one
# example can take longer than hypothesis's default 200 ms; correctness is what is tested.
settings.register_profile("course", deadline=None)
settings.load_profile("course")


def pytest_configure(config):
    config.addinivalue_line("markers", "widget_error_expected: the test makes a widget show an error on purpose")


def shown_widget_errors(areas) -> list[str]:
    """The errors shown by any of ``areas`` (MessageArea objects), as 'Type: message' lines."""
    return [f"{type(area.last_error).__name__}: {area.last_error}" for area in areas
            if area.last_error is not None]


@pytest.fixture(autouse=True)
def no_widget_error_left_shown(request):
    try:
        from helpers.widgets import MessageArea
    except ImportError:  # the widget layer is not importable: its own tests say why
        yield
        return
    before = set(map(id, MessageArea.live))
    yield
    if request.node.get_closest_marker("widget_error_expected"):
        return
    created = [area for area in list(MessageArea.live) if id(area) not in before]
    errors = shown_widget_errors(created)
    assert not errors, (
        f"a widget showed an error during this test: {errors}. If the test provokes it on purpose, "
        "mark it @pytest.mark.widget_error_expected (tests/conftest.py)")
