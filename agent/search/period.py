"""The period a search covers, as connpass date parameters.

connpass sorts by start date, and thousands of events a month means a month's first pages are its
already-finished events. So a search never asks for the days of this month that are over: without a
time in the question it covers today to the end of this month by day (``ymd``) and the next five months
by month (``ym``), as two source queries (whether connpass ORs ``ym`` with ``ymd`` in one request is
not documented). An explicit month keeps its meaning; if it is this month, only its remaining days are
asked for, which finds the same upcoming events.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from agent.clock import JST

#: Months searched when the question names no time: this month and the next five.
DEFAULT_WINDOW_MONTHS = 6
#: Months searched for past events when the question names no time: this month and the two before.
PAST_WINDOW_MONTHS = 3


@dataclass(frozen=True)
class DateParts:
    """The date parameters of one source query."""

    ym: tuple[str, ...] = ()
    ymd: tuple[str, ...] = ()


@dataclass(frozen=True)
class Period:
    """What a search covers.

    Attributes:
        parts: One source query per part (the union is the period).
        first: First day covered (``None`` when the explicit values are unreadable as dates).
        last: Last day covered.
        implicit: The question named no time; the answer should say which period was searched.
    """

    parts: tuple[DateParts, ...]
    first: dt.date | None
    last: dt.date | None
    implicit: bool

    def label(self, today: dt.date) -> str:
        """How the answer names the period: ``今日から2027年5月末まで``."""
        if self.first is None or self.last is None:
            return ""
        start = "今日" if self.first == today else _day(self.first, today)
        end = "今日" if self.last == today else _day(self.last, today, month_end=True)
        return f"{start}から{end}まで"

    def as_dict(self, today: dt.date) -> dict[str, object]:
        return {
            "from": self.first.isoformat() if self.first else None,
            "to": self.last.isoformat() if self.last else None,
            "label": self.label(today),
            "implicit": self.implicit,
        }


def _day(day: dt.date, today: dt.date, *, month_end: bool = False) -> str:
    year = f"{day.year}年" if day.year != today.year else ""
    if month_end and day.day == calendar.monthrange(day.year, day.month)[1]:
        return f"{year}{day.month}月末"
    return f"{year}{day.month}月{day.day}日"


def _months_from(year: int, month: int, count: int) -> list[str]:
    out = []
    for _ in range(count):
        out.append(f"{year:04d}{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _month_bounds(ym: str) -> tuple[dt.date, dt.date]:
    year, month = int(ym[:4]), int(ym[4:])
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _rest_of_month(today: dt.date) -> tuple[str, ...]:
    last = calendar.monthrange(today.year, today.month)[1]
    return tuple(f"{today.year:04d}{today.month:02d}{d:02d}" for d in range(today.day, last + 1))


def month_window(now: dt.datetime, months: int = DEFAULT_WINDOW_MONTHS) -> tuple[str, ...]:
    """``yyyymm`` values from this month (JST) forward."""
    today = now.astimezone(JST).date()
    return tuple(_months_from(today.year, today.month, months))


def past_window(now: dt.datetime, months: int = PAST_WINDOW_MONTHS) -> tuple[str, ...]:
    """``yyyymm`` values of this month (JST) and the ``months - 1`` before it, oldest first."""
    local = now.astimezone(JST)
    index = local.year * 12 + local.month - 1
    return tuple(f"{i // 12:04d}{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1))


def validate_months(values: tuple[str, ...]) -> None:
    """Raise ``ValueError`` (the model can correct itself) unless every value is ``yyyymm``."""
    for value in values:
        if not (len(value) == 6 and value.isascii() and value.isdigit() and 1 <= int(value[4:]) <= 12):
            raise ValueError(f"months must be 'yyyymm' like '202612', got {value!r}")


def validate_dates(values: tuple[str, ...]) -> None:
    """Raise ``ValueError`` unless every value is a real ``yyyymmdd`` day."""
    for value in values:
        try:
            if not (len(value) == 8 and value.isascii() and value.isdigit()):
                raise ValueError
            dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            raise ValueError(f"dates must be 'yyyymmdd' like '20261205', got {value!r}") from None


def plan_period(
    now: dt.datetime,
    months: tuple[str, ...] = (),
    dates: tuple[str, ...] = (),
    *,
    past: bool = False,
    window_months: int = DEFAULT_WINDOW_MONTHS,
) -> Period:
    """The source queries' date parameters for a search (see the module docstring).

    Raises:
        ValueError: A month or date is not ``yyyymm`` / ``yyyymmdd``.
    """
    validate_months(months)
    validate_dates(dates)
    today = now.astimezone(JST).date()
    this_month = f"{today.year:04d}{today.month:02d}"
    if dates or (months and past):
        days = sorted(dt.date(int(d[:4]), int(d[4:6]), int(d[6:])) for d in dates)
        bounds = [b for m in months for b in _month_bounds(m)]
        span = sorted(days + bounds)
        return Period((DateParts(months, dates),), span[0], span[-1], implicit=False)
    if past:
        window = past_window(now)
        return Period((DateParts(ym=window),), _month_bounds(window[0])[0], today, implicit=True)
    if months:
        later = tuple(m for m in months if m != this_month)
        parts = [DateParts(ymd=_rest_of_month(today))] if this_month in months else []
        if later:
            parts.append(DateParts(ym=later))
        first = min([today] * (this_month in months) + [_month_bounds(m)[0] for m in later])
        last = max(_month_bounds(m)[1] for m in months)
        return Period(tuple(parts), first, last, implicit=False)
    later = tuple(_months_from(today.year, today.month, window_months)[1:])
    parts = [DateParts(ymd=_rest_of_month(today))] + ([DateParts(ym=later)] if later else [])
    return Period(tuple(parts), today, _month_bounds(later[-1] if later else this_month)[1], implicit=True)
