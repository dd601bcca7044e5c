"""What a search means (topics, kind, place, time, conditions) and its round trip to the ``search_connpass`` input.

The conversation keeps only tool inputs, so a follow-up ("大阪だと？") rebuilds the previous search's meaning
from the last tool input with ``Criteria.from_tool_input`` and changes one part of it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from agent.models.offline.lexicon import KIND_BY_NAME, KINDS, TOPIC_BY_NAME, TOPICS, normalize
from agent.models.offline.modifiers import DAYS, TIMES

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
        area: A city or district word matched against venue addresses (``梅田``), with ``places`` its prefecture.
        exclude: Prefecture slugs never returned (「東京以外」).
        months: ``yyyymm`` values; dates: ``yyyymmdd`` values (empty: the tool's default window).
        days: Days of the week (``mon`` … ``sun``); times: parts of the day (``morning``, ``afternoon``, ``evening``).
        beginner: Only beginner-friendly events; joinable: only events with seats left.
        include_past: Search events that already happened.
        sort: ``date``, ``popular`` or ``newest``.
        page: 1-based page; page_size: events per page.
    """

    topics: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    any_words: tuple[str, ...] = ()
    kind: str | None = None
    places: tuple[str, ...] = ()
    area: str | None = None
    exclude: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    days: tuple[str, ...] = ()
    times: tuple[str, ...] = ()
    beginner: bool = False
    joinable: bool = False
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
        if self.area:
            payload["place"] = self.area
        if self.exclude:
            payload["exclude_prefectures"] = list(self.exclude)
        if self.dates:
            payload["dates"] = list(self.dates)
        elif self.months:
            payload["months"] = list(self.months)
        if self.days:
            payload["days_of_week"] = list(self.days)
        if self.times:
            payload["time_of_day"] = list(self.times)
        if self.beginner:
            payload["beginner"] = True
        if self.joinable:
            payload["joinable_only"] = True
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
            area=data["place"].strip() if isinstance(data.get("place"), str) and data["place"].strip() else None,
            exclude=tuple(s.lower() for s in _strings(data.get("exclude_prefectures"))),
            months=_strings(data.get("months")),
            dates=_strings(data.get("dates")),
            days=_ordered(data.get("days_of_week"), DAYS),
            times=_ordered(data.get("time_of_day"), TIMES),
            beginner=data.get("beginner") is True,
            joinable=data.get("joinable_only") is True,
            include_past=data.get("include_past") is True,
            sort=str(sort),
            page=_positive(data.get("page"), 1),
            page_size=_positive(data.get("page_size"), DEFAULT_PAGE_SIZE),
        )


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip())


def _ordered(value: Any, known: tuple[str, ...]) -> tuple[str, ...]:
    wanted = {v.lower() for v in _strings(value)}
    return tuple(k for k in known if k in wanted)


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
