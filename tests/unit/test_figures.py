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


def test_a_reporting_sensor_in_alarm_is_drawn_red_on_top_not_green():
    sensors = SENSORS.assign(id=["a", "b", "c"], alert=["critical", "", "warning"])
    labels = {**LABELS, "alert.critical": "Báo động", "alert.warning": "Cảnh báo"}
    fig = province_map(sensors, [], labels, bounds=(20.95, 105.85, 21.6, 106.95))
    layers = {t.name: t for t in fig.data if t.mode == "markers"}
    assert list(layers["Báo động"].customdata) == ["a"]
    assert layers["Báo động"].marker.color == "#dc3545"
    assert list(layers["Cảnh báo"].customdata) == ["c"]
    assert "Bình thường" not in layers  # both reporting sensors are in alert
    assert layers["Chậm"].customdata == ("b",)
    # The worst is drawn last (on top) and listed first in the legend.
    assert fig.data[-1].name == "Báo động"
    assert layers["Báo động"].legendrank < layers["Chậm"].legendrank


def test_offline_is_not_the_alarm_red():
    from figures.province_map import ALERT_COLOURS, STATE_COLOURS

    assert STATE_COLOURS["offline"] != ALERT_COLOURS["critical"]
    assert STATE_COLOURS["stale"] != ALERT_COLOURS["warning"]


def test_area_names_of_the_province_do_not_pile_up():
    import math

    import province
    from figures.province_map import (
        LABEL_BOX_H,
        LABEL_CHAR_W,
        LABEL_FONT_PX,
        MAP_PX,
        place_labels,
    )

    profile = province.current()
    regions = [
        {"name": a.name, "lat": a.lat, "lon": a.lon}
        for a in profile.areas_at(profile.filter_level)
    ]
    assert len(regions) >= 10
    fig = province_map(SENSORS.iloc[0:0], regions, LABELS, bounds=profile.bounds)
    text = fig.data[0]
    shown = list(text.text)
    # The same estimate of each box the placement uses, checked pairwise here.
    south, west, north, east = profile.bounds
    ratio = 1 / math.cos(math.radians((south + north) / 2))
    px = min(MAP_PX[0] / (east - west), MAP_PX[1] / ((north - south) * ratio))
    h = LABEL_FONT_PX * LABEL_BOX_H
    dys = {"middle center": 0}
    boxes = []
    for name, x, y, pos in zip(shown, text.x, text.y, text.textposition, strict=True):
        cx, cy = (x - west) * px, (y - south) * px * ratio + dys[pos]
        w = len(name) * LABEL_FONT_PX * LABEL_CHAR_W
        boxes.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])
    # Most names still show (the others are in each point's tap panel).
    placed = place_labels(regions, profile.bounds)
    assert sum(p is not None for p in placed) >= 8
