"""Alerts raised per hour by the default rules on the simulated fleet, from a fresh
start: the rules as migration 0009 leaves them (the sensors' own levels must be
crossed for 2 minutes, and be back inside as long to end) against the same rules
judged reading by reading (min_duration_s 0, as before 0009).

The province's fleet (profiles/bac-ninh.json) is simulated from seed 42 for an hour
from 07:00 Vietnam time (the morning peak) after a 10-minute backfill, as a first
start does: each reading the ingest would accept is written and judged at once (as
the ingest does for its batch), and everything is judged every 5 s (as the
scheduler does). Simulated time, so the hour takes seconds.

    .venv/bin/python -m bench --only "alerts per hour"
"""

from __future__ import annotations

import statistics
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

import province
from bench.results import Result
from bench.runner import benchmark
from simulators.sensors import SensorFleet
from store import alerting, migrate, writes
from store.db import make_engine
from store.metrics import METRICS
from store.schema import AlertRule

START = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)  # 07:00 in Hà Nội
TICK_S = 5
BACKFILL_S = 600


def simulate(minutes: int, instant: bool) -> dict[str, float]:
    """Alerts raised in ``minutes`` of simulated time; ``instant``: every rule
    judged on the newest reading (min_duration_s 0)."""
    profile = province.current()
    specs = list(profile.sensors)
    fleet = SensorFleet(specs, seed=42)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'alerts.db'}")
        migrate.upgrade(engine)
        writes.sync_sensors(engine, writes.sensor_rows(specs))
        if instant:
            with engine.begin() as conn:
                conn.execute(update(AlertRule).values(min_duration_s=0))
        rows = []
        for spec in specs:
            ts, values = fleet.history(
                spec, START - timedelta(seconds=BACKFILL_S), START, 60
            )
            for m, vs in values.items():
                rows += [
                    writes.Row(spec.id, m, int(t), float(v)) for t, v in zip(ts, vs)
                ]
        writes.write_batch(engine, rows)
        next_at = {s.id: START.timestamp() for s in specs}
        end = START.timestamp() + minutes * 60
        t = START.timestamp()
        while t < end:
            t += TICK_S
            batch = []
            for spec in specs:
                while next_at[spec.id] <= t:
                    at = next_at[spec.id]
                    next_at[spec.id] += spec.period_s
                    vals = fleet.reading(spec, datetime.fromtimestamp(at, UTC))
                    for m, v in (vals or {}).items():
                        known = METRICS.get(m)
                        if known and known.low <= v <= known.high:  # the ingest's rule
                            batch.append(writes.Row(spec.id, m, int(at * 1000), v))
            at_ms = int(t * 1000)
            if batch:
                writes.write_batch(engine, batch)
                alerting.evaluate(
                    engine, at_ms=at_ms, pairs={(r.sensor_id, r.metric) for r in batch}
                )
            alerting.evaluate(engine, at_ms=at_ms)
        df = alerting.alerts(engine, limit=5000)
        engine.dispose()
    ended = df[df["resolved_ms"].notna()]
    lives = [
        (int(r) - int(s)) / 1000
        for s, r in zip(ended["raised_ms"], ended["resolved_ms"])
    ]
    episodes = df.groupby(["rule_id", "subject_id", "metric"]).size()
    by_rule = df.groupby("rule_name").size().to_dict()
    return {
        "per_hour": len(df) * 60 / minutes,
        "ended_share": len(ended) / len(df) if len(df) else 0.0,
        "median_life_s": statistics.median(lives) if lives else 0.0,
        "most_episodes": int(episodes.max()) if len(episodes) else 0,
        "sensors": len(specs),
        "by_rule": by_rule,
    }


@benchmark("alerts per hour", order=60)
def alerts_per_hour(quick: bool) -> list[Result]:
    minutes = 10 if quick else 60
    before = simulate(minutes, instant=True)
    after = simulate(minutes, instant=False)

    def note(r: dict) -> str:
        return (
            f"{r['sensors']} sensors, {minutes} simulated min from 07:00; "
            f"{r['ended_share']:.0%} ended by themselves, median life "
            f"{r['median_life_s']:.0f} s, at most {r['most_episodes']} episodes of "
            "one rule on one sensor and metric; by rule "
            + ", ".join(f"{k}: {v}" for k, v in sorted(r["by_rule"].items()))
        )

    return [
        Result(
            "alerts: raised per hour by the default rules (before: reading by reading)",
            round(before["per_hour"], 1),
            "alerts/h",
            note=note(before),
        ),
        Result(
            "alerts: raised per hour by the default rules (2 min duration, 0009)",
            round(after["per_hour"], 1),
            "alerts/h",
            baseline=round(before["per_hour"], 1),
            baseline_name="reading by reading",
            note=note(after),
        ),
    ]
