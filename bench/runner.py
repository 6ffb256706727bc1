"""Runs every registered benchmark and writes one results table.

    .venv/bin/python -m bench                  # everything; writes bench/RESULTS.md
    .venv/bin/python -m bench --quick          # small sizes, a smoke test; prints only
    .venv/bin/python -m bench --only ingest    # one benchmark (repeatable); prints only
    .venv/bin/python -m bench --list

Numbers are printed here, never asserted as timings in unit tests. Each benchmark
measures its figure and its baseline in the same run, on the same machine, and reports
medians (or totals over a sustained run) and their ratio.

Adding a page's figures: a new module ``bench/<page>.py`` with one decorated function
that returns a list of ``bench.results.Result``; the runner imports every module of
the package, so nothing else is edited::

    from bench.results import Result
    from bench.runner import benchmark

    @benchmark("traffic page", order=40)
    def traffic(quick: bool) -> list[Result]:
        rows = 200_000 if quick else 20_000_000
        ...  # fill a store, time the page's callback and the naive query
        return [
            Result("traffic: 24 h chart callback (median)", ms, "ms",
                   baseline=naive_ms, baseline_name="query on raw rows",
                   at_most=300, note=f"{rows:,} rows, 50 calls"),
        ]

``quick`` asks for sizes that finish in seconds (the smoke test). A benchmark that needs
a service it cannot reach returns a Result with ``met=None`` and a note saying so; one
that raises gets a FAILED row and the others still run. Benchmarks run one after the
other in this process (start subprocesses yourself when the figure is about several
processes, as ``bench/ingest.py`` does). ``order`` sorts the rows of the table.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.results import Result, failed, table

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_MD = BENCH_DIR / "RESULTS.md"
_NOT_BENCHMARKS = {"runner", "results", "__main__"}


@dataclass
class Benchmark:
    name: str
    run: Callable[[bool], list[Result]]
    order: int


BENCHMARKS: dict[str, Benchmark] = {}


def benchmark(
    name: str, order: int = 100
) -> Callable[[Callable[[bool], list[Result]]], Callable[[bool], list[Result]]]:
    """Register ``fn(quick: bool) -> list[Result]`` under ``name``."""

    def register(fn: Callable[[bool], list[Result]]) -> Callable[[bool], list[Result]]:
        if name in BENCHMARKS and BENCHMARKS[name].run is not fn:
            raise ValueError(f"two benchmarks are called {name!r}")
        BENCHMARKS[name] = Benchmark(name, fn, order)
        return fn

    return register


def discover() -> list[str]:
    """Import every module of the bench package so that its benchmarks register;
    returns the errors of modules that could not be imported."""
    errors = []
    for mod in pkgutil.iter_modules([str(BENCH_DIR)]):
        if mod.name in _NOT_BENCHMARKS or mod.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"bench.{mod.name}")
        except Exception as exc:  # noqa: BLE001 - reported as a FAILED row
            traceback.print_exc()
            errors.append((mod.name, exc))
    return errors


def run(only: list[str] | None = None, quick: bool = False) -> list[Result]:
    results: list[Result] = []
    for mod, exc in discover():
        results.append(failed(f"bench/{mod}.py (import)", exc))
    chosen = sorted(BENCHMARKS.values(), key=lambda b: (b.order, b.name))
    if only:
        unknown = set(only) - set(BENCHMARKS)
        if unknown:
            raise SystemExit(
                f"unknown benchmark(s) {sorted(unknown)}; known: {sorted(BENCHMARKS)}"
            )
        chosen = [b for b in chosen if b.name in only]
    for b in chosen:
        t0 = time.perf_counter()
        print(f"== {b.name} ...", file=sys.stderr, flush=True)
        try:
            results.extend(b.run(quick))
        except Exception as exc:  # noqa: BLE001 - the table still comes out
            traceback.print_exc()
            results.append(failed(b.name, exc))
        print(
            f"== {b.name}: {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench", description="Run the benchmarks; print one table."
    )
    ap.add_argument("--only", action="append", metavar="NAME", help="repeatable")
    ap.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    ap.add_argument("--list", action="store_true", help="list the benchmarks")
    ap.add_argument(
        "--output",
        type=Path,
        help="markdown file to write (default: bench/RESULTS.md for a full run, "
        "none with --quick or --only)",
    )
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    if args.list:
        discover()
        for b in sorted(BENCHMARKS.values(), key=lambda b: (b.order, b.name)):
            print(b.name)
        return 0
    results = run(args.only, args.quick)
    command = "python -m bench" + (" --quick" if args.quick else "")
    command += "".join(f" --only {n!r}" for n in args.only or [])
    md = table(results, "Benchmark results", command)
    print(md)
    output = args.output
    if output is None and not (args.quick or args.only):
        output = RESULTS_MD
    if output is not None:
        output.write_text(md, encoding="utf-8")
        print(f"written to {output}", file=sys.stderr)
    return 1 if any(r.note.startswith("FAILED") for r in results) else 0
