"""The embedded MQTT broker (amqtt), for a laptop or a demo with nothing else installed.

Production uses Mosquitto or EMQX through IOC_MQTT_URL; this runs only when that is
unset. It refuses anonymous clients unless told to allow them (demo mode): the app's
own clients get a random password per start (``credentials``), and a password file in
amqtt's format (``user:argon2-hash`` lines) adds real sensors.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

from amqtt.broker import Broker
from pwdlib import PasswordHash

log = logging.getLogger(__name__)


class EmbeddedBroker:
    """amqtt in a thread with its own event loop, listening on ``host:port`` (TCP)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 1884,
        allow_anonymous: bool = False,
        password_file: str = "",
    ) -> None:
        self.host = host
        self.port = port
        self.allow_anonymous = allow_anonymous
        self.extra_password_file = password_file
        self.username = "ioc"
        self.password = secrets.token_urlsafe(24)
        self._workdir: tempfile.TemporaryDirectory | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._broker: Broker | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """The URL the app's own clients use (with their credentials)."""
        if self.allow_anonymous:
            return f"mqtt://{self.host}:{self.port}"
        return (
            f"mqtt://{self.username}:{quote(self.password, safe='')}"
            f"@{self.host}:{self.port}"
        )

    def _password_file(self) -> Path:
        """The app's own user plus IOC_MQTT_PASSWORD_FILE's, in a private file."""
        self._workdir = tempfile.TemporaryDirectory(prefix="ioc-broker-")
        path = Path(self._workdir.name) / "passwd"
        lines = [f"{self.username}:{PasswordHash.recommended().hash(self.password)}"]
        if self.extra_password_file:
            extra = Path(self.extra_password_file).read_text(encoding="utf-8")
            lines += [x for x in extra.splitlines() if x.strip()]
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        return path

    def start(self, timeout: float = 10.0) -> EmbeddedBroker:
        # amqtt logs every packet at INFO; its warnings are enough for us.
        for name in ("amqtt", "transitions"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self._thread = threading.Thread(
            target=self._run, name="mqtt-broker", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(
                f"embedded broker did not start on {self.host}:{self.port}"
            )
        if self._error is not None:
            raise RuntimeError(
                f"embedded broker failed on {self.host}:{self.port}"
            ) from self._error
        log.info("embedded MQTT broker listening on %s", self.url)
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        plugins: dict = {
            "amqtt.plugins.authentication.AnonymousAuthPlugin": {
                "allow_anonymous": self.allow_anonymous
            },
        }
        try:
            if not self.allow_anonymous:
                plugins["amqtt.plugins.authentication.FileAuthPlugin"] = {
                    "password_file": str(self._password_file())
                }
            config = {
                "listeners": {
                    "default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}
                },
                "plugins": plugins,
            }
            self._broker = Broker(config, loop=loop)
            loop.run_until_complete(self._broker.start())
        except BaseException as exc:  # reported to start() with its cause
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        loop.run_forever()

    def stop(self) -> None:
        loop, broker = self._loop, self._broker
        if loop is None or broker is None or not loop.is_running():
            return
        fut = asyncio.run_coroutine_threadsafe(broker.shutdown(), loop)
        try:
            fut.result(timeout=10)
        except Exception:  # noqa: BLE001 - shutting down anyway; say so
            log.exception("embedded broker did not shut down cleanly")
        loop.call_soon_threadsafe(loop.stop)
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._workdir is not None:
            self._workdir.cleanup()
