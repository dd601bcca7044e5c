"""What every event source speaks: a connpass v2 query in, a connpass v2 response out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from agent.events import Event

Order = Literal[1, 2, 3]  # 1: updated desc, 2: start date asc, 3: newest (created) desc

__all__ = ["Event", "EventSource", "Order", "RoutedSource", "SearchQuery", "SearchResult"]


@dataclass(frozen=True)
class SearchQuery:
    """connpass API v2 ``GET /events/`` parameters; multi-value fields are repeated keys.

    Attributes:
        keyword: All must match (AND) in title, catch, description or address.
        keyword_or: At least one must match.
        ym: Months ``yyyymm`` (OR between values).
        ymd: Days ``yyyymmdd`` (OR between values).
        prefecture: Romaji slugs such as ``tokyo`` or ``online`` (OR between values).
        order: 1 updated, 2 start date (ascending), 3 newest.
        start: 1-based index of the first result.
        count: Results per page, 1-100.
    """

    keyword: tuple[str, ...] = ()
    keyword_or: tuple[str, ...] = ()
    ym: tuple[str, ...] = ()
    ymd: tuple[str, ...] = ()
    prefecture: tuple[str, ...] = ()
    order: Order = 2
    start: int = 1
    count: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.count <= 100:
            raise ValueError(f"count must be 1-100, got {self.count}")
        if self.start < 1:
            raise ValueError(f"start must be >= 1, got {self.start}")
        if self.order not in (1, 2, 3):
            raise ValueError(f"order must be 1, 2 or 3, got {self.order}")

    def to_params(self) -> list[tuple[str, str]]:
        """Query parameters in connpass's wire form (repeated keys for multi-value fields)."""
        params: list[tuple[str, str]] = []
        for name in ("keyword", "keyword_or", "ym", "ymd", "prefecture"):
            params.extend((name, value) for value in getattr(self, name))
        params += [("order", str(self.order)), ("start", str(self.start)), ("count", str(self.count))]
        return params


@dataclass(frozen=True)
class SearchResult:
    """A connpass v2 response body: ``results_returned``, ``results_available``, ``results_start``, ``events``."""

    results_returned: int
    results_available: int
    results_start: int
    events: list[Event] = field(default_factory=list)


class EventSource(Protocol):
    """Something that answers connpass v2 searches: the real API or the bundled sample catalogue.

    ``search`` raises ``agent.errors.SourceError`` on failure and never anything else.
    """

    @property
    def name(self) -> str:
        """``connpass``, ``mirror`` or ``sample``; UIs show a サンプルデータ badge for the latter."""
        ...

    def search(self, query: SearchQuery) -> SearchResult: ...


@runtime_checkable
class RoutedSource(Protocol):
    """A source that answers through another one, chosen per search (the mirror: its snapshot or live connpass)."""

    @property
    def name(self) -> str: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def resolve(self, *, past: bool) -> EventSource:
        """The source to use now for an upcoming (``past=False``) or past search."""
        ...
