"""Báo chí & mạng xã hội: newest items from the monitored RSS feeds."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
from components.export_links import export_links
from i18n import t
from layouts._shell import current_lang

dash.register_page(__name__, **catalogue.page("press").register_kwargs())


class Ids:
    INTERVAL = "press-interval"
    LIST = "press-list"
    EXPORT_CSV = "press-export-csv"
    EXPORT_XLSX = "press-export-xlsx"


def layout(**_kwargs: object) -> html.Div:
    lang = current_lang()
    return html.Div(
        [
            dcc.Interval(id=Ids.INTERVAL, interval=15_000),
            html.Div(
                [
                    html.H1(t("nav.press", lang), className="h3 mb-0 me-3"),
                    export_links(
                        {"csv": Ids.EXPORT_CSV, "xlsx": Ids.EXPORT_XLSX},
                        "press",
                        {},
                        lang,
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-2 mb-3",
            ),
            dbc.Card(dbc.CardBody(html.Div(id=Ids.LIST))),
        ]
    )
