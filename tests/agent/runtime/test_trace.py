"""meta.trace: what a turn did (model calls, tool calls, source queries, timings), without secrets."""

from __future__ import annotations

import json

from agent.clock import fixed_clock
from agent.config import Settings
from agent.models.offline import OfflineModel
from agent.runtime.service import ChatService
from agent.sources.apikey import StaticKey
from agent.sources.connpass import ConnpassClient
from agent.sources.ratelimit import RateLimiterRegistry
from agent.sources.sample import SampleCatalogue
from tests.agent.runtime.conftest import NOW, SESSION_A
from tests.fixtures.fake_connpass import FakeConnpass, FakeResponse, RecordedRequest, search_body

SECRET_KEY = "key-" + "s3cr3t" * 4


def _service(source: object) -> ChatService:
    model = OfflineModel(fixed_clock(NOW), chunk_delay=0)
    return ChatService(Settings(), source, model, clock=fixed_clock(NOW))  # type: ignore[arg-type]


def test_a_turn_traces_its_model_and_tool_calls() -> None:
    service = _service(SampleCatalogue())
    try:
        body = service.invoke(SESSION_A, {"prompt": "来月大阪でRustの勉強会は？"})
    finally:
        service.close()
    trace = body["meta"]["trace"]
    assert trace["total_ms"] >= 0
    first, second = trace["model_calls"]
    assert (first["stop_reason"], second["stop_reason"]) == ("tool_use", "end_turn")
    assert all(c["duration_ms"] >= 0 and c["input_tokens"] > 0 and c["output_tokens"] > 0 for c in (first, second))
    (call,) = trace["tool_calls"]
    assert call["name"] == "search_connpass" and call["status"] == "success"
    assert call["arguments"]["keywords"] == ["Rust"] and call["arguments"]["prefectures"] == ["osaka"]
    assert call["summary"] == {
        "source": "sample",
        "total": 1,
        "matched": 1,
        "complete": True,
        "has_more": False,
        "shown": 1,
    }
    assert call["result"]["events"][0]["url"] in body["response"]
    (search,) = call["source_queries"]["searches"]
    assert search["source"] == "sample" and ["ym", "202612"] in [list(p) for p in search["queries"][0]]


def test_chit_chat_has_one_model_call_and_no_tool_call() -> None:
    service = _service(SampleCatalogue())
    try:
        body = service.invoke(SESSION_A, {"prompt": "こんにちは"})
    finally:
        service.close()
    assert len(body["meta"]["trace"]["model_calls"]) == 1 and body["meta"]["trace"]["tool_calls"] == []


def test_live_connpass_queries_are_traced_and_the_key_never_is() -> None:
    def answer(request: RecordedRequest) -> FakeResponse:
        return FakeResponse(200, search_body([]))

    with FakeConnpass(api_key=SECRET_KEY, responder=answer) as fake:
        client = ConnpassClient(
            fake.base_url, api_key_provider=StaticKey(SECRET_KEY), limiters=RateLimiterRegistry(0.001)
        )
        service = _service(client)
        try:
            body = service.invoke(SESSION_A, {"prompt": "12月に東京でRustの勉強会"})
        finally:
            service.close()
            client.close()
    trace = body["meta"]["trace"]
    searches = trace["tool_calls"][0]["source_queries"]["searches"]
    assert searches[0]["source"] == "connpass" and searches[0]["cached"] is False
    assert len(searches) >= 2, "the relaxed searches are traced too"
    assert SECRET_KEY not in json.dumps(body, ensure_ascii=False)
