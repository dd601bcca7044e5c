"""Issue 12: a re-send of a request answered ``session_expired`` (408) is answered again without the agent.

Chromium re-sends a request answered 408 on a reused HTTP/1.1 connection by itself; spa/e2e/session-expired.spec.ts
shows it in the browser (and counts agent invocations at the agent server). Here: the app on a counting agent
(no network, no AWS).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from proxy.api.expired import ExpiredRequests, request_key
from proxy.api.validation import ChatRequest
from proxy.app import create_app
from proxy.client import AgentError, AgentReply, new_session_id
from proxy.client.stream import AgentStream, Interrupt, StreamEvent
from tests.proxy.api import ROUTES, chat_body, post, sse_events


class ExpiringAgent:
    """Answers ``session_expired`` for any turn > 0 (a fresh agent), and counts its invocations."""

    target, label = "local", "expiring"

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        self.calls.append((session_id, turn))
        if turn > 0:
            raise AgentError("session_expired", detail="agent error session_expired (HTTP 200)")
        return AgentReply("回答", session_id, [], {"model": "offline", "source": "sample"})

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        def events() -> Any:
            self.calls.append((session_id, turn))
            if turn > 0:
                raise AgentError("session_expired", detail="agent error session_expired (HTTP 200)")
            yield {"type": "text", "text": "回答"}
            done: StreamEvent = {"type": "done", "session_id": session_id, "events": [], "meta": {}}
            yield done

        return AgentStream(events(), Interrupt())


@pytest.mark.parametrize("route", ROUTES)
def test_a_resend_of_an_expired_request_does_not_invoke_the_agent(
    route: str, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = ExpiringAgent()
    app = create_app(agent)
    lost = new_session_id()
    body = chat_body("大阪だと？", lost, turn=2)
    first, again = post(app, route, body), post(app, route, body)
    for response in (first, again):
        assert response.status_code == 408
        assert response.headers["Connection"] == "close"
        assert response.json()["error"]["code"] == "session_expired"
    assert again.json() == first.json()
    assert agent.calls == [(lost, 2)]
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["status"], r["code"], r["session"]) for r in records] == [(408, "session_expired", lost[:8])] * 2
    assert "not invoked" in records[1]["detail"]

    # Anything else is a new request for the agent: another turn, another message, the other route, or the
    # client's new session from turn 0.
    other_route = "/chat" if route == "/chat/stream" else "/chat/stream"
    assert post(app, route, chat_body("大阪だと？", lost, turn=3)).status_code == 408
    assert post(app, route, chat_body("名古屋は？", lost, turn=2)).status_code == 408
    assert post(app, other_route, body).status_code == 408
    renewed = new_session_id()
    answered = post(app, route, chat_body("大阪だと？", renewed))
    assert answered.status_code == 200
    if route == "/chat/stream":
        assert sse_events(answered.text)[-1]["type"] == "done"
    assert agent.calls == [(lost, 2), (lost, 3), (lost, 2), (lost, 2), (renewed, 0)]


def test_memory_is_short_bounded_and_only_for_session_expired() -> None:
    now = [100.0]
    memory = ExpiredRequests(seconds=10, max_entries=2, clock=lambda: now[0])
    a, b, c = (request_key("/chat", ChatRequest("大阪だと？", sid * 40, 1)) for sid in "abc")
    memory.remember(AgentError("agent_timeout"), a)
    memory.remember(AgentError("throttled"), a)
    assert len(memory) == 0
    memory.check(a)  # nothing remembered: no error

    memory.remember(AgentError("session_expired"), a)
    with pytest.raises(AgentError) as caught:
        memory.check(a)
    assert (caught.value.code, caught.value.status) == ("session_expired", 408)
    memory.check(b)
    memory.check(request_key("/chat/stream", ChatRequest("大阪だと？", "a" * 40, 1)))
    memory.check(request_key("/chat", ChatRequest("大阪だと？", "a" * 40, 2)))
    memory.check(request_key("/chat", ChatRequest("名古屋は？", "a" * 40, 1)))

    now[0] += 9.9
    memory.remember(AgentError("session_expired"), b)
    memory.remember(AgentError("session_expired"), c)  # over the bound: the oldest goes
    assert len(memory) == 2
    memory.check(a)
    with pytest.raises(AgentError):
        memory.check(b)
    now[0] += 10
    memory.check(b)
    memory.check(c)
    assert len(memory) == 0
