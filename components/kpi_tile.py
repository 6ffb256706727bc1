"""A KPI tile of the overview: domain, headline value, target, trend and status colour.
The whole tile is a link to its domain's page (one tap)."""

from __future__ import annotations

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html


class TileIds:
    TILE = "overview-kpi-tile"
    VALUE = "overview-kpi-value"
    TARGET = "overview-kpi-target"
    SPARK = "overview-kpi-spark"


def kpi_tile(
    domain: str,
    href: str,
    title: str,
    icon: str,
    label: str,
    value: str,
    target: str,
    status: str,
    status_text: str,
    figure: go.Figure | None,
) -> dcc.Link:
    # Always a Graph (empty until the first callback), so the callback finds its id.
    graph = dcc.Graph(
        id={"type": TileIds.SPARK, "domain": domain},
        figure=figure if figure is not None else {"layout": {"height": 40}},
        config={"displayModeBar": False, "staticPlot": True},
        className="ioc-spark",
    )
    return dcc.Link(
        dbc.Card(
            dbc.CardBody(
                [
                    html.Div(
                        [html.I(className=f"bi {icon} me-2"), title],
                        className="ioc-tile-title",
                    ),
                    html.Div(label, className="ioc-tile-label"),
                    html.Div(
                        value,
                        id={"type": TileIds.VALUE, "domain": domain},
                        className="ioc-tile-value",
                    ),
                    html.Div(
                        f"{target} · {status_text}" if target else status_text,
                        id={"type": TileIds.TARGET, "domain": domain},
                        className="ioc-tile-target",
                    ),
                    graph,
                ]
            ),
            id={"type": TileIds.TILE, "domain": domain},
            className=f"ioc-tile ioc-status-{status} h-100",
        ),
        href=href,
        className="ioc-tile-link",
    )
