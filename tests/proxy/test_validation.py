"""Request validation (400 rows of Contract 2), CORS, methods and the health handler."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from proxy.client import AgentReply
from proxy.handlers import chat, health
from proxy.handlers.validation import MAX_BODY_BYTES
from tests.proxy.apigw import SESSION, call, chat_body, event


class RecordingClient:
    """Answers every question; remembers what it was asked."""

    target, label = "local", "recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        self.calls.append((session_id, message, turn))
        return AgentReply("回答", session_id, [], {})

    def stream(self, *args: Any) -> Any:
        raise NotImplementedError


@pytest.fixture
def client() -> RecordingClient:
    recording = RecordingClient()
    chat.use_client(recording)
    return recording


BAD_BODIES: list[tuple[str, dict[str, Any]]] = [
    ("malformed JSON", {"raw": '{"message": "TS", "session_id": '}),
    ("not an object", {"raw": '["TypeScript"]'}),
    ("empty body", {"raw": ""}),
    ("no body", {}),
    ("missing message", {"body": {"session_id": SESSION}}),
    ("message not a string", {"body": chat_body(message=123)}),  # type: ignore[arg-type]
    ("message null", {"body": chat_body(message=None)}),  # type: ignore[arg-type]
    ("empty message", {"body": chat_body(message="")}),
    ("whitespace message", {"body": chat_body(message=" \n\t　")}),
    ("oversized message", {"body": chat_body(message="あ" * 2001)}),
    ("missing session", {"body": {"message": "TS"}}),
    ("session too short", {"body": chat_body(session_id="a" * 32)}),
    ("session too long", {"body": chat_body(session_id="a" * 257)}),
    ("session leading dash", {"body": chat_body(session_id="-" + "a" * 40)}),
    ("session bad character", {"body": chat_body(session_id="a" * 40 + "/x")}),
    ("session not a string", {"body": chat_body(session_id=12345678901234567890123456789012345)}),  # type: ignore[arg-type]
    ("turn negative", {"body": chat_body(turn=-1)}),
    ("turn bool", {"body": chat_body(turn=True)}),
    ("turn string", {"body": chat_body(turn="1")}),
    ("turn float", {"body": chat_body(turn=1.5)}),
    ("unknown field", {"body": chat_body(admin=True)}),
    ("not UTF-8", {"raw": "gA==", "b64": True}),
    ("bad base64", {"raw": "***", "b64": True}),
    ("huge body", {"raw": json.dumps(chat_body(message="a" * 2000, pad="x" * MAX_BODY_BYTES))}),
    # A JSON escape for half a surrogate pair is valid JSON but no UTF-8 text: once a 503 with an ERROR log.
    ("lone surrogate", {"raw": json.dumps(chat_body(message="TS\ud800"))}),  # sent as the escape \\ud800
    # Deep nesting makes the JSON parser raise RecursionError, not ValueError: once a 503 with an ERROR log.
    ("deeply nested", {"raw": "[" * 5000}),
]


@pytest.mark.parametrize(("case", "kwargs"), BAD_BODIES, ids=[case for case, _ in BAD_BODIES])
def test_bad_requests_are_400_json(client: RecordingClient, openapi: Any, case: str, kwargs: dict[str, Any]) -> None:
    result = call(chat.handler, event(kwargs.get("body"), raw=kwargs.get("raw"), b64=kwargs.get("b64", False)))
    assert result.status == 400, case
    assert result.body["error"]["code"] == "invalid_request"
    openapi.check("/chat", "post", 400, result.body)
    assert client.calls == []  # the agent is never bothered with a bad request


@pytest.mark.parametrize(
    ("message", "sent"),
    [("  大阪だと？  ", "大阪だと？"), ("あ" * 2000, "あ" * 2000), (" " * 50 + "x" + " " * 50, "x")],
)
def test_boundaries_accepted_and_trimmed(client: RecordingClient, message: str, sent: str) -> None:
    session = "A" + "b_-" * 85  # 256 characters
    result = call(chat.handler, event(chat_body(message=message, session_id=session, turn=0)))
    assert result.status == 200
    assert client.calls == [(session, sent, 0)]


def test_turn_defaults_to_zero(client: RecordingClient) -> None:
    call(chat.handler, event({"message": "TS", "session_id": "x" * 33}))
    assert client.calls == [("x" * 33, "TS", 0)]


@pytest.mark.parametrize(
    "body",
    [
        chat_body(),
        chat_body(turn=3),
        chat_body(message=""),
        chat_body(message="あ" * 2001),
        chat_body(session_id="a" * 32),
        chat_body(session_id="a" * 257),
        chat_body(session_id="_" + "a" * 40),
        chat_body(session_id="a" * 40 + "."),
        chat_body(turn=-1),
        chat_body(turn="1"),
        chat_body(extra=1),
        {"session_id": SESSION},
    ],
)
def test_openapi_request_schema_agrees_with_the_handler(client: RecordingClient, openapi: Any, body: Any) -> None:
    """API Gateway validates with the OpenAPI schema first; both must draw the same line."""
    try:
        jsonschema.validate(body, openapi.schema("ChatRequest"))
        schema_ok = True
    except jsonschema.ValidationError:
        schema_ok = False
    assert schema_ok == (call(chat.handler, event(body)).status == 200)


def test_cors_headers_only_for_configured_origins(client: RecordingClient, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = {"Origin": "http://localhost:5173"}
    assert "Access-Control-Allow-Origin" not in call(chat.handler, event(chat_body(), headers=origin)).headers
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://confee.example, http://localhost:5173/")
    allowed = call(chat.handler, event(chat_body(), headers=origin))
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert allowed.headers["Vary"] == "Origin"
    other = call(chat.handler, event(chat_body(), headers={"origin": "https://evil.example"}))
    assert "Access-Control-Allow-Origin" not in other.headers
    error = call(chat.handler, event(raw="{", headers=origin))
    assert error.status == 400 and error.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"


def test_vary_origin_on_every_response_once_origins_are_configured(
    client: RecordingClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer depends on Origin whether or not it is allowed, so a cache must key on it either way."""
    assert "Vary" not in call(chat.handler, event(chat_body(), headers={"Origin": "https://evil.example"})).headers
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://confee.example")
    for origin, allowed in (("https://evil.example", None), (None, None), ("https://confee.example", True)):
        result = call(chat.handler, event(chat_body(), headers={"Origin": origin} if origin else {}))
        assert result.headers["Vary"] == "Origin", origin
        assert result.headers.get("Access-Control-Allow-Origin") == (origin if allowed else None)
    assert call(health.handler, event(method="GET", path="/health")).headers["Vary"] == "Origin"


def test_preflight_only_when_configured(client: RecordingClient, monkeypatch: pytest.MonkeyPatch) -> None:
    preflight = event(method="OPTIONS", headers={"Origin": "https://confee.example"})
    assert call(chat.handler, preflight).status == 405
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://confee.example")
    result = chat.handler(preflight, None)
    assert result["statusCode"] == 204
    assert result["headers"]["Access-Control-Allow-Origin"] == "https://confee.example"
    assert "POST" in result["headers"]["Access-Control-Allow-Methods"]
    assert result["headers"]["Access-Control-Allow-Headers"] == "Content-Type"
    assert call(chat.handler, event(method="OPTIONS", headers={"Origin": "https://evil.example"})).status == 405
    assert client.calls == []


def test_wrong_method_is_405_json(client: RecordingClient, openapi: Any) -> None:
    result = call(chat.handler, event(method="GET"))
    assert result.status == 405 and result.headers["Allow"] == "POST"
    openapi.check("/chat", "post", 405, result.body)


def test_health(openapi: Any) -> None:
    result = call(health.handler, event(method="GET", path="/health"))
    assert (result.status, result.body) == (200, {"status": "ok"})
    openapi.check("/health", "get", 200, result.body)
    assert call(health.handler, event(method="POST", path="/health")).status == 405


def test_http_api_v2_events_work_too(client: RecordingClient) -> None:
    v2 = {
        "version": "2.0",
        "requestContext": {"http": {"method": "POST"}, "requestId": "r1"},
        "headers": {"content-type": "application/json"},
        "body": json.dumps(chat_body()),
        "isBase64Encoded": False,
    }
    assert call(chat.handler, v2).status == 200
