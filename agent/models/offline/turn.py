"""What the offline model says next, read from the conversation alone (so one model serves every session).

A turn is: the user's question → one ``search_connpass`` call (or a direct chat reply) → the answer. When a search
with no stated time finds nothing in the tool's default window (about six months), the model searches the
following year before answering, as a helpful person would for "TypeScriptのカンファレンスある？".
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent.clock import JST, Clock
from agent.models.offline.chat import write_chat
from agent.models.offline.criteria import Criteria, time_text
from agent.models.offline.intent import ChatIntent, parse_intent
from agent.models.offline.writer import write_error, write_no_more, write_results
from agent.search.period import DEFAULT_WINDOW_MONTHS, month_window
from agent.search.tool import TOOL_NAME

#: How far a widened search looks beyond the default window.
WIDEN_MONTHS = 12
NO_TOOL_MESSAGE = "ただいまイベント検索が使えない状態です。しばらくしてから再度お試しください。"

Message = Mapping[str, Any]


@dataclass(frozen=True)
class TextReply:
    """Answer with text and end the turn."""

    text: str


@dataclass(frozen=True)
class ToolCall:
    """Ask the agent to run a tool."""

    tool_use_id: str
    name: str
    input: dict[str, Any]


Reply = TextReply | ToolCall


def _blocks(message: Message) -> list[Mapping[str, Any]]:
    content = message.get("content")
    return [b for b in content if isinstance(b, Mapping)] if isinstance(content, list) else []


def _question(message: Message) -> str:
    return "\n".join(b["text"] for b in _blocks(message) if isinstance(b.get("text"), str)).strip()


def _searches(messages: Sequence[Message]) -> list[Mapping[str, Any]]:
    """Every ``search_connpass`` call the assistant made, oldest first."""
    uses = [b["toolUse"] for m in messages if m.get("role") == "assistant" for b in _blocks(m) if "toolUse" in b]
    return [
        u for u in uses if isinstance(u, Mapping) and u.get("name") == TOOL_NAME and isinstance(u.get("input"), Mapping)
    ]


def _count_tool_uses(messages: Sequence[Message]) -> int:
    return sum(1 for m in messages for b in _blocks(m) if "toolUse" in b)


def _results(messages: Sequence[Message]) -> dict[str, Mapping[str, Any]]:
    return {
        str(b["toolResult"].get("toolUseId")): b["toolResult"]
        for m in messages
        for b in _blocks(m)
        if isinstance(b.get("toolResult"), Mapping)
    }


def payload_of(result: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The JSON object a tool result carries (the tool writes it as text; ``json`` blocks are accepted too)."""
    for item in (result or {}).get("content") or []:
        if not isinstance(item, Mapping):
            continue
        if isinstance(item.get("json"), dict):
            return dict(item["json"])
        if isinstance(item.get("text"), str):
            try:
                data = json.loads(item["text"])
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
    return None


def _succeeded(result: Mapping[str, Any] | None) -> dict[str, Any] | None:
    payload = payload_of(result)
    if result is None or result.get("status") == "error" or payload is None or payload.get("error") is True:
        return None
    return payload


def _turns(messages: Sequence[Message]) -> list[int]:
    """Indexes of the user's questions (user messages with text, not tool results)."""
    return [i for i, m in enumerate(messages) if m.get("role") == "user" and _question(m)]


def _widened(criteria: Criteria, clock: Clock) -> Criteria:
    later = month_window(clock(), DEFAULT_WINDOW_MONTHS + WIDEN_MONTHS)[DEFAULT_WINDOW_MONTHS:]
    return criteria.with_changes(months=later, dates=(), page=1)


def _answer(messages: Sequence[Message], result: Mapping[str, Any], clock: Clock, names: frozenset[str]) -> Reply:
    """The step after a tool result: the answer, or one wider search when nothing turned up."""
    turn = (_turns(messages) or [0])[-1]
    searches = _searches(messages[turn:])
    request: Mapping[str, Any] = next(
        (s["input"] for s in reversed(searches) if s.get("toolUseId") == result.get("toolUseId")), {}
    )
    criteria = Criteria.from_tool_input(request)
    payload = _succeeded(result)
    if payload is None:
        return TextReply(write_error(payload_of(result)))
    unstated = not (criteria.months or criteria.dates or criteria.include_past) and criteria.page == 1
    if _found(payload) == 0 and unstated and len(searches) == 1 and TOOL_NAME in names:
        return ToolCall(_next_id(messages), TOOL_NAME, _widened(criteria, clock).to_tool_input())
    stated = Criteria.from_tool_input(searches[0]["input"]) if searches else criteria
    if len(searches) > 1 and not (stated.months or stated.dates) and criteria.months and criteria.page == 1:
        if _found(payload) == 0:
            return TextReply(write_results(payload, stated))  # nothing in the next year and a half either
        until = time_text(Criteria(months=month_window(clock(), DEFAULT_WINDOW_MONTHS)[-1:]))
        note = f"今後半年（{until}まで）には見つからなかったため、その先 1 年に広げて探しました。"
        return TextReply(write_results(payload, criteria, note=note))
    return TextReply(write_results(payload, criteria))


def _found(payload: Mapping[str, Any]) -> int:
    """Events the search can show (``matched``; ``total`` from results written before it existed)."""
    for name in ("matched", "total"):
        value = payload.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def _next_id(messages: Sequence[Message]) -> str:
    return f"tooluse_confee_{_count_tool_uses(messages) + 1:04d}"


def decide(messages: Sequence[Message], clock: Clock, names: frozenset[str]) -> Reply:
    """What the model says next.

    Args:
        messages: The agent's conversation so far (Bedrock Converse shape).
        clock: Current time, JST-aware.
        names: Names of the tools the agent offers.
    """
    if not messages:
        return TextReply(write_chat("help"))
    last = messages[-1]
    results = [b["toolResult"] for b in _blocks(last) if isinstance(b.get("toolResult"), Mapping)]
    if results:
        return _answer(messages, results[-1], clock, names)
    earlier = messages[:-1]
    turn_starts = _turns(earlier)
    stated: Criteria | None = None
    shown: Mapping[str, Any] | None = None
    for start in reversed(turn_starts):
        turn_searches = _searches(earlier[start:])
        if turn_searches:
            stated = Criteria.from_tool_input(turn_searches[0]["input"])
            shown = turn_searches[-1]
            break
    intent = parse_intent(_question(last), clock().astimezone(JST), stated)
    if isinstance(intent, ChatIntent):
        return TextReply(write_chat(intent.kind))
    criteria = intent.criteria
    if intent.next_page and shown is not None:
        last_shown = Criteria.from_tool_input(shown["input"])
        payload = _succeeded(_results(earlier).get(str(shown.get("toolUseId"))))
        if payload is not None and payload.get("has_more") is False:
            total = _found(payload)
            return TextReply(write_no_more(last_shown if total else stated or last_shown, total))
        criteria = last_shown.with_changes(page=last_shown.page + 1)
    if TOOL_NAME not in names:
        return TextReply(NO_TOOL_MESSAGE)
    return ToolCall(_next_id(messages), TOOL_NAME, criteria.to_tool_input())
