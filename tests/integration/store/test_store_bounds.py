"""What the store keeps of bad and repeated input: dead letters are short excerpts,
capped per source and minute (the rest counted) and pruned; a device's correction of a
reading wins, with the old value kept. On SQLite and PostgreSQL."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from store import rollups, writes
from store.schema import (
    DeadLetter,
    DeadLetterMinute,
    LatestValue,
    Reading,
    ReadingCorrection,
    Rollup1h,
    Rollup1m,
)
from store.writes import Dead, Row, now_ms, payload_text
from tests.helpers import sensor_row
from tests.integration.store.test_store import _rollup_rows

MINUTE = 60_000
T0 = (now_ms() // 3_600_000 - 2) * 3_600_000  # the start of an hour, 2 hours ago


def _big_payload(i: int) -> bytes:
    return json.dumps({"id": f"nobody-{i}", "blob": "x" * 60_000}).encode()


def test_a_flood_of_large_unknown_messages_keeps_short_excerpts_under_a_cap(engine):
    dead = [
        Dead(f"ioc/sensors/nobody-{i}/data", payload_text(_big_payload(i)), "x", T0 + i)
        for i in range(3000)
    ]
    kept = dropped = 0
    for i in range(0, len(dead), 500):
        result = writes.write_batch(engine, [], dead[i : i + 500], dead_per_minute=60)
        kept += result.dead
        dropped += result.dead_dropped
    assert (kept, dropped) == (60, 2940)
    with engine.connect() as conn:
        rows = conn.execute(
            select(func.count(), func.max(func.length(DeadLetter.payload)))
        ).one()
        counted = conn.execute(
            select(DeadLetterMinute.kept, DeadLetterMinute.dropped)
        ).all()
    assert rows[0] == 60
    assert rows[1] < 1_200, "a dead letter keeps an excerpt, not 60 KB"
    assert counted == [(60, 2940)]
    # The excerpt says how large the payload was.
    assert payload_text(_big_payload(1)).endswith("bytes]")


def test_the_cap_is_per_channel_and_minute(engine):
    dead = [Dead("t", "{}", "bad", T0 + i, channel="mqtt") for i in range(10)]
    dead += [Dead("t", "{}", "bad", T0 + MINUTE + i, channel="mqtt") for i in range(10)]
    dead += [Dead("f", "<x>", "bad", T0 + i, channel="rss") for i in range(10)]
    result = writes.write_batch(engine, [], dead, dead_per_minute=4)
    assert (result.dead, result.dead_dropped) == (12, 18)
    again = writes.write_batch(engine, [], dead[:3], dead_per_minute=4)
    assert (again.dead, again.dead_dropped) == (0, 3), "the minute's room is used up"


def test_retention_prunes_old_dead_letters_and_keeps_at_most_the_newest(engine):
    old = [Dead("t", "{}", "old", T0 - 10 * 86_400_000 + i) for i in range(5)]
    new = [Dead("t", "{}", "new", T0 + i * MINUTE) for i in range(30)]
    writes.write_batch(engine, [], old + new, dead_per_minute=100)
    deleted = writes.prune(engine, dead_keep_days=7, dead_max_rows=20, at_ms=T0 + 1)
    assert deleted["dead_letters"] == 15
    with engine.connect() as conn:
        reasons = conn.execute(select(DeadLetter.reason, DeadLetter.ts)).all()
        minutes = conn.execute(select(func.min(DeadLetterMinute.minute_ms))).scalar()
    assert len(reasons) == 20
    assert {r for r, _ in reasons} == {"new"}
    assert min(ts for _, ts in reasons) == T0 + 10 * MINUTE, "the newest are kept"
    assert minutes >= T0 - 7 * 86_400_000


def _rollups(engine) -> dict:
    return {t.__tablename__: _rollup_rows(engine, t) for t in (Rollup1m, Rollup1h)}


def test_a_corrected_reading_replaces_the_value_and_keeps_the_old_one(engine):
    writes.sync_sensors(engine, [sensor_row()])
    sid = "aq-kinh-bac-01"
    first = writes.write_batch(
        engine,
        [Row(sid, "pm25", T0, 10.0), Row(sid, "pm25", T0 + 1000, 500.0)],
    )
    assert (first.inserted, first.corrected) == (2, 0)
    # The device re-sends its latest reading with a corrected value: it wins.
    fixed = writes.write_batch(engine, [Row(sid, "pm25", T0 + 1000, 50.0)])
    assert (fixed.inserted, fixed.duplicates, fixed.corrected) == (0, 0, 1)
    # A redelivery of the same value is a duplicate, not a correction.
    again = writes.write_batch(engine, [Row(sid, "pm25", T0 + 1000, 50.0)])
    assert (again.inserted, again.duplicates, again.corrected) == (0, 1, 0)
    with engine.connect() as conn:
        value = conn.execute(
            select(Reading.value).where(Reading.ts == T0 + 1000)
        ).scalar_one()
        latest = conn.execute(select(LatestValue.value)).scalar_one()
        history = conn.execute(
            select(
                ReadingCorrection.sensor_id,
                ReadingCorrection.ts,
                ReadingCorrection.old_value,
                ReadingCorrection.new_value,
            )
        ).all()
    assert value == 50.0
    assert latest == 50.0, "the latest value shows the correction"
    assert history == [(sid, T0 + 1000, 500.0, 50.0)]
    # The rollups hold the corrected value (max 50, not 500), as a recomputation.
    got = _rollups(engine)
    assert [r[6] for r in got["rollup_1m"]] == [50.0]
    with engine.begin() as conn:
        rollups.recompute(conn, T0 - 3_600_000, T0 + 3_600_000)
    assert _rollups(engine) == got


def test_within_one_batch_the_last_value_of_a_key_wins(engine):
    writes.sync_sensors(engine, [sensor_row()])
    sid = "aq-kinh-bac-01"
    result = writes.write_batch(
        engine, [Row(sid, "pm25", T0, 1.0), Row(sid, "pm25", T0, 2.0)]
    )
    assert (result.inserted, result.duplicates) == (1, 1)
    with engine.connect() as conn:
        assert conn.execute(select(Reading.value)).scalar_one() == 2.0
