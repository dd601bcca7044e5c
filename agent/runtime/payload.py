"""Contract 1 request validation: what ``POST /invocations`` accepts."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from agent.errors import InvalidRequest

MAX_PROMPT_CHARS = 2000
SESSION_ID_MIN, SESSION_ID_MAX = 33, 256
#: The session id rule of both contracts: 33–256 characters, ``[A-Za-z0-9][A-Za-z0-9_-]*`` (AgentCore's length;
#: no characters a header, a log line or a URL would need to escape). The proxy, a separate deployable, keeps
#: the same rule in ``proxy/client/session.py``; ``tests/agent/runtime/test_payload.py`` checks they agree.
SESSION_ID_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{{SESSION_ID_MIN - 1},{SESSION_ID_MAX - 1}}}")


def new_session_id() -> str:
    """A fresh random session id: ``confee-`` and 32 hex digits (39 characters)."""
    return f"confee-{uuid.uuid4().hex}"


def is_valid_session_id(value: object) -> bool:
    return isinstance(value, str) and SESSION_ID_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class Invocation:
    """A validated invocation: the user's prompt, the client's turn count and the wanted response form."""

    session_id: str
    prompt: str
    turn: int = 0
    stream: bool = False


def parse_invocation(session_id: str | None, payload: Any) -> Invocation:
    """Validate a Contract 1 payload; raise ``InvalidRequest`` with a Japanese message naming the problem."""
    if not is_valid_session_id(session_id):
        rule = f"英数字・ハイフン・アンダースコアの {SESSION_ID_MIN}〜{SESSION_ID_MAX} 文字"
        raise InvalidRequest(f"セッションIDは{rule}で指定してください。")
    assert isinstance(session_id, str)
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
