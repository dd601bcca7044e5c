"""``AgentStream`` and every transport's ``stream()`` against a real agent that writes slowly.

The agent (``tests/proxy/paced_paced_agent.py``) runs behind the real AgentCore app on uvicorn; the HTTP transport
talks to it directly, the ARN transport through real boto3 and the fake AgentCore data plane, the in-process
transport to the same service. Each must deliver text before the agent has finished, keep the total budget,
and, when closed from another thread while it waits, end the turn so that the agent keeps nothing of it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from proxy.client import AgentError, new_session_id
from proxy.client.stream import AgentStream, Interrupt
from tests.proxy.paced_agent import FAIL, LONG, PAUSE, TRANSPORTS, PacedAgent, history, wait_until_idle


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_text_arrives_while_the_agent_is_still_writing(paced_agent: PacedAgent, transport: str) -> None:
    client = paced_agent.client(transport)
    arrivals: list[tuple[float, dict[str, Any]]] = []
    for event in client.stream(new_session_id(), f"{LONG}をください"):
        arrivals.append((time.monotonic(), event))
    finished = paced_agent.model.finished[-1]
    first_text = next(at for at, event in arrivals if event["type"] == "text")
    assert finished - first_text > 0.5, "the first text came only when the answer was (nearly) complete"
    assert first_text - paced_agent.model.started[-1] < 0.3  # a few hundred ms at most after the agent wrote it
    texts = [event for _, event in arrivals if event["type"] == "text"]
    assert len(texts) > 10 and arrivals[-1][1]["type"] == "done"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_close_from_another_thread_cancels_the_turn(paced_agent: PacedAgent, transport: str) -> None:
    """The reader is blocked waiting for the agent; closing wakes it, and the aborted turn leaves no trace."""
    client = paced_agent.client(transport)
    sid = new_session_id()
    first = client.invoke(sid, "最初の質問")
    assert first.response == "turn 1: 最初の質問"
    kept = history(paced_agent.service, sid)
    cancelled_before = paced_agent.model.cancelled

    stream = client.stream(sid, f"{PAUSE} 長い回答", turn=1)
    got_first = threading.Event()
    outcome: list[Any] = []

    def read() -> None:
        try:
            for _event in stream:
                got_first.set()
            outcome.append("ended")
        except AgentError as error:
            outcome.append(error.code)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert got_first.wait(5)
    time.sleep(0.1)  # the reader now waits inside next() while the agent pauses
    closed_at = time.monotonic()
    stream.close()
    reader.join(timeout=2)
    assert not reader.is_alive(), "close() did not wake the blocked reader"
    assert time.monotonic() - closed_at < 1.0
    assert paced_agent.wait_for_cancellation(cancelled_before), "the agent finished the turn nobody reads"
    assert wait_until_idle(paced_agent.service, sid)
    assert history(paced_agent.service, sid) == kept  # nothing half-written counts as an exchange

    again = client.invoke(sid, "もう一度", turn=1)  # the same turn number works
    assert again.response == "turn 2: もう一度"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_stream_keeps_the_total_budget(paced_agent: PacedAgent, transport: str) -> None:
    budget = 0.8
    client = paced_agent.client(transport, timeout=budget)
    sid = new_session_id()
    started = time.monotonic()
    events: list[dict[str, Any]] = []
    with pytest.raises(AgentError) as caught:
        for event in client.stream(sid, f"{PAUSE} 長い回答"):
            events.append(event)
    assert caught.value.code == "agent_timeout"
    assert events and events[0]["type"] == "text"  # it did stream before the budget ran out
    assert time.monotonic() - started < budget + 0.5


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_agent_failure_after_text_raises_after_the_text(paced_agent: PacedAgent, transport: str) -> None:
    events: list[dict[str, Any]] = []
    with pytest.raises(AgentError) as caught:
        for event in paced_agent.client(transport).stream(new_session_id(), f"{FAIL} please"):
            events.append(event)
    assert caught.value.code == "agent_unavailable"
    assert [event["type"] for event in events] == ["text"]


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_closing_before_the_first_read_never_starts_the_turn(paced_agent: PacedAgent, transport: str) -> None:
    calls = paced_agent.model.calls
    stream = paced_agent.client(transport).stream(new_session_id(), "始まらない")
    stream.close()
    assert list(stream) == []
    time.sleep(0.2)
    assert paced_agent.model.calls == calls


def test_interrupt_registered_after_the_request_runs_at_once() -> None:
    ran: list[str] = []
    interrupt = Interrupt()
    interrupt.request()
    interrupt.on_request(lambda: ran.append("late"))
    assert ran == ["late"]
    interrupt.request()  # once only
    assert ran == ["late"]


def test_agent_stream_closes_its_generator_in_the_reading_thread() -> None:
    """Closing while another thread is inside ``next()`` must not raise "generator already executing"."""
    release = threading.Event()
    unwound: list[str] = []

    def events() -> Iterator[dict[str, Any]]:
        try:
            yield {"type": "text", "text": "あ"}
            release.wait(5)
            yield {"type": "text", "text": "い"}
        finally:
            unwound.append(threading.current_thread().name)

    stream = AgentStream(events(), interrupt := Interrupt())
    interrupt.on_request(release.set)
    assert next(stream)["text"] == "あ"
    results: list[Any] = []
    reader = threading.Thread(target=lambda: results.append(next(stream, None)), name="reader")
    reader.start()
    time.sleep(0.05)
    stream.close()
    reader.join(2)
    assert results == [{"type": "text", "text": "い"}]  # the read in progress completes...
    assert unwound == ["reader"]  # ...and the generator is closed there, not in the closing thread
    assert next(stream, None) is None
