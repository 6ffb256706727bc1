"""The embedded MQTT broker (amqtt), for a laptop or a demo with nothing else installed.

Production uses Mosquitto or EMQX through IOC_MQTT_URL; this runs only when that is
unset. The app's own clients share one account, ``ioc``, with a random password per
start; a password file in amqtt's format (``user:argon2-hash`` lines) adds real sensors,
whose user name is their sensor id. What each may do (``AccessRules``):

- the app's account subscribes and publishes anywhere, and alone may use the app's
  client ids (``ioc-`` and the ingest's), so nobody else can end the ingest's
  persistent session and acknowledge its messages;
- a sensor account publishes its own readings (``ioc/sensors/<user>/data``), nothing
  else, and subscribes to nothing;
- demo mode (``allow_anonymous``) lets clients without a user name in as sensors: they
  may publish any sensor's readings, nothing else.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from amqtt.adapters import ReaderAdapter, WriterAdapter
from amqtt.broker import Broker
from amqtt.contexts import Action, ListenerConfig
from amqtt.errors import MQTTError
from amqtt.mqtt.connack import NOT_AUTHORIZED, ConnackPacket
from amqtt.mqtt.protocol.broker_handler import BrokerProtocolHandler
from amqtt.plugins.base import BaseAuthPlugin, BaseTopicPlugin
from amqtt.session import Session
from amqtt.utils import gen_client_id
from pwdlib import PasswordHash

from mqtt_url import redact

log = logging.getLogger(__name__)

APP_CLIENT_PREFIX = "ioc-"
_ADMITTED = "ioc.admitted"


@dataclass
class AccessRules:
    """Who may do what on the embedded broker (see the module's docstring)."""

    app_users: list[str] = field(default_factory=list)
    reserved_client_ids: list[str] = field(default_factory=list)
    allow_anonymous: bool = False

    def is_app(self, session: Session) -> bool:
        return session.username in self.app_users

    def reserved(self, client_id: str | None) -> bool:
        return bool(client_id) and (
            client_id.startswith(APP_CLIENT_PREFIX)
            or client_id in self.reserved_client_ids
        )

    def may_publish(self, session: Session, topic: str | None) -> bool:
        if self.is_app(session):
            return True
        parts = (topic or "").split("/")
        if len(parts) != 4 or parts[:2] != ["ioc", "sensors"] or parts[3] != "data":
            return False
        if session.username:
            return parts[2] == session.username
        return self.allow_anonymous and parts[2] != ""


class AccountPlugin(BaseAuthPlugin):
    """CONNECT: the app's client ids for the app's account only, a will only on a topic
    the client may publish, and clients without a user name only in demo mode. The
    password itself is FileAuthPlugin's to check."""

    Config = AccessRules

    async def authenticate(self, *, session: Session) -> bool | None:
        rules: AccessRules = self.config
        if rules.reserved(session.client_id) and not rules.is_app(session):
            log.warning(
                "MQTT client id %r refused to user %r (reserved for the app)",
                session.client_id,
                session.username,
            )
            return False
        if session.will_flag and not rules.may_publish(session, session.will_topic):
            log.warning(
                "MQTT will on %r refused to user %r",
                session.will_topic,
                session.username,
            )
            return False
        if not session.username:
            session.is_anonymous = rules.allow_anonymous
            return rules.allow_anonymous
        return None


class TopicPlugin(BaseTopicPlugin):
    """SUBSCRIBE for the app's account only; PUBLISH as ``AccessRules.may_publish``."""

    Config = AccessRules

    async def topic_filtering(
        self,
        *,
        session: Session | None = None,
        topic: str | None = None,
        action: Action | None = None,
    ) -> bool:
        rules: AccessRules = self.config
        if session is None:
            return False
        if action == Action.PUBLISH:
            return rules.may_publish(session, topic)
        if action == Action.SUBSCRIBE:
            return rules.is_app(session)
        return True  # RECEIVE: only the app's account has subscriptions


class _CheckedBroker(Broker):
    """amqtt 0.12.1 looks up, clears or takes over the session a CONNECT names before
    it authenticates the client, so anyone reaching the port, even with a wrong
    password, could end the ingest's session. This one authenticates first; what
    follows is amqtt's own session handling."""

    async def _initialize_client_session(
        self,
        reader: ReaderAdapter,
        writer: WriterAdapter,
        remote_address: str,
        remote_port: int,
    ) -> tuple[BrokerProtocolHandler, Session]:
        try:
            handler, session = await BrokerProtocolHandler.init_from_connect(
                reader, writer, self.plugins_manager
            )
        except MQTTError:
            await writer.close()
            raise
        if not await super()._authenticate(session, None):
            await ConnackPacket.build(0, NOT_AUTHORIZED).to_stream(writer)
            await writer.close()
            raise MQTTError(
                f"client {session.client_id!r} (user {session.username!r}) from "
                f"{remote_address}:{remote_port} not authorised"
            )
        if session.clean_session:
            if session.client_id:
                await self._delete_session(session.client_id)
            else:
                session.client_id = gen_client_id()
            session.parent = 0
        elif session.client_id in self._sessions:
            existing, _ = self._sessions[session.client_id]
            for name in (
                "will_flag",
                "will_message",
                "will_topic",
                "will_qos",
                "will_retain",
                "keep_alive",
                "username",
                "password",
            ):
                setattr(existing, name, getattr(session, name))
            session = existing
            session.parent = 1
        else:
            session.parent = 0
        delay = self.config.get("timeout-disconnect-delay", 0)
        if session.keep_alive > 0 and isinstance(delay, int):
            session.keep_alive += delay
        session.attributes[_ADMITTED] = True
        return handler, session

    async def _authenticate(
        self, session: Session, listener: ListenerConfig | None
    ) -> bool:
        # Asked again by amqtt after _initialize_client_session: answered there.
        if session.attributes.pop(_ADMITTED, False):
            return True
        return await super()._authenticate(session, listener)


class EmbeddedBroker:
    """amqtt in a thread with its own event loop, listening on ``host:port`` (TCP)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 1884,
        allow_anonymous: bool = False,
        password_file: str = "",
        reserved_client_ids: tuple[str, ...] = (),
    ) -> None:
        self.host = host
        self.port = port
        self.allow_anonymous = allow_anonymous
        self.extra_password_file = password_file
        # Besides every "ioc-..." id: e.g. an IOC_MQTT_CLIENT_ID of another shape.
        self.reserved_client_ids = reserved_client_ids
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
        """The URL the app's own clients use (with their credentials, also in demo
        mode: anonymous clients may not subscribe). Log it only through redact()."""
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
            for line in extra.splitlines():
                user = line.split(":", 1)[0].strip()
                if user == self.username:
                    log.warning(
                        "%s: user %r is the app's own and is skipped",
                        self.extra_password_file,
                        user,
                    )
                elif user:
                    lines.append(line)
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
        log.info(
            "embedded MQTT broker listening on %s%s",
            redact(self.url),
            " (demo mode: anonymous sensors allowed)" if self.allow_anonymous else "",
        )
        return self

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        rules = {
            "app_users": [self.username],
            "reserved_client_ids": list(self.reserved_client_ids),
            "allow_anonymous": self.allow_anonymous,
        }
        try:
            plugins = {
                f"{__name__}.AccountPlugin": rules,
                f"{__name__}.TopicPlugin": rules,
                "amqtt.plugins.authentication.FileAuthPlugin": {
                    "password_file": str(self._password_file())
                },
            }
            config = {
                "listeners": {
                    "default": {"type": "tcp", "bind": f"{self.host}:{self.port}"}
                },
                "plugins": plugins,
            }
            self._broker = _CheckedBroker(config, loop=loop)
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
