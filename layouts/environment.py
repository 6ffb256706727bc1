"""Môi trường thông minh: air stations on the map by hourly VN_AQI, a station's six
pollutants and AQI card, river gauges against their alarm levels, noise against QCVN
26:2010/BTNMT and the weather stations' current values. The area and the time range
live in the URL: /moi-truong?district=tu-son&range=7d opens the same view."""

from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

import catalogue
from i18n import t
from layouts._filters import clean_filters, filter_options
from layouts._shell import current_lang

dash.register_page(__name__, **catalogue.page("environment").register_kwargs())

RANGES = ("24h", "7d", "30d")
DEFAULT_RANGE = "24h"
# 5 s so that a station with a new critical alert turns red within the duty
# officer's 5-second expectation; a tick is a Patch of data only.
TICK_MS = 5_000
GRAPH_CONFIG = {"displayModeBar": False, "responsive": True}


class Ids:
    URL = "env-url"
    INTERVAL = "env-interval"
    DISTRICT = "env-district"
    RANGE = "env-range"
    STATION = "env-station"
    GAUGE = "env-gauge"
    FILTER_ERROR = "env-filter-error"
    MAP = "env-map"
    AQI = "env-aqi"
    POLLUTANTS = "env-pollutants"
    WATER = "env-water"
    NOISE = "env-noise"
    WEATHER = "env-weather"
    AS_OF = "env-as-of"
    SENT = "env-sent"  # what the figures hold, so that a tick sends only what changed


def clean_query(query: dict, lang: str) -> tuple[dict[str, str | None], list[str]]:
    """Valid ``district`` and ``range`` from a query string, and the invalid ones named
    (an invalid range falls back to 24 h, an invalid district to the whole province)."""
    values, bad = clean_filters({"district": query.get("district")}, lang)
    rng = query.get("range")
    if rng in (None, ""):
        rng = DEFAULT_RANGE
    elif rng not in RANGES:
        bad.append(f"range={str(rng)[:40]}")
        rng = DEFAULT_RANGE
    return {"district": values["district"], "range": rng}, bad


def range_options(lang: str) -> list[dict]:
    return [{"label": t(f"env.range_{r}", lang), "value": r} for r in RANGES]


def _card(title: list | str, body: object, extra: object = None) -> dbc.Card:
    header = html.Div(
        [html.Span(title, className="me-auto text-truncate"), extra],
        className="d-flex align-items-center gap-2",
    )
    return dbc.Card(
        [dbc.CardHeader(header, className="py-1"), dbc.CardBody(body, className="p-1")],
        className="h-100",
    )


def _graph(id_: str, cls: str) -> html.Div:
    return html.Div(
        dcc.Graph(
            id=id_, config=GRAPH_CONFIG, responsive=True, style={"height": "100%"}
        ),
        className=cls,
    )


def layout(**query: object) -> html.Div:
    lang = current_lang()
    values, bad = clean_query(query, lang)
    options = filter_options(lang)
    return html.Div(
        [
            dcc.Location(id=Ids.URL, refresh="callback-nav"),
            dcc.Interval(id=Ids.INTERVAL, interval=TICK_MS),
            dcc.Store(id=Ids.SENT),
            dbc.Row(
                [
                    dbc.Col(
                        html.H1(
                            t("nav.environment", lang), className="h4 mb-0 text-nowrap"
                        ),
                        xs=12,
                        lg="auto",
                        className="d-flex align-items-center",
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.DISTRICT,
                            options=options["district"],
                            value=values["district"],
                            placeholder=t("filter.district", lang),
                            className="ioc-filter",
                        ),
                        xs=12,
                        md=4,
                        lg=True,
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.RANGE,
                            options=range_options(lang),
                            value=values["range"],
                            clearable=False,
                            searchable=False,
                            className="ioc-filter",
                        ),
                        xs=12,
                        md=3,
                        lg=2,
                    ),
                    dbc.Col(
                        dcc.Dropdown(
                            id=Ids.STATION,
                            placeholder=t("env.station", lang),
                            clearable=False,
                            className="ioc-filter",
                        ),
                        xs=12,
                        md=5,
                        lg=True,
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Alert(
                t("filter.invalid", lang, values=", ".join(bad)),
                color="warning",
                id=Ids.FILTER_ERROR,
                is_open=bool(bad),
                dismissable=True,
                className="py-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _card(t("env.map", lang), _graph(Ids.MAP, "ioc-env-tall")),
                        lg=4,
                    ),
                    dbc.Col(
                        _card(
                            t("env.aqi_card", lang),
                            html.Div(id=Ids.AQI, className="ioc-env-tall p-2"),
                        ),
                        lg=3,
                    ),
                    dbc.Col(
                        _card(
                            t("env.pollutants", lang),
                            _graph(Ids.POLLUTANTS, "ioc-env-tall"),
                        ),
                        lg=5,
                    ),
                ],
                className="g-2 mb-2",
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _card(
                            t("env.river", lang),
                            _graph(Ids.WATER, "ioc-env-short"),
                            html.Div(
                                dcc.Dropdown(
                                    id=Ids.GAUGE,
                                    placeholder=t("env.gauge", lang),
                                    clearable=False,
                                    className="ioc-filter ioc-env-gauge",
                                ),
                                className="ioc-env-gauge-box",
                            ),
                        ),
                        lg=4,
                    ),
                    dbc.Col(
                        _card(t("env.noise", lang), _graph(Ids.NOISE, "ioc-env-short")),
                        lg=4,
                    ),
                    dbc.Col(
                        _card(
                            t("env.weather", lang),
                            html.Div(id=Ids.WEATHER, className="ioc-env-short px-2"),
                        ),
                        lg=4,
                    ),
                ],
                className="g-2 mb-1",
            ),
            html.Small(id=Ids.AS_OF, className="text-body-secondary"),
        ],
        className="ioc-env",
    )
