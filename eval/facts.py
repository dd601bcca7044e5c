"""What the harness knows about one linked event: read from the catalogue when it can, else from the reply.

The judge must not trust the agent's own summary of an event when the truth is at hand: an event linked by a
reply is looked up by URL in the event source's catalogue (the bundled sample catalogue for in-process and
local targets), and only events the catalogue does not hold are judged from the compact fields of the reply.
Everything here is derived independently of the agent's search code (only the prefecture table is shared).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agent.clock import JST
from agent.events import parse_time
from agent.sources.prefectures import PREFECTURES

ONLINE = "online"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
#: Start-hour bands (JST), as in the tool's contract: [from, to).
TIME_BANDS = {"morning": (0, 12), "afternoon": (12, 18), "evening": (18, 24)}
#: Words that make an event beginner-friendly when its title or catch has them (compared after ``normalize``).
BEGINNER_WORDS = ("初心者", "入門", "ビギナー", "初めて", "はじめて", "未経験", "beginner")
#: Phrases that make it beginner-friendly anywhere. Descriptions are not searched for the bare words: connpass
#: pages mention 入門 and 初めて in boilerplate ("初めての方もベテランの方も", links to 入門ガイド), and every
#: sample event does, which would make every event a beginners' one.
BEGINNER_PHRASES = (
    "初心者向け", "初心者歓迎", "初心者大歓迎", "未経験者歓迎", "未経験歓迎", "for beginners", "beginner friendly",
    "beginner-friendly",
)  # fmt: skip
#: Place or address words that mean an event happens online when it has no address.
ONLINE_MARKERS = ("オンライン", "online", "zoom", "youtube", "discord", "teams", "配信")

PREFECTURE_NAMES = {p.slug: p.name for p in PREFECTURES}
SLUG_BY_NAME = {p.name: p.slug for p in PREFECTURES}

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """NFKC, case-folded, whitespace collapsed: how the judge compares words with event text."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").casefold()).strip()


def html_text(fragment: str | None) -> str:
    """An HTML fragment as plain text."""
    return html.unescape(_TAG.sub(" ", fragment or ""))


def prefecture_slug(address: str | None, place: str | None, event_type: str | None = None) -> str | None:
    """The prefecture slug of a venue (``online`` for online events), or ``None`` when unknown."""
    address = (address or "").strip()
    for slug, name in PREFECTURE_NAMES.items():
        if address.startswith(name):
            return slug
    text = normalize(f"{address} {place or ''}")
    if any(marker in text for marker in ONLINE_MARKERS) or (not address and event_type == "online"):
        return ONLINE
    return None


def slug_of_label(label: str | None) -> str | None:
    """The slug of a compact event's ``prefecture`` label (``東京都`` → ``tokyo``, ``オンライン`` → ``online``)."""
    if not label:
        return None
    if label == "オンライン" or label.lower() == ONLINE:
        return ONLINE
    return SLUG_BY_NAME.get(label)


def parse_start(value: Any) -> dt.datetime | None:
    """An ISO 8601 start time in JST (naive values are JST), or ``None`` (the agent's own parser)."""
    moment = parse_time(value)
    return moment.astimezone(JST) if moment else None


def for_beginners(title: str, catch: str, description: str) -> bool:
    """A beginner word in the title or catch, or a beginner phrase anywhere."""
    headline, body = normalize(f"{title}\n{catch}"), normalize(description)
    return any(w in headline for w in BEGINNER_WORDS) or any(p in headline or p in body for p in BEGINNER_PHRASES)


def time_band(moment: dt.datetime) -> str:
    """``morning``, ``afternoon`` or ``evening`` of a JST start."""
    hour = moment.astimezone(JST).hour
    return next(band for band, (low, high) in TIME_BANDS.items() if low <= hour < high)


@dataclass(frozen=True)
class EventFacts:
    """The facts constraints are checked against.

    Attributes:
        url: The event page (the key the reply and the catalogue share).
        title: Title as plain text.
        catch: Catch as plain text.
        description: Description as plain text (empty when only the reply's compact fields were available).
        address: Venue address.
        place: Venue name.
        prefecture: Prefecture slug, ``online``, or ``None`` when unknown.
        start: JST start, or ``None``.
        status: ``open``, ``full``, ``preopen`` or ``closed`` (closed: registration over or cancelled).
        accepted: Participants.
        beginner: A beginner word in the title or catch, or a beginner phrase anywhere.
        from_catalogue: The facts come from the catalogue (else from the reply's compact fields).
    """

    url: str
    title: str
    catch: str
    description: str
    address: str
    place: str
    prefecture: str | None
    start: dt.datetime | None
    status: str
    accepted: int
    beginner: bool
    from_catalogue: bool

    @functools.cached_property
    def text(self) -> str:
        """Normalised title, catch and description: where topic words must appear."""
        return normalize(f"{self.title}\n{self.catch}\n{self.description}")

    @functools.cached_property
    def heading(self) -> str:
        """Normalised title and catch: where event-kind words must appear."""
        return normalize(f"{self.title}\n{self.catch}")

    @functools.cached_property
    def where(self) -> str:
        """Normalised address and venue name: where place words must appear."""
        return normalize(f"{self.address} {self.place}")


def _status(open_status: Any, limit: Any, accepted: int) -> str:
    if open_status in ("close", "cancelled", "closed"):
        return "closed"
    if open_status == "preopen":
        return "preopen"
    return "full" if isinstance(limit, int) and limit > 0 and accepted >= limit else "open"


def facts_from_raw(event: Mapping[str, Any]) -> EventFacts:
    """Facts of a connpass API v2 event (the catalogue's format)."""
    title, catch = html_text(event.get("title")), html_text(event.get("catch"))
    description = html_text(event.get("description"))
    accepted = int(event.get("accepted") or 0)
    return EventFacts(
        url=str(event.get("url") or ""),
        title=title,
        catch=catch,
        description=description,
        address=str(event.get("address") or ""),
        place=str(event.get("place") or ""),
        prefecture=prefecture_slug(event.get("address"), event.get("place"), event.get("event_type")),
        start=parse_start(event.get("started_at")),
        status=_status(event.get("open_status"), event.get("limit"), accepted),
        accepted=accepted,
        beginner=for_beginners(title, catch, description),
        from_catalogue=True,
    )


def facts_from_compact(event: Mapping[str, Any]) -> EventFacts:
    """Facts of a reply's compact event (Contract 1), for events the catalogue does not hold."""
    accepted = int(event.get("accepted") or 0)
    status = event.get("status")
    if status not in ("open", "full", "preopen", "closed"):
        status = _status(event.get("open_status"), event.get("limit"), accepted)
    prefecture = slug_of_label(event.get("prefecture")) or prefecture_slug(event.get("address"), event.get("place"))
    title, catch = str(event.get("title") or ""), str(event.get("catch") or "")
    beginner = event.get("beginner")
    return EventFacts(
        url=str(event.get("url") or ""),
        title=title,
        catch=catch,
        description="",
        address=str(event.get("address") or ""),
        place=str(event.get("place") or ""),
        prefecture=prefecture,
        start=parse_start(event.get("started_at")),
        status=str(status),
        accepted=accepted,
        beginner=beginner if isinstance(beginner, bool) else for_beginners(title, catch, ""),
        from_catalogue=False,
    )


class Catalogue:
    """Full events by URL, for judging linked events on what they really say.

    Args:
        events: connpass API v2 events (e.g. ``SampleCatalogue().events``); empty: judge from replies only.
    """

    def __init__(self, events: Iterable[Mapping[str, Any]] = ()) -> None:
        self._by_url = {str(e["url"]): facts_from_raw(e) for e in events if e.get("url")}

    def __len__(self) -> int:
        return len(self._by_url)

    @classmethod
    def from_facts(cls, facts: Iterable[EventFacts]) -> Catalogue:
        """A catalogue of ready-made facts (tests)."""
        catalogue = cls()
        catalogue._by_url = {f.url: f for f in facts}
        return catalogue

    @classmethod
    def sample(cls) -> Catalogue:
        """The bundled sample catalogue (what the embedded default and ``make serve`` search)."""
        from agent.sources.sample import SampleCatalogue

        return cls(SampleCatalogue().events)

    @property
    def facts(self) -> list[EventFacts]:
        """Every event's facts (golden-set sanity checks search these)."""
        return list(self._by_url.values())

    def facts_for(self, event: Mapping[str, Any]) -> EventFacts:
        """The catalogue's facts for a reply's compact event, or the compact fields when it is not held."""
        known = self._by_url.get(str(event.get("url") or ""))
        return known if known is not None else facts_from_compact(event)
