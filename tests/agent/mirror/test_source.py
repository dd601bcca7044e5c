"""MirrorSource: loads the newest snapshot, refreshes in the background, falls back to live connpass."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from agent.clock import JST
from agent.config import Settings
from agent.errors import SourceError
from agent.mirror import snapshot
from agent.mirror.source import MirrorSource
from agent.mirror.store import DirectoryStore
from agent.search.tool import run_search
from agent.sources.base import SearchQuery, SearchResult
from agent.sources.catalogue import LocalCatalogue
from agent.sources.factory import build_source
from tests.agent.search.events import event
from tests.fixtures.local_s3 import LocalS3

SYNCED = dt.datetime(2026, 12, 2, 9, 0, tzinfo=JST)


class Live:
    """Stands in for ConnpassClient at the EventSource boundary and counts the searches it gets."""

    name = "connpass"

    def __init__(self) -> None:
        self.queries: list[SearchQuery] = []

    def search(self, query: SearchQuery) -> SearchResult:
        self.queries.append(query)
        return SearchResult(1, 1, 1, [event(99, "2026-12-20T10:00:00+09:00", title="live")])


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _publish(store: DirectoryStore, ids: list[int], synced_at: dt.datetime = SYNCED) -> snapshot.Manifest:
    pairs = [snapshot.slim_event(event(i, "2026-12-10T10:00:00+09:00", title=f"mirror {i}")) for i in ids]
    return snapshot.publish(
        store, [p[0] for p in pairs], [p[1] for p in pairs], synced_at=synced_at,
        window={"from": "2026-12-02", "to": "2027-05-31", "queries": []}, counts={"available": len(ids), "requests": 1},
        source="test",
    )  # fmt: skip


def _mirror(store: DirectoryStore, clock: Clock, live: Any = None, **kwargs: Any) -> MirrorSource:
    return MirrorSource(store, live=live, clock=clock, monotonic=lambda: clock.now.timestamp(), **kwargs)


def test_loads_at_start_and_answers_from_memory(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    _publish(store, [1, 2, 3])
    live = Live()
    mirror = _mirror(store, Clock(SYNCED + dt.timedelta(minutes=5)), live)
    answering = mirror.resolve(past=False)
    assert isinstance(answering, LocalCatalogue) and answering.name == "mirror" and len(answering) == 3
    result = run_search(mirror, SYNCED + dt.timedelta(minutes=5), keywords=["mirror"])
    assert (result["source"], result["total"], result["as_of"]) == ("mirror", 3, "2026-12-02T09:00:00+09:00")
    assert mirror.name == "mirror" and live.queries == []


def test_a_newer_snapshot_is_swapped_in_by_a_background_refresh(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    _publish(store, [1])
    clock = Clock(SYNCED)
    mirror = _mirror(store, clock, refresh_after=900)
    _publish(store, [1, 2], synced_at=SYNCED + dt.timedelta(minutes=30))
    clock.now = SYNCED + dt.timedelta(minutes=10)
    mirror.resolve(past=False)
    mirror.wait_for_refresh()
    assert len(mirror.resolve(past=False)) == 1  # type: ignore[arg-type]  # younger than refresh_after: no look
    clock.now = SYNCED + dt.timedelta(minutes=31)
    mirror.resolve(past=False)  # starts the refresh, answers from the old snapshot meanwhile
    mirror.wait_for_refresh()
    assert len(mirror.resolve(past=False)) == 2  # type: ignore[arg-type]
    assert mirror.status()["synced_at"] == "2026-12-02T09:30:00+09:00"


def test_missing_snapshot_goes_live_and_says_so(tmp_path: Path) -> None:
    live = Live()
    mirror = _mirror(DirectoryStore(tmp_path / "empty"), Clock(SYNCED), live)
    assert mirror.name == "connpass"
    result = run_search(mirror, SYNCED, keywords=["x"], months=["202612"])
    assert result["source"] == "connpass" and len(live.queries) == 1


def test_too_old_snapshot_goes_live_but_is_used_when_nothing_else_can_answer(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    _publish(store, [1])
    clock = Clock(SYNCED + dt.timedelta(hours=7))
    assert _mirror(store, clock, Live(), max_age=6 * 3600).name == "connpass"
    without_key = _mirror(store, clock, None, max_age=6 * 3600)
    assert without_key.name == "mirror" and isinstance(without_key.resolve(past=False), LocalCatalogue)


def test_past_questions_go_live(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    _publish(store, [1])
    live = Live()
    mirror = _mirror(store, Clock(SYNCED), live)
    assert mirror.resolve(past=True) is live
    assert isinstance(_mirror(store, Clock(SYNCED), None).resolve(past=True), LocalCatalogue)


def test_nothing_to_answer_with_is_a_source_error(tmp_path: Path) -> None:
    mirror = _mirror(DirectoryStore(tmp_path), Clock(SYNCED), None)
    with pytest.raises(SourceError) as raised:
        mirror.resolve(past=False)
    assert raised.value.kind == "upstream"


def test_a_corrupt_snapshot_keeps_the_loaded_one(tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    _publish(store, [1, 2])
    clock = Clock(SYNCED)
    mirror = _mirror(store, clock)
    manifest = _publish(store, [1, 2, 3], synced_at=SYNCED + dt.timedelta(hours=1))
    store.put(manifest.snapshot, b"not gzip", content_type="application/gzip")
    assert mirror.refresh() is False
    assert len(mirror.resolve(past=False)) == 2  # type: ignore[arg-type]


def test_the_factory_loads_a_snapshot_from_s3(local_s3: LocalS3, tmp_path: Path) -> None:
    """Real boto3 against a local S3 (moto server): the path the AgentCore runtime takes."""
    bucket = local_s3.bucket("confee-source-test")
    from agent.mirror.store import open_store

    _publish(open_store(f"s3://{bucket}/mirror"), [1, 2, 3, 4])  # type: ignore[arg-type]
    settings = Settings.from_env({"CONFEE_EVENTS": "mirror", "CONFEE_MIRROR_URI": f"s3://{bucket}/mirror"})
    source = build_source(settings)
    assert isinstance(source, MirrorSource)
    assert source.status()["events"] == 4
