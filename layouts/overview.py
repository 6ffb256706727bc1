"""Tổng quan: the province on one screen for its leaders: a tile per smart domain with
its headline KPI, target, 7-day trend and status; readings over threshold; the map."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
from components.kpi_tile import TileIds, kpi_tile
from i18n import t
from layouts._shell import current_lang

dash.register_page(__name__, **catalogue.page("overview").register_kwargs())

TICK_MS = 5_000


class Ids(TileIds):
    INTERVAL = "overview-interval"
    ALERTS = "overview-alerts"
    SYSTEM = "overview-system"
    AS_OF = "overview-as-of"
    MAP = "overview-map"
    POINT = "overview-map-point"  # what a tap on a map point shows
    POINT_CLOSE = "overview-map-point-close"
    POINT_BOX = "overview-map-point-box"
    PRESS = "overview-press"


def layout(**_kwargs: object) -> html.Div:
    lang = current_lang()
    tiles = [
        dbc.Col(
            kpi_tile(
                p.domain,
                p.path,
                t(p.title_key, lang),
                p.icon,
                t(f"kpi.{p.domain}", lang),
                "–",
                "",
                "nodata",
                t("status.nodata", lang),
                None,
            ),
            xs=6,
            md=4,
            xxl=2,
        )
        for p in catalogue.domain_pages()
    ]
    return html.Div(
        [
            dcc.Interval(id=Ids.INTERVAL, interval=TICK_MS),
            dbc.Row(tiles, className="g-2 mb-2"),
            dbc.Row(
                [
                    dbc.Col(html.Div(id=Ids.ALERTS, className="ioc-strip"), lg=7),
                    dbc.Col(
                        html.Div(
                            [
                                html.Span(id=Ids.SYSTEM),
                                html.Span("\u00a0·\u00a0"),
                                html.Span(id=Ids.AS_OF),
                            ],
                            className="ioc-strip small",
                        ),
                        lg=5,
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    t("overview.map", lang), className="py-1"
                                ),
                                dbc.CardBody(
                                    html.Div(
                                        [
                                            dcc.Graph(
                                                id=Ids.MAP,
                                                config={
                                                    "displayModeBar": False,
                                                    "scrollZoom": True,
                                                },
                                                responsive=True,
                                                style={"height": "100%"},
                                            ),
                                            _point_panel(lang),
                                        ],
                                        className="ioc-map",
                                    ),
                                    className="p-1",
                                ),
                            ]
                        ),
                        # Side by side from an iPad in portrait (820 px) up, so the
                        # page fits its screen without scrolling there too.
                        md=7,
                        lg=8,
                    ),
                    dbc.Col(
                        dbc.Card(
                            [
                                dbc.CardHeader(
                                    t("overview.press", lang), className="py-1"
                                ),
                                dbc.CardBody(
                                    html.Div(id=Ids.PRESS), className="ioc-press"
                                ),
                            ]
                        ),
                        md=5,
                        lg=4,
                    ),
                ],
                className="g-2",
            ),
        ]
    )


def _point_panel(lang: str) -> html.Div:
    """Where a tap on a map point shows its values, time and link (hidden until)."""
    return html.Div(
        [
            html.Button(
                html.I(className="bi bi-x-lg"),
                id=Ids.POINT_CLOSE,
                className="btn btn-link ioc-touch ioc-map-point-close",
                title=t("overview.point.close", lang),
            ),
            html.Div(id=Ids.POINT),
        ],
        className="ioc-map-point d-none",
        id=Ids.POINT_BOX,
    )
