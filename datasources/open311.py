"""Citizens' reports from an Open311 GeoReport v2 system (GET requests.json)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import Engine

import province
from config import Config
from datasources.pollers import DEFAULT_DEADLINE_S, Poller, PollError, fetch_bounded
from datasources.sources import Setting, Source
from store.writes import now_ms, upsert_citizen_reports

LIMITS = {
    "id": 200,
    "status": 16,
    "service_code": 100,
    "service_name": 300,
    "description": 4000,
    "agency": 200,
    "address": 500,
}
MAX_BYTES = 10_000_000  # a day of a province's reports is well under 1 MB
MIN_MS = 946_684_800_000  # 2000-01-01
FUTURE_SLACK_MS = 86_400_000
# Control characters but line breaks and tabs (PostgreSQL refuses NUL in text).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class Open311Poller(Poller):
    kind = "open311"
    max_bytes = MAX_BYTES

    def __init__(
        self,
        base_url: str,
        name: str | None = None,
        interval_s: float = 60.0,
        api_key: str | None = None,
        deadline_s: float = DEFAULT_DEADLINE_S,
    ) -> None:
        super().__init__()
        self.base_url = base_url.rstrip("/")
        self.name = name or f"open311:{self.base_url}"
        self.interval_s = interval_s
        self.api_key = api_key
        self.deadline_s = deadline_s

    def fetch(self, client: httpx.Client, deadline: float) -> Any:
        params = {"api_key": self.api_key} if self.api_key else None
        body = fetch_bounded(
            client,
            f"{self.base_url}/requests.json",
            self.max_bytes,
            deadline,
            params=params,
        )
        try:
            return json.loads(body)
        except ValueError as exc:
            raise PollError(f"not JSON: {exc}") from exc
        except RecursionError as exc:
            raise PollError("not JSON we can read: nested too deeply") from exc

    def normalise(self, raw: Any) -> list[dict]:
        return parse_requests(raw, source=self.name)

    def write(self, engine: Engine, records: list[dict]) -> int:
        return upsert_citizen_reports(engine, with_areas(records, province.current()))


class Open311Source(Source):
    """One poller of IOC_OPEN311_URL (the simulated system when simulating)."""

    name = Open311Poller.kind
    settings = (
        Setting("IOC_OPEN311_URL", "open311_url", str),
        Setting("IOC_OPEN311_API_KEY", "open311_api_key", str),
    )
    simulated_path = "/open311/v2"

    @classmethod
    def build(cls, cfg: Config) -> list[Poller]:
        return [
            Open311Poller(
                url,
                interval_s=cls.interval_s,
                api_key=cfg.open311_api_key or None,
                deadline_s=cfg.poll_deadline_s,
            )
            for url in cls.urls(cfg, [cfg.open311_url])
        ]


def _ms(value: object) -> int | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        return None
    try:
        return int(dt.timestamp() * 1000)
    except (OverflowError, ValueError):  # year 1 or 9999 in an odd offset
        return None


def text_field(value: object) -> str:
    """A text field of a report (polled here, or posted to api/open311): text or a
    number as text, without control characters; anything else (objects, lists,
    booleans) is no text at all."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return _CONTROL.sub("", str(value)).strip()


def _coord(value: object, low: float, high: float) -> float | None:
    try:
        v = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if low <= v <= high else None


def with_areas(records: list[dict], profile: province.Profile) -> list[dict]:
    """The reports with the area their coordinates lie in ('' without them), which
    an area-scoped account's reading is filtered by."""
    return [
        {
            **r,
            "area": profile.area_at(r["lat"], r["lon"])
            if r.get("lat") is not None and r.get("lon") is not None
            else "",
        }
        for r in records
    ]


def parse_requests(raw: Any, source: str) -> list[dict]:
    """GeoReport v2 service requests as citizen_reports rows; PollError if it is not a
    list of requests. Requests without an id or a valid requested time are skipped."""
    if not isinstance(raw, list):
        raise PollError(
            f"expected a JSON array of service requests, got {type(raw).__name__}"
        )
    out = []
    latest = now_ms() + FUTURE_SLACK_MS
    for r in raw:
        if not isinstance(r, dict):
            continue
        rid = text_field(r.get("service_request_id"))
        requested = _ms(r.get("requested_datetime"))
        if not rid or requested is None or not MIN_MS <= requested <= latest:
            continue
        status = text_field(r.get("status")).lower() or "open"
        row = {
            "id": rid,
            "source": source[:300],
            "status": status if status in {"open", "closed"} else "open",
            "service_code": text_field(r.get("service_code")),
            "service_name": text_field(r.get("service_name")),
            "description": text_field(r.get("description")),
            "agency": text_field(r.get("agency_responsible")),
            "address": text_field(r.get("address")),
            "lat": _coord(r.get("lat"), -90, 90),
            "lon": _coord(r.get("long"), -180, 180),
            "requested_ms": requested,
            "updated_ms": _ms(r.get("updated_datetime")),
        }
        for k, limit in LIMITS.items():
            row[k] = row[k][:limit]
        out.append(row)
    return out
