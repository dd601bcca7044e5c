"""Requests the agent just answered ``session_expired``, so a re-send of the same request does not invoke it again.

``session_expired`` rides on HTTP 408, which is also a transport status: Chromium re-sends a request answered
408 on a reused HTTP/1.1 connection by itself, below the page (once per kept-alive connection it still has to
the host; three requests for one click in ``spa/e2e/session-expired.spec.ts`` before this memory existed).
``Connection: close`` does not prevent it: Chromium decides by whether the connection was reused, not by whether
it stays open. Each re-send would be one more agent invocation (deployed, AgentCore starts a session for the
unknown id just to say it has none). The same session id and turn ask the same question of a session that is
gone, so the answer is the same 408, given here without the agent. Only the very same request counts (route,
session id, turn and message; the message kept as a hash): anything else goes to the agent as usual.

The memory is per process (one Lambda environment, the local server) and short: a re-send follows its 408
within milliseconds. Deployed, browsers speak HTTP/2 or HTTP/3 to CloudFront, where Chromium does not re-send
on 408 at all; this covers HTTP/1.1 clients and the local stack.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from proxy.api.validation import ChatRequest
from proxy.client.errors import AgentError
from proxy.client.stream import AgentStream, StreamEvent

#: How long an expiry is remembered: far longer than a re-send takes, too short to matter to anything else.
REMEMBER_SECONDS = 10.0
#: At most this many requests are remembered (the oldest go first).
MAX_REMEMBERED = 1024

_CODE = "session_expired"


#: What identifies a request: route, session id, turn and a hash of the message.
Key = tuple[str, str, int, bytes]


def request_key(route: str, chat: ChatRequest) -> Key:
    """The identity of ``chat`` on ``route`` (a re-send has the same one)."""
    return (route, chat.session_id, chat.turn, hashlib.sha256(chat.message.encode("utf-8")).digest())


class ExpiredRequests:
    """Requests answered ``session_expired`` in the last ``seconds`` (see ``request_key``); thread-safe.

    Args:
        seconds: How long an expiry is remembered.
        max_entries: Bound of the memory.
        clock: Monotonic seconds (tests pass their own).
    """

    def __init__(
        self,
        *,
        seconds: float = REMEMBER_SECONDS,
        max_entries: int = MAX_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._seconds = seconds
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()
        self._until: OrderedDict[Key, float] = OrderedDict()

    def check(self, key: Key) -> None:
        """Raise the same ``session_expired`` again when the agent just gave it for this very request."""
        with self._lock:
            self._forget_old()
            if key not in self._until:
                return
        raise AgentError(_CODE, detail="repeat of a request answered session_expired; the agent was not invoked")

    def remember(self, error: AgentError, key: Key) -> None:
        """Note ``error`` if it is ``session_expired`` (call it before the answer goes out)."""
        if error.code != _CODE:
            return
        with self._lock:
            self._forget_old()
            self._until.pop(key, None)
            self._until[key] = self._clock() + self._seconds
            while len(self._until) > self._max_entries:
                self._until.popitem(last=False)

    def watch(self, stream: AgentStream, key: Key) -> RememberingStream:
        """``stream``, noting a ``session_expired`` it raises before the error reaches the response."""
        return RememberingStream(stream, self, key)

    def __len__(self) -> int:
        with self._lock:
            self._forget_old()
            return len(self._until)

    def _forget_old(self) -> None:
        now = self._clock()
        while self._until:
            key, until = next(iter(self._until.items()))
            if until > now:
                break
            del self._until[key]


class RememberingStream:
    """An agent stream that tells ``ExpiredRequests`` about a ``session_expired`` it raises (see ``watch``)."""

    def __init__(self, stream: AgentStream, memory: ExpiredRequests, key: Key) -> None:
        self._stream = stream
        self._memory = memory
        self._key = key

    def __iter__(self) -> RememberingStream:
        return self

    def __next__(self) -> StreamEvent:
        try:
            return next(self._stream)
        except AgentError as error:
            self._memory.remember(error, self._key)
            raise

    def close(self) -> None:
        """Close the agent stream (any thread)."""
        self._stream.close()
