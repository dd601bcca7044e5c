"""Sidebar switches without a restart: model, event source, target and 「今日」; what cannot work is shown, not offered.

Every switch is checked end to end: the next question really reaches the new model (the ConverseStream fake),
the new source (the connpass fake), the new target (a real agent server, or boto3 through the AgentCore fake),
or the new date (the queries the search tool sent).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from confee_ui.availability import request_fields_reason
from tests.fixtures.agent_server import running_agent_server
from tests.fixtures.fake_agentcore import ARN, FakeAgentCore
from tests.fixtures.fake_bedrock import FakeBedrock
from tests.fixtures.fake_connpass import FakeConnpass
from tests.streamlit.conftest import TODAY, ask, start_app

HAIKU = "apac.anthropic.claude-haiku-4-5-20251001-v1:0"
NEW_CONVERSATION = "設定を変更したので、新しい会話を始めました"


@pytest.fixture(scope="module")
def agent_url() -> Iterator[str]:
    with running_agent_server({"CONFEE_TODAY": TODAY}) as url:
        yield url


def sidebar_text(at: AppTest) -> str:
    """The sidebar's text with Markdown escapes removed."""
    return "\n".join([m.value for m in at.sidebar.markdown] + [c.value for c in at.sidebar.caption]).replace("\\", "")


def notice(at: AppTest) -> str:
    return at.main.info[0].value if at.main.info else ""


def session_id(at: AppTest) -> str:
    return str(at.session_state["confee_chat"].session_id)


def panel_caption(at: AppTest, bubble: int = 1) -> str:
    panel = next(e for e in at.main.chat_message[bubble].expander if e.label == "ツール呼び出し")
    return str(panel.caption[0].value)


def sent_queries(at: AppTest, bubble: int = 1) -> list[str]:
    panel = next(e for e in at.main.chat_message[bubble].expander if e.label == "ツール呼び出し")
    return [str(row["送ったクエリ"]) for row in panel.tabs[0].table[1].value.to_dict("records")]


def test_without_aws_key_or_mirror_only_what_works_is_offered(workbench: None) -> None:
    at = start_app()
    assert not at.exception
    assert at.sidebar.radio(key="cfg_a_target").options == ["プロセス内", "エージェントサーバー（URL）"]
    model, source = at.sidebar.selectbox(key="cfg_a_model"), at.sidebar.selectbox(key="cfg_a_source")
    assert (model.options, model.disabled) == (["オフラインモデル"], True)  # nothing else works: greyed out
    assert (source.options, source.disabled) == (["サンプルカタログ（架空のイベント）"], True)
    captions = [c.value for c in at.sidebar.caption if c.value.startswith(":material/block:")]
    assert any("AgentCore ランタイム（ARN）" in c and "AWS の認証情報が見つかりません" in c for c in captions)
    assert any("Amazon Nova Micro、Amazon Nova Lite、Amazon Nova Pro、Claude Haiku 4.5" in c for c in captions)
    assert any("connpass API" in c and "CONNPASS\\_API\\_KEY" in c for c in captions)
    assert any("イベントミラー" in c and "CONFEE\\_MIRROR\\_URI" in c for c in captions)
    assert str(at.sidebar.date_input(key="cfg_a_today").value) == TODAY  # CONFEE_TODAY is the default


def test_switch_model_to_bedrock_starts_a_new_conversation(bedrock: FakeBedrock) -> None:
    at = ask(start_app())
    first = session_id(at)
    model = at.sidebar.selectbox(key="cfg_a_model")
    offered = ["オフラインモデル", "Amazon Nova Micro（既定）", "Amazon Nova Lite", "Amazon Nova Pro"]
    haiku_works = request_fields_reason(HAIKU) is None  # until agent/models/bedrock.py sends Claude's fields
    assert model.options == [*offered, "Claude Haiku 4.5"] if haiku_works else offered
    if not haiku_works:
        assert "Claude Haiku 4.5 には Nova 用のパラメータを送ってしまうため使えません" in sidebar_text(at)

    at = model.set_value("apac.amazon.nova-lite-v1:0").run()
    assert notice(at) == f"{NEW_CONVERSATION}（モデル: オフラインモデル → Amazon Nova Lite）。"
    assert session_id(at) != first and at.session_state["confee_chat"].messages == []
    assert "**モデル**: Amazon Bedrock（apac.amazon.nova-lite-v1:0）" in sidebar_text(at)

    at = ask(at)
    assert not at.main.info  # the notice is said once
    assert at.main.chat_message[1].markdown[0].value.startswith("Bedrock からの回答です。")
    paths = [path for path, _ in bedrock.requests]
    assert len(paths) == 2 and all("apac.amazon.nova-lite-v1%3A0/converse-stream" in p for p in paths)
    cost = panel_caption(at)
    assert cost.startswith("トークン: 入力 20・出力 20・推定コスト: $0.000006（Amazon Nova Lite のオンデマンド単価")
    assert "見積もり" in cost  # 20 × $0.06 + 20 × $0.24 per million, and said to be an estimate


def test_switch_source_to_connpass(workbench: None, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeConnpass(api_key="test-key") as fake:
        monkeypatch.setenv("CONNPASS_API_KEY", "test-key")
        monkeypatch.setenv("CONNPASS_BASE_URL", fake.base_url)
        monkeypatch.setenv("CONFEE_EVENTS", "sample")
        at = start_app()
        source = at.sidebar.selectbox(key="cfg_a_source")
        assert source.options == ["サンプルカタログ（架空のイベント）", "connpass API"]
        at = source.set_value("connpass").run()
        assert notice(at) == f"{NEW_CONVERSATION}（イベント: サンプル → connpass）。"
        assert "**イベント**: connpass API v2" in sidebar_text(at)
        at = ask(at)
    assert fake.requests and all(r.headers.get("x-api-key") == "test-key" for r in fake.requests)
    assert ("keyword", "TypeScript") in fake.requests[0].query
    assert sent_queries(at)[0].startswith("keyword=TypeScript&")
    assert at.session_state["confee_chat"].meta["source"] == "connpass"


def test_mirror_is_offered_when_configured(workbench: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("CONFEE_MIRROR_URI", str(tmp_path))
    at = start_app()
    assert "イベントミラー" in at.sidebar.selectbox(key="cfg_a_source").options
    at = at.sidebar.selectbox(key="cfg_a_source").set_value("mirror").run()
    assert notice(at) == f"{NEW_CONVERSATION}（イベント: サンプル → ミラー）。"
    assert not at.exception and not at.main.error


def test_switch_today(workbench: None) -> None:
    at = ask(start_app())
    assert "&ymd=20261124&" in sent_queries(at)[0]
    import datetime as dt

    at = at.sidebar.date_input(key="cfg_a_today").set_value(dt.date(2026, 12, 10)).run()
    assert notice(at) == f"{NEW_CONVERSATION}（今日: 2026-11-24 → 2026-12-10）。"
    at = ask(at)
    assert "&ymd=20261210&" in sent_queries(at)[0]
    at = at.sidebar.date_input(key="cfg_a_today").set_value(None).run()
    assert notice(at) == f"{NEW_CONVERSATION}（今日: 2026-12-10 → 実際の日付）。"


def test_switch_target_to_an_agent_server(workbench: None, agent_url: str) -> None:
    at = start_app()
    at = at.sidebar.radio(key="cfg_a_target").set_value("http").run()
    assert at.sidebar.text_input(key="cfg_a_address_http").value == "http://127.0.0.1:8080"
    at = at.sidebar.text_input(key="cfg_a_address_http").set_value(agent_url).run()
    assert notice(at).startswith(f"{NEW_CONVERSATION}（接続先: ")
    assert at.sidebar.selectbox(key="cfg_a_model").disabled  # a remote agent has its own model and source
    assert at.sidebar.date_input(key="cfg_a_today").disabled
    assert "リモートのエージェントは自分の環境変数で動く" in sidebar_text(at)
    at = ask(at)
    host = agent_url.removeprefix("http://")
    assert f"**エージェント**: エージェントサーバー http://{host}" in sidebar_text(at)
    assert "&ymd=20261124&" in sent_queries(at)[0]  # the server's own CONFEE_TODAY, through HTTP
    at = at.sidebar.text_input(key="cfg_a_address_http").set_value("ftp://nowhere").run()
    assert "接続先を作れません" in at.main.error[0].value and at.chat_input[0].disabled


def test_switch_target_to_a_runtime_arn(aws: None, agent_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with FakeAgentCore(agent_url) as fake:
        monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", fake.endpoint_url)
        at = start_app()
        at = at.sidebar.radio(key="cfg_a_target").set_value("arn").run()
        assert "接続先の URL または ARN を入力してください" in at.main.error[0].value
        at = at.sidebar.text_input(key="cfg_a_address_arn").set_value(ARN).run()
        assert "**エージェント**: AgentCore ランタイム confee_agent-AbCdEf1234 (ap-northeast-1)" in sidebar_text(at)
        at = ask(at)
        assert fake.requests and fake.requests[-1].arn == ARN
        assert json.loads(fake.requests[-1].body)["stream"] is True
    assert sent_queries(at)[0].startswith("keyword=TypeScript&")
