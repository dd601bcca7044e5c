"""What a search means (topics, kind, place, time) and its round trip to the ``search_connpass`` tool input.

The conversation keeps only tool inputs, so a follow-up ("大阪だと？") rebuilds the previous search's meaning
from the last tool input with ``Criteria.from_tool_input`` and changes one part of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from agent.clock import WEEKDAYS_JA
from agent.models.offline.lexicon import KIND_BY_NAME, KINDS, TOPIC_BY_NAME, TOPICS, normalize
from agent.models.offline.places import place_label

SORTS = ("date", "popular", "newest")
DEFAULT_PAGE_SIZE = 5


@dataclass(frozen=True)
class Criteria:
    """One search, in the offline model's terms.

    Attributes:
        topics: Lexicon topic names (several are ORed).
        words: Free keywords not in the lexicon (``htmx``), all required.
        any_words: Free keywords ORed with the topics (「Rustのイベント」 then 「htmxも」).
        kind: Lexicon kind name (``LT会``) or ``None``.
        places: connpass prefecture slugs (``online`` included), ORed.
        months: ``yyyymm`` values; dates: ``yyyymmdd`` values (empty: the tool's default window).
        include_past: Search events that already happened.
        sort: ``date``, ``popular`` or ``newest``.
        page: 1-based page; page_size: events per page.
    """

    topics: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    any_words: tuple[str, ...] = ()
    kind: str | None = None
    places: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    include_past: bool = False
    sort: str = "date"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    def with_changes(self, **changes: Any) -> Criteria:
        """A copy with some fields replaced (``dataclasses.replace`` with a friendlier name)."""
        return replace(self, **changes)

    def to_tool_input(self) -> dict[str, Any]:
        """The ``search_connpass`` arguments: one OR group (topic synonyms first), everything else ANDed."""
        keywords: list[str] = []
        any_keywords: list[str] = []
        topics = [TOPIC_BY_NAME[t] for t in self.topics if t in TOPIC_BY_NAME]
        group = list(dict.fromkeys([*(term for topic in topics for term in topic.terms), *self.any_words]))
        if len(group) == 1 or (len(topics) == 1 and len(topics[0].terms) == 1 and not self.any_words):
            keywords += group  # one term (one topic, or a lone alternative): required, not an OR group of one
        else:
            any_keywords = group
        keywords += self.words
        kind = KIND_BY_NAME.get(self.kind or "")
        if kind and not any_keywords and len(kind.terms) > 1:
            any_keywords = list(kind.terms)
        elif kind:
            keywords.append(kind.terms[0])
        payload: dict[str, Any] = {}
        if keywords:
            payload["keywords"] = keywords
        if any_keywords:
            payload["any_keywords"] = any_keywords
        if self.places:
            payload["prefectures"] = list(self.places)
        if self.dates:
            payload["dates"] = list(self.dates)
        elif self.months:
            payload["months"] = list(self.months)
        if self.include_past:
            payload["include_past"] = True
        payload["sort"] = self.sort
        payload["page"] = self.page
        payload["page_size"] = self.page_size
        return payload

    @classmethod
    def from_tool_input(cls, data: Mapping[str, Any]) -> Criteria:
        """Rebuild the meaning of a previous ``search_connpass`` input (tolerant of odd values)."""
        keywords, any_keywords = _strings(data.get("keywords")), _strings(data.get("any_keywords"))
        topics, kind, words, any_words = _decode_keywords(keywords, any_keywords)
        sort = data.get("sort") if data.get("sort") in SORTS else "date"
        return cls(
            topics=topics,
            words=words,
            any_words=any_words,
            kind=kind,
            places=tuple(s.lower() for s in _strings(data.get("prefectures"))),
            months=_strings(data.get("months")),
            dates=_strings(data.get("dates")),
            include_past=data.get("include_past") is True,
            sort=str(sort),
            page=_positive(data.get("page"), 1),
            page_size=_positive(data.get("page_size"), DEFAULT_PAGE_SIZE),
        )


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip())


def _positive(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default


def _decode_keywords(
    keywords: tuple[str, ...], any_keywords: tuple[str, ...]
) -> tuple[tuple[str, ...], str | None, tuple[str, ...], tuple[str, ...]]:
    """Which topics, kind, free words and alternative words produced these keywords (inverse of ``to_tool_input``)."""
    topics: list[str] = []
    kind: str | None = None
    words: list[str] = []
    any_words: list[str] = []
    group = {normalize(k) for k in any_keywords}
    if group:
        kinds = [k for k in KINDS if {normalize(t) for t in k.terms} == group]
        if kinds:
            kind = kinds[0].name
        else:
            covered: set[str] = set()
            for topic in sorted(TOPICS, key=lambda t: -len(t.terms)):
                terms = {normalize(t) for t in topic.terms}
                if terms <= group and not terms <= covered:
                    topics.append(topic.name)
                    covered |= terms
            any_words += [k for k in any_keywords if normalize(k) not in covered]
    for keyword in keywords:
        key = normalize(keyword)
        found_kind = next((k for k in KINDS if normalize(k.terms[0]) == key), None)
        found_topic = next((t for t in TOPICS if [normalize(x) for x in t.terms] == [key]), None) or next(
            (t for t in TOPICS if normalize(t.terms[0]) == key), None
        )
        if found_kind and kind is None:
            kind = found_kind.name
        elif found_topic and found_topic.name not in topics:
            topics.append(found_topic.name)
        elif not found_kind:
            words.append(keyword)
    topics.sort(key=lambda name: [t.name for t in TOPICS].index(name))
    return tuple(topics), kind, tuple(words), tuple(any_words)


# --- labels for answers -------------------------------------------------------------------------------------


def subject_label(criteria: Criteria) -> str:
    """``「TypeScript」`` / ``「React」または「htmx」`` / ``「Rust」「WebAssembly」``; empty without a topic."""
    label = "または".join(f"「{name}」" for name in (*criteria.topics, *criteria.any_words))
    return label + "".join(f"「{word}」" for word in criteria.words)


def place_text(criteria: Criteria) -> str:
    """``大阪府`` / ``オンライン`` / ``関西`` / empty."""
    return place_label(criteria.places) if criteria.places else ""


def _parse_ymd(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _day(day: dt.date, *, year: bool = False) -> str:
    prefix = f"{day.year}年" if year else ""
    return f"{prefix}{day.month}月{day.day}日({WEEKDAYS_JA[day.weekday()]})"


def time_text(criteria: Criteria) -> str:
    """``2026年12月`` / ``2026年12月〜2027年2月`` / ``11月28日(土)〜11月29日(日)`` / empty for the default window."""
    if criteria.dates:
        days = sorted(d for d in (_parse_ymd(v) for v in criteria.dates) if d)
        if not days:
            return ""
        if len(days) == 1:
            return _day(days[0])
        weekdays = {d.weekday() for d in days}
        one_month = {(d.year, d.month) for d in days} == {(days[0].year, days[0].month)}
        if len(days) > 2 and weekdays <= {5, 6} and one_month:
            which = "土曜日" if weekdays == {5} else "日曜日" if weekdays == {6} else "土日"
            return f"{days[0].year}年{days[0].month}月の{which}"  # "12月の土日", not a range that reads as every day
        return f"{_day(days[0])}〜{_day(days[-1])}"
    months = sorted(m for m in criteria.months if len(m) == 6 and m.isdigit())
    if not months:
        return ""
    first, last = months[0], months[-1]
    label = f"{int(first[:4])}年{int(first[4:])}月"
    if len(months) == 1:
        return label
    if first[:4] == last[:4] and len(months) == 12:
        return f"{int(first[:4])}年"
    if first[:4] == last[:4]:
        return f"{label}〜{int(last[4:])}月"  # 2027年3月〜5月, not 2027年3月〜2027年5月
    return f"{label}〜{int(last[:4])}年{int(last[4:])}月"
