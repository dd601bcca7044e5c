"""Client-side pacing for connpass: at most one request per second per API key, across threads.

connpass answers 429 beyond 1 request/second per key. Many sessions share one process (and one
key), so pacing must be process-wide: ``RateLimiterRegistry`` hands out one ``RateLimiter`` per
key, keyed by a SHA-256 digest so the raw key never sits in a dictionary.

Each ``acquire`` *reserves* the next free slot under a lock and then sleeps outside it, so
concurrent callers queue up in order instead of racing. The limiter only paces one process:
separate processes (e.g. one AgentCore microVM per session) each have their own, which is why the
client also retries a 429 once.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable

#: One request per second, plus a margin so scheduling and network jitter cannot make two
#: requests *arrive* at connpass less than a second apart.
DEFAULT_MIN_INTERVAL = 1.05

#: Seconds a caller may wait in the queue before we give up (the whole chat turn has ~29 s).
DEFAULT_MAX_WAIT = 8.0

Monotonic = Callable[[], float]
Sleep = Callable[[float], None]


class QueueTooLong(Exception):
    """The next free slot is further away than the caller is willing to wait.

    Attributes:
        wait: Seconds until the next free slot.
    """

    def __init__(self, wait: float) -> None:
        self.wait = wait
        super().__init__(f"next request slot is {wait:.2f}s away")


class RateLimiter:
    """Spaces calls at least ``min_interval`` seconds apart; thread-safe.

    Args:
        min_interval: Minimum seconds between two granted slots.
        monotonic: Clock (injectable so tests run in virtual time).
        sleep: Sleep function (injectable likewise).
    """

    def __init__(
        self,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        if min_interval <= 0:
            raise ValueError(f"min_interval must be positive, got {min_interval}")
        self.min_interval = min_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next_free: float | None = None

    def acquire(self, max_wait: float | None = DEFAULT_MAX_WAIT) -> float:
        """Block until this caller may send one request.

        Args:
            max_wait: Give up (without taking a slot) if the wait would exceed this; ``None``: no limit.

        Returns:
            Seconds waited.

        Raises:
            QueueTooLong: The wait would exceed ``max_wait``.
        """
        with self._lock:
            now = self._monotonic()
            slot = now if self._next_free is None else max(now, self._next_free)
            wait = slot - now
            if max_wait is not None and wait > max_wait:
                raise QueueTooLong(wait)
            self._next_free = slot + self.min_interval
        if wait > 0:
            self._sleep(wait)
        return wait

    def hold_off(self, seconds: float) -> None:
        """Grant no new slot for ``seconds`` from now (the server sent ``Retry-After``)."""
        with self._lock:
            until = self._monotonic() + max(0.0, seconds)
            if self._next_free is None or until > self._next_free:
                self._next_free = until


class RateLimiterRegistry:
    """One ``RateLimiter`` per API key, shared by every client in the process.

    Args:
        min_interval: Interval for limiters created by this registry.
        monotonic: Clock handed to each limiter.
        sleep: Sleep handed to each limiter.
    """

    def __init__(
        self,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.min_interval = min_interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._lock = threading.Lock()
        self._limiters: dict[str, RateLimiter] = {}

    def for_key(self, api_key: str) -> RateLimiter:
        """The limiter for ``api_key`` (created on first use)."""
        digest = hashlib.sha256(api_key.encode("utf-8")).hexdigest()
        with self._lock:
            limiter = self._limiters.get(digest)
            if limiter is None:
                limiter = RateLimiter(self.min_interval, monotonic=self._monotonic, sleep=self._sleep)
                self._limiters[digest] = limiter
            return limiter


#: The process-wide registry every ``ConnpassClient`` uses unless a test injects its own.
DEFAULT_REGISTRY = RateLimiterRegistry()
