"""Compact event cards: the agent's event dicts turned into short Markdown, with no Streamlit import.

The agent already answers in Markdown; cards repeat the facts a person scans for (title link, date,
place, capacity) in a fixed shape, so they are built here as pure functions that tests can reach.
Event fields come from the agent (and, through it, from connpass), so every string is escaped:
a title must not turn into a link, a LaTeX formula or a Streamlit colour directive.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from confee_ui.markdown import escape_markdown, safe_url

#: Fallback wording for replies from agents older than ``status_label`` (the agent's wording wins: one
#: wording across the answer and every UI, agent/events.py ``STATUS_LABELS``).
_STATUS_LABELS: dict[str, str] = {"preopen": "募集開始前", "close": "受付終了", "cancelled": "受付終了"}


def status_text(event: Mapping[str, Any]) -> str | None:
    """The status to flag next to the title, in the agent's words; ``None`` while one can simply sign up."""
    if event.get("status") == "open":
        return None
    label = event.get("status_label")
    if isinstance(label, str) and label.strip():
        return label.strip()
    return _STATUS_LABELS.get(str(event.get("open_status") or ""))


def _count(value: Any) -> int | None:
    """Read a non-negative count; connpass sends ``null`` for "no limit"."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        return None
    return int(value)


def capacity_text(event: Mapping[str, Any]) -> str:
    """Say how full an event is, e.g. ``参加 45/50人・補欠 3人``."""
    accepted = _count(event.get("accepted"))
    limit = _count(event.get("limit"))
    waiting = _count(event.get("waiting"))
    if accepted is None and limit is None:
        return "参加人数不明"
    if limit:
        text = f"参加 {accepted or 0}/{limit}人"
        if accepted is not None and accepted >= limit:
            text += "（満席）"
    else:
        text = f"参加 {accepted or 0}人（定員なし）"
    if waiting:
        text += f"・補欠 {waiting}人"
    return text


def place_text(event: Mapping[str, Any]) -> str:
    """Say where an event happens: ``オンライン`` or place and prefecture."""
    place = str(event.get("place") or "").strip()
    prefecture = str(event.get("prefecture") or "").strip()
    if event.get("online") or prefecture == "オンライン":
        return f"オンライン（{place}）" if place and place != "オンライン" else "オンライン"
    if place and prefecture and prefecture not in place:
        return f"{place}（{prefecture}）"
    return place or prefecture or "会場未定"


def date_text(event: Mapping[str, Any]) -> str:
    """The agent's preformatted Japanese date, or the raw start time as a fallback."""
    date = str(event.get("date") or "").strip()
    return date or str(event.get("started_at") or "日時未定")


def card_markdown(event: Mapping[str, Any]) -> str:
    """Render one event as a two-line Markdown card: linked title, then date, place, capacity and community."""
    title = escape_markdown(str(event.get("title") or "（タイトルなし）"))
    url = safe_url(event.get("url"))
    heading = f"**[{title}]({url})**" if url else f"**{title}**"
    status = status_text(event)
    if status:
        heading += f" — {escape_markdown(status)}"
    details = [
        f"📅 {escape_markdown(date_text(event))}",
        f"📍 {escape_markdown(place_text(event))}",
        f"👥 {escape_markdown(capacity_text(event))}",
    ]
    group = event.get("group")
    if isinstance(group, str) and group.strip():
        details.append(f"主催 {escape_markdown(group.strip())}")
    return f"{heading}  \n{' ・ '.join(details)}"


def cards_heading(events: Sequence[Mapping[str, Any]]) -> str:
    """Label for the block of cards under an answer."""
    return f"紹介したイベント（{len(events)}件）"
