"""Reading the golden file: its format, and the errors that name the case and the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from eval.cases import GoldenError, load_golden, parse_case


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "golden.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_question_and_a_conversation(tmp_path: Path) -> None:
    golden = load_golden(
        write(
            tmp_path,
            """
today: 2026-11-24
cases:
  - id: one
    category: topic
    ask: Rustの勉強会
    expect: {topics: [Rust|Rust言語, 勉強会], dates: {from: 2026-12-01, to: 2026-12-31}}
  - id: two
    category: follow-up
    turns:
      - ask: こんにちは
        expect: {search: false}
      - ask: 次は？
        expect: {links: any, fresh: true, dates: 2026-12-05}
""",
        )
    )
    assert golden.today == dt.date(2026, 11, 24)
    assert golden.categories == ["topic", "follow-up"]
    one, two = golden.cases
    assert one.turns[0].expect.topics == (("Rust", "Rust言語"), ("勉強会",))
    assert one.turns[0].expect.date_to == dt.date(2026, 12, 31) and one.turns[0].expect.answerable
    chat, more = two.turns[0].expect, two.turns[1].expect
    assert (chat.search, chat.links, chat.answerable) == (False, "none", False)
    assert more.date_from == more.date_to == dt.date(2026, 12, 5) and not more.answerable


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"category": "x", "ask": "q"}, "missing id"),
        ({"id": "a", "ask": "q"}, "a: missing category"),
        ({"id": "a", "category": "x"}, "give either ask"),
        ({"id": "a", "category": "x", "ask": "q", "expect": {"topic": ["Rust"]}}, "unknown expect keys ['topic']"),
        ({"id": "a", "category": "x", "ask": "q", "expect": {"prefectures": ["tokio"]}}, "unknown values ['tokio']"),
        ({"id": "a", "category": "x", "ask": "q", "expect": {"weekdays": ["Sat"]}}, "unknown values ['Sat']"),
        ({"id": "a", "category": "x", "ask": "q", "expect": {"months": ["2026-13"]}}, "months"),
        ({"id": "a", "category": "x", "ask": "q", "expect": {"search": False, "links": "some"}}, "links no events"),
        ({"id": "a", "category": "x", "ask": "q", "expect": {"relaxed": ["later_dates"], "links": "any"}}, "alternat"),
        ({"id": "a", "category": "x", "ask": "q", "expect": {"beginner": "yes"}}, "beginner: expected true"),
        ({"id": "a", "category": "x", "turns": [{"ask": ""}]}, "a turn 1: missing ask"),
    ],
)
def test_malformed_cases_are_reported(case: dict[str, Any], message: str) -> None:
    with pytest.raises(GoldenError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_case(case, 0)


def test_duplicate_ids_and_unreadable_files_are_reported(tmp_path: Path) -> None:
    twice = "today: 2026-11-24\ncases:\n" + "  - {id: a, category: x, ask: q}\n" * 2
    with pytest.raises(GoldenError, match=r"duplicate case ids \['a'\]"):
        load_golden(write(tmp_path, twice))
    with pytest.raises(GoldenError, match="expected a mapping"):
        load_golden(write(tmp_path, "- just a list"))
    with pytest.raises(GoldenError):
        load_golden(tmp_path / "missing.yaml")
