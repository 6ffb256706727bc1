"""Data sources page: health of every source and the newest dead letters."""

from __future__ import annotations

import logging

from dash import Input, Output, callback, html
from sqlalchemy.exc import SQLAlchemyError

from components.tables import state_badge, table
from i18n import fmt_datetime, fmt_number, t
from layouts._shell import current_lang
from layouts.data_sources import Ids
from store import queries
from store.runtime import get_engine

log = logging.getLogger(__name__)


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
    except SQLAlchemyError as exc:
        log.warning("data sources page could not read the store: %s", exc)
        msg = html.P(
            t("common.store_down", lang, error=type(exc).__name__), className="p-3"
        )
        return msg, html.Div()
    health_rows = [
        [
            h.source,
            h.kind,
            state_badge(h.status, t(f"state.{h.status}", lang)),
            fmt_datetime(h.last_ok_ms, lang, seconds=True),
            " ".join(
                [fmt_datetime(h.last_error_ms, lang, seconds=True), h.error_text or ""]
            ).strip(),
            f"{fmt_number(h.ok_count, lang, 0)} / {fmt_number(h.error_count, lang, 0)}",
        ]
        for h in health.itertuples()
    ]
    dead_rows = [
        [
            fmt_datetime(int(d.ts), lang, seconds=True),
            d.source,
            d.reason,
            d.payload[:200],
        ]
        for d in dead.itertuples()
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
    return health_table, dead_table
