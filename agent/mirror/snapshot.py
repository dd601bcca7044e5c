"""The mirror's snapshot format: slim events and their search text, gzip-compressed JSON, plus a manifest.

Why gzip: the standard library reads it (the agent image and the Sync Lambda need nothing more), and it
compresses connpass's repetitive text about 10:1. Inside: one line of JSON with the slim events, then the
search texts as one UTF-8 block (records split by U+001E, fields by U+001F): the texts are nine tenths of the
bytes, and splitting a string is several times faster than parsing the same text as JSON strings, which is
what a new AgentCore session (a fresh microVM) pays before its first answer.
Each event keeps what recommendations and searches need and nothing else: no HTML, no organiser
personal data, and instead of the description its normalised search text, capped at
``DESCRIPTION_TEXT_LIMIT`` characters of the description (longer than nearly every real description, so a
keyword matches the mirror where it would match connpass), plus the normalised headline (title and catch)
and venue text the index ranks and filters on. All of it is computed once at sync time, so loading does no
text processing.

Layout in a store: ``snapshots/<synced_at>-<digest>.json.gz`` (one per sync, never rewritten), then
``manifest.json`` naming the current one. Readers read the manifest, then the snapshot it names; a
sync publishes the snapshot first and the manifest last, so readers never see a half-written state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import gzip
import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from agent.events import Event, parse_time
from agent.filters import where_text
from agent.mirror.store import Store, StoreError
from agent.sources.catalogue import LocalCatalogue
from agent.sources.index import EventIndex, headline_text, index_event, search_text

FORMAT = 2
MANIFEST = "manifest.json"
SNAPSHOTS = "snapshots/"
#: Characters of a description's plain text kept for keyword search.
DESCRIPTION_TEXT_LIMIT = 5000
#: Fields of a connpass v2 event kept in the snapshot (the description becomes search text).
KEPT_FIELDS = (
    "id", "title", "catch", "url", "started_at", "ended_at", "limit", "event_type", "open_status",
    "address", "place", "accepted", "waiting", "updated_at",
)  # fmt: skip
_GROUP_FIELDS = ("title", "url")


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


_RECORD, _FIELD = "\x1e", "\x1f"
_SEPARATORS = str.maketrans({_RECORD: " ", _FIELD: " "})


def slim_event(event: Event) -> tuple[Event, str]:
    """The snapshot's copy of a connpass event and its texts (headline, venue, search text; one string).

    The search text follows ``EventIndex`` semantics with the description capped at ``DESCRIPTION_TEXT_LIMIT``.
    """
    slim = {name: event[name] for name in KEPT_FIELDS if name in event}
    group = event.get("group")
    if isinstance(group, dict):
        slim["group"] = {name: group[name] for name in _GROUP_FIELDS if name in group}
    texts = (headline_text(event), where_text(event), search_text(event, description_limit=DESCRIPTION_TEXT_LIMIT))
    return slim, _FIELD.join(t.translate(_SEPARATORS) for t in texts)


def encode(events: list[Event], texts: list[str]) -> bytes:
    """The snapshot body (uncompressed): a JSON line ``{"format", "events"}``, then the texts block."""
    if len(events) != len(texts):
        raise ValueError("one text record per event")
    head = json.dumps({"format": FORMAT, "events": events}, ensure_ascii=False, separators=(",", ":"))
    return head.encode() + b"\n" + _RECORD.join(texts).encode()


def decode(raw: bytes) -> EventIndex:
    """Index a snapshot body (gzip-compressed) without any text processing.

    Raises:
        SnapshotError: It is not a snapshot of this format.
    """
    try:
        with _collector_paused():
            return _decode(raw)
    except (OSError, EOFError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise SnapshotError(f"unreadable snapshot: {exc}") from exc


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Loading allocates ~100,000 objects that all stay alive: garbage collection passes over them are wasted."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _decode(raw: bytes) -> EventIndex:
    head, _, block = gzip.decompress(raw).partition(b"\n")
    body = json.loads(head)
    events = body["events"]
    records = block.decode().split(_RECORD) if events else []
    if body.get("format") != FORMAT or not isinstance(events, list) or len(events) != len(records):
        raise SnapshotError("not a snapshot of this format")
    entries = []
    for event, record in zip(events, records, strict=True):
        title, where, text = record.split(_FIELD)
        entries.append(index_event(event, text=text, title=title, where=where))
    return EventIndex(entries)


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
