"""Issue 12: the local Chat API server (``python -m proxy.local``) closes stalled and idle connections, and never
cuts an answer that is slow to come, with the agent server behind it on the same settings.

Both are real uvicorn servers on 127.0.0.1 built as their commands build them (``proxy.local.make_server``, and the
agent app with ``agent.runtime.serving.uvicorn_timeouts``), scaled down to a 1 s timeout.
"""

from __future__ import annotations

import itertools
import json
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from agent.runtime.server import create_app as create_agent_app
from agent.runtime.serving import uvicorn_timeouts
from proxy.agent_client import client_from_target, new_session_id
from proxy.app import create_app
from proxy.local import create_local_app, make_server
from tests.fixtures.stalled_clients import hang_up_times
from tests.fixtures.uvicorn_server import serve_asgi, serve_uvicorn
from tests.proxy.api import AnsweringClient, sse_events
from tests.proxy.paced_agent import PAUSE, PacedModel, paced_service

#: The servers' timeouts in these tests (10 s and 5 s in production).
TIMEOUT = 1.0
#: Silence inside an answer (after its first words): longer than every timeout.
SILENCE = 1.6
QUESTION = f"{PAUSE}: ゆっくり答えて"


def timed_lines(url: str, path: str) -> list[tuple[float, str]]:
    """POST the slow question to ``path``; each line of the answer with when it arrived."""
    began = time.monotonic()
    body = {"message": QUESTION, "session_id": new_session_id()}
    with httpx.stream("POST", f"{url}{path}", json=body, timeout=SILENCE + 10) as response:
        assert response.status_code == 200, response.read()
        return [(time.monotonic() - began, line) for line in response.iter_lines() if line]


def test_stalled_and_idle_connections_are_closed_but_slow_answers_are_not(tmp_path: Path) -> None:
    service = paced_service(PacedModel(pace=0.01, pause=SILENCE))
    timeouts = uvicorn_timeouts(request_timeout=TIMEOUT, keep_alive=TIMEOUT)
    agent = uvicorn.Server(uvicorn.Config(create_agent_app(service), log_level="warning", lifespan="off", **timeouts))
    try:
        with serve_uvicorn(agent) as agent_url:
            app = create_local_app(client_from_target(agent_url), spa_dir=tmp_path)
            api = make_server(app, request_timeout=TIMEOUT, keep_alive=TIMEOUT)
            with serve_uvicorn(api) as url, ThreadPoolExecutor(2) as pool:
                streamed = pool.submit(timed_lines, url, "/api/chat/stream")
                whole = pool.submit(timed_lines, url, "/api/chat")
                closed = hang_up_times(url, "/api/chat", "/api/health", limit=TIMEOUT + 3)
                stream, body = streamed.result(), whole.result()
                agent.should_exit = True  # both servers stop at once
    finally:
        service.close()

    assert len(closed) == 6
    # Closed by the timeout: not at once, and not much later (the bounds leave room for a busy machine).
    assert all(TIMEOUT * 0.5 <= seconds <= TIMEOUT + 1.5 for seconds in closed.values()), closed

    events = sse_events("".join(f"{line}\n\n" for _, line in stream))
    assert events[-1]["type"] == "done"
    assert "".join(e["text"] for e in events if e["type"] == "text").endswith(QUESTION)
    gaps = [later - earlier for (earlier, _), (later, _) in itertools.pairwise(stream)]
    assert max(gaps) >= TIMEOUT + 0.2  # the stream really was silent for longer than the timeouts
    ((took, line),) = body
    assert took >= SILENCE * 0.9 and QUESTION in line


def test_default_timeouts_are_the_shared_ones() -> None:
    from agent.runtime.serving import KEEP_ALIVE_SECONDS, REQUEST_TIMEOUT_SECONDS

    config = make_server(create_local_app(client_from_target("http://127.0.0.1:9"))).config
    assert config.http.request_timeout == REQUEST_TIMEOUT_SECONDS
    assert config.timeout_keep_alive == KEEP_ALIVE_SECONDS


def test_a_request_that_is_not_http_gets_the_contract_2_error(tmp_path: Path) -> None:
    """uvicorn's own answer would be ``text/plain`` "Invalid HTTP request received."; every answer is JSON."""
    app = create_local_app(client_from_target("http://127.0.0.1:9"), spa_dir=tmp_path)
    with serve_uvicorn(make_server(app)) as url:
        host, port = url.removeprefix("http://").split(":")
        for garbage in (b"garbage\r\n\r\n", b"GET /api/health HTTP/1.1\r\nHost x\r\n\r\n"):
            with socket.create_connection((host, int(port)), timeout=5) as sock:
                sock.sendall(garbage)
                answer = b""
                while chunk := sock.recv(65536):  # the server closes the connection after its answer
                    answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"HTTP/1.1 400 "), answer
            assert b"content-type: application/json; charset=utf-8" in head.lower()
            assert json.loads(body) == {
                "error": {"code": "invalid_request", "message": "リクエストの形式が正しくありません。"}
            }


def test_a_client_gone_mid_body_is_logged_as_a_refused_request_not_an_api_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Nobody reads the answer; a log line at ERROR (with a traceback) would count as the API failing."""
    records: list[dict[str, Any]] = []
    with serve_asgi(create_app(AnsweringClient())) as url:
        host, port = url.removeprefix("http://").split(":")
        for route in ("/chat", "/chat/stream"):
            head = f"POST {route} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
            with socket.create_connection((host, int(port)), timeout=5) as sock:
                sock.sendall(head.encode() + b'{"message": "Rust')  # then hang up
        deadline = time.monotonic() + 5
        while len(records) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
            lines = capsys.readouterr().out.splitlines()
            records += [r for r in map(json.loads, lines) if r.get("event") == "chat"]
    assert [(r["route"], r["status"], r["code"], r["level"]) for r in records] == [
        ("/chat", 400, "invalid_request", "INFO"),
        ("/chat/stream", 400, "invalid_request", "INFO"),
    ], records
    assert all("disconnected" in r["detail"] for r in records)
