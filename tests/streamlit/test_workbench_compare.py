"""Compare mode: one question to two configurations side by side, each with its answer, trace and timings.

A is the offline model, B is Amazon Nova Micro through the real Bedrock path against the ConverseStream fake:
the issue's "offline vs Bedrock" comparison.
"""

from __future__ import annotations

import json
from typing import Any

from streamlit.testing.v1 import AppTest

from proxy.agent_client import AgentError
from tests.fixtures.fake_bedrock import FakeBedrock
from tests.streamlit.conftest import QUESTION, ask, pressed, start_app

MICRO = "apac.amazon.nova-micro-v1:0"


def compare_offline_with_micro(at: AppTest) -> AppTest:
    at = at.sidebar.toggle(key="confee_compare").set_value(True).run()
    assert at.main.info[0].value == "設定を変更したので、新しい会話を始めました（比較モードを開始）。"
    assert [s.value for s in at.sidebar.subheader][:2] == ["設定 A", "設定 B"]
    at = at.sidebar.selectbox(key="cfg_b_model").set_value(MICRO).run()
    assert at.main.info[0].value.endswith("（B: モデル: オフラインモデル → Amazon Nova Micro）。")
    return at


def columns_of_last_exchange(at: AppTest) -> list[Any]:
    columns = at.main.columns[-2:]
    assert len(columns) == 2
    return list(columns)


def test_compare_sends_the_question_to_both_and_shows_both_answers(bedrock: FakeBedrock) -> None:
    at = compare_offline_with_micro(start_app())
    at = ask(at)
    state = at.session_state["confee_chat"]
    assert state.session_id != state.partner.session_id  # each configuration has its own agent session
    assert (state.turn, state.partner.turn) == (1, 1)

    left, right = columns_of_last_exchange(at)
    assert left.caption[0].value.startswith("**A** プロセス内・オフラインモデル・サンプル")
    assert right.caption[0].value.startswith("**B** プロセス内・Amazon Nova Micro・サンプル")
    answer_a, answer_b = left.chat_message[0], right.chat_message[0]
    assert "sample-connpass.example/event/" in answer_a.markdown[0].value
    assert answer_b.markdown[0].value.startswith("Bedrock からの回答です。")
    assert len(bedrock.requests) == 2  # only B used Bedrock

    panel_a = next(e for e in answer_a.expander if e.label == "ツール呼び出し")
    panel_b = next(e for e in answer_b.expander if e.label == "ツール呼び出し")
    for panel in (panel_a, panel_b):
        assert panel.markdown[0].value.startswith("ツール 1 回・モデル 2 回・エージェント内 ")
        assert "画面まで " in panel.markdown[0].value  # each side's own timing
    assert "オフラインモデルは文字数からの概算" in panel_a.caption[0].value
    assert "推定コスト: $0.0000035（Amazon Nova Micro" in panel_b.caption[0].value
    args_b = panel_b.tabs[0].table[0].value.to_dict("records")
    assert {"引数": "keywords", "値": "TypeScript"} in args_b

    at = ask(at, "東京だけにして")  # the conversation continues on both sides
    assert (state.turn, state.partner.turn) == (2, 2)
    assert [m.name for m in at.main.chat_message].count("user") == 2


def test_compare_export_names_both_configurations(bedrock: FakeBedrock, downloads: dict[str, Any]) -> None:
    ask(compare_offline_with_micro(start_app()))
    _, _, markdown = pressed(downloads, "md")
    assert "- 設定 A: プロセス内・オフラインモデル・サンプル・今日 2026-11-24" in markdown
    assert "- 設定 B: プロセス内・Amazon Nova Micro・サンプル・今日 2026-11-24" in markdown
    assert "## 回答 A（" in markdown and "## 回答 B（" in markdown
    assert "推定コスト: $0.0000035" in markdown
    document = json.loads(pressed(downloads, "json")[2])
    assert document["compare"] is True
    assert [m.get("lane") for m in document["messages"]] == [None, "A", "B"]
    assert document["messages"][2]["meta"]["usage"] == {"model_calls": 2, "input_tokens": 20, "output_tokens": 20}
    assert document["messages"][2]["config"]["model"] == MICRO


def test_one_side_failing_does_not_hide_the_other(workbench: None) -> None:
    class Failing:
        target, label = "http", "エージェントサーバー http://127.0.0.1:9"

        def stream(self, session_id: str, message: str, turn: int = 0) -> Any:
            raise AgentError("agent_timeout")
            yield  # pragma: no cover - makes this a generator like the real clients

    at = start_app()
    at = at.sidebar.toggle(key="confee_compare").set_value(True).run()
    at.session_state["confee_client_b"] = Failing()
    at = ask(at, QUESTION)
    left, right = columns_of_last_exchange(at)
    assert "sample-connpass.example/event/" in left.chat_message[0].markdown[0].value
    assert "時間内に返ってきませんでした" in right.error[0].value
    state = at.session_state["confee_chat"]
    assert (state.turn, state.partner.turn) == (1, 0)


def test_leaving_compare_mode_says_so(workbench: None) -> None:
    at = start_app()
    at = at.sidebar.toggle(key="confee_compare").set_value(True).run()
    at = at.sidebar.toggle(key="confee_compare").set_value(False).run()
    assert at.main.info[0].value == "設定を変更したので、新しい会話を始めました（比較モードを終了）。"
    assert at.session_state["confee_chat"].partner is None
