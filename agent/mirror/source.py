"""``MirrorSource``: searches answered from the newest mirror snapshot, live connpass when there is none.

Loaded once at start (a new AgentCore session pays it once), then refreshed in the background: when
the loaded snapshot is older than ``refresh_after``, the next search starts a thread that reads the
manifest and, if a newer snapshot was published, loads it and swaps it in; searches never wait for it.
When no snapshot could be loaded, or the newest is older than ``max_age`` (the sync has been failing),
searches go to live connpass (paced, 1 request/second for the whole deployment) and answers say
``source: connpass``. Past events are not in the mirror: past questions go live too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from agent.clock import Clock, system_clock
from agent.errors import SourceError
from agent.mirror import snapshot
from agent.mirror.store import Store, StoreError
from agent.sources.base import EventSource, SearchQuery, SearchResult
from agent.sources.catalogue import LocalCatalogue

logger = logging.getLogger(__name__)

#: Seconds between two looks at the manifest (however many searches ask).
CHECK_INTERVAL = 60.0


@dataclass(frozen=True)
class Loaded:
    """The snapshot in use."""

    catalogue: LocalCatalogue
    manifest: snapshot.Manifest


class MirrorSource:
    """A ``RoutedSource`` over the event mirror.

    Args:
        store: Where ``python -m agent sync`` publishes.
        live: connpass itself, for fallback and past questions (``None``: no key configured).
        refresh_after: Age in seconds after which a newer snapshot is looked for.
        max_age: Age in seconds beyond which the snapshot is not used if ``live`` exists.
        clock: Current time (JST).
        monotonic: For spacing manifest checks.
        load_now: Load the snapshot in the constructor (the default; tests may defer it).
    """

    def __init__(
        self,
        store: Store,
        *,
        live: EventSource | None,
        refresh_after: float = 900.0,
        max_age: float = 6 * 3600.0,
        clock: Clock = system_clock,
        monotonic: Callable[[], float] = time.monotonic,
        load_now: bool = True,
    ) -> None:
        self.store, self.live = store, live
        self.refresh_after, self.max_age = refresh_after, max_age
        self._clock, self._monotonic = clock, monotonic
        self._loaded: Loaded | None = None
        self._lock = threading.Lock()
        self._refreshing = False
        self._last_check = -float("inf")
        self._thread: threading.Thread | None = None
        if load_now:
            self.refresh()

    # -- state -----------------------------------------------------------------------------------------
    @property
    def loaded(self) -> Loaded | None:
        return self._loaded

    def age(self) -> float | None:
        """Seconds since the loaded snapshot was synced (``None`` when none is loaded)."""
        loaded = self._loaded
        return None if loaded is None else (self._clock() - loaded.manifest.synced).total_seconds()

    def usable(self) -> bool:
        """The snapshot answers upcoming searches (loaded, and not too old while connpass is reachable)."""
        age = self.age()
        return age is not None and (age <= self.max_age or self.live is None)

    @property
    def name(self) -> str:
        """``mirror`` while the snapshot answers, ``connpass`` while searches go live (reported in ``meta.source``)."""
        return "mirror" if self.usable() or self.live is None else getattr(self.live, "name", "connpass")

    # -- loading ---------------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Load the newest snapshot if it differs from the loaded one; return whether a new one was loaded.

        Failures are logged and keep the current snapshot (or none): callers never see them.
        """
        self._last_check = self._monotonic()
        started = time.perf_counter()
        try:
            manifest = snapshot.read_manifest(self.store)
            if manifest is None:
                logger.warning("uri=<%s> | no mirror snapshot published yet", self.store.uri)
                return False
            current = self._loaded
            if current is not None and current.manifest.snapshot == manifest.snapshot:
                return False
            catalogue = snapshot.load(self.store, manifest)
        except (StoreError, snapshot.SnapshotError) as exc:
            logger.warning("uri=<%s>, error=<%s> | mirror snapshot not loaded", self.store.uri, exc)
            return False
        catalogue.as_of = manifest.synced_at
        with self._lock:
            self._loaded = Loaded(catalogue, manifest)
        logger.info(
            "events=<%d>, synced_at=<%s>, load_ms=<%d> | mirror snapshot loaded",
            len(catalogue), manifest.synced_at, (time.perf_counter() - started) * 1000,
        )  # fmt: skip
        return True

    def _maybe_refresh(self) -> None:
        age = self.age()
        if age is not None and age < self.refresh_after:
            return
        with self._lock:
            if self._refreshing or self._monotonic() - self._last_check < CHECK_INTERVAL:
                return
            self._refreshing = True
            self._last_check = self._monotonic()

        def run() -> None:
            try:
                self.refresh()
            finally:
                self._refreshing = False

        self._thread = threading.Thread(target=run, name="confee-mirror-refresh", daemon=True)
        self._thread.start()

    def wait_for_refresh(self, timeout: float = 10.0) -> None:
        """Join a running background refresh (tests, benchmarks)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    # -- routing ---------------------------------------------------------------------------------------
    def resolve(self, *, past: bool) -> EventSource:
        """The snapshot for upcoming searches while it is usable; live connpass otherwise.

        Raises:
            SourceError: Nothing can answer (no snapshot and no key): ``upstream``.
        """
        self._maybe_refresh()
        loaded = self._loaded
        if past and self.live is not None:
            return self.live
        if loaded is not None and self.usable():
            return loaded.catalogue
        if self.live is not None:
            return self.live
        if loaded is not None:
            return loaded.catalogue
        raise SourceError("upstream", detail="no mirror snapshot and no connpass key")

    def search(self, query: SearchQuery) -> SearchResult:
        return self.resolve(past=False).search(query)

    def status(self) -> dict[str, object]:
        """For logs and UIs: where answers come from and how fresh the snapshot is."""
        loaded = self._loaded
        age = self.age()
        return {
            "source": self.name,
            "synced_at": loaded.manifest.synced_at if loaded else None,
            "events": len(loaded.catalogue) if loaded else 0,
            "age_seconds": None if age is None else round(age),
        }
