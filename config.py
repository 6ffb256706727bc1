"""Every setting of the IOC, read once from ``IOC_`` environment variables.

Defaults run on a laptop with nothing else installed: SQLite under ``data/``, an
embedded
MQTT broker, simulators on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def _bool(value: str) -> bool:
    v = value.strip().lower()
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


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
    Setting("IOC_HOST", "127.0.0.1", "Address the web app listens on"),
    Setting("IOC_PORT", "8050", "Port the web app listens on"),
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
    Setting("IOC_POLL_TIMEOUT_S", "10", "HTTP timeout of a poller's fetch, seconds"),
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
        "Failed sign-ins per user name in 15 minutes before it is refused for "
        "a while (4 x this per address)",
    ),
    Setting(
        "IOC_MQTT_ANONYMOUS",
        "0",
        "Demo mode of the embedded broker: 1 = accept clients without a "
        "password; 0 = only the app's own clients (random password per start) "
        "and the users of IOC_MQTT_PASSWORD_FILE",
    ),
    Setting(
        "IOC_MQTT_PASSWORD_FILE",
        "",
        "Extra users of the embedded broker (user:argon2-hash lines, "
        "amqtt's format) for real sensors",
    ),
    Setting("IOC_LOG_LEVEL", "INFO", "Logging level"),
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
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def embedded_broker(self) -> bool:
        return not self.mqtt_url

    @property
    def effective_mqtt_url(self) -> str:
        return self.mqtt_url or f"mqtt://127.0.0.1:{self.mqtt_embedded_port}"

    def runs(self, part: str) -> bool:
        return self.role == "all" or self.role == part


def _mqtt_protocol(value: str, url: str) -> str:
    v = value.strip().lower()
    if v == "auto":
        return "5" if url.strip() else "3.1.1"
    if v not in {"5", "3.1.1"}:
        raise ValueError(f"IOC_MQTT_PROTOCOL must be 5, 3.1.1 or auto, not {value!r}")
    return v


def load(env: dict[str, str] | None = None) -> Config:
    """Read the configuration from ``env`` (default: ``os.environ``); raise on bad
    values."""
    env = dict(os.environ if env is None else env)
    role = _get(env, "IOC_ROLE").strip().lower()
    if role not in {"web", "ingest", "pollers", "all"}:
        raise ValueError(f"IOC_ROLE must be web, ingest, pollers or all, not {role!r}")
    db = _get(env, "IOC_DATABASE_URL").strip()
    if not db:
        db = f"sqlite:///{ROOT / 'data' / 'ioc.db'}"
    profile = Path(_get(env, "IOC_PROFILE"))
    if not profile.is_absolute():
        profile = ROOT / profile
    feeds = tuple(
        u.strip() for u in _get(env, "IOC_PRESS_FEEDS").split(",") if u.strip()
    )
    cfg = Config(
        database_url=db,
        mqtt_url=_get(env, "IOC_MQTT_URL").strip(),
        mqtt_embedded_port=int(_get(env, "IOC_MQTT_EMBEDDED_PORT")),
        mqtt_protocol=_mqtt_protocol(
            _get(env, "IOC_MQTT_PROTOCOL"), _get(env, "IOC_MQTT_URL")
        ),
        mqtt_ca_file=_get(env, "IOC_MQTT_CA_FILE"),
        mqtt_client_id=_get(env, "IOC_MQTT_CLIENT_ID"),
        mqtt_shared_group=_get(env, "IOC_MQTT_SHARED_GROUP").strip(),
        mqtt_topic=_get(env, "IOC_MQTT_TOPIC"),
        ingest_batch=int(_get(env, "IOC_INGEST_BATCH")),
        ingest_flush_ms=int(_get(env, "IOC_INGEST_FLUSH_MS")),
        ingest_buffer=int(_get(env, "IOC_INGEST_BUFFER")),
        host=_get(env, "IOC_HOST"),
        port=int(_get(env, "IOC_PORT")),
        role=role,
        simulate=_bool(_get(env, "IOC_SIMULATE")),
        sim_sensors=int(_get(env, "IOC_SIM_SENSORS")),
        sim_rate=float(_get(env, "IOC_SIM_RATE")),
        sim_seed=int(_get(env, "IOC_SIM_SEED")),
        sim_http_port=int(_get(env, "IOC_SIM_HTTP_PORT")),
        profile=profile,
        press_feeds=feeds,
        open311_url=_get(env, "IOC_OPEN311_URL").strip(),
        poll_timeout_s=float(_get(env, "IOC_POLL_TIMEOUT_S")),
        backfill_days=int(_get(env, "IOC_BACKFILL_DAYS")),
        log_level=_get(env, "IOC_LOG_LEVEL").upper(),
        map_tiles=_get(env, "IOC_MAP_TILES").strip(),
        admin_user=_get(env, "IOC_ADMIN_USER").strip().lower(),
        admin_password=_get(env, "IOC_ADMIN_PASSWORD"),
        api_key=_get(env, "IOC_API_KEY").strip(),
        api_key_role=_get(env, "IOC_API_KEY_ROLE").strip(),
        open311_api_key=_get(env, "IOC_OPEN311_API_KEY").strip(),
        shared_reads=_bool(_get(env, "IOC_SHARED_READS")),
        session_idle_min=int(_get(env, "IOC_SESSION_IDLE_MINUTES")),
        session_hours=int(_get(env, "IOC_SESSION_HOURS")),
        cookie_secure=_get(env, "IOC_COOKIE_SECURE").strip().lower(),
        login_max_failures=int(_get(env, "IOC_LOGIN_MAX_FAILURES")),
        trusted_proxies=int(_get(env, "IOC_TRUSTED_PROXIES")),
        mqtt_anonymous=_bool(_get(env, "IOC_MQTT_ANONYMOUS")),
        mqtt_password_file=_get(env, "IOC_MQTT_PASSWORD_FILE").strip(),
    )
    if (
        cfg.ingest_batch < 1
        or cfg.ingest_flush_ms < 1
        or cfg.ingest_buffer < cfg.ingest_batch
    ):
        raise ValueError(
            "IOC_INGEST_BATCH, IOC_INGEST_FLUSH_MS must be positive and "
            "IOC_INGEST_BUFFER at least IOC_INGEST_BATCH"
        )
    if cfg.cookie_secure not in {"auto", "1", "0"}:
        raise ValueError("IOC_COOKIE_SECURE must be auto, 1 or 0")
    if min(cfg.session_idle_min, cfg.session_hours, cfg.login_max_failures) < 1:
        raise ValueError(
            "IOC_SESSION_IDLE_MINUTES, IOC_SESSION_HOURS and "
            "IOC_LOGIN_MAX_FAILURES must be positive"
        )
    if cfg.sim_rate <= 0:
        raise ValueError("IOC_SIM_RATE must be positive")
    return cfg
