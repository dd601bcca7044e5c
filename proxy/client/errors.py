"""The one error model of the agent client: a Contract 2 code, its HTTP status, and a Japanese message."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

ErrorCode = Literal[
    "invalid_request",
    "not_found",
    "unsupported_media_type",
    "session_expired",
    "throttled",
    "agent_unavailable",
    "agent_timeout",
]

#: Contract 2: the single table from error code to HTTP status (``ErrorCode`` in proxy/openapi.yaml; API Gateway's
#: own answers in infra's ``GATEWAY_ERRORS`` use the same codes, statuses and messages; tests tie them together).
#: ``not_found`` answers a path the API does not have (deployed, API Gateway answers it before the app).
STATUS_BY_CODE: Mapping[str, int] = {
    "invalid_request": 400,
    "not_found": 404,
    "session_expired": 408,
    "unsupported_media_type": 415,
    "throttled": 429,
    "agent_unavailable": 503,
    "agent_timeout": 504,
}

#: What users read when the agent did not supply its own (Japanese) message.
DEFAULT_MESSAGES: Mapping[str, str] = {
    "invalid_request": "リクエストの形式が正しくありません。",
    "not_found": "指定された API は存在しません。",
    "session_expired": "会話の有効期限が切れました。新しい会話を開始して、もう一度送信してください。",
    "unsupported_media_type": "Content-Type は application/json にしてください。",
    "throttled": "ただいま混み合っています。少し時間をおいて再度お試しください。",
    "agent_unavailable": "エージェントに接続できませんでした。しばらくしてから再度お試しください。",
    "agent_timeout": "回答に時間がかかりすぎたため中断しました。もう一度お試しください。",
}

#: Codes only the Chat API itself answers with: an agent naming one is answering nonsense.
API_ONLY_CODES = frozenset({"not_found", "unsupported_media_type"})

#: Seconds clients should wait after ``throttled`` when nobody said how long.
DEFAULT_RETRY_AFTER = 5.0

_MAX_MESSAGE_CHARS = 500


class AgentError(Exception):
    """A failure talking to the agent, already translated to Contract 2.

    Attributes:
        code: One of ``STATUS_BY_CODE``'s keys (unknown codes become ``agent_unavailable``).
        message: Japanese, safe to show to users.
        status: The HTTP status the Chat API answers with.
        retry_after: Seconds to wait before retrying (``throttled`` only).
        detail: Operator-facing cause for logs (exception class, upstream status); never shown to users.
    """

    def __init__(
        self,
        code: str,
        message: str | None = None,
        *,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        self.code: str = code if code in STATUS_BY_CODE else "agent_unavailable"
        self.message: str = message or DEFAULT_MESSAGES[self.code]
        self.status: int = STATUS_BY_CODE[self.code]
        if retry_after is not None and not 0 <= retry_after < math.inf:  # NaN, inf (an upstream's header)
            retry_after = None
        if self.code == "throttled" and retry_after is None:
            retry_after = DEFAULT_RETRY_AFTER
        self.retry_after: float | None = retry_after if self.code == "throttled" else None
        self.detail = detail
        super().__init__(f"{self.code}: {self.message}")

    def to_body(self) -> dict[str, Any]:
        """The Contract 2 error body."""
        return {"error": {"code": self.code, "message": self.message}}


def code_for_status(status: int) -> str:
    """The error code for an HTTP status when the body named none."""
    if status in (400, 413, 422):
        return "invalid_request"
    if status == 429:
        return "throttled"
    if status in (408, 504):
        return "agent_timeout"
    return "agent_unavailable"


def error_from_object(obj: Any, *, status: int = 200, retry_after: float | None = None) -> AgentError | None:
    """Translate an agent error object, or return ``None`` when ``obj`` is not one.

    Understands Contract 1's ``{"error": {"code", "message"}}`` and stream ``{"type": "error", ...}``,
    and the AgentCore SDK's own ``{"error": "<text>"}`` (whose text is never shown to users).
    """
    if not isinstance(obj, dict):
        return None
    if obj.get("type") == "error":
        return _known(obj.get("code"), obj.get("message"), status, retry_after)
    if "error" not in obj:
        return None
    error = obj["error"]
    if isinstance(error, dict):
        return _known(error.get("code"), error.get("message"), status, retry_after)
    return AgentError(
        code_for_status(status if status >= 400 else 500),
        retry_after=retry_after,
        detail=f"agent error without a code (HTTP {status})",
    )


def _known(code: Any, message: Any, status: int, retry_after: float | None) -> AgentError:
    if isinstance(code, str) and code in STATUS_BY_CODE and code not in API_ONLY_CODES:
        text = message.strip()[:_MAX_MESSAGE_CHARS] if isinstance(message, str) else ""
        return AgentError(code, text or None, retry_after=retry_after, detail=f"agent error {code} (HTTP {status})")
    fallback = code_for_status(status) if status >= 400 else "agent_unavailable"
    return AgentError(fallback, retry_after=retry_after, detail=f"agent error code {code!r} (HTTP {status})")
