"""The Bedrock path end to end: ChatService → Strands BedrockModel → botocore → a local fake of ConverseStream.

AWS is faked only at its HTTP boundary (tests/fixtures/fake_bedrock.py); signing, the event-stream parser,
the Strands tool loop, the search tool and the sample catalogue are all real.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import urllib.parse
from typing import Any

import httpx
import pytest

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.models.bedrock import bedrock_model
from agent.runtime.server import create_app
from agent.runtime.service import MODEL_ATTEMPTS, TURN_TIMEOUT_SECONDS, ChatService
from agent.sources.sample import SampleCatalogue
from tests.fixtures.fake_bedrock import FakeBedrock, http_error, text_reply, tool_reply
from tests.fixtures.uvicorn_server import serve_asgi

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
SESSION = "bedrock-session-" + "0" * 24


@pytest.fixture(autouse=True)
def dummy_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)


def script(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """First call: think aloud, then search. Second call: recommend the first event the tool returned."""
    last = body["messages"][-1]["content"]
    results = [block["toolResult"] for block in last if "toolResult" in block]
    if not results:
        return tool_reply(
            "t-1", "search_connpass", {"keywords": ["TypeScript"]}, preamble="<thinking>検索しよう</thinking>"
        )
    data = json.loads(results[0]["content"][0]["text"])
    first = data["events"][0]
    card = f"### [{first['title']}]({first['url']})\n- 📅 {first['date']}"
    return text_reply(f"<thinking>1件目が良い</thinking>見つかりました。\n\n{card}")


def test_bedrock_model_runs_the_tool_loop_with_greedy_decoding() -> None:
    settings = Settings(model="bedrock", region="ap-northeast-1")
    with FakeBedrock(script).running() as fake:
        model = bedrock_model(settings, endpoint_url=fake.url, retries={"total_max_attempts": 1})
        service = ChatService(settings, SampleCatalogue(), model, clock=fixed_clock(NOW), model_attempts=1)
        try:
            body = service.invoke(SESSION, {"prompt": "TypeScriptのカンファレンスある？"})
        finally:
            service.close()

    assert "error" not in body, body
    assert "<thinking>" not in body["response"] and "検索しよう" not in body["response"]
    assert body["response"].startswith("見つかりました。")
    assert len(body["events"]) == 1 and body["events"][0]["url"] in body["response"]
    assert (body["meta"]["model"], body["meta"]["source"]) == ("bedrock", "sample")
    # Token figures as Bedrock reported them (the fake's metadata: 10 in, 10 out per call), per call and per turn.
    calls = body["meta"]["trace"]["model_calls"]
    assert [(c["input_tokens"], c["output_tokens"], c["stop_reason"]) for c in calls] == [
        (10, 10, "tool_use"),
        (10, 10, "end_turn"),
    ]
    assert body["meta"]["usage"] == {"model_calls": 2, "input_tokens": 20, "output_tokens": 20}

    (path, first), (_, second) = fake.requests
    assert urllib.parse.unquote(path) == "/model/apac.amazon.nova-micro-v1:0/converse-stream"
    assert first["inferenceConfig"]["temperature"] == 0
    assert first["additionalModelRequestFields"] == {"inferenceConfig": {"topK": 1}}
    assert "2026年11月24日(火)" in first["system"][0]["text"]
    assert first["toolConfig"]["tools"][0]["toolSpec"]["name"] == "search_connpass"
    tool_result = second["messages"][-1]["content"][0]["toolResult"]
    assert "<" not in tool_result["content"][0]["text"]  # compact, HTML-free data reaches the model


def bedrock_service(fake: FakeBedrock) -> ChatService:
    settings = Settings(model="bedrock", region="ap-northeast-1")
    model = bedrock_model(settings, endpoint_url=fake.url, retries={"total_max_attempts": 1})
    return ChatService(settings, SampleCatalogue(), model, clock=fixed_clock(NOW), model_attempts=1)


def test_bedrock_answer_streams_as_sse_through_the_agentcore_app() -> None:
    with FakeBedrock(script).running() as fake:
        service = bedrock_service(fake)
        try:
            with serve_asgi(create_app(service)) as url:
                payload = {"prompt": "TypeScriptのカンファレンスある？", "stream": True}
                headers = {"X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": SESSION}
                with httpx.stream("POST", f"{url}/invocations", json=payload, headers=headers, timeout=30) as answer:
                    lines = [line[6:] for line in answer.iter_lines() if line.startswith("data: ")]
        finally:
            service.close()
    events = [json.loads(line) for line in lines]
    text = "".join(e["text"] for e in events if e["type"] == "text")
    assert sum(e["type"] == "text" for e in events) > 1
    assert text.startswith("見つかりました。") and "thinking" not in text
    assert events[-1]["type"] == "done" and events[-1]["events"][0]["url"] in text


def test_bedrock_throttling_in_the_stream_is_a_throttled_error() -> None:
    def throttled(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
        return [("!throttlingException", {"message": "Too many requests, please wait before trying again."})]

    with FakeBedrock(throttled).running() as fake:
        service = bedrock_service(fake)
        try:
            body = service.invoke(SESSION, {"prompt": "Rustの勉強会は？"})
        finally:
            service.close()
    assert body["error"]["code"] == "throttled"
    assert "混み合って" in body["error"]["message"]


def test_missing_aws_credentials_is_a_clear_set_up_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with FakeBedrock(script).running() as fake:
        service = bedrock_service(fake)
        try:
            body = service.invoke(SESSION, {"prompt": "Rustの勉強会は？"})
        finally:
            service.close()
    assert body["error"]["code"] == "agent_unavailable"
    assert "認証情報" in body["error"]["message"] and "CONFEE_MODEL=offline" in body["error"]["message"]
    assert fake.requests == []  # nothing unsigned ever left


@pytest.mark.parametrize(
    "throttle",
    [
        pytest.param(lambda body: http_error(429, "ThrottlingException", "Too many requests"), id="http-429"),
        pytest.param(lambda body: [("!throttlingException", {"message": "Too many requests"})], id="in-stream"),
    ],
)
def test_production_retry_setting_makes_model_attempts_calls_per_step_within_the_budget(throttle: Any) -> None:
    """Issue 12: botocore x Strands retries multiplied to 9 calls a step. Only Strands retries now (3 calls)."""
    settings = Settings(model="bedrock", region="ap-northeast-1")
    with FakeBedrock(throttle).running() as fake:
        model = bedrock_model(settings, endpoint_url=fake.url)  # production botocore retries
        service = ChatService(settings, SampleCatalogue(), model, clock=fixed_clock(NOW))  # production attempts
        try:
            started = time.monotonic()
            body = service.invoke(SESSION, {"prompt": "Rustの勉強会は？"})
            elapsed = time.monotonic() - started
        finally:
            service.close()
    assert body["error"]["code"] == "throttled"
    assert MODEL_ATTEMPTS == 3
    assert len(fake.requests) == MODEL_ATTEMPTS
    assert elapsed < TURN_TIMEOUT_SECONDS / 4  # 1 s + 2 s of backoff
