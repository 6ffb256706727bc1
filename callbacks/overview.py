"""Overview: KPI tiles, threshold strip, map and press, refreshed every few seconds.

The first call draws everything; later ticks change only texts and colours, patch the
sparklines every 5 minutes (Patch, no figure rebuild; their 7-day trends are read only
then) and look at the map and press every 30 s, sending them only when what they show
changed (the page keeps a signature of what it drew in the press box's ``data-drawn``).
Every user of a worker asks the same questions, so the reads are shared for less than
a tick (store.memo): with N wall screens the work no longer grows with N.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

import pandas as pd
from dash import ALL, Input, Output, Patch, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError

import config
import province
from components.kpi_tile import period_text, shown_status, tile_texts
from figures.province_map import province_map
from figures.sparkline import STATUS_COLOURS, sparkline, trend_xy
from i18n import T, fmt_age, fmt_datetime, fmt_measure, fmt_number, metric_label, t
from layouts._filters import area_names, clean_id
from layouts._shell import current_lang
from layouts.overview import TICK_MS, Ids
from security import policy
from security.session import current
from store import alerting, frames, kpis, queries, subjects, writes
from store.memo import TTLMemo, memo
from store.metrics import METRICS
from store.runtime import get_engine

log = logging.getLogger(__name__)
SPARK_EVERY = 300_000 // TICK_MS
MAP_EVERY = 30_000 // TICK_MS
# Shared reads live less than a tick, so what a tile shows is at most one tick old.
TICK_TTL_S = TICK_MS / 1000 - 1
# The 7-day trends (daily means) are redrawn every 5 minutes; a minute is plenty.
TREND_TTL_S = 60.0
# Map figures by the signature of what they show: exact, so no expiry is needed
# beyond keeping memory bounded.
_MAPS = TTLMemo(ttl_s=600, maxsize=8)


@memo(TICK_TTL_S, maxsize=4)
def _kpis_now(engine) -> dict[str, kpis.Kpi | None]:  # noqa: ANN001
    return kpis.domain_kpis(engine, with_trend=False)


@memo(TREND_TTL_S, maxsize=4)
def _trends(engine) -> dict[str, pd.DataFrame]:  # noqa: ANN001
    return {d: k.trend for d, k in kpis.domain_kpis(engine).items() if k is not None}


@memo(TICK_TTL_S, maxsize=64)
def _alerts_now(  # noqa: ANN001
    engine, domains: frozenset[str] | None, areas: frozenset[str] | None = None
) -> tuple[dict[str, int], pd.DataFrame]:
    """Alert counts and open alerts in ``domains`` and ``areas`` (None: all)."""
    return alerting.counts(engine, domains, areas), alerting.alerts(
        engine, state="open", limit=200, domains=domains, areas=areas, order="worst"
    )


def _readable(domain: str, domains: frozenset[str] | None) -> bool:
    return domains is None or domain in domains


@memo(TICK_TTL_S, maxsize=16)
def _system_now(  # noqa: ANN001
    engine, kinds: frozenset[str] | None, areas: frozenset[str] | None = None
) -> tuple[dict[str, int], int | None, int | None]:
    """Sensors reporting (of ``kinds`` in ``areas``; None: all), rejected messages
    (only for those who watch the data sources) and the time of the newest data."""
    return (
        queries.state_counts(engine, kinds=kinds, areas=areas),
        queries.dead_letter_count(engine) if kinds is None else None,
        queries.data_as_of(engine),
    )


def _ids(position: int) -> list[str]:
    return [o["id"]["domain"] for o in ctx.outputs_list[position]]


def _state_ids(position: int) -> list[str]:
    states = ctx.states_list[position] if len(ctx.states_list) > position else []
    if not isinstance(states, list):  # not the tiles' list: nothing to hold
        return []
    return [
        s["id"]["domain"]
        for s in states
        if isinstance(s, dict) and isinstance(s.get("id"), dict)
    ]


@callback(
    Output({"type": Ids.VALUE, "domain": ALL}, "children"),
    Output({"type": Ids.TARGET, "domain": ALL}, "children"),
    Output({"type": Ids.TILE, "domain": ALL}, "className"),
    Output({"type": Ids.SPARK, "domain": ALL}, "figure"),
    Output({"type": Ids.VALUE, "domain": ALL}, "title"),
    Output(Ids.ALERTS, "children"),
    Output(Ids.SYSTEM, "children"),
    Output(Ids.AS_OF, "children"),
    Output(Ids.MAP, "figure"),
    Output(Ids.PRESS, "children"),
    Output(Ids.PRESS, "data-drawn"),
    Input(Ids.INTERVAL, "n_intervals"),
    State(Ids.PRESS, "data-drawn"),
    State({"type": Ids.TILE, "domain": ALL}, "className"),
)
def refresh(n: int | None, drawn: str | None, shown: list | None = None):  # noqa: ANN201
    lang = current_lang()
    engine = get_engine()
    # n_intervals from the browser: anything but a count is the first draw.
    tick = n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else 0
    domains = _ids(0)
    # Staff read the data of their own domains only: other tiles say so, and the
    # alerts and map layers are filtered (leaders, officers and admins read all).
    who = current()
    readable = policy.visible_domains(who)
    scope = (policy.visible_areas(who), _frozen(policy.visible_services(who)))
    redraw_sparks = tick % SPARK_EVERY == 0
    redraw_map = tick % MAP_EVERY == 0
    try:
        domain_kpis = {
            d: k for d, k in _kpis_now(engine).items() if _readable(d, readable)
        }
        trends = _trends(engine) if redraw_sparks else {}
        alert_counts, newest = _alerts_now(engine, readable, scope[0])
        counts, dead, as_of = _system_now(engine, policy.readable_kinds(who), scope[0])
        shown = (
            _map_and_press(engine, lang, drawn, readable, scope) if redraw_map else None
        )
    except SQLAlchemyError as exc:
        log.warning("overview could not read the store: %s", exc)
        down = t("common.store_down", lang, error=type(exc).__name__)
        k = len(domains)
        return (
            ["–"] * k,
            [down] * k,
            [no_update] * k,
            [no_update] * k,
            [no_update] * k,
            down,
            "",
            "",
            no_update,
            no_update,
            no_update,
        )
    # What each tile shows now: a value just back inside its limit keeps it.
    before = dict(
        zip(_state_ids(1), shown if isinstance(shown, list) else [], strict=False)
    )
    texts = [
        tile_texts(domain_kpis.get(d), lang, shown_status(before.get(d)))
        if _readable(d, readable)
        else ("–", t("overview.not_your_domain", lang), "nodata")
        for d in domains
    ]
    classes = [f"ioc-tile ioc-status-{status} h-100" for _v, _t, status in texts]
    sparks = [_spark(domain_kpis.get(d), trends.get(d), tick) for d in _ids(3)]
    # What a value covers never changes: said on the first draw only.
    periods = (
        [period_text(domain_kpis.get(d), lang) for d in _ids(4)]
        if tick == 0
        else [no_update] * len(_ids(4))
    )
    as_of_text = (
        t("common.data_as_of", lang, when=fmt_datetime(as_of, lang, seconds=True))
        if as_of
        else t("common.no_data", lang)
    )
    system = t(
        "overview.system" if dead is not None else "overview.system_sensors",
        lang,
        ok=fmt_number(counts["ok"], lang, 0),
        total=fmt_number(counts["total"], lang, 0),
        dead=fmt_number(dead, lang, 0),
    )
    map_figure, press, sig = shown or (no_update, no_update, no_update)
    return (
        [v for v, _t, _s in texts],
        [tt for _v, tt, _s in texts],
        classes,
        sparks,
        periods,
        alert_strip(alert_counts, newest, lang),
        system,
        as_of_text,
        map_figure,
        press,
        sig,
    )


def _spark(kpi: kpis.Kpi | None, trend: pd.DataFrame | None, tick: int):  # noqa: ANN202
    """A tile's sparkline: the figure on the first draw; every SPARK_EVERY ticks a
    Patch of its trend, colour and target line (the living target changes at night);
    otherwise no_update."""
    if tick == 0:
        if kpi is None:
            return sparkline(pd.DataFrame(columns=["ts", "value"]))
        return sparkline(trend, kpi.status, kpi.target)
    if kpi is None or trend is None or tick % SPARK_EVERY:
        return no_update
    x, y = trend_xy(trend)
    patch = Patch()
    patch["data"][0]["x"] = x
    patch["data"][0]["y"] = y
    patch["data"][0]["line"]["color"] = STATUS_COLOURS.get(
        kpi.status, STATUS_COLOURS["nodata"]
    )
    # The target line is the figure's one shape (sparkline's add_hline).
    patch["layout"]["shapes"][0]["y0"] = kpi.target
    patch["layout"]["shapes"][0]["y1"] = kpi.target
    return patch


# Alerts the strip lists, worst first (more are one tap away on the alerts page).
STRIP_MAX = 3


def alert_strip(
    counts: dict[str, int],
    open_alerts: pd.DataFrame,
    lang: str,
    at_ms: int | None = None,
) -> list:
    """What needs a person: the unacknowledged alerts in the reader's scope counted,
    and the worst few (store.alerting.worst_first) each with its value and unit, how
    long it has lasted and whether it was escalated, each a link to its sensor."""
    if open_alerts.empty:
        return [
            html.I(className="bi bi-check-circle me-2 text-success"),
            t("overview.no_alerts", lang),
        ]
    at = writes.now_ms() if at_ms is None else at_ms
    worst = frames.records(alerting.worst_first(open_alerts, at).head(STRIP_MAX))
    summary = t(
        "overview.alerts",
        lang,
        n=fmt_number(counts["open"], lang, 0),
        c=fmt_number(counts["critical"], lang, 0),
    )
    return [
        dcc.Link(
            html.Strong(summary),
            href="/canh-bao?state=open",
            className="ioc-touch me-2 ioc-strip-summary",
        ),
        *[_strip_item(a, lang, at) for a in worst],
    ]


def _strip_item(a: dict, lang: str, at: int) -> dcc.Link:
    critical = a["severity"] == "critical"
    icon = (
        "bi-exclamation-octagon-fill text-danger"
        if critical
        else "bi-exclamation-triangle-fill text-warning"
    )
    what = [subjects.display_name(a, lang)]
    if a["metric"]:
        metric = METRICS.get(a["metric"])
        value = fmt_measure(a["last_value"], metric.unit if metric else "", lang)
        what.append(f"{metric_label(a['metric'], lang)} {value}")
    detail = [
        t("overview.alert_for", lang, age=fmt_age((at - a["raised_ms"]) / 1000, lang))
    ]
    if a["escalated_ms"] is not None:
        detail.append(t("alerts.escalated", lang))
    href = (
        sensor_href(a["subject_id"])
        if a["subject_kind"] == "sensor"
        else f"/canh-bao?state=open&severity={a['severity']}"
    )
    return dcc.Link(
        [
            html.I(className=f"bi {icon} me-2"),
            html.Span(
                [
                    html.Span(" · ".join(what), className="ioc-strip-what"),
                    html.Small(" · ".join(detail), className="ioc-strip-when"),
                ],
                className="ioc-strip-text",
            ),
        ],
        href=href,
        className=f"ioc-touch ioc-strip-item ioc-strip-{a['severity']}",
        title=t(f"alerts.sev.{a['severity']}", lang),
    )


def _frozen(values: list[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


def _map_and_press(  # noqa: ANN001
    engine,
    lang: str,
    drawn: str | None,
    readable: frozenset[str] | None,
    scope: tuple = (None, None),
) -> tuple:
    """(map figure, press list, signature) when what they show differs from what the
    page drew (``drawn``), else no_update thrice. ``scope``: the reader's areas and
    the services of its departments (None: not narrowed)."""
    sig, inputs = _map_inputs(engine, lang, readable, *scope)
    if sig == drawn:
        return no_update, no_update, no_update
    figure = _MAPS.get(sig, lambda: _map(*inputs))
    return figure, _press(inputs[-1], lang), sig


@memo(TICK_TTL_S, maxsize=64)
def _map_inputs(  # noqa: ANN001
    engine,
    lang: str,
    readable: frozenset[str] | None,
    areas: frozenset[str] | None = None,
    services: frozenset[str] | None = None,
) -> tuple[str, tuple]:
    """What the map and the press list show to a reader of ``readable`` domains (in
    ``areas``; reports of ``services``), and its signature (the same on every
    worker, so a tick answered by another worker still matches)."""
    cfg = config.load()
    profile = province.cached(str(cfg.profile))
    sensors = queries.sensors(engine, areas=areas)
    if readable is not None:
        domain_of = profile.kind_domains
        own = [_readable(domain_of.get(k, ""), readable) for k in sensors["kind"]]
        sensors = sensors[own].reset_index(drop=True)
    worst = alerting.worst_unresolved(engine, readable, areas)
    sensors["alert"] = [worst.get(i, "") for i in sensors["id"]]
    sensors["name"] = sensors["name"] if lang == "vi" else sensors["name_en"]
    sensors["kind_label"] = [
        t(f"kind.{k}", lang) if f"kind.{k}" in T else k for k in sensors["kind"]
    ]
    regions = [
        {"name": a.name if lang == "vi" else a.name_en, "lat": a.lat, "lon": a.lon}
        for a in profile.areas_at(profile.filter_level)
    ]
    reports = queries.citizen_reports(
        engine,
        status="open",
        limit=500,
        areas=areas,
        service_codes=None if services is None else sorted(services),
    )
    if not _readable("citizens", readable):
        reports = reports.iloc[0:0]
    labels = {
        f"state.{s}": t(f"state.{s}", lang) for s in ("ok", "stale", "offline", "never")
    }
    labels.update(
        {f"alert.{s}": t(f"map.alert.{s}", lang) for s in ("critical", "warning")}
    )
    labels["reports"] = t("map.reports", lang)
    press = queries.press_items(engine, limit=8)
    shown = (
        lang,
        cfg.map_tiles,
        profile.bounds,
        regions,
        labels,
        sensors[
            ["id", "name", "kind_label", "lat", "lon", "state", "alert"]
        ].values.tolist(),
        reports[["service_name", "lat", "lon"]].values.tolist(),
        press[["title", "source", "published_ms"]].values.tolist(),
    )
    sig = hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()
    return sig, (sensors, regions, labels, reports, cfg, profile, press)


def _map(sensors, regions, labels, reports, cfg, profile, _press):  # noqa: ANN001, ANN202
    return province_map(
        sensors,
        regions,
        labels,
        reports,
        tiles=cfg.map_tiles,
        bounds=profile.bounds,
    )


def _press(press: pd.DataFrame, lang: str):  # noqa: ANN202
    if press.empty:
        return html.P(t("common.no_data", lang), className="mb-0")
    return html.Ul(
        [
            html.Li(
                [
                    html.Div(p.title, className="fw-semibold"),
                    html.Small(
                        f"{p.source} · {fmt_datetime(p.published_ms, lang)}",
                        className="text-body-secondary",
                    ),
                ],
                className="mb-2",
            )
            for p in frames.rows(press)
        ],
        className="list-unstyled mb-0",
    )


@callback(
    Output(Ids.POINT, "children"),
    Output(Ids.POINT_BOX, "className"),
    Input(Ids.MAP, "clickData"),
    Input(Ids.POINT_CLOSE, "n_clicks"),
    prevent_initial_call=True,
)
def tap_point(click: dict | None, _close: int | None) -> tuple:
    """A tap on a sensor's point: its values, their time, its worst unresolved alert
    and a link to it on the sensors page; the close button hides it."""
    hidden = "ioc-map-point d-none"
    if ctx.triggered_id == Ids.POINT_CLOSE:
        return None, hidden
    points = click.get("points") if isinstance(click, dict) else None
    sensor_id = clean_id(points[0].get("customdata")) if points else None
    if not sensor_id:
        raise PreventUpdate
    lang = current_lang()
    engine = get_engine()
    try:
        sensor = queries.sensor(engine, sensor_id)
        if sensor is None or not policy.reads_sensor(
            current(), sensor.get("kind"), sensor.get("area")
        ):
            raise PreventUpdate
        latest = queries.latest(engine, sensor_id=sensor_id)
        worst = alerting.alerts(
            engine, state=None, limit=20, order="worst", subject_id=sensor_id
        )
    except SQLAlchemyError as exc:
        log.warning("map point could not read the store: %s", exc)
        return t("common.store_down", lang, error=type(exc).__name__), "ioc-map-point"
    return point_panel(sensor, latest, worst, lang), "ioc-map-point"


def point_panel(
    sensor: dict, latest: pd.DataFrame, alerts: pd.DataFrame, lang: str
) -> list:
    """The tap panel of one sensor: name and area, each newest value with its unit
    (the metric in alarm first) and time, the worst unresolved alert, and the link."""
    name = sensor["name"] if lang == "vi" else sensor["name_en"] or sensor["name"]
    area = area_names(lang).get(sensor["area"], sensor["area"])
    open_alerts = alerts[alerts["state"] != "resolved"] if len(alerts) else alerts
    top = frames.records(open_alerts.head(1))
    first = top[0]["metric"] if top else None
    rows = sorted(
        frames.records(latest), key=lambda r: (r["metric"] != first, r["metric"])
    )[:4]
    items: list = [
        html.Div(name, className="fw-semibold"),
        html.Small(area, className="text-body-secondary d-block mb-1"),
    ]
    if top:
        a = top[0]
        sev = a["severity"]
        items.append(
            html.Div(
                t(f"alerts.sev.{sev}", lang)
                + (" · " + t("alerts.escalated", lang) if _escalated(a) else ""),
                className=f"ioc-point-alert ioc-point-{sev}",
            )
        )
    for r in rows:
        metric = METRICS.get(r["metric"])
        items.append(
            html.Div(
                [
                    html.Span(metric_label(r["metric"], lang) + " "),
                    html.Strong(
                        fmt_measure(r["value"], metric.unit if metric else "", lang)
                    ),
                    html.Small(
                        " · " + fmt_datetime(int(r["ts"]), lang),
                        className="text-body-secondary",
                    ),
                ],
                className="ioc-point-value",
            )
        )
    if not rows:
        items.append(html.Div(t("common.no_data", lang)))
    items.append(
        dcc.Link(
            t("overview.point.open", lang),
            href=sensor_href(sensor["id"]),
            className="btn btn-primary btn-sm ioc-touch mt-1",
            id="overview-map-point-link",
        )
    )
    return items


def sensor_href(sensor_id: str) -> str:
    """The sensors page with that sensor's drawer open."""
    return "/cam-bien?" + urlencode({"sensor": sensor_id})


def _escalated(a: dict) -> bool:
    return a.get("escalated_ms") is not None and not pd.isna(a["escalated_ms"])
