"""Contract 1 request validation: what ``POST /invocations`` accepts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.errors import InvalidRequest

MAX_PROMPT_CHARS = 2000
SESSION_ID_MIN, SESSION_ID_MAX = 33, 256


@dataclass(frozen=True)
class Invocation:
    """A validated invocation: the user's prompt, the client's turn count and the wanted response form."""

    session_id: str
    prompt: str
    turn: int = 0
    stream: bool = False


def parse_invocation(session_id: str | None, payload: Any) -> Invocation:
    """Validate a Contract 1 payload; raise ``InvalidRequest`` with a Japanese message naming the problem."""
    if (
        not isinstance(session_id, str)
        or not SESSION_ID_MIN <= len(session_id) <= SESSION_ID_MAX
        or not session_id.isprintable()
    ):
        raise InvalidRequest(f"セッションIDは {SESSION_ID_MIN}〜{SESSION_ID_MAX} 文字で指定してください。")
    if not isinstance(payload, dict):
        raise InvalidRequest("リクエスト本文は JSON オブジェクトで送ってください。")
    prompt = payload.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip():
        raise InvalidRequest("質問（prompt）を入力してください。")
    prompt = prompt.strip()
    if len(prompt) > MAX_PROMPT_CHARS:
        raise InvalidRequest(f"質問は {MAX_PROMPT_CHARS} 文字以内で入力してください。")
    turn = payload.get("turn", 0)
    if isinstance(turn, bool) or not isinstance(turn, int) or turn < 0:
        raise InvalidRequest("turn は 0 以上の整数で指定してください。")
    stream = payload.get("stream", False)
    if not isinstance(stream, bool):
        raise InvalidRequest("stream は true か false で指定してください。")
    return Invocation(session_id=session_id, prompt=prompt, turn=turn, stream=stream)
