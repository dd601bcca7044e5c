"""The search_connpass tool through Strands' tool machinery: query building, filtering, errors, size."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from strands import Agent

from agent.clock import JST, fixed_clock
from agent.errors import SourceError
from agent.search import make_search_tool
from agent.search.reading import QueryCache, Read
from agent.sources.base import SearchQuery, SearchResult
from agent.sources.sample import SampleCatalogue
from tests.agent.search.events import event
from tests.fixtures.scripted_model import ScriptedModel

NOW = dt.datetime(2026, 11, 24, 10, 30, tzinfo=JST)


class RecordingSource:
    name = "sample"

    def __init__(self, events: list[dict[str, Any]] | None = None, error: SourceError | None = None) -> None:
        self.events = events or []
        self.error = error
        self.queries: list[SearchQuery] = []

    def search(self, query: SearchQuery) -> SearchResult:
        self.queries.append(query)
        if self.error:
            raise self.error
        return SearchResult(len(self.events), len(self.events), 1, self.events)


def call(source: Any, **arguments: Any) -> tuple[str, Any]:
    """Run the tool the way the agent loop does (``agent.tool.<name>``) and decode its JSON result."""
    agent = Agent(model=ScriptedModel(), tools=[make_search_tool(source, fixed_clock(NOW))], callback_handler=None)
    result = agent.tool.search_connpass(**arguments)
    return result["status"], json.loads(result["content"][0]["text"])


def test_default_search_starts_today_not_on_the_first_of_the_month() -> None:
    source = RecordingSource()
    status, data = call(source, keywords=["TypeScript"])
    assert status == "success"
    rest_of_month, later = source.queries[:2]  # two queries: whether connpass ORs ym with ymd is not documented
    assert rest_of_month.ymd == tuple(f"202611{d}" for d in range(24, 31)) and rest_of_month.ym == ()
    assert later.ym == ("202612", "202701", "202702", "202703", "202704") and later.ymd == ()
    assert all(q.keyword == ("TypeScript",) and (q.order, q.count) == (2, 100) for q in source.queries)
    assert data["today"] == "2026-11-24" and data["source"] == "sample"
    assert data["period"] == {
        "from": "2026-11-24",
        "to": "2027-04-30",
        "label": "今日から2027年4月末まで",
        "implicit": True,
    }


def test_an_explicit_month_keeps_its_meaning_and_this_month_means_its_remaining_days() -> None:
    source = RecordingSource()
    call(source, months=["202612"])
    assert [(q.ym, q.ymd) for q in source.queries][:1] == [(("202612",), ())]
    source = RecordingSource()
    status, data = call(source, months=["202611"])
    assert status == "success"
    assert [(q.ym, q.ymd) for q in source.queries][:1] == [((), tuple(f"202611{d}" for d in range(24, 31)))]
    assert data["period"]["implicit"] is False and data["period"]["from"] == "2026-11-24"


@pytest.mark.parametrize(("name", "value"), [("months", ["2026-12"]), ("months", ["202613"]), ("dates", ["20261131"])])
def test_malformed_months_and_dates_are_errors_the_model_can_fix(name: str, value: list[str]) -> None:
    source = RecordingSource()
    status, data = call(source, **{name: value})
    assert (status, data["kind"]) == ("error", "invalid_arguments") and not source.queries
    assert value[0] in data["message"]


def test_arguments_map_to_connpass_parameters() -> None:
    source = RecordingSource()
    call(source, any_keywords=["生成AI", "LLM"], prefectures=["Osaka", "online"], dates=["20261128", "20261129"])
    query = source.queries[0]  # (the others are the relaxed searches of an empty result)
    assert query.keyword_or == ("生成AI", "LLM")
    assert query.prefecture == ("osaka", "online")
    assert query.ymd == ("20261128", "20261129") and query.ym == ()


def test_results_are_filtered_ranked_paged_and_compact() -> None:
    events = [
        event(1, "2026-11-20T10:00:00+09:00"),  # ended
        event(2, "2026-12-03T10:00:00+09:00", open_status="cancelled"),
        *[event(10 + i, f"2026-12-{10 + i:02d}T10:00:00+09:00") for i in range(7)],
    ]
    status, data = call(RecordingSource(events), keywords=["x"], months=["202612"], page=2, page_size=5)
    assert status == "success"
    assert (data["total"], data["matched"], data["complete"]) == (9, 7, True)  # total: what the source reported
    assert data["page"] == 2 and data["has_more"] is False
    assert [e["id"] for e in data["events"]] == [15, 16]
    assert set(data["events"][0]) >= {"title", "url", "date", "place", "prefecture", "accepted", "limit", "catch"}


def test_source_failure_is_a_structured_error_result() -> None:
    status, data = call(RecordingSource(error=SourceError("timeout")), keywords=["Rust"])
    assert status == "error"
    assert data == {"error": True, "kind": "timeout", "message": "接続がタイムアウトしました。再度お試しください。"}


def test_rate_limit_carries_retry_after() -> None:
    status, data = call(RecordingSource(error=SourceError("rate_limited", retry_after=3.0)))
    assert (status, data["kind"], data["retry_after"]) == ("error", "rate_limited", 3.0)


def test_unknown_prefecture_is_an_error_the_model_can_fix() -> None:
    status, data = call(RecordingSource(), prefectures=["大阪"])
    assert status == "error" and data["kind"] == "invalid_arguments"
    assert "osaka" in data["message"]


def test_identical_queries_hit_the_source_once() -> None:
    source = RecordingSource([event(1, "2026-12-01T10:00:00+09:00")])
    tool = make_search_tool(source, fixed_clock(NOW))
    agent = Agent(model=ScriptedModel(), tools=[tool], callback_handler=None)
    agent.tool.search_connpass(keywords=["Go"])
    agent.tool.search_connpass(keywords=["Go"], page=2)
    assert len(source.queries) == 2  # the two parts of the default period, once


@pytest.mark.parametrize("arguments", [{}, {"keywords": ["TypeScript"]}, {"sort": "popular", "page_size": 10}])
def test_output_on_the_sample_catalogue_is_small_and_plain(arguments: dict[str, Any]) -> None:
    agent = Agent(
        model=ScriptedModel(), tools=[make_search_tool(SampleCatalogue(), fixed_clock(NOW))], callback_handler=None
    )
    result = agent.tool.search_connpass(**arguments)
    text = result["content"][0]["text"]
    data = json.loads(text)
    assert data["events"], "the catalogue has upcoming events for these searches"
    per_event = len(text.encode()) / len(data["events"])
    assert per_event < 900, f"{per_event:.0f} bytes per event: the model only needs a summary"
    assert "<" not in text  # no HTML reaches the model
    for shown in data["events"]:
        assert shown["status"] != "closed"
        assert dt.datetime.fromisoformat(shown["ended_at"]) > NOW


class PagedSource:
    """Serves ``events`` 100 at a time like connpass (``start``/``count``), optionally failing on later pages."""

    name = "connpass"

    def __init__(self, events: list[dict[str, Any]], available: int | None = None, fail_after: int = 0) -> None:
        self.events = events
        self.available = len(events) if available is None else available
        self.fail_after = fail_after
        self.starts: list[int] = []

    def search(self, query: SearchQuery) -> SearchResult:
        self.starts.append(query.start)
        if self.fail_after and len(self.starts) > self.fail_after:
            raise SourceError("rate_limited")
        page = self.events[query.start - 1 : query.start - 1 + query.count]
        return SearchResult(len(page), self.available, query.start, page)


def many(count: int) -> list[dict[str, Any]]:
    return [event(1000 + i, f"2026-12-{1 + i % 28:02d}T10:00:00+09:00", accepted=i % 40) for i in range(count)]


def test_popular_ranking_and_total_see_matches_beyond_the_first_source_page() -> None:
    events = many(150)
    events[120]["accepted"] = 49  # the most popular match sits on the source's second page
    source = PagedSource(events)
    status, data = call(source, sort="popular", months=["202612"])
    assert status == "success"
    assert source.starts == [1, 101]
    assert (data["total"], data["matched"], data["read"], data["complete"]) == (150, 150, 150, True)
    assert data["events"][0]["id"] == events[120]["id"]


def test_source_pages_are_capped_and_the_total_is_what_the_source_reports() -> None:
    capped = PagedSource(many(400), available=2345)
    data = call(capped, months=["202612"])[1]
    assert capped.starts == [1, 101, 201]
    assert (data["total"], data["read"], data["complete"]) == (2345, 300, False)


def test_a_failing_later_page_keeps_what_was_read_and_says_it_is_incomplete() -> None:
    flaky = PagedSource(many(150), fail_after=1)
    status, data = call(flaky, months=["202612"])
    assert (status, data["total"], data["read"], data["complete"], flaky.starts) == (
        "success",
        150,
        100,
        False,
        [1, 101],
    )


def test_the_default_window_reads_the_first_page_of_each_part_first() -> None:
    source = PagedSource(many(250))
    data = call(source)[1]
    assert source.starts == [1, 1, 101]  # rest of the month, later months, then the next page of the first
    assert data["total"] == 500 and data["complete"] is False


def test_past_search_without_a_time_looks_at_recent_months_not_all_of_history() -> None:
    source = RecordingSource()
    call(source, keywords=["Rust"], include_past=True)
    (query,) = source.queries
    assert query.ym == ("202609", "202610", "202611")


def test_cache_keeps_slim_events_and_drops_expired_entries() -> None:
    clock = {"now": 100.0}
    cache = QueryCache(300.0, size=8, monotonic=lambda: clock["now"])
    full = event(1, "2026-12-01T10:00:00+09:00", description="<p>" + "長い説明" * 1000 + "</p>")
    cache.put(SearchQuery(keyword=("Go",)), Read([full], 1, complete=True))
    cached = cache.get(SearchQuery(keyword=("Go",)))
    assert cached is not None and "description" not in cached.events[0]  # kilobytes the tool never reads
    assert cached.events[0]["title"] == full["title"] and "description" in full  # the caller's event is untouched
    clock["now"] += 301
    assert cache.get(SearchQuery(keyword=("Go",))) is None
    cache.put(SearchQuery(keyword=("Rust",)), Read([], 0, complete=True))
    assert len(cache) == 1  # the expired entry is gone, not kept until the cache fills up
