"""Nguồn dữ liệu: health of the MQTT ingest and every poller, and rejected messages."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
from i18n import t
from layouts._shell import current_lang

dash.register_page(__name__, **catalogue.page("sources").register_kwargs())


class Ids:
    INTERVAL = "sources-interval"
    HEALTH = "sources-health"
    DEAD = "sources-dead"


def layout(**_kwargs: object) -> html.Div:
    lang = current_lang()
    return html.Div(
        [
            dcc.Interval(id=Ids.INTERVAL, interval=3000),
            dbc.Card(
                [
                    dbc.CardHeader(t("sources.health", lang)),
                    dbc.CardBody(html.Div(id=Ids.HEALTH), className="p-0"),
                ],
                className="mb-3",
            ),
            dbc.Card(
                [
                    dbc.CardHeader(t("sources.dead", lang)),
                    dbc.CardBody(html.Div(id=Ids.DEAD), className="p-0 ioc-scroll"),
                ]
            ),
        ]
    )
