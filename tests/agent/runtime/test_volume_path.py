"""Questions at connpass's real size: the agent on the event mirror and on live connpass.

The connpass stand-in (``tests/fixtures/volume.py``: 1,600 events a month, 1 req/s enforced) is a real
HTTP server on 127.0.0.1; the client, the sync, the mirror, the tool and the offline model are the
production code. "Today" is 24 December, 10:00: three quarters of this month's events are over, which is
what made broad questions link no event at all when a search read the month from its first day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.clock import JST, fixed_clock
from agent.config import Settings
from agent.events import is_recommendable, parse_time
from agent.mirror.source import MirrorSource
from agent.mirror.store import DirectoryStore
from agent.mirror.sync import sync
from agent.models.offline import OfflineModel
from agent.runtime.service import ChatService
from agent.search.rules import rank
from agent.sources.apikey import StaticKey
from agent.sources.connpass import ConnpassClient
from agent.sources.ratelimit import RateLimiterRegistry
from tests.fixtures.fake_connpass import FakeConnpass, VirtualTime
from tests.fixtures.volume import VOLUME_TODAY, volume_connpass

NOW = dt.datetime.combine(VOLUME_TODAY, dt.time(10, 0), tzinfo=JST)
WINDOW_END = dt.date(2027, 5, 31)
SESSION = "volume-path-" + "v" * 30
BROAD = ["面白そうなイベント教えて", "人気のイベントは？", "東京のイベントある？", "オンラインの勉強会"]


class World:
    """The stand-in, a paced client on virtual time, and a mirror synced from the stand-in at ``NOW``."""

    def __init__(self, events: list[dict[str, Any]], directory: Path) -> None:
        self.events = events
        self.vt = VirtualTime()
        self.fake: FakeConnpass = volume_connpass(events, clock=self.vt.monotonic).start()
        registry = RateLimiterRegistry(monotonic=self.vt.monotonic, sleep=self.vt.sleep)
        self.client = ConnpassClient(self.fake.base_url, api_key_provider=StaticKey("test-key"), limiters=registry)
        self.store = DirectoryStore(directory)
        sync(self.client, self.store, clock=fixed_clock(NOW), sleep=self.vt.sleep, monotonic=self.vt.monotonic)

    def service(self, source: Any) -> ChatService:
        return ChatService(Settings(), source, OfflineModel(fixed_clock(NOW), chunk_delay=0), clock=fixed_clock(NOW))

    def mirror(self) -> MirrorSource:
        return MirrorSource(self.store, live=self.client, clock=fixed_clock(NOW))

    def in_window(self) -> list[dict[str, Any]]:
        return [e for e in self.events if VOLUME_TODAY <= _start(e).astimezone(JST).date() <= WINDOW_END]

    def close(self) -> None:
        self.client.close()
        self.fake.close()


def _start(event: dict[str, Any]) -> dt.datetime:
    start = parse_time(event.get("started_at"))
    assert start is not None
    return start


@pytest.fixture(scope="module")
def world(volume_data: list[dict[str, Any]], tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    world = World(volume_data, tmp_path_factory.mktemp("mirror"))
    yield world
    world.close()


def _ask(service: ChatService, question: str) -> dict[str, Any]:
    body = service.invoke(SESSION + str(abs(hash(question)) % 1000), {"prompt": question})
    assert "error" not in body, body
    return body


@pytest.mark.parametrize("question", BROAD)
def test_broad_questions_on_the_mirror_recommend_upcoming_events_without_asking_connpass(
    world: World, question: str
) -> None:
    service = world.service(world.mirror())
    before = len(world.fake.requests)
    try:
        body = _ask(service, question)
    finally:
        service.close()
    assert len(world.fake.requests) == before, "a question on the mirror costs connpass nothing"
    assert body["meta"]["source"] == "mirror"
    assert len(body["events"]) >= 3, body["response"]
    for event in body["events"]:
        assert dt.datetime.fromisoformat(event["started_at"]) > NOW, event
        assert event["status"] != "closed"
    assert "今日から2027年5月末まで" in body["response"]


def test_popular_on_the_mirror_is_the_true_top_of_every_upcoming_event(world: World) -> None:
    service = world.service(world.mirror())
    try:
        body = _ask(service, "人気のイベントは？")
    finally:
        service.close()
    upcoming = [e for e in world.in_window() if is_recommendable(e, NOW)]
    top = [e["id"] for e in rank(upcoming, "popular")[: len(body["events"])]]
    assert [e["id"] for e in body["events"]] == top
    first_300_by_date = {e["id"] for e in rank(upcoming, "date")[:300]}
    assert not set(top) <= first_300_by_date, "the test would not tell a 300-event reader from the mirror"


@pytest.mark.parametrize("question", BROAD)
def test_broad_questions_on_live_connpass_recommend_upcoming_events_and_say_what_was_read(
    world: World, question: str
) -> None:
    service = world.service(world.client)
    try:
        body = _ask(service, question)
    finally:
        service.close()
    assert body["meta"]["source"] == "connpass"
    assert len(body["events"]) >= 3, body["response"]
    for event in body["events"]:
        assert dt.datetime.fromisoformat(event["started_at"]) > NOW, event
    assert "今日から2027年5月末まで" in body["response"]


def test_live_total_is_what_connpass_reports_and_partial_reads_are_said(world: World) -> None:
    service = world.service(world.client)
    before = len(world.fake.requests)
    try:
        body = _ask(service, "面白そうなイベント教えて")
    finally:
        service.close()
    requests = world.fake.requests[before:]
    assert len(requests) == 3 and {r.status for r in requests} == {200}, "three pages, paced below the limit"
    assert (
        f"connpass では {len(world.in_window())} 件が該当し、そのうち開催日の近い 300 件から選びました"
        in body["response"]
    )


def test_popular_on_live_connpass_is_honest_about_its_limit(world: World) -> None:
    service = world.service(world.client)
    try:
        body = _ask(service, "人気のイベントは？")
    finally:
        service.close()
    assert "人気順はその中での順位です" in body["response"]
