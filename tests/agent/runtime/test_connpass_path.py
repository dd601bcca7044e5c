"""The production event path end to end: agent → search tool → ConnpassClient → real HTTP on 127.0.0.1.

connpass itself is replaced by tests/fixtures/fake_connpass.py, which answers from the sample catalogue
with connpass's parameter semantics; everything on our side of the wire is the production code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.models.offline import OfflineModel
from agent.runtime.service import ChatService
from agent.sources.base import SearchQuery
from agent.sources.connpass import ConnpassClient
from agent.sources.factory import build_source
from agent.sources.ratelimit import RateLimiterRegistry
from agent.sources.sample import SampleCatalogue
from tests.fixtures.fake_connpass import FakeConnpass, FakeResponse, RecordedRequest, search_body

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
SESSION = "connpass-path-" + "p" * 26
CATALOGUE = SampleCatalogue()


def from_catalogue(request: RecordedRequest) -> FakeResponse:
    """Answer a connpass search the way connpass would, from the sample events."""
    values = lambda name: tuple(request.values(name))  # noqa: E731
    query = SearchQuery(
        keyword=values("keyword"), keyword_or=values("keyword_or"), ym=values("ym"), ymd=values("ymd"),
        prefecture=values("prefecture"), order=int(request.values("order")[0]),  # type: ignore[arg-type]
        start=int(request.values("start")[0]), count=int(request.values("count")[0]),
    )  # fmt: skip
    result = CATALOGUE.search(query)
    return FakeResponse(200, search_body(result.events, result.results_start, len(result.events) or 1))


@pytest.fixture
def fake() -> Iterator[FakeConnpass]:
    with FakeConnpass(api_key="key-for-tests", responder=from_catalogue) as server:
        yield server


def service_for(fake: FakeConnpass, **client: Any) -> ChatService:
    settings = Settings(connpass_api_key="key-for-tests", connpass_base_url=fake.base_url)
    key = settings.connpass_api_key or ""
    limiters = RateLimiterRegistry()
    source = (
        ConnpassClient(fake.base_url, api_key_provider=lambda: key, limiters=limiters, **client)
        if client
        else build_source(settings)
    )
    model = OfflineModel(fixed_clock(NOW), chunk_delay=0)
    return ChatService(settings, source, model, clock=fixed_clock(NOW))


def test_question_searches_connpass_and_recommends_its_events(fake: FakeConnpass) -> None:
    service = service_for(fake)
    try:
        body = service.invoke(SESSION, {"prompt": "来月大阪でRustの勉強会は？"})
    finally:
        service.close()
    assert "error" not in body, body
    assert (body["meta"]["model"], body["meta"]["source"]) == ("offline", "connpass")
    assert body["meta"]["usage"]["model_calls"] == 2  # one to search, one to answer
    assert body["events"] and all(e["url"] in body["response"] for e in body["events"])
    (request,) = fake.requests
    assert request.api_key == "key-for-tests"
    assert request.headers["user-agent"].startswith("Confee/")
    assert request.values("prefecture") == ["osaka"] and request.values("ym") == ["202612"]
    assert "Rust" in request.values("keyword") or "Rust" in request.values("keyword_or")


def test_connpass_timeout_is_answered_in_japanese(fake: FakeConnpass) -> None:
    fake.enqueue(FakeResponse(200, delay=2.0))
    service = service_for(fake, timeout=0.3)
    try:
        body = service.invoke(SESSION, {"prompt": "TypeScriptのイベントある？"})
    finally:
        service.close()
    assert "接続がタイムアウトしました。再度お試しください。" in body["response"]
    assert body["events"] == []


def test_connpass_rate_limit_twice_is_answered_in_japanese(fake: FakeConnpass) -> None:
    fake.enqueue(FakeResponse(429, headers={"Retry-After": "0"}), FakeResponse(429, headers={"Retry-After": "0"}))
    service = service_for(fake)
    try:
        body = service.invoke(SESSION, {"prompt": "Pythonの勉強会は？"})
    finally:
        service.close()
    assert "混み合って" in body["response"]
    assert len(fake.requests) == 2  # one retry, then a clear answer instead of hammering the API
