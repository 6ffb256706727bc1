"""The live-chart engine (figures.live_chart) without a store or a page: a reader over
readings kept in a list stands in for the store. Replayed onto the figure the browser
holds, a tick's patches must give exactly what a full redraw of the new window draws."""

from __future__ import annotations

import json
import math
import random

import pandas as pd

from figures.live_chart import LiveChart, Trace
from figures.time_axis import series_xy, x_range
from tests.dash_patch import apply

MIN = 60_000
STEP_S = 900
STEP_MS = STEP_S * 1000
DAY = 86_400_000
OFFSET = 7 * 3_600_000  # buckets aligned to Vietnam days, as the store aligns them
T0 = 1_795_539_600_000  # a quarter-hour boundary
WINDOW = 6 * 3_600_000
ENGINE = LiveChart(charts={"a": 2, "b": 1}, key_columns=("series",), offset_ms=OFFSET)
TRACES = [Trace("a", 0, ("s1",)), Trace("a", 1, ("s2",)), Trace("b", 0, ("s3",))]


class Readings:
    """Readings (series, ts, value) and a reader that buckets them as the store does:
    readings in [start, end), bucket = ts floored to the step on ``OFFSET``."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, int, float]] = []
        self.reads = 0

    def add(self, series: str, stamps, value=None, rng=None) -> None:  # noqa: ANN001
        for ts in stamps:
            v = value if value is not None else round(rng.uniform(5, 90), 2)
            self.rows.append((series, int(ts), v))

    def read(self, traces, start: int, end: int, step: int) -> pd.DataFrame:  # noqa: ANN001
        self.reads += 1
        wanted = {tr.key[0] for tr in traces}
        step_ms = step * 1000
        acc: dict[tuple[str, int], list[float]] = {}
        for series, ts, v in self.rows:
            if series in wanted and start <= ts < end:
                b = ts - (ts + OFFSET) % step_ms
                acc.setdefault((series, b), []).append(v)
        rows = [
            (s, b, sum(vs) / len(vs), len(vs)) for (s, b), vs in sorted(acc.items())
        ]
        return pd.DataFrame(rows, columns=["series", "ts", "mean", "count"])


def _figures(traces, frames) -> dict:  # noqa: ANN001
    """What a full draw puts in the browser: per chart, each trace's x and y."""
    charts: dict[str, dict] = {"a": {"data": []}, "b": {"data": []}}
    for tr in traces:
        data = charts[tr.chart]["data"]
        while len(data) <= tr.index:
            data.append({"x": [], "y": []})
        x, y = series_xy(frames.get(tr.key))
        data[tr.index] = {"x": x, "y": y}
    return charts


def _series(figure: dict) -> dict:
    """The traces' x and y alone (NaN-free by then: None is a gap)."""
    return {
        c: [{"x": d["x"], "y": d["y"]} for d in f["data"]] for c, f in figure.items()
    }


def _redraw(store: Readings, start: int, end: int) -> dict:
    return _series(
        _figures(TRACES, ENGINE.frames(store.read, TRACES, start, end, STEP_S))
    )


def _first(store: Readings, end: int, traces=TRACES) -> tuple[dict, dict]:  # noqa: ANN001
    up = ENGINE.update(
        store.read, [(traces, STEP_S)], None, "k", end - WINDOW, end, False
    )
    assert up.patches is None
    return _figures(traces, up.frames), json.loads(json.dumps(up.state))


def _tick(store: Readings, figure: dict, state: dict, end: int, traces=TRACES):  # noqa: ANN001, ANN202
    up = ENGINE.update(
        store.read, [(traces, STEP_S)], state, "k", end - WINDOW, end, True
    )
    assert up.patches is not None and set(up.patches) == {"a", "b"}
    ops = {c: p.to_plotly_json()["operations"] for c, p in up.patches.items()}
    for chart, patch in up.patches.items():
        apply(patch, figure[chart])
    return ops, json.loads(json.dumps(up.state))  # the state goes through the browser


def _data_ops(ops: dict) -> list:
    return [o for chart in ops.values() for o in chart if o["location"][0] == "data"]


def test_ticks_patched_onto_the_figure_equal_a_full_redraw():
    for seed in range(5):
        rng = random.Random(seed)
        store = Readings()
        end = T0 + DAY + 7 * MIN + 13_000  # mid-bucket, as a real clock is
        store.add("s1", range(end - WINDOW - 30 * MIN, end, 5 * MIN), rng=rng)
        store.add("s2", range(end - 40 * MIN, end, MIN), rng=rng)
        figure, state = _first(store, end)
        for n in range(40):
            end += rng.choice([5_000, 5_000, 65_000, 7 * MIN])
            lo = state["end"] - 20 * MIN  # late readings land in earlier buckets too
            store.add("s1", sorted(rng.sample(range(lo, end), 3)), rng=rng)
            if n > 10:
                store.add("s3", [end - 1_000], rng=rng)  # an empty trace fills
            ops, state = _tick(store, figure, state, end)
            assert _series(figure) == _redraw(store, end - WINDOW, end), (seed, n)
            # Every chart's x axes follow the window.
            window = x_range((end - WINDOW, end))
            assert figure["a"]["layout"]["xaxis"]["range"] == window
            assert figure["a"]["layout"]["xaxis2"]["range"] == window
            assert figure["b"]["layout"]["xaxis"]["range"] == window


def test_a_quiet_tick_sends_no_point_and_reads_three_small_windows():
    store = Readings()
    end = T0 + DAY + 7 * MIN
    for series in ("s1", "s2", "s3"):
        store.add(series, range(end - WINDOW + 30_000, end - 10_000, MIN), value=40.0)
    figure, state = _first(store, end)
    store.reads = 0  # an empty trace would be read whole: one read more
    ops, state = _tick(store, figure, state, end + 5_000)
    assert _data_ops(ops) == []
    assert store.reads == 3
    assert _series(figure) == _redraw(store, end + 5_000 - WINDOW, end + 5_000)


def test_a_late_reading_inside_the_held_tail_revalues_its_point_in_place():
    store = Readings()
    end = T0 + DAY + 7 * MIN
    store.add("s1", range(end - WINDOW + 30_000, end - 10_000, MIN), value=40.0)
    figure, state = _first(store, end)
    assert len(state["held"][0][0]) == ENGINE.tail
    # Two buckets back, within the held tail of four: one Assign of one y.
    store.add("s1", [end - 2 * STEP_MS], value=400.0)
    ops, state = _tick(store, figure, state, end + 5_000)
    data = _data_ops(ops)
    assert [(o["operation"], o["location"][-2:]) for o in data] == [
        ("Assign", ["y", -3])
    ]
    assert _series(figure) == _redraw(store, end + 5_000 - WINDOW, end + 5_000)


def test_a_reading_older_than_the_held_tail_shows_at_the_whole_send():
    store = Readings()
    end = T0 + DAY + 7 * MIN
    store.add("s1", range(end - WINDOW + 30_000, end - 10_000, MIN), value=40.0)
    figure, state = _first(store, end)
    store.add("s1", [end - 3 * 3_600_000], value=400.0)  # an outage's backlog
    now = end + 5_000
    ops, state = _tick(store, figure, state, now)
    assert _data_ops(ops) == []  # beyond the tail: not looked at on a tick
    assert _series(figure) != _redraw(store, now - WINDOW, now)
    # Ticks keep patching until the period is over; then the series go whole.
    while now + 5_000 - state["drawn"] < ENGINE.redraw_every_ms:
        now += 5_000
        ops, state = _tick(store, figure, state, now)
    now += 5_000
    ops, state = _tick(store, figure, state, now)
    whole = {(o["operation"], o["location"][-1]) for o in _data_ops(ops)}
    assert whole == {("Assign", "x"), ("Assign", "y")}
    assert state["drawn"] == now
    assert _series(figure) == _redraw(store, now - WINDOW, now)


def test_a_long_pause_other_traces_or_a_forged_state_send_the_series_whole():
    store = Readings()
    end = T0 + DAY
    store.add("s1", range(end - WINDOW, end, MIN), value=40.0)
    _figure, state = _first(store, end)
    fits = ENGINE.fits
    assert fits(state, "k", STEP_S, end + 5_000 - WINDOW, end + 5_000)
    assert not fits(state, "k", STEP_S, end + DAY - WINDOW, end + DAY)  # asleep
    assert not fits(state, "other", STEP_S, end - WINDOW, end)  # other traces
    assert not fits(state, "k", 3600, end - WINDOW, end)  # other step
    assert not fits({**state, "drawn": "x"}, "k", STEP_S, end - WINDOW, end)
    assert not fits("nonsense", "k", STEP_S, end - WINDOW, end)
    # Held tails that are no tails: those traces go whole, and the figure is right.
    for forged in ([[["a", 1]]], [[[1, 2, 3]]] * 3, "x", [[[[1, True]], None, None]]):
        figure, state = _first(store, end)
        ops, _state = _tick(store, figure, {**state, "held": forged}, end + 5_000)
        assert _series(figure) == _redraw(store, end + 5_000 - WINDOW, end + 5_000)


def test_an_empty_first_minute_draws_empty_traces_then_fills_them():
    store = Readings()
    end = T0 + DAY + 30_000
    figure, state = _first(store, end)
    assert state["held"] == [[None, None, None]]
    assert _series(figure) == {
        "a": [{"x": [], "y": []}, {"x": [], "y": []}],
        "b": [{"x": [], "y": []}],
    }
    ops, state = _tick(store, figure, state, end + 5_000)
    assert _data_ops(ops) == []  # still nothing: nothing sent
    # The first readings, one with no value (NaN: a gap, None on the wire).
    store.add("s1", [end + 6_000], value=41.0)
    store.add("s3", [end + 7_000], value=math.nan)
    ops, state = _tick(store, figure, state, end + 10_000)
    assert _series(figure) == _redraw(store, end + 10_000 - WINDOW, end + 10_000)
    assert figure["b"]["data"][0]["y"] == [None]
    assert figure["a"]["data"][0]["y"] == [41.0]
    assert state["held"][0][1] is None  # s2 still empty
    json.dumps(ops, allow_nan=False)  # no NaN reaches the browser


def test_groups_are_read_at_their_own_step_and_kept_apart():
    store = Readings()
    end = T0 + DAY + 7 * MIN
    rng = random.Random(7)
    for s in ("s1", "s2", "s3"):
        store.add(s, range(end - WINDOW, end, MIN), rng=rng)
    quarter = [tr for tr in TRACES if tr.chart == "a"]
    hourly = [tr for tr in TRACES if tr.chart == "b"]
    groups = [(quarter, STEP_S), (hourly, 3600)]

    def draw(end: int) -> dict:  # noqa: ANN202 - a figure per chart
        frames = {
            **ENGINE.frames(store.read, quarter, end - WINDOW, end, STEP_S),
            **ENGINE.frames(store.read, hourly, end - WINDOW, end, 3600),
        }
        return _figures(TRACES, frames)

    up = ENGINE.update(store.read, groups, None, "k", end - WINDOW, end, False)
    assert up.state["step"] == STEP_S and len(up.state["held"]) == 2
    figure, state = draw(end), json.loads(json.dumps(up.state))
    assert len(figure["b"]["data"][0]["x"]) == 7  # hours, not quarters
    for _ in range(30):
        end += 65_000
        store.add("s1", [end - 1_000], rng=rng)
        store.add("s3", [end - 2_000], rng=rng)
        up = ENGINE.update(store.read, groups, state, "k", end - WINDOW, end, True)
        for chart, patch in up.patches.items():
            apply(patch, figure[chart])
        state = json.loads(json.dumps(up.state))
        assert _series(figure) == _series(draw(end))
