"""Figures of the environment page: the AQI map, the pollutant small multiples, a river
gauge against its alarm levels, noise against the national limit.

Every builder keeps its traces in a fixed order so the page can Patch their data
(``*_TRACE`` constants and the docstrings say which trace is where).

The builders return the figure as the plain dict Dash sends (``go.Figure(...)
.to_plotly_json()`` of the same figure), not a ``go.Figure``: plotly validates every
property on every update, which cost more than a second per page load. The unit tests
validate the dicts with ``go.Figure(d)`` instead."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from functools import lru_cache
from html import escape

import pandas as pd
import plotly.io as pio
from plotly.subplots import make_subplots

from figures.province_map import province_map
from figures.time_axis import TZ, series_xy, x_range
from store.aqi import CATEGORIES, POLLUTANTS

NO_AQI_COLOUR = "#6c757d"
AQI_COLOURS = {c.key: c.color_hex for c in CATEGORIES["vn"]}
# Dark text on the light bands (yellow, green), white on the dark ones.
AQI_TEXT = {
    "good": "#000",
    "moderate": "#000",
    "poor": "#000",
    "bad": "#fff",
    "very_bad": "#fff",
    "hazardous": "#fff",
}
LEVEL_COLOURS = {"I": "#e0b000", "II": "#fd7e14", "III": "#dc3545"}
LIMIT_COLOUR = "#dc3545"
# QCVN 26:2010/BTNMT Table 1, "khu vực thông thường": 70 dBA from 6:00 to 21:00, 55 dBA
# from 21:00 to 6:00 (LAeq).
NOISE_DAY_DBA = 70.0
NOISE_NIGHT_DBA = 55.0
DAY_START_H = 6
NIGHT_START_H = 21
STATIONS_TRACE = 0  # the map's station markers
LIMIT_TRACE = 0  # the noise chart's limit line; the meters follow in order
_MUTED = "#8a8f98"
# Day/month and 24 h clock in both languages (plotly's own formats are English).
TICK_FORMAT = "%H:%M<br>%d/%m"
HOVER_FORMAT = "%d/%m/%Y %H:%M"


@lru_cache(maxsize=1)
def _template() -> dict:
    """The default plotly template, which ``go.Figure`` puts in every figure (shared,
    never changed)."""
    return pio.templates[pio.templates.default].to_plotly_json()


def _figure(data: list[dict], layout: dict) -> dict:
    return {"data": data, "layout": {**layout, "template": _template()}}


def _axes(layout: dict, prefix: str, n: int) -> list[dict]:
    """The layout's axes ``prefix``, ``prefix``2, ... (created when missing)."""
    return [layout.setdefault(f"{prefix}{i + 1 if i else ''}", {}) for i in range(n)]


def _base_layout(layout: dict, height: int | None, axes: int = 1) -> dict:
    if height is not None:
        layout["height"] = height
    layout.update(
        autosize=height is None,
        font={"color": _MUTED, "size": 11},
        margin={"l": 40, "r": 8, "t": 24, "b": 28},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        hovermode="x unified",
    )
    for ax in _axes(layout, "xaxis", axes):
        ax.update(
            type="date",  # also for an empty panel, which would show 0..5 otherwise
            gridcolor="rgba(128,128,128,0.2)",
            zeroline=False,
            tickformat=TICK_FORMAT,
            hoverformat=HOVER_FORMAT,
        )
    for ax in _axes(layout, "yaxis", axes):
        ax.update(gridcolor="rgba(128,128,128,0.2)", zeroline=False)
    return layout


def _x_range(layout: dict, rng: tuple[int, int] | None, axes: int = 1) -> None:
    # Every panel shows the whole chosen window, also an empty one (not 1970).
    if rng is not None:
        window = x_range(rng)
        for ax in _axes(layout, "xaxis", axes):
            ax.update(range=list(window), autorange=False)


# --- map -----------------------------------------------------------------------------


ALARM_RING = "#dc3545"


def alarm_rings(alarmed: list[bool]) -> tuple[list[str], list[int]]:
    """Marker outline colours and widths: a thick red ring on each alarmed station."""
    return (
        [ALARM_RING if a else "#333" for a in alarmed],
        [4 if a else 1 for a in alarmed],
    )


def station_marks(stations: pd.DataFrame) -> dict[str, list]:
    """Per-station marker colour, text (the AQI) and hover text: what a tick patches.

    ``stations``: columns name, aqi (int or None), category (key or None),
    category_label."""
    colours, texts, hovers, alarmed = [], [], [], []
    for s in stations.itertuples():
        has = s.aqi is not None and not pd.isna(s.aqi)
        colours.append(AQI_COLOURS.get(s.category, NO_AQI_COLOUR) if has else "#adb5bd")
        texts.append(str(int(s.aqi)) if has else "–")
        name = escape(str(s.name), quote=False)  # Plotly renders HTML in hover text
        hover = (
            f"{name}<br>VN_AQI {int(s.aqi)} · {s.category_label}"
            if has
            else f"{name}<br>{s.category_label}"
        )
        # A station with an unresolved critical alert gets a thick red ring at once,
        # before the hourly index catches up with a spike.
        alarm = str(getattr(s, "alarm", "") or "")
        hovers.append(f"{hover}<br>{alarm}" if alarm else hover)
        alarmed.append(bool(alarm))
    ring_colours, widths = alarm_rings(alarmed)
    return {
        "color": colours,
        "text": texts,
        "hovertext": hovers,
        "line_color": ring_colours,
        "line_width": widths,
    }


def aqi_map(
    stations: pd.DataFrame,
    regions: list[dict],
    category_labels: dict[str, str],
    tiles: str = "",
    bounds: tuple[float, float, float, float] | None = None,
) -> dict:
    """Air stations coloured by their hourly VN_AQI category (QĐ 1459 colours), the AQI
    written on each marker, on the province map's offline background.

    ``stations``: columns id, name, lat, lon, aqi, category, category_label.
    ``category_labels``: legend names by category key, plus "none" for no index.
    Trace STATIONS_TRACE holds the stations; then one legend entry per category."""
    empty = pd.DataFrame(columns=["name", "lat", "lon", "state", "kind_label"])
    base = province_map(empty, regions, {}, None, tiles, bounds).to_plotly_json()
    use_tiles = bool(tiles)
    kind = "scattermap" if use_tiles else "scatter"
    marks = station_marks(stations)
    lat, lon = stations["lat"].tolist(), stations["lon"].tolist()
    marker: dict = {"size": 20, "color": marks["color"]}
    if not use_tiles:  # tile maps draw markers without outlines
        marker["line"] = {"width": marks["line_width"], "color": marks["line_color"]}
    points = {
        "type": kind,
        **({"lat": lat, "lon": lon} if use_tiles else {"x": lon, "y": lat}),
        "mode": "markers+text",
        "marker": marker,
        "text": marks["text"],
        "textfont": {"size": 9, "color": "#111"},
        "hovertext": marks["hovertext"],
        "hoverinfo": "text",
        "customdata": stations["id"].tolist(),
        "showlegend": False,
        "name": "",
    }
    legend = [
        {
            "type": kind,
            **(
                {"lat": [None], "lon": [None]}
                if use_tiles
                else {"x": [None], "y": [None]}
            ),
            "mode": "markers",
            "marker": {"size": 12, "color": colour},
            "name": category_labels.get(key, key),
            "hoverinfo": "skip",
        }
        for key, colour in [*AQI_COLOURS.items(), ("none", "#adb5bd")]
    ]
    layout = base["layout"]
    layout["legend"] = {
        **layout.get("legend", {}),
        "orientation": "h",
        "y": 0,
        "yanchor": "top",
        "x": 0,
        "font": {"size": 10},
        "itemclick": False,
        "itemdoubleclick": False,
    }
    layout["margin"] = {**layout.get("margin", {}), "l": 0, "r": 0, "t": 0, "b": 44}
    layout["uirevision"] = "aqi-map"
    return {"data": [points, *legend, *base["data"]], "layout": layout}


# --- pollutants ----------------------------------------------------------------------


@lru_cache(maxsize=8)
def _grid_layout(titles: tuple[str, ...]) -> dict:
    """make_subplots' layout for the 2 x 3 grid (axes domains, titles), without its
    template; built once per language."""
    layout = make_subplots(
        rows=2,
        cols=3,
        shared_xaxes=True,
        subplot_titles=list(titles),
        vertical_spacing=0.16,
        horizontal_spacing=0.09,
    ).to_plotly_json()["layout"]
    layout.pop("template", None)
    return layout


def pollutant_grid(
    frames: dict[str, pd.DataFrame],
    titles: dict[str, str],
    height: int | None = None,
    x_range: tuple[int, int] | None = None,
) -> dict:
    """Small multiples, one per pollutant of POLLUTANTS (trace i is POLLUTANTS[i]),
    over ``x_range`` (epoch ms) when given.

    ``frames``: per pollutant, columns ts (epoch ms) and mean; a missing or empty
    frame draws an empty panel. ``titles``: panel titles by pollutant."""
    n = len(POLLUTANTS)
    layout = copy.deepcopy(_grid_layout(tuple(titles.get(p, p) for p in POLLUTANTS)))
    data = []
    for i, p in enumerate(POLLUTANTS):
        x, y = series_xy(frames.get(p))
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "mode": "lines",
                "name": titles.get(p, p),
                "line": {"width": 1.5, "color": "#0d6efd"},
                "connectgaps": False,
                "showlegend": False,
                "xaxis": f"x{i + 1 if i else ''}",
                "yaxis": f"y{i + 1 if i else ''}",
            }
        )
    _base_layout(layout, height, n)
    layout.update(margin={"l": 36, "r": 6, "t": 22, "b": 24}, hovermode="closest")
    for a in layout.get("annotations", []):
        a["font"] = {**a.get("font", {}), "size": 11}
    for ax in _axes(layout, "xaxis", n):
        ax.update(nticks=3, tickangle=0, tickfont={"size": 9})
    _x_range(layout, x_range, n)
    for ax in _axes(layout, "yaxis", n):
        ax.update(nticks=4, rangemode="tozero")
    return _figure(data, layout)


# --- river gauge ---------------------------------------------------------------------


def water_chart(
    df: pd.DataFrame | None,
    levels: dict[str, float],
    name: str,
    level_labels: dict[str, str],
    height: int | None = None,
    empty_text: str = "",
    x_range: tuple[int, int] | None = None,
) -> dict:
    """A gauge's water level (trace 0) with its alarm levels I, II, III as horizontal
    lines. ``levels``: {"I": m, "II": m, "III": m}, any may be missing. Without a
    gauge (no levels, no data) the panel says ``empty_text`` instead of empty axes."""
    x, y = series_xy(df)
    data = [
        {
            "type": "scatter",
            "x": x,
            "y": y,
            "mode": "lines",
            "name": name,
            "line": {"width": 2, "color": "#0dcaf0"},
            "fill": "tozeroy",
            "fillcolor": "rgba(13,202,240,0.12)",
        }
    ]
    shapes, notes = [], []
    for key in ("I", "II", "III"):
        if key not in levels:
            continue
        # What fig.add_hline draws: a line across the plot and its label above it.
        shapes.append(
            {
                "line": {"color": LEVEL_COLOURS[key], "width": 1.5, "dash": "dash"},
                "type": "line",
                "x0": 0,
                "x1": 1,
                "xref": "x domain",
                "y0": levels[key],
                "y1": levels[key],
                "yref": "y",
            }
        )
        notes.append(
            {
                "font": {"color": LEVEL_COLOURS[key], "size": 10},
                "showarrow": False,
                "text": level_labels.get(key, key),
                "x": 0,
                "xanchor": "left",
                "xref": "x domain",
                "y": levels[key],
                "yanchor": "bottom",
                "yref": "y",
            }
        )
    layout: dict = {}
    if shapes:
        layout.update(shapes=shapes, annotations=notes)
    _base_layout(layout, height)
    layout["showlegend"] = False
    if not x and not levels:
        layout["xaxis"]["visible"] = False
        layout["yaxis"]["visible"] = False
        layout.setdefault("annotations", []).append(
            {
                "showarrow": False,
                "text": empty_text,
                "x": 0.5,
                "xref": "paper",
                "y": 0.5,
                "yref": "paper",
            }
        )
        return _figure(data, layout)
    layout["yaxis"]["ticksuffix"] = " m"
    _x_range(layout, x_range)
    top = max([v for v in levels.values()] + [v for v in y if v is not None] + [0])
    bottom = min([v for v in y if v is not None] + [min(levels.values(), default=0)])
    pad = max(0.3, (top - bottom) * 0.08)
    layout["yaxis"]["range"] = [max(0, bottom - pad), top + pad]
    return _figure(data, layout)


# --- noise ---------------------------------------------------------------------------


def noise_limit_xy(start_ms: int, end_ms: int) -> tuple[list[str], list[float]]:
    """The QCVN 26:2010/BTNMT ordinary-area limit over [start_ms, end_ms] as a step
    line in Vietnam time: 70 dBA from 6:00, 55 dBA from 21:00."""
    start = datetime.fromtimestamp(start_ms / 1000, TZ)
    end = datetime.fromtimestamp(end_ms / 1000, TZ)

    def limit(t: datetime) -> float:
        return (
            NOISE_DAY_DBA if DAY_START_H <= t.hour < NIGHT_START_H else NOISE_NIGHT_DBA
        )

    xs, ys = [start], [limit(start)]
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day <= end:
        for hour in (DAY_START_H, NIGHT_START_H):
            edge = day.replace(hour=hour)
            if start < edge < end:
                xs.append(edge)
                ys.append(limit(edge))
        day += timedelta(days=1)
    xs.append(end)
    ys.append(limit(end))
    return [x.strftime("%Y-%m-%d %H:%M:%S") for x in xs], ys


def noise_chart(
    frames: list[tuple[str, pd.DataFrame]],
    start_ms: int,
    end_ms: int,
    limit_label: str,
    height: int | None = None,
    legend: bool = True,
) -> dict:
    """LAeq of each meter against the limit (``legend=False`` names them on hover
    only). Trace LIMIT_TRACE is the limit (a step
    line, ``shape="hv"``); trace i + 1 is frames[i], given as (name, frame)."""
    lx, ly = noise_limit_xy(start_ms, end_ms)
    data = [
        {
            "type": "scatter",
            "x": lx,
            "y": ly,
            "mode": "lines",
            "name": limit_label,
            "line": {"color": LIMIT_COLOUR, "width": 2, "dash": "dash", "shape": "hv"},
            "hoverinfo": "skip",
            "showlegend": True,
        }
    ]
    for name, df in frames:
        x, y = series_xy(df)
        data.append(
            {
                "type": "scatter",
                "x": x,
                "y": y,
                "mode": "lines",
                "name": escape(name, quote=False),  # legend and hover render HTML
                "line": {"width": 1.3},
                "showlegend": legend,
            }
        )
    layout = _base_layout({}, height)
    layout.update(
        legend={
            "orientation": "h",
            "y": 1,
            "x": 1,
            "xanchor": "right",
            "yanchor": "bottom",
            "font": {"size": 10},
        },
        margin={"l": 40, "r": 8, "t": 24, "b": 8},
    )
    layout["yaxis"].update(ticksuffix=" dB", range=[35, 95])
    _x_range(layout, (start_ms, end_ms))
    return _figure(data, layout)
