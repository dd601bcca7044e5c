"""Japanese time expressions → connpass months/dates, relative to a pinned "now" (Tuesday 2026-11-24, JST)."""

from __future__ import annotations

import datetime as dt

import pytest

from agent.clock import JST
from agent.models.offline.lexicon import normalize
from agent.models.offline.timeexpr import When, parse_when

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)  # a Tuesday


def days(first: str, last: str) -> tuple[str, ...]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return tuple(f"{start + dt.timedelta(days=i):%Y%m%d}" for i in range((end - start).days + 1))


def when(text: str, now: dt.datetime = NOW) -> When | None:
    return parse_when(normalize(text), now)[0]


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("今月", ("202611",)),
        ("来月", ("202612",)),
        ("再来月", ("202701",)),
        ("12月", ("202612",)),
        ("11月", ("202611",)),  # the current month is still "this" November
        ("3月", ("202703",)),  # already past this year → next year
        ("１２月", ("202612",)),  # full-width digits
        ("2027年3月", ("202703",)),
        ("来年の12月", ("202712",)),
        ("来月か再来月", ("202612", "202701")),
        ("12月から2月", ("202612", "202701", "202702")),
        ("年明け", ("202701",)),
        ("来年", tuple(f"2027{m:02d}" for m in range(1, 13))),
        ("年内", ("202611", "202612")),
        ("冬", ("202612", "202701", "202702")),
        ("来年の春", ("202703", "202704", "202705")),
        ("next month", ("202612",)),
    ],
)
def test_months(text: str, months: tuple[str, ...]) -> None:
    assert when(text) == When(months=months)


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("今日", ("20261124",)),
        ("明日", ("20261125",)),
        ("あさって", ("20261126",)),
        ("今週末", ("20261128", "20261129")),
        ("来週末", ("20261205", "20261206")),
        ("今週", days("2026-11-24", "2026-11-29")),  # from today to Sunday
        ("来週", days("2026-11-30", "2026-12-06")),
        ("再来週", days("2026-12-07", "2026-12-13")),
        ("来週の金曜", ("20261204",)),
        ("12月5日", ("20261205",)),
        ("12/5", ("20261205",)),
        ("2027年1月9日", ("20270109",)),
        ("3月1日", ("20270301",)),  # long past this year → next year
        ("年末", days("2026-12-20", "2026-12-31")),
        ("年末年始", days("2026-12-20", "2027-01-07")),
        ("12月上旬", days("2026-12-01", "2026-12-10")),
        ("来月末", days("2026-12-21", "2026-12-31")),
        ("2月下旬", days("2027-02-21", "2027-02-28")),
        ("クリスマス", ("20261224", "20261225")),
        ("GW", days("2027-04-29", "2027-05-05")),
        ("2週間以内", days("2026-11-24", "2026-12-07")),
        ("12月5日か6日", ("20261205",)),  # "6日" alone is not a date expression
        ("来月の土日", ("20261205", "20261206", "20261212", "20261213", "20261219", "20261220", "20261226",
                    "20261227")),
        ("12月の週末", ("20261205", "20261206", "20261212", "20261213", "20261219", "20261220", "20261226",
                     "20261227")),
        ("12月の土曜日", ("20261205", "20261212", "20261219", "20261226")),
        ("来年1月の日曜", ("20270103", "20270110", "20270117", "20270124", "20270131")),
        ("今月の週末", ("20261128", "20261129")),  # this month's weekends still to come
        ("this weekend", ("20261128", "20261129")),
        ("next week", days("2026-11-30", "2026-12-06")),
        ("tomorrow", ("20261125",)),
    ],
)  # fmt: skip
def test_dates(text: str, dates: tuple[str, ...]) -> None:
    assert when(text) == When(dates=dates)


def test_days_win_over_months_because_connpass_ands_them() -> None:
    assert when("来月の今週末") == When(dates=("20261128", "20261129"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("先月", When(months=("202610",), include_past=True)),
        ("昨日", When(dates=("20261123",), include_past=True)),
        ("11月20日", When(dates=("20261120",), include_past=True)),  # a recent day is read as that day, not next year
        ("過去の", When(include_past=True)),
        ("いつでもいいよ", When(anytime=True)),
    ],
)
def test_past_and_anytime(text: str, expected: When) -> None:
    assert when(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "TypeScriptのイベント",
        "秋葉原のイベント",
        "秋田の勉強会",
        "2月30日",
        "13月",
        "イベント",
        "週末",
        "土日",
        "土曜日",
        "平日夜",
    ],
)
def test_no_time_expression(text: str) -> None:
    """Recurring days and hours (週末, 土曜日, 平日夜) are days of the week, read by ``modifiers``."""
    assert when(text) is None


def test_weekend_on_saturday_and_sunday() -> None:
    saturday = dt.datetime(2026, 11, 28, 9, 0, tzinfo=JST)
    sunday = dt.datetime(2026, 11, 29, 9, 0, tzinfo=JST)
    assert when("今週末", saturday) == When(dates=("20261128", "20261129"))
    assert when("今週末", sunday) == When(dates=("20261129",))
    assert when("来週末", sunday) == When(dates=("20261205", "20261206"))


def test_year_boundaries() -> None:
    december = dt.datetime(2026, 12, 28, 12, 0, tzinfo=JST)
    assert when("来月", december) == When(months=("202701",))
    assert when("年明け", december) == When(months=("202701",))
    assert when("年末", december) == When(dates=days("2026-12-20", "2026-12-31"))
    assert when("来週", december) == When(dates=days("2027-01-04", "2027-01-10"))
    january = dt.datetime(2027, 1, 5, 12, 0, tzinfo=JST)
    assert when("年末", january) == When(dates=days("2027-12-20", "2027-12-31"))
    assert when("先月", january) == When(months=("202612",), include_past=True)


def test_now_is_read_in_japan_time() -> None:
    utc_evening = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)  # already 1 December in Japan
    assert when("今月", utc_evening) == When(months=("202612",))
    assert when("明日", utc_evening) == When(dates=("20261202",))


def test_spans_point_at_the_expression() -> None:
    text = normalize("来月大阪でRustの勉強会は？")
    _, spans = parse_when(text, NOW)
    assert [text[a:b] for a, b in spans] == ["来月"]
