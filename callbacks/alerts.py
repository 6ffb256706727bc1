"""Alerts page: the filtered list (redrawn only when an alert changed), acknowledging
an alert with a name and a note, editing a rule, and the URL kept in step with the
filters."""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import pandas as pd
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import Forbidden

from components.export_links import FORMATS as EXPORT_FORMATS
from components.export_links import export_href
from components.tables import table
from i18n import T, fmt_age, fmt_datetime, fmt_number, metric_label, t, unit_label
from layouts._filters import area_names, clean_key, clean_text, url_search
from layouts._shell import current_lang
from layouts.alerts import FILTERS, REFRESH_MS, Ids, clean_filters
from security import policy
from security.session import caller, current, require
from store import alerting, frames, subjects
from store.memo import TTLMemo, freeze
from store.metrics import METRICS
from store.runtime import get_engine
from store.writes import now_ms
from usecases import FORBIDDEN, NOT_FOUND, UseCaseError
from usecases import alerts as alert_usecases

log = logging.getLogger(__name__)

# Lists read by the 5-second tick, shared by the users of a worker for less than a
# tick and keyed by the alert counts too, so an acknowledgement shows at once.
_LISTS = TTLMemo(ttl_s=REFRESH_MS / 1000 - 1, maxsize=64)

# Rows drawn at once: the newest; filters reach the others (a 300-row table of
# badges cost a duty officer's tablet and the server a third of a second).
LIST_MAX = 100

SEVERITY_COLOURS = {"critical": "danger", "warning": "warning", "info": "info"}
STATE_COLOURS = {"open": "danger", "acknowledged": "primary", "resolved": "success"}


def rule_label(name: str, lang: str) -> str:
    """Default rules carry a translation key; rules an admin wrote carry their text."""
    return t(name, lang) if name in T else name


def _value_text(row: pd.Series | dict, column: str, lang: str) -> str:
    value = row[column]
    if pd.isna(value):
        return "–"
    if row["rule_kind"] == "stale":
        return fmt_age(float(value), lang)
    metric = METRICS.get(row["metric"])
    unit = f" {unit_label(metric.unit, lang)}" if metric else ""
    return f"{fmt_number(float(value), lang, 1)}{unit}"


def alert_rows(df: pd.DataFrame, lang: str, can_ack: bool = True) -> list[list[object]]:
    """Table rows of an alerts frame (store.alerting.alerts): text and badges only;
    an acknowledge button on open alerts when the user may acknowledge. Cells hold
    their pieces directly (no wrapping Div): up to LIST_MAX rows are drawn at once."""
    areas = area_names(lang)
    sev_badges = {
        s: dbc.Badge(t(f"alerts.sev.{s}", lang), color=c, className="ioc-badge")
        for s, c in SEVERITY_COLOURS.items()
    }
    state_badges = {
        s: dbc.Badge(t(f"alerts.state.{s}", lang), color=c, className="ioc-badge")
        for s, c in STATE_COLOURS.items()
    }
    escalated = dbc.Badge(
        t("alerts.escalated", lang), color="dark", className="ioc-badge ms-1"
    )
    rows = []
    for a in frames.records(df):
        severity = [
            sev_badges.get(a["severity"])
            or dbc.Badge(
                t(f"alerts.sev.{a['severity']}", lang),
                color="secondary",
                className="ioc-badge",
            )
        ]
        if pd.notna(a["escalated_ms"]) and a["state"] != "resolved":
            severity.append(escalated)
        name = subjects.display_name(a, lang)
        what = metric_label(a["metric"], lang) if a["metric"] else ""
        if pd.notna(a["acked_ms"]):
            ack: object = [
                html.Div(
                    t(
                        "alerts.acked_by",
                        lang,
                        who=a["acked_by"],
                        when=fmt_datetime(int(a["acked_ms"]), lang),
                    )
                ),
                html.Small(a["ack_note"], className="text-body-secondary"),
            ]
        elif not can_ack or a["state"] == "resolved":
            # An ended alert is not acknowledged any more: nothing to press.
            ack = html.Span("–", className="text-body-secondary")
        else:
            ack = dbc.Button(
                t("alerts.ack", lang),
                id={"type": Ids.ACK_BUTTON, "id": int(a["id"])},
                color="primary",
                size="sm",
                className="ioc-touch",
            )
        raised = [html.Div(fmt_datetime(int(a["raised_ms"]), lang))]
        if pd.notna(a["resolved_ms"]):
            raised.append(
                html.Small(
                    t(
                        "alerts.resolved_at",
                        lang,
                        when=fmt_datetime(int(a["resolved_ms"]), lang),
                    ),
                    className="text-body-secondary",
                )
            )
        rows.append(
            [
                severity,
                state_badges[a["state"]],
                [
                    dcc.Link(
                        name,
                        href="/cam-bien?" + urlencode({"sensor": a["subject_id"]}),
                        className="d-block ioc-place-link",
                    )
                    if a["subject_kind"] == "sensor"
                    else html.Div(name),
                    html.Small(
                        areas.get(a["area"], a["area"]),
                        className="text-body-secondary",
                    ),
                ],
                [
                    html.Div(rule_label(a["rule_name"] or "", lang)),
                    html.Small(what, className="text-body-secondary"),
                ],
                [
                    html.Div(_value_text(a, "last_value", lang)),
                    html.Small(
                        t(
                            "alerts.limit_peak",
                            lang,
                            limit=_value_text(a, "limit", lang),
                            peak=_value_text(a, "peak", lang),
                        ),
                        className="text-body-secondary",
                    ),
                ],
                raised,
                ack,
            ]
        )
    return rows


def _counts(counts: dict[str, int], lang: str) -> list:
    items = (
        ("open", "danger"),
        ("critical", "danger"),
        ("escalated", "dark"),
        ("acknowledged", "primary"),
    )
    return [
        dbc.Badge(
            t(f"alerts.count.{key}", lang, n=fmt_number(counts[key], lang, 0)),
            color=colour if counts[key] else "secondary",
            className="ioc-badge fs-6",
            id=f"alerts-count-{key}",
        )
        for key, colour in items
    ]


def _rules_table(lang: str, can_edit: bool) -> object:
    df = alerting.rules(get_engine())
    rows = []
    for r in frames.records(df):
        kind = r["sensor_kind"]
        if r["sensor_id"]:
            target = r["sensor_id"]
        elif kind:
            target = t(f"kind.{kind}", lang) if f"kind.{kind}" in T else kind
        else:
            target = t("alerts.rule.all_sensors", lang)
        if r["kind"] == "stale":
            limit = t("alerts.rule.stale_limit", lang)
        elif r["threshold"] is None:
            limit = t("alerts.rule.own_levels", lang)
        else:
            metric = METRICS.get(r["metric"] or "")
            unit = f" {unit_label(metric.unit, lang)}" if metric else ""
            limit = f"{r['op']} {fmt_number(float(r['threshold']), lang, 2)}{unit}"
            if r["kind"] == "rate":
                limit += " / " + fmt_age(int(r["window_s"]), lang)
        rows.append(
            [
                dbc.Button(
                    html.I(className="bi bi-pencil"),
                    id={"type": Ids.RULE_EDIT, "id": int(r["id"])},
                    color="secondary",
                    outline=True,
                    size="sm",
                    className="ioc-touch",
                    title=t("common.edit", lang),
                )
                if can_edit
                else "",
                rule_label(r["name"], lang),
                target,
                metric_label(r["metric"], lang) if r["metric"] else "–",
                limit,
                t(f"alerts.sev.{r['severity']}", lang)
                if r["threshold"] is not None or r["kind"] != "threshold"
                else t("alerts.rule.by_level", lang),
                fmt_age(int(r["escalate_after_s"]), lang),
                t("common.yes" if r["enabled"] else "common.no", lang),
            ]
        )
    return table(
        [
            "",
            t("alerts.col.rule", lang),
            t("alerts.col.sensors", lang),
            t("alerts.col.metric", lang),
            t("alerts.col.limit", lang),
            t("alerts.col.severity", lang),
            t("alerts.col.escalate", lang),
            t("alerts.col.enabled", lang),
        ],
        rows,
    )


@callback(
    Output(Ids.TABLE, "children"),
    Output(Ids.COUNTS, "children"),
    Output(Ids.RULES, "children"),
    Output(Ids.SIGNATURE, "data"),
    Input(Ids.INTERVAL, "n_intervals"),
    Input(Ids.STATE, "value"),
    Input(Ids.SEVERITY, "value"),
    Input(Ids.DOMAIN, "value"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.ACK_DONE, "data"),
    Input(Ids.RULE_DONE, "data"),
    State(Ids.SIGNATURE, "data"),
)
def refresh(
    _n: int | None,
    state: str | None,
    severity: str | None,
    domain: str | None,
    district: str | None,
    _acked: object,
    _rule: object,
    signature: str | None,
) -> tuple:
    lang = current_lang()
    raw = dict(zip(FILTERS, (state, severity, domain, district), strict=True))
    f, bad = clean_filters(raw, lang)
    if bad:
        msg = html.P(t("filter.invalid", lang, values=", ".join(bad)), className="p-3")
        return msg, [], no_update, None
    engine = get_engine()
    who = current()
    domains, areas = policy.visible_domains(who), policy.visible_areas(who)
    try:
        # The counts are cheap and change with every new, acknowledged or resolved
        # alert: they key the shared list, so those show at the next tick.
        counts = alerting.counts(engine, domains, areas)
        key = (freeze(f), freeze(domains), freeze(areas), freeze(counts))
        if ctx.triggered_id == Ids.INTERVAL:
            df, digest = _LISTS.get(key, lambda: _alert_list(engine, f, domains, areas))
        else:  # the user's own change (filters, an acknowledgement, a rule): afresh
            df, digest = _alert_list(engine, f, domains, areas)
            _LISTS.put(key, (df, digest))
    except SQLAlchemyError as exc:
        log.warning("alerts page could not read the store: %s", exc)
        return (
            html.P(t("common.store_down", lang, error=type(exc).__name__)),
            [],
            no_update,
            None,
        )
    # Redraw only when an alert, a count or the filters changed: a duty officer's
    # open modal or scroll position survives the 5-second refresh.
    sig = f"{lang}|{sorted(f.items())}|{counts}|{digest}"
    if ctx.triggered_id == Ids.INTERVAL and sig == signature:
        raise PreventUpdate
    if df.empty:
        body: object = html.P(t("alerts.none", lang), className="p-3 mb-0")
    else:
        body = table(
            [
                t("alerts.col.severity", lang),
                t("alerts.col.state", lang),
                t("alerts.col.where", lang),
                t("alerts.col.what", lang),
                t("alerts.col.value", lang),
                t("alerts.col.raised", lang),
                t("alerts.col.ack", lang),
            ],
            alert_rows(df, lang, policy.can(who, policy.ALERTS_ACK)),
            id="alerts-list",
        )
        if len(df) >= LIST_MAX:
            body = [
                html.P(
                    t("alerts.list_capped", lang, n=LIST_MAX),
                    className="small text-body-secondary px-2 py-1 mb-0",
                ),
                body,
            ]
    rules = (
        _rules_table(lang, policy.can(who, policy.ALERTS_RULES))
        if ctx.triggered_id != Ids.INTERVAL
        else no_update
    )
    return body, _counts(counts, lang), rules, sig


def _alert_list(  # noqa: ANN001
    engine, f: dict, domains: frozenset[str] | None, areas: frozenset[str] | None
) -> tuple:
    """The filtered alerts (at most LIST_MAX) in the reader's domains and areas, and
    a digest of them, the same on every worker (a tick answered by another worker
    compares equal)."""
    df = alerting.alerts(
        engine,
        state=f["state"],
        severity=f["severity"],
        domain=f["domain"],
        region=f["district"],
        limit=LIST_MAX,
        domains=domains,
        areas=areas,
        order="worst",
    )
    digest = hashlib.blake2b(repr(df.values.tolist()).encode(), digest_size=12)
    return df, digest.hexdigest()


@callback(
    Output(Ids.ACK_MODAL, "is_open"),
    Output(Ids.ACK_TARGET, "data"),
    Output(Ids.ACK_SUMMARY, "children"),
    Output(Ids.ACK_ERROR, "children"),
    Output(Ids.ACK_ERROR, "is_open"),
    Output(Ids.ACK_DONE, "data"),
    Input({"type": Ids.ACK_BUTTON, "id": ALL}, "n_clicks"),
    Input(Ids.ACK_CANCEL, "n_clicks"),
    Input(Ids.ACK_CONFIRM, "n_clicks"),
    State(Ids.ACK_TARGET, "data"),
    State(Ids.ACK_NOTE, "value"),
    prevent_initial_call=True,
)
def acknowledge(
    clicks: list[int | None],
    _cancel: int | None,
    _confirm: int | None,
    target: int | None,
    note: str | None,
) -> tuple:
    lang = current_lang()
    trigger = ctx.triggered_id
    # A redraw of the table re-creates the buttons with no clicks: nothing to do.
    if isinstance(trigger, dict) and not any(clicks):
        raise PreventUpdate
    if trigger == Ids.ACK_CONFIRM:
        target, note = clean_key(target), clean_text(note)
        if target is None:
            raise PreventUpdate
        try:
            alert_usecases.acknowledge(get_engine(), caller(), target, note or "")
        except UseCaseError as exc:
            if exc.reason == FORBIDDEN:
                raise Forbidden(exc.action) from exc
            if exc.reason == NOT_FOUND:
                raise PreventUpdate from exc
            return True, target, no_update, t(exc.key, lang), True, no_update
        except SQLAlchemyError as exc:
            log.warning("could not acknowledge alert %s: %s", target, exc)
            err = t("common.store_down", lang, error=type(exc).__name__)
            return True, target, no_update, err, True, no_update
        return False, None, no_update, "", False, {"id": target, "at": now_ms()}
    require(policy.ALERTS_ACK)
    if trigger == Ids.ACK_CANCEL:
        return False, None, no_update, "", False, no_update
    # A button of the table: only a real click opens the dialog (a redraw of the
    # table re-creates the buttons with no clicks).
    if not isinstance(trigger, dict) or not any(clicks):
        raise PreventUpdate
    alert_id = clean_key(trigger.get("id"))
    if alert_id is None:
        raise PreventUpdate
    row = alerting.alerts(get_engine(), alert_id=alert_id)
    if row.empty:
        raise PreventUpdate
    a = row.iloc[0]
    summary = " · ".join(
        x
        for x in (
            t(f"alerts.sev.{a['severity']}", lang),
            subjects.display_name(a, lang),
            metric_label(a["metric"], lang) if a["metric"] else "",
            _value_text(a, "last_value", lang),
        )
        if x
    )
    return True, alert_id, summary, "", False, no_update


@callback(
    Output(Ids.RULE_MODAL, "is_open"),
    Output(Ids.RULE_TARGET, "data"),
    Output(Ids.RULE_THRESHOLD, "value"),
    Output(Ids.RULE_THRESHOLD, "disabled"),
    Output(Ids.RULE_SEVERITY, "value"),
    Output(Ids.RULE_ESCALATE, "value"),
    Output(Ids.RULE_ENABLED, "value"),
    Output(Ids.RULE_ERROR, "children"),
    Output(Ids.RULE_ERROR, "is_open"),
    Output(Ids.RULE_DONE, "data"),
    Input({"type": Ids.RULE_EDIT, "id": ALL}, "n_clicks"),
    Input(Ids.RULE_CANCEL, "n_clicks"),
    Input(Ids.RULE_SAVE, "n_clicks"),
    State(Ids.RULE_TARGET, "data"),
    State(Ids.RULE_THRESHOLD, "value"),
    State(Ids.RULE_SEVERITY, "value"),
    State(Ids.RULE_ESCALATE, "value"),
    State(Ids.RULE_ENABLED, "value"),
    prevent_initial_call=True,
)
def edit_rule(
    clicks: list[int | None],
    _cancel: int | None,
    _save: int | None,
    target: int | None,
    threshold: float | None,
    severity: str | None,
    escalate_min: float | None,
    enabled: bool | None,
) -> tuple:
    lang = current_lang()
    trigger = ctx.triggered_id
    if isinstance(trigger, dict) and not any(clicks):
        raise PreventUpdate
    keep = (no_update,) * 5
    if trigger == Ids.RULE_SAVE:
        target = clean_key(target)
        if target is None:
            raise PreventUpdate
        changes: dict[str, object] = {
            "severity": severity,
            "enabled": bool(enabled),
            "escalate_after_s": None
            if escalate_min is None
            else float(escalate_min) * 60,
            "threshold": threshold,
        }
        try:
            alert_usecases.update_rule(get_engine(), caller(), target, changes)
        except UseCaseError as exc:
            if exc.reason == FORBIDDEN:
                raise Forbidden(exc.action) from exc
            if exc.reason == NOT_FOUND:
                raise PreventUpdate from exc
            return True, target, *keep, t(exc.key, lang), True, no_update
        return False, None, *keep, "", False, {"id": target, "at": now_ms()}
    require(policy.ALERTS_RULES)
    if trigger == Ids.RULE_CANCEL:
        return False, None, *keep, "", False, no_update
    if not isinstance(trigger, dict) or not any(clicks):
        raise PreventUpdate
    rules = alerting.rules(get_engine()).set_index("id")
    rid = clean_key(trigger.get("id"))
    if rid is None or rid not in rules.index:
        raise PreventUpdate
    r = rules.loc[rid]
    own = pd.isna(r["threshold"])
    return (
        True,
        rid,
        None if own else float(r["threshold"]),
        bool(own),
        r["severity"],
        round(int(r["escalate_after_s"]) / 60, 1),
        bool(r["enabled"]),
        "",
        False,
        no_update,
    )


@callback(
    Output(Ids.URL, "search"),
    Input(Ids.STATE, "value"),
    Input(Ids.SEVERITY, "value"),
    Input(Ids.DOMAIN, "value"),
    Input(Ids.DISTRICT, "value"),
    State(Ids.URL, "search"),
    prevent_initial_call=True,
)
def remember_filters(
    state: str | None,
    severity: str | None,
    domain: str | None,
    district: str | None,
    current: str | None,
) -> str:
    values = (state, severity, domain, district)
    search = url_search(dict(zip(FILTERS, values, strict=True)))
    return no_update if search == (current or "") else search


@callback(
    Output(Ids.EXPORT_CSV, "href"),
    Output(Ids.EXPORT_XLSX, "href"),
    Input(Ids.STATE, "value"),
    Input(Ids.SEVERITY, "value"),
    Input(Ids.DOMAIN, "value"),
    Input(Ids.DISTRICT, "value"),
    prevent_initial_call=True,
)
def export_hrefs(*values: str | None) -> tuple:
    """The download links follow the filters (the route checks them again)."""
    lang = current_lang()
    f, _bad = clean_filters(dict(zip(FILTERS, values, strict=True)), lang)
    return tuple(export_href("alerts", fmt, f, lang) for fmt in EXPORT_FORMATS)
