"""The lifecycle tests of this folder judge reading by reading, as every rule did
before migration 0008 gave the default rule on sensors' own levels a minimum
duration: here rules are loaded with ``min_duration_s`` 0 unless a test is marked
``duration`` (test_alert_duration.py judges the duration itself)."""

from __future__ import annotations

import dataclasses

import pytest

from store import alerting


@pytest.fixture(autouse=True)
def _reading_by_reading(request, monkeypatch):
    if request.node.get_closest_marker("duration"):
        return
    load = alerting.load_rules

    def instant(conn):  # noqa: ANN001, ANN202
        return [dataclasses.replace(r, min_duration_s=0) for r in load(conn)]

    monkeypatch.setattr(alerting, "load_rules", instant)
