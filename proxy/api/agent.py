"""The agent behind the Chat API: which client, how long it may take, and what of its answers is public."""

from __future__ import annotations

import os
import threading
from typing import Any

from proxy.client import AgentClient, AgentReply, client_from_target

#: API Gateway cuts a buffered answer at 29 s and the Lambda at 30 s: answer (504 at worst) before either.
DEFAULT_TIMEOUT_SECONDS = 25.0
MAX_TIMEOUT_SECONDS = 27.0

#: What of the agent's ``meta`` the public API passes on: which model and which event source answered.
#: Token counts and model calls (``meta.usage``) are internals for the team's tools, not for browsers.
PUBLIC_META = ("model", "source")


def agent_timeout() -> float:
    """``AGENT_TIMEOUT_SECONDS`` clamped to (0, 27]; 25 by default."""
    try:
        value = float(os.environ.get("AGENT_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS))
    except ValueError:
        value = DEFAULT_TIMEOUT_SECONDS
    return min(value, MAX_TIMEOUT_SECONDS) if value > 0 else DEFAULT_TIMEOUT_SECONDS


class ClientHolder:
    """The app's agent client: the injected one, or one built from the environment on first use.

    ``AGENT_RUNTIME_ARN`` in AWS, otherwise ``CONFEE_AGENT``; built once and reused by every later request of
    this process (one Lambda environment).
    """

    def __init__(self, client: AgentClient | None = None) -> None:
        self._client = client
        self._lock = threading.Lock()

    def get(self) -> AgentClient:
        """The client, created on first use (a bad target raises ``ValueError``)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    target = os.environ.get("AGENT_RUNTIME_ARN", "").strip() or None
                    self._client = client_from_target(target, timeout=agent_timeout())
        return self._client


def public_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The public part of an answer's ``meta``."""
    return {key: value for key, value in meta.items() if key in PUBLIC_META}


def reply_body(reply: AgentReply, session_id: str) -> dict[str, Any]:
    """The ``POST /chat`` answer (Contract 2)."""
    body: dict[str, Any] = {"response": reply.response, "session_id": session_id, "events": reply.events}
    if meta := public_meta(reply.meta):
        body["meta"] = meta
    return body


def public_event(event: dict[str, Any]) -> dict[str, Any] | None:
    """A stream event as ``POST /chat/stream`` sends it; ``None`` for event types browsers do not get."""
    if event.get("type") == "text":
        return {"type": "text", "text": event["text"]}
    if event.get("type") == "done":
        return {
            "type": "done",
            "session_id": event["session_id"],
            "events": event["events"],
            "meta": public_meta(event["meta"]),
        }
    return None
