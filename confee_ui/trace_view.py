"""What the 「ツール呼び出し」 panel shows, from an answer's ``meta.trace`` and ``meta.usage``: rows and sentences.

The agent writes the trace (``agent/runtime/trace.py``); this module only reads it, defensively: a remote
agent may be older or newer, so a missing or odd field becomes 「—」 instead of an exception.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from agent.models import catalog
from confee_ui.state import Timing

DASH = "—"

_STATUS: dict[str, str] = {"success": "成功", "error": "エラー"}
_STOP_REASONS: dict[str, str] = {"tool_use": "ツール呼び出し", "end_turn": "回答完了", "max_tokens": "上限で打ち切り"}
_SOURCES: dict[str, str] = {"sample": "サンプルカタログ", "connpass": "connpass API", "mirror": "イベントミラー"}


def trace_of(meta: Mapping[str, Any]) -> dict[str, Any]:
    trace = meta.get("trace")
    return dict(trace) if isinstance(trace, Mapping) else {}


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def tool_calls(meta: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return _dicts(trace_of(meta).get("tool_calls"))


def model_calls(meta: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return _dicts(trace_of(meta).get("model_calls"))


def value_text(value: Any) -> str:
    """One argument value as the model sent it: lists joined, strings bare, anything else as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return "、".join(str(item) for item in value)
    return json.dumps(value, ensure_ascii=False)


def _ms(value: Any) -> str:
    return f"{int(value):,} ms" if isinstance(value, int | float) and not isinstance(value, bool) else DASH


def _count(value: Any) -> str:
    return f"{int(value):,}" if isinstance(value, int | float) and not isinstance(value, bool) else DASH


def argument_rows(call: Mapping[str, Any]) -> list[dict[str, str]]:
    """The tool's arguments as the model sent them: one row per argument (``引数``, ``値``)."""
    arguments = call.get("arguments")
    if not isinstance(arguments, Mapping) or not arguments:
        return [{"引数": "（なし）", "値": ""}]
    return [{"引数": str(name), "値": value_text(value)} for name, value in arguments.items()]


def call_heading(index: int, call: Mapping[str, Any]) -> str:
    """``**1.** `search_connpass` — 成功・7 ms`` (bold, so Markdown does not turn it into a list)."""
    status = _STATUS.get(str(call.get("status")), str(call.get("status") or DASH))
    return f"**{index}.** `{call.get('name') or '?'}` — {status}・{_ms(call.get('duration_ms'))}"


def result_summary(call: Mapping[str, Any]) -> str:
    """What the search found: source, totals, how many were shown, whether there is more."""
    summary = call.get("summary")
    if not isinstance(summary, Mapping):
        result = call.get("result")
        if isinstance(result, Mapping) and result.get("error"):
            return f"結果: エラー（{result.get('kind') or DASH}）{result.get('message') or ''}".rstrip()
        return "結果: 要約なし"
    source = _SOURCES.get(str(summary.get("source")), str(summary.get("source") or DASH))
    more = "続きあり" if summary.get("has_more") else "続きなし"
    complete = "" if summary.get("complete") is not False else "・一部のみ読んだ"
    return (
        f"ソース: {source}・該当 {_count(summary.get('total'))} 件・推薦可 {_count(summary.get('matched'))} 件・"
        f"表示 {_count(summary.get('shown'))} 件・{more}{complete}"
    )


def query_text(query: Any) -> str:
    """A source query as sent: ``[["keyword", "Rust"], ["ym", "202612"]]`` → ``keyword=Rust&ym=202612``."""
    if isinstance(query, list) and all(isinstance(pair, list | tuple) and len(pair) == 2 for pair in query):
        return "&".join(f"{name}={value}" for name, value in query)
    return value_text(query)


def query_rows(call: Mapping[str, Any]) -> list[dict[str, str]]:
    """The queries the tool sent to its source (connpass parameters, or the same against the mirror/sample)."""
    details = call.get("source_queries")
    searches = _dicts(details.get("searches")) if isinstance(details, Mapping) else []
    rows = []
    for search in searches:
        source = _SOURCES.get(str(search.get("source")), str(search.get("source") or DASH))
        cached = "使用" if search.get("cached") else "—"
        queries = search.get("queries") if isinstance(search.get("queries"), list) else []
        for query in queries or [None]:
            rows.append({"ソース": source, "送ったクエリ": query_text(query) if query else DASH, "キャッシュ": cached})
    return rows


def model_rows(meta: Mapping[str, Any]) -> list[dict[str, str]]:
    """One row per model call: duration, why it stopped, tokens."""
    return [
        {
            "#": str(number),
            "所要時間": _ms(call.get("duration_ms")),
            "停止理由": _STOP_REASONS.get(str(call.get("stop_reason")), str(call.get("stop_reason") or DASH)),
            "入力トークン": _count(call.get("input_tokens")),
            "出力トークン": _count(call.get("output_tokens")),
        }
        for number, call in enumerate(model_calls(meta), start=1)
    ]


def panel_summary(meta: Mapping[str, Any], timing: Timing | None) -> str:
    """``ツール 1 回・モデル 2 回・エージェント内 0.59 秒・画面まで 0.62 秒（最初の文字まで 0.08 秒）``."""
    trace = trace_of(meta)
    parts = [f"ツール {len(tool_calls(meta))} 回", f"モデル {len(model_calls(meta))} 回"]
    total = trace.get("total_ms")
    if isinstance(total, int | float):
        parts.append(f"エージェント内 {total / 1000:.2f} 秒")
    if timing is not None:
        first = f"（最初の文字まで {timing.first_text_s:.2f} 秒）" if timing.first_text_s is not None else ""
        parts.append(f"画面まで {timing.total_s:.2f} 秒{first}")
    return "・".join(parts)


def usage_text(meta: Mapping[str, Any], model_id: str | None) -> str:
    """Tokens of the turn, and an estimated cost for Bedrock models from the catalog's prices."""
    usage = meta.get("usage")
    if not isinstance(usage, Mapping):
        usage = {}
    tokens_in, tokens_out = usage.get("input_tokens"), usage.get("output_tokens")
    text = f"トークン: 入力 {_count(tokens_in)}・出力 {_count(tokens_out)}"
    if meta.get("model") == "offline":
        return text + "（オフラインモデルは文字数からの概算。費用はかかりません）"
    if meta.get("model") != "bedrock":
        return text
    entry = catalog.find(model_id) if model_id else None
    if entry is None or not isinstance(tokens_in, int) or not isinstance(tokens_out, int):
        return text + "・推定コスト: 単価が分からないため出せません（モデル ID 不明）"
    cost = entry.cost(tokens_in, tokens_out)
    return (
        f"{text}・推定コスト: {usd(cost)}（{entry.name} のオンデマンド単価 100 万トークンあたり入力 "
        f"${entry.input_per_1k * 1000:g}・出力 ${entry.output_per_1k * 1000:g} から計算した見積もりで、"
        "実際の請求額とは異なります）"
    )


def usd(value: float) -> str:
    """Dollars readable at any size: ``$0.0000035``, ``$0.0123``."""
    if value >= 0.01:
        return f"${value:.4f}"
    return "$" + (f"{value:.10f}".rstrip("0").rstrip(".") or "0")


def raw_json(meta: Mapping[str, Any]) -> dict[str, Any]:
    """What 「生の JSON」 shows: the trace and usage exactly as the agent sent them."""
    return {"trace": trace_of(meta), "usage": meta.get("usage") or {}}


def has_trace(meta: Mapping[str, Any]) -> bool:
    return bool(trace_of(meta))


def tool_names(calls: Sequence[Mapping[str, Any]]) -> str:
    return "、".join(str(call.get("name") or "?") for call in calls)
