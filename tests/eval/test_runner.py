"""Asking cases: a real in-process run with the offline model, and failures from a scripted client."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from eval.cases import Case, Turn, load_golden
from eval.facts import Catalogue
from eval.runner import run_case, run_cases
from eval.target import agent_today, local_service
from proxy.client import AgentError
from proxy.client.local_transport import LocalAgentClient
from proxy.client.stream import AgentStream, Interrupt
from tests.eval.helpers import TODAY, compact, expect

GOLDEN = {case.id: case for case in load_golden().cases}


@pytest.fixture(scope="module")
def offline_client() -> Iterator[LocalAgentClient]:
    """The embedded default in process (offline model, sample catalogue), pinned to the golden set's day."""
    with pytest.MonkeyPatch.context() as patch:
        for name in ("CONFEE_MODEL", "CONFEE_EVENTS", "CONNPASS_API_KEY", "CONNPASS_API_KEY_SECRET_ARN"):
            patch.delenv(name, raising=False)
        service = local_service(TODAY)
    yield LocalAgentClient(service)
    service.close()


def test_a_real_run_in_process_judges_answers_on_the_catalogue(offline_client: LocalAgentClient) -> None:
    cases = [GOLDEN["topic-typescript-conference"], GOLDEN["chat-hello"], GOLDEN["followup-python-next-online"]]
    results = run_cases(offline_client, cases, catalogue=Catalogue.sample(), today=TODAY)

    assert [r.case.id for r in results] == [c.id for c in cases] and not any(r.crashed for r in results)
    search, chat = results[0].turns[0], results[1].turns[0]
    assert search.verdict is not None and search.verdict.links
    assert all(link.from_catalogue for link in search.verdict.links)
    assert search.verdict.checks["answered"] is None and search.verdict.checks["constraints"] is None
    assert search.usage["model_calls"] == 2 and chat.usage["model_calls"] == 1
    assert chat.passed and chat.events == []
    assert search.seconds is not None and search.first_text_seconds is not None
    assert 0 < search.first_text_seconds <= search.seconds
    assert agent_today(search.events) == {TODAY.isoformat()}  # CONFEE_TODAY reached the agent
    assert len(results[2].turns) == 3 and all(t.verdict is not None for t in results[2].turns)


class ScriptedClient:
    """Answers from a list: a reply dict, or an ``AgentError`` to raise."""

    target, label = "test", "scripted"

    def __init__(self, *answers: Any) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, int]] = []

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        return AgentStream(self._events(session_id, message, turn), Interrupt())

    def _events(self, session_id: str, message: str, turn: int) -> Iterator[dict[str, Any]]:
        self.asked.append((message, turn))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        yield {"type": "text", "text": answer["text"]}
        yield {"type": "done", "session_id": session_id, "events": answer.get("events", []), "meta": {}}

    def invoke(self, session_id: str, message: str, turn: int = 0) -> Any:  # pragma: no cover - unused
        raise NotImplementedError


CONVERSATION = Case("conv", "follow-up", (Turn("一", expect()), Turn("二", expect()), Turn("三", expect())))


def test_a_failed_turn_is_a_crash_and_the_rest_of_the_conversation_is_skipped() -> None:
    event = compact()
    client = ScriptedClient({"text": event["url"], "events": [event]}, AgentError("agent_timeout", detail="slow"))
    result = run_case(client, CONVERSATION, catalogue=Catalogue(), today=TODAY)
    first, second, third = result.turns
    assert first.passed and second.error == "agent_timeout: slow" and third.skipped
    assert result.crashed and not result.passed
    assert client.asked == [("一", 0), ("二", 1)]


def test_throttled_turns_are_asked_again_after_retry_after() -> None:
    waits: list[float] = []
    event = compact()
    client = ScriptedClient(
        AgentError("throttled", retry_after=2.0), {"text": event["url"], "events": [event]},
    )  # fmt: skip
    case = Case("one", "topic", (Turn("q", expect()),))
    result = run_case(client, case, catalogue=Catalogue(), today=TODAY, sleep=waits.append)
    assert result.passed and waits == [2.0] and client.asked == [("q", 0), ("q", 0)]


def test_a_harness_bug_in_one_case_does_not_stop_the_run() -> None:
    client = ScriptedClient(RuntimeError("boom"), {"text": "こんにちは", "events": []})
    cases = [Case("a", "x", (Turn("q", expect()),)), Case("b", "x", (Turn("q", expect(search=False)),))]
    first, second = run_cases(client, cases, catalogue=Catalogue(), today=TODAY)
    assert first.turns[0].error == "harness: RuntimeError: boom" and second.passed
