"""Read every upcoming connpass event of the next months into a mirror snapshot, at ≤ 1 request/second.

The window is the search tool's default period (``agent.search.period``): today to the end of this
month by day, then whole months. Each of its queries is read page by page (100 events, start-date
order) through the shared ``ConnpassClient``, whose limiter keeps the key under connpass's limit.

Nothing is published unless the whole window was read: on a failure the pages read so far are kept in
a checkpoint and the previous snapshot stays current; the next run (within ``CHECKPOINT_MAX_AGE``, for
the same window) resumes from the checkpoint instead of starting again.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.clock import JST, Clock, system_clock
from agent.errors import SourceError
from agent.events import Event
from agent.mirror import snapshot
from agent.mirror.store import Store
from agent.search.period import DEFAULT_WINDOW_MONTHS, plan_period
from agent.sources.base import EventSource, SearchQuery

logger = logging.getLogger(__name__)

CHECKPOINT = "checkpoint.json.gz"
#: A checkpoint older than this is ignored (events change; a fresh read is better than a stale resume).
CHECKPOINT_MAX_AGE = dt.timedelta(hours=1)
#: Pages between checkpoints (each one rewrites everything read so far).
CHECKPOINT_EVERY = 20
#: Tries per page for failures that pass (timeouts, 429s, 5xx), with a pause between them.
PAGE_ATTEMPTS = 3
PAGE_SIZE = 100
#: Snapshots kept in the store (older ones are deleted after a publish).
KEEP_SNAPSHOTS = 3
_TRANSIENT = frozenset({"timeout", "rate_limited", "upstream", "malformed"})


class SyncFailed(Exception):
    """The window could not be read completely; nothing was published (the checkpoint keeps the pages read).

    Attributes:
        report: What was done before the failure.
    """

    def __init__(self, message: str, report: SyncReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class SyncReport:
    """What a sync did (logged, printed by the CLI, returned by the Lambda)."""

    uri: str
    window: dict[str, Any]
    requests: int = 0
    events: int = 0
    available: int = 0
    resumed_pages: int = 0
    seconds: float = 0.0
    published: str | None = None
    bytes_raw: int = 0
    bytes_compressed: int = 0
    pruned: int = 0
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class _Progress:
    """Where a read stands: which query, which start, what was read. Checkpointed as JSON."""

    window_id: str
    created_at: str
    part: int = 0
    start: int = 1
    pages: int = 0
    requests: int = 0
    available: list[int] | None = None
    events: dict[str, Event] | None = None
    texts: dict[str, str] | None = None

    def to_bytes(self) -> bytes:
        return gzip.compress(json.dumps(self.__dict__, ensure_ascii=False).encode(), mtime=0)


def _window_id(queries: list[SearchQuery]) -> str:
    key = json.dumps([[q.ym, q.ymd] for q in queries])
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _resume(store: Store, window_id: str, now: dt.datetime) -> _Progress | None:
    try:
        data = store.get(CHECKPOINT)
        if data is None:
            return None
        progress = _Progress(**json.loads(gzip.decompress(data)))
    except Exception as exc:
        logger.warning("error=<%s> | ignoring an unreadable checkpoint", type(exc).__name__)
        return None
    created = dt.datetime.fromisoformat(progress.created_at)
    if progress.window_id != window_id or now - created > CHECKPOINT_MAX_AGE:
        return None
    return progress


def sync(
    client: EventSource,
    store: Store,
    *,
    months: int = DEFAULT_WINDOW_MONTHS,
    clock: Clock = system_clock,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    deadline: float | None = None,
    source_label: str = "connpass",
) -> SyncReport:
    """Read the window and publish a snapshot; resume from a recent checkpoint of the same window.

    Args:
        client: connpass (``ConnpassClient``: paced per key) or any ``EventSource``.
        store: Where snapshots, the manifest and the checkpoint live.
        months: Months in the window (this one and the following ``months - 1``).
        clock: Current time (JST); fixes the window and ``synced_at``.
        sleep: Pause between retries of a page.
        monotonic: For ``deadline`` and the duration.
        deadline: ``monotonic()`` value after which the read stops (checkpoint kept) instead of being killed.
        source_label: Recorded in the manifest (the API root; never a key).

    Raises:
        SyncFailed: The window was not read completely; the previous snapshot is still current.
        StoreError: Publishing failed (the previous snapshot is still current).
    """
    started = monotonic()
    now = clock()
    period = plan_period(now, window_months=months)
    queries = [SearchQuery(ym=p.ym, ymd=p.ymd, order=2, count=PAGE_SIZE) for p in period.parts]
    window = {
        "from": period.first.isoformat() if period.first else None,
        "to": period.last.isoformat() if period.last else None,
        "queries": [{"ym": list(q.ym), "ymd": list(q.ymd)} for q in queries],
    }
    report = SyncReport(uri=store.uri, window=window)
    window_id = _window_id(queries)
    progress = _resume(store, window_id, now)
    if progress is not None:
        report.resumed_pages = progress.pages
        logger.info(
            "pages=<%d>, part=<%d>, start=<%d> | resuming from checkpoint",
            progress.pages,
            progress.part,
            progress.start,
        )
    else:
        progress = _Progress(
            window_id=window_id, created_at=now.isoformat(), available=[0] * len(queries), events={}, texts={}
        )
    assert progress.events is not None and progress.texts is not None and progress.available is not None

    def fail(message: str) -> SyncFailed:
        report.error, report.seconds = message, round(monotonic() - started, 3)
        store.put(CHECKPOINT, progress.to_bytes(), content_type="application/gzip")
        return SyncFailed(message, report)

    while progress.part < len(queries):
        query = queries[progress.part]
        if deadline is not None and monotonic() > deadline:
            raise fail(f"deadline reached after {report.requests} requests; the next run resumes")
        for attempt in range(1, PAGE_ATTEMPTS + 1):
            try:
                page = client.search(
                    SearchQuery(ym=query.ym, ymd=query.ymd, order=2, start=progress.start, count=PAGE_SIZE)
                )
                report.requests += 1
                progress.requests += 1
                break
            except SourceError as exc:
                report.requests += 1
                progress.requests += 1
                if exc.kind not in _TRANSIENT or attempt == PAGE_ATTEMPTS:
                    raise fail(
                        f"connpass {exc.kind} at part {progress.part} start {progress.start}: {exc.detail}"
                    ) from exc
                pause = exc.retry_after if exc.retry_after is not None else 2.0**attempt
                logger.warning(
                    "kind=<%s>, attempt=<%d>, pause=<%.1f> | page failed, retrying", exc.kind, attempt, pause
                )
                sleep(min(pause, 30.0))
        for event in page.events:
            key = str(event.get("id"))
            progress.events[key], progress.texts[key] = snapshot.slim_event(event)
        progress.available[progress.part] = page.results_available
        progress.pages += 1
        progress.start += PAGE_SIZE
        if progress.start > page.results_available or not page.events:
            progress.part, progress.start = progress.part + 1, 1
        if progress.pages % CHECKPOINT_EVERY == 0:
            store.put(CHECKPOINT, progress.to_bytes(), content_type="application/gzip")

    available = sum(progress.available)
    if len(progress.events) < available:  # pages shifted under us (events removed mid-read): not complete
        raise fail(f"read {len(progress.events)} events of {available} reported; the window is incomplete")
    ordered = sorted(progress.events, key=lambda k: (progress.events[k].get("started_at") or "", int(k)))  # type: ignore[index]
    synced_at = clock().astimezone(JST)
    manifest = snapshot.publish(
        store,
        [progress.events[k] for k in ordered],
        [progress.texts[k] for k in ordered],
        synced_at=synced_at,
        window=window,
        counts={"available": available, "requests": progress.requests},
        source=source_label,
    )
    store.delete(CHECKPOINT)
    report.pruned = len(snapshot.prune(store, KEEP_SNAPSHOTS, manifest.snapshot))
    report.events, report.available = manifest.counts["events"], available
    report.published = manifest.snapshot
    report.bytes_raw, report.bytes_compressed = manifest.sizes["raw"], manifest.sizes["compressed"]
    report.seconds = round(monotonic() - started, 3)
    logger.info(
        "events=<%d>, requests=<%d>, seconds=<%.1f> | mirror published", report.events, report.requests, report.seconds
    )
    return report
