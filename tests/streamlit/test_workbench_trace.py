"""The 「ツール呼び出し」 panel, the exports and the scroll, through AppTest on the real in-process agent.

The known question is asked of the offline model on the sample catalogue with 「今日」 pinned to 2026-11-24,
so the arguments, totals and queries are exact.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from streamlit.testing.v1 import AppTest

from tests.streamlit.conftest import APP, QUESTION, ask, pressed, start_app


def trace_panel(at: AppTest, bubble: int = 1) -> Any:
    panels = [e for e in at.main.chat_message[bubble].expander if e.label == "ツール呼び出し"]
    assert len(panels) == 1
    return panels[0]


def table_rows(element: Any) -> list[dict[str, str]]:
    return [{str(k): str(v) for k, v in row.items()} for row in element.value.to_dict("records")]


def test_trace_panel_shows_the_tool_call_of_a_known_question(workbench: None) -> None:
    at = ask(start_app())
    panel = trace_panel(at)
    assert panel.proto.expanded is False  # collapsed under the answer
    tools, models, raw = panel.tabs
    assert [tab.label for tab in panel.tabs] == ["ツール", "モデル", "生の JSON"]

    assert panel.markdown[0].value.startswith("ツール 1 回・モデル 2 回・エージェント内 ")
    assert "画面まで " in panel.markdown[0].value and "最初の文字まで " in panel.markdown[0].value
    assert panel.caption[0].value.startswith("トークン: 入力 ")
    assert "オフラインモデルは文字数からの概算" in panel.caption[0].value

    assert tools.markdown[0].value.startswith("**1.** `search_connpass` — 成功・")
    arguments, queries = tools.table
    assert table_rows(arguments) == [
        {"引数": "keywords", "値": "TypeScript"},
        {"引数": "any_keywords", "値": "カンファレンス、Conference、Kaigi"},
        {"引数": "sort", "値": "date"},
        {"引数": "page", "値": "1"},
        {"引数": "page_size", "値": "5"},
    ]
    assert tools.caption[0].value == "ソース: サンプルカタログ・該当 2 件・推薦可 2 件・表示 2 件・続きなし"
    sent = [row["送ったクエリ"] for row in table_rows(queries)]
    assert len(sent) == 2  # this month's remaining days by ymd, then the following months by ym
    assert sent[0].startswith("keyword=TypeScript&keyword_or=カンファレンス&") and "&ymd=20261124&" in sent[0]
    assert "&ym=202612&" in sent[1] and "&ym=202704&" in sent[1]

    calls = table_rows(models.table[0])
    assert [(c["#"], c["停止理由"]) for c in calls] == [("1", "ツール呼び出し"), ("2", "回答完了")]
    assert all(c["所要時間"].endswith(" ms") and c["入力トークン"].isdigit() for c in calls)

    document = raw.json[0]
    assert document.proto.expanded == 0  # the raw JSON opens on demand
    trace = json.loads(document.value)["trace"]
    assert trace["tool_calls"][0]["arguments"]["keywords"] == ["TypeScript"]
    assert trace["tool_calls"][0]["result"]["total"] == 2


def test_answers_without_a_trace_get_no_panel(workbench: None) -> None:
    """Older agent servers send no trace: the answer still renders, without an empty panel."""

    class NoTrace:
        target, label = "http", "エージェントサーバー http://127.0.0.1:9"

        def stream(self, session_id: str, message: str, turn: int = 0) -> Any:
            yield {"type": "text", "text": "こんにちは"}
            yield {"type": "done", "session_id": session_id, "events": [], "meta": {"model": "offline"}}

    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["confee_client"] = NoTrace()
    at = ask(at.run(), "こんにちは")
    assert at.main.chat_message[1].markdown[0].value == "こんにちは"
    assert not [e for e in at.main.chat_message[1].expander if e.label == "ツール呼び出し"]


def test_export_markdown_and_json_with_traces(workbench: None, downloads: dict[str, Any]) -> None:
    at = start_app()
    assert [(b.label, b.disabled) for b in at.sidebar.download_button] == [("Markdown", True), ("JSON", True)]
    at = ask(at)
    assert [(b.label, b.disabled) for b in at.sidebar.download_button] == [("Markdown", False), ("JSON", False)]

    name, mime, markdown = pressed(downloads, "md")
    assert name.startswith("confee-") and name.endswith(".md") and mime == "text/markdown"
    assert markdown.startswith("# Confee の会話\n")
    assert "- 設定: プロセス内・オフラインモデル・サンプル・今日 2026-11-24" in markdown
    assert f"## 質問\n\n{QUESTION}" in markdown
    assert "## 回答（プロセス内・オフラインモデル・サンプル・今日 2026-11-24）" in markdown
    assert "sample-connpass.example/event/" in markdown  # the answer itself
    assert "**ツール呼び出し**" in markdown and "- **1.** `search_connpass` — 成功・" in markdown
    assert '引数: `{"keywords": ["TypeScript"], "any_keywords": ["カンファレンス", "Conference", "Kaigi"]' in markdown
    assert "送ったクエリ（サンプルカタログ）: `keyword=TypeScript&" in markdown

    name, mime, text = pressed(downloads, "json")
    assert name.endswith(".json") and mime == "application/json"
    document = json.loads(text)
    assert (document["format"], document["version"], document["compare"]) == ("confee-conversation", 1, False)
    assert document["configurations"][0]["today"] == "2026-11-24"
    dt.datetime.fromisoformat(document["exported_at"])
    question, answer = document["messages"]
    assert question == {"role": "user", "content": QUESTION}
    assert answer["meta"]["trace"]["tool_calls"][0]["arguments"]["keywords"] == ["TypeScript"]
    assert answer["meta"]["usage"]["model_calls"] == 2
    assert answer["timing"]["total_s"] > 0 and answer["config"]["model"] == "offline"
    assert answer["events"] and all("sample-connpass.example" in e["url"] for e in answer["events"])


def test_the_newest_answer_is_scrolled_into_view(workbench: None) -> None:
    at = start_app()
    assert not at.main.html  # nothing to scroll to before the first answer
    at = ask(at)
    scripts = [h for h in at.main.html if "scrollIntoView" in h.proto.body]
    assert len(scripts) == 1 and scripts[0].proto.unsafe_allow_javascript
