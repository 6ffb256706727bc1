"""Values from feeds, Open311 systems, MQTT and forms are checked in range and length
before they are stored: links only http(s), times plausible, text without the
control characters PostgreSQL refuses, numbers finite and in range."""

from __future__ import annotations

import json
import math

import pytest

from datasources.open311 import LIMITS as REPORT_LIMITS
from datasources.open311 import parse_requests
from datasources.payloads import parse_message
from datasources.press_rss import LIMITS as PRESS_LIMITS
from datasources.press_rss import parse_rss, safe_link
from layouts._filters import clean_id, clean_key, clean_text
from store.schema import CitizenReport, PressItem
from store.writes import now_ms, payload_text

XSS = '<img src=x onerror="window.__xss=1">'


def _rss(items: str) -> bytes:
    return (
        f"<rss version='2.0'><channel><title>Báo</title>{items}</channel></rss>"
    ).encode()


def _item(title: str = "Tin", link: str = "https://baobacninh.vn/a", **extra) -> str:
    fields = "".join(f"<{k}>{v}</{k}>" for k, v in extra.items())
    return f"<item><title>{title}</title><link>{link}</link>{fields}</item>"


@pytest.mark.parametrize(
    "link",
    [
        "javascript:window.__xss=1",
        "JavaScript:alert(1)",
        " javascript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "//evil.example/x",
        "ftp://example.org/a",
    ],
)
def test_a_press_link_that_is_not_http_is_dropped(link):
    [item] = parse_rss(_rss(_item(link=link.replace("&", "&amp;"))))
    assert item["link"] == ""
    assert item["title"] == "Tin"  # the item itself is kept, as text
    assert item["guid"]


@pytest.mark.parametrize("link", ["http://a.vn/x?y=1", "HTTPS://A.VN/X"])
def test_a_press_link_over_http_is_kept(link):
    assert safe_link(link) == link


def test_press_text_is_kept_as_text_and_cut_to_the_column_sizes():
    escaped = XSS.replace("<", "&lt;").replace(">", "&gt;")
    [item] = parse_rss(
        _rss(
            _item(
                title=escaped + "T" * 5000,
                link="https://a.vn/" + "p" * 5000,
                description="D" * 10_000,
                category="C" * 1000,
                guid="G" * 1000,
            )
        )
    )
    assert item["title"].startswith(XSS)  # stored as the text it is
    cols = PressItem.__table__.c
    for field in ("title", "link", "category", "guid", "source"):
        limit = cols[field].type.length
        assert len(item[field]) <= limit, field
    assert len(item["title"]) == PRESS_LIMITS["title"]
    assert len(item["summary"]) == PRESS_LIMITS["summary"]


@pytest.mark.parametrize(
    "pub",
    [
        "Fri, 31 Dec 9999 23:59:59 +0000",
        "Mon, 01 Jan 1900 00:00:00 +0000",
        "Thu, 01 Jan 1970 00:00:00 +0000",
        "yesterday",
    ],
)
def test_a_press_date_out_of_range_becomes_the_fetch_time(pub):
    before = now_ms()
    [item] = parse_rss(_rss(_item(pubDate=pub)))
    assert before <= item["published_ms"] <= now_ms()


def _request(**overrides) -> dict:
    req = {
        "service_request_id": "r1",
        "status": "open",
        "service_code": "rac",
        "service_name": "Rác thải",
        "description": "Đống rác",
        "agency_responsible": "UBND",
        "address": "Kinh Bắc",
        "lat": 21.18,
        "long": 106.07,
        "requested_datetime": "2026-11-24T01:00:00Z",
    }
    req.update(overrides)
    return req


def test_open311_text_loses_control_characters_and_fits_its_columns():
    [row] = parse_requests(
        [
            _request(
                service_request_id="r\x00-1",
                service_name="Rác\x00 thải\x1b" + XSS,
                description="dòng 1\ndòng 2\x07" + "x" * 10_000,
                address="A" * 2000,
            )
        ],
        source="open311",
    )
    assert row["id"] == "r-1"
    assert row["service_name"] == "Rác thải" + XSS  # text, kept as text
    assert row["description"].startswith("dòng 1\ndòng 2x")
    cols = CitizenReport.__table__.c
    for field, limit in REPORT_LIMITS.items():
        assert len(row[field]) <= limit, field
        if cols[field].type.length:
            assert len(row[field]) <= cols[field].type.length, field
    assert not any("\x00" in str(v) for v in row.values())


@pytest.mark.parametrize(
    "field, value",
    [
        ("service_name", {"a": 1}),
        ("description", ["x"]),
        ("address", True),
        ("agency_responsible", None),
    ],
)
def test_open311_fields_of_the_wrong_type_are_no_text(field, value):
    [row] = parse_requests([_request(**{field: value})], source="o")
    column = {"agency_responsible": "agency"}.get(field, field)
    assert row[column] == ""


@pytest.mark.parametrize(
    "lat, lon",
    [("NaN", "NaN"), ("Infinity", "-Infinity"), (91, 181), ("21; DROP", None)],
)
def test_open311_coordinates_must_be_finite_and_on_earth(lat, lon):
    [row] = parse_requests([_request(lat=lat, long=lon)], source="o")
    assert row["lat"] is None and row["lon"] is None


@pytest.mark.parametrize(
    "when",
    ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+14:00", "1999-12-31T23:59:59Z"],
)
def test_open311_requests_at_impossible_times_are_skipped(when):
    assert parse_requests([_request(requested_datetime=when)], source="o") == []


def test_open311_unknown_status_is_open():
    [row] = parse_requests([_request(status="<b>closed</b>")], source="o")
    assert row["status"] == "open"


# -- MQTT ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload, code",
    [
        (b'{"pm25": NaN}', "non_finite"),
        (b'{"pm25": Infinity}', "non_finite"),
        (b'{"pm25": 1e400}', "non_finite"),
        (b'{"pm25": -5}', "out_of_range"),
        (b'{"pm25": 10000000}', "out_of_range"),
        (b'{"pm25": "<script>window.__xss=1</script>"}', "bad_value"),
        (b'{"<img src=x onerror=1>": 5}', "unknown_metric"),
    ],
)
def test_mqtt_values_must_be_finite_numbers_in_range(payload, code):
    result = parse_message("ioc/sensors/aq-1/data", payload, now_ms())
    assert result.readings == []
    assert [r.split(":", 1)[0] for r in result.rejections] == [code]


@pytest.mark.parametrize(
    "topic",
    ["ioc/sensors/a\x00b/data", "ioc/sensors/" + "x" * 129 + "/data"],
)
def test_mqtt_sensor_ids_are_bounded_and_without_control_characters(topic):
    result = parse_message(topic, b'{"pm25": 5}', now_ms())
    assert result.readings == [] and result.rejections[0].startswith("bad_topic")


def test_a_dead_letter_payload_never_carries_nul():
    text = payload_text(b'{"pm25": 1}\x00<script>')
    assert "\x00" not in text and text.startswith("hex:")
    assert payload_text(b'{"pm25": 1}') == '{"pm25": 1}'
    assert payload_text(b"\xff\xfe").startswith("hex:")


def test_a_rejection_reason_quotes_the_payload_as_a_bounded_repr():
    hostile = json.dumps({"pm25": "x" * 10_000 + "\x00"}).encode()
    result = parse_message("ioc/sensors/aq-1/data", hostile, now_ms())
    [reason] = result.rejections
    assert len(reason) <= 300 and "\x00" not in reason


# -- values a browser sends to callbacks --------------------------------------------


@pytest.mark.parametrize(
    "value, expected",
    [
        ("aq-kinh-bac-01", "aq-kinh-bac-01"),
        ("", None),
        ("a\x00b", None),
        ("x" * 129, None),
        (5, None),
        ({"id": 1}, None),
        (None, None),
    ],
)
def test_clean_id(value, expected):
    assert clean_id(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [(7, 7), (0, None), (-1, None), (2**31, None), (True, None), ("7", None),
     (1.0, None), (math.inf, None)],
)  # fmt: skip
def test_clean_key(value, expected):
    assert clean_key(value) == expected


def test_clean_text_drops_control_characters_but_keeps_lines():
    assert clean_text("Đã xử lý\x00\n\tmai\x1b") == "Đã xử lý\n\tmai"
    assert clean_text({"a": 1}) == "" and clean_text(None) == ""
