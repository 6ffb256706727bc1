"""A small trend line for KPI tiles."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

STATUS_COLOURS = {
    "good": "#198754",
    "warn": "#fd7e14",
    "bad": "#dc3545",
    "nodata": "#6c757d",
}


def trend_xy(trend: pd.DataFrame) -> tuple[list, list]:
    """Vietnam-time x values and y values of a trend frame (ts in epoch ms, value)."""
    if not len(trend):
        return [], []
    x = pd.to_datetime(trend["ts"], unit="ms", utc=True).dt.tz_convert(
        "Asia/Ho_Chi_Minh"
    )
    return list(x), list(trend["value"])


def sparkline(
    trend: pd.DataFrame, status: str = "nodata", target: float | None = None
) -> go.Figure:
    """``trend`` has columns ts (epoch ms) and value; the target is a dotted line."""
    colour = STATUS_COLOURS.get(status, STATUS_COLOURS["nodata"])
    x, y = trend_xy(trend)
    fig = go.Figure(
        go.Scatter(
            x=x, y=y, mode="lines", line={"color": colour, "width": 2}, hoverinfo="skip"
        )
    )
    if target is not None:
        fig.add_hline(y=target, line={"color": "#6c757d", "width": 1, "dash": "dot"})
    fig.update_layout(
        margin={"l": 0, "r": 0, "t": 2, "b": 2},
        height=40,
        showlegend=False,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis={"visible": False, "fixedrange": True},
        yaxis={"visible": False, "fixedrange": True},
    )
    return fig
