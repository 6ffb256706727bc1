"""Exporting a data table (sensors, alerts, press) as CSV or Excel: the rows its page
shows under the same filters, within the caller's scope, checked, written and audited
here for the pages' download links and the API alike."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

import province
from i18n import T, metric_label, t, unit_label
from reports.tables import FORMATS, MAX_ROWS, Column, Table, render
from security import policy
from store import alerting, live, queries
from store.accounts import Principal
from usecases import FORBIDDEN, INVALID, Caller, UseCaseError, authorise, record

ACTION = "reports.export"
STATES = ("ok", "warning", "alarm", "stale", "offline", "never")
ALERT_STATES = ("open", "acknowledged", "resolved")
SEVERITIES = ("critical", "warning", "info")


def _choices(profile: province.Profile) -> dict[str, dict[str, set[str]]]:
    """Each table's filters and the values they accept (the pages' own)."""
    districts = {a.code for a in profile.areas_at(profile.filter_level)}
    return {
        "sensors": {
            "kind": set(profile.kinds),
            "district": districts,
            "state": set(STATES),
        },
        "alerts": {
            "state": set(ALERT_STATES),
            "severity": set(SEVERITIES),
            "domain": set(policy.DOMAINS),
            "district": districts,
        },
        "press": {},
    }


def _name(row: dict, lang: str, vi: str = "name", en: str = "name_en") -> str:
    return (row.get(en) if lang == "en" else None) or row.get(vi) or ""


def _sensors(engine: Engine, who: Principal, f: dict, lang: str) -> Table:
    profile = province.current()
    panel, latest = live.panel(
        engine,
        kind=f.get("kind"),
        region=f.get("district"),
        areas=policy.visible_areas(who),
    )
    kinds = policy.readable_kinds(who)
    if kinds is not None:
        panel = panel[panel["kind"].isin(kinds)]
    if f.get("state"):
        panel = panel[panel["state"] == f["state"]]
    areas = {
        a.code: (a.name if lang == "vi" else a.name_en) for a in profile.areas.values()
    }
    units = {k: spec.get("units", {}) for k, spec in profile.kinds.items()}
    values: dict[str, list[tuple]] = {}
    for r in latest.itertuples(index=False):
        values.setdefault(r.sensor_id, []).append((r.metric, r.value, r.ts))
    rows = []
    for s in panel.to_dict("records"):
        for metric, value, ts in values.get(s["id"], [(None, None, None)]):
            unit = units.get(s["kind"], {}).get(metric, "") if metric else ""
            rows.append(
                [
                    s["id"],
                    _name(s, lang),
                    t(f"kind.{s['kind']}", lang)
                    if f"kind.{s['kind']}" in T
                    else s["kind"],
                    areas.get(s["area"], s["area"]),
                    t(f"state.{s['state']}", lang),
                    metric_label(metric, lang) if metric else None,
                    value,
                    unit_label(unit, lang) if unit else None,
                    ts,
                ]
            )
    cols = (
        Column(t("export.col.id", lang)),
        Column(t("export.col.name", lang)),
        Column(t("export.col.kind", lang)),
        Column(t("export.col.area", lang)),
        Column(t("export.col.state", lang)),
        Column(t("export.col.metric", lang)),
        Column(t("export.col.value", lang), "number"),
        Column(t("export.col.unit", lang)),
        Column(t("export.col.time", lang), "time"),
    )
    return Table("sensors", cols, rows)


def _alerts(engine: Engine, who: Principal, f: dict, lang: str) -> Table:
    df = alerting.alerts(
        engine,
        state=f.get("state"),
        severity=f.get("severity"),
        domain=f.get("domain"),
        region=f.get("district"),
        limit=MAX_ROWS,
        domains=policy.visible_domains(who),
        areas=policy.visible_areas(who),
    )
    rows = [
        [
            int(a["id"]),
            t(f"alerts.sev.{a['severity']}", lang),
            t(f"alerts.state.{a['state']}", lang),
            _name(a, lang, "subject_name", "subject_name_en") or a["subject_id"],
            t(f"nav.{a['domain']}", lang) if a["domain"] else None,
            metric_label(a["metric"], lang) if a["metric"] else None,
            a["value"],
            a["limit"],
            a["peak"],
            a["raised_ms"],
            a["acked_by"] or None,
            a["acked_ms"],
            a["resolved_ms"],
        ]
        for a in df.to_dict("records")
    ]
    cols = (
        Column(t("export.col.id", lang), "number"),
        Column(t("export.col.severity", lang)),
        Column(t("export.col.state", lang)),
        Column(t("export.col.subject", lang)),
        Column(t("export.col.domain", lang)),
        Column(t("export.col.metric", lang)),
        Column(t("export.col.value", lang), "number"),
        Column(t("export.col.limit", lang), "number"),
        Column(t("export.col.peak", lang), "number"),
        Column(t("export.col.raised", lang), "time"),
        Column(t("export.col.acked_by", lang)),
        Column(t("export.col.acked", lang), "time"),
        Column(t("export.col.resolved", lang), "time"),
    )
    return Table("alerts", cols, rows)


def _press(engine: Engine, _who: Principal, _f: dict, lang: str) -> Table:
    df = queries.press_items(engine, limit=1000)
    rows = [
        [p["published_ms"], p["title"], p["source"], p["category"], p["link"]]
        for p in df.to_dict("records")
    ]
    cols = (
        Column(t("export.col.published", lang), "time"),
        Column(t("export.col.title", lang)),
        Column(t("export.col.source", lang)),
        Column(t("export.col.category", lang)),
        Column(t("export.col.link", lang)),
    )
    return Table("press", cols, rows)


@dataclass(frozen=True)
class Export:
    page: str  # the page whose rule the table follows
    build: Callable[[Engine, Principal, dict, str], Table]


TABLES: dict[str, Export] = {
    "sensors": Export("/cam-bien", _sensors),
    "alerts": Export("/canh-bao", _alerts),
    "press": Export("/bao-chi", _press),
}


def clean(table: str, query: dict[str, object]) -> dict[str, str]:
    """The table's filters from a query, each checked against the page's choices;
    an unknown value is an INVALID error naming it (never silently widened)."""
    allowed = _choices(province.current())[table]
    out: dict[str, str] = {}
    for key, values in allowed.items():
        value = query.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str) or value not in values:
            raise UseCaseError(INVALID, "export.err.filter", f"{key}={str(value)[:40]}")
        out[key] = value
    return out


def export(
    engine: Engine,
    caller: Caller,
    table: str,
    fmt: str,
    query: dict[str, object],
    lang: str,
) -> tuple[str, bytes, str]:
    """(file name, content, media type) of ``table`` under ``query``'s filters: the
    rows its page shows the caller. Refused (audited) without reports.export or
    without the page's rule."""
    if table not in TABLES or fmt not in FORMATS:
        raise UseCaseError(INVALID, "export.err.table")
    who = authorise(engine, caller, ACTION)
    spec = TABLES[table]
    if not policy.can_view(who, spec.page):
        record(
            engine, caller, policy.ACCESS_DENIED, ACTION, {"table": table}, "refused"
        )
        raise UseCaseError(FORBIDDEN, "common.forbidden", ACTION)
    filters = clean(table, query)
    data = spec.build(engine, who, filters, lang)
    record(
        engine,
        caller,
        ACTION,
        table,
        {"format": fmt, "filters": filters, "rows": min(len(data.rows), MAX_ROWS)},
    )
    return f"ioc-{table}.{fmt}", render(data, fmt), FORMATS[fmt]
