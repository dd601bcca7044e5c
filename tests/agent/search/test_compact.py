"""Compact events: plain text only, Japanese dates with weekdays, place or online, capacity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jsonschema
import pytest
import yaml

from agent.clock import JST
from agent.mirror.snapshot import slim_event
from agent.search.compact import compact_event, format_when, plain_text
from agent.search.tool import run_search
from agent.sources.sample import SampleCatalogue
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


def test_group_is_the_community_name_in_plain_text() -> None:
    group = {"id": 3, "title": "TypeScript <b>Tokyo</b> &amp; 仲間", "url": "x"}
    raw = event(12, "2026-12-05T10:00:00+09:00", group=group)
    assert compact_event(raw, NOW)["group"] == "TypeScript Tokyo & 仲間"
    long_name = compact_event(event(13, "2026-12-05T10:00:00+09:00", group={"title": "長" * 80}), NOW)["group"]
    assert len(long_name) == 50 and long_name.endswith("…")


def test_group_survives_the_mirror_snapshot() -> None:
    group = {"id": 1, "subdomain": "rust", "title": "Rust.Tokyo", "url": "u"}
    raw = event(16, "2026-12-05T10:00:00+09:00", group=group)
    assert compact_event(slim_event(raw)[0], NOW)["group"] == "Rust.Tokyo"


@pytest.mark.parametrize("group", [None, {}, {"title": ""}, {"title": "  "}, {"title": 42}, "Rust.Tokyo"])
def test_group_is_left_out_when_unknown(group: object) -> None:
    raw = event(14, "2026-12-05T10:00:00+09:00", group=group)
    assert "group" not in compact_event(raw, NOW)
    assert "group" not in compact_event(event(15, "2026-12-05T10:00:00+09:00"), NOW)


def test_online_event() -> None:
    compact = compact_event(event(8, "2026-12-05T10:00:00+09:00", address="", place="オンライン（Zoom）"), NOW)
    assert compact["online"] is True
    assert compact["prefecture"] == "オンライン"


def test_ended_flag_follows_the_end_not_the_start() -> None:
    ongoing = event(9, "2026-11-23T10:00:00+09:00", ended_at="2026-11-25T18:00:00+09:00")
    assert "ended" not in compact_event(ongoing, NOW)
    assert compact_event(ongoing, NOW)["days_until"] == -1
    assert compact_event(event(10, "2026-11-20T10:00:00+09:00"), NOW)["ended"] is True


def test_compact_events_match_the_documented_shape() -> None:
    """What the SPA reads from ``events`` (proxy/openapi.yaml ``ShownEvents``), checked on the sample catalogue."""
    openapi = yaml.safe_load((Path(__file__).resolve().parents[3] / "proxy" / "openapi.yaml").read_text("utf-8"))
    schema = openapi["components"]["schemas"]["ShownEvents"]
    events = [
        event
        for arguments in ({}, {"prefectures": ["online"]}, {"sort": "popular", "page_size": 10}, {"include_past": True})
        for event in run_search(SampleCatalogue(), NOW, **arguments)["events"]
    ]
    assert any("group" in event for event in events) and any(event.get("online") for event in events)
    jsonschema.validate(events, schema)
    assert set().union(*events) <= set(schema["items"]["properties"]), "every field is documented"
