"""ChatService: Contract 1 semantics on the real Strands agent loop with a scripted model."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from strands.types.exceptions import ModelThrottledException

from agent.clock import JST
from agent.config import Settings
from agent.runtime.service import ChatService
from tests.agent.runtime.conftest import SESSION_A, SESSION_B, make_service
from tests.fixtures.scripted_model import ScriptedModel

#: The scripted model answers in one call and reports no tokens; ``meta.usage`` is per turn.
USAGE_ONE_CALL = {"model_calls": 1, "input_tokens": 0, "output_tokens": 0}


def test_answers_and_keeps_context_per_session(service: Any) -> None:
    first = service.invoke(SESSION_A, {"prompt": "こんにちは"})
    trace = first["meta"].pop("trace")
    assert first == {
        "response": "turn 1: こんにちは",
        "session_id": SESSION_A,
        "events": [],
        "meta": {"model": "offline", "source": "sample", "usage": USAGE_ONE_CALL},
    }
    assert [c["stop_reason"] for c in trace["model_calls"]] == ["end_turn"] and trace["tool_calls"] == []
    second = service.invoke(SESSION_A, {"prompt": "次", "turn": 1})
    assert second["response"] == "turn 2: 次"


def test_sessions_do_not_see_each_other(service: Any) -> None:
    service.invoke(SESSION_A, {"prompt": "A1"})
    service.invoke(SESSION_A, {"prompt": "A2", "turn": 1})
    assert service.invoke(SESSION_B, {"prompt": "B1"})["response"] == "turn 1: B1"


def test_history_claimed_but_missing_is_session_expired(service: Any) -> None:
    body = service.invoke(SESSION_A, {"prompt": "続き", "turn": 3})
    assert body["error"]["code"] == "session_expired"
    assert "新しい会話" in body["error"]["message"]


@pytest.mark.parametrize(
    ("session_id", "payload"),
    [
        (SESSION_A, {}),
        (SESSION_A, {"prompt": "   "}),
        (SESSION_A, {"prompt": 42}),
        (SESSION_A, {"prompt": "あ" * 2001}),
        (SESSION_A, {"prompt": "ok", "turn": -1}),
        (SESSION_A, {"prompt": "ok", "turn": True}),
        (SESSION_A, {"prompt": "ok", "turn": "1"}),
        (SESSION_A, {"prompt": "ok", "stream": "yes"}),
        (SESSION_A, ["prompt"]),
        (None, {"prompt": "ok"}),
        ("short", {"prompt": "ok"}),
        ("x" * 257, {"prompt": "ok"}),
        (12345678901234567890123456789012345, {"prompt": "ok"}),  # in-process callers: "never raises" holds
    ],
)
def test_bad_requests_are_invalid_request(service: Any, session_id: Any, payload: Any) -> None:
    body = service.invoke(session_id, payload)
    assert body["error"]["code"] == "invalid_request"
    assert body["error"]["message"]  # Japanese, user-facing
    assert len(service.sessions) == 0


def test_prompt_of_exactly_2000_chars_is_accepted(service: Any) -> None:
    assert "response" in service.invoke(SESSION_A, {"prompt": "あ" * 2000})


def test_stream_yields_deltas_then_done(service: Any) -> None:
    events = list(service.stream(SESSION_A, {"prompt": "ストリーム", "stream": True}))
    texts = [e["text"] for e in events if e["type"] == "text"]
    assert len(texts) > 1
    assert "".join(texts) == "turn 1: ストリーム"
    events[-1]["meta"].pop("trace")  # its shape: tests/agent/runtime/test_trace.py
    meta = {**service.meta, "usage": USAGE_ONE_CALL}
    assert events[-1] == {"type": "done", "session_id": SESSION_A, "events": [], "meta": meta}


def test_model_failure_is_agent_unavailable_without_internals() -> None:
    fail = {"on": True}

    def reply(messages: list[Any]) -> Any:
        return RuntimeError("boom: secret internals") if fail["on"] else "復旧しました"

    service = make_service(ScriptedModel(reply))
    try:
        body = service.invoke(SESSION_A, {"prompt": "質問"})
        assert body["error"]["code"] == "agent_unavailable"
        assert "boom" not in body["error"]["message"]
        fail["on"] = False
        # The failed turn left no half-written history behind: the session continues cleanly.
        assert service.invoke(SESSION_A, {"prompt": "再送", "turn": 0})["response"] == "復旧しました"
        assert [m["role"] for m in service.sessions.acquire(SESSION_A, 1).agent.messages] == ["user", "assistant"]
    finally:
        service.close()


def test_model_throttling_is_throttled() -> None:
    service = make_service(ScriptedModel(lambda m: ModelThrottledException("slow down")), model_attempts=1)
    try:
        assert service.invoke(SESSION_A, {"prompt": "質問"})["error"]["code"] == "throttled"
    finally:
        service.close()


def test_slow_turn_is_agent_timeout() -> None:
    service = make_service(ScriptedModel(delay=2.0), turn_timeout=0.2)
    try:
        body = service.invoke(SESSION_A, {"prompt": "質問"})
        assert body["error"]["code"] == "agent_timeout"
    finally:
        service.close()


def test_thinking_is_stripped_from_what_users_see() -> None:
    service = make_service(ScriptedModel(lambda m: "<thinking>検索方針を考える</thinking>こちらです"))
    try:
        events = list(service.stream(SESSION_A, {"prompt": "質問"}))
        shown = "".join(e["text"] for e in events if e["type"] == "text")
        assert shown == "こちらです"
    finally:
        service.close()


def test_one_session_is_serialized_while_different_sessions_overlap() -> None:
    active: dict[str, int] = {}
    peak: dict[str, int] = {}
    overall = {"now": 0, "peak": 0}
    guard = threading.Lock()

    class Tracking(ScriptedModel):
        async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> Any:
            key = "B" if "B" in str(messages[-1]) else "A"
            with guard:
                active[key] = active.get(key, 0) + 1
                peak[key] = max(peak.get(key, 0), active[key])
                overall["now"] += 1
                overall["peak"] = max(overall["peak"], overall["now"])
            async for event in super().stream(messages, *args, **kwargs):
                yield event
            with guard:
                active[key] -= 1
                overall["now"] -= 1

    service = make_service(Tracking(delay=0.3))
    results: list[Any] = []
    try:
        service.invoke(SESSION_A, {"prompt": "A0"})
        calls = [(SESSION_A, "A1", 1), (SESSION_A, "A2", 1), (SESSION_B, "B1", 0)]
        threads = [
            threading.Thread(target=lambda s=s, p=p, t=t: results.append(service.invoke(s, {"prompt": p, "turn": t})))
            for s, p, t in calls
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        service.close()
    assert all("response" in r for r in results), results
    assert peak["A"] == 1  # never two turns of one session at once
    assert overall["peak"] == 2  # but session B ran alongside session A
    assert elapsed < 0.9 + 0.5  # A1 and A2 in sequence (0.6 s), B1 overlapped


def test_a_pinned_today_reaches_the_agent_clock() -> None:
    pinned = Settings(today=dt.datetime(2027, 1, 15, 10, 0, tzinfo=JST))
    chat = ChatService.from_settings(pinned)
    try:
        assert chat.clock() == pinned.today
    finally:
        chat.close()
