"""The offline model's English wording, for questions asked in English (same content as ``text_ja``)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from agent.models.offline.criteria import Criteria
from agent.models.offline.facts import (
    int_of,
    is_past,
    literal,
    parse_iso,
    reasons,
    status_of,
)
from agent.models.offline.phrase_en import condition, month_name, places_name, prefecture_name, time_text
from agent.sources.prefectures import ONLINE, PREFECTURES

_SLUG_BY_NAME = {p.name: p.slug for p in PREFECTURES}
STATUS = {"open": "Open", "full": "Full (waiting list)", "preopen": "Registration not open yet", "closed": "Closed"}
_ORDER = {"date": "soonest first", "popular": "most participants first", "newest": "newest listings first"}


_CONDITIONS = {"曜日": "day", "時間帯": "time of day", "初心者向け": "beginner", "空席": "seats", "地名": "area"}


def _relaxed_label(alternative: Mapping[str, Any]) -> str:
    """What a relaxation changed, in English (the tool's own ``label`` is Japanese)."""
    kind, label = str(alternative.get("relaxed") or ""), str(alternative.get("label") or "")
    arguments = alternative.get("arguments")
    arguments = arguments if isinstance(arguments, Mapping) else {}
    if kind == "later_dates":
        return "Extending the period" + time_text(Criteria(), alternative.get("period")).replace(" from today", "")
    if kind == "online":
        return "Online instead"
    if kind == "nearby":
        return f"In nearby {places_name(tuple(arguments.get('prefectures') or ()))}"
    if kind == "fewer_keywords" and (dropped := re.search(r"「(.+?)」", label)):
        return f"Without “{dropped.group(1)}”"
    if kind == "fewer_conditions":
        names = [english for japanese, english in _CONDITIONS.items() if japanese in label] or ["extra"]
        listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
        return f"Without the {listed} {'condition' if len(names) == 1 else 'conditions'}"
    return "With a slightly broader search"


#: The words of each reason ``facts.reasons`` finds.
_REASONS: dict[str, Callable[[Any], str]] = {
    "past": lambda _: "Already held",
    "ongoing": lambda _: "Happening now",
    "today": lambda _: "Today",
    "tomorrow": lambda _: "Tomorrow",
    "days": lambda days: f"In {days} days",
    "popular": lambda accepted: f"Popular ({accepted} registered)",
    "waitlist": lambda _: "Full, but you can join the waiting list",
    "few_left": lambda left: f"Only {left} seats left",
    "plenty": lambda left: f"Plenty of seats ({left} left)",
    "beginners_welcome": lambda _: "Beginners welcome",
    "beginner_content": lambda _: "Has beginner content",
    "catch": lambda text: f"“{text}”",
    "online": lambda _: "Online, join from anywhere",
    "matches": lambda _: "Matches your search",
}


class English:
    """English sentences for ``writer``."""

    untitled = "(untitled)"
    sample_note = "Note: these results come from sample data (fictional events) for trying Confee out."
    has_more = "There are more: send “more” to see the next ones. "

    def condition(self, criteria: Criteria, period: Mapping[str, Any] | None = None) -> str:
        """The search as a noun phrase."""
        return condition(criteria, period)

    def date(self, event: Mapping[str, Any]) -> str:
        """``Sat, Dec 5, 2026, 13:00–18:00`` from the event's timestamps."""
        start, end = parse_iso(event.get("started_at")), parse_iso(event.get("ended_at"))
        if start is None:
            return "date to be announced"
        text = f"{start:%a}, {start:%b} {start.day}, {start.year}, {start:%H:%M}"
        if end is not None and end.date() == start.date():
            text += f"–{end:%H:%M}"
        elif end is not None:
            text += f" – {end:%a}, {end:%b} {end.day}, {end:%H:%M}"
        return text + (" (already held)" if is_past(event) else "")

    def place(self, event: Mapping[str, Any]) -> str:
        """Venue (prefecture), or online."""
        if event.get("online"):
            return "Online"
        slug = _SLUG_BY_NAME.get(str(event.get("prefecture") or ""))
        place = str(event.get("place") or event.get("address") or "") or "venue to be announced"
        return literal(f"{place} ({prefecture_name(slug)})" if slug else place)

    def capacity(self, event: Mapping[str, Any]) -> str:
        """Participants and capacity, then the status."""
        accepted, limit, waiting = (
            int_of(event.get("accepted")),
            int_of(event.get("limit")),
            int_of(event.get("waiting")),
        )
        if limit:
            count = f"{accepted}/{limit} registered"
        else:
            count = f"{accepted} registered (no limit)" if accepted else "no capacity listed"
        status = status_of(event)
        return f"{count} · {STATUS[status]}" + (f" · {waiting} waiting" if status == "full" and waiting else "")

    def reason(self, event: Mapping[str, Any], criteria: Criteria) -> str:
        """Why this event is worth a look, in one line (timing, popularity, seats, who it suits)."""
        return " / ".join(_REASONS[kind](value) for kind, value in reasons(event, criteria))

    def found_all(self, phrase: str, count: int) -> str:
        """Every match fits on this page."""
        return f"I found {count} {'match' if count == 1 else 'matches'} for {phrase}."

    def found_some(self, phrase: str, total: int, criteria: Criteria, shown: int) -> str:
        """More matches than this page shows."""
        order = "most recent first" if criteria.include_past and criteria.sort == "date" else _ORDER[criteria.sort]
        return f"I found {total} matches for {phrase}. Here are {shown}, {order}."

    def continued(self, phrase: str, total: int, first: int, last: int) -> str:
        """A later page."""
        return f"More {phrase} ({first}–{last} of {total})."

    def all_shown(self, phrase: str, total: int) -> str:
        """A page beyond the last one."""
        return f"That was all {total} matches for {phrase}."

    def not_found(self, phrase: str, coverage: str) -> str:
        """Nothing matched."""
        return f"I couldn't find any {phrase}." + (f" ({coverage})" if coverage else "")

    def relaxed(self, phrase: str, alternative: Mapping[str, Any], count: int, shown: int) -> str:
        """Nothing matched, but a relaxed search did: say what was relaxed."""
        text = f"I couldn't find any {phrase}. {_relaxed_label(alternative)}, I found {count}"
        return text + (f" (here are the {shown} soonest)." if count > shown else ".")

    def coverage(self, total: int, read: int, popular: bool) -> str:
        """What an incomplete read means for the picks."""
        text = f"connpass reports {total} matches; I picked from the {read} soonest."
        return text + (" Popularity ranks within those." if popular else "")

    def excluded(self, closed: int, full: int) -> str:
        """The matches left out."""
        parts = ([f"{closed} closed or cancelled"] if closed else []) + ([f"{full} full"] if full else [])
        return f" I left out {' and '.join(parts)} {'event' if closed + full == 1 else 'events'}." if parts else ""

    def refine_hint(self, criteria: Criteria) -> str:
        """How to narrow or change the search, with follow-ups the offline model understands."""
        has_place = bool(criteria.places or criteria.exclude)
        has_time = bool(criteria.months or criteria.dates or criteria.days or criteria.times)
        if not has_place and not has_time:
            return "You can narrow it down by place or time (e.g. “What about Osaka?”, “Next month?”, “Evenings?”)."
        if not has_place:
            return "You can narrow it down by place (e.g. “What about Tokyo?”, “Online?”)."
        if not has_time:
            return "You can narrow it down by time (e.g. “Next month?”, “This weekend?”, “Evenings?”)."
        return "You can change the search too (e.g. “Popular ones?”, “Any time is fine”)."

    def broaden(self, criteria: Criteria) -> str:
        """Ideas for a search that found nothing, each with a follow-up the offline model understands."""
        ideas = []
        if criteria.places or criteria.exclude:
            ideas.append("search anywhere (“Anywhere is fine”)")
        if criteria.places and criteria.places != (ONLINE,):
            ideas.append("search online events (“Online?”)")
        if criteria.months or criteria.dates:
            ideas += ["search any time (“Any time is fine”)", "try another month (“Next month?”)"]
        if criteria.days:
            ideas.append("any day of the week (“Any day is fine”)")
        if criteria.times:
            ideas.append("any time of day (“Any time of day is fine”)")
        if criteria.beginner:
            ideas.append("not only beginner events (“Not just for beginners”)")
        if criteria.kind:
            ideas.append("any kind of event (“Any kind is fine”)")
        if not ideas:
            ideas.append("another technology or keyword (e.g. “What about Python?”)")
        return "A broader search may find something:\n" + "\n".join(f"- {idea}" for idea in ideas)

    def no_more(self, criteria: Criteria, total: int) -> str:
        """“more” when the previous page was already the last one."""
        if total:
            return f"That's all {total} matches for {condition(criteria)}.\n\n{self.refine_hint(criteria)}"
        return f"Nothing was found for {condition(criteria)}, so there is nothing more.\n\n{self.refine_hint(criteria)}"

    def any_kind(self, phrase: str) -> str:
        """The offline model dropped the kind of event after nothing matched."""
        return f"I couldn't find any {phrase}, so I looked at all kinds of events."

    def widened(self, until: Criteria) -> str:
        """The offline model looked beyond the default window."""
        last = max(until.months, default="")
        through = f" (through {month_name(last)})" if len(last) == 6 and last.isdigit() else ""
        return f"Nothing in the next six months{through}, so I looked a year further ahead."

    def error(self, kind: str, message: Any, retry_after: Any) -> str:
        """The answer when the tool failed, then what the user can do."""
        text = {
            "timeout": "The connection to the event search timed out.",
            "rate_limited": "The event search is busy right now.",
            "unauthorized": "The event search is not configured correctly.",
            "upstream": "connpass returned an error.",
            "invalid_arguments": "I couldn't use those search conditions.",
        }.get(kind, "Something went wrong while searching for events.")
        if kind == "rate_limited" and isinstance(retry_after, int | float) and retry_after > 0:
            advice = f"Please wait about {math.ceil(retry_after)} seconds and send the same question again."
        elif kind == "invalid_arguments":
            advice = "Please rephrase with a technology, place and time, e.g. “Python events in Tokyo next month”."
        else:
            advice = "Please try the same question again in a little while."
        return f"{text}\n\n{advice}"
