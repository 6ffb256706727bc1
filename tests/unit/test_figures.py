"""Figure builders, without a browser."""

from __future__ import annotations

import pandas as pd

from figures.province_map import province_map
from figures.sparkline import STATUS_COLOURS, sparkline

SENSORS = pd.DataFrame(
    {
        "name": ["A", "B", "C"],
        "lat": [21.18, 21.12, 21.27],
        "lon": [106.06, 105.96, 106.19],
        "state": ["ok", "stale", "ok"],
        "kind_label": ["Không khí"] * 3,
    }
)
REGIONS = [{"name": "TP Bắc Ninh (cũ)", "lat": 21.186, "lon": 106.076}]
LABELS = {"state.ok": "Bình thường", "state.stale": "Chậm", "reports": "Phản ánh"}


def test_sparkline_draws_the_trend_in_the_status_colour_with_the_target():
    trend = pd.DataFrame(
        {"ts": [1_795_500_000_000, 1_795_586_400_000], "value": [40, 55]}
    )
    fig = sparkline(trend, "bad", target=50)
    assert list(fig.data[0].y) == [40, 55]
    assert fig.data[0].line.color == STATUS_COLOURS["bad"]
    assert fig.layout.shapes[0].y0 == 50
    assert str(fig.data[0].x[0].tz) == "Asia/Ho_Chi_Minh"


def test_sparkline_of_nothing_is_an_empty_line():
    fig = sparkline(pd.DataFrame(columns=["ts", "value"]))
    assert len(fig.data[0].y) == 0


def test_offline_map_needs_no_tile_server_and_groups_sensors_by_state():
    fig = province_map(SENSORS, REGIONS, LABELS, bounds=(20.95, 105.85, 21.6, 106.95))
    assert all(t.type == "scatter" for t in fig.data)
    names = [t.name for t in fig.data if t.mode == "markers"]
    assert names == ["Bình thường", "Chậm"]
    assert fig.layout.xaxis.range == (105.85, 106.95)
    assert "map" not in fig.layout or not fig.layout.map.layers


def test_tiles_are_used_only_when_configured():
    tiles = "http://tiles.example.internal/{z}/{x}/{y}.png"
    fig = province_map(SENSORS, REGIONS, LABELS, tiles=tiles)
    assert {t.type for t in fig.data} == {"scattermap"}
    assert fig.layout.map.layers[0].source == (tiles,)


def test_citizens_reports_are_a_layer_of_their_own():
    reports = pd.DataFrame({"lat": [21.2], "lon": [106.1], "service_name": ["Ổ gà"]})
    fig = province_map(SENSORS, REGIONS, LABELS, reports=reports)
    assert fig.data[-1].name == "Phản ánh" and list(fig.data[-1].text) == ["Ổ gà"]
