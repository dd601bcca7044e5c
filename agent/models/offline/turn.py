"""What the offline model says next, read from the conversation alone (so one model serves every session).

A turn is: the user's question → one ``search_connpass`` call (or a direct chat reply) → the answer, in the
question's language. When nothing matched, the tool itself returns relaxed alternatives (a later period, online,
nearby …) and the answer lists the first one; 「もっと見せて」 then pages through that alternative. Only when a tool
result has no alternatives and a search with no stated time found nothing in the default window (about six months)
does the model search the following year itself before answering.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from agent.clock import JST, Clock
from agent.models.offline.chat import write_chat
from agent.models.offline.criteria import Criteria
from agent.models.offline.intent import ChatIntent, parse_intent
from agent.models.offline.language import Lang, language_of
from agent.models.offline.writer import TEXTS, alternative_of, write_error, write_no_more, write_results
from agent.search.period import DEFAULT_WINDOW_MONTHS, month_window
from agent.search.tool import TOOL_NAME

#: How far the offline model's own later search looks beyond the default window.
WIDEN_MONTHS = 12
NO_TOOL_MESSAGE: dict[Lang, str] = {
    "ja": "ただいまイベント検索が使えない状態です。しばらくしてから再度お試しください。",
    "en": "The event search is not available right now. Please try again in a little while.",
}

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


def _language(messages: Sequence[Message], turn: int) -> Lang:
    """The language of the question at ``turn``; a question in neither script keeps the previous one's."""
    lang: Lang = "ja"
    for index in _turns(messages[: turn + 1]):
        lang = language_of(_question(messages[index]), lang)
    return lang


def _fallback(criteria: Criteria, clock: Clock) -> Criteria | None:
    """The offline model's own second search when the tool found nothing and offered no alternative.

    The tool relaxes dates, place, keywords and conditions but not the kind of event (ハンズオン, LT会): that goes
    first, so 「初心者向けのFlutterハンズオン」 can still show Flutter events. Without a kind, a search with no stated
    time looks a year beyond the default window.
    """
    if criteria.page != 1:
        return None
    if criteria.kind:
        return criteria.with_changes(kind=None)
    if not (criteria.months or criteria.dates or criteria.include_past):
        later = month_window(clock(), DEFAULT_WINDOW_MONTHS + WIDEN_MONTHS)[DEFAULT_WINDOW_MONTHS:]
        return criteria.with_changes(months=later, dates=())
    return None


def _answer(messages: Sequence[Message], result: Mapping[str, Any], clock: Clock, names: frozenset[str]) -> Reply:
    """The step after a tool result: the answer, or one more search when nothing turned up (``_fallback``)."""
    turn = (_turns(messages) or [0])[-1]
    lang = _language(messages, turn)
    searches = _searches(messages[turn:])
    request: Mapping[str, Any] = next(
        (s["input"] for s in reversed(searches) if s.get("toolUseId") == result.get("toolUseId")), {}
    )
    criteria = Criteria.from_tool_input(request)
    payload = _succeeded(result)
    if payload is None:
        return TextReply(write_error(payload_of(result), lang))
    nothing = _found(payload) == 0 and alternative_of(payload) is None
    if nothing and len(searches) == 1 and TOOL_NAME in names and (fallback := _fallback(criteria, clock)):
        return ToolCall(_next_id(messages), TOOL_NAME, fallback.to_tool_input())
    if len(searches) < 2 or criteria.page != 1:
        return TextReply(write_results(payload, criteria, lang=lang))
    stated = Criteria.from_tool_input(searches[0]["input"])
    if nothing:  # the second search found nothing either: answer the question as asked
        first = _succeeded(_results(messages).get(str(searches[0].get("toolUseId")))) or payload
        return TextReply(write_results(first, stated, lang=lang))
    texts = TEXTS[lang]
    if stated.kind and not criteria.kind:
        note = texts.any_kind(texts.condition(stated))
    else:
        note = texts.widened(Criteria(months=month_window(clock(), DEFAULT_WINDOW_MONTHS)[-1:]))
    return TextReply(write_results(payload, criteria, note=note, lang=lang))


def _found(payload: Mapping[str, Any]) -> int:
    """Events the search can show (``matched``; ``total`` from results written before it existed)."""
    for name in ("matched", "total"):
        value = payload.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return 0


def _next_id(messages: Sequence[Message]) -> str:
    """A tool-use id unique in the conversation even after the history window drops old messages."""
    del messages  # a count of the messages kept would repeat once old ones slide out
    return f"tooluse_confee_{uuid.uuid4().hex[:16]}"


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
    lang = _language(messages, len(messages) - 1)
    intent = parse_intent(_question(last), clock().astimezone(JST), stated)
    if isinstance(intent, ChatIntent):
        return TextReply(write_chat(intent.kind, lang))
    criteria = intent.criteria
    if intent.next_page and shown is not None:
        last_shown = Criteria.from_tool_input(shown["input"])
        payload = _succeeded(_results(earlier).get(str(shown.get("toolUseId"))))
        alternative = alternative_of(payload) if payload is not None and _found(payload) == 0 else None
        if alternative is not None:
            last_shown = Criteria.from_tool_input(alternative.get("arguments") or {}).with_changes(
                page_size=last_shown.page_size
            )  # 「もっと見せて」 after a relaxed answer: the next page of what was listed
            payload = dict(alternative)
            payload.setdefault("has_more", _found(payload) > last_shown.page_size)
        if payload is not None and payload.get("has_more") is False:
            total = _found(payload)
            return TextReply(write_no_more(last_shown if total else stated or last_shown, total, lang))
        criteria = last_shown.with_changes(page=last_shown.page + 1)
    if TOOL_NAME not in names:
        return TextReply(NO_TOOL_MESSAGE[lang])
    return ToolCall(_next_id(messages), TOOL_NAME, criteria.to_tool_input())
