"""``OfflineModel``: a deterministic Strands ``Model`` that understands common questions itself (no AWS).

It plays a tool-using LLM's part in the real Strands loop: for a user question it asks for ``search_connpass``
(or answers chat directly); for a tool result it writes the Markdown answer. Everything it needs comes from the
conversation (``messages``), so follow-ups work through the agent's own history, and one instance serves every
session. Answers stream in small chunks, as a hosted model's would, so streaming UIs are exercised too.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import threading
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from pydantic import BaseModel
from strands.models import Model
from strands.types.content import Messages, SystemContentBlock
from strands.types.streaming import StreamEvent
from strands.types.tools import ToolChoice, ToolSpec

from agent.clock import Clock, system_clock
from agent.models.offline.turn import ToolCall, decide

if TYPE_CHECKING:
    from strands.agent.agent_metadata import AgentMetadata

logger = logging.getLogger(__name__)

T = TypeVar("T", bound=BaseModel)


class OfflineConfig(TypedDict, total=False):
    """Streaming shape: characters per text delta and the pause between deltas (seconds)."""

    chunk_chars: int
    chunk_delay: float


class OfflineModel(Model):
    """A deterministic model for the embedded default and tests: no network, no AWS, same answers every time.

    Args:
        clock: Current time in JST (tests pin it so 今月/来月 do not rot).
        chunk_chars: Characters per streamed text delta.
        chunk_delay: Pause between deltas in seconds (0 in tests and benchmarks).
    """

    def __init__(self, clock: Clock = system_clock, *, chunk_chars: int = 12, chunk_delay: float = 0.01) -> None:
        self._clock = clock
        self.config: OfflineConfig = {}
        self.update_config(chunk_chars=chunk_chars, chunk_delay=chunk_delay)

    def update_config(self, **model_config: Any) -> None:
        """Change ``chunk_chars`` / ``chunk_delay``; unknown keys are rejected so typos do not pass silently."""
        unknown = set(model_config) - {"chunk_chars", "chunk_delay"}
        if unknown:
            raise ValueError(f"unknown OfflineModel settings: {sorted(unknown)}")
        if "chunk_chars" in model_config:
            chars = int(model_config["chunk_chars"])
            if chars < 1:
                raise ValueError("chunk_chars must be >= 1")
            self.config["chunk_chars"] = chars
        if "chunk_delay" in model_config:
            delay = float(model_config["chunk_delay"])
            if delay < 0:
                raise ValueError("chunk_delay must be >= 0")
            self.config["chunk_delay"] = delay

    def get_config(self) -> OfflineConfig:
        """The current streaming settings."""
        return OfflineConfig(**self.config)

    @property
    def chunk_delay(self) -> float:
        """Seconds between text deltas (benchmarks set 0 to measure the work, not the simulated typing)."""
        return self.config.get("chunk_delay", 0.0)

    @chunk_delay.setter
    def chunk_delay(self, value: float) -> None:
        self.update_config(chunk_delay=value)

    async def structured_output(
        self, output_model: type[T], prompt: Messages, system_prompt: str | None = None, **kwargs: Any
    ) -> AsyncGenerator[dict[str, T | Any], None]:
        """Not supported: Confee never asks for structured output."""
        raise NotImplementedError("OfflineModel does not produce structured output")
        yield {}  # pragma: no cover  (makes this an async generator, as the interface expects)

    async def stream(
        self,
        messages: Messages,
        tool_specs: list[ToolSpec] | None = None,
        system_prompt: str | None = None,
        *,
        tool_choice: ToolChoice | None = None,
        system_prompt_content: list[SystemContentBlock] | None = None,
        invocation_state: dict[str, Any] | None = None,
        cancel_signal: threading.Event | None = None,
        agent_metadata: AgentMetadata | None = None,
        structured_output_model: type[BaseModel] | None = None,
        **kwargs: Any,
    ) -> AsyncGenerator[StreamEvent, None]:
        """Decide the next step and stream it as Bedrock-style events (text deltas, or one tool call)."""
        names = frozenset(spec.get("name", "") for spec in tool_specs or [])
        reply = decide(messages, self._clock, names)
        yield {"messageStart": {"role": "assistant"}}
        if isinstance(reply, ToolCall):
            logger.debug("tool_use_id=<%s> | requesting search", reply.tool_use_id)
            yield {"contentBlockStart": {"start": {"toolUse": {"toolUseId": reply.tool_use_id, "name": reply.name}}}}
            yield {"contentBlockDelta": {"delta": {"toolUse": {"input": json.dumps(reply.input, ensure_ascii=False)}}}}
            yield {"contentBlockStop": {}}
            yield {"messageStop": {"stopReason": "tool_use"}}
            output = len(json.dumps(reply.input))
        else:
            yield {"contentBlockStart": {"start": {}}}
            size, delay = self.config.get("chunk_chars", 12), self.config.get("chunk_delay", 0.0)
            for start in range(0, len(reply.text), size):
                if delay and start:
                    await asyncio.sleep(delay)
                yield {"contentBlockDelta": {"delta": {"text": reply.text[start : start + size]}}}
            yield {"contentBlockStop": {}}
            yield {"messageStop": {"stopReason": "end_turn"}}
            output = len(reply.text)
        tokens_in = math.ceil(sum(len(json.dumps(m.get("content", []), ensure_ascii=False)) for m in messages) / 4)
        tokens_out = math.ceil(output / 4)
        yield {
            "metadata": {
                "usage": {"inputTokens": tokens_in, "outputTokens": tokens_out, "totalTokens": tokens_in + tokens_out},
                "metrics": {"latencyMs": 0},
            }
        }
