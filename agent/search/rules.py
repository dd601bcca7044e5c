"""Search rules in code, not in the prompt: date windows, what is recommendable, ranking, paging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Literal

from agent.clock import JST
from agent.search.compact import fill_ratio, parse_time
from agent.sources.base import Event

Sort = Literal["date", "popular", "newest"]

#: Months searched when the question names no time: this month and the next five.
DEFAULT_WINDOW_MONTHS = 6
#: Months searched for past events when the question names no time: this month and the two before.
PAST_WINDOW_MONTHS = 3
#: Statuses never recommended for upcoming events (registration over, or the event will not happen).
HIDDEN_STATUSES = frozenset({"close", "cancelled"})


def month_window(now: dt.datetime, months: int = DEFAULT_WINDOW_MONTHS) -> tuple[str, ...]:
    """``yyyymm`` values from this month (JST) forward, for connpass's ``ym`` parameter."""
    year, month = now.astimezone(JST).year, now.astimezone(JST).month
    out = []
    for _ in range(months):
        out.append(f"{year:04d}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return tuple(out)


def past_window(now: dt.datetime, months: int = PAST_WINDOW_MONTHS) -> tuple[str, ...]:
    """``yyyymm`` values of this month (JST) and the ``months - 1`` before it, oldest first."""
    local = now.astimezone(JST)
    index = local.year * 12 + local.month - 1
    return tuple(f"{i // 12:04d}{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1))


def has_ended(event: Event, now: dt.datetime) -> bool:
    """True once the event is over (its end, or its start when no end is given, is past)."""
    moment = parse_time(event.get("ended_at")) or parse_time(event.get("started_at"))
    return moment is not None and moment <= now


def recommendable(events: Iterable[Event], now: dt.datetime, *, past: bool = False) -> list[Event]:
    """Upcoming (or, for ``past``, ended) events; never cancelled ones, and never closed upcoming ones."""
    kept = []
    for event in events:
        status = event.get("open_status")
        if status == "cancelled":
            continue
        if past:
            if has_ended(event, now):
                kept.append(event)
        elif not has_ended(event, now) and status not in HIDDEN_STATUSES:
            kept.append(event)
    return kept


def _start_key(event: Event) -> dt.datetime:
    return parse_time(event.get("started_at")) or dt.datetime.max.replace(tzinfo=JST)


def rank(events: list[Event], sort: Sort, *, past: bool = False) -> list[Event]:
    """Order events: by start date (soonest first; most recent first for past events), popularity, or newness.

    Popularity is the number of participants, then how full the event is, then the sooner date; events one can
    still join come before full ones (a waiting list is a weak recommendation).
    """
    if sort == "popular":
        return sorted(
            events,
            key=lambda e: (
                (fill_ratio(e) or 0.0) >= 1.0,
                -(int(e.get("accepted") or 0)),
                -(fill_ratio(e) or 0.0),
                _start_key(e),
            ),
        )
    if sort == "newest":
        return sorted(events, key=lambda e: int(e.get("id") or 0), reverse=True)
    return sorted(events, key=_start_key, reverse=past)


def page_of(events: list[Event], page: int, size: int) -> tuple[list[Event], bool]:
    """One page (1-based) of ``events`` and whether more follow."""
    first = (page - 1) * size
    return events[first : first + size], len(events) > first + size
