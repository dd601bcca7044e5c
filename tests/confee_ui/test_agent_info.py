"""Sidebar texts: settings for the in-process agent, the last reply's meta for remote ones."""

from __future__ import annotations

from agent.config import Settings
from confee_ui.agent_info import UNKNOWN, describe_agent


def test_local_target_reads_settings() -> None:
    info = describe_agent("local", "", {}, Settings(model="offline", events="auto"))
    assert info.is_sample
    assert info.model.startswith("オフラインモデル")
    assert info.source.startswith("サンプルカタログ")
    assert info.target == "プロセス内のエージェント"  # fallback when the client has no label


def test_local_target_with_bedrock_and_connpass() -> None:
    settings = Settings(model="bedrock", events="connpass", connpass_api_key="k")
    info = describe_agent("local", "", {"model": "offline", "source": "sample"}, settings)
    assert info.model == "Amazon Bedrock（apac.amazon.nova-micro-v1:0）"
    assert info.source == "connpass API v2"
    assert not info.is_sample


def test_remote_target_is_unknown_until_first_reply() -> None:
    info = describe_agent("http", "エージェントサーバー http://127.0.0.1:8080", {}, None)
    assert (info.model, info.source, info.is_sample) == (UNKNOWN, UNKNOWN, False)
    assert info.target == "エージェントサーバー http://127.0.0.1:8080"


def test_remote_target_uses_meta() -> None:
    info = describe_agent(
        "arn", "arn:aws:bedrock-agentcore:ap-northeast-1:123:runtime/x", {"model": "bedrock", "source": "sample"}, None
    )
    assert info.model == "Amazon Bedrock"
    assert info.is_sample


def test_local_mirror_shows_what_answered_last() -> None:
    settings = Settings(events="mirror", mirror_uri="/tmp/mirror")
    assert describe_agent("local", "", {}, settings).source.startswith("イベントミラー")
    assert describe_agent("local", "", {"source": "connpass"}, settings).source == "connpass API v2"
