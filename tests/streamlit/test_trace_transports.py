"""Contract 1's ``meta.trace`` reaches the workbench through every transport it can use.

- the real agent server (``python -m agent serve``) over HTTP, through ``HttpAgentClient``;
- a deployed runtime's path: real boto3 (SigV4) → the AgentCore fake → the same agent server, through
  ``ArnAgentClient``;
- the Bedrock model path: Strands' ``BedrockModel`` → botocore's event-stream parser → the ConverseStream fake,
  served by the AgentCore app on uvicorn and read over HTTP: the token figures the fake reports arrive per call.

Each trace is then read the way the 「ツール呼び出し」 panel reads it (``confee_ui.trace_view``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.models.bedrock import bedrock_model
from agent.runtime.server import create_app
from agent.runtime.service import ChatService
from agent.sources.sample import SampleCatalogue
from confee_ui import trace_view
from confee_ui.streaming import ReplyStream
from proxy.agent_client import client_from_target, new_session_id
from tests.fixtures.agent_server import running_agent_server
from tests.fixtures.fake_agentcore import ARN, FakeAgentCore
from tests.fixtures.fake_bedrock import FakeBedrock, text_reply, tool_reply
from tests.fixtures.uvicorn_server import serve_asgi

QUESTION = "TypeScriptのカンファレンスある？"
TODAY = "2026-11-24"


@pytest.fixture(scope="module")
def agent_url() -> Iterator[str]:
    """One real agent server for this module: offline model, sample catalogue, today pinned."""
    with running_agent_server({"CONFEE_TODAY": TODAY}) as url:
        yield url


@pytest.fixture
def aws_dummy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }.items():
        monkeypatch.setenv(name, value)


def streamed_meta(client: Any) -> tuple[ReplyStream, dict[str, Any]]:
    """Stream one answer the way the workbench does; return the reply and its ``meta``."""
    reply = ReplyStream(client.stream(new_session_id(), QUESTION))
    assert "".join(reply.text())
    assert reply.done
    return reply, reply.meta


def assert_search_trace(meta: dict[str, Any]) -> None:
    """The offline model's search for the question, as the model sent it, with the queries the source got."""
    assert (meta["model"], meta["source"]) == ("offline", "sample")
    calls = trace_view.tool_calls(meta)
    assert [call["name"] for call in calls] == ["search_connpass"]
    arguments = {row["引数"]: row["値"] for row in trace_view.argument_rows(calls[0])}
    assert arguments["keywords"] == "TypeScript"
    assert "カンファレンス" in arguments["any_keywords"]
    assert calls[0]["summary"] == {
        "source": "sample", "total": 2, "matched": 2, "complete": True, "has_more": False, "shown": 2
    }  # fmt: skip
    queries = [row["送ったクエリ"] for row in trace_view.query_rows(calls[0])]
    assert queries and all(query.startswith("keyword=TypeScript&") for query in queries)
    assert "ymd=20261124" in queries[0]  # the pinned 「今日」 starts the search window
    assert [call["stop_reason"] for call in trace_view.model_calls(meta)] == ["tool_use", "end_turn"]
    usage = meta["usage"]
    assert usage["model_calls"] == 2
    per_call = trace_view.model_calls(meta)
    assert usage["input_tokens"] == sum(call["input_tokens"] for call in per_call)
    assert isinstance(meta["trace"]["total_ms"], int)
    assert "key" not in json.dumps(meta).lower().replace("keyword", "")  # no secrets, only the model's words


def test_trace_arrives_through_the_agent_server(agent_url: str) -> None:
    client = client_from_target(agent_url)
    _, meta = streamed_meta(client)
    assert_search_trace(meta)
    whole = client.invoke(new_session_id(), QUESTION)  # the JSON answer carries the same trace
    assert trace_view.tool_calls(whole.meta)[0]["arguments"] == trace_view.tool_calls(meta)[0]["arguments"]


def test_trace_arrives_through_the_runtime_arn(agent_url: str, aws_dummy: None) -> None:
    with FakeAgentCore(agent_url) as fake:
        client = client_from_target(ARN, boto_client=fake.boto_client(read_timeout=30))
        _, meta = streamed_meta(client)
        assert fake.requests and fake.requests[-1].arn == ARN
    assert_search_trace(meta)


def script(body: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """First call: search. Second call: recommend the first event the tool returned."""
    results = [block["toolResult"] for block in body["messages"][-1]["content"] if "toolResult" in block]
    if not results:
        return tool_reply("t-1", "search_connpass", {"keywords": ["TypeScript"], "any_keywords": ["カンファレンス"]})
    first = json.loads(results[0]["content"][0]["text"])["events"][0]
    return text_reply(f"見つかりました: [{first['title']}]({first['url']})")


def test_bedrock_token_figures_arrive_over_http(aws_dummy: None) -> None:
    settings = Settings(model="bedrock", region="ap-northeast-1")
    now = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
    with FakeBedrock(script).running() as fake:
        model = bedrock_model(settings, endpoint_url=fake.url, retries={"total_max_attempts": 1})
        service = ChatService(settings, SampleCatalogue(), model, clock=fixed_clock(now), model_attempts=1)
        try:
            with serve_asgi(create_app(service)) as url:
                _, meta = streamed_meta(client_from_target(url))
        finally:
            service.close()
    assert meta["model"] == "bedrock"
    # The fake reports 10 input and 10 output tokens per call: the trace keeps them per call, usage per turn.
    assert trace_view.model_rows(meta) == [
        {"#": "1", "所要時間": trace_view.model_rows(meta)[0]["所要時間"], "停止理由": "ツール呼び出し",
         "入力トークン": "10", "出力トークン": "10"},
        {"#": "2", "所要時間": trace_view.model_rows(meta)[1]["所要時間"], "停止理由": "回答完了",
         "入力トークン": "10", "出力トークン": "10"},
    ]  # fmt: skip
    assert meta["usage"] == {"model_calls": 2, "input_tokens": 20, "output_tokens": 20}
    assert trace_view.tool_calls(meta)[0]["arguments"] == {
        "keywords": ["TypeScript"],
        "any_keywords": ["カンファレンス"],
    }
    cost = trace_view.usage_text(meta, "apac.amazon.nova-micro-v1:0")
    assert "推定コスト: $0.0000035" in cost and "見積もり" in cost  # 20 × $0.035 + 20 × $0.14 per million
