"""A spill file: parsed messages kept on local disk while the store is unreachable, so
the
ingest can acknowledge the broker without losing anything."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from store.writes import Row


@dataclass
class Parsed:
    """One MQTT message after parsing: its readings and what was wrong with it."""

    topic: str
    payload: str  # as storable text (store.writes.payload_text)
    received_ms: int
    rows: list[Row]
    reasons: list[str]


class SpillFile:
    def __init__(self, path: Path) -> None:
        self.path = path
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

    def append(self, messages: list[Parsed]) -> None:
        """Write one chunk durably (fsync) before the caller acknowledges its
        messages."""
        line = json.dumps(
            [
                [
                    m.topic,
                    m.payload,
                    m.received_ms,
                    [[r.sensor_id, r.metric, r.ts_ms, r.value] for r in m.rows],
                    m.reasons,
                ]
                for m in messages
            ],
            ensure_ascii=False,
        )
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
                yield [
                    Parsed(topic, payload, received, [Row(*r) for r in rows], reasons)
                    for topic, payload, received, rows, reasons in json.loads(line)
                ]

    def mark_stored(self) -> None:
        """The chunk ``chunks()`` yielded last is committed to the store."""
        self._stored += 1

    def clear(self) -> None:
        with self._lock:
            self.path.unlink(missing_ok=True)
            self.count = 0
            self._stored = 0
