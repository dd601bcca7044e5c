"""``AgentStream``: one turn's stream events, which any thread may close while another waits for the next one.

A plain generator cannot be closed while it is blocked in a read on another thread ("generator already
executing"); the Chat API reads the stream in a worker thread and must stop it from the event loop when the
browser leaves or the budget is spent. Each transport registers how to interrupt its blocked read (shut the
socket down, cancel the in-process turn); closing fires that, and the reading thread unwinds on its own.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any

StreamEvent = dict[str, Any]


class Interrupt:
    """How to stop a transport's blocking read, registered once the read exists; safe from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._action: Callable[[], None] | None = None
        self.requested = False

    def on_request(self, action: Callable[[], None]) -> None:
        """Register ``action``; run it at once if an interrupt was already requested."""
        with self._lock:
            if not self.requested:
                self._action = action
                return
        action()

    def request(self) -> None:
        """Run the registered action (once); later registrations run at once."""
        with self._lock:
            if self.requested:
                return
            self.requested = True
            action, self._action = self._action, None
        if action is not None:
            action()


class AgentStream(Iterator[StreamEvent]):
    """Contract 1 stream events of one turn; ``close()`` ends the turn from any thread.

    Args:
        events: The transport's generator (opens the connection or starts the turn on the first ``next()``).
        interrupt: What the generator registered to stop its blocking reads.
    """

    def __init__(self, events: Iterator[StreamEvent], interrupt: Interrupt) -> None:
        self._events = events
        self._interrupt = interrupt
        self._lock = threading.Lock()
        self._reading = False
        self._closed = False

    def __iter__(self) -> AgentStream:
        return self

    def __next__(self) -> StreamEvent:
        with self._lock:
            if self._closed:
                raise StopIteration
            self._reading = True
        try:
            return next(self._events)
        finally:
            with self._lock:
                self._reading = False
                closed = self._closed
            if closed:  # closed while this thread read: finish the generator here, where it is not running
                _close(self._events)

    def close(self) -> None:
        """Stop the turn: interrupt a read in progress (that thread then unwinds the generator) or close it now."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            reading = self._reading
        self._interrupt.request()
        if not reading:
            _close(self._events)

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._closed

    def __enter__(self) -> AgentStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _close(events: Iterator[StreamEvent]) -> None:
    close = getattr(events, "close", None)
    if callable(close):
        with contextlib.suppress(Exception):  # a transport failing while it unwinds has nobody left to tell
            close()
