"""The AgentCore app (Contract 1): ``GET /ping`` and ``POST /invocations``, JSON or SSE.

The same app runs in the AgentCore container and locally (``python -m agent serve``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from bedrock_agentcore.runtime import BedrockAgentCoreApp, RequestContext
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent.errors import InvalidRequest
from agent.runtime.service import ChatService, StreamEvent

logger = logging.getLogger(__name__)


def create_app(service: ChatService | None = None) -> BedrockAgentCoreApp:
    """Build the AgentCore app around ``service`` (default: configured from the environment)."""
    chat = service or ChatService.from_env()
    app = BedrockAgentCoreApp()
    app.add_middleware(JsonBodyGuard)

    @app.entrypoint
    def invoke(payload: Any, context: RequestContext) -> Any:
        """Answer one turn. Sync on purpose: the app runs it in its thread pool (sync generators become SSE)."""
        session_id = context.session_id
        if isinstance(payload, dict) and payload.get("stream") is True:
            return _sse(chat.stream(session_id, payload))
        # Error objects go out with HTTP 200, as in the stream: AgentCore reports a container's 4xx/5xx to
        # callers as a generic RuntimeClientError, which would lose the code (e.g. session_expired).
        return chat.invoke(session_id, payload)

    app.state.chat_service = chat  # lets tests and embedders reach the service behind the app
    return app


def _sse(events: Iterator[StreamEvent]) -> Iterator[StreamEvent]:
    """Pass events through as a *sync generator*, which the app serves as ``text/event-stream``."""
    yield from events


class JsonBodyGuard:
    """Answer undecodable ``/invocations`` bodies with Contract 1's error object.

    The SDK's own answer (``{"error": "Invalid JSON", "details": ...}``) is English and not our shape.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != "/invocations" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        try:
            json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            error = InvalidRequest("リクエスト本文が JSON として読み取れません。")
            response = JSONResponse({"error": {"code": error.code, "message": error.message}}, status_code=400)
            await response(scope, receive, send)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)
