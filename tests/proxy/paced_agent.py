"""A real agent (``ChatService`` on a scripted Strands model) that writes its answer slowly, for streaming tests.

The model answers ``turn N: <question>`` (N counts the user messages the agent holds, so an aborted turn left in
the history would show), padded for questions that ask for a long answer, one short delta every ``pace``
seconds. It notes when it started and finished each answer, and whether an answer was cut off. Questions
containing ``PAUSE`` stop for ``pause`` seconds after the first delta; ``FAIL`` fails after the first delta.

Serve it like the AgentCore container does (``agent.runtime.server.create_app`` on a real uvicorn), or use the
service in process.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import threading
import time
from collections.abc import AsyncGenerator, Iterator
from typing import Any

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.runtime.server import create_app
from agent.runtime.service import ChatService
from agent.sources.base import SearchQuery, SearchResult
from proxy.client import AgentClient, client_from_target
from proxy.client.arn_transport import ArnAgentClient
from proxy.client.local_transport import LocalAgentClient
from tests.fixtures.fake_agentcore import ARN, FakeAgentCore
from tests.fixtures.scripted_model import ScriptedModel, text_events
from tests.fixtures.uvicorn_server import serve_asgi

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
TRANSPORTS = ("local", "http", "arn")
PAUSE_SECONDS = 2.0
LONG = "長い回答"
PAUSE = "PAUSE"
FAIL = "FAIL"


class NoEvents:
    """An event source with nothing in it (the scripted model never searches)."""

    name = "sample"

    def search(self, query: SearchQuery) -> SearchResult:
        return SearchResult(results_returned=0, results_available=0, results_start=1, events=[])


class PacedModel(ScriptedModel):
    """Streams ``turn N: <question>`` in 4-character deltas, ``pace`` seconds apart.

    Attributes:
        started: ``time.monotonic()`` when each answer began.
        finished: ``time.monotonic()`` when each answer's last delta was written.
        cancelled: How many answers were cut off.
    """

    def __init__(self, pace: float = 0.05, pause: float = 0.0) -> None:
        super().__init__()
        self.pace = pace
        self.pause = pause
        self.started: list[float] = []
        self.finished: list[float] = []
        self.cancelled = 0
        self._lock = threading.Lock()

    async def stream(self, messages: Any, *args: Any, **kwargs: Any) -> AsyncGenerator[Any, None]:
        self.calls += 1
        self.started.append(time.monotonic())
        answer = self.reply(list(messages))
        assert isinstance(answer, str)
        question = answer.split(": ", 1)[-1]
        if LONG in question:
            answer += " " + "ゆっくり書いています。" * 8
        try:
            for index, event in enumerate(text_events(answer, chunk=4)):
                yield event
                if "contentBlockDelta" in event:
                    if index == 2 and FAIL in question:
                        raise RuntimeError("scripted failure mid-answer")
                    await asyncio.sleep(self.pause if index == 2 and PAUSE in question else self.pace)
            self.finished.append(time.monotonic())
        except (asyncio.CancelledError, GeneratorExit):
            with self._lock:
                self.cancelled += 1
            raise


def paced_service(model: PacedModel) -> ChatService:
    """A chat service on ``model`` (offline, no event source, a fixed date)."""
    settings = Settings(session_ttl_seconds=900.0, max_sessions=50)
    return ChatService(settings, NoEvents(), model, clock=fixed_clock(NOW))


@contextlib.contextmanager
def paced_agent_server(model: PacedModel) -> Iterator[tuple[str, ChatService]]:
    """The AgentCore app on ``model``, on a real uvicorn on 127.0.0.1: yields its URL and the service behind it."""
    service = paced_service(model)
    try:
        with serve_asgi(create_app(service)) as url:
            yield url, service
    finally:
        service.close()


def history(service: ChatService, session_id: str) -> list[Any]:
    """The messages the agent holds for ``session_id`` (``[]`` when it has no such session)."""
    session = service.sessions._sessions.get(session_id)
    return list(session.agent.messages) if session is not None else []


def wait_until_idle(service: ChatService, session_id: str, timeout: float = 5.0) -> bool:
    """Wait until no request holds ``session_id`` (a cancelled turn has unwound); whether it became idle."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session = service.sessions._sessions.get(session_id)
        if session is not None and session.active == 0 and not session.lock.locked():
            return True
        time.sleep(0.02)
    return False


class PacedAgent:
    """The paced agent, reachable through each transport: in process, over HTTP, and through the fake AgentCore."""

    def __init__(self, model: PacedModel, service: ChatService, url: str, fake: FakeAgentCore) -> None:
        self.model, self.service, self.url, self.fake = model, service, url, fake

    def client(self, transport: str, timeout: float = 10.0) -> AgentClient:
        """A client of ``transport`` (``local``, ``http`` or ``arn``) with the total budget ``timeout``."""
        if transport == "local":
            return LocalAgentClient(self.service, timeout=timeout)
        if transport == "http":
            return client_from_target(self.url, timeout=timeout)
        return ArnAgentClient(ARN, timeout=timeout, boto_client=self.fake.boto_client(read_timeout=timeout))

    def wait_for_cancellation(self, before: int, timeout: float = PAUSE_SECONDS + 3) -> bool:
        """Wait until the model saw one more cancelled answer than ``before``.

        The fake AgentCore only notices that its client left when it next writes (after a pause): allow for it.
        """
        deadline = time.monotonic() + timeout
        while self.model.cancelled == before and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.model.cancelled == before + 1


@contextlib.contextmanager
def running_paced_agent() -> Iterator[PacedAgent]:
    """A paced agent (0.05 s per delta, ``PAUSE_SECONDS`` pauses) on uvicorn, with a fake AgentCore in front."""
    model = PacedModel(pace=0.05, pause=PAUSE_SECONDS)
    with paced_agent_server(model) as (url, service), FakeAgentCore(url) as fake:
        yield PacedAgent(model, service, url, fake)
