"""The report's arithmetic on hand-made results: precision, recall, pass rates, percentiles, tokens, cost, gate."""

from __future__ import annotations

from typing import Any

import pytest

from eval.cases import Case, Turn
from eval.checks import LinkVerdict, TurnVerdict
from eval.markdown import render
from eval.pricing import PRICES, price_for
from eval.report import Thresholds, behaviour, gate, percentile, scores, summarize
from eval.runner import CaseResult, TurnResult
from tests.eval.helpers import expect

RUN = {"target": "local", "model": "bedrock", "source": "sample", "today": "2026-11-24", "golden": "g.yaml",
       "cases": 3, "turns": 4, "finished_at": "2026-12-02T00:00:00+00:00"}  # fmt: skip


def turn(
    fits: list[bool], *, ask: str = "q", checks: dict[str, str | None] | None = None, seconds: float = 0.1,
    usage: dict[str, int] | None = None, error: str | None = None, **question: Any,
) -> TurnResult:  # fmt: skip
    """A judged turn linking one event per entry of ``fits`` (True: it satisfies the constraints)."""
    if error is not None:
        return TurnResult(ask, expect(**question), error=error)
    verdict = TurnVerdict(
        [LinkVerdict(f"u{i}", f"t{i}", [] if ok else ["in osaka, not tokyo"], True) for i, ok in enumerate(fits)],
        {"constraints": None if all(fits) else "bad", **(checks or {})},
    )
    events = [{"url": f"u{i}"} for i in range(len(fits))]
    meta = {"model": "bedrock", "usage": usage or {"model_calls": 2, "input_tokens": 1000, "output_tokens": 200}}
    return TurnResult(ask, expect(**question), "answer", events, meta, seconds, seconds / 2, verdict=verdict)


def case(category: str, *turns: TurnResult) -> CaseResult:
    return CaseResult(
        Case(f"{category}-{id(turns)}", category, tuple(Turn(t.ask, t.expect) for t in turns)), list(turns)
    )


RESULTS = [
    case("topic", turn([True, True, False])),  # 2 of 3 links fit
    case("topic", turn([True]), turn([], links="any")),  # a conversation; its second turn is not answerable
    case("chit-chat", turn([], search=False, checks={"no_search": None, "no_links": None})),
    case("place", turn([], checks={"answered": "links no event"})),  # answerable, answered nothing
]


def test_precision_counts_linked_events_and_recall_answerable_questions() -> None:
    overall = scores(RESULTS)
    assert (overall["linked"], overall["linked_ok"], overall["precision"]) == (4, 3, 0.75)
    assert (overall["answerable"], overall["answered"], overall["recall"]) == (3, 2, pytest.approx(2 / 3))
    assert (overall["cases"], overall["passed"], overall["pass_rate"]) == (4, 2, 0.5)


def test_a_crashed_turn_is_unanswered_and_counted_as_a_crash() -> None:
    crashed = [case("topic", turn([], error="agent_timeout: slow"), TurnResult("2", expect(), skipped=True, error="s"))]
    assert scores(crashed)["recall"] == 0.0
    assert behaviour(crashed)["crash"] == {"passed": 0, "total": 2, "rate": 0.0}
    summary = summarize(crashed, run=RUN, thresholds=Thresholds())
    assert summary["crashes"] == 1  # the skipped turn is a consequence, not another crash
    assert "1 crashed turn(s) > 0" in summary["failures"]


def test_percentiles_are_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 0.5), percentile(values, 0.95)) == (50.0, 95.0)
    assert percentile([3.0], 0.95) == 3.0 and percentile([], 0.5) is None


def test_tokens_and_estimated_cost_per_question_from_usage() -> None:
    price = price_for("apac.amazon.nova-micro-v1:0")
    assert price is not None and price.model == "nova-micro"
    summary = summarize(RESULTS, run=RUN, thresholds=Thresholds(), price=price)
    assert summary["tokens"] == {"input": 5000, "output": 1000, "input_per_question": 1000.0,
                                 "output_per_question": 200.0}  # fmt: skip
    per_question = 1000 / 1000 * 0.000035 + 200 / 1000 * 0.00014
    assert summary["cost"]["usd_per_question"] == pytest.approx(per_question)
    assert summary["cost"]["estimate"] is True and "aws.amazon.com/bedrock/pricing" in summary["cost"]["prices_source"]
    assert summary["model_calls_per_turn"] == {"mean": 2.0, "max": 2}
    assert summary["latency_ms"] == {"p50": 100.0, "p95": 100.0}
    assert summarize(RESULTS, run=RUN, thresholds=Thresholds())["cost"] is None


def test_every_listed_model_family_has_a_price() -> None:
    assert {p.model for p in PRICES} == {"nova-micro", "nova-lite", "nova-pro", "claude-haiku-4-5"}
    assert price_for("amazon.nova-pro-v1:0") is not None and price_for("anthropic.claude") is None


def test_the_gate_names_every_threshold_missed() -> None:
    summary = summarize(RESULTS, run=RUN, thresholds=Thresholds())
    assert summary["passed"] is False
    assert summary["failures"] == [
        "precision 0.750 < 0.97",
        "recall 0.667 < 0.95",
        "category topic: pass rate 0.50 < 0.9",
        "category place: pass rate 0.00 < 0.9",
    ]
    lenient = Thresholds(precision=0.7, recall=0.6, category=0.0)
    assert gate(summary, lenient) == []


def test_markdown_shows_the_figures_and_the_failed_cases() -> None:
    text = render(summarize(RESULTS, run=RUN, thresholds=Thresholds(), price=PRICES[0]))
    assert "| precision | 0.750 (3/4 linked events) | ≥ 0.97 |" in text
    assert "| recall | 0.667 (2/3 answerable questions) | ≥ 0.95 |" in text
    assert "| chit-chat | 1 | 1.000 (1/1) | — | — |" in text
    assert "estimated cost per question (nova-micro)" in text and "estimate" in text
    assert "e.g. 「t2」 in osaka, not tokyo" in text
    verdict = "**FAIL: precision 0.750 < 0.97; recall 0.667 < 0.95; category topic: pass rate 0.50 < 0.9; "
    assert text.rstrip().endswith(verdict + "category place: pass rate 0.00 < 0.9**")
