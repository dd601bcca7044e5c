"""``POST /chat/stream``'s answer: the agent's stream events as Server-Sent Events, written as they arrive.

The agent client's stream blocks, so a thread of its own reads it and hands each event to the event loop. The
response waits for the first event before it commits to a status: an error up to then is answered exactly
as ``POST /chat`` answers it (status + JSON); after it, as an SSE ``error`` event. The whole answer keeps
the total budget, idle stretches get ``: keep-alive`` comments, and a client that leaves closes the agent
stream, which cancels the turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.to_thread
from anyio.streams.memory import MemoryObjectReceiveStream
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from proxy.api.agent import public_event
from proxy.api.responses import error_response
from proxy.client.errors import AgentError
from proxy.client.stream import StreamEvent

#: Seconds without output after which a comment line keeps proxies and browsers from giving up.
KEEP_ALIVE_SECONDS = 10.0
KEEP_ALIVE = b": keep-alive\n\n"

SSE_HEADERS: dict[str, str] = {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",  # proxies that buffer by default (nginx) must pass each event on at once
}

#: What the reading thread hands over: ("event", StreamEvent) | ("error", AgentError) | ("bug", Exception)
#: | ("end", None).
Item = tuple[str, Any]


def sse_frame(event: dict[str, Any]) -> bytes:
    """One event as an SSE frame: a single ``data:`` line (JSON escapes every line break) and a blank line."""
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


@dataclass
class StreamOutcome:
    """How the answer went, for the request's log line."""

    status: int | None = None
    code: str | None = None
    detail: str = ""
    first_event_ms: int | None = None
    events: int | None = None
    keep_alives: int = 0
    disconnected: bool = False
    bug: BaseException | None = None
    fields: dict[str, Any] = field(default_factory=dict)


class EventStreamResponse(Response):
    """Streams one agent turn (see the module docstring).

    Args:
        open_stream: Returns the agent stream (an iterator of stream events with a thread-safe ``close()``, such
            as ``AgentClient.stream(...)``); called on the event loop, so it must not block (the transports
            connect on the first ``next()``).
        deadline: ``time.monotonic()`` value by which the whole answer must be complete.
        on_finish: Called once with the outcome, after the stream is closed (the request's log line).
        keep_alive: Seconds of silence before a keep-alive comment.
    """

    def __init__(
        self,
        open_stream: Callable[[], Any],
        *,
        deadline: float,
        on_finish: Callable[[StreamOutcome], None],
        keep_alive: float = KEEP_ALIVE_SECONDS,
    ) -> None:
        self._open_stream = open_stream
        self._deadline = deadline
        self._on_finish = on_finish
        self._keep_alive = keep_alive
        self._stream: Any = None
        self._began = time.monotonic()
        self._answered = False  # the last byte is on its way: a disconnect from now on is the normal end
        self.outcome = StreamOutcome()
        self.status_code = 200
        self.background = None
        self.media_type = None
        self.init_headers(SSE_HEADERS)  # no body attribute: no Content-Length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            try:
                self._stream = self._open_stream()
            except Exception as exc:
                error = self._as_error(("error", exc) if isinstance(exc, AgentError) else ("bug", exc))
                assert error is not None
                self._fail_before_start(error)
                self._answered = True
                await error_response(error)(scope, receive, send)
                return
            handoff = Handoff(asyncio.get_running_loop())
            try:
                reader = threading.Thread(target=self._pump, args=(handoff,), name="confee-agent-stream", daemon=True)
                reader.start()
                async with anyio.create_task_group() as group:
                    group.start_soon(self._watch_disconnect, receive, group.cancel_scope)
                    try:
                        await self._respond(handoff.items, scope, receive, send)
                    except OSError:  # servers that report a vanished client on send
                        self.outcome.disconnected = True
                    group.cancel_scope.cancel()
            finally:
                handoff.close()
        finally:
            with anyio.CancelScope(shield=True):
                if self._stream is not None:
                    await anyio.to_thread.run_sync(self._stream.close)
                self._on_finish(self.outcome)

    # -- the reading side (its own thread) ------------------------------------------------------------------

    def _pump(self, handoff: Handoff) -> None:
        """Read the agent stream to its end, handing over each event; stop once nobody takes them."""
        stream = self._stream
        try:
            for event in stream:
                if not handoff.put(("event", event)):
                    return
            handoff.put(("end", None))
        except AgentError as error:
            handoff.put(("error", error))
        except Exception as exc:  # a bug must still answer Contract 2
            handoff.put(("bug", exc))
        finally:
            stream.close()

    async def _watch_disconnect(self, receive: Receive, scope: anyio.CancelScope) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        if not self._answered:
            self.outcome.disconnected = True
            scope.cancel()

    # -- the writing side (the event loop) -----------------------------------------------------------------

    async def _respond(
        self, items: MemoryObjectReceiveStream[Item], scope: Scope, receive: Receive, send: Send
    ) -> None:
        first = await self._first_event(items)
        if isinstance(first, AgentError):
            self._fail_before_start(first)
            self._answered = True
            await error_response(first)(scope, receive, send)
            return
        self.outcome.status = 200
        self.outcome.first_event_ms = self._ms()
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        await self._write(send, first)
        if first["type"] != "done":
            await self._write_rest(items, send)
        self._answered = True
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _write_rest(self, items: MemoryObjectReceiveStream[Item], send: Send) -> None:
        """Every later event up to ``done`` or an error, with keep-alives when idle, within the budget."""
        last_write = time.monotonic()
        while True:
            now = time.monotonic()
            if now >= self._deadline:
                await self._write_error(send, AgentError("agent_timeout", detail="stream exceeded the time budget"))
                break
            item = await _receive(items, min(self._deadline, last_write + self._keep_alive) - now)
            if item is None:
                if time.monotonic() < self._deadline:
                    await send({"type": "http.response.body", "body": KEEP_ALIVE, "more_body": True})
                    self.outcome.keep_alives += 1
                    last_write = time.monotonic()
                continue
            error = self._as_error(item)
            if error is not None:
                await self._write_error(send, error)
                break
            if (public := public_event(item[1])) is not None:
                await self._write(send, public)
                last_write = time.monotonic()
                if public["type"] == "done":
                    break

    async def _first_event(self, items: MemoryObjectReceiveStream[Item]) -> dict[str, Any] | AgentError:
        """The first event browsers get, or the error that ends the turn before it (budget included)."""
        while True:
            item = await _receive(items, self._deadline - time.monotonic())
            if item is None:
                return AgentError("agent_timeout", detail="no first event within the time budget")
            error = self._as_error(item)
            if error is not None:
                return error
            if (public := public_event(item[1])) is not None:
                return public

    def _as_error(self, item: Item) -> AgentError | None:
        kind, value = item
        if kind == "error":
            return value if isinstance(value, AgentError) else AgentError("agent_unavailable")
        if kind == "bug":
            self.outcome.bug = value
            return AgentError("agent_unavailable", detail=type(value).__name__)
        if kind == "end":  # the client checks for ``done``; this is a safety net
            return AgentError("agent_unavailable", detail="agent stream ended without a done event")
        return None

    def _fail_before_start(self, error: AgentError) -> None:
        self.outcome.status, self.outcome.code, self.outcome.detail = error.status, error.code, error.detail

    async def _write(self, send: Send, event: StreamEvent) -> None:
        if event["type"] == "done":
            self.outcome.events = len(event["events"])
        await send({"type": "http.response.body", "body": sse_frame(event), "more_body": True})

    async def _write_error(self, send: Send, error: AgentError) -> None:
        self.outcome.code, self.outcome.detail = error.code, error.detail
        self.outcome.fields["error_status"] = error.status
        frame = {"type": "error", "code": error.code, "message": error.message}
        await send({"type": "http.response.body", "body": sse_frame(frame), "more_body": True})

    def _ms(self) -> int:
        return round((time.monotonic() - self._began) * 1000)


class Handoff:
    """Items from the reading thread to the event loop, never blocking the thread.

    The thread only schedules a callback on the loop: it must not wait for a loop that may stop running (a server
    shutting down, a test's loop ending), or it would never finish and hold the process open.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._send, self.items = anyio.create_memory_object_stream[Item](math.inf)
        self._closed = threading.Event()

    def put(self, item: Item) -> bool:
        """Hand ``item`` over (from the reading thread); ``False`` once nobody takes items any more."""
        if self._closed.is_set():
            return False
        try:
            self._loop.call_soon_threadsafe(self._deliver, item)
        except RuntimeError:  # the loop is closed
            return False
        return True

    def close(self) -> None:
        """Stop taking items (on the loop)."""
        self._closed.set()
        self._send.close()
        self.items.close()

    def _deliver(self, item: Item) -> None:
        with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._send.send_nowait(item)


async def _receive(items: MemoryObjectReceiveStream[Item], wait: float) -> Item | None:
    """The next item, ``("end", None)`` once the reader is done, or ``None`` after ``wait`` seconds."""
    if wait <= 0:
        return None
    with anyio.move_on_after(wait):
        try:
            return await items.receive()
        except anyio.EndOfStream:
            return ("end", None)
    return None
