"""The SSE response's own mechanics: framing, and a reading thread that never outlives the process."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
import time
from typing import Any

from proxy.api.sse import Handoff, sse_frame
from tests.fixtures.agent_server import REPO_ROOT


def test_each_event_is_one_data_line() -> None:
    frame = sse_frame({"type": "text", "text": "一行目\n二行目\r\n\u2028三行目"})
    assert frame.endswith(b"\n\n") and frame.count(b"\n") == 2 and b"\r" not in frame
    assert json.loads(frame[len(b"data: ") :]) == {"type": "text", "text": "一行目\n二行目\r\n\u2028三行目"}


def test_a_stream_that_ends_after_the_answer_does_not_hold_the_process_open() -> None:
    """The agent's stream may end after ``done`` was sent and the event loop has stopped (a server shutting down,
    a test's loop ending). Its reading thread must not wait for that loop: once it did, forever, and the
    interpreter could not exit."""
    script = textwrap.dedent(
        """
        import time
        from proxy.app import create_app
        from proxy.client.stream import AgentStream, Interrupt
        from tests.proxy.api import chat_body, post

        class LingeringClient:
            target, label = "local", "lingering"

            def stream(self, session_id, message, turn=0):
                def events():
                    yield {"type": "text", "text": "回答"}
                    yield {"type": "done", "session_id": session_id, "events": [], "meta": {}}
                    time.sleep(0.5)  # the reader finishes after the response (and its loop) did

                return AgentStream(events(), Interrupt())

        for _ in range(3):
            assert post(create_app(LingeringClient()), "/chat/stream", chat_body()).status_code == 200
        print("answered")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "answered" in done.stdout


def test_handing_over_never_waits_for_the_loop() -> None:
    """A loop that stopped without running the callback, or closed: the reading thread goes on (and ends)."""
    loop = asyncio.new_event_loop()

    async def make() -> Handoff:
        return Handoff(asyncio.get_running_loop())

    handoff = loop.run_until_complete(make())
    started = time.monotonic()
    assert handoff.put(("event", {"type": "text", "text": "あ"})) is True  # the loop is not running: queued only
    assert time.monotonic() - started < 2.0  # a blocked hand-over would wait for a loop that never runs
    loop.close()
    assert handoff.put(("end", None)) is False  # closed: nobody will ever take it


def test_handing_over_stops_once_the_response_is_gone() -> None:
    async def scenario() -> list[Any]:
        handoff = Handoff(asyncio.get_running_loop())
        assert handoff.put(("event", {"type": "text", "text": "あ"}))
        await asyncio.sleep(0)
        received: list[Any] = [await handoff.items.receive()]
        handoff.close()
        received.append(handoff.put(("end", None)))
        return received

    assert asyncio.run(scenario()) == [("event", {"type": "text", "text": "あ"}), False]
