"""The mirror's snapshot format: slim events and their search text, gzip-compressed JSON, plus a manifest.

Why JSON + gzip: the standard library reads it (the agent image and the Sync Lambda need nothing more),
it compresses connpass's repetitive text about 5:1, and loading 10,000 events is one ``json.loads``.
Each event keeps what recommendations and searches need and nothing else: no HTML, no organiser
personal data, and instead of the description its normalised search text, capped at
``DESCRIPTION_TEXT_LIMIT`` characters of the description (longer than nearly every real description, so a
keyword matches the mirror where it would match connpass). The text is computed once at sync time, so
loading does no text processing.

Layout in a store: ``snapshots/<synced_at>-<digest>.json.gz`` (one per sync, never rewritten), then
``manifest.json`` naming the current one. Readers read the manifest, then the snapshot it names; a
sync publishes the snapshot first and the manifest last, so readers never see a half-written state.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from agent.events import Event, parse_time
from agent.mirror.store import Store, StoreError
from agent.sources.catalogue import LocalCatalogue
from agent.sources.index import EventIndex, index_event, search_text

FORMAT = 1
MANIFEST = "manifest.json"
SNAPSHOTS = "snapshots/"
#: Characters of a description's plain text kept for keyword search.
DESCRIPTION_TEXT_LIMIT = 5000
#: Fields of a connpass v2 event kept in the snapshot (the description becomes search text).
KEPT_FIELDS = (
    "id", "title", "catch", "url", "hash_tag", "started_at", "ended_at", "limit", "event_type", "open_status",
    "address", "place", "lat", "lon", "accepted", "waiting", "updated_at",
)  # fmt: skip
_GROUP_FIELDS = ("id", "subdomain", "title", "url")


class SnapshotError(Exception):
    """A snapshot or manifest is missing, unreadable or inconsistent."""


@dataclass(frozen=True)
class Manifest:
    """What a snapshot holds, without reading it.

    Attributes:
        snapshot: Name of the snapshot object in the store.
        synced_at: When the sync finished (ISO 8601, JST).
        window: ``{"from": date, "to": date, "queries": [{"ym": [...], "ymd": [...]}]}`` that was read.
        counts: ``events`` kept, ``available`` (connpass's total over the window), ``requests`` made.
        sizes: ``raw`` and ``compressed`` size of the snapshot in bytes.
        sha256: Digest of the compressed snapshot.
        source: The API root that was read (never a key).
        format: Format version.
    """

    snapshot: str
    synced_at: str
    window: dict[str, Any]
    counts: dict[str, int]
    sizes: dict[str, int]
    sha256: str
    source: str
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def synced(self) -> dt.datetime:
        moment = parse_time(self.synced_at)
        if moment is None:
            raise SnapshotError(f"manifest synced_at is not a time: {self.synced_at!r}")
        return moment

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise SnapshotError(f"unsupported manifest format {raw.get('format')!r}")
            manifest = cls(**{k: raw[k] for k in cls.__dataclass_fields__ if k in raw})
        except (ValueError, TypeError, AttributeError, KeyError) as exc:
            raise SnapshotError(f"unreadable manifest: {exc}") from exc
        if not manifest.snapshot.startswith(SNAPSHOTS) or ".." in manifest.snapshot:
            raise SnapshotError(f"manifest names an unexpected object: {manifest.snapshot!r}")
        manifest.synced  # noqa: B018 - validates synced_at
        return manifest


def slim_event(event: Event) -> tuple[Event, str]:
    """The snapshot's copy of a connpass event and its search text (``EventIndex`` semantics, capped description)."""
    slim = {name: event[name] for name in KEPT_FIELDS if name in event}
    group = event.get("group")
    if isinstance(group, dict):
        slim["group"] = {name: group[name] for name in _GROUP_FIELDS if name in group}
    return slim, search_text(event, description_limit=DESCRIPTION_TEXT_LIMIT)


def encode(events: list[Event], texts: list[str]) -> bytes:
    """The snapshot body: ``{"format", "events", "texts"}`` as UTF-8 JSON (uncompressed)."""
    if len(events) != len(texts):
        raise ValueError("one search text per event")
    return json.dumps(
        {"format": FORMAT, "events": events, "texts": texts}, ensure_ascii=False, separators=(",", ":")
    ).encode()


def decode(raw: bytes) -> EventIndex:
    """Index a snapshot body (gzip-compressed) without any text processing.

    Raises:
        SnapshotError: It is not a snapshot of this format.
    """
    try:
        body = json.loads(gzip.decompress(raw))
        events, texts = body["events"], body["texts"]
        if body.get("format") != FORMAT or not isinstance(events, list) or len(events) != len(texts):
            raise SnapshotError("not a snapshot of this format")
        return EventIndex(index_event(e, text=t) for e, t in zip(events, texts, strict=True))
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SnapshotError(f"unreadable snapshot: {exc}") from exc


def publish(store: Store, events: list[Event], texts: list[str], *, synced_at: dt.datetime, **facts: Any) -> Manifest:
    """Write a snapshot, then the manifest that makes it current.

    Args:
        store: Where to write.
        events: Slim events (``slim_event``).
        texts: Their search texts, in the same order.
        synced_at: When the read finished.
        facts: ``window``, ``counts`` (without sizes), ``source``.

    Raises:
        StoreError: A write failed (the previous manifest, and so the previous snapshot, stays current).
    """
    raw = encode(events, texts)
    compressed = gzip.compress(raw, compresslevel=6, mtime=0)
    digest = hashlib.sha256(compressed).hexdigest()
    name = f"{SNAPSHOTS}{synced_at.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{digest[:12]}.json.gz"
    store.put(name, compressed, content_type="application/gzip")
    manifest = Manifest(
        snapshot=name,
        synced_at=synced_at.isoformat(timespec="seconds"),
        window=facts["window"],
        counts={**facts["counts"], "events": len(events)},
        sizes={"raw": len(raw), "compressed": len(compressed)},
        sha256=digest,
        source=facts["source"],
    )
    store.put(MANIFEST, manifest.to_json(), content_type="application/json")
    return manifest


def read_manifest(store: Store) -> Manifest | None:
    """The current manifest, or ``None`` if nothing was ever published.

    Raises:
        SnapshotError: The manifest is unreadable.
        StoreError: The store failed.
    """
    data = store.get(MANIFEST)
    return None if data is None else Manifest.from_json(data)


def load(store: Store, manifest: Manifest) -> LocalCatalogue:
    """The snapshot ``manifest`` names, checked against its digest, as a searchable catalogue named ``mirror``.

    Raises:
        SnapshotError: Missing, corrupt or inconsistent.
        StoreError: The store failed.
    """
    compressed = store.get(manifest.snapshot)
    if compressed is None:
        raise SnapshotError(f"the manifest names a missing snapshot: {manifest.snapshot}")
    if hashlib.sha256(compressed).hexdigest() != manifest.sha256:
        raise SnapshotError(f"snapshot digest mismatch: {manifest.snapshot}")
    return LocalCatalogue(decode(compressed), "mirror")


def prune(store: Store, keep: int, current: str) -> list[str]:
    """Delete all but the newest ``keep`` snapshots (never ``current``); return what was deleted.

    Sessions that loaded an older snapshot hold it in memory, so deleting it never breaks a reader.
    """
    try:
        names = [n for n in store.list(SNAPSHOTS) if n.endswith(".json.gz")]
    except StoreError:
        return []
    doomed = [n for n in names[: max(0, len(names) - keep)] if n != current]
    for name in doomed:
        store.delete(name)
    return doomed
