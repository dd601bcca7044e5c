"""The report as Markdown tables (what ``make eval`` prints)."""

from __future__ import annotations

from typing import Any

#: Failed cases listed in full; the rest are counted (the JSON report has every one).
MAX_FAILED_LISTED = 40


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _usd(value: float | None) -> str:
    return "—" if value is None else f"${value:.7f}"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def overall_table(summary: dict[str, Any]) -> list[str]:
    """Headline figures next to their thresholds."""
    overall, limits = summary["overall"], summary["thresholds"]
    calls, tokens, cost = summary["model_calls_per_turn"], summary["tokens"], summary["cost"]
    rows = [
        ["precision", f"{_pct(overall['precision'])} ({overall['linked_ok']}/{overall['linked']} linked events)",
         f"≥ {limits['precision']}"],
        ["recall", f"{_pct(overall['recall'])} ({overall['answered']}/{overall['answerable']} answerable questions)",
         f"≥ {limits['recall']}"],
        ["cases passed", f"{_pct(overall['pass_rate'])} ({overall['passed']}/{overall['cases']})",
         f"each category ≥ {limits['category']}"],
        ["crashes", str(summary["crashes"]), f"≤ {limits['max_crashes']}"],
        ["latency p50 / p95", f"{_ms(summary['latency_ms']['p50'])} / {_ms(summary['latency_ms']['p95'])}", ""],
        ["first text p50 / p95",
         f"{_ms(summary['first_text_ms']['p50'])} / {_ms(summary['first_text_ms']['p95'])}", ""],
        ["model calls per turn", f"{calls['mean']} (max {calls['max']})", ""],
        ["tokens per question (in / out)", f"{tokens['input_per_question']} / {tokens['output_per_question']}", ""],
    ]  # fmt: skip
    if cost is not None:
        rows.append([
            f"estimated cost per question ({cost['model']})",
            f"{_usd(cost['usd_per_question'])} (${cost['usd_per_1000_questions']:.4f} per 1,000)",
            "estimate",
        ])  # fmt: skip
    return _table(["figure", "value", "threshold"], rows)


def category_table(summary: dict[str, Any]) -> list[str]:
    """Per-category pass rate, precision and recall."""
    rows = [
        [
            name,
            str(f["cases"]),
            f"{_pct(f['pass_rate'])} ({f['passed']}/{f['cases']})",
            f"{_pct(f['precision'])} ({f['linked_ok']}/{f['linked']})" if f["linked"] else "—",
            f"{_pct(f['recall'])} ({f['answered']}/{f['answerable']})" if f["answerable"] else "—",
        ]
        for name, f in summary["categories"].items()
    ]
    return _table(["category", "cases", "pass rate", "precision", "recall"], rows)


def checks_table(summary: dict[str, Any]) -> list[str]:
    """Each behaviour check's pass rate over the turns it applies to."""
    rows = [[name, f"{_pct(c['rate'])} ({c['passed']}/{c['total']})"] for name, c in sorted(summary["checks"].items())]
    return _table(["check", "pass rate"], rows)


def failed_cases(summary: dict[str, Any]) -> list[str]:
    """One line per failed turn: the case, the question, and why (first violating event as an example)."""
    lines: list[str] = []
    failed = [case for case in summary["cases"] if not case["passed"]]
    for case in failed[:MAX_FAILED_LISTED]:
        for number, turn in enumerate(case["turns"], start=1):
            if turn["passed"]:
                continue
            reasons = [turn["error"]] if turn["error"] else [f"{k}: {v}" for k, v in turn["failures"].items()]
            example = next((e for e in turn["events"] if not e["ok"]), None)
            if example is not None:
                reasons.append(f"e.g. 「{example['title']}」 {', '.join(example['violations'])}")
            lines.append(f"- `{case['id']}` ({case['category']}) turn {number} 「{turn['ask']}」: {'; '.join(reasons)}")
    if len(failed) > MAX_FAILED_LISTED:
        lines.append(f"- … and {len(failed) - MAX_FAILED_LISTED} more failed cases (see the JSON report)")
    return lines


def render(summary: dict[str, Any]) -> str:
    """The whole Markdown report."""
    run = summary["run"]
    verdict = "PASS" if summary["passed"] else "FAIL: " + "; ".join(summary["failures"])
    lines = [
        f"## Confee eval: {run['target']} (model {run.get('model') or '?'}, source {run.get('source') or '?'}), "
        f"today {run['today']}",
        "",
        f"{run['cases']} cases, {run['turns']} questions, golden set `{run['golden']}`, {run['finished_at']}.",
        "",
        *overall_table(summary),
        "",
        *category_table(summary),
        "",
        *checks_table(summary),
        "",
    ]
    if summary["cost"] is not None:
        lines += [
            f"Cost is an estimate from meta.usage tokens and list prices ({summary['cost']['prices_source']}).",
            "",
        ]
    failed = failed_cases(summary)
    if failed:
        lines += ["### Failed", "", *failed, ""]
    lines.append(f"**{verdict}**")
    return "\n".join(lines)
