"""Data sources page: health of every source and the newest dead letters."""

from __future__ import annotations

import logging

from dash import Input, Output, callback, html
from sqlalchemy.exc import SQLAlchemyError

from components.tables import state_badge, table
from i18n import fmt_datetime, fmt_number, t
from layouts._shell import current_lang
from layouts.data_sources import Ids
from store import frames, queries
from store.runtime import get_engine
from store.writes import now_ms

log = logging.getLogger(__name__)
DAY_MS = 86_400_000


@callback(
    Output(Ids.HEALTH, "children"),
    Output(Ids.DEAD, "children"),
    Input(Ids.INTERVAL, "n_intervals"),
)
def refresh(_n: int | None):  # noqa: ANN201 - Dash outputs
    lang = current_lang()
    engine = get_engine()
    try:
        health = queries.source_health(engine)
        dead = queries.dead_letters(engine, limit=50)
        rejected = queries.rejected_since(engine, now_ms() - DAY_MS)
    except SQLAlchemyError as exc:
        log.warning("data sources page could not read the store: %s", exc)
        msg = html.P(
            t("common.store_down", lang, error=type(exc).__name__), className="p-3"
        )
        return msg, html.Div()
    # The worst first: a hung or failing source is the line a duty officer needs.
    order = {"hung": 0, "error": 1}
    ranked = sorted(
        frames.rows(health), key=lambda h: (order.get(h.status, 2), h.source)
    )
    health_rows = [
        [
            html.Span(h.source, className="ioc-wrap"),
            h.kind,
            state_badge(h.status, t(f"state.{h.status}", lang)),
            fmt_datetime(h.last_ok_ms, lang, seconds=True),
            html.Span(_last_error(h, lang), className="ioc-wrap"),
            f"{fmt_number(h.ok_count, lang, 0)} / {fmt_number(h.error_count, lang, 0)}",
        ]
        for h in ranked
    ]
    dead_rows = [
        [
            fmt_datetime(d.ts, lang, seconds=True),
            d.source,
            d.reason,
            (d.payload or "")[:200],
        ]
        for d in frames.rows(dead)
    ]
    health_table = (
        table(
            [
                t("col.source", lang),
                t("col.kind", lang),
                t("col.state", lang),
                t("col.last_ok", lang),
                t("col.last_error", lang),
                t("col.counts", lang),
            ],
            health_rows,
        )
        if health_rows
        else html.P(t("common.no_data", lang), className="p-3 mb-0")
    )
    summary = html.P(
        t(
            "sources.rejected_24h",
            lang,
            total=fmt_number(rejected["kept"] + rejected["dropped"], lang, 0),
            kept=fmt_number(rejected["kept"], lang, 0),
            dropped=fmt_number(rejected["dropped"], lang, 0),
        ),
        className="px-3 pt-2 mb-2 small text-body-secondary",
    )
    dead_table = (
        table(
            [
                t("col.time", lang),
                t("col.source", lang),
                t("col.reason", lang),
                t("col.payload", lang),
            ],
            dead_rows,
        )
        if dead_rows
        else html.P(t("common.no_data", lang), className="p-3 mb-0")
    )
    return health_table, html.Div([summary, dead_table])


def _last_error(h: object, lang: str) -> str:
    """When and what went wrong last; for a run past its deadline, since when it
    runs (store.writes.record_hung keeps that in the row's detail)."""
    detail = h.detail if isinstance(h.detail, dict) else {}
    if h.status == "hung" and detail.get("running_since_ms"):
        return t(
            "sources.running_since",
            lang,
            time=fmt_datetime(detail["running_since_ms"], lang, seconds=True),
            deadline=fmt_number(detail.get("deadline_s"), lang, 0),
        )
    when = fmt_datetime(h.last_error_ms, lang, seconds=True)
    return " ".join([when, h.error_text or ""]).strip() if h.last_error_ms else "–"
