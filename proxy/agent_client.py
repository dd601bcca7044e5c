"""Public import point of the agent client (``from proxy.agent_client import client_from_target``).

The implementation lives in ``proxy.client``; this module only re-exports its small API.
"""

from __future__ import annotations

from proxy.client import (
    STATUS_BY_CODE,
    AgentClient,
    AgentError,
    AgentReply,
    client_from_target,
    is_valid_session_id,
    new_session_id,
)

__all__ = [
    "STATUS_BY_CODE",
    "AgentClient",
    "AgentError",
    "AgentReply",
    "client_from_target",
    "is_valid_session_id",
    "new_session_id",
]
