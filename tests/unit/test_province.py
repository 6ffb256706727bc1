"""The province profile: loads, is consistent, and builds a deterministic fleet."""

from __future__ import annotations

import json
from collections import Counter

import pytest

import province
from config import ROOT
from store.metrics import METRICS

PROFILE = ROOT / "profiles" / "bac-ninh.json"
KINDS = {"air", "water", "noise", "weather", "traffic", "streetlight", "parking"}


@pytest.fixture(scope="module")
def profile() -> province.Profile:
    return province.load_profile(PROFILE, known_metrics=set(METRICS))


def test_every_sensor_sits_in_a_known_ward_with_known_metrics(profile):
    assert 50 <= len(profile.sensors) <= 70
    for s in profile.sensors:
        assert profile.area(s.area).level == "ward", s.id
        assert profile.area(s.region).level == profile.filter_level
        assert set(s.metrics) <= set(METRICS)
        assert profile.contains(s.lat, s.lon), s.id
        assert s.id.isascii() and s.id == s.id.lower() and " " not in s.id
        assert s.format in {"json", "senml"}
    assert sum(s.faulty for s in profile.sensors) == 1
    assert {s.kind for s in profile.sensors} == KINDS


def test_kinds_name_the_stores_units_and_thresholds_of_their_own_metrics(profile):
    for kind, spec in profile.kinds.items():
        assert spec["units"] == {m: METRICS[m].unit for m in spec["metrics"]}, kind
        assert set(spec.get("thresholds", {})) <= set(spec["metrics"]), kind
    assert profile.kinds["water"]["format"] == "senml"
    assert profile.kinds["weather"]["format"] == "senml"
    assert profile.kinds["air"]["thresholds"]["pm25"] == {"warn": 50, "alarm": 75}
    assert profile.kinds["noise"]["thresholds"]["laeq"] == {"warn": 70, "alarm": 75}


def test_areas_form_a_hierarchy_with_vietnamese_names(profile):
    regions = profile.areas_at("region")
    wards = profile.areas_at("ward")
    assert len(wards) >= 25
    assert {"tp-bac-ninh", "tu-son", "que-vo", "tp-bac-giang", "luc-ngan"} <= {
        r.code for r in regions
    }
    assert profile.area("kinh-bac").name == "Phường Kinh Bắc"
    assert profile.area("kinh-bac").name_en.isascii()
    assert profile.region_of("kinh-bac") == "tp-bac-ninh"
    assert profile.region_of("tp-bac-ninh") == "tp-bac-ninh"
    for w in wards:
        assert profile.area(w.parent).level == "region", w.code
        assert w.name.startswith(("Phường ", "Xã ")), w.code
        assert profile.contains(w.lat, w.lon), w.code
    for r in regions:
        assert len(r.outline) >= 3, r.code
        assert all(profile.contains(lat, lon) for lat, lon in r.outline), r.code


def test_departments_are_the_provinces_after_the_2025_merges(profile):
    codes = {d.code for d in profile.departments}
    assert {"so-nnmt", "so-xd", "so-khcn", "ca-tinh", "so-yt"} <= codes
    assert profile.department("so-nnmt").name == "Sở Nông nghiệp và Môi trường"
    assert profile.department("nope") is None


def test_river_gauges_warn_at_level_one_and_alarm_at_level_two(profile):
    gauges = [s for s in profile.sensors if s.kind == "water"]
    assert {"wl-dap-cau", "wl-ben-ho"} <= {g.id for g in gauges}
    for g in gauges:
        levels = g.extra["levels"]
        assert levels["I"] < levels["II"] < levels["III"]
        assert g.thresholds["water_level"] == {
            "warn": levels["I"],
            "alarm": levels["II"],
        }
        # The kind's own thresholds are kept beside the gauge's.
        assert g.thresholds["ph"]["alarm"] == 9.0


def test_fleet_is_deterministic_and_reaches_the_size(profile):
    a = province.build_fleet(profile, 500)
    b = province.build_fleet(profile, 500)
    assert len(a) == 500 and a == b
    assert len({s.id for s in a}) == 500
    assert province.build_fleet(profile, 0) == list(profile.sensors)
    assert province.build_fleet(profile, 10) == list(profile.sensors)


def test_a_bigger_fleet_keeps_the_ids_of_a_smaller_one(profile):
    small = province.build_fleet(profile, 200)
    assert province.build_fleet(profile, 300)[:200] == small


def test_synthetic_sensors_spread_over_the_wards_in_the_profiles_proportions(profile):
    fleet = province.build_fleet(profile, len(profile.sensors) * 11)
    synthetic = [s for s in fleet if s.synthetic]
    assert all(s.id.startswith(f"sim-{s.kind}-") for s in synthetic)
    assert not any(s.faulty for s in synthetic)
    assert Counter(s.kind for s in synthetic) == Counter(
        {k: 10 * n for k, n in Counter(s.kind for s in profile.sensors).items()}
    )
    assert {s.area for s in synthetic} == {w.code for w in profile.areas_at("ward")}
    for s in synthetic:
        ward = profile.area(s.area)
        assert s.region == profile.region_of(s.area)
        assert abs(s.lat - ward.lat) < 0.03 and abs(s.lon - ward.lon) < 0.03
    gauge = next(s for s in synthetic if s.kind == "water")
    assert "water_level" in gauge.thresholds and "levels" in gauge.extra


def _broken(doc: dict, path: str, value: object) -> None:
    """Set ``value`` at a dotted ``path`` (list indexes as numbers)."""
    *parents, last = path.split(".")
    for p in parents:
        doc = doc[int(p)] if p.isdigit() else doc[p]
    doc[int(last) if last.isdigit() else last] = value


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda d: d["sensors"].append(dict(d["sensors"][0])), "duplicate sensor id"),
        (lambda d: d["areas"].append(dict(d["areas"][3])), "duplicate area code"),
        (lambda d: _broken(d, "sensors.0.area", "atlantis"), "unknown area"),
        (lambda d: _broken(d, "sensors.0.kind", "ufo"), "unknown kind"),
        (lambda d: _broken(d, "sensors.0.lat", 48.85), "outside the bounds"),
        (lambda d: _broken(d, "sensors.0.lon", "east"), "not a number"),
        (lambda d: _broken(d, "areas.5.parent", "nowhere"), "unknown parent"),
        (lambda d: _broken(d, "areas.0.parent", "tu-son"), "its own ancestor"),
        (lambda d: _broken(d, "filter_level", "district"), "filter_level"),
        (lambda d: _broken(d, "sensor_kinds.air.format", "xml"), "format"),
        (lambda d: _broken(d, "sensor_kinds.air.domain", "weather"), "domain must be"),
        (lambda d: d["sensor_kinds"]["noise"].pop("domain"), "domain must be"),
        (
            lambda d: d["sensor_kinds"]["air"]["metrics"].append("smell"),
            "unknown metric",
        ),
        (
            lambda d: _broken(d, "sensor_kinds.noise.thresholds.pm25", {"warn": 1}),
            "threshold for metric 'pm25'",
        ),
        (
            lambda d: next(s for s in d["sensors"] if s["kind"] == "water").update(
                levels={"I": 5, "II": 4, "III": 6}
            ),
            "must rise",
        ),
        (lambda d: d.pop("areas"), "missing 'areas'"),
        (lambda d: _broken(d, "services.0.agency", "so-ma"), "unknown agency"),
        (
            lambda d: d["services"].append(dict(d["services"][0])),
            "duplicate service code",
        ),
    ],
)
def test_a_broken_profile_is_refused_with_a_clear_message(tmp_path, breakage, message):
    doc = json.loads(PROFILE.read_text(encoding="utf-8"))
    breakage(doc)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        province.load_profile(bad, known_metrics=set(METRICS))


def test_a_file_that_is_not_json_is_refused_with_its_name(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{ not json", encoding="utf-8")
    with pytest.raises(ValueError, match="cannot read profile .*bad.json"):
        province.load_profile(bad)


def test_the_simulated_open311_system_files_only_the_profiles_services(profile):
    from types import SimpleNamespace

    from simulators.systems.open311 import COMPLAINTS, services_json

    server = SimpleNamespace(profile=profile)
    listed = [(s["service_code"], s["service_name"]) for s in services_json(server)]
    assert listed == [(s.code, s.name) for s in profile.services]
    assert set(COMPLAINTS) <= {s.code for s in profile.services}
