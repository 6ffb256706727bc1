"""The log of a process of the system, quiet enough for an operator to read.

The system's own loggers write at IOC_LOG_LEVEL (INFO by default: the schema, the
sensors registered, connections, sources failing and recovering, alerts raised).
Libraries that log their routine at INFO (APScheduler two lines per job run, every
5 s; Alembic its plugins; the embedded broker; waitress; httpx every request) show
their warnings only, unless IOC_LOG_LEVEL=DEBUG, which shows everything.
"""

from __future__ import annotations

import logging
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LIBRARIES = (
    "apscheduler",
    "alembic",
    "amqtt",
    "transitions",  # amqtt's state machines
    "waitress",
    "httpx",
    "httpcore",
)


def configure(level: str = "INFO", stream: TextIO | None = None) -> None:
    """Set up the root handler (stderr unless ``stream``) and the levels."""
    logging.basicConfig(level=level, format=FORMAT, stream=stream, force=True)
    quiet = logging.NOTSET if level == "DEBUG" else logging.WARNING
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(quiet)
