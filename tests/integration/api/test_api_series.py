"""/api/v1/series: many sensors' series in one request, paged, under the key's scope,
through HTTP (Flask's test client on the real app) against a real store."""

from __future__ import annotations

import pytest

from store import queries, runtime, writes
from store.writes import Row
from tests.helpers import api_client, sensor_row

T0 = 1_795_590_000_000  # 2026-11-25T07:00:00Z, 14:00 in Bắc Ninh
HOUR = 3_600_000
RANGE = "from=2026-11-25T14:00:00%2B07:00&to=2026-11-25T17:00:00%2B07:00&step=1h"
AREAS = ["kinh-bac", "vu-ninh", "tu-son"]
AIR = [f"aq-{i:02d}" for i in range(9)]  # aq-00 .. aq-08, areas in turn
NOISE = "nz-kinh-bac"


def _area(sid: str) -> str:
    return AREAS[int(sid[-2:]) % 3]


@pytest.fixture
def store(engine):
    writes.sync_sensors(
        engine,
        [sensor_row(sid, area=_area(sid), thresholds={}) for sid in AIR]
        + [
            sensor_row(
                NOISE,
                kind="noise",
                area="kinh-bac",
                unit="dBA",
                metrics=["laeq"],
                thresholds={},
            )
        ],
    )
    rows = []
    for n, sid in enumerate(AIR):
        for i in range(180):  # 3 hours, one a minute
            rows.append(Row(sid, "pm25", T0 + i * 60_000, float(n * 1000 + i)))
            if i % 2 == 0:
                rows.append(Row(sid, "pm10", T0 + i * 60_000, float(i)))
    rows += [Row(NOISE, "laeq", T0 + i * 60_000, 60.0) for i in range(180)]
    writes.write_batch(engine, rows)
    runtime.set_engine(engine)
    yield engine
    runtime.set_engine(None)


@pytest.fixture
def client(store):
    return api_client(store)


def _rows(columns: dict) -> list[dict]:
    """The single-series route's points from a series' columns."""
    names = ("ts", "mean", "min", "max", "count")
    return [dict(zip(names, values)) for values in zip(*(columns[n] for n in names))]


def _pages(client, query: str) -> list[dict]:
    pages, cursor = [], None
    while True:
        url = f"/api/v1/series?{query}" + (f"&cursor={cursor}" if cursor else "")
        r = client.get(url)
        assert r.status_code == 200, r.get_json()
        pages.append(r.get_json())
        cursor = pages[-1]["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 50, "the cursor never ends"


def test_many_sensors_series_by_ids_equal_the_single_series_route(client):
    ids = "aq-03,aq-01,aq-07"
    body = client.get(f"/api/v1/series?ids={ids}&metric=pm25&{RANGE}").get_json()
    assert body["step_s"] == 3600 and body["source"] == "rollup_1h"
    assert body["total"] == 3 and body["next_cursor"] is None
    assert [(s["sensor"], s["metric"]) for s in body["series"]] == [
        ("aq-01", "pm25"),
        ("aq-03", "pm25"),
        ("aq-07", "pm25"),
    ]
    for entry in body["series"]:
        single = client.get(
            f"/api/v1/sensors/{entry['sensor']}/series?metric=pm25&{RANGE}"
        ).get_json()
        assert _rows(entry["points"]) == single["points"]
        assert entry["unit"] == single["unit"]
    first = body["series"][0]["points"]
    assert first["count"] == [60, 60, 60]
    assert first["ts"][0] == "2026-11-25T07:00:00.000Z"
    assert first["mean"][0] == pytest.approx(1029.5)


def test_a_kind_filter_gives_every_metric_of_every_sensor_of_that_kind(client):
    body = client.get(f"/api/v1/series?kind=air&limit=1000&{RANGE}").get_json()
    assert body["total"] == len(AIR) and body["sensors"] == len(AIR)
    pairs = [(s["sensor"], s["metric"]) for s in body["series"]]
    assert pairs == [(sid, m) for sid in AIR for m in ("pm10", "pm25")]
    assert all(len(s["points"]["ts"]) == 3 for s in body["series"])
    assert body["series"][0]["points"]["count"] == [30, 30, 30]  # pm10
    area = client.get(f"/api/v1/series?area=vu-ninh&metric=pm25&{RANGE}").get_json()
    assert [s["sensor"] for s in area["series"]] == ["aq-01", "aq-04", "aq-07"]


def test_paging_to_the_end_gives_every_series_once(client, store):
    pages = _pages(client, f"metric=pm25,laeq&limit=2&{RANGE}")
    assert [p["sensors"] for p in pages] == [2, 2, 2, 2, 2]
    assert all(p["total"] == 10 and p["limit"] == 2 for p in pages)
    got = [(s["sensor"], s["metric"]) for p in pages for s in p["series"]]
    assert got == sorted([(sid, "pm25") for sid in AIR] + [(NOISE, "laeq")])
    # The same buckets as the in-process query over every sensor at once.
    frame = queries.series_many(
        store, AIR + [NOISE], ["pm25", "laeq"], T0, T0 + 3 * HOUR, 3600
    )
    series = [s["points"] for p in pages for s in p["series"]]
    assert sum(len(c["ts"]) for c in series) == len(frame)
    assert sum(sum(c["count"]) for c in series) == int(frame["count"].sum())


def test_a_page_holds_a_bounded_number_of_points(client, monkeypatch):
    from api import series

    monkeypatch.setattr(series, "MAX_PAGE_POINTS", 20)  # 4 buckets per series here
    pages = _pages(client, f"kind=air&limit=1000&{RANGE}")
    # Two metrics of 4 buckets: 8 points a sensor, two sensors (16) a page.
    assert [p["sensors"] for p in pages] == [2, 2, 2, 2, 1]
    assert {s["sensor"] for p in pages for s in p["series"]} == set(AIR)


def test_a_staff_key_gets_only_its_domains_kinds_and_its_areas(store):
    key = api_client(store, ("staff",), ("environment",), areas=("kinh-bac",))
    pages = _pages(key, f"limit=1&{RANGE}")
    mine = [sid for sid in AIR if _area(sid) == "kinh-bac"]  # no noise: 'living'
    assert [s["sensor"] for p in pages for s in p["series"]] == [
        sid for sid in mine for _m in ("pm10", "pm25")
    ]
    assert pages[0]["total"] == len(mine)
    # Another area's sensor, or another domain's, is not named: a 404 as if unknown.
    for other in ("aq-01", NOISE, "no-such-sensor"):
        r = key.get(f"/api/v1/series?ids=aq-00,{other}&{RANGE}")
        assert r.status_code == 404, other
        assert r.get_json()["error"] == {
            "code": "not_found",
            "message": f"no sensor {other!r}",
        }
    assert key.get(f"/api/v1/series?kind=noise&{RANGE}").get_json()["total"] == 0


def test_a_key_whose_roles_may_not_read_sensors_is_refused(store):
    key = api_client(store, ("staff",), ("citizens",))
    assert key.get(f"/api/v1/series?kind=air&{RANGE}").status_code == 403


def test_without_a_key_the_series_are_refused(store):
    from app import server

    r = server.test_client().get(f"/api/v1/series?kind=air&{RANGE}")
    assert r.status_code == 401


@pytest.mark.parametrize(
    "query, parameter",
    [
        ("metric=no2x", "metric"),
        ("metric=pm25'%20OR%201=1--", "metric"),
        ("ids=aq-00&metric=laeq", "metric"),
        ("ids=,,,", "ids"),
        ("ids=" + ",".join(f"s{i}" for i in range(1001)), "ids"),
        ("ids=aq-%01", "ids"),
        ("kind=AIR'--", "kind"),
        ("area=%20", "area"),
        ("from=yesterday", "from"),
        ("from=2026-11-25T14:00:00", "from"),
        ("to=nan", "to"),
        ("from=1795590000&to=1795580000", "to"),
        ("step=-5", "step"),
        ("step=1s&from=1700000000&to=1795590000", "step"),
        ("step=5x", "step"),
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=ten", "limit"),
        ("cursor=%%%", "cursor"),
        ("cursor=" + "A" * 300, "cursor"),
        ("cursor=AQ", "cursor"),  # a control character once decoded
    ],
)
def test_bad_parameters_get_a_400_with_a_json_error(client, query, parameter):
    r = client.get(f"/api/v1/series?{query}")
    assert r.status_code == 400, r.get_json()
    err = r.get_json()["error"]
    assert err["code"] == "bad_parameter" and err["parameter"] == parameter
    assert err["message"] and "Traceback" not in r.get_data(as_text=True)


def test_a_cursor_past_the_end_is_an_empty_last_page(client):
    from api.series import encode_cursor

    body = client.get(
        f"/api/v1/series?kind=air&cursor={encode_cursor('zz')}&{RANGE}"
    ).get_json()
    assert body["series"] == [] and body["next_cursor"] is None
    assert body["total"] == len(AIR)
