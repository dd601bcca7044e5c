"""ReplyStream: yields only text, keeps the done event's payload, and keeps partial text on errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from confee_ui.streaming import ReplyStream


def test_text_then_done() -> None:
    raw: list[dict[str, Any]] = [
        {"type": "text", "text": "こん"},
        {"type": "text", "text": ""},
        {"type": "text", "text": "にちは"},
        {"type": "done", "session_id": "s", "events": [{"id": 1}, "junk"], "meta": {"model": "offline"}},
    ]
    reply = ReplyStream(raw)
    assert reply.events == [] and not reply.done
    assert list(reply.text()) == ["こん", "にちは"]
    assert reply.text_so_far == "こんにちは"
    assert reply.events == [{"id": 1}]
    assert reply.meta == {"model": "offline"}
    assert reply.done


def test_error_mid_stream_keeps_partial_text() -> None:
    def raw() -> Iterator[dict[str, Any]]:
        yield {"type": "text", "text": "途中"}
        raise RuntimeError("boom")

    reply = ReplyStream(raw())
    with pytest.raises(RuntimeError):
        list(reply.text())
    assert reply.text_so_far == "途中"
    assert not reply.done


def test_timing_to_first_text_and_done() -> None:
    ticks = iter([10.0, 10.4, 11.5])  # created, first text, done
    raw: list[dict[str, Any]] = [
        {"type": "text", "text": "a"},
        {"type": "text", "text": "b"},
        {"type": "done", "session_id": "s", "events": [], "meta": {}},
    ]
    reply = ReplyStream(raw, clock=lambda: next(ticks))
    list(reply.text())
    timing = reply.timing()
    assert timing.first_text_s == pytest.approx(0.4) and timing.total_s == pytest.approx(1.5)
