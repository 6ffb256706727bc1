"""Figure builders of the environment page, without a browser. The builders return
plain dicts; ``go.Figure(d)`` validates every property of them as plotly would."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from figures import environment as env
from store.aqi import POLLUTANTS

T0 = 1_795_539_600_000  # 2026-11-24T17:00:00Z = 25/11/2026 00:00 in Hà Nội
HOUR = 3_600_000
LABELS = {"good": "Tốt", "moderate": "Trung bình", "poor": "Kém", "none": "Chưa có"}


def _stations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "name": ["Trạm A", "Trạm B", "Trạm C"],
            "lat": [21.1, 21.2, 21.3],
            "lon": [106.0, 106.1, 106.2],
            "aqi": [42, 128, None],
            "category": ["good", "poor", None],
            "category_label": ["Tốt", "Kém", "Chưa có"],
        }
    )


def test_map_colours_each_station_by_its_official_category_colour():
    fig = go.Figure(
        env.aqi_map(_stations(), [{"name": "X", "lat": 21.1, "lon": 106}], LABELS)
    )
    points = fig.data[env.STATIONS_TRACE]
    assert list(points.marker.color) == ["#00E400", "#FF7E00", "#adb5bd"]
    assert list(points.text) == ["42", "128", "–"]
    assert list(points.customdata) == ["a", "b", "c"]
    legend = [t.name for t in fig.data if t.showlegend is not False and t.name]
    assert legend[:3] == ["Tốt", "Trung bình", "Kém"] and "Chưa có" in legend
    # Offline: plain axes with equal distances, no tile server.
    assert fig.layout.yaxis.scaleanchor == "x" and not fig.layout.map.layers


def test_map_uses_tiles_only_when_configured():
    fig = go.Figure(
        env.aqi_map(_stations(), [], LABELS, tiles="https://tiles.example/{z}")
    )
    assert fig.data[env.STATIONS_TRACE].type == "scattermap"


def test_pollutant_grid_has_one_trace_per_pollutant_in_order():
    frames = {"pm25": pd.DataFrame({"ts": [T0, T0 + HOUR], "mean": [30.0, None]})}
    fig = go.Figure(env.pollutant_grid(frames, {p: p.upper() for p in POLLUTANTS}))
    assert [t.name for t in fig.data] == [p.upper() for p in POLLUTANTS]
    assert list(fig.data[0].x) == ["2026-11-25 00:00:00", "2026-11-25 01:00:00"]
    assert list(fig.data[0].y) == [30.0, None]
    assert len(fig.data[1].x) == 0  # no PM10 frame: an empty panel, not a missing one


def test_water_chart_draws_the_three_alarm_levels_and_keeps_them_in_view():
    df = pd.DataFrame({"ts": [T0, T0 + HOUR], "mean": [2.5, 2.7]})
    fig = go.Figure(
        env.water_chart(
            df, {"I": 4.3, "II": 5.3, "III": 6.3}, "Mực nước", {"I": "BĐ I"}
        )
    )
    assert sorted(s.y0 for s in fig.layout.shapes) == [4.3, 5.3, 6.3]
    assert [a.text for a in fig.layout.annotations][0] == "BĐ I"
    low, high = fig.layout.yaxis.range
    assert low <= 2.5 and high >= 6.3


def test_noise_limit_follows_qcvn_26_day_and_night():
    xs, ys = env.noise_limit_xy(T0, T0 + 24 * HOUR)
    assert xs == [
        "2026-11-25 00:00:00",
        "2026-11-25 06:00:00",
        "2026-11-25 21:00:00",
        "2026-11-26 00:00:00",
    ]
    assert ys == [55.0, 70.0, 55.0, 55.0]


def test_noise_chart_puts_the_limit_first_and_the_meters_after():
    df = pd.DataFrame({"ts": [T0], "mean": [61.0]})
    fig = go.Figure(
        env.noise_chart(
            [("Ngọc Hân", df), ("Từ Sơn", df)], T0, T0 + HOUR, "Giới hạn", legend=False
        )
    )
    assert fig.data[env.LIMIT_TRACE].name == "Giới hạn"
    assert fig.data[env.LIMIT_TRACE].line.shape == "hv"
    assert [t.name for t in fig.data[1:]] == ["Ngọc Hân", "Từ Sơn"]
    assert fig.data[1].showlegend is False and fig.data[0].showlegend is True


def test_water_chart_without_a_gauge_says_so_instead_of_empty_axes():
    fig = go.Figure(
        env.water_chart(None, {}, "Mực nước", {}, empty_text="Không có trạm")
    )
    assert fig.layout.annotations[0].text == "Không có trạm"
    assert fig.layout.xaxis.visible is False


def test_every_panel_shows_the_whole_window_even_when_empty():
    fig = go.Figure(env.pollutant_grid({}, {}, x_range=(T0, T0 + 24 * HOUR)))
    window = ["2026-11-25 00:00:00", "2026-11-26 00:00:00"]
    assert list(fig.layout.xaxis.range) == window
    assert list(fig.layout.xaxis6.range) == window


def test_a_station_with_a_critical_alert_gets_a_red_ring_before_its_aqi_turns():
    import pandas as pd

    from figures.environment import ALARM_RING, station_marks

    stations = pd.DataFrame(
        [
            {
                "name": "A",
                "aqi": 60,
                "category": "moderate",
                "category_label": "TB",
                "alarm": "Đang có cảnh báo nghiêm trọng",
            },
            {
                "name": "B",
                "aqi": 40,
                "category": "good",
                "category_label": "Tốt",
                "alarm": "",
            },
        ]
    )
    marks = station_marks(stations)
    assert marks["line_color"] == [ALARM_RING, "#333"]
    assert marks["line_width"] == [4, 1]
    assert "cảnh báo nghiêm trọng" in marks["hovertext"][0]
    assert "cảnh báo" not in marks["hovertext"][1]
