"""An event source answered from memory: the bundled sample catalogue or the event mirror's snapshot."""

from __future__ import annotations

from agent.events import Event
from agent.sources.base import SearchQuery, SearchResult
from agent.sources.index import EventIndex


class LocalCatalogue:
    """``EventSource`` over an ``EventIndex``: every match is visible, so the search tool ranks all of them.

    Args:
        index: The events.
        name: What answers report as the source (``sample`` or ``mirror``).
        as_of: When the events were read from connpass (ISO 8601), if they were.
    """

    def __init__(self, index: EventIndex, name: str, *, as_of: str | None = None) -> None:
        self.index = index
        self.name = name
        #: When the events were read from connpass (the mirror's ``synced_at``; ``None`` for the sample).
        self.as_of = as_of

    def __len__(self) -> int:
        return len(self.index)

    @property
    def events(self) -> list[Event]:
        """Every event (copies), by start date."""
        return self.index.events

    def search(self, query: SearchQuery) -> SearchResult:
        """Filter, order and page like ``GET /api/v2/events/`` (see ``EventIndex.match``)."""
        return self.index.search(query)
