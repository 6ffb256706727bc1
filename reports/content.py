"""What a report says, gathered from the store: per chosen domain its KPI over the
period and the period before (store.kpis providers, ``over``), its daily trend, and
the notable items (alerts raised in the period), bounded; all in the areas chosen
and the reader's scope (the caller has checked it, usecases.reports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

import province
from reports.periods import Period
from store import alerting, kpis
from store.kpis import KpiProvider
from store.reports import RunSpec

MAX_ALERT_ROWS = 200  # notable items per domain in a report
ALERT_ROW_COLUMNS = [
    "raised_ms",
    "severity",
    "subject",
    "subject_en",
    "area",
    "metric",
    "value",
    "limit",
    "state",
]


class Cancelled(Exception):
    """The run was asked to stop."""


@dataclass
class Section:
    domain: str
    provider: KpiProvider | None  # None: the domain has no source connected yet
    value: float | None = None
    previous: float | None = None
    sources: int = 0
    status: str = "nodata"
    trend: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=kpis.TREND_COLUMNS)
    )
    alerts: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=ALERT_ROW_COLUMNS)
    )
    alerts_more: bool = False  # more than MAX_ALERT_ROWS were raised


@dataclass
class Content:
    spec: RunSpec
    period: Period
    previous: Period
    province: str
    province_en: str
    area_names: list[tuple[str, str]]  # (vi, en) of the chosen areas
    sections: list[Section]
    made_ms: int
    made_by: str


def gather(
    engine: Engine,
    spec: RunSpec,
    period: Period,
    made_ms: int,
    made_by: str,
    step: Callable[[int], bool] = lambda _p: True,
    first: int = 5,
    last: int = 60,
) -> Content:
    """The report's content; ``step(progress)`` is called after each domain with a
    progress from ``first`` to ``last`` and returning False stops with Cancelled."""
    profile = province.current()
    areas = profile.descendants(spec.areas) if spec.areas else None
    previous = period.previous()
    sections = []
    for i, domain in enumerate(spec.domains):
        provider = kpis.PROVIDERS.get(domain)
        section = Section(domain, provider)
        if provider is not None:
            now = provider.over(engine, period.start_ms, period.end_ms, areas)
            before = provider.over(engine, previous.start_ms, previous.end_ms, areas)
            section.value, section.sources = now.value, now.sources
            section.previous = before.value
            section.trend = now.trend
            section.status = kpis.status_of(now.value, provider.target, provider.better)
        section.alerts, section.alerts_more = _alerts(engine, domain, period, areas)
        sections.append(section)
        done = first + (last - first) * (i + 1) // max(1, len(spec.domains))
        if not step(done):
            raise Cancelled()
    return Content(
        spec,
        period,
        previous,
        profile.name,
        profile.name_en,
        [(profile.areas[a].name, profile.areas[a].name_en) for a in spec.areas],
        sections,
        made_ms,
        made_by,
    )


def _alerts(
    engine: Engine, domain: str, period: Period, areas: frozenset[str] | None
) -> tuple[pd.DataFrame, bool]:
    df = alerting.alerts(
        engine,
        domain=domain,
        areas=areas,
        raised_from=period.start_ms,
        raised_to=period.end_ms,
        limit=MAX_ALERT_ROWS + 1,
    )
    more = len(df) > MAX_ALERT_ROWS
    df = df.head(MAX_ALERT_ROWS)
    out = pd.DataFrame(
        {
            "raised_ms": df["raised_ms"],
            "severity": df["severity"],
            "subject": df["subject_name"],
            "subject_en": df["subject_name_en"],
            "area": df["area"],
            "metric": df["metric"],
            "value": df["value"],
            "limit": df["limit"],
            "state": df["state"],
        },
        columns=ALERT_ROW_COLUMNS,
    )
    return out.reset_index(drop=True), more
