"""Overview: KPI tiles, threshold strip, map and press, refreshed every few seconds.

The first call draws everything; later ticks change only texts and colours, patch the
sparklines' data every 5 minutes (Patch, no figure rebuild) and redraw the map every 30
s.
"""

from __future__ import annotations

import logging

import pandas as pd
from dash import ALL, Input, Output, Patch, callback, ctx, dcc, html, no_update
from sqlalchemy.exc import SQLAlchemyError

import config
import province
from callbacks.shell import alert_text
from figures.province_map import province_map
from figures.sparkline import sparkline, trend_xy
from i18n import T, fmt_datetime, fmt_number, t, unit_label
from layouts._shell import current_lang
from layouts.overview import TICK_MS, Ids
from store import alerting, kpis, queries
from store.metrics import METRICS
from store.runtime import get_engine

log = logging.getLogger(__name__)
SPARK_EVERY = 300_000 // TICK_MS
MAP_EVERY = 30_000 // TICK_MS
UNITS = {"reports_closed": "%"}
DECIMALS = {"pm25": 1, "laeq": 1, "avg_speed": 1, "reports_closed": 0}


def _unit(metric: str) -> str:
    return UNITS.get(metric) or (METRICS[metric].unit if metric in METRICS else "")


def _ids(position: int) -> list[str]:
    return [o["id"]["domain"] for o in ctx.outputs_list[position]]


def tile_texts(kpi: kpis.Kpi | None, lang: str) -> tuple[str, str, str]:
    """(value, target line, status) of a tile."""
    if kpi is None:
        return "–", t("kpi.not_connected", lang), "nodata"
    unit = unit_label(_unit(kpi.metric), lang)
    digits = DECIMALS.get(kpi.metric, 1)
    target = t(
        f"kpi.target_{kpi.better}",
        lang,
        target=f"{fmt_number(kpi.target, lang, 0)} {unit}",
    )
    if kpi.value is None:
        return "–", f"{target} · {t('kpi.no_fresh', lang)}", "nodata"
    value = f"{fmt_number(kpi.value, lang, digits)} {unit}"
    return value, f"{target} · {t(f'status.{kpi.status}', lang)}", kpi.status


@callback(
    Output({"type": Ids.VALUE, "domain": ALL}, "children"),
    Output({"type": Ids.TARGET, "domain": ALL}, "children"),
    Output({"type": Ids.TILE, "domain": ALL}, "className"),
    Output({"type": Ids.SPARK, "domain": ALL}, "figure"),
    Output(Ids.ALERTS, "children"),
    Output(Ids.SYSTEM, "children"),
    Output(Ids.AS_OF, "children"),
    Output(Ids.MAP, "figure"),
    Output(Ids.PRESS, "children"),
    Input(Ids.INTERVAL, "n_intervals"),
)
def refresh(n: int | None):  # noqa: ANN201 - Dash outputs
    lang = current_lang()
    engine = get_engine()
    # n_intervals from the browser: anything but a count is the first draw.
    tick = n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0
    domains = _ids(0)
    try:
        domain_kpis = kpis.domain_kpis(engine)
        alert_counts = alerting.counts(engine)
        newest = alerting.alerts(engine, state="open", limit=50)
        counts = queries.state_counts(engine)
        dead = queries.dead_letter_count(engine)
        as_of = queries.data_as_of(engine)
    except SQLAlchemyError as exc:
        log.warning("overview could not read the store: %s", exc)
        down = t("common.store_down", lang, error=type(exc).__name__)
        k = len(domains)
        return (
            ["–"] * k,
            [down] * k,
            [no_update] * k,
            [no_update] * k,
            down,
            "",
            "",
            no_update,
            no_update,
        )
    texts = [tile_texts(domain_kpis.get(d), lang) for d in domains]
    classes = [f"ioc-tile ioc-status-{status} h-100" for _v, _t, status in texts]
    sparks = [_spark(domain_kpis.get(d), tick) for d in _ids(3)]
    as_of_text = (
        t("common.data_as_of", lang, when=fmt_datetime(as_of, lang, seconds=True))
        if as_of
        else t("common.no_data", lang)
    )
    system = t(
        "overview.system",
        lang,
        ok=fmt_number(counts["ok"], lang, 0),
        total=fmt_number(counts["total"], lang, 0),
        dead=fmt_number(dead, lang, 0),
    )
    redraw_map = tick % MAP_EVERY == 0
    return (
        [v for v, _t, _s in texts],
        [tt for _v, tt, _s in texts],
        classes,
        sparks,
        alert_strip(alert_counts, newest, lang),
        system,
        as_of_text,
        _map(engine, lang) if redraw_map else no_update,
        _press(engine, lang) if redraw_map else no_update,
    )


def _spark(kpi: kpis.Kpi | None, tick: int):  # noqa: ANN202 - a figure, a Patch or no_update
    trend = kpi.trend if kpi is not None else None
    if tick == 0:
        if kpi is None:
            return sparkline(pd.DataFrame(columns=["ts", "value"]))
        return sparkline(trend, kpi.status, kpi.target)
    if kpi is None or tick % SPARK_EVERY:
        return no_update
    x, y = trend_xy(trend)
    patch = Patch()
    patch["data"][0]["x"] = x
    patch["data"][0]["y"] = y
    return patch


def alert_strip(counts: dict[str, int], newest: pd.DataFrame, lang: str) -> list:
    """Province-wide unacknowledged alerts and the newest critical one (or the newest
    of any severity when none is critical), linking to the alert list."""
    if newest.empty:
        return [
            html.I(className="bi bi-check-circle me-2 text-success"),
            t("overview.no_alerts", lang),
        ]
    critical = newest[newest["severity"] == "critical"]
    worst = (critical if not critical.empty else newest).iloc[0].to_dict()
    icon = (
        "bi-exclamation-octagon-fill text-danger"
        if worst["severity"] == "critical"
        else "bi-exclamation-triangle-fill text-warning"
    )
    summary = t(
        "overview.alerts",
        lang,
        n=fmt_number(counts["open"], lang, 0),
        c=fmt_number(counts["critical"], lang, 0),
    )
    return [
        html.I(className=f"bi {icon} me-2"),
        dcc.Link(html.Strong(summary), href="/canh-bao?state=open"),
        html.Span(
            " — "
            + t(f"alerts.sev.{worst['severity']}", lang)
            + ": "
            + alert_text(worst, lang)
        ),
    ]


def _map(engine, lang: str):  # noqa: ANN001, ANN202
    cfg = config.load()
    profile = province.cached(str(cfg.profile))
    sensors = queries.sensors(engine)
    sensors["name"] = sensors["name"] if lang == "vi" else sensors["name_en"]
    sensors["kind_label"] = [
        t(f"kind.{k}", lang) if f"kind.{k}" in T else k for k in sensors["kind"]
    ]
    regions = [
        {"name": a.name if lang == "vi" else a.name_en, "lat": a.lat, "lon": a.lon}
        for a in profile.areas_at(profile.filter_level)
    ]
    reports = queries.citizen_reports(engine, status="open", limit=500)
    labels = {
        f"state.{s}": t(f"state.{s}", lang) for s in ("ok", "stale", "offline", "never")
    }
    labels["reports"] = t("map.reports", lang)
    return province_map(
        sensors,
        regions,
        labels,
        reports,
        tiles=cfg.map_tiles,
        bounds=profile.bounds,
    )


def _press(engine, lang: str):  # noqa: ANN001, ANN202
    press = queries.press_items(engine, limit=8)
    if press.empty:
        return html.P(t("common.no_data", lang), className="mb-0")
    return html.Ul(
        [
            html.Li(
                [
                    html.Div(p.title, className="fw-semibold"),
                    html.Small(
                        f"{p.source} · {fmt_datetime(int(p.published_ms), lang)}",
                        className="text-body-secondary",
                    ),
                ],
                className="mb-2",
            )
            for p in press.itertuples()
        ],
        className="list-unstyled mb-0",
    )
