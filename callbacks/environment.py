"""Environment page: the pick lists follow the area, the figures follow the filters, a
tick every 5 s patches the figures' data (no rebuild: only the points that changed,
figures.live_chart) and refreshes the cards, and the URL keeps the area and the time
range."""

from __future__ import annotations

import logging
import zlib
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from dash import Input, Output, Patch, State, callback, ctx, html, no_update
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

import config
import province
from figures import environment as fig
from figures.live_chart import LiveChart, Trace
from i18n import fmt_datetime, fmt_number, metric_label, t, unit_label
from layouts._filters import clean_id, url_search
from layouts._shell import current_lang
from layouts.environment import DEFAULT_RANGE, Ids, clean_query
from store import air, alerting, queries
from store.aqi import CATEGORIES, POLLUTANTS
from store.metrics import METRICS
from store.runtime import get_engine
from store.writes import now_ms

log = logging.getLogger(__name__)
DAY_MS = 86_400_000
RANGE_MS = {"24h": DAY_MS, "7d": 7 * DAY_MS, "30d": 30 * DAY_MS}
# Bucket sizes: 96, 168 and 240 points, read from the minute and hour rollups.
RANGE_STEP_S = {"24h": 900, "7d": 3600, "30d": 10_800}
WEATHER = ("temperature", "humidity", "rainfall", "wind_speed", "pressure")
LEGEND_MAX = 3  # noise meters named in a legend; more are named on hover only
NOISE_METRIC = "laeq"
WATER_METRIC = "water_level"
NOISE_STEP_S = 3600
# The AQI is an hourly index: its colours and card need no 5-second refresh (30 s).
AQI_EVERY = 6
# The three charts' series on a tick. A tick re-reads the last 4 buckets each trace
# holds (an hour on the 24 h range), so readings up to that late show at once; a
# whole send every 5 minutes catches readings later still (an outage's backlog), and
# after a pause over 10 minutes (a tab asleep, the store down) the series go whole.
LIVE = LiveChart(
    charts={"p": len(POLLUTANTS), "w": 1, "z": 1},
    key_columns=("sensor_id", "metric"),
    offset_ms=queries.VN_OFFSET_MS,
    tail=4,
    redraw_every_ms=5 * 60_000,
    max_gap_ms=10 * 60_000,
)


def _name(row: Any, lang: str) -> str:  # noqa: ANN401 - a frame's row tuple
    return row.name if lang == "vi" else (row.name_en or row.name)


def _profile() -> province.Profile:
    return province.cached(str(config.load().profile))


def _pick(options: list[dict], current: str | None) -> str | None:
    values = [o["value"] for o in options]
    return current if current in values else (values[0] if values else None)


@callback(
    Output(Ids.STATION, "options"),
    Output(Ids.STATION, "value"),
    Output(Ids.GAUGE, "options"),
    Output(Ids.GAUGE, "value"),
    Input(Ids.DISTRICT, "value"),
    State(Ids.STATION, "value"),
    State(Ids.GAUGE, "value"),
)
def pick_lists(  # noqa: ANN201 - Dash outputs
    district: str | None, station: str | None, gauge: str | None
):
    lang = current_lang()
    f, _bad = clean_query({"district": district}, lang)
    engine = get_engine()
    try:
        stations = queries.sensors(engine, kind="air", region=f["district"])
        gauges = queries.sensors(engine, kind="water", region=f["district"])
    except SQLAlchemyError as exc:
        log.warning("environment page could not read the store: %s", exc)
        return [], None, [], None
    s_opts = [{"label": _name(s, lang), "value": s.id} for s in stations.itertuples()]
    g_opts = [{"label": _name(s, lang), "value": s.id} for s in gauges.itertuples()]
    return s_opts, _pick(s_opts, station), g_opts, _pick(g_opts, gauge)


@callback(
    Output(Ids.MAP, "figure"),
    Output(Ids.AQI, "children"),
    Output(Ids.POLLUTANTS, "figure"),
    Output(Ids.WATER, "figure"),
    Output(Ids.NOISE, "figure"),
    Output(Ids.WEATHER, "children"),
    Output(Ids.AS_OF, "children"),
    Output(Ids.SENT, "data"),
    Input(Ids.INTERVAL, "n_intervals"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.RANGE, "value"),
    Input(Ids.STATION, "value"),
    Input(Ids.GAUGE, "value"),
    State(Ids.SENT, "data"),
)
def refresh(  # noqa: ANN201 - Dash outputs
    _n: int | None,
    district: str | None,
    rng: str | None,
    station: str | None,
    gauge: str | None,
    sent: dict | None,
):
    lang = current_lang()
    # Values come from the browser: check them again, whatever the dropdowns allowed.
    f, _bad = clean_query({"district": district, "range": rng}, lang)
    station, gauge = clean_id(station), clean_id(gauge)
    live = ctx.triggered_id == Ids.INTERVAL
    tick = _n if isinstance(_n, int) and not isinstance(_n, bool) and _n > 0 else 0
    engine = get_engine()
    end = now_ms()
    start = end - RANGE_MS[f["range"]]
    step = RANGE_STEP_S[f["range"]]
    try:
        meters = queries.sensors(engine, kind="noise", region=f["district"])
        traces = _traces(station, gauge, list(meters["id"]))
        key = [f["district"], f["range"], station, gauge, _signature(traces)]
        # Noise is judged per hour (QCVN 26:2010 limits hourly LAeq), so its chart
        # reads the hourly rollup: 64 meters x 24 rows, not 64 x 1,440 minutes.
        groups = [
            ([tr for tr in traces if tr.chart != "z"], step),
            ([tr for tr in traces if tr.chart == "z"], max(step, NOISE_STEP_S)),
        ]
        # Other traces than the figures hold (a meter came or went): draw them anew.
        live = live and isinstance(sent, dict) and sent.get("key") == key
        # On a tick the hourly AQI colours and the card follow every AQI_EVERY ticks
        # and the weather cards half-way between, so no tick does both; the red
        # rings follow every tick.
        aqi_now = not live or tick % AQI_EVERY == 0
        weather_now = not live or tick % AQI_EVERY == AQI_EVERY // 2
        stations = _stations(engine, f["district"], lang, station) if aqi_now else None
        up = LIVE.update(_reader(engine), groups, sent, key, start, end, live)
        weather = _weather(engine, f["district"], lang) if weather_now else no_update
        rings = None if aqi_now else _ring_patch(engine, f["district"])
        as_of = queries.data_as_of(engine)
    except SQLAlchemyError as exc:
        log.warning("environment page could not read the store: %s", exc)
        down = t("common.store_down", lang, error=type(exc).__name__)
        return (no_update,) * 6 + (down, no_update)
    card = _aqi_card(stations, station, lang) if aqi_now else no_update
    as_of_text = (
        t("common.data_as_of", lang, when=fmt_datetime(as_of, lang, seconds=True))
        if as_of
        else t("common.no_data", lang)
    )
    if up.patches is not None:
        patches = up.patches
        lx, ly = fig.noise_limit_xy(start, end)
        patches["z"]["data"][fig.LIMIT_TRACE]["x"] = lx
        patches["z"]["data"][fig.LIMIT_TRACE]["y"] = ly
        return (
            _map_patch(stations) if aqi_now else rings,
            card,
            patches["p"],
            patches["w"],
            patches["z"],
            weather,
            as_of_text,
            up.state,
        )
    frames = up.frames
    pollutants = {p: frames.get((station, p)) for p in POLLUTANTS} if station else {}
    noise = [
        (_name(m, lang), frames.get((m.id, NOISE_METRIC))) for m in meters.itertuples()
    ]
    return (
        _map(stations, f["district"], lang),
        card,
        fig.pollutant_grid(
            pollutants,
            {p: metric_label(p, lang) for p in POLLUTANTS},
            x_range=(start, end),
        ),
        _water(
            engine,
            gauge,
            frames.get((gauge, WATER_METRIC)) if gauge else None,
            lang,
            (start, end),
        ),
        fig.noise_chart(
            noise,
            start,
            end,
            t("env.noise_limit", lang),
            legend=len(noise) <= LEGEND_MAX,
        ),
        weather,
        as_of_text,
        up.state,
    )


@callback(
    Output(Ids.URL, "search"),
    Input(Ids.DISTRICT, "value"),
    Input(Ids.RANGE, "value"),
    State(Ids.URL, "search"),
    prevent_initial_call=True,
)
def remember_filters(district: str | None, rng: str | None, current: str | None) -> str:
    # The default range stays out of the URL unless the link named it.
    if rng == DEFAULT_RANGE and "range=" not in (current or ""):
        rng = None
    search = url_search({"district": district, "range": rng})
    return no_update if search == (current or "") else search


# --- helpers: store reads shaped for the figure builders ------------------------------


def _category_labels(lang: str) -> dict[str, str]:
    labels = {c.key: c.name_vi if lang == "vi" else c.name_en for c in CATEGORIES["vn"]}
    labels["none"] = t("env.no_aqi_short", lang)
    return labels


def _stations(
    engine: Engine, district: str | None, lang: str, station: str | None = None
) -> pd.DataFrame:
    """Air stations of the area with their hourly VN_AQI. Columns: id, name, lat, lon,
    aqi, category, category_label, alarm (text when an unresolved critical alert
    is on the station, else empty), result (the store.air dict of ``station``, the
    one the card shows; None for the others)."""
    sensors = queries.sensors(engine, kind="air", region=district)
    hourly_of = air.hourly_vn_aqi(engine, list(sensors["id"]))
    full = air.station_aqi(engine, station) if station in hourly_of else None
    alarm_text = t("env.station_alarm", lang)
    alarmed = _alarmed(engine)
    labels = _category_labels(lang)
    rows = []
    for s in sensors.itertuples():
        hourly = hourly_of.get(s.id) or {"aqi": None, "category": None}
        rows.append(
            {
                "id": s.id,
                "name": _name(s, lang),
                "lat": s.lat,
                "lon": s.lon,
                "aqi": hourly["aqi"],
                "category": hourly["category"],
                "category_label": labels.get(hourly["category"] or "none"),
                "alarm": alarm_text if s.id in alarmed else "",
                "result": full if s.id == station else None,
            }
        )
    columns = ["id", "name", "lat", "lon", "aqi", "category", "category_label"]
    return pd.DataFrame(rows, columns=[*columns, "alarm", "result"])


def _alarmed(engine: Engine) -> set[str]:
    """Sensors with an unresolved critical alert (open or acknowledged)."""
    return alerting.unresolved_sensors(engine, "critical")


def _ring_patch(engine: Engine, district: str | None) -> Patch:
    """The red rings alone (between two AQI refreshes): cheap, at every tick."""
    sensors = queries.sensors(engine, kind="air", region=district)
    alarmed = _alarmed(engine)
    patch = Patch()
    if not config.load().map_tiles:
        line = patch["data"][fig.STATIONS_TRACE]["marker"]["line"]
        line["color"], line["width"] = fig.alarm_rings(
            [s in alarmed for s in sensors["id"]]
        )
    return patch


def _map(stations: pd.DataFrame, district: str | None, lang: str):  # noqa: ANN202
    cfg = config.load()
    profile = _profile()
    regions = [
        {"name": a.name if lang == "vi" else a.name_en, "lat": a.lat, "lon": a.lon}
        for a in profile.areas_at(profile.filter_level)
    ]
    # Frame the area's outline, or the stations, or else the whole province.
    area = profile.areas.get(district) if district else None
    lats, lons = list(stations["lat"]), list(stations["lon"])
    if area is not None and area.outline:
        lats = [p[0] for p in area.outline]
        lons = [p[1] for p in area.outline]
    bounds = profile.bounds
    if lats:
        pad = 0.04
        bounds = (min(lats) - pad, min(lons) - pad, max(lats) + pad, max(lons) + pad)
    return fig.aqi_map(
        stations, regions, _category_labels(lang), tiles=cfg.map_tiles, bounds=bounds
    )


def _map_patch(stations: pd.DataFrame) -> Patch:
    marks = fig.station_marks(stations)
    patch = Patch()
    trace = patch["data"][fig.STATIONS_TRACE]
    trace["marker"]["color"] = marks["color"]
    trace["text"] = marks["text"]
    trace["hovertext"] = marks["hovertext"]
    if not config.load().map_tiles:
        trace["marker"]["line"]["color"] = marks["line_color"]
        trace["marker"]["line"]["width"] = marks["line_width"]
    return patch


# --- the series: whole on a load, what changed on a tick ------------------------------


def _traces(station: str | None, gauge: str | None, meters: list[str]) -> list[Trace]:
    """The series the figures draw, in the order the state keeps them: charts "p"
    (pollutants), "w" (water), "z" (noise, after its limit line); keys (sensor,
    metric)."""
    out = [Trace("p", i, (station, p)) for i, p in enumerate(POLLUTANTS) if station]
    if gauge:
        out.append(Trace("w", 0, (gauge, WATER_METRIC)))
    out += [Trace("z", i, (m, NOISE_METRIC)) for i, m in enumerate(meters, start=1)]
    return out


def _signature(traces: list[Trace]) -> int:
    return zlib.crc32("|".join(f"{s}/{m}" for s, m in (t.key for t in traces)).encode())


def _reader(engine: Engine) -> Callable[[Sequence[Trace], int, int, int], pd.DataFrame]:
    """The live chart's reads: queries.series_many of the traces, one query each."""

    def read(traces: Sequence[Trace], start: int, end: int, step: int) -> pd.DataFrame:
        return queries.series_many(
            engine,
            {tr.key[0] for tr in traces},
            {tr.key[1] for tr in traces},
            start,
            end,
            step,
        )

    return read


def _levels(engine: Engine, gauge: str) -> dict[str, float]:
    """Alarm levels I/II/III of a gauge from the profile; the stored thresholds (warn =
    I, alarm = II) for a gauge the profile does not know."""
    spec = next((s for s in _profile().sensors if s.id == gauge), None)
    if spec is not None and isinstance(spec.extra.get("levels"), dict):
        return {k: float(v) for k, v in spec.extra["levels"].items()}
    row = queries.sensor(engine, gauge) or {}
    limits = (row.get("thresholds") or {}).get("water_level", {})
    return {
        k: float(limits[key])
        for k, key in (("I", "warn"), ("II", "alarm"))
        if key in limits
    }


def _water(  # noqa: ANN202 - a figure
    engine: Engine,
    gauge: str | None,
    df: pd.DataFrame | None,
    lang: str,
    rng: tuple[int, int],
):
    levels = _levels(engine, gauge) if gauge else {}
    labels = {k: t("env.alarm_level", lang, n=k) for k in ("I", "II", "III")}
    return fig.water_chart(
        df,
        levels,
        metric_label("water_level", lang),
        labels,
        empty_text=t("env.no_gauge", lang) if not gauge else t("common.no_data", lang),
        x_range=rng,
    )


def _aqi_card(stations: pd.DataFrame, station: str | None, lang: str) -> list:
    match = stations[stations["id"] == station] if station else stations.iloc[0:0]
    if match.empty:
        return [html.P(t("env.no_station", lang), className="mb-0")]
    result = match.iloc[0]["result"]
    name = match.iloc[0]["name"]
    hourly = result["hourly"] if result else None
    if not hourly or hourly["aqi"] is None:
        return [
            html.Div(name, className="fw-semibold mb-2"),
            html.P(t("env.no_aqi", lang), className="mb-0"),
        ]
    key = hourly["category"]
    labels = _category_labels(lang)
    daily, us = result["daily"], result["us"]
    return [
        html.Div(name, className="fw-semibold mb-2 text-truncate", title=name),
        html.Div(
            [
                html.Span(
                    fmt_number(hourly["aqi"], lang, 0),
                    className="ioc-env-aqi-number me-3",
                    style={
                        "background": fig.AQI_COLOURS[key],
                        "color": fig.AQI_TEXT[key],
                    },
                    id="env-aqi-value",
                ),
                html.Div(
                    [
                        html.Div(labels[key], className="fs-5 fw-semibold"),
                        html.Small(
                            t(
                                "env.hour",
                                lang,
                                when=fmt_datetime(hourly["ts"], lang),
                            ),
                            className="text-body-secondary",
                        ),
                    ]
                ),
            ],
            className="d-flex align-items-center mb-2",
        ),
        html.Div(
            t("env.dominant", lang, p=metric_label(hourly["dominant"], lang)),
            className="mb-2",
        ),
        html.Div(t("env.sub_indices", lang), className="small text-body-secondary"),
        html.Div(
            [
                html.Span(
                    f"{metric_label(p, lang)} {fmt_number(v, lang, 0)}",
                    className="ioc-env-sub",
                )
                for p, v in hourly["sub_indices"].items()
            ],
            className="mb-2",
        ),
        html.Div(
            t("env.daily", lang, v=_aqi_text(daily, labels, lang)), className="small"
        ),
        html.Div(
            t(
                "env.us",
                lang,
                h=fmt_number(us["hourly"]["aqi"], lang, 0),
                d=fmt_number(us["daily"]["aqi"], lang, 0),
            ),
            className="small text-body-secondary",
        ),
    ]


def _aqi_text(block: dict, labels: dict[str, str], lang: str) -> str:
    if block["aqi"] is None:
        return "–"
    return f"{fmt_number(block['aqi'], lang, 0)} ({labels[block['category']]})"


WEATHER_ICONS = {
    "temperature": "bi-thermometer-half",
    "humidity": "bi-droplet",
    "rainfall": "bi-cloud-rain",
    "wind_speed": "bi-wind",
    "pressure": "bi-speedometer2",
}


def _weather(engine: Engine, district: str | None, lang: str) -> list | html.P:
    """Each weather station's newest values on one line, the metric named on hover."""
    stations = queries.sensors(engine, kind="weather", region=district)
    if stations.empty:
        return html.P(t("common.no_data", lang), className="p-2 mb-0")
    latest = queries.latest_many(engine, list(stations["id"]))
    by_sensor: dict[str, dict[str, float]] = {}
    for sensor, metric, value in zip(
        latest["sensor_id"], latest["metric"], latest["value"], strict=True
    ):
        by_sensor.setdefault(sensor, {})[metric] = value
    items = []
    for s in stations.itertuples():
        values = by_sensor.get(s.id, {})
        items.append(
            html.Div(
                [
                    html.Div(_name(s, lang), className="fw-semibold text-truncate"),
                    html.Div(
                        [
                            html.Span(
                                [
                                    html.I(className=f"bi {WEATHER_ICONS[m]}"),
                                    f"{fmt_number(values.get(m), lang, 1)} "
                                    f"{unit_label(METRICS[m].unit, lang)}",
                                ],
                                title=metric_label(m, lang),
                            )
                            for m in WEATHER
                        ],
                        className="ioc-env-wx-values",
                    ),
                ],
                className="ioc-env-wx",
            )
        )
    return items
