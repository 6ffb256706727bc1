"""/api/v1/aqi through HTTP on SQLite and PostgreSQL, with AQI values worked by hand.

The newest hour is 07:00Z (14:00 in Hà Nội); ``at`` is 14:30+07:00, half-way through it.

aq-kinh-bac-01: PM2.5 20 and 40 µg/m³ in each of the 24 hours (hourly mean 30), NO2
150 µg/m³ in the newest hour only.
  VN PM2.5 NowCast of twelve 30s = 30 -> band 25..50 -> 50 + 50/25·(30-25) = 60.
  VN NO2 150 -> band 100..200 -> 50 + 50/100·(150-100) = 75.
  VN hourly = max(60, 75) = 75 "moderate", dominant NO2.
  VN daily: PM2.5 24 h mean 30 -> 60; NO2 highest hour 150 -> 75: again 75, NO2.
  EPA PM2.5 30.0 -> row 9.1..35.4 / 51..100 -> 51 + 49/26.3·(30-9.1) = 89.94 -> 90.
  EPA NO2 150 µg/m³ · 24.45 / 46.01 = 79.71 ppb -> truncated 79 -> row 54..100 / 51..100
  -> 51 + 49/46·(79-54) = 77.63 -> 78. EPA hourly and daily = 90 "moderate", PM2.5.
aq-vo-cuong-01: PM2.5 40 one hour ago, 80 in the newest hour.
  NowCast: w* = 40/80 = 0.5 -> w = 0.5 -> (80 + 0.5·40) / 1.5 = 66.67.
  VN: band 50..80 / 100..150 -> 100 + 50/30·(66.67-50) = 127.8 -> 128 "poor".
  EPA: 66.6 -> row 55.5..125.4 / 151..200 -> 151 + 49/69.9·(66.6-55.5) = 158.8 -> 159
  "bad". Daily: 2 hours are not the 18 a 24 h mean needs -> no index on either scale.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event

from store import air, runtime, writes
from store.writes import Row
from tests.helpers import api_client, sensor_row

T0 = 1_795_590_000_000  # 2026-11-25T07:00:00Z
HOUR = 3_600_000
MIN = 60_000
AT = "2026-11-25T14:30:00%2B07:00"


@pytest.fixture
def client(engine):
    writes.sync_sensors(
        engine,
        [
            sensor_row("aq-kinh-bac-01", metrics=["pm25", "no2"]),
            sensor_row("aq-vo-cuong-01", name="Trạm Võ Cường", metrics=["pm25"]),
            sensor_row(
                "wl-dap-cau",
                kind="water",
                unit="m",
                metrics=["water_level"],
                thresholds={},
            ),
        ],
    )
    rows = []
    for h in range(24):
        start = T0 - h * HOUR
        rows += [
            Row("aq-kinh-bac-01", "pm25", start + 5 * MIN, 20.0),
            Row("aq-kinh-bac-01", "pm25", start + 10 * MIN, 40.0),
        ]
    rows += [
        Row("aq-kinh-bac-01", "no2", T0 + 5 * MIN, 150.0),
        Row("aq-vo-cuong-01", "pm25", T0 - HOUR + 5 * MIN, 40.0),
        Row("aq-vo-cuong-01", "pm25", T0 + 5 * MIN, 80.0),
    ]
    writes.write_batch(engine, rows)
    runtime.set_engine(engine)
    yield api_client(engine)
    runtime.set_engine(None)


def test_station_aqi_on_both_scales_matches_the_hand_computation(client):
    r = client.get(f"/api/v1/aqi/aq-kinh-bac-01?at={AT}")
    assert r.status_code == 200
    ts = "2026-11-25T07:00:00.000Z"
    assert r.get_json() == {
        "station": "aq-kinh-bac-01",
        "hourly": {
            "aqi": 75,
            "category": "moderate",
            "dominant": "no2",
            "sub_indices": {"pm25": 60, "no2": 75},
            "ts": ts,
        },
        "daily": {
            "aqi": 75,
            "category": "moderate",
            "dominant": "no2",
            "sub_indices": {"pm25": 60, "no2": 75},
            "ts": ts,
        },
        "us": {
            "hourly": {
                "aqi": 90,
                "category": "moderate",
                "dominant": "pm25",
                "sub_indices": {"pm25": 90, "no2": 78},
                "ts": ts,
            },
            "daily": {
                "aqi": 90,
                "category": "moderate",
                "dominant": "pm25",
                "sub_indices": {"pm25": 90, "no2": 78},
                "ts": ts,
            },
        },
    }


def test_nowcast_weighs_the_newest_hour_and_short_days_have_no_daily_index(client):
    body = client.get(f"/api/v1/aqi/aq-vo-cuong-01?at={AT}").get_json()
    assert body["hourly"]["aqi"] == 128 and body["hourly"]["category"] == "poor"
    assert body["us"]["hourly"]["aqi"] == 159
    assert body["us"]["hourly"]["category"] == "bad"
    for block in (body["daily"], body["us"]["daily"]):
        assert block["aqi"] is None and block["category"] is None
        assert block["dominant"] is None and block["sub_indices"] == {}


def test_all_stations_lists_every_air_station_only(client):
    body = client.get(f"/api/v1/aqi?at={AT}").get_json()
    assert body["count"] == 2
    assert [s["station"] for s in body["stations"]] == [
        "aq-kinh-bac-01",
        "aq-vo-cuong-01",
    ]
    assert [s["hourly"]["aqi"] for s in body["stations"]] == [75, 128]


def test_a_station_without_recent_data_has_no_index(client):
    # A day later nothing is within the NowCast's three newest hours.
    body = client.get(
        "/api/v1/aqi/aq-kinh-bac-01?at=2026-11-26T20:00:00%2B07:00"
    ).get_json()
    assert body["hourly"]["aqi"] is None
    assert body["hourly"]["ts"] == "2026-11-26T13:00:00.000Z"


@pytest.mark.parametrize("station", ["nope", "wl-dap-cau", "x" * 129])
def test_unknown_or_non_air_station_is_a_json_error(client, station):
    r = client.get(f"/api/v1/aqi/{station}")
    assert r.status_code == (400 if len(station) > 128 else 404)
    assert "error" in r.get_json()


@pytest.mark.parametrize("at", ["yesterday", "2026-11-25T14:30:00", "1e20"])
def test_bad_at_is_a_400_naming_the_parameter(client, at):
    for path in ("/api/v1/aqi", "/api/v1/aqi/aq-kinh-bac-01"):
        r = client.get(f"{path}?at={at}")
        assert r.status_code == 400
        assert r.get_json()["error"]["parameter"] == "at"


def test_openapi_documents_both_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "/api/v1/aqi" in paths and "/api/v1/aqi/{station_id}" in paths


def test_all_stations_take_two_queries_whatever_their_number(engine, client):
    statements = []

    def count(*_args):  # noqa: ANN002
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        air.all_stations_aqi(engine, at_ms=T0 + 30 * MIN)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2
