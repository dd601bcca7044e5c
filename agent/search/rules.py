"""Search rules in code, not in the prompt: what is recommendable, ranking and paging.

The facts they rest on (times, fill ratio, the sort keys) are in ``agent.events``; the searched period
is in ``agent.search.period``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from agent.events import HIDDEN_STATUSES, SORT_KEYS, Event, Sort, has_ended, is_full, is_recommendable
from agent.filters import in_title

__all__ = ["HIDDEN_STATUSES", "Sort", "has_ended", "page_of", "rank", "recommendable"]


def recommendable(events: Iterable[Event], now: dt.datetime, *, past: bool = False) -> list[Event]:
    """Upcoming (not started, still open) or, for ``past``, ended events; never cancelled ones."""
    return [e for e in events if is_recommendable(e, now, past=past)]


def rank(
    events: list[Event],
    sort: Sort,
    *,
    past: bool = False,
    keywords: tuple[str, ...] = (),
    any_keywords: tuple[str, ...] = (),
) -> list[Event]:
    """Order events: by start date (soonest first; most recent first for past events), popularity, or newness.

    For upcoming events, under every sort: events one can still join come before full ones (a waiting list is
    a weak recommendation), and events whose title or catch holds the keywords before those that mention them
    only in the description. Popularity is the number of participants, then how full, then the sooner date.
    The in-memory index ranks the same way (``EventIndex.find``).
    """
    key = SORT_KEYS[sort]
    if past:
        return sorted(events, key=key, reverse=sort == "date")
    return sorted(events, key=lambda e: (is_full(e), not in_title(e, keywords, any_keywords), key(e)))


def page_of(events: list[Event], page: int, size: int) -> tuple[list[Event], bool]:
    """One page (1-based) of ``events`` and whether more follow."""
    first = (page - 1) * size
    return events[first : first + size], len(events) > first + size
