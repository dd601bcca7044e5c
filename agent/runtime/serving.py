"""Connection timeouts for the two uvicorn servers: the agent server and the local Chat API (``proxy.local``).

uvicorn (h11, as pinned) closes a keep-alive connection that stays idle after a response (``timeout_keep_alive``)
but has no deadline for *receiving* a request: a connection that sends nothing, half a request line or header
block, or a body shorter than its ``Content-Length`` stays open for good, each holding a socket and (for a
half-sent body) a handler waiting in ``receive()``. ``RequestTimeoutProtocol`` adds that deadline: a whole
request must arrive within ``REQUEST_TIMEOUT_SECONDS`` of the connection opening or of its first byte after an
idle keep-alive, else the connection is closed (no response can be sent before the request is complete).

A request h11 cannot parse is answered 400 ``invalid_request`` in JSON like every other answer (uvicorn would
say ``text/plain``).

Only *receiving* is timed. Once a request is complete nothing here runs while the answer is written, so a
streamed answer (SSE, up to the turn's budget and beyond with keep-alive comments) is never cut.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from agent.errors import InvalidRequest

logger = logging.getLogger(__name__)

#: Seconds a connection may take to deliver one whole request (line, headers and body). Requests are small
#: (a Contract 1 body is at most 64 KiB, a Chat API body 32 KiB) and their senders (AgentCore, the Lambda Web
#: Adapter, browsers, curl) write them at once, so 10 s is generous even on a slow mobile uplink, while a
#: stalled or trickling client (a slowloris) holds a socket for at most that long.
REQUEST_TIMEOUT_SECONDS = 10.0
#: Seconds an idle keep-alive connection stays open after a response: uvicorn's own default, stated here so both
#: servers say it in one place. Clients that come back later open a new connection.
KEEP_ALIVE_SECONDS = 5.0

#: Peer states in which a request is still arriving (h11's view of the client).
_RECEIVING = (h11.IDLE, h11.SEND_BODY)


class RequestTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline for receiving each request (see the module docstring).

    The deadline starts when the connection opens, or when the first byte of a request arrives on a kept-alive
    connection (until then uvicorn's keep-alive timer governs), and is not extended by further bytes: a client
    trickling one byte a second cannot keep a connection forever. It ends when h11 has the whole request.
    """

    request_timeout: float = REQUEST_TIMEOUT_SECONDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._request_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_request()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_request()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_request()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_request_timer()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        """A request HTTP cannot parse is answered in the error shape of every other answer (Contract 2 JSON,
        ``invalid_request``), not uvicorn's ``text/plain`` "Invalid HTTP request received."; then the connection
        closes, as uvicorn does."""
        logger.info("reason=<%s> | refused a request that is not valid HTTP", msg)
        error = InvalidRequest()
        body = json.dumps({"error": {"code": error.code, "message": error.message}}, ensure_ascii=False).encode()
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode("ascii")),
            (b"cache-control", b"no-store"),
            (b"connection", b"close"),
        ]
        response = h11.Response(status_code=400, headers=headers, reason=b"Bad Request")
        for event in (response, h11.Data(data=body), h11.EndOfMessage()):
            self.transport.write(self.conn.send(event) or b"")
        self.transport.close()

    def _watch_request(self) -> None:
        """Start the deadline while a request is arriving (and no keep-alive timer runs); stop it once it is in."""
        if self.transport.is_closing() or self.conn.their_state not in _RECEIVING:
            self._stop_request_timer()
        elif self._request_timer is None and self.timeout_keep_alive_task is None:
            self._request_timer = self.loop.call_later(self.request_timeout, self._request_timed_out)

    def _stop_request_timer(self) -> None:
        if self._request_timer is not None:
            self._request_timer.cancel()
            self._request_timer = None

    def _request_timed_out(self) -> None:
        self._request_timer = None
        if self.transport.is_closing():
            return
        state = "body" if self.conn.their_state is h11.SEND_BODY else "request line and headers"
        logger.info(
            "timeout=<%s>, waiting_for=<%s> | closed a connection: request incomplete", self.request_timeout, state
        )
        # A handler waiting for the body sees the client disconnect (``http.disconnect``) and answers nobody.
        self.transport.close()


def with_request_timeout(seconds: float) -> type[RequestTimeoutProtocol]:
    """``RequestTimeoutProtocol`` with another deadline (tests use about a second)."""
    if not seconds > 0:
        raise ValueError(f"request timeout must be positive, got {seconds}")
    if seconds == RequestTimeoutProtocol.request_timeout:
        return RequestTimeoutProtocol
    return type("RequestTimeoutProtocol", (RequestTimeoutProtocol,), {"request_timeout": float(seconds)})


def uvicorn_timeouts(
    *, request_timeout: float = REQUEST_TIMEOUT_SECONDS, keep_alive: float = KEEP_ALIVE_SECONDS
) -> dict[str, Any]:
    """Settings for ``uvicorn.Config`` / ``uvicorn.run`` (``BedrockAgentCoreApp.run``) that close stalled and idle
    connections: ``http`` (the protocol above) and ``timeout_keep_alive``."""
    if not keep_alive > 0:
        raise ValueError(f"keep-alive timeout must be positive, got {keep_alive}")
    return {"http": with_request_timeout(request_timeout), "timeout_keep_alive": keep_alive}
