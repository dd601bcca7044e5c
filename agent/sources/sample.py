"""The bundled sample catalogue as an event source, searched locally with connpass API v2's semantics.

Used when no connpass key is configured (the embedded default) and in tests. The search itself is the
event mirror's (``agent.sources.index``): only where the events come from differs.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

from agent.data import SAMPLE_EVENTS_FILE
from agent.errors import SourceError
from agent.events import Event
from agent.sources.catalogue import LocalCatalogue
from agent.sources.index import EventIndex
from agent.text import normalize

__all__ = ["SampleCatalogue", "normalize"]


def _events_of(data: Any, origin: str) -> list[Any]:
    """Accept a connpass response body (``{"events": [...]}``) or a bare list of events."""
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list):
        raise SourceError("malformed", f"{origin}: expected a connpass response body or a list of events")
    return events


def _build(events: Iterable[Any]) -> EventIndex:
    checked: list[Event] = []
    for event in events:
        if not isinstance(event, dict) or not isinstance(event.get("id"), int):
            raise SourceError("malformed", "sample catalogue: every event must be an object with an integer id")
        checked.append(event)
    return EventIndex.from_events(checked)


def _load_file(path: Path) -> EventIndex:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SourceError("malformed", f"{path}: {error}") from error
    return _build(_events_of(data, str(path)))


@functools.cache
def _bundled() -> EventIndex:
    """The packaged catalogue, parsed and indexed once per process."""
    text = resources.files("agent.data").joinpath(SAMPLE_EVENTS_FILE).read_text(encoding="utf-8")
    return _build(_events_of(json.loads(text), SAMPLE_EVENTS_FILE))


class SampleCatalogue(LocalCatalogue):
    """Fictional connpass events bundled with Confee, searched like the connpass API v2.

    Args:
        events: ``None`` for the bundled catalogue; a path to a JSON file (a connpass response body or a
            list of events); or the events themselves (tests).

    Raises:
        SourceError: ``malformed`` when the file cannot be read or does not hold connpass events.
    """

    def __init__(self, events: str | os.PathLike[str] | Iterable[Event] | None = None) -> None:
        if events is None:
            index = _bundled()
        elif isinstance(events, str | os.PathLike):
            index = _load_file(Path(events))
        else:
            index = _build(events)
        super().__init__(index, "sample")
