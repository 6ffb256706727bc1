"""The live sensor panel's reads (store.live) and rows (components.sensor_grid) on
SQLite and PostgreSQL: states from thresholds and freshness, versions that change with
any new reading (late ones too), minute trends, and ticks that carry only changes."""

from __future__ import annotations

import pytest

from components.sensor_grid import changes, grid_rows, trend_pairs
from store import live, writes
from store.writes import Row
from tests.helpers import sensor_row

T0 = 1_795_000_000_000 - 1_795_000_000_000 % 3_600_000  # an hour boundary in 2026
LIMITS = {"pm25": {"warn": 50, "alarm": 75}, "pm10": {"low_warn": 5, "low_alarm": 1}}


def _fleet(engine, n: int = 4) -> list[str]:
    ids = [f"aq-{i:02d}" for i in range(n)]
    writes.sync_sensors(
        engine,
        [
            sensor_row(i, name=f"Trạm {i}", thresholds=LIMITS, period_s=10.0)
            for i in ids
        ],
    )
    return ids


@pytest.mark.parametrize(
    "value, expected",
    [
        (10, "ok"),
        (50, "warning"),
        (74.9, "warning"),
        (75, "alarm"),
        (None, "ok"),
    ],
)
def test_level_uses_the_high_thresholds(value, expected):
    assert live.level(value, LIMITS["pm25"]) == expected


def test_level_uses_the_low_thresholds_and_ignores_missing_ones():
    assert live.level(4, LIMITS["pm10"]) == "warning"
    assert live.level(0.5, LIMITS["pm10"]) == "alarm"
    assert live.level(1000, LIMITS["pm10"]) == "ok"
    assert live.level(80, {"warn": None, "alarm": 90}) == "ok"
    assert live.level(80, None) == "ok"


def test_sparkline_text_scales_to_its_width():
    assert live.sparkline_text([]) == ""
    assert live.sparkline_text([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert live.sparkline_text([5, 5, 5]) == "▄▄▄"
    text = live.sparkline_text(list(range(60)), width=20)
    assert len(text) == 20 and text[0] == "▁" and text[-1] == "█"


def test_panel_states_come_from_thresholds_and_freshness(engine):
    ids = _fleet(engine, 5)
    at = T0 + 60_000
    writes.write_batch(
        engine,
        [
            Row(ids[0], "pm25", at - 1_000, 20.0),  # ok
            Row(ids[1], "pm25", at - 1_000, 60.0),  # warning
            Row(ids[2], "pm25", at - 1_000, 20.0),
            Row(ids[2], "pm10", at - 1_000, 0.5),  # alarm, from a low threshold
            Row(ids[3], "pm25", at - 45_000, 99.0),  # stale wins over alarm
        ],
    )
    panel, latest = live.panel(engine, at_ms=at)
    state = dict(zip(panel["id"], panel["state"], strict=True))
    assert state == {
        ids[0]: "ok",
        ids[1]: "warning",
        ids[2]: "alarm",
        ids[3]: "stale",
        ids[4]: "never",
    }
    assert list(panel.columns) == live.PANEL_COLUMNS
    assert set(latest["sensor_id"]) == set(ids[:4])
    assert live.panel(engine, at_ms=at + 400_000)[0]["state"].iloc[0] == "offline"


def test_panel_filters_and_ids_bound_the_sensors(engine):
    ids = _fleet(engine, 3)
    writes.sync_sensors(engine, [sensor_row("w-1", kind="water", region="tu-son")])
    assert live.panel(engine, kind="water")[0]["id"].tolist() == ["w-1"]
    assert live.panel(engine, region="tu-son")[0]["id"].tolist() == ["w-1"]
    assert live.panel(engine, ids=[ids[1], "nope"])[0]["id"].tolist() == [ids[1]]
    assert len(live.panel(engine, limit=2)[0]) == 2


def test_version_changes_with_any_new_reading_even_a_late_one(engine):
    ids = _fleet(engine, 1)
    writes.write_batch(
        engine, [Row(ids[0], "pm25", T0, 20.0), Row(ids[0], "pm10", T0, 30.0)]
    )
    v1 = live.panel(engine, at_ms=T0)[0]["ver"].iloc[0]
    # pm10 arrives late: older than the newest pm25, newer than the last pm10.
    writes.write_batch(engine, [Row(ids[0], "pm25", T0 + 5_000, 21.0)])
    v2 = live.panel(engine, at_ms=T0)[0]["ver"].iloc[0]
    writes.write_batch(engine, [Row(ids[0], "pm10", T0 + 2_000, 31.0)])
    v3 = live.panel(engine, at_ms=T0)[0]["ver"].iloc[0]
    assert len({v1, v2, v3}) == 3


def test_trends_read_the_last_hour_of_minute_rollups(engine):
    ids = _fleet(engine, 2)
    at = T0 + 3_600_000
    rows = [Row(ids[0], "pm25", T0 - 600_000, 1.0)]  # older than an hour: left out
    rows += [Row(ids[0], "pm25", T0 + m * 60_000 + 1, float(m)) for m in range(60)]
    rows += [Row(ids[0], "pm10", T0 + 60_000, 5.0), Row(ids[1], "pm25", at, 7.0)]
    writes.write_batch(engine, rows)
    df = live.trends(engine, [(ids[0], "pm25"), (ids[1], "pm25")], at_ms=at)
    mine = df[df["sensor_id"] == ids[0]]
    assert set(df["metric"]) == {"pm25"}
    assert mine["mean"].tolist() == [float(m) for m in range(1, 60)]
    assert df[df["sensor_id"] == ids[1]]["mean"].tolist() == [7.0]


def test_reads_beyond_one_in_list_are_chunked(engine):
    n = live.CHUNK + 20
    ids = [f"s-{i:04d}" for i in range(n)]
    writes.sync_sensors(engine, [sensor_row(i, thresholds={}) for i in ids])
    writes.write_batch(engine, [Row(i, "pm25", T0, 1.0) for i in ids])
    panel, latest = live.panel(engine, ids=ids, at_ms=T0)
    assert len(panel) == n and len(latest) == n
    assert len(live.trends(engine, [(i, "pm25") for i in ids], at_ms=T0)) == n


def test_a_tick_carries_only_the_rows_that_changed(engine):
    ids = _fleet(engine, 3)
    writes.write_batch(engine, [Row(i, "pm25", T0, 10.0) for i in ids])
    panel, _ = live.panel(engine, at_ms=T0)
    known = {r.id: [int(r.ver), r.state] for r in panel.itertuples()}  # the browser's
    assert changes(panel, known) == ([], [])
    writes.write_batch(engine, [Row(ids[1], "pm25", T0 + 1_000, 80.0)])
    panel, _ = live.panel(engine, ids=list(known) + ["gone"], at_ms=T0 + 1_000)
    assert changes(panel, {**known, "gone": [1, "ok"]}) == ([ids[1]], ["gone"])
    # Under a state filter, a row that leaves the state leaves the grid.
    assert changes(panel, known, state="ok") == ([], [ids[1]])
    # Time alone moves a row to stale: the state differs, so it is sent.
    panel, _ = live.panel(engine, ids=[ids[0]], at_ms=T0 + 60_000)
    assert changes(panel, {ids[0]: known[ids[0]]}) == ([ids[0]], [])


def test_grid_rows_speak_vietnamese_and_english(engine):
    ids = _fleet(engine, 1)
    writes.write_batch(
        engine,
        [Row(ids[0], "pm25", T0, 1234.5), Row(ids[0], "pm10", T0, 40.0)],
    )
    panel, latest = live.panel(engine, at_ms=T0)
    trends = live.trends(engine, trend_pairs(panel), at_ms=T0)
    areas = {"kinh-bac": "Phường Kinh Bắc"}
    (vi,) = grid_rows(panel, latest, trends, "vi", areas)
    assert vi["values"] == "Bụi PM10 40,0 µg/m³ · Bụi PM2.5 1.234,5 µg/m³"
    assert vi["state_label"] == "Báo động" and vi["state"] == "alarm"
    assert vi["kind"] == "Không khí" and vi["area"] == "Phường Kinh Bắc"
    assert vi["trend"] == "▄" and vi["ts"] == T0 and vi["id"] == ids[0]
    (en,) = grid_rows(panel, latest, trends, "en", areas)
    assert "PM2.5 1,234.5 µg/m³" in en["values"] and en["state_label"] == "Alarm"
    assert en["name"] == "Kinh Bac"
