"""The agent client: one interface, three transports (in process, HTTP agent server, AgentCore ARN).

Used by the Chat Lambda, the local API server and the Streamlit app. Every failure surfaces as
``AgentError`` carrying a Contract 2 code; streams never yield error events.
"""

from __future__ import annotations

import os
from typing import Protocol

from proxy.client.errors import STATUS_BY_CODE, AgentError
from proxy.client.session import is_valid_session_id, new_session_id
from proxy.client.stream import AgentStream
from proxy.client.wire import AgentReply

__all__ = [
    "STATUS_BY_CODE",
    "AgentClient",
    "AgentError",
    "AgentReply",
    "AgentStream",
    "client_from_target",
    "is_valid_session_id",
    "new_session_id",
]


class AgentClient(Protocol):
    """What every transport offers.

    Attributes:
        target: ``local``, ``http`` or ``arn``.
        label: A human-readable (Japanese) description of the target for UIs; never secrets.
    """

    target: str
    label: str

    def invoke(self, session_id: str, message: str, turn: int = 0) -> AgentReply:
        """One whole answer; raise ``AgentError`` on any failure."""
        ...

    def stream(self, session_id: str, message: str, turn: int = 0) -> AgentStream:
        """Contract 1 stream events: ``text`` deltas, then one ``done``; raise ``AgentError`` on failure.

        Nothing happens until the first ``next()``. Each event arrives as soon as the agent wrote it, and the
        whole stream keeps the client's time budget. ``close()`` (from any thread, also while another thread
        waits for the next event) ends the turn: the agent cancels it and keeps nothing of it.
        """
        ...


def client_from_target(
    target: str | None = None,
    *,
    timeout: float = 25.0,
    boto_client: object = None,
    max_attempts: int = 1,
) -> AgentClient:
    """The client for ``target`` (``None``: ``CONFEE_AGENT``, default ``local``).

    Args:
        target: ``local``, ``http(s)://host:port`` or ``arn:aws:bedrock-agentcore:<region>:…:runtime/<id>``.
        timeout: Seconds an answer may take in total (every transport, ``invoke`` and ``stream``).
        boto_client: A ready ``bedrock-agentcore`` client for the ARN transport (tests).
        max_attempts: botocore attempts for the ARN transport (1: no retries).

    Raises:
        ValueError: ``target`` is none of the above (a configuration error, reported at start-up).
    """
    value = (target if target is not None else os.environ.get("CONFEE_AGENT", "")).strip() or "local"
    if value == "local":
        from proxy.client.local_transport import LocalAgentClient

        return LocalAgentClient(timeout=timeout)
    if value.startswith(("http://", "https://")):
        from proxy.client.http_transport import HttpAgentClient

        return HttpAgentClient(value, timeout=timeout)
    if value.startswith("arn:"):
        from proxy.client.arn_transport import ArnAgentClient

        return ArnAgentClient(value, timeout=timeout, boto_client=boto_client, max_attempts=max_attempts)
    raise ValueError(f"CONFEE_AGENT must be 'local', an http(s):// URL or an AgentCore runtime ARN, got {value!r}")
