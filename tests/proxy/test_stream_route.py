"""``POST /chat/stream`` through a real uvicorn on 127.0.0.1, in front of real agents.

The offline agent server checks framing, order and the ``done`` event; the paced agent (which writes slowly)
checks that text arrives while the answer is still being written, keep-alives, the budget, and that a client
that leaves cancels the agent's turn through each transport.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from proxy.app import create_app
from proxy.client import AgentClient, client_from_target, new_session_id
from tests.fixtures.agent_server import free_port
from tests.fixtures.uvicorn_server import serve_asgi
from tests.proxy.api import QUESTION, answer_text, chat_body, sse_events
from tests.proxy.paced_agent import FAIL, LONG, PAUSE, PAUSE_SECONDS, TRANSPORTS, PacedAgent, history, wait_until_idle

JSON = {"Content-Type": "application/json"}


@contextmanager
def serving(client: AgentClient, **options: Any) -> Iterator[str]:
    with serve_asgi(create_app(client, **options)) as url:
        yield url


def read_stream(url: str, body: dict[str, Any], **headers: str) -> tuple[httpx.Response, list[tuple[float, str]]]:
    """POST ``body`` to ``/chat/stream`` and read it line by line, noting when each line arrived."""
    lines: list[tuple[float, str]] = []
    with httpx.stream("POST", f"{url}/chat/stream", json=body, headers=headers, timeout=30) as response:
        for line in response.iter_lines():
            lines.append((time.monotonic(), line))
    return response, lines


def events_of(lines: list[tuple[float, str]]) -> list[dict[str, Any]]:
    text = "".join(f"{line}\n" for _, line in lines)
    return sse_events(text)


def test_framing_order_and_done(agent_server_url: str, openapi: Any) -> None:
    with serving(client_from_target(agent_server_url)) as url:
        response, lines = read_stream(url, chat_body(QUESTION, new_session_id()))
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
        assert response.headers["cache-control"] == "no-store"
        assert response.headers["x-accel-buffering"] == "no"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "content-length" not in response.headers  # streamed, not buffered
        events = events_of(lines)
        kinds = [event["type"] for event in events]
        assert kinds.count("done") == 1 and kinds[-1] == "done" and set(kinds[:-1]) == {"text"}
        assert len(kinds) > 3
        done = events[-1]
        assert done["events"] and all("title" in event for event in done["events"])
        assert done["meta"] == {"model": "offline", "source": "sample"}  # public meta only
        for event in events:
            openapi.check_stream_event(event)
        whole = httpx.post(f"{url}/chat", json=chat_body(QUESTION, new_session_id()), timeout=30).json()
        assert answer_text(events) == whole["response"]  # the offline model is deterministic
        assert done["events"] == whole["events"]


def test_errors_before_the_first_byte_match_chat(agent_server_url: str) -> None:
    unreachable = client_from_target(f"http://127.0.0.1:{free_port()}")
    cases = [
        (client_from_target(agent_server_url), chat_body("大阪だと？", new_session_id(), turn=1), 408),
        (unreachable, chat_body(), 503),
    ]
    for client, body, status in cases:
        with serving(client) as url:
            chat = httpx.post(f"{url}/chat", json=body, timeout=30)
            stream = httpx.post(f"{url}/chat/stream", json=body, timeout=30)
        assert chat.status_code == stream.status_code == status
        assert stream.headers["content-type"] == "application/json; charset=utf-8"
        assert stream.json() == chat.json()


def test_throttling_before_the_first_byte_matches_chat(paced_agent: PacedAgent) -> None:
    with serving(paced_agent.client("arn")) as url:
        paced_agent.fake.fail_next("ThrottlingException", times=2, headers={"Retry-After": "3"})
        chat = httpx.post(f"{url}/chat", json=chat_body(session_id=new_session_id()), timeout=30)
        stream = httpx.post(f"{url}/chat/stream", json=chat_body(session_id=new_session_id()), timeout=30)
    assert chat.status_code == stream.status_code == 429
    assert chat.headers["retry-after"] == stream.headers["retry-after"] == "3"
    assert stream.json() == chat.json()


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_first_text_arrives_while_the_agent_is_still_writing(paced_agent: PacedAgent, transport: str) -> None:
    with serving(paced_agent.client(transport)) as url:
        sent = time.monotonic()
        response, lines = read_stream(url, chat_body(f"{LONG}をください", new_session_id()))
    assert response.status_code == 200
    first_text = next(at for at, line in lines if line.startswith('data: {"type": "text"'))
    finished = paced_agent.model.finished[-1]
    assert finished - first_text > 0.5, "the first text arrived only when the answer was (nearly) complete"
    assert first_text - sent < 1.0
    assert first_text - paced_agent.model.started[-1] < 0.3  # within a few hundred ms of the agent writing it
    events = events_of(lines)
    assert sum(event["type"] == "text" for event in events) > 10 and events[-1]["type"] == "done"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_error_after_the_first_byte_is_an_error_event(paced_agent: PacedAgent, transport: str, openapi: Any) -> None:
    with serving(paced_agent.client(transport)) as url:
        response, lines = read_stream(url, chat_body(f"{FAIL} please", new_session_id()))
    assert response.status_code == 200
    events = events_of(lines)
    assert [event["type"] for event in events] == ["text", "error"]
    assert events[-1]["code"] == "agent_unavailable" and events[-1]["message"]
    openapi.check_stream_event(events[-1])


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_client_disconnect_cancels_the_turn(
    paced_agent: PacedAgent, transport: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A browser that stops (or leaves) mid-answer: the agent stops too, and the aborted turn leaves no trace."""
    sid = new_session_id()
    with serving(paced_agent.client(transport)) as url:
        first = httpx.post(f"{url}/chat", json=chat_body("最初の質問", sid), timeout=30).json()
        assert first["response"] == "turn 1: 最初の質問"
        kept = history(paced_agent.service, sid)
        cancelled = paced_agent.model.cancelled
        with httpx.stream("POST", f"{url}/chat/stream", json=chat_body(f"{PAUSE} {LONG}", sid, turn=1)) as response:
            first_line = next(line for line in response.iter_lines() if line)
        assert json.loads(first_line[len("data: ") :])["type"] == "text"
        assert paced_agent.wait_for_cancellation(cancelled), "the agent finished a turn nobody reads"
        assert wait_until_idle(paced_agent.service, sid)
        assert history(paced_agent.service, sid) == kept  # nothing half-written counts as an exchange
        again = httpx.post(f"{url}/chat", json=chat_body("もう一度", sid, turn=1), timeout=30)
        assert again.json()["response"] == "turn 2: もう一度"  # the same turn number works
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    aborted = next(record for record in records if record["route"] == "/chat/stream")
    assert aborted["disconnected"] is True and aborted["status"] == 200


def test_keep_alive_comments_while_the_agent_is_silent(paced_agent: PacedAgent) -> None:
    with serving(paced_agent.client("http"), keep_alive_seconds=0.3) as url:
        response, lines = read_stream(url, chat_body(f"{PAUSE} please", new_session_id()))
    assert response.status_code == 200
    frames = [line for _, line in lines if line]
    assert frames[0].startswith('data: {"type": "text"')
    keep_alives = [index for index, frame in enumerate(frames) if frame == ": keep-alive"]
    assert len(keep_alives) >= int(PAUSE_SECONDS / 0.3) - 2  # one per 0.3 s of the agent's pause
    assert keep_alives[0] == 1  # after the first text, during the pause
    assert json.loads(frames[-1][len("data: ") :])["type"] == "done"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_the_whole_answer_keeps_the_budget(
    paced_agent: PacedAgent, transport: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    budget = 0.8  # the agent would need more than 3 s (a 2 s pause, then a long answer)
    monkeypatch.setenv("AGENT_TIMEOUT_SECONDS", str(budget))
    cancelled = paced_agent.model.cancelled
    with serving(paced_agent.client(transport, timeout=30)) as url:  # the route's budget, not the client's
        sent = time.monotonic()
        response, lines = read_stream(url, chat_body(f"{PAUSE} {LONG}", new_session_id()))
    ended = lines[-1][0]
    events = events_of(lines)
    assert response.status_code == 200
    assert events[0]["type"] == "text"
    assert events[-1]["type"] == "error" and events[-1]["code"] == "agent_timeout"
    assert ended - sent < budget + 1.0  # (the budget starts when the request reaches the app)
    assert paced_agent.wait_for_cancellation(cancelled)  # the overrun turn does not run on
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    record = next(record for record in records if record.get("route") == "/chat/stream")
    assert (record["status"], record["code"], record["error_status"]) == (200, "agent_timeout", 504)
    assert record["duration_ms"] < budget * 1000 + 250


def test_preflight_and_cors_on_the_stream(agent_server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = "http://localhost:5173"
    monkeypatch.setenv("ALLOWED_ORIGINS", origin)
    with serving(client_from_target(agent_server_url)) as url:
        preflight = httpx.options(
            f"{url}/chat/stream",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )
        assert preflight.status_code == 204
        assert preflight.headers["access-control-allow-origin"] == origin
        assert "POST" in preflight.headers["access-control-allow-methods"]
        assert preflight.headers["access-control-allow-headers"] == "Content-Type"
        response, _ = read_stream(url, chat_body(session_id=new_session_id()), Origin=origin)
        assert response.headers["access-control-allow-origin"] == origin
        assert response.headers["vary"] == "Origin"


@pytest.mark.parametrize("route", ["/chat", "/chat/stream"])
def test_oversized_upload_is_refused_unread(agent_server_url: str, route: str) -> None:
    with serving(client_from_target(agent_server_url)) as url:
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            head = (
                f"POST {route} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
            )
            sock.sendall(head.encode())  # the body never comes: the server must answer without waiting for it
            received = b""
            while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    assert status_line.startswith(b"HTTP/1.1 400 ")
    body = rest.partition(b"\r\n\r\n")[2]
    assert json.loads(body)["error"] == {"code": "invalid_request", "message": "リクエストが大きすぎます。"}


@pytest.mark.parametrize("route", ["/chat", "/chat/stream"])
@pytest.mark.parametrize(
    ("content", "content_type"),
    [('{"message": "TS"}', "text/plain"), ("message=TS&session_id=x", "application/x-www-form-urlencoded")],
)
def test_cors_simple_requests_are_415(agent_server_url: str, route: str, content: str, content_type: str) -> None:
    with serving(client_from_target(agent_server_url)) as url:
        response = httpx.post(f"{url}{route}", content=content, headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
