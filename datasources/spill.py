"""A spill file: parsed messages kept on local disk while the store is unreachable, so
the ingest can acknowledge the broker without losing anything.

A line is one chunk: a JSON list of messages, each ``[topic, payload, received_ms,
records, reasons, route]``; a route's ``Codec`` turns its records into JSON and back.
Lines written before routes existed have no route: they are sensor readings."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

READINGS = "readings"  # the route of a line without one


@dataclass
class Parsed:
    """One MQTT message after parsing: the records its route parsed from it and what
    was wrong with it."""

    topic: str
    payload: str  # as storable text (store.writes.payload_text)
    received_ms: int
    rows: list[Any]  # the route's records (store.writes.Row for readings)
    reasons: list[str]
    route: str = READINGS


class Codec(Protocol):
    """How a route's records are spilled (an ingest Route is one)."""

    dump: Callable[[Any], Any]  # a record as JSON-ready values
    load: Callable[[Any], Any]  # the record back from them


class SpillFile:
    def __init__(self, path: Path, codecs: Mapping[str, Codec]) -> None:
        self.path = path
        self.codecs = codecs
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.count = self._count_lines()
        # Chunks of this file already stored by the current replay: a replay that
        # fails half-way resumes after them, so their dead letters are not written
        # twice (readings would be ignored anyway).
        self._stored = 0

    def _count_lines(self) -> int:
        if not self.path.exists():
            return 0
        with self.path.open("rb") as f:
            return sum(1 for _ in f)

    def _dump(self, m: Parsed) -> list:
        dump = self.codecs[m.route].dump
        rows = [dump(r) for r in m.rows]
        return [m.topic, m.payload, m.received_ms, rows, m.reasons, m.route]

    def _load(self, item: list) -> Parsed:
        topic, payload, received, rows, reasons, *rest = item
        route = rest[0] if rest else READINGS
        codec = self.codecs.get(route)
        if codec is not None:
            rows = [codec.load(r) for r in rows]
        # A route this ingest no longer has keeps its records as JSON: the ingest
        # turns such a message into a dead letter.
        return Parsed(topic, payload, received, rows, reasons, route)

    def append(self, messages: list[Parsed]) -> None:
        """Write one chunk durably (fsync) before the caller acknowledges its
        messages."""
        line = json.dumps([self._dump(m) for m in messages], ensure_ascii=False)
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())
            self.count += 1

    def chunks(self) -> Iterator[list[Parsed]]:
        """Every spilled chunk not yet marked stored, oldest first; ``mark_stored()``
        after each one is committed, ``clear()`` once they all are."""
        if not self.path.exists():
            return
        with self.path.open(encoding="utf-8") as f:
            skip = self._stored
            for line in f:
                if not line.strip():
                    continue
                if skip:
                    skip -= 1
                    continue
                yield [self._load(item) for item in json.loads(line)]

    def mark_stored(self) -> None:
        """The chunk ``chunks()`` yielded last is committed to the store."""
        self._stored += 1

    def clear(self) -> None:
        with self._lock:
            self.path.unlink(missing_ok=True)
            self.count = 0
            self._stored = 0
