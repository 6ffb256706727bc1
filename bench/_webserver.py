"""The web app under gunicorn in a subprocess, and signed-in HTTP clients for it.

``WebServer`` starts ``gunicorn <app>`` with IOC_ROLE=web on a given store (the
bench's own store: no simulators, pollers or broker), waits until it answers and
reads its processes' peak memory (VmHWM) from /proc. ``sign_in`` goes through the real
form (GET /dang-nhap for the CSRF token, POST it back), as a browser does.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-password-0123"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebServer:
    def __init__(
        self,
        database_url: str,
        app: str = "app:server",
        workers: int = 1,
        threads: int = 1,
        log: Path | None = None,
        keepalive: int | None = None,
        shared_reads: bool = True,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "IOC_ROLE": "web",
            "IOC_DATABASE_URL": database_url,
            "IOC_SIMULATE": "0",
            "IOC_BACKFILL_DAYS": "0",
            "IOC_LOG_LEVEL": "WARNING",
            "IOC_SHARED_READS": "1" if shared_reads else "0",
            "PYTHONPATH": str(ROOT),
        }
        cmd = [
            str(Path(sys.executable).with_name("gunicorn")),
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
        if threads > 1:
            cmd += ["-k", "gthread", "--threads", str(threads)]
        if keepalive is not None:
            # gthread closes a connection idle this long; gunicorn's 2 s is shorter
            # than a tab's 5 s tick, and a close racing the next request on that
            # connection reaches the client as a ReadError.
            cmd += ["--keep-alive", str(int(keepalive))]  # gunicorn takes whole seconds
        self.log = log
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
        self.proc = subprocess.Popen(
            [*cmd, app], cwd=ROOT, env=env, stdout=out, stderr=out
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}): {log}")
            try:
                if httpx.get(f"{self.url}/dang-nhap", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in 60 s")

    def pids(self) -> list[int]:
        """The master and its workers."""
        kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [self.proc.pid, *map(int, kids.read_text().split())]

    def peak_rss_mb(self) -> tuple[float, float]:
        """VmHWM of the master and of the largest worker, MB."""
        out = {}
        for pid in self.pids():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out[pid] = int(line.split()[1]) / 1024
        master = out.pop(self.proc.pid)
        return master, max(out.values(), default=0.0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> WebServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def make_users(database_url: str, n: int, prefix: str = "bench") -> list[str]:
    """``n`` duty officers (who may read every page) with PASSWORD."""
    import uuid

    from store import accounts
    from store.db import make_engine

    engine = make_engine(database_url)
    tag = uuid.uuid4().hex[:6]
    names = [f"{prefix}-{tag}-{i}" for i in range(n)]
    for name in names:
        accounts.create_user(engine, name, PASSWORD, ("duty_officer",), name, ())
    engine.dispose()
    return names


def _form(base: str, username: str, page: str) -> tuple[dict, dict]:
    m = CSRF.search(page)
    if not m:
        raise RuntimeError("no CSRF token on the sign-in form")
    data = {"username": username, "password": PASSWORD, "csrf": m.group(1), "next": "/"}
    return data, {"Origin": base, "Referer": f"{base}/dang-nhap"}


def sign_in(client: httpx.Client, base: str, username: str) -> None:
    """Sign ``client`` in through the real form; it then holds the session cookie."""
    form = client.get(f"{base}/dang-nhap")
    data, headers = _form(base, username, form.text)
    resp = client.post(f"{base}/dang-nhap", data=data, headers=headers)
    if resp.status_code != 303:
        raise RuntimeError(f"sign-in failed: {resp.status_code} {resp.text[:200]}")


async def sign_in_async(client: httpx.AsyncClient, base: str, username: str) -> None:
    form = await client.get(f"{base}/dang-nhap")
    data, headers = _form(base, username, form.text)
    resp = await client.post(f"{base}/dang-nhap", data=data, headers=headers)
    if resp.status_code != 303:
        raise RuntimeError(f"sign-in failed: {resp.status_code} {resp.text[:200]}")
