"""Helpers: API Gateway proxy events in, decoded proxy responses out."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from proxy.client import new_session_id

SESSION = new_session_id()


class Context:
    """The Lambda context attributes the handlers read."""

    def __init__(self) -> None:
        self.aws_request_id = f"req-{uuid.uuid4().hex}"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def event(
    body: Any = None,
    *,
    method: str = "POST",
    path: str = "/chat",
    headers: dict[str, str] | None = None,
    raw: str | None = None,
    b64: bool = False,
) -> dict[str, Any]:
    """A REST API proxy event; ``body`` is JSON-encoded unless ``raw`` gives the text verbatim."""
    text = raw if raw is not None else (None if body is None else json.dumps(body, ensure_ascii=False))
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": {"Content-Type": "application/json", **(headers or {})},
        "requestContext": {"requestId": f"apigw-{uuid.uuid4().hex}", "stage": "prod"},
        "body": text,
        "isBase64Encoded": b64,
    }


def chat_body(
    message: str = "TypeScriptのカンファレンスある？", session_id: str = SESSION, **extra: Any
) -> dict[str, Any]:
    return {"message": message, "session_id": session_id, **extra}


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: Any


def call(handler: Any, ev: dict[str, Any]) -> Result:
    """Run a handler and decode its proxy response (asserting it is well-formed)."""
    out = handler(ev, Context())
    assert set(out) >= {"statusCode", "headers", "body"}
    body = json.loads(out["body"]) if out["body"] else None
    return Result(out["statusCode"], out["headers"], body)
