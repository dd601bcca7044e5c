"""JSON answers of the Chat API (UTF-8 declared, Japanese kept readable), errors included."""

from __future__ import annotations

from starlette.responses import JSONResponse

from proxy.api.headers import error_headers
from proxy.client.errors import AgentError


class JsonResponse(JSONResponse):
    """``JSONResponse`` saying its charset, as the Contract 2 answers always have."""

    media_type = "application/json; charset=utf-8"


def error_response(error: AgentError, status: int | None = None, headers: dict[str, str] | None = None) -> JsonResponse:
    """The Contract 2 error answer: ``error``'s status (or ``status``), JSON body, ``Retry-After`` when throttled."""
    return JsonResponse(
        error.to_body(), status_code=status or error.status, headers={**error_headers(error), **(headers or {})}
    )
