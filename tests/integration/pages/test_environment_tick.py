"""The environment page's 5-second tick sends only what changed (figures.live_chart
``LiveChart.tick`` on the page's reads): replayed onto the series the browser holds,
its Patch operations must give exactly the series a full redraw of the new window
would draw. Late readings into the last bucket, new buckets, buckets leaving the
window, a trace that was empty and one that empties are all covered, on SQLite and
PostgreSQL."""

from __future__ import annotations

import random

import pytest

import app  # noqa: F401 - builds the Dash app, which the callbacks modules need
from callbacks import environment as env_cb
from figures import environment as fig
from store import writes
from store.writes import Row
from tests.dash_patch import apply
from tests.helpers import sensor_row

MIN = 60_000
STEP_S = 900  # the 24 h range's step
DAY = 86_400_000
# A quarter-hour boundary in Hà Nội (UTC+7 is a whole number of quarters).
T0 = 1_795_539_600_000


def _held(traces, frames) -> dict:
    """What the browser holds: a figure per chart with each trace's x and y."""
    charts: dict[str, dict] = {"p": {}, "w": {}, "z": {}}
    for tr in traces:
        x, y = fig.series_xy(frames.get(tr.key))
        data = charts[tr.chart].setdefault("data", [])
        while len(data) <= tr.index:
            data.append({"x": [], "y": []})
        data[tr.index] = {"x": x, "y": y}
    return charts


def _rounded(figure: dict) -> dict:
    """The figure with means to 9 digits: PostgreSQL may add a bucket's readings in
    another order on another query, which changes the last bits of a float."""
    return {
        chart: [
            {"x": d["x"], "y": [None if v is None else round(v, 9) for v in d["y"]]}
            for d in f.get("data", [])
        ]
        for chart, f in figure.items()
    }


def _redraw(engine, traces, start, end) -> dict:
    return _held(traces, _frames(engine, traces, start, end))


def _frames(engine, traces, start, end) -> dict:
    return env_cb.LIVE.frames(env_cb._reader(engine), traces, start, end, STEP_S)


def _patched(engine, traces, sent, start, end) -> tuple[dict, list]:
    patches = env_cb.LIVE.patches()
    held = env_cb.LIVE.tick(
        env_cb._reader(engine), traces, sent, start, end, STEP_S, patches
    )
    return patches, held


def _write(engine, sensor: str, metric: str, stamps, rng: random.Random) -> None:
    writes.write_batch(
        engine, [Row(sensor, metric, ts, round(rng.uniform(5, 90), 2)) for ts in stamps]
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_tick_patches_equal_a_full_redraw(engine, seed):
    rng = random.Random(seed)
    writes.sync_sensors(
        engine,
        [
            sensor_row("aq-1", kind="air"),
            sensor_row("wl-1", kind="water"),
            sensor_row("nz-1", kind="noise"),
            sensor_row("nz-2", kind="noise"),
        ],
    )
    end = T0 + DAY + 7 * MIN + 13_000  # mid-bucket, as a real clock is
    start = end - DAY
    # A day of history for the station and the gauge; meter 1 only recently; meter 2
    # none yet (an empty trace that fills during the ticks).
    for sensor, metric in [("aq-1", "pm25"), ("aq-1", "no2"), ("wl-1", "water_level")]:
        _write(engine, sensor, metric, range(start - 30 * MIN, end, 5 * MIN), rng)
    _write(engine, "nz-1", "laeq", range(end - 40 * MIN, end, MIN), rng)
    traces = env_cb._traces("aq-1", "wl-1", ["nz-1", "nz-2"])
    frames = _frames(engine, traces, start, end)
    figure = _held(traces, frames)
    sent = {
        "start": start,
        "end": end,
        "held": [env_cb.LIVE.held(frames.get(t.key)) for t in traces],
    }
    for _tick in range(40):
        # 5 s to 7 min later: sometimes within the bucket, sometimes across buckets.
        new_end = sent["end"] + rng.choice([5_000, 5_000, 65_000, 7 * MIN])
        new_start = new_end - DAY
        lo = sent["end"] - 20 * MIN  # late readings land in earlier buckets too
        for sensor, metric in [("aq-1", "pm25"), ("wl-1", "water_level")]:
            stamps = sorted(rng.sample(range(lo, new_end), 3))
            _write(engine, sensor, metric, stamps, rng)
        if _tick > 10:
            _write(engine, "nz-2", "laeq", [new_end - 1_000], rng)
        patches, held = _patched(engine, traces, sent, new_start, new_end)
        for chart, patch in patches.items():
            apply(patch, figure[chart])
        want = _redraw(engine, traces, new_start, new_end)
        assert _rounded(figure) == _rounded(want), f"tick {_tick}"
        sent = {"start": new_start, "end": new_end, "held": held}


def test_a_trace_whose_data_leaves_the_window_empties(engine):
    writes.sync_sensors(engine, [sensor_row("nz-1", kind="noise")])
    end = T0 + DAY
    _write(
        engine,
        "nz-1",
        "laeq",
        range(end - DAY, end - DAY + 30 * MIN, MIN),
        random.Random(0),
    )
    traces = env_cb._traces(None, None, ["nz-1"])
    frames = _frames(engine, traces, end - DAY, end)
    figure = _held(traces, frames)
    assert figure["z"]["data"][1]["x"], "the meter starts with a few buckets"
    sent = {
        "start": end - DAY,
        "end": end,
        "held": [env_cb.LIVE.held(frames.get(("nz-1", "laeq")))],
    }
    new_end = end + 45 * MIN
    patches, held = _patched(engine, traces, sent, new_end - DAY, new_end)
    for chart, patch in patches.items():
        apply(patch, figure[chart])
    assert figure["z"]["data"][1] == {"x": [], "y": []}
    assert held == [None]


def test_a_tick_after_a_long_pause_or_other_filters_is_a_full_redraw():
    key = ["tu-son", "24h", "aq-1", None, 7]
    sent = {
        "key": key,
        "step": STEP_S,
        "start": T0,
        "end": T0 + DAY,
        "drawn": T0 + DAY - 60_000,
        "held": [],
    }
    fits = env_cb.LIVE.fits
    assert fits(sent, key, STEP_S, T0 + 5_000, T0 + DAY + 5_000)
    # Every few minutes the series go whole, which catches readings later still.
    assert not fits(sent, key, STEP_S, T0 + 4 * MIN, T0 + DAY + 4 * MIN)
    assert not fits(sent, key, STEP_S, T0 + DAY, T0 + 2 * DAY)  # asleep
    assert not fits(sent, [*key[:4], 8], STEP_S, T0, T0 + DAY)  # other traces
    assert not fits(sent, key, 3600, T0, T0 + DAY)  # other range
    assert not fits({"key": key}, key, STEP_S, T0, T0 + DAY)  # forged state
    assert not fits("nonsense", key, STEP_S, T0, T0 + DAY)


# -- the callback over HTTP: what each kind of tick sends -----------------------------


def _env_call(client, n, sent, station="aq-1"):
    from tests.helpers import dash_callbacks, dash_post

    key = next(k for k in dash_callbacks() if "env-map.figure" in k)
    values = [
        ("env-interval", "n_intervals", n),
        ("env-district", "value", None),
        ("env-range", "value", "24h"),
        ("env-station", "value", station),
        ("env-gauge", "value", None),
    ]
    resp = dash_post(
        client,
        key,
        inputs=[{"id": i, "property": p, "value": v} for i, p, v in values],
        state=[{"id": "env-sent", "property": "data", "value": sent}],
        changed=["env-interval.n_intervals" if n else "env-range.value"],
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    return resp.get_json()["response"]


def test_ticks_send_rings_every_time_and_aqi_colours_every_sixth(engine):
    from store import alerting, runtime
    from store.writes import now_ms
    from tests.helpers import session_client

    writes.sync_sensors(
        engine,
        [
            sensor_row("aq-1", kind="air", period_s=600),
            sensor_row("nz-1", kind="noise", metrics=["laeq"]),
        ],
    )
    now = now_ms()
    writes.write_batch(
        engine,
        [Row("aq-1", "pm25", now - i * 5 * MIN, 30.0) for i in range(30)]
        + [Row("nz-1", "laeq", now - i * MIN, 60.0) for i in range(30)],
    )
    runtime.set_engine(engine)
    try:
        client = session_client(engine, ("duty_officer",))
        first = _env_call(client, None, None)
        sent = first["env-sent"]["data"]
        assert [len(h) for h in sent["held"]] == [6, 1]  # six pollutants; one meter
        # A quiet tick: the rings and the series' few changes, no AQI, no weather.
        quiet = _env_call(client, 1, sent)
        assert "env-aqi" not in quiet and "env-weather" not in quiet
        ops = quiet["env-map"]["figure"]["operations"]
        assert {tuple(o["location"][-2:]) for o in ops} == {
            ("line", "color"),
            ("line", "width"),
        }
        assert ops[0]["params"]["value"] == ["#333"]
        # A PM2.5 spike raises a critical alert: the next tick rings the station.
        writes.write_batch(engine, [Row("aq-1", "pm25", now + 1000, 400.0)])
        alerting.evaluate(engine, at_ms=now + 2000)
        ringed = _env_call(client, 2, quiet["env-sent"]["data"])
        ops = ringed["env-map"]["figure"]["operations"]
        assert next(o for o in ops if o["location"][-1] == "color")["params"][
            "value"
        ] == [fig.ALARM_RING]
        # The sixth tick re-reads the hourly AQI: colours, text and the card.
        sixth = _env_call(client, 6, ringed["env-sent"]["data"])
        where = {
            tuple(o["location"][-2:]) for o in sixth["env-map"]["figure"]["operations"]
        }
        assert ("marker", "color") in where and "env-aqi" in sixth
    finally:
        runtime.set_engine(None)
