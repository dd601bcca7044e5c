"""Hand-made events and replies for the harness's tests: one good event, then variations that break one rule."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from agent.clock import JST
from eval.cases import parse_expect
from eval.facts import EventFacts

TODAY = dt.date(2026, 11, 24)
TS_URL = "https://ts-tokyo.sample-connpass.example/event/1/"


def fact(**changes: Any) -> EventFacts:
    """A TypeScript meetup in Shibuya, Tuesday 2026-12-08 19:30, open, not for beginners."""
    base = EventFacts(
        url=TS_URL,
        title="TypeScript Meetup Tokyo vol.1",
        catch="TypeScriptのミートアップです",
        description="型パズルを語ります。初めての方もどうぞ。",
        address="東京都渋谷区道玄坂1-2-3",
        place="サンプルスペース渋谷",
        prefecture="tokyo",
        start=dt.datetime(2026, 12, 8, 19, 30, tzinfo=JST),
        status="open",
        accepted=10,
        beginner=False,
        from_catalogue=True,
    )
    return dataclasses.replace(base, **changes)


def expect(**raw: Any) -> Any:
    """An ``Expect`` from golden-file keys (so tests exercise the same parser)."""
    return parse_expect(raw, "test")


def compact(fact_: EventFacts | None = None, **changes: Any) -> dict[str, Any]:
    """A compact event (Contract 1) with every contract field, telling the truth about ``fact_``."""
    f = fact_ or fact()
    assert f.start is not None
    event = {
        "id": 1,
        "title": f.title,
        "url": f.url,
        "date": f"{f.start.year}年{f.start.month}月{f.start.day}日 {f.start:%H:%M}",
        "started_at": f.start.isoformat(),
        "days_until": (f.start.date() - TODAY).days,
        "place": f.place,
        "address": f.address,
        "prefecture": {"tokyo": "東京都", "osaka": "大阪府", "online": "オンライン"}.get(f.prefecture or "", ""),
        "accepted": f.accepted,
        "limit": 40,
        "open_status": "open",
        "catch": f.catch,
        "status": f.status,
        "status_label": "受付中",
        "beginner": f.beginner,
        "weekday": ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[f.start.weekday()],
        "start_time": f"{f.start:%H:%M}",
    }
    event.update(changes)
    return event


def card(event: dict[str, Any]) -> str:
    """How answers link an event."""
    return f"### [{event['title']}]({event['url']})\n- 📅 {event['date']}\n"
