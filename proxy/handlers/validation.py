"""Contract 2 request validation for ``POST /chat`` (mirrors ``ChatRequest`` in ``proxy/openapi.yaml``)."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from proxy.client.errors import AgentError
from proxy.client.session import is_valid_session_id
from proxy.client.wire import is_utf8_text

MAX_MESSAGE_CHARS = 2000
#: Bodies beyond this are refused unread: 2000 characters escaped as ``\\uXXXX`` fit comfortably.
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


def decode_body(event: dict[str, Any]) -> str:
    """The request body as text (API Gateway may hand it over base64-encoded)."""
    body = event.get("body")
    if body is None or body == "":
        raise _invalid("リクエスト本文がありません。JSON で送ってください。", "empty body")
    if not isinstance(body, str):
        raise _invalid("リクエストの形式が正しくありません。", "body is not a string")
    if event.get("isBase64Encoded"):
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise _invalid("リクエストの形式が正しくありません。", "bad base64 body") from exc
    else:
        raw = body.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_BODY_BYTES:
        raise _invalid("リクエストが大きすぎます。", f"body of {len(raw)} bytes")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _invalid("リクエストは UTF-8 の JSON で送ってください。", "body is not UTF-8") from exc


def parse_chat_request(event: dict[str, Any]) -> ChatRequest:
    """Validate the event's JSON body; raise ``AgentError("invalid_request")`` naming the problem in Japanese."""
    try:
        data = json.loads(decode_body(event))
    except (ValueError, RecursionError) as exc:  # RecursionError: deeply nested arrays, a client's fault too
        raise _invalid("リクエスト本文が正しい JSON ではありません。", "malformed JSON") from exc
    if not isinstance(data, dict):
        raise _invalid("リクエスト本文は JSON オブジェクトで送ってください。", "body is not an object")
    unknown = set(data) - _FIELDS
    if unknown:
        raise _invalid("リクエストに不明な項目が含まれています。", f"unknown fields {sorted(unknown)}")
    message = data.get("message")
    if not isinstance(message, str):
        raise _invalid("message（質問）を文字列で指定してください。", "message missing or not a string")
    message = message.strip()
    if not message:
        raise _invalid("メッセージを入力してください。", "empty message")
    if len(message) > MAX_MESSAGE_CHARS:
        raise _invalid(f"メッセージは {MAX_MESSAGE_CHARS} 文字以内で入力してください。", "message too long")
    if not is_utf8_text(message):
        raise _invalid("メッセージに使えない文字が含まれています。", "message has lone surrogates")
    session_id = data.get("session_id")
    if not is_valid_session_id(session_id):
        raise _invalid("セッション ID の形式が正しくありません。新しい会話を開始してください。", "bad session id")
    turn = data.get("turn", 0)
    if isinstance(turn, bool) or not isinstance(turn, int) or turn < 0:
        raise _invalid("turn は 0 以上の整数で指定してください。", "bad turn")
    assert isinstance(session_id, str)  # narrowed by is_valid_session_id
    return ChatRequest(message=message, session_id=session_id, turn=turn)
