"""Every row of Contract 2 on both POST routes, with botocore's Stubber standing in for AgentCore.

An error found before the first event is answered by ``/chat/stream`` exactly as by ``/chat`` (status, JSON
body, ``Retry-After``); one that comes after text has been sent arrives as an SSE ``error`` event.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.response import StreamingBody
from botocore.stub import Stubber
from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeoutError

from proxy.app import create_app
from proxy.client.arn_transport import ArnAgentClient
from tests.proxy.api import QUESTION, SESSION, chat_body, post, sse_events

ARN = "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-AbCdEf1234"
EVENTS = [{"id": 1, "title": "TSKaigi サンプル", "url": "https://example.com/e/1"}]
META = {"model": "offline", "source": "sample"}
ANSWER = {
    "response": "## TypeScript のイベント\n- [TSKaigi サンプル](https://example.com/e/1)",
    "session_id": SESSION,
    "events": EVENTS,
    "meta": META,
}


def boto_client() -> Any:
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=5)
    return boto3.client("bedrock-agentcore", region_name="ap-northeast-1", config=config)


class Stubbed:
    """The app on an ARN client whose AgentCore answers are scripted per call."""

    def __init__(self, stubber: Stubber, client: Any) -> None:
        self.stubber = stubber
        self.app = create_app(ArnAgentClient(ARN, boto_client=client))

    def ask(self, route: str, reply: Callable[[], dict[str, Any]] | None = None, **error: Any) -> httpx.Response:
        """Script one AgentCore answer (a reply, or a modeled error) and ask ``route``."""
        params = expected_params(stream=route == "/chat/stream")
        if reply is not None:
            self.stubber.add_response("invoke_agent_runtime", reply(), params)
        else:
            self.stubber.add_client_error("invoke_agent_runtime", expected_params=params, **error)
        return post(self.app, route, chat_body())


@pytest.fixture
def stub() -> Iterator[Stubbed]:
    client = boto_client()
    with Stubber(client) as stubber:
        yield Stubbed(stubber, client)
        stubber.assert_no_pending_responses()


def body_of(raw: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(raw), len(raw))


def json_reply(obj: Any) -> Callable[[], dict[str, Any]]:
    raw = json.dumps(obj, ensure_ascii=False).encode()
    return lambda: {"response": body_of(raw), "contentType": "application/json", "statusCode": 200}


def sse_reply(*objects: Any) -> Callable[[], dict[str, Any]]:
    raw = b"".join(f"data: {json.dumps(o, ensure_ascii=False)}\n\n".encode() for o in objects)
    content_type = "text/event-stream; charset=utf-8"
    return lambda: {"response": body_of(raw), "contentType": content_type, "statusCode": 200}


def expected_params(*, stream: bool = False) -> dict[str, Any]:
    payload = json.dumps({"prompt": QUESTION, "turn": 0, "stream": stream}, ensure_ascii=False).encode()
    return {
        "agentRuntimeArn": ARN,
        "runtimeSessionId": SESSION,
        "payload": payload,
        "contentType": "application/json",
        "accept": "text/event-stream" if stream else "application/json",
    }


def same_answer(chat: httpx.Response, stream: httpx.Response) -> None:
    """``/chat/stream`` answered an early error exactly as ``/chat`` did."""
    assert stream.status_code == chat.status_code
    assert stream.headers["Content-Type"] == chat.headers["Content-Type"] == "application/json; charset=utf-8"
    assert stream.json() == chat.json()
    assert stream.headers.get("Retry-After") == chat.headers.get("Retry-After")


SSE_ANSWER = sse_reply(
    {"type": "text", "text": "## TypeScript"},
    {"type": "text", "text": " のイベント"},
    {"type": "done", "session_id": SESSION, "events": EVENTS, "meta": {**META, "usage": {"model_calls": 1}}},
)


@pytest.mark.parametrize("reply", [json_reply(ANSWER), SSE_ANSWER], ids=["json", "sse"])
def test_answers_on_both_routes(stub: Stubbed, openapi: Any, reply: Callable[[], dict[str, Any]]) -> None:
    chat = stub.ask("/chat", reply)
    assert chat.status_code == 200
    openapi.check("/chat", "post", 200, chat.json())
    stream = stub.ask("/chat/stream", reply)
    assert stream.status_code == 200
    assert stream.headers["Content-Type"] == "text/event-stream; charset=utf-8"
    assert stream.headers["X-Accel-Buffering"] == "no" and stream.headers["Cache-Control"] == "no-store"
    events = sse_events(stream.text)
    assert "".join(e["text"] for e in events if e["type"] == "text") == chat.json()["response"]
    assert events[-1] == {"type": "done", "session_id": SESSION, "events": EVENTS, "meta": META}
    for event in events:
        openapi.check_stream_event(event)


@pytest.mark.parametrize(
    ("agent_error", "status"),
    [
        ("session_expired", 408),
        ("throttled", 429),
        ("agent_unavailable", 503),
        ("agent_timeout", 504),
        ("invalid_request", 400),
    ],
)
@pytest.mark.parametrize("form", ["json", "sse"])
def test_agent_errors_before_any_text_are_the_same_on_both_routes(
    stub: Stubbed, openapi: Any, agent_error: str, status: int, form: str
) -> None:
    message = "会話の有効期限が切れました。（エージェントより）"
    if form == "json":
        reply = json_reply({"error": {"code": agent_error, "message": message}})
    else:
        reply = sse_reply({"type": "error", "code": agent_error, "message": message})
    chat = stub.ask("/chat", reply)
    assert chat.status_code == status
    assert chat.json() == {"error": {"code": agent_error, "message": message}}
    assert ("Retry-After" in chat.headers) == (status == 429)
    openapi.check("/chat", "post", status, chat.json())
    same_answer(chat, stub.ask("/chat/stream", reply))


@pytest.mark.parametrize("agent_error", ["throttled", "agent_unavailable", "agent_timeout"])
def test_agent_error_after_text_is_an_sse_error_event(stub: Stubbed, openapi: Any, agent_error: str) -> None:
    message = "途中で失敗しました。（エージェントより）"
    reply = sse_reply({"type": "text", "text": "途中まで"}, {"type": "error", "code": agent_error, "message": message})
    chat = stub.ask("/chat", reply)
    assert chat.json() == {"error": {"code": agent_error, "message": message}}  # /chat: nothing was sent yet
    stream = stub.ask("/chat/stream", reply)
    assert stream.status_code == 200
    events = sse_events(stream.text)
    assert events == [
        {"type": "text", "text": "途中まで"},
        {"type": "error", "code": agent_error, "message": message},
    ]
    for event in events:
        openapi.check_stream_event(event)


@pytest.mark.parametrize(
    ("exception", "http_status", "status", "code"),
    [
        ("ThrottlingException", 429, 429, "throttled"),
        ("ServiceQuotaExceededException", 402, 429, "throttled"),
        ("ValidationException", 400, 503, "agent_unavailable"),
        ("AccessDeniedException", 403, 503, "agent_unavailable"),
        ("ResourceNotFoundException", 404, 503, "agent_unavailable"),
        ("RetryableConflictException", 409, 503, "agent_unavailable"),
        ("RuntimeClientError", 424, 503, "agent_unavailable"),
        ("InternalServerException", 500, 503, "agent_unavailable"),
    ],
)
def test_modeled_exceptions(
    stub: Stubbed,
    openapi: Any,
    capsys: pytest.CaptureFixture[str],
    exception: str,
    http_status: int,
    status: int,
    code: str,
) -> None:
    error: dict[str, Any] = {
        "service_error_code": exception,
        "service_message": "arn:aws:iam::123456789012:role/secret-internal-detail",
        "http_status_code": http_status,
    }
    chat = stub.ask("/chat", **error)
    assert (chat.status_code, chat.json()["error"]["code"]) == (status, code)
    assert "secret-internal-detail" not in chat.text  # AWS error text never reaches users
    openapi.check("/chat", "post", status, chat.json())
    if status == 429:
        assert int(chat.headers["Retry-After"]) >= 1
    same_answer(chat, stub.ask("/chat/stream", **error))
    log = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["route"], r["status"]) for r in log] == [("/chat", status), ("/chat/stream", status)]
    assert all(exception in record["detail"] for record in log)
    assert "secret-internal-detail" not in json.dumps(log)


def test_throttling_retry_after_from_aws_is_passed_on(stub: Stubbed) -> None:
    error: dict[str, Any] = {"service_error_code": "ThrottlingException", "http_status_code": 429}
    meta = {"HTTPHeaders": {"retry-after": "12"}}
    chat = stub.ask("/chat", **error, response_meta=meta)
    assert (chat.status_code, chat.headers["Retry-After"]) == (429, "12")
    same_answer(chat, stub.ask("/chat/stream", **error, response_meta=meta))


def test_read_timeout_while_reading_the_body_is_504(stub: Stubbed, openapi: Any) -> None:
    class Stalled(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise Urllib3ReadTimeoutError(None, "/runtimes", "Read timed out.")  # type: ignore[arg-type]

    def reply() -> dict[str, Any]:
        return {"response": StreamingBody(Stalled(), 100), "contentType": "application/json", "statusCode": 200}

    chat = stub.ask("/chat", reply)
    assert (chat.status_code, chat.json()["error"]["code"]) == (504, "agent_timeout")
    openapi.check("/chat", "post", 504, chat.json())
    same_answer(chat, stub.ask("/chat/stream", reply))


@pytest.mark.parametrize(
    ("failure", "status", "code"),
    [
        (ReadTimeoutError(endpoint_url="https://bedrock-agentcore"), 504, "agent_timeout"),
        (EndpointConnectionError(endpoint_url="https://bedrock-agentcore"), 503, "agent_unavailable"),
    ],
)
def test_transport_failures_before_a_response(failure: Exception, status: int, code: str) -> None:
    client = boto_client()

    def fail(**_: Any) -> None:
        raise failure

    client.meta.events.register("before-send.bedrock-agentcore.InvokeAgentRuntime", fail)
    app = create_app(ArnAgentClient(ARN, boto_client=client))
    chat = post(app, "/chat", chat_body())
    assert (chat.status_code, chat.json()["error"]["code"]) == (status, code)
    same_answer(chat, post(app, "/chat/stream", chat_body()))


@pytest.mark.parametrize(
    "raw",
    [b"<html>502 Bad Gateway</html>", b'{"unexpected": true}', b'{"error": "Invalid JSON", "details": "x"}'],
)
def test_malformed_agent_answers_are_503(stub: Stubbed, raw: bytes) -> None:
    def reply() -> dict[str, Any]:
        return {"response": body_of(raw), "contentType": "application/json", "statusCode": 200}

    chat = stub.ask("/chat", reply)
    assert (chat.status_code, chat.json()["error"]["code"]) == (503, "agent_unavailable")
    assert "Invalid JSON" not in chat.json()["error"]["message"]
    same_answer(chat, stub.ask("/chat/stream", reply))


def test_sse_without_done(stub: Stubbed) -> None:
    reply = sse_reply({"type": "text", "text": "途中で切れた"})
    chat = stub.ask("/chat", reply)
    assert (chat.status_code, chat.json()["error"]["code"]) == (503, "agent_unavailable")
    events = sse_events(stub.ask("/chat/stream", reply).text)
    assert events[0] == {"type": "text", "text": "途中で切れた"}
    assert events[-1]["type"] == "error" and events[-1]["code"] == "agent_unavailable"
