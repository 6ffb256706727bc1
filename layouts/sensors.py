"""Cảm biến: every sensor with its freshness and newest values, filtered by kind, area
(the profile's filter level: the former districts) and state. Filters live in the URL,
so a
link such as /cam-bien?kind=air&district=tu-son opens the same view."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from i18n import t
from layouts._filters import clean_filters, filter_options
from layouts._shell import current_lang

dash.register_page(
    __name__,
    path="/cam-bien",
    name="nav.sensors",
    order=21,
    group="watch",
    icon="bi-broadcast",
)


class Ids:
    INTERVAL = "sensors-interval"
    TABLE = "sensors-table"
    KIND = "sensors-kind"
    DISTRICT = "sensors-district"
    STATE = "sensors-state"
    URL = "sensors-url"
    FILTER_ERROR = "sensors-filter-error"


def layout(**query: object) -> html.Div:
    lang = current_lang()
    options = filter_options(lang)
    values, bad = clean_filters(query, lang)

    def dropdown(key: str, id_: str) -> dbc.Col:
        return dbc.Col(
            dcc.Dropdown(
                id=id_,
                options=options[key],
                value=values[key],
                placeholder=t(f"filter.{key}", lang),
                className="ioc-filter",
            ),
            xs=12,
            md=4,
        )

    return html.Div(
        [
            dcc.Location(id=Ids.URL, refresh="callback-nav"),
            dcc.Interval(id=Ids.INTERVAL, interval=3000),
            html.H1(t("nav.sensors", lang), className="h3 mb-2"),
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
            dbc.Card(dbc.CardBody(html.Div(id=Ids.TABLE), className="p-0 ioc-scroll")),
        ]
    )
