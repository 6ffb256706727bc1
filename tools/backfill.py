"""Fill the store with N days of simulated history, so a fresh install shows 30-day
charts.

    python -m tools.backfill --days 30 [--step 600] [--size 0]

Readings are insert-or-ignore, rollups are recomputed from raw rows for the range:
running it twice, or over live data, double-counts nothing.
"""

from __future__ import annotations

import argparse
import logging
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

import config
import province
from simulators.sensors import SensorFleet
from store import migrate, rollups, writes
from store.db import make_engine
from store.metrics import METRICS
from store.schema import Reading
from store.upsert import insert_for

log = logging.getLogger(__name__)
CHUNK = 20_000


def backfill(
    engine: Engine,
    specs: list[province.SensorSpec],
    days: float,
    seed: int,
    step_s: int = 600,
    end: datetime | None = None,
) -> int:
    """Write ``days`` of history ending at ``end`` (default: now) for every sensor."""
    end = end or datetime.now(UTC)
    start = end - timedelta(days=days)
    fleet = SensorFleet(specs, seed=seed)
    t0 = time.perf_counter()
    total = 0
    table = Reading.__table__
    for spec in specs:
        ts, values = fleet.history(spec, start, end, step_s)
        rows = []
        for metric, arr in values.items():
            if metric not in METRICS:
                continue
            rows.extend(
                {
                    "sensor_id": spec.id,
                    "metric": metric,
                    "ts": int(t),
                    "value": float(v),
                }
                for t, v in zip(ts.tolist(), arr.tolist(), strict=True)
            )
        with engine.begin() as conn:
            stmt = insert_for(conn, table).on_conflict_do_nothing()
            for i in range(0, len(rows), CHUNK):
                conn.execute(stmt, rows[i : i + CHUNK])
        total += len(rows)
    start_ms = int(start.timestamp() * 1000)
    end_ms = int(end.timestamp() * 1000)
    with engine.begin() as conn:
        rollups.recompute(conn, start_ms, end_ms)
    log.info(
        "backfilled %d readings for %d sensors over %.1f days in %.1f s",
        total,
        len(specs),
        days,
        time.perf_counter() - t0,
    )
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=30)
    parser.add_argument(
        "--step", type=int, default=600, help="seconds between readings"
    )
    parser.add_argument(
        "--size", type=int, default=None, help="fleet size (IOC_SIM_SENSORS)"
    )
    args = parser.parse_args()
    cfg = config.load()
    logging.basicConfig(
        level=cfg.log_level, format="%(asctime)s %(levelname)s %(message)s"
    )
    engine = make_engine(cfg.database_url)
    migrate.upgrade(engine)
    profile = province.load_profile(cfg.profile, known_metrics=set(METRICS))
    specs = province.build_fleet(
        profile, cfg.sim_sensors if args.size is None else args.size
    )
    writes.sync_sensors(engine, writes.sensor_rows(specs))
    n = backfill(engine, specs, args.days, cfg.sim_seed, step_s=args.step)
    print(f"backfilled {n} readings")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
