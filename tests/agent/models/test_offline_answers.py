"""Answers that use the tool's issue-10 fields: status labels, counts of what was left out, relaxed alternatives,
and the same answers in English (pure functions over hand-made tool results)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from agent.models.offline.chat import write_chat
from agent.models.offline.criteria import Criteria
from agent.models.offline.writer import condition, write_error, write_no_more, write_results
from tests.agent.models.test_offline_writer import event, result

RUST = Criteria(topics=("Rust",))
JAPANESE = re.compile(r"[ぁ-ゖァ-ヺ一-龯]")


def alternative(**overrides: Any) -> dict[str, Any]:
    base = {
        "relaxed": "online", "label": "オンライン開催なら",
        "arguments": {"keywords": ["Rust"], "prefectures": ["online"], "page": 1, "page_size": 5},
        "total": 7, "matched": 7, "period": {"from": "2026-11-24", "to": "2027-04-30", "implicit": True},
        "events": [event(id=i, title=f"Rust Online #{i}", url=f"https://x.example/{i}", online=True) for i in range(5)],
    }  # fmt: skip
    return {**base, **overrides}


@pytest.mark.parametrize(
    ("fields", "label"),
    [
        ({"status": "open", "status_label": "受付中"}, "受付中"),
        ({"status": "full", "status_label": "満席（補欠登録可）", "accepted": 100, "limit": 100}, "満席（補欠登録可）"),
        ({"status": "preopen", "status_label": "募集開始前", "open_status": "preopen", "accepted": 0}, "募集開始前"),
    ],
)
def test_status_is_said_in_the_tools_words_and_never_as_coming_soon(fields: dict[str, Any], label: str) -> None:
    far = event(days_until=300, catch="", **fields)
    answer = write_results(result([far]), RUST)
    assert f"・{label}" in answer
    assert "まもなく" not in answer


def test_flags_the_tool_leaves_out_read_as_false() -> None:
    ongoing = {k: v for k, v in event(days_until=-1, status="open", status_label="受付中").items() if k != "ended"}
    answer = write_results(result([ongoing]), RUST)
    assert "開催済み" not in answer and "- 💡 開催中" in answer
    plain = {k: v for k, v in event(catch="", status="open", status_label="受付中").items() if k != "beginner"}
    assert "初心者" not in write_results(result([plain]), RUST)


def test_left_out_events_are_counted() -> None:
    answer = write_results(result([event()], excluded={"closed": 2, "full": 0}), RUST)
    assert answer.splitlines()[0].endswith("を 1 件見つけました。受付終了・中止の 2 件は除きました。")
    both = write_results(result([event()], excluded={"closed": 1, "full": 3}), RUST.with_changes(joinable=True))
    assert "受付終了・中止の 1 件と満席の 3 件は除きました。" in both
    none = write_results(result([], excluded={"closed": 2, "full": 0}), RUST)
    assert "見つかりませんでした。受付終了・中止の 2 件は除きました。" in none


def test_an_alternative_is_said_plainly_and_listed() -> None:
    criteria = Criteria(topics=("Rust",), places=("tottori",))
    answer = write_results(result([], alternatives=[alternative()]), criteria)
    first = answer.splitlines()[0]
    assert first == (
        "今後鳥取県で開催される「Rust」のイベントは見つかりませんでした。"
        "オンライン開催なら 7 件見つかりました（開催日の近い順に 5 件紹介します）。"
    )
    assert answer.count("### [Rust Online") == 5
    assert "「もっと見せて」" in answer
    alternatives = [alternative(events=[]), alternative(relaxed="nearby", label="近くの島根県なら", total=1, matched=1,
                                                        events=[event(title="Rust Shimane")])]  # fmt: skip
    second = write_results(result([], alternatives=alternatives), criteria)
    assert "近くの島根県なら 1 件見つかりました。" in second and "Rust Shimane" in second


def test_without_an_alternative_the_answer_suggests_follow_ups_for_every_condition() -> None:
    criteria = Criteria(topics=("Rust",), places=("osaka",), area="梅田", days=("sat", "sun"), times=("evening",),
                        beginner=True)  # fmt: skip
    answer = write_results(result([]), criteria)
    assert answer.startswith(
        "今後の土日夜に梅田（大阪府）で開催される「Rust」の初心者向けイベントは見つかりませんでした。"
    )
    for idea in (
        "「大阪府だと？」",
        "「曜日は問わないよ」",
        "「時間帯は問わないよ」",
        "「初心者向けじゃなくていいよ」",
    ):
        assert idea in answer


@pytest.mark.parametrize(
    ("criteria", "phrase"),
    [
        (Criteria(topics=("React",), exclude=("tokyo",)), "今後東京都以外で開催される「React」のイベント"),
        (
            Criteria(exclude=("osaka", "kyoto", "hyogo", "nara", "shiga", "wakayama")),
            "今後関西以外で開催されるイベント",
        ),
        (
            Criteria(
                places=("tokyo",),
                dates=("20261130", "20261206"),
                days=("mon", "tue", "wed", "thu", "fri"),
                times=("evening",),
                joinable=True,
            ),
            "11月30日(月)〜12月6日(日)の平日夜に東京都で開催される空きのあるイベント",
        ),
        (
            Criteria(topics=("Flutter",), kind="ワークショップ", beginner=True),
            "今後開催される「Flutter」の初心者向けワークショップ",
        ),
        (Criteria(days=("wed",), times=("morning", "afternoon")), "今後の水曜午前・午後に開催されるイベント"),
    ],
)
def test_condition_phrases_say_every_condition(criteria: Criteria, phrase: str) -> None:
    assert condition(criteria) == phrase


def test_english_answer() -> None:
    criteria = Criteria(topics=("Rust",), kind="ミートアップ", places=("tokyo",), months=("202612",))
    full = event(status="full", status_label="満席（補欠登録可）", accepted=30, limit=30, waiting=2, days_until=40)
    answer = write_results(result([event(), full], total=12, has_more=True, source="sample"), criteria, lang="en")
    lines = answer.splitlines()
    assert lines[0] == "I found 12 matches for Rust meetups in Tokyo in December 2026. Here are 2, soonest first."
    assert "- 📅 Sat, Dec 5, 2026, 13:00–18:00" in lines
    assert "- 📍 サンプルスペース渋谷 (Tokyo)" in lines
    assert "- 👥 45/100 registered · Open" in lines
    assert "- 👥 30/30 registered · Full (waiting list) · 2 waiting" in lines
    assert "- 💡 In 11 days / Beginners welcome" in lines
    assert "send “more”" in answer and "sample data" in answer
    prose = [line for line in lines if not line.startswith(("### ", "- 📍", "- 💡"))]
    assert not any(JAPANESE.search(line) for line in prose), prose  # organisers' titles and venues stay as written


def test_english_alternatives_counts_and_errors() -> None:
    later = alternative(relaxed="later_dates", label="時期を2027年3月末まで広げると",
                        period={"from": "2027-01-01", "to": "2027-03-31", "label": "", "implicit": False})  # fmt: skip
    criteria = Criteria(topics=("Rust",), places=("tokyo",), months=("202612",))
    answer = write_results(result([], alternatives=[later], excluded={"closed": 1, "full": 0}), criteria, lang="en")
    assert answer.splitlines()[0] == (
        "I couldn't find any Rust events in Tokyo in December 2026. Extending the period through March 2027, "
        "I found 7 (here are the 5 soonest). I left out 1 closed or cancelled event."
    )
    fewer = alternative(relaxed="fewer_conditions", label="曜日・初心者向けの条件を外すと")
    assert "Without the day and beginner conditions, I found 7" in write_results(
        result([], alternatives=[fewer]), criteria, lang="en"
    )
    assert write_error({"kind": "timeout", "message": "接続がタイムアウトしました。"}, "en").startswith(
        "The connection to the event search timed out."
    )
    assert write_no_more(criteria, 3, "en").startswith(
        "That's all 3 matches for Rust events in Tokyo in December 2026."
    )


@pytest.mark.parametrize("kind", ["greeting", "thanks", "help", "bye", "off_topic", "refusal"])
def test_english_chat_is_english(kind: str) -> None:
    assert not JAPANESE.search(write_chat(kind, "en"))  # type: ignore[arg-type]


def test_refusals_are_short_and_polite() -> None:
    for lang, polite in (("ja", "申し訳ありません"), ("en", "Sorry")):
        reply = write_chat("refusal", lang)  # type: ignore[arg-type]
        assert reply.startswith(polite) and len(reply) < 200
        assert "search_connpass" not in reply and "プロンプト" not in reply
