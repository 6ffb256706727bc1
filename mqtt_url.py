"""Broker URLs: ``mqtt://user:pass@host:1883`` and ``mqtts://`` (TLS). Standard library
only: the ingest and the simulators both read them, and write them to logs only through
``redact``."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit, urlunsplit


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    tls: bool
    username: str | None
    password: str | None


def parse_broker_url(url: str) -> BrokerAddress:
    parts = urlsplit(url)
    if parts.scheme not in {"mqtt", "mqtts", "tcp", "ssl"}:
        raise ValueError(f"broker URL must start with mqtt:// or mqtts://, not {url!r}")
    tls = parts.scheme in {"mqtts", "ssl"}
    if not parts.hostname:
        raise ValueError(f"broker URL has no host: {url!r}")
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        tls=tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def redact(url: str) -> str:
    """``url`` for a log line: the password replaced by ``***``, the rest kept."""
    parts = urlsplit(url)
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if not at or ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{hostport}"))
