"""In-process transport: the agent runs inside this Python process (the embedded default).

``agent`` is imported on first use, so the Lambda and the import-time budget never pay for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from proxy.client.errors import AgentError
from proxy.client.stream import AgentStream, Interrupt, StreamEvent
from proxy.client.wire import AgentReply, build_payload, checked_stream, reply_from_stream


class LocalAgentClient:
    """Calls ``agent.runtime.service.ChatService`` directly.

    Args:
        service: A ready ``ChatService`` (tests); built from the environment on first use otherwise.
        timeout: Seconds an answer may take in total (``None``: only the service's own turn budget).
    """

    target = "local"
    label = "プロセス内のエージェント"

    def __init__(self, service: Any = None, *, timeout: float | None = None) -> None:
        self._service = service
        self._timeout = timeout
        self._lock = threading.Lock()

    def service(self) -> Any:
        """The chat service, created once; a configuration error becomes ``agent_unavailable``."""
        if self._service is None:
            with self._lock:
                if self._service is None:
                    try:
                        from agent.runtime.service import ChatService

                        self._service = ChatService.from_env()
                    except Exception as exc:
                        raise AgentError("agent_unavailable", detail=f"agent start-up failed: {exc}") from exc
        return self._service

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        """The whole answer (the service's own ``invoke`` is the same fold of its stream)."""
        with self.stream(session_id, message, turn) as events:
            return reply_from_stream(events, session_id)

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        """The turn's events; closing the stream cancels the turn (the service restores the session's history)."""
        interrupt = Interrupt()
        return AgentStream(self._events(session_id, message, turn, interrupt), interrupt)

    def _events(self, session_id: str, message: str, turn: int, interrupt: Interrupt) -> Iterator[StreamEvent]:
        payload = build_payload(session_id, message, turn, stream=True)
        try:
            opened = self.service().open_stream(session_id, payload)
        except AgentError:
            raise
        except Exception as exc:  # the service promises not to raise; a bug must still not leak
            raise AgentError("agent_unavailable", detail=f"{type(exc).__name__} in agent") from exc
        interrupt.on_request(opened.cancel)
        expired = threading.Event()
        timer = None
        if self._timeout is not None:

            def expire() -> None:
                expired.set()
                opened.cancel()  # the turn unwinds; its events end without ``done``

            timer = threading.Timer(self._timeout, expire)
            timer.daemon = True
            timer.start()
        try:
            yield from checked_stream(opened, session_id)
        except AgentError:
            if expired.is_set():
                raise AgentError("agent_timeout", detail="agent answer exceeded the time budget") from None
            raise
        except Exception as exc:
            raise AgentError("agent_unavailable", detail=f"{type(exc).__name__} in agent") from exc
        finally:
            if timer is not None:
                timer.cancel()
