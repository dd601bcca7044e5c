"""No dead ends: when a search finds nothing, the nearest searches that might, in a fixed and explained order.

The order is the tool's, not each model's, so every model offers the same alternatives and says the same
thing about them: later dates first (the topic and place were what the user cared about most), then the whole
prefecture instead of a place word within it (秋葉原 → 東京都), then online (the topic, anywhere), then the
neighbouring prefectures (same region), then one keyword fewer, then none of the day, time, beginner or seat
conditions. The tool runs them in order and returns the first that
finds events, labelled so the answer can say plainly what was relaxed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from agent.clock import JST
from agent.search.period import DEFAULT_WINDOW_MONTHS
from agent.sources.prefectures import ONLINE, REGIONS, nearby, prefecture_label

#: How far "later dates" looks: a year from this month (the default window is six months).
LATER_MONTHS = 12
#: After explicit months, "later dates" looks this many months further.
LATER_AFTER_MONTHS = 6
#: How the answer names a region ("中国" alone reads as China).
_REGION_NAMES = {"東北": "東北地方", "関東": "関東地方", "中部": "中部地方", "近畿": "近畿地方", "中国": "中国地方",
                 "四国": "四国地方", "九州・沖縄": "九州・沖縄地方"}  # fmt: skip
_CONDITIONS = ("days_of_week", "time_of_day", "beginner", "joinable_only")


@dataclass(frozen=True)
class Relaxation:
    """One relaxed search: what changed (``kind``), how the answer says it (``label``), the tool arguments."""

    kind: str
    label: str
    arguments: dict[str, Any]


def _month_after(ym: str, count: int) -> list[str]:
    year, month = int(ym[:4]), int(ym[4:])
    out = []
    for _ in range(count):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        out.append(f"{year:04d}{month:02d}")
    return out


def _later_dates(arguments: dict[str, Any], now: dt.datetime) -> Relaxation | None:
    months, dates = arguments.get("months") or [], arguments.get("dates") or []
    today = now.astimezone(JST).date()
    if dates:
        last = max(dates)
        start = f"{last[:6]}"
        window = [start, *_month_after(start, 2)]
    elif months:
        window = _month_after(max(months), LATER_AFTER_MONTHS)
    else:  # the default window: this month and the next five; look at the six after
        this = f"{today.year:04d}{today.month:02d}"
        window = _month_after(this, LATER_MONTHS - 1)[DEFAULT_WINDOW_MONTHS - 1 :]
    last_year, last_month = int(window[-1][:4]), int(window[-1][4:])
    end = dt.date(last_year, last_month, calendar.monthrange(last_year, last_month)[1])
    year = f"{end.year}年" if end.year != today.year else ""
    changed = {**arguments, "months": window, "dates": []}
    return Relaxation("later_dates", f"時期を{year}{end.month}月末まで広げると", _drop_empty(changed))


def _wider_area(arguments: dict[str, Any]) -> Relaxation | None:
    """Without the place word: the whole prefecture (秋葉原 → 東京都) is nearer than online or the next one."""
    place, places = arguments.get("place"), [p for p in arguments.get("prefectures") or [] if p != ONLINE]
    if not place:
        return None
    label = (
        f"{place}に限らず{'・'.join(prefecture_label(p) for p in places)}全体なら"
        if places
        else f"{place}以外も含めると"
    )
    return Relaxation("wider_area", label, _drop_empty({**arguments, "place": None}))


def _online(arguments: dict[str, Any]) -> Relaxation | None:
    places = arguments.get("prefectures") or []
    if places == [ONLINE] or not (places or arguments.get("place")):
        return None
    changed = {**arguments, "prefectures": [ONLINE], "place": None, "exclude_prefectures": []}
    return Relaxation("online", "オンライン開催なら", _drop_empty(changed))


def _nearby(arguments: dict[str, Any]) -> Relaxation | None:
    places = tuple(p for p in arguments.get("prefectures") or [] if p != ONLINE)
    excluded = set(arguments.get("exclude_prefectures") or [])
    around = tuple(p for p in nearby(places) if p not in excluded)
    if not around:
        return None
    regions = [_REGION_NAMES.get(n, n) for n, members in REGIONS.items() if any(p in members for p in places)]
    label = (
        f"近くの{'・'.join(prefecture_label(p) for p in around)}なら"
        if len(around) <= 3
        else f"同じ{'・'.join(regions)}の他の都道府県なら"
    )
    changed = {**arguments, "prefectures": list(around), "place": None}
    return Relaxation("nearby", label, _drop_empty(changed))


def _fewer_keywords(arguments: dict[str, Any]) -> Relaxation | None:
    keywords = list(arguments.get("keywords") or [])
    if len(keywords) < 2:
        return None
    dropped = keywords.pop()
    return Relaxation(
        "fewer_keywords", f"「{dropped}」を条件から外すと", _drop_empty({**arguments, "keywords": keywords})
    )


def _fewer_conditions(arguments: dict[str, Any]) -> Relaxation | None:
    present = [c for c in _CONDITIONS if arguments.get(c) and c != "place"]  # a place word: wider_area
    if not present:
        return None
    names = {"days_of_week": "曜日", "time_of_day": "時間帯", "beginner": "初心者向け", "joinable_only": "空席"}
    changed = {k: v for k, v in arguments.items() if k not in _CONDITIONS}
    label = "・".join(names[c] for c in present) + "の条件を外すと"
    return Relaxation("fewer_conditions", label, _drop_empty(changed))


def relaxations(arguments: dict[str, Any], now: dt.datetime) -> Iterator[Relaxation]:
    """The relaxed searches of ``arguments`` (tool arguments), nearest first; each changes one thing."""
    steps = (
        _later_dates(arguments, now),
        _wider_area(arguments),
        _online(arguments),
        _nearby(arguments),
        _fewer_keywords(arguments),
        _fewer_conditions(arguments),
    )
    yield from (step for step in steps if step is not None)


def _drop_empty(arguments: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in arguments.items() if v not in (None, [], "", False) or k in ("page", "page_size")}
