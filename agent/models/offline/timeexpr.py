"""Japanese time expressions (今月, 来月, 12月, 年末, 今週末, 来週 …) → connpass ``months`` / ``dates``.

Recurring days and hours (平日, 週末, 土曜, 夜) are ``modifiers``; this module reads the calendar (今週末, 来週の金曜).

Everything is computed from an injected ``now`` in JST, so tests pin "today" and answers never rot.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from agent.clock import JST

#: Days ending at most this long ago are read as "that recent day" (past), not as the same day next year.
RECENT_DAYS = 31
#: Longest span turned into a ``dates`` list (longer spans use ``months``).
MAX_DAYS = 31


@dataclass(frozen=True)
class When:
    """A time constraint: months ``yyyymm`` or days ``yyyymmdd``; ``anytime`` lifts a previous constraint."""

    months: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    include_past: bool = False
    anytime: bool = False


def _ym(year: int, month: int) -> str:
    return f"{year:04d}{month:02d}"


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + by
    return index // 12, index % 12 + 1


def _days(first: dt.date, last: dt.date) -> tuple[str, ...]:
    count = min((last - first).days, MAX_DAYS - 1)
    return tuple(f"{first + dt.timedelta(days=i):%Y%m%d}" for i in range(count + 1))


def _month_of(today: dt.date, by: int) -> When:
    year, month = _shift(today.year, today.month, by)
    return When(months=(_ym(year, month),), include_past=by < 0)


def _next_month(today: dt.date, month: int, year_word: str | None = None, year: str | None = None) -> tuple[int, int]:
    """The year of month ``month``: explicit, 来年/今年/再来年, or its next occurrence from today."""
    if year:
        return int(year), month
    if year_word:
        return today.year + {"今年": 0, "来年": 1, "再来年": 2}[year_word], month
    return (today.year if month >= today.month else today.year + 1), month


def _date(today: dt.date, year: int | None, month: int, day: int) -> When | None:
    try:
        if year is not None:
            return _day_when(today, dt.date(year, month, day))
        candidate = dt.date(today.year, month, day)
    except ValueError:
        return None
    if candidate < today and (today - candidate).days > RECENT_DAYS:
        candidate = candidate.replace(year=today.year + 1)
    return _day_when(today, candidate)


def _day_when(today: dt.date, day: dt.date) -> When:
    return When(dates=(f"{day:%Y%m%d}",), include_past=day < today)


_PART_DAYS = {"上旬": (1, 10), "初旬": (1, 10), "頭": (1, 10), "初め": (1, 10), "はじめ": (1, 10), "前半": (1, 15),
              "中旬": (11, 20), "下旬": (21, 31), "末": (21, 31), "後半": (16, 31)}  # fmt: skip
_PART = "(上旬|初旬|中旬|下旬|末|頭|初め|はじめ|前半|後半)"
_RELATIVE = {"今月": 0, "来月": 1, "再来月": 2}


def _part_of_month(year: int, month: int, part: str) -> When:
    lo, hi = _PART_DAYS[part]
    hi = min(hi, calendar.monthrange(year, month)[1])
    return When(dates=_days(dt.date(year, month, lo), dt.date(year, month, hi)))


_WEEKEND = "(土日|週末|土曜日?|日曜日?)"


def _weekends_of(today: dt.date, year: int, month: int, which: str) -> When:
    """The Saturdays and/or Sundays of one month ("12月の土日", "来月の土曜"), from today on in this month."""
    wanted = {5} if which.startswith("土曜") else {6} if which.startswith("日曜") else {5, 6}
    last = calendar.monthrange(year, month)[1]
    days = [dt.date(year, month, d) for d in range(1, last + 1) if dt.date(year, month, d).weekday() in wanted]
    days = [d for d in days if d >= today] or days
    return When(dates=tuple(f"{d:%Y%m%d}" for d in days), include_past=days[-1] < today)


def _monday(today: dt.date, weeks: int = 0) -> dt.date:
    return today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=weeks)


def _weekend(today: dt.date, next_week: bool = False) -> When:
    if next_week:
        saturday = _monday(today, 1) + dt.timedelta(days=5)
        return When(dates=_days(saturday, saturday + dt.timedelta(days=1)))
    if today.weekday() == 6:
        return When(dates=_days(today, today))
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
    return When(dates=_days(saturday, saturday + dt.timedelta(days=1)))


def _week(today: dt.date, weeks: int) -> When:
    monday = _monday(today, weeks)
    first = max(monday, today) if weeks == 0 else monday
    return When(dates=_days(first, monday + dt.timedelta(days=6)), include_past=weeks < 0)


_WEEKDAYS = "月火水木金土日"


def _weekday(today: dt.date, which: str | None, name: str) -> When:
    target = _WEEKDAYS.index(name)
    if which in ("今週", "来週", "再来週"):
        day = _monday(today, {"今週": 0, "来週": 1, "再来週": 2}[which]) + dt.timedelta(days=target)
    else:
        ahead = (target - today.weekday()) % 7
        day = today + dt.timedelta(days=ahead or (7 if which in ("次", "今度") else 0))
    return _day_when(today, day)


def _season(today: dt.date, year_word: str | None, name: str) -> When:
    first = {"春": 3, "夏": 6, "秋": 9, "冬": 12}[name]
    year = today.year + (1 if year_word == "来年の" else 0)
    months = [_shift(year, first, i) for i in range(3)]
    if year_word is None and (today.year, today.month) > months[-1]:
        months = [_shift(year + 1, first, i) for i in range(3)]
    if year_word != "来年の":
        months = [m for m in months if m >= (today.year, today.month)] or months
    return When(months=tuple(_ym(y, m) for y, m in months))


def _year(today: dt.date, offset: int) -> When:
    year = today.year + offset
    first = today.month if offset == 0 else 1
    return When(months=tuple(_ym(year, m) for m in range(first, 13)), include_past=offset < 0)


def _holiday(today: dt.date, first: tuple[int, int], last: tuple[int, int]) -> When:
    """A yearly span (年末, GW …) at its next occurrence that has not ended yet."""
    year = today.year
    end_year = year + (1 if last < first else 0)
    if dt.date(end_year, *last) < today:
        year, end_year = year + 1, end_year + 1
    return When(dates=_days(dt.date(year, *first), dt.date(end_year, *last)))


def _n(match: re.Match[str], group: int) -> int:
    return int(match.group(group))


Handler = Callable[[re.Match[str], dt.date], "When | None"]

#: Most specific first; each match's text is masked so later, shorter patterns do not read it again.
_RULES: tuple[tuple[str, Handler], ...] = (
    (r"(\d{4})年(\d{1,2})月(\d{1,2})日", lambda m, t: _date(t, _n(m, 1), _n(m, 2), _n(m, 3))),
    (r"(?:(来年|今年|再来年)の?)?(?<!\d)(\d{1,2})月(\d{1,2})日",
     lambda m, t: _date(t, _next_month(t, _n(m, 2), m.group(1))[0] if m.group(1) else None, _n(m, 2), _n(m, 3))),
    (r"(?<![\d/])(\d{1,2})/(\d{1,2})(?![\d/])",
     lambda m, t: _date(t, None, _n(m, 1), _n(m, 2)) if 1 <= _n(m, 1) <= 12 else None),
    (r"(?:(\d{4})年|(来年|今年|再来年)の?)?(?<!\d)(\d{1,2})月の?" + _PART,
     lambda m, t: _part_of_month(*_next_month(t, _n(m, 3), m.group(2), m.group(1)), m.group(4))
     if 1 <= _n(m, 3) <= 12 else None),
    (r"(今月|来月|再来月)の?" + _PART,
     lambda m, t: _part_of_month(*_shift(t.year, t.month, _RELATIVE[m.group(1)]), m.group(2))),
    (r"(?:(\d{4})年|(来年|今年|再来年)の?)?(?<!\d)(\d{1,2})月の?" + _WEEKEND,
     lambda m, t: _weekends_of(t, *_next_month(t, _n(m, 3), m.group(2), m.group(1)), m.group(4))
     if 1 <= _n(m, 3) <= 12 else None),
    (r"(今月|来月|再来月)の?" + _WEEKEND,
     lambda m, t: _weekends_of(t, *_shift(t.year, t.month, _RELATIVE[m.group(1)]), m.group(2))),
    (r"(?<!\d)(\d{1,2})月(?:から|〜|~|-|ー)(\d{1,2})月",
     lambda m, t: _month_range(t, _n(m, 1), _n(m, 2))),
    (r"(\d{4})年(\d{1,2})月", lambda m, t: When(months=(_ym(_n(m, 1), _n(m, 2)),)) if 1 <= _n(m, 2) <= 12 else None),
    (r"(来年|今年|再来年)の?(\d{1,2})月",
     lambda m, t: When(months=(_ym(*_next_month(t, _n(m, 2), m.group(1))),)) if 1 <= _n(m, 2) <= 12 else None),
    (r"(?<!\d)(\d{1,2})月(?!曜|\d)",
     lambda m, t: When(months=(_ym(*_next_month(t, _n(m, 1))),)) if 1 <= _n(m, 1) <= 12 else None),
    (r"(\d{4})年(?!\d)", lambda m, t: When(months=tuple(_ym(_n(m, 1), i) for i in range(1, 13)))),
    (r"(今年の|来年の|この)?(春|夏|秋|冬)(?=休み|の|に|は|頃|ごろ|開催|で|、|。|\?|!|$|\s|ある|っぽ)",
     lambda m, t: _season(t, m.group(1), m.group(2))),
    (r"(?<![a-z])next month(?![a-z])", lambda m, t: _month_of(t, 1)),
    (r"(?<![a-z])this month(?![a-z])", lambda m, t: _month_of(t, 0)),
    (r"(?<![a-z])next weekend(?![a-z])", lambda m, t: _weekend(t, next_week=True)),
    (r"(?<![a-z])(?:this )?weekend(?![a-z])", lambda m, t: _weekend(t)),
    (r"(?<![a-z])next week(?![a-z])", lambda m, t: _week(t, 1)),
    (r"(?<![a-z])this week(?![a-z])", lambda m, t: _week(t, 0)),
    (r"(?<![a-z])tomorrow(?![a-z])", lambda m, t: _day_when(t, t + dt.timedelta(days=1))),
    (r"(?<![a-z])(?:today|tonight)(?![a-z])", lambda m, t: _day_when(t, t)),
    (r"再来月", lambda m, t: _month_of(t, 2)),
    (r"来月", lambda m, t: _month_of(t, 1)),
    (r"今月", lambda m, t: _month_of(t, 0)),
    (r"先々月", lambda m, t: _month_of(t, -2)),
    (r"先月", lambda m, t: _month_of(t, -1)),
    (r"年末年始", lambda m, t: _holiday(t, (12, 20), (1, 7))),
    (r"年末", lambda m, t: _holiday(t, (12, 20), (12, 31))),
    (r"年明け|年始|お正月|正月", lambda m, t: _month_of(t, 0 if t.month == 1 else 13 - t.month)),
    (r"年内|今年中|今年", lambda m, t: _year(t, 0)),
    (r"再来年", lambda m, t: _year(t, 2)),
    (r"来年", lambda m, t: _year(t, 1)),
    (r"去年|昨年", lambda m, t: _year(t, -1)),
    (r"ゴールデンウィーク|gw", lambda m, t: _holiday(t, (4, 29), (5, 5))),
    (r"クリスマス", lambda m, t: _holiday(t, (12, 24), (12, 25))),
    (r"お盆", lambda m, t: _holiday(t, (8, 13), (8, 16))),
    (r"来週末", lambda m, t: _weekend(t, next_week=True)),
    (r"今週末|この週末", lambda m, t: _weekend(t)),  # bare 週末 / 土日 / 土曜 are days of the week (modifiers)
    (r"(今週|来週|再来週|次|今度)の?([月火水木金土日])曜(?:日)?", lambda m, t: _weekday(t, m.group(1), m.group(2))),
    (r"再来週", lambda m, t: _week(t, 2)),
    (r"来週", lambda m, t: _week(t, 1)),
    (r"今週", lambda m, t: _week(t, 0)),
    (r"先週", lambda m, t: _week(t, -1)),
    (r"明後日|あさって", lambda m, t: _day_when(t, t + dt.timedelta(days=2))),
    (r"明日|あした|あす", lambda m, t: _day_when(t, t + dt.timedelta(days=1))),
    (r"今日|本日|今夜|今晩", lambda m, t: _day_when(t, t)),
    (r"昨日", lambda m, t: _day_when(t, t - dt.timedelta(days=1))),
    (r"(\d{1,2})週間(?:以内)?", lambda m, t: When(dates=_days(t, t + dt.timedelta(weeks=_n(m, 1), days=-1)))),
    (r"(\d{1,2})日以内", lambda m, t: When(dates=_days(t, t + dt.timedelta(days=_n(m, 1) - 1)))),
    (r"近々|もうすぐ|近いうち|近日", lambda m, t: When(dates=_days(t, t + dt.timedelta(days=13)))),
    (r"過去|終わった|終了した|開催済み|これまで|以前の", lambda m, t: When(include_past=True)),
    (r"いつでも|時期は問わ|時期問わず|期間は問わ|日程は問わ|時期の?指定なし|全期間", lambda m, t: When(anytime=True)),
)  # fmt: skip

_COMPILED = tuple((re.compile(pattern), handler) for pattern, handler in _RULES)


def _month_range(today: dt.date, first: int, last: int) -> When | None:
    if not (1 <= first <= 12 and 1 <= last <= 12):
        return None
    year, month = _next_month(today, first)
    span = (last - first) % 12
    return When(months=tuple(_ym(*_shift(year, month, i)) for i in range(span + 1)))


def parse_when(text: str, now: dt.datetime) -> tuple[When | None, list[tuple[int, int]]]:
    """The time constraint in ``text`` (normalised: NFKC, lower case) and the spans it was read from.

    Several expressions combine with OR ("来月か再来月"); days win over months when both appear, since
    connpass ANDs ``ym`` with ``ymd``.
    """
    today = now.astimezone(JST).date()
    masked = text
    found: list[When] = []
    spans: list[tuple[int, int]] = []
    for pattern, handler in _COMPILED:
        for match in pattern.finditer(masked):
            when = handler(match, today)
            if when is None:
                continue
            found.append(when)
            spans.append(match.span())
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    if not found:
        return None, []
    dates = tuple(dict.fromkeys(d for w in found for d in w.dates))
    months = () if dates else tuple(dict.fromkeys(m for w in found for m in w.months))
    past = any(w.include_past for w in found)
    anytime = all(w.anytime for w in found)
    return When(months=tuple(sorted(months)), dates=tuple(sorted(dates)), include_past=past, anytime=anytime), spans
