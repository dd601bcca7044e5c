"""Markdown answers from tool results: the fixed event format, zero results, paging and tool errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from agent.models.offline.chat import write_chat
from agent.models.offline.criteria import Criteria
from agent.models.offline.writer import condition, write_error, write_no_more, write_results

TS = Criteria(topics=("TypeScript",))


def event(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1, "title": "TypeScript Meetup Tokyo #5", "url": "https://ts.sample-connpass.example/event/1/",
        "date": "2026年12月5日(土) 13:00〜18:00", "started_at": "2026-12-05T13:00:00+09:00",
        "ended_at": "2026-12-05T18:00:00+09:00", "days_until": 11, "place": "サンプルスペース渋谷",
        "address": "東京都渋谷区道玄坂1-2-3", "prefecture": "東京都", "online": False, "accepted": 45, "limit": 100,
        "waiting": 0, "fill_ratio": 0.45, "open_status": "open", "catch": "初心者歓迎の TypeScript 勉強会です",
    }  # fmt: skip
    return {**base, **overrides}


def result(events: list[dict[str, Any]], total: int | None = None, **overrides: Any) -> dict[str, Any]:
    count = len(events) if total is None else total
    payload = {"source": "connpass", "today": "2026-11-24", "criteria": {}, "total": count, "page": 1,
               "has_more": False, "events": events}  # fmt: skip
    return {**payload, **overrides}


def test_event_format() -> None:
    answer = write_results(result([event()]), TS)
    assert answer.splitlines()[0] == "今後開催される「TypeScript」のイベントを 1 件見つけました。"
    assert (
        "### [TypeScript Meetup Tokyo #5](https://ts.sample-connpass.example/event/1/)\n"
        "- 📅 2026年12月5日(土) 13:00〜18:00\n"
        "- 📍 サンプルスペース渋谷（東京都）\n"
        "- 👥 45/100人・受付中\n"
        "- 💡 開催まであと11日 / 初心者歓迎"
    ) in answer
    assert "場所や時期を指定して絞り込めます" in answer
    assert "もっと見せて" not in answer
    assert "サンプルデータ" not in answer


@pytest.mark.parametrize(
    ("overrides", "line"),
    [
        ({"limit": None, "accepted": 45}, "- 👥 45人参加（定員なし）・受付中"),
        ({"limit": None, "accepted": 0}, "- 👥 定員の記載なし・受付中"),
        ({"limit": 30, "accepted": 30, "waiting": 3}, "- 👥 30/30人・満席（補欠登録可）・補欠 3人"),
        ({"limit": 30, "accepted": 30, "waiting": 0}, "- 👥 30/30人・満席（補欠登録可）"),
        ({"limit": 30, "accepted": 0, "open_status": "preopen"}, "- 👥 0/30人・募集開始前"),
        (
            {"status": "full", "status_label": "満席（補欠登録可）", "limit": 30, "accepted": 30, "waiting": 2},
            "- 👥 30/30人・満席（補欠登録可）・補欠 2人",
        ),
        ({"online": True, "place": "オンライン（Zoom）", "prefecture": "オンライン"}, "- 📍 オンライン"),
        ({"place": "", "address": ""}, "- 📍 東京都"),
        ({"days_until": 0}, "- 💡 本日開催"),
        ({"days_until": 1}, "- 💡 明日開催"),
        ({"days_until": 40, "accepted": 250, "limit": 300, "catch": ""}, "- 💡 人気（参加者 250人）"),
        ({"days_until": 40, "accepted": 28, "limit": 30, "catch": ""}, "- 💡 残りわずか（あと2枠）"),
        ({"days_until": 40, "accepted": 3, "limit": 30, "catch": ""}, "- 💡 まだ余裕あり（残り 27枠）"),
    ],
)
def test_event_details(overrides: dict[str, Any], line: str) -> None:
    answer = write_results(result([event(**overrides)]), TS)
    assert any(row.startswith(line) for row in answer.splitlines()), answer


def test_past_events_are_marked() -> None:
    past = event(days_until=-12, date="2026年11月12日(木) 19:00〜21:30")
    answer = write_results(result([past]), Criteria(topics=("TypeScript",), include_past=True))
    assert answer.startswith("過去に開催された「TypeScript」のイベント")
    assert "- 📅 2026年11月12日(木) 19:00〜21:30（開催済み）" in answer
    assert "- 💡 開催済み" in answer


def test_titles_cannot_break_the_markdown() -> None:
    answer = write_results(result([event(title="[速報] *LT* 会", url="https://x.example/a (b)")]), TS)
    assert "### [\\[速報\\] \\*LT\\* 会](https://x.example/a%20%28b%29)" in answer
    assert "### 怪しいリンク" in write_results(result([event(title="怪しいリンク", url="javascript:alert(1)")]), TS)


def test_organiser_text_cannot_add_links_or_images() -> None:
    sneaky = event(
        place="[公式サイトはこちら](https://phish.example/login)",
        catch="![](https://tracker.example/p.png)<img src=x onerror=alert(1)>",
        accepted=50,  # no other reason for the line, so the catch is quoted
    )
    answer = write_results(result([sneaky]), TS)
    links = re.findall(r"(?<!\\)\]\((\S+?)\)", answer)
    assert links == ["https://ts.sample-connpass.example/event/1/"]  # the event's own link only
    assert not re.search(r"(?<!\\)<img", answer) and "\\[公式サイトはこちら\\]" in answer


def test_more_results_than_shown_and_the_next_page() -> None:
    events = [event(id=i, title=f"E{i}", url=f"https://x.example/{i}") for i in range(5)]
    first = write_results(result(events, total=12, has_more=True), TS)
    assert (
        first.splitlines()[0]
        == "今後開催される「TypeScript」のイベントが 12 件見つかりました。開催日の近い順に 5 件紹介します。"
    )
    assert "他の候補もあります。「もっと見せて」と送ると続きを表示します。" in first
    assert first.count("\n### ") == 5
    second = write_results(result(events[:2], total=12, page=3), TS.with_changes(page=3))
    assert second.splitlines()[0] == "今後開催される「TypeScript」のイベントの続きです（全 12 件中 11〜12 件目）。"
    beyond = write_results(result([], total=12, page=4), TS.with_changes(page=4))
    assert "12 件ですべて" in beyond and "###" not in beyond


def test_at_most_five_events_are_shown() -> None:
    events = [event(id=i, title=f"E{i}", url=f"https://x.example/{i}") for i in range(8)]
    assert write_results(result(events), TS).count("### ") == 5


def test_a_larger_page_the_user_asked_for_is_shown_whole() -> None:
    events = [event(id=i, title=f"E{i}", url=f"https://x.example/{i}") for i in range(10)]
    answer = write_results(result(events), TS.with_changes(page_size=10))
    assert answer.count("### ") == 10  # "10件見せて": a cut event would be on no page at all


def test_sample_data_is_labelled() -> None:
    assert "サンプルデータ" in write_results(result([event()], source="sample"), TS)


@pytest.mark.parametrize(
    ("criteria", "phrase"),
    [
        (Criteria(topics=("Rust",), places=("osaka",), months=("202612",)),
         "2026年12月に大阪府で開催される「Rust」のイベント"),
        (Criteria(topics=("TypeScript",), kind="カンファレンス"), "今後開催される「TypeScript」のカンファレンス"),
        (Criteria(places=("online",), dates=("20261128", "20261129")),
         "11月28日(土)〜11月29日(日)にオンラインで開催されるイベント"),
        (Criteria(sort="popular"), "今後開催される人気のイベント"),
        (Criteria(topics=("React", "Vue.js"), places=("osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama")),
         "今後関西で開催される「React」または「Vue.js」のイベント"),
        (Criteria(months=tuple(f"2027{m:02d}" for m in range(1, 13))), "2027年に開催されるイベント"),
        (Criteria(months=("202703", "202704", "202705")), "2027年3月〜5月に開催されるイベント"),
        (Criteria(months=("202612", "202701")), "2026年12月〜2027年1月に開催されるイベント"),
        (Criteria(places=("tokyo",), dates=("20261205", "20261206", "20261212", "20261213")),
         "2026年12月の土日に東京都で開催されるイベント"),
        (Criteria(dates=("20261205", "20261212", "20261219")), "2026年12月の土曜日に開催されるイベント"),
        (Criteria(topics=("Rust",), places=("tokyo", "osaka")), "今後東京都・大阪府で開催される「Rust」のイベント"),
        (Criteria(places=("tokyo", "osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama", "online")),
         "今後東京都・関西・オンラインで開催されるイベント"),
        (Criteria(topics=("React",), any_words=("htmx",)), "今後開催される「React」または「htmx」のイベント"),
    ],
)  # fmt: skip
def test_condition_phrases(criteria: Criteria, phrase: str) -> None:
    assert condition(criteria) == phrase


def test_zero_results_suggest_broader_searches() -> None:
    criteria = Criteria(topics=("Haskell",), kind="ハッカソン", places=("okinawa",), months=("202612",))
    answer = write_results(result([]), criteria)
    assert answer.startswith("2026年12月に沖縄県で開催される「Haskell」のハッカソンは見つかりませんでした。")
    for idea in (
        "「どこでもいいよ」",
        "「オンラインのは？」",
        "「いつでもいいよ」",
        "「1月は？」",
        "「種類は問わないよ」",
    ):
        assert idea in answer
    assert "###" not in answer
    online_only = write_results(result([]), Criteria(topics=("Haskell",), places=("online",)))
    assert "会場開催も含めて" in online_only and "「オンラインのは？」" not in online_only
    plain = write_results(result([]), Criteria(words=("Zig",)))
    assert "別の表記" in plain


def test_no_more_after_the_last_page() -> None:
    assert write_no_more(TS, 4).startswith("今後開催される「TypeScript」のイベントは全 4 件で、これですべてです。")
    assert "見つかっていない" in write_no_more(TS, 0)


@pytest.mark.parametrize(
    ("error", "starts", "advice"),
    [
        ({"error": True, "kind": "timeout", "message": "接続がタイムアウトしました。再度お試しください。"},
         "接続がタイムアウトしました。再度お試しください。", "少し時間をおいて"),
        ({"error": True, "kind": "rate_limited", "message": "混み合っています。", "retry_after": 2.5},
         "混み合っています。", "3秒ほど待って"),
        ({"error": True, "kind": "upstream", "message": "connpass 側でエラーが発生しました。"},
         "connpass 側でエラーが発生しました。", "もう一度"),
        ({"error": True, "kind": "invalid_arguments", "message": "unknown prefecture slug(s): ['mars']"},
         "イベントの検索条件をうまく扱えませんでした。", "言い換えて"),
        (None, "イベントの検索中にエラーが発生しました。", "もう一度"),
    ],
)  # fmt: skip
def test_tool_errors(error: dict[str, Any] | None, starts: str, advice: str) -> None:
    answer = write_error(error)
    assert answer.startswith(starts)
    assert advice in answer
    assert "mars" not in answer and "slug" not in answer


@pytest.mark.parametrize("kind", ["greeting", "help", "off_topic"])
def test_chat_replies_say_what_confee_does_with_examples(kind: str) -> None:
    reply = write_chat(kind)  # type: ignore[arg-type]
    assert "connpass" in reply and "技術イベント" in reply
    assert reply.count("\n- 「") >= 2


def test_thanks_and_bye_are_short() -> None:
    assert write_chat("thanks").startswith("どういたしまして")
    assert len(write_chat("bye")) < 60


def test_small_events_are_not_called_popular_even_when_sorting_by_popularity() -> None:
    popular = Criteria(sort="popular")
    small = write_results(result([event(days_until=40, accepted=4, limit=30, catch="")]), popular)
    assert "人気（" not in small
    big = write_results(result([event(days_until=40, accepted=45, limit=300, catch="")]), popular)
    assert "- 💡 人気（参加者 45人）" in big


def test_an_ongoing_multi_day_event_is_not_called_past() -> None:
    ongoing = event(days_until=-1, ended=False, date="2026年11月23日(月) 10:00〜11月25日(水) 18:00")
    answer = write_results(result([ongoing]), TS)
    assert "開催済み" not in answer
    assert "- 💡 開催中" in answer
