"""The IOC's own Open311 GeoReport v2 endpoint (/open311/v2) over HTTP, on SQLite and
PostgreSQL: API keys as the api_key parameter or the X-API-Key header, roles, the
audit trail, validation that loses nothing and stores nothing bad, and the answers
read back by the IOC's own Open311 poller code (datasources.open311.parse_requests)."""

from __future__ import annotations

import pandas as pd
import pytest

from datasources.open311 import parse_requests
from store import accounts, audit, queries, runtime

BASE = "/open311/v2"
SPOT = {"lat": "21.186", "long": "106.076"}  # Kinh Bắc ward, inside the province


@pytest.fixture
def store(engine):
    runtime.set_engine(engine)
    import app  # noqa: F401 - registers the blueprints

    yield engine
    runtime.set_engine(None)


def _client():
    from app import server

    return server.test_client()


def _key(engine, roles=("staff",), domains=("citizens",)) -> str:
    _id, key = accounts.issue_api_key(
        engine, "Ứng dụng Bắc Ninh Smart", roles, "t", domains
    )
    return key


def test_a_citizen_app_files_a_report_with_its_api_key_and_reads_it_back(store):
    key = _key(store)
    client = _client()
    resp = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": key,
            "service_code": "o-ga",
            "description": "Ổ gà sâu trước cổng chợ",
            "first_name": "An",
            "email": "an@example.vn",
            **SPOT,
        },
    )
    assert resp.status_code == 201, resp.get_data(as_text=True)
    [answer] = resp.get_json()
    rid = answer["service_request_id"]
    stored = queries.citizen_reports(store, ids=[rid])
    assert stored.iloc[0]["service_name"] == "Ổ gà, hư hỏng mặt đường"
    assert stored.iloc[0]["status"] == "open"
    assert stored.iloc[0]["agency"] == "Sở Xây dựng"
    # Read back as a GeoReport v2 client would, by the header this time.
    one = client.get(f"{BASE}/requests/{rid}.json", headers={"X-API-Key": key})
    assert one.status_code == 200
    [parsed] = parse_requests(one.get_json(), source="check")
    assert parsed["id"] == rid and parsed["description"] == "Ổ gà sâu trước cổng chợ"
    listed = client.get(f"{BASE}/requests.json", query_string={"api_key": key})
    assert rid in {r["service_request_id"] for r in listed.get_json()}
    # Who filed it, when, from where: in the audit trail. No personal data stored.
    row = audit.entries(store, action="feedback.submit").iloc[0]
    assert row["actor"] == "key:Ứng dụng Bắc Ninh Smart" and row["target"] == rid
    assert "an@example.vn" not in str(queries.citizen_reports(store).to_dict())


def test_services_are_the_profiles_in_vietnamese_and_english(store):
    client = _client()
    key = _key(store)
    vi = client.get(f"{BASE}/services.json", query_string={"api_key": key}).get_json()
    en = client.get(
        f"{BASE}/services.json", query_string={"api_key": key, "locale": "en"}
    ).get_json()
    assert {s["service_code"] for s in vi} >= {"o-ga", "ngap-ung", "tieng-on"}
    assert (
        next(s for s in vi if s["service_code"] == "ngap-ung")["service_name"]
        == "Ngập úng"
    )
    assert (
        next(s for s in en if s["service_code"] == "ngap-ung")["service_name"]
        == "Flooding"
    )
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in vi)


def test_without_a_key_or_with_the_wrong_role_nothing_is_read_or_filed(store):
    client = _client()
    report = {"service_code": "o-ga", **SPOT}
    for params in ({}, {"api_key": "not-a-key-at-all-0000000000"}):
        for resp in (
            client.get(f"{BASE}/services.json", query_string=params),
            client.get(f"{BASE}/requests.json", query_string=params),
            client.post(f"{BASE}/requests.json", data={**report, **params}),
        ):
            assert resp.status_code == 403, resp.get_data(as_text=True)
            assert resp.get_json()[0]["code"] == 403
    # Staff of another domain may not read the citizens' reports; an admin's key
    # reads them but files none (admins take no operational action).
    mobility = _key(store, domains=("mobility",))
    admin = _key(store, roles=("admin",), domains=())
    assert (
        client.get(
            f"{BASE}/requests.json", query_string={"api_key": mobility}
        ).status_code
        == 403
    )
    assert (
        client.get(f"{BASE}/requests.json", query_string={"api_key": admin}).status_code
        == 200
    )
    resp = client.post(f"{BASE}/requests.json", data={**report, "api_key": admin})
    assert resp.status_code == 403 and resp.get_json()[0]["code"] == 403
    assert queries.citizen_reports(store).empty
    assert not audit.entries(store, action="access.denied").empty


@pytest.mark.parametrize(
    "change, words",
    [
        ({"service_code": ""}, "service_code"),
        ({"service_code": "'; DROP TABLE citizen_reports; --"}, "service_code"),
        ({"lat": "nan"}, "lat"),
        ({"lat": "91"}, "lat"),
        ({"long": "1e999"}, "long"),
        ({"lat": "10.77", "long": "106.70"}, "outside"),  # Hồ Chí Minh City
        ({"lat": "", "long": ""}, "location"),
        ({"long": ""}, "together"),
        ({"description": "x" * 4001}, "description"),
        ({"address_string": "y" * 501}, "address_string"),
    ],
)
def test_a_bad_report_is_a_400_that_says_why_and_stores_nothing(store, change, words):
    key = _key(store)
    data = {"api_key": key, "service_code": "o-ga", **SPOT, **change}
    resp = _client().post(f"{BASE}/requests.json", data=data)
    assert resp.status_code == 400
    [err] = resp.get_json()
    assert err["code"] == 400 and words in err["description"]
    assert queries.citizen_reports(store).empty


def test_markup_and_control_characters_are_kept_as_text_or_dropped(store):
    key = _key(store)
    payload = '<img src=x onerror="alert(1)">\x00\x07 ngập'
    resp = _client().post(
        f"{BASE}/requests.json",
        data={
            "api_key": key,
            "service_code": "ngap-ung",
            "description": payload,
            "address_string": "Phường Kinh Bắc",
        },
    )
    assert resp.status_code == 201
    row = queries.citizen_reports(store).iloc[0]
    assert row["description"] == '<img src=x onerror="alert(1)"> ngập'
    assert pd.isna(row["lat"]) and pd.isna(row["lon"])  # an address alone


def test_list_filters_are_checked_and_xml_is_refused(store):
    client = _client()
    key = _key(store)
    for params, status in [
        ({"status": "open"}, 200),
        ({"status": "lost"}, 400),
        ({"service_code": "o-ga,ngap-ung"}, 200),
        ({"service_code": "o-ga,' OR 1=1 --"}, 400),
        ({"service_request_id": "IOC-1,IOC-2"}, 200),
        ({"service_request_id": "' OR '1'='1"}, 400),
        ({"start_date": "2026-11-01T00:00:00+07:00"}, 200),
        ({"start_date": "yesterday"}, 400),
        (
            {"start_date": "2026-11-02T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
            400,
        ),
    ]:
        resp = client.get(
            f"{BASE}/requests.json", query_string={"api_key": key, **params}
        )
        assert resp.status_code == status, (params, resp.get_data(as_text=True))
        if status == 400:
            assert resp.get_json()[0]["code"] == 400
    assert (
        client.get(f"{BASE}/requests.xml", query_string={"api_key": key}).status_code
        == 400
    )
    missing = client.get(
        f"{BASE}/requests/IOC-NOPE.json", query_string={"api_key": key}
    )
    assert missing.status_code == 404 and missing.get_json()[0]["code"] == 404
    assert (
        client.get(f"{BASE}/nowhere.json", query_string={"api_key": key}).status_code
        == 404
    )
