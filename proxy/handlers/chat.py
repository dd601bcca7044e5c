"""``POST /chat``: validate, invoke the agent with the caller's session, answer in Contract 2's shape.

The agent client is created on first use and reused by every later invocation of this Lambda
environment: ``AGENT_RUNTIME_ARN`` in AWS, otherwise ``CONFEE_AGENT`` (the local server). Tests and
the local server may inject one with ``use_client``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from typing import Any

from proxy.client import AgentClient, AgentError, client_from_target
from proxy.handlers.common import (
    error_response,
    json_response,
    method_not_allowed,
    method_of,
    preflight_response,
    request_id,
)
from proxy.handlers.logs import get_logger
from proxy.handlers.validation import parse_chat_request

#: API Gateway cuts at 29 s and the Lambda at 30 s: answer (504 at worst) before either.
DEFAULT_TIMEOUT_SECONDS = 25.0
MAX_TIMEOUT_SECONDS = 27.0

_client: AgentClient | None = None
_client_lock = threading.Lock()

#: What of the agent's ``meta`` the public API passes on: which model and which event source answered.
#: Token counts and model calls (``meta.usage``) are internals for the team's tools, not for browsers.
PUBLIC_META = ("model", "source")


def use_client(client: AgentClient | None) -> None:
    """Inject the agent client (``None``: build it from the environment on the next request)."""
    global _client
    with _client_lock:
        _client = client


def agent_timeout() -> float:
    """``AGENT_TIMEOUT_SECONDS`` clamped to (0, 27]; 25 by default."""
    try:
        value = float(os.environ.get("AGENT_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    except ValueError:
        value = DEFAULT_TIMEOUT_SECONDS
    return min(value, MAX_TIMEOUT_SECONDS) if value > 0 else DEFAULT_TIMEOUT_SECONDS


def get_client() -> AgentClient:
    """The shared agent client, created once per Lambda environment."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                target = os.environ.get("AGENT_RUNTIME_ARN", "").strip() or None
                _client = client_from_target(target, timeout=agent_timeout())
    return _client


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point for ``POST /chat`` (API Gateway proxy integration)."""
    started = time.monotonic()
    rid = request_id(event, context)
    method = method_of(event)
    if method == "OPTIONS":
        preflight = preflight_response(event, "POST, OPTIONS")
        if preflight is not None:
            return preflight
    if method != "POST":
        return method_not_allowed(event, "POST")
    session_id = None
    try:
        request = parse_chat_request(event)
        session_id = request.session_id
        reply = get_client().invoke(request.session_id, request.message, request.turn)
    except AgentError as error:
        _log_result(error.status, started, rid, session_id, code=error.code, detail=error.detail)
        return error_response(error, event)
    except Exception as exc:  # a bug must still answer Contract 2, never a stack trace
        failure = AgentError("agent_unavailable", detail=type(exc).__name__)
        _log_result(failure.status, started, rid, session_id, code=failure.code, detail=failure.detail, exc=exc)
        return error_response(failure, event)
    body: dict[str, Any] = {"response": reply.response, "session_id": request.session_id, "events": reply.events}
    public_meta = {k: v for k, v in reply.meta.items() if k in PUBLIC_META}
    if public_meta:
        body["meta"] = public_meta
    _log_result(
        200, started, rid, session_id, turn=request.turn, message_chars=len(request.message), events=len(reply.events)
    )
    return json_response(200, body, event)


def _log_result(
    status: int, started: float, rid: str, session_id: str | None, *, exc: Exception | None = None, **fields: Any
) -> None:
    """One line per request: status, code, timing and sizes (never the message text)."""
    get_logger().log(
        logging.ERROR if exc is not None else logging.INFO if status < 500 else logging.WARNING,
        "chat",
        exc_info=exc,
        extra={
            "fields": {
                "request_id": rid,
                "status": status,
                "session_id": session_id,
                "duration_ms": round((time.monotonic() - started) * 1000),
                **fields,
            }
        },
    )
