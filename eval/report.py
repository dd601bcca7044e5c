"""Figures of a run: precision, recall, behaviour pass rates, latency, model calls, tokens and cost; the gate.

Definitions (also in the README):
- precision = linked events that satisfy every constraint of their question / linked events;
- recall = answerable questions (turns) that link at least one event / answerable questions (a crashed or
  skipped turn counts as not answered);
- a check's pass rate = turns passing it / turns it applies to; a case passes when every check of every turn
  passes; a category's pass rate = its passed cases / its cases;
- a crash is a turn that ended in an error instead of an answer.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from eval.pricing import PRICES_SOURCE, Price
from eval.runner import CaseResult, TurnResult


@dataclass(frozen=True)
class Thresholds:
    """The gate: below any of these, the run fails (exit code 1)."""

    precision: float = 0.97
    recall: float = 0.95
    category: float = 0.9
    max_crashes: int = 0


def percentile(values: Sequence[float], share: float) -> float | None:
    """Nearest-rank percentile (``share`` 0.5 → median); ``None`` for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _turns(results: Iterable[CaseResult]) -> list[TurnResult]:
    return [turn for result in results for turn in result.turns]


def scores(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Precision, recall and pass rate of ``results`` (all cases, or one category)."""
    turns = _turns(results)
    links = [link for t in turns if t.verdict for link in t.verdict.links]
    answerable = [t for t in turns if t.expect.answerable]
    answered = [t for t in answerable if t.verdict is not None and t.events]
    passed = sum(result.passed for result in results)
    return {
        "cases": len(results),
        "passed": passed,
        "pass_rate": _ratio(passed, len(results)),
        "linked": len(links),
        "linked_ok": sum(link.ok for link in links),
        "precision": _ratio(sum(link.ok for link in links), len(links)),
        "answerable": len(answerable),
        "answered": len(answered),
        "recall": _ratio(len(answered), len(answerable)),
    }


def behaviour(results: Sequence[CaseResult]) -> dict[str, dict[str, Any]]:
    """Each check's passes over the turns it applies to, plus ``crash`` (turns that got no answer)."""
    counts: dict[str, list[int]] = {}
    for turn in _turns(results):
        counts.setdefault("crash", [0, 0])
        counts["crash"][0] += turn.error is None
        counts["crash"][1] += 1
        for name, reason in turn.verdict.checks.items() if turn.verdict else ():
            counts.setdefault(name, [0, 0])
            counts[name][0] += reason is None
            counts[name][1] += 1
    return {name: {"passed": p, "total": t, "rate": _ratio(p, t)} for name, (p, t) in counts.items()}


def usage_figures(results: Sequence[CaseResult], price: Price | None) -> dict[str, Any]:
    """Latency, model calls per turn, tokens and (with a price) the estimated cost per question."""
    asked = [t for t in _turns(results) if t.error is None and t.seconds is not None]
    seconds = [t.seconds for t in asked if t.seconds is not None]
    first = [t.first_text_seconds for t in asked if t.first_text_seconds is not None]
    calls = [t.usage["model_calls"] for t in asked if isinstance(t.usage.get("model_calls"), int)]
    tokens_in = sum(int(t.usage.get("input_tokens") or 0) for t in asked)
    tokens_out = sum(int(t.usage.get("output_tokens") or 0) for t in asked)

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 1)

    figures: dict[str, Any] = {
        "turns_answered": len(asked),
        "latency_ms": {"p50": ms(percentile(seconds, 0.5)), "p95": ms(percentile(seconds, 0.95))},
        "first_text_ms": {"p50": ms(percentile(first, 0.5)), "p95": ms(percentile(first, 0.95))},
        "model_calls_per_turn": {
            "mean": round(statistics.fmean(calls), 2) if calls else None,
            "max": max(calls) if calls else None,
        },
        "tokens": {
            "input": tokens_in,
            "output": tokens_out,
            "input_per_question": round(tokens_in / len(asked), 1) if asked else None,
            "output_per_question": round(tokens_out / len(asked), 1) if asked else None,
        },
        "cost": None,
    }
    if price is not None and asked:
        total = price.cost(tokens_in, tokens_out)
        figures["cost"] = {
            "estimate": True,
            "model": price.model,
            "usd_per_1k_input": price.input_per_1k,
            "usd_per_1k_output": price.output_per_1k,
            "usd_total": total,
            "usd_per_question": total / len(asked),
            "usd_per_1000_questions": total / len(asked) * 1000,
            "prices_source": PRICES_SOURCE,
        }
    return figures


def gate(summary: dict[str, Any], thresholds: Thresholds) -> list[str]:
    """Why the run fails the thresholds (empty: it passes)."""
    reasons = []
    overall = summary["overall"]
    if overall["precision"] is not None and overall["precision"] < thresholds.precision:
        reasons.append(f"precision {overall['precision']:.3f} < {thresholds.precision}")
    if overall["recall"] is not None and overall["recall"] < thresholds.recall:
        reasons.append(f"recall {overall['recall']:.3f} < {thresholds.recall}")
    for name, figures in summary["categories"].items():
        if figures["pass_rate"] is not None and figures["pass_rate"] < thresholds.category:
            reasons.append(f"category {name}: pass rate {figures['pass_rate']:.2f} < {thresholds.category}")
    if summary["crashes"] > thresholds.max_crashes:
        reasons.append(f"{summary['crashes']} crashed turn(s) > {thresholds.max_crashes}")
    return reasons


def _turn_record(turn: TurnResult) -> dict[str, Any]:
    verdict = turn.verdict
    return {
        "ask": turn.ask,
        "passed": turn.passed,
        "error": turn.error,
        "failures": verdict.failures if verdict else {},
        "events": [
            {"url": link.url, "title": link.title, "ok": link.ok, "violations": link.violations}
            for link in (verdict.links if verdict else [])
        ],
        "seconds": None if turn.seconds is None else round(turn.seconds, 4),
        "first_text_seconds": None if turn.first_text_seconds is None else round(turn.first_text_seconds, 4),
        "usage": turn.usage,
        "response": turn.response,
    }


def summarize(
    results: Sequence[CaseResult],
    *,
    run: dict[str, Any],
    thresholds: Thresholds,
    price: Price | None = None,
) -> dict[str, Any]:
    """The whole report (what ``--out`` writes as JSON): figures, the gate, and every turn's record."""
    categories: dict[str, list[CaseResult]] = {}
    for result in results:
        categories.setdefault(result.case.category, []).append(result)
    summary: dict[str, Any] = {
        "run": run,
        "overall": scores(results),
        "categories": {name: scores(group) for name, group in categories.items()},
        "checks": behaviour(results),
        "crashes": sum(turn.error is not None and not turn.skipped for turn in _turns(results)),
        **usage_figures(results, price),
        "thresholds": asdict(thresholds),
    }
    summary["failures"] = gate(summary, thresholds)
    summary["passed"] = not summary["failures"]
    summary["cases"] = [
        {
            "id": result.case.id,
            "category": result.case.category,
            "passed": result.passed,
            "turns": [_turn_record(turn) for turn in result.turns],
        }
        for result in results
    ]
    return summary
