"""The AgentCore app (Contract 1): ``GET /ping`` and ``POST /invocations``, JSON or SSE.

The same app runs in the AgentCore container and locally (``python -m agent serve``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import anyio
from bedrock_agentcore.runtime import BedrockAgentCoreApp, RequestContext
from starlette.responses import JSONResponse, StreamingResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.errors import InvalidRequest
from agent.runtime.service import ChatService
from agent.runtime.turnstream import TurnStream

logger = logging.getLogger(__name__)


def create_app(service: ChatService | None = None) -> BedrockAgentCoreApp:
    """Build the AgentCore app around ``service`` (default: configured from the environment)."""
    chat = service or ChatService.from_env()
    app = BedrockAgentCoreApp()
    app.logger.propagate = False  # the SDK logs one JSON line per invocation itself; the root handler would repeat it
    app.add_middleware(JsonBodyGuard)

    @app.entrypoint
    def invoke(payload: Any, context: RequestContext) -> Any:
        """Answer one turn. Sync on purpose: the app runs it in its thread pool."""
        session_id = context.session_id
        if isinstance(payload, dict) and payload.get("stream") is True:
            return EventStreamResponse(chat.open_stream(session_id, payload))
        # Error objects go out with HTTP 200, as in the stream: AgentCore reports a container's 4xx/5xx to
        # callers as a generic RuntimeClientError, which would lose the code (e.g. session_expired).
        return chat.invoke(session_id, payload)

    app.state.chat_service = chat  # lets tests and embedders reach the service behind the app
    return app


class EventStreamResponse(StreamingResponse):
    """A turn as SSE (``data: {json}`` per event, as the SDK writes generators); a client that leaves cancels it.

    The SDK serves a returned generator itself, but a disconnect then only abandons the thread blocked on the
    next event: the turn would run on (tokens spent, the session's lock held against the user's retry).
    """

    def __init__(self, turn: TurnStream) -> None:
        self._turn = turn
        super().__init__(_sse_lines(turn), media_type="text/event-stream")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:  # finished: a no-op; client gone or server stopping: stop the turn and let it unwind
            with anyio.CancelScope(shield=True):
                await anyio.to_thread.run_sync(self._turn.cancel)


def _sse_lines(turn: TurnStream) -> Iterator[bytes]:
    for event in turn:
        yield f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()


#: A Contract 1 body is a prompt of at most 2,000 characters and two small fields: 64 KiB is generous, and a
#: body beyond it is refused before it is read further or parsed (a 10 MB body must not cost 10 MB of parsing).
MAX_BODY_BYTES = 64 * 1024


class JsonBodyGuard:
    """Answer oversized or undecodable ``/invocations`` bodies with Contract 1's error object.

    The SDK's own answer (``{"error": "Invalid JSON", "details": ...}``) is English and not our shape, and deeply
    nested JSON (``[`` × 30,000) makes ``json.loads`` raise ``RecursionError``, which it would answer with a 500.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/invocations" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client left (or took too long) before the body was in:
                return  # nobody to answer, and a truncated body must not run a turn
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY_BYTES:
                await _refuse(InvalidRequest("リクエスト本文が大きすぎます。"), scope, receive, send)
                return
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            await _refuse(InvalidRequest("リクエスト本文が JSON として読み取れません。"), scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def _refuse(error: InvalidRequest, scope: Scope, receive: Receive, send: Send) -> None:
    response = JSONResponse({"error": {"code": error.code, "message": error.message}}, status_code=400)
    await response(scope, receive, send)
