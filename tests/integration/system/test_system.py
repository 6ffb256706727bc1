"""The whole system as a user starts it: `python app.py`, and a reading published with
mosquitto_pub showing up through the REST API."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

import config
from processes import Services
from store import runtime
from tests.conftest import free_port
from tests.helpers import wait_for

ROOT = Path(__file__).resolve().parents[3]
API_KEY = "test-automation-key-0123456789abcdef"


def _get_json(url: str):
    req = urllib.request.Request(url, headers={"X-API-Key": API_KEY})
    with urllib.request.urlopen(req, timeout=5) as resp:
        return json.loads(resp.read())


def test_python_app_py_starts_everything_and_data_moves(tmp_path):
    """The README's start command: web app, embedded broker, ingest, pollers,
    simulators."""
    port = free_port()
    env = {
        **os.environ,
        "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.db'}",
        "IOC_PORT": str(port),
        "IOC_MQTT_EMBEDDED_PORT": str(free_port()),
        "IOC_SIM_HTTP_PORT": str(free_port()),
        "IOC_BACKFILL_DAYS": "1",
        "IOC_SIM_RATE": "5",
        "IOC_MQTT_URL": "",
        "IOC_ROLE": "all",
        "IOC_SIMULATE": "1",
        "IOC_API_KEY": API_KEY,
    }
    env.pop("IOC_ADMIN_PASSWORD", None)
    proc = subprocess.Popen(
        [sys.executable, "app.py"],
        cwd=ROOT,
        env=env,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        first = wait_for(
            lambda: proc.stdout.readline(), timeout=60, message="first line"
        )
        lines = [first]
        while "IOC running at" not in lines[-1]:
            assert proc.poll() is None, "".join(lines)
            lines.append(proc.stdout.readline())
        assert f"http://127.0.0.1:{port}/" in lines[-1]
        # No built-in password: the first admin's random one is printed once.
        printed = [x for x in lines if "First admin created" in x]
        assert len(printed) == 1 and "'admin'" in printed[0], "".join(lines)
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _status(base + "/") == 200, timeout=30, message="the web app")
        # Simulated sensors publish over the embedded broker; the ingest stores them.
        reporting = wait_for(
            lambda: [
                s
                for s in _get_json(base + "/api/v1/sensors")["sensors"]
                if s["state"] == "ok"
            ],
            timeout=60,
            message="sensors reporting",
        )
        assert len(reporting) >= 5
        sid = reporting[0]["id"]
        t1 = _get_json(f"{base}/api/v1/sensors/{sid}/latest")["last_seen"]
        wait_for(
            lambda: _get_json(f"{base}/api/v1/sensors/{sid}/latest")["last_seen"] != t1,
            timeout=60,
            message="a newer reading",
        )
        # The RSS poller read the simulated press feed.
        health = wait_for(
            lambda: [
                h for h in _health(tmp_path) if h[0].startswith("rss:") and h[1] == "ok"
            ],
            timeout=60,
            message="rss poller ok",
        )
        assert health
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status
    except OSError:
        return None


def _health(tmp_path) -> list[tuple[str, str]]:
    import sqlite3

    with sqlite3.connect(tmp_path / "ioc.db") as conn:
        return conn.execute("select source, status from source_health").fetchall()


def test_mosquitto_pub_reading_is_visible_through_the_api(tmp_path, mosquitto):
    if not shutil.which("mosquitto_pub"):
        from tests.conftest import _unavailable

        _unavailable("mosquitto_pub", "mosquitto-clients not installed")
    cfg = config.load(
        {
            "IOC_DATABASE_URL": f"sqlite:///{tmp_path / 'ioc.db'}",
            "IOC_MQTT_URL": mosquitto,
            "IOC_ROLE": "ingest",
            "IOC_SIMULATE": "0",
            "IOC_MQTT_CLIENT_ID": f"ioc-test-{uuid.uuid4().hex[:8]}",
            "IOC_INGEST_FLUSH_MS": "50",
            "IOC_API_KEY": API_KEY,
        }
    )
    services = Services(cfg).start()
    try:
        wait_for(services.ingest.subscribed.is_set, message="ingest subscribed")
        from app import server

        client = server.test_client()
        client.environ_base["HTTP_X_API_KEY"] = API_KEY
        sensor = client.get("/api/v1/sensors?kind=air").get_json()["sensors"][0]["id"]
        host, port = mosquitto.removeprefix("mqtt://").split(":")
        t0 = time.monotonic()
        subprocess.run(
            [
                "mosquitto_pub",
                "-h",
                host,
                "-p",
                port,
                "-q",
                "1",
                "-t",
                f"ioc/sensors/{sensor}/data",
                "-m",
                '{"pm25": 48.2}',
            ],
            check=True,
            timeout=10,
        )
        body = wait_for(
            lambda: (
                (b := client.get(f"/api/v1/sensors/{sensor}/latest").get_json())[
                    "values"
                ].get("pm25")
                and b
            ),
            timeout=10,
            message="the reading through the API",
        )
        print(f"mosquitto_pub -> API latency: {(time.monotonic() - t0) * 1000:.0f} ms")
        assert body["values"]["pm25"]["value"] == 48.2
        assert body["state"] == "ok"
    finally:
        services.stop()
        runtime.set_engine(None)


pytestmark = pytest.mark.timeout(180)
