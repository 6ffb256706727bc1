"""/api/v1/aqi: the air quality index of the air stations, on the VN_AQI and US EPA
scales (hourly and daily; see store.air for the windows)."""

from __future__ import annotations

from flask import Response, jsonify, request

from api.base import bp, error, iso
from api.params import parse_id, parse_time
from store import air
from store.runtime import get_engine
from store.writes import now_ms


def _block(block: dict) -> dict:
    return {**block, "ts": iso(block["ts"])}


def aqi_json(station: dict) -> dict:
    return {
        "station": station["station"],
        "hourly": _block(station["hourly"]),
        "daily": _block(station["daily"]),
        "us": {
            "hourly": _block(station["us"]["hourly"]),
            "daily": _block(station["us"]["daily"]),
        },
    }


def _at() -> int:
    return parse_time("at", request.args.get("at"), now_ms())


@bp.get("/aqi")
def aqi_all() -> Response:
    stations = air.all_stations_aqi(get_engine(), at_ms=_at())
    return jsonify(
        {"count": len(stations), "stations": [aqi_json(s) for s in stations]}
    )


@bp.get("/aqi/<station_id>")
def aqi_station(station_id: str) -> Response:
    parse_id("station_id", station_id)
    at = _at()
    station = air.station_aqi(get_engine(), station_id, at_ms=at)
    if station is None:
        return error(404, "not_found", f"no air station {station_id!r}")
    return jsonify(aqi_json(station))
