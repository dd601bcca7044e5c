"""The tool's conditions beyond connpass (exclusion, weekdays, time of day, beginners, seats, place words),
its ordering, its counts of what was left out, and its relaxations when nothing matches.

Each condition must mean the same whether the in-memory index answers (sample, mirror) or the tool
filters pages read from live connpass: both paths run on the same sample events and must agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from agent.clock import JST
from agent.events import STATUS_LABELS, is_full, local_start
from agent.filters import mentions_beginner, where_text
from agent.search.relax import relaxations
from agent.search.tool import run_search
from agent.sources.base import SearchQuery, SearchResult
from agent.sources.prefectures import prefecture_of
from agent.sources.sample import SampleCatalogue
from agent.text import normalize

NOW = dt.datetime(2026, 11, 24, 10, 30, tzinfo=JST)
CATALOGUE = SampleCatalogue()
BY_ID = {e["id"]: e for e in CATALOGUE.events}


class PagedSample:
    """The sample catalogue behind connpass's paged interface (not an in-memory source): the live path."""

    name = "connpass"

    def search(self, query: SearchQuery) -> SearchResult:
        return CATALOGUE.search(query)


CASES: list[dict[str, Any]] = [
    {"keywords": ["React"], "exclude_prefectures": ["tokyo"]},
    {"prefectures": ["tokyo"], "days_of_week": ["mon", "tue", "wed", "thu", "fri"], "time_of_day": ["evening"]},
    {"days_of_week": ["sat", "sun"], "time_of_day": ["morning", "afternoon"], "sort": "popular"},
    {"beginner": True},
    {"place": "梅田", "prefectures": ["osaka"]},
    {"joinable_only": True, "sort": "popular", "page_size": 10},
    {"keywords": ["TypeScript"], "exclude_prefectures": ["online", "tokyo"], "sort": "newest"},
]


def _ids(payload: dict[str, Any]) -> list[int]:
    return [e["id"] for e in payload["events"]]


@pytest.mark.parametrize("arguments", CASES)
def test_the_index_and_live_pages_agree(arguments: dict[str, Any]) -> None:
    local = run_search(CATALOGUE, NOW, **arguments)
    live = run_search(PagedSample(), NOW, max_pages=20, **arguments)
    assert local["matched"] > 0, "every case has answers in the sample catalogue"
    assert (local["matched"], local["excluded"], _ids(local)) == (live["matched"], live["excluded"], _ids(live))


@pytest.mark.parametrize("arguments", CASES)
def test_every_event_shown_meets_every_condition(arguments: dict[str, Any]) -> None:
    payload = run_search(CATALOGUE, NOW, **{**arguments, "page_size": 10})
    for shown in payload["events"]:
        event = BY_ID[shown["id"]]
        start = local_start(event)
        assert start is not None and start > NOW
        slug = prefecture_of(event.get("address"), event.get("place"), event.get("event_type"))
        assert slug not in arguments.get("exclude_prefectures", [])
        if "days_of_week" in arguments:
            assert ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()] in arguments["days_of_week"]
        if "time_of_day" in arguments:
            hour = start.hour
            bands = {"morning": hour < 12, "afternoon": 12 <= hour < 18, "evening": hour >= 18}
            assert any(bands[b] for b in arguments["time_of_day"]), (shown["date"], arguments)
        if arguments.get("beginner"):
            assert mentions_beginner(event) and shown["beginner"] is True
        if "place" in arguments:
            assert normalize(arguments["place"]) in where_text(event)
        if arguments.get("joinable_only"):
            assert not is_full(event)
        assert shown["status_label"] == STATUS_LABELS[shown["status"]]


def test_joinable_events_come_first_and_left_out_ones_are_counted() -> None:
    everything = run_search(CATALOGUE, NOW, sort="popular", page_size=10, months=["202612", "202701"])
    fulls = [e["status"] == "full" for e in everything["events"]]
    assert fulls == sorted(fulls), "no full event before one that can still be joined"
    joinable = run_search(CATALOGUE, NOW, sort="popular", page_size=10, months=["202612", "202701"], joinable_only=True)
    assert joinable["excluded"]["full"] == everything["matched"] - joinable["matched"] > 0
    assert everything["excluded"]["closed"] > 0 and everything["excluded"]["full"] == 0


def test_keywords_in_titles_come_before_description_only_matches() -> None:
    payload = run_search(CATALOGUE, NOW, keywords=["JavaScript"], page_size=10)

    def tier(shown: dict[str, Any]) -> tuple[bool, bool]:
        event = BY_ID[shown["id"]]
        titled = normalize("javascript") in normalize(f"{event['title']}\n{event.get('catch') or ''}")
        return (shown["status"] == "full", not titled)  # joinable first, then keyword in the title first

    tiers = [tier(e) for e in payload["events"]]
    assert tiers == sorted(tiers) and len(set(tiers)) > 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"days_of_week": ["monday"]}, "days_of_week"),
        ({"time_of_day": ["night"]}, "time_of_day"),
        ({"exclude_prefectures": ["東京"]}, "exclude_prefectures"),
    ],
)
def test_bad_conditions_are_errors_the_model_can_fix(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_search(CATALOGUE, NOW, **arguments)


# -- no dead ends ---------------------------------------------------------------------------------------


def test_nothing_in_a_prefecture_offers_its_neighbours_and_says_so() -> None:
    payload = run_search(CATALOGUE, NOW, keywords=["Rust"], prefectures=["tottori"])
    assert payload["matched"] == 0 and payload["events"] == []
    (alternative,) = payload["alternatives"]
    assert (
        alternative["relaxed"] == "nearby" and alternative["label"].startswith("近くの")
    ) or "中国地方" in alternative["label"]
    assert alternative["matched"] > 0 and alternative["events"]
    assert "tottori" not in alternative["arguments"]["prefectures"]


def test_a_month_without_events_looks_later_first() -> None:
    payload = run_search(CATALOGUE, NOW, keywords=["Rust"], months=["202612"], prefectures=["fukuoka"], beginner=True)
    kinds = [r.kind for r in relaxations(payload["criteria"], NOW)]
    assert kinds == ["later_dates", "online", "nearby", "fewer_conditions"]
    assert payload["alternatives"] == [] or payload["alternatives"][0]["relaxed"] in kinds


def test_beginner_without_beginner_events_drops_the_condition_last() -> None:
    payload = run_search(CATALOGUE, NOW, keywords=["Flutter"], beginner=True)
    assert payload["matched"] == 0
    (alternative,) = payload["alternatives"]
    assert alternative["relaxed"] == "fewer_conditions" and "初心者向け" in alternative["label"]
    assert all("Flutter" in BY_ID[e["id"]]["title"] for e in alternative["events"])


def test_relaxations_change_one_thing_each_in_a_fixed_order() -> None:
    arguments = {
        "keywords": ["Rust", "勉強会"],
        "prefectures": ["osaka"],
        "months": ["202612"],
        "time_of_day": ["evening"],
    }
    steps = list(relaxations(arguments, NOW))
    assert [s.kind for s in steps] == ["later_dates", "online", "nearby", "fewer_keywords", "fewer_conditions"]
    later, online, near, fewer, conditions = (s.arguments for s in steps)
    assert later["months"] == ["202701", "202702", "202703", "202704", "202705", "202706"]
    assert later["prefectures"] == ["osaka"] and later["time_of_day"] == ["evening"]
    assert online["prefectures"] == ["online"] and online["keywords"] == ["Rust", "勉強会"]
    assert "osaka" not in near["prefectures"] and "kyoto" in near["prefectures"]
    assert fewer["keywords"] == ["Rust"] and steps[3].label == "「勉強会」を条件から外すと"
    assert "time_of_day" not in conditions and conditions["keywords"] == ["Rust", "勉強会"]


class CountingPaged(PagedSample):
    def __init__(self) -> None:
        self.requests = 0

    def search(self, query: SearchQuery) -> SearchResult:
        self.requests += 1
        return SearchResult(0, 0, 1, [])


def test_a_place_word_widens_to_its_prefecture_before_going_online() -> None:
    arguments = {"keywords": ["Rust"], "prefectures": ["tokyo"], "place": "秋葉原"}
    steps = list(relaxations(arguments, NOW))
    assert [s.kind for s in steps][:3] == ["later_dates", "wider_area", "online"]
    assert steps[1].label == "秋葉原に限らず東京都全体なら" and "place" not in steps[1].arguments


def test_live_connpass_tries_at_most_two_relaxations_of_one_page() -> None:
    source = CountingPaged()
    payload = run_search(source, NOW, keywords=["Nothing"], prefectures=["tottori"], months=["202612"])
    assert payload["alternatives"] == []
    assert source.requests == 1 + 2  # the search, then two relaxed searches of one request each


def test_past_and_later_pages_do_not_relax() -> None:
    assert "alternatives" not in run_search(CATALOGUE, NOW, keywords=["Nothing"], include_past=True)
    assert "alternatives" not in run_search(CATALOGUE, NOW, keywords=["Nothing"], page=2)
