"""Recurring days, hours, beginner and seats in a question → the tool's days_of_week / time_of_day / beginner /
joinable_only (pure functions)."""

from __future__ import annotations

import pytest

from agent.models.offline.lexicon import normalize
from agent.models.offline.modifiers import Modifiers, parse_modifiers

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def modifiers(text: str) -> Modifiers:
    return parse_modifiers(normalize(text))[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("平日", Modifiers(days=WEEKDAYS)),
        ("土日", Modifiers(days=("sat", "sun"))),
        ("週末のもくもく会", Modifiers(days=("sat", "sun"))),
        ("土日祝", Modifiers(days=("sat", "sun"))),
        ("水曜日の夜", Modifiers(days=("wed",), times=("evening",))),
        ("毎週金曜", Modifiers(days=("fri",))),
        ("火曜か木曜", Modifiers(days=("tue", "thu"))),
        ("土曜の午後", Modifiers(days=("sat",), times=("afternoon",))),
        ("平日夜", Modifiers(days=WEEKDAYS, times=("evening",))),
        ("夕方から", Modifiers(times=("evening",))),
        ("仕事帰りに行ける", Modifiers(times=("evening",))),
        ("19時以降", Modifiers(times=("evening",))),
        ("今夜", Modifiers(times=("evening",))),
        ("午前中", Modifiers(times=("morning",))),
        ("朝活", Modifiers(times=("morning",))),
        ("日中", Modifiers(times=("morning", "afternoon"))),
        ("初心者向け", Modifiers(beginner=True)),
        ("入門", Modifiers(beginner=True)),
        ("初めての人", Modifiers(beginner=True)),
        ("未経験でも", Modifiers(beginner=True)),
        ("ビギナー歓迎", Modifiers(beginner=True)),
        ("beginner-friendly", Modifiers(beginner=True)),
        ("初心者向けじゃなくていい", Modifiers(not_beginner=True)),
        ("まだ席がある", Modifiers(joinable=True)),
        ("空きのある", Modifiers(joinable=True)),
        ("参加できる", Modifiers(joinable=True)),
        ("満席じゃない", Modifiers(joinable=True)),
        ("曜日は問わないよ", Modifiers(any_day=True)),
        ("時間帯は問わないよ", Modifiers(any_time=True)),
        ("on weekdays in the evening", Modifiers(days=WEEKDAYS, times=("evening",))),
        ("on weekends", Modifiers(days=("sat", "sun"))),
        ("mondays", Modifiers(days=("mon",))),
    ],
)  # fmt: skip
def test_modifiers(text: str, expected: Modifiers) -> None:
    assert modifiers(text) == expected


@pytest.mark.parametrize("text", ["今週末", "来週末", "この週末", "来週の金曜", "はじめまして", "Rustの勉強会", "東京"])
def test_specific_days_and_other_words_are_not_modifiers(text: str) -> None:
    assert not modifiers(text)


def test_spans_cover_the_words_so_they_are_never_keywords() -> None:
    text = normalize("初心者向けのFlutterハンズオン 平日夜 beginners")
    _, spans = parse_modifiers(text)
    assert sorted(text[a:b].strip() for a, b in spans) == ["beginners", "初心者向け", "夜", "平日"]
