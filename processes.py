"""Start and stop the parts of the system one process runs (IOC_ROLE).

all     : migrations, embedded broker (when IOC_MQTT_URL is unset), ingest, pollers,
          simulators (when IOC_SIMULATE=1) and, from app.py, the web app
web     : migrations only here; app.py or gunicorn serves the web app
ingest  : migrations, the MQTT ingest (and the embedded broker when no URL is set)
pollers : migrations, the scheduler with every poller (run exactly one such process)
"""

from __future__ import annotations

import functools
import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

import config as config_module
import province
from config import Config
from datasources import registry
from datasources.broker import EmbeddedBroker
from datasources.mqtt_ingest import IngestSettings, MqttIngest
from datasources.scheduler import Job, start_scheduler
from store import accounts, audit, migrate, runtime, writes
from store.db import make_engine
from store.metrics import METRICS
from store.schema import Reading

log = logging.getLogger(__name__)


def scheduled_reports_job(engine: Engine) -> Job:
    """The daily and weekly briefings (reports.scheduled), checked every minute by
    the scheduler lease's holder; each slot is made once (a unique key)."""
    from reports import scheduled

    return Job(
        "reports", scheduled.EVERY_S, functools.partial(scheduled.run_due, engine)
    )


def open_store(cfg: Config) -> Engine:
    """The store's engine, tried with one connection: an unreachable database is a
    one-line ConfigError naming IOC_DATABASE_URL (its password masked), not the
    first query's traceback."""
    engine = make_engine(cfg.database_url)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        engine.dispose()
        text = str(getattr(exc, "orig", None) or exc)
        reason = next((x.strip() for x in text.splitlines() if x.strip()), "")
        url = engine.url.render_as_string(hide_password=True)
        raise config_module.ConfigError(
            f"IOC_DATABASE_URL={url!r} cannot be reached: {reason}; expected a "
            "database that runs and accepts these credentials"
        ) from exc
    return engine


def _port_taken(name: str, port: int, exc: Exception) -> config_module.ConfigError:
    reason = exc.__cause__ or exc
    return config_module.ConfigError(
        f"{name}={port} cannot be served on 127.0.0.1: "
        f"{getattr(reason, 'strerror', None) or reason}; expected a free port "
        "(is another IOC running?)"
    )


def bootstrap_accounts(engine: Engine, cfg: Config) -> None:
    """The first admin when there is no user yet (IOC_ADMIN_USER/PASSWORD, or a random
    password printed once, never a built-in one), and IOC_API_KEY."""
    if accounts.user_count(engine) == 0:
        password = cfg.admin_password
        generated = not password
        if generated:
            password = secrets.token_urlsafe(15)
        try:
            accounts.create_user(engine, cfg.admin_user, password, ["admin"], "Admin")
        except (accounts.AccountError, IntegrityError):
            return  # another process of the system created it at the same moment
        audit.record(
            engine,
            "system",
            "users.create",
            cfg.admin_user,
            {"roles": ["admin"], "first_admin": True},
            actor_kind="system",
        )
        if generated:
            # Console only (never the log file): the one time it is shown.
            print(
                f"First admin created: user {cfg.admin_user!r}, password "
                f"{password!r} (shown once; change it on /he-thong)",
                flush=True,
            )
        else:
            log.info("first admin %r created from IOC_ADMIN_PASSWORD", cfg.admin_user)
    if cfg.api_key and accounts.ensure_api_key(
        engine, "IOC_API_KEY", cfg.api_key, [cfg.api_key_role]
    ):
        audit.record(
            engine,
            "system",
            "apikeys.issue",
            "IOC_API_KEY",
            {"roles": [cfg.api_key_role]},
            actor_kind="system",
        )


@dataclass
class Services:
    cfg: Config
    engine: Engine | None = None
    broker: EmbeddedBroker | None = None
    ingest: MqttIngest | None = None
    scheduler: Any = None
    http_client: Any = None
    systems_server: Any = None
    publisher_stop: threading.Event = field(default_factory=threading.Event)
    publisher_client: Any = None
    threads: list[threading.Thread] = field(default_factory=list)

    @property
    def mqtt_url(self) -> str:
        """The broker URL of this process's own clients: the embedded broker's, with
        its per-start credentials, or IOC_MQTT_URL."""
        if self.broker is not None:
            return self.broker.url
        return self.cfg.effective_mqtt_url

    def start(self) -> Services:
        cfg = self.cfg
        self.engine = open_store(cfg)
        migrate.upgrade(self.engine)
        bootstrap_accounts(self.engine, cfg)
        runtime.set_engine(self.engine)
        profile = province.load_profile(cfg.profile, known_metrics=set(METRICS))
        fleet_specs = province.build_fleet(
            profile, cfg.sim_sensors if cfg.simulate else 0
        )
        writes.sync_sensors(self.engine, writes.sensor_rows(fleet_specs))
        log.info("%d sensors registered from %s", len(fleet_specs), cfg.profile.name)

        needs_broker = cfg.runs("ingest") or (cfg.role == "all" and cfg.simulate)
        if cfg.embedded_broker and needs_broker:
            try:
                self.broker = EmbeddedBroker(
                    "127.0.0.1",
                    cfg.mqtt_embedded_port,
                    allow_anonymous=cfg.mqtt_anonymous,
                    password_file=cfg.mqtt_password_file,
                    reserved_client_ids=(cfg.mqtt_client_id,),
                ).start()
            except (OSError, RuntimeError) as exc:
                raise _port_taken(
                    "IOC_MQTT_EMBEDDED_PORT", cfg.mqtt_embedded_port, exc
                ) from exc
        if cfg.runs("ingest"):
            self.ingest = MqttIngest(
                self.engine,
                IngestSettings(
                    url=self.mqtt_url,
                    client_id=cfg.mqtt_client_id,
                    topic=cfg.mqtt_topic,
                    protocol=cfg.mqtt_protocol,
                    shared_group=cfg.mqtt_shared_group,
                    ca_file=cfg.mqtt_ca_file,
                    batch=cfg.ingest_batch,
                    flush_ms=cfg.ingest_flush_ms,
                    buffer=cfg.ingest_buffer,
                    origin="IOC_MQTT_URL"
                    if cfg.mqtt_url
                    else "the embedded broker, IOC_MQTT_EMBEDDED_PORT",
                    dead_per_minute=cfg.dead_per_minute,
                    dead_keep_days=cfg.dead_keep_days,
                    dead_max_rows=cfg.dead_max_rows,
                    spill_path=config_module.ROOT
                    / "data"
                    / f"spill-{cfg.mqtt_client_id}.jsonl",
                ),
            ).start()
        if cfg.role == "all" and cfg.simulate:
            self._start_simulators(profile, fleet_specs)
        if cfg.runs("pollers"):
            pollers = registry.build_all(cfg)
            if pollers:
                self.scheduler, self.http_client = start_scheduler(
                    self.engine,
                    pollers,
                    timeout_s=cfg.poll_timeout_s,
                    jobs=[scheduled_reports_job(self.engine)],
                )
        return self

    def _start_simulators(
        self, profile: province.Profile, specs: list[province.SensorSpec]
    ) -> None:
        from simulators.sensors import SensorFleet, SensorPublisher, connect_client
        from simulators.systems import start_systems_server

        cfg = self.cfg
        try:
            self.systems_server, _ = start_systems_server(
                "127.0.0.1", cfg.sim_http_port, profile, cfg.sim_seed
            )
        except OSError as exc:
            raise _port_taken("IOC_SIM_HTTP_PORT", cfg.sim_http_port, exc) from exc
        if cfg.backfill_days > 0 and self._store_is_empty():
            from tools.backfill import backfill

            # In the background: the app is usable at once, history fills in behind it.
            t = threading.Thread(
                target=backfill,
                name="backfill",
                daemon=True,
                args=(self.engine, specs),
                kwargs={"days": cfg.backfill_days, "seed": cfg.sim_seed},
            )
            t.start()
        fleet = SensorFleet(specs, seed=cfg.sim_seed, rate=cfg.sim_rate)
        self.publisher_client = connect_client(self.mqtt_url, "ioc-simulator")
        publisher = SensorPublisher(fleet, self.publisher_client, self.publisher_stop)
        t = threading.Thread(target=publisher.run, name="sensor-simulator", daemon=True)
        t.start()
        self.threads.append(t)

    def _store_is_empty(self) -> bool:
        with self.engine.connect() as conn:
            return (
                conn.execute(
                    select(func.count()).select_from(
                        select(Reading.ts).limit(1).subquery()
                    )
                ).scalar_one()
                == 0
            )

    def stop(self) -> None:
        self.publisher_stop.set()
        for t in self.threads:
            t.join(timeout=5)
        if self.publisher_client is not None:
            self.publisher_client.disconnect()
            self.publisher_client.loop_stop()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.http_client.close()
        if self.ingest is not None:
            self.ingest.stop()
        if self.systems_server is not None:
            self.systems_server.shutdown()
        if self.broker is not None:
            self.broker.stop()
        if self.engine is not None:
            self.engine.dispose()
