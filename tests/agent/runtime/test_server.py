"""The AgentCore app through a real uvicorn server on 127.0.0.1: /ping, JSON and SSE, sessions, errors."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncGenerator, Iterator
from typing import Any

import httpx
import pytest

from agent.runtime.server import create_app
from tests.agent.runtime.conftest import SESSION_A, SESSION_B, make_service
from tests.fixtures.scripted_model import ScriptedModel, text_events
from tests.fixtures.uvicorn_server import serve_asgi

HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    service = make_service()
    with serve_asgi(create_app(service)) as url:
        yield url
    service.close()


def invoke(base_url: str, session_id: str | None, payload: Any) -> httpx.Response:
    headers = {HEADER: session_id} if session_id else {}
    return httpx.post(f"{base_url}/invocations", json=payload, headers=headers, timeout=10)


def test_ping(base_url: str) -> None:
    response = httpx.get(f"{base_url}/ping")
    assert response.status_code == 200
    assert response.json()["status"] == "Healthy"


def test_json_invocation(base_url: str) -> None:
    response = invoke(base_url, SESSION_A, {"prompt": "こんにちは"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["response"] == "turn 1: こんにちは"
    assert body["session_id"] == SESSION_A


def test_sse_invocation_streams_deltas_then_done(base_url: str) -> None:
    headers = {HEADER: SESSION_B}
    with httpx.stream(
        "POST", f"{base_url}/invocations", json={"prompt": "ストリーム", "stream": True}, headers=headers, timeout=10
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [json.loads(line[len("data: ") :]) for line in response.iter_lines() if line.startswith("data: ")]
    assert [e["type"] for e in events][-1] == "done"
    assert sum(e["type"] == "text" for e in events) > 1
    assert "".join(e["text"] for e in events if e["type"] == "text") == "turn 1: ストリーム"


def test_two_sessions_keep_separate_context(base_url: str) -> None:
    one, two = "iso-one-" + "1" * 30, "iso-two-" + "2" * 30
    invoke(base_url, one, {"prompt": "A"})
    invoke(base_url, one, {"prompt": "B", "turn": 1})
    assert invoke(base_url, one, {"prompt": "C", "turn": 2}).json()["response"] == "turn 3: C"
    assert invoke(base_url, two, {"prompt": "X"}).json()["response"] == "turn 1: X"


def test_lost_context_is_session_expired(base_url: str) -> None:
    body = invoke(base_url, "fresh-" + "f" * 30, {"prompt": "続き", "turn": 2}).json()
    assert body["error"]["code"] == "session_expired"


def test_session_expired_in_stream_is_an_error_event(base_url: str) -> None:
    headers = {HEADER: "fresh-stream-" + "s" * 30}
    payload = {"prompt": "続き", "turn": 1, "stream": True}
    with httpx.stream("POST", f"{base_url}/invocations", json=payload, headers=headers, timeout=10) as response:
        events = [json.loads(line[6:]) for line in response.iter_lines() if line.startswith("data: ")]
    assert events == [{"type": "error", "code": "session_expired", "message": events[0]["message"]}]


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe\x00", b"", b"[" * 30000, b'{"a":' * 5000],  # the last two: too deep for json
)
def test_undecodable_body_is_a_japanese_json_error(base_url: str, body: bytes) -> None:
    response = httpx.post(
        f"{base_url}/invocations", content=body, headers={HEADER: SESSION_A, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert "JSON" in error["message"]


@pytest.mark.parametrize("payload", [{"turn": 0}, {"prompt": ""}, {"prompt": "x" * 2001}, "just a string", None])
def test_bad_payloads_are_json_errors(base_url: str, payload: Any) -> None:
    body = invoke(base_url, SESSION_A, payload).json()
    assert body["error"]["code"] == "invalid_request"
    assert "Traceback" not in json.dumps(body)


def test_an_oversized_body_is_refused_before_it_is_parsed(base_url: str) -> None:
    body = json.dumps({"prompt": "x" * 2000, "padding": "y" * 10_000_000}).encode()
    response = httpx.post(
        f"{base_url}/invocations", content=body, headers={HEADER: SESSION_A, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "invalid_request", "message": "リクエスト本文が大きすぎます。"}


@pytest.mark.parametrize("session_id", ["a" * 32, "a" * 257, "-" + "a" * 40, "a" * 40 + " b", "a" * 40 + "."])
def test_session_ids_follow_the_one_rule(base_url: str, session_id: str) -> None:
    assert invoke(base_url, session_id, {"prompt": "hi"}).json()["error"]["code"] == "invalid_request"


def test_missing_session_header_is_invalid(base_url: str) -> None:
    assert invoke(base_url, None, {"prompt": "hi"}).json()["error"]["code"] == "invalid_request"


class Dawdling(ScriptedModel):
    """Streams one short delta every 0.1 s for about 3 s, and notes whether it was cut off."""

    def __init__(self) -> None:
        super().__init__()
        self.outcome = "running"

    async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        try:
            for item in text_events("ゆっくり" * 30, chunk=4):
                yield item
                await asyncio.sleep(0.1)
            self.outcome = "finished"
        except (asyncio.CancelledError, GeneratorExit):
            self.outcome = "cancelled"
            raise


def test_client_disconnect_mid_stream_cancels_the_turn() -> None:
    model = Dawdling()
    service = make_service(model)
    session_id = "leaving-" + "l" * 30
    try:
        with serve_asgi(create_app(service)) as url:
            payload = {"prompt": "長い回答", "stream": True}
            with httpx.stream("POST", f"{url}/invocations", json=payload, headers={HEADER: session_id}) as response:
                first = next(line for line in response.iter_lines() if line.startswith("data: "))
            assert json.loads(first[6:])["type"] == "text"
            deadline = time.monotonic() + 2.0  # the whole answer would take about 3 s
            while model.outcome == "running" and time.monotonic() < deadline:
                time.sleep(0.02)
            session = service.sessions._sessions[session_id]
            while session.active and time.monotonic() < deadline:
                time.sleep(0.02)
            assert model.outcome == "cancelled"
            assert session.active == 0 and session.agent.messages == []  # released, and nothing half-written kept
    finally:
        service.close()
