"""The bundled sample catalogue: shape, coverage, realism, and that it can never pass for real connpass data."""

from __future__ import annotations

import datetime as dt
import json
import re
import statistics
from collections import Counter
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from agent.data import SAMPLE_EVENTS_FILE
from agent.data.generate import TOPICS, generate, main, render
from agent.data.plan import SNAPSHOT
from agent.data.vocab import DOMAIN
from agent.sources.prefectures import BY_SLUG, ONLINE, prefecture_of

V2_FIELDS = {
    "id", "title", "catch", "description", "url", "image_url", "hash_tag", "started_at", "ended_at", "limit",
    "event_type", "open_status", "group", "address", "place", "lat", "lon", "owner_id", "owner_nickname",
    "owner_display_name", "accepted", "waiting", "updated_at",
}  # fmt: skip
TODAY = dt.date(2026, 11, 24)
POPULAR = ("TypeScript", "Python", "生成AI", "AWS", "React", "Rust", "Go")


@pytest.fixture(scope="module")
def text() -> str:
    return resources.files("agent.data").joinpath(SAMPLE_EVENTS_FILE).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def body(text: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.fixture(scope="module")
def events(body: dict[str, Any]) -> list[dict[str, Any]]:
    return list(body["events"])


def start(event: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(event["started_at"])


def mentions(label: str, text: str) -> bool:
    """``label`` as a word of its own: ``Go`` in "Go勉強会" but not in "Google", ``Java`` not in "JavaScript"."""
    if not label.isascii():
        return label in text
    return re.search(rf"(?<![A-Za-z]){re.escape(label)}(?![A-Za-z])", text) is not None


def of_topic(events: list[dict[str, Any]], label: str) -> list[dict[str, Any]]:
    return [e for e in events if mentions(label, e["title"]) or mentions(label, e["catch"])]


def test_is_a_connpass_v2_response_body(body: dict[str, Any], events: list[dict[str, Any]]) -> None:
    assert set(body) == {"results_returned", "results_available", "results_start", "events"}
    assert body["results_returned"] == body["results_available"] == len(events)
    assert body["results_start"] == 1


def test_every_event_carries_every_v2_field_with_connpass_types(events: list[dict[str, Any]]) -> None:
    for e in events:
        assert set(e) == V2_FIELDS, e["id"]
        assert isinstance(e["id"], int) and e["title"] and e["catch"]
        begin, end = start(e), dt.datetime.fromisoformat(e["ended_at"])
        assert begin.utcoffset() == end.utcoffset() == dt.timedelta(hours=9)
        assert e["started_at"].endswith("+09:00") and e["updated_at"].endswith("+09:00")
        assert begin < end <= begin + dt.timedelta(days=2)
        assert e["event_type"] in ("participation", "advertisement")
        assert e["open_status"] in ("preopen", "open", "close", "cancelled")
        assert set(e["group"]) == {"id", "subdomain", "title", "url"}
        assert isinstance(e["owner_id"], int) and e["owner_nickname"] and e["owner_display_name"]
        assert isinstance(e["accepted"], int) and isinstance(e["waiting"], int)
        assert e["accepted"] >= 0 and e["waiting"] >= 0
        if e["event_type"] == "advertisement":
            assert e["limit"] is None and e["accepted"] == e["waiting"] == 0
        else:
            assert isinstance(e["limit"], int) and 0 <= e["accepted"] <= e["limit"]
        # A consistent snapshot: nothing was updated after it was taken.
        assert dt.datetime.fromisoformat(e["updated_at"]) <= SNAPSHOT


def test_has_at_least_200_events_with_unique_ids_and_titles(events: list[dict[str, Any]]) -> None:
    assert len(events) >= 200
    assert len({e["id"] for e in events}) == len(events)
    assert len({e["title"] for e in events}) == len(events)


def test_every_month_from_november_2026_to_december_2027_has_events(events: list[dict[str, Any]]) -> None:
    months = Counter(f"{start(e):%Y%m}" for e in events)
    expected = [f"{2026 + (10 + i) // 12}{(10 + i) % 12 + 1:02d}" for i in range(14)]
    assert expected[0] == "202611" and expected[-1] == "202712"
    assert sorted(months) == expected
    assert min(months.values()) >= 10


def test_the_last_week_of_november_2026_and_already_ended_events_are_there(events: list[dict[str, Any]]) -> None:
    last_week = [e for e in events if dt.date(2026, 11, 24) <= start(e).date() <= dt.date(2026, 11, 30)]
    assert len(last_week) >= 8
    assert len({start(e).date() for e in last_week}) >= 5
    assert any(start(e).date() == TODAY and start(e).hour >= 18 for e in last_week), "an event this evening"
    ended = [e for e in events if dt.datetime.fromisoformat(e["ended_at"]) <= SNAPSHOT]
    assert len(ended) >= 3
    assert all(e["open_status"] == "close" for e in ended)
    assert any(mentions("TypeScript", e["title"]) for e in ended), "a past TypeScript event for 'past' questions"


def test_at_least_25_topics_each_with_several_events(events: list[dict[str, Any]]) -> None:
    assert len(TOPICS) >= 25
    for topic in TOPICS:
        matching = of_topic(events, topic.label)
        assert len(matching) >= 3, topic.label
        assert any(mentions(topic.label, e["title"]) for e in matching), topic.label


def test_popular_topics_span_several_places_and_months(events: list[dict[str, Any]]) -> None:
    for label in POPULAR:
        matching = of_topic(events, label)
        places = {prefecture_of(e["address"], e["place"]) for e in matching}
        assert len(places) >= 4, (label, places)
        assert len({f"{start(e):%Y%m}" for e in matching}) >= 5, label


def test_typescript_has_a_real_upcoming_conference(events: list[dict[str, Any]]) -> None:
    conferences = [
        e
        for e in events
        if "TypeScript" in e["title"] and re.search(r"Conference|カンファレンス|Conf|Kaigi", e["title"])
    ]
    assert conferences
    assert any(start(e).date() > TODAY and e["open_status"] in ("open", "preopen") for e in conferences)


def test_places_cover_12_prefectures_and_online(events: list[dict[str, Any]]) -> None:
    slugs = Counter(prefecture_of(e["address"], e["place"]) for e in events)
    assert None not in slugs
    assert slugs[ONLINE] >= 20
    assert len(set(slugs) - {ONLINE}) >= 12
    for e in events:
        slug = prefecture_of(e["address"], e["place"])
        if slug == ONLINE:
            assert e["address"] == "" and "オンライン" in e["place"] and e["lat"] is None and e["lon"] is None
        else:
            assert slug is not None
            assert e["address"].startswith(BY_SLUG[slug].name), e["address"]
            assert float(e["lat"]) and float(e["lon"])
    places = {e["place"] for e in events}
    assert any("Zoom" in p for p in places) and any("YouTube" in p for p in places)


@pytest.mark.parametrize(
    "markers",
    [("カンファレンス", "Conference", "Conf"), ("勉強会",), ("LT会",), ("もくもく会",), ("ハッカソン", "Hackathon"),
     ("ワークショップ",), ("Meetup", "ミートアップ")],
)  # fmt: skip
def test_titles_name_several_kinds_of_event(events: list[dict[str, Any]], markers: tuple[str, ...]) -> None:
    assert sum(any(m in e["title"] for m in markers) for e in events) >= 5


def test_open_status_mix_is_realistic(events: list[dict[str, Any]]) -> None:
    statuses = Counter(e["open_status"] for e in events)
    assert statuses["open"] > len(events) / 2
    assert statuses["preopen"] >= 10
    assert statuses["close"] >= 5
    assert 2 <= statuses["cancelled"] <= len(events) * 0.1
    assert any(e["open_status"] == "close" and start(e).date() > TODAY for e in events), "closed but upcoming"
    assert all(e["accepted"] == 0 for e in events if e["open_status"] == "preopen")


def test_some_events_are_full_and_some_empty(events: list[dict[str, Any]]) -> None:
    full = [e for e in events if e["limit"] and e["accepted"] >= e["limit"] and e["waiting"] > 0]
    empty = [
        e for e in events if e["open_status"] == "open" and e["event_type"] == "participation" and not e["accepted"]
    ]
    assert len(full) >= 10
    assert len(empty) >= 5
    assert any(e["event_type"] == "advertisement" for e in events)


def test_every_url_is_on_the_example_domain(text: str, events: list[dict[str, Any]]) -> None:
    hosts = {urlsplit(url).hostname for url in re.findall(r"https?://[^\s\"'<>）]+", text)}
    assert len(hosts) > 5
    assert all(h == DOMAIN or (h or "").endswith("." + DOMAIN) for h in hosts), hosts
    assert "connpass.com" not in text
    for e in events:
        assert e["url"] == f"https://{e['group']['subdomain']}.{DOMAIN}/event/{e['id']}/"
        assert e["group"]["url"].startswith("https://") and urlsplit(e["group"]["url"]).hostname.endswith(DOMAIN)
        assert e["image_url"] is None or urlsplit(e["image_url"]).hostname.endswith(DOMAIN)


def test_titles_carry_no_sample_badge_but_descriptions_say_fictional(events: list[dict[str, Any]]) -> None:
    assert not any("【サンプル】" in e["title"] or "サンプル" in e["title"] for e in events)
    assert all("架空" in e["description"] for e in events)


class _TagBalance(HTMLParser):
    VOID = frozenset({"br", "img", "hr"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


def test_descriptions_are_well_formed_html_of_realistic_length(events: list[dict[str, Any]]) -> None:
    lengths = [len(e["description"]) for e in events]
    assert statistics.median(lengths) > 1500
    assert sum(len(e["description"].encode()) > 4000 for e in events) > len(events) / 3  # several KB, like connpass
    assert max(lengths) > 4000
    totals: Counter[str] = Counter()
    for e in events:
        parser = _TagBalance()
        parser.feed(e["description"])
        parser.close()
        assert not parser.errors and not parser.stack, (e["id"], parser.errors, parser.stack)
        assert parser.tags["h2"] >= 4 and parser.tags["a"] >= 3 and (parser.tags["table"] or parser.tags["ul"])
        totals.update(parser.tags)
    assert totals["table"] >= 50 and totals["h3"] >= 100 and totals["strong"] >= 100 and totals["dl"] >= 50


def test_generator_is_reproducible_and_matches_the_committed_file(text: str, body: dict[str, Any]) -> None:
    first, second = generate(), generate()
    assert first == second
    assert first == body
    assert render(first) == text
    assert generate(seed=1) != first


def test_generator_cli_writes_and_checks_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "events.json"
    assert main(["--output", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == generate()
    assert main(["--check", "--output", str(out)]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace("TypeScript", "TypoScript"), encoding="utf-8")
    assert main(["--check", "--output", str(out)]) == 1
    assert "stale" in capsys.readouterr().out
