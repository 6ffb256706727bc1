"""Air quality index on two scales: Vietnam's VN_AQI and the US EPA AQI.

Pure functions: no database, no Dash. Concentrations are what the store holds, every
pollutant in µg/m³ (gases at 25 °C), keyed by the store's metric names (``POLLUTANTS``).
Hourly sequences are given most recent hour FIRST, ``None`` (or NaN) for a missing hour.

Sources
-------
VN (``scale="vn"``): Quyết định 1459/QĐ-TCMT, 12/11/2019, Tổng cục Môi trường,
"Hướng dẫn kỹ thuật tính toán và công bố chỉ số chất lượng không khí Việt Nam (VN_AQI)"
(https://vea.mae.gov.vn/Data/files/QD%201459%20TCMT%20ngay%2012_11_2019%20AQI(1).pdf,
also on thuvienphapluat.vn and cem.gov.vn). Table 1 gives the six bands and their RGB
colours, Table 2 the breakpoints BP_i (µg/m³ for every pollutant, CO included), §2.2.1
the NowCast and the hourly AQI, §2.2.2 the daily AQI, §2.1.b the rule that PM2.5 or PM10
must be part of the index.

EPA (``scale="epa"``): 40 CFR Part 58 Appendix G, Table 2, as revised by the PM NAAQS
rule of 2024 (89 FR 16202, in force 2024-05-06: PM2.5 0–9.0 / 9.1–35.4 / 35.5–55.4 /
55.5–125.4 / 125.5–225.4 / 225.5–325.4, the two "Hazardous" rows of every pollutant
merged into one 301–500 row), and the Technical Assistance Document EPA-454/B-24-002
(May 2024) for the truncation, the NowCast and the O3 and SO2 special cases.

Rounding, and why
-----------------
VN: concentrations are used as measured (the decision truncates nothing, and its
worked examples interpolate unrounded values). Each sub-index is rounded to the
nearest integer, halves up, because the decision says the AQI "được làm tròn thành số
nguyên" and its worked examples round 109.5 up to 110 (Python's ``round`` would give
the even 110 there but 108 for 108.5). The overall AQI is the max of the rounded
sub-indices, which equals the rounded max since rounding is monotone. The decision's
hourly example prints NO2 = 60 where its own formula gives 59.35; we return 59 (ceil
would break its daily NO2 example, 65.4 -> 65).
EPA: the concentration, converted to the table's unit, is TRUNCATED to the table's
precision (PM2.5 0.1 µg/m³, PM10 1 µg/m³, O3 0.001 ppm, CO 0.1 ppm, SO2 and NO2 1 ppb),
as the TAD prescribes, so it lands on the table's grid (9.0 | 9.1) and never in a gap;
the index is then rounded half up.
Both: before truncating or rounding, values are snapped to 6 decimals so that float
noise (a stored 35.5 read back as 35.4999999999) cannot push a value across an edge.

Choices where the texts are silent or leave options
---------------------------------------------------
- Above the top breakpoint the sub-index is capped at 500 (VN Table 2 writes the top
  row as "≥"; EPA calls it "Beyond the AQI" and gives no index).
- Where a table cell is "-" (VN O3 8h above 400 µg/m³; EPA O3 8h above 0.200 ppm, EPA
  O3 1h below 0.125 ppm, EPA SO2 1h above 304 ppb, EPA SO2 24h below 305 ppb)
  ``sub_index`` returns None and the daily/hourly functions fall back to the other
  averaging: O3 takes the larger of the 1h and 8h sub-indices that exist; EPA SO2 above
  304 ppb (1h) uses the 24h mean, and if that is under 305 ppb (or missing) the
  sub-index is 200, the TAD's rule.
- NowCast: the decision writes the w = 1/2 case as Σ (1/2)^i·c_i without dividing by
  the weights; we use the normalised Σ w^(i-1)·c_i / Σ w^(i-1) for every w, as the EPA
  does. With 12 hours present the two differ by a factor 1 - 2^-12; with a missing hour
  (weight 0, as the decision says) only the normalised form stays an average. The
  VN and EPA NowCasts are therefore the same function; EPA's truncation of the NowCast
  happens in ``sub_index``. Both need 2 of the 3 most recent hours.
- 8h and 24h means need 75 % of their hours (6 of 8, 18 of 24). The EPA uses this
  rule; the decision states none, and without one a "daily mean" of two hours would
  pass. Daily maxima of 1h values use whatever hours exist (a lower bound).
- Daily O3 8h means are the windows ending in each hour of the day; pass up to 7 hours
  of the previous day after the day's 24 values to complete the early windows (the
  decision's own example does this).
- Hourly: VN uses the current hour for O3 (1h table), NO2, SO2 and CO (§2.2.1.b). EPA
  uses the mean of the last 8 hours for CO and for O3 (together with the 1h value),
  since its table has no 1h CO and AirNow's O3 NowCast is a fitted regression we do not
  reproduce.
- The VN index needs a PM2.5 or PM10 sub-index (§2.1.b); without one ``aqi`` is None
  but the gas sub-indices are still returned. The EPA has no such rule.
- Dominant pollutant: the highest sub-index; ties go to the earlier of ``POLLUTANTS``.
- Negative readings (analyser noise near zero) count as 0; NaN and inf as missing.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import pandas as pd

POLLUTANTS = ("pm25", "pm10", "o3", "no2", "so2", "co")
SCALES = ("vn", "epa")
PM = ("pm25", "pm10")

NOWCAST_HOURS = 12
MOLAR_VOLUME_L = 24.45  # L/mol at 25 °C and 1 atm: the store's gases are at 25 °C
MOLAR_MASS = {"no2": 46.01, "so2": 64.07, "co": 28.01, "o3": 48.00}  # g/mol
_SNAP = 6  # decimals kept before truncating/rounding, to drop float noise

# --- VN_AQI: QĐ 1459/QĐ-TCMT, Table 2, µg/m³. I_i for i = 1..8 --------------------
VN_LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)
VN_BREAKPOINTS: dict[str, tuple[float, ...]] = {
    "o3_1h": (0, 160, 200, 300, 400, 800, 1_000, 1_200),
    "o3_8h": (0, 100, 120, 170, 210, 400),  # "-" for I = 400 and 500
    "co": (0, 10_000, 30_000, 45_000, 60_000, 90_000, 120_000, 150_000),
    "so2": (0, 125, 350, 550, 800, 1_600, 2_100, 2_630),
    "no2": (0, 100, 200, 700, 1_200, 2_350, 3_100, 3_850),
    "pm10": (0, 50, 150, 250, 350, 420, 500, 600),
    "pm25": (0, 25, 50, 80, 150, 250, 350, 500),
}
# (pollutant, averaging) -> column. PM "1h" is the NowCast (formula 2, same table).
_VN_COLUMN = {
    ("pm25", "1h"): "pm25",
    ("pm25", "24h"): "pm25",
    ("pm10", "1h"): "pm10",
    ("pm10", "24h"): "pm10",
    ("o3", "1h"): "o3_1h",
    ("o3", "8h"): "o3_8h",
    ("no2", "1h"): "no2",
    ("so2", "1h"): "so2",
    ("co", "1h"): "co",
}

# --- EPA: 40 CFR 58 App. G Table 2 (2024). Rows (C_lo, C_hi, I_lo, I_hi) ------------
Row = tuple[float, float, int, int]
EPA_UNITS = {
    "pm25": "µg/m³",
    "pm10": "µg/m³",
    "o3": "ppm",
    "co": "ppm",
    "so2": "ppb",
    "no2": "ppb",
}
EPA_DECIMALS = {"pm25": 1, "pm10": 0, "o3": 3, "co": 1, "so2": 0, "no2": 0}
_PM25: tuple[Row, ...] = (
    (0.0, 9.0, 0, 50),
    (9.1, 35.4, 51, 100),
    (35.5, 55.4, 101, 150),
    (55.5, 125.4, 151, 200),
    (125.5, 225.4, 201, 300),
    (225.5, 325.4, 301, 500),
)
_PM10: tuple[Row, ...] = (
    (0, 54, 0, 50),
    (55, 154, 51, 100),
    (155, 254, 101, 150),
    (255, 354, 151, 200),
    (355, 424, 201, 300),
    (425, 604, 301, 500),
)
EPA_BREAKPOINTS: dict[tuple[str, str], tuple[Row, ...]] = {
    ("pm25", "24h"): _PM25,
    ("pm25", "1h"): _PM25,  # NowCast
    ("pm10", "24h"): _PM10,
    ("pm10", "1h"): _PM10,  # NowCast
    ("o3", "8h"): (
        (0.000, 0.054, 0, 50),
        (0.055, 0.070, 51, 100),
        (0.071, 0.085, 101, 150),
        (0.086, 0.105, 151, 200),
        (0.106, 0.200, 201, 300),
    ),
    ("o3", "1h"): (
        (0.125, 0.164, 101, 150),
        (0.165, 0.204, 151, 200),
        (0.205, 0.404, 201, 300),
        (0.405, 0.604, 301, 500),
    ),
    ("co", "8h"): (
        (0.0, 4.4, 0, 50),
        (4.5, 9.4, 51, 100),
        (9.5, 12.4, 101, 150),
        (12.5, 15.4, 151, 200),
        (15.5, 30.4, 201, 300),
        (30.5, 50.4, 301, 500),
    ),
    ("so2", "1h"): (
        (0, 35, 0, 50),
        (36, 75, 51, 100),
        (76, 185, 101, 150),
        (186, 304, 151, 200),
    ),
    ("so2", "24h"): ((305, 604, 201, 300), (605, 1004, 301, 500)),
    ("no2", "1h"): (
        (0, 53, 0, 50),
        (54, 100, 51, 100),
        (101, 360, 101, 150),
        (361, 649, 151, 200),
        (650, 1249, 201, 300),
        (1250, 2049, 301, 500),
    ),
}
_EPA_SO2_CEILING_1H = 200  # TAD: 1h ≥ 305 ppb but 24h < 305 ppb -> AQI 200


@dataclass(frozen=True)
class Category:
    key: str
    low: int
    high: int
    name_vi: str
    name_en: str
    color_hex: str


# Keys are shared by both scales so the UI can style a band without knowing the scale.
# VN names and colours: QĐ 1459 Table 1 (English names are ours: the decision has none).
# EPA names and colours: TAD 2024 Table 1 (Vietnamese names are our translation).
CATEGORIES: dict[str, list[Category]] = {
    "vn": [
        Category("good", 0, 50, "Tốt", "Good", "#00E400"),
        Category("moderate", 51, 100, "Trung bình", "Moderate", "#FFFF00"),
        Category("poor", 101, 150, "Kém", "Poor", "#FF7E00"),
        Category("bad", 151, 200, "Xấu", "Bad", "#FF0000"),
        Category("very_bad", 201, 300, "Rất xấu", "Very bad", "#8F3F97"),
        Category("hazardous", 301, 500, "Nguy hại", "Hazardous", "#7E0023"),
    ],
    "epa": [
        Category("good", 0, 50, "Tốt", "Good", "#00E400"),
        Category("moderate", 51, 100, "Trung bình", "Moderate", "#FFFF00"),
        Category(
            "poor",
            101,
            150,
            "Không tốt cho nhóm nhạy cảm",
            "Unhealthy for Sensitive Groups",
            "#FF7E00",
        ),
        Category("bad", 151, 200, "Không tốt cho sức khỏe", "Unhealthy", "#FF0000"),
        Category(
            "very_bad",
            201,
            300,
            "Rất không tốt cho sức khỏe",
            "Very Unhealthy",
            "#8F3F97",
        ),
        Category("hazardous", 301, 500, "Nguy hại", "Hazardous", "#7E0023"),
    ],
}


@dataclass(frozen=True)
class AqiResult:
    aqi: int | None
    category: str | None
    dominant: str | None
    sub_indices: dict[str, int]


# --- small numeric helpers ---------------------------------------------------------


def _clean(value: float | None) -> float | None:
    """A usable number, or None for a missing, NaN or infinite one."""
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _clean_series(values: Sequence[float | None] | None) -> list[float | None]:
    return [] if values is None else [_clean(v) for v in values]


def _round_half_up(x: float) -> int:
    return math.floor(round(x, _SNAP) + 0.5)


def _truncate(x: float, decimals: int) -> float:
    scale = 10**decimals
    return math.floor(round(x * scale, _SNAP)) / scale


def _interpolate(c: float, c_lo: float, c_hi: float, i_lo: int, i_hi: int) -> int:
    return _round_half_up((i_hi - i_lo) / (c_hi - c_lo) * (c - c_lo) + i_lo)


def _max_present(*indices: int | None) -> int | None:
    present = [i for i in indices if i is not None]
    return max(present) if present else None


def _first(values: list[float | None]) -> float | None:
    return values[0] if values else None


def _max(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if present else None


def _window_mean(
    values: list[float | None], start: int, length: int, need: int
) -> float | None:
    """Mean of values[start:start+length] if at least ``need`` of them exist."""
    present = [v for v in values[start : start + length] if v is not None]
    return sum(present) / len(present) if len(present) >= need else None


def _mean_8h(values: list[float | None], start: int = 0) -> float | None:
    return _window_mean(values, start, 8, 6)


def _mean_24h(values: list[float | None]) -> float | None:
    return _window_mean(values, 0, 24, 18)


def _max_8h(values: list[float | None]) -> float | None:
    """Largest 8h mean among the windows ending in each of the day's 24 hours."""
    return _max([_mean_8h(values, j) for j in range(min(24, len(values)))])


# --- sub-indices -------------------------------------------------------------------


def epa_concentration(pollutant: str, ugm3: float) -> float:
    """µg/m³ (25 °C) in the unit of the EPA table: ppm for O3 and CO, ppb for NO2 and
    SO2, unchanged for PM."""
    if pollutant in PM:
        return ugm3
    ppb = ugm3 * MOLAR_VOLUME_L / MOLAR_MASS[pollutant]
    return ppb / 1000 if EPA_UNITS[pollutant] == "ppm" else ppb


def _vn_index(breakpoints: tuple[float, ...], c: float) -> int | None:
    if c > breakpoints[-1]:
        # A full column ends in "≥ BP_8" (cap at 500); a short one in "-" (undefined).
        return VN_LEVELS[-1] if len(breakpoints) == len(VN_LEVELS) else None
    for i in range(1, len(breakpoints)):
        if c <= breakpoints[i]:
            lo, hi = breakpoints[i - 1], breakpoints[i]
            return _interpolate(c, lo, hi, VN_LEVELS[i - 1], VN_LEVELS[i])
    return None  # unreachable: c <= breakpoints[-1]


def _epa_index(rows: tuple[Row, ...], c: float) -> int | None:
    for c_lo, c_hi, i_lo, i_hi in rows:
        if c <= c_hi:
            # Below the first row of a column that starts late (O3 1h, SO2 24h): "-".
            return None if c < c_lo else _interpolate(c, c_lo, c_hi, i_lo, i_hi)
    # Above the table: cap at 500, unless the column stops early (O3 8h, SO2 1h): "-".
    return 500 if rows[-1][3] == 500 else None


def sub_index(
    pollutant: str,
    concentration: float | None,
    scale: str = "vn",
    averaging: str = "1h",
) -> int | None:
    """The sub-index of one pollutant from a concentration in µg/m³.

    ``averaging`` names the table column: VN accepts PM "1h" (a NowCast) and "24h",
    O3 "1h" and "8h", NO2/SO2/CO "1h"; EPA accepts PM "1h" (a NowCast) and "24h", O3
    "1h" and "8h", CO "8h", SO2 "1h" and "24h", NO2 "1h". Returns None for a missing
    concentration or where the table has no value ("-"); caps at 500 above the table.
    """
    if scale == "vn":
        column = _VN_COLUMN.get((pollutant, averaging))
        if column is None:
            raise ValueError(f"no VN_AQI breakpoints for {pollutant} {averaging}")
        c = _clean(concentration)
        return None if c is None else _vn_index(VN_BREAKPOINTS[column], max(c, 0.0))
    if scale == "epa":
        rows = EPA_BREAKPOINTS.get((pollutant, averaging))
        if rows is None:
            raise ValueError(f"no EPA breakpoints for {pollutant} {averaging}")
        c = _clean(concentration)
        if c is None:
            return None
        value = epa_concentration(pollutant, max(c, 0.0))
        return _epa_index(rows, _truncate(value, EPA_DECIMALS[pollutant]))
    raise ValueError(f"unknown scale {scale!r}; expected one of {SCALES}")


def nowcast(hourly: Sequence[float | None]) -> float | None:
    """The PM NowCast of up to 12 hourly means, most recent first (c1, c2, ...).

    None unless at least 2 of c1..c3 exist; a missing hour gets weight 0. Identical for
    VN (QĐ 1459 §2.2.1.a) and EPA; see the module notes on the normalisation.
    """
    c = _clean_series(list(hourly)[:NOWCAST_HOURS])
    if sum(v is not None for v in c[:3]) < 2:
        return None
    present = [(i, v) for i, v in enumerate(c) if v is not None]
    c_min = min(v for _, v in present)
    c_max = max(v for _, v in present)
    w_star = c_min / c_max if c_max > 0 else 1.0
    w = w_star if w_star > 0.5 else 0.5
    return sum(w**i * v for i, v in present) / sum(w**i for i, _ in present)


# --- per-pollutant rules of each scale ---------------------------------------------

Rule = Callable[[str, list[float | None]], int | None]


def _epa_so2(c_1h: float | None, c_24h: float | None) -> int | None:
    low = sub_index("so2", c_1h, "epa", "1h")
    if c_1h is None or low is not None:
        return low
    high = sub_index("so2", c_24h, "epa", "24h")
    return _EPA_SO2_CEILING_1H if high is None else high


def _vn_hourly(p: str, s: list[float | None]) -> int | None:
    if p in PM:
        return sub_index(p, nowcast(s), "vn", "1h")
    return sub_index(p, _first(s), "vn", "1h")  # O3 uses the 1h column (Table 2 note)


def _epa_hourly(p: str, s: list[float | None]) -> int | None:
    if p in PM:
        return sub_index(p, nowcast(s), "epa", "1h")
    if p == "o3":
        return _max_present(
            sub_index("o3", _mean_8h(s), "epa", "8h"),
            sub_index("o3", _first(s), "epa", "1h"),
        )
    if p == "co":
        return sub_index("co", _mean_8h(s), "epa", "8h")
    if p == "so2":
        return _epa_so2(_first(s), _mean_24h(s))
    return sub_index(p, _first(s), "epa", "1h")


def _vn_daily(p: str, s: list[float | None]) -> int | None:
    if p in PM:
        return sub_index(p, _mean_24h(s), "vn", "24h")
    max_1h = _max(s[:24])
    if p == "o3":
        # The 8h column stops at 400 µg/m³; above it only the 1h value counts (2.2.2.b).
        return _max_present(
            sub_index("o3", _max_8h(s), "vn", "8h"), sub_index("o3", max_1h, "vn", "1h")
        )
    return sub_index(p, max_1h, "vn", "1h")


def _epa_daily(p: str, s: list[float | None]) -> int | None:
    if p in PM:
        return sub_index(p, _mean_24h(s), "epa", "24h")
    max_1h = _max(s[:24])
    if p == "o3":
        return _max_present(
            sub_index("o3", _max_8h(s), "epa", "8h"),
            sub_index("o3", max_1h, "epa", "1h"),
        )
    if p == "co":
        return sub_index("co", _max_8h(s), "epa", "8h")
    if p == "so2":
        return _epa_so2(max_1h, _mean_24h(s))
    return sub_index(p, max_1h, "epa", "1h")


_HOURLY: dict[str, Rule] = {"vn": _vn_hourly, "epa": _epa_hourly}
_DAILY: dict[str, Rule] = {"vn": _vn_daily, "epa": _epa_daily}


# --- overall index -----------------------------------------------------------------


def _categories(scale: str) -> list[Category]:
    if scale not in CATEGORIES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {SCALES}")
    return CATEGORIES[scale]


def category(aqi: int, scale: str = "vn") -> str:
    """The category key of an AQI value; above 500 is still "hazardous"."""
    bands = _categories(scale)
    if aqi < 0:
        raise ValueError(f"negative AQI {aqi}")
    return next((c.key for c in bands if aqi <= c.high), bands[-1].key)


def _combine(subs: dict[str, int], scale: str) -> AqiResult:
    if not subs or (scale == "vn" and not any(p in subs for p in PM)):
        return AqiResult(None, None, None, subs)
    dominant = max(subs, key=lambda p: (subs[p], -POLLUTANTS.index(p)))
    aqi = subs[dominant]
    return AqiResult(aqi, category(aqi, scale), dominant, subs)


def _aggregate(
    means: Mapping[str, Sequence[float | None]], scale: str, rules: dict[str, Rule]
) -> AqiResult:
    _categories(scale)  # validates the scale
    subs: dict[str, int] = {}
    for p in POLLUTANTS:
        series = _clean_series(means.get(p))
        index = rules[scale](p, series) if series else None
        if index is not None:
            subs[p] = index
    return _combine(subs, scale)


def hourly_aqi(
    hourly_means: Mapping[str, Sequence[float | None]], scale: str = "vn"
) -> AqiResult:
    """The AQI of the latest hour. Each sequence holds hourly means, most recent first:
    12 for PM (NowCast); for EPA also 8 for O3 and CO, 24 for SO2."""
    return _aggregate(hourly_means, scale, _HOURLY)


def daily_aqi(
    hourly_means_of_the_day: Mapping[str, Sequence[float | None]], scale: str = "vn"
) -> AqiResult:
    """The AQI of one day from its 24 hourly means, most recent (last hour) first.

    O3 and CO sequences may carry up to 7 more hours of the previous day after the 24,
    so the day's early 8h windows are complete.
    """
    return _aggregate(hourly_means_of_the_day, scale, _DAILY)


# --- from the store ----------------------------------------------------------------


def _utc(ts: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(ts):
        return pd.to_datetime(ts, unit="ms", utc=True)
    return pd.to_datetime(ts, utc=True)  # naive datetimes are taken as UTC


def _utc_hour(end: int | float | datetime | pd.Timestamp) -> pd.Timestamp:
    if isinstance(end, (int, float)):
        stamp = pd.Timestamp(int(end), unit="ms", tz="UTC")
    else:
        stamp = pd.Timestamp(end)
        stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert("UTC").floor("h")


def hourly_means_from_frame(
    df: pd.DataFrame,
    end: int | float | datetime | pd.Timestamp,
    hours: int = 24,
) -> dict[str, list[float | None]]:
    """Turn hourly rollups (columns ts, metric, mean) into the sequences above.

    ``ts`` is UTC epoch ms or a datetime; ``end`` (same kinds) is the latest hour to
    include. Returns ``hours`` values per pollutant present, most recent first, None
    for an hour without a row. Other metrics are ignored.
    """
    if df.empty:
        return {}
    frame = pd.DataFrame(
        {
            "ts": _utc(df["ts"]).dt.floor("h"),
            "metric": df["metric"],
            "mean": pd.to_numeric(df["mean"], errors="coerce"),
        }
    )
    frame = frame[frame["metric"].isin(POLLUTANTS)]
    if frame.empty:
        return {}
    table = frame.pivot_table(index="ts", columns="metric", values="mean")
    wanted = pd.date_range(end=_utc_hour(end), periods=hours, freq="h")[::-1]
    # Same resolution on both sides, or pandas would not match the stamps.
    table.index = pd.DatetimeIndex(table.index).as_unit("ns")
    table = table.reindex(wanted.as_unit("ns"))
    return {
        m: [None if pd.isna(v) else float(v) for v in table[m]]
        for m in POLLUTANTS
        if m in table.columns
    }
