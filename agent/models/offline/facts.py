"""Facts about one compact event that every answer language needs: status, timing, level, and safe Markdown.

The tool says these in its own fields (``status``, ``status_label``, ``beginner``, ``ended``), and leaves flags out
when they are false (tokens are money). Results written before those fields existed (no ``status``), or by a fake,
are read from the raw ones, so answers never depend on which tool version produced the result.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, Literal

Status = Literal["open", "full", "preopen", "closed"]

#: The tool's wording of each status (the one every UI uses).
STATUS_LABELS_JA: dict[Status, str] = {
    "open": "受付中", "full": "満席（補欠登録可）", "preopen": "募集開始前", "closed": "受付終了",
}  # fmt: skip
#: Participants from which an event is called popular (a third of that when the user asked for popular ones).
POPULAR_AT = 100

_BEGINNER = re.compile(r"初心者|入門|はじめて|初めて|ビギナー|未経験|beginner", re.IGNORECASE)
_STATUSES: tuple[Status, ...] = ("open", "full", "preopen", "closed")


def int_of(value: Any) -> int:
    """An int field, or 0 (``bool`` is not a count)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def status_of(event: Mapping[str, Any]) -> Status:
    """``open`` / ``full`` / ``preopen`` / ``closed``: the tool's ``status``, else derived from the raw fields."""
    status = event.get("status")
    if status in _STATUSES:
        return status  # type: ignore[no-any-return]
    open_status = event.get("open_status")
    if open_status in ("close", "cancelled"):
        return "closed"
    if open_status == "preopen":
        return "preopen"
    limit = int_of(event.get("limit"))
    return "full" if limit and int_of(event.get("accepted")) >= limit else "open"


def status_label_ja(event: Mapping[str, Any]) -> str:
    """The tool's ``status_label`` (受付中, 満席（補欠登録可）…), or the same wording derived from ``status``."""
    label = event.get("status_label")
    return label if isinstance(label, str) and label.strip() else STATUS_LABELS_JA[status_of(event)]


def _current(event: Mapping[str, Any]) -> bool:
    """The event comes from a tool that leaves false flags out (it says ``status``)."""
    return event.get("status") in _STATUSES


def is_past(event: Mapping[str, Any]) -> bool:
    """Over already: the tool's ``ended`` flag (an ongoing multi-day event started earlier but is not past)."""
    if isinstance(event.get("ended"), bool):
        return bool(event["ended"])
    if _current(event):
        return False
    days = event.get("days_until")
    return isinstance(days, int) and days < 0


def beginner_in_catch(event: Mapping[str, Any]) -> bool:
    """The title or catch itself says the event welcomes beginners (what the reader sees)."""
    return bool(_BEGINNER.search(f"{event.get('title') or ''} {event.get('catch') or ''}"))


def is_beginner(event: Mapping[str, Any]) -> bool:
    """The tool's ``beginner`` flag (a beginner word anywhere in the text), else the title or catch."""
    flag = event.get("beginner")
    if isinstance(flag, bool) or _current(event):
        return flag is True
    return beginner_in_catch(event)


def parse_iso(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp, or ``None``."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value)
    except ValueError:
        return None


def literal(text: str) -> str:
    """Organiser-written text shown as is: no link, image, emphasis or HTML of its own (tool results are data)."""
    return re.sub(r"([\[\]\\*_`<>])", r"\\\1", text)


def link(title: str, url: str, untitled: str) -> str:
    """A Markdown link to ``url`` (http/https only) with ``title`` as its literal text."""
    text = literal(title) or untitled
    safe_url = url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    return f"[{text}]({safe_url})" if safe_url.startswith(("https://", "http://")) else text


#: Characters of the catch quoted as a reason.
CATCH_CHARS = 40


def reasons(event: Mapping[str, Any], criteria: Any) -> list[tuple[str, Any]]:
    """Why an event is worth a look, as ``(kind, value)`` pairs each language words (``text_ja``/``text_en``).

    Timing, popularity, seats, who it suits; the catch when little else is said; a fallback when nothing is.
    At most three.
    """
    found: list[tuple[str, Any]] = []
    days = event.get("days_until")
    accepted, limit = int_of(event.get("accepted")), int_of(event.get("limit"))
    if is_past(event) or criteria.include_past:
        found.append(("past", None))
    elif isinstance(days, int) and days < 0:
        found.append(("ongoing", None))
    elif days == 0:
        found.append(("today", None))
    elif days == 1:
        found.append(("tomorrow", None))
    elif isinstance(days, int) and days <= 14:
        found.append(("days", days))
    popular = accepted >= POPULAR_AT or (criteria.sort == "popular" and accepted >= POPULAR_AT // 3)
    if popular:
        found.append(("popular", accepted))
    status = status_of(event)
    if limit and not popular and not is_past(event):
        left = limit - accepted
        if status == "full":
            found.append(("waitlist", None))
        elif status == "open" and 0 < left <= max(2, limit // 5):
            found.append(("few_left", left))
        elif status == "open" and accepted <= limit * 0.3:
            found.append(("plenty", left))
    if beginner_in_catch(event):
        found.append(("beginners_welcome", None))
    elif is_beginner(event):
        found.append(("beginner_content", None))
    catch = str(event.get("catch") or "")
    if len(found) < 2 and catch:
        found.append(("catch", literal(catch if len(catch) <= CATCH_CHARS else catch[: CATCH_CHARS - 1] + "…")))
    if not found:
        found.append(("online" if event.get("online") else "matches", None))
    return found[:3]
