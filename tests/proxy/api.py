"""Helpers: the Chat API app through ``httpx.ASGITransport`` (in process), request bodies, SSE parsing."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx

from proxy.client import new_session_id

SESSION = new_session_id()
QUESTION = "TypeScriptのカンファレンスある？"
ROUTES = ("/chat", "/chat/stream")
JSON = {"Content-Type": "application/json"}


def chat_body(message: Any = QUESTION, session_id: Any = SESSION, **extra: Any) -> dict[str, Any]:
    return {"message": message, "session_id": session_id, **extra}


def call(
    app: Any,
    method: str,
    path: str,
    *,
    body: Any = None,
    content: bytes | str | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """One request to ``app`` in process; ``body`` is sent as JSON (with its Content-Type) unless ``content`` is."""
    sent_headers = dict(headers or {})
    if body is not None:
        content = json.dumps(body, ensure_ascii=False).encode()
        sent_headers = {**JSON, **sent_headers}

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://confee.test") as client:
            return await client.request(method, path, content=content, headers=sent_headers)

    return anyio.run(go)


def post(app: Any, path: str, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return call(app, "POST", path, body=body, headers=headers)


def sse_frames(text: str) -> list[str]:
    """The frames of an event stream, checking the framing: each is one ``data:`` line or a comment."""
    assert text.endswith("\n\n"), text[-200:]
    frames = text[:-2].split("\n\n")
    for frame in frames:
        assert "\n" not in frame, frame
        assert frame.startswith(("data: ", ": ")), frame
    return frames


def sse_events(text: str) -> list[dict[str, Any]]:
    """The JSON events of an event stream (comments skipped)."""
    return [json.loads(frame[len("data: ") :]) for frame in sse_frames(text) if frame.startswith("data: ")]


def answer_text(events: list[dict[str, Any]]) -> str:
    return "".join(event["text"] for event in events if event["type"] == "text")
