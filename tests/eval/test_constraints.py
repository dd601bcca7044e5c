"""Each constraint catches a linked event that breaks it, and lets a fitting one through."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agent.clock import JST
from eval.constraints import default_period_end, judge, mentions, variants, violations
from eval.facts import facts_from_compact, facts_from_raw, normalize
from tests.eval.helpers import TODAY, compact, expect, fact

SATURDAY_MORNING = dt.datetime(2026, 12, 12, 10, 0, tzinfo=JST)


def test_a_fitting_event_has_no_violation() -> None:
    question = expect(
        topics=["TypeScript|TS"], kinds=["meetup"], prefectures=["tokyo"], places=["渋谷"], months=["2026-12"],
        weekdays=["tue"], time_of_day=["evening"], joinable=True,
    )  # fmt: skip
    assert violations(fact(), question, TODAY) == []


@pytest.mark.parametrize(
    ("question", "event", "reason"),
    [
        ({"topics": ["Rust"]}, {}, "topic Rust missing"),
        ({"kinds": ["conference"]}, {}, "not a conference"),
        ({"prefectures": ["osaka"]}, {}, "in tokyo, not osaka"),
        ({"exclude_prefectures": ["tokyo"]}, {}, "in excluded tokyo"),
        ({"exclude_prefectures": ["online"]}, {"prefecture": "online"}, "in excluded online"),
        ({"places": ["梅田"]}, {}, "not in 梅田"),
        ({"months": ["2027-01"]}, {}, "starts 2026-12, not 2027-01"),
        ({"dates": {"from": "2026-11-28", "to": "2026-11-29"}}, {}, "starts 2026-12-08, after 2026-11-29"),
        ({"dates": "2026-12-09"}, {}, "starts 2026-12-08, before 2026-12-09"),
        ({"weekdays": ["sat", "sun"]}, {}, "on tue, not sat/sun"),
        ({"time_of_day": ["morning"]}, {}, "starts 19:30, not morning"),
        ({"time_of_day": ["evening"]}, {"start": SATURDAY_MORNING}, "starts 10:00, not evening"),
        ({"beginner": True}, {}, "not for beginners"),
        ({"joinable": True}, {"status": "full"}, "full"),
        ({}, {"status": "closed"}, "registration closed or cancelled"),
        ({}, {"start": dt.datetime(2026, 11, 20, 19, 0, tzinfo=JST)}, "already held (2026-11-20)"),
        ({}, {"start": None}, "no start time"),
    ],
)
def test_each_constraint_catches_a_breaking_event(question: dict[str, Any], event: dict[str, Any], reason: str) -> None:
    assert reason in violations(fact(**event), expect(**question), TODAY)


def test_topic_groups_are_all_required_and_alternatives_any() -> None:
    assert violations(fact(), expect(topics=["Rust|TypeScript"]), TODAY) == []
    assert violations(fact(), expect(topics=["TypeScript", "Rust"]), TODAY) == ["topic Rust missing"]


def test_topics_match_the_description_but_kinds_only_the_title_and_catch() -> None:
    in_description = fact(description="懇親会のあとにハッカソンの告知があります。Rust も少し。")
    assert violations(in_description, expect(topics=["Rust"]), TODAY) == []
    assert violations(in_description, expect(kinds=["hackathon"]), TODAY) == ["not a hackathon"]


def test_ascii_words_match_whole_words_only() -> None:
    assert not mentions(normalize("Google Cloud 勉強会"), ["Go"])
    assert not mentions(normalize("JavaScript Meetup"), ["Java"])
    assert mentions(normalize("Go言語勉強会"), ["Go"])
    assert mentions(normalize("ReactゆるLT会"), ["React"]) and mentions(normalize("ReactゆるLT会"), ["LT"])
    assert mentions(normalize("第5回 C#勉強会"), ["C#"])


def test_relaxed_questions_accept_what_an_allowed_relaxation_keeps() -> None:
    question = expect(topics=["TypeScript"], prefectures=["osaka"], months=["2027-01"], relaxed=["later_dates"])
    in_osaka_later = fact(prefecture="osaka")
    assert violations(in_osaka_later, question, TODAY) != []  # the question itself does not hold
    assert judge(in_osaka_later, question, TODAY) == []  # but later dates keep topic and place
    assert judge(fact(), question, TODAY) == ["in tokyo, not osaka"]  # and nothing else

    nearby = expect(prefectures=["osaka"], relaxed=["nearby"])
    assert judge(fact(prefecture="kyoto"), nearby, TODAY) == []
    assert judge(fact(prefecture="tokyo"), nearby, TODAY) != []
    online = expect(prefectures=["osaka"], places=["梅田"], relaxed=["online"])
    assert judge(fact(prefecture="online", address="", place="オンライン"), online, TODAY) == []


def test_fewer_keywords_drops_one_keyword_and_fewer_conditions_the_rest() -> None:
    question = expect(topics=["Swift"], kinds=["hackathon"], beginner=True, relaxed=["fewer_keywords"])
    assert len(variants(question)) == 2
    assert judge(fact(title="Swift Meetup", catch=""), question, TODAY) == ["not for beginners"]
    conditions = expect(topics=["TypeScript"], weekdays=["sat"], beginner=True, relaxed=["fewer_conditions"])
    assert judge(fact(), conditions, TODAY) == []


def test_default_period_ends_five_months_after_this_one() -> None:
    assert default_period_end(TODAY) == dt.date(2027, 4, 30)
    assert default_period_end(dt.date(2026, 8, 31)) == dt.date(2027, 1, 31)


def test_facts_from_the_catalogue_read_html_status_and_beginner_words() -> None:
    raw = {
        "url": "u", "title": "はじめてのRust", "catch": "", "description": "<p>初めての方も&amp;ベテランも</p>",
        "address": "大阪府大阪市北区梅田3-1-1", "place": "サンプルラボ梅田", "started_at": "2026-12-10T19:30:00+09:00",
        "open_status": "open", "limit": 20, "accepted": 20,
    }  # fmt: skip
    facts = facts_from_raw(raw)
    assert (facts.prefecture, facts.status, facts.beginner) == ("osaka", "full", True)
    assert "&" in facts.description and "<p>" not in facts.description
    boilerplate_only = facts_from_raw({**raw, "title": "Rust勉強会", "open_status": "cancelled"})
    assert (boilerplate_only.beginner, boilerplate_only.status) == (False, "closed")
    phrase = facts_from_raw({**raw, "title": "Rust勉強会", "description": "<p>初心者歓迎です</p>"})
    assert phrase.beginner


def test_facts_from_a_compact_event_when_the_catalogue_lacks_it() -> None:
    event = compact(prefecture="オンライン", address="", place="オンライン（Zoom）", status="full", beginner=True)
    facts = facts_from_compact(event)
    assert (facts.prefecture, facts.status, facts.beginner, facts.from_catalogue) == ("online", "full", True, False)
    legacy = facts_from_compact({"url": "u", "started_at": "2026-12-01T19:00:00+09:00", "limit": 5, "accepted": 5})
    assert legacy.status == "full" and legacy.start is not None
