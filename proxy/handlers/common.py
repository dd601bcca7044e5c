"""API Gateway proxy events in, proxy responses out: headers, JSON bodies, CORS, request ids."""

from __future__ import annotations

import json
import math
import os
import uuid
from collections.abc import Mapping
from typing import Any

from proxy.client.errors import AgentError

JSON_HEADERS: Mapping[str, str] = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
}

CORS_MAX_AGE_SECONDS = 600


def header(event: Mapping[str, Any], name: str) -> str | None:
    """A request header, case-insensitively (REST events keep the client's case, HTTP API lowercases)."""
    headers = event.get("headers") or {}
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted and isinstance(value, str):
            return value
    return None


def method_of(event: Mapping[str, Any]) -> str:
    """The HTTP method of a REST (v1) or HTTP API (v2) proxy event."""
    method = event.get("httpMethod") or (event.get("requestContext") or {}).get("http", {}).get("method") or ""
    return str(method).upper()


def request_id(event: Mapping[str, Any], context: Any) -> str:
    """Lambda's request id, else API Gateway's, else a fresh one (so every log line has one)."""
    rid = getattr(context, "aws_request_id", None) or (event.get("requestContext") or {}).get("requestId")
    return str(rid) if rid else uuid.uuid4().hex


def allowed_origins() -> frozenset[str]:
    """``ALLOWED_ORIGINS`` (comma-separated); empty by default, since the SPA is same-origin."""
    raw = os.environ.get("ALLOWED_ORIGINS", "")
    return frozenset(origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip())


def cors_headers(event: Mapping[str, Any]) -> dict[str, str]:
    """CORS headers for an allowed ``Origin`` only; never a wildcard.

    With origins configured, every response depends on ``Origin`` (allowed or not), so every one says
    ``Vary: Origin``: a cache must not hand one origin's answer to another.
    """
    allowed = allowed_origins()
    if not allowed:
        return {}
    origin = header(event, "Origin")
    if not origin or origin.rstrip("/") not in allowed:
        return {"Vary": "Origin"}
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}


def json_response(
    status: int, body: Any, event: Mapping[str, Any], extra_headers: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """A proxy response with a JSON body (UTF-8, Japanese kept readable)."""
    headers = {**JSON_HEADERS, **cors_headers(event), **(extra_headers or {})}
    return {
        "statusCode": status,
        "headers": headers,
        "body": json.dumps(body, ensure_ascii=False),
        "isBase64Encoded": False,
    }


def error_response(error: AgentError, event: Mapping[str, Any]) -> dict[str, Any]:
    """The Contract 2 error response for ``error`` (with ``Retry-After`` when throttled)."""
    extra: dict[str, str] = {}
    if error.retry_after is not None:
        extra["Retry-After"] = str(max(1, math.ceil(error.retry_after)))  # never tell clients to come back early
    return json_response(error.status, error.to_body(), event, extra)


def preflight_response(event: Mapping[str, Any], methods: str) -> dict[str, Any] | None:
    """The answer to a CORS preflight from an allowed origin; ``None`` when the origin is not allowed."""
    cors = cors_headers(event)
    if "Access-Control-Allow-Origin" not in cors:
        return None
    headers = {
        **cors,
        "Access-Control-Allow-Methods": methods,
        "Access-Control-Allow-Headers": "Content-Type",
        "Access-Control-Max-Age": str(CORS_MAX_AGE_SECONDS),
    }
    return {"statusCode": 204, "headers": headers, "body": "", "isBase64Encoded": False}


def method_not_allowed(event: Mapping[str, Any], allow: str) -> dict[str, Any]:
    """405 with a Contract-2-shaped body (clients never see a non-JSON error)."""
    error = AgentError("invalid_request", "このメソッドには対応していません。", detail="method not allowed")
    return json_response(405, error.to_body(), event, {"Allow": allow})
