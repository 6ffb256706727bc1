"""Malformed MQTT messages of many kinds, each with the reason code expected.

Every message except the ``unknown_sensor`` ones must give no reading at all: each
carries exactly one fault and nothing valid beside it. Topics are always well formed
(the broker subscription decides topics); ``ghost-<n>`` sensors parse fine and are
refused by the ingest, which knows the registered sensors.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable

SENSOR = "aq-test-01"
TOPIC = f"ioc/sensors/{SENSOR}/data"
DEVICE = "urn:dev:ow:10e2073a01080063"
DEVICE_TOPIC = f"ioc/sensors/{DEVICE}/data"
MAX_PAYLOAD = 256 * 1024

Case = tuple[str, bytes, str]
Kind = Callable[[random.Random, int], Case]


def _obj(doc: object) -> bytes:
    return json.dumps(doc).encode()


def _pm(rng: random.Random) -> float:
    return round(rng.uniform(1, 300), 2)


def _senml(*records: dict) -> bytes:
    return json.dumps([{"bn": f"{DEVICE}:", **records[0]}, *records[1:]]).encode()


def _truncated(rng: random.Random, i: int) -> Case:
    whole = _obj({"ts": "2026-11-25T07:00:00Z", "pm25": _pm(rng), "no2": i})
    return TOPIC, whole[: rng.randrange(1, len(whole) - 1)], "bad_json"


def _binary(rng: random.Random, i: int) -> Case:
    junk = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
    return TOPIC, junk + b"\xff", "bad_encoding"  # 0xff is never UTF-8


def _too_large(rng: random.Random, i: int) -> Case:
    body = b'{"pm25": %d}' % rng.randrange(100)
    return TOPIC, body + b" " * (MAX_PAYLOAD + 1 - len(body)), "too_large"


def _fixed(topic: str, payload: bytes, code: str) -> Kind:
    return lambda rng, i: (topic, payload, code)


def _obj_kind(code: str, make: Callable[[random.Random, int], dict]) -> Kind:
    return lambda rng, i: (TOPIC, _obj(make(rng, i)), code)


def _senml_kind(code: str, make: Callable[[random.Random, int], list[dict]]) -> Kind:
    return lambda rng, i: (DEVICE_TOPIC, _senml(*make(rng, i)), code)


KINDS: list[Kind] = [
    # Not JSON at all.
    _truncated,
    _fixed(TOPIC, b'{"pm25": 12', "bad_json"),
    _fixed(TOPIC, b"", "bad_json"),
    _fixed(TOPIC, b"   \n", "bad_json"),
    _fixed(TOPIC, b"{'pm25': 12}", "bad_json"),
    _fixed(TOPIC, b'{"pm25": 12,}', "bad_json"),
    _fixed(TOPIC, b'{"pm25": 12} trailing', "bad_json"),
    _fixed(TOPIC, b"pm25=12;no2=4", "bad_json"),
    _fixed(TOPIC, b'{"pm25": ' + b"7" * 5000 + b"}", "bad_json"),
    _fixed(TOPIC, b"[" * 50_000 + b"]" * 50_000, "bad_json"),
    _fixed(TOPIC, b'{"a":' * 5000 + b"1" + b"}" * 5000, "bad_json"),
    _binary,
    _fixed(TOPIC, b"\xc3\x28" * 5, "bad_encoding"),
    _fixed(TOPIC, '{"nhiệt_độ": 31}'.encode("utf-16"), "bad_encoding"),
    _fixed(TOPIC, '{"température": 1}'.encode("latin-1"), "bad_encoding"),
    _fixed(TOPIC, b'{"pm25": "\xed\xa0\x80"}', "bad_encoding"),  # a surrogate
    _too_large,
    # JSON, but neither an object nor a SenML pack.
    _fixed(TOPIC, b"null", "bad_shape"),
    _fixed(TOPIC, b"42", "bad_shape"),
    _fixed(TOPIC, b"true", "bad_shape"),
    _fixed(TOPIC, _obj("pm25=12"), "bad_shape"),
    _fixed(TOPIC, b"[]", "bad_shape"),
    # JSON objects with one bad value.
    _fixed(TOPIC, b'{"pm25": NaN}', "non_finite"),
    _fixed(TOPIC, b'{"pm25": Infinity}', "non_finite"),
    _fixed(TOPIC, b'{"pm10": -Infinity}', "non_finite"),
    _fixed(TOPIC, b'{"no2": 1e999}', "non_finite"),
    _obj_kind("out_of_range", lambda rng, i: {"pm25": -_pm(rng)}),
    _obj_kind("out_of_range", lambda rng, i: {"pm25": 1e9 + i}),
    _obj_kind("out_of_range", lambda rng, i: {"humidity": 100.5 + rng.random()}),
    _obj_kind("out_of_range", lambda rng, i: {"pressure": rng.randrange(0, 700)}),
    _obj_kind("out_of_range", lambda rng, i: {"pm25": 10**400}),
    _obj_kind("unknown_metric", lambda rng, i: {"pm2_5": _pm(rng)}),
    _obj_kind("unknown_metric", lambda rng, i: {f"metric{i}": _pm(rng)}),
    _obj_kind("unknown_metric", lambda rng, i: {"PM25": _pm(rng)}),
    _obj_kind("unknown_metric", lambda rng, i: {"x" * 5000: 1}),
    _obj_kind("bad_value", lambda rng, i: {"pm25": str(_pm(rng))}),
    _obj_kind("bad_value", lambda rng, i: {"pm25": True}),
    _obj_kind("bad_value", lambda rng, i: {"pm25": None}),
    _obj_kind("bad_value", lambda rng, i: {"pm25": [_pm(rng)]}),
    _obj_kind("bad_value", lambda rng, i: {"pm25": {"v": _pm(rng)}}),
    _fixed(TOPIC, b'{"pm25": ' + b"[" * 500 + b"]" * 500 + b"}", "bad_value"),
    _obj_kind("bad_ts", lambda rng, i: {"ts": "2026-11-25T14:00:00", "pm25": 1}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": "2026-11-25", "pm25": _pm(rng)}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": "yesterday", "pm25": _pm(rng)}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": "2026-13-45T99:00Z", "pm25": 1}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": 4_102_444_800 + i, "pm25": 1}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": 1_795_590_000_000, "pm25": 1}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": 12, "pm25": _pm(rng)}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": None, "pm25": _pm(rng)}),
    _obj_kind("bad_ts", lambda rng, i: {"ts": [2026, 11, 25], "pm25": 1}),
    _fixed(TOPIC, b'{"ts": NaN, "pm25": 3}', "bad_ts"),
    _obj_kind("empty", lambda rng, i: {}),
    _obj_kind("empty", lambda rng, i: {"ts": 1_795_590_000}),
    # SenML packs with one bad record.
    _senml_kind("unsupported_value", lambda rng, i: [{"n": "pm25", "vs": "high"}]),
    _senml_kind("unsupported_value", lambda rng, i: [{"n": "pm25", "vb": True}]),
    _senml_kind("unsupported_value", lambda rng, i: [{"n": "pm25", "vd": "aGkK"}]),
    _senml_kind("unsupported_value", lambda rng, i: [{"n": "energy", "s": 100}]),
    _senml_kind("bad_senml", lambda rng, i: [{"n": "pm25"}]),
    _senml_kind("bad_senml", lambda rng, i: [{"n": "pm25", "u": "ug/m3"}]),
    _senml_kind("bad_senml", lambda rng, i: [{"bver": 99, "n": "pm25", "v": 1}]),
    _senml_kind("bad_senml", lambda rng, i: [{"bver": "5", "n": "pm25", "v": 1}]),
    _senml_kind("bad_senml", lambda rng, i: [{"n": "pm25", "v": 1, "exp_": 1}]),
    _senml_kind("bad_senml", lambda rng, i: [{"n": "pm25", "t": "now", "v": 2}]),
    _senml_kind("bad_senml", lambda rng, i: [{"n": 25, "v": _pm(rng)}]),
    _senml_kind("bad_senml", lambda rng, i: [{"n": "pm25", "u": None, "v": 1}]),
    _senml_kind("bad_senml", lambda rng, i: [{"n": "pm25", "v": 1, "vs": "1"}]),
    _senml_kind(
        "bad_senml", lambda rng, i: [{"bt": "2026-11-25", "n": "pm25", "v": 1}]
    ),
    _fixed(DEVICE_TOPIC, _obj([{"bn": 5, "n": "pm25", "v": 1}]), "bad_senml"),
    _fixed(DEVICE_TOPIC, _obj([1.5, 2.5]), "bad_senml"),
    _fixed(DEVICE_TOPIC, _obj([[1, 2], [3]]), "bad_senml"),
    _fixed(DEVICE_TOPIC, _obj([None, "pm25", True]), "bad_senml"),
    _senml_kind("bad_unit", lambda rng, i: [{"n": "pm25", "u": "ppm", "v": 3}]),
    _senml_kind("bad_unit", lambda rng, i: [{"n": "temperature", "u": "K", "v": 300}]),
    _senml_kind("bad_unit", lambda rng, i: [{"bu": "%RH", "n": "voltage", "v": 230}]),
    _senml_kind("unknown_metric", lambda rng, i: [{"n": "noise", "u": "dB", "v": 4}]),
    _senml_kind("unknown_metric", lambda rng, i: [{"n": "temp", "u": "Cel", "v": 4}]),
    _fixed(
        DEVICE_TOPIC, _obj([{"n": DEVICE, "u": "lon", "v": 24.3}]), "unknown_metric"
    ),
    _fixed(DEVICE_TOPIC, _obj([{"n": DEVICE, "v": 24.3}]), "unknown_metric"),
    _senml_kind("bad_value", lambda rng, i: [{"n": "pm25", "v": "12"}]),
    _senml_kind("bad_value", lambda rng, i: [{"n": "pm25", "v": None}]),
    _senml_kind("bad_value", lambda rng, i: [{"n": "pm25", "v": False}]),
    _fixed(DEVICE_TOPIC, b'[{"n": "pm25", "v": NaN}]', "non_finite"),
    _fixed(DEVICE_TOPIC, b'[{"bv": Infinity}, {"n": "pm25", "v": 1}]', "non_finite"),
    _senml_kind("out_of_range", lambda rng, i: [{"n": "pm25", "v": -1 - i}]),
    _senml_kind("out_of_range", lambda rng, i: [{"bv": 2000, "n": "pm25", "v": 1}]),
    _senml_kind("bad_ts", lambda rng, i: [{"n": "pm25", "t": 3600 + i, "v": 1}]),
    _senml_kind("bad_ts", lambda rng, i: [{"bt": 946_684_799, "n": "pm25", "v": 1}]),
    _senml_kind(
        "bad_ts", lambda rng, i: [{"bt": 1e308, "t": 1e308, "n": "co", "v": 1}]
    ),
    _senml_kind("bad_ts", lambda rng, i: [{"bt": -(10**9), "n": "pm25", "v": 1}]),
    _fixed(DEVICE_TOPIC, b'[{"n": "pm25", "t": -Infinity, "v": 1}]', "bad_ts"),
    _senml_kind("empty", lambda rng, i: [{"bt": 1_795_590_000}]),
    # Well-formed readings of a sensor nobody registered: the ingest refuses them.
    lambda rng, i: (
        f"ioc/sensors/ghost-{i}/data",
        _obj({"pm25": _pm(rng)}),
        "unknown_sensor",
    ),
]


def malformed_payloads(n: int = 1000, seed: int = 0) -> list[Case]:
    """``n`` (topic, payload, expected reason code) triples cycling through every
    kind, so any ``n >= len(KINDS)`` holds each kind at least once."""
    rng = random.Random(seed)
    return [KINDS[i % len(KINDS)](rng, i) for i in range(n)]
