"""Hand-made connpass v2 events for search tests (the catalogue tests cover realistic data)."""

from __future__ import annotations

from typing import Any


def event(event_id: int, start: str, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": event_id,
        "title": f"Event {event_id}",
        "catch": "",
        "description": "<p>説明</p>",
        "url": f"https://sample-connpass.example/event/{event_id}/",
        "started_at": start,
        "ended_at": start.replace("T10:00", "T12:00"),
        "limit": 50,
        "accepted": 10,
        "waiting": 0,
        "open_status": "open",
        "event_type": "participation",
        "address": "東京都渋谷区道玄坂1-1",
        "place": "サンプル会議室",
        "updated_at": start,
    }
    base.update(fields)
    return base
