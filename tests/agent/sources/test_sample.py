"""SampleCatalogue: connpass API v2 search semantics over local events, checked on hand-made events and,
against an independent brute-force oracle, on the bundled catalogue."""

from __future__ import annotations

import json
import time
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from agent.errors import SourceError
from agent.sources.base import EventSource, SearchQuery
from agent.sources.prefectures import prefecture_of
from agent.sources.sample import SampleCatalogue, normalize


def ev(
    id: int,
    title: str,
    started_at: str = "2026-12-10T19:00:00+09:00",
    *,
    catch: str = "",
    description: str = "",
    address: str = "東京都渋谷区道玄坂1-2-3",
    place: str = "会場",
    updated_at: str = "2026-11-01T10:00:00+09:00",
) -> dict[str, Any]:
    return {
        "id": id, "title": title, "catch": catch, "description": description, "url": f"https://x.example/{id}/",
        "image_url": None, "hash_tag": "", "started_at": started_at, "ended_at": started_at, "limit": 10,
        "event_type": "participation", "open_status": "open",
        "group": {"id": 1, "subdomain": "g", "title": "Go Group", "url": "https://g.x.example/"},
        "address": address, "place": place, "lat": None, "lon": None, "owner_id": 1, "owner_nickname": "o",
        "owner_display_name": "Rust 太郎", "accepted": 0, "waiting": 0, "updated_at": updated_at,
    }  # fmt: skip


EVENTS = [
    ev(1, "TypeScript 勉強会 #1", "2026-11-26T19:00:00+09:00", updated_at="2026-11-20T10:00:00+09:00"),
    ev(2, "TypeScript LT会", "2026-12-03T19:00:00+09:00", address="大阪府大阪市北区梅田1-1-1",
       updated_at="2026-11-22T10:00:00+09:00"),
    ev(3, "Rust 勉強会", "2026-12-03T19:00:00+09:00", address="京都府京都市下京区1-1", catch="所有権を学ぶ"),
    ev(4, "週末ハッカソン", "2027-01-09T10:00:00+09:00",
       description="<h2>概要</h2><p>使う言語は<strong>Go</strong>です。</p>", address="", place="オンライン（Zoom）",
       updated_at="2026-11-23T10:00:00+09:00"),
    ev(5, "C# Meetup", "2026-11-30T15:30:00+00:00", address="福岡県福岡市博多区1-1"),  # 2026-12-01 00:30 JST
    ev(6, "Python もくもく会", "2027-01-20T13:00:00+09:00", catch="ﾓｸﾓｸしよう",
       description='<p>&lt;script&gt; の話も。<a href="https://x.example/typescript">リンク</a></p>', address=""),
]  # fmt: skip


def ids(catalogue: SampleCatalogue, **params: Any) -> list[int]:
    params.setdefault("count", 100)
    return [e["id"] for e in catalogue.search(SearchQuery(**params)).events]


@pytest.fixture
def small() -> SampleCatalogue:
    return SampleCatalogue(EVENTS)


@pytest.fixture(scope="module")
def bundled() -> SampleCatalogue:
    return SampleCatalogue()


def test_is_an_event_source_named_sample(small: SampleCatalogue) -> None:
    source: EventSource = small
    assert source.name == "sample"
    assert len(small) == len(EVENTS)


def test_no_parameters_returns_everything_by_start_date(small: SampleCatalogue) -> None:
    assert ids(small) == [1, 5, 2, 3, 4, 6]


def test_keywords_must_all_match(small: SampleCatalogue) -> None:
    assert ids(small, keyword=("TypeScript",)) == [1, 2]
    assert ids(small, keyword=("TypeScript", "勉強会")) == [1]
    assert ids(small, keyword=("TypeScript", "Rust")) == []


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [("所有権", [3]), ("Go", [4]), ("大阪府", [2]), ("概要", [4]), ("<script>", [6])],
)
def test_keywords_match_title_catch_description_text_and_address(
    small: SampleCatalogue, keyword: str, expected: list[int]
) -> None:
    assert ids(small, keyword=(keyword,)) == expected


@pytest.mark.parametrize("keyword", ["h2", "strong", "href", "https://x.example/typescript", "会場", "Group", "太郎"])
def test_keywords_do_not_match_markup_url_place_group_or_owner(small: SampleCatalogue, keyword: str) -> None:
    assert ids(small, keyword=(keyword,)) == []


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [("typescript", [1, 2]), ("TYPESCRIPT", [1, 2]), ("ＴｙｐｅＳｃｒｉｐｔ", [1, 2]), ("ｃ＃", [5]),
     ("もくもく", [6]), ("モクモク", [6]), ("ﾊｯｶｿﾝ", [4]), ("rust　勉強会", [3]), ("  rust  ", [3])],
)  # fmt: skip
def test_keywords_are_case_insensitive_and_width_insensitive(
    small: SampleCatalogue, keyword: str, expected: list[int]
) -> None:
    assert ids(small, keyword=(keyword,)) == expected


def test_empty_keywords_are_ignored(small: SampleCatalogue) -> None:
    assert ids(small, keyword=("", " "), keyword_or=("",)) == ids(small)


def test_keyword_or_needs_one_match_and_combines_with_keyword(small: SampleCatalogue) -> None:
    assert ids(small, keyword_or=("Rust", "Python")) == [3, 6]
    assert ids(small, keyword_or=("Rust", "TypeScript"), keyword=("勉強会",)) == [1, 3]
    assert ids(small, keyword_or=("Elixir",)) == []


def test_ym_and_ymd_use_the_local_start_date(small: SampleCatalogue) -> None:
    assert ids(small, ym=("202611",)) == [1]
    assert ids(small, ym=("202612",)) == [5, 2, 3]  # 5 starts 2026-11-30 15:30 UTC = 12-01 00:30 JST
    assert ids(small, ym=("202611", "202701")) == [1, 4, 6]
    assert ids(small, ymd=("20261201",)) == [5]
    assert ids(small, ymd=("20261203", "20270109")) == [2, 3, 4]
    assert ids(small, ym=("202612",), ymd=("20261203",)) == [2, 3]
    assert ids(small, ym=("202612",), ymd=("20270109",)) == []
    assert ids(small, ym=("2026-12",)) == []


def test_prefecture_is_derived_from_the_address_with_or_between_values(small: SampleCatalogue) -> None:
    assert ids(small, prefecture=("tokyo",)) == [1]
    assert ids(small, prefecture=("kyoto",)) == [3]  # 京都府 is not 東京都
    assert ids(small, prefecture=("online",)) == [4]
    assert ids(small, prefecture=("osaka", "fukuoka")) == [5, 2]
    assert ids(small, prefecture=("Osaka",)) == [2]
    assert ids(small, prefecture=("hokkaido",)) == []


def test_every_filter_combines_with_and(small: SampleCatalogue) -> None:
    assert ids(small, keyword=("TypeScript",), prefecture=("osaka",), ym=("202612",)) == [2]
    assert ids(small, keyword=("TypeScript",), prefecture=("osaka",), ym=("202611",)) == []
    assert ids(small, keyword_or=("Go", "Rust"), prefecture=("online", "tokyo")) == [4]


def test_orders(small: SampleCatalogue) -> None:
    assert ids(small, order=2) == [1, 5, 2, 3, 4, 6]  # start date, ties by id
    assert ids(small, order=1) == [4, 2, 1, 6, 5, 3]  # last updated first, ties newest first
    assert ids(small, order=3) == [6, 5, 4, 3, 2, 1]  # newest first


def test_paging_reports_like_connpass(small: SampleCatalogue) -> None:
    first = small.search(SearchQuery(count=4))
    assert (first.results_returned, first.results_available, first.results_start) == (4, 6, 1)
    second = small.search(SearchQuery(start=5, count=4))
    assert (second.results_returned, second.results_available, second.results_start) == (2, 6, 5)
    assert [e["id"] for e in first.events + second.events] == ids(small)
    beyond = small.search(SearchQuery(start=50, count=10, keyword=("TypeScript",)))
    assert (beyond.results_returned, beyond.results_available, beyond.results_start, beyond.events) == (0, 2, 50, [])


def test_results_are_copies_the_caller_may_change(small: SampleCatalogue) -> None:
    event = small.search(SearchQuery(keyword=("Rust",))).events[0]
    event["title"] = "changed"
    event["group"]["title"] = "changed"
    again = small.search(SearchQuery(keyword=("Rust",))).events[0]
    assert again["title"] == "Rust 勉強会" and again["group"]["title"] == "Go Group"
    assert EVENTS[2]["title"] == "Rust 勉強会"


def test_loads_a_response_body_or_a_list_from_a_file(tmp_path: Path) -> None:
    body = tmp_path / "body.json"
    body.write_text(json.dumps({"results_returned": 2, "events": EVENTS[:2]}), encoding="utf-8")
    bare = tmp_path / "bare.json"
    bare.write_text(json.dumps(EVENTS[2:]), encoding="utf-8")
    assert ids(SampleCatalogue(body)) == [1, 2]
    assert ids(SampleCatalogue(str(bare))) == [5, 3, 4, 6]


@pytest.mark.parametrize(
    "content", ["{not json", json.dumps({"events": "nope"}), json.dumps([{"title": "no id"}]), json.dumps(42)]
)
def test_a_bad_file_is_a_malformed_source_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError) as caught:
        SampleCatalogue(path)
    assert caught.value.kind == "malformed"


def test_a_missing_file_is_a_malformed_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        SampleCatalogue(tmp_path / "missing.json")
    assert caught.value.kind == "malformed"


# --- the bundled catalogue, against an independent oracle -------------------------------------------


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _oracle_text(event: dict[str, Any]) -> str:
    parser = _Text()
    parser.feed(event["description"] or "")
    fields = [event["title"], event["catch"], " ".join(parser.parts), event["address"]]
    return " | ".join(" ".join(unicodedata.normalize("NFKC", f or "").lower().split()) for f in fields)


def _oracle(events: list[dict[str, Any]], texts: dict[int, str], q: SearchQuery) -> list[int]:
    def norm(k: str) -> str:
        return " ".join(unicodedata.normalize("NFKC", k).lower().split())

    kept = []
    for e in events:
        text, day = texts[e["id"]], e["started_at"][:10].replace("-", "")
        keywords = all(norm(k) in text for k in q.keyword if norm(k))
        any_keyword = not q.keyword_or or any(norm(k) in text for k in q.keyword_or)
        dates = (not q.ym or day[:6] in q.ym) and (not q.ymd or day in q.ymd)
        place = not q.prefecture or prefecture_of(e["address"], e["place"]) in q.prefecture
        if keywords and any_keyword and dates and place:
            kept.append(e)
    kept.sort(key=lambda e: (e["started_at"], e["id"]))
    return [e["id"] for e in kept]


ORACLE_QUERIES = [
    SearchQuery(keyword=("TypeScript",)),
    SearchQuery(keyword=("typescript", "カンファレンス")),
    SearchQuery(keyword=("Rust",), prefecture=("osaka",), ym=("202612",)),
    SearchQuery(keyword=("勉強会",), prefecture=("tokyo", "kanagawa"), ym=("202701", "202702")),
    SearchQuery(keyword_or=("React", "Vue.js", "Next.js"), prefecture=("online",)),
    SearchQuery(keyword=("生成ＡＩ",), keyword_or=("LT会", "もくもく会")),
    SearchQuery(ymd=("20261124", "20261125", "20261126", "20261127", "20261128", "20261129", "20261130")),
    SearchQuery(keyword=("ﾊｯｶｿﾝ",)),
    SearchQuery(keyword=("大阪府",), ym=("202703",)),
    SearchQuery(prefecture=("hokkaido", "okinawa", "fukuoka")),
]


@pytest.fixture(scope="module")
def oracle_texts(bundled: SampleCatalogue) -> dict[int, str]:
    return {e["id"]: _oracle_text(e) for e in bundled.events}


@pytest.mark.parametrize("query", ORACLE_QUERIES, ids=[str(i) for i in range(len(ORACLE_QUERIES))])
def test_bundled_catalogue_matches_an_independent_oracle(
    bundled: SampleCatalogue, oracle_texts: dict[int, str], query: SearchQuery
) -> None:
    expected = _oracle(bundled.events, oracle_texts, query)
    got: list[int] = []
    start = 1
    while True:
        page = bundled.search(SearchQuery(**{**query.__dict__, "start": start, "count": 100}))
        assert page.results_available == len(expected)
        got += [e["id"] for e in page.events]
        if page.results_returned < 100:
            break
        start += 100
    assert got == expected
    assert expected, "every oracle query should find something in the catalogue"


def test_bundled_catalogue_answers_the_demo_questions(bundled: SampleCatalogue) -> None:
    conf = bundled.search(SearchQuery(keyword=("TypeScript",), keyword_or=("カンファレンス", "Conference")))
    assert "TypeScript Conference Japan 2027" in [e["title"] for e in conf.events]
    rust = bundled.search(SearchQuery(keyword=("Rust", "勉強会"), prefecture=("osaka",), ym=("202612",)))
    assert rust.results_available >= 1
    assert all(e["address"].startswith("大阪府") and e["started_at"].startswith("2026-12") for e in rust.events)


def test_bundled_search_is_fast(bundled: SampleCatalogue) -> None:
    queries = ORACLE_QUERIES * 10
    began = time.perf_counter()
    for query in queries:
        bundled.search(query)
    per_search = (time.perf_counter() - began) / len(queries)
    assert per_search < 0.02, f"{per_search * 1000:.1f} ms per search"


def test_normalize_folds_width_case_and_spaces() -> None:
    assert normalize("  ＴｙｐｅＳｃｒｉｐｔ　ﾊｯｶｿﾝ\n") == "typescript ハッカソン"
