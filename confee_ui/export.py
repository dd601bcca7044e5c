"""A conversation as Markdown (to read or paste into an issue) and as JSON with every trace (to analyse).

Both are built from the ``ChatState`` when the download button is pressed, so they hold everything on the page.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from agent.clock import JST
from confee_ui import trace_view
from confee_ui.config import AgentConfig
from confee_ui.state import ChatMessage, ChatState

FORMAT_VERSION = 1
_LANES = ("A", "B")


def file_stem(now: dt.datetime) -> str:
    """``confee-20261124-101500``: a file name that sorts by time."""
    return "confee-" + now.astimezone(JST).strftime("%Y%m%d-%H%M%S")


def config_dict(config: AgentConfig | None) -> dict[str, Any] | None:
    if config is None:
        return None
    data = dataclasses.asdict(config)
    data["today"] = config.today.isoformat() if config.today else None
    data["label"] = config.label()
    return data


def message_dict(message: ChatMessage) -> dict[str, Any]:
    """One bubble with its meta (trace and usage included) and the app's timings."""
    data: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.lane is not None:
        data["lane"] = _LANES[message.lane]
    if message.error:
        data["error"] = message.error
    if message.role == "assistant":
        data["events"] = message.events
        data["meta"] = message.meta
        data["timing"] = dataclasses.asdict(message.timing) if message.timing else None
        data["config"] = config_dict(message.config)
    return data


def to_json(state: ChatState, now: dt.datetime) -> str:
    """The conversation as JSON: configurations, then every message with ``meta.trace``, ``meta.usage`` and timing."""
    document = {
        "format": "confee-conversation",
        "version": FORMAT_VERSION,
        "exported_at": now.astimezone(JST).isoformat(timespec="seconds"),
        "compare": len(state.configs) > 1,
        "configurations": [config_dict(config) for config in state.configs],
        "messages": [message_dict(message) for message in state.messages],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _trace_lines(message: ChatMessage) -> list[str]:
    """A compact record of what the agent did, under the answer."""
    meta = message.meta
    lines = [f"- {trace_view.panel_summary(meta, message.timing)}"]
    model_id = message.config.bedrock_model_id if message.config else None
    lines.append(f"- {trace_view.usage_text(meta, model_id)}")
    for index, call in enumerate(trace_view.tool_calls(meta), start=1):
        lines.append(f"- {trace_view.call_heading(index, call)}")
        arguments = call.get("arguments")
        lines.append(f"  - 引数: `{json.dumps(arguments, ensure_ascii=False)}`")
        lines.append(f"  - {trace_view.result_summary(call)}")
        lines.extend(
            f"  - 送ったクエリ（{row['ソース']}）: `{row['送ったクエリ']}`" for row in trace_view.query_rows(call)
        )
    return lines


def _answer_heading(message: ChatMessage) -> str:
    lane = f" {_LANES[message.lane]}" if message.lane is not None else ""
    where = f"（{message.config.label()}）" if message.config else ""
    return f"## 回答{lane}{where}"


def to_markdown(state: ChatState, now: dt.datetime) -> str:
    """The conversation as Markdown: questions, answers, and each answer's tool calls, timings and tokens."""
    lines = ["# Confee の会話", "", f"書き出し: {now.astimezone(JST).strftime('%Y-%m-%d %H:%M:%S')} (JST)", ""]
    for name, config in zip(_LANES, state.configs, strict=False):
        prefix = f"設定 {name}" if len(state.configs) > 1 else "設定"
        lines.append(f"- {prefix}: {config.label()}")
    for message in state.messages:
        lines.append("")
        if message.role == "user":
            lines += ["---", "", "## 質問", "", message.content]
            if message.error:
                lines += ["", f"> 回答なし: {message.error}"]
            continue
        lines += [_answer_heading(message), ""]
        if message.error:
            lines.append(f"> エラー: {message.error}")
            continue
        lines.append(message.content)
        if trace_view.has_trace(message.meta):
            lines += ["", "**ツール呼び出し**", "", *_trace_lines(message)]
    return "\n".join(lines).rstrip() + "\n"
