"""An in-memory index of connpass events, searched with connpass API v2's semantics.

The sample catalogue (300 events) and the event mirror (every upcoming event in Japan, 10,000+) share it.
At that size a linear scan per question is tens of milliseconds, so everything a search compares is
computed once at load and kept as bitsets over the events in start-date order (Python ints: AND/OR of
30,000 bits is a few microseconds): months, days, prefectures, statuses, and, lazily, each keyword seen
(an LRU memo, because keywords repeat across questions while scanning 30,000 descriptions does not get
cheaper). "Not started yet" is a range of that order, found by bisection.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import heapq
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from agent.clock import JST
from agent.events import (
    BEGINNER_PHRASES,
    BEGINNER_WORDS,
    HIDDEN_STATUSES,
    SORT_KEYS,
    TIME_BANDS,
    WEEKDAY_CODES,
    Event,
    Sort,
    is_full,
    is_recommendable,
    parse_time,
    popular_key,
)
from agent.filters import BEGINNER_FIELD, Filters, where_text
from agent.sources.base import SearchQuery, SearchResult
from agent.sources.prefectures import prefecture_of
from agent.text import html_to_text, normalize

#: Keywords whose matches are remembered (each costs N/8 bytes: 3.75 KB at 30,000 events).
KEYWORD_MEMO_SIZE = 1024
#: Below this share of candidates, a new keyword is checked on the candidates only and not memoised.
_SCAN_CANDIDATES_ONLY = 0.2

_INF = float("inf")
_JST_OFFSET = 9 * 3600
_BYTE_BITS = tuple(tuple(i for i in range(8) if byte >> i & 1) for byte in range(256))


@dataclass(frozen=True, slots=True)
class IndexedEvent:
    """One event and what searches compare, computed once.

    Attributes:
        event: The connpass v2 event (shared: never modify it, hand out copies).
        text: Normalised title, catch, description (as text) and address: what ``keyword`` matches.
        start: Start as a POSIX timestamp (``inf`` if unknown).
        ym: ``yyyymm`` of the local (JST) start date (``""`` if unknown).
        ymd: ``yyyymmdd`` of the local start date.
        prefecture: connpass slug, ``online``, or ``None``.
        title: Normalised title and catch (keywords found here rank first).
        where: Normalised address and place name (what a ``place`` word matches).
    """

    event: Event
    text: str
    start: float
    ym: str
    ymd: str
    prefecture: str | None
    title: str = ""
    where: str = ""


def search_text(event: Event, *, html_description: bool = True, description_limit: int | None = None) -> str:
    """What connpass's ``keyword`` matches, normalised: title, catch, description (as text) and address.

    Args:
        event: A connpass v2 event.
        html_description: The description is HTML (connpass) rather than plain text already.
        description_limit: Keep only the first characters of the description text (the mirror's cap).
    """
    description = event.get("description") or ""
    if not isinstance(description, str):
        description = ""
    if html_description:
        description = html_to_text(description)
    if description_limit is not None:
        description = description[:description_limit]
    fields = (event.get("title"), event.get("catch"), description, event.get("address"))
    return "\n".join(normalize(f) for f in fields if isinstance(f, str) and f)


def headline_text(event: Event) -> str:
    """Normalised title and catch: where a keyword ranks an event first."""
    return normalize(f"{event.get('title') or ''}\n{event.get('catch') or ''}")


def _local_day(value: Any, start: dt.datetime) -> tuple[str, str]:
    """``yyyymm`` and ``yyyymmdd`` of the JST start; read off connpass's ``+09:00`` timestamps without formatting."""
    if isinstance(value, str) and len(value) >= 25 and value.endswith("+09:00"):
        return value[0:4] + value[5:7], value[0:4] + value[5:7] + value[8:10]
    local = start.astimezone(JST)
    return f"{local:%Y%m}", f"{local:%Y%m%d}"


def index_event(
    event: Event,
    *,
    html_description: bool = True,
    text: str | None = None,
    title: str | None = None,
    where: str | None = None,
) -> IndexedEvent:
    """Prepare one event for searching.

    Args:
        event: A connpass v2 event.
        html_description: The description is HTML (``False`` when it is plain text already).
        text: The search text computed earlier (``search_text``), e.g. stored in a mirror snapshot.
        title: ``headline_text`` computed earlier.
        where: ``agent.filters.where_text`` computed earlier.
    """
    start = parse_time(event.get("started_at"))
    ym, ymd = _local_day(event.get("started_at"), start) if start else ("", "")
    return IndexedEvent(
        event=event,
        text=search_text(event, html_description=html_description) if text is None else text,
        start=start.timestamp() if start else _INF,
        ym=ym,
        ymd=ymd,
        prefecture=prefecture_of(event.get("address"), event.get("place"), event.get("event_type")),
        title=headline_text(event) if title is None else title,
        where=where_text(event) if where is None else where,
    )


@dataclass(frozen=True)
class Found:
    """One page of a search, with the counts a recommendation needs.

    Attributes:
        events: The page's events (copies), in the requested order.
        matched: Events that can be recommended (upcoming and joinable, or past) among all matches.
        available: All matches, whatever their status (what connpass calls ``results_available``).
        closed: Upcoming matches not shown because registration is over or the event was cancelled.
        full: Full matches not shown because the search asked for joinable events only.
    """

    events: list[Event]
    matched: int
    available: int
    closed: int = 0
    full: int = 0


def copy_event(event: Event) -> Event:
    """A copy callers may change without corrupting the shared index (nested ``group`` included)."""
    copied = dict(event)
    if isinstance(copied.get("group"), dict):
        copied["group"] = dict(copied["group"])
    return copied


def _or(bitsets: Iterable[int]) -> int:
    result = 0
    for bits in bitsets:
        result |= bits
    return result


def _bitset(members: Sequence[int], n: int) -> int:
    """The int whose bits ``members`` are set (built as bytes: OR-ing one bit at a time is quadratic)."""
    if not members:
        return 0
    data = bytearray((n + 7) // 8)
    for i in members:
        data[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(data, "little")


def positions(bits: int) -> list[int]:
    """Indexes of the set bits, ascending."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    out: list[int] = []
    for byte_index, byte in enumerate(data):
        if byte:
            base = byte_index * 8
            out.extend(base + i for i in _BYTE_BITS[byte])
    return out


class _Order:
    """A permutation of the index (``sequence``) and each event's place in it (``rank``)."""

    __slots__ = ("rank", "sequence")

    def __init__(self, sequence: list[int]) -> None:
        self.sequence = sequence
        self.rank = [0] * len(sequence)
        for place, i in enumerate(sequence):
            self.rank[i] = place


class EventIndex:
    """Events searchable like ``GET /api/v2/events/``; immutable after construction, thread-safe.

    Args:
        entries: Prepared events (see ``index_event``), in any order.
    """

    def __init__(self, entries: Iterable[IndexedEvent]) -> None:
        ordered = sorted(entries, key=lambda e: (e.start, int(e.event.get("id") or 0)))
        self._entries: tuple[IndexedEvent, ...] = tuple(ordered)
        self._starts = [e.start for e in ordered]
        n = len(ordered)
        self._all = (1 << n) - 1
        months: dict[str, list[int]] = {}
        days: dict[str, list[int]] = {}
        prefectures: dict[str | None, list[int]] = {}
        weekdays: dict[str, list[int]] = {}
        bands: dict[str, list[int]] = {}
        hidden: list[int] = []
        full: list[int] = []
        band_of_hour = [next(b for b, (low, high) in TIME_BANDS.items() if low <= h < high) for h in range(24)]
        for i, entry in enumerate(ordered):
            event = entry.event
            months.setdefault(entry.ym, []).append(i)
            days.setdefault(entry.ymd, []).append(i)
            prefectures.setdefault(entry.prefecture, []).append(i)
            if event.get("open_status") in HIDDEN_STATUSES:
                hidden.append(i)
            if is_full(event):
                full.append(i)
            if entry.start != _INF:  # weekday and hour in Japan, from the timestamp (JST has no daylight saving)
                local = int(entry.start) + _JST_OFFSET
                weekdays.setdefault(WEEKDAY_CODES[(local // 86400 + 3) % 7], []).append(i)  # 1970-01-01: Thursday
                bands.setdefault(band_of_hour[local % 86400 // 3600], []).append(i)

        def bitsets(groups: dict[Any, list[int]]) -> dict[Any, int]:
            return {value: _bitset(members, n) for value, members in groups.items()}

        self._months, self._days, self._prefectures = bitsets(months), bitsets(days), bitsets(prefectures)
        self._weekdays, self._bands = bitsets(weekdays), bitsets(bands)
        self._hidden, self._full = _bitset(hidden, n), _bitset(full, n)
        self._memo: OrderedDict[str, int] = OrderedDict()
        self._seen: dict[str, int] = {}
        self._lock = threading.Lock()

    @functools.cached_property
    def _orders(self) -> dict[int, _Order]:
        """connpass orders 1 (updated, newest first) and 3 (created, newest first); 2 is this index's own order.

        Built on first use: only the connpass-semantics ``search`` needs them, not the search tool.
        """
        ids = [int(e.event.get("id") or 0) for e in self._entries]
        floor = dt.datetime.min.replace(tzinfo=dt.UTC)
        updated = [parse_time(e.event.get("updated_at")) or floor for e in self._entries]
        n = len(self._entries)
        return {
            1: _Order(sorted(range(n), key=lambda i: (updated[i], ids[i]), reverse=True)),
            3: _Order(sorted(range(n), key=ids.__getitem__, reverse=True)),
        }

    @functools.cached_property
    def _ranks(self) -> dict[str, _Order]:
        """The search rules' sort keys (``agent.events.SORT_KEYS``) as orders, built on first use.

        Date is this index's own order; newest is connpass's order 3; popular is sorted on its key.
        """
        n = len(self._entries)
        popular = [popular_key(e.event) for e in self._entries]
        return {
            "date": _Order(list(range(n))),
            "newest": self._orders[3],
            "popular": _Order(sorted(range(n), key=popular.__getitem__)),
        }

    @classmethod
    def from_events(cls, events: Iterable[Event], *, html_description: bool = True) -> EventIndex:
        return cls(index_event(e, html_description=html_description) for e in events)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def events(self) -> list[Event]:
        """Every event (copies), by start date."""
        return [copy_event(e.event) for e in self._entries]

    # -- matching -------------------------------------------------------------------------------------
    def _keyword_bits(self, keyword: str, candidates: int, field: str = "text") -> int:
        """Events whose ``field`` (``text``, ``title`` or ``where``) contains ``keyword`` (normalised).

        Exact for every event in ``candidates``; outside them only if the answer was memoised.
        """
        key = f"{field}:{keyword}"
        with self._lock:
            known = self._memo.get(key)
            if known is not None:
                self._memo.move_to_end(key)
                return known
        n = len(self._entries)
        entries = self._entries
        with self._lock:
            uses = self._seen[key] = self._seen.get(key, 0) + 1
            if len(self._seen) > 8 * KEYWORD_MEMO_SIZE:
                self._seen.clear()
        if n and uses == 1 and candidates.bit_count() < n * _SCAN_CANDIDATES_ONLY:
            # First use, few candidates: check just those. A second use scans everything once and remembers it.
            return _bitset([i for i in positions(candidates) if keyword in getattr(entries[i], field)], n)
        bits = _bitset([i for i, entry in enumerate(entries) if keyword in getattr(entry, field)], n)
        with self._lock:
            self._memo[key] = bits
            if len(self._memo) > KEYWORD_MEMO_SIZE:
                self._memo.popitem(last=False)
        return bits

    def match(self, query: SearchQuery) -> int:
        """The bitset of events matching ``query``'s filters (connpass semantics; ``start``/``count`` ignored).

        Different parameters combine with AND; the values of one parameter with OR, except ``keyword``
        (every one must appear). Keywords are matched on the normalised title, catch, description text and
        address.
        """
        bits = self._all
        months = {v.strip() for v in query.ym if v.strip()}
        if months:
            bits &= _or(self._months.get(m, 0) for m in months)
        days = {v.strip() for v in query.ymd if v.strip()}
        if days:
            bits &= _or(self._days.get(d, 0) for d in days)
        prefectures = {v.strip().lower() for v in query.prefecture if v.strip()}
        if prefectures:
            bits &= _or(self._prefectures.get(p, 0) for p in prefectures)
        for keyword in dict.fromkeys(k for k in map(normalize, query.keyword) if k):
            if not bits:
                break
            bits &= self._keyword_bits(keyword, bits)
        any_of = [k for k in dict.fromkeys(map(normalize, query.keyword_or)) if k]
        if any_of and bits:
            bits &= _or(self._keyword_bits(k, bits) for k in any_of)
        return bits

    # -- connpass API v2 ------------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        """Filter, order and page like ``GET /api/v2/events/``."""
        bits = self.match(query)
        if query.order == 2:
            chosen = self._lowest(bits, query.start - 1 + query.count)[query.start - 1 :]
        else:
            chosen = self._first_in_order(bits, self._orders[query.order], query.start - 1, query.count)
        return SearchResult(
            results_returned=len(chosen),
            results_available=bits.bit_count(),
            results_start=query.start,
            events=[copy_event(self._entries[i].event) for i in chosen],
        )

    # -- what the search tool asks --------------------------------------------------------------------
    def find(
        self,
        queries: Sequence[SearchQuery],
        *,
        now: dt.datetime,
        sort: Sort,
        first: int,
        size: int,
        past: bool,
        filters: Filters | None = None,
    ) -> Found:
        """Events matching any of ``queries`` and ``filters`` that can be recommended, ranked; one page of them.

        Ranking: joinable events before full ones, then events whose title or catch holds the keywords before
        those matching only in the description, then ``sort``.

        Args:
            queries: Source queries (their union is searched; ``order``/``start``/``count`` are ignored).
            now: Current time: upcoming means not started yet, past means over.
            sort: ``date`` (soonest first; for past searches, most recent first), ``popular`` or ``newest``.
            first: 0-based index of the page's first event among the ranked recommendable events.
            size: Page size.
            past: Search events that are over instead of upcoming ones.
            filters: Conditions beyond connpass's parameters (``agent.search.filters``).
        """
        filters = filters or Filters()
        bits = _or(self.match(q) for q in queries)
        available = bits.bit_count()
        bits = self._apply(bits, filters)
        if past:  # rare and small (a few months): the general rules on the matches
            kept = [i for i in positions(bits) if is_recommendable(self._entries[i].event, now, past=True)]
            key = SORT_KEYS[sort]
            kept.sort(key=lambda i: key(self._entries[i].event), reverse=sort == "date")
            page = [self._copy(i) for i in kept[first : first + size]]
            return Found(page, len(kept), available)
        upcoming_from = bisect.bisect_right(self._starts, now.timestamp())
        bits &= self._all >> upcoming_from << upcoming_from
        closed = (bits & self._hidden).bit_count()
        bits &= ~self._hidden
        full_left_out = 0
        if filters.joinable_only:
            full_left_out = (bits & self._full).bit_count()
            bits &= ~self._full
        matched = bits.bit_count()
        titled = self._title_bits(queries[0] if queries else SearchQuery(), bits)
        tiers = [
            bits & ~self._full & titled,
            bits & ~self._full & ~titled,
            bits & self._full & titled,
            bits & self._full & ~titled,
        ]
        chosen: list[int] = []
        skip, want = first, size
        for tier in tiers:
            if want <= 0:
                break
            count = tier.bit_count()
            if skip >= count:
                skip -= count
                continue
            if sort == "date":
                picked = self._lowest(tier, skip + want)[skip:]
            else:
                picked = self._first_in_order(tier, self._ranks[sort], skip, want)
            chosen += picked
            want -= len(picked)
            skip = 0
        events = [self._copy(i) for i in chosen]
        return Found(events, matched, available, closed, full_left_out)

    def _apply(self, bits: int, filters: Filters) -> int:
        """``bits`` narrowed by the conditions connpass has no parameter for."""
        if filters.exclude_prefectures:
            bits &= ~_or(self._prefectures.get(p, 0) for p in filters.exclude_prefectures)
        if filters.days_of_week:
            bits &= _or(self._weekdays.get(d, 0) for d in filters.days_of_week)
        if filters.time_of_day:
            bits &= _or(self._bands.get(b, 0) for b in filters.time_of_day)
        if filters.place and bits:
            bits &= self._keyword_bits(filters.place, bits, "where")
        if filters.beginner and bits:
            bits &= self._beginner_bits(bits)
        return bits

    def _beginner_bits(self, candidates: int) -> int:
        """Candidates for beginners, as ``agent.filters.mentions_beginner`` decides it."""
        if not candidates:
            return 0
        headline = _or(self._keyword_bits(w, candidates, "title") for w in BEGINNER_WORDS)
        return headline | _or(self._keyword_bits(p, candidates) for p in BEGINNER_PHRASES)

    def _title_bits(self, query: SearchQuery, candidates: int) -> int:
        """Candidates whose title or catch holds every required keyword and one of the optional ones."""
        required = [k for k in map(normalize, query.keyword) if k]
        optional = [k for k in map(normalize, query.keyword_or) if k]
        if not (required or optional) or not candidates:
            return candidates
        bits = candidates
        for keyword in required:
            bits &= self._keyword_bits(keyword, candidates, "title")
        if optional:
            bits &= _or(self._keyword_bits(k, candidates, "title") for k in optional)
        return bits

    def _copy(self, index: int) -> Event:
        """A copy of the ``index``-th event that also says whether it suits beginners (its description may be gone)."""
        entry = self._entries[index]
        copied = copy_event(entry.event)
        copied[BEGINNER_FIELD] = any(w in entry.title for w in BEGINNER_WORDS) or any(
            p in entry.text for p in BEGINNER_PHRASES
        )
        return copied

    @staticmethod
    def _lowest(bits: int, count: int) -> list[int]:
        """The ``count`` lowest set bits (cheap when ``count`` is small, whatever the size)."""
        out: list[int] = []
        while bits and len(out) < count:
            low = bits & -bits
            out.append(low.bit_length() - 1)
            bits ^= low
        return out

    @staticmethod
    def _first_in_order(bits: int, order: _Order, skip: int, count: int) -> list[int]:
        """Members of ``bits`` in ``order``, from the ``skip``-th, at most ``count``."""
        if bits.bit_count() * 8 < len(order.sequence):  # few matches: rank them, do not walk the whole order
            return heapq.nsmallest(skip + count, positions(bits), key=order.rank.__getitem__)[skip:]
        flags = bin(bits)[2:][::-1]
        out: list[int] = []
        seen = 0
        for i in order.sequence:
            if i < len(flags) and flags[i] == "1":
                if seen >= skip:
                    out.append(i)
                    if len(out) == count:
                        break
                seen += 1
        return out
