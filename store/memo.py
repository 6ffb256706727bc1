"""A small thread-safe memo with a time to live, for reads every user of a worker asks
for with the same arguments (KPIs, counts, the sensor grid's rows on screen).

Fifty wall screens ticking every few seconds ask the store the same questions: with a
TTL no longer than the page's tick, a worker answers them once per tick instead of
once per user, and nobody sees data older than the refresh they already wait for.
Concurrent callers of one key wait for the first one's answer (no stampede when the
entry expires under load). Values are shared between callers: never mutate one.
"""

from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])
_enabled = True


def set_enabled(on: bool) -> None:
    """Share answers (the default) or compute every call afresh (IOC_SHARED_READS=0,
    for benchmarks that time one user's requests back to back)."""
    global _enabled
    _enabled = bool(on)


def enabled() -> bool:
    return _enabled


def freeze(value: object) -> Hashable:
    """A hashable key for an argument: sets (whose order means nothing) become sorted
    tuples, lists tuples and dicts sorted item tuples, recursively."""
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((freeze(v) for v in value), key=repr)))
    if isinstance(value, (list, tuple)):
        return tuple(freeze(v) for v in value)
    if isinstance(value, Mapping):
        return ("map", tuple(sorted((str(k), freeze(v)) for k, v in value.items())))
    hash(value)  # TypeError here names the argument that cannot be a key
    return value


class TTLMemo:
    """Values by key, each kept ``ttl_s`` seconds after it was computed; at most
    ``maxsize`` keys (the least recently used goes first)."""

    def __init__(
        self,
        ttl_s: float,
        maxsize: int = 128,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl_s <= 0 or maxsize < 1:
            raise ValueError("ttl_s must be > 0 and maxsize >= 1")
        self.ttl_s = ttl_s
        self.maxsize = maxsize
        self._clock = clock
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
        self._pending: dict[Hashable, threading.Lock] = {}

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)

    def _fresh(self, key: Hashable) -> tuple[bool, object]:
        hit = self._values.get(key)
        if hit is not None and self._clock() < hit[0]:
            self._values.move_to_end(key)
            return True, hit[1]
        return False, None

    def get(self, key: Hashable, compute: Callable[[], object]) -> object:
        """The value of ``key``, computed by ``compute()`` when missing or expired
        (always, when sharing is off). An exception from ``compute`` reaches the
        caller and nothing is kept."""
        if not _enabled:
            return compute()
        with self._lock:
            found, value = self._fresh(key)
            if found:
                return value
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                found, value = self._fresh(key)
                if found:
                    return value
            try:
                value = compute()
            except BaseException:
                self._release(key, gate)
                raise
            self.put(key, value)
            self._release(key, gate)
            return value

    def _release(self, key: Hashable, gate: threading.Lock) -> None:
        with self._lock:
            if self._pending.get(key) is gate:
                del self._pending[key]

    def put(self, key: Hashable, value: object) -> None:
        """Keep ``value`` for ``key`` (a caller that had to read afresh shares it)."""
        if not _enabled:
            return
        with self._lock:
            self._values[key] = (self._clock() + self.ttl_s, value)
            self._values.move_to_end(key)
            self._trim()

    def _trim(self) -> None:
        while len(self._values) > self.maxsize:
            self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def memo(ttl_s: float, maxsize: int = 128) -> Callable[[F], F]:
    """Decorate a function whose arguments make its answer (with ``freeze`` keys):
    calls with the same arguments within ``ttl_s`` seconds share one answer.
    ``fn.cache_clear()`` forgets every answer (tests)."""

    def wrap(fn: F) -> F:
        cache = TTLMemo(ttl_s, maxsize)

        @functools.wraps(fn)
        def wrapper(*args: object, **kwargs: object) -> object:
            key = (freeze(args), freeze(kwargs))
            return cache.get(key, lambda: fn(*args, **kwargs))

        wrapper.cache = cache  # type: ignore[attr-defined]
        wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return wrap
