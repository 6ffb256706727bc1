"""Every setting of the IOC, read once from ``IOC_`` environment variables.

Defaults run on a laptop with nothing else installed: SQLite under ``data/``, an
embedded MQTT broker, simulators on.
"""

from __future__ import annotations

import functools
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from mqtt_url import parse_broker_url, redact

ROOT = Path(__file__).resolve().parent
# The one directory the system creates by itself (the default store, the ingest's
# spill file); a directory named in a setting must exist.
DATA_DIR = ROOT / "data"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ConfigError(ValueError):
    """A setting the system cannot run with. The text is one line: the variable, what
    is wrong with its value and what would be right (``python app.py`` prints it and
    exits with 2)."""


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _error(name: str, value: str | None, problem: str, expected: str) -> ConfigError:
    """``NAME='value' problem; expected ...`` (a secret's value is never repeated,
    a URL's password is masked)."""
    shown = "" if value is None else f"={redact(value)!r}"
    return ConfigError(f"{name}{shown} {problem}; expected {expected}")


def _text(env: dict[str, str], name: str) -> str:
    return _get(env, name).strip()


def _int(
    env: dict[str, str], name: str, lo: int, hi: int | None = None, what: str = ""
) -> int:
    raw = _text(env, name)
    span = f"{lo} or more" if hi is None else f"{lo} to {hi}"
    expected = f"{what or 'a whole number'}, {span}"
    try:
        value = int(raw)
    except ValueError:
        raise _error(name, raw, "is not a whole number", expected) from None
    if value < lo or (hi is not None and value > hi):
        raise _error(name, raw, "is out of range", expected)
    return value


def _port(env: dict[str, str], name: str) -> int:
    return _int(env, name, 1, 65535, "a TCP port")


def _positive(env: dict[str, str], name: str, example: str) -> float:
    raw = _text(env, name)
    expected = f"a number greater than 0, e.g. {example}"
    try:
        value = float(raw)
    except ValueError:
        raise _error(name, raw, "is not a number", expected) from None
    if not (math.isfinite(value) and value > 0):
        raise _error(name, raw, "is out of range", expected)
    return value


def _flag(env: dict[str, str], name: str) -> bool:
    raw = _text(env, name)
    try:
        return _bool(raw)
    except ValueError:
        raise _error(
            name,
            raw,
            "is not a yes/no value",
            "1 or 0 (also true/false, yes/no, on/off)",
        ) from None


def _choice(env: dict[str, str], name: str, choices: tuple[str, ...]) -> str:
    raw = _text(env, name)
    value = raw.lower()
    if value not in {c.lower() for c in choices}:
        raise _error(name, raw, "is not a known choice", f"one of {', '.join(choices)}")
    return value


def _file(env: dict[str, str], name: str, what: str) -> str:
    """A file that must exist when set ('' when unset)."""
    raw = _text(env, name)
    if raw and not Path(raw).is_file():
        raise _error(name, raw, "names no file", f"the path of an existing {what}")
    return raw


def _http_url(name: str, url: str, what: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname or " " in url:
        raise _error(name, url, "is not an http:// or https:// URL", what)
    return url


def _database_url(env: dict[str, str]) -> str:
    name = "IOC_DATABASE_URL"
    raw = _text(env, name)
    if not raw:
        return f"sqlite:///{DATA_DIR / 'ioc.db'}"
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    expected = (
        "sqlite:////path/to/ioc.db, postgresql+psycopg://user:password@host:5432/ioc, "
        "or empty for data/ioc.db"
    )
    try:
        url = make_url(raw)
    except ArgumentError:
        raise _error(name, raw, "is not a database URL", expected) from None
    backend, driver = url.get_backend_name(), url.get_driver_name()
    if (backend, driver) not in {("sqlite", "pysqlite"), ("postgresql", "psycopg")}:
        raise _error(
            name,
            raw,
            f"names a database or driver the store does not run on ({url.drivername})",
            expected,
        )
    path = url.database or ""
    if (
        backend == "sqlite"
        and path
        and path != ":memory:"
        and not path.startswith("file:")
    ):
        folder = Path(path).parent
        if not folder.is_dir() and folder.resolve() != DATA_DIR.resolve():
            raise _error(
                name,
                raw,
                f"is in a directory that does not exist ({folder})",
                "an existing directory (create it first), or leave IOC_DATABASE_URL "
                "empty for data/ioc.db",
            )
    return raw


def _mqtt_url(env: dict[str, str]) -> str:
    raw = _text(env, "IOC_MQTT_URL")
    if raw:
        try:
            parse_broker_url(raw)
        except ValueError:
            raise _error(
                "IOC_MQTT_URL",
                raw,
                "is not a broker URL",
                "mqtt://user:password@host:1883, mqtts://user:password@host:8883 or "
                "empty for the embedded broker",
            ) from None
    return raw


def _topic_filter(env: dict[str, str]) -> str:
    raw = _get(env, "IOC_MQTT_TOPIC")
    levels = raw.split("/")
    wildcards_ok = (
        all(level in {"+", "#"} or not ({"+", "#"} & set(level)) for level in levels)
        and "#" not in levels[:-1]
    )
    if not raw.strip() or raw != raw.strip() or not wildcards_ok:
        raise _error(
            "IOC_MQTT_TOPIC",
            raw,
            "is not an MQTT topic filter",
            "levels separated by /, with + for one whole level and # only as the "
            "last, e.g. ioc/sensors/+/data",
        )
    return raw


def _feeds(env: dict[str, str]) -> tuple[str, ...]:
    urls = tuple(
        u.strip() for u in _get(env, "IOC_PRESS_FEEDS").split(",") if u.strip()
    )
    for url in urls:
        _http_url(
            "IOC_PRESS_FEEDS",
            url,
            "comma-separated http:// or https:// URLs of RSS 2.0 feeds",
        )
    return urls


def _map_tiles(env: dict[str, str]) -> str:
    raw = _text(env, "IOC_MAP_TILES")
    expected = "an http(s) URL template with {z}, {x} and {y}, or empty for none"
    if raw:
        _http_url("IOC_MAP_TILES", raw, expected)
        if not all(p in raw for p in ("{z}", "{x}", "{y}")):
            raise _error("IOC_MAP_TILES", raw, "lacks {z}, {x} or {y}", expected)
    return raw


def _accounts(env: dict[str, str]) -> dict[str, str]:
    """The first admin and IOC_API_KEY, checked by the rules the store applies (the
    store would refuse them later, in a traceback)."""
    from store.accounts import MAX_PASSWORD, MIN_API_KEY, MIN_PASSWORD, ROLES, USERNAME

    user = _text(env, "IOC_ADMIN_USER").lower()
    if not USERNAME.match(user):
        raise _error(
            "IOC_ADMIN_USER",
            user,
            "is not a user name",
            "2 to 64 of a-z, 0-9, dot, _ or -, starting with a letter or digit",
        )
    password = _get(env, "IOC_ADMIN_PASSWORD")
    if password and not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise _error(
            "IOC_ADMIN_PASSWORD",
            None,
            f"has the wrong length ({len(password)} characters)",
            f"{MIN_PASSWORD} to {MAX_PASSWORD}, or empty for a random one printed once",
        )
    key = _text(env, "IOC_API_KEY")
    if key and len(key) < MIN_API_KEY:
        raise _error(
            "IOC_API_KEY",
            None,
            f"is too short ({len(key)} characters)",
            f"at least {MIN_API_KEY} random characters, e.g. from "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'",
        )
    return {
        "admin_user": user,
        "admin_password": password,
        "api_key": key,
        "api_key_role": _choice(env, "IOC_API_KEY_ROLE", ROLES),
    }


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


# The one list of settings; README's configuration table is generated from it.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "IOC_DATABASE_URL",
        "",
        "SQLAlchemy URL of the store; empty = SQLite at data/ioc.db "
        "(e.g. postgresql+psycopg://user@127.0.0.1:5432/ioc)",
    ),
    Setting(
        "IOC_MQTT_URL",
        "",
        "Broker to use (mqtt://user:pass@host:1883, mqtts:// for TLS); "
        "empty = start an embedded amqtt broker",
    ),
    Setting(
        "IOC_MQTT_EMBEDDED_PORT", "1884", "Port of the embedded broker on 127.0.0.1"
    ),
    Setting(
        "IOC_MQTT_PROTOCOL",
        "auto",
        "MQTT version of the ingest: 5, 3.1.1 or auto (5 with an "
        "external broker, for Receive Maximum and shared subscriptions; "
        "3.1.1 embedded)",
    ),
    Setting(
        "IOC_MQTT_CA_FILE",
        "",
        "CA bundle to verify the broker's certificate (mqtts://)",
    ),
    Setting(
        "IOC_MQTT_CLIENT_ID",
        "ioc-ingest",
        "Client id of the ingest (persistent session)",
    ),
    Setting(
        "IOC_MQTT_SHARED_GROUP",
        "",
        "MQTT 5 shared-subscription group to split the ingest "
        "across processes ($share/<group>/...); empty = plain subscription",
    ),
    Setting(
        "IOC_MQTT_TOPIC", "ioc/sensors/+/data", "Topic filter the ingest subscribes to"
    ),
    Setting(
        "IOC_INGEST_BATCH",
        "500",
        "Largest number of messages written in one transaction",
    ),
    Setting(
        "IOC_INGEST_FLUSH_MS", "200", "Longest wait before a partial batch is written"
    ),
    Setting(
        "IOC_INGEST_BUFFER", "100000", "Messages held in memory while the store is down"
    ),
    Setting(
        "IOC_DEAD_LETTERS_PER_MINUTE",
        "60",
        "Rejected messages kept (as a 1,000-character excerpt) per source and minute; "
        "the rest are only counted",
    ),
    Setting("IOC_DEAD_LETTER_DAYS", "7", "Days rejected messages are kept"),
    Setting(
        "IOC_DEAD_LETTER_MAX_ROWS",
        "20000",
        "Most rejected messages kept in all (the newest)",
    ),
    Setting("IOC_HOST", "127.0.0.1", "Address the web app listens on"),
    Setting("IOC_PORT", "8050", "Port the web app listens on"),
    Setting(
        "IOC_WEB_THREADS",
        "16",
        "Threads of the web server (waitress) of python app.py: requests answered "
        "at once by all users together",
    ),
    Setting(
        "IOC_MAX_REQUESTS_PER_SESSION",
        "8",
        "Requests of one session (or, without one, one address) in flight at once; "
        "more are answered 429 with Retry-After at once, so one user's burst cannot "
        "take every thread. Keep it above the callbacks a page sends together",
    ),
    Setting(
        "IOC_ROLE", "all", "Which part this process runs: web, ingest, pollers or all"
    ),
    Setting(
        "IOC_SIMULATE",
        "1",
        "1 = run the sensor and system simulators, 0 = real sources only",
    ),
    Setting(
        "IOC_SIM_SENSORS",
        "0",
        "Size of the simulated fleet; 0 = the profile's sensors only, "
        "more adds synthetic sensors spread over the province",
    ),
    Setting(
        "IOC_SIM_RATE",
        "1.0",
        "Speed-up of the simulators: 2 publishes twice as often "
        "as each sensor's period",
    ),
    Setting("IOC_SIM_SEED", "42", "Seed of the simulators (same seed, same data)"),
    Setting(
        "IOC_SIM_HTTP_PORT",
        "8061",
        "Port of the simulated external systems (RSS, Open311)",
    ),
    Setting(
        "IOC_PROFILE",
        "profiles/bac-ninh.json",
        "Province profile (areas, places, sensors)",
    ),
    Setting(
        "IOC_PRESS_FEEDS",
        "",
        "Comma-separated RSS 2.0 feed URLs to monitor; empty = the "
        "simulated feed when simulating",
    ),
    Setting(
        "IOC_OPEN311_URL",
        "",
        "Open311 GeoReport v2 base URL of the citizens' feedback system "
        "(…/open311/v2); empty = the simulated one when simulating",
    ),
    Setting(
        "IOC_SHARED_READS",
        "1",
        "1 = the users of a web worker share the reads of live panels for less than a "
        "tick (store.memo); 0 = every request reads the store (benchmarks of one "
        "user's server time)",
    ),
    Setting(
        "IOC_OPEN311_API_KEY",
        "",
        "API key the Open311 poller sends as its api_key parameter, when that "
        "system asks for one",
    ),
    Setting(
        "IOC_POLL_TIMEOUT_S",
        "10",
        "HTTP timeout of a poller's fetch, seconds: each connect and each read",
    ),
    Setting(
        "IOC_POLL_DEADLINE_S",
        "30",
        "Longest a poller's run may take, seconds: connects, reads and retries "
        "together (a source sending a byte now and then never times out a read); "
        "a run still going past it shows as hung on the data-sources page",
    ),
    Setting(
        "IOC_BACKFILL_DAYS",
        "30",
        "Days of simulated history (one reading per 10 min) written "
        "in the background on first start when the store is empty (0 = none)",
    ),
    Setting(
        "IOC_MAP_TILES",
        "",
        "Tile server URL template for the map ({z}/{x}/{y}); empty = a plain "
        "background that needs no tile server",
    ),
    Setting(
        "IOC_ADMIN_USER",
        "admin",
        "User name of the first admin, created on the first start when there "
        "is no user yet",
    ),
    Setting(
        "IOC_ADMIN_PASSWORD",
        "",
        "Password of that first admin (at least 10 characters); empty = a random "
        "one, printed once on the console",
    ),
    Setting(
        "IOC_API_KEY",
        "",
        "One initial REST API key for automation (at least 24 characters), "
        "imported on start; admins issue and revoke others on /he-thong",
    ),
    Setting(
        "IOC_API_KEY_ROLE",
        "leader",
        "Role of IOC_API_KEY: leader (reads everything), duty_officer "
        "(reads, acknowledges alerts), staff or admin",
    ),
    Setting(
        "IOC_SESSION_IDLE_MINUTES",
        "30",
        "Sign-out after this long without an action (duty officers' live panels "
        "keep their session alive, for wall screens)",
    ),
    Setting("IOC_SESSION_HOURS", "12", "Longest life of a session (one shift)"),
    Setting(
        "IOC_COOKIE_SECURE",
        "auto",
        "Secure flag of the session cookie: auto (when the request came over "
        "HTTPS), 1 or 0",
    ),
    Setting(
        "IOC_TRUSTED_PROXIES",
        "0",
        "Reverse proxies (nginx) in front of the web app whose X-Forwarded-For/"
        "-Proto to trust, for client addresses in the audit trail and Secure cookies",
    ),
    Setting(
        "IOC_LOGIN_MAX_FAILURES",
        "5",
        "Failed sign-ins per user name and address in an hour before each further "
        "attempt from there waits 2, 4, 8 ... s (at most 15 min); 4 x this per "
        "address across all names. Other addresses are never slowed down",
    ),
    Setting(
        "IOC_MQTT_ANONYMOUS",
        "0",
        "Demo mode of the embedded broker: 1 = also accept clients without a "
        "user name, as sensors (they may only publish ioc/sensors/+/data); 0 = "
        "only the app's own clients (random password per start) and the users "
        "of IOC_MQTT_PASSWORD_FILE",
    ),
    Setting(
        "IOC_MQTT_PASSWORD_FILE",
        "",
        "Extra users of the embedded broker (user:argon2-hash lines, "
        "amqtt's format) for real sensors",
    ),
    Setting(
        "IOC_LOG_LEVEL",
        "INFO",
        "Logging level of the system's own lines (DEBUG, INFO, WARNING, ERROR); "
        "the libraries' (scheduler runs, migrations, broker, web server) show "
        "their warnings only, unless DEBUG",
    ),
)

_DEFAULTS = {s.name: s.default for s in SETTINGS}


def _get(env: dict[str, str], name: str) -> str:
    return env.get(name, _DEFAULTS[name])


@dataclass(frozen=True)
class Config:
    database_url: str
    mqtt_url: str
    mqtt_embedded_port: int
    mqtt_protocol: str
    mqtt_ca_file: str
    mqtt_client_id: str
    mqtt_shared_group: str
    mqtt_topic: str
    ingest_batch: int
    ingest_flush_ms: int
    ingest_buffer: int
    host: str
    port: int
    role: str
    simulate: bool
    sim_sensors: int
    sim_rate: float
    sim_seed: int
    sim_http_port: int
    profile: Path
    press_feeds: tuple[str, ...]
    open311_url: str
    poll_timeout_s: float
    backfill_days: int
    log_level: str
    map_tiles: str
    admin_user: str = "admin"
    admin_password: str = ""
    api_key: str = ""
    api_key_role: str = "leader"
    open311_api_key: str = ""
    shared_reads: bool = True
    session_idle_min: int = 30
    session_hours: int = 12
    cookie_secure: str = "auto"
    login_max_failures: int = 5
    trusted_proxies: int = 0
    mqtt_anonymous: bool = False
    mqtt_password_file: str = ""
    web_threads: int = 16
    max_requests_per_session: int = 8
    poll_deadline_s: float = 30.0
    dead_per_minute: int = 60
    dead_keep_days: float = 7.0
    dead_max_rows: int = 20_000
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def embedded_broker(self) -> bool:
        return not self.mqtt_url

    @property
    def effective_mqtt_url(self) -> str:
        return self.mqtt_url or f"mqtt://127.0.0.1:{self.mqtt_embedded_port}"

    def runs(self, part: str) -> bool:
        return self.role == "all" or self.role == part


def _mqtt_protocol(env: dict[str, str], url: str) -> str:
    v = _choice(env, "IOC_MQTT_PROTOCOL", ("5", "3.1.1", "auto"))
    if v == "auto":
        return "5" if url else "3.1.1"
    return v


def _profile(env: dict[str, str]) -> Path:
    raw = _text(env, "IOC_PROFILE")
    profile = Path(raw)
    if not profile.is_absolute():
        profile = ROOT / profile
    if not profile.is_file():
        raise _error(
            "IOC_PROFILE",
            raw,
            "names no file",
            "a province profile (JSON), e.g. profiles/bac-ninh.json",
        )
    return profile


def _mqtt_names(env: dict[str, str]) -> dict[str, str]:
    client_id = _text(env, "IOC_MQTT_CLIENT_ID")
    if not client_id:
        raise _error(
            "IOC_MQTT_CLIENT_ID", client_id, "is empty", "a client id, e.g. ioc-ingest"
        )
    group = _text(env, "IOC_MQTT_SHARED_GROUP")
    if {"/", "+", "#"} & set(group):
        raise _error(
            "IOC_MQTT_SHARED_GROUP",
            group,
            "has /, + or #",
            "a plain name, e.g. ingest, or empty for a plain subscription",
        )
    return {"mqtt_client_id": client_id, "mqtt_shared_group": group}


def load(env: dict[str, str] | None = None) -> Config:
    """Read the configuration from ``env`` (default: ``os.environ``). A bad value
    raises ConfigError naming the variable, the value's problem and what would be
    right. Callbacks ask for it on every tick: from ``os.environ`` the checked
    result is kept while the ``IOC_`` variables stay the same."""
    if env is None:
        current = tuple(sorted(kv for kv in os.environ.items() if kv[0][:4] == "IOC_"))
        return _load_environ(current)
    return _load(dict(env))


@functools.lru_cache(maxsize=8)
def _load_environ(items: tuple[tuple[str, str], ...]) -> Config:
    return _load(dict(items))


def _load(env: dict[str, str]) -> Config:
    mqtt_url = _mqtt_url(env)
    open311 = _text(env, "IOC_OPEN311_URL")
    if open311:
        _http_url(
            "IOC_OPEN311_URL",
            open311,
            "the http(s) base URL of an Open311 GeoReport v2 system (…/open311/v2)",
        )
    host = _text(env, "IOC_HOST")
    if not host:
        raise _error(
            "IOC_HOST", host, "is empty", "an address, e.g. 127.0.0.1 or 0.0.0.0"
        )
    cfg = Config(
        database_url=_database_url(env),
        mqtt_url=mqtt_url,
        mqtt_embedded_port=_port(env, "IOC_MQTT_EMBEDDED_PORT"),
        mqtt_protocol=_mqtt_protocol(env, mqtt_url),
        mqtt_ca_file=_file(env, "IOC_MQTT_CA_FILE", "CA bundle (PEM)"),
        mqtt_topic=_topic_filter(env),
        ingest_batch=_int(env, "IOC_INGEST_BATCH", 1, what="messages"),
        ingest_flush_ms=_int(env, "IOC_INGEST_FLUSH_MS", 1, what="milliseconds"),
        ingest_buffer=_int(env, "IOC_INGEST_BUFFER", 1, what="messages"),
        dead_per_minute=_int(env, "IOC_DEAD_LETTERS_PER_MINUTE", 0),
        dead_keep_days=_positive(env, "IOC_DEAD_LETTER_DAYS", "7"),
        dead_max_rows=_int(env, "IOC_DEAD_LETTER_MAX_ROWS", 0),
        host=host,
        port=_port(env, "IOC_PORT"),
        role=_choice(env, "IOC_ROLE", ("web", "ingest", "pollers", "all")),
        simulate=_flag(env, "IOC_SIMULATE"),
        sim_sensors=_int(env, "IOC_SIM_SENSORS", 0, what="sensors"),
        sim_rate=_positive(env, "IOC_SIM_RATE", "1.0"),
        sim_seed=_int(env, "IOC_SIM_SEED", 0),
        sim_http_port=_port(env, "IOC_SIM_HTTP_PORT"),
        profile=_profile(env),
        press_feeds=_feeds(env),
        open311_url=open311,
        poll_timeout_s=_positive(env, "IOC_POLL_TIMEOUT_S", "10"),
        poll_deadline_s=_positive(env, "IOC_POLL_DEADLINE_S", "30"),
        backfill_days=_int(env, "IOC_BACKFILL_DAYS", 0, what="days"),
        log_level=_choice(env, "IOC_LOG_LEVEL", LOG_LEVELS).upper(),
        map_tiles=_map_tiles(env),
        open311_api_key=_text(env, "IOC_OPEN311_API_KEY"),
        shared_reads=_flag(env, "IOC_SHARED_READS"),
        session_idle_min=_int(env, "IOC_SESSION_IDLE_MINUTES", 1, what="minutes"),
        session_hours=_int(env, "IOC_SESSION_HOURS", 1, what="hours"),
        cookie_secure=_choice(env, "IOC_COOKIE_SECURE", ("auto", "1", "0")),
        login_max_failures=_int(env, "IOC_LOGIN_MAX_FAILURES", 1),
        trusted_proxies=_int(env, "IOC_TRUSTED_PROXIES", 0, what="proxies"),
        mqtt_anonymous=_flag(env, "IOC_MQTT_ANONYMOUS"),
        mqtt_password_file=_file(env, "IOC_MQTT_PASSWORD_FILE", "password file"),
        web_threads=_int(env, "IOC_WEB_THREADS", 1, what="threads"),
        max_requests_per_session=_int(
            env, "IOC_MAX_REQUESTS_PER_SESSION", 1, what="requests"
        ),
        **_mqtt_names(env),
        **_accounts(env),
    )
    if cfg.ingest_buffer < cfg.ingest_batch:
        raise _error(
            "IOC_INGEST_BUFFER",
            str(cfg.ingest_buffer),
            f"is smaller than IOC_INGEST_BATCH ({cfg.ingest_batch})",
            "at least IOC_INGEST_BATCH",
        )
    return cfg
