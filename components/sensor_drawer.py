"""The sensor drawer's content: what the sensor is, its newest values, its thresholds
and a 24 h chart per metric."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from components.sensor_grid import state_label
from components.tables import STATE_COLOURS, table
from figures.sensor_detail import metric_chart
from i18n import T, fmt_age, fmt_datetime, fmt_number, metric_label, t, unit_label
from store.metrics import METRICS

LIMIT_KEYS = ("warn", "alarm", "low_warn", "low_alarm")
BADGE = {**STATE_COLOURS, "warning": "warning", "alarm": "danger", "stale": "warning"}


def _unit(metric: str, lang: str) -> str:
    m = METRICS.get(metric)
    return unit_label(m.unit, lang) if m else ""


def drawer_body(
    sensor: Mapping,
    state: str,
    latest: pd.DataFrame,
    series: Mapping[str, pd.DataFrame],
    lang: str,
    area_name: str,
) -> html.Div:
    """``sensor`` as store.queries.sensor; ``latest`` as store.queries.latest for it;
    ``series`` metric -> store.queries.series over the last 24 h."""
    kind = sensor["kind"]
    kind_text = t(f"kind.{kind}", lang) if f"kind.{kind}" in T else kind
    thresholds = sensor.get("thresholds") or {}
    metrics = list(sensor.get("metrics") or []) or sorted(set(latest["metric"]))
    head = html.Div(
        [
            dbc.Badge(
                state_label(state, lang),
                color=BADGE.get(state, "secondary"),
                className="ioc-badge me-2",
            ),
            html.Span(f"{kind_text} · {area_name}"),
            html.Div(
                t("sensors.period", lang, period=fmt_age(sensor["period_s"], lang)),
                className="text-body-secondary small mt-1",
            ),
        ],
        className="mb-3",
    )
    values = table(
        [t("col.metric", lang), t("col.value", lang), t("col.time", lang)],
        [
            [
                metric_label(r.metric, lang),
                f"{fmt_number(r.value, lang, 1)} {_unit(r.metric, lang)}".strip(),
                fmt_datetime(r.ts, lang, seconds=True),
            ]
            for r in latest.itertuples(index=False)
        ],
    )
    limit_rows = [
        [metric_label(m, lang)]
        + [
            fmt_number(lim.get(k), lang, 1) if lim.get(k) is not None else "–"
            for k in LIMIT_KEYS
        ]
        for m, lim in sorted(thresholds.items())
        if isinstance(lim, dict)
    ]
    limits = (
        table(
            [t("col.metric", lang)] + [t(f"threshold.{k}", lang) for k in LIMIT_KEYS],
            limit_rows,
        )
        if limit_rows
        else html.P(t("sensors.no_thresholds", lang), className="text-body-secondary")
    )
    separators = ",." if lang == "vi" else ".,"
    charts = [
        dcc.Graph(
            figure=metric_chart(
                series[m],
                f"{metric_label(m, lang)} ({_unit(m, lang)})",
                thresholds.get(m) if isinstance(thresholds.get(m), dict) else None,
                separators,
                "%H:%M<br>%d/%m" if lang == "vi" else "%H:%M<br>%d %b",
            ),
            config={"displayModeBar": False, "responsive": True},
            className="ioc-drawer-chart",
        )
        for m in metrics
        if m in series
    ]
    return html.Div(
        [
            head,
            html.H2(t("sensors.latest", lang), className="h6"),
            values,
            html.H2(t("sensors.thresholds", lang), className="h6 mt-3"),
            limits,
            html.H2(t("sensors.last_24h", lang), className="h6 mt-3"),
            *charts,
        ]
    )
