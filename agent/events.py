"""Facts about one connpass v2 event, as pure functions: its times, how full it is, and the ranking keys.

Every step that reasons about events (the in-memory index, the search rules, the compact view) uses these,
so "has it started", "is it full" and "which comes first" have one definition each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal

from agent.clock import JST

#: A connpass v2 event object, exactly as the API returns it.
Event = dict[str, Any]

Sort = Literal["date", "popular", "newest"]

#: Statuses never recommended for upcoming events (registration over, or the event will not happen).
HIDDEN_STATUSES = frozenset({"close", "cancelled"})

LATEST = dt.datetime.max.replace(tzinfo=JST)


def parse_time(value: Any) -> dt.datetime | None:
    """Parse connpass's ISO 8601 timestamps (naive values are taken as JST); ``None`` if absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)


def start_of(event: Event) -> dt.datetime | None:
    return parse_time(event.get("started_at"))


def has_started(event: Event, now: dt.datetime) -> bool:
    """True once the start is past (an event without a start time is never counted as started)."""
    start = start_of(event)
    return start is not None and start <= now


def has_ended(event: Event, now: dt.datetime) -> bool:
    """True once the event is over (its end, or its start when no end is given, is past)."""
    moment = parse_time(event.get("ended_at")) or start_of(event)
    return moment is not None and moment <= now


def fill_ratio(event: Event) -> float | None:
    """accepted / limit, or ``None`` when the event has no limit."""
    limit = event.get("limit")
    if not limit:
        return None
    return round(int(event.get("accepted") or 0) / int(limit), 2)


def is_recommendable(event: Event, now: dt.datetime, *, past: bool = False) -> bool:
    """Upcoming: not started yet and still taking sign-ups. Past: over, and not cancelled.

    An event that has started is never recommended as upcoming (one cannot join it from the start),
    and an ongoing one is not "past" either.
    """
    status = event.get("open_status")
    if status == "cancelled":
        return False
    if past:
        return has_ended(event, now)
    return not has_started(event, now) and status not in HIDDEN_STATUSES


def date_key(event: Event) -> dt.datetime:
    """Soonest first (events without a start time last)."""
    return start_of(event) or LATEST


def popular_key(event: Event) -> tuple[bool, int, float, dt.datetime]:
    """Most participants first, then the fuller, then the sooner; events one can still join before full ones."""
    ratio = fill_ratio(event) or 0.0
    return (ratio >= 1.0, -int(event.get("accepted") or 0), -ratio, date_key(event))


def newest_key(event: Event) -> int:
    """Most recently listed first (connpass ids grow with creation)."""
    return -int(event.get("id") or 0)


SORT_KEYS: dict[str, Callable[[Event], Any]] = {"date": date_key, "popular": popular_key, "newest": newest_key}


# -- who can still join, and when it happens -------------------------------------------------------------

#: Words in a title or catch that mark an event as one for beginners (normalised: NFKC, case-folded). The title
#: and catch are where organisers say who an event is for; descriptions mention 入門 and 初めて in boilerplate
#: ("初めての方もベテランの方も", links to 入門ガイド), which would make nearly every event a beginners' one.
BEGINNER_WORDS = ("初心者", "入門", "ビギナー", "初めて", "はじめて", "未経験", "beginner")
#: Phrases that say so anywhere, the description included.
BEGINNER_PHRASES = (
    "初心者向け",
    "初心者歓迎",
    "初心者大歓迎",
    "未経験者歓迎",
    "未経験歓迎",
    "for beginners",
    "beginner friendly",
    "beginner-friendly",
)

#: ``status`` values and the one wording every answer and UI uses for them.
STATUS_LABELS = {"open": "受付中", "full": "満席（補欠登録可）", "preopen": "募集開始前", "closed": "受付終了"}

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Start-hour bands for ``time_of_day`` (JST): [from, to) hours.
TIME_BANDS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (18, 24)}


def is_full(event: Event) -> bool:
    """No seat left (only the waiting list); events without a limit are never full."""
    limit = event.get("limit")
    return limit is not None and bool(limit) and int(event.get("accepted") or 0) >= int(limit)


def status_of(event: Event) -> str:
    """``closed`` (registration over or cancelled), ``preopen``, ``full`` or ``open``."""
    open_status = event.get("open_status")
    if open_status in HIDDEN_STATUSES:
        return "closed"
    if open_status == "preopen":
        return "preopen"
    return "full" if is_full(event) else "open"


def local_start(event: Event) -> dt.datetime | None:
    start = start_of(event)
    return start.astimezone(JST) if start else None


def weekday_code(moment: dt.datetime) -> str:
    return WEEKDAY_CODES[moment.astimezone(JST).weekday()]


def time_band(moment: dt.datetime) -> str:
    """``morning``, ``afternoon`` or ``evening`` of a JST start time."""
    hour = moment.astimezone(JST).hour
    return next(band for band, (low, high) in TIME_BANDS.items() if low <= hour < high)
