"""In-process transport: the agent runs inside this Python process (the embedded default).

``agent`` is imported on first use, so the Lambda and the import-time budget never pay for it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from proxy.client.errors import AgentError
from proxy.client.wire import AgentReply, build_payload, checked_stream, reply_from_body


class LocalAgentClient:
    """Calls ``agent.runtime.service.ChatService`` directly.

    Args:
        service: A ready ``ChatService`` (tests); built from the environment on first use otherwise.
    """

    target = "local"
    label = "プロセス内のエージェント"

    def __init__(self, service: Any = None) -> None:
        self._service = service
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
        payload = build_payload(session_id, message, turn, stream=False)
        try:
            body = self.service().invoke(session_id, payload)
        except AgentError:
            raise
        except Exception as exc:  # the service promises not to raise; a bug must still not leak
            raise AgentError("agent_unavailable", detail=f"{type(exc).__name__} in agent") from exc
        return reply_from_body(body, session_id)

    def stream(self, session_id: str, message: str, turn: int = 0) -> Iterator[dict[str, Any]]:
        payload = build_payload(session_id, message, turn, stream=True)
        try:
            yield from checked_stream(self.service().stream(session_id, payload), session_id)
        except AgentError:
            raise
        except Exception as exc:
            raise AgentError("agent_unavailable", detail=f"{type(exc).__name__} in agent") from exc
