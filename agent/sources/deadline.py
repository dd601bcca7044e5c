"""How long a search may still take: the part of the turn's budget left for reaching connpass.

A turn has one budget (``agent.runtime.service.TURN_TIMEOUT_SECONDS``); past it the user gets
``agent_timeout`` instead of an answer. The search tool sets the moment its searches must be done by
(``search_deadline``), and the connpass client reads what is left (``time_left``) before it queues for a
request slot, sits out a ``Retry-After`` or sets a request's timeout: a wait that cannot fit becomes a
clear ``SourceError`` at once (answered in Japanese), not a turn that runs out of time. Without a deadline
(the mirror sync, scripts) nothing changes.

A context variable, not an argument: every event source keeps the one-method ``search(query)`` interface,
and each tool call (one worker thread) sees only its own turn's deadline.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar

#: The key of Strands' ``invocation_state`` under which a turn hands its tool calls their deadline.
STATE_KEY = "confee_search_deadline"

_deadline: ContextVar[float | None] = ContextVar("confee_search_deadline", default=None)


@contextlib.contextmanager
def search_deadline(at: float | None) -> Iterator[None]:
    """Searches in this block must be done by ``at`` (``time.monotonic()`` seconds; ``None``: no deadline)."""
    token = _deadline.set(at)
    try:
        yield
    finally:
        _deadline.reset(token)


def time_left(monotonic: Callable[[], float] = time.monotonic) -> float | None:
    """Seconds until the current deadline (negative once it passed); ``None`` without one."""
    at = _deadline.get()
    return None if at is None else at - monotonic()
