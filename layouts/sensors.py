"""Cảm biến: every sensor live, with its newest values, the age of its reading, the last
hour's trend and its state (ok / warning / alarm from its own thresholds, stale /
offline / never from its freshness). Filters (kind, area at the profile's filter level,
state) live in the URL, so a link such as /cam-bien?kind=air&district=tu-son opens the
same view. The grid loads in full when the filters change; every second it refreshes
only the rows on screen, with a transaction carrying the rows that changed. A click on
a row opens the sensor's drawer with its thresholds and 24 h charts;
/cam-bien?sensor=<id> opens that drawer (the filters stay in the URL beside it)."""

from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
from components.export_links import export_links
from components.sensor_grid import column_defs, grid_options
from i18n import t
from layouts._filters import clean_filters, clean_id, filter_dropdown, filter_options
from layouts._shell import current_lang

dash.register_page(__name__, **catalogue.page("sensors").register_kwargs())

TICK_MS = 1000


class Ids:
    INTERVAL = "sensors-interval"
    EXPORT_CSV = "sensors-export-csv"
    EXPORT_XLSX = "sensors-export-xlsx"
    TABLE = "sensors-table"
    KIND = "sensors-kind"
    DISTRICT = "sensors-district"
    STATE = "sensors-state"
    URL = "sensors-url"
    FILTER_ERROR = "sensors-filter-error"
    VISIBLE = "sensors-visible"  # the rows on screen: {id: [ver, state]}
    CLOCK = "sensors-clock"  # the server's time at the last tick (epoch ms)
    SKEW = "sensors-skew"  # the browser clock's offset from the server's (ms)
    # The sensor whose drawer is open (?sensor=<id> opens it): in the URL beside the
    # filters, so a link from an alert or the map opens it.
    SELECTED = "sensors-selected"
    DRAWER = "sensors-drawer"
    DRAWER_BODY = "sensors-drawer-body"


def layout(**query: object) -> html.Div:
    lang = current_lang()
    options = filter_options(lang)
    values, bad = clean_filters(query, lang)

    def dropdown(key: str, id_: str) -> dbc.Col:
        return filter_dropdown(
            id_, options[key], values[key], t(f"filter.{key}", lang), xs=12, md=4
        )

    return html.Div(
        [
            dcc.Location(id=Ids.URL, refresh="callback-nav"),
            dcc.Interval(id=Ids.INTERVAL, interval=TICK_MS),
            dcc.Store(id=Ids.VISIBLE),
            dcc.Store(id=Ids.CLOCK),
            dcc.Store(id=Ids.SKEW),
            dcc.Store(id=Ids.SELECTED, data=clean_id(query.get("sensor"))),
            html.Div(
                [
                    html.H1(t("nav.sensors", lang), className="h3 mb-0 me-3"),
                    export_links(
                        {"csv": Ids.EXPORT_CSV, "xlsx": Ids.EXPORT_XLSX},
                        "sensors",
                        values,
                        lang,
                    ),
                ],
                className="d-flex flex-wrap align-items-center gap-2 mb-2",
            ),
            dbc.Row(
                [
                    dropdown("kind", Ids.KIND),
                    dropdown("district", Ids.DISTRICT),
                    dropdown("state", Ids.STATE),
                ],
                className="g-2 mb-2",
            ),
            dbc.Alert(
                t("filter.invalid", lang, values=", ".join(bad)),
                color="warning",
                id=Ids.FILTER_ERROR,
                is_open=bool(bad),
                dismissable=True,
            ),
            dag.AgGrid(
                id=Ids.TABLE,
                columnDefs=column_defs(lang),
                getRowId="params.data.id",
                defaultColDef={
                    "sortable": True,
                    "resizable": True,
                    "suppressHeaderMenuButton": True,
                    "suppressMovable": True,
                    "wrapHeaderText": True,
                    "autoHeaderHeight": True,
                },
                dashGridOptions=grid_options(lang),
                className="ioc-grid",
                style={"height": "max(320px, calc(100vh - 190px))", "width": "100%"},
            ),
            dbc.Offcanvas(
                html.Div(id=Ids.DRAWER_BODY),
                id=Ids.DRAWER,
                placement="end",
                is_open=False,
                scrollable=True,
                className="ioc-drawer",
            ),
        ]
    )
