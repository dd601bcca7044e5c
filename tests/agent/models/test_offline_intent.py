"""Questions (and follow-ups) → search criteria or chat, for the offline model; pure functions, pinned clock."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from agent.clock import JST
from agent.models.offline.criteria import Criteria
from agent.models.offline.intent import ChatIntent, SearchIntent, parse_intent
from agent.models.offline.lexicon import KINDS, TOPICS, normalize, scan
from agent.models.offline.places import PLACES
from agent.sources.prefectures import PREFECTURES

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
PAGE = {"sort": "date", "page": 1, "page_size": 5}


def tool_input(question: str, previous: Criteria | None = None) -> dict[str, Any]:
    intent = parse_intent(question, NOW, previous)
    assert isinstance(intent, SearchIntent), intent
    return intent.criteria.to_tool_input()


def previous_of(question: str) -> Criteria:
    """The criteria as the model gets them back next turn: rebuilt from the tool input."""
    return Criteria.from_tool_input(tool_input(question))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("TypeScriptのカンファレンスある？",
         {"keywords": ["TypeScript"], "any_keywords": ["カンファレンス", "Conference", "Kaigi"]}),
        ("来月大阪でRustの勉強会は？", {"keywords": ["Rust"], "prefectures": ["osaka"], "months": ["202612"]}),
        ("TSのLT会", {"keywords": ["TypeScript"], "any_keywords": ["LT会", "LT大会", "ライトニングトーク"]}),
        ("ｔｓ", {"keywords": ["TypeScript"]}),
        ("タイプスクリプト", {"keywords": ["TypeScript"]}),
        ("k8sの勉強会", {"keywords": ["Kubernetes"]}),
        ("クバネティス", {"keywords": ["Kubernetes"]}),
        ("Golangのもくもく会", {"keywords": ["もくもく"], "any_keywords": ["Golang", "Go言語", "Gopher"]}),
        ("生成AIのイベント", {"any_keywords": ["生成AI", "LLM", "ChatGPT", "AIエージェント"]}),
        ("ChatGPTの勉強会", {"any_keywords": ["生成AI", "LLM", "ChatGPT", "AIエージェント"]}),
        ("AIエージェント", {"any_keywords": ["生成AI", "LLM", "ChatGPT", "AIエージェント"]}),
        ("ReactかVue.js", {"any_keywords": ["React", "Vue"]}),
        ("Next.jsの勉強会", {"keywords": ["Next.js"]}),
        ("ラストの勉強会", {"keywords": ["Rust"]}),
        ("パイソンの勉強会", {"keywords": ["Python"]}),
        ("C#の勉強会", {"any_keywords": ["C#", ".NET"]}),
        ("横浜のイベント", {"prefectures": ["kanagawa"], "place": "横浜"}),
        ("札幌", {"prefectures": ["hokkaido"], "place": "札幌"}),
        ("博多で何かある？", {"prefectures": ["fukuoka"], "place": "博多"}),
        ("京都のイベント", {"prefectures": ["kyoto"]}),
        ("東京都のイベント", {"prefectures": ["tokyo"]}),
        ("東京かオンライン", {"prefectures": ["tokyo", "online"]}),
        ("リモートで参加できる勉強会", {"prefectures": ["online"], "joinable_only": True}),  # 参加できる: seats left
        ("今週末のイベント", {"dates": ["20261128", "20261129"]}),
        ("面白そうなイベントある？", {"sort": "popular"}),
        ("おすすめは？", {"sort": "popular"}),
        ("新着のイベント", {"sort": "newest"}),
        ("Pythonのイベントを10件", {"keywords": ["Python"], "page_size": 10}),
        ("Zigの勉強会ある？", {"keywords": ["Zig"]}),
        ("過去のTypeScriptイベント", {"keywords": ["TypeScript"], "include_past": True}),
        ("来月の土日に東京で勉強会ある？", {"prefectures": ["tokyo"], "days_of_week": ["sat", "sun"], "dates": [
            "20261205", "20261206", "20261212", "20261213", "20261219", "20261220", "20261226", "20261227"]}),
        ("東京以外のRustイベント", {"keywords": ["Rust"], "exclude_prefectures": ["tokyo"]}),
        ("オンライン以外でAIの勉強会", {"any_keywords": ["生成AI", "LLM", "機械学習", "AIエージェント", "人工知能"],
                                       "exclude_prefectures": ["online"]}),
        ("Rust events in Tokyo next month", {"keywords": ["Rust"], "prefectures": ["tokyo"], "months": ["202612"]}),
        ("インフラ系", {"any_keywords": ["インフラ", "SRE", "Terraform", "Kubernetes"]}),
    ],
)  # fmt: skip
def test_new_questions(question: str, expected: dict[str, Any]) -> None:
    assert tool_input(question) == {**PAGE, **expected}


@pytest.mark.parametrize("question", ["イラストの勉強会", "ゴールデンウィークのイベント", "コンテストに出たい"])
def test_words_that_merely_contain_an_alias_are_not_that_topic(question: str) -> None:
    payload = tool_input(question)
    assert "Rust" not in payload.get("keywords", [])
    assert not {"Go言語", "Golang", "テスト自動化"} & set(payload.get("any_keywords", []))


@pytest.mark.parametrize(
    ("follow_up", "changes"),
    [
        ("大阪だと？", {"prefectures": ["osaka"]}),
        ("オンラインのは？", {"prefectures": ["online"]}),
        ("来月は？", {"months": ["202612"]}),
        ("Pythonは？", {"keywords": ["Python"]}),
        ("人気のは？", {"sort": "popular"}),
        ("もくもく会は？", {"any_keywords": None, "keywords": ["TypeScript", "もくもく"]}),
        ("じゃあ来月の大阪は？", {"prefectures": ["osaka"], "months": ["202612"]}),
    ],
)
def test_follow_ups_change_one_thing_and_keep_the_rest(follow_up: str, changes: dict[str, Any]) -> None:
    previous = previous_of("TypeScriptのカンファレンスある？")
    expected = {**PAGE, "keywords": ["TypeScript"], "any_keywords": ["カンファレンス", "Conference", "Kaigi"]}
    expected.update(changes)
    assert tool_input(follow_up, previous) == {k: v for k, v in expected.items() if v is not None}


RUST_IN_TOKYO = {**PAGE, "keywords": ["Rust"], "prefectures": ["tokyo"]}
REACT_OR_VUE = {**PAGE, "any_keywords": ["React", "Vue"]}


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("東京のRustイベント", "大阪も", {**RUST_IN_TOKYO, "prefectures": ["tokyo", "osaka"]}),
        ("東京のRustイベント", "大阪もある？", {**RUST_IN_TOKYO, "prefectures": ["tokyo", "osaka"]}),
        ("東京のRustイベント", "大阪でも探して", {**RUST_IN_TOKYO, "prefectures": ["tokyo", "osaka"]}),
        ("東京のRustイベント", "大阪のイベントも", {**RUST_IN_TOKYO, "prefectures": ["tokyo", "osaka"]}),
        ("東京のRustイベント", "オンラインも含めて", {**RUST_IN_TOKYO, "prefectures": ["tokyo", "online"]}),
        ("東京のRustイベント", "関西も見たい", {**RUST_IN_TOKYO, "prefectures": [
            "tokyo", "osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama"]}),
        ("東京のRustイベント", "じゃあ来月の大阪も",
         {**RUST_IN_TOKYO, "prefectures": ["tokyo", "osaka"], "months": ["202612"]}),
        ("東京のRustイベント", "Goも", {**RUST_IN_TOKYO, "keywords": None,
                                        "any_keywords": ["Rust", "Golang", "Go言語", "Gopher"]}),
        ("大阪のPythonイベント", "大阪じゃなくて京都も", {**PAGE, "keywords": ["Python"], "prefectures": ["kyoto"]}),
        ("Reactのイベント", "Vueも", REACT_OR_VUE),
        ("Reactのイベント", "Vueもある？", REACT_OR_VUE),
        ("Reactのイベント", "Vueも見たい", REACT_OR_VUE),
        ("Reactのイベント", "Vueも含めて", REACT_OR_VUE),
        ("ReactかVueのイベント", "Svelteも", {**PAGE, "any_keywords": ["React", "Vue", "Svelte"]}),
        ("Reactのイベント", "Reactも", {**PAGE, "keywords": ["React"]}),
        ("Rustのイベント", "htmxも", {**PAGE, "any_keywords": ["Rust", "htmx"]}),
        ("htmxのイベント", "Vueも", {**PAGE, "any_keywords": ["Vue", "htmx"]}),
        # "(Rust and WebAssembly) or Go" has no tool input: Go alone, as 「Goは？」 would search
        ("Rust WebAssemblyのイベント", "Goも", {**PAGE, "any_keywords": ["Golang", "Go言語", "Gopher"]}),
    ],
)  # fmt: skip
def test_follow_ups_with_mo_add_to_the_previous_places_and_topics(
    first: str, follow_up: str, expected: dict[str, Any]
) -> None:
    assert tool_input(follow_up, previous_of(first)) == {k: v for k, v in expected.items() if v is not None}


@pytest.mark.parametrize(
    ("first", "follow_up", "expected"),
    [
        ("東京のRustイベント", "大阪だと？", {**RUST_IN_TOKYO, "prefectures": ["osaka"]}),
        ("東京のRustイベント", "大阪は？", {**RUST_IN_TOKYO, "prefectures": ["osaka"]}),
        ("Reactのイベント", "Vueだと？", {**PAGE, "keywords": ["Vue"]}),
        ("Reactのイベント", "Vueは？", {**PAGE, "keywords": ["Vue"]}),
        ("Rustのイベント", "Pythonもくもく会は？", {**PAGE, "keywords": ["Python", "もくもく"]}),  # 「も」 of もくもく
    ],
)  # fmt: skip
def test_follow_ups_without_mo_still_replace(first: str, follow_up: str, expected: dict[str, Any]) -> None:
    assert tool_input(follow_up, previous_of(first)) == expected


def test_added_alternatives_survive_the_round_trip() -> None:
    criteria = Criteria(topics=("Rust", "Go"), any_words=("htmx",), places=("tokyo", "osaka"), kind="LT会")
    assert Criteria.from_tool_input(criteria.to_tool_input()) == criteria
    lone = Criteria(any_words=("htmx",))
    assert lone.to_tool_input() == Criteria(words=("htmx",)).to_tool_input() == {**PAGE, "keywords": ["htmx"]}


def test_follow_ups_can_lift_a_constraint() -> None:
    previous = previous_of("来月大阪でRustのハッカソンある？")
    assert "prefectures" not in tool_input("どこでもいいよ", previous)
    assert "months" not in tool_input("いつでもいいよ", previous)
    assert tool_input("種類は問わないよ", previous) == {**PAGE, "keywords": ["Rust"], "prefectures": ["osaka"],
                                                   "months": ["202612"]}  # fmt: skip


def test_more_turns_the_page() -> None:
    previous = previous_of("生成AIのイベント")
    for text in ("もっと見せて", "他には？", "続きを見せて", "次のページ"):
        intent = parse_intent(text, NOW, previous)
        assert isinstance(intent, SearchIntent) and intent.next_page
        assert intent.criteria == previous.with_changes(page=2)


def test_a_full_new_question_is_not_merged_into_the_previous_one() -> None:
    previous = previous_of("TypeScriptのカンファレンスある？")
    assert tool_input("来月大阪でRustの勉強会は？", previous) == tool_input("来月大阪でRustの勉強会は？")
    assert tool_input("今週末のイベントは？", previous) == {**PAGE, "dates": ["20261128", "20261129"]}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("こんにちは", "greeting"),
        ("はじめまして！", "greeting"),
        ("ありがとう", "thanks"),
        ("助かりました、ありがとうございます", "thanks"),
        ("何ができるの？", "help"),
        ("使い方を教えて", "help"),
        ("またね", "bye"),
        ("今日の天気は？", "off_topic"),
        ("カレーが好き", "off_topic"),
        ("", "help"),
    ],
)
def test_chat_needs_no_search(question: str, kind: str) -> None:
    assert parse_intent(question, NOW, previous_of("Rustの勉強会")) == ChatIntent(kind)  # type: ignore[arg-type]


def test_thanks_with_a_question_still_searches() -> None:
    assert tool_input("ありがとう！じゃあ来月は？", previous_of("Rustの勉強会")) == {
        **PAGE, "keywords": ["Rust"], "months": ["202612"],
    }  # fmt: skip


def test_every_alias_means_its_own_topic_kind_or_place() -> None:
    for topic in TOPICS:
        for alias in topic.aliases:
            assert [(h.category, h.value) for h in scan(normalize(alias))] == [("topic", topic.name)], alias
    for kind in KINDS:
        for alias in kind.aliases:
            assert [(h.category, h.value) for h in scan(normalize(alias))] == [("kind", kind.name)], alias
    for alias in PLACES:
        assert [h.category for h in scan(normalize(alias))] == ["place"], alias


def test_every_prefecture_with_and_without_its_suffix() -> None:
    for pref in PREFECTURES:
        short = pref.name if pref.name == "北海道" else pref.name[:-1]
        assert tool_input(f"{pref.name}のイベント")["prefectures"] == [pref.slug]
        assert tool_input(f"{short}のイベント")["prefectures"] == [pref.slug]


def test_criteria_survive_the_round_trip_through_the_tool_input() -> None:
    names = [t.name for t in TOPICS]
    for topic, kind in itertools.product(names, [None, *(k.name for k in KINDS)]):
        criteria = Criteria(topics=(topic,), kind=kind, places=("osaka",), months=("202612",), sort="popular", page=3)
        assert Criteria.from_tool_input(criteria.to_tool_input()) == criteria
    for pair in itertools.combinations(names, 2):
        criteria = Criteria(topics=pair)
        terms = [set(t.terms) for t in TOPICS if t.name in pair]
        if not (terms[0] <= terms[1] or terms[1] <= terms[0]):  # one topic subsumes the other: same search anyway
            assert Criteria.from_tool_input(criteria.to_tool_input()) == criteria


def test_odd_previous_inputs_are_tolerated() -> None:
    odd = {"keywords": "TypeScript", "prefectures": [None, "OSAKA"], "page": "2", "sort": "random", "page_size": True}
    assert Criteria.from_tool_input(odd) == Criteria(places=("osaka",))


@pytest.mark.parametrize(
    ("follow_up", "changes"),
    [
        ("大阪じゃなくて京都で", {"prefectures": ["kyoto"]}),
        ("大阪以外で", {"prefectures": None, "exclude_prefectures": ["osaka"]}),
        ("Pythonじゃなくて Goは？", {"keywords": None, "any_keywords": ["Golang", "Go言語", "Gopher"]}),
        ("2件だけ", {"page_size": 2}),
        ("10件見せて", {"page_size": 10}),
        ("全部見せて", {"page_size": 10}),
    ],
)
def test_follow_ups_that_rule_something_out_or_resize_the_page(follow_up: str, changes: dict[str, Any]) -> None:
    previous = previous_of("大阪のPythonイベント")
    expected = {**PAGE, "keywords": ["Python"], "prefectures": ["osaka"], **changes}
    assert tool_input(follow_up, previous) == {k: v for k, v in expected.items() if v is not None}


def test_an_ordinal_is_not_a_page_size() -> None:
    assert parse_intent("ありがとう、2件目がよさそう", NOW, previous_of("Rustのイベント")) == ChatIntent("thanks")
