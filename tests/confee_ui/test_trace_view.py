"""Reading ``meta.trace`` for the 「ツール呼び出し」 panel: rows, sentences, the cost estimate, and odd input."""

from __future__ import annotations

from typing import Any

from confee_ui import trace_view
from confee_ui.state import Timing

META: dict[str, Any] = {
    "model": "bedrock",
    "source": "sample",
    "usage": {"model_calls": 2, "input_tokens": 1000, "output_tokens": 200},
    "trace": {
        "total_ms": 1234,
        "model_calls": [
            {"duration_ms": 800, "stop_reason": "tool_use", "input_tokens": 400, "output_tokens": 50},
            {"duration_ms": 400, "stop_reason": "end_turn", "input_tokens": 600, "output_tokens": 150},
        ],
        "tool_calls": [
            {
                "name": "search_connpass",
                "arguments": {"keywords": ["Rust"], "prefectures": ["osaka"], "months": ["202612"], "beginner": True},
                "status": "success",
                "duration_ms": 12,
                "summary": {
                    "source": "connpass",
                    "total": 40,
                    "matched": 12,
                    "complete": False,
                    "has_more": True,
                    "shown": 5,
                },
                "source_queries": {
                    "searches": [
                        {
                            "source": "connpass",
                            "queries": [[["keyword", "Rust"], ["prefecture", "osaka"]]],
                            "cached": True,
                        }
                    ]
                },
            }
        ],
    },
}


def test_arguments_as_the_model_sent_them() -> None:
    call = trace_view.tool_calls(META)[0]
    assert trace_view.argument_rows(call) == [
        {"引数": "keywords", "値": "Rust"},
        {"引数": "prefectures", "値": "osaka"},
        {"引数": "months", "値": "202612"},
        {"引数": "beginner", "値": "true"},
    ]
    assert trace_view.argument_rows({"arguments": {}}) == [{"引数": "（なし）", "値": ""}]
    assert trace_view.call_heading(1, call) == "**1.** `search_connpass` — 成功・12 ms"


def test_result_and_queries() -> None:
    call = trace_view.tool_calls(META)[0]
    assert trace_view.result_summary(call) == (
        "ソース: connpass API・該当 40 件・推薦可 12 件・表示 5 件・続きあり・一部のみ読んだ"
    )
    assert trace_view.query_rows(call) == [
        {"ソース": "connpass API", "送ったクエリ": "keyword=Rust&prefecture=osaka", "キャッシュ": "使用"}
    ]
    failed = {"result": {"error": True, "kind": "timeout", "message": "接続がタイムアウトしました。"}}
    assert trace_view.result_summary(failed) == "結果: エラー（timeout）接続がタイムアウトしました。"


def test_model_calls_and_summary_with_timings() -> None:
    assert trace_view.model_rows(META)[1] == {
        "#": "2", "所要時間": "400 ms", "停止理由": "回答完了", "入力トークン": "600", "出力トークン": "150"
    }  # fmt: skip
    summary = trace_view.panel_summary(META, Timing(first_text_s=0.5, total_s=1.5))
    assert summary == "ツール 1 回・モデル 2 回・エージェント内 1.23 秒・画面まで 1.50 秒（最初の文字まで 0.50 秒）"


def test_cost_is_an_estimate_from_the_catalog() -> None:
    text = trace_view.usage_text(META, "apac.amazon.nova-pro-v1:0")
    # 1000 × $0.0008 / 1K + 200 × $0.0032 / 1K = $0.00144
    assert text.startswith("トークン: 入力 1,000・出力 200・推定コスト: $0.00144（Amazon Nova Pro のオンデマンド単価")
    assert "100 万トークンあたり入力 $0.8・出力 $3.2" in text and "見積もり" in text
    assert "モデル ID 不明" in trace_view.usage_text(META, None)  # a remote Bedrock agent does not say which model
    assert "費用はかかりません" in trace_view.usage_text({**META, "model": "offline"}, None)
    assert trace_view.usd(0.0000035) == "$0.0000035" and trace_view.usd(0.25) == "$0.2500"


def test_odd_traces_do_not_break_the_panel() -> None:
    assert not trace_view.has_trace({}) and trace_view.tool_calls({"trace": "nope"}) == []
    odd = {"trace": {"model_calls": [{"duration_ms": "x"}, "junk"], "tool_calls": [{"arguments": [1, 2]}]}}
    assert trace_view.model_rows(odd) == [
        {"#": "1", "所要時間": "—", "停止理由": "—", "入力トークン": "—", "出力トークン": "—"}
    ]
    call = trace_view.tool_calls(odd)[0]
    assert trace_view.call_heading(1, call) == "**1.** `?` — —・—"
    assert trace_view.result_summary(call) == "結果: 要約なし" and trace_view.query_rows(call) == []
    assert trace_view.panel_summary(odd, None) == "ツール 1 回・モデル 1 回"
