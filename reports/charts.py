"""The charts of the PDF: a domain's KPI by day against its target, drawn as the
dashboard draws its trends (one line, the target dashed), with matplotlib's Agg
canvas (no pyplot state, so runs in parallel never share a figure)."""

from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
from matplotlib.dates import DateFormatter, DayLocator
from matplotlib.figure import Figure

from i18n import t, unit_label
from reports import text
from store.kpis import KpiProvider

LINE = "#0d6efd"  # the dashboard's primary (Bootstrap 5.3)
TARGET = "#dc3545"


def trend_png(trend: pd.DataFrame, provider: KpiProvider, lang: str) -> bytes | None:
    """A PNG of ``trend`` (columns ts, value by Vietnam day); None when empty."""
    if trend.empty:
        return None
    days = [text.local(int(ts)) for ts in trend["ts"]]
    values = [float(v) for v in trend["value"]]
    fig = Figure(figsize=(7.2, 2.4), dpi=150)
    ax = fig.add_subplot()
    ax.plot(
        days, values, color=LINE, linewidth=1.8, marker="o" if len(days) < 40 else ""
    )
    ax.axhline(provider.target, color=TARGET, linestyle="--", linewidth=1.2)
    ax.annotate(
        f"{t('reports.target', lang)} {provider.target:g}",
        (days[0], provider.target),
        color=TARGET,
        fontsize=7,
        xytext=(2, 3),
        textcoords="offset points",
    )
    ax.set_ylabel(unit_label(provider.unit, lang), fontsize=8)
    ax.tick_params(labelsize=7)
    ax.grid(True, color="#dee2e6", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.autofmt_xdate(rotation=0, ha="center")
    if len(days) <= 10:
        ax.set_xticks(days)
        if len(days) == 1:  # one day: a visible span around its point
            ax.set_xlim(days[0] - timedelta(hours=12), days[0] + timedelta(hours=12))
    else:
        ax.xaxis.set_major_locator(DayLocator(interval=max(1, len(days) // 8)))
    ax.xaxis.set_major_formatter(DateFormatter("%d/%m"))
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
