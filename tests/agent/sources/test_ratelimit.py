"""The per-key limiter, in virtual time (no real sleeping)."""

from __future__ import annotations

import threading

import pytest

from agent.sources.ratelimit import DEFAULT_MIN_INTERVAL, QueueTooLong, RateLimiter, RateLimiterRegistry
from tests.fixtures.fake_connpass import VirtualTime


def test_default_interval_is_at_least_one_second():
    assert DEFAULT_MIN_INTERVAL >= 1.0
    assert RateLimiterRegistry().min_interval == DEFAULT_MIN_INTERVAL


def test_first_call_is_immediate_then_calls_are_spaced():
    vt = VirtualTime()
    limiter = RateLimiter(1.0, monotonic=vt.monotonic, sleep=vt.sleep)
    assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(1.0)
    vt.advance(0.4)
    assert limiter.acquire() == pytest.approx(0.6)
    vt.advance(5.0)  # idle long enough: no wait, and no burst credit either
    assert limiter.acquire() == 0
    assert limiter.acquire() == pytest.approx(1.0)
    assert vt.sleeps == pytest.approx([1.0, 0.6, 1.0])


def test_concurrent_callers_get_distinct_spaced_slots():
    vt = VirtualTime(advance_on_sleep=False)  # everyone arrives at the same instant
    limiter = RateLimiter(1.05, monotonic=vt.monotonic, sleep=vt.sleep)
    barrier = threading.Barrier(8)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        waited = limiter.acquire(max_wait=None)
        with lock:
            waits.append(waited)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert sorted(waits) == pytest.approx([1.05 * i for i in range(8)])


def test_queue_too_long_raises_without_taking_a_slot():
    vt = VirtualTime()
    limiter = RateLimiter(1.0, monotonic=vt.monotonic, sleep=vt.sleep)
    limiter.acquire()
    limiter.hold_off(10.0)
    with pytest.raises(QueueTooLong) as info:
        limiter.acquire(max_wait=3.0)
    assert info.value.wait == pytest.approx(10.0)
    # The refused caller did not push the queue further back.
    assert limiter.acquire(max_wait=None) == pytest.approx(10.0)


def test_hold_off_delays_but_never_advances_the_next_slot():
    vt = VirtualTime()
    limiter = RateLimiter(1.0, monotonic=vt.monotonic, sleep=vt.sleep)
    limiter.acquire()
    limiter.hold_off(0.2)  # shorter than the pending interval: no effect
    assert limiter.acquire() == pytest.approx(1.0)
    limiter.hold_off(3.0)
    assert limiter.acquire() == pytest.approx(3.0)


def test_interval_must_be_positive():
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_registry_shares_a_limiter_per_key_and_keeps_keys_apart():
    vt = VirtualTime()
    registry = RateLimiterRegistry(1.0, monotonic=vt.monotonic, sleep=vt.sleep)
    a = registry.for_key("key-a")
    assert registry.for_key("key-a") is a
    b = registry.for_key("key-b")
    assert b is not a
    a.acquire()
    assert b.acquire() == 0  # another key is not slowed down
    assert registry.for_key("key-a").acquire() == pytest.approx(1.0)


def test_registry_does_not_hold_raw_keys():
    registry = RateLimiterRegistry()
    registry.for_key("my-very-secret-key")
    assert not any("my-very-secret-key" in digest for digest in registry._limiters)


def test_registry_is_thread_safe():
    registry = RateLimiterRegistry()
    barrier = threading.Barrier(8)
    seen: list[RateLimiter] = []

    def worker() -> None:
        barrier.wait()
        seen.append(registry.for_key("shared"))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert len(seen) == 8
    assert len({id(x) for x in seen}) == 1
