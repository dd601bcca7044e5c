"""The connpass API v2 client: one paced, retried, translated ``GET /events/``.

Everything connpass can do wrong is turned into ``SourceError`` here, at the boundary, so the
search tool and the models only ever see one of six kinds (timeout, unauthorized, forbidden,
rate_limited, upstream, malformed). The API key is sent as ``X-API-Key`` and never logged.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import math
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any
from urllib.parse import urlencode

import httpx
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from agent.errors import ConfigError, SourceError
from agent.sources.apikey import KeyProvider
from agent.sources.base import Event, SearchQuery, SearchResult
from agent.sources.deadline import time_left
from agent.sources.ratelimit import DEFAULT_MAX_WAIT, DEFAULT_REGISTRY, QueueTooLong, RateLimiter, RateLimiterRegistry

logger = logging.getLogger(__name__)
_tracer = trace.get_tracer(__name__)

DEFAULT_BASE_URL = "https://connpass.com/api/v2"
#: connpass refuses requests without a User-Agent; say who we are.
USER_AGENT = "Confee/0.1 (+https://github.com/confee; tech event finder)"
DEFAULT_TIMEOUT = 5.0
#: Longest ``Retry-After`` we sit out before the single retry; longer ones fail fast as rate_limited.
DEFAULT_MAX_RETRY_AFTER = 5.0
#: A ``Retry-After`` longer than this still pauses the key, but only this long (a bogus header must
#: not lock every session out for hours).
MAX_HOLD_OFF = 60.0
#: The least time worth giving a request (connpass usually answers well within it): with less of the search's
#: deadline left, the client neither queues for a slot nor sits out a ``Retry-After``.
MIN_REQUEST_SECONDS = 1.0

_ENVELOPE_FIELDS = ("results_returned", "results_available", "results_start")
#: Fields without which an event cannot be recommended at all; events lacking one are dropped.
_EVENT_REQUIRED = ("id", "title", "url", "started_at")


class BudgetSpent(SourceError):
    """No request was sent: the search's deadline left no room for it (answered like any ``SourceError``)."""


class ConnpassClient:
    """``EventSource`` backed by connpass API v2 (sync, thread-safe, one shared connection pool).

    Args:
        base_url: API root such as ``https://connpass.com/api/v2`` (tests point it at a local fake).
        api_key_provider: Returns the key; called per search (providers cache). If it also has
            ``invalidate`` (``KeyProvider``), it is invalidated after a 401 so a rotated key is re-read.
        timeout: Seconds for each of connect / read / write / pool acquisition (less when the search's deadline,
            ``agent.sources.deadline``, is nearer).
        max_retry_after: Longest ``Retry-After`` honoured before the one retry of a 429 (and only if at least
            ``MIN_REQUEST_SECONDS`` of the search's deadline are left after it).
        max_queue_wait: Longest wait for a slot in the client-side limiter before answering rate_limited (likewise
            capped by the search's deadline).
        limiters: Per-key limiter registry; defaults to the process-wide one.
        http_client: An ``httpx.Client`` to use instead of creating one (not closed by ``close``).
        user_agent: ``User-Agent`` header value.

    Raises:
        ConfigError: ``base_url`` is not an http(s) URL.
    """

    name = "connpass"

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        api_key_provider: Callable[[], str],
        timeout: float = DEFAULT_TIMEOUT,
        max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
        max_queue_wait: float = DEFAULT_MAX_WAIT,
        limiters: RateLimiterRegistry | None = None,
        http_client: httpx.Client | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        if httpx.URL(base_url).scheme not in ("http", "https"):
            raise ConfigError(f"connpass base URL must be http(s), got {base_url!r}")
        self.events_url = base_url.rstrip("/") + "/events/"
        self._key_provider = api_key_provider
        self._timeout = timeout
        self._min_request = min(MIN_REQUEST_SECONDS, timeout)
        self._max_retry_after = max_retry_after
        self._max_queue_wait = max_queue_wait
        self._limiters = DEFAULT_REGISTRY if limiters is None else limiters
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False)
        self._headers = {"User-Agent": user_agent, "Accept": "application/json"}

    def search(self, query: SearchQuery) -> SearchResult:
        """Run one search; at most two HTTP requests (the second only after a 429), within the search's deadline.

        Every failure is logged once as ``connpass request failed`` with a ``connpass_error`` field (the kind):
        the CloudWatch metric filter behind the connpass-failure alarm counts these lines.

        Raises:
            SourceError: On any failure, with ``kind`` telling which.
        """
        try:
            return self._search(query)
        except BudgetSpent as exc:  # nothing was sent: not a connpass failure, so not counted as one
            logger.info("kind=<%s>, detail=<%s> | connpass request skipped", exc.kind, exc.detail)
            raise
        except SourceError as exc:
            logger.warning(
                "connpass request failed", extra={"fields": {"connpass_error": exc.kind, "detail": exc.detail}}
            )
            raise

    def _search(self, query: SearchQuery) -> SearchResult:
        api_key = self._key_provider()
        limiter = self._limiters.for_key(api_key)
        response = self._send(query, api_key, limiter)
        if response.status_code == 429:
            retry_after = _retry_after_seconds(response)
            # Every thread sharing the key backs off, not just this one.
            limiter.hold_off(min(retry_after or 0.0, MAX_HOLD_OFF))
            if retry_after is not None and retry_after > self._max_retry_after:
                raise SourceError("rate_limited", detail="429, Retry-After too long", retry_after=retry_after)
            left = time_left()
            if left is not None and (retry_after or 0.0) + self._min_request > left:
                # Waiting would spend the turn: say "busy, try again in N s" now, not agent_timeout later.
                raise SourceError(
                    "rate_limited",
                    detail="429, Retry-After beyond the turn's budget",
                    retry_after=retry_after if retry_after is not None else limiter.min_interval,
                )
            response = self._send(query, api_key, limiter)
            if response.status_code == 429:
                again = _retry_after_seconds(response)
                limiter.hold_off(min(again or 0.0, MAX_HOLD_OFF))
                wait = again if again is not None else limiter.min_interval
                raise SourceError("rate_limited", detail="429 after one retry", retry_after=wait)
        return self._result(response)

    def _send(self, query: SearchQuery, api_key: str, limiter: RateLimiter) -> httpx.Response:
        """One paced request within the search's deadline; transport failures become ``SourceError``."""
        left = time_left()
        max_wait = self._max_queue_wait
        if left is not None:  # queue only as long as a request still fits in the search's budget afterwards
            max_wait = min(max_wait, left - self._min_request)
            if max_wait < 0:
                raise BudgetSpent("timeout", detail="the turn's budget is spent")
        try:
            limiter.acquire(max_wait)
        except QueueTooLong as exc:
            if exc.wait <= self._max_queue_wait:  # only the budget said no
                raise BudgetSpent(
                    "rate_limited", detail="no request slot within the turn's budget", retry_after=exc.wait
                ) from exc
            raise SourceError("rate_limited", detail="client-side queue too long", retry_after=exc.wait) from exc
        extra: dict[str, Any] = {}
        left = time_left()
        if left is not None and left < self._timeout:  # the request may take only what is left of the budget
            extra["timeout"] = httpx.Timeout(max(left, self._min_request / 2))
        params: list[tuple[str, str | int | float | bool | None]] = list(query.to_params())  # repeated keys
        started = time.monotonic()
        # One span per request (the parameters, never the key): a question's trace reaches connpass.
        with _tracer.start_as_current_span("connpass GET /events/", kind=SpanKind.CLIENT) as span:
            span.set_attribute("connpass.query", urlencode(query.to_params()))
            try:
                response = self._http.get(
                    self.events_url, params=params, headers={**self._headers, "X-API-Key": api_key}, **extra
                )
            except httpx.TimeoutException as exc:
                logger.debug("error=<%s>, duration_ms=<%d> | connpass timed out", type(exc).__name__, _ms(started))
                span.set_status(Status(StatusCode.ERROR, "timeout"))
                raise SourceError("timeout", detail=type(exc).__name__) from exc
            except httpx.HTTPError as exc:
                logger.debug("error=<%s>, duration_ms=<%d> | connpass unreachable", type(exc).__name__, _ms(started))
                span.set_status(Status(StatusCode.ERROR, "unreachable"))
                raise SourceError("upstream", detail=type(exc).__name__) from exc
            span.set_attribute("http.response.status_code", response.status_code)
            if response.status_code >= 400:
                span.set_status(Status(StatusCode.ERROR, f"HTTP {response.status_code}"))
        logger.debug("status=<%d>, duration_ms=<%d> | connpass answered", response.status_code, _ms(started))
        return response

    def _result(self, response: httpx.Response) -> SearchResult:
        """Map the final status to a result or an error kind."""
        status = response.status_code
        if status == 401:
            if isinstance(self._key_provider, KeyProvider):
                self._key_provider.invalidate()
            raise SourceError("unauthorized", detail="401")
        if status == 403:
            raise SourceError("forbidden", detail="403")
        if status != 200:
            raise SourceError("upstream", detail=f"unexpected status {status}")
        try:
            body = response.json()
        except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are both ValueErrors
            raise SourceError("malformed", detail="response is not JSON") from exc
        result = parse_search_result(body)
        logger.debug("results=<%d>, available=<%d> | connpass search", len(result.events), result.results_available)
        return result

    def close(self) -> None:
        """Close the connection pool if this client created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> ConnpassClient:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ConnpassClient({self.events_url!r})"


def parse_search_result(body: Any) -> SearchResult:
    """Validate a v2 response body; drop individual events that lack what a recommendation needs.

    Raises:
        SourceError: ``malformed`` when the envelope is not connpass v2.
    """
    if not isinstance(body, dict):
        raise SourceError("malformed", detail="response is not a JSON object")
    numbers: dict[str, int] = {}
    for name in _ENVELOPE_FIELDS:
        value = body.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise SourceError("malformed", detail=f"missing or non-integer {name}")
        numbers[name] = value
    raw_events = body.get("events")
    if not isinstance(raw_events, list):
        raise SourceError("malformed", detail="missing events list")
    events: list[Event] = [e for e in raw_events if isinstance(e, dict) and all(k in e for k in _EVENT_REQUIRED)]
    if len(events) != len(raw_events):
        logger.debug("dropped=<%d> | connpass events without id/title/url/started_at", len(raw_events) - len(events))
    return SearchResult(
        results_returned=len(events),
        results_available=numbers["results_available"],
        results_start=numbers["results_start"],
        events=events,
    )


def _retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds (delay-seconds or HTTP-date); ``None`` if absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)
