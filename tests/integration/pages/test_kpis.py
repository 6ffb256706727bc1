"""Domain KPIs from the store, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

from store import kpis, writes
from store.kpis import DOMAINS
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
    k = kpis.kpi(engine, "environment", at_ms=NOON_VN)
    assert (k.value, k.target, k.sources) == (50.0, 50.0, 2)
    assert k.status == "good"
    assert len(k.trend) == 3 and k.trend["value"].iloc[-1] == 50.0


def test_noise_target_is_stricter_at_night(engine):
    writes.sync_sensors(engine, [sensor_row("ns-1", kind="noise", metrics=["laeq"])])
    night = NOON_VN + 11 * 3_600_000  # 23:00 in Hà Nội
    writes.write_batch(engine, [Row("ns-1", "laeq", night - 1000, 60.0)])
    k = kpis.kpi(engine, "living", at_ms=night)
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
    k = kpis.kpi(engine, "citizens", at_ms=NOON_VN)
    assert (k.value, k.sources, k.status) == (75.0, 4, "warn")


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


def test_the_citizens_value_without_its_trend_is_the_same_value(engine):
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
                "status": "closed" if i % 3 else "open",
                "requested_ms": NOON_VN - i * 7 * 3_600_000,
            }
            for i in range(12)
        ],
    )
    full = kpis.kpi(engine, "citizens", at_ms=NOON_VN)
    tick = kpis.kpi(engine, "citizens", at_ms=NOON_VN, with_trend=False)
    assert (tick.value, tick.sources, tick.status) == (
        full.value,
        full.sources,
        full.status,
    )
    assert tick.trend.empty and len(full.trend) == 4  # 77 hours: four Vietnam days
    assert (full.unit, full.decimals, full.period) == ("%", 0, "7d")


def test_each_kpi_says_its_unit_decimals_and_period(engine):
    out = kpis.domain_kpis(engine, at_ms=NOON_VN, with_trend=False)
    assert {d: (k.unit, k.decimals, k.period) for d, k in out.items() if k} == {
        "environment": ("µg/m3", 1, "now"),
        "living": ("dBA", 1, "now"),
        "mobility": ("km/h", 1, "now"),
        "citizens": ("%", 0, "7d"),
    }
    assert all(k.trend.empty for k in out.values() if k)


def _overview(client, n) -> dict:  # noqa: ANN001
    """The overview's callback as the browser asks for it, each ALL output as the six
    tiles' ids."""
    from tests.helpers import dash_callbacks, dash_outputs

    key = next(k for k in dash_callbacks() if "overview-map.figure" in k)
    outputs = [
        [{"id": {**o["id"], "domain": d}, "property": o["property"]} for d in DOMAINS]
        if isinstance(o["id"], dict)
        else o
        for o in dash_outputs(key)
    ]
    resp = client.post(
        "/_dash-update-component",
        json={
            "output": key,
            "outputs": outputs,
            "inputs": [
                {"id": "overview-interval", "property": "n_intervals", "value": n}
            ],
            "state": [
                {"id": "overview-press", "property": "data-drawn", "value": None},
                [
                    {
                        "id": {"type": "overview-kpi-tile", "domain": d},
                        "property": "className",
                        "value": None,
                    }
                    for d in DOMAINS
                ],
            ],
            "changedPropIds": ["overview-interval.n_intervals"] if n else [],
        },
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"]


def test_the_overview_tiles_show_the_kpi_and_say_its_period_once(engine):
    from store import runtime
    from tests.helpers import session_client

    writes.sync_sensors(engine, [sensor_row("aq-1", period_s=600)])
    writes.write_batch(engine, [Row("aq-1", "pm25", writes.now_ms() - 5_000, 41.26)])
    runtime.set_engine(engine)
    try:
        client = session_client(engine, ("leader",))
        first = _overview(client, None)
        value = {d: first[_id("overview-kpi-value", d)] for d in DOMAINS}
        assert value["environment"]["children"] == "41,3 µg/m³"
        assert value["environment"]["title"] == "Hiện tại (số đo mới nhất)"
        assert value["citizens"]["title"] == "7 ngày gần nhất"
        assert value["economy"] == {"children": "–", "title": ""}
        target = first[_id("overview-kpi-target", "economy")]["children"]
        assert target == "Chưa kết nối nguồn dữ liệu"
        # A tick sends the values again, never the periods.
        tick = _overview(client, 1)
        assert tick[_id("overview-kpi-value", "environment")] == {
            "children": "41,3 µg/m³"
        }
    finally:
        runtime.set_engine(None)


def _id(kind: str, domain: str) -> str:
    """A pattern-matching id as Dash keys its answer: sorted keys, no spaces."""
    return json.dumps({"domain": domain, "type": kind}, separators=(",", ":"))
