"""Reading a paged source (live connpass): a budget of requests per search, and a short shared cache."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from agent.errors import SourceError
from agent.events import Event
from agent.filters import BEGINNER_FIELD, mentions_beginner
from agent.sources.base import EventSource, SearchQuery, SearchResult

logger = logging.getLogger(__name__)

#: Requests per search to a paged source (live connpass): up to 300 events read, 3 s of the key's 1 req/s.
#: The in-memory sources (sample, mirror) are not paged: every match is ranked.
MAX_SOURCE_PAGES = 3
#: How long identical source queries are answered from memory (connpass allows 1 request/second).
CACHE_SECONDS = 300.0

#: Event fields the tool never reads; the cache does not keep them (a description is kilobytes of HTML).
_UNREAD_FIELDS = frozenset({"description"})


@dataclass(frozen=True)
class Read:
    """What a paged source gave for a search's queries.

    Attributes:
        events: Every event read, deduplicated, in the order read.
        available: Matches the source reported (sum of ``results_available`` over the queries).
        complete: Every match was read.
    """

    events: list[Event]
    available: int
    complete: bool


def _slim(event: Event) -> Event:
    """The event without what the tool never reads, keeping what ``beginner`` needed from the description."""
    slim = {k: v for k, v in event.items() if k not in _UNREAD_FIELDS}
    slim[BEGINNER_FIELD] = mentions_beginner(event)
    return slim


class QueryCache:
    """A small TTL cache of what paged sources returned, shared by every session using the same source.

    It holds up to ``size`` reads of up to 300 events: slimmed events keep that to a few megabytes.
    """

    def __init__(self, ttl: float, size: int = 128, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._size, self._now = ttl, size, monotonic
        self._items: dict[Hashable, tuple[float, Read]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable) -> Read | None:
        with self._lock:
            hit = self._items.get(key)
            if hit and self._now() - hit[0] < self._ttl:
                return hit[1]
            return None

    def put(self, key: Hashable, read: Read) -> None:
        slim = [_slim(e) for e in read.events]
        with self._lock:
            now = self._now()
            for stale in [q for q, (stored, _) in self._items.items() if now - stored >= self._ttl]:
                del self._items[stale]
            self._items.pop(key, None)  # a refreshed entry counts as the newest
            if len(self._items) >= self._size:
                self._items.pop(next(iter(self._items)))
            self._items[key] = (now, dataclasses.replace(read, events=slim))


def fetch(source: EventSource, queries: list[SearchQuery], max_pages: int = MAX_SOURCE_PAGES) -> Read:
    """Read pages of ``queries`` (one per part of the period) within a budget of ``max_pages`` requests.

    The first page of every query comes first (each carries that query's ``results_available``), then
    further pages in period order. Anything after the very first request is best effort: if it fails,
    what was read is used and the result is marked incomplete.

    Raises:
        SourceError: The first request failed.
    """
    events: list[Event] = []
    seen: set[Any] = set()
    available, complete, requests = 0, True, 0
    next_start: list[int | None] = []

    def take(result: SearchResult) -> None:
        fresh = [e for e in result.events if e.get("id") not in seen]
        seen.update(e.get("id") for e in fresh)
        events.extend(fresh)

    for query in queries:
        if requests >= max_pages:
            complete = False
            next_start.append(None)
            continue
        try:
            first = source.search(query)
        except SourceError as exc:
            if requests == 0:
                raise
            logger.warning("kind=<%s> | a later part of the period failed, using what was read", exc.kind)
            complete = False
            next_start.append(None)
            requests += 1
            continue
        requests += 1
        available += first.results_available
        take(first)
        following = query.start + query.count
        next_start.append(following if following <= first.results_available and first.events else None)
        if next_start[-1] is not None and requests >= max_pages:
            complete = False
    for index, query in enumerate(queries):
        start = next_start[index]
        while start is not None:
            if requests >= max_pages:
                complete = False
                break
            try:
                page = source.search(dataclasses.replace(query, start=start))
            except SourceError as exc:
                logger.warning("kind=<%s>, start=<%d> | later page failed, using the pages read", exc.kind, start)
                complete = False
                break
            requests += 1
            take(page)
            start += query.count
            if start > page.results_available or not page.events:
                break
    return Read(events, available, complete and len(events) >= available)
