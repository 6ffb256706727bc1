"""Making a run's files: gather the content, write each asked-for format, store
them; progress is written to the run's row between steps and a cancel asked for
on the page stops the run at the next step."""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import Engine

from reports import csvfile, pdf, periods, xlsx
from reports.content import Cancelled, Content, gather
from store import reports as store_reports
from store.reports import RunSpec
from store.writes import now_ms

log = logging.getLogger(__name__)


def spec_period(spec: RunSpec) -> periods.Period:
    """The Period of a stored spec (its bounds are Vietnam midnights)."""
    first = periods.today(spec.start_ms)
    last = periods.today(spec.end_ms - 1)
    if spec.period == "custom":
        return periods.make("custom", first, last)
    return periods.make(spec.period, first)


def filename(run_id: int, spec: RunSpec, fmt: str) -> str:
    """The server's name for a file: ASCII from checked codes and numbers only."""
    first = periods.today(spec.start_ms).strftime("%Y%m%d")
    return f"bao-cao-{spec.period}-{first}-{run_id}.{fmt}"


def make_files(
    engine: Engine,
    run_id: int,
    spec: RunSpec,
    made_by: str,
    step: Callable[[int], bool] = lambda _p: True,
) -> dict[str, tuple[str, bytes]]:
    """fmt -> (file name, bytes) of every format in ``spec``; Cancelled when a step
    says stop."""
    content: Content = gather(engine, spec, spec_period(spec), now_ms(), made_by, step)

    def checked(p: int) -> bool:
        if not step(p):
            raise Cancelled()
        return True

    files: dict[str, tuple[str, bytes]] = {}
    for fmt in spec.formats:
        if fmt == "pdf":
            data = pdf.render(content, checked)
        elif fmt == "xlsx":
            data = xlsx.render(content)
        elif fmt == "csv":
            data = csvfile.render(content)
        else:
            raise ValueError(f"no such format {fmt!r}")
        files[fmt] = (filename(run_id, spec, fmt), data)
        checked(90 if fmt == "pdf" else 95)
    return files


def spec_of(row: dict) -> RunSpec:
    return RunSpec(
        tuple(row["domains"]),
        tuple(row["areas"]),
        row["period"],
        int(row["start_ms"]),
        int(row["end_ms"]),
        row["lang"],
        tuple(row["formats"]),
    )


def execute(engine: Engine, run_id: int) -> str:
    """Make run ``run_id`` if it is still queued; returns the state it ends in."""
    if not store_reports.start(engine, run_id):
        row = store_reports.run(engine, run_id)
        return row["state"] if row else "missing"
    row = store_reports.run(engine, run_id)
    assert row is not None
    spec = spec_of(row)

    def step(p: int) -> bool:
        return store_reports.set_progress(engine, run_id, p)

    try:
        files = make_files(engine, run_id, spec, row["requested_by"], step)
    except Cancelled:
        store_reports.fail(engine, run_id, "cancelled")
        log.info("report %d cancelled", run_id)
        return "cancelled"
    except Exception as exc:
        log.exception("report %d failed", run_id)
        store_reports.fail(engine, run_id, "failed", f"{type(exc).__name__}: {exc}")
        return "failed"
    if not step(99):
        store_reports.fail(engine, run_id, "cancelled")
        return "cancelled"
    store_reports.finish(engine, run_id, files)
    log.info(
        "report %d made: %s",
        run_id,
        ", ".join(f"{f} {len(b):,} B" for f, (_n, b) in files.items()),
    )
    return "done"
