"""Dashboard under data: server time per callback, bytes per live update and the web
process's peak memory, on a store of 500 sensors x 30 days at one reading a minute
(21.6 M readings, bench/_bigstore.py), against the same callbacks reading raw rows
with pandas (bench/_raw_app.py) in the same run.

    .venv/bin/python -m bench.dashboard [--quick] [--pages environment,alerts]

Method
------
- The store is built once and cached under bench/.data/ (bench/_bigstore.py says how,
  and the fill time is reported); each run tops it up to now.
- Two gunicorn servers, one sync worker each (``app:server`` and
  ``bench._raw_app:create()``), IOC_ROLE=web, on that store. A process stands in
  for the ingest: each second it writes the readings due (every sensor once a
  minute) with ``writes.write_batch`` and judges the alert rules for them, as the
  MQTT ingest does.
- A client signs in through the form and sends ``/_dash-update-component`` requests
  as the browser does (bench/_dash_client.py builds them from ``/_dash-dependencies``
  and the layouts the server sends): a page's first load is the router callback and
  then the page's initial callbacks in the renderer's order; a live update is what
  an interval tick (or, for the sensor grid, its clientside callback naming the 30
  rows on screen) triggers. Requests go one after another on one keep-alive
  connection, so each time is the HTTP round trip on localhost: the server's time
  plus a fraction of a millisecond.
- Live updates go back to back, not at their interval's pace: what they measure is
  server time. Both servers run with IOC_SHARED_READS=0, so no request is answered
  from another's shared read (store.memo, which serves many users within a tick):
  each figure is one user's full cost; bench/users.py measures the sharing. Tick
  numbers count up, so the environment page's every-sixth-tick AQI refresh is in
  its p95. For the sensor grid, few of the 30 rows on screen change between two
  ticks (each sensor speaks once a minute), so its answers are mostly the 66-byte
  "nothing changed"; bench/users.py ticks at the real pace.
- Rollup and raw requests alternate, so the machine's noise falls on both. The
  raw server gets fewer requests (it is slow); every figure is a median or p95.
- Bytes: what the response carried on the wire (httpx asks for gzip, as browsers do;
  the app sends none, so wire = decoded). A 204 (PreventUpdate) counts as 0.
- Memory: VmHWM of the gunicorn worker after the run (the master's beside it).

Adding a page: one line in ``pages()`` (its path and what its live updates send).
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bench import _bigstore as bigstore
from bench._dash_client import Renderer
from bench._webserver import WebServer, make_users, sign_in
from bench.results import Result
from bench.runner import benchmark

ONLY: set[str] = set()  # page names chosen with --pages; empty: every page
VISIBLE_ROWS = 30  # rows of the sensor grid on an iPad screen with AG Grid's buffer
RAW = "raw rows + pandas"


# --- what each page sends ------------------------------------------------------------


@dataclass(frozen=True)
class Live:
    """A live update: ``trigger`` (id, property) takes ``value(n, renderer)``; then
    ``after(renderer)`` does what the browser does with the answer."""

    trigger: tuple[str, str]
    value: Callable[[int, Renderer], object] = lambda n, _r: n
    after: Callable[[Renderer], None] | None = None


@dataclass(frozen=True)
class Page:
    name: str
    path: str | None  # None: no first load of its own (the shell's badge)
    live: tuple[Live, ...] = ()
    search: str = ""


def interval(cid: str) -> Live:
    return Live((cid, "n_intervals"))


def sensor_tick(ids: type) -> Live:
    """The sensor grid's second: assets/sensors_grid.js ``visible`` names the rows
    on screen with the version and state the browser holds; AG Grid then applies
    the answer's rowTransaction to its rows."""

    def visible(n: int, r: Renderer) -> dict:
        rows = r.get(ids.TABLE, "rowData") or []
        on_screen = rows[:VISIBLE_ROWS]
        return {"rows": {x["id"]: [x["ver"], x["state"]] for x in on_screen}, "n": n}

    def apply(r: Renderer) -> None:
        tx = r.get(ids.TABLE, "rowTransaction") or {}
        rows = r.get(ids.TABLE, "rowData") or []
        new = {x["id"]: x for x in tx.get("update", [])}
        gone = {x["id"] for x in tx.get("remove", [])}
        kept = [new.get(x["id"], x) for x in rows if x["id"] not in gone]
        r.set(ids.TABLE, "rowData", kept)
        r.set(ids.TABLE, "rowTransaction", None)

    return Live((ids.VISIBLE, "data"), visible, apply)


def pages() -> tuple[Page, ...]:
    """The pages measured: one line each. (A function, because the pages' Ids need
    the Dash app, and the bench runner imports this module before any bench runs.)"""
    import app  # noqa: F401
    from layouts._shell import Ids as Shell
    from layouts.alerts import Ids as Alerts
    from layouts.environment import Ids as Env
    from layouts.overview import Ids as Overview
    from layouts.sensors import Ids as Sensors

    every = (
        Page("overview", "/", (interval(Overview.INTERVAL),)),
        Page("environment", "/moi-truong", (interval(Env.INTERVAL),)),
        Page("sensors", "/cam-bien", (sensor_tick(Sensors),)),
        Page("alerts", "/canh-bao", (interval(Alerts.INTERVAL),)),
        Page("shell badge", None, (interval(Shell.ALERT_INTERVAL),)),
    )
    return tuple(p for p in every if not ONLY or p.name in ONLY)


# --- a signed-in tab -----------------------------------------------------------------


@dataclass
class Sample:
    ms: float
    wire: int
    body: int
    status: int


@dataclass
class Tab:
    """One browser tab on one server: a signed-in client and a renderer."""

    server: WebServer
    username: str
    client: httpx.Client = field(init=False)
    renderer: Renderer = field(init=False)

    def __post_init__(self) -> None:
        base = self.server.url
        self.client = httpx.Client(base_url=base, timeout=120)
        sign_in(self.client, base, self.username)
        deps = self.client.get("/_dash-dependencies").json()
        layout = self.client.get("/_dash-layout").json()
        self.renderer = Renderer.from_app(deps, layout)

    def _post(self, body: dict) -> tuple[Sample, dict | None]:
        headers = {"Origin": self.server.url}
        t0 = time.perf_counter()
        resp = self.client.post("/_dash-update-component", json=body, headers=headers)
        ms = (time.perf_counter() - t0) * 1000
        if resp.status_code not in (200, 204):
            raise RuntimeError(f"{resp.status_code}: {resp.text[:300]}")
        answer = resp.json() if resp.status_code == 200 else None
        return Sample(ms, resp.num_bytes_downloaded, len(resp.content), 200), answer

    def run(self, step) -> list[tuple[str, Sample]]:  # noqa: ANN001 - a renderer Step
        out: list[tuple[str, Sample]] = []
        try:
            label, body = next(step)
            while True:
                sample, answer = self._post(body)
                out.append((label, sample))
                label, body = step.send(answer)
        except StopIteration:
            pass
        return out

    def first_load(self, page: Page) -> list[tuple[str, Sample]]:
        return self.run(self.renderer.first_load(page.path, page.search))

    def live(self, page: Page, n: int) -> list[tuple[str, Sample]]:
        out = []
        for lv in page.live:
            out += self.run(self.renderer.live(lv.trigger, lv.value(n, self.renderer)))
            if lv.after:
                lv.after(self.renderer)
        return out


# --- the ingest stand-in -------------------------------------------------------------


def _ingest(database_url: str, sensors: int, stop) -> None:  # noqa: ANN001 - an Event
    import numpy as np

    from simulators.sensors import SensorFleet
    from store import alerting, writes
    from store.db import make_engine

    engine = make_engine(database_url)
    specs = bigstore.fleet(bigstore.FULL if sensors > 100 else bigstore.QUICK)
    fleet = SensorFleet(specs, seed=bigstore.SEED)
    while not stop.is_set():
        t0 = time.time()
        now = writes.now_ms()
        second = (now // 1000) % 60
        rows = []
        for spec in specs[second::60]:
            metric = spec.metrics[(now // 60_000) % len(spec.metrics)]
            v = float(fleet.values(spec, np.array([now / 1000]))[metric][0])
            if np.isfinite(v):
                rows.append(writes.Row(spec.id, metric, now, v))
        if rows:
            writes.write_batch(engine, rows)
            alerting.evaluate(engine, pairs=[(r.sensor_id, r.metric) for r in rows])
        stop.wait(max(0.0, 1.0 - (time.time() - t0)))


# --- measuring -----------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


@dataclass
class Stats:
    totals: list[float] = field(default_factory=list)  # per load / per tick
    per_cb: dict[str, list[Sample]] = field(default_factory=lambda: defaultdict(list))

    def add(self, samples: list[tuple[str, Sample]]) -> None:
        if not samples:
            return
        self.totals.append(sum(s.ms for _l, s in samples))
        for label, s in samples:
            self.per_cb[label].append(s)

    def all(self) -> list[Sample]:
        return [s for v in self.per_cb.values() for s in v]


def measure(
    tabs: dict[str, Tab], n_load: int, n_live: int, n_raw: int, n_raw_live: int
) -> dict[tuple[str, str, str], Stats]:
    """{(page, 'load' | 'live', 'rollups' | 'raw'): Stats}"""
    out: dict[tuple[str, str, str], Stats] = defaultdict(Stats)
    for page in pages():
        if page.path is not None:
            for i in range(n_load):
                for kind, tab in tabs.items():
                    if kind == "raw" and i >= n_raw:
                        continue
                    out[(page.name, "load", kind)].add(tab.first_load(page))
        else:
            for tab in tabs.values():
                tab.renderer.reset()
        for i in range(n_live):
            for kind, tab in tabs.items():
                if kind == "raw" and i >= n_raw_live:
                    continue
                out[(page.name, "live", kind)].add(tab.live(page, i + 1))
        print(f"  {page.name}: done", flush=True)
    return out


def _fmt_cb(stats: Stats) -> str:
    return "; ".join(
        f"{label} p50 {pct([s.ms for s in v], 50):.0f} / p95 "
        f"{pct([s.ms for s in v], 95):.0f} ms"
        for label, v in stats.per_cb.items()
    )


def results(
    data: dict, store: bigstore.Store, rss: dict[str, dict[int, float]]
) -> list[Result]:
    out = [
        Result(
            "dashboard: store fill",
            store.fill_s,
            "s",
            note=f"{store.sensors} sensors, {store.readings:,} readings, both "
            f"rollups; {'cached, ' if store.reused else ''}top-up "
            f"{store.topup_s:.1f} s",
        )
    ]
    for page in pages():
        for phase, limit in (("load", 300), ("live", 50)):
            fast, raw = (
                data.get((page.name, phase, "rollups")),
                data.get((page.name, phase, "raw")),
            )
            if fast is None or not fast.totals:
                continue
            p95, p50 = pct(fast.totals, 95), pct(fast.totals, 50)
            r95 = pct(raw.totals, 95) if raw and raw.totals else None
            r50 = pct(raw.totals, 50) if raw and raw.totals else None
            what = "first load" if phase == "load" else "live update"
            ratio = f"; rollups {r50 / p50:.1f}x faster at p50" if r50 else ""
            out.append(
                Result(
                    f"dashboard: {page.name} {what} (p95, server time)",
                    round(p95, 1),
                    "ms",
                    round(r95, 1) if r95 is not None else None,
                    RAW,
                    at_most=limit,
                    note=f"p50 {p50:.1f} ms (raw {r50 or float('nan'):.0f} ms){ratio}; "
                    f"n={len(fast.totals)} (raw {len(raw.totals) if raw else 0}); "
                    f"{_fmt_cb(fast)}",
                )
            )
            if phase == "live":
                samples = fast.all()
                wire = [s.wire for s in samples]
                body = [s.body for s in samples]
                out.append(
                    Result(
                        f"dashboard: {page.name} bytes per live update (p95)",
                        round(pct(wire, 95) / 1024, 2),
                        "KB",
                        at_most=20,
                        note=f"{'sent uncompressed' if wire == body else 'gzip'}; "
                        f"median {statistics.median(wire):,.0f} B, max {max(wire):,} "
                        f"B; n={len(wire)} answers (204s count as 0)",
                    )
                )
    (fast_master, fast_worker), (raw_master, raw_worker) = rss["rollups"], rss["raw"]
    out.append(
        Result(
            "dashboard: web worker peak memory (VmHWM)",
            round(fast_worker, 1),
            "MB",
            round(raw_worker, 1),
            RAW,
            at_most=500,
            note=f"gunicorn master {fast_master:.0f} MB (raw {raw_master:.0f} MB); "
            "1 sync worker each",
        )
    )
    return out


def run(quick: bool = False) -> list[Result]:
    store = bigstore.build(quick)
    print(
        f"store: {store.sensors} sensors, {store.readings:,} readings "
        f"(fill {store.fill_s:.0f} s, top-up {store.topup_s:.1f} s)",
        flush=True,
    )
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    ingest = ctx.Process(target=_ingest, args=(store.url, store.sensors, stop))
    ingest.start()
    try:
        return _measure_all(store, quick)
    finally:
        stop.set()
        ingest.join(10)


def _measure_all(store: bigstore.Store, quick: bool) -> list[Result]:
    users = make_users(store.url, 2)
    n_load, n_live, n_raw, n_raw_live = (5, 20, 3, 10) if quick else (30, 200, 6, 20)
    with (
        WebServer(store.url, "app:server", shared_reads=False) as fast,
        WebServer(store.url, "bench._raw_app:create()", shared_reads=False) as raw,
    ):
        tabs = {"rollups": Tab(fast, users[0]), "raw": Tab(raw, users[1])}
        for page in pages():  # warm both: imports, caches, SQLite pages
            if page.path:
                for tab in tabs.values():
                    tab.first_load(page)
        data = measure(tabs, n_load, n_live, n_raw, n_raw_live)
        rss = {"rollups": fast.peak_rss_mb(), "raw": raw.peak_rss_mb()}
    return results(data, store, rss)


def print_table(rows: list[Result]) -> None:
    for r in rows:
        base = f" | {RAW}: {r.baseline}" if r.baseline is not None else ""
        print(f"{r.name}: {r.value} {r.unit} (target {r.target_text() or '-'}){base}")
        if r.note:
            print(f"    {r.note}")


@benchmark("dashboard under data", order=20)
def dashboard(quick: bool) -> list[Result]:
    return run(quick)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="62 sensors x 2 days")
    ap.add_argument(
        "--pages",
        default="",
        help="comma-separated page names to measure (default: every page)",
    )
    args = ap.parse_args()
    ONLY.update(n.strip() for n in args.pages.split(",") if n.strip())
    print_table(run(args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
