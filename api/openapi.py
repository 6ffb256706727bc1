"""The OpenAPI 3.1 document of /api/v1."""

_ERROR = {"$ref": "#/components/schemas/Error"}
_TIME_DESC = "ISO 8601 with offset (2026-11-25T14:05:00+07:00) or epoch seconds"


def _resp(desc: str, schema: dict) -> dict:
    return {"description": desc, "content": {"application/json": {"schema": schema}}}


_AT = {
    "name": "at",
    "in": "query",
    "description": "The moment to evaluate (default now); " + _TIME_DESC,
    "schema": {"type": "string"},
}
_ID = {
    "name": "sensor_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "maxLength": 128},
}

OPENAPI: dict = {
    "openapi": "3.1.0",
    "info": {
        "title": "IOC data API",
        "version": "1.0.0",
        "description": "Sensors of the province's Intelligent Operations Centre, their "
        "latest values and time series. Times are UTC (ISO 8601, Z).",
    },
    "servers": [{"url": "/"}],
    "paths": {
        "/api/v1/sensors": {
            "get": {
                "summary": "List sensors with their freshness state",
                "parameters": [
                    {"name": "kind", "in": "query", "schema": {"type": "string"}},
                    {"name": "area", "in": "query", "schema": {"type": "string"}},
                    {"name": "region", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "state",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": ["ok", "stale", "offline", "never"],
                        },
                    },
                ],
                "responses": {
                    "200": _resp(
                        "Sensors",
                        {
                            "type": "object",
                            "properties": {
                                "count": {"type": "integer"},
                                "sensors": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Sensor"},
                                },
                            },
                        },
                    ),
                    "400": _resp("Bad parameter", _ERROR),
                },
            }
        },
        "/api/v1/sensors/{sensor_id}/latest": {
            "get": {
                "summary": "Newest value of each metric of a sensor",
                "parameters": [_ID],
                "responses": {
                    "200": _resp(
                        "Latest values",
                        {
                            "type": "object",
                            "properties": {
                                "sensor": {"type": "string"},
                                "state": {"type": "string"},
                                "last_seen": {
                                    "type": ["string", "null"],
                                    "format": "date-time",
                                },
                                "values": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "type": "object",
                                        "properties": {
                                            "value": {"type": "number"},
                                            "ts": {
                                                "type": "string",
                                                "format": "date-time",
                                            },
                                            "unit": {"type": ["string", "null"]},
                                        },
                                    },
                                },
                            },
                        },
                    ),
                    "404": _resp("Unknown sensor", _ERROR),
                },
            }
        },
        "/api/v1/sensors/{sensor_id}/series": {
            "get": {
                "summary": "Bucketed time series of one metric (mean, min, max, count)",
                "description": "At most 5,000 buckets; 'auto' aims at about 1,000. "
                "Steps of "
                "a minute or more read rollups, not raw readings. Buckets of "
                "a day or more start at local midnight (UTC+7).",
                "parameters": [
                    _ID,
                    {
                        "name": "metric",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "from",
                        "in": "query",
                        "description": _TIME_DESC + "; default 24 h before 'to'",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "to",
                        "in": "query",
                        "description": _TIME_DESC + "; default now",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "step",
                        "in": "query",
                        "description": "auto, seconds, or 30s, 5m, 1h, 1d",
                        "schema": {"type": "string", "default": "auto"},
                    },
                ],
                "responses": {
                    "200": _resp(
                        "Series",
                        {
                            "type": "object",
                            "properties": {
                                "sensor": {"type": "string"},
                                "metric": {"type": "string"},
                                "unit": {"type": "string"},
                                "step_s": {"type": "integer"},
                                "source": {
                                    "type": "string",
                                    "enum": ["readings", "rollup_1m", "rollup_1h"],
                                },
                                "from": {"type": "string", "format": "date-time"},
                                "to": {"type": "string", "format": "date-time"},
                                "points": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "ts": {
                                                "type": "string",
                                                "format": "date-time",
                                            },
                                            "mean": {"type": "number"},
                                            "min": {"type": "number"},
                                            "max": {"type": "number"},
                                            "count": {"type": "integer"},
                                        },
                                    },
                                },
                            },
                        },
                    ),
                    "400": _resp("Bad parameter", _ERROR),
                    "404": _resp("Unknown sensor", _ERROR),
                },
            }
        },
        "/api/v1/series": {
            "get": {
                "summary": "Bucketed series of many sensors in one request, paged",
                "description": "Sensors by 'ids' or by the kind/area/region filter "
                "(both given: they narrow each other), within the key's scope (a "
                "staff key: its domains' kinds and its areas), ordered by id; one "
                "entry per sensor and metric it measures, with the buckets of "
                "/sensors/{sensor_id}/series. A page holds at most 'limit' sensors "
                "and at most 200,000 buckets; pass 'next_cursor' as 'cursor' for the "
                "next page (null on the last). An id that is unknown, or outside the "
                "key's scope, is a 404.",
                "parameters": [
                    {
                        "name": "ids",
                        "in": "query",
                        "description": "Sensor ids, comma-separated (at most 1,000)",
                        "schema": {"type": "string"},
                    },
                    {"name": "kind", "in": "query", "schema": {"type": "string"}},
                    {"name": "area", "in": "query", "schema": {"type": "string"}},
                    {"name": "region", "in": "query", "schema": {"type": "string"}},
                    {
                        "name": "metric",
                        "in": "query",
                        "description": "Metrics, comma-separated; default every "
                        "metric of each sensor",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "from",
                        "in": "query",
                        "description": _TIME_DESC + "; default 24 h before 'to'",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "to",
                        "in": "query",
                        "description": _TIME_DESC + "; default now",
                        "schema": {"type": "string"},
                    },
                    {
                        "name": "step",
                        "in": "query",
                        "description": "auto, seconds, or 30s, 5m, 1h, 1d; at most "
                        "5,000 buckets per series",
                        "schema": {"type": "string", "default": "auto"},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "description": "Sensors per page",
                        "schema": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 1000,
                            "default": 100,
                        },
                    },
                    {
                        "name": "cursor",
                        "in": "query",
                        "description": "'next_cursor' of the page before",
                        "schema": {"type": "string"},
                    },
                ],
                "responses": {
                    "200": _resp(
                        "A page of series",
                        {
                            "type": "object",
                            "properties": {
                                "from": {"type": "string", "format": "date-time"},
                                "to": {"type": "string", "format": "date-time"},
                                "step_s": {"type": "integer"},
                                "source": {
                                    "type": "string",
                                    "enum": ["readings", "rollup_1m", "rollup_1h"],
                                },
                                "limit": {"type": "integer"},
                                "total": {
                                    "type": "integer",
                                    "description": "Sensors chosen, every page",
                                },
                                "sensors": {
                                    "type": "integer",
                                    "description": "Sensors on this page",
                                },
                                "next_cursor": {"type": ["string", "null"]},
                                "series": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "sensor": {"type": "string"},
                                            "metric": {"type": "string"},
                                            "unit": {"type": "string"},
                                            "points": {
                                                "$ref": "#/components/schemas/"
                                                "PointColumns"
                                            },
                                        },
                                    },
                                },
                            },
                        },
                    ),
                    "400": _resp("Bad parameter", _ERROR),
                    "404": _resp("Unknown sensor (or outside the key's scope)", _ERROR),
                },
            }
        },
        "/api/v1/alerts": {
            "get": {
                "summary": "Alerts, newest first, with counts of open ones",
                "parameters": [
                    {
                        "name": "state",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": ["open", "acknowledged", "resolved"],
                        },
                    },
                    {
                        "name": "severity",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": ["info", "warning", "critical"],
                        },
                    },
                    {
                        "name": "domain",
                        "in": "query",
                        "schema": {
                            "type": "string",
                            "enum": [
                                "economy",
                                "citizens",
                                "governance",
                                "mobility",
                                "environment",
                                "living",
                            ],
                        },
                    },
                    {
                        "name": "district",
                        "in": "query",
                        "schema": {"type": "string", "maxLength": 64},
                    },
                    {
                        "name": "limit",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                    },
                ],
                "responses": {
                    "200": _resp(
                        "Alerts",
                        {
                            "type": "object",
                            "properties": {
                                "count": {"type": "integer"},
                                "counts": {"type": "object"},
                                "alerts": {
                                    "type": "array",
                                    "items": {"type": "object"},
                                },
                            },
                        },
                    ),
                    "400": _resp("Bad parameter", _ERROR),
                },
            }
        },
        "/api/v1/alerts/{alert_id}/acknowledge": {
            "post": {
                "summary": "Acknowledge an alert as the key's holder",
                "description": "Needs a key with the duty_officer role; recorded in "
                "the audit trail.",
                "parameters": [
                    {
                        "name": "alert_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    }
                ],
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "note": {"type": "string", "maxLength": 1000}
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "200": _resp(
                        "Acknowledged",
                        {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "acknowledged_by": {"type": "string"},
                            },
                        },
                    ),
                    "400": _resp("Bad body", _ERROR),
                    "403": _resp("The key's roles may not acknowledge", _ERROR),
                    "404": _resp("No such alert (for this key)", _ERROR),
                    "409": _resp("Already acknowledged", _ERROR),
                },
            }
        },
        "/api/v1/aqi": {
            "get": {
                "summary": "Hourly and daily AQI (VN_AQI and US EPA) of every air "
                "station",
                "description": "Hourly: NowCast (PM) and newest hour (gases); daily: "
                "the last 24 hours. The hour holding 'at' is the newest hour.",
                "parameters": [_AT],
                "responses": {
                    "200": _resp(
                        "Air stations",
                        {
                            "type": "object",
                            "properties": {
                                "count": {"type": "integer"},
                                "stations": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Aqi"},
                                },
                            },
                        },
                    ),
                    "400": _resp("Bad parameter", _ERROR),
                },
            }
        },
        "/api/v1/aqi/{station_id}": {
            "get": {
                "summary": "Hourly and daily AQI (VN_AQI and US EPA) of one air "
                "station",
                "parameters": [
                    {
                        "name": "station_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "maxLength": 128},
                    },
                    _AT,
                ],
                "responses": {
                    "200": _resp("AQI", {"$ref": "#/components/schemas/Aqi"}),
                    "400": _resp("Bad parameter", _ERROR),
                    "404": _resp("Unknown sensor or not an air station", _ERROR),
                },
            }
        },
        "/api/v1/openapi.json": {
            "get": {
                "summary": "This document",
                "responses": {"200": {"description": "OpenAPI 3.1 document"}},
            }
        },
    },
    "security": [{"apiKey": []}],
    "components": {
        "securitySchemes": {
            "apiKey": {
                "type": "apiKey",
                "in": "header",
                "name": "X-API-Key",
                "description": "Issued and revoked by an admin on /he-thong; "
                "401 without a valid key, 403 when its roles may not read the data",
            }
        },
        "schemas": {
            "Sensor": {
                "type": "object",
                "properties": {
                    "id": {"type": "string"},
                    "kind": {"type": "string"},
                    "name": {"type": "string"},
                    "name_en": {"type": "string"},
                    "area": {"type": "string"},
                    "region": {"type": "string"},
                    "lat": {"type": "number"},
                    "lon": {"type": "number"},
                    "unit": {"type": "string"},
                    "period_s": {"type": "number"},
                    "state": {
                        "type": "string",
                        "enum": ["ok", "stale", "offline", "never"],
                    },
                    "last_seen": {"type": ["string", "null"], "format": "date-time"},
                },
            },
            "PointColumns": {
                "type": "object",
                "description": "Buckets column by column: the i-th bucket is "
                "ts[i], mean[i], min[i], max[i], count[i]",
                "properties": {
                    "ts": {
                        "type": "array",
                        "items": {"type": "string", "format": "date-time"},
                    },
                    "mean": {"type": "array", "items": {"type": "number"}},
                    "min": {"type": "array", "items": {"type": "number"}},
                    "max": {"type": "array", "items": {"type": "number"}},
                    "count": {"type": "array", "items": {"type": "integer"}},
                },
            },
            "AqiBlock": {
                "type": "object",
                "required": ["aqi", "category", "dominant", "sub_indices", "ts"],
                "properties": {
                    "aqi": {"type": ["integer", "null"]},
                    "category": {
                        "type": ["string", "null"],
                        "enum": [
                            "good",
                            "moderate",
                            "poor",
                            "bad",
                            "very_bad",
                            "hazardous",
                            None,
                        ],
                    },
                    "dominant": {"type": ["string", "null"]},
                    "sub_indices": {
                        "type": "object",
                        "additionalProperties": {"type": "integer"},
                    },
                    "ts": {"type": "string", "format": "date-time"},
                },
            },
            "Aqi": {
                "type": "object",
                "required": ["station", "hourly", "daily", "us"],
                "properties": {
                    "station": {"type": "string"},
                    "hourly": {"$ref": "#/components/schemas/AqiBlock"},
                    "daily": {"$ref": "#/components/schemas/AqiBlock"},
                    "us": {
                        "type": "object",
                        "properties": {
                            "hourly": {"$ref": "#/components/schemas/AqiBlock"},
                            "daily": {"$ref": "#/components/schemas/AqiBlock"},
                        },
                    },
                },
            },
            "Error": {
                "type": "object",
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "parameter": {"type": "string"},
                        },
                    }
                },
            },
        },
    },
}


# --- reports -------------------------------------------------------------------------

_BRIEFING_PARAMS = [
    {
        "name": "period",
        "in": "query",
        "description": "day (default), week (Monday first), month, quarter, or "
        "custom with 'to' (at most 92 days); Vietnam calendar days",
        "schema": {
            "type": "string",
            "enum": ["day", "week", "month", "quarter", "custom"],
        },
    },
    {
        "name": "from",
        "in": "query",
        "description": "A day inside the period (YYYY-MM-DD; default today); for "
        "custom, the first day",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "to",
        "in": "query",
        "description": "The last day of a custom period (YYYY-MM-DD)",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "domains",
        "in": "query",
        "description": "Comma-separated domains (default: every domain the key "
        "reads; a staff key: its own only, another is a 400)",
        "schema": {"type": "string"},
    },
    {
        "name": "areas",
        "in": "query",
        "description": "Comma-separated area codes of the province profile "
        "(default: the whole province, or a narrowed key's areas)",
        "schema": {"type": "string"},
    },
    {
        "name": "lang",
        "in": "query",
        "schema": {"type": "string", "enum": ["vi", "en"]},
    },
]


def _briefing(fmt: str, media: str) -> dict:
    return {
        "get": {
            "summary": f"The briefing as {fmt.upper()}, made now",
            "description": "Each chosen domain's KPI over the period against its "
            "target and the period before, its trend, and the alerts raised in it. "
            "Made in a report worker; recorded in the audit trail.",
            "parameters": _BRIEFING_PARAMS,
            "responses": {
                "200": {
                    "description": "The file (Content-Disposition: attachment)",
                    "content": {
                        media: {"schema": {"type": "string", "format": "binary"}}
                    },
                },
                "400": _resp("Bad parameter", _ERROR),
                "403": _resp("The key's roles may not export", _ERROR),
                "504": _resp("Still being made: fetch it by its id later", _ERROR),
            },
        }
    }


OPENAPI["paths"].update(
    {
        "/api/v1/reports": {
            "get": {
                "summary": "The caller's reports and the archived briefings it reads",
                "responses": {
                    "200": _resp(
                        "Reports, newest first",
                        {
                            "type": "object",
                            "properties": {
                                "count": {"type": "integer"},
                                "reports": {
                                    "type": "array",
                                    "items": {"type": "object"},
                                },
                            },
                        },
                    )
                },
            }
        },
        "/api/v1/reports/briefing.pdf": _briefing("pdf", "application/pdf"),
        "/api/v1/reports/briefing.xlsx": _briefing(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "/api/v1/reports/briefing.csv": _briefing("csv", "text/csv"),
        "/api/v1/reports/{run_id}/{fmt}": {
            "get": {
                "summary": "A made report's file",
                "description": "One's own report, or an archived briefing of one's "
                "domains; any other is a 404. Recorded in the audit trail.",
                "parameters": [
                    {
                        "name": "run_id",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "integer"},
                    },
                    {
                        "name": "fmt",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": ["pdf", "xlsx", "csv"]},
                    },
                ],
                "responses": {
                    "200": {"description": "The file"},
                    "400": _resp("Bad format", _ERROR),
                    "404": _resp("No such report for this key", _ERROR),
                },
            }
        },
    }
)


OPENAPI["paths"]["/api/v1/exports/{table}.{fmt}"] = {
    "get": {
        "summary": "A page's table as CSV or Excel, under the page's filters",
        "description": "sensors (kind, district, state), alerts (state, severity, "
        "domain, district) or press: the rows that page shows the caller, at most "
        "20,000. CSV is UTF-8 with a byte-order mark. Recorded in the audit trail.",
        "parameters": [
            {
                "name": "table",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "enum": ["sensors", "alerts", "press"]},
            },
            {
                "name": "fmt",
                "in": "path",
                "required": True,
                "schema": {"type": "string", "enum": ["csv", "xlsx"]},
            },
            {
                "name": "lang",
                "in": "query",
                "schema": {"type": "string", "enum": ["vi", "en"]},
            },
        ],
        "responses": {
            "200": {"description": "The file (Content-Disposition: attachment)"},
            "400": _resp("Bad table, format or filter value", _ERROR),
            "403": _resp("The caller may not read that page", _ERROR),
        },
    }
}
