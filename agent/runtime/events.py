"""Which events an answer showed: read back from this turn's ``search_connpass`` results."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from agent.search import TOOL_NAME


def tool_events(messages: Sequence[Any]) -> list[dict[str, Any]]:
    """Compact events from successful search results in ``messages``, first occurrence of each id kept."""
    tool_ids = {
        block["toolUse"]["toolUseId"]
        for message in messages
        for block in message.get("content", [])
        if "toolUse" in block and block["toolUse"].get("name") == TOOL_NAME
    }
    seen: dict[Any, dict[str, Any]] = {}
    for message in messages:
        for block in message.get("content", []):
            result = block.get("toolResult")
            if not result or result.get("toolUseId") not in tool_ids or result.get("status") != "success":
                continue
            for content in result.get("content", []):
                try:
                    data = json.loads(content["text"]) if "text" in content else content.get("json", {})
                except (ValueError, TypeError):
                    continue
                for event in _result_events(data):
                    seen.setdefault(event.get("id"), event)
    return list(seen.values())


def _result_events(data: Any) -> list[dict[str, Any]]:
    """A search result's events, then its alternatives' (what an answer may link when nothing matched)."""
    if not isinstance(data, dict):
        return []
    events = [e for e in data.get("events") or [] if isinstance(e, dict)]
    for alternative in data.get("alternatives") or []:
        if isinstance(alternative, dict):
            events += [e for e in alternative.get("events") or [] if isinstance(e, dict)]
    return events


def shown_events(answer: str, candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The candidates the answer links to, in the order the answer mentions them."""
    linked = [(answer.find(e["url"]), e) for e in candidates if e.get("url") and e["url"] in answer]
    return [event for _, event in sorted(linked, key=lambda pair: pair[0])]
