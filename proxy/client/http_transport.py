"""HTTP transport: an AgentCore-compatible server (``python -m agent serve``) over plain HTTP.

Standard library only (``http.client``): the Lambda bundle carries no HTTP library besides boto3's.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import socket
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

from proxy.client.errors import AgentError, error_from_object
from proxy.client.stream import AgentStream, Interrupt, StreamEvent
from proxy.client.wire import (
    AgentReply,
    build_payload,
    checked_stream,
    encode_payload,
    is_event_stream,
    reply_from_json_bytes,
    reply_from_stream,
    sse_objects,
    stream_from_reply,
)

SESSION_HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
_CONNECT_TIMEOUT = 5.0
_TRANSPORT_ERRORS = (OSError, http.client.HTTPException)


class HttpAgentClient:
    """Calls ``POST {base_url}/invocations`` with the session id header.

    Args:
        base_url: ``http://host:port`` (a path prefix is kept; credentials in the URL are refused).
        timeout: Seconds an answer may take in total (``invoke`` and ``stream``).
    """

    target = "http"

    def __init__(self, base_url: str, *, timeout: float = 25.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        if parts.username or parts.password:  # the error is shown on the Streamlit page: never echo them
            raise ValueError("agent URL must not contain credentials (user:password@)")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"agent URL must be http(s)://host[:port], got {base_url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._path = parts.path.rstrip("/") + "/invocations"
        self._timeout = timeout
        self.label = f"エージェントサーバー {parts.scheme}://{parts.hostname}:{self._port}{parts.path.rstrip('/')}"

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        deadline = time.monotonic() + self._timeout
        payload = build_payload(session_id, message, turn, stream=False)
        conn, response = self._open(session_id, payload)
        try:
            if is_event_stream(response.getheader("Content-Type")):
                lines = _lines(response, deadline, conn)
                events = checked_stream(sse_objects(lines), session_id, status=response.status)
                return reply_from_stream(events, session_id)
            raw = _read_all(response, deadline, conn)
            error = _error_for(response, raw)
            if error is not None:
                raise error
            return reply_from_json_bytes(raw, session_id, status=response.status)
        finally:
            conn.close()

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        """The turn's events as they arrive, within the same total budget as ``invoke``.

        Closing the stream (from any thread) shuts the connection down, which the agent server takes as the
        client leaving: it cancels the turn.
        """
        interrupt = Interrupt()
        return AgentStream(self._events(session_id, message, turn, interrupt), interrupt)

    def _events(self, session_id: str, message: str, turn: int, interrupt: Interrupt) -> Iterator[StreamEvent]:
        deadline = time.monotonic() + self._timeout
        payload = build_payload(session_id, message, turn, stream=True)
        conn, response = self._open(session_id, payload, interrupt)
        try:
            if is_event_stream(response.getheader("Content-Type")):
                lines = _lines(response, deadline, conn)
                yield from checked_stream(sse_objects(lines), session_id, status=response.status)
                return
            raw = _read_all(response, deadline, conn)
            error = _error_for(response, raw)
            if error is not None:
                raise error
            yield from stream_from_reply(reply_from_json_bytes(raw, session_id, status=response.status))
        finally:
            conn.close()

    def _open(
        self, session_id: str, payload: dict[str, Any], interrupt: Interrupt | None = None
    ) -> tuple[http.client.HTTPConnection, Any]:
        factory = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = factory(self._host, self._port, timeout=min(_CONNECT_TIMEOUT, self._timeout))
        body = encode_payload(payload)
        headers = {
            "Content-Type": "application/json",
            "Accept": "text/event-stream" if payload["stream"] else "application/json",
            SESSION_HEADER: session_id,
        }
        try:
            conn.connect()
            if conn.sock is not None:
                conn.sock.settimeout(self._timeout)
                if interrupt is not None:
                    interrupt.on_request(functools.partial(_shut_down, conn.sock))
            conn.request("POST", self._path, body=body, headers=headers)
            return conn, conn.getresponse()
        except _TRANSPORT_ERRORS as exc:
            conn.close()
            raise _translate(exc) from exc


def _error_for(response: Any, raw: bytes) -> AgentError | None:
    """An error object in the body wins; otherwise a non-2xx status is an error by itself."""
    retry_after = _retry_after(response.getheader("Retry-After"))
    try:
        obj = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        obj = None
    error = error_from_object(obj, status=response.status, retry_after=retry_after)
    if error is None and response.status >= 400:
        error = error_from_object({"error": "HTTP error"}, status=response.status, retry_after=retry_after)
    return error


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def _read_all(response: Any, deadline: float | None, conn: http.client.HTTPConnection) -> bytes:
    chunks: list[bytes] = []
    try:
        while True:
            _check_deadline(deadline, conn)
            chunk = response.read1(65536)
            if not chunk:
                break
            chunks.append(chunk)
    except _TRANSPORT_ERRORS as exc:
        raise _translate(exc) from exc
    return b"".join(chunks)


def _lines(response: Any, deadline: float | None, conn: http.client.HTTPConnection) -> Iterator[bytes]:
    try:
        while True:
            _check_deadline(deadline, conn)
            line = response.readline()
            if not line:
                break
            yield line
    except _TRANSPORT_ERRORS as exc:
        raise _translate(exc) from exc


def _shut_down(sock: socket.socket) -> None:
    """Wake a thread blocked reading ``sock`` (it reads end-of-file); its owner closes the socket afterwards."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _check_deadline(deadline: float | None, conn: http.client.HTTPConnection) -> None:
    """Fail once the budget is spent; otherwise let the next read wait no longer than what is left of it."""
    if deadline is None:
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise AgentError("agent_timeout", detail="agent answer exceeded the time budget")
    if conn.sock is not None:
        conn.sock.settimeout(remaining)


def _translate(exc: BaseException) -> AgentError:
    """A socket timeout is ``agent_timeout``; any other transport failure is ``agent_unavailable``."""
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return AgentError("agent_timeout", detail=f"{type(exc).__name__} from agent server")
    return AgentError("agent_unavailable", detail=f"{type(exc).__name__} from agent server")
