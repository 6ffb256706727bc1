"""Many sensors' series over HTTP (``GET /api/v1/series``) against the same query in
process (``store.queries.series_many``).

The request is the issue's: every sensor's every metric, the last 24 hours, hourly
buckets, on the big store (bench/_bigstore.py). The API is served by gunicorn (one
gthread worker) in a subprocess and read with httpx over a kept-alive connection
with an API key, as a client does, gzip accepted; a run is every page of the answer
(one page with limit=1000, five with the default limit of 100). The baseline is
``series_many`` over the same sensors, metrics, range and step, in this process.
Medians of RUNS runs each, taken in turn. For the record, the single-series route
is timed once the way a client had to read the same data before: one request per
sensor and metric."""

from __future__ import annotations

import statistics
import time

import httpx

import province
from bench import _bigstore as bigstore
from bench._webserver import WebServer
from bench.results import Result
from bench.runner import benchmark
from store import accounts, queries
from store.db import make_engine

RUNS = 7
HOUR_MS = 3_600_000


def _walk(client: httpx.Client, query: str) -> tuple[float, int, int]:
    """Every page of ``query``: seconds, pages, points."""
    t0 = time.perf_counter()
    pages = points = 0
    cursor = None
    while True:
        r = client.get("/api/v1/series", params={**query, "cursor": cursor or ""})
        r.raise_for_status()
        body = r.json()
        pages += 1
        points += sum(len(s["points"]["ts"]) for s in body["series"])
        cursor = body["next_cursor"]
        if cursor is None:
            return time.perf_counter() - t0, pages, points


@benchmark("api series", order=60)
def api_series(quick: bool) -> list[Result]:
    store = bigstore.build(quick)
    engine = make_engine(store.url)
    try:
        _id, key = accounts.issue_api_key(
            engine, "bench-series", ["leader"], "bench", profile=province.current()
        )
        sensors = queries.sensor_metrics(engine)
        ids = list(sensors["id"])
        metrics = sorted({m for ms in sensors["metrics"] for m in ms})
        pairs = [(sid, m) for sid, ms in zip(ids, sensors["metrics"]) for m in ms]
        now = int(time.time() * 1000)
        to = now - now % HOUR_MS + HOUR_MS
        frm = to - 24 * HOUR_MS
        query = {"from": str(frm // 1000), "to": str(to // 1000), "step": "1h"}

        def in_process() -> tuple[float, int]:
            t0 = time.perf_counter()
            df = queries.series_many(engine, ids, metrics, frm, to, 3600)
            return time.perf_counter() - t0, len(df)

        with (
            WebServer(store.url, threads=4) as server,
            httpx.Client(
                base_url=server.url, headers={"X-API-Key": key}, timeout=120
            ) as client,
        ):
            _walk(client, {**query, "limit": "1000"})  # warm: imports, caches
            in_process()
            one, paged, base = [], [], []
            for _ in range(RUNS):
                base.append(in_process())
                one.append(_walk(client, {**query, "limit": "1000"}))
                paged.append(_walk(client, query))
            t0 = time.perf_counter()
            for sid, metric in pairs:
                client.get(
                    f"/api/v1/sensors/{sid}/series",
                    params={"metric": metric, **query},
                ).raise_for_status()
            single_s = time.perf_counter() - t0
    finally:
        engine.dispose()

    base_ms = statistics.median(t for t, _n in base) * 1000
    rows = base[0][1]
    results = []
    for label, runs in (("one page, limit=1000", one), ("pages of 100", paged)):
        ms = statistics.median(t for t, _p, _n in runs) * 1000
        _t, pages, points = runs[0]
        if points != rows:
            raise AssertionError(f"API gave {points} points, series_many {rows}")
        results.append(
            Result(
                f"API: all sensors' 24 h hourly, {label} (median)",
                ms,
                "ms",
                baseline=base_ms,
                baseline_name="series_many in process",
                target="ratio <= 2",
                met=ms <= 2 * base_ms,
                note=f"{store.sensors} sensors, {len(pairs)} series, {points:,} "
                f"points, {pages} request(s) per run; runs "
                + ", ".join(f"{t * 1000:.0f}" for t, _p, _n in runs)
                + " ms; series_many runs "
                + ", ".join(f"{t * 1000:.0f}" for t, _n in base)
                + f" ms; {store.readings:,} readings in the store",
            )
        )
    results.append(
        Result(
            "API: the same with one request per series (single-series route)",
            single_s * 1000,
            "ms",
            baseline=base_ms,
            baseline_name="series_many in process",
            note=f"{len(pairs)} requests, one run",
        )
    )
    return results
