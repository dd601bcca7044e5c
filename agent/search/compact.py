"""Compact events: only what a recommendation needs (tokens are money), as plain text, never HTML."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from agent.clock import JST, WEEKDAYS_JA
from agent.events import STATUS_LABELS, Event, fill_ratio, parse_time, status_of
from agent.filters import mentions_beginner
from agent.sources.prefectures import ONLINE, prefecture_label, prefecture_of
from agent.text import plain_text

__all__ = ["compact_event", "fill_ratio", "format_when", "is_online", "parse_time", "plain_text"]

#: Enough of the catch for a one-line reason (the offline writer uses 40); each character is three bytes.
CATCH_MAX_CHARS = 50
#: Community names are short; a long one is cut rather than sent whole to the model.
GROUP_MAX_CHARS = 50


def format_when(start: dt.datetime | None, end: dt.datetime | None) -> str:
    """``2026年12月5日(土) 13:00〜18:00`` (the end date is spelled out when it differs)."""
    if start is None:
        return "日時未定"
    start = start.astimezone(JST)
    text = f"{start.year}年{start.month}月{start.day}日({WEEKDAYS_JA[start.weekday()]}) {start:%H:%M}"
    if end is not None:
        end = end.astimezone(JST)
        if end.date() == start.date():
            text += f"〜{end:%H:%M}"
        else:
            text += f"〜{end.month}月{end.day}日({WEEKDAYS_JA[end.weekday()]}) {end:%H:%M}"
    return text


def is_online(event: Event) -> bool:
    return prefecture_of(event.get("address"), event.get("place"), event.get("event_type")) == ONLINE


_OMITTED_WHEN_FALSY = frozenset({"waiting", "beginner", "online", "group"})


def group_title(event: Event) -> str:
    """The community (connpass ``group.title``) as plain text, or ``""`` when the event has none."""
    group = event.get("group")
    title = group.get("title") if isinstance(group, Mapping) else None
    return plain_text(title, GROUP_MAX_CHARS) if isinstance(title, str) else ""


def compact_event(event: Event, now: dt.datetime) -> dict[str, Any]:
    """The fields the model and the UIs need to recommend one event.

    ``ended``, ``waiting``, ``beginner``, ``online`` and ``group`` (the community's name) appear only when
    true / non-zero / known.
    """
    start, end = parse_time(event.get("started_at")), parse_time(event.get("ended_at"))
    slug = prefecture_of(event.get("address"), event.get("place"), event.get("event_type"))
    online = slug == ONLINE
    days_until = (start.astimezone(JST).date() - now.astimezone(JST).date()).days if start else None
    finish = end or start
    ended = finish is not None and finish <= now
    place = plain_text(event.get("place")) or ("オンライン" if online else "")
    status = status_of(event)
    compact: dict[str, Any] = {
        "id": event.get("id"),
        "title": plain_text(event.get("title")),
        "url": event.get("url") or "",
        "date": format_when(start, end),
        "started_at": event.get("started_at"),
        "ended_at": event.get("ended_at"),
        "days_until": days_until,
        "place": place,
        "address": plain_text(event.get("address")),
        "prefecture": prefecture_label(slug) if slug else "",
        "online": online,
        "accepted": int(event.get("accepted") or 0),
        "limit": event.get("limit") or None,
        "waiting": int(event.get("waiting") or 0),
        "catch": plain_text(event.get("catch"), CATCH_MAX_CHARS),
        "group": group_title(event),
        "status": status,
        "status_label": STATUS_LABELS[status],
        "beginner": mentions_beginner(event),
    }
    if ended:
        compact["ended"] = True
    # Tokens are money: flags and counts at their usual value are left out (absent means false / 0 / none).
    return {k: v for k, v in compact.items() if not (k in _OMITTED_WHEN_FALSY and not v)}
