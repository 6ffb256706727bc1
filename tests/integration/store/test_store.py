"""The store on SQLite and PostgreSQL: idempotent writes, rollups, series, health."""

from __future__ import annotations

import random

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from store import queries, rollups, writes
from store.schema import Base, Rollup1h, Rollup1m
from store.writes import Dead, Row
from tests.helpers import sensor_row

T0 = 1_795_000_000_000 - 1_795_000_000_000 % 3_600_000  # an hour boundary in 2026


def _sensor(sensor_id: str = "aq-1", period_s: float = 10.0) -> dict:
    return sensor_row(sensor_id, period_s=period_s)


def _rollup_rows(engine, table) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                table.sensor_id,
                table.metric,
                table.bucket,
                table.count,
                table.sum,
                table.min,
                table.max,
            ).order_by(table.sensor_id, table.metric, table.bucket)
        ).all()
    return [(r[0], r[1], r[2], r[3], round(r[4], 6), r[5], r[6]) for r in rows]


def test_schema_matches_the_models_after_migrations(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_redelivered_readings_are_stored_once(engine):
    writes.sync_sensors(engine, [_sensor()])
    rows = [Row("aq-1", "pm25", T0 + i * 1000, float(i)) for i in range(50)]
    first = writes.write_batch(engine, rows)
    again = writes.write_batch(
        engine, rows[10:] + [Row("aq-1", "pm25", T0 + 99_000, 7.0)]
    )
    assert (first.inserted, first.duplicates) == (50, 0)
    assert (again.inserted, again.duplicates) == (1, 40)
    df = queries.series(engine, "aq-1", "pm25", T0, T0 + 120_000, step_s=120)
    assert df["count"].tolist() == [51]
    assert df["mean"].iloc[0] == pytest.approx((sum(range(50)) + 7.0) / 51)


def test_rollups_equal_a_recomputation_from_raw_rows(engine):
    """Batches with late, out-of-order and repeated readings, merged incrementally, give
    the same rollups as rebuilding them from the raw rows."""
    writes.sync_sensors(engine, [_sensor("aq-1"), _sensor("aq-2")])
    rng = random.Random(7)
    all_rows = [
        Row(
            rng.choice(["aq-1", "aq-2"]),
            rng.choice(["pm25", "pm10"]),
            T0 + rng.randrange(0, 3 * 3_600_000),
            round(rng.uniform(0, 300), 2),
        )
        for _ in range(3000)
    ]
    rng.shuffle(all_rows)
    for i in range(0, len(all_rows), 250):
        batch = all_rows[i : i + 250]
        writes.write_batch(engine, batch + batch[:20])  # repeats inside a batch
    writes.write_batch(engine, all_rows[:500])  # a redelivered stretch, late
    merged = (_rollup_rows(engine, Rollup1m), _rollup_rows(engine, Rollup1h))
    with engine.begin() as conn:
        rollups.recompute(conn, T0 - 3_600_000, T0 + 5 * 3_600_000)
    rebuilt = (_rollup_rows(engine, Rollup1m), _rollup_rows(engine, Rollup1h))
    assert merged == rebuilt
    assert sum(r[3] for r in rebuilt[1]) == len(
        {(r.sensor_id, r.metric, r.ts_ms) for r in all_rows}
    )


def test_a_reading_hours_late_lands_in_its_own_bucket(engine):
    writes.sync_sensors(engine, [_sensor()])
    writes.write_batch(engine, [Row("aq-1", "pm25", T0 + 5 * 3_600_000, 10.0)])
    writes.write_batch(engine, [Row("aq-1", "pm25", T0 + 60_500, 90.0)])  # 5 h late
    hourly = queries.series(engine, "aq-1", "pm25", T0, T0 + 6 * 3_600_000, step_s=3600)
    assert hourly["ts"].tolist() == [T0, T0 + 5 * 3_600_000]
    assert hourly["mean"].tolist() == [90.0, 10.0]
    latest = queries.latest(engine, "aq-1")
    assert latest["value"].tolist() == [10.0]  # the late reading is not "latest"


def test_series_reads_rollups_for_long_ranges_and_bounds_points(engine):
    writes.sync_sensors(engine, [_sensor()])
    rows = [
        Row("aq-1", "pm25", T0 + i * 60_000, float(i % 60)) for i in range(3 * 24 * 60)
    ]
    writes.write_batch(engine, rows)
    end = T0 + 3 * 86_400_000
    auto = queries.auto_step_s(T0, end)
    df = queries.series(engine, "aq-1", "pm25", T0, end)
    assert queries.series_source(auto) in {"rollup_1m", "rollup_1h"}
    assert 0 < len(df) <= queries.TARGET_POINTS
    assert df["count"].sum() == len(rows)
    raw = queries.series(
        engine, "aq-1", "pm25", T0, end, step_s=auto, source="readings"
    )
    assert raw["mean"].round(9).tolist() == df["mean"].round(9).tolist()
    with pytest.raises(ValueError, match="points"):
        queries.series(engine, "aq-1", "pm25", T0, end, step_s=1)


def test_daily_buckets_start_at_vietnam_midnight(engine):
    writes.sync_sensors(engine, [_sensor()])
    midnight_vn = 1_795_021_200_000 - (1_795_021_200_000 + 7 * 3_600_000) % 86_400_000
    writes.write_batch(
        engine,
        [
            Row("aq-1", "pm25", midnight_vn - 60_000, 1.0),
            Row("aq-1", "pm25", midnight_vn + 60_000, 3.0),
        ],
    )
    df = queries.series(
        engine,
        "aq-1",
        "pm25",
        midnight_vn - 86_400_000,
        midnight_vn + 86_400_000,
        step_s=86400,
    )
    assert df["ts"].tolist() == [midnight_vn - 86_400_000, midnight_vn]


def test_sensor_freshness_turns_stale_then_offline(engine):
    writes.sync_sensors(engine, [_sensor(period_s=10)])
    assert queries.sensors(engine)["state"].tolist() == ["never"]
    writes.write_batch(engine, [Row("aq-1", "pm25", T0, 1.0)])
    states = [
        queries.sensors(engine, at_ms=T0 + s * 1000)["state"].iloc[0]
        for s in (5, 29, 31, 299, 301)
    ]
    assert states == ["ok", "ok", "stale", "stale", "offline"]


def test_dead_letters_and_source_health_are_recorded(engine):
    writes.write_batch(
        engine, [], [Dead("ioc/sensors/x/data", "{bad", "bad_json: ...", T0)]
    )
    writes.record_health(engine, "rss:a", "rss", True, duration_ms=12.0, at_ms=T0)
    writes.record_health(engine, "rss:a", "rss", False, error="timeout", at_ms=T0 + 1)
    writes.record_health(engine, "rss:a", "rss", False, error="HTTP 500", at_ms=T0 + 2)
    h = queries.source_health(engine).iloc[0]
    assert (
        h.status,
        h.ok_count,
        h.error_count,
        h.consecutive_errors,
        h.error_text,
        h.last_ok_ms,
    ) == ("error", 1, 2, 2, "HTTP 500", T0)
    writes.record_health(engine, "rss:a", "rss", True, at_ms=T0 + 3)
    h = queries.source_health(engine).iloc[0]
    assert (h.status, h.consecutive_errors) == ("ok", 0)
    dead = queries.dead_letters(engine)
    assert dead[["source", "reason"]].values.tolist() == [
        ["ioc/sensors/x/data", "bad_json: ..."]
    ]


def test_sql_text_in_values_is_stored_as_data(engine):
    evil = "x'); DROP TABLE readings; --"
    writes.write_batch(engine, [], [Dead(evil, evil, evil, T0)])
    assert queries.dead_letters(engine)["payload"].tolist() == [evil]
    assert queries.series(engine, evil, evil, T0, T0 + 1000).empty


def test_only_one_holder_gets_a_lease_until_it_expires(engine):
    from store import leases

    assert leases.acquire(engine, "scheduler", "a", 30_000, at_ms=T0)
    assert not leases.acquire(engine, "scheduler", "b", 30_000, at_ms=T0 + 1000)
    assert leases.acquire(
        engine, "scheduler", "a", 30_000, at_ms=T0 + 20_000
    )  # renewal
    assert not leases.acquire(engine, "scheduler", "b", 30_000, at_ms=T0 + 40_000)
    assert leases.acquire(
        engine, "scheduler", "b", 30_000, at_ms=T0 + 50_001
    )  # expired
    leases.release(engine, "scheduler", "b")
    assert leases.acquire(engine, "scheduler", "a", 30_000, at_ms=T0 + 50_002)


def test_state_counts_follow_freshness_at_its_edges(engine):
    from sqlalchemy import update

    from store.schema import Sensor

    at = T0 + 10 * 3_600_000
    ages_ms = {
        "s-ok": 0,
        "s-ok-edge": 30_000,  # exactly 3 periods of 10 s: still ok
        "s-stale": 30_001,
        "s-stale-edge": 300_000,  # exactly 30 periods: still stale
        "s-offline": 300_001,
        "s-never": None,
    }
    writes.sync_sensors(engine, [_sensor(i, period_s=10.0) for i in ages_ms])
    with engine.begin() as conn:
        for sensor_id, age in ages_ms.items():
            conn.execute(
                update(Sensor)
                .where(Sensor.id == sensor_id)
                .values(last_seen_ms=None if age is None else at - age)
            )
    expected = queries.sensors(engine, at_ms=at)["state"].value_counts().to_dict()
    counts = queries.state_counts(engine, at_ms=at)
    assert counts == {
        "total": 6,
        "ok": 2,
        "stale": 2,
        "offline": 1,
        "never": 1,
    }
    assert {k: v for k, v in counts.items() if k != "total" and v} == expected
