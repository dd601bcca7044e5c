"""Live conversations in one process: each session owns its own agent, with an idle TTL and a cap.

On AgentCore every session gets its own microVM, so a process holds one session; locally (CLI, Streamlit,
the local API) one process serves many, and they must never see each other's context.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from agent.errors import SessionBusy, SessionExpired, SessionLimitReached

logger = logging.getLogger(__name__)


@dataclass
class Session:
    """One conversation: its agent, a lock that serializes its turns, and bookkeeping."""

    session_id: str
    agent: Any  # strands.Agent; typed loosely so this module stays import-light
    turns: int = 0
    last_used: float = field(default_factory=time.monotonic)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    active: int = 0  # requests holding or waiting for the lock
    #: For each completed turn, the first message it added to the agent's history (identity, not index: the
    #: sliding window drops old messages), to take back turns a client never saw to the end.
    turn_starts: list[Any] = field(default_factory=list)


class SessionStore:
    """Sessions by id, least recently used first.

    Args:
        agent_factory: Builds a fresh agent for a new session.
        ttl_seconds: Idle time after which a session's context is dropped (AgentCore's default is 15 min).
        max_sessions: Cap on live sessions; at the cap the least recently used idle session is evicted.
        max_turns: Exchanges one session may have (a cost cap per conversation); ``None``: no cap.
        monotonic: Time source (injectable for tests).
    """

    def __init__(
        self,
        agent_factory: Callable[[], Any],
        *,
        ttl_seconds: float,
        max_sessions: int,
        max_turns: int | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._factory = agent_factory
        self._max_turns = max_turns
        self._ttl = ttl_seconds
        self._max = max_sessions
        self._now = monotonic
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    def acquire(self, session_id: str, turn: int) -> Session:
        """The session for ``session_id``, created when ``turn == 0``; marks it active.

        Raises:
            SessionExpired: ``turn > 0`` but this process holds no context for the session.
            SessionLimitReached: The session already had ``max_turns`` exchanges.
            SessionBusy: At the cap and every session is in use.
        """
        with self._lock:
            self._drop_expired()
            session = self._sessions.get(session_id)
            if session is None:
                if turn > 0:
                    raise SessionExpired()
                self._make_room()
                session = Session(session_id=session_id, agent=self._factory())
                self._sessions[session_id] = session
                logger.debug("sessions=<%d> | session created", len(self._sessions))
            elif self._max_turns is not None and session.turns >= self._max_turns:
                raise SessionLimitReached(self._max_turns)
            self._sessions.move_to_end(session_id)
            session.active += 1
            session.last_used = self._now()
            return session

    def release(self, session: Session) -> None:
        """Mark the end of one request on ``session`` (its idle clock starts now)."""
        with self._lock:
            session.active -= 1
            session.last_used = self._now()

    def _drop_expired(self) -> None:
        deadline = self._now() - self._ttl
        for sid in [s.session_id for s in self._sessions.values() if not s.active and s.last_used < deadline]:
            del self._sessions[sid]

    def _make_room(self) -> None:
        if len(self._sessions) < self._max:
            return
        for sid, session in self._sessions.items():  # least recently used first
            if not session.active:
                del self._sessions[sid]
                logger.info("sessions=<%d> | evicted least recently used session at the cap", self._max)
                return
        raise SessionBusy()
