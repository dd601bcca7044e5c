"""Helpers: the Chat API app through ``httpx.ASGITransport`` (in process), request bodies, SSE parsing, a fake agent."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx

from proxy.client import AgentReply, new_session_id
from proxy.client.stream import AgentStream, Interrupt, StreamEvent

SESSION = new_session_id()
QUESTION = "TypeScriptのカンファレンスある？"
ROUTES = ("/chat", "/chat/stream")
JSON = {"Content-Type": "application/json"}


class AnsweringClient:
    """An agent that answers at once, in process (no model runs); ``fail`` makes it raise that error instead.

    Args:
        fail: The error every turn raises (before anything is answered).
        after_text: With ``fail``: the stream first sends its text, so the error comes after the first event.
    """

    target, label = "local", "answering"

    def __init__(self, fail: Exception | None = None, *, after_text: bool = False) -> None:
        self.fail = fail
        self.after_text = after_text

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        if self.fail is not None:
            raise self.fail
        return AgentReply("回答", session_id, [{"id": 1}], {"model": "offline", "source": "sample", "usage": {}})

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        def events() -> Any:
            if self.fail is not None and not self.after_text:
                raise self.fail
            yield {"type": "text", "text": "回答"}
            if self.fail is not None:
                raise self.fail
            done: StreamEvent = {"type": "done", "session_id": session_id, "events": [], "meta": {"usage": {}}}
            yield done

        return AgentStream(events(), Interrupt())


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
