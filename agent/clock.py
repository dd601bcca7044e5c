"""Today's date in Japan, injectable so tests pin "today" and do not rot as real time passes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

JST = dt.timezone(dt.timedelta(hours=9), name="JST")

#: A clock returns the current aware datetime in JST.
Clock = Callable[[], dt.datetime]

WEEKDAYS_JA = ("月", "火", "水", "木", "金", "土", "日")


def system_clock() -> dt.datetime:
    """The real current time in JST."""
    return dt.datetime.now(JST)


def fixed_clock(moment: dt.datetime) -> Clock:
    """A clock frozen at ``moment`` (naive datetimes are taken as JST)."""
    frozen = moment if moment.tzinfo else moment.replace(tzinfo=JST)

    def _now() -> dt.datetime:
        return frozen

    return _now
