"""The ARN transport and the Chat Lambda's production path: real boto3 → fake AgentCore → real agent server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from proxy.agent_client import AgentError, client_from_target, new_session_id
from proxy.app import create_app
from tests.fixtures.fake_agentcore import ARN, MODELED_ERRORS, FakeAgentCore
from tests.proxy.api import ROUTES, chat_body, post, sse_events

QUESTION = "TypeScriptのカンファレンスある？"

EXPECTED: dict[str, tuple[str, int]] = {
    "ThrottlingException": ("throttled", 429),
    "ServiceQuotaExceededException": ("throttled", 429),
    "ValidationException": ("agent_unavailable", 503),  # the request was valid: a misconfiguration, not the user
    "AccessDeniedException": ("agent_unavailable", 503),
    "ResourceNotFoundException": ("agent_unavailable", 503),
    "RetryableConflictException": ("agent_unavailable", 503),
    "RuntimeClientError": ("agent_unavailable", 503),
    "InternalServerException": ("agent_unavailable", 503),
}


@pytest.fixture(scope="module")
def fake_service(agent_server_url: str) -> Iterator[FakeAgentCore]:
    with FakeAgentCore(agent_server_url) as service:
        yield service


@pytest.fixture
def fake(fake_service: FakeAgentCore) -> FakeAgentCore:
    fake_service.reset()
    return fake_service


def arn_client(fake: FakeAgentCore, timeout: float = 10.0) -> Any:
    return client_from_target(ARN, timeout=timeout, boto_client=fake.boto_client(read_timeout=timeout))


def test_every_modeled_exception_is_covered() -> None:
    assert set(EXPECTED) == set(MODELED_ERRORS)


def test_invoke_json_through_signed_boto3(fake: FakeAgentCore) -> None:
    sid = new_session_id()
    reply = arn_client(fake).invoke(sid, f"  {QUESTION}  ")
    assert reply.session_id == sid and reply.response.strip()
    assert (reply.meta["model"], reply.meta["source"]) == ("offline", "sample")
    sent = fake.requests[-1]
    assert sent.arn == ARN
    assert sent.headers["X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"] == sid
    assert sent.headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=test/")
    assert "/bedrock-agentcore/aws4_request" in sent.headers["Authorization"]
    assert json.loads(sent.body) == {"prompt": QUESTION, "turn": 0, "stream": False}
    assert sent.headers["amz-sdk-request"].endswith("max=1")  # no botocore retries


def test_stream_sse_through_boto3(fake: FakeAgentCore) -> None:
    """Deltas reach the caller as the agent writes them (the offline model paces its deltas)."""
    client = arn_client(fake)
    sid = new_session_id()
    started = time.monotonic()
    events, arrived = [], []
    for item in client.stream(sid, QUESTION):
        events.append(item)
        arrived.append(time.monotonic() - started)
    assert arrived[0] < arrived[-1] / 2  # not buffered until the end
    assert [e["type"] for e in events].count("text") >= 2
    assert events[-1]["type"] == "done" and events[-1]["session_id"] == sid
    assert json.loads(fake.requests[-1].body)["stream"] is True
    streamed = "".join(e["text"] for e in events if e["type"] == "text")
    assert streamed == client.invoke(new_session_id(), QUESTION).response


def test_context_survives_across_turns_and_expires_without_it(fake: FakeAgentCore) -> None:
    client = arn_client(fake)
    sid = new_session_id()
    client.invoke(sid, QUESTION)
    assert client.invoke(sid, "大阪だと？", 1).response.strip()
    with pytest.raises(AgentError) as caught:
        client.invoke(new_session_id(), "大阪だと？", 1)
    assert caught.value.code == "session_expired"


@pytest.mark.parametrize("exception", sorted(EXPECTED))
@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_modeled_exceptions(fake: FakeAgentCore, exception: str, mode: str) -> None:
    fake.fail_next(exception)
    client = arn_client(fake)
    with pytest.raises(AgentError) as caught:
        if mode == "invoke":
            client.invoke(new_session_id(), QUESTION)
        else:
            list(client.stream(new_session_id(), QUESTION))
    assert (caught.value.code, caught.value.status) == EXPECTED[exception]
    assert len(fake.requests) == 1  # tried once: a retried turn would run twice


def test_read_timeout_is_agent_timeout(fake: FakeAgentCore) -> None:
    fake.stall_next(5, times=2)
    client = arn_client(fake, timeout=0.5)
    with pytest.raises(AgentError) as caught:
        client.invoke(new_session_id(), QUESTION)
    assert (caught.value.code, caught.value.status) == ("agent_timeout", 504)
    with pytest.raises(AgentError) as streamed:
        list(client.stream(new_session_id(), QUESTION))
    assert streamed.value.code == "agent_timeout"


def test_agent_error_status_becomes_runtime_client_error(fake: FakeAgentCore) -> None:
    """Like AgentCore, the fake turns a container 4xx into RuntimeClientError (hence in-band error objects)."""
    from botocore.exceptions import ClientError

    from proxy.client.arn_transport import translate_boto_error

    with pytest.raises(ClientError) as caught:
        fake.boto_client().invoke_agent_runtime(agentRuntimeArn=ARN, runtimeSessionId=new_session_id(), payload=b"{")
    assert caught.value.response["Error"]["Code"] == "RuntimeClientError"
    assert translate_boto_error(caught.value).code == "agent_unavailable"


# -- the Chat Lambda's app, its boto3 client configured only through the environment -----------------------------


@pytest.fixture
def lambda_env(fake: FakeAgentCore, monkeypatch: pytest.MonkeyPatch) -> FakeAgentCore:
    monkeypatch.setenv("AGENT_RUNTIME_ARN", ARN)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", fake.endpoint_url)
    return fake


def test_lambda_answers_two_turns(lambda_env: FakeAgentCore, openapi: Any) -> None:
    app = create_app()
    first = post(app, "/chat", chat_body(QUESTION))
    assert first.status_code == 200, first.text
    openapi.check("/chat", "post", 200, first.json())
    session = first.json()["session_id"]
    second = post(app, "/chat/stream", chat_body("大阪だと？", session_id=session, turn=1))
    assert second.status_code == 200
    events = sse_events(second.text)
    assert events[-1]["type"] == "done" and events[-1]["session_id"] == session
    assert [r.arn for r in lambda_env.requests] == [ARN, ARN]
    assert {r.headers["X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"] for r in lambda_env.requests} == {session}
    assert [json.loads(r.body)["stream"] for r in lambda_env.requests] == [False, True]


@pytest.mark.parametrize("route", ROUTES)
def test_lambda_continues_the_adapters_trace_on_the_wire(
    lambda_env: FakeAgentCore, monkeypatch: pytest.MonkeyPatch, route: str
) -> None:
    """Issue 12: one question is one trace (the Stubber version: test_trace_propagation.py)."""
    monkeypatch.delenv("_X_AMZN_TRACE_ID", raising=False)
    trace = "Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
    app = create_app()
    assert post(app, route, chat_body(QUESTION), {"x-amzn-trace-id": trace}).status_code == 200
    assert post(app, route, chat_body(QUESTION, session_id=new_session_id())).status_code == 200
    traced, untraced = ({k.lower(): v for k, v in r.headers.items()} for r in lambda_env.requests)
    assert traced["x-amzn-trace-id"] == trace
    assert traced["traceparent"] == "00-67a1b2c30123456789abcdef01234567-53995c3f42cd8ad8-01"
    assert not {"x-amzn-trace-id", "traceparent", "tracestate", "baggage"} & set(untraced)


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("exception", sorted(EXPECTED))
def test_lambda_maps_each_modeled_exception(
    lambda_env: FakeAgentCore, openapi: Any, exception: str, route: str
) -> None:
    lambda_env.fail_next(exception)
    result = post(create_app(), route, chat_body())
    code, status = EXPECTED[exception]
    assert (result.status_code, result.json()["error"]["code"]) == (status, code)
    openapi.check(route, "post", status, result.json())
    assert ("Retry-After" in result.headers) == (status == 429)


@pytest.mark.parametrize("route", ROUTES)
def test_lambda_expired_session_is_408(lambda_env: FakeAgentCore, openapi: Any, route: str) -> None:
    result = post(create_app(), route, chat_body("大阪だと？", turn=1, session_id=new_session_id()))
    assert (result.status_code, result.json()["error"]["code"]) == (408, "session_expired")
    openapi.check(route, "post", 408, result.json())


@pytest.mark.parametrize("route", ROUTES)
def test_lambda_read_timeout_is_504(
    lambda_env: FakeAgentCore, monkeypatch: pytest.MonkeyPatch, openapi: Any, route: str
) -> None:
    monkeypatch.setenv("AGENT_TIMEOUT_SECONDS", "0.5")
    lambda_env.stall_next(5)
    result = post(create_app(), route, chat_body())
    assert (result.status_code, result.json()["error"]["code"]) == (504, "agent_timeout")
    openapi.check(route, "post", 504, result.json())


@pytest.mark.parametrize("route", ROUTES)
def test_lambda_budget_holds_when_the_body_stalls_after_late_headers(
    headers_then_stall: str, monkeypatch: pytest.MonkeyPatch, openapi: Any, route: str
) -> None:
    """botocore's read timeout restarts per socket read; the Lambda must still answer within its budget."""
    budget = 1.0
    monkeypatch.setenv("AGENT_RUNTIME_ARN", ARN)
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", headers_then_stall)
    monkeypatch.setenv("AGENT_TIMEOUT_SECONDS", str(budget))
    started = time.monotonic()
    result = post(create_app(), route, chat_body())
    elapsed = time.monotonic() - started
    assert (result.status_code, result.json()["error"]["code"]) == (504, "agent_timeout")
    openapi.check(route, "post", 504, result.json())
    assert elapsed < budget + 0.5  # not late headers (0.8 s) + a whole fresh read timeout (1 s)
