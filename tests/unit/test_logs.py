"""The operator's log: the system's own lines at IOC_LOG_LEVEL, the libraries'
routine (scheduler runs, migrations, broker, web server) only at DEBUG."""

from __future__ import annotations

import io
import logging

import pytest

import logs

ROUTINE = ("apscheduler.executors.default", "alembic.runtime.plugins", "amqtt.broker")


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {n: logging.getLogger(n).level for n in logs.LIBRARIES}
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, lvl in levels.items():
        logging.getLogger(name).setLevel(lvl)


def _emit(level: str) -> str:
    out = io.StringIO()
    logs.configure(level, stream=out)
    for name in ROUTINE:
        logging.getLogger(name).info("routine of %s", name)
    logging.getLogger("processes").info("62 sensors registered")
    logging.getLogger("apscheduler.scheduler").warning("job missed")
    return out.getvalue()


def test_default_level_shows_our_lines_and_only_the_libraries_warnings(
    restore_logging,
):
    text = _emit("INFO")
    assert "62 sensors registered" in text
    assert "job missed" in text
    assert "routine of" not in text


def test_debug_shows_the_libraries_routine(restore_logging):
    text = _emit("DEBUG")
    assert all(f"routine of {name}" in text for name in ROUTINE)


def test_warning_level_hides_our_info_lines(restore_logging):
    text = _emit("WARNING")
    assert "62 sensors registered" not in text and "job missed" in text
