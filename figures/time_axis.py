"""Time on the x axes of the charts: epoch ms (UTC) in the store, Vietnam wall-clock
strings on the axes. One place, so a figure builder's full draw and a live chart's
patches write the same x values."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import pandas as pd

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_x(ts_ms: pd.Series | list) -> list[str]:
    """Epoch ms (UTC) as Vietnam wall-clock strings for an x axis."""
    return [_local(int(v)) for v in ts_ms]


@lru_cache(maxsize=65_536)
def _local(ts_ms: int) -> str:
    # Cached: every trace and every tick draws the same bucket starts.
    seconds = datetime.fromtimestamp(ts_ms // 1000, TZ)
    return seconds.strftime("%Y-%m-%d %H:%M:%S")


def values(series: pd.Series) -> list[float | None]:
    """A frame's column as plain floats, NaN as None (a gap in the line)."""
    return [None if pd.isna(v) else float(v) for v in series]


def series_xy(df: pd.DataFrame | None) -> tuple[list[str], list[float | None]]:
    """x (local time strings) and y (means) of a series frame (columns ts, mean), for a
    trace or a Patch."""
    if df is None or df.empty:
        return [], []
    return local_x(df["ts"]), values(df["mean"])


def x_range(x_range: tuple[int, int]) -> list[str]:
    """An x axis range (epoch ms) in the axes' local wall-clock strings."""
    return local_x(list(x_range))
