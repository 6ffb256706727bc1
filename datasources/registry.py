"""The registry of sources (Superset's ``db_engine_specs`` is the model): every source
kind the pollers role runs, each one class of ``datasources.sources.Source`` in its own
module. Adding a source is one more entry in ``SOURCES`` (see the README's "Adding a
source")."""

from __future__ import annotations

from config import Config
from datasources.open311 import Open311Source
from datasources.pollers import Poller
from datasources.press_rss import PressRssSource
from datasources.sources import Setting, Source

SOURCES: tuple[type[Source], ...] = (PressRssSource, Open311Source)


def source(name: str) -> type[Source]:
    """The source of kind ``name``; KeyError when none is registered."""
    for s in SOURCES:
        if s.name == name:
            return s
    raise KeyError(f"no source {name!r}; registered: {', '.join(names())}")


def names() -> list[str]:
    return [s.name for s in SOURCES]


def settings() -> list[Setting]:
    """Every setting a registered source reads."""
    return [setting for s in SOURCES for setting in s.settings]


def build_all(cfg: Config) -> list[Poller]:
    """Every registered source's pollers under ``cfg``, in registry order."""
    return [p for s in SOURCES for p in s.build(cfg)]
