"""VN_AQI (QĐ 1459/QĐ-TCMT) and US EPA AQI: worked examples computed by hand.

Every expected value below comes from the breakpoint tables, transcribed again here,
and the interpolation I = (I_hi - I_lo) / (BP_hi - BP_lo) * (C - BP_lo) + I_lo, with
the arithmetic in a comment. Nothing expected is computed by the code under test.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from store import aqi
from store.aqi import AqiResult

# ---------------------------------------------------------------------------------
# Tables transcribed from the sources (a second, independent transcription).
# ---------------------------------------------------------------------------------

# QĐ 1459/QĐ-TCMT, Table 2 (µg/m³). I_i = 0, 50, 100, 150, 200, 300, 400, 500.
I_LEVELS = (0, 50, 100, 150, 200, 300, 400, 500)
VN_TABLE_2 = {
    ("o3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    ("o3", "8h"): (0, 100, 120, 170, 210, 400),  # "-" for I = 400, 500
    ("co", "1h"): (0, 10000, 30000, 45000, 60000, 90000, 120000, 150000),
    ("so2", "1h"): (0, 125, 350, 550, 800, 1600, 2100, 2630),
    ("no2", "1h"): (0, 100, 200, 700, 1200, 2350, 3100, 3850),
    ("pm10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("pm25", "24h"): (0, 25, 50, 80, 150, 250, 350, 500),
    # The hourly PM index feeds the NowCast into the same column (formula 2).
    ("pm10", "1h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("pm25", "1h"): (0, 25, 50, 80, 150, 250, 350, 500),
}

# µg/m³ at 25 °C from ppb / ppm: µg/m³ = ppb * M / 24.45.
MV = 24.45
M = {"no2": 46.01, "so2": 64.07, "co": 28.01, "o3": 48.00}


def from_ppb(pollutant: str, ppb: float) -> float:
    return ppb * M[pollutant] / MV


def from_ppm(pollutant: str, ppm: float) -> float:
    return ppm * 1000 * M[pollutant] / MV


# 40 CFR 58 App. G Table 2 (2024), in the table's unit: (C_lo, C_hi, I_lo, I_hi).
EPA_TABLE = {
    ("pm25", "24h"): [
        (0.0, 9.0, 0, 50),
        (9.1, 35.4, 51, 100),
        (35.5, 55.4, 101, 150),
        (55.5, 125.4, 151, 200),
        (125.5, 225.4, 201, 300),
        (225.5, 325.4, 301, 500),
    ],
    ("pm10", "24h"): [
        (0, 54, 0, 50),
        (55, 154, 51, 100),
        (155, 254, 101, 150),
        (255, 354, 151, 200),
        (355, 424, 201, 300),
        (425, 604, 301, 500),
    ],
    ("o3", "8h"): [
        (0.000, 0.054, 0, 50),
        (0.055, 0.070, 51, 100),
        (0.071, 0.085, 101, 150),
        (0.086, 0.105, 151, 200),
        (0.106, 0.200, 201, 300),
    ],
    ("o3", "1h"): [
        (0.125, 0.164, 101, 150),
        (0.165, 0.204, 151, 200),
        (0.205, 0.404, 201, 300),
        (0.405, 0.604, 301, 500),
    ],
    ("co", "8h"): [
        (0.0, 4.4, 0, 50),
        (4.5, 9.4, 51, 100),
        (9.5, 12.4, 101, 150),
        (12.5, 15.4, 151, 200),
        (15.5, 30.4, 201, 300),
        (30.5, 50.4, 301, 500),
    ],
    ("so2", "1h"): [
        (0, 35, 0, 50),
        (36, 75, 51, 100),
        (76, 185, 101, 150),
        (186, 304, 151, 200),
    ],
    ("so2", "24h"): [(305, 604, 201, 300), (605, 1004, 301, 500)],
    ("no2", "1h"): [
        (0, 53, 0, 50),
        (54, 100, 51, 100),
        (101, 360, 101, 150),
        (361, 649, 151, 200),
        (650, 1249, 201, 300),
        (1250, 2049, 301, 500),
    ],
}
EPA_UNIT = {
    "pm25": "ug",
    "pm10": "ug",
    "o3": "ppm",
    "co": "ppm",
    "so2": "ppb",
    "no2": "ppb",
}


def epa_ugm3(pollutant: str, value: float) -> float:
    """A value in the EPA table's unit back in µg/m³, as the store holds it."""
    unit = EPA_UNIT[pollutant]
    if unit == "ppm":
        return from_ppm(pollutant, value)
    return from_ppb(pollutant, value) if unit == "ppb" else value


# The decision's NowCast example (§2.3.a), 20:00 (most recent) back to 09:00.
DECISION_PM25 = [
    20.6,
    19.6,
    22.4,
    20.3,
    16.5,
    19.0,
    16.5,
    19.5,
    23.5,
    20.5,
    24.7,
    26.9,
]


# ---------------------------------------------------------------------------------
# VN sub-indices
# ---------------------------------------------------------------------------------

VN_EDGES = [
    pytest.param(p, avg, bp, i, id=f"vn-{p}-{avg}-{bp}")
    for (p, avg), bps in VN_TABLE_2.items()
    for bp, i in zip(bps, I_LEVELS)
]


@pytest.mark.parametrize("pollutant, averaging, bp, expected", VN_EDGES)
def test_vn_every_breakpoint_maps_to_its_level(pollutant, averaging, bp, expected):
    # At C = BP_i the formula gives (…) * (BP_i - BP_i) + I_i = I_i.
    assert aqi.sub_index(pollutant, bp, "vn", averaging) == expected


@pytest.mark.parametrize(
    "pollutant, averaging, conc, expected",
    [
        # PM2.5 37.5: (100-50)/(50-25)*(37.5-25)+50 = 2*12.5+50 = 75
        ("pm25", "24h", 37.5, 75),
        # PM2.5 300: (400-300)/(350-250)*(300-250)+300 = 50+300 = 350
        ("pm25", "24h", 300, 350),
        # PM2.5 12.25: 50/25*12.25 = 24.5 -> 25 (half up; round() would give 24)
        ("pm25", "24h", 12.25, 25),
        # PM2.5 12.2: 50/25*12.2 = 24.4 -> 24
        ("pm25", "24h", 12.2, 24),
        # PM2.5 NowCast 20.3 (decision §2.3.b): 50/25*20.3 = 40.6 -> 41
        ("pm25", "1h", 20.3, 41),
        # PM2.5 55.7 (decision §2.3.c): (150-100)/(80-50)*(55.7-50)+100 = 109.5 -> 110
        ("pm25", "24h", 55.7, 110),
        # PM10 100: (100-50)/(150-50)*(100-50)+50 = 75
        ("pm10", "24h", 100, 75),
        # PM10 385: (300-200)/(420-350)*(385-350)+200 = 100/70*35+200 = 250
        ("pm10", "24h", 385, 250),
        # PM10 550: (500-400)/(600-500)*(550-500)+400 = 450
        ("pm10", "1h", 550, 450),
        # O3 1h 250: (150-100)/(300-200)*(250-200)+100 = 125
        ("o3", "1h", 250, 125),
        # O3 1h 900: (400-300)/(1000-800)*(900-800)+300 = 350
        ("o3", "1h", 900, 350),
        # O3 1h 136.1 (decision §2.3.b): 50/160*136.1 = 42.53 -> 43
        ("o3", "1h", 136.1, 43),
        # O3 1h 114.6 (decision §2.3.c): 50/160*114.6 = 35.81 -> 36
        ("o3", "1h", 114.6, 36),
        # O3 8h 145: (150-100)/(170-120)*(145-120)+100 = 125
        ("o3", "8h", 145, 125),
        # O3 8h 305: (300-200)/(400-210)*(305-210)+200 = 100/190*95+200 = 250
        ("o3", "8h", 305, 250),
        # O3 8h 89.3 (decision §2.3.c): 50/100*89.3 = 44.65 -> 45
        ("o3", "8h", 89.3, 45),
        # CO 20000: (100-50)/(30000-10000)*(20000-10000)+50 = 75
        ("co", "1h", 20000, 75),
        # CO 75000: (300-200)/(90000-60000)*(75000-60000)+200 = 250
        ("co", "1h", 75000, 250),
        # SO2 450: (150-100)/(550-350)*(450-350)+100 = 125
        ("so2", "1h", 450, 125),
        # SO2 2365: (500-400)/(2630-2100)*(2365-2100)+400 = 100/530*265+400 = 450
        ("so2", "1h", 2365, 450),
        # NO2 950: (200-150)/(1200-700)*(950-700)+150 = 175
        ("no2", "1h", 950, 175),
        # NO2 2725: (400-300)/(3100-2350)*(2725-2350)+300 = 100/750*375+300 = 350
        ("no2", "1h", 2725, 350),
        # NO2 118.7 (decision §2.3.b): (100-50)/(200-100)*(118.7-100)+50 = 59.35 -> 59.
        # The decision prints 60; its own formula gives 59.35 (see store/aqi.py).
        ("no2", "1h", 118.7, 59),
        # NO2 130.8 (decision §2.3.c): 50/100*30.8+50 = 65.4 -> 65
        ("no2", "1h", 130.8, 65),
    ],
)
def test_vn_values_between_breakpoints(pollutant, averaging, conc, expected):
    assert aqi.sub_index(pollutant, conc, "vn", averaging) == expected


@pytest.mark.parametrize(
    "pollutant, averaging, conc",
    [
        ("pm25", "24h", 500.1),
        ("pm25", "1h", 900),
        ("pm10", "24h", 601),
        ("o3", "1h", 1500),
        ("co", "1h", 200000),
        ("so2", "1h", 3000),
        ("no2", "1h", 4000),
    ],
)
def test_vn_caps_at_500_above_the_table(pollutant, averaging, conc):
    # Table 2's last row is "≥ BP_8" -> I = 500, whatever the excess.
    assert aqi.sub_index(pollutant, conc, "vn", averaging) == 500


@pytest.mark.parametrize("conc", [400.1, 401, 1000])
def test_vn_o3_8h_has_no_index_above_400(conc):
    # Table 2 has "-" for O3 8h at I = 400 and 500: only the 1h value may be used.
    assert aqi.sub_index("o3", conc, "vn", "8h") is None


@pytest.mark.parametrize("conc", [None, float("nan"), float("inf")])
def test_missing_concentration_has_no_index(conc):
    assert aqi.sub_index("pm25", conc, "vn", "24h") is None
    assert aqi.sub_index("pm25", conc, "epa", "24h") is None


def test_negative_readings_count_as_zero():
    assert aqi.sub_index("no2", -3.0) == 0
    assert aqi.sub_index("no2", -3.0, "epa") == 0


@pytest.mark.parametrize(
    "pollutant, scale, averaging",
    [
        ("co", "vn", "8h"),  # VN has CO 1h only
        ("no2", "vn", "24h"),
        ("pm25", "who", "24h"),  # unknown scale
        ("nox", "vn", "1h"),  # not an AQI pollutant
        ("co", "epa", "1h"),  # EPA has CO 8h only
        ("no2", "epa", "8h"),
    ],
)
def test_a_column_the_tables_lack_is_an_error(pollutant, scale, averaging):
    with pytest.raises(ValueError):
        aqi.sub_index(pollutant, 1.0, scale, averaging)


# ---------------------------------------------------------------------------------
# EPA sub-indices
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "pollutant, ugm3, expected",
    [
        # ppb = µg/m³ * 24.45 / M: M µg/m³ of any gas is 24.45 ppb
        ("no2", 46.01, 24.45),
        ("so2", 64.07, 24.45),
        # ppm = ppb / 1000
        ("co", 28.01, 0.02445),
        ("o3", 48.00, 0.02445),
        # 188.18 µg/m³ NO2 = 188.18 * 24.45 / 46.01 = 4601.0 / 46.01 = 100.00 ppb
        ("no2", 188.18, 100.0),
        # PM stays in µg/m³
        ("pm25", 12.3, 12.3),
        ("pm10", 80.0, 80.0),
    ],
)
def test_epa_unit_conversion(pollutant, ugm3, expected):
    assert aqi.epa_concentration(pollutant, ugm3) == pytest.approx(expected, abs=1e-4)


EPA_EDGES = [
    pytest.param(p, avg, c, i, id=f"epa-{p}-{avg}-{c}")
    for (p, avg), rows in EPA_TABLE.items()
    for c_lo, c_hi, i_lo, i_hi in rows
    for c, i in ((c_lo, i_lo), (c_hi, i_hi))
]


@pytest.mark.parametrize("pollutant, averaging, conc, expected", EPA_EDGES)
def test_epa_every_breakpoint_maps_to_its_level(pollutant, averaging, conc, expected):
    # C = C_lo gives I_lo; C = C_hi gives (I_hi-I_lo)/(C_hi-C_lo)*(C_hi-C_lo)+I_lo,
    # which is I_hi.
    # Gases go in as µg/m³ and survive the round trip through the unit conversion.
    ugm3 = epa_ugm3(pollutant, conc)
    assert aqi.sub_index(pollutant, ugm3, "epa", averaging) == expected


@pytest.mark.parametrize(
    "pollutant, averaging, value, expected",
    [
        # PM2.5 12.0: (100-51)/(35.4-9.1)*(12.0-9.1)+51 = 49/26.3*2.9+51 = 56.40 -> 56
        ("pm25", "24h", 12.0, 56),
        # PM2.5 275.0: (500-301)/(325.4-225.5)*(275-225.5)+301 = 98.60+301 -> 400
        ("pm25", "24h", 275.0, 400),
        # PM2.5 9.09 truncates to 9.0 -> 50 (not an interpolated 50.9)
        ("pm25", "24h", 9.09, 50),
        # PM2.5 35.49 truncates to 35.4 -> 100
        ("pm25", "1h", 35.49, 100),
        # PM10 100: (100-51)/(154-55)*(100-55)+51 = 49/99*45+51 = 73.27 -> 73
        ("pm10", "24h", 100, 73),
        # PM10 54.9 truncates to 54 -> 50
        ("pm10", "24h", 54.9, 50),
        # O3 8h 0.0874 ppm -> 0.087: (200-151)/(0.105-0.086)*(0.087-0.086)+151
        #   = 49/0.019*0.001+151 = 153.58 -> 154
        ("o3", "8h", 0.0874, 154),
        # O3 1h 0.300 ppm: (300-201)/(0.404-0.205)*(0.300-0.205)+201 = 248.26 -> 248
        ("o3", "1h", 0.300, 248),
        # CO 7.0 ppm: (100-51)/(9.4-4.5)*(7.0-4.5)+51 = 10*2.5+51 = 76
        ("co", "8h", 7.0, 76),
        # SO2 50 ppb: (100-51)/(75-36)*(50-36)+51 = 49/39*14+51 = 68.59 -> 69
        ("so2", "1h", 50, 69),
        # SO2 24h 800 ppb: (500-301)/(1004-605)*(800-605)+301 = 398.26 -> 398
        ("so2", "24h", 800, 398),
        # NO2 200 ppb: (150-101)/(360-101)*(200-101)+101 = 49/259*99+101 = 119.73 -> 120
        ("no2", "1h", 200, 120),
        # NO2 53.9 ppb truncates to 53 -> 50
        ("no2", "1h", 53.9, 50),
    ],
)
def test_epa_values_between_breakpoints(pollutant, averaging, value, expected):
    ugm3 = epa_ugm3(pollutant, value)
    assert aqi.sub_index(pollutant, ugm3, "epa", averaging) == expected


@pytest.mark.parametrize(
    "pollutant, averaging, value",
    [
        ("pm25", "24h", 325.5),
        ("pm25", "1h", 400.0),
        ("pm10", "24h", 605),
        ("o3", "1h", 0.700),
        ("co", "8h", 60.0),
        ("so2", "24h", 1100),
        ("no2", "1h", 2100),
    ],
)
def test_epa_caps_at_500_above_the_table(pollutant, averaging, value):
    # "Beyond the AQI": we report the top of the scale.
    assert aqi.sub_index(pollutant, epa_ugm3(pollutant, value), "epa", averaging) == 500


@pytest.mark.parametrize(
    "pollutant, averaging, value",
    [
        ("o3", "8h", 0.201),  # 8h O3 does not define AQI >= 301
        ("o3", "1h", 0.124),  # 1h O3 starts at 0.125 ppm
        ("so2", "1h", 305),  # 1h SO2 does not define AQI > 200
        ("so2", "24h", 304),  # 24h SO2 starts at 305 ppb
    ],
)
def test_epa_blank_cells_have_no_index(pollutant, averaging, value):
    ugm3 = epa_ugm3(pollutant, value)
    assert aqi.sub_index(pollutant, ugm3, "epa", averaging) is None


# ---------------------------------------------------------------------------------
# NowCast
# ---------------------------------------------------------------------------------


def test_nowcast_of_the_decision_example():
    # §2.3.a: w* = 16.5/26.9 = 0.61 > 0.5 -> w = w*; the decision gets 20.3 µg/m³.
    assert aqi.nowcast(DECISION_PM25) == pytest.approx(20.3, abs=0.05)
    w = 16.5 / 26.9
    weights = [w**i for i in range(12)]
    exact = sum(x * k for x, k in zip(DECISION_PM25, weights)) / sum(weights)
    assert aqi.nowcast(DECISION_PM25) == pytest.approx(exact)


def test_nowcast_with_w_below_one_half_uses_one_half():
    # c = 80, 40, 20, then 10 x 9: w* = 10/80 = 0.125 <= 0.5 -> w = 0.5
    # numerator   = 80 + 40/2 + 20/4 + 10*(1/8 + ... + 1/2048) = 105 + 10*(1/4 - 1/2048)
    # denominator = 1 + 1/2 + ... + 1/2048 = 2 - 1/2048
    hourly = [80, 40, 20] + [10] * 9
    expected = (105 + 10 * (0.25 - 1 / 2048)) / (2 - 1 / 2048)  # 53.76
    assert aqi.nowcast(hourly) == pytest.approx(expected)


def test_nowcast_with_w_above_one_half_uses_w_star():
    # c = 30, then 20 x 11: w* = 20/30 = 2/3 > 0.5 -> w = 2/3
    # s = sum(w^k, k=0..11) = 3*(1 - (2/3)^12); NowCast = (30 + 20*(s-1))/s = 20 + 10/s
    hourly = [30] + [20] * 11
    s = 3 * (1 - (2 / 3) ** 12)
    assert aqi.nowcast(hourly) == pytest.approx(20 + 10 / s)  # 23.36


def test_nowcast_of_a_steady_series_is_its_value():
    # w* = 1 -> every hour weighs the same -> the 12-hour mean
    assert aqi.nowcast([15.0] * 12) == pytest.approx(15.0)


@pytest.mark.parametrize(
    "hourly, expected",
    [
        ([None, 10, 10] + [10] * 9, 10.0),  # c2, c3 present: 2 of 3
        ([10, None, 10] + [10] * 9, 10.0),  # c1, c3 present
        ([10, 10, None] + [10] * 9, 10.0),  # c1, c2 present
        ([None, None, 10] + [10] * 9, None),  # only c3
        ([10, None, None] + [10] * 9, None),  # only c1
        ([None, 10, None] + [10] * 9, None),  # only c2
        ([float("nan"), 10, float("nan")] + [10] * 9, None),  # NaN is missing too
        ([], None),
        ([10], None),  # one hour of the three
        # c1 = 10, c2 = 12: w* = 10/12 -> (10 + 12*10/12) / (1 + 10/12) = 120/11
        ([10, 12], 120 / 11),
    ],
)
def test_nowcast_needs_two_of_the_three_latest_hours(hourly, expected):
    result = aqi.nowcast(hourly)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


def test_nowcast_gives_missing_hours_no_weight():
    # c1 = 40, c3 = 20, the rest missing: w* = 20/40 = 0.5 -> w = 0.5
    # (40*1 + 20*0.25) / (1 + 0.25) = 45 / 1.25 = 36
    assert aqi.nowcast([40, None, 20] + [None] * 9) == pytest.approx(36.0)


def test_nowcast_reads_only_twelve_hours():
    assert aqi.nowcast([10] * 12 + [1000]) == pytest.approx(10.0)


def test_nowcast_of_clean_air_is_zero():
    assert aqi.nowcast([0.0] * 12) == 0.0


# ---------------------------------------------------------------------------------
# Hourly AQI
# ---------------------------------------------------------------------------------


def test_vn_hourly_of_the_decision_example():
    # §2.3.b: O3 136.1 -> 43; NO2 118.7 -> 59.35 -> 59 (the decision prints 60);
    # PM2.5 NowCast 20.27 -> 50/25*20.27 = 40.5 -> 41. AQI^h = max = 59 (NO2).
    result = aqi.hourly_aqi(
        {"o3": [136.1], "no2": [118.7], "pm25": DECISION_PM25}, "vn"
    )
    assert result == AqiResult(59, "moderate", "no2", {"pm25": 41, "o3": 43, "no2": 59})


def test_vn_hourly_o3_uses_the_current_hour_and_the_1h_column():
    # O3 150 now (the 8 h mean would be far higher): 50/160*150 = 46.875 -> 47
    # PM2.5 NowCast of a steady 10: 50/25*10 = 20
    result = aqi.hourly_aqi({"pm25": [10] * 12, "o3": [150] + [500] * 7}, "vn")
    assert result.sub_indices == {"pm25": 20, "o3": 47}
    assert (result.aqi, result.dominant) == (47, "o3")


def test_vn_hourly_gases_use_the_current_hour():
    # NO2 300 now, 2000 an hour ago: (150-100)/(700-200)*(300-200)+100 = 110
    result = aqi.hourly_aqi({"pm25": [10] * 12, "no2": [300, 2000]}, "vn")
    assert result.sub_indices["no2"] == 110


def test_vn_needs_pm():
    # NO2 300 -> 110, but neither PM2.5 nor PM10: no VN_AQI (§2.1.b)
    result = aqi.hourly_aqi({"no2": [300], "pm25": [None] * 12}, "vn")
    assert result == AqiResult(None, None, None, {"no2": 110})


def test_vn_without_a_nowcast_has_no_pm_and_so_no_index():
    # PM2.5 only in c3: the NowCast is not computed -> no PM -> no index
    result = aqi.hourly_aqi({"pm25": [None, None, 40] + [40] * 9, "no2": [50]}, "vn")
    assert result.aqi is None and "pm25" not in result.sub_indices


def test_vn_pm10_alone_is_enough():
    # PM10 100: (100-50)/(150-50)*(100-50)+50 = 75
    result = aqi.hourly_aqi({"pm10": [100] * 12}, "vn")
    assert result == AqiResult(75, "moderate", "pm10", {"pm10": 75})


def test_dominant_is_the_highest_sub_index():
    # PM2.5 25 -> 50; SO2 450 -> (150-100)/(550-350)*(450-350)+100 = 125
    result = aqi.hourly_aqi({"pm25": [25] * 12, "so2": [450]}, "vn")
    assert (result.aqi, result.category, result.dominant) == (125, "poor", "so2")


def test_dominant_tie_goes_to_the_first_pollutant():
    # PM2.5 25 -> 50 and PM10 50 -> 50: a tie, PM2.5 comes first
    result = aqi.hourly_aqi({"pm10": [50] * 12, "pm25": [25] * 12}, "vn")
    assert (result.aqi, result.category, result.dominant) == (50, "good", "pm25")


def test_hourly_caps_at_500():
    result = aqi.hourly_aqi({"pm25": [600] * 12}, "vn")
    assert (result.aqi, result.category) == (500, "hazardous")


def test_no_data_no_index():
    assert aqi.hourly_aqi({}, "vn") == AqiResult(None, None, None, {})
    assert aqi.daily_aqi({}, "epa") == AqiResult(None, None, None, {})


def test_unknown_scale_is_an_error():
    with pytest.raises(ValueError):
        aqi.hourly_aqi({"pm25": [10] * 12}, "who")


@pytest.mark.parametrize(
    "means, expected",
    [
        # PM2.5 NowCast 35.5 -> 101 (first value of the USG row)
        ({"pm25": [35.5] * 12}, {"pm25": 101}),
        # PM2.5 NowCast 9.05 truncates to 9.0 -> 50
        ({"pm25": [9.05] * 12}, {"pm25": 50}),
        # The decision's series: NowCast 20.27 -> 20.2;
        #   (100-51)/(35.4-9.1)*(20.2-9.1)+51 = 49/26.3*11.1+51 = 71.68 -> 72
        ({"pm25": DECISION_PM25}, {"pm25": 72}),
        # PM10 NowCast 100 -> 73 (see above)
        ({"pm10": [100] * 12}, {"pm10": 73}),
        # O3: last 8 h at 0.070 ppm -> 8h 100; 1h 0.070 < 0.125 has no 1h index
        ({"o3": [from_ppm("o3", 0.070)] * 8}, {"o3": 100}),
        # O3 0.300 now, 0.050 before: 8h = (0.300 + 7*0.050)/8 = 0.08125 -> 0.081:
        #   (150-101)/(0.085-0.071)*(0.081-0.071)+101 = 136; 1h 0.300 -> 248; max 248
        (
            {"o3": [from_ppm("o3", 0.300)] + [from_ppm("o3", 0.050)] * 7},
            {"o3": 248},
        ),
        # O3 0.300 ppm for 8 h: the 8h column stops at 0.200 -> the 1h value, 248
        ({"o3": [from_ppm("o3", 0.300)] * 8}, {"o3": 248}),
        # O3 with 5 of 8 hours: no 8h mean; 1h 0.070 has no index -> no O3 at all
        ({"o3": [from_ppm("o3", 0.070)] * 5 + [None] * 3}, {}),
        # CO 7.0 ppm for 8 h -> 76
        ({"co": [from_ppm("co", 7.0)] * 8}, {"co": 76}),
        # NO2 200 ppb now -> 120
        ({"no2": [from_ppb("no2", 200)]}, {"no2": 120}),
        # SO2 50 ppb now -> 69
        ({"so2": [from_ppb("so2", 50)]}, {"so2": 69}),
        # SO2 400 ppb now (1h column ends at 304); 24h mean (400 + 23*100)/24 = 112.5
        #   < 305 -> the TAD's 200
        (
            {"so2": [from_ppb("so2", 400)] + [from_ppb("so2", 100)] * 23},
            {"so2": 200},
        ),
        # SO2 800 ppb all day: 24h mean 800 -> 24h row: 398
        ({"so2": [from_ppb("so2", 800)] * 24}, {"so2": 398}),
    ],
)
def test_epa_hourly(means, expected):
    assert aqi.hourly_aqi(means, "epa").sub_indices == expected


def test_epa_needs_no_pm():
    # NO2 200 ppb -> 120: the EPA index has no PM requirement
    result = aqi.hourly_aqi({"no2": [from_ppb("no2", 200)]}, "epa")
    assert result == AqiResult(120, "poor", "no2", {"no2": 120})


# ---------------------------------------------------------------------------------
# Daily AQI
# ---------------------------------------------------------------------------------


def test_vn_daily_of_the_decision_example():
    # §2.3.c: O3 8h max 89.3 -> 45, O3 1h max 114.6 -> 36, NO2 1h max 130.8 -> 65,
    # PM2.5 24h 55.7 -> 110. AQI^d = 110 (PM2.5).
    # O3: one 8 h block summing 114.6 + 6*85 + 89.8 = 714.4 (mean 89.3) in a day of
    # zeros; any other window holds only part of the block, so its mean is lower.
    o3 = [0.0] * 8 + [114.6, 85, 85, 85, 85, 85, 85, 89.8] + [0.0] * 8
    means = {"pm25": [55.7] * 24, "o3": o3, "no2": [50.0] * 23 + [130.8]}
    result = aqi.daily_aqi(means, "vn")
    assert result == AqiResult(110, "poor", "pm25", {"pm25": 110, "o3": 45, "no2": 65})


def test_vn_daily_o3_above_400_uses_the_1h_max():
    # O3 450 all day: 8h max 450 > 400 has "-"; 1h 450:
    #   (300-200)/(800-400)*(450-400)+200 = 212.5 -> 213
    result = aqi.daily_aqi({"pm25": [10] * 24, "o3": [450] * 24}, "vn")
    assert result.sub_indices["o3"] == 213
    assert (result.aqi, result.category, result.dominant) == (213, "very_bad", "o3")


def test_vn_daily_o3_takes_the_larger_of_1h_and_8h():
    # O3 150 all day: 8h (150-100)/(170-120)*(150-120)+100 = 130; 1h 50/160*150 = 47
    result = aqi.daily_aqi({"pm25": [10] * 24, "o3": [150] * 24}, "vn")
    assert result.sub_indices["o3"] == 130


def test_vn_daily_o3_8h_windows_may_reach_into_the_previous_day():
    # The day's first hour (index 23) at 200, the previous day's last 7 hours at 200:
    # the 8h window ending in the day's first hour is 200 ->
    #   (200-150)/(210-170)*(200-170)+150 = 187.5 -> 188 (1h: 200 -> 100)
    day = [0.0] * 23 + [200.0]
    with_eve = aqi.daily_aqi({"pm25": [10] * 24, "o3": day + [200.0] * 7}, "vn")
    assert with_eve.sub_indices["o3"] == 188
    # Without them the best complete window is hours 18..23 (6 of 8): 200/6 = 33.3
    # -> 50/100*33.3 = 17, so the 1h max wins: (100-50)/(200-160)*(200-160)+50 = 100
    alone = aqi.daily_aqi({"pm25": [10] * 24, "o3": day}, "vn")
    assert alone.sub_indices["o3"] == 100


def test_vn_daily_gases_take_the_hourly_max():
    # SO2 max 450 -> 125; CO max 20000 -> 75; NO2 max 950 -> 175
    means = {
        "pm25": [10] * 24,
        "so2": [100] * 23 + [450],
        "co": [5000] * 23 + [20000],
        "no2": [950] + [None] * 23,  # one hour is enough for a maximum
    }
    subs = aqi.daily_aqi(means, "vn").sub_indices
    assert (subs["so2"], subs["co"], subs["no2"]) == (125, 75, 175)


@pytest.mark.parametrize(
    "pm25, expected",
    [
        # 18 of 24 hours at 40: mean 40 -> (100-50)/(50-25)*(40-25)+50 = 80
        ([40] * 18 + [None] * 6, 80),
        # 17 of 24: no daily mean -> no PM -> no VN_AQI
        ([40] * 17 + [None] * 7, None),
    ],
)
def test_vn_daily_pm_needs_18_hours(pm25, expected):
    assert aqi.daily_aqi({"pm25": pm25}, "vn").aqi == expected


@pytest.mark.parametrize(
    "means, expected",
    [
        # PM2.5 24h 35.5 -> 101
        ({"pm25": [35.5] * 24}, {"pm25": 101}),
        # PM2.5 with 17 hours: no 24h mean
        ({"pm25": [35.5] * 17 + [None] * 7}, {}),
        # PM10 24h 100 -> 73
        ({"pm10": [100] * 24}, {"pm10": 73}),
        # O3 0.070 ppm all day: 8h max 0.070 -> 100; 1h below 0.125 -> none
        ({"o3": [from_ppm("o3", 0.070)] * 24}, {"o3": 100}),
        # CO 2.0 ppm but 7.0 for 8 h: the 8h max is 7.0 -> 76
        ({"co": [from_ppm("co", 2.0)] * 16 + [from_ppm("co", 7.0)] * 8}, {"co": 76}),
        # NO2 1h max 200 ppb -> 120
        (
            {"no2": [from_ppb("no2", 100)] * 23 + [from_ppb("no2", 200)]},
            {"no2": 120},
        ),
        # SO2 50 ppb all day -> 69
        ({"so2": [from_ppb("so2", 50)] * 24}, {"so2": 69}),
        # SO2 1h max 400, 24h mean 112.5 < 305 -> 200
        (
            {"so2": [from_ppb("so2", 400)] + [from_ppb("so2", 100)] * 23},
            {"so2": 200},
        ),
        # SO2 800 all day: 24h 800 -> 398
        ({"so2": [from_ppb("so2", 800)] * 24}, {"so2": 398}),
    ],
)
def test_epa_daily(means, expected):
    assert aqi.daily_aqi(means, "epa").sub_indices == expected


# ---------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scale", ["vn", "epa"])
@pytest.mark.parametrize(
    "value, key",
    [
        (0, "good"),
        (50, "good"),
        (51, "moderate"),
        (100, "moderate"),
        (101, "poor"),
        (150, "poor"),
        (151, "bad"),
        (200, "bad"),
        (201, "very_bad"),
        (300, "very_bad"),
        (301, "hazardous"),
        (500, "hazardous"),
        (501, "hazardous"),  # beyond the scale is still the worst band
    ],
)
def test_category_boundaries(scale, value, key):
    assert aqi.category(value, scale) == key


def test_negative_aqi_has_no_category():
    with pytest.raises(ValueError):
        aqi.category(-1)


def test_vn_categories_are_table_1():
    # QĐ 1459 Table 1: range, name, RGB 0;228;0 255;255;0 255;126;0 255;0;0
    # 143;63;151 126;0;35 -> hex
    table = [
        (c.key, c.low, c.high, c.name_vi, c.color_hex) for c in aqi.CATEGORIES["vn"]
    ]
    assert table == [
        ("good", 0, 50, "Tốt", "#00E400"),
        ("moderate", 51, 100, "Trung bình", "#FFFF00"),
        ("poor", 101, 150, "Kém", "#FF7E00"),
        ("bad", 151, 200, "Xấu", "#FF0000"),
        ("very_bad", 201, 300, "Rất xấu", "#8F3F97"),
        ("hazardous", 301, 500, "Nguy hại", "#7E0023"),
    ]


def test_epa_categories_carry_the_epa_names():
    names = [c.name_en for c in aqi.CATEGORIES["epa"]]
    assert names == [
        "Good",
        "Moderate",
        "Unhealthy for Sensitive Groups",
        "Unhealthy",
        "Very Unhealthy",
        "Hazardous",
    ]
    assert [c.color_hex for c in aqi.CATEGORIES["epa"]] == [
        c.color_hex for c in aqi.CATEGORIES["vn"]
    ]


# ---------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------

COLUMNS = [("vn", p, a) for p, a in VN_TABLE_2] + [("epa", p, a) for p, a in EPA_TABLE]
CONCENTRATION = st.floats(min_value=0, max_value=1e6, allow_nan=False)


@given(st.sampled_from(COLUMNS), CONCENTRATION, CONCENTRATION)
def test_sub_index_never_falls_as_concentration_rises(column, a, b):
    scale, pollutant, averaging = column
    low = aqi.sub_index(pollutant, min(a, b), scale, averaging)
    high = aqi.sub_index(pollutant, max(a, b), scale, averaging)
    for index in (low, high):
        assert index is None or 0 <= index <= 500
    if low is not None and high is not None:
        assert low <= high


# ---------------------------------------------------------------------------------
# From a frame of hourly rollups
# ---------------------------------------------------------------------------------

HOUR = 3_600_000


def test_frame_to_sequences_most_recent_first():
    df = pd.DataFrame(
        {
            "ts": [5 * HOUR, 3 * HOUR, 5 * HOUR, 6 * HOUR, 5 * HOUR],
            "metric": ["pm25", "pm25", "no2", "pm25", "temp"],
            "mean": [10.0, 30.0, 7.0, 99.0, 25.0],
        }
    )
    got = aqi.hourly_means_from_frame(df, end=5 * HOUR, hours=4)
    # hours 5, 4, 3, 2; hour 6 is after the end; "temp" is no AQI pollutant
    assert got == {"pm25": [10.0, None, 30.0, None], "no2": [7.0, None, None, None]}


def test_frame_with_datetimes_and_a_local_end():
    df = pd.DataFrame(
        {
            "ts": pd.to_datetime([5 * HOUR, 4 * HOUR], unit="ms", utc=True),
            "metric": ["pm25", "pm25"],
            "mean": [10.0, float("nan")],
        }
    )
    # 12:30 at UTC+7 on 1 Jan 1970 is 05:30 UTC -> the 05:00 hour. (A fixed offset:
    # the tz database puts Saigon at UTC+8 in 1970.)
    end = pd.Timestamp("1970-01-01 12:30+07:00")
    got = aqi.hourly_means_from_frame(df, end=end, hours=3)
    assert got == {"pm25": [10.0, None, None]}


def test_empty_frame():
    empty = pd.DataFrame({"ts": [], "metric": [], "mean": []})
    assert aqi.hourly_means_from_frame(empty, end=0) == {}


def test_frame_feeds_hourly_aqi():
    df = pd.DataFrame(
        {
            "ts": [h * HOUR for h in range(12)],
            "metric": ["pm25"] * 12,
            "mean": [37.5] * 12,
        }
    )
    means = aqi.hourly_means_from_frame(df, end=11 * HOUR, hours=12)
    # a steady 37.5 -> NowCast 37.5 -> (100-50)/(50-25)*(37.5-25)+50 = 75
    assert aqi.hourly_aqi(means, "vn").aqi == 75
    assert not math.isnan(means["pm25"][0])
