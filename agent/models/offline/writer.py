"""Markdown answers from ``search_connpass`` results, in the format the Bedrock prompt asks for.

One intro line, one page of events (five unless the user asked for more; title link, 📅 date, 📍 place,
👥 capacity and status, 💡 one-line reason), then how to see more or refine. When nothing matched, the tool's
first alternative that found events (a later period, online, nearby, fewer keywords or conditions) is said plainly
and listed; otherwise the answer suggests broader searches the offline model itself understands. Tool errors pass
on the tool's message with what to do next. The wording comes from ``text_ja`` or, for English questions,
``text_en``; this module decides what an answer contains, in the tool's order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from agent.models.offline.criteria import Criteria
from agent.models.offline.facts import int_of, link
from agent.models.offline.language import Lang
from agent.models.offline.text_en import English
from agent.models.offline.text_ja import Japanese

#: The tool's largest page. A page is shown whole ("10件見せて"): an event cut from it could never be seen.
MAX_EVENTS = 10

Event = Mapping[str, Any]


class Texts(Protocol):
    """The sentences of one answer language (``text_ja.Japanese``, ``text_en.English``)."""

    untitled: str
    sample_note: str
    has_more: str

    def condition(self, criteria: Criteria, period: Mapping[str, Any] | None = None) -> str: ...
    def date(self, event: Event) -> str: ...
    def place(self, event: Event) -> str: ...
    def capacity(self, event: Event) -> str: ...
    def reason(self, event: Event, criteria: Criteria) -> str: ...
    def found_all(self, phrase: str, count: int) -> str: ...
    def found_some(self, phrase: str, total: int, criteria: Criteria, shown: int) -> str: ...
    def continued(self, phrase: str, total: int, first: int, last: int) -> str: ...
    def all_shown(self, phrase: str, total: int) -> str: ...
    def not_found(self, phrase: str, coverage: str) -> str: ...
    def relaxed(self, phrase: str, alternative: Event, count: int, shown: int) -> str: ...
    def coverage(self, total: int, read: int, popular: bool) -> str: ...
    def excluded(self, closed: int, full: int) -> str: ...
    def refine_hint(self, criteria: Criteria) -> str: ...
    def broaden(self, criteria: Criteria) -> str: ...
    def no_more(self, criteria: Criteria, total: int) -> str: ...
    def any_kind(self, phrase: str) -> str: ...
    def widened(self, until: Criteria) -> str: ...
    def error(self, kind: str, message: Any, retry_after: Any) -> str: ...


TEXTS: dict[Lang, Texts] = {"ja": Japanese(), "en": English()}


def condition(criteria: Criteria, period: Mapping[str, Any] | None = None, lang: Lang = "ja") -> str:
    """``2026年12月に大阪府で開催される「Rust」のイベント``: the search, said as a noun phrase.

    ``period`` is the tool's ``period`` when the user named no time (its label says what was searched).
    """
    return TEXTS[lang].condition(criteria, period)


def event_block(event: Event, criteria: Criteria, lang: Lang = "ja") -> str:
    """One recommendation in the fixed format."""
    texts = TEXTS[lang]
    return "\n".join(
        [
            f"### {link(str(event.get('title') or ''), str(event.get('url') or ''), texts.untitled)}",
            f"- 📅 {texts.date(event)}",
            f"- 📍 {texts.place(event)}",
            f"- 👥 {texts.capacity(event)}",
            f"- 💡 {texts.reason(event, criteria)}",
        ]
    )


def _events(payload: Mapping[str, Any], criteria: Criteria) -> list[Event]:
    events = [e for e in payload.get("events") or [] if isinstance(e, Mapping)]
    return events[: min(MAX_EVENTS, max(1, criteria.page_size))]


def _implicit_period(result: Mapping[str, Any]) -> Mapping[str, Any] | None:
    period = result.get("period")
    return period if isinstance(period, Mapping) and period.get("implicit") else None


def _coverage(result: Mapping[str, Any], criteria: Criteria, texts: Texts) -> str:
    if result.get("complete") is not False:
        return ""
    return texts.coverage(int_of(result.get("total")), int_of(result.get("read")), criteria.sort == "popular")


def _excluded(result: Mapping[str, Any], criteria: Criteria, texts: Texts) -> str:
    excluded = result.get("excluded")
    if not isinstance(excluded, Mapping) or criteria.include_past:
        return ""
    return texts.excluded(int_of(excluded.get("closed")), int_of(excluded.get("full")))


def _found(payload: Mapping[str, Any]) -> int:
    matched = payload.get("matched")
    return int_of(matched) if isinstance(matched, int) else int_of(payload.get("total"))


def alternative_of(result: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The tool's first relaxed search that found events (present only when the search itself found none)."""
    for alternative in result.get("alternatives") or []:
        if isinstance(alternative, Mapping) and any(isinstance(e, Mapping) for e in alternative.get("events") or []):
            return alternative
    return None


def _joined(*parts: str) -> str:
    return "".join(p for p in parts if p)


def write_results(result: Mapping[str, Any], criteria: Criteria, *, note: str = "", lang: Lang = "ja") -> str:
    """The answer for a successful search (``result`` is the tool's JSON payload; ``note`` opens it)."""
    texts = TEXTS[lang]
    events = _events(result, criteria)
    total = _found(result)
    page = max(1, int_of(result.get("page")) or criteria.page)
    size = max(1, criteria.page_size)
    phrase = texts.condition(criteria, _implicit_period(result))
    coverage = _coverage(result, criteria, texts)
    excluded = _excluded(result, criteria, texts)
    lines: list[str] = [note] if note else []
    more = bool(result.get("has_more"))
    if not events and page > 1:
        return "\n\n".join([*lines, texts.all_shown(phrase, total), texts.refine_hint(criteria)])
    alternative = alternative_of(result) if not events else None
    if not events and alternative is None:
        lines.append(_joined(texts.not_found(phrase, coverage), excluded))
        return "\n\n".join([*lines, texts.broaden(criteria)])
    if alternative is not None:
        relaxed = Criteria.from_tool_input(alternative.get("arguments") or {}).with_changes(page_size=size)
        events = _events(alternative, relaxed)
        count = _found(alternative) or len(events)
        lines.append(_joined(texts.relaxed(phrase, alternative, count, len(events)), excluded))
        more = count > len(events) or bool(alternative.get("has_more"))
    elif page > 1:
        first = (page - 1) * size + 1
        lines.append(texts.continued(phrase, total, first, first + len(events) - 1))
    elif total > len(events):
        lines.append(_joined(texts.found_some(phrase, total, criteria, len(events)), coverage, excluded))
    else:
        lines.append(_joined(texts.found_all(phrase, total or len(events)), coverage, excluded))
    lines += [event_block(e, criteria, lang) for e in events]
    lines.append(_joined(texts.has_more if more else "", texts.refine_hint(criteria)))
    if result.get("source") == "sample":
        lines.append(texts.sample_note)
    return "\n\n".join(lines)


def write_error(error: Mapping[str, Any] | None, lang: Lang = "ja") -> str:
    """The answer when the tool failed: its message, then what the user can do."""
    error = error or {}
    return TEXTS[lang].error(str(error.get("kind") or ""), error.get("message"), error.get("retry_after"))


def write_no_more(criteria: Criteria, total: int, lang: Lang = "ja") -> str:
    """「もっと見せて」 when the previous page was already the last one."""
    return TEXTS[lang].no_more(criteria, total)
