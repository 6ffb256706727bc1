"""Where reports are made: a pool of worker processes (WORKERS, one per web process:
the machine has two cores and reports queue behind each other), so that a month's
PDF never holds a web thread nor the interpreter lock other requests need. The
pool is started on first use with the 'spawn' method (a fork of a threaded web
server can inherit a held lock); each worker opens its own engine on the store's
URL.

The page polls the run's row (any web worker answers); the API and the scheduler
wait for the future or not at all.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from sqlalchemy import Engine

log = logging.getLogger(__name__)
WORKERS = 1

_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()
_engines: dict[str, Engine] = {}


def _the_pool() -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(
                WORKERS, mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def submit(engine: Engine, run_id: int) -> Future:
    """Make run ``run_id`` in a worker process; the future's result is its end
    state."""
    url = engine.url.render_as_string(hide_password=False)
    try:
        future = _the_pool().submit(_work, url, run_id)
    except (BrokenProcessPool, RuntimeError) as exc:
        # A worker that died (killed, out of memory) breaks the pool: start anew.
        log.warning("report pool broken (%r): starting a new one", exc)
        shutdown()
        future = _the_pool().submit(_work, url, run_id)
    future.add_done_callback(_log_failure)
    return future


def _log_failure(future: Future) -> None:
    exc = future.exception()
    if exc is not None:  # a worker that died: the run stays active until stale
        log.error("report worker failed: %r", exc)


def _work(url: str, run_id: int) -> str:
    from reports.build import execute
    from store.db import make_engine

    engine = _engines.get(url)
    if engine is None:
        engine = _engines[url] = make_engine(url)
    return execute(engine, run_id)


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
