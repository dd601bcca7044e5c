"""One error model for the agent: every failure a user can see has a code and a Japanese message."""

from __future__ import annotations

from typing import Literal

SourceErrorKind = Literal["timeout", "rate_limited", "unauthorized", "forbidden", "upstream", "malformed"]

#: User-facing Japanese messages for event-source failures, keyed by kind.
SOURCE_ERROR_MESSAGES: dict[str, str] = {
    "timeout": "接続がタイムアウトしました。再度お試しください。",
    "rate_limited": "connpass へのリクエストが混み合っています。少し時間をおいて再度お試しください。",
    "unauthorized": "connpass API キーが無効です。運用担当者に API キーの設定を確認するよう伝えてください。",
    "forbidden": "connpass API へのアクセスが拒否されました。しばらくしてから再度お試しください。",
    "upstream": "connpass 側でエラーが発生しました。しばらくしてから再度お試しください。",
    "malformed": "connpass から予期しない応答が返りました。しばらくしてから再度お試しください。",
}


class ConfeeError(Exception):
    """Base class: a failure with a stable machine code and a Japanese user-facing message."""

    code: str = "internal_error"
    default_message: str = "エラーが発生しました。しばらくしてから再度お試しください。"

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class ConfigError(ConfeeError):
    """The environment configuration is invalid (raised at start-up, never per request)."""

    code = "config_error"


class SourceError(ConfeeError):
    """An event source (connpass API or sample catalogue) could not answer.

    Attributes:
        kind: What went wrong, one of ``SourceErrorKind``.
        retry_after: Seconds the upstream asked us to wait (429 only).
    """

    code = "source_error"

    def __init__(self, kind: SourceErrorKind, detail: str = "", retry_after: float | None = None) -> None:
        self.kind: SourceErrorKind = kind
        self.detail = detail
        self.retry_after = retry_after
        super().__init__(SOURCE_ERROR_MESSAGES[kind])


class InvalidRequest(ConfeeError):
    """The invocation payload is malformed (bad JSON, wrong types, oversized prompt)."""

    code = "invalid_request"
    default_message = "リクエストの形式が正しくありません。"


class SessionExpired(ConfeeError):
    """The client believes it has history (turn > 0) but this runtime holds no context for it."""

    code = "session_expired"
    default_message = "会話の有効期限が切れました。新しい会話を開始して、もう一度送信してください。"


class SessionLimitReached(SessionExpired):
    """The conversation reached its turn budget (a cost cap per session): it must continue in a new one.

    Same code as an expired session, so every client already does the right thing: start a new conversation.
    """

    def __init__(self, max_turns: int) -> None:
        super().__init__(
            f"この会話はやり取りの上限（{max_turns} 回）に達しました。新しい会話を開始して続けてください。"
        )


class SessionBusy(ConfeeError):
    """Too many live sessions in this process; a new one cannot be created right now."""

    code = "throttled"
    default_message = "ただいま混み合っています。少し時間をおいて再度お試しください。"


class AgentFailure(ConfeeError):
    """The model or the agent loop failed in a way the user cannot fix."""

    code = "agent_unavailable"
    default_message = "回答の生成中にエラーが発生しました。しばらくしてから再度お試しください。"


class ModelThrottled(ConfeeError):
    """The model provider throttled us."""

    code = "throttled"
    default_message = "ただいま混み合っています。少し時間をおいて再度お試しください。"


class AgentTimeout(ConfeeError):
    """A turn took longer than its budget (the caller would give up anyway)."""

    code = "agent_timeout"
    default_message = "回答に時間がかかりすぎました。もう一度お試しください。"
