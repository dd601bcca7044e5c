"""Contract 2 request rules for ``POST /chat`` and ``POST /chat/stream`` (``ChatRequest`` in ``proxy/openapi.yaml``)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from proxy.client.errors import AgentError
from proxy.client.session import is_valid_session_id
from proxy.client.wire import is_utf8_text

MAX_MESSAGE_CHARS = 2000
#: Bodies beyond this are refused, unread when ``Content-Length`` says so: 2000 characters escaped as ``\\uXXXX``
#: fit comfortably.
MAX_BODY_BYTES = 32 * 1024

_FIELDS = frozenset({"message", "session_id", "turn"})


@dataclass(frozen=True)
class ChatRequest:
    """A validated chat request; ``message`` is already trimmed."""

    message: str
    session_id: str
    turn: int = 0


def _invalid(message: str, detail: str) -> AgentError:
    return AgentError("invalid_request", message, detail=detail)


def is_json_content_type(value: str | None) -> bool:
    """Whether a ``Content-Type`` header names JSON (``application/json``, parameters such as charset allowed)."""
    return (value or "").split(";", 1)[0].strip().lower() == "application/json"


def check_content_type(value: str | None) -> None:
    """Raise ``unsupported_media_type`` (415) unless ``value`` is ``application/json``.

    A public endpoint must not accept CORS-simple requests (``text/plain``, forms) that any web page can make its
    visitors send.
    """
    if not is_json_content_type(value):
        raise AgentError("unsupported_media_type", detail=f"Content-Type {(value or '')[:60]!r}")


def check_declared_length(value: str | None) -> None:
    """Refuse a body whose ``Content-Length`` is over the cap before reading any of it."""
    if value is None:
        return
    try:
        length = int(value)
    except ValueError:
        raise _invalid("リクエストの形式が正しくありません。", "bad Content-Length") from None
    if length > MAX_BODY_BYTES:
        raise too_large(length)


def too_large(size: int) -> AgentError:
    """The error for a body of ``size`` bytes (or more) over the cap."""
    return _invalid("リクエストが大きすぎます。", f"body of {size} bytes")


def parse_chat_request(raw: bytes) -> ChatRequest:
    """Validate a JSON body; raise ``AgentError("invalid_request")`` naming the problem in Japanese."""
    if not raw:
        raise _invalid("リクエスト本文がありません。JSON で送ってください。", "empty body")
    if len(raw) > MAX_BODY_BYTES:
        raise too_large(len(raw))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid("リクエストは UTF-8 の JSON で送ってください。", "body is not UTF-8") from exc
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:  # RecursionError: deeply nested arrays, a client's fault too
        raise _invalid("リクエスト本文が正しい JSON ではありません。", "malformed JSON") from exc
    if not isinstance(data, dict):
        raise _invalid("リクエスト本文は JSON オブジェクトで送ってください。", "body is not an object")
    unknown = set(data) - _FIELDS
    if unknown:
        names = [name[:40] for name in sorted(unknown)[:5]]  # the caller's text: logged short
        raise _invalid("リクエストに不明な項目が含まれています。", f"unknown fields {names}")
    message = data.get("message")
    if not isinstance(message, str):
        raise _invalid("message（質問）を文字列で指定してください。", "message missing or not a string")
    # Length as sent, blank check after trimming: the OpenAPI schema (maxLength, pattern) says the same, so API
    # Gateway's validation deployed and this one agree on every message.
    if len(message) > MAX_MESSAGE_CHARS:
        raise _invalid(f"メッセージは {MAX_MESSAGE_CHARS} 文字以内で入力してください。", "message too long")
    message = message.strip()
    if not message:
        raise _invalid("メッセージを入力してください。", "empty message")
    if not is_utf8_text(message):
        raise _invalid("メッセージに使えない文字が含まれています。", "message has lone surrogates")
    session_id = data.get("session_id")
    if not is_valid_session_id(session_id):
        raise _invalid("セッション ID の形式が正しくありません。新しい会話を開始してください。", "bad session id")
    turn = data.get("turn", 0)
    if isinstance(turn, float) and turn.is_integer():
        turn = int(turn)  # JSON has one number type: 3.0 is the integer 3 (JSON Schema, and so the OpenAPI document)
    if isinstance(turn, bool) or not isinstance(turn, int) or turn < 0:
        raise _invalid("turn は 0 以上の整数で指定してください。", "bad turn")
    assert isinstance(session_id, str)  # narrowed by is_valid_session_id
    return ChatRequest(message=message, session_id=session_id, turn=turn)
