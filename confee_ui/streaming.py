"""Adapt the agent client's Contract 1 event stream to ``st.write_stream``.

``st.write_stream`` wants an iterator of text; the client yields dicts and ends with a ``done`` event
carrying the events and meta. ``ReplyStream`` yields the text deltas and keeps what ``done`` carried,
so the app can render cards after the text has streamed in.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from confee_ui.state import Timing


class ReplyStream:
    """One streamed answer: iterate ``text()`` once, then read ``events``, ``meta`` and ``text_so_far``.

    Attributes:
        events: Compact event dicts from the ``done`` event (empty until it arrives).
        meta: The ``done`` event's ``meta`` (``model``, ``source``).
        done: Whether the ``done`` event arrived.
    """

    def __init__(self, raw: Iterable[Mapping[str, Any]], clock: Callable[[], float] = time.perf_counter) -> None:
        self._raw = raw
        self._parts: list[str] = []
        self._clock = clock
        self._started = clock()
        self._first_text: float | None = None
        self._finished: float | None = None
        self.events: list[dict[str, Any]] = []
        self.meta: dict[str, Any] = {}
        self.done = False

    def text(self) -> Iterator[str]:
        """Yield text deltas as they arrive; client errors (``AgentError``) propagate to the caller."""
        for item in self._raw:
            kind = item.get("type")
            if kind == "text":
                delta = str(item.get("text") or "")
                if delta:
                    if self._first_text is None:
                        self._first_text = self._clock()
                    self._parts.append(delta)
                    yield delta
            elif kind == "done":
                events = item.get("events")
                self.events = [dict(e) for e in events if isinstance(e, Mapping)] if isinstance(events, list) else []
                meta = item.get("meta")
                self.meta = dict(meta) if isinstance(meta, Mapping) else {}
                self.done = True
                self._finished = self._clock()

    def timing(self) -> Timing:
        """Seconds from the request to the first text and to the ``done`` event (or now, if it never came)."""
        end = self._finished if self._finished is not None else self._clock()
        first = None if self._first_text is None else self._first_text - self._started
        return Timing(first_text_s=first, total_s=end - self._started)

    @property
    def text_so_far(self) -> str:
        """All text received, also after an error cut the stream short."""
        return "".join(self._parts)
