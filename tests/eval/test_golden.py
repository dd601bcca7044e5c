"""The golden set itself: big enough, every category covered, and true of the catalogue it was written for.

Every answerable question must have answers in the bundled sample catalogue (so a failing case means the agent,
not the case, is wrong); every no-result question must have none there, and an alternative under one of the
relaxations it allows. When the sample catalogue changes, this test says which cases need a look.
"""

from __future__ import annotations

import collections

import pytest

from eval.cases import Case, load_golden
from eval.constraints import catalogue_matches, variants, violations
from eval.facts import Catalogue

GOLDEN = load_golden()
CATALOGUE = Catalogue.sample()
CATEGORIES = {
    "topic", "place", "month-date", "exclusion", "weekday-time", "beginner", "city", "follow-up", "popular",
    "english", "chit-chat", "injection", "no-result",
}  # fmt: skip


def test_the_golden_set_is_big_enough_and_covers_every_category() -> None:
    counts = collections.Counter(case.category for case in GOLDEN.cases)
    assert len(GOLDEN.cases) >= 80
    assert set(counts) == CATEGORIES
    assert min(counts.values()) >= 5, counts
    assert sum(len(case.turns) > 1 for case in GOLDEN.cases) >= 10  # conversations
    assert str(GOLDEN.today) == "2026-11-24"  # the day the tests pin


def _searches(case: Case) -> list[tuple[int, object]]:
    return [(i, turn.expect) for i, turn in enumerate(case.turns) if turn.expect.search]


@pytest.mark.parametrize("case", GOLDEN.cases, ids=lambda case: case.id)
def test_every_case_is_true_of_the_sample_catalogue(case: Case) -> None:
    for index, turn in enumerate(case.turns):
        question = turn.expect
        if not question.search:
            assert not question.relaxed and question.links == "none"
            continue
        exact = catalogue_matches(CATALOGUE.facts, question, GOLDEN.today)
        if question.relaxed:
            assert exact == [], f"turn {index + 1} has answers: {[e.title for e in exact]}"
            alternatives = [
                e for v in variants(question) for e in CATALOGUE.facts if not violations(e, v, GOLDEN.today)
            ]
            assert alternatives, f"turn {index + 1}: no relaxation in {question.relaxed} finds anything"
        elif question.links == "some":
            assert exact, f"turn {index + 1} 「{turn.ask}」 has no answer in the sample catalogue"
