"""The Chat Lambda over every row of Contract 2, with botocore's Stubber standing in for AgentCore."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError, ReadTimeoutError
from botocore.response import StreamingBody
from botocore.stub import Stubber
from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeoutError

from proxy.client.arn_transport import ArnAgentClient
from proxy.client.errors import AgentError
from proxy.handlers import chat
from tests.proxy.apigw import SESSION, call, chat_body, event

ARN = "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-AbCdEf1234"
ANSWER = {
    "response": "## TypeScript のイベント\n- [TSKaigi サンプル](https://example.com/e/1)",
    "session_id": SESSION,
    "events": [{"id": 1, "title": "TSKaigi サンプル", "url": "https://example.com/e/1"}],
    "meta": {"model": "offline", "source": "sample"},
}


def boto_client() -> Any:
    config = Config(retries={"total_max_attempts": 1, "mode": "standard"}, read_timeout=5)
    return boto3.client("bedrock-agentcore", region_name="ap-northeast-1", config=config)


@pytest.fixture
def stub() -> Iterator[Stubber]:
    client = boto_client()
    with Stubber(client) as stubber:
        chat.use_client(ArnAgentClient(ARN, boto_client=client))
        yield stubber
        stubber.assert_no_pending_responses()


def body_of(raw: bytes) -> StreamingBody:
    return StreamingBody(io.BytesIO(raw), len(raw))


def json_reply(obj: Any) -> dict[str, Any]:
    raw = json.dumps(obj, ensure_ascii=False).encode()
    return {"response": body_of(raw), "contentType": "application/json", "statusCode": 200, "runtimeSessionId": SESSION}


def sse_reply(*objects: Any) -> dict[str, Any]:
    raw = b"".join(f"data: {json.dumps(o, ensure_ascii=False)}\n\n".encode() for o in objects)
    return {
        "response": body_of(raw),
        "contentType": "text/event-stream; charset=utf-8",
        "statusCode": 200,
        "runtimeSessionId": SESSION,
    }


def expected_params(message: str = "TypeScriptのカンファレンスある？", turn: int = 0) -> dict[str, Any]:
    payload = json.dumps({"prompt": message, "turn": turn, "stream": False}, ensure_ascii=False).encode()
    return {
        "agentRuntimeArn": ARN,
        "runtimeSessionId": SESSION,
        "payload": payload,
        "contentType": "application/json",
        "accept": "application/json",
    }


def test_answer_from_json_body(stub: Stubber, openapi: Any) -> None:
    stub.add_response("invoke_agent_runtime", json_reply(ANSWER), expected_params(turn=2))
    result = call(chat.handler, event(chat_body("  TypeScriptのカンファレンスある？ \n", turn=2)))
    assert result.status == 200
    assert result.body == ANSWER
    assert result.headers["Content-Type"] == "application/json; charset=utf-8"
    assert "Access-Control-Allow-Origin" not in result.headers
    openapi.check("/chat", "post", 200, result.body)


def test_answer_from_sse_body(stub: Stubber, openapi: Any) -> None:
    stub.add_response(
        "invoke_agent_runtime",
        sse_reply(
            {"type": "text", "text": "## TypeScript"},
            {"type": "text", "text": " のイベント"},
            {"type": "done", "session_id": SESSION, "events": ANSWER["events"], "meta": ANSWER["meta"]},
        ),
        expected_params(),
    )
    result = call(chat.handler, event(chat_body()))
    assert result.status == 200
    assert result.body["response"] == "## TypeScript のイベント"
    assert result.body["events"] == ANSWER["events"]
    openapi.check("/chat", "post", 200, result.body)


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
def test_agent_error_objects_map_to_their_status(
    stub: Stubber, openapi: Any, agent_error: str, status: int, form: str
) -> None:
    message = "会話の有効期限が切れました。（エージェントより）"
    if form == "json":
        reply = json_reply({"error": {"code": agent_error, "message": message}})
    else:
        reply = sse_reply(
            {"type": "text", "text": "途中まで"}, {"type": "error", "code": agent_error, "message": message}
        )
    stub.add_response("invoke_agent_runtime", reply, expected_params())
    result = call(chat.handler, event(chat_body()))
    assert result.status == status
    assert result.body == {"error": {"code": agent_error, "message": message}}
    assert ("Retry-After" in result.headers) == (status == 429)
    openapi.check("/chat", "post", status, result.body)


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
    stub: Stubber,
    openapi: Any,
    capsys: pytest.CaptureFixture[str],
    exception: str,
    http_status: int,
    status: int,
    code: str,
) -> None:
    stub.add_client_error(
        "invoke_agent_runtime",
        service_error_code=exception,
        service_message="arn:aws:iam::123456789012:role/secret-internal-detail",
        http_status_code=http_status,
        expected_params=expected_params(),
    )
    result = call(chat.handler, event(chat_body()))
    assert result.status == status
    assert result.body["error"]["code"] == code
    assert "secret-internal-detail" not in json.dumps(result.body)  # AWS error text never reaches users
    openapi.check("/chat", "post", status, result.body)
    if status == 429:
        assert int(result.headers["Retry-After"]) >= 1
    log = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert log[-1]["status"] == status and exception in log[-1]["detail"]


def test_throttling_retry_after_from_aws_is_passed_on(stub: Stubber) -> None:
    stub.add_client_error(
        "invoke_agent_runtime",
        service_error_code="ThrottlingException",
        http_status_code=429,
        response_meta={"HTTPHeaders": {"retry-after": "12"}},
    )
    result = call(chat.handler, event(chat_body()))
    assert (result.status, result.headers["Retry-After"]) == (429, "12")


def test_read_timeout_while_reading_the_body_is_504(stub: Stubber, openapi: Any) -> None:
    class Stalled(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise Urllib3ReadTimeoutError(None, "/runtimes", "Read timed out.")  # type: ignore[arg-type]

    reply = {"response": StreamingBody(Stalled(), 100), "contentType": "application/json", "statusCode": 200}
    stub.add_response("invoke_agent_runtime", reply, expected_params())
    result = call(chat.handler, event(chat_body()))
    assert result.status == 504
    assert result.body["error"]["code"] == "agent_timeout"
    openapi.check("/chat", "post", 504, result.body)


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
    chat.use_client(ArnAgentClient(ARN, boto_client=client))
    result = call(chat.handler, event(chat_body()))
    assert (result.status, result.body["error"]["code"]) == (status, code)


@pytest.mark.parametrize(
    "raw",
    [b"<html>502 Bad Gateway</html>", b'{"unexpected": true}', b'{"error": "Invalid JSON", "details": "x"}'],
)
def test_malformed_agent_answers_are_503(stub: Stubber, raw: bytes) -> None:
    reply = {"response": body_of(raw), "contentType": "application/json", "statusCode": 200}
    stub.add_response("invoke_agent_runtime", reply, expected_params())
    result = call(chat.handler, event(chat_body()))
    assert (result.status, result.body["error"]["code"]) == (503, "agent_unavailable")
    assert "Invalid JSON" not in result.body["error"]["message"]


def test_sse_without_done_is_503(stub: Stubber) -> None:
    stub.add_response("invoke_agent_runtime", sse_reply({"type": "text", "text": "途中で切れた"}), expected_params())
    result = call(chat.handler, event(chat_body()))
    assert (result.status, result.body["error"]["code"]) == (503, "agent_unavailable")


def test_unexpected_bug_is_503_without_a_stack_trace(capsys: pytest.CaptureFixture[str]) -> None:
    class Broken:
        target, label = "local", "broken"

        def invoke(self, *args: Any) -> Any:
            raise KeyError("boom-internal")

    chat.use_client(Broken())  # type: ignore[arg-type]
    result = call(chat.handler, event(chat_body()))
    assert (result.status, result.body["error"]["code"]) == (503, "agent_unavailable")
    assert "boom" not in json.dumps(result.body) and "Traceback" not in json.dumps(result.body)
    record = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert record["level"] == "ERROR" and record["exception"] == "KeyError"


def test_fractional_retry_after_is_rounded_up() -> None:
    class Throttled:
        target, label = "local", "throttled"

        def invoke(self, *args: Any) -> Any:
            raise AgentError("throttled", retry_after=4.2)

    chat.use_client(Throttled())  # type: ignore[arg-type]
    result = call(chat.handler, event(chat_body()))
    assert (result.status, result.headers["Retry-After"]) == (429, "5")  # waiting 4 s would be too early


def test_base64_body_is_accepted(stub: Stubber) -> None:
    stub.add_response("invoke_agent_runtime", json_reply(ANSWER), expected_params())
    raw = base64.b64encode(json.dumps(chat_body(), ensure_ascii=False).encode()).decode()
    result = call(chat.handler, event(raw=raw, b64=True))
    assert result.status == 200


def test_logs_are_json_with_request_id_and_no_message_text(stub: Stubber, capsys: pytest.CaptureFixture[str]) -> None:
    stub.add_response("invoke_agent_runtime", json_reply(ANSWER), expected_params("秘密の質問テキスト"))

    class Ctx:
        aws_request_id = "lambda-request-123"

    chat.handler(event(chat_body("秘密の質問テキスト")), Ctx())
    out = capsys.readouterr().out
    assert "秘密の質問テキスト" not in out
    record = json.loads(out.splitlines()[-1])
    assert record["request_id"] == "lambda-request-123"
    assert record["status"] == 200 and record["message_chars"] == len("秘密の質問テキスト")
    assert record["session_id"] == SESSION and record["level"] == "INFO"


def test_client_is_built_from_agent_runtime_arn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_RUNTIME_ARN", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/other-XyZ123")
    monkeypatch.setenv("AGENT_TIMEOUT_SECONDS", "60")
    first = chat.get_client()
    assert isinstance(first, ArnAgentClient)
    assert first.region == "us-west-2"
    assert chat.get_client() is first
    boto = first.boto_client()
    assert boto.meta.region_name == "us-west-2"
    assert boto.meta.config.read_timeout == chat.MAX_TIMEOUT_SECONDS  # clamped below API Gateway's 29 s
    assert boto.meta.config.retries["total_max_attempts"] == 1
    assert first.boto_client() is boto
