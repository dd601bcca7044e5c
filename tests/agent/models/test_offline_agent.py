"""The offline model through a real Strands ``Agent`` and the real ``search_connpass`` tool over the sample catalogue.

Every recommended event is looked up in the catalogue by its link and checked against what the question asked
(topic in the text, prefecture, start month or day, still upcoming, not closed or cancelled).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
from strands import Agent

from agent.clock import JST, fixed_clock
from agent.errors import SourceError
from agent.models.offline import OfflineModel
from agent.models.offline.turn import TextReply, decide
from agent.search.compact import parse_time, plain_text
from agent.search.tool import TOOL_NAME, make_search_tool
from agent.sources.base import Event, SearchQuery, SearchResult
from agent.sources.prefectures import prefecture_of
from agent.sources.sample import SampleCatalogue, normalize

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
CLOCK = fixed_clock(NOW)
LINK = re.compile(r"^### \[.*\]\((https://[^)\s]+)\)$", re.MULTILINE)

CATALOGUE = SampleCatalogue()
BY_URL: dict[str, Event] = {e["url"]: e for e in CATALOGUE.events}
TOOL = make_search_tool(CATALOGUE, CLOCK)

TS = ("typescript",)
GENAI = ("生成ai", "llm", "chatgpt", "aiエージェント")
GO = ("golang", "go言語", "gopher")
KANSAI = {"osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama"}
WEEKEND = {"20261128", "20261129"}
NEXT_WEEK = {f"202611{d}" for d in (30,)} | {f"2026120{d}" for d in range(1, 7)}
YEAR_END = {f"202612{d}" for d in range(20, 32)}
CONFERENCE = ("カンファレンス", "conference", "kaigi")
WORKSHOP = ("ワークショップ", "ハンズオン", "workshop")


@dataclass(frozen=True)
class Case:
    """A question and the constraints every event in its answer must satisfy."""

    question: str
    topic: tuple[str, ...] = ()  # one of these (case-folded) in title, catch, description or address
    kind: tuple[str, ...] = ()
    prefectures: set[str] = field(default_factory=set)
    months: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    popular: bool = False
    min_events: int = 1


CASES = [
    Case("TypeScriptのイベントある？", topic=TS),
    Case("TSの勉強会を探してる", topic=TS),
    Case("ＴＳのイベント", topic=TS),
    Case("タイプスクリプトのLT会ある？", topic=TS, kind=("lt会", "lt大会", "ライトニングトーク")),
    Case("JSのイベントを教えて", topic=("javascript",)),
    Case("生成AIのイベント教えて", topic=GENAI),
    Case("LLMの勉強会ある？", topic=GENAI),
    Case("ChatGPTのワークショップ", topic=GENAI, kind=WORKSHOP),
    Case("AIエージェントの勉強会", topic=GENAI),
    Case("k8sの勉強会", topic=("kubernetes",)),
    Case("クバネティスのイベント", topic=("kubernetes",)),
    Case("Golangの勉強会はある？", topic=GO),
    Case("ゴー言語のイベント", topic=GO),
    Case("ラストの勉強会", topic=("rust",)),
    Case("パイソンのイベント", topic=("python",)),
    Case("Javaの勉強会", topic=("jvm", "spring boot", "jjug", "java言語")),
    Case("来月大阪でRustの勉強会は？", topic=("rust",), prefectures={"osaka"}, months={"202612"}),
    Case("福岡でPythonのイベント", topic=("python",), prefectures={"fukuoka"}),
    Case("名古屋でGoの勉強会", topic=GO, prefectures={"aichi"}),
    Case("渋谷でReactのミートアップ", topic=("react",), prefectures={"tokyo"}, kind=("ミートアップ", "meetup")),
    Case("2月の東京でのAWSイベント", topic=("aws",), prefectures={"tokyo"}, months={"202702"}),
    Case("東京都のSREイベント", topic=("sre",), prefectures={"tokyo"}),
    Case("横浜のイベント", prefectures={"kanagawa"}),
    Case("札幌で何かある？", prefectures={"hokkaido"}),
    Case("博多の勉強会", prefectures={"fukuoka"}),
    Case("神戸のイベント", prefectures={"hyogo"}),
    Case("仙台の勉強会ある？", prefectures={"miyagi"}),
    Case("梅田のイベント", prefectures={"osaka"}),
    Case("京都のイベント", prefectures={"kyoto"}),
    Case("関西の勉強会", prefectures=KANSAI),
    Case("オンラインのAWS勉強会", topic=("aws",), prefectures={"online"}),
    Case("リモートで参加できる生成AIイベント", topic=GENAI, prefectures={"online"}),
    Case("今月のイベント", months={"202611"}),
    Case("来月のTypeScriptイベント", topic=TS, months={"202612"}),
    Case("再来月のAWSイベントは？", topic=("aws",), months={"202701"}),
    Case("3月のイベント", months={"202703"}),
    Case("年明けの勉強会", months={"202701"}),
    Case("12月5日のイベント", dates={"20261205"}),
    Case("年末のイベント", dates=YEAR_END),
    Case("今週末のイベントは？", dates=WEEKEND),
    Case("来週の勉強会", dates=NEXT_WEEK),
    Case("明日のイベント", dates={"20261125"}),
    Case("LT会ある？", kind=("lt会", "lt大会", "ライトニングトーク")),
    Case("もくもく会に行きたい", kind=("もくもく",)),
    Case("ハッカソンに参加したい", kind=("ハッカソン", "hackathon")),
    Case("ハンズオンを探して", kind=WORKSHOP),
    Case("カンファレンスは？", kind=CONFERENCE),
    Case("来年のカンファレンス", kind=CONFERENCE, months={f"2027{m:02d}" for m in range(1, 13)}),
    Case("おすすめのイベントは？", popular=True),
    Case("面白そうなイベントある？", popular=True),
    Case("人気のPythonイベント", topic=("python",), popular=True),
    Case("Zigの勉強会ある？", topic=("zig",), min_events=0),
]


def _agent(source: Any = CATALOGUE) -> Agent:
    tool = TOOL if source is CATALOGUE else make_search_tool(source, CLOCK)
    return Agent(model=OfflineModel(CLOCK, chunk_delay=0), tools=[tool], callback_handler=None)


def _ask(agent: Agent, question: str) -> str:
    return str(agent(question)).strip()


def _links(answer: str) -> list[str]:
    return LINK.findall(answer)


def _text(event: Event) -> str:
    parts = (event.get("title"), event.get("catch"), plain_text(event.get("description")), event.get("address"))
    return normalize(" ".join(p for p in parts if p))


def _tool_inputs(agent: Agent) -> list[dict[str, Any]]:
    return [
        block["toolUse"]["input"]
        for message in agent.messages
        if message["role"] == "assistant"
        for block in message["content"]
        if "toolUse" in block and block["toolUse"]["name"] == TOOL_NAME
    ]


def _assert_matches(case: Case, events: Iterable[Event]) -> None:
    for event in events:
        title = event["title"]
        start, end = parse_time(event["started_at"]), parse_time(event["ended_at"])
        assert start and end and end > NOW, f"{title}: already over"
        assert event["open_status"] not in ("close", "cancelled"), f"{title}: {event['open_status']}"
        text = _text(event)
        if case.topic:
            assert any(t in text for t in case.topic), f"{title}: none of {case.topic}"
        if case.kind:
            assert any(k in text for k in case.kind), f"{title}: none of {case.kind}"
        if case.prefectures:
            prefecture = prefecture_of(event.get("address"), event.get("place"), event.get("event_type"))
            assert prefecture in case.prefectures, f"{title}: {prefecture}"
        if case.months:
            assert f"{start.astimezone(JST):%Y%m}" in case.months, f"{title}: {start}"
        if case.dates:
            assert f"{start.astimezone(JST):%Y%m%d}" in case.dates, f"{title}: {start}"


def test_table_has_at_least_forty_questions() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.question for c in CASES])
def test_recommended_events_satisfy_the_question(case: Case) -> None:
    agent = _agent()
    answer = _ask(agent, case.question)
    links = _links(answer)
    assert len(_tool_inputs(agent)) >= 1, "the model must search"
    assert len(links) >= case.min_events, answer
    assert len(links) <= 5
    assert all(url in BY_URL for url in links), "every link comes from the catalogue"
    events = [BY_URL[url] for url in links]
    _assert_matches(case, events)
    if case.popular:
        accepted = [e["accepted"] for e in events]
        assert accepted == sorted(accepted, reverse=True)
    if not links:
        assert "見つかりませんでした" in answer


def test_typescript_conference_then_osaka_then_more_keeps_context() -> None:
    agent = _agent()
    first = _ask(agent, "TypeScriptのカンファレンスある？")
    _assert_matches(Case("", topic=TS, kind=CONFERENCE), [BY_URL[u] for u in _links(first)])
    assert any("Conference" in BY_URL[u]["title"] for u in _links(first)), first
    osaka = _ask(agent, "大阪だと？")
    osaka_links = _links(osaka)
    assert osaka_links, osaka
    _assert_matches(Case("", topic=TS, kind=CONFERENCE, prefectures={"osaka"}), [BY_URL[u] for u in osaka_links])
    assert _tool_inputs(agent)[-1]["prefectures"] == ["osaka"]
    searches_before = len(_tool_inputs(agent))
    more = _ask(agent, "もっと見せて")
    assert "これですべて" in more
    assert len(_tool_inputs(agent)) == searches_before, "no pointless search when there is nothing more"


def test_more_turns_the_page_and_follow_ups_change_one_thing() -> None:
    agent = _agent()
    first = _links(_ask(agent, "TypeScriptの勉強会ある？"))
    assert len(first) == 5
    second_answer = _ask(agent, "もっと見せて")
    second = _links(second_answer)
    assert second and not set(second) & set(first)
    assert _tool_inputs(agent)[-1]["page"] == 2
    _assert_matches(Case("", topic=TS), [BY_URL[u] for u in second])

    online = _ask(agent, "オンラインのは？")
    online_input = _tool_inputs(agent)[-1]
    assert online_input["prefectures"] == ["online"] and online_input["page"] == 1
    assert online_input["keywords"] == ["TypeScript"]
    _assert_matches(Case("", topic=TS, prefectures={"online"}), [BY_URL[u] for u in _links(online)])
    assert _links(online)

    _ask(agent, "来月は？")
    next_month = _tool_inputs(agent)[-1]
    assert next_month["months"] == ["202612"]
    assert next_month["prefectures"] == ["online"] and next_month["keywords"] == ["TypeScript"]

    python = _ask(agent, "Pythonは？")
    assert _tool_inputs(agent)[-1]["keywords"] == ["Python"]
    _assert_matches(Case("", topic=("python",), prefectures={"online"}, months={"202612"}),
                    [BY_URL[u] for u in _links(python)])  # fmt: skip


def test_follow_ups_with_mo_add_places_and_topics_and_without_it_replace() -> None:
    agent = _agent()
    first = _links(_ask(agent, "東京のRustイベント"))
    _assert_matches(Case("", topic=("rust",), prefectures={"tokyo"}), [BY_URL[u] for u in first])

    osaka = _ask(agent, "大阪も")
    assert _tool_inputs(agent)[-1]["prefectures"] == ["tokyo", "osaka"]
    assert osaka.startswith("今日から2027年4月末までに東京都・大阪府で開催される「Rust」のイベント"), osaka
    events = [BY_URL[u] for u in _links(osaka)]
    _assert_matches(Case("", topic=("rust",), prefectures={"tokyo", "osaka"}), events)
    assert {prefecture_of(e.get("address"), e.get("place"), e.get("event_type")) for e in events} == {"tokyo", "osaka"}
    assert set(first) < {e["url"] for e in events}, "the Tokyo events are still there"

    go = _ask(agent, "Goも")
    assert _tool_inputs(agent)[-1]["any_keywords"] == ["Rust", "Golang", "Go言語", "Gopher"]
    assert go.startswith("今日から2027年4月末までに東京都・大阪府で開催される「Rust」または「Go」のイベント"), go
    events = [BY_URL[u] for u in _links(go)]
    _assert_matches(Case("", topic=("rust", *GO), prefectures={"tokyo", "osaka"}), events)
    assert any("rust" in _text(e) for e in events) and any(g in _text(e) for e in events for g in GO)

    kyoto = _ask(agent, "京都だと？")
    assert _tool_inputs(agent)[-1]["prefectures"] == ["kyoto"]
    events = [BY_URL[u] for u in _links(kyoto)]
    assert events, kyoto
    _assert_matches(Case("", topic=("rust", *GO), prefectures={"kyoto"}), events)


def test_asking_for_every_result_shows_every_result() -> None:
    agent = _agent()
    first = _ask(agent, "Rustのイベント")
    total = int(re.search(r"(\d+) 件見つかりました", first).group(1))  # type: ignore[union-attr]
    assert 5 < total <= 10
    everything = _links(_ask(agent, "全部見せて"))
    assert _tool_inputs(agent)[-1]["keywords"] == ["Rust"]
    assert len(everything) == total
    _assert_matches(Case("", topic=("rust",)), [BY_URL[u] for u in everything])


def test_zero_results_suggest_broader_searches_that_work() -> None:
    agent = _agent()
    answer = _ask(agent, "来月沖縄でHaskellのハッカソンある？")
    assert not _links(answer)
    assert "見つかりませんでした" in answer
    assert "「どこでもいいよ」" in answer and "「いつでもいいよ」" in answer
    _ask(agent, "どこでもいいよ")
    widened = _tool_inputs(agent)[2]  # the follow-up's own search (then one without the kind, which finds none)
    assert "prefectures" not in widened
    assert widened["months"] == ["202612"] and widened["any_keywords"] == ["ハッカソン", "Hackathon"]


class _FailingSource:
    name = "connpass"

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def search(self, query: SearchQuery) -> SearchResult:
        raise SourceError(self.kind)  # type: ignore[arg-type]


def test_tool_error_is_passed_on_in_japanese() -> None:
    answer = _ask(_agent(_FailingSource("timeout")), "TypeScriptのイベントある？")
    assert answer.startswith("接続がタイムアウトしました。再度お試しください。")
    assert "もう一度" in answer and not _links(answer)


@pytest.mark.parametrize("question", ["こんにちは", "ありがとう！", "何ができるの？", "今日の天気は？"])
def test_chat_is_answered_without_a_search(question: str) -> None:
    agent = _agent()
    answer = _ask(agent, question)
    assert not _tool_inputs(agent)
    assert not any("toolUse" in b for m in agent.messages for b in m["content"])
    assert "イベント" in answer and not _links(answer)


def test_the_answer_streams_in_many_small_chunks() -> None:
    agent = _agent()

    async def collect() -> tuple[list[str], str]:
        deltas: list[str] = []
        final = ""
        async for event in agent.stream_async("TypeScriptの勉強会ある？"):
            if "data" in event:
                deltas.append(event["data"])
            if "result" in event:
                final = str(event["result"])
        return deltas, final

    deltas, final = asyncio.run(collect())
    assert len(deltas) > 20
    assert max(len(d) for d in deltas) <= 12
    assert "".join(deltas).strip() == final.strip()
    assert _links(final)


def test_a_chunk_delay_paces_the_stream() -> None:
    agent = Agent(model=OfflineModel(CLOCK, chunk_delay=0.002), tools=[TOOL], callback_handler=None)

    async def timed() -> tuple[int, float]:
        count, started = 0, time.perf_counter()
        async for event in agent.stream_async("こんにちは"):
            count += "data" in event
        return count, time.perf_counter() - started

    count, elapsed = asyncio.run(timed())
    assert count > 5
    assert elapsed >= (count - 1) * 0.002


def test_model_settings_are_validated() -> None:
    model = OfflineModel(CLOCK)
    assert model.get_config() == {"chunk_chars": 12, "chunk_delay": 0.01}
    model.update_config(chunk_chars=4, chunk_delay=0)
    assert model.get_config() == {"chunk_chars": 4, "chunk_delay": 0.0}
    model.chunk_delay = 0.5
    assert model.chunk_delay == 0.5 and model.get_config()["chunk_delay"] == 0.5
    for bad in ({"chunk_chars": 0}, {"chunk_delay": -1}, {"temperature": 0}):
        with pytest.raises(ValueError):
            model.update_config(**bad)
    with pytest.raises(NotImplementedError):
        asyncio.run(anext(model.structured_output(Case, [])))  # type: ignore[type-var]


def test_without_the_search_tool_it_says_so_instead_of_calling_it() -> None:
    agent = Agent(model=OfflineModel(CLOCK, chunk_delay=0), tools=[], callback_handler=None)
    answer = _ask(agent, "TypeScriptのイベントある？")
    assert "イベント検索が使えない" in answer
    assert not _tool_inputs(agent)


def test_a_tool_result_that_is_not_json_becomes_a_polite_error() -> None:
    messages = [
        {"role": "user", "content": [{"text": "TypeScriptのイベントある？"}]},
        {"role": "assistant", "content": [{"toolUse": {"toolUseId": "t1", "name": TOOL_NAME, "input": {}}}]},
        {"role": "user", "content": [{"toolResult": {"toolUseId": "t1", "status": "error",
                                                     "content": [{"text": "Error: boom"}]}}]},
    ]  # fmt: skip
    reply = decide(messages, CLOCK, frozenset({TOOL_NAME}))
    assert isinstance(reply, TextReply)
    assert reply.text.startswith("イベントの検索中にエラーが発生しました。") and "boom" not in reply.text


def test_tool_use_ids_are_unique_within_a_conversation() -> None:
    agent = _agent()
    for question in ("TypeScriptのカンファレンスある？", "大阪だと？", "Rustは？"):
        _ask(agent, question)
    ids = [b["toolUse"]["toolUseId"] for m in agent.messages for b in m["content"] if "toolUse" in b]
    assert len(ids) >= 4 and len(set(ids)) == len(ids)
