"""The province profile: areas, departments and sensor sites read from one data file,
so another province is another file, not code. Standard library and the dependency-free
catalogue only: the simulators and the web app both read it.

Areas form a small hierarchy (province → region → ward). ``filter_level`` names the
level users filter and group by; in Vietnam since July 2025 that is the former
districts ("region"), because older statistics are kept by them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import config
from catalogue import DOMAINS

FORMATS = ("json", "senml")
DEFAULT_PERIOD_S = 60.0


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    name_en: str
    level: str  # "province", "region" (a former district) or "ward"
    parent: str | None
    lat: float
    lon: float
    # A rough outline (lat, lon) for an overview map; empty when the profile has none.
    outline: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Department:
    code: str
    name: str
    name_en: str


@dataclass(frozen=True)
class Service:
    """A kind of citizen's report (an Open311 service): pothole, flooding, noise."""

    code: str
    name: str
    name_en: str
    group: str
    group_en: str
    agency: str  # the department that handles it


@dataclass(frozen=True)
class SensorSpec:
    id: str
    kind: str
    name: str
    name_en: str
    area: str  # a ward code
    region: str  # the area at the profile's filter_level holding ``area``
    lat: float
    lon: float
    metrics: tuple[str, ...]
    period_s: float
    format: str  # "json" or "senml"
    # {metric: {"warn": x, "alarm": y, "low_warn": ..., "low_alarm": ...}}
    thresholds: dict = field(default_factory=dict, hash=False, compare=False)
    faulty: bool = False
    synthetic: bool = False
    # Unit of each metric as the payload names it (the store's canonical units).
    units: dict = field(default_factory=dict, hash=False, compare=False)
    # Kind-specific facts: a gauge's alarm levels and base level, a car park's capacity.
    extra: dict = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Profile:
    code: str
    name: str
    name_en: str
    timezone: str
    center: tuple[float, float]
    bounds: tuple[float, float, float, float]  # south, west, north, east
    filter_level: str
    areas: dict[str, Area]
    departments: tuple[Department, ...]
    kinds: dict[str, dict]
    sensors: tuple[SensorSpec, ...]
    services: tuple[Service, ...] = ()

    def area(self, code: str) -> Area:
        return self.areas[code]

    def areas_at(self, level: str) -> list[Area]:
        return [a for a in self.areas.values() if a.level == level]

    def region_of(self, area_code: str) -> str:
        """The area at ``filter_level`` holding ``area_code`` (itself if at that
        level, the topmost ancestor if the chain never reaches it)."""
        a = self.areas[area_code]
        while a.level != self.filter_level and a.parent:
            a = self.areas[a.parent]
        return a.code

    def descendants(self, codes: Iterable[str]) -> frozenset[str]:
        """``codes`` and every area under them (a region: its wards); unknown codes
        are left out."""
        children: dict[str, list[str]] = {}
        for area in self.areas.values():
            if area.parent is not None:
                children.setdefault(area.parent, []).append(area.code)
        found: set[str] = set()
        todo = [c for c in codes if c in self.areas]
        while todo:
            code = todo.pop()
            if code not in found:
                found.add(code)
                todo += children.get(code, ())
        return frozenset(found)

    def area_at(self, lat: float, lon: float) -> str:
        """The code of the ward whose centre is nearest (lat, lon): an approximation
        (the profile keeps centroids, not boundaries); '' outside the bounds."""
        if not self.contains(lat, lon):
            return ""
        wards = self.areas_at("ward") or list(self.areas.values())
        scale = math.cos(math.radians(lat))
        return min(
            wards,
            key=lambda a: (a.lat - lat) ** 2 + ((a.lon - lon) * scale) ** 2,
        ).code

    @property
    def kind_domains(self) -> dict[str, str]:
        """The smart domain each sensor kind reports to (sensor_kinds.<k>.domain)."""
        return {k: spec["domain"] for k, spec in self.kinds.items()}

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def service(self, code: str) -> Service | None:
        return next((s for s in self.services if s.code == code), None)

    def services_of(self, departments: Iterable[str]) -> list[str]:
        """The codes of the services (kinds of citizen's report) these departments
        handle."""
        wanted = set(departments)
        return [s.code for s in self.services if s.agency in wanted]

    def contains(self, lat: float, lon: float) -> bool:
        south, west, north, east = self.bounds
        return south <= lat <= north and west <= lon <= east


# Keys of a sensor entry that are not kind-specific extras.
_SENSOR_KEYS = {
    "id",
    "kind",
    "name",
    "name_en",
    "area",
    "lat",
    "lon",
    "period_s",
    "format",
    "thresholds",
    "faulty",
}


def _need(obj: dict, key: str, where: str) -> Any:
    if not isinstance(obj, dict):
        raise ValueError(f"{where}: expected an object, got {type(obj).__name__}")
    if key not in obj:
        raise ValueError(f"{where}: missing '{key}'")
    return obj[key]


def _number(obj: dict, key: str, where: str) -> float:
    value = _need(obj, key, where)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: '{key}' is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{where}: '{key}' is not finite: {value!r}")
    return number


def _gauge_thresholds(levels: dict, where: str) -> dict:
    """A river gauge's alarm levels I < II < III (metres) as water_level thresholds:
    warn from level I, alarm from level II (the levels at which the province acts)."""
    try:
        one, two, three = (float(levels[k]) for k in ("I", "II", "III"))
    except (KeyError, TypeError, ValueError):
        raise ValueError(
            f"{where}: 'levels' must give numbers for I, II and III, not {levels!r}"
        ) from None
    if not one < two < three:
        raise ValueError(f"{where}: alarm levels must rise I < II < III: {levels!r}")
    return {"warn": one, "alarm": two}


def _load_areas(doc: dict, name: str) -> dict[str, Area]:
    areas: dict[str, Area] = {}
    for i, a in enumerate(_need(doc, "areas", name)):
        where = f"{name} areas[{i}]"
        code = _need(a, "code", where)
        if code in areas:
            raise ValueError(f"{where}: duplicate area code {code!r}")
        outline = tuple(
            (float(p[0]), float(p[1])) for p in a.get("outline") or () if len(p) == 2
        )
        if a.get("outline") and len(outline) < 3:
            raise ValueError(f"{where}: outline needs at least 3 [lat, lon] points")
        areas[code] = Area(
            code=code,
            name=_need(a, "name", where),
            name_en=a.get("name_en", code),
            level=_need(a, "level", where),
            parent=a.get("parent"),
            lat=_number(a, "lat", where),
            lon=_number(a, "lon", where),
            outline=outline,
        )
    for a in areas.values():
        if a.parent is not None and a.parent not in areas:
            raise ValueError(f"{name}: area {a.code!r} has unknown parent {a.parent!r}")
    # A cycle in the parents would make region_of loop forever.
    for a in areas.values():
        seen = {a.code}
        p = a.parent
        while p is not None:
            if p in seen:
                raise ValueError(f"{name}: area {a.code!r} is its own ancestor")
            seen.add(p)
            p = areas[p].parent
    return areas


def _load_kinds(doc: dict, name: str, known_metrics: set[str] | None) -> dict:
    kinds = _need(doc, "sensor_kinds", name)
    for k, spec in kinds.items():
        where = f"{name} sensor_kinds.{k}"
        metrics = _need(spec, "metrics", where)
        if not metrics:
            raise ValueError(f"{where}: no metrics")
        for m in metrics:
            if known_metrics is not None and m not in known_metrics:
                raise ValueError(f"{where}: unknown metric {m!r}")
        if spec.get("domain") not in DOMAINS:
            raise ValueError(f"{where}: domain must be one of {DOMAINS}")
        if spec.get("format", "json") not in FORMATS:
            raise ValueError(f"{where}: format must be one of {FORMATS}")
        for m in spec.get("thresholds", {}):
            if m not in metrics:
                raise ValueError(f"{where}: threshold for metric {m!r} it lacks")
    return kinds


def load_profile(path: Path | str, known_metrics: set[str] | None = None) -> Profile:
    """Read and check a profile; a ValueError says what is wrong and where.

    ``known_metrics`` (the store's catalogue) is checked when given: this module
    cannot import the store."""
    path = Path(path)
    name = path.name
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"cannot read profile {path}: {exc}") from exc
    if not isinstance(doc, dict):
        raise ValueError(f"{name}: a profile is a JSON object")
    areas = _load_areas(doc, name)
    filter_level = doc.get("filter_level", "region")
    if not any(a.level == filter_level for a in areas.values()):
        raise ValueError(f"{name}: no area at filter_level {filter_level!r}")
    kinds = _load_kinds(doc, name, known_metrics)
    bounds = tuple(float(x) for x in _need(doc, "bounds", name))
    if len(bounds) != 4 or not (bounds[0] < bounds[2] and bounds[1] < bounds[3]):
        raise ValueError(f"{name}: bounds must be [south, west, north, east]")
    departments: list[Department] = []
    for i, d in enumerate(doc.get("departments", [])):
        where = f"{name} departments[{i}]"
        code = _need(d, "code", where)
        if any(x.code == code for x in departments):
            raise ValueError(f"{where}: duplicate department code {code!r}")
        departments.append(
            Department(code, _need(d, "name", where), d.get("name_en", code))
        )
    services: list[Service] = []
    for i, sv in enumerate(doc.get("services", [])):
        where = f"{name} services[{i}]"
        code = _need(sv, "code", where)
        if any(x.code == code for x in services):
            raise ValueError(f"{where}: duplicate service code {code!r}")
        agency = _need(sv, "agency", where)
        if not any(d.code == agency for d in departments):
            raise ValueError(f"{where}: unknown agency {agency!r}")
        group = sv.get("group", "")
        services.append(
            Service(
                code,
                _need(sv, "name", where),
                sv.get("name_en", code),
                group,
                sv.get("group_en", group),
                agency,
            )
        )
    profile = Profile(
        code=_need(doc, "code", name),
        name=_need(doc, "name", name),
        name_en=doc.get("name_en", doc["name"]),
        timezone=doc.get("timezone", "Asia/Ho_Chi_Minh"),
        center=tuple(float(x) for x in _need(doc, "center", name)),
        bounds=bounds,
        filter_level=filter_level,
        areas=areas,
        departments=tuple(departments),
        kinds=kinds,
        sensors=(),
        services=tuple(services),
    )
    sensors: list[SensorSpec] = []
    seen: set[str] = set()
    for i, s in enumerate(_need(doc, "sensors", name)):
        sensors.append(_sensor(profile, s, f"{name} sensors[{i}]", seen))
    return replace(profile, sensors=tuple(sensors))


def _sensor(profile: Profile, s: dict, where: str, seen: set[str]) -> SensorSpec:
    sid = _need(s, "id", where)
    if sid in seen:
        raise ValueError(f"{where}: duplicate sensor id {sid!r}")
    seen.add(sid)
    kind = _need(s, "kind", where)
    if kind not in profile.kinds:
        raise ValueError(f"{where}: unknown kind {kind!r}")
    area = _need(s, "area", where)
    if area not in profile.areas:
        raise ValueError(f"{where}: unknown area {area!r}")
    lat, lon = _number(s, "lat", where), _number(s, "lon", where)
    if not profile.contains(lat, lon):
        raise ValueError(f"{where}: {sid} at ({lat}, {lon}) lies outside the bounds")
    k = profile.kinds[kind]
    metrics = tuple(k["metrics"])
    thresholds = {**k.get("thresholds", {})}
    if "levels" in s:
        thresholds["water_level"] = _gauge_thresholds(s["levels"], where)
    # The sensor's own thresholds win, metric by metric.
    for metric, th in s.get("thresholds", {}).items():
        if metric not in metrics:
            raise ValueError(f"{where}: threshold for metric {metric!r} it lacks")
        thresholds[metric] = {**thresholds.get(metric, {}), **th}
    fmt = s.get("format", k.get("format", "json"))
    if fmt not in FORMATS:
        raise ValueError(f"{where}: format must be one of {FORMATS}")
    period = float(s.get("period_s", k.get("period_s", DEFAULT_PERIOD_S)))
    if period <= 0:
        raise ValueError(f"{where}: period_s must be positive")
    return SensorSpec(
        id=sid,
        kind=kind,
        name=_need(s, "name", where),
        name_en=s.get("name_en", sid),
        area=area,
        region=profile.region_of(area),
        lat=lat,
        lon=lon,
        metrics=metrics,
        period_s=period,
        format=fmt,
        thresholds=thresholds,
        faulty=bool(s.get("faulty", False)),
        units=dict(k.get("units", {})),
        extra={key: v for key, v in s.items() if key not in _SENSOR_KEYS},
    )


# A stride through the wards that is coprime with their number visits every ward
# before any twice; the golden angle spreads sensors of a ward around its centre.
_GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))


def build_fleet(profile: Profile, size: int = 0) -> list[SensorSpec]:
    """The profile's sensors, plus deterministic synthetic ones up to ``size`` (for
    load and scale tests), spread over the wards, kinds in the profile's proportions.

    Each synthetic sensor copies a real one of the profile in turn (kind, period,
    thresholds, a gauge's levels, a car park's capacity), never its fault. Deterministic
    and stable: the same profile and size give the same list, and a smaller fleet is a
    prefix of a larger one (so ids stay put as the size grows)."""
    fleet = list(profile.sensors)
    if size <= len(fleet) or not profile.sensors:
        return fleet
    wards = sorted(profile.areas_at("ward"), key=lambda a: a.code) or sorted(
        profile.areas.values(), key=lambda a: a.code
    )
    stride = next(n for n in (7, 11, 13, 17, 19, 23, 1) if math.gcd(n, len(wards)) == 1)
    per_kind: dict[str, int] = {}
    per_ward: dict[str, int] = {}
    for i in range(size - len(fleet)):
        template = profile.sensors[i % len(profile.sensors)]
        kind = template.kind
        ward = wards[(i * stride) % len(wards)]
        n = per_kind[kind] = per_kind.get(kind, 0) + 1
        m = per_ward[ward.code] = per_ward.get(ward.code, 0) + 1
        # Within about 2 km of the ward's centre however many sensors it gets.
        r = min(0.003 + 0.0012 * math.sqrt(m), 0.02)
        k = profile.kinds[kind]
        fleet.append(
            replace(
                template,
                id=f"sim-{kind}-{n:04d}",
                name=f"{k.get('label', kind)} {ward.name} #{n}",
                name_en=f"{k.get('label_en', kind)} {ward.name_en} #{n}",
                area=ward.code,
                region=profile.region_of(ward.code),
                lat=round(ward.lat + r * math.sin(m * _GOLDEN_ANGLE), 5),
                lon=round(ward.lon + r * math.cos(m * _GOLDEN_ANGLE), 5),
                thresholds=dict(template.thresholds),
                faulty=False,
                synthetic=True,
                units=dict(template.units),
                extra=dict(template.extra),
            )
        )
    return fleet


@lru_cache(maxsize=4)
def cached(path: str) -> Profile:
    """The profile at ``path``, read once per process (the web app reads it per
    request)."""
    return load_profile(path)


def current() -> Profile:
    """The profile the settings name (IOC_PROFILE), read once per process."""
    return cached(str(config.load().profile))


def kind_domain(kind: str | None) -> str:
    """The smart domain of a sensor kind in the current profile ('' if unknown)."""
    return current().kind_domains.get(kind or "", "")
