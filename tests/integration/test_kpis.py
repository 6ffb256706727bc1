"""Domain KPIs from the store, on SQLite and PostgreSQL."""

from __future__ import annotations

from store import kpis, writes
from store.writes import Row
from tests.helpers import sensor_row

NOON_VN = 1_795_568_400_000 + 5 * 3_600_000  # 2026-11-25 12:00 in Hà Nội (05:00Z)
DAY = 86_400_000


def test_environment_kpi_is_the_mean_of_fresh_stations_against_the_target(engine):
    writes.sync_sensors(
        engine, [sensor_row("aq-1"), sensor_row("aq-2"), sensor_row("aq-old")]
    )
    writes.write_batch(
        engine,
        [
            Row("aq-1", "pm25", NOON_VN - 5_000, 40.0),
            Row("aq-2", "pm25", NOON_VN - 5_000, 60.0),
            Row("aq-old", "pm25", NOON_VN - DAY, 500.0),  # stale: not in today's value
            Row("aq-1", "pm25", NOON_VN - 2 * DAY, 30.0),
        ],
    )
    k = kpis.sensor_kpi(engine, "environment", at_ms=NOON_VN)
    assert (k.value, k.target, k.sensors) == (50.0, 50.0, 2)
    assert k.status == "good"
    assert len(k.trend) == 3 and k.trend["value"].iloc[-1] == 50.0


def test_noise_target_is_stricter_at_night(engine):
    writes.sync_sensors(engine, [sensor_row("ns-1", kind="noise", metrics=["laeq"])])
    night = NOON_VN + 11 * 3_600_000  # 23:00 in Hà Nội
    writes.write_batch(engine, [Row("ns-1", "laeq", night - 1000, 60.0)])
    k = kpis.sensor_kpi(engine, "living", at_ms=night)
    assert (k.target, k.status) == (55.0, "warn")


def test_citizens_kpi_is_the_share_of_reports_closed(engine):
    base = {
        "source": "open311:test",
        "service_code": "o-ga",
        "service_name": "Ổ gà",
        "description": "",
        "agency": "so-xd",
        "address": "",
        "lat": None,
        "lon": None,
        "updated_ms": None,
    }
    writes.upsert_citizen_reports(
        engine,
        [
            {
                **base,
                "id": f"BN-{i}",
                "status": "closed" if i < 3 else "open",
                "requested_ms": NOON_VN - i * 3_600_000,
            }
            for i in range(4)
        ]
        + [
            {
                **base,
                "id": "BN-old",
                "status": "open",
                "requested_ms": NOON_VN - 30 * DAY,
            }
        ],
    )
    k = kpis.citizens_kpi(engine, at_ms=NOON_VN)
    assert (k.value, k.sensors, k.status) == (75.0, 4, "warn")


def test_domains_without_a_source_have_no_kpi(engine):
    out = kpis.domain_kpis(engine, at_ms=NOON_VN)
    assert out["economy"] is None and out["governance"] is None
    assert out["environment"].status == "nodata"


def test_exceedances_list_the_worst_first(engine):
    writes.sync_sensors(engine, [sensor_row("aq-1"), sensor_row("aq-2")])
    now = writes.now_ms()
    writes.write_batch(
        engine,
        [Row("aq-1", "pm25", now - 1000, 60.0), Row("aq-2", "pm25", now - 1000, 80.0)],
    )
    over = kpis.exceedances(engine, at_ms=now)
    assert over[["sensor_id", "level"]].values.tolist() == [
        ["aq-2", "alarm"],
        ["aq-1", "warn"],
    ]
