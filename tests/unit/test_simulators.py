"""The simulators: realistic shapes, valid payloads, a publisher that reaches a real
broker and survives failures, and external systems in their real formats."""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from types import SimpleNamespace
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

import numpy as np
import paho.mqtt.client as mqtt
import pytest

import province
from config import ROOT
from datasources.payloads import parse_message
from simulators.sensors import (
    SensorFleet,
    SensorPublisher,
    connect_client,
    topic_for,
)
from simulators.systems import requests_json, rss, start_systems_server
from store.metrics import METRICS

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
VN = timedelta(hours=7)


@pytest.fixture(scope="module")
def profile():
    return province.load_profile(ROOT / "profiles" / "bac-ninh.json", set(METRICS))


@pytest.fixture(scope="module")
def fleet(profile):
    return SensorFleet(province.build_fleet(profile), seed=7)


def _spec(fleet, sensor_id):
    return next(s for s in fleet.specs if s.id == sensor_id)


def _at(fleet, spec, local: datetime) -> dict[str, float]:
    """Values at a local (Vietnam) wall-clock time."""
    t = (local.replace(tzinfo=UTC) - VN).timestamp()
    return {m: float(v[0]) for m, v in fleet.values(spec, np.array([t])).items()}


def _mean(fleet, spec, metric, start_local: datetime, days: float) -> float:
    start = start_local.replace(tzinfo=UTC) - VN
    _ts, vals = fleet.history(spec, start, start + timedelta(days=days), 600)
    return float(vals[metric].mean())


# -- values ---------------------------------------------------------------------------
def _first_payload(fleet, spec, ts: datetime) -> tuple[datetime, bytes]:
    """The first minute from ``ts`` on at which the sensor is not silent."""
    for i in range(100):
        at = ts + timedelta(minutes=i)
        payload = fleet.payload(spec, at)
        if payload is not None:
            return at, payload
    raise AssertionError(f"{spec.id} silent for 100 minutes")


def test_readings_stay_in_range_except_the_faulty_sensor(fleet):
    out_of_range: dict[str, int] = {}
    for minute in range(0, 3 * 24 * 60, 131):
        ts = NOW + timedelta(minutes=minute, seconds=minute % 11)
        for spec in fleet.specs:
            vals = fleet.reading(spec, ts)
            if vals is None:
                continue
            assert set(vals) == set(spec.metrics), spec.id
            for m, v in vals.items():
                if not METRICS[m].low <= v <= METRICS[m].high:
                    out_of_range[spec.id] = out_of_range.get(spec.id, 0) + 1
    faulty = next(s.id for s in fleet.specs if s.faulty)
    assert set(out_of_range) == {faulty}


def test_the_faulty_sensor_also_gets_stuck(fleet):
    def repeats(spec, n: int) -> int:
        """Consecutive equal readings, one every 90 s (a stuck window is 10 min)."""
        values = [
            fleet.reading(spec, NOW + timedelta(seconds=90 * i)) for i in range(n)
        ]
        return sum(a == b and a is not None for a, b in zip(values, values[1:]))

    assert repeats(next(s for s in fleet.specs if s.faulty), 480) > 10
    assert repeats(_spec(fleet, "aq-kinh-bac-01"), 100) == 0


def test_payloads_of_every_sensor_parse_in_the_ingest(fleet):
    bad = 0
    for minute in range(0, 24 * 60, 53):
        ts = NOW + timedelta(minutes=minute, seconds=minute % 7)
        for spec in fleet.specs:
            payload = fleet.payload(spec, ts)
            if payload is None:
                continue
            result = parse_message(
                topic_for(spec.id), payload, int(ts.timestamp() * 1000)
            )
            if spec.faulty:
                bad += bool(result.rejections)
                continue
            assert result.rejections == [], (spec.id, payload)
            assert {r.metric for r in result.readings} == set(spec.metrics)
            assert {r.ts_ms for r in result.readings} == {int(ts.timestamp() * 1000)}
    assert bad > 0, "the faulty sensor never misbehaved"


def test_json_payload_is_one_object_with_an_iso_utc_time(fleet):
    spec = _spec(fleet, "aq-kinh-bac-01")
    ts, payload = _first_payload(fleet, spec, NOW + timedelta(milliseconds=250))
    doc = json.loads(payload)
    assert doc["ts"].endswith("Z")
    assert datetime.fromisoformat(doc["ts"].replace("Z", "+00:00")) == ts
    assert set(doc) == {"ts", *spec.metrics}


def test_senml_payload_is_an_rfc8428_pack_with_base_name_time_and_units(fleet):
    spec = _spec(fleet, "wl-dap-cau")
    ts, payload = _first_payload(fleet, spec, NOW)
    pack = json.loads(payload)
    assert isinstance(pack, list) and len(pack) == len(spec.metrics)
    assert pack[0]["bn"] == "wl-dap-cau:"
    assert pack[0]["bt"] == pytest.approx(ts.timestamp())
    assert all("bn" not in r and "bt" not in r for r in pack[1:])
    for rec in pack:
        assert rec["u"] == METRICS[rec["n"]].unit
        assert isinstance(rec["v"], float)


def test_traffic_has_rush_hours_in_vietnam_time(fleet):
    spec = _spec(fleet, "tf-nga-6")
    tuesday = datetime(2026, 11, 24)

    def flow(hour: float) -> float:
        start = tuesday + timedelta(hours=hour - 0.5)
        return _mean(fleet, spec, "vehicle_count", start, 1 / 24)

    assert flow(8) > 3 * flow(3)
    assert flow(17.75) > 3 * flow(3)
    assert (
        _at(fleet, spec, tuesday.replace(hour=8))["avg_speed"]
        < _at(fleet, spec, tuesday.replace(hour=3))["avg_speed"]
    )


def test_pm25_is_worse_in_winter_and_at_night(fleet):
    spec = _spec(fleet, "aq-kinh-bac-01")
    january = _mean(fleet, spec, "pm25", datetime(2026, 1, 1), 30)
    july = _mean(fleet, spec, "pm25", datetime(2026, 7, 1), 30)
    assert january > 2 * july
    nights = [_at(fleet, spec, datetime(2026, 12, d, 5))["pm25"] for d in range(1, 15)]
    days = [_at(fleet, spec, datetime(2026, 12, d, 15))["pm25"] for d in range(1, 15)]
    assert np.mean(nights) > np.mean(days)


def test_street_lights_burn_from_dusk_to_dawn_with_the_season(fleet):
    spec = _spec(fleet, "sl-01")
    assert _at(fleet, spec, datetime(2026, 11, 24, 22))["power"] > 1000
    assert _at(fleet, spec, datetime(2026, 11, 24, 12))["power"] < 100
    # 18:15: already dark in December, still light in June.
    assert _at(fleet, spec, datetime(2026, 12, 21, 18, 15))["power"] > 1000
    assert _at(fleet, spec, datetime(2026, 6, 21, 18, 15))["power"] < 100
    _ts, vals = fleet.history(spec, NOW - timedelta(days=3), NOW, 60)
    assert np.all(np.diff(vals["energy"]) >= 0), "an energy meter only counts up"


def test_car_parks_fill_in_office_hours(fleet):
    spec = _spec(fleet, "pk-02")
    noon = _at(fleet, spec, datetime(2026, 11, 24, 11))
    night = _at(fleet, spec, datetime(2026, 11, 24, 2))
    assert noon["occupancy"] > 60 > 25 > night["occupancy"]
    capacity = spec.extra["capacity"]
    assert noon["free_spaces"] == round(capacity * (1 - noon["occupancy"] / 100))


def test_rivers_run_high_in_the_wet_season_and_sometimes_pass_level_one(fleet):
    spec = _spec(fleet, "wl-dap-cau")
    start = datetime(2026, 1, 1, tzinfo=UTC)
    _ts, vals = fleet.history(spec, start, start + timedelta(days=365), 3600)
    level = vals["water_level"]
    february, august = (
        level[31 * 24 : 59 * 24].mean(),
        level[212 * 24 : 243 * 24].mean(),
    )
    assert august > february + 0.8
    assert 0 < np.sum(level >= spec.extra["levels"]["I"]) < 24 * 30


def test_history_is_vectorised_regular_and_in_range(fleet):
    spec = _spec(fleet, "aq-kinh-bac-01")
    t0 = time.perf_counter()
    ts, vals = fleet.history(spec, NOW - timedelta(days=30), NOW, 60)
    # Per-row Python would take seconds for these 43,200 rows of six metrics.
    assert time.perf_counter() - t0 < 1.0
    assert ts.dtype == np.int64 and len(ts) == 30 * 24 * 60
    assert ts[-1] == int(NOW.timestamp()) * 1000  # (start, end]
    assert np.all(np.diff(ts) == 60_000)
    assert set(vals) == set(spec.metrics)
    for m, arr in vals.items():
        assert len(arr) == len(ts)
        assert np.all((arr >= METRICS[m].low) & (arr <= METRICS[m].high)), m


def test_history_of_the_faulty_sensor_is_clean(fleet):
    spec = next(s for s in fleet.specs if s.faulty)
    _ts, vals = fleet.history(spec, NOW - timedelta(days=2), NOW, 15)
    for m, arr in vals.items():
        assert np.all((arr >= METRICS[m].low) & (arr <= METRICS[m].high)), m


def test_some_sensors_drop_out_now_and_then(fleet):
    silent = sum(
        fleet.silent(s, NOW.timestamp() + k * 600)
        for s in fleet.specs
        for k in range(200)
    )
    assert 0 < silent < len(fleet.specs) * 200 * 0.05


def test_same_seed_same_values(profile):
    specs = province.build_fleet(profile)
    a, b = SensorFleet(specs, seed=1), SensorFleet(specs, seed=1)
    assert a.payload(specs[0], NOW) == b.payload(specs[0], NOW)
    assert SensorFleet(specs, seed=2).payload(specs[0], NOW) != a.payload(specs[0], NOW)


# -- the publisher --------------------------------------------------------------------
class _FlakyClient:
    """Refuses every third publish with an exception and records the rest."""

    def __init__(self) -> None:
        self.calls = 0
        self.sent: queue.Queue[tuple[str, bytes]] = queue.Queue()

    def publish(self, topic: str, payload: bytes, qos: int = 0) -> SimpleNamespace:
        self.calls += 1
        if self.calls % 3 == 0:
            raise OSError("socket closed")
        self.sent.put((topic, payload))
        return SimpleNamespace(rc=mqtt.MQTT_ERR_SUCCESS)


def test_publisher_keeps_going_when_publishes_fail(profile):
    specs = [replace(s, faulty=False) for s in profile.sensors[:6]]
    client = _FlakyClient()
    stop = threading.Event()
    publisher = SensorPublisher(SensorFleet(specs, seed=3, rate=1000), client, stop)
    thread = publisher.start()
    deadline = time.monotonic() + 10
    while client.sent.qsize() < 30 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(timeout=2)
    assert not thread.is_alive()
    assert client.sent.qsize() >= 30 and publisher.failed >= 10
    topics = {client.sent.get()[0] for _ in range(client.sent.qsize())}
    assert topics <= {topic_for(s.id) for s in specs}


def test_publisher_stops_promptly_while_waiting_for_a_long_period(profile):
    slow = [replace(profile.sensors[0], period_s=3600.0)]
    stop = threading.Event()
    thread = SensorPublisher(SensorFleet(slow, seed=1), _FlakyClient(), stop).start()
    time.sleep(0.05)  # let it reach its wait; stopping must not depend on this
    t0 = time.monotonic()
    stop.set()
    thread.join(timeout=2)
    assert not thread.is_alive() and time.monotonic() - t0 < 1


def test_publisher_reaches_a_real_broker(profile, mosquitto):
    prefix = f"test/{uuid.uuid4().hex[:8]}/sensors"
    specs = [s for s in profile.sensors if not s.faulty][::6]
    received: queue.Queue[mqtt.MQTTMessage] = queue.Queue()
    subscribed = threading.Event()
    sub = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
    sub.on_connect = lambda c, *_: c.subscribe(f"{prefix}/+/data", qos=1)
    sub.on_subscribe = lambda *_: subscribed.set()
    sub.on_message = lambda _c, _u, msg: received.put(msg)
    host, port = mosquitto.removeprefix("mqtt://").split(":")
    sub.connect(host, int(port))
    sub.loop_start()
    client = connect_client(mosquitto, f"test-sim-{uuid.uuid4().hex[:8]}")
    stop = threading.Event()
    try:
        assert subscribed.wait(10), "no subscription"
        fleet = SensorFleet(specs, seed=11, rate=50)
        # A sensor in a ten-minute dropout rightly sends nothing.
        expected = {s.id for s in specs if not fleet.silent(s, time.time())}
        thread = SensorPublisher(fleet, client, stop, topic_prefix=prefix).start()
        seen: dict[str, bytes] = {}
        deadline = time.monotonic() + 15
        while not expected <= set(seen) and time.monotonic() < deadline:
            try:
                msg = received.get(timeout=0.2)
            except queue.Empty:
                continue
            seen[msg.topic.split("/")[-2]] = msg.payload
        stop.set()
        thread.join(timeout=2)
    finally:
        stop.set()
        sub.loop_stop()
        sub.disconnect()
        client.disconnect()
        client.loop_stop()
    assert len(expected) >= len(specs) - 2
    assert expected <= set(seen) <= {s.id for s in specs}
    assert not thread.is_alive()
    for sid, payload in seen.items():
        result = parse_message(topic_for(sid), payload, int(time.time() * 1000))
        assert result.rejections == [] and result.readings, sid


# -- the external systems -------------------------------------------------------------
@pytest.fixture
def systems(profile):
    server, _ = start_systems_server("127.0.0.1", 0, profile, seed=3)
    yield server, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _get(url: str, timeout: float = 5) -> bytes:
    with urlopen(url, timeout=timeout) as resp:
        return resp.read()


def test_press_feed_is_rss_2_with_vietnamese_items(systems, profile):
    _server, base = systems
    root = ET.fromstring(_get(base + "/press/rss.xml"))
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") and channel.findtext("link")
    items = channel.findall("item")
    assert len(items) == 20
    assert len({i.findtext("guid") for i in items}) == 20
    wards = [a.name for a in profile.areas_at("ward")]
    for i in items:
        assert i.find("guid").get("isPermaLink") == "false"
        assert parsedate_to_datetime(i.findtext("pubDate")).tzinfo is not None
        assert i.findtext("link").startswith("https://")
        assert i.findtext("category") and i.findtext("description")
        text = i.findtext("title").lower()
        assert any(w.lower() in text for w in wards), text


def test_press_feed_gains_an_item_every_few_minutes(systems):
    server, _base = systems
    now = NOW.timestamp()

    def guids(t: float) -> list[str]:
        return [i.findtext("guid") for i in ET.fromstring(rss(server, t)).iter("item")]

    assert rss(server, now) == rss(server, now)  # deterministic
    later = guids(now + 300)
    assert later[1:] == guids(now)[:-1] and later[0] not in guids(now)


def test_press_feed_escapes_names_that_look_like_markup(profile):
    ward = next(iter(profile.areas_at("ward")))
    odd = {**profile.areas, ward.code: replace(ward, name='Phường <A & "B">')}
    odd_profile = replace(profile, areas=odd)
    server, _ = start_systems_server("127.0.0.1", 0, odd_profile, seed=3)
    try:
        server.wards = [odd[ward.code]]
        root = ET.fromstring(rss(server, NOW.timestamp()))
    finally:
        server.shutdown()
    assert any('<A & "B">' in i.findtext("title") for i in root.iter("item"))


def test_open311_lists_its_services(systems):
    _server, base = systems
    services = json.loads(_get(base + "/open311/v2/services.json"))
    assert {"o-ga", "den-duong", "rac-thai", "ngap-ung"} <= {
        s["service_code"] for s in services
    }
    for s in services:
        assert {"service_code", "service_name", "metadata", "type"} <= set(s)


def test_open311_requests_have_the_georeport_v2_fields(systems, profile):
    _server, base = systems
    requests = json.loads(_get(base + "/open311/v2/requests.json"))
    assert len(requests) >= 20
    wards = {a.code for a in profile.areas_at("ward")}
    for r in requests:
        assert {
            "service_request_id",
            "status",
            "service_code",
            "service_name",
            "description",
            "agency_responsible",
            "requested_datetime",
            "updated_datetime",
            "address",
            "lat",
            "long",
        } <= set(r)
        assert r["status"] in {"open", "closed"}
        requested = datetime.fromisoformat(
            r["requested_datetime"].replace("Z", "+00:00")
        )
        updated = datetime.fromisoformat(r["updated_datetime"].replace("Z", "+00:00"))
        assert requested <= updated and requested.tzinfo is not None
        assert r["address_id"] in wards and profile.contains(r["lat"], r["long"])
    assert {"open", "closed"} == {r["status"] for r in requests}
    assert any(r["agency_responsible"] == "Sở Xây dựng" for r in requests)


def test_open311_filters_by_status_and_dates(systems):
    server, base = systems
    opened = json.loads(_get(base + "/open311/v2/requests.json?status=open"))
    assert opened and all(r["status"] == "open" for r in opened)
    now = NOW.timestamp()
    window = {"start_date": ["2026-11-24T00:00:00Z"], "end_date": ["2026-11-24T06:00Z"]}
    found = requests_json(server, now, window)
    assert found
    for r in found:
        assert (
            "2026-11-24T00:00:00Z" <= r["requested_datetime"] <= "2026-11-24T06:00:00Z"
        )
    with pytest.raises(HTTPError) as err:
        _get(base + "/open311/v2/requests.json?status=maybe")
    assert err.value.code == 400
    assert json.loads(err.value.read())[0]["code"] == 400


def test_faults_make_a_path_misbehave_and_clear(systems):
    server, base = systems
    server.faults["/press"] = "garbage"
    with pytest.raises(ET.ParseError):
        ET.fromstring(_get(base + "/press/rss.xml"))
    server.faults["/press"] = "500"
    with pytest.raises(HTTPError) as err:
        _get(base + "/press/rss.xml")
    assert err.value.code == 500
    server.faults["/open311"] = "timeout"
    server.timeout_s = 5
    t0 = time.monotonic()
    with pytest.raises((TimeoutError, socket.timeout, URLError)):
        _get(base + "/open311/v2/requests.json", timeout=0.3)
    assert time.monotonic() - t0 < 2
    server.faults.clear()
    assert ET.fromstring(_get(base + "/press/rss.xml")).tag == "rss"
    assert json.loads(_get(base + "/open311/v2/services.json"))
