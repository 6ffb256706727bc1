"""Starting the system as an operator does (`python app.py`): served by waitress, a
quiet log unless IOC_LOG_LEVEL=DEBUG, and a bad setting or an unreachable database
said in one line (exit 2), an unreachable broker in one warning."""

from __future__ import annotations

import http.client
import logging
import os
import sqlite3
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

import config
from processes import Services
from store import runtime
from tests.conftest import free_port
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[3]
NOISE = ("Running job", "executed successfully", "setup plugin", "Serving on")


class AppProcess:
    """`python app.py` in a subprocess with its own ports and store; its output
    (stdout and stderr together) collected line by line as it comes."""

    def __init__(self, tmp_path: Path, **env: str) -> None:
        self.port = free_port()
        self.db = tmp_path / "ioc.db"
        full = {
            **os.environ,
            "IOC_DATABASE_URL": f"sqlite:///{self.db}",
            "IOC_PORT": str(self.port),
            "IOC_MQTT_EMBEDDED_PORT": str(free_port()),
            "IOC_SIM_HTTP_PORT": str(free_port()),
            "IOC_BACKFILL_DAYS": "0",
            "IOC_MQTT_URL": "",
            "IOC_ROLE": "all",
            "IOC_SIMULATE": "1",
            "IOC_LOG_LEVEL": "INFO",
            **env,
        }
        full.pop("IOC_ADMIN_PASSWORD", None)
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=ROOT,
            env=full,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    def output(self) -> str:
        return "".join(self.lines)

    def wait_for_line(self, text: str, timeout: float = 60) -> str:
        def found() -> str | None:
            assert self.proc.poll() is None or any(text in x for x in self.lines), (
                self.output()
            )
            return next((x for x in self.lines if text in x), None)

        return wait_for(found, timeout=timeout, message=repr(text))

    def stop(self) -> str:
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self._reader.join(timeout=10)
        return self.output()

    def health(self) -> list[tuple[str, str]]:
        try:
            with sqlite3.connect(self.db) as conn:
                return conn.execute(
                    "select source, status from source_health"
                ).fetchall()
        except sqlite3.Error:
            return []


def _head(port: int, path: str = "/") -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    resp = conn.getresponse()
    resp.read()
    conn.close()
    return resp


def test_python_app_py_serves_with_waitress_and_a_quiet_log(tmp_path):
    app = AppProcess(tmp_path)
    try:
        running = app.wait_for_line("IOC running at")
        assert f"http://127.0.0.1:{app.port}/" in running
        resp = wait_for(
            lambda: _try(lambda: _head(app.port, "/dang-nhap")),
            timeout=30,
            message="the web app",
        )
        assert resp.getheader("Server") == "waitress"
        assert _head(app.port, "/").getheader("Server") == "waitress"
        # The scheduler has run its jobs (the press poller's health is recorded by
        # one): before this change each run logged two lines.
        wait_for(
            lambda: any(s.startswith("rss:") for s, _ in app.health()),
            timeout=60,
            message="the press poller ran",
        )
    finally:
        out = app.stop()
    assert "First admin created" in out
    assert "development server" not in out
    noisy = [line for line in out.splitlines() if any(n in line for n in NOISE)]
    assert noisy == [], out
    assert "alembic" not in out and "apscheduler" not in out, out


def test_debug_log_level_shows_the_libraries_lines(tmp_path):
    app = AppProcess(tmp_path, IOC_LOG_LEVEL="DEBUG")
    try:
        app.wait_for_line("IOC running at")
        app.wait_for_line("Running job")
        app.wait_for_line("executed successfully")
    finally:
        out = app.stop()
    assert "alembic" in out and "setup plugin" in out


def _try(fn):  # noqa: ANN001, ANN202 - small test helper
    try:
        return fn()
    except OSError:
        return None


BAD_SETTINGS = [
    ({"IOC_PORT": "abc"}, "IOC_PORT", ""),
    ({"IOC_API_KEY": "s3cr3t-k3y"}, "IOC_API_KEY", "s3cr3t-k3y"),
    ({"IOC_DATABASE_URL": "sqlite:////nonexistent-dir/x.db"}, "IOC_DATABASE_URL", ""),
    (
        {"IOC_PRESS_FEEDS": "not a url,ftp://x/y,file:///etc/passwd"},
        "IOC_PRESS_FEEDS",
        "",
    ),
    (
        {"IOC_DATABASE_URL": "postgresql+psycopg://ioc:hunter2@127.0.0.1:{port}/ioc"},
        "IOC_DATABASE_URL",
        "hunter2",
    ),
]


@pytest.mark.parametrize(
    "env, variable, secret",
    BAD_SETTINGS,
    ids=[b[1] + str(i) for i, b in enumerate(BAD_SETTINGS)],
)
def test_a_bad_setting_is_one_line_on_stderr_and_exit_2(
    tmp_path, env, variable, secret
):
    env = {k: v.format(port=free_port()) for k, v in env.items()}
    full = {
        **os.environ,
        "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.db'}",
        "IOC_PORT": str(free_port()),
        "IOC_MQTT_EMBEDDED_PORT": str(free_port()),
        "IOC_SIM_HTTP_PORT": str(free_port()),
        "IOC_BACKFILL_DAYS": "0",
        **env,
    }
    done = subprocess.run(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=full,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert variable in lines[0]
    assert "Traceback" not in done.stdout + done.stderr
    if secret:
        assert secret not in done.stdout + done.stderr
    assert not Path("/nonexistent-dir").exists()


def test_the_store_makes_no_directory_it_was_not_given(tmp_path):
    from store.db import make_engine

    missing = tmp_path / "missing"
    with pytest.raises(FileNotFoundError, match="missing"):
        make_engine(f"sqlite:///{missing / 'x.db'}")
    assert not missing.exists()


@pytest.fixture
def not_a_broker():
    """A port where something answers MQTT's CONNECT with bytes that are not MQTT
    (a web server, a proxy)."""
    import socket

    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                conn.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield srv.getsockname()[1]
    stop.set()
    srv.close()


@pytest.mark.parametrize("there", ["nothing listens", "not a broker answers"])
def test_an_unreachable_broker_is_one_warning_naming_ioc_mqtt_url(
    tmp_path, caplog, request, there
):
    if there == "nothing listens":
        port = free_port()
    else:
        port = request.getfixturevalue("not_a_broker")
    cfg = config.load(
        {
            "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.db'}",
            "IOC_MQTT_URL": f"mqtt://ioc:hunter2@127.0.0.1:{port}",
            "IOC_ROLE": "ingest",
            "IOC_SIMULATE": "0",
            "IOC_MQTT_CLIENT_ID": f"ioc-test-{uuid.uuid4().hex[:8]}",
        }
    )
    caplog.set_level(logging.WARNING)
    services = Services(cfg).start()
    try:
        # The ingest keeps retrying (paho's back-off starts at 1 s)...
        wait_for(
            lambda: services.ingest.stats.connect_failures >= 2,
            timeout=20,
            message="two failed connection attempts",
        )
        said = [
            r.getMessage()
            for r in caplog.records
            if r.levelno >= logging.WARNING and "mqtt" in r.name
        ]
        # ... and says so once, naming the setting and where it tried, without the
        # password.
        assert len(said) == 1, said
        assert "IOC_MQTT_URL" in said[0] and f"127.0.0.1:{port}" in said[0]
        assert "hunter2" not in caplog.text
    finally:
        services.stop()
        runtime.set_engine(None)


pytestmark = pytest.mark.timeout(300)
