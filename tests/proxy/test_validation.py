"""Request rules of both POST routes (the 400 and 415 rows of Contract 2), through the app in process."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest

from proxy.api.validation import MAX_BODY_BYTES
from proxy.app import create_app
from proxy.client import AgentReply
from proxy.client.stream import AgentStream, Interrupt, StreamEvent
from tests.proxy.api import QUESTION, ROUTES, SESSION, call, chat_body, post, sse_events


class RecordingClient:
    """An agent that answers every question at once and remembers what it was asked."""

    target, label = "local", "recording"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, int]] = []

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        self.calls.append((session_id, message, turn))
        return AgentReply("回答", session_id, [], {"model": "offline", "source": "sample"})

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        self.calls.append((session_id, message, turn))
        done: StreamEvent = {"type": "done", "session_id": session_id, "events": [], "meta": {}}
        return AgentStream(iter([{"type": "text", "text": "回答"}, done]), Interrupt())


@pytest.fixture
def client() -> RecordingClient:
    return RecordingClient()


@pytest.fixture
def app(client: RecordingClient) -> Any:
    return create_app(client)


BAD_BODIES: list[tuple[str, bytes]] = [
    ("malformed JSON", b'{"message": "TS", "session_id": '),
    ("not an object", b'["TypeScript"]'),
    ("null", b"null"),
    ("empty body", b""),
    ("missing message", json.dumps({"session_id": SESSION}).encode()),
    ("message not a string", json.dumps(chat_body(message=123)).encode()),
    ("message null", json.dumps(chat_body(message=None)).encode()),
    ("empty message", json.dumps(chat_body(message="")).encode()),
    ("whitespace message", json.dumps(chat_body(message=" \n\t　")).encode()),
    ("oversized message", json.dumps(chat_body(message="あ" * 2001)).encode()),
    # Counted as sent, as the OpenAPI maxLength (and API Gateway, deployed) count it: padding does not fit either.
    ("oversized with padding", json.dumps(chat_body(message="あ" * 2000 + "\n")).encode()),
    ("missing session", json.dumps({"message": "TS"}).encode()),
    ("session too short", json.dumps(chat_body(session_id="a" * 32)).encode()),
    ("session too long", json.dumps(chat_body(session_id="a" * 257)).encode()),
    ("session leading dash", json.dumps(chat_body(session_id="-" + "a" * 40)).encode()),
    ("session bad character", json.dumps(chat_body(session_id="a" * 40 + "/x")).encode()),
    ("session not a string", json.dumps(chat_body(session_id=12345678901234567890123456789012345)).encode()),
    ("turn negative", json.dumps(chat_body(turn=-1)).encode()),
    ("turn bool", json.dumps(chat_body(turn=True)).encode()),
    ("turn string", json.dumps(chat_body(turn="1")).encode()),
    ("turn float", json.dumps(chat_body(turn=1.5)).encode()),
    ("unknown field", json.dumps(chat_body(admin=True)).encode()),
    ("not UTF-8", b"\xff\xfe{}"),
    ("huge body", json.dumps(chat_body(message="a" * 2000, pad="x" * MAX_BODY_BYTES)).encode()),
    # A JSON escape for half a surrogate pair is valid JSON but no UTF-8 text: once a 503 with an ERROR log.
    ("lone surrogate", json.dumps(chat_body(message="TS\ud800")).encode()),  # sent as the escape \\ud800
    # Deep nesting makes the JSON parser raise RecursionError, not ValueError: once a 503 with an ERROR log.
    ("deeply nested", b"[" * 5000),
]


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(("case", "raw"), BAD_BODIES, ids=[case for case, _ in BAD_BODIES])
def test_bad_requests_are_400_json(
    app: Any, client: RecordingClient, openapi: Any, route: str, case: str, raw: bytes
) -> None:
    response = call(app, "POST", route, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, case
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["error"]["code"] == "invalid_request"
    openapi.check(route, "post", 400, response.json())
    assert client.calls == []  # the agent is never bothered with a bad request


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data"],
)
def test_non_json_content_types_are_415(
    app: Any, client: RecordingClient, openapi: Any, route: str, content_type: str | None
) -> None:
    """CORS-simple requests (any web page can make its visitors send them) never reach the agent."""
    headers = {"Content-Type": content_type} if content_type else {}
    response = call(app, "POST", route, content=json.dumps(chat_body()), headers=headers)
    assert response.status_code == 415
    assert response.json() == {
        "error": {"code": "unsupported_media_type", "message": "Content-Type は application/json にしてください。"}
    }
    openapi.check(route, "post", 415, response.json())
    assert client.calls == []


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "Application/JSON"])
def test_json_content_type_parameters_are_accepted(
    app: Any, client: RecordingClient, route: str, content_type: str
) -> None:
    response = call(app, "POST", route, content=json.dumps(chat_body()), headers={"Content-Type": content_type})
    assert response.status_code == 200
    assert len(client.calls) == 1


@pytest.mark.parametrize("route", ROUTES)
def test_415_comes_before_the_size_cap(app: Any, route: str) -> None:
    response = call(app, "POST", route, content=b"x" * (MAX_BODY_BYTES + 1), headers={"Content-Type": "text/plain"})
    assert response.status_code == 415


@pytest.mark.parametrize(
    ("message", "sent"),
    [("  大阪だと？  ", "大阪だと？"), ("あ" * 2000, "あ" * 2000), (" " * 50 + "x" + " " * 50, "x")],
)
@pytest.mark.parametrize("route", ROUTES)
def test_boundaries_accepted_and_trimmed(
    app: Any, client: RecordingClient, route: str, message: str, sent: str
) -> None:
    session = "A" + "b_-" * 85  # 256 characters
    response = post(app, route, chat_body(message=message, session_id=session, turn=0))
    assert response.status_code == 200
    assert client.calls == [(session, sent, 0)]


@pytest.mark.parametrize("route", ROUTES)
def test_turn_written_as_an_integral_float_is_that_integer(app: Any, client: RecordingClient, route: str) -> None:
    """JSON has one number type: 2.0 is the integer 2 (for JSON Schema too, so the OpenAPI document allows it)."""
    assert post(app, route, chat_body(turn=2.0)).status_code == 200
    assert client.calls == [(SESSION, QUESTION, 2)] and type(client.calls[0][2]) is int


def test_turn_defaults_to_zero(app: Any, client: RecordingClient) -> None:
    post(app, "/chat", {"message": "TS", "session_id": "x" * 33})
    post(app, "/chat/stream", {"message": "TS", "session_id": "y" * 33})
    assert client.calls == [("x" * 33, "TS", 0), ("y" * 33, "TS", 0)]


@pytest.mark.parametrize(
    "body",
    [
        chat_body(),
        chat_body(turn=3),
        chat_body(turn=3.0),
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
@pytest.mark.parametrize("route", ROUTES)
def test_openapi_request_schema_agrees_with_the_app(app: Any, openapi: Any, route: str, body: Any) -> None:
    """API Gateway validates with the OpenAPI schema first; both must draw the same line."""
    try:
        jsonschema.validate(body, openapi.request_schema(route))
        schema_ok = True
    except jsonschema.ValidationError:
        schema_ok = False
    assert schema_ok == (post(app, route, body).status_code == 200)


def test_stream_answers_the_recording_agent(app: Any) -> None:
    response = post(app, "/chat/stream", chat_body())
    assert response.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert sse_events(response.text) == [
        {"type": "text", "text": "回答"},
        {"type": "done", "session_id": SESSION, "events": [], "meta": {}},
    ]
