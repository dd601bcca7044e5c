"""ChatService history across long sessions: the sliding window, failed and cancelled turns, reported events."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import AsyncGenerator
from typing import Any

from agent.clock import fixed_clock
from agent.config import Settings
from agent.runtime.service import HISTORY_WINDOW, ChatService
from agent.sources.base import SearchQuery, SearchResult
from tests.agent.runtime.conftest import NOW, SESSION_A, make_service
from tests.agent.search.events import event
from tests.fixtures.scripted_model import ScriptedModel, text_events, tool_events

EVENT = event(7, "2026-12-05T10:00:00+09:00", title="Rust 勉強会")


class OneEventSource:
    name = "sample"

    def search(self, query: SearchQuery) -> SearchResult:
        return SearchResult(1, 1, 1, [EVENT])


class SearchThenAnswer(ScriptedModel):
    """Each turn: say a few words and search, then recommend the event the tool returned (or fail on demand)."""

    def __init__(self, preamble: str = "") -> None:
        super().__init__()
        self.preamble = preamble
        self.fail = False
        self.searches = 0

    async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        results = [b["toolResult"] for b in messages[-1]["content"] if "toolResult" in b]
        if not results:
            self.searches += 1
            if self.preamble:
                for item in text_events(self.preamble)[:-2]:  # the words, then the tool call in the same message
                    yield item
                yield {"contentBlockStop": {}}
                for item in tool_events(f"t{self.searches}", "search_connpass", {"keywords": ["Rust"]})[1:]:
                    yield item
                return
            for item in tool_events(f"t{self.searches}", "search_connpass", {"keywords": ["Rust"]}):
                yield item
            return
        if self.fail:
            raise RuntimeError("model down")
        shown = json.loads(results[0]["content"][0]["text"])["events"][0]
        for item in text_events(f"見つかりました: [{shown['title']}]({shown['url']})"):
            yield item


def service_with(model: Any) -> ChatService:
    return ChatService(Settings(), OneEventSource(), model, clock=fixed_clock(NOW))


def roles(service: ChatService) -> list[str]:
    return [m["role"] for m in service.sessions._sessions[SESSION_A].agent.messages]


def fill_window(service: ChatService) -> int:
    """Enough turns that the sliding window has started dropping the oldest messages."""
    turns = HISTORY_WINDOW // 4 + 2
    for turn in range(turns):
        assert "response" in service.invoke(SESSION_A, {"prompt": f"質問{turn}", "turn": turn})
    return turns


def test_events_are_reported_after_the_window_slides() -> None:
    service = service_with(SearchThenAnswer())
    try:
        turns = fill_window(service)
        body = service.invoke(SESSION_A, {"prompt": "もう一度", "turn": turns})
    finally:
        service.close()
    assert EVENT["url"] in body["response"]
    assert [e["id"] for e in body["events"]] == [7]  # the answer links it, so the UI must get it too


def test_failed_turn_after_a_tool_call_restores_the_history_when_the_window_is_full() -> None:
    model = SearchThenAnswer()
    service = service_with(model)
    try:
        turns = fill_window(service)
        before = list(service.sessions._sessions[SESSION_A].agent.messages)
        model.fail = True
        assert service.invoke(SESSION_A, {"prompt": "失敗する質問", "turn": turns})["error"]["code"] == (
            "agent_unavailable"
        )
        after = service.sessions._sessions[SESSION_A].agent.messages
        assert after == before  # no dangling question, tool call or tool result from the failed turn
        model.fail = False
        assert "response" in service.invoke(SESSION_A, {"prompt": "再送", "turn": turns})
        sequence = roles(service)
        assert all(a != b for a, b in itertools.pairwise(sequence))  # user and assistant alternate
    finally:
        service.close()


def test_words_before_a_tool_call_are_kept_apart_from_the_answer() -> None:
    service = service_with(SearchThenAnswer(preamble="検索します。"))
    try:
        body = service.invoke(SESSION_A, {"prompt": "Rust"})
    finally:
        service.close()
    assert body["response"].startswith("検索します。\n\n見つかりました: ")


class Slow(ScriptedModel):
    """Streams slowly; when cancelled it takes a moment to close, as a provider closing its HTTP stream does."""

    async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        try:
            for item in text_events("ゆっくり答えます。" * 8):
                yield item
                await asyncio.sleep(0.05)
        except asyncio.CancelledError:
            await asyncio.sleep(0.2)
            raise


def test_closing_a_stream_early_returns_once_the_turn_has_unwound() -> None:
    service = make_service(Slow())
    try:
        service.invoke(SESSION_A, {"prompt": "最初"})
        history = list(service.sessions._sessions[SESSION_A].agent.messages)
        events = service.stream(SESSION_A, {"prompt": "途中でやめる", "turn": 1})
        assert next(events)["type"] == "text"
        started = time.monotonic()
        events.close()
        assert time.monotonic() - started < 1.0
        session = service.sessions._sessions[SESSION_A]
        # Right away, not eventually: the caller may send the next question immediately.
        assert (session.active, session.lock.locked()) == (0, False)
        assert session.agent.messages == history
    finally:
        service.close()


def test_a_closed_service_answers_with_an_error_instead_of_hanging() -> None:
    service = make_service()
    service.close()
    body = service.invoke(SESSION_A, {"prompt": "まだいますか"})
    assert body["error"]["code"] == "agent_unavailable"


def test_offline_tool_use_ids_never_repeat_after_the_window_drops_old_messages(caplog: Any) -> None:
    from agent.models.offline import OfflineModel
    from agent.sources.sample import SampleCatalogue

    model = OfflineModel(fixed_clock(NOW), chunk_delay=0)
    service = ChatService(Settings(), SampleCatalogue(), model, clock=fixed_clock(NOW))
    earlier: set[str] = set()
    questions = ["Rustの勉強会", "Pythonは？", "大阪だと？", "TypeScriptのイベント", "来月は？", "生成AIのLT会"] * 2
    try:
        for turn, question in enumerate(questions):
            body = service.invoke(SESSION_A, {"prompt": question, "turn": turn})
            assert "error" not in body, (turn, question, body, caplog.text[-3000:])  # the agent logs why
            messages = service.sessions._sessions[SESSION_A].agent.messages
            start = max(
                i for i, m in enumerate(messages) if any("text" in b for b in m["content"]) and m["role"] == "user"
            )
            this_turn = [b["toolUse"]["toolUseId"] for m in messages[start:] for b in m["content"] if "toolUse" in b]
            assert this_turn, question
            assert not earlier & set(this_turn), f"turn {turn} reused a tool-use id"
            earlier |= set(this_turn)
        assert len(messages) <= HISTORY_WINDOW < 4 * len(questions)  # the window did drop old messages
    finally:
        service.close()


def test_turns_the_client_never_kept_are_taken_back() -> None:
    """Deployed, a stopped answer still finishes in the agent; the client's turn count says it was not kept."""
    from agent.models.offline import OfflineModel
    from agent.sources.sample import SampleCatalogue

    model = OfflineModel(fixed_clock(NOW), chunk_delay=0)
    service = ChatService(Settings(), SampleCatalogue(), model, clock=fixed_clock(NOW))
    try:
        assert "error" not in service.invoke(SESSION_A, {"prompt": "Rustの勉強会", "turn": 0})
        assert "error" not in service.invoke(SESSION_A, {"prompt": "大阪だと？", "turn": 1})  # stopped by the user
        session = service.sessions._sessions[SESSION_A]
        assert session.turns == 2
        body = service.invoke(SESSION_A, {"prompt": "Pythonは？", "turn": 1})  # the client holds one exchange
        assert "error" not in body
        texts = [b.get("text", "") for m in session.agent.messages for b in m["content"] if m["role"] == "user"]
        assert "大阪だと？" not in texts and "Rustの勉強会" in texts and "Pythonは？" in texts
        assert session.turns == 2 and len(session.turn_starts) == 2
        search = body["meta"]["trace"]["tool_calls"][0]["arguments"]
        assert "osaka" not in search.get("prefectures", []), "the taken-back 大阪だと？ no longer shapes the search"
    finally:
        service.close()
