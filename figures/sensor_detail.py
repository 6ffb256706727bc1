"""The 24 h chart of one sensor metric for the sensor drawer: mean line, min-max band
and the sensor's own thresholds as dotted lines."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures.sparkline import trend_xy

LIMIT_COLOURS = {
    "warn": "#fd7e14",
    "low_warn": "#fd7e14",
    "alarm": "#dc3545",
    "low_alarm": "#dc3545",
}


def metric_chart(
    series: pd.DataFrame,
    title: str,
    limits: dict | None = None,
    separators: str = ",.",
    tickformat: str = "%H:%M<br>%d/%m",
) -> go.Figure:
    """``series`` as store.queries.series (ts, mean, min, max); ``separators`` is
    Plotly's (decimal, thousands): ',.' for Vietnamese; ``tickformat`` the time axis'
    d3 format (Vietnamese day/month by default)."""
    x, mean = trend_xy(series.rename(columns={"mean": "value"}))
    fig = go.Figure()
    if len(series):
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=list(series["max"]) + list(series["min"])[::-1],
                fill="toself",
                fillcolor="rgba(13,110,253,0.15)",
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=mean,
                mode="lines",
                line={"color": "#0d6efd", "width": 2},
                name=title,
                showlegend=False,
            )
        )
    for key, value in (limits or {}).items():
        if value is not None and key in LIMIT_COLOURS:
            fig.add_hline(
                y=value, line={"color": LIMIT_COLOURS[key], "width": 1, "dash": "dot"}
            )
    fig.update_layout(
        title={"text": title, "font": {"size": 14}, "x": 0, "xanchor": "left"},
        height=200,
        margin={"l": 40, "r": 8, "t": 30, "b": 30},
        separators=separators,
        font={"color": "#8a8f98"},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis={
            "fixedrange": True,
            "gridcolor": "rgba(128,128,128,0.2)",
            "tickformat": tickformat,
            "hoverformat": tickformat.replace("<br>", " "),
        },
        yaxis={
            "fixedrange": True,
            "gridcolor": "rgba(128,128,128,0.2)",
            "zerolinecolor": "rgba(128,128,128,0.4)",
        },
        hovermode="x unified",
    )
    return fig
