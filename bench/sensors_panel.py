"""How much the live sensor panel costs the server per second, with 500 sensors.

Not a test: ``.venv/bin/python bench/sensors_panel.py [--sensors 500] [--calls 200]``.
It fills a SQLite store in a temporary folder (an hour of readings per sensor, so
trends have minute rollups), then, with ingest writing new readings between calls as a
live system does (each sensor every 10 s: a tenth of them per second):

- tick: the one-second refresh as it runs now, through Dash's HTTP endpoint: the browser
  names the ~30 rows on screen with the version it holds, the answer is a transaction
  of the rows that changed;
- full grid: the grid's full load (every row rebuilt), which is what a refresh that
  rebuilds all rows would send every second;
- old table: the page before this one: every second, every sensor rebuilt into an HTML
  table (same queries, components.tables), timed in process with its JSON encoding.

Prints median and p95 server time and the bytes of each JSON answer. Registered with
the runner as "sensors panel" (``python -m bench --only "sensors panel"``): the tick's
median against the full grid's, in the same run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import plotly  # noqa: E402

from bench.results import Result  # noqa: E402
from bench.runner import benchmark  # noqa: E402
from store import migrate, queries, runtime, writes  # noqa: E402
from store.db import make_engine  # noqa: E402
from store.writes import Row, now_ms  # noqa: E402

METRICS = ("pm25", "pm10", "no2")
VISIBLE = 30  # rows on an iPad screen plus AG Grid's buffer


def fill(engine, n: int) -> list[str]:  # noqa: ANN001
    ids = [f"aq-{i:04d}" for i in range(n)]
    writes.sync_sensors(
        engine,
        [
            {
                "id": i,
                "kind": "air",
                "name": f"Trạm quan trắc {i}",
                "name_en": f"Station {i}",
                "area": "kinh-bac",
                "region": "tp-bac-ninh",
                "lat": 21.18,
                "lon": 106.07,
                "unit": "µg/m3",
                "metrics": list(METRICS),
                "period_s": 10.0,
                "thresholds": {"pm25": {"warn": 50, "alarm": 75}},
                "synthetic": True,
            }
            for i in ids
        ],
    )
    at = now_ms()
    rng = random.Random(1)
    for minute in range(60, 0, -1):
        ts = at - minute * 60_000
        writes.write_batch(
            engine,
            [Row(i, m, ts, rng.uniform(5, 90)) for i in ids for m in METRICS],
        )
    return ids


def ingest_one_second(engine, ids: list[str], rng: random.Random) -> None:  # noqa: ANN001
    ts = now_ms()
    batch = rng.sample(ids, max(1, len(ids) // 10))
    writes.write_batch(
        engine, [Row(i, m, ts, rng.uniform(5, 90)) for i in batch for m in METRICS]
    )


def post(client, outputs: list[tuple[str, str]], inputs: list[dict], state: list):  # noqa: ANN001, ANN201
    output = (
        f"{outputs[0][0]}.{outputs[0][1]}"
        if len(outputs) == 1
        else ".." + "...".join(f"{i}.{p}" for i, p in outputs) + ".."
    )
    body = {
        "output": output,
        "outputs": [{"id": i, "property": p} for i, p in outputs]
        if len(outputs) > 1
        else {"id": outputs[0][0], "property": outputs[0][1]},
        "inputs": inputs,
        "changedPropIds": [f"{inputs[0]['id']}.{inputs[0]['property']}"],
        "state": state,
    }
    t0 = time.perf_counter()
    resp = client.post("/_dash-update-component", json=body)
    elapsed = time.perf_counter() - t0
    return elapsed, resp


def old_table(engine) -> bytes:  # noqa: ANN001
    """The page's refresh before the grid: every sensor, every second, as HTML."""
    import config
    import province
    from components.tables import state_badge, table
    from i18n import T, fmt_age, fmt_number, metric_label, t

    lang = "vi"
    sensors = queries.sensors(engine)
    latest = queries.latest(engine)
    values: dict[str, list[str]] = {}
    for r in latest.itertuples():
        values.setdefault(r.sensor_id, []).append(
            f"{metric_label(r.metric, lang)} {fmt_number(r.value, lang, 1)}"
        )
    profile = province.cached(str(config.load().profile))
    area_name = {a.code: a.name for a in profile.areas.values()}
    rows = [
        [
            s.name,
            t(f"kind.{s.kind}", lang) if f"kind.{s.kind}" in T else s.kind,
            area_name.get(s.area, s.area),
            " · ".join(values.get(s.id, [])),
            fmt_age(s.age_s, lang),
            state_badge(s.state, t(f"state.{s.state}", lang)),
        ]
        for s in sensors.itertuples()
    ]
    component = table(["a", "b", "c", "d", "e", "f"], rows)
    return json.dumps(
        {"response": {"sensors-table": {"children": component}}},
        cls=plotly.utils.PlotlyJSONEncoder,
    ).encode()


def summary(name: str, times: list[float], sizes: list[int]) -> None:
    q = statistics.quantiles(times, n=20)
    print(
        f"{name:<11} median {statistics.median(times) * 1000:7.2f} ms   "
        f"p95 {q[18] * 1000:7.2f} ms   "
        f"answer median {statistics.median(sizes):>9,.0f} B   max {max(sizes):>9,} B"
    )


def _sign_in(engine, client) -> None:  # noqa: ANN001
    """A duty officer signed in through the real form (pages need a session)."""
    import re

    from store import accounts

    password = "bench-password-0123"
    accounts.create_user(engine, "bench", password, ("duty_officer",), "Bench", ())
    form = client.get("/dang-nhap").get_data(as_text=True)
    csrf = re.search(r'name="csrf" value="([^"]+)"', form)
    if csrf is None:
        raise RuntimeError("no CSRF token on the sign-in form")
    base = "http://localhost"
    resp = client.post(
        "/dang-nhap",
        data={"username": "bench", "password": password, "csrf": csrf.group(1)}
        | {"next": "/"},
        headers={"Origin": base, "Referer": f"{base}/dang-nhap"},
    )
    if resp.status_code != 303:
        raise RuntimeError(f"sign-in failed: {resp.status_code}")


def measure(n_sensors: int, calls: int) -> dict[str, list]:
    """Server times (s) and answer sizes (B) of each way, and rows changed per tick."""
    args = argparse.Namespace(sensors=n_sensors, calls=calls)
    tmp = tempfile.mkdtemp(prefix="ioc-bench-")
    engine = make_engine(f"sqlite:///{tmp}/bench.db")
    migrate.upgrade(engine)
    t0 = time.perf_counter()
    ids = fill(engine, args.sensors)
    print(
        f"{args.sensors} sensors x {len(METRICS)} metrics, 1 h of minute readings: "
        f"filled in {time.perf_counter() - t0:.1f} s ({tmp})",
        file=sys.stderr,
    )
    runtime.set_engine(engine)
    from app import app
    from layouts.sensors import Ids

    client = app.server.test_client()
    _sign_in(engine, client)
    client.get("/cam-bien")  # page registry and layout ready
    rng = random.Random(2)
    filters = [
        {"id": Ids.KIND, "property": "value", "value": None},
        {"id": Ids.DISTRICT, "property": "value", "value": None},
        {"id": Ids.STATE, "property": "value", "value": None},
    ]
    # The full load gives the browser its rows; it then holds the first VISIBLE on
    # screen.
    _, resp = post(
        client,
        [
            (Ids.TABLE, "rowData"),
            (Ids.FILTER_ERROR, "children"),
            (Ids.FILTER_ERROR, "is_open"),
        ],
        filters,
        [],
    )
    rows = resp.get_json()["response"][Ids.TABLE]["rowData"]
    assert len(rows) == args.sensors, len(rows)
    known = {r["id"]: [r["ver"], r["state"]] for r in rows[:VISIBLE]}

    tick_t, tick_b, changed = [], [], []
    for n in range(args.calls):
        ingest_one_second(engine, ids, rng)
        elapsed, resp = post(
            client,
            [(Ids.TABLE, "rowTransaction"), (Ids.CLOCK, "data")],
            [
                {
                    "id": Ids.VISIBLE,
                    "property": "data",
                    "value": {"rows": known, "n": n},
                }
            ],
            [{"id": Ids.STATE, "property": "value", "value": None}],
        )
        assert resp.status_code == 200, resp.data[:300]
        tick_t.append(elapsed)
        tick_b.append(len(resp.data))
        tx = resp.get_json()["response"].get(Ids.TABLE, {}).get("rowTransaction")
        update = (tx or {}).get("update", [])
        changed.append(len(update))
        for r in update:
            known[r["id"]] = [r["ver"], r["state"]]

    full_t, full_b = [], []
    for _ in range(args.calls):
        ingest_one_second(engine, ids, rng)
        elapsed, resp = post(
            client,
            [
                (Ids.TABLE, "rowData"),
                (Ids.FILTER_ERROR, "children"),
                (Ids.FILTER_ERROR, "is_open"),
            ],
            filters,
            [],
        )
        assert resp.status_code == 200
        full_t.append(elapsed)
        full_b.append(len(resp.data))

    old_t, old_b = [], []
    for _ in range(args.calls):
        ingest_one_second(engine, ids, rng)
        t1 = time.perf_counter()
        body = old_table(engine)
        old_t.append(time.perf_counter() - t1)
        old_b.append(len(body))

    runtime.set_engine(None)
    engine.dispose()
    return {
        "tick": [tick_t, tick_b],
        "full grid": [full_t, full_b],
        "old table": [old_t, old_b],
        "changed": changed,
    }


@benchmark("sensors panel", order=20)
def run(quick: bool = False) -> list[Result]:
    sensors, calls = (100, 20) if quick else (500, 200)
    m = measure(sensors, calls)
    med = {k: statistics.median(m[k][0]) * 1000 for k in ("tick", "full grid")}
    size = {k: statistics.median(m[k][1]) for k in ("tick", "full grid")}
    old = statistics.median(m["old table"][0]) * 1000
    where = f"{sensors} sensors, {calls} calls each, {VISIBLE} rows on screen"
    return [
        Result(
            "sensors panel: 1-s tick, server time (median)",
            med["tick"],
            "ms",
            baseline=med["full grid"],
            baseline_name="full grid rebuild",
            note=f"{where}; rows changed per tick: median "
            f"{statistics.median(m['changed']):.0f}",
        ),
        Result(
            "sensors panel: 1-s tick, answer size (median)",
            size["tick"],
            "B",
            baseline=size["full grid"],
            baseline_name="full grid rebuild",
        ),
        Result(
            "sensors panel: old HTML table refresh (median)",
            old,
            "ms",
            baseline=med["tick"],
            baseline_name="1-s tick",
            note="the page before the grid, timed in process with its JSON encoding",
        ),
    ]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sensors", type=int, default=500)
    ap.add_argument("--calls", type=int, default=200)
    args = ap.parse_args()
    m = measure(args.sensors, args.calls)
    changed = m["changed"]
    print(
        f"{args.calls} calls each; {VISIBLE} rows on screen; "
        f"rows changed per tick: median {statistics.median(changed):.0f}, "
        f"max {max(changed)}"
    )
    for name in ("tick", "full grid", "old table"):
        summary(name, *m[name])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
