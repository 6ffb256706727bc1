"""Reports on the big store: time and peak memory to make the month's PDF briefing
and its workbook of every domain, each in a fresh worker process as the app makes
them (reports.jobs); beside the time of gathering the month's figures alone (the
store's share) and the worker's memory once its imports are loaded.

    .venv/bin/python -m bench --only reports
"""

from __future__ import annotations

import multiprocessing
import statistics
import time

from bench import _bigstore
from bench.results import Result
from bench.runner import benchmark

RUNS = 3


def _vm_hwm_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _one(url: str, fmt: str, queue: multiprocessing.Queue) -> None:
    """In a fresh process: import, then gather and render the month as ``fmt``."""
    from catalogue import DOMAINS
    from reports import build, content, pdf, periods, xlsx
    from store.db import make_engine
    from store.reports import RunSpec
    from store.writes import now_ms

    engine = make_engine(url)
    base_mb = _vm_hwm_mb()
    month = periods.make("month", periods.today(now_ms()))
    spec = RunSpec(DOMAINS, (), "month", month.start_ms, month.end_ms, "vi", (fmt,))
    t0 = time.perf_counter()
    c = content.gather(engine, spec, build.spec_period(spec), now_ms(), "bench")
    t1 = time.perf_counter()
    data = pdf.render(c) if fmt == "pdf" else xlsx.render(c)
    t2 = time.perf_counter()
    queue.put((t1 - t0, t2 - t0, base_mb, _vm_hwm_mb(), len(data)))


@benchmark("reports", order=60)
def run(quick: bool = False) -> list[Result]:
    store = _bigstore.build(quick)
    ctx = multiprocessing.get_context("spawn")
    out: list[Result] = []
    for fmt, name in (("pdf", "PDF briefing"), ("xlsx", "workbook")):
        runs = []
        for _ in range(RUNS):
            q = ctx.Queue()
            p = ctx.Process(target=_one, args=(store.url, fmt, q))
            p.start()
            runs.append(q.get(timeout=600))
            p.join(60)
        gather_s = statistics.median(r[0] for r in runs)
        total_s = statistics.median(r[1] for r in runs)
        base = statistics.median(r[2] for r in runs)
        peak = statistics.median(r[3] for r in runs)
        size = statistics.median(r[4] for r in runs)
        note = (
            f"{store.sensors} sensors, {store.readings:,} readings; six domains, "
            f"median of {RUNS}: " + ", ".join(f"{r[1]:.2f}" for r in runs) + " s"
        )
        out += [
            Result(
                f"reports: month {name}, time (median)",
                total_s * 1000,
                "ms",
                baseline=gather_s * 1000,
                baseline_name="gathering the month's figures alone",
                at_most=60_000,
                note=note,
            ),
            Result(
                f"reports: month {name}, worker peak memory (VmHWM)",
                peak,
                "MB",
                baseline=base,
                baseline_name="the worker after its imports",
                at_most=500,
                note=f"file {size / 1024:,.0f} KB",
            ),
        ]
    return out
