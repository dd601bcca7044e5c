"""Runtime fixtures: a service on a scripted model and an in-memory event source."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.runtime.service import ChatService
from agent.sources.base import SearchQuery, SearchResult
from tests.fixtures.scripted_model import ScriptedModel

NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=JST)
SESSION_A = "session-a-" + "a" * 30
SESSION_B = "session-b-" + "b" * 30


class EmptySource:
    name = "sample"

    def search(self, query: SearchQuery) -> SearchResult:
        return SearchResult(results_returned=0, results_available=0, results_start=1, events=[])


def make_service(model: Any = None, **kwargs: Any) -> ChatService:
    settings = Settings(session_ttl_seconds=kwargs.pop("ttl", 900.0), max_sessions=kwargs.pop("max_sessions", 50))
    return ChatService(settings, EmptySource(), model or ScriptedModel(), clock=fixed_clock(NOW), **kwargs)


@pytest.fixture
def service() -> Iterator[ChatService]:
    chat = make_service()
    yield chat
    chat.close()
