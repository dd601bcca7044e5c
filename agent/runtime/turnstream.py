"""One turn's events, carried from the service's loop thread to whichever thread reads them; cancellable.

Why not a plain generator over a queue: a reader that goes away (a client disconnect, a closed generator) must stop
the turn and be able to rely on the session afterwards (history rolled back, lock released). Cancelling the
``concurrent.futures.Future`` of ``run_coroutine_threadsafe`` returns at once, before the task has unwound, and
a task cancelled before its first step never runs its ``finally``; here the task's own done callback marks the end.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

StreamEvent = dict[str, Any]
Emit = Callable[[StreamEvent], None]
Producer = Callable[[Emit], Coroutine[Any, Any, None]]

#: Longest wait for a cancelled turn to unwind (rollback and lock release take milliseconds).
UNWIND_SECONDS = 5.0


class TurnStream:
    """Contract 1 stream events of one turn: text deltas, then one ``done`` or ``error``.

    Iterate it from one thread (closing the iterator early cancels the turn); ``cancel`` may be called from any
    thread other than the service's loop thread.
    """

    def __init__(self) -> None:
        self._events: queue.Queue[StreamEvent | None] = queue.Queue()
        self._finished = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._cancelled = False  # only read and written on the loop thread

    @classmethod
    def failed(cls, event: StreamEvent) -> TurnStream:
        """A turn that ends before it starts (e.g. an invalid request): just ``event``."""
        stream = cls()
        stream._events.put(event)
        stream._finish()
        return stream

    @classmethod
    def start(cls, loop: asyncio.AbstractEventLoop, produce: Producer) -> TurnStream:
        """Run ``produce(emit)`` as a task on ``loop``; what it emits is what readers get."""
        stream = cls()
        stream._loop = loop
        loop.call_soon_threadsafe(stream._spawn, produce)
        return stream

    @property
    def finished(self) -> bool:
        """True once the turn has fully unwound (or never ran)."""
        return self._finished.is_set()

    def __iter__(self) -> Iterator[StreamEvent]:
        try:
            while (event := self._events.get()) is not None:
                yield event
        finally:
            self.cancel()

    def cancel(self, timeout: float = UNWIND_SECONDS) -> None:
        """Stop the turn if it still runs, then wait (up to ``timeout``) until it has unwound."""
        if self._loop is None or self._finished.is_set():
            return
        try:
            self._loop.call_soon_threadsafe(self._cancel_on_loop)
        except RuntimeError:  # the service was closed: its loop no longer runs anything
            return
        self._finished.wait(timeout)

    # -- on the loop thread ----------------------------------------------------------------------------------

    def _spawn(self, produce: Producer) -> None:
        if self._cancelled:  # cancelled before it could start
            self._finish()
            return
        assert self._loop is not None
        self._task = self._loop.create_task(produce(self._events.put))
        self._task.add_done_callback(lambda _task: self._finish())

    def _cancel_on_loop(self) -> None:
        self._cancelled = True
        if self._task is not None:
            self._task.cancel()

    def _finish(self) -> None:
        self._finished.set()
        self._events.put(None)
