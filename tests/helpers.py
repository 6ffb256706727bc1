"""Small helpers for tests: wait for a condition instead of sleeping a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(
    condition: Callable[[], T],
    timeout: float = 10.0,
    interval: float = 0.05,
    message: str = "condition",
) -> T:
    """Poll ``condition`` until it returns something truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = condition()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s waiting for {message} (last: {last!r})"
    )


def sensor_row(sensor_id: str = "aq-kinh-bac-01", **overrides: object) -> dict:
    """A row for store.writes.sync_sensors: an air station in Kinh Bắc unless told."""
    row = {
        "id": sensor_id,
        "kind": "air",
        "name": "Trạm Kinh Bắc",
        "name_en": "Kinh Bac",
        "area": "kinh-bac",
        "region": "tp-bac-ninh",
        "lat": 21.18,
        "lon": 106.07,
        "unit": "µg/m3",
        "metrics": ["pm25", "pm10"],
        "period_s": 10.0,
        "thresholds": {"pm25": {"warn": 50, "alarm": 75}},
        "synthetic": False,
    }
    row.update(overrides)
    return row
