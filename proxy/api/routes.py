"""The Chat API's endpoints: ``GET /health``, ``POST /chat`` (JSON) and ``POST /chat/stream`` (SSE).

Both POST routes share one request pipeline (Content-Type, size cap, Contract 2 validation) and one log line
per request; the agent client's blocking calls run in worker threads.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import anyio.to_thread
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from proxy.api.agent import ClientHolder, agent_timeout, reply_body
from proxy.api.expired import ExpiredRequests, RememberingStream, request_key
from proxy.api.logs import log, request_id, session_prefix
from proxy.api.responses import JsonResponse, error_response
from proxy.api.sse import KEEP_ALIVE_SECONDS, EventStreamResponse, StreamOutcome
from proxy.api.validation import (
    MAX_BODY_BYTES,
    ChatRequest,
    check_content_type,
    check_declared_length,
    parse_chat_request,
    too_large,
)
from proxy.client.errors import AgentError
from proxy.client.tracing import TRACE_HEADER, traced


class ChatRoutes:
    """The endpoints, bound to one agent client holder."""

    def __init__(self, agent: ClientHolder, *, keep_alive_seconds: float = KEEP_ALIVE_SECONDS) -> None:
        self.agent = agent
        self.keep_alive_seconds = keep_alive_seconds
        #: Requests just answered ``session_expired``: a browser's re-send of one is not sent to the agent again.
        self.expired = ExpiredRequests()

    async def health(self, request: Request) -> Response:
        """200 ``{"status": "ok"}``: the API answers (the agent is not called; it costs money)."""
        log(logging.DEBUG, "health", request_id=request_id(request.headers))
        return JsonResponse({"status": "ok"})

    async def chat(self, request: Request) -> Response:
        """One whole answer as JSON (Contract 2)."""
        began, rid = time.monotonic(), request_id(request.headers)
        chat: ChatRequest | None = None
        try:
            chat = await read_chat_request(request)
            key = request_key("/chat", chat)
            self.expired.check(key)
            client = self.agent.get()
            try:
                with traced(request.headers.get(TRACE_HEADER)):  # the worker thread gets a copy of the context
                    reply = await anyio.to_thread.run_sync(client.invoke, chat.session_id, chat.message, chat.turn)
            except AgentError as error:
                self.expired.remember(error, key)
                raise
        except AgentError as error:
            _log_chat("/chat", began, rid, chat, status=error.status, code=error.code, detail=error.detail)
            return error_response(error)
        except Exception as exc:  # a bug must still answer Contract 2, never a stack trace
            failure = AgentError("agent_unavailable", detail=type(exc).__name__)
            _log_chat("/chat", began, rid, chat, status=failure.status, code=failure.code, exc=exc)
            return error_response(failure)
        _log_chat("/chat", began, rid, chat, status=200, events=len(reply.events))
        return JsonResponse(reply_body(reply, chat.session_id))

    async def chat_stream(self, request: Request) -> Response:
        """The answer as Server-Sent Events; errors before the first event are answered as ``/chat`` does."""
        began, rid = time.monotonic(), request_id(request.headers)
        deadline = began + agent_timeout()
        parsed: ChatRequest | None = None  # for the log line of an early failure
        try:
            chat = parsed = await read_chat_request(request)
            key = request_key("/chat/stream", chat)
            self.expired.check(key)
            client = self.agent.get()
        except AgentError as error:
            _log_chat("/chat/stream", began, rid, parsed, status=error.status, code=error.code, detail=error.detail)
            return error_response(error)
        except Exception as exc:
            failure = AgentError("agent_unavailable", detail=type(exc).__name__)
            _log_chat("/chat/stream", began, rid, parsed, status=failure.status, code=failure.code, exc=exc)
            return error_response(failure)

        def finished(outcome: StreamOutcome) -> None:
            _log_chat(
                "/chat/stream",
                began,
                rid,
                chat,
                status=outcome.status,
                code=outcome.code,
                detail=outcome.detail or None,
                exc=outcome.bug,
                first_event_ms=outcome.first_event_ms,
                events=outcome.events,
                keep_alives=outcome.keep_alives or None,
                disconnected=outcome.disconnected or None,
                **outcome.fields,
            )

        trace = request.headers.get(TRACE_HEADER)

        def open_stream() -> RememberingStream:
            with traced(trace):  # transports take the trace when the stream is made, not when it is read
                stream = client.stream(chat.session_id, chat.message, chat.turn)
            return self.expired.watch(stream, key)

        return EventStreamResponse(
            open_stream,
            deadline=deadline,
            on_finish=finished,
            keep_alive=self.keep_alive_seconds,
        )


async def read_chat_request(request: Request) -> ChatRequest:
    """Content-Type, then the size cap (before reading, when declared, and while reading), then the body's rules."""
    check_content_type(request.headers.get("content-type"))
    check_declared_length(request.headers.get("content-length"))
    body = bytearray()
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                raise too_large(len(body))
    except ClientDisconnect:
        # The client went away mid-body (or a server timeout closed it): nobody will read the answer, and it is
        # the client's doing, so it is logged as a refused request, not as the API failing.
        raise AgentError("invalid_request", detail="client disconnected before the body was complete") from None
    return parse_chat_request(bytes(body))


async def http_error(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (unknown path, wrong method) in Contract 2's shape: clients never see plain text."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        error = AgentError("invalid_request", "このメソッドには対応していません。", detail="method not allowed")
    elif exc.status_code == 404:
        error = AgentError("not_found", detail="not found")
    else:
        error = AgentError("invalid_request", detail=f"HTTP {exc.status_code}")
    return error_response(error, exc.status_code, dict(exc.headers or {}))


def _log_chat(
    route: str,
    began: float,
    rid: str,
    chat: ChatRequest | None,
    *,
    status: int | None,
    exc: BaseException | None = None,
    **fields: Any,
) -> None:
    """One line per request: route, status, code, timing and sizes (never the message text)."""
    error_status = fields.get("error_status")
    worst = max(status or 0, error_status or 0)
    level = logging.ERROR if exc is not None else logging.WARNING if worst >= 500 else logging.INFO
    request_fields: dict[str, Any] = {}
    if chat is not None:
        request_fields = {
            "session": session_prefix(chat.session_id),
            "turn": chat.turn,
            "message_chars": len(chat.message),
        }
    log(
        level,
        "chat",
        exc=exc,
        request_id=rid,
        route=route,
        status=status,
        duration_ms=round((time.monotonic() - began) * 1000),
        **request_fields,
        **{key: value for key, value in fields.items() if value is not None},
    )
