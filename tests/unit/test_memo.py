"""store.memo: shared answers for less than a tick, by arguments, bounded, one
computation per key under concurrency."""

from __future__ import annotations

import threading
import time

import pytest

from store.memo import TTLMemo, freeze, memo


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_shared_until_its_ttl_then_computed_again():
    clock = Clock()
    cache = TTLMemo(ttl_s=4, clock=clock)
    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cache.get("k", compute) == 1
    clock.now += 3.9
    assert cache.get("k", compute) == 1
    clock.now += 0.2
    assert cache.get("k", compute) == 2
    assert len(calls) == 2


def test_answers_are_keyed_by_arguments_including_keywords():
    calls = []

    @memo(ttl_s=60)
    def counts(engine: str, domains: frozenset | None = None) -> tuple:
        calls.append((engine, domains))
        return engine, domains

    assert counts("e") == ("e", None)
    assert counts("e") == ("e", None)
    assert counts("e", domains=frozenset({"environment"})) == (
        "e",
        frozenset({"environment"}),
    )
    assert counts("e", domains=frozenset({"mobility"}))[1] == frozenset({"mobility"})
    assert counts("other") == ("other", None)
    assert len(calls) == 4


def test_sets_in_any_order_make_one_key_and_unhashable_lists_are_frozen():
    assert freeze({"b", "a"}) == freeze(frozenset({"a", "b"}))
    assert freeze(["a", {"x": [1, 2]}]) == freeze(("a", {"x": (1, 2)}))
    assert freeze({"x": 1}) != freeze({"x": 2})
    with pytest.raises(TypeError):
        freeze(object.__new__(type("Unhashable", (), {"__hash__": None})))


def test_the_least_recently_used_key_goes_when_full():
    cache = TTLMemo(ttl_s=60, maxsize=2)
    cache.get("a", lambda: 1)
    cache.get("b", lambda: 2)
    cache.get("a", lambda: 99)  # a is now the most recent
    cache.get("c", lambda: 3)
    assert len(cache) == 2
    assert cache.get("a", lambda: 99) == 1
    assert cache.get("b", lambda: 22) == 22  # b was dropped


def test_an_error_is_not_kept():
    cache = TTLMemo(ttl_s=60)

    def fail() -> int:
        raise RuntimeError("store down")

    with pytest.raises(RuntimeError):
        cache.get("k", fail)
    assert cache.get("k", lambda: 7) == 7


def test_concurrent_callers_of_one_key_share_one_computation():
    cache = TTLMemo(ttl_s=60)
    calls = []
    start = threading.Barrier(16)

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)  # long enough for every thread to arrive while it runs
        return 42

    results = []

    def user() -> None:
        start.wait()
        results.append(cache.get("kpis", slow))

    threads = [threading.Thread(target=user) for _ in range(16)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert results == [42] * 16
    assert len(calls) == 1


def test_concurrent_callers_of_different_keys_do_not_wait_for_each_other():
    cache = TTLMemo(ttl_s=60, maxsize=64)
    release = threading.Event()
    other_done = threading.Event()

    def blocked() -> str:
        release.wait(5)
        return "slow"

    slow = threading.Thread(target=lambda: cache.get("slow", blocked))
    slow.start()
    fast = threading.Thread(
        target=lambda: (cache.get("fast", lambda: "fast"), other_done.set())
    )
    fast.start()
    assert other_done.wait(5), "a different key waited for the slow one"
    release.set()
    slow.join()
    fast.join()
    assert cache.get("slow", lambda: "again") == "slow"


def test_put_shares_a_fresh_read():
    cache = TTLMemo(ttl_s=60)
    cache.get("k", lambda: "old")
    cache.put("k", "new")
    assert cache.get("k", lambda: "other") == "new"


def test_bad_settings_are_refused():
    with pytest.raises(ValueError):
        TTLMemo(ttl_s=0)
    with pytest.raises(ValueError):
        TTLMemo(ttl_s=1, maxsize=0)


def test_with_sharing_off_every_call_computes_and_nothing_is_kept():
    from store import memo as memo_module

    calls = []

    @memo(ttl_s=60)
    def read() -> int:
        calls.append(1)
        return len(calls)

    memo_module.set_enabled(False)
    try:
        assert [read(), read(), read()] == [1, 2, 3]
        assert len(read.cache) == 0
    finally:
        memo_module.set_enabled(True)
    assert read() == 4 and read() == 4
