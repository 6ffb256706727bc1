"""A KPI tile of the overview: domain, headline value, target, trend and status colour.
The whole tile is a link to its domain's page (one tap). Its texts come from the KPI
alone (store.kpis.Kpi: unit, decimals, period, target, direction, status), so a tile
of a new domain is a provider, not an edit here."""

from __future__ import annotations

from typing import TYPE_CHECKING

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from i18n import fmt_number, t, unit_label

if TYPE_CHECKING:
    from store.kpis import Kpi


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


def _with_unit(number: str, unit: str) -> str:
    return f"{number} {unit}" if unit else number


def tile_texts(
    kpi: Kpi | None, lang: str, previous: str | None = None
) -> tuple[str, str, str]:
    """(value, target line, status) of a tile; None: the domain has no source yet.
    ``previous``: the status the tile shows, which a value just back inside its
    limit keeps (store.kpis.steady_status)."""
    if kpi is None:
        return "–", t("kpi.not_connected", lang), "nodata"
    unit = unit_label(kpi.unit, lang)
    # A whole target is written whole (≤ 50), another with the value's decimals.
    digits = 0 if float(kpi.target).is_integer() else kpi.decimals
    target = t(
        f"kpi.target_{kpi.better}",
        lang,
        target=_with_unit(fmt_number(kpi.target, lang, digits), unit),
    )
    if kpi.value is None:
        return "–", f"{target} · {t('kpi.no_fresh', lang)}", "nodata"
    from store.kpis import steady_status

    status = steady_status(kpi.value, kpi.target, kpi.better, previous)
    value = _with_unit(fmt_number(kpi.value, lang, kpi.decimals), unit)
    return value, f"{target} · {t(f'status.{status}', lang)}", status


def shown_status(class_name: object) -> str | None:
    """The status a tile shows, from its class name ('... ioc-status-warn ...')."""
    if not isinstance(class_name, str):
        return None
    for part in class_name.split():
        if part.startswith("ioc-status-"):
            return part.removeprefix("ioc-status-")
    return None


def period_text(kpi: Kpi | None, lang: str) -> str:
    """What the value covers (the value's hover text); empty without a KPI."""
    return "" if kpi is None else t(f"kpi.period_{kpi.period}", lang)
