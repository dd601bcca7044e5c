"""Issue 12: one question is one trace. The Chat API hands its X-Ray trace to ``invoke_agent_runtime``.

AgentCore is faked at the boundary with botocore's ``Stubber`` on a real ``bedrock-agentcore`` client: botocore
validates the parameter names against its service model (an unknown one fails; it does not check the 128
characters ``traceId`` may have, so ``proxy/client/tracing.py`` does) before the Stubber compares them with
the expected ones exactly, so "omitted" is checked as strictly as "sent". The wire form (the
``X-Amzn-Trace-Id`` and ``traceparent`` headers) is checked against the local HTTP fake in test_arn_transport.py.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.response import StreamingBody
from botocore.stub import Stubber

from proxy.app import create_app
from proxy.client.arn_transport import ArnAgentClient
from proxy.client.tracing import TRACE_ENV, current_trace_header, trace_params, traced
from tests.proxy.api import QUESTION, ROUTES, SESSION, chat_body, post, sse_events

ARN = "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-AbCdEf1234"
#: What the Lambda Web Adapter sends as ``x-amzn-trace-id``: the invocation's trace, parent = the function segment.
TRACE = "Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1"
TRACE_PARENT = "00-67a1b2c30123456789abcdef01234567-53995c3f42cd8ad8-01"
ANSWER = {"response": "回答", "session_id": SESSION, "events": [], "meta": {"model": "offline", "source": "sample"}}


@pytest.fixture(autouse=True)
def _no_lambda_trace(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TRACE_ENV, raising=False)


@pytest.fixture
def stubbed() -> Iterator[tuple[Stubber, Any]]:
    client = boto3.client(
        "bedrock-agentcore", region_name="ap-northeast-1", config=Config(retries={"total_max_attempts": 1})
    )
    with Stubber(client) as stubber:
        yield stubber, client
        stubber.assert_no_pending_responses()


def expect_call(stubber: Stubber, *, stream: bool, **trace: str) -> None:
    """One AgentCore answer, for a call with exactly these parameters (``trace``: the trace ones, if any)."""
    payload = json.dumps({"prompt": QUESTION, "turn": 0, "stream": stream}, ensure_ascii=False).encode()
    params = {
        "agentRuntimeArn": ARN,
        "runtimeSessionId": SESSION,
        "payload": payload,
        "contentType": "application/json",
        "accept": "text/event-stream" if stream else "application/json",
        **trace,
    }
    if stream:
        raw = f"data: {json.dumps({'type': 'done', **ANSWER}, ensure_ascii=False)}\n\n".encode()
        content_type = "text/event-stream"
    else:
        raw, content_type = json.dumps(ANSWER, ensure_ascii=False).encode(), "application/json"
    reply = {"response": StreamingBody(io.BytesIO(raw), len(raw)), "contentType": content_type, "statusCode": 200}
    stubber.add_response("invoke_agent_runtime", reply, params)


def test_trace_parameters_of_an_xray_header() -> None:
    assert trace_params(TRACE) == {"traceId": TRACE, "traceParent": TRACE_PARENT}
    unsampled = "Root=1-67a1b2c3-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=0"
    assert trace_params(unsampled)["traceParent"].endswith("-00")
    no_parent = "Root=1-67a1b2c3-0123456789abcdef01234567;Sampled=1"
    assert trace_params(no_parent) == {"traceId": no_parent}  # W3C needs a parent id
    assert trace_params(None) == {}


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "not-a-trace",
        "Root=1-xyz;Parent=53995c3f42cd8ad8",
        TRACE + ";Lineage=" + "a" * 128,  # over the 128 characters the API takes
        TRACE + "\r\nX-Evil: 1",
    ],
)
def test_malformed_or_missing_trace_is_not_sent(header: str | None) -> None:
    with traced(header):
        assert current_trace_header() is None


def test_lambdas_own_trace_variable_is_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TRACE_ENV, TRACE)
    assert current_trace_header() == TRACE
    other = "Root=1-67a1b2c4-0123456789abcdef01234567;Parent=1111111111111111;Sampled=1"
    with traced(other):  # the request's trace (the adapter's header) wins
        assert current_trace_header() == other


@pytest.mark.parametrize("stream", [False, True])
def test_client_sends_the_trace_when_there_is_one_and_omits_it_otherwise(
    stubbed: tuple[Stubber, Any], stream: bool
) -> None:
    stubber, boto = stubbed
    client = ArnAgentClient(ARN, boto_client=boto)
    expect_call(stubber, stream=stream, traceId=TRACE, traceParent=TRACE_PARENT)
    expect_call(stubber, stream=stream)
    for trace in (TRACE, None):
        with traced(trace):
            if stream:
                answer = client.stream(SESSION, QUESTION)
            else:
                assert client.invoke(SESSION, QUESTION).response == "回答"
        if stream:  # read outside the block, as the Chat API reads it in another thread
            assert [event["type"] for event in answer] == ["done"]


@pytest.mark.parametrize("route", ROUTES)
def test_chat_api_passes_the_adapters_trace_header_on(stubbed: tuple[Stubber, Any], route: str) -> None:
    stubber, boto = stubbed
    app = create_app(ArnAgentClient(ARN, boto_client=boto))
    stream = route == "/chat/stream"
    expect_call(stubber, stream=stream, traceId=TRACE, traceParent=TRACE_PARENT)
    expect_call(stubber, stream=stream)
    for headers in ({"x-amzn-trace-id": TRACE}, {}):
        response = post(app, route, chat_body(), headers)
        assert response.status_code == 200
        if stream:
            assert sse_events(response.text)[-1]["type"] == "done"
        else:
            assert response.json()["response"] == "回答"
