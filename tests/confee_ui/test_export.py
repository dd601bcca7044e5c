"""Exports: Markdown to read, JSON with every trace; both name the configurations and keep failures."""

from __future__ import annotations

import datetime as dt
import itertools
import json

from agent.clock import JST
from confee_ui.config import AgentConfig
from confee_ui.export import file_stem, to_json, to_markdown
from confee_ui.state import ChatState, Timing, new_state

NOW = dt.datetime(2026, 11, 24, 10, 15, tzinfo=JST)
A = AgentConfig(today=dt.date(2026, 11, 24))
B = AgentConfig(model="apac.amazon.nova-micro-v1:0", today=dt.date(2026, 11, 24))
META = {
    "model": "bedrock",
    "source": "sample",
    "usage": {"model_calls": 1, "input_tokens": 100, "output_tokens": 10},
    "trace": {
        "total_ms": 900,
        "model_calls": [{"duration_ms": 900, "stop_reason": "end_turn", "input_tokens": 100, "output_tokens": 10}],
        "tool_calls": [
            {
                "name": "search_connpass",
                "arguments": {"keywords": ["Rust"]},
                "status": "success",
                "duration_ms": 3,
                "summary": {
                    "source": "sample",
                    "total": 1,
                    "matched": 1,
                    "complete": True,
                    "has_more": False,
                    "shown": 1,
                },
            }
        ],
    },
}


def compared() -> ChatState:
    ids = (f"session-{n:040d}" for n in itertools.count())
    state = new_state(lambda: next(ids))
    state.reconfigure([A, B], lambda: next(ids))
    state.add_question("Rustの勉強会は？")
    state.add_answer("A の回答", [], {"model": "offline", "source": "sample"}, lane=0, config=A,
                     timing=Timing(0.1, 0.5))  # fmt: skip
    state.add_answer("B の回答", [{"id": 1, "url": "https://x.sample-connpass.example/event/1/"}], META, lane=1,
                     config=B, timing=Timing(0.2, 1.0))  # fmt: skip
    state.add_question("東京は？")
    state.add_failed_answer(0, "回答が時間内に返ってきませんでした。", A)
    return state


def test_file_stem_sorts_by_time() -> None:
    assert file_stem(NOW) == "confee-20261124-101500"


def test_markdown_names_both_configurations_and_the_tool_calls() -> None:
    text = to_markdown(compared(), NOW)
    assert text.startswith("# Confee の会話\n\n書き出し: 2026-11-24 10:15:00 (JST)\n")
    assert "- 設定 A: プロセス内・オフラインモデル・サンプル・今日 2026-11-24" in text
    assert "- 設定 B: プロセス内・Amazon Nova Micro・サンプル・今日 2026-11-24" in text
    assert "## 回答 B（プロセス内・Amazon Nova Micro・サンプル・今日 2026-11-24）\n\nB の回答" in text
    assert '  - 引数: `{"keywords": ["Rust"]}`' in text
    assert "推定コスト: $0.0000049" in text  # 100 × $0.035 + 10 × $0.14 per million
    assert "## 回答 A（プロセス内・オフラインモデル・サンプル・今日 2026-11-24）\n\n> エラー: 回答が時間内に" in text
    assert text.endswith("\n") and text.count("## 質問") == 2


def test_json_keeps_meta_timings_and_lanes() -> None:
    document = json.loads(to_json(compared(), NOW))
    assert document["exported_at"] == "2026-11-24T10:15:00+09:00" and document["compare"] is True
    assert [c["label"] for c in document["configurations"]] == [A.label(), B.label()]
    messages = document["messages"]
    assert [(m["role"], m.get("lane")) for m in messages] == [
        ("user", None), ("assistant", "A"), ("assistant", "B"), ("user", None), ("assistant", "A")
    ]  # fmt: skip
    assert messages[2]["meta"]["trace"]["tool_calls"][0]["arguments"] == {"keywords": ["Rust"]}
    assert messages[2]["timing"] == {"first_text_s": 0.2, "total_s": 1.0}
    assert (
        messages[2]["config"]["model"] == "apac.amazon.nova-micro-v1:0"
        and messages[2]["config"]["today"] == "2026-11-24"
    )
    assert messages[4]["error"].startswith("回答が時間内に")
