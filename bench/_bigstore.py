"""A big SQLite store for the dashboard benchmarks, built once and cached.

    .venv/bin/python -m bench._bigstore [--quick]

Full: the province's fleet grown to 500 sensors (``province.build_fleet``), 30 days at
one reading a minute per sensor: 21.6 million readings. Each minute a sensor sends one
reading of one of its metrics in turn (an air station's six pollutants each every six
minutes, a noise meter's LAeq every minute), so every metric has data and the store
holds the issue's ~20 million rows rather than the 74 million that every metric every
minute would give. Sensors are stored with a 60 s period, since that is how often they
speak. Quick: the profile's 62 sensors over 2 days (~180,000 readings).

How it is filled (the fastest honest way): values come from the simulator
(``SensorFleet.history``, the code ``tools.backfill`` uses), readings go in with
sqlite3 ``executemany`` in primary-key order inside one big transaction per sensor,
and both rollups are then computed by SQL from that sensor's raw readings, with the
same arithmetic as ``store.rollups.recompute`` (which scans the whole table by time
and would be much slower here); ``latest_values`` and ``sensors.last_seen_ms`` are
set from the newest readings. ``check`` holds a sample of the rollups equal to
``store.rollups.deltas`` of the raw rows. After the fill, ``alerting.evaluate`` runs
once so that the alert list has episodes.

The store is cached under bench/.data/ with the time it ends; a later run tops it up
to now (same generator, same SQL), so the newest data is always current.
"""

from __future__ import annotations

import argparse
import logging
import math
import sqlite3
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import config
import province
from simulators.sensors import SensorFleet
from store import alerting, migrate, rollups, writes
from store.db import make_engine
from store.metrics import METRICS

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / ".data"
MINUTE_MS = 60_000
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
SEED = 42
PERIOD_S = 60.0


@dataclass(frozen=True)
class Size:
    sensors: int
    days: int

    @property
    def name(self) -> str:
        return f"dash-{self.sensors}x{self.days}d"


FULL = Size(500, 30)
QUICK = Size(62, 2)


@dataclass
class Store:
    path: Path
    url: str
    sensors: int
    readings: int
    fill_s: float  # time of the initial fill (from the cache's note when reused)
    topup_s: float  # time of this run's top-up to now
    reused: bool


def fleet(size: Size) -> list[province.SensorSpec]:
    profile = province.load_profile(config.load().profile, known_metrics=set(METRICS))
    specs = province.build_fleet(profile, size.sensors)
    return [
        replace(
            s, period_s=PERIOD_S, metrics=tuple(m for m in s.metrics if m in METRICS)
        )
        for s in specs
    ]


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")  # 400 MB
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def _rows(
    fl: SensorFleet, spec: province.SensorSpec, start_ms: int, end_ms: int
) -> dict[str, list[tuple[str, str, int, float]]]:
    """One reading a minute in (start_ms, end_ms], metric by turn: {metric: rows}."""
    start = datetime.fromtimestamp(start_ms / 1000, UTC)
    end = datetime.fromtimestamp(end_ms / 1000, UTC)
    ts, values = fl.history(spec, start, end, 60)
    metrics = list(spec.metrics)
    out: dict[str, list] = {m: [] for m in metrics}
    k = len(metrics)
    arrays = [values[m].tolist() for m in metrics]
    for i, t in enumerate(ts.tolist()):
        j = (t // MINUTE_MS) % k
        v = arrays[j][i]
        if math.isfinite(v):
            out[metrics[j]].append((spec.id, metrics[j], t, v))
    return out


_ROLLUP_SQL = (
    "INSERT INTO {table} (sensor_id, metric, bucket, count, sum, min, max) "
    "SELECT sensor_id, metric, ts - ts % {size}, count(*), sum(value), min(value), "
    "max(value) FROM readings WHERE sensor_id = ? AND ts >= ? AND ts < ? "
    "GROUP BY sensor_id, metric, ts - ts % {size}"
)


def _fill_range(
    conn: sqlite3.Connection,
    specs: list[province.SensorSpec],
    start_ms: int,
    end_ms: int,
) -> int:
    """Readings in (start_ms, end_ms] for every sensor, then its rollups of the
    buckets that range touches rebuilt from raw rows; returns readings written."""
    fl = SensorFleet(specs, seed=SEED)
    total = 0
    for spec in specs:
        by_metric = _rows(fl, spec, start_ms, end_ms)
        conn.execute("BEGIN")
        for metric in sorted(by_metric):
            rows = by_metric[metric]
            conn.executemany(
                "INSERT OR IGNORE INTO readings (sensor_id, metric, ts, value) "
                "VALUES (?, ?, ?, ?)",
                rows,
            )
            total += len(rows)
            if rows:
                conn.execute(
                    "INSERT INTO latest_values (sensor_id, metric, ts, value) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (sensor_id, metric) DO UPDATE "
                    "SET ts = excluded.ts, value = excluded.value "
                    "WHERE excluded.ts > latest_values.ts",
                    rows[-1],
                )
        for size, table in ((MINUTE_MS, "rollup_1m"), (HOUR_MS, "rollup_1h")):
            lo = (start_ms + 1) - (start_ms + 1) % size
            hi = end_ms - end_ms % size + size
            conn.execute(
                f"DELETE FROM {table} WHERE sensor_id = ? AND bucket >= ? "
                "AND bucket < ?",
                (spec.id, lo, hi),
            )
            conn.execute(_ROLLUP_SQL.format(table=table, size=size), (spec.id, lo, hi))
        conn.execute(
            "UPDATE sensors SET last_seen_ms = (SELECT max(ts) FROM latest_values "
            "WHERE sensor_id = ?) WHERE id = ?",
            (spec.id, spec.id),
        )
        conn.execute("COMMIT")
    return total


def check(conn: sqlite3.Connection, sensor_id: str, start_ms: int, end_ms: int) -> None:
    """The stored rollups of one sensor over a range equal ``rollups.deltas`` of its
    raw rows (the ingest's own aggregation)."""
    raw = conn.execute(
        "SELECT sensor_id, metric, ts, value FROM readings WHERE sensor_id = ? "
        "AND ts >= ? AND ts < ?",
        (sensor_id, start_ms, end_ms),
    ).fetchall()
    for size, table in ((MINUTE_MS, "rollup_1m"), (HOUR_MS, "rollup_1h")):
        want = rollups.deltas(raw, size)
        got = {
            (s, m, b): [c, total, lo, hi]
            for s, m, b, c, total, lo, hi in conn.execute(
                f"SELECT sensor_id, metric, bucket, count, sum, min, max FROM {table} "
                "WHERE sensor_id = ? AND bucket >= ? AND bucket < ?",
                (sensor_id, start_ms, end_ms),
            )
        }
        assert set(got) == set(want), f"{table}: buckets differ"
        for key, (c, total, lo, hi) in want.items():
            g = got[key]
            assert g[0] == c and abs(g[1] - total) < 1e-6 * max(1, abs(total)), key
            assert g[2] == lo and g[3] == hi, key


def _meta(conn: sqlite3.Connection) -> dict[str, float]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS bench_meta (key TEXT PRIMARY KEY, value REAL)"
    )
    return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())


def _set_meta(conn: sqlite3.Connection, **values: float) -> None:
    conn.executemany(
        "INSERT INTO bench_meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
        "DO UPDATE SET value = excluded.value",
        list(values.items()),
    )


def build(quick: bool = False, fresh: bool = False) -> Store:
    """The cached store of this size, built if missing and topped up to now."""
    size = QUICK if quick else FULL
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"{size.name}.db"
    specs = fleet(size)
    now = writes.now_ms()
    end = now - now % MINUTE_MS
    reused = path.exists() and not fresh
    if not reused:
        tmp = path.with_suffix(".tmp")
        for p in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            p.unlink(missing_ok=True)
        engine = make_engine(f"sqlite:///{tmp}")
        migrate.upgrade(engine)
        writes.sync_sensors(engine, writes.sensor_rows(specs))
        engine.dispose()
        conn = _connect(tmp)
        conn.execute("PRAGMA journal_mode=OFF")
        t0 = time.perf_counter()
        start = end - size.days * DAY_MS
        n = _fill_range(conn, specs, start, end)
        fill_s = time.perf_counter() - t0
        first = end - 2 * DAY_MS + HOUR_MS - (end - 2 * DAY_MS) % HOUR_MS
        check(conn, specs[0].id, first, first + 12 * HOUR_MS)
        conn.execute("PRAGMA journal_mode=WAL")
        _meta(conn)
        _set_meta(conn, end_ms=end, fill_s=fill_s, readings=n)
        conn.execute("ANALYZE")
        conn.close()
        tmp.rename(path)
        log.info("filled %d readings for %d sensors in %.1f s", n, len(specs), fill_s)
        topup_s = 0.0
    conn = _connect(path)
    meta = _meta(conn)
    t1 = time.perf_counter()
    if reused and end > meta["end_ms"]:
        added = _fill_range(conn, specs, int(meta["end_ms"]), end)
        _set_meta(conn, end_ms=end, readings=meta["readings"] + added)
        meta = _meta(conn)
    topup_s = time.perf_counter() - t1
    conn.close()
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    alerting.evaluate(engine)  # open episodes for what is beyond its limits now
    engine.dispose()
    return Store(
        path,
        url,
        len(specs),
        int(meta["readings"]),
        float(meta["fill_s"]),
        topup_s,
        reused,
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--fresh", action="store_true", help="rebuild even if cached")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    s = build(args.quick, args.fresh)
    print(
        f"{s.path}: {s.sensors} sensors, {s.readings:,} readings; "
        f"fill {s.fill_s:.1f} s{' (cached)' if s.reused else ''}, "
        f"top-up {s.topup_s:.1f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
