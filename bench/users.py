"""Concurrent users: 50 signed-in users on the overview and the live sensor panel,
the web app under gunicorn (several gthread workers), against the same with 1 user.

    .venv/bin/python -m bench.users [--quick] [--users 50] [--seconds 60]

Each simulated user is its own session (signed in through the form) with two tabs,
as on a duty officer's wall screen: the overview (its 5 s tick and the shell's
5 s alert badge) and the sensor panel (its 1 s tick naming the 30 rows on screen,
and the badge). Each tab first loads its page (router and initial callbacks,
bench/_dash_client.py, counted like every other request) and then keeps its
intervals' pace: the next tick goes out one interval after the previous one was
sent, or at once if the answer took longer (a tab never has two requests in
flight, as Dash's renderer). Users start spread over the first 5 s. Before the
clock, 6 users run for 5 s to warm every worker (imports, page registry, caches).
One asyncio loop with httpx drives them all; an error is any answer other than
200/204 or a transport error.

The store is the dashboard bench's (bench/_bigstore.py: 500 sensors x 30 days, or
the quick one), with its ingest stand-in writing every second.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import multiprocessing
import random
import statistics
import time
from dataclasses import dataclass, field

import httpx

from bench import _bigstore as bigstore
from bench._dash_client import Renderer
from bench._webserver import WebServer, make_users, sign_in_async
from bench.dashboard import Live, interval, sensor_tick
from bench.results import Result
from bench.runner import benchmark

WORKERS = 3
THREADS = 4
# Longer than the longest tick (5 s), as the README's production command has it:
# gunicorn's default of 2 s closes a tab's connection between two ticks, and a close
# racing the next request reaches httpx as a ReadError (a browser retries it).
KEEPALIVE: int | None = 10


@dataclass
class Tally:
    ms: list[float] = field(default_factory=list)
    live_ms: list[float] = field(default_factory=list)  # ticks only, no first loads
    errors: list[str] = field(default_factory=list)
    first: float = 0.0
    last: float = 0.0


async def _send(
    client: httpx.AsyncClient,
    base: str,
    step,  # noqa: ANN001 - a renderer Step
    tally: Tally,
    until: float,
    live: bool = False,
) -> None:
    try:
        label, body = next(step)
        while True:
            t0 = time.perf_counter()
            answer = None
            try:
                resp = await client.post(
                    "/_dash-update-component", json=body, headers={"Origin": base}
                )
                if resp.status_code == 200:
                    answer = resp.json()
                elif resp.status_code != 204:
                    tally.errors.append(f"{label}: {resp.status_code}")
            except httpx.HTTPError as exc:
                tally.errors.append(f"{label}: {exc!r}")
            if t0 < until:
                ms = (time.perf_counter() - t0) * 1000
                tally.ms.append(ms)
                if live:
                    tally.live_ms.append(ms)
                tally.last = time.perf_counter()
            label, body = step.send(answer)
    except StopIteration:
        pass


async def _tab(
    client: httpx.AsyncClient,
    base: str,
    renderer: Renderer,
    path: str,
    ticks: list[tuple[float, Live]],
    tally: Tally,
    until: float,
) -> None:
    """Load ``path``, then fire each (interval_s, live update) at its pace."""
    await _send(client, base, renderer.first_load(path), tally, until)
    due = [time.perf_counter() + every for every, _lv in ticks]
    n = [0] * len(ticks)
    while True:
        i = min(range(len(ticks)), key=due.__getitem__)
        await asyncio.sleep(max(0.0, due[i] - time.perf_counter()))
        if time.perf_counter() >= until:
            return
        every, lv = ticks[i]
        n[i] += 1
        due[i] = time.perf_counter() + every
        step = renderer.live(lv.trigger, lv.value(n[i], renderer))
        await _send(client, base, step, tally, until, live=True)
        if lv.after:
            lv.after(renderer)


async def _user(
    base: str, username: str, proto: Renderer, tally: Tally, start: float, s: float
) -> None:
    import app  # noqa: F401 - the pages' Ids need the Dash app
    from layouts._shell import Ids as Shell
    from layouts.overview import Ids as Overview
    from layouts.sensors import Ids as Sensors

    limits = httpx.Limits(max_connections=2)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        await sign_in_async(client, base, username)
        await asyncio.sleep(max(0.0, start - time.perf_counter()))
        until = time.perf_counter() + s
        badge = (5.0, interval(Shell.ALERT_INTERVAL))
        overview = [(5.0, interval(Overview.INTERVAL)), badge]
        sensors = [(1.0, sensor_tick(Sensors)), badge]
        await asyncio.gather(
            _tab(client, base, copy.deepcopy(proto), "/", overview, tally, until),
            _tab(
                client, base, copy.deepcopy(proto), "/cam-bien", sensors, tally, until
            ),
        )


async def _run(base: str, names: list[str], seconds: float) -> Tally:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await sign_in_async(client, base, names[0])
        deps = (await client.get("/_dash-dependencies")).json()
        layout = (await client.get("/_dash-layout")).json()
    proto = Renderer.from_app(deps, layout)
    tally = Tally()
    # Sign-ins first (one password hash each); the clock starts after them.
    t0 = time.perf_counter() + 2 + 0.1 * len(names)
    rng = random.Random(1)
    tally.first = t0
    await asyncio.gather(
        *(_user(base, n, proto, tally, t0 + rng.uniform(0, 5), seconds) for n in names)
    )
    return tally


def _summary(t: Tally, seconds: float) -> dict:
    ms = sorted(t.ms)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    lv = sorted(t.live_ms)
    lq = statistics.quantiles(lv, n=100, method="inclusive") if len(lv) > 1 else lv * 99
    return {
        "live_p50": lq[49] if lq else 0.0,
        "live_p95": lq[94] if lq else 0.0,
        "n": len(ms),
        "rps": len(ms) / max(1e-9, t.last - t.first) if ms else 0.0,
        "p50": q[49],
        "p95": q[94],
        "p99": q[98],
        "errors": len(t.errors),
        "error_kinds": sorted(set(t.errors))[:3],
    }


def measure(
    quick: bool,
    users: int,
    seconds: float,
    workers: int = WORKERS,
    threads: int = THREADS,
    keepalive: int | None = KEEPALIVE,
) -> list[Result]:
    from bench.dashboard import _ingest

    store = bigstore.build(quick)
    names = make_users(store.url, users, prefix="user")
    ctx = multiprocessing.get_context("fork")
    stop = ctx.Event()
    ingest = ctx.Process(target=_ingest, args=(store.url, store.sensors, stop))
    ingest.start()
    try:
        log = bigstore.DATA / "users-gunicorn.log"
        with WebServer(
            store.url, workers=workers, threads=threads, log=log, keepalive=keepalive
        ) as server:
            # Warm every worker (imports, page registry, SQLite cache); not counted.
            asyncio.run(_run(server.url, names[: 2 * workers], 5))
            one = _summary(asyncio.run(_run(server.url, names[:1], seconds)), seconds)
            many = _summary(asyncio.run(_run(server.url, names, seconds)), seconds)
            _master, worker_mb = server.peak_rss_mb()
    finally:
        stop.set()
        ingest.join(10)
    alive = f"keep-alive {keepalive:g} s" if keepalive is not None else "keep-alive 2 s"
    setup = (
        f"gunicorn {workers} gthread workers x {threads} threads, {alive}, 2 cores; "
        f"{store.sensors} sensors, {store.readings:,} readings; {seconds:.0f} s"
    )
    return [
        Result(
            f"users: {users} users, latency p95",
            round(many["p95"], 1),
            "ms",
            round(one["p95"], 1),
            "1 user",
            at_most=500,
            note=f"p50 {many['p50']:.0f} / p99 {many['p99']:.0f} ms over "
            f"{many['n']:,} requests (1 user: p50 {one['p50']:.0f} / p99 "
            f"{one['p99']:.0f} ms, {one['n']} requests); {setup}",
        ),
        Result(
            f"users: {users} users, live updates only, latency p95",
            round(many["live_p95"], 1),
            "ms",
            round(one["live_p95"], 1),
            "1 user",
            at_most=500,
            note=f"p50 {many['live_p50']:.0f} ms; the ticks after every tab's first "
            "load (the first loads of 100 tabs opened within 5 s are the tail of "
            "the figure above)",
        ),
        Result(
            f"users: {users} users, requests per second",
            round(many["rps"], 1),
            "req/s",
            round(one["rps"], 2),
            "1 user",
            note="overview 5 s tick + sensor panel 1 s tick + alert badges, per "
            f"user; largest worker peak RSS {worker_mb:.0f} MB",
        ),
        Result(
            f"users: {users} users, errors",
            many["errors"],
            "errors",
            one["errors"],
            "1 user",
            at_most=0,
            note=", ".join(many["error_kinds"]) or "none",
        ),
    ]


@benchmark("concurrent users", order=30)
def users_bench(quick: bool) -> list[Result]:
    return measure(quick, 50, 10 if quick else 60)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=None)
    ap.add_argument("--workers", type=int, default=WORKERS)
    ap.add_argument("--threads", type=int, default=THREADS)
    ap.add_argument("--keep-alive", type=int, default=KEEPALIVE)
    args = ap.parse_args()
    seconds = args.seconds or (10 if args.quick else 60)
    for r in measure(
        args.quick, args.users, seconds, args.workers, args.threads, args.keep_alive
    ):
        print(f"{r.name}: {r.value} {r.unit} (baseline {r.baseline}) {r.note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
