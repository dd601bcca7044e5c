"""Ask every golden case through an agent client and judge each answer.

A case runs in its own session; its turns run in order (a conversation), timed from the request to the
first text delta and to the ``done`` event. A turn that fails (``AgentError`` or anything else) is a crash;
the rest of that conversation is skipped, since its context is gone.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from eval.cases import Case, Expect
from eval.checks import TurnVerdict, check_turn
from eval.facts import Catalogue
from proxy.client import AgentClient, AgentError, new_session_id

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TurnResult:
    """One asked question: what came back, how long it took, and the verdict.

    Attributes:
        ask: The question.
        expect: What the golden set expects.
        response: The Markdown answer ("" after a crash).
        events: Contract 1 ``events``.
        meta: Contract 1 ``meta`` (``usage``: model calls and tokens of this turn).
        seconds: Request to ``done``.
        first_text_seconds: Request to the first text delta (``None``: no text).
        error: ``code: detail`` when the turn failed.
        skipped: Not asked, because an earlier turn of the conversation failed.
        verdict: The judged answer (``None`` after a crash or skip).
    """

    ask: str
    expect: Expect
    response: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    seconds: float | None = None
    first_text_seconds: float | None = None
    error: str | None = None
    skipped: bool = False
    verdict: TurnVerdict | None = None

    @property
    def passed(self) -> bool:
        return self.verdict is not None and self.error is None and self.verdict.passed

    @property
    def usage(self) -> dict[str, Any]:
        usage = self.meta.get("usage")
        return usage if isinstance(usage, dict) else {}


@dataclass(frozen=True)
class CaseResult:
    """A case's turns, in order."""

    case: Case
    turns: list[TurnResult]

    @property
    def passed(self) -> bool:
        return all(turn.passed for turn in self.turns)

    @property
    def crashed(self) -> bool:
        return any(turn.error is not None for turn in self.turns)


def _ask(client: AgentClient, session_id: str, message: str, turn: int, clock: Callable[[], float]) -> dict[str, Any]:
    """One streamed turn, folded into a reply with its timings."""
    started = clock()
    first_text: float | None = None
    parts: list[str] = []
    for event in client.stream(session_id, message, turn):
        if event["type"] == "text":
            if first_text is None:
                first_text = clock() - started
            parts.append(event["text"])
        elif event["type"] == "done":
            return {
                "response": "".join(parts),
                "events": list(event.get("events") or []),
                "meta": dict(event.get("meta") or {}),
                "seconds": clock() - started,
                "first_text_seconds": first_text,
            }
    raise AgentError("agent_unavailable", detail="stream ended without done")


def run_case(
    client: AgentClient,
    case: Case,
    *,
    catalogue: Catalogue,
    today: dt.date,
    throttle_retries: int = 1,
    clock: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> CaseResult:
    """Ask one case's turns in a fresh session and judge each answer.

    Args:
        client: Any agent client (in process, HTTP, ARN).
        case: The case.
        catalogue: Full events by URL, for judging linked events.
        today: The day the golden set was written for.
        throttle_retries: Times a ``throttled`` turn is asked again after ``Retry-After`` (a busy model is not
            a wrong answer).
        clock: Monotonic seconds (tests).
        sleep: Waits between throttled retries (tests).
    """
    session_id = new_session_id()
    results: list[TurnResult] = []
    shown: set[str] = set()
    failed = False
    for index, turn in enumerate(case.turns):
        if failed:
            results.append(TurnResult(turn.ask, turn.expect, skipped=True, error="skipped: an earlier turn failed"))
            continue
        for attempt in range(throttle_retries + 1):
            try:
                answer = _ask(client, session_id, turn.ask, index, clock)
                break
            except AgentError as exc:
                if exc.code == "throttled" and attempt < throttle_retries:
                    sleep(exc.retry_after or 5.0)
                    continue
                answer = {"error": f"{exc.code}: {exc.detail or exc.message}"}
                break
            except Exception as exc:  # a harness or transport bug must not stop the run
                logger.exception("case=<%s> | turn %d raised", case.id, index)
                answer = {"error": f"harness: {type(exc).__name__}: {exc}"}
                break
        if "error" in answer:
            failed = True
            results.append(TurnResult(turn.ask, turn.expect, error=answer["error"]))
            continue
        verdict = check_turn(
            turn.expect,
            answer["response"],
            answer["events"],
            answer["meta"],
            catalogue=catalogue,
            today=today,
            earlier_urls=frozenset(shown),
        )
        shown.update(str(e.get("url")) for e in answer["events"])
        results.append(TurnResult(turn.ask, turn.expect, verdict=verdict, **answer))
    return CaseResult(case, results)


def run_cases(
    client: AgentClient,
    cases: Iterable[Case],
    *,
    catalogue: Catalogue,
    today: dt.date,
    jobs: int = 1,
    progress: Callable[[CaseResult], None] | None = None,
    **kwargs: Any,
) -> list[CaseResult]:
    """Run cases (``jobs`` at a time; 1 keeps latencies free of contention) and return results in case order."""

    def one(case: Case) -> CaseResult:
        result = run_case(client, case, catalogue=catalogue, today=today, **kwargs)
        if progress is not None:
            progress(result)
        return result

    cases = list(cases)
    if jobs <= 1:
        return [one(case) for case in cases]
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="confee-eval") as pool:
        return list(pool.map(one, cases))
