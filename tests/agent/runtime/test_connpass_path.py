"""The production event path end to end: agent → search tool → ConnpassClient → real HTTP on 127.0.0.1.

connpass itself is replaced by tests/fixtures/fake_connpass.py, which answers from the sample catalogue
with connpass's parameter semantics; everything on our side of the wire is the production code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.errors import SOURCE_ERROR_MESSAGES
from agent.models.offline import OfflineModel
from agent.runtime.server import create_app as create_agent_app
from agent.runtime.service import ChatService
from agent.sources.base import SearchQuery
from agent.sources.connpass import ConnpassClient
from agent.sources.factory import build_source
from agent.sources.ratelimit import RateLimiterRegistry
from agent.sources.sample import SampleCatalogue
from proxy.agent_client import client_from_target
from proxy.app import create_app as create_chat_app
from tests.fixtures.agent_server import free_port
from tests.fixtures.fake_connpass import FakeConnpass, FakeResponse, RecordedRequest, search_body
from tests.fixtures.uvicorn_server import serve_uvicorn

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


# -- the fault matrix: connpass fails, the user gets a Japanese answer in time, then connpass recovers --------

#: The test's budgets, scaled down from production (connpass 5 s per request, a 24 s turn) so the matrix runs in
#: seconds. The ratios matter, not the numbers: a request times out well inside the turn.
CONNPASS_TIMEOUT = 0.5
TURN_BUDGET = 3.0
ANSWER_RESERVE = 0.5
QUESTION = "来月大阪でRustの勉強会は？"


@dataclass(frozen=True)
class Fault:
    """How connpass misbehaves for a whole question, and what the user must be told.

    Attributes:
        response: What connpass answers to every request (``None``: nothing listens, connection refused).
        kind: The ``SourceError`` kind the client must report, which picks the Japanese message.
        advice: What the answer must tell the user to do.
        requests: Requests connpass sees during the question (a 429 is retried once; nothing else is).
        wait: Seconds the user waits before asking again (at least what the answer advised).
    """

    response: FakeResponse | None
    kind: str
    advice: str
    requests: int = 1
    wait: float = 2.0


LATER = "少し時間をおいて、もう一度同じ質問を送ってください。"
FAULTS = {
    "timeout": Fault(FakeResponse(200, delay=CONNPASS_TIMEOUT * 6), "timeout", LATER),
    "429, short Retry-After": Fault(
        FakeResponse(429, {"error": "rate limited"}, {"Retry-After": "1"}),
        "rate_limited",
        "1秒ほど待ってから、もう一度同じ質問を送ってください。",
        requests=2,
    ),
    # Longer than the client ever sits out (5 s): no retry, and the key rests that long.
    "429, long Retry-After": Fault(
        FakeResponse(429, {"error": "rate limited"}, {"Retry-After": "30"}),
        "rate_limited",
        "30秒ほど待ってから、もう一度同じ質問を送ってください。",
        wait=30.0,
    ),
    # Within what the client sits out (5 s), but longer than what is left of the turn's budget.
    "429, Retry-After beyond the turn's budget": Fault(
        FakeResponse(429, {"error": "rate limited"}, {"Retry-After": "4"}),
        "rate_limited",
        "4秒ほど待ってから、もう一度同じ質問を送ってください。",
        wait=4.0,
    ),
    "500": Fault(FakeResponse(500, {"error": "internal server error"}), "upstream", LATER),
    "503, HTML": Fault(FakeResponse(503, "<html><body>メンテナンス中</body></html>"), "upstream", LATER),
    "connection refused": Fault(None, "upstream", LATER, requests=0),
    "200, not JSON": Fault(FakeResponse(200, "<html><body>connpass</body></html>"), "malformed", LATER),
    "200, JSON of the wrong shape": Fault(
        FakeResponse(200, {"events": "none", "results_returned": 0}), "malformed", LATER
    ),
}


class SkippableClock:
    """Real monotonic time that a test can move ahead: "the user waited as the answer advised"."""

    def __init__(self) -> None:
        self.skipped = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.skipped


@contextlib.contextmanager
def chat_api_over_agent_server(base_url: str, clock: SkippableClock) -> Iterator[httpx.Client]:
    """The production chain on 127.0.0.1: Chat API (uvicorn) → agent server (uvicorn) → ChatService → connpass."""
    settings = Settings(events="connpass", connpass_api_key="key-for-tests", connpass_base_url=base_url)
    source = ConnpassClient(
        base_url,
        api_key_provider=lambda: "key-for-tests",
        timeout=CONNPASS_TIMEOUT,
        limiters=RateLimiterRegistry(monotonic=clock),  # connpass's real pacing, on a clock the test can skip
    )
    model = OfflineModel(fixed_clock(NOW), chunk_delay=0)
    service = ChatService(
        settings, source, model, clock=fixed_clock(NOW), turn_timeout=TURN_BUDGET, answer_reserve=ANSWER_RESERVE
    )
    agent_server = uvicorn.Server(uvicorn.Config(create_agent_app(service), log_level="warning", lifespan="off"))
    try:
        with contextlib.ExitStack() as stack:
            agent_url = stack.enter_context(serve_uvicorn(agent_server))
            chat_app = create_chat_app(client_from_target(agent_url, timeout=TURN_BUDGET + 5))
            api_server = uvicorn.Server(uvicorn.Config(chat_app, log_level="warning", lifespan="off"))
            api = httpx.Client(base_url=stack.enter_context(serve_uvicorn(api_server)), timeout=TURN_BUDGET + 10)
            stack.enter_context(api)
            stack.callback(lambda: setattr(agent_server, "should_exit", True))  # both servers stop at once
            yield api
    finally:
        service.close()
        source.close()


def ask(api: httpx.Client, turn: int) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    response = api.post("/chat", json={"message": QUESTION, "session_id": SESSION, "turn": turn})
    return response, time.monotonic() - began


@pytest.mark.parametrize("fault", FAULTS.values(), ids=FAULTS.keys())
def test_connpass_fault_is_explained_in_japanese_in_time_then_recovers(fault: Fault) -> None:
    """Issue 12: every way connpass fails is a 200 answer that says what happened and what to do, within the turn's
    budget; once connpass is back, the next question in the same conversation lists its events."""
    failing: list[FakeResponse] = [fault.response] if fault.response is not None else []
    port = free_port()
    fake = FakeConnpass(
        api_key="key-for-tests", responder=lambda r: failing[0] if failing else from_catalogue(r), port=port
    )
    clock = SkippableClock()
    with contextlib.ExitStack() as stack, chat_api_over_agent_server(f"http://127.0.0.1:{port}/api/v2", clock) as api:
        if fault.response is not None:  # else nothing listens on the port yet: connection refused
            stack.enter_context(fake)
        response, took = ask(api, turn=0)

        assert response.status_code == 200, response.text
        body = response.json()
        assert took < TURN_BUDGET, f"answered after {took:.1f} s"
        assert SOURCE_ERROR_MESSAGES[fault.kind] in body["response"], body["response"]
        assert fault.advice in body["response"], body["response"]
        assert body["events"] == [] and "http" not in body["response"]  # no made-up events, no links
        assert body["meta"]["source"] == "connpass"
        assert len(fake.requests) == fault.requests

        failing.clear()  # connpass is back ...
        if fault.response is None:
            stack.enter_context(fake)
        clock.skipped += fault.wait  # ... and the user asks again after the wait the answer advised
        response, took = ask(api, turn=1)

    assert response.status_code == 200, response.text
    body = response.json()
    assert took < TURN_BUDGET, f"answered after {took:.1f} s"
    assert body["events"], body["response"]
    assert all(event["url"] in body["response"] for event in body["events"])
    assert SOURCE_ERROR_MESSAGES[fault.kind] not in body["response"]
    assert fake.requests[-1].status == 200
