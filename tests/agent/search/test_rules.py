"""Search rules: date windows, what may be recommended, ranking and paging."""

from __future__ import annotations

import datetime as dt

from agent.clock import JST
from agent.search.period import month_window, past_window
from agent.search.rules import page_of, rank, recommendable
from tests.agent.search.events import event

NOW = dt.datetime(2026, 11, 24, 10, 30, tzinfo=JST)


def test_month_window_crosses_the_year() -> None:
    assert month_window(NOW) == ("202611", "202612", "202701", "202702", "202703", "202704")
    assert month_window(dt.datetime(2026, 12, 31, 23, 0, tzinfo=JST), 2) == ("202612", "202701")


def test_month_window_uses_japan_time() -> None:
    utc_evening = dt.datetime(2026, 11, 30, 16, 0, tzinfo=dt.UTC)  # already Dec 1st in Japan
    assert month_window(utc_evening, 1) == ("202612",)


def test_upcoming_hides_ended_closed_and_cancelled() -> None:
    events = [
        event(1, "2026-11-20T10:00:00+09:00"),  # ended
        event(2, "2026-11-24T10:00:00+09:00"),  # started half an hour ago: one cannot join it any more
        event(3, "2026-12-01T10:00:00+09:00", open_status="close"),
        event(4, "2026-12-02T10:00:00+09:00", open_status="cancelled"),
        event(5, "2026-12-03T10:00:00+09:00", open_status="preopen"),
    ]
    assert [e["id"] for e in recommendable(events, NOW)] == [5]


def test_past_keeps_only_ended_and_never_cancelled() -> None:
    events = [
        event(1, "2026-11-20T10:00:00+09:00", open_status="close"),
        event(2, "2026-11-21T10:00:00+09:00", open_status="cancelled"),
        event(3, "2026-12-01T10:00:00+09:00"),
    ]
    assert [e["id"] for e in recommendable(events, NOW, past=True)] == [1]


def test_rank_by_date_popularity_and_newness() -> None:
    a = event(1, "2026-12-10T10:00:00+09:00", accepted=5)
    b = event(2, "2026-12-01T10:00:00+09:00", accepted=80, limit=100)
    c = event(3, "2026-12-05T10:00:00+09:00", accepted=80, limit=80)
    assert [e["id"] for e in rank([a, b, c], "date")] == [2, 1, 3]  # the full one (c) after those one can join
    assert [e["id"] for e in rank([a, b, c], "date", past=True)] == [1, 3, 2]  # past: by date only
    d = event(4, "2026-12-06T10:00:00+09:00", accepted=70, limit=100)
    assert [e["id"] for e in rank([a, b, d], "popular")] == [2, 4, 1]  # most participants first
    assert [e["id"] for e in rank([a, b, c], "popular")] == [2, 1, 3]  # full events after joinable ones
    assert [e["id"] for e in rank([a, b, c], "newest")] == [2, 1, 3]


def test_keywords_in_the_title_rank_above_keywords_only_in_the_description() -> None:
    in_description = event(
        1, "2026-12-01T10:00:00+09:00", title="フロントエンド勉強会", description="<p>JavaScript</p>"
    )
    in_title = event(2, "2026-12-09T10:00:00+09:00", title="JavaScript勉強会")
    in_catch = event(3, "2026-12-05T10:00:00+09:00", catch="JavaScriptを学ぶ会")
    ranked = rank([in_description, in_title, in_catch], "date", keywords=("javascript",))
    assert [e["id"] for e in ranked] == [3, 2, 1]


def test_page_of() -> None:
    items = [event(i, "2026-12-01T10:00:00+09:00") for i in range(7)]
    first, more = page_of(items, 1, 5)
    assert len(first) == 5 and more
    second, more = page_of(items, 2, 5)
    assert [e["id"] for e in second] == [5, 6] and not more
    assert page_of(items, 3, 5) == ([], False)


def test_past_window_crosses_the_year_backwards() -> None:
    assert past_window(dt.datetime(2027, 1, 5, 0, 30, tzinfo=JST)) == ("202611", "202612", "202701")
