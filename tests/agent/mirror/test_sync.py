"""The mirror sync end to end against a connpass stand-in at real volume (≥ 1,500 events a month).

The stand-in is a real HTTP server on 127.0.0.1 (``tests/fixtures/volume.py``) enforcing 1 request/second
per key with 429 + Retry-After; the client is the real ``ConnpassClient``. Both run in virtual time
(``VirtualTime``), so pacing is checked exactly without the minutes a real sync takes.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from agent.clock import JST, fixed_clock
from agent.events import parse_time
from agent.mirror import snapshot
from agent.mirror.store import DirectoryStore, open_store
from agent.mirror.sync import CHECKPOINT, SyncFailed, sync
from agent.sources.apikey import StaticKey
from agent.sources.connpass import ConnpassClient
from agent.sources.ratelimit import RateLimiterRegistry
from tests.fixtures.fake_connpass import FakeConnpass, FakeResponse, RecordedRequest, VirtualTime
from tests.fixtures.local_s3 import LocalS3
from tests.fixtures.volume import VOLUME_TODAY, volume_connpass, volume_events

NOW = dt.datetime.combine(VOLUME_TODAY, dt.time(10, 0), tzinfo=JST)
WINDOW_END = dt.date(2027, 5, 31)


class Rig:
    """The stand-in, a paced client and a virtual clock, wired together."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        self.vt = VirtualTime()
        self.fake: FakeConnpass = volume_connpass(events, clock=self.vt.monotonic)
        self.fake.start()
        registry = RateLimiterRegistry(monotonic=self.vt.monotonic, sleep=self.vt.sleep)
        self.client = ConnpassClient(self.fake.base_url, api_key_provider=StaticKey("test-key"), limiters=registry)

    def run(self, store: Any, **kwargs: Any) -> Any:
        return sync(
            self.client, store, clock=fixed_clock(NOW), sleep=self.vt.sleep, monotonic=self.vt.monotonic, **kwargs
        )

    def fail_after(self, requests: int, status: int = 500) -> None:
        """From the ``requests``-th request on, answer ``status`` (connpass having a bad minute)."""
        inner = self.fake.responder
        assert inner is not None
        seen = {"n": 0}

        def respond(request: RecordedRequest) -> FakeResponse:
            seen["n"] += 1
            return FakeResponse(status, {"error": "boom"}) if seen["n"] > requests else inner(request)

        self.fake.responder = respond

    def close(self) -> None:
        self.client.close()
        self.fake.close()


@pytest.fixture
def rig(volume_data: list[dict[str, Any]]) -> Iterator[Rig]:
    rig = Rig(volume_data)
    try:
        yield rig
    finally:
        rig.close()


#: A lighter catalogue (150 events a month) for what does not depend on volume: deadlines, pruning, S3.
SMALL = volume_events(VOLUME_TODAY, per_month=150, past_months=0)


@pytest.fixture
def small_rig() -> Iterator[Rig]:
    rig = Rig(SMALL)
    try:
        yield rig
    finally:
        rig.close()


def _expected_ids(events: list[dict[str, Any]]) -> set[int]:
    """Every event whose local start day is in the window (today through the end of May)."""
    out = set()
    for event in events:
        start = parse_time(event["started_at"])
        assert start is not None
        if VOLUME_TODAY <= start.astimezone(JST).date() <= WINDOW_END:
            out.add(event["id"])
    return out


def _snapshot_ids(store: Any) -> set[int]:
    manifest = snapshot.read_manifest(store)
    assert manifest is not None
    return {e["id"] for e in snapshot.load(store, manifest).events}


def test_sync_reads_the_whole_window_at_one_request_per_second(
    rig: Rig, tmp_path: Path, volume_data: list[Any]
) -> None:
    store = DirectoryStore(tmp_path / "mirror")
    report = rig.run(store)

    expected = _expected_ids(volume_data)
    assert len(expected) > 8000
    assert _snapshot_ids(store) == expected
    statuses = [r.status for r in rig.fake.requests]
    assert set(statuses) == {200}, "paced below the stand-in's limit: no 429"
    assert rig.fake.min_gap() >= 1.0
    this_month = sum(1 for e in volume_data if e["id"] in expected and e["started_at"].startswith("2026-12"))
    pages = -(-this_month // 100) + -(-(len(expected) - this_month) // 100)  # 100 a page, per query
    assert report.requests == len(statuses) == pages
    assert report.available == len(expected) and report.events == len(expected)
    manifest = snapshot.read_manifest(store)
    assert manifest is not None
    assert manifest.window["from"] == "2026-12-24" and manifest.window["to"] == "2027-05-31"
    assert manifest.counts == {"available": len(expected), "requests": report.requests, "events": len(expected)}
    assert store.get(CHECKPOINT) is None
    # Virtual duration ≈ requests × the limiter's 1.05 s: what the real sync costs in wall time.
    assert rig.vt.monotonic() - 1000.0 == pytest.approx(1.05 * (report.requests - 1), abs=0.5)
    # The snapshot is slim: what recommendations need, no HTML, no organiser data, compressed.
    raw = store.get(manifest.snapshot)
    assert raw is not None
    head, _, texts = gzip.decompress(raw).partition(b"\n")
    event = json.loads(head)["events"][0]
    assert {"id", "title", "url", "started_at", "ended_at", "accepted", "limit", "open_status", "address"} <= set(event)
    assert "description" not in event and not any(k.startswith("owner") for k in event)
    assert b"<p>" not in texts and b"<li>" not in texts, "search text is plain text"
    assert manifest.sizes["compressed"] * 3 < manifest.sizes["raw"]


def test_a_failure_mid_window_keeps_the_previous_snapshot_and_the_next_run_resumes(
    rig: Rig, tmp_path: Path, volume_data: list[Any]
) -> None:
    store = DirectoryStore(tmp_path)
    first = rig.run(store)
    before = snapshot.read_manifest(store)

    rig.fail_after(30)
    with pytest.raises(SyncFailed) as failed:
        rig.run(store)
    assert "upstream" in str(failed.value)
    assert snapshot.read_manifest(store) == before, "a half-read window is never published"
    assert store.get(CHECKPOINT) is not None
    done = failed.value.report.requests

    rig.fake.responder = volume_connpass(volume_data).responder  # connpass is back
    served_before = len(rig.fake.requests)
    resumed = rig.run(store)
    assert resumed.resumed_pages == 30
    assert len(rig.fake.requests) - served_before == first.requests - 30 == resumed.requests
    assert _snapshot_ids(store) == _expected_ids(volume_data)
    assert store.get(CHECKPOINT) is None
    assert done >= 30


def test_a_too_long_run_stops_at_its_deadline_and_resumes(small_rig: Rig, tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    with pytest.raises(SyncFailed, match="deadline"):
        small_rig.run(store, deadline=small_rig.vt.monotonic() + 3)
    assert snapshot.read_manifest(store) is None and store.get(CHECKPOINT) is not None
    resumed = small_rig.run(store)
    assert resumed.resumed_pages >= 3
    assert _snapshot_ids(store) == _expected_ids(SMALL)


def test_old_snapshots_are_pruned(small_rig: Rig, tmp_path: Path) -> None:
    store = DirectoryStore(tmp_path)
    for name in ("snapshots/20260101T000000Z-a.json.gz", "snapshots/20260102T000000Z-b.json.gz",
                 "snapshots/20260103T000000Z-c.json.gz"):  # fmt: skip
        store.put(name, b"old", content_type="application/gzip")
    report = small_rig.run(store)
    names = store.list("snapshots/")
    assert report.pruned == 1 and len(names) == 3 and report.published in names


def test_sync_to_s3_through_boto3(small_rig: Rig, local_s3: LocalS3) -> None:
    store = open_store(f"s3://{local_s3.bucket('confee-sync-test')}/mirror")
    report = small_rig.run(store)
    keys = {o["Key"] for o in local_s3.client().list_objects_v2(Bucket="confee-sync-test")["Contents"]}
    assert keys == {"mirror/manifest.json", f"mirror/{report.published}"}
    assert _snapshot_ids(store) == _expected_ids(SMALL)
