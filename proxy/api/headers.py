"""Response headers of the Chat API: security headers, CORS for configured origins only, ``Retry-After``.

Plain functions over header values (no ASGI), used by the app's middleware and error answers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

from proxy.client.errors import AgentError

#: On every API response: never cached, never content-sniffed.
SECURITY_HEADERS: Mapping[str, str] = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

CORS_MAX_AGE_SECONDS = 600


def allowed_origins() -> frozenset[str]:
    """``ALLOWED_ORIGINS`` (comma-separated); empty by default, since the SPA is same-origin."""
    raw = os.environ.get("ALLOWED_ORIGINS", "")
    return frozenset(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


def cors_headers(origin: str | None) -> dict[str, str]:
    """CORS headers for an allowed ``Origin`` only; never a wildcard.

    With origins configured, every response depends on ``Origin`` (allowed or not), so every one says
    ``Vary: Origin``: a cache must not hand one origin's answer to another.
    """
    allowed = allowed_origins()
    if not allowed:
        return {}
    if not origin or origin.rstrip("/") not in allowed:
        return {"Vary": "Origin"}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def preflight_headers(origin: str | None, methods: str) -> dict[str, str] | None:
    """The headers of a CORS preflight answer (204) from an allowed origin; ``None`` when it is not allowed."""
    cors = cors_headers(origin)
    if "Access-Control-Allow-Origin" not in cors:
        return None
    return {
        **cors,
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": str(CORS_MAX_AGE_SECONDS),
    }


def error_headers(error: AgentError) -> dict[str, str]:
    """Extra headers of an error answer: ``Retry-After`` in whole seconds, rounded up, when throttled.

    ``session_expired`` rides on 408, which is also a transport status: Chromium silently re-sends a request
    answered 408 on a reused HTTP/1.1 connection, whatever the answer says about the connection.
    ``Connection: close`` only keeps this connection from being used again; the re-sends themselves are answered
    without the agent (``proxy/api/expired.py``).
    """
    headers: dict[str, str] = {}
    if error.code == "session_expired":
        headers["Connection"] = "close"
    if error.retry_after is not None:
        headers["Retry-After"] = str(max(1, math.ceil(error.retry_after)))  # never tell clients to come back early
    return headers
