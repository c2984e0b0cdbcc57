"""The course's Jupyter server extension sets TCP_NODELAY on the kernel websocket.

Servers are started the way a learner, a JupyterHub or Binder starts them: no
``--config`` file and nothing that names the extension. Three ways in: a kernel
started as JupyterLab starts it, a Voilà page served by a Jupyter server
(``/voila/render/...``), and the standalone ``voila`` command. Installing the course's
package (``pip install -e .``, as the requirements do) is what enables it. The
socket option is read on the server's side of the connection: the test copies the
server's socket descriptor with ``pidfd_getfd`` (Linux 5.6+, allowed for a parent on
its child) and asks it for TCP_NODELAY, so the server exposes nothing new.
Each case has a control with the speed-up switched off, which must read 0: the
check can fail.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest
import tornado.websocket

from helpers import server_extension

STOCK_CONNECTION = "jupyter_server.services.kernels.connection.channels.ZMQChannelsWebsocketConnection"
START_TIMEOUT = 120.0


# --- the wrapping, without a server ------------------------------------------------------


class _Handler:
    def __init__(self, fail=False):
        self.calls, self.fail = [], fail

    def set_nodelay(self, value):
        if self.fail:
            raise OSError("socket closed")
        self.calls.append(value)


class _Connection:
    def __init__(self, handler):
        self.websocket_handler, self.order = handler, []

    def connect(self):
        self.order.append(("connect", list(self.websocket_handler.calls)))
        return "result of connect"


def test_wrapped_connection_sets_nodelay_before_connecting_and_returns_the_same():
    wrapped = server_extension.with_nodelay(_Connection)
    assert issubclass(wrapped, _Connection)
    connection = wrapped(_Handler())
    assert connection.connect() == "result of connect"
    assert connection.order == [("connect", [True])]  # set_nodelay(True) ran first


def test_wrapping_twice_wraps_once():
    wrapped = server_extension.with_nodelay(_Connection)
    assert server_extension.with_nodelay(wrapped) is wrapped
    assert server_extension.with_nodelay(server_extension.NoDelayKernelWebsocketConnection) \
        is server_extension.NoDelayKernelWebsocketConnection


def test_a_closed_socket_only_warns(caplog):
    connection = server_extension.with_nodelay(_Connection)(_Handler(fail=True))
    with caplog.at_level(logging.WARNING):
        assert connection.connect() == "result of connect"
    assert "TCP_NODELAY" in caplog.text


def test_the_extension_changes_only_the_connection_class():
    class App:
        log = logging.getLogger("test")
        allow_root = False

        class web_app:  # noqa: N801 (stands in for the tornado application)
            settings = {"kernel_websocket_connection_class": _Connection, "allow_root": False, "other": 1}

    before = dict(App.web_app.settings)
    server_extension._load_jupyter_server_extension(App)
    after = App.web_app.settings
    assert after.pop("kernel_websocket_connection_class") is not _Connection
    before.pop("kernel_websocket_connection_class")
    assert after == before and App.allow_root is False


def test_the_extension_is_declared_and_its_config_file_enables_it():
    assert server_extension._jupyter_server_extension_points() == [{"module": "helpers.server_extension"}]
    root = Path(__file__).resolve().parent.parent
    enabled = json.loads((root / "jupyter-config/jupyter_server_config.d/l1_l2_course_helpers.json").read_text())
    assert enabled == {"ServerApp": {"jpserver_extensions": {"helpers.server_extension": True}}}
    voila = json.loads((root / "jupyter-config/voila.json").read_text())
    assert voila["Voila"]["kernel_websocket_connection_class"] == \
        "helpers.server_extension.NoDelayKernelWebsocketConnection"


# --- real servers ---------------------------------------------------------------------------

_PIDFD_GETFD = 438  # the same syscall number on every Linux architecture


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"cannot read the server's socket option here: {reason}")
    pytest.skip(f"cannot read the server's socket option here: {reason}")


def server_socket_nodelay(pid: int, peer: tuple[str, int]) -> int:
    """TCP_NODELAY of the socket in process ``pid`` whose peer address is ``peer``."""
    if not hasattr(os, "pidfd_open"):
        _unavailable("no os.pidfd_open (Linux only)")
    libc = ctypes.CDLL(None, use_errno=True)
    pidfd = os.pidfd_open(pid)
    try:
        for name in os.listdir(f"/proc/{pid}/fd"):
            try:
                if not os.readlink(f"/proc/{pid}/fd/{name}").startswith("socket:"):
                    continue
            except OSError:
                continue
            copy = libc.syscall(_PIDFD_GETFD, pidfd, int(name), 0)
            if copy < 0:
                _unavailable(f"pidfd_getfd: {os.strerror(ctypes.get_errno())}")
            with socket.socket(fileno=copy) as sock:  # closing our copy leaves the server's socket open
                try:
                    if sock.family != socket.AF_INET or sock.getpeername() != peer:
                        continue
                except OSError:
                    continue
                return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        os.close(pidfd)
    raise AssertionError(f"no socket of process {pid} is connected to {peer}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _request(url: str, method: str = "GET", body: dict | None = None, token: str = "") -> bytes:
    data = None if body is None else json.dumps(body).encode()
    headers = {"Authorization": f"token {token}"} if token else {}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def _start(args: list[str], cwd: Path, log: Path, ready_url: str, token: str = "") -> subprocess.Popen:
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(cwd / "config"), JUPYTER_RUNTIME_DIR=str(cwd / "runtime"),
               IPYTHONDIR=str(cwd / "ipython"))
    env.pop("JUPYTER_TOKEN", None)
    with open(log, "wb") as out:
        process = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            _request(ready_url, token=token)
            return process
        except OSError:
            time.sleep(0.3)
    _stop(process)
    raise AssertionError(f"server not ready after {START_TIMEOUT} s:\n{log.read_text()[-3000:]}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


async def _nodelay_of_kernel_websocket(ws_url: str, server_pid: int) -> int:
    """Open the kernel websocket, wait for a kernel_info reply through it, read TCP_NODELAY server-side."""
    websocket = await asyncio.wait_for(tornado.websocket.websocket_connect(ws_url), START_TIMEOUT)
    try:
        msg_id = uuid.uuid4().hex
        await websocket.write_message(json.dumps({
            "header": {"msg_id": msg_id, "msg_type": "kernel_info_request", "username": "test",
                       "session": uuid.uuid4().hex, "date": "", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": {}, "channel": "shell", "buffers": []}))
        while True:  # the reply proves the connection is fully set up (open() has run)
            message = await asyncio.wait_for(websocket.read_message(), START_TIMEOUT)
            assert message is not None, "the server closed the kernel websocket"
            reply = json.loads(message)
            if reply.get("parent_header", {}).get("msg_id") == msg_id and reply["channel"] == "shell":
                break
        local = websocket.stream.socket.getsockname()[:2]
        return server_socket_nodelay(server_pid, local)
    finally:
        websocket.close()


def _nodelay_via_websocket(ws_url: str, server_pid: int) -> int:
    """Run :func:`_nodelay_of_kernel_websocket` on a fresh event loop in its own thread.

    Playwright's sync API (the browser tests, same pytest process) leaves an event loop
    running in the main thread, and ``asyncio.run`` refuses to start inside one.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _nodelay_of_kernel_websocket(ws_url, server_pid)).result()


def _root_flag() -> list[str]:
    return ["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def _write_page(folder: Path) -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("x = 1")]
    nbformat.write(notebook, folder / "page.ipynb")


def _kernel_id_of_voila_page(html: str) -> str:
    return re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', html).group(1)


@pytest.mark.parametrize("extension_on", [True, False], ids=["installed", "control-switched-off"])
def test_jupyter_server_without_config_flag_sets_nodelay_on_kernel_websocket(tmp_path, extension_on):
    """A kernel started as JupyterLab starts it, and a Voilà page served by the same server (JupyterHub, Binder)."""
    _write_page(tmp_path)
    port, token = _free_port(), uuid.uuid4().hex
    base = f"http://127.0.0.1:{port}/"
    args = [sys.executable, "-m", "jupyter_server", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", "--no-browser", f"--IdentityProvider.token={token}", *_root_flag()]
    if not extension_on:
        args.append("--ServerApp.jpserver_extensions=helpers.server_extension=False")
    server = _start(args, tmp_path, tmp_path / "server.log", f"{base}api/status", token)
    nodelay = {}
    try:
        kernel = json.loads(_request(f"{base}api/kernels", "POST", {"name": "python3"}, token))
        voila_kernel = _kernel_id_of_voila_page(_request(f"{base}voila/render/page.ipynb", token=token).decode())
        for name, kernel_id in (("kernel started by JupyterLab", kernel["id"]), ("Voilà page", voila_kernel)):
            ws_url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels?token={token}"
            nodelay[name] = _nodelay_via_websocket(ws_url, server.pid)
    finally:
        _stop(server)
    log = (tmp_path / "server.log").read_text()
    if extension_on:
        assert "helpers.server_extension" in log and "TCP_NODELAY on the kernel websocket" in log, log[-3000:]
        assert all(nodelay.values()), f"TCP_NODELAY off on a server started without flags: {nodelay}"
    else:
        assert not any(nodelay.values()), f"TCP_NODELAY on without the extension, the check proves nothing: {nodelay}"


KERNELS_SETTINGS = "@jupyterlab/apputils-extension:kernels-settings"


LABCONFIG = "etc/jupyter/labconfig/default_setting_overrides.json"


def test_the_override_file_its_pyproject_mapping_and_its_installed_copy():
    """The file sets commsOverSubshells to "disabled", pyproject installs it, and the environment running
    the tests has it where JupyterLab looks (sys.prefix/etc/jupyter/labconfig), with the same content."""
    root = Path(__file__).resolve().parent.parent
    source = "jupyter-config/labconfig/default_setting_overrides.json"
    content = json.loads((root / source).read_text())
    assert content == {KERNELS_SETTINGS: {"commsOverSubshells": "disabled"}}
    assert f'"{source}" = "{LABCONFIG}"' in (root / "pyproject.toml").read_text()
    installed = Path(sys.prefix, LABCONFIG)
    assert installed.is_file(), f"{installed} is missing: reinstall the package (pip install -e .)"
    assert json.loads(installed.read_text()) == content


def test_a_server_started_without_flags_serves_jupyterlab_that_setting(tmp_path):
    """JupyterLab's settings API, as the page reads it: JupyterLab ships the default "perCommTarget"
    (so the check can fail), the page gets "disabled" (helpers/kernel_threads.py)."""
    port, token = _free_port(), uuid.uuid4().hex
    base = f"http://127.0.0.1:{port}/"
    args = [sys.executable, "-m", "jupyter_server", "--ip=127.0.0.1", f"--port={port}",
            "--ServerApp.port_retries=0", "--no-browser", f"--IdentityProvider.token={token}", *_root_flag()]
    server = _start(args, tmp_path, tmp_path / "server.log", f"{base}api/status", token)
    try:
        settings = json.loads(_request(f"{base}lab/api/settings/{KERNELS_SETTINGS}", token=token))
    finally:
        _stop(server)
    assert Path(sys.prefix, LABCONFIG).is_file()  # the setting below comes from the package's file
    shipped = Path(sys.prefix, "share/jupyter/lab/schemas", KERNELS_SETTINGS.replace(":", "/") + ".json")
    assert json.loads(shipped.read_text())["properties"]["commsOverSubshells"]["default"] == "perCommTarget"
    served_default = settings["schema"]["properties"]["commsOverSubshells"]["default"]
    assert served_default == "disabled"  # the page's value, unless a user setting overrides it:
    assert settings["settings"].get("commsOverSubshells", served_default) == "disabled", settings["settings"]


@pytest.mark.parametrize("extension_on", [True, False], ids=["installed", "control-switched-off"])
def test_standalone_voila_sets_nodelay_on_kernel_websocket(tmp_path, extension_on):
    _write_page(tmp_path)
    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    args = [sys.executable, "-m", "voila", "page.ipynb", "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1"]
    if not extension_on:
        args.append(f"--Voila.kernel_websocket_connection_class={STOCK_CONNECTION}")
    server = _start(args, tmp_path, tmp_path / "voila.log", f"{base}voila/static/voila.js")
    try:
        kernel_id = _kernel_id_of_voila_page(_request(base).decode())  # renders the page, starts its kernel
        ws_url = f"ws://127.0.0.1:{port}/api/kernels/{kernel_id}/channels"
        nodelay = _nodelay_via_websocket(ws_url, server.pid)
    finally:
        _stop(server)
    if extension_on:
        assert nodelay, "TCP_NODELAY is off on the kernel websocket of `voila notebook.ipynb`"
    else:
        assert not nodelay, "TCP_NODELAY is on without the course's connection class: the check proves nothing"
