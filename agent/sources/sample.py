"""The bundled sample catalogue as an event source, searched locally with connpass API v2's semantics.

Used when no connpass key is configured (the embedded default) and in tests. Everything a search
compares is computed once at load (normalised text, local dates, prefecture, the three orders), so
a search is one pass over a pre-sorted list.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from agent.clock import JST
from agent.data import SAMPLE_EVENTS_FILE
from agent.errors import SourceError
from agent.sources.base import Event, SearchQuery, SearchResult
from agent.sources.prefectures import prefecture_of

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_LATEST = dt.datetime.max.replace(tzinfo=JST)
_EARLIEST = dt.datetime.min.replace(tzinfo=JST)


def normalize(text: str) -> str:
    """How keywords and event text are compared: NFKC, case-folded, whitespace collapsed (ＴＳ == ts)."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


def _html_text(fragment: str) -> str:
    return html.unescape(_TAG.sub(" ", fragment))


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=JST)).astimezone(JST)


@dataclass(frozen=True, slots=True)
class _Entry:
    """One event with everything a search compares, computed once."""

    event: Event
    text: str  # normalised title, catch, description (as text) and address
    ym: str  # yyyymm of the local start date ("" if unknown)
    ymd: str  # yyyymmdd of the local start date
    prefecture: str | None  # connpass slug or "online"


@dataclass(frozen=True, slots=True)
class _Index:
    by_order: Mapping[int, tuple[_Entry, ...]]  # the catalogue pre-sorted for each connpass order

    def __len__(self) -> int:
        return len(self.by_order[2])


def _entry(event: Event) -> _Entry:
    fields = (event.get("title"), event.get("catch"), _html_text(event.get("description") or ""), event.get("address"))
    start = _time(event.get("started_at"))
    return _Entry(
        event=event,
        text="\n".join(normalize(f) for f in fields if isinstance(f, str)),
        ym=f"{start:%Y%m}" if start else "",
        ymd=f"{start:%Y%m%d}" if start else "",
        prefecture=prefecture_of(event.get("address"), event.get("place"), event.get("event_type")),
    )


def _build(events: Iterable[Any]) -> _Index:
    entries = []
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("id"), int):
            raise SourceError("malformed", "sample catalogue: every event must be an object with an integer id")
        entries.append(_entry(event))
    started = {id(e): _time(e.event.get("started_at")) for e in entries}
    updated = {id(e): _time(e.event.get("updated_at")) or _EARLIEST for e in entries}
    by_id = sorted(entries, key=lambda e: e.event["id"])
    return _Index(
        by_order={
            1: tuple(sorted(reversed(by_id), key=lambda e: updated[id(e)], reverse=True)),
            2: tuple(sorted(by_id, key=lambda e: started[id(e)] or _LATEST)),
            3: tuple(reversed(by_id)),
        }
    )


def _events_of(data: Any, origin: str) -> list[Any]:
    """Accept a connpass response body (``{"events": [...]}``) or a bare list of events."""
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise SourceError("malformed", f"{origin}: expected a connpass response body or a list of events")
    return events


def _load_file(path: Path) -> _Index:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SourceError("malformed", f"{path}: {error}") from error
    return _build(_events_of(data, str(path)))


@functools.cache
def _bundled() -> _Index:
    """The packaged catalogue, parsed and indexed once per process."""
    text = resources.files("agent.data").joinpath(SAMPLE_EVENTS_FILE).read_text(encoding="utf-8")
    return _build(_events_of(json.loads(text), SAMPLE_EVENTS_FILE))


def _copy(event: Event) -> Event:
    """A copy callers may change without corrupting the shared catalogue (nested ``group`` included)."""
    copied = dict(event)
    if isinstance(copied.get("group"), dict):
        copied["group"] = dict(copied["group"])
    return copied


class SampleCatalogue:
    """Fictional connpass events bundled with Confee, searched like the connpass API v2.

    Args:
        events: ``None`` for the bundled catalogue; a path to a JSON file (a connpass response body or a
            list of events); or the events themselves (tests).

    Raises:
        SourceError: ``malformed`` when the file cannot be read or does not hold connpass events.
    """

    name = "sample"

    def __init__(self, events: str | os.PathLike[str] | Iterable[Event] | None = None) -> None:
        if events is None:
            self._index = _bundled()
        elif isinstance(events, str | os.PathLike):
            self._index = _load_file(Path(events))
        else:
            self._index = _build(events)

    def __len__(self) -> int:
        return len(self._index)

    @property
    def events(self) -> list[Event]:
        """Every event (copies), by start date."""
        return [_copy(e.event) for e in self._index.by_order[2]]

    def search(self, query: SearchQuery) -> SearchResult:
        """Filter, order and page like ``GET /api/v2/events/``; different parameters combine with AND.

        ``keyword``: every one appears; ``keyword_or``: at least one appears (both matched on the normalised
        title, catch, description text and address); ``ym``/``ymd``: the local start month/day is one of the
        values; ``prefecture``: the address's prefecture slug (or ``online``) is one of the values.
        """
        all_of = [k for k in map(normalize, query.keyword) if k]
        any_of = [k for k in map(normalize, query.keyword_or) if k]
        months = {v.strip() for v in query.ym if v.strip()}
        days = {v.strip() for v in query.ymd if v.strip()}
        prefectures = {v.strip().lower() for v in query.prefecture if v.strip()}
        matches = [
            entry
            for entry in self._index.by_order[query.order]
            if (not months or entry.ym in months)
            and (not days or entry.ymd in days)
            and (not prefectures or entry.prefecture in prefectures)
            and all(k in entry.text for k in all_of)
            and (not any_of or any(k in entry.text for k in any_of))
        ]
        page = matches[query.start - 1 : query.start - 1 + query.count]
        return SearchResult(
            results_returned=len(page),
            results_available=len(matches),
            results_start=query.start,
            events=[_copy(entry.event) for entry in page],
        )
