"""The in-memory index against a plain reference implementation of connpass's semantics and our rules.

The index answers with bitsets, memoised keywords and precomputed orders; the reference is the obvious
list comprehension. Random queries (a fixed seed, bounded count) over the sample catalogue must agree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest

from agent.clock import JST
from agent.events import SORT_KEYS, Event, is_full, is_recommendable, parse_time
from agent.filters import in_title
from agent.sources.base import SearchQuery
from agent.sources.index import EventIndex, index_event, positions
from agent.sources.prefectures import prefecture_of
from agent.sources.sample import SampleCatalogue
from agent.text import html_to_text, normalize

CATALOGUE = SampleCatalogue()
EVENTS = CATALOGUE.events
INDEX = CATALOGUE.index
WORDS = ["python", "Rust", "TypeScript", "勉強会", "生成AI", "LT", "もくもく", "東京都", "オンライン", "zzz", "ａｗｓ"]
MONTHS = sorted({f"{parse_time(e['started_at']):%Y%m}" for e in EVENTS})
PREFS = ["tokyo", "osaka", "online", "fukuoka", "hokkaido"]


def _text(event: Event) -> str:
    parts = (event.get("title"), event.get("catch"), html_to_text(event.get("description")), event.get("address"))
    return "\n".join(normalize(p) for p in parts if p)


TEXTS = {e["id"]: _text(e) for e in EVENTS}


def _reference(query: SearchQuery) -> list[Event]:
    def ok(e: Event) -> bool:
        start = parse_time(e["started_at"])
        assert start is not None
        local = start.astimezone(JST)
        text = TEXTS[e["id"]]
        return (
            (not query.ym or f"{local:%Y%m}" in query.ym)
            and (not query.ymd or f"{local:%Y%m%d}" in query.ymd)
            and (
                not query.prefecture
                or prefecture_of(e.get("address"), e.get("place"), e.get("event_type")) in query.prefecture
            )
            and all(normalize(k) in text for k in query.keyword)
            and (not query.keyword_or or any(normalize(k) in text for k in query.keyword_or))
        )

    return [e for e in EVENTS if ok(e)]


def _random_query(rng: random.Random) -> SearchQuery:
    days = [f"{parse_time(e['started_at']):%Y%m%d}" for e in rng.sample(EVENTS, 3)]
    return SearchQuery(
        keyword=tuple(rng.sample(WORDS, rng.choice([0, 0, 1, 2]))),
        keyword_or=tuple(rng.sample(WORDS, rng.choice([0, 0, 2]))),
        ym=tuple(rng.sample(MONTHS, rng.choice([0, 1, 3]))),
        ymd=tuple(days[: rng.choice([0, 0, 3])]),
        prefecture=tuple(rng.sample(PREFS, rng.choice([0, 1, 2]))),
        order=rng.choice([1, 2, 3]),
        start=rng.choice([1, 1, 3]),
        count=rng.choice([5, 100]),
    )


def test_search_agrees_with_the_reference_on_random_queries() -> None:
    rng = random.Random(7)
    for _ in range(300):
        query = _random_query(rng)
        expected = _reference(query)
        result = INDEX.search(query)
        assert result.results_available == len(expected), query
        ids = [e["id"] for e in result.events]
        assert set(ids) <= {e["id"] for e in expected}
        assert len(ids) == len(expected[query.start - 1 : query.start - 1 + query.count])
        if query.order == 2:
            starts = [e["started_at"] for e in result.events]
            assert starts == sorted(starts, key=lambda s: parse_time(s) or dt.datetime.max)
        if query.order == 3:
            assert ids == sorted(ids, reverse=True)


@pytest.mark.parametrize("sort", ["date", "popular", "newest"])
@pytest.mark.parametrize("past", [False, True])
def test_find_ranks_exactly_like_the_rules(sort: Any, past: bool) -> None:
    rng = random.Random(f"{sort}-{past}")
    for _ in range(60):
        now = dt.datetime(2026, 11, 1, tzinfo=JST) + dt.timedelta(hours=rng.randrange(0, 24 * 120))
        base = _random_query(rng)
        other = _random_query(rng)  # like the tool: same keywords and places, another part of the period
        queries = [base, dataclasses.replace(base, ym=other.ym, ymd=other.ymd)]
        union = {e["id"]: e for q in queries for e in _reference(q)}
        kept = [e for e in union.values() if is_recommendable(e, now, past=past)]

        def key(e: Event, q: SearchQuery = base) -> Any:
            order = (SORT_KEYS[sort](e), parse_time(e["started_at"]), e["id"])
            return order if past else (is_full(e), not in_title(e, q.keyword, q.keyword_or), *order)

        expected = sorted(kept, key=key)
        if past and sort == "date":
            expected.reverse()
        first, size = rng.choice([0, 5]), rng.choice([5, 10])
        found = INDEX.find(queries, now=now, sort=sort, first=first, size=size, past=past)
        assert (found.matched, found.available) == (len(kept), len(union))
        got = [e["id"] for e in found.events]
        want = [e["id"] for e in expected[first : first + size]]
        if sort == "date" and past:  # ties in start time may come in either order
            assert [parse_time(e["started_at"]) for e in found.events] == [
                parse_time(e["started_at"]) for e in expected[first : first + size]
            ]
        else:
            assert got == want


def test_upcoming_never_includes_started_closed_or_cancelled_events() -> None:
    now = dt.datetime(2026, 12, 10, 12, 0, tzinfo=JST)
    found = INDEX.find([SearchQuery()], now=now, sort="popular", first=0, size=10_000, past=False)
    assert found.events and len(found.events) == found.matched
    for event in found.events:
        assert parse_time(event["started_at"]) > now  # type: ignore[operator]
        assert event["open_status"] not in ("close", "cancelled")


def test_returned_events_are_copies() -> None:
    event = INDEX.search(SearchQuery(count=1)).events[0]
    event["title"] = "changed"
    if isinstance(event.get("group"), dict):
        event["group"]["title"] = "changed"
    again = INDEX.search(SearchQuery(count=1)).events[0]
    assert again["title"] != "changed"
    assert not isinstance(again.get("group"), dict) or again["group"].get("title") != "changed"


def test_plain_text_descriptions_are_indexed_as_they_are() -> None:
    event = {"id": 1, "title": "t", "url": "u", "started_at": "2026-12-01T10:00:00+09:00", "description": "a <b> c"}
    assert "a <b> c" in index_event(event, html_description=False).text
    assert "<b>" not in index_event(event).text


def test_positions_lists_set_bits_in_order() -> None:
    assert positions(0) == []
    assert positions(0b1011) == [0, 1, 3]
    assert positions(1 << 4000 | 1 << 9) == [9, 4000]


def test_keyword_memo_is_bounded_and_answers_the_same() -> None:
    index = EventIndex.from_events(EVENTS)
    query = SearchQuery(keyword=("python",))
    assert index.search(query) == index.search(query) == INDEX.search(query)
