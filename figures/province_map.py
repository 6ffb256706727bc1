"""The province map: points on a plain background that needs no tile server (a closed
network has none), or on tiles when IOC_MAP_TILES names a server.

Layers are traces a user toggles in the legend: sensors by their worst unresolved
alert (critical, warning) and otherwise by whether they report (ok, stale, offline,
never), citizens' reports; the cameras issue adds its layer the same way. Area names
are placed so that they do not pile up: a name that would cover another is left out
(the point's tap panel names its area anyway)."""

from __future__ import annotations

import math
from html import escape

import pandas as pd
import plotly.graph_objects as go

STATE_COLOURS = {
    "ok": "#198754",
    "stale": "#adb5bd",
    "offline": "#495057",
    "never": "#6c757d",
}
# A sensor with an unresolved alert is drawn by its worst one, above the others:
# alarm is red and a warning orange; silence is grey, never the alarm's red.
ALERT_COLOURS = {"warning": "#fd7e14", "critical": "#dc3545"}
# The layers in drawing order (the last on top) and their legend rank (first first).
LAYERS = ("ok", "stale", "offline", "never", "warning", "critical")
LEGEND_RANK = {"critical": 1, "warning": 2, "ok": 3, "stale": 4, "offline": 5}
LABEL_FONT_PX = 11
# A label's estimated box: width per character and height, in font sizes (with room
# to spare, so that two names kept never touch).
LABEL_CHAR_W = 0.58
LABEL_BOX_H = 1.4
# The map's usual size on an iPad (its card on 1180x820): label boxes are estimated
# for it; on a larger screen they only have more room.
MAP_PX = (700, 280)


def layer_of(state: str, alert: str | None) -> str:
    """The layer a sensor is drawn in: its worst unresolved alert, else its state."""
    return alert if alert in ALERT_COLOURS else state


def place_labels(
    regions: list[dict],
    bounds: tuple[float, float, float, float] | None,
    size_px: tuple[int, int] = MAP_PX,
    font_px: int = LABEL_FONT_PX,
) -> list[str | None]:
    """'middle center' for each region's name that covers no name placed before it,
    None for one that would (it is left out). Boxes are estimated in pixels, with a
    margin, on a map of ``size_px`` fitting ``bounds`` with equal distances on both
    axes (as ``province_map`` draws it). Only the centred position is used: Plotly's
    offset for text above or below a point is not the estimate's to guess."""
    if not regions or not bounds:
        return ["middle center"] * len(regions)
    south, west, north, east = bounds
    ratio = 1 / math.cos(math.radians((south + north) / 2))
    px = min(size_px[0] / (east - west), size_px[1] / ((north - south) * ratio))
    placed: list[tuple[float, float, float, float]] = []
    out: list[str | None] = []
    h = font_px * LABEL_BOX_H
    for r in regions:
        x = (r["lon"] - west) * px
        y = (r["lat"] - south) * px * ratio
        w = len(str(r["name"])) * font_px * LABEL_CHAR_W
        box = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        if any(_overlap(box, b) for b in placed):
            out.append(None)
        else:
            placed.append(box)
            out.append("middle center")
    return out


def _overlap(a: tuple, b: tuple) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def plain(values: pd.Series) -> pd.Series:
    """Names from the store as Plotly text: Plotly renders a subset of HTML (<b>,
    <a href>, <br>) in text and hover labels, so data is escaped (and shown as the
    characters it is)."""
    return values.fillna("").astype(str).map(lambda v: escape(v, quote=False))


def province_map(
    sensors: pd.DataFrame,
    regions: list[dict],
    labels: dict[str, str],
    reports: pd.DataFrame | None = None,
    tiles: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    height: int | None = None,
) -> go.Figure:
    """``sensors``: columns name, lat, lon, state, kind_label and, optional, id (the
    points' customdata, for a tap) and alert (the worst unresolved severity, '' or
    None when none); ``regions``: dicts with name, lat, lon; ``labels``: translated
    layer names by key (state.ok, ..., alert.critical, alert.warning, reports)."""
    traces: list[go.BaseTraceType] = []
    use_tiles = bool(tiles)
    Trace = go.Scattermap if use_tiles else go.Scatter  # noqa: N806 - a class

    def xy(df: pd.DataFrame) -> dict:
        if use_tiles:
            return {"lat": df["lat"], "lon": df["lon"]}
        return {"x": df["lon"], "y": df["lat"]}

    if regions:
        rdf = pd.DataFrame(regions)
        where = place_labels(regions, bounds)
        shown = [p is not None for p in where]
        rdf = rdf[shown]
        traces.append(
            (go.Scattermap if use_tiles else go.Scatter)(
                **xy(rdf),
                mode="text",
                text=rdf["name"],
                textfont={"size": LABEL_FONT_PX, "color": "#6c757d"},
                hoverinfo="skip",
                showlegend=False,
                name="",
                **(
                    {}
                    if use_tiles
                    else {"textposition": [p for p in where if p is not None]}
                ),
            )
        )
    if len(sensors):
        alert = (
            sensors["alert"] if "alert" in sensors else pd.Series([""] * len(sensors))
        )
        layer = pd.Series(
            [layer_of(s, a) for s, a in zip(sensors["state"], alert, strict=True)],
            index=sensors.index,
        )
    for key in LAYERS:
        part = sensors[layer == key] if len(sensors) else sensors
        if part.empty:
            continue
        colour = ALERT_COLOURS.get(key) or STATE_COLOURS[key]
        big = key in ALERT_COLOURS
        name_key = f"alert.{key}" if big else f"state.{key}"
        traces.append(
            Trace(
                **xy(part),
                mode="markers",
                name=labels.get(name_key, key),
                marker={
                    "size": 15 if big else 10,
                    "color": colour,
                    **({} if use_tiles else {"line": {"width": 1, "color": "#fff"}}),
                },
                text=plain(part["name"]) + "<br>" + plain(part["kind_label"]),
                customdata=list(part["id"]) if "id" in part else None,
                hoverinfo="text",
                legendgroup="sensors",
                legendrank=LEGEND_RANK.get(key, 6),
            )
        )
    if reports is not None and len(reports):
        traces.append(
            Trace(
                **xy(reports),
                mode="markers",
                name=labels.get("reports", "reports"),
                marker={
                    "size": 8,
                    "color": "#0d6efd",
                    "symbol": "diamond" if not use_tiles else "circle",
                },
                text=plain(reports["service_name"]),
                hoverinfo="text",
            )
        )
    fig = go.Figure(traces)
    fig.update_layout(
        height=height,
        autosize=height is None,
        font={"color": "#8a8f98"},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        legend={
            "orientation": "h",
            "y": 0,
            "x": 0,
            "bgcolor": "rgba(128,128,128,0.15)",
        },
        uirevision="map",
    )
    if use_tiles:
        centre = _centre(sensors, bounds)
        fig.update_layout(
            map={
                "style": "white-bg",
                "center": centre,
                "zoom": 9,
                "layers": [
                    {"below": "traces", "sourcetype": "raster", "source": [tiles]}
                ],
            }
        )
    else:
        # Equal distances on both axes at this latitude: 1° lon = cos(lat) · 1° lat.
        lat0 = _centre(sensors, bounds)["lat"]
        fig.update_xaxes(visible=False, fixedrange=False)
        fig.update_yaxes(
            visible=False, scaleanchor="x", scaleratio=1 / math.cos(math.radians(lat0))
        )
        if bounds:
            south, west, north, east = bounds
            fig.update_xaxes(range=[west, east])
            fig.update_yaxes(range=[south, north])
    return fig


def _centre(sensors: pd.DataFrame, bounds: tuple | None) -> dict:
    if bounds:
        south, west, north, east = bounds
        return {"lat": (south + north) / 2, "lon": (west + east) / 2}
    if len(sensors):
        return {
            "lat": float(sensors["lat"].mean()),
            "lon": float(sensors["lon"].mean()),
        }
    return {"lat": 21.2, "lon": 106.1}
