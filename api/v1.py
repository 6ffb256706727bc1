"""/api/v1: sensors, their latest values and series, with an OpenAPI document."""

from __future__ import annotations

import logging

from flask import Response, jsonify, request

from api.base import bp, error, iso
from api.openapi import OPENAPI
from api.params import (
    ParamError,
    parse_choice,
    parse_code,
    parse_id,
    parse_step,
    parse_time,
)
from security import policy
from security.session import current
from store import frames, queries
from store.metrics import METRICS
from store.runtime import get_engine
from store.writes import now_ms

log = logging.getLogger(__name__)
DAY_MS = 86_400_000


def _sensor_json(row: dict) -> dict:
    return {
        "id": row["id"],
        "kind": row["kind"],
        "name": row["name"],
        "name_en": row["name_en"],
        "area": row["area"],
        "region": row["region"],
        "lat": row["lat"],
        "lon": row["lon"],
        "unit": row["unit"],
        "period_s": row["period_s"],
        "state": row["state"],
        "last_seen": iso(
            None if row["last_seen_ms"] is None else int(row["last_seen_ms"])
        ),
    }


@bp.get("/sensors")
def sensors() -> Response:
    kind = parse_code("kind", request.args.get("kind"))
    area = parse_code("area", request.args.get("area"))
    region = parse_code("region", request.args.get("region"))
    state = parse_choice(
        "state", request.args.get("state"), {"ok", "stale", "offline", "never"}
    )
    df = queries.sensors(
        get_engine(),
        kind=kind,
        area=area,
        region=region,
        areas=policy.visible_areas(current()),
    )
    kinds = policy.readable_kinds(current())
    if kinds is not None:  # a staff key: its domains' sensors only
        df = df[df["kind"].isin(kinds)]
    if state:
        df = df[df["state"] == state]
    rows = frames.records(df)
    return jsonify({"count": len(rows), "sensors": [_sensor_json(r) for r in rows]})


def _known_sensor(sensor_id: str) -> dict:
    parse_id("id", sensor_id)
    s = queries.sensor(get_engine(), sensor_id)
    if s is None or not policy.reads_sensor(current(), s.get("kind"), s.get("area")):
        raise _NotFound(sensor_id)  # another scope's sensor is not named either
    return s


class _NotFound(Exception):
    def __init__(self, sensor_id: str) -> None:
        self.sensor_id = sensor_id


@bp.errorhandler(_NotFound)
def _not_found(exc: _NotFound) -> Response:
    return error(404, "not_found", f"no sensor {exc.sensor_id!r}")


@bp.get("/sensors/<sensor_id>/latest")
def latest(sensor_id: str) -> Response:
    # Values first, then the sensor: a batch committed between the two reads then
    # shows as fresh, never as values of a sensor that has "never" been seen.
    df = queries.latest(get_engine(), parse_id("id", sensor_id))
    s = _known_sensor(sensor_id)
    values = {
        r.metric: {
            "value": r.value,
            "ts": iso(int(r.ts)),
            "unit": METRICS[r.metric].unit if r.metric in METRICS else None,
        }
        for r in df.itertuples()
    }
    state = queries.freshness(s["last_seen_ms"], s["period_s"], now_ms())
    return jsonify(
        {
            "sensor": sensor_id,
            "state": state,
            "last_seen": iso(s["last_seen_ms"]),
            "values": values,
        }
    )


@bp.get("/sensors/<sensor_id>/series")
def series(sensor_id: str) -> Response:
    s = _known_sensor(sensor_id)
    metric = request.args.get("metric") or ""
    if not metric:
        raise ParamError(
            "metric", f"required; this sensor has {', '.join(s['metrics'])}"
        )
    if metric not in (s["metrics"] or []):
        raise ParamError("metric", f"this sensor has {', '.join(s['metrics'])}")
    now = now_ms()
    to = parse_time("to", request.args.get("to"), now)
    frm = parse_time("from", request.args.get("from"), to - DAY_MS)
    step = parse_step(request.args.get("step"))
    if to <= frm:
        raise ParamError("to", "must be after 'from'")
    chosen = step if step is not None else queries.auto_step_s(frm, to)
    try:
        df = queries.series(get_engine(), sensor_id, metric, frm, to, chosen)
    except ValueError as exc:
        raise ParamError("step", str(exc)) from exc
    return jsonify(
        {
            "sensor": sensor_id,
            "metric": metric,
            "unit": METRICS[metric].unit,
            "from": iso(frm),
            "to": iso(to),
            "step_s": chosen,
            "source": queries.series_source(chosen),
            "points": [
                {
                    "ts": iso(int(r.ts)),
                    "mean": r.mean,
                    "min": r.min,
                    "max": r.max,
                    "count": int(r.count),
                }
                for r in df.itertuples()
            ],
        }
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(OPENAPI)


# Routes in modules of their own register on the same blueprint (api.base).
from api import alerts as _alerts  # noqa: E402, F401
from api import aqi as _aqi  # noqa: E402, F401
from api import exports as _exports  # noqa: E402, F401
from api import reports as _reports  # noqa: E402, F401
from api import series as _series  # noqa: E402, F401
