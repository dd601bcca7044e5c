"""A trace of one turn, for the team's workbench: each model call and each tool call, with timings and tokens.

It travels as ``meta.trace`` on Contract 1's final event (the public Chat API drops it). Strands hooks see
every model and tool call; the search tool adds what it asked its source through ``invocation_state``.
Nothing in it carries a secret: tool arguments are the model's, source queries are connpass parameters (the key
travels in a header, never here).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from strands.hooks import (
    AfterModelCallEvent,
    AfterToolCallEvent,
    BeforeModelCallEvent,
    BeforeToolCallEvent,
    HookProvider,
    HookRegistry,
)

#: The key of ``invocation_state`` that holds the turn's ``TurnTrace``.
STATE_KEY = "confee_trace"


@dataclass
class TurnTrace:
    """What one turn did. ``as_dict()`` is the ``meta.trace`` of Contract 1."""

    started: float = field(default_factory=time.perf_counter)
    model_calls: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    _model_started: float | None = None
    _tool_started: dict[str, float] = field(default_factory=dict)
    _usage_seen: tuple[int, int] = (0, 0)
    _sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    # -- what the search tool reports ---------------------------------------------------------------------
    def note_source(self, tool_use_id: str, details: dict[str, Any]) -> None:
        """The source a tool call asked and the queries it sent (``run_search``'s ``trace``)."""
        self._sources[tool_use_id] = details

    # -- model calls --------------------------------------------------------------------------------------
    def model_started(self, usage: dict[str, int]) -> None:
        self._settle_tokens(usage)
        self._model_started = time.perf_counter()

    def model_finished(self, stop_reason: str | None, error: Exception | None) -> None:
        started = self._model_started or time.perf_counter()
        call: dict[str, Any] = {"duration_ms": _ms(started), "stop_reason": stop_reason}
        if error is not None:
            call["error"] = type(error).__name__
        self.model_calls.append(call)

    def _settle_tokens(self, usage: dict[str, int]) -> None:
        """Strands adds a call's token counts after its After event: attribute the growth to the last call."""
        now = (int(usage.get("inputTokens", 0)), int(usage.get("outputTokens", 0)))
        grown = (now[0] - self._usage_seen[0], now[1] - self._usage_seen[1])
        if self.model_calls and (grown[0] or grown[1]):
            last = self.model_calls[-1]
            last["input_tokens"] = last.get("input_tokens", 0) + grown[0]
            last["output_tokens"] = last.get("output_tokens", 0) + grown[1]
        self._usage_seen = now

    # -- tool calls ---------------------------------------------------------------------------------------
    def tool_started(self, tool_use_id: str) -> None:
        self._tool_started[tool_use_id] = time.perf_counter()

    def tool_finished(self, tool_use: dict[str, Any], result: dict[str, Any]) -> None:
        tool_use_id = str(tool_use.get("toolUseId"))
        started = self._tool_started.pop(tool_use_id, time.perf_counter())
        payload = _payload(result)
        call: dict[str, Any] = {
            "name": tool_use.get("name"),
            "tool_use_id": tool_use_id,
            "arguments": tool_use.get("input") or {},
            "status": result.get("status"),
            "duration_ms": _ms(started),
            "result": payload,
        }
        if isinstance(payload, dict) and "total" in payload:
            call["summary"] = {k: payload.get(k) for k in ("source", "total", "matched", "complete", "has_more")}
            call["summary"]["shown"] = len(payload.get("events") or [])
        if tool_use_id in self._sources:
            call["source_queries"] = self._sources[tool_use_id]
        self.tool_calls.append(call)

    def as_dict(self, usage: dict[str, int]) -> dict[str, Any]:
        """The trace, with the last model call's tokens settled from ``usage`` (the agent's accumulated counts)."""
        self._settle_tokens(usage)
        return {"total_ms": _ms(self.started), "model_calls": self.model_calls, "tool_calls": self.tool_calls}


class TraceHooks(HookProvider):
    """Feeds the ``TurnTrace`` found in ``invocation_state`` (turns without one are not traced)."""

    def register_hooks(self, registry: HookRegistry, **kwargs: Any) -> None:
        registry.add_callback(BeforeModelCallEvent, self._before_model)
        registry.add_callback(AfterModelCallEvent, self._after_model)
        registry.add_callback(BeforeToolCallEvent, self._before_tool)
        registry.add_callback(AfterToolCallEvent, self._after_tool)

    @staticmethod
    def _trace(event: Any) -> TurnTrace | None:
        found = (event.invocation_state or {}).get(STATE_KEY)
        return found if isinstance(found, TurnTrace) else None

    def _before_model(self, event: BeforeModelCallEvent) -> None:
        if trace := self._trace(event):
            trace.model_started(counts(event.agent.event_loop_metrics.accumulated_usage))

    def _after_model(self, event: AfterModelCallEvent) -> None:
        if trace := self._trace(event):
            stop = event.stop_response.stop_reason if event.stop_response else None
            trace.model_finished(stop, event.exception)

    def _before_tool(self, event: BeforeToolCallEvent) -> None:
        if trace := self._trace(event):
            trace.tool_started(str(event.tool_use.get("toolUseId")))

    def _after_tool(self, event: AfterToolCallEvent) -> None:
        if trace := self._trace(event):
            trace.tool_finished(dict(event.tool_use), dict(event.result))


def counts(usage: Any) -> dict[str, int]:
    """Strands' ``Usage`` (a TypedDict) as plain integers."""
    return {str(k): int(v) for k, v in dict(usage).items() if isinstance(v, int | float)}


def _payload(result: dict[str, Any]) -> Any:
    """The tool result's JSON (what the model read), or its text if it is not JSON."""
    for content in result.get("content") or []:
        if "json" in content:
            return content["json"]
        if "text" in content:
            try:
                return json.loads(content["text"])
            except ValueError:
                return content["text"]
    return None


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)
