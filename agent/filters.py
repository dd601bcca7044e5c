"""Conditions beyond connpass's own parameters: exclusions, weekdays, time of day, beginners, seats, a place word.

connpass cannot express them, so they apply after the source: on the pages read from live connpass
(``Filters.accepts``) and natively, as bitsets, in the in-memory index (``EventIndex.find``). Both read
the same fields of the same event, so a condition means the same whichever source answers.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from agent.events import (
    BEGINNER_PHRASES,
    BEGINNER_WORDS,
    TIME_BANDS,
    WEEKDAY_CODES,
    Event,
    is_full,
    local_start,
    time_band,
    weekday_code,
)
from agent.sources.prefectures import BY_SLUG, ONLINE, prefecture_of
from agent.text import html_to_text, normalize

#: Cached events lose their HTML description; this field keeps what ``beginner`` needs from it.
BEGINNER_FIELD = "_beginner"


@dataclass(frozen=True)
class Filters:
    """Post-source conditions of a search (all optional; the empty ``Filters()`` accepts everything).

    Attributes:
        exclude_prefectures: Prefecture slugs (or ``online``) never returned.
        days_of_week: ``mon`` … ``sun``: the JST start day must be one of them.
        time_of_day: ``morning`` / ``afternoon`` / ``evening``: the JST start hour's band.
        beginner: A beginner word in the title or catch, or a beginner phrase anywhere (``mentions_beginner``).
        joinable_only: Leave out full events.
        place: A city or area word that must appear in the venue's address or place name (normalised).
    """

    exclude_prefectures: tuple[str, ...] = ()
    days_of_week: tuple[str, ...] = ()
    time_of_day: tuple[str, ...] = ()
    beginner: bool = False
    joinable_only: bool = False
    place: str = ""

    @classmethod
    def from_arguments(
        cls,
        *,
        exclude_prefectures: list[str] | None = None,
        days_of_week: list[str] | None = None,
        time_of_day: list[str] | None = None,
        beginner: bool = False,
        joinable_only: bool = False,
        place: str | None = None,
    ) -> Filters:
        """Validate the model's arguments.

        Raises:
            ValueError: An unknown slug, weekday or time band (the model can correct itself).
        """
        excluded = _clean_lower(exclude_prefectures)
        unknown = [s for s in excluded if s != ONLINE and s not in BY_SLUG]
        if unknown:
            raise ValueError(f"unknown prefecture slug(s) in exclude_prefectures: {unknown}")
        days = _clean_lower(days_of_week)
        if bad := [d for d in days if d not in WEEKDAY_CODES]:
            raise ValueError(f"days_of_week must be among {list(WEEKDAY_CODES)}, got {bad}")
        bands = _clean_lower(time_of_day)
        if bad := [b for b in bands if b not in TIME_BANDS]:
            raise ValueError(f"time_of_day must be among {list(TIME_BANDS)}, got {bad}")
        return cls(excluded, days, bands, bool(beginner), bool(joinable_only), normalize(place or ""))

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def as_arguments(self) -> dict[str, Any]:
        """The non-empty conditions as tool arguments (echoed in results, reused by relaxations)."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    def accepts(self, event: Event) -> bool:
        """Whether one connpass event meets every condition."""
        if self.exclude_prefectures:
            slug = prefecture_of(event.get("address"), event.get("place"), event.get("event_type"))
            if slug in self.exclude_prefectures:
                return False
        if self.days_of_week or self.time_of_day:
            start = local_start(event)
            if start is None:
                return False
            if self.days_of_week and weekday_code(start) not in self.days_of_week:
                return False
            if self.time_of_day and time_band(start) not in self.time_of_day:
                return False
        if self.joinable_only and is_full(event):
            return False
        if self.place and self.place not in where_text(event):
            return False
        return not self.beginner or mentions_beginner(event)


def where_text(event: Event) -> str:
    """Normalised address and place name: what ``place`` matches."""
    return normalize(f"{event.get('address') or ''} {event.get('place') or ''}")


def mentions_beginner(event: Event) -> bool:
    """The event is for beginners: a beginner word in its title or catch, or a beginner phrase anywhere."""
    known = event.get(BEGINNER_FIELD)
    if isinstance(known, bool):
        return known
    headline = normalize(f"{event.get('title') or ''}\n{event.get('catch') or ''}")
    if any(word in headline for word in BEGINNER_WORDS):
        return True
    description = normalize(html_to_text(event.get("description")))
    return any(phrase in headline or phrase in description for phrase in BEGINNER_PHRASES)


def in_title(event: Event, keywords: tuple[str, ...], any_keywords: tuple[str, ...]) -> bool:
    """The title or catch holds every required keyword and, if there are optional ones, one of them."""
    text = normalize(f"{event.get('title') or ''}\n{event.get('catch') or ''}")
    required = [k for k in map(normalize, keywords) if k]
    optional = [k for k in map(normalize, any_keywords) if k]
    return all(k in text for k in required) and (not optional or any(k in text for k in optional))


def _clean_lower(values: list[str] | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v.strip().lower() for v in values or [] if isinstance(v, str) and v.strip()))
