"""``python -m eval`` / ``make eval``: run the golden set against a target, print Markdown, write JSON, gate.

Exit codes: 0 every threshold met; 1 below a threshold (or a crash); 2 the run could not start (bad
arguments, golden file or configuration, unreachable target).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval.cases import GOLDEN_FILE, GoldenError, GoldenSet, load_golden
from eval.facts import Catalogue
from eval.markdown import render
from eval.pricing import Price, price_for
from eval.report import Thresholds, summarize
from eval.runner import CaseResult, run_cases
from eval.target import agent_today, build_client, target_name
from proxy.client import AgentClient, AgentError, new_session_id

DEFAULT_OUT = Path("artifacts/eval/report.json")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    defaults = Thresholds()
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.splitlines()[0])
    parser.add_argument("--golden", type=Path, default=GOLDEN_FILE, help="golden set (YAML)")
    parser.add_argument("--target", help="local, http://host:port or a runtime ARN (default: CONFEE_AGENT or local)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON report (default {DEFAULT_OUT})")
    parser.add_argument("--category", action="append", default=[], help="run only this category (repeatable)")
    parser.add_argument("--case", action="append", default=[], help="run only this case id (repeatable)")
    parser.add_argument("--jobs", type=int, default=1, help="cases run at once (1 keeps latencies honest)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per answer (HTTP and ARN targets)")
    parser.add_argument("--min-precision", type=float, default=defaults.precision)
    parser.add_argument("--min-recall", type=float, default=defaults.recall)
    parser.add_argument("--min-category", type=float, default=defaults.category, help="each category's pass rate")
    parser.add_argument("--max-crashes", type=int, default=defaults.max_crashes)
    parser.add_argument(
        "--catalogue",
        choices=("sample", "none"),
        default="sample",
        help="judge linked events on the sample catalogue's full events (default) or on replies only",
    )
    parser.add_argument(
        "--model-id",
        default=None,
        help="Bedrock model id for the cost estimate (default CONFEE_MODEL_ID or Nova Micro)",
    )
    parser.add_argument("--price-input", type=float, help="USD per 1K input tokens (overrides the price table)")
    parser.add_argument("--price-output", type=float, help="USD per 1K output tokens (overrides the price table)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the untimed first question")
    return parser.parse_args(argv)  # fmt: skip


def select(golden: GoldenSet, categories: Sequence[str], ids: Sequence[str]) -> GoldenSet:
    """The golden set narrowed to ``categories`` and ``ids`` (empty: all)."""
    cases = tuple(
        case for case in golden.cases if (not categories or case.category in categories) and (not ids or case.id in ids)
    )
    return GoldenSet(golden.today, cases)


def bedrock_price(args: argparse.Namespace, model: str | None) -> Price | None:
    """The price for the estimate: only Bedrock answers cost money; flags override the table."""
    if model != "bedrock" and args.price_input is None:
        return None
    from agent.config import DEFAULT_MODEL_ID

    model_id = args.model_id or os.environ.get("CONFEE_MODEL_ID", "").strip() or DEFAULT_MODEL_ID
    listed = price_for(model_id)
    if args.price_input is not None or args.price_output is not None:
        return Price(
            model_id,
            args.price_input if args.price_input is not None else (listed.input_per_1k if listed else 0.0),
            args.price_output if args.price_output is not None else (listed.output_per_1k if listed else 0.0),
        )
    return Price(model_id, listed.input_per_1k, listed.output_per_1k) if listed else None


def warm_up(client: AgentClient) -> None:
    """One untimed question, so start-up (imports, loading the catalogue) is not in the latencies.

    Raises:
        AgentError: The target does not answer.
    """
    for _ in client.stream(new_session_id(), "こんにちは", 0):
        pass


def run_info(args: argparse.Namespace, golden: GoldenSet, results: list[CaseResult], started: float) -> dict[str, Any]:
    """What was run: target, model and source (from the answers' meta), days, counts, times."""
    turns = [t for r in results for t in r.turns]
    metas = [t.meta for t in turns if t.meta]
    return {
        "target": target_name(args.target),
        "model": next((m.get("model") for m in metas if m.get("model")), None),
        "source": next((m.get("source") for m in metas if m.get("source")), None),
        "today": golden.today.isoformat(),
        "agent_today": sorted(set().union(*(agent_today(t.events) for t in turns))),
        "golden": str(args.golden),
        "cases": len(results),
        "turns": len(turns),
        "jobs": args.jobs,
        "duration_seconds": round(time.monotonic() - started, 2),
        "finished_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the evaluation; see the module docstring for exit codes."""
    args = parse_args(argv)
    try:
        golden = select(load_golden(args.golden), args.category, args.case)
    except GoldenError as exc:
        print(f"eval: {exc}", file=sys.stderr)
        return 2
    if not golden.cases:
        print("eval: no case matches --category/--case", file=sys.stderr)
        return 2
    pinned = os.environ.get("CONFEE_TODAY", "").strip()
    if pinned and pinned[:10] != golden.today.isoformat():
        print(f"eval: CONFEE_TODAY={pinned} ignored: the golden set is written for {golden.today}", file=sys.stderr)
    try:
        client = build_client(args.target, golden.today, timeout=args.timeout)
        if not args.no_warmup:
            warm_up(client)
    except (ValueError, AgentError) as exc:
        detail = f" ({exc.detail})" if isinstance(exc, AgentError) and exc.detail else ""
        print(f"eval: cannot use target {target_name(args.target)!r}: {exc}{detail}", file=sys.stderr)
        return 2
    catalogue = Catalogue.sample() if args.catalogue == "sample" else Catalogue()
    started = time.monotonic()

    def progress(result: CaseResult) -> None:
        print("." if result.passed else ("E" if result.crashed else "F"), end="", file=sys.stderr, flush=True)

    results = run_cases(
        client, golden.cases, catalogue=catalogue, today=golden.today, jobs=args.jobs, progress=progress
    )
    print(file=sys.stderr)
    run = run_info(args, golden, results, started)
    if run["agent_today"] and run["agent_today"] != [golden.today.isoformat()]:
        print(f"eval: warning: the agent took today as {run['agent_today']}, the golden set is for "
              f"{golden.today}: start it with CONFEE_TODAY={golden.today}", file=sys.stderr)  # fmt: skip
    thresholds = Thresholds(args.min_precision, args.min_recall, args.min_category, args.max_crashes)
    summary = summarize(results, run=run, thresholds=thresholds, price=bedrock_price(args, run["model"]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(render(summary))
    print(f"\nJSON report: {args.out}")
    return 0 if summary["passed"] else 1
