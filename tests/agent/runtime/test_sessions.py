"""SessionStore: creation, expiry (TTL), the cap, and session_expired for unknown sessions with history."""

from __future__ import annotations

import pytest

from agent.errors import SessionBusy, SessionExpired
from agent.runtime.sessions import SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_store(clock: Clock, ttl: float = 60, max_sessions: int = 3) -> SessionStore:
    return SessionStore(object, ttl_seconds=ttl, max_sessions=max_sessions, monotonic=clock)


def test_turn_zero_creates_and_later_turns_reuse() -> None:
    store = make_store(Clock())
    first = store.acquire("s1", 0)
    store.release(first)
    again = store.acquire("s1", 1)
    assert again is first
    assert again.agent is first.agent


def test_unknown_session_with_history_is_expired() -> None:
    store = make_store(Clock())
    with pytest.raises(SessionExpired):
        store.acquire("never-seen", 2)
    assert len(store) == 0


def test_idle_session_expires_after_ttl() -> None:
    clock = Clock()
    store = make_store(clock, ttl=60)
    store.release(store.acquire("s1", 0))
    clock.now += 59
    store.release(store.acquire("s1", 1))  # still alive, and the idle clock restarts
    clock.now += 61
    with pytest.raises(SessionExpired):
        store.acquire("s1", 2)


def test_busy_session_never_expires_mid_turn() -> None:
    clock = Clock()
    store = make_store(clock, ttl=60)
    busy = store.acquire("s1", 0)
    clock.now += 3600
    assert store.acquire("s1", 1) is busy


def test_cap_evicts_least_recently_used_idle_session() -> None:
    store = make_store(Clock(), max_sessions=2)
    store.release(store.acquire("old", 0))
    store.release(store.acquire("new", 0))
    store.release(store.acquire("old", 1))  # "new" is now the least recently used
    store.release(store.acquire("third", 0))
    assert len(store) == 2
    with pytest.raises(SessionExpired):
        store.acquire("new", 1)
    store.acquire("old", 2)


def test_cap_with_every_session_busy_is_throttled() -> None:
    store = make_store(Clock(), max_sessions=1)
    store.acquire("s1", 0)
    with pytest.raises(SessionBusy) as raised:
        store.acquire("s2", 0)
    assert raised.value.code == "throttled"


def test_a_conversation_stops_at_its_turn_budget_and_says_to_start_a_new_one() -> None:
    from agent.errors import SessionLimitReached

    store = SessionStore(object, ttl_seconds=60, max_sessions=3, max_turns=2, monotonic=Clock())
    session = store.acquire("s1", 0)
    session.turns = 2  # two exchanges completed
    store.release(session)
    with pytest.raises(SessionLimitReached) as raised:
        store.acquire("s1", 2)
    assert raised.value.code == "session_expired"  # clients already start a new conversation on this code
    assert "上限（2 回）" in raised.value.message
    assert store.acquire("s2", 0).turns == 0  # a new conversation is fine
