"""Session ids: the one place Python generates and checks them (AgentCore wants 33–256 characters)."""

from __future__ import annotations

import re
import uuid

SESSION_ID_MIN, SESSION_ID_MAX = 33, 256

#: Contract 2: 33–256 characters, ``[A-Za-z0-9][A-Za-z0-9_-]*``.
SESSION_ID_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9_-]{{{SESSION_ID_MIN - 1},{SESSION_ID_MAX - 1}}}")


def new_session_id() -> str:
    """A fresh random session id: ``confee-`` and 32 hex digits (39 characters)."""
    return f"confee-{uuid.uuid4().hex}"


def is_valid_session_id(value: object) -> bool:
    """Whether ``value`` satisfies Contract 2's session id rule."""
    return isinstance(value, str) and SESSION_ID_PATTERN.fullmatch(value) is not None
