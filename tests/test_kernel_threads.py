"""helpers.kernel_threads: widget messages arriving on two kernel threads are handled one at a time.

ipykernel 7 handles comm messages on a subshell thread and on the main thread at
once (seen in 05's geometry explorer in JupyterLab: a readout left one budget
behind its slider). A fake kernel with the same ``shell_handlers`` table stands in
for ipykernel here; the browser test of 05 checks the real kernel's table.
"""

import threading
import time

import pytest

from helpers.kernel_threads import COMM_MESSAGES, WIDGET_LOCK, one_message_at_a_time


class FakeKernel:
    """Just what one_message_at_a_time touches: ipykernel's msg_type -> handler table."""

    def __init__(self, handler):
        self.shell_handlers = {name: handler for name in COMM_MESSAGES}
        self.shell_handlers["execute_request"] = handler


def overlapping_calls(handler, recorder, threads: int = 2) -> int:
    """Call handler(stream, ident, msg) from several threads released together; the most calls inside at once."""
    start = threading.Barrier(threads)

    def call():
        start.wait()
        handler(None, [], {"content": {}})

    workers = [threading.Thread(target=call) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    return recorder.max_inside


class Recorder:
    """A handler that stays inside for a while and records how many calls were inside at once."""

    def __init__(self):
        self.inside = 0
        self.max_inside = 0
        self._count = threading.Lock()

    def __call__(self, stream, ident, msg):
        with self._count:
            self.inside += 1
            self.max_inside = max(self.max_inside, self.inside)
        time.sleep(0.05)
        with self._count:
            self.inside -= 1
        return "handled"


@pytest.fixture
def recorder():
    return Recorder()


def test_without_the_lock_two_threads_are_inside_at_once(recorder):
    """The hazard is real for a plain handler (so the next test can fail)."""
    assert overlapping_calls(recorder, recorder) == 2


def test_comm_handlers_run_one_at_a_time_and_return_their_result(recorder):
    kernel = FakeKernel(recorder)
    assert one_message_at_a_time(kernel) is True
    for name in COMM_MESSAGES:
        assert kernel.shell_handlers[name].one_at_a_time
        assert kernel.shell_handlers[name](None, [], {}) == "handled"
    assert overlapping_calls(kernel.shell_handlers["comm_msg"], recorder, threads=3) == 1
    assert kernel.shell_handlers["execute_request"] is recorder  # cells are not touched


def test_idempotent_and_reentrant(recorder):
    kernel = FakeKernel(recorder)
    one_message_at_a_time(kernel)
    wrapped = kernel.shell_handlers["comm_msg"]
    assert one_message_at_a_time(kernel) is True
    assert kernel.shell_handlers["comm_msg"] is wrapped  # not wrapped twice
    with WIDGET_LOCK:  # a callback that sends a message to itself does not deadlock
        assert wrapped(None, [], {}) == "handled"


def test_a_held_lock_makes_a_message_wait(recorder):
    kernel = FakeKernel(recorder)
    one_message_at_a_time(kernel)
    done = threading.Event()
    with WIDGET_LOCK:
        worker = threading.Thread(target=lambda: (kernel.shell_handlers["comm_msg"](None, [], {}), done.set()))
        worker.start()
        assert not done.wait(0.2)  # waits while the course's timer callback (say) holds the lock
    assert done.wait(5)
    worker.join()


def test_outside_a_kernel_nothing_to_do():
    assert one_message_at_a_time(object()) is False
    assert one_message_at_a_time() is False  # pytest runs no ipykernel
