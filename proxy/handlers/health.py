"""``GET /health``: proves the API and its Lambda answer (it does not call the agent, which costs money)."""

from __future__ import annotations

import logging
from typing import Any

from proxy.handlers.common import json_response, method_not_allowed, method_of, preflight_response, request_id
from proxy.handlers.logs import log


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Lambda entry point: 200 ``{"status": "ok"}``."""
    method = method_of(event)
    if method == "OPTIONS":
        preflight = preflight_response(event, "GET, OPTIONS")
        if preflight is not None:
            return preflight
    if method not in ("GET", "HEAD"):
        return method_not_allowed(event, "GET")
    log(logging.DEBUG, "health", request_id=request_id(event, context))
    return json_response(200, {"status": "ok"}, event)
