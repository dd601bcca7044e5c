"""Issue 12: the agent server closes stalled and idle connections, and never cuts an answer that is slow to come.

A real uvicorn on 127.0.0.1 with the settings ``python -m agent serve`` uses (``agent.runtime.serving``), scaled
down to a 1 s timeout; raw sockets play the stalled clients.
"""

from __future__ import annotations

import itertools
import json
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import uvicorn

from agent import cli
from agent.runtime.server import create_app
from agent.runtime.serving import (
    KEEP_ALIVE_SECONDS,
    REQUEST_TIMEOUT_SECONDS,
    RequestTimeoutProtocol,
    uvicorn_timeouts,
    with_request_timeout,
)
from tests.agent.runtime.conftest import make_service
from tests.fixtures.scripted_model import ScriptedModel
from tests.fixtures.stalled_clients import hang_up_times
from tests.fixtures.uvicorn_server import serve_uvicorn

HEADER = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"
#: The servers' timeouts in these tests (10 s and 5 s in production).
TIMEOUT = 1.0
#: Silence inside an answer: longer than every timeout, which must not matter once the request is in.
PAUSE = 1.6


def timed_lines(url: str, session_id: str, payload: dict[str, Any]) -> list[tuple[float, str]]:
    """POST ``payload`` to ``/invocations``; each line of the answer with the time it arrived."""
    began = time.monotonic()
    lines: list[tuple[float, str]] = []
    with httpx.stream(
        "POST", f"{url}/invocations", json=payload, headers={HEADER: session_id}, timeout=PAUSE + 5
    ) as response:
        assert response.status_code == 200
        lines += [(time.monotonic() - began, line) for line in response.iter_lines() if line]
    return lines


def test_stalled_and_idle_connections_are_closed_but_slow_answers_are_not() -> None:
    service = make_service(ScriptedModel(pause=PAUSE))
    timeouts = uvicorn_timeouts(request_timeout=TIMEOUT, keep_alive=TIMEOUT)
    server = uvicorn.Server(uvicorn.Config(create_app(service), log_level="warning", lifespan="off", **timeouts))
    try:
        with serve_uvicorn(server) as url, ThreadPoolExecutor(2) as pool:
            streamed = pool.submit(timed_lines, url, "slow-stream-" + "s" * 30, {"prompt": "ゆっくり", "stream": True})
            whole = pool.submit(timed_lines, url, "slow-json-" + "j" * 30, {"prompt": "ゆっくり"})
            closed = hang_up_times(url, "/invocations", "/ping", limit=TIMEOUT + 3)
            stream, body = streamed.result(), whole.result()
    finally:
        service.close()

    assert set(closed) == {
        "nothing", "half a request line", "headers without their end", "half a body", "trickled headers",
        "idle after a response",
    }  # fmt: skip
    # Closed by the timeout: not at once, and not much later (the bounds leave room for a busy machine).
    assert all(TIMEOUT * 0.5 <= seconds <= TIMEOUT + 1.5 for seconds in closed.values()), closed

    events = [json.loads(line.removeprefix("data: ")) for _, line in stream]
    assert events[-1]["type"] == "done"
    assert "".join(e["text"] for e in events if e["type"] == "text") == "turn 1: ゆっくり"
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(stream)]
    assert max(gaps) >= TIMEOUT + 0.2  # the stream really was silent for longer than the timeouts
    ((took, line),) = body
    assert took >= PAUSE * 0.9 and json.loads(line)["response"] == "turn 1: ゆっくり"


def test_serve_command_runs_with_the_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}

    class App:
        def run(self, **kwargs: Any) -> None:
            seen.update(kwargs)

    monkeypatch.setattr("agent.runtime.server.create_app", App)
    assert cli.main(["serve", "--port", "8123"]) == 0
    assert seen["http"] is RequestTimeoutProtocol and RequestTimeoutProtocol.request_timeout == REQUEST_TIMEOUT_SECONDS
    assert seen["timeout_keep_alive"] == KEEP_ALIVE_SECONDS
    assert (seen["host"], seen["port"]) == ("127.0.0.1", 8123)


def test_timeouts_must_be_positive() -> None:
    assert with_request_timeout(2.5).request_timeout == 2.5
    for bad in (0, -1, float("nan")):
        with pytest.raises(ValueError):
            uvicorn_timeouts(request_timeout=bad)
        with pytest.raises(ValueError):
            uvicorn_timeouts(keep_alive=bad)
