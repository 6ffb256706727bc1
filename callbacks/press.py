"""Press page: the newest monitored items, as text (feeds are untrusted input)."""

from __future__ import annotations

import logging

from dash import Input, Output, callback, html
from sqlalchemy.exc import SQLAlchemyError

from i18n import fmt_datetime, t
from layouts._shell import current_lang
from layouts.press import Ids
from store import frames, queries
from store.runtime import get_engine

log = logging.getLogger(__name__)


@callback(Output(Ids.LIST, "children"), Input(Ids.INTERVAL, "n_intervals"))
def refresh(_n: int | None) -> html.Div:
    lang = current_lang()
    try:
        items = queries.press_items(get_engine(), limit=100)
    except SQLAlchemyError as exc:
        log.warning("press page could not read the store: %s", exc)
        return html.P(t("common.store_down", lang, error=type(exc).__name__))
    if items.empty:
        return html.P(t("common.no_data", lang), className="mb-0")
    return html.Ul(
        [
            html.Li(
                [
                    html.A(
                        i.title, href=i.link, target="_blank", rel="noopener noreferrer"
                    )
                    if i.link.startswith(("http://", "https://"))
                    else html.Span(i.title),
                    html.Div(
                        f"{i.source} · {i.category} · "
                        f"{fmt_datetime(i.published_ms, lang)}",
                        className="small text-body-secondary",
                    ),
                    html.Div(i.summary, className="small"),
                ],
                className="mb-3",
            )
            for i in frames.rows(items)
        ],
        className="list-unstyled mb-0",
    )
