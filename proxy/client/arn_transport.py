"""ARN transport: a deployed AgentCore runtime through boto3 ``invoke_agent_runtime`` (SigV4, usual credentials).

boto3 is imported when the first client is built, so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import functools
import re
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from proxy.client.errors import AgentError, code_for_status
from proxy.client.stream import AgentStream, Interrupt, StreamEvent
from proxy.client.tracing import current_trace_header, trace_params
from proxy.client.wire import (
    AgentReply,
    build_payload,
    checked_stream,
    encode_payload,
    is_event_stream,
    lines_of,
    reply_from_json_bytes,
    reply_from_stream,
    sse_objects,
    stream_from_reply,
)

#: Most bytes one read of the streaming body returns (it returns fewer as soon as fewer have arrived).
_CHUNK_BYTES = 65536

ARN_PATTERN = re.compile(
    r"arn:aws[a-z-]*:bedrock-agentcore:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):runtime/(?P<name>[A-Za-z0-9_-]+)"
)

#: Modeled ``InvokeAgentRuntime`` exceptions → Contract 2 codes (everything else is ``agent_unavailable``).
#: ``ValidationException`` is ours, not the caller's: the request was validated before the call, so AgentCore
#: refusing it means a misconfiguration (ARN, qualifier) that must count as a 5xx for alarms, not a 400.
CODE_BY_EXCEPTION: dict[str, str] = {
    "ThrottlingException": "throttled",
    "ServiceQuotaExceededException": "throttled",
    "ValidationException": "agent_unavailable",
    "AccessDeniedException": "agent_unavailable",
    "ResourceNotFoundException": "agent_unavailable",
    "RetryableConflictException": "agent_unavailable",
    "RuntimeClientError": "agent_unavailable",
    "InternalServerException": "agent_unavailable",
}


def parse_runtime_arn(arn: str) -> dict[str, str]:
    """The ``region``, ``account`` and ``name`` of a runtime ARN; ``ValueError`` if it is not one."""
    match = ARN_PATTERN.fullmatch(arn.strip())
    if match is None:
        raise ValueError("expected an AgentCore runtime ARN: arn:aws:bedrock-agentcore:<region>:<account>:runtime/<id>")
    return match.groupdict()


class ArnAgentClient:
    """Invokes a deployed AgentCore runtime.

    Args:
        arn: The runtime ARN (its region selects the endpoint).
        timeout: Read timeout; ``invoke`` also gives up after this many seconds in total.
        boto_client: A ready ``bedrock-agentcore`` client (tests use a ``Stubber``); built lazily otherwise.
        max_attempts: botocore's ``total_max_attempts``: 1 by default, since a retried turn would run twice
            and a retried read timeout would overrun API Gateway's 29 s.
        qualifier: Runtime endpoint name (``DEFAULT`` when ``None``).
    """

    target = "arn"

    def __init__(
        self,
        arn: str,
        *,
        timeout: float = 25.0,
        boto_client: Any = None,
        max_attempts: int = 1,
        qualifier: str | None = None,
    ) -> None:
        parts = parse_runtime_arn(arn)
        self.arn = arn.strip()
        self.region = parts["region"]
        self.label = f"AgentCore ランタイム {parts['name']} ({self.region})"
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._qualifier = qualifier
        self._client = boto_client
        self._lock = threading.Lock()

    def boto_client(self) -> Any:
        """The shared boto3 client, created once (boto3 sessions are not thread-safe, clients are)."""
        if self._client is None:
            with self._lock:
                if self._client is None:
                    import boto3
                    from botocore.config import Config

                    config = Config(
                        connect_timeout=min(5.0, self._timeout),
                        read_timeout=self._timeout,
                        retries={"total_max_attempts": self._max_attempts, "mode": "standard"},
                        user_agent_extra="confee-proxy",
                    )
                    self._client = boto3.client("bedrock-agentcore", region_name=self.region, config=config)
        return self._client

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        deadline = time.monotonic() + self._timeout
        payload = build_payload(session_id, message, turn, stream=False)
        content_type, body, status = self._call(session_id, payload, current_trace_header())
        try:
            raw = _read_all(body, deadline)
        finally:
            body.close()
        if is_event_stream(content_type):
            events = checked_stream(sse_objects(raw.splitlines()), session_id, status=status)
            return reply_from_stream(events, session_id)
        return reply_from_json_bytes(raw, session_id, status=status)

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        """The turn's events as AgentCore streams them, within the same total budget as ``invoke``.

        Closing the stream (from any thread) shuts the connection to AgentCore down, so the runtime sees its
        client leave and the agent cancels the turn. The current trace is taken now, where the caller set it
        (the call itself happens on the first ``next()``, in whichever thread reads the stream).
        """
        interrupt = Interrupt()
        trace = current_trace_header()
        return AgentStream(self._events(session_id, message, turn, interrupt, trace), interrupt)

    def _events(
        self, session_id: str, message: str, turn: int, interrupt: Interrupt, trace: str | None
    ) -> Iterator[StreamEvent]:
        deadline = time.monotonic() + self._timeout
        payload = build_payload(session_id, message, turn, stream=True)
        content_type, body, status = self._call(session_id, payload, trace)
        try:
            interrupt.on_request(functools.partial(_shut_down, body))
            if is_event_stream(content_type):
                lines = lines_of(_chunks(body, deadline))
                yield from checked_stream(sse_objects(lines), session_id, status=status)
            else:
                raw = _read_all(body, deadline)
                yield from stream_from_reply(reply_from_json_bytes(raw, session_id, status=status))
        finally:
            body.close()

    def _call(self, session_id: str, payload: dict[str, Any], trace: str | None) -> tuple[str, Any, int]:
        params: dict[str, Any] = {
            "agentRuntimeArn": self.arn,
            "runtimeSessionId": session_id,
            "payload": encode_payload(payload),
            "contentType": "application/json",
            "accept": "text/event-stream" if payload["stream"] else "application/json",
            **trace_params(trace),  # the caller's X-Ray trace: one question, one trace
        }
        if self._qualifier:
            params["qualifier"] = self._qualifier
        try:
            response = self.boto_client().invoke_agent_runtime(**params)
        except Exception as exc:
            raise translate_boto_error(exc) from exc
        return str(response.get("contentType") or ""), response["response"], int(response.get("statusCode") or 200)


def translate_boto_error(exc: Exception) -> AgentError:
    """Map a botocore failure to Contract 2 (no AWS error text reaches users; ``detail`` keeps the class)."""
    from botocore.exceptions import ClientError, ParamValidationError, ReadTimeoutError
    from urllib3.exceptions import ReadTimeoutError as Urllib3ReadTimeoutError

    if isinstance(exc, AgentError):
        return exc
    if isinstance(exc, ClientError):
        name = str(exc.response.get("Error", {}).get("Code", ""))
        meta = exc.response.get("ResponseMetadata", {})
        status = int(meta.get("HTTPStatusCode") or 500)
        code = CODE_BY_EXCEPTION.get(name) or code_for_status(status)
        retry_after = _retry_after(meta.get("HTTPHeaders", {}).get("retry-after"))
        return AgentError(code, retry_after=retry_after, detail=f"{name or 'ClientError'} (HTTP {status})")
    if isinstance(exc, ReadTimeoutError | Urllib3ReadTimeoutError | TimeoutError):
        return AgentError("agent_timeout", detail=type(exc).__name__)
    if isinstance(exc, ParamValidationError):
        return AgentError("invalid_request", detail=type(exc).__name__)
    return AgentError("agent_unavailable", detail=type(exc).__name__)


def _retry_after(value: Any) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except (TypeError, ValueError):
        return None


def _read_all(body: Any, deadline: float) -> bytes:
    """The whole body; no read may wait past ``deadline``.

    botocore's read timeout restarts with every socket read, so a body that stalls after the headers
    would otherwise hold the caller for up to twice the budget (past API Gateway's 29 s).
    """
    chunks: list[bytes] = []
    sock = _socket_of(body)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AgentError("agent_timeout", detail="agent answer exceeded the time budget")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.settimeout(remaining)
            chunk = body.read(65536)
            if not chunk:
                break
            chunks.append(chunk)
    except AgentError:
        raise
    except Exception as exc:
        raise translate_boto_error(exc) from exc
    return b"".join(chunks)


def _socket_of(body: Any) -> Any:
    """The socket under a botocore ``StreamingBody``, or ``None``.

    The path is the one ``StreamingBody.set_socket_timeout`` takes; that method cannot be used per read,
    because it logs an error once the body is fully read. urllib3 resets the timeout when it reuses the
    connection, so the pool never inherits the shortened one.
    """
    try:
        sock = body._raw_stream._fp.fp.raw._sock
    except AttributeError:
        return None
    return sock if callable(getattr(sock, "settimeout", None)) else None


def _chunks(body: Any, deadline: float) -> Iterator[bytes]:
    """The body's bytes as soon as they arrive (``StreamingBody.read(n)`` and ``iter_lines`` wait for ``n`` bytes).

    urllib3's ``read1`` returns what one socket read brings (chunked framing handled below it); bodies without
    it (tests' in-memory ones) are read a byte at a time. No read waits past ``deadline``.
    """
    read1 = getattr(getattr(body, "_raw_stream", None), "read1", None)
    read = read1 if callable(read1) else None
    sock = _socket_of(body)
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AgentError("agent_timeout", detail="agent answer exceeded the time budget")
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.settimeout(remaining)
            chunk = read(_CHUNK_BYTES) if read is not None else body.read(1)
            if not chunk:
                return
            yield chunk
    except AgentError:
        raise
    except Exception as exc:
        raise translate_boto_error(exc) from exc


def _shut_down(body: Any) -> None:
    """Wake a thread blocked reading ``body``: shut its socket down (the reader then closes the body)."""
    sock = _socket_of(body)
    if sock is None:
        with contextlib.suppress(Exception):
            body.close()
        return
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
