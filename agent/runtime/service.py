"""The invocation service: Contract 1 in one place, shared by the AgentCore app, the CLI and in-process clients.

All agent work runs on one private event loop thread, so sessions run concurrently while each session's
turns are serialized by its own lock, whichever thread (uvicorn's pool, Streamlit, the CLI) asks.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator
from typing import Any

from botocore.exceptions import NoCredentialsError, NoRegionError
from strands import Agent, ModelRetryStrategy
from strands.agent.conversation_manager import SlidingWindowConversationManager
from strands.types.exceptions import ContextWindowOverflowException, ModelThrottledException

from agent.clock import Clock, fixed_clock, system_clock
from agent.config import Settings
from agent.errors import AgentFailure, AgentTimeout, ConfeeError, ModelThrottled
from agent.models import build_model
from agent.models.prompt import system_prompt
from agent.models.thinking import ThinkingFilter
from agent.runtime.events import shown_events, tool_events
from agent.runtime.payload import Invocation, parse_invocation
from agent.runtime.sessions import Session, SessionStore
from agent.runtime.trace import STATE_KEY as TRACE_KEY
from agent.runtime.trace import TraceHooks, TurnTrace, counts
from agent.runtime.turnstream import Emit, StreamEvent, TurnStream
from agent.search import make_search_tool
from agent.sources.base import EventSource
from agent.sources.deadline import STATE_KEY as DEADLINE_KEY

logger = logging.getLogger(__name__)

NO_AWS_MESSAGE = (
    "AWS の認証情報またはリージョンが見つからないため、Bedrock のモデルを呼び出せません。"
    "運用担当者は AWS の設定を確認するか、CONFEE_MODEL=offline で起動してください。"
)

#: Whole-turn budget: clients (the Chat Lambda) give up at about 25 s, so answer or fail before.
TURN_TIMEOUT_SECONDS = 24.0
#: Of that budget, what searches leave for the model to write the answer after the last one (a Nova Micro
#: answer takes a few seconds): connpass waits (request slots, ``Retry-After``, timeouts) end before the rest.
ANSWER_RESERVE_SECONDS = 5.0
#: Messages kept per conversation (older ones slide out; tool results are the bulk).
HISTORY_WINDOW = 30
#: Model throttling: two quick retries fit the turn budget; Strands' default (6 tries from 4 s) does not.
#: The only retrying layer: botocore makes a single attempt per call (``agent/models/bedrock.py`` ``BOTO_RETRIES``).
MODEL_ATTEMPTS = 3
#: Backoff between those attempts (seconds): 1 then 2, so a throttled step gives up after about 3 s.
MODEL_RETRY_INITIAL_DELAY = 1
MODEL_RETRY_MAX_DELAY = 4


class ChatService:
    """Answers invocations for many sessions; the one object every entry point talks to.

    Args:
        settings: Configuration (model, event source, session TTL and cap).
        source: The event source the search tool uses.
        model: A Strands model shared by all sessions (it holds no history).
        clock: Current time in JST (tests pin it).
        turn_timeout: Seconds one turn may take before ``agent_timeout``.
        answer_reserve: Seconds of ``turn_timeout`` that searches leave for writing the answer (their deadline is
            the turn's start + ``turn_timeout`` - ``answer_reserve``; see ``agent.sources.deadline``).
        model_attempts: Model calls per step when the provider throttles (1: no retry).
    """

    def __init__(
        self,
        settings: Settings,
        source: EventSource,
        model: Any,
        *,
        clock: Clock = system_clock,
        turn_timeout: float = TURN_TIMEOUT_SECONDS,
        answer_reserve: float = ANSWER_RESERVE_SECONDS,
        model_attempts: int = MODEL_ATTEMPTS,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self.settings = settings
        self.source = source
        self.clock = clock
        self.turn_timeout = turn_timeout
        self.answer_reserve = answer_reserve
        self._model_attempts = model_attempts
        self._model = model
        self._tool = make_search_tool(source, clock)
        extra = {"monotonic": monotonic} if monotonic else {}
        self.sessions = SessionStore(
            self._new_agent,
            ttl_seconds=settings.session_ttl_seconds,
            max_sessions=settings.max_sessions,
            max_turns=settings.max_turns,
            **extra,
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="confee-agent-loop", daemon=True)
        self._thread.start()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = system_clock, **kwargs: Any) -> ChatService:
        """Wire the configured event source and model (``CONFEE_TODAY`` pins the clock for evaluations and demos)."""
        from agent.sources.factory import build_source

        if settings.today is not None:
            clock = fixed_clock(settings.today)
        return cls(settings, build_source(settings), build_model(settings, clock), clock=clock, **kwargs)

    @classmethod
    def from_env(cls) -> ChatService:
        """The service as configured by the environment (embedded default: offline model + sample catalogue)."""
        return cls.from_settings(Settings.from_env())

    @property
    def meta(self) -> dict[str, str]:
        """What UIs show about this agent: which model and which event source answer."""
        return {"model": self.settings.model, "source": self.source.name}

    def close(self) -> None:
        """Cancel unfinished turns, then stop the loop thread (tests and short-lived CLIs)."""

        async def _cancel_all() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        if self._loop.is_running():
            with contextlib.suppress(Exception):
                asyncio.run_coroutine_threadsafe(_cancel_all(), self._loop).result(timeout=5)
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # -- public API: Contract 1, never raises -------------------------------------------------------

    def invoke(self, session_id: str | None, payload: Any) -> dict[str, Any]:
        """A whole answer: ``{"response", "session_id", "events", "meta"}`` or ``{"error": {...}}``."""
        text: list[str] = []
        for event in self.stream(session_id, payload):
            if event["type"] == "text":
                text.append(event["text"])
            elif event["type"] == "done":
                return {"response": "".join(text), **{k: v for k, v in event.items() if k != "type"}}
            else:
                return {"error": {"code": event["code"], "message": event["message"]}}
        return _error_body(AgentFailure())  # pragma: no cover - stream always ends with done or error

    def stream(self, session_id: str | None, payload: Any) -> Generator[StreamEvent, None, None]:
        """Contract 1 stream events: text deltas, then one ``done`` or ``error``.

        The turn starts on the first ``next()``. Closing the iterator early (the consumer went away) cancels the
        turn and returns once it has unwound, so the session is consistent for whatever the caller does next.
        """
        yield from self.open_stream(session_id, payload)

    def open_stream(self, session_id: str | None, payload: Any) -> TurnStream:
        """Start a turn now and return its events; ``cancel()`` from another thread stops it (client disconnect)."""
        try:
            invocation = parse_invocation(session_id, payload)
        except ConfeeError as exc:
            return TurnStream.failed(_error_event(exc))
        if not self._loop.is_running():  # closed: nothing would ever answer, and the reader would wait forever
            return TurnStream.failed(_error_event(AgentFailure()))
        return TurnStream.start(self._loop, functools.partial(self._produce, invocation))

    # -- the turn ---------------------------------------------------------------------------------------

    async def _produce(self, invocation: Invocation, emit: Emit) -> None:
        search_by = time.monotonic() + self.turn_timeout - self.answer_reserve
        try:
            async with asyncio.timeout(self.turn_timeout):
                async for event in self._turn(invocation, search_by):
                    emit(event)
        except ConfeeError as exc:
            emit(_error_event(exc))
        except TimeoutError:
            logger.warning("session=<%s> | turn timed out", _short(invocation.session_id))
            emit(_error_event(AgentTimeout()))
        except ModelThrottledException:
            emit(_error_event(ModelThrottled()))
        except ContextWindowOverflowException:
            logger.warning("session=<%s> | context window overflow", _short(invocation.session_id))
            emit(_error_event(AgentFailure("会話が長くなりすぎました。「新しい会話」から始め直してください。")))
        except (NoCredentialsError, NoRegionError) as exc:  # a set-up problem, not a bug: no traceback, say what
            logger.error("error=<%s> | Bedrock cannot be called: AWS credentials or region missing", type(exc).__name__)
            emit(_error_event(AgentFailure(NO_AWS_MESSAGE)))
        except Exception:
            logger.exception("session=<%s> | agent turn failed", _short(invocation.session_id))
            emit(_error_event(AgentFailure()))

    async def _turn(self, invocation: Invocation, search_by: float) -> AsyncIterator[StreamEvent]:
        session = self.sessions.acquire(invocation.session_id, invocation.turn)
        try:
            async with session.lock:
                _take_back_unseen_turns(session, invocation.turn)
                async for event in self._answer(session, invocation.prompt, search_by):
                    yield event
        finally:
            self.sessions.release(session)

    async def _answer(self, session: Session, prompt: str, search_by: float) -> AsyncIterator[StreamEvent]:
        agent = session.agent
        agent.system_prompt = system_prompt(self.clock())  # the date moves on in long sessions
        # A snapshot, not an index: the sliding window drops old messages from the front during the turn.
        history = list(agent.messages)
        thinking = ThinkingFilter()
        answer: list[str] = []
        new_message = False
        usage_before = _usage(agent)
        trace = TurnTrace()
        try:
            state = {TRACE_KEY: trace, DEADLINE_KEY: search_by}
            async for event in agent.stream_async(prompt, invocation_state=state):
                new_message = new_message or _starts_message(event)
                chunk = event.get("data")
                if not isinstance(chunk, str) or not (text := thinking.feed(chunk)):
                    continue
                if new_message and answer and not answer[-1].endswith("\n"):
                    text = "\n\n" + text  # words before a tool call, then the answer: keep them apart
                new_message = False
                answer.append(text)
                yield {"type": "text", "text": text}
        except BaseException:
            _restore(agent, history)
            raise
        if tail := thinking.flush():
            answer.append(tail)
            yield {"type": "text", "text": tail}
        session.turns += 1
        before = {id(message) for message in history}
        new_messages = [message for message in agent.messages if id(message) not in before]
        session.turn_starts.append(new_messages[0] if new_messages else None)
        events = shown_events("".join(answer), tool_events(new_messages))
        usage = {name: value - usage_before[name] for name, value in _usage(agent).items()}
        meta = {**self.meta, "usage": usage, "trace": trace.as_dict(counts(agent.event_loop_metrics.accumulated_usage))}
        yield {"type": "done", "session_id": session.session_id, "events": events, "meta": meta}

    def _new_agent(self) -> Agent:
        return Agent(
            model=self._model,
            tools=[self._tool],
            system_prompt=system_prompt(self.clock()),
            callback_handler=None,
            hooks=[TraceHooks()],
            conversation_manager=SlidingWindowConversationManager(window_size=HISTORY_WINDOW),
            retry_strategy=ModelRetryStrategy(
                max_attempts=self._model_attempts,
                initial_delay=MODEL_RETRY_INITIAL_DELAY,
                max_delay=MODEL_RETRY_MAX_DELAY,
            ),
        )


def _take_back_unseen_turns(session: Session, turn: int) -> None:
    """Drop the turns after the client's ``turn`` count: answers it never saw to the end (stopped, cut off).

    Deployed, a stopped answer still runs to its end (Lambda response streams do not stop when the browser
    disconnects), and the agent would keep it as context. The client's count says which exchanges it holds.
    """
    extra = session.turns - turn
    if extra <= 0 or turn >= len(session.turn_starts):
        return
    first = session.turn_starts[turn]
    messages = session.agent.messages
    index = next((i for i, message in enumerate(messages) if message is first), None)
    # If the window already dropped that message, everything it kept is from turns the client does not hold.
    del messages[index if index is not None else 0 :]
    del session.turn_starts[turn:]
    session.turns = turn
    logger.info(
        "session=<%s>, dropped_turns=<%d> | took back turns the client did not keep", _short(session.session_id), extra
    )


def _usage(agent: Any) -> dict[str, int]:
    """Model calls and tokens so far in this agent's life (Strands accumulates them; a turn is the difference)."""
    metrics = agent.event_loop_metrics
    tokens = metrics.accumulated_usage
    return {
        "model_calls": int(metrics.cycle_count),
        "input_tokens": int(tokens.get("inputTokens", 0)),
        "output_tokens": int(tokens.get("outputTokens", 0)),
    }


def _restore(agent: Any, history: list[Any]) -> None:
    """Put back the history a failed or cancelled turn started from, so the next turn starts consistent."""
    with contextlib.suppress(Exception):
        agent.messages[:] = history


def _starts_message(event: dict[str, Any]) -> bool:
    raw = event.get("event")
    return isinstance(raw, dict) and "messageStart" in raw


def _short(session_id: str) -> str:
    return session_id[:8]


def _error_event(exc: ConfeeError) -> StreamEvent:
    return {"type": "error", "code": exc.code, "message": exc.message}


def _error_body(exc: ConfeeError) -> dict[str, Any]:
    return {"error": {"code": exc.code, "message": exc.message}}
