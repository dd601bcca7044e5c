"""Compact events: plain text only, Japanese dates with weekdays, place or online, capacity."""

from __future__ import annotations

import datetime as dt

from agent.clock import JST
from agent.search.compact import compact_event, format_when, plain_text
from tests.agent.search.events import event

NOW = dt.datetime(2026, 11, 24, 10, 30, tzinfo=JST)


def test_plain_text_strips_markup_and_cuts() -> None:
    assert plain_text("<p>Hello&amp;<b>world</b></p>\n\n<script>x</script>") == "Hello& world x"
    assert plain_text("あ" * 100, 10) == "あ" * 9 + "…"


def test_format_when_same_day_and_multi_day() -> None:
    start = dt.datetime(2026, 12, 5, 13, 0, tzinfo=JST)
    assert format_when(start, start.replace(hour=18)) == "2026年12月5日(土) 13:00〜18:00"
    assert format_when(start, start + dt.timedelta(days=1)) == "2026年12月5日(土) 13:00〜12月6日(日) 13:00"
    assert format_when(None, None) == "日時未定"


def test_compact_event_fields() -> None:
    raw = event(
        7,
        "2026-12-05T10:00:00+09:00",
        title="TypeScript <b>Meetup</b>",
        catch="<p>型の話をしよう。" + "長い説明" * 40 + "</p>",
        description="<h2>アジェンダ</h2>" * 500,
        address="大阪府大阪市北区梅田1-1",
        place="梅田ホール",
        accepted=30,
        limit=30,
        waiting=4,
    )
    compact = compact_event(raw, NOW)
    assert compact["title"] == "TypeScript Meetup"
    assert compact["date"] == "2026年12月5日(土) 10:00〜12:00"
    assert compact["prefecture"] == "大阪府" and "online" not in compact  # flags appear only when true
    assert compact["days_until"] == 11
    assert (compact["accepted"], compact["limit"], compact["waiting"]) == (30, 30, 4)
    assert (compact["status"], compact["status_label"]) == ("full", "満席（補欠登録可）")
    assert len(compact["catch"]) <= 50 and "<" not in compact["catch"]
    assert "description" not in compact and "open_status" not in compact


def test_defaults_are_left_out_to_save_tokens() -> None:
    compact = compact_event(event(11, "2026-12-05T10:00:00+09:00", waiting=0), NOW)
    assert not {"ended", "waiting", "beginner", "online"} & set(compact)
    assert (compact["status"], compact["status_label"]) == ("open", "受付中")


def test_online_event() -> None:
    compact = compact_event(event(8, "2026-12-05T10:00:00+09:00", address="", place="オンライン（Zoom）"), NOW)
    assert compact["online"] is True
    assert compact["prefecture"] == "オンライン"


def test_ended_flag_follows_the_end_not_the_start() -> None:
    ongoing = event(9, "2026-11-23T10:00:00+09:00", ended_at="2026-11-25T18:00:00+09:00")
    assert "ended" not in compact_event(ongoing, NOW)
    assert compact_event(ongoing, NOW)["days_until"] == -1
    assert compact_event(event(10, "2026-11-20T10:00:00+09:00"), NOW)["ended"] is True
