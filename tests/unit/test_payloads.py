"""Parsing MQTT payloads: JSON objects, SenML packs (RFC 8428), and everything else."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datasources.payloads import (
    MAX_PAYLOAD,
    MAX_REJECTIONS,
    ParseResult,
    Rejection,
    parse_message,
    sensor_from_topic,
)
from store.metrics import METRICS
from tests.malformed import KINDS, malformed_payloads

NOW = 1_795_590_000_000  # 2026-11-25T07:00:00Z
DEV = "urn:dev:ow:10e2073a01080063"
DEV_TOPIC = f"ioc/sensors/{DEV}/data"
CODES = {
    "bad_topic",
    "too_large",
    "bad_encoding",
    "bad_json",
    "bad_shape",
    "non_finite",
    "bad_ts",
    "unknown_metric",
    "bad_value",
    "out_of_range",
    "empty",
    "unsupported_value",
    "bad_senml",
    "bad_unit",
    "truncated",
}


def topic_of(sensor: str) -> str:
    return f"ioc/sensors/{sensor}/data"


def parse(doc: object, topic: str = DEV_TOPIC) -> ParseResult:
    return parse_message(topic, json.dumps(doc).encode(), NOW)


def parse_text(text: str, topic: str = DEV_TOPIC) -> ParseResult:
    return parse_message(topic, text.encode(), NOW)


def triples(result: ParseResult) -> list[tuple[str, int, float]]:
    return [(r.metric, r.ts_ms, r.value) for r in result.readings]


def codes(result: ParseResult) -> list[str]:
    return [Rejection(r).code for r in result.rejections]


# --- RFC 8428 section 5, the examples as the RFC prints them --------------------------

RFC_5_1_1 = """
[
  {"n":"urn:dev:ow:10e2073a01080063","u":"Cel","v":23.1}
]"""

RFC_5_1_2_NOW = """
[
  {"bn":"urn:dev:ow:10e2073a01080063:","n":"voltage","u":"V","v":120.1},
  {"n":"current","u":"A","v":1.2}
]"""

# The RFC's own base name lacks the last digit of the device address.
RFC_5_1_2_TIMES = """
[
  {"bn":"urn:dev:ow:10e2073a0108006:","bt":1.276020076001e+09,
   "bu":"A","bver":5,
   "n":"voltage","u":"V","v":120.1},
  {"n":"current","t":-5,"v":1.2},
  {"n":"current","t":-4,"v":1.3},
  {"n":"current","t":-3,"v":1.4},
  {"n":"current","t":-2,"v":1.5},
  {"n":"current","t":-1,"v":1.6},
  {"n":"current","v":1.7}
]"""

# The SenSML stream of section 5.1.2, closed so that it is one JSON array.
RFC_5_1_2_STREAM = """
[
  {"bn":"urn:dev:ow:10e2073a01080063","bt":1.320067464e+09,
   "bu":"%RH","v":21.2},
  {"t":10,"v":21.3},
  {"t":20,"v":21.4},
  {"t":30,"v":21.4},
  {"t":40,"v":21.5},
  {"t":50,"v":21.5},
  {"t":60,"v":21.5},
  {"t":70,"v":21.6},
  {"t":80,"v":21.7}
]"""

RFC_5_1_3 = """
[
  {"bn":"urn:dev:ow:10e2073a01080063","bt":1.320067464e+09,
   "bu":"%RH","v":20},
  {"u":"lon","v":24.30621},
  {"u":"lat","v":60.07965},
  {"t":60,"v":20.3},
  {"u":"lon","t":60,"v":24.30622},
  {"u":"lat","t":60,"v":60.07965},
  {"t":120,"v":20.7},
  {"u":"lon","t":120,"v":24.30623},
  {"u":"lat","t":120,"v":60.07966},
  {"u":"%EL","t":150,"v":98},
  {"t":180,"v":21.2},
  {"u":"lon","t":180,"v":24.30628},
  {"u":"lat","t":180,"v":60.07967}
]"""

RFC_5_1_4 = """
[
  {"n":"urn:dev:ow:10e2073a01080063","u":"%RH","t":1.320067464e+09,
   "v":20},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lon","t":1.320067464e+09,
   "v":24.30621},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lat","t":1.320067464e+09,
   "v":60.07965},
  {"n":"urn:dev:ow:10e2073a01080063","u":"%RH","t":1.320067524e+09,
   "v":20.3},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lon","t":1.320067524e+09,
   "v":24.30622},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lat","t":1.320067524e+09,
   "v":60.07965},
  {"n":"urn:dev:ow:10e2073a01080063","u":"%RH","t":1.320067584e+09,
   "v":20.7},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lon","t":1.320067584e+09,
   "v":24.30623},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lat","t":1.320067584e+09,
   "v":60.07966},
  {"n":"urn:dev:ow:10e2073a01080063","u":"%EL","t":1.320067614e+09,
   "v":98},
  {"n":"urn:dev:ow:10e2073a01080063","u":"%RH","t":1.320067644e+09,
   "v":21.2},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lon","t":1.320067644e+09,
   "v":24.30628},
  {"n":"urn:dev:ow:10e2073a01080063","u":"lat","t":1.320067644e+09,
   "v":60.07967}
]"""

RFC_5_1_5 = """
[
  {"bn":"urn:dev:ow:10e2073a01080063:","n":"temp","u":"Cel","v":23.1},
  {"n":"label","vs":"Machine Room"},
  {"n":"open","vb":false},
  {"n":"nfc-reader","vd":"aGkgCg"}
]"""

RFC_5_1_6 = """
[
  {"bn":"2001:db8::2/","bt":1.320078429e+09,
   "n":"temperature","u":"Cel","v":25.2},
  {"n":"humidity","u":"%RH","v":30},
  {"bn":"2001:db8::1/","n":"temperature","u":"Cel","v":12.3},
  {"n":"humidity","u":"%RH","v":67}
]"""

RFC_5_1_7_THERMOSTAT = """
[
  {"bn":"urn:dev:ow:10e2073a01080063:"},
  {"n":"temp","u":"Cel","v":23.1},
  {"n":"heat","u":"/","v":1},
  {"n":"fan","u":"/","v":0}
]"""

RFC_5_1_7_LIGHTS_ON = """
[
  {"bt":1.320078429e+09,"bu":"/","n":"2001:db8::3","v":1},
  {"n":"2001:db8::4","v":1}
]"""

RFC_5_1_7_LIGHTS_OFF = """
[
  {"bt":1.320078429e+09,"bu":"/","n":"2001:db8::3","v":0.5},
  {"n":"2001:db8::4","v":0.5},
  {"n":"2001:db8::3","t":0.1,"v":0},
  {"n":"2001:db8::4","t":0.1,"v":0}
]"""

T_2010 = 1_276_020_076_001  # Tue Jun 8 18:01:16.001 UTC 2010
T_2011 = 1_320_067_464_000  # Mon Oct 31 13:24:24 UTC 2011


def test_rfc8428_5_1_1_single_datapoint_names_the_device_and_the_unit_the_metric():
    result = parse_text(RFC_5_1_1)
    assert triples(result) == [("temperature", NOW, 23.1)]
    assert result.readings[0].sensor_id == DEV
    assert result.rejections == []


def test_rfc8428_5_1_2_datapoints_without_time_are_now():
    result = parse_text(RFC_5_1_2_NOW)
    assert triples(result) == [("voltage", NOW, 120.1), ("current", NOW, 1.2)]
    assert result.rejections == []


@pytest.mark.parametrize("sensor", [DEV, "urn:dev:ow:10e2073a0108006"])
def test_rfc8428_5_1_2_base_time_base_unit_and_relative_times_resolve(sensor):
    """Published by the device of the topic or by the one the RFC's bn names: either
    way the base name is stripped and the base unit 'A' fits the currents."""
    result = parse_text(RFC_5_1_2_TIMES, topic=topic_of(sensor))
    assert triples(result) == [
        ("voltage", T_2010, 120.1),
        ("current", T_2010 - 5000, 1.2),
        ("current", T_2010 - 4000, 1.3),
        ("current", T_2010 - 3000, 1.4),
        ("current", T_2010 - 2000, 1.5),
        ("current", T_2010 - 1000, 1.6),
        ("current", T_2010, 1.7),
    ]
    assert {r.sensor_id for r in result.readings} == {sensor}
    assert result.rejections == []


def test_rfc8428_5_1_2_sensml_stream_of_a_bare_device_name_is_humidity():
    result = parse_text(RFC_5_1_2_STREAM)
    values = [21.2, 21.3, 21.4, 21.4, 21.5, 21.5, 21.5, 21.6, 21.7]
    assert triples(result) == [
        ("humidity", T_2011 + k * 10_000, v) for k, v in enumerate(values)
    ]
    assert result.rejections == []


HUMIDITY_2011 = [
    ("humidity", T_2011, 20.0),
    ("humidity", T_2011 + 60_000, 20.3),
    ("humidity", T_2011 + 120_000, 20.7),
    ("humidity", T_2011 + 180_000, 21.2),
]


def test_rfc8428_5_1_3_keeps_humidity_and_rejects_position_and_battery():
    """lon, lat and %EL name no metric of ours: nine unknown_metric, four readings."""
    result = parse_text(RFC_5_1_3)
    assert triples(result) == HUMIDITY_2011
    assert codes(result) == ["unknown_metric"] * 9
    assert [r.split(":", 2)[1] for r in result.rejections] == [
        f" record {i}" for i in (1, 2, 4, 5, 7, 8, 9, 11, 12)
    ]
    assert "in 'lon'" in result.rejections[0]


def test_rfc8428_5_1_4_resolved_records_give_the_same_as_5_1_3():
    resolved, compact = parse_text(RFC_5_1_4), parse_text(RFC_5_1_3)
    assert triples(resolved) == HUMIDITY_2011 == triples(compact)
    assert codes(resolved) == ["unknown_metric"] * 9


def test_rfc8428_5_1_5_multiple_data_types_store_numbers_only():
    """'temp' is not a catalogue name (we say 'temperature'); strings, booleans and
    data are refused record by record."""
    result = parse_text(RFC_5_1_5)
    assert result.readings == []
    assert codes(result) == ["unknown_metric"] + ["unsupported_value"] * 3
    assert "'urn:dev:ow:10e2073a01080063:temp'" in result.rejections[0]


def test_rfc8428_5_1_5_numbers_beside_other_data_types_are_kept():
    result = parse_text(RFC_5_1_5.replace('"temp"', '"temperature"'))
    assert triples(result) == [("temperature", NOW, 23.1)]
    assert codes(result) == ["unsupported_value"] * 3


def test_rfc8428_5_1_6_collection_keeps_the_base_time_across_a_new_base_name():
    """The pack's last records come from another device (bn 2001:db8::1/) with the
    same base time: stripping their bn would give the publishing sensor a second
    temperature and humidity at that instant, which it refuses as a conflict rather
    than let the store keep one silently."""
    result = parse_text(RFC_5_1_6, topic=topic_of("2001:db8::2"))
    t = 1_320_078_429_000
    assert triples(result) == [("temperature", t, 25.2), ("humidity", t, 30.0)]
    assert codes(result) == ["bad_senml", "bad_senml"]
    assert "record 2: temperature=12.3" in result.rejections[0]
    assert "record 1 said 30.0" in result.rejections[1]


@pytest.mark.parametrize(
    "text, rejected",
    [
        (RFC_5_1_7_THERMOSTAT, 3),  # the first record holds a base name only
        (RFC_5_1_7_LIGHTS_ON, 2),
        (RFC_5_1_7_LIGHTS_OFF, 4),
    ],
)
def test_rfc8428_5_1_7_actuator_settings_name_no_metric(text, rejected):
    result = parse_text(text)
    assert result.readings == []
    assert codes(result) == ["unknown_metric"] * rejected


# --- SenML resolution -----------------------------------------------------------------


def test_base_value_is_added_to_each_value_until_changed():
    result = parse(
        [
            {"bn": f"{DEV}:", "bv": 20, "n": "temperature", "u": "Cel", "v": 3.5},
            {"n": "temperature", "t": -10, "v": -1.5},
            {"bv": 1000, "n": "pressure", "v": 13.25},
            {"n": "pressure", "t": -60, "v": -0.5},
        ]
    )
    assert triples(result) == [
        ("temperature", NOW, 23.5),
        ("temperature", NOW - 10_000, 18.5),
        ("pressure", NOW, 1013.25),
        ("pressure", NOW - 60_000, 999.5),
    ]


def test_base_unit_applies_until_a_record_gives_its_own():
    result = parse(
        [
            {"bn": f"{DEV}:", "bu": "Cel", "n": "temperature", "v": 30},
            {"n": "water_temp", "v": 28},
            {"n": "voltage", "u": "V", "v": 230},
            {"n": "humidity", "v": 80},
        ]
    )
    assert triples(result) == [
        ("temperature", NOW, 30.0),
        ("water_temp", NOW, 28.0),
        ("voltage", NOW, 230.0),
    ]
    assert codes(result) == ["bad_unit"]
    assert "humidity in 'Cel', expected '%RH'" in result.rejections[0]


def test_times_below_2_pow_28_are_relative_to_now_including_a_relative_base_time():
    result = parse(
        [
            {"bn": f"{DEV}:", "bt": -120, "n": "voltage", "v": 230},
            {"n": "current", "t": 60, "v": 2},
            {"n": "power", "t": 420, "v": 460},  # +5 min: within the 10 min slack
        ]
    )
    assert triples(result) == [
        ("voltage", NOW - 120_000, 230.0),
        ("current", NOW - 60_000, 2.0),
        ("power", NOW + 300_000, 460.0),
    ]


def test_times_keep_milliseconds_rounded_half_to_even():
    # 0.0625 s and 0.1875 s are exact binary fractions: true ties at 62.5, 187.5 ms.
    result = parse(
        [
            {"bn": f"{DEV}:", "n": "voltage", "t": -0.0625, "v": 1},
            {"n": "current", "t": -0.1875, "v": 1},
            {"n": "power", "t": -0.0014, "v": 1},
            {"n": "energy", "bt": 1_795_589_999.0625, "v": 1},
        ]
    )
    assert [r.ts_ms for r in result.readings] == [
        NOW - 62,
        NOW - 188,
        NOW - 1,
        NOW - 938,
    ]


def test_base_time_plus_time_is_exact():
    """In floats 1.276020076001e9 + 0.3 is 1276020076.3009999; exactly it is
    1276020076.30099992752... s, which is 301 ms past the second, not 300."""
    result = parse(
        [{"bn": f"{DEV}:", "bt": 1.276020076001e09, "n": "current", "t": 0.3, "v": 1}]
    )
    assert triples(result) == [("current", T_2010 + 300, 1.0)]


@pytest.mark.parametrize(
    "records, metric",
    [
        ([{"n": "aq-1:pm25"}], "pm25"),
        ([{"n": "aq-1/pm25"}], "pm25"),
        ([{"n": "aq-1.pm25"}], "pm25"),
        ([{"n": "aq-1_pm25"}], "pm25"),
        ([{"n": "aq-1-pm25"}], "pm25"),
        ([{"bn": "aq-1:/", "n": "pm25"}], "pm25"),
        ([{"bn": "station-7/", "n": "pm25"}], "pm25"),  # bn not the topic's id
        ([{"bn": "station-7", "n": ":pm25"}], "pm25"),
        ([{"n": "pm25"}], "pm25"),  # no prefix at all
        ([{"n": "aq-1", "u": "Cel"}], "temperature"),  # the device, by its unit
        ([{"bn": "aq-1", "u": "dBA"}], "laeq"),
    ],
)
def test_metric_is_the_resolved_name_minus_the_device_prefix(records, metric):
    records[-1]["v"] = 21
    result = parse(records, topic=topic_of("aq-1"))
    assert [(r.sensor_id, r.metric) for r in result.readings] == [("aq-1", metric)]
    assert result.rejections == []


@pytest.mark.parametrize(
    "record",
    [
        {"n": "aq-1"},  # the device, but no unit says what
        {"n": "aq-1", "u": "ug/m3"},  # a unit shared by several metrics
        {"n": "aq-10:pm25"},  # another device whose id extends ours
        {"n": "station-7:pm25"},  # a prefix that is neither the id nor the bn
    ],
)
def test_names_that_do_not_resolve_to_a_metric_are_unknown(record):
    result = parse([{**record, "v": 1}], topic=topic_of("aq-1"))
    assert result.readings == []
    assert codes(result) == ["unknown_metric"]


def test_unit_aliases_of_the_catalogue_are_accepted():
    result = parse(
        [
            {"bn": f"{DEV}:", "n": "pm25", "u": "ug/m3", "v": 5},
            {"n": "do", "u": "mg/l", "v": 7},
        ]
    )
    assert triples(result) == [("pm25", NOW, 5.0), ("do", NOW, 7.0)]


def test_a_base_version_above_10_refuses_the_whole_pack():
    result = parse([{"n": "pm25", "v": 1}, {"bver": 11, "n": "pm10", "v": 2}])
    assert result.readings == []
    assert codes(result) == ["bad_senml"]


def test_a_must_understand_field_refuses_the_whole_pack():
    result = parse([{"n": "pm25", "v": 1}, {"n": "pm10", "v": 2, "rt_": 5}])
    assert result.readings == []
    assert codes(result) == ["bad_senml"]


def test_a_bad_base_field_stops_resolution_but_keeps_earlier_records():
    result = parse(
        [
            {"n": "pm25", "v": 1},
            {"bt": "yesterday", "n": "pm10", "v": 2},
            {"n": "no2", "v": 3},
        ]
    )
    assert triples(result) == [("pm25", NOW, 1.0)]
    assert codes(result) == ["bad_senml"]
    assert "records 1.. not resolved" in result.rejections[0]


def test_a_record_of_base_fields_only_is_not_a_rejection_but_no_value_is():
    result = parse([{"bn": f"{DEV}:", "bt": 1_795_589_000}, {"n": "pm25", "v": 9}])
    assert triples(result) == [("pm25", NOW - 1_000_000, 9.0)]
    assert result.rejections == []
    assert codes(parse([{"n": "pm25"}])) == ["bad_senml"]
    assert codes(parse([{"bn": f"{DEV}:"}])) == ["empty"]


def test_sums_are_ignored_beside_a_value_and_refused_alone():
    assert triples(parse([{"n": "energy", "s": 12, "v": 3}])) == [("energy", NOW, 3.0)]
    assert codes(parse([{"n": "energy", "s": 12}])) == ["unsupported_value"]


def test_two_values_for_one_metric_at_one_instant_conflict_and_repeats_collapse():
    result = parse(
        [
            {"n": "pm25", "v": 10},
            {"n": "pm25", "v": 10},
            {"n": "pm25", "v": 12},
            {"n": "pm25", "t": -60, "v": 12},
        ]
    )
    assert triples(result) == [("pm25", NOW, 10.0), ("pm25", NOW - 60_000, 12.0)]
    assert codes(result) == ["bad_senml"]


def test_non_object_records_are_refused_one_by_one():
    result = parse([{"n": "pm25", "v": 10}, 5, "x", None, [1], {"n": "pm10", "v": 3}])
    assert triples(result) == [("pm25", NOW, 10.0), ("pm10", NOW, 3.0)]
    assert codes(result) == ["bad_senml"] * 4


@pytest.mark.parametrize(
    "record, code",
    [
        ({"n": "pm25", "v": -1}, "out_of_range"),
        ({"n": "pm25", "v": 10**400}, "out_of_range"),
        ({"bv": 1e308, "n": "pm25", "v": 1e308}, "non_finite"),
        ({"n": "pm25", "v": "1"}, "bad_value"),
        ({"n": "pm25", "v": True}, "bad_value"),
        ({"n": "pm25", "u": "ppm", "v": 1}, "bad_unit"),
        ({"n": "pm25", "t": 601, "v": 1}, "bad_ts"),
        ({"bt": 946_684_799.999, "n": "pm25", "v": 1}, "bad_ts"),
        ({"bt": 1e308, "t": 1e308, "n": "pm25", "v": 1}, "bad_ts"),
        ({"n": "pm25", "vs": "1"}, "unsupported_value"),
        ({"n": "pm25", "v": 1, "vb": True}, "bad_senml"),
        ({"n": None, "v": 1}, "bad_senml"),
        ({"bver": 2.5, "n": "pm25", "v": 1}, "bad_senml"),
    ],
)
def test_each_senml_fault_has_its_code_and_spares_the_other_records(record, code):
    result = parse([{"n": "no2", "v": 40}, record])  # after: base fields carry on
    assert codes(result) == [code]
    spared = [] if "bver" in record else [("no2", NOW, 40.0)]  # bver: whole pack
    assert triples(result) == spared


# --- JSON objects ---------------------------------------------------------------------


def test_json_object_with_iso_time_and_several_metrics():
    result = parse({"ts": "2026-11-25T14:00:00+07:00", "pm25": 41.5, "pm10": 77})
    assert triples(result) == [("pm25", NOW, 41.5), ("pm10", NOW, 77.0)]
    assert result.rejections == []


@pytest.mark.parametrize(
    "ts, ts_ms",
    [
        ("2026-11-25T07:00:00Z", NOW),
        ("2026-11-25t07:00:00z", NOW),
        ("2026-11-25T07:00:00.250Z", NOW + 250),
        ("2026-11-25T07:00:00.0005Z", NOW),  # 0.5 ms: ties to even
        ("2026-11-25T07:00:00.0015Z", NOW + 2),
        ("2026-11-25T09:30:00+02:30", NOW),
        (1_795_590_000, NOW),
        (1_795_589_999.5, NOW - 500),
        (1_795_589_999.0625, NOW - 938),
    ],
)
def test_json_object_times_iso_with_offset_or_epoch_seconds(ts, ts_ms):
    assert triples(parse({"ts": ts, "no2": 30})) == [("no2", ts_ms, 30.0)]


def test_json_object_without_time_is_now():
    assert triples(parse({"no2": 30})) == [("no2", NOW, 30.0)]


def test_json_object_keeps_valid_metrics_and_rejects_the_others():
    result = parse_text(
        '{"pm25": 12, "pm10": -3, "smell": 4, "so2": "x", "no2": NaN, "o3": 1e999}'
    )
    assert triples(result) == [("pm25", NOW, 12.0)]
    assert codes(result) == [
        "out_of_range",
        "unknown_metric",
        "bad_value",
        "non_finite",
        "non_finite",
    ]
    assert result.rejections[0] == "out_of_range: pm10=-3.0 not in [0, 3000]"
    assert result.rejections[1] == "unknown_metric: 'smell'"


def test_late_data_is_accepted_but_the_future_and_the_last_century_are_not():
    def at(ts_ms: int) -> ParseResult:
        return parse({"ts": ts_ms / 1000, "pm25": 1})

    assert triples(at(NOW - 5 * 3_600_000)) == [("pm25", NOW - 5 * 3_600_000, 1.0)]
    assert triples(at(946_684_800_000)) == [("pm25", 946_684_800_000, 1.0)]
    assert triples(at(NOW + 600_000)) == [("pm25", NOW + 600_000, 1.0)]
    assert codes(at(NOW + 600_001)) == ["bad_ts"]
    assert codes(at(946_684_799_999)) == ["bad_ts"]


@pytest.mark.parametrize(
    "payload, code",
    [
        (b'{"ts": "2026-11-25T14:00:00", "pm25": 1}', "bad_ts"),
        (b'{"ts": "25/11/2026 14:00", "pm25": 1}', "bad_ts"),
        (b'{"ts": 1795590000000, "pm25": 1}', "bad_ts"),
        (b'{"ts": true, "pm25": 1}', "bad_ts"),
        (b'{"ts": "0001-01-01T00:00:00+01:00", "pm25": 1}', "bad_ts"),
        (b'{"pm25": 1', "bad_json"),
        (b"", "bad_json"),
        (b"[" * 150_000 + b"]" * 150_000, "too_large"),
        (b"[" * 10_000 + b"]" * 10_000, "bad_json"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "bad_encoding"),
        (b"null", "bad_shape"),
        (b"[]", "bad_shape"),
        (b'"pm25"', "bad_shape"),
        (b"{}", "empty"),
        (b'{"ts": 1795590000}', "empty"),
        (b'{"pm25": [1]}', "bad_value"),
        (b'{"pm25": null}', "bad_value"),
        (b'{"humidity": 100.01}', "out_of_range"),
        (b'{"PM2.5": 3}', "unknown_metric"),
        (b'{"pm25": -Infinity}', "non_finite"),
    ],
)
def test_each_json_object_fault_has_its_code(payload, code):
    result = parse_message(DEV_TOPIC, payload, NOW)
    assert result.readings == []
    assert codes(result) == [code]


def test_payload_size_limit_is_256_kib():
    body = b'{"pm25": 5}'
    exact = body + b" " * (MAX_PAYLOAD - len(body))
    assert triples(parse_message(DEV_TOPIC, exact, NOW)) == [("pm25", NOW, 5.0)]
    assert codes(parse_message(DEV_TOPIC, exact + b" ", NOW)) == ["too_large"]


def test_reasons_are_capped_in_length_and_number():
    long_name = parse({"x" * 10_000: 1, "y" * 5000: "z" * 5000})
    assert codes(long_name) == ["unknown_metric", "unknown_metric"]
    assert all(len(r) <= 300 for r in long_name.rejections)
    many = parse({f"m{i}": i for i in range(200)})
    assert len(many.rejections) == MAX_REJECTIONS + 1
    assert many.rejections[-1] == f"truncated: {200 - MAX_REJECTIONS} more rejections"


# --- topics ---------------------------------------------------------------------------


def test_topics_name_the_sensor():
    assert sensor_from_topic("ioc/sensors/aq-1/data") == "aq-1"
    assert sensor_from_topic(DEV_TOPIC) == DEV
    assert sensor_from_topic("ioc/sensors/" + "x" * 128 + "/data") == "x" * 128
    for bad in (
        "ioc/sensors//data",
        "ioc/sensors/a/b/data",
        "ioc/sensors/a+/data",
        "ioc/sensors/#/data",
        "ioc/sensors/a\x00b/data",
        "ioc/sensors/a\nb/data",
        "ioc/sensors/a\x85b/data",
        "ioc/sensors/aq-1/data\n",
        "ioc/sensors/aq-1/data/x",
        "other/aq-1/data",
        "ioc/sensors/" + "x" * 129 + "/data",
    ):
        assert sensor_from_topic(bad) is None, bad
    assert codes(parse_message("x/y", b'{"pm25": 1}', NOW)) == ["bad_topic"]


# --- the malformed corpus -------------------------------------------------------------


def test_a_thousand_malformed_payloads_give_no_reading_and_the_expected_reason():
    bad = malformed_payloads(1000, seed=1)
    assert len(bad) == 1000
    expected = {code for _t, _p, code in bad}
    assert expected == CODES - {"bad_topic", "truncated"} | {"unknown_sensor"}
    for topic, payload, code in bad:
        result = parse_message(topic, payload, NOW)
        if code == "unknown_sensor":  # the ingest decides that, not the parser
            assert result.rejections == [] and result.readings
            continue
        assert result.readings == [], (payload[:80], result)
        assert code in codes(result), (payload[:80], result.rejections)
        assert all(len(r) <= 300 for r in result.rejections)


def test_malformed_payloads_cover_every_kind_and_follow_the_seed():
    one_of_each = malformed_payloads(len(KINDS))
    assert len({(t, p) for t, p, _c in one_of_each}) == len(KINDS)  # no duplicates
    assert malformed_payloads(200, seed=4) == malformed_payloads(200, seed=4)
    assert malformed_payloads(200, seed=4) != malformed_payloads(200, seed=5)


# --- fuzzing --------------------------------------------------------------------------

big_ints = st.integers(min_value=-(10**400), max_value=10**400)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.integers()
    | big_ints
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["ts", "pm25", "humidity"]),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)
senml_keys = st.sampled_from(
    ["bn", "bt", "bu", "bv", "bs", "bver", "n", "u", "v", "t", "s", "vs", "vb", "vd"]
    + ["ut", "pm25", "x_"]
)
senml_values = (
    st.none()
    | st.booleans()
    | st.floats()
    | st.integers(min_value=-(2**40), max_value=2**40)
    | big_ints
    | st.sampled_from([1.7955e9, -30, 5, 10, 11, 2**28])
    | st.sampled_from(["pm25", "Cel", "µg/m3", f"{DEV}:", "", "V", "A", DEV])
)
senml_packs = st.lists(
    st.dictionaries(senml_keys, senml_values, max_size=6), max_size=8
)


def assert_sane(result: ParseResult, sensor: str = DEV) -> None:
    for r in result.readings:
        m = METRICS[r.metric]
        assert math.isfinite(r.value) and m.low <= r.value <= m.high
        assert isinstance(r.value, float) and isinstance(r.ts_ms, int)
        assert 946_684_800_000 <= r.ts_ms <= NOW + 600_000
        assert r.sensor_id == sensor
    for reason in result.rejections:
        assert len(reason) <= 300
        assert Rejection(reason).code in CODES, reason
    assert result.readings or result.rejections, "a message must give something"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_parser_never_raises_on_arbitrary_bytes(data):
    assert_sane(parse_message(DEV_TOPIC, data, NOW))


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_parser_never_raises_on_arbitrary_json(value):
    assert_sane(parse_message(DEV_TOPIC, json.dumps(value).encode(), NOW))


@settings(max_examples=500, deadline=None)
@given(senml_packs)
def test_parser_never_raises_on_senml_like_packs(pack):
    assert_sane(parse_message(DEV_TOPIC, json.dumps(pack).encode(), NOW))


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=140),
    st.binary(max_size=60),
)
def test_parser_never_raises_on_any_topic(topic, data):
    result = parse_message(topic, data, NOW)
    sensor = sensor_from_topic(topic)
    if sensor is None:
        assert codes(result) == ["bad_topic"]
    else:
        assert_sane(result, sensor)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["pm25", "no2", "humidity", "voltage", "current"]),
            st.integers(min_value=-86_400, max_value=0),
            st.floats(min_value=0, max_value=100),
        ),
        min_size=1,
        max_size=12,
        unique_by=lambda x: (x[0], x[1]),
    ),
    st.integers(min_value=1_000_000_000, max_value=1_795_000_000),
)
def test_a_compact_pack_resolves_to_the_same_readings_as_its_resolved_form(rows, bt):
    """Section 4.6: bn + n, bt + t and bv + v give what the resolved records say."""
    compact = [{"bn": f"{DEV}:", "bt": bt, "bv": 1.0}] + [
        {"n": m, "t": t, "v": v - 1.0} for m, t, v in rows
    ]
    resolved = [{"n": f"{DEV}:{m}", "t": bt + t, "v": v} for m, t, v in rows]
    a, b = parse(compact), parse(resolved)
    assert a.rejections == [] == b.rejections
    assert [(r.metric, r.ts_ms) for r in a.readings] == [
        (m, (bt + t) * 1000) for m, t, _v in rows
    ]
    assert [r.value for r in a.readings] == pytest.approx([r.value for r in b.readings])


json_objects = st.dictionaries(
    st.sampled_from(["ts", "pm25", "pm10", "no2", "humidity", "water_level"])
    | st.text(max_size=10),
    json_values,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(json_objects)
def test_parser_never_raises_on_json_objects_of_real_metric_names(obj):
    assert_sane(parse_message(DEV_TOPIC, json.dumps(obj).encode(), NOW))


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from([RFC_5_1_2_TIMES, RFC_5_1_3, RFC_5_1_6, RFC_5_1_5]),
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=2000), st.binary(max_size=3)),
        min_size=1,
        max_size=4,
    ),
    st.integers(min_value=0, max_value=2000),
)
def test_parser_never_raises_on_corrupted_senml_packs(text, edits, cut):
    """An RFC pack with bytes replaced, inserted or cut off: readings that survive
    are valid, the rest is rejected with a known code."""
    data = bytearray(text.encode())
    for pos, new in edits:
        pos %= len(data) + 1
        data[pos : pos + len(new) // 2 + 1] = new
    assert_sane(parse_message(DEV_TOPIC, bytes(data[: len(data) - cut % 50]), NOW))
