"""Event sources behind one interface (``EventSource``): the connpass API v2 and the sample catalogue."""

from agent.sources.base import Event, EventSource, SearchQuery, SearchResult

__all__ = ["Event", "EventSource", "SearchQuery", "SearchResult"]
