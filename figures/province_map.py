"""The province map: points on a plain background that needs no tile server (a closed
network has none), or on tiles when IOC_MAP_TILES names a server.

Layers are traces a user toggles in the legend: sensors (by state), citizens' reports;
the cameras and alerts issues add theirs the same way."""

from __future__ import annotations

import math
from html import escape

import pandas as pd
import plotly.graph_objects as go

STATE_COLOURS = {
    "ok": "#198754",
    "stale": "#fd7e14",
    "offline": "#dc3545",
    "never": "#6c757d",
}


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
    """``sensors``: columns name, lat, lon, state, kind_label; ``regions``: dicts with
    name, lat, lon; ``labels``: translated layer names by key (state.ok, ...,
    reports)."""
    traces: list[go.BaseTraceType] = []
    use_tiles = bool(tiles)
    Trace = go.Scattermap if use_tiles else go.Scatter  # noqa: N806 - a class

    def xy(df: pd.DataFrame) -> dict:
        if use_tiles:
            return {"lat": df["lat"], "lon": df["lon"]}
        return {"x": df["lon"], "y": df["lat"]}

    if regions:
        rdf = pd.DataFrame(regions)
        traces.append(
            (go.Scattermap if use_tiles else go.Scatter)(
                **xy(rdf),
                mode="text",
                text=rdf["name"],
                textfont={"size": 11, "color": "#6c757d"},
                hoverinfo="skip",
                showlegend=False,
                name="",
            )
        )
    for state, colour in STATE_COLOURS.items():
        part = sensors[sensors["state"] == state] if len(sensors) else sensors
        if part.empty:
            continue
        traces.append(
            Trace(
                **xy(part),
                mode="markers",
                name=labels.get(f"state.{state}", state),
                marker={"size": 10, "color": colour},
                text=plain(part["name"]) + "<br>" + plain(part["kind_label"]),
                hoverinfo="text",
                legendgroup="sensors",
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
