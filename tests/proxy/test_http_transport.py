"""The client's HTTP transport against the real agent server on 127.0.0.1 (JSON and SSE), and failures."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from proxy.agent_client import AgentError, client_from_target, new_session_id
from tests.fixtures.agent_server import free_port

QUESTION = "TypeScriptのカンファレンスある？"


def test_invoke_returns_a_json_answer(agent_server_url: str) -> None:
    client = client_from_target(agent_server_url)
    sid = new_session_id()
    reply = client.invoke(sid, QUESTION)
    assert reply.session_id == sid
    assert reply.response.strip()
    assert (reply.meta["model"], reply.meta["source"]) == ("offline", "sample")
    assert reply.meta["usage"]["model_calls"] >= 1
    assert all(isinstance(event, dict) for event in reply.events)


def test_stream_yields_text_deltas_then_done(agent_server_url: str) -> None:
    client = client_from_target(agent_server_url)
    sid = new_session_id()
    started = time.monotonic()
    events, arrived = [], []
    for item in client.stream(sid, QUESTION):
        events.append(item)
        arrived.append(time.monotonic() - started)
    assert arrived[0] < arrived[-1] / 2  # incremental: the offline model paces its deltas
    kinds = [event["type"] for event in events]
    assert kinds[-1] == "done" and kinds.count("done") == 1
    assert kinds.count("text") >= 2  # really streamed, not one blob
    assert events[-1]["session_id"] == sid
    streamed = "".join(event["text"] for event in events if event["type"] == "text")
    assert streamed == client.invoke(new_session_id(), QUESTION).response  # the offline model is deterministic


def test_second_turn_without_context_is_session_expired(agent_server_url: str) -> None:
    client = client_from_target(agent_server_url)
    with pytest.raises(AgentError) as caught:
        client.invoke(new_session_id(), "大阪だと？", turn=1)
    assert (caught.value.code, caught.value.status) == ("session_expired", 408)
    assert "新しい会話" in caught.value.message
    with pytest.raises(AgentError) as streamed:
        list(client.stream(new_session_id(), "大阪だと？", turn=2))
    assert streamed.value.code == "session_expired"


def test_unreachable_agent_is_agent_unavailable() -> None:
    client = client_from_target(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(AgentError) as caught:
        client.invoke(new_session_id(), QUESTION)
    assert (caught.value.code, caught.value.status) == ("agent_unavailable", 503)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_silent_agent_is_agent_timeout(silent_server: str) -> None:
    client = client_from_target(silent_server, timeout=0.3)
    with pytest.raises(AgentError) as caught:
        client.invoke(new_session_id(), QUESTION)
    assert (caught.value.code, caught.value.status) == ("agent_timeout", 504)
    with pytest.raises(AgentError) as streamed:
        list(client.stream(new_session_id(), QUESTION))
    assert streamed.value.code == "agent_timeout"


class _Scripted(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    answer: tuple[int, dict[str, str], bytes] = (200, {}, b"")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, headers, body = self.answer
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.mark.parametrize(
    ("status", "headers", "body", "code", "retry_after"),
    [
        (500, {"Content-Type": "text/html"}, b"<h1>Internal Server Error</h1>", "agent_unavailable", None),
        (502, {}, b"", "agent_unavailable", None),
        (429, {"Retry-After": "7", "Content-Type": "application/json"}, b'{"error": "busy"}', "throttled", 7.0),
        (
            400,
            {"Content-Type": "application/json"},
            b'{"error": "Invalid JSON", "details": "x"}',
            "invalid_request",
            None,
        ),
        (200, {"Content-Type": "application/json"}, b"not json", "agent_unavailable", None),
        (
            200,
            {"Content-Type": "text/event-stream"},
            b'data: {"type": "text", "text": "a"}\n\n',
            "agent_unavailable",
            None,
        ),
    ],
)
def test_broken_answers_map_to_contract_codes(
    status: int, headers: dict[str, str], body: bytes, code: str, retry_after: float | None
) -> None:
    handler = type("Handler", (_Scripted,), {"answer": (status, headers, body)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = client_from_target(f"http://127.0.0.1:{server.server_address[1]}")
        with pytest.raises(AgentError) as caught:
            client.invoke(new_session_id(), QUESTION)
        assert (caught.value.code, caught.value.retry_after) == (code, retry_after)
        assert "Invalid JSON" not in caught.value.message and "Internal" not in caught.value.message
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("mode", ["invoke", "stream"])
def test_the_total_budget_holds_when_the_body_stalls(headers_then_stall: str, mode: str) -> None:
    budget = 1.0
    client = client_from_target(headers_then_stall, timeout=budget)
    started = time.monotonic()
    with pytest.raises(AgentError) as caught:
        if mode == "invoke":
            client.invoke(new_session_id(), QUESTION)
        else:
            list(client.stream(new_session_id(), QUESTION))
    assert caught.value.code == "agent_timeout"
    assert time.monotonic() - started < budget + 0.5  # not late headers (0.8 s) + a fresh socket timeout (1 s)


@pytest.mark.parametrize("route", ["/chat", "/chat/stream"])
def test_non_finite_retry_after_falls_back_to_the_default(route: str) -> None:
    """An upstream ``Retry-After: inf`` once crashed the Chat Lambda (OverflowError) and the Streamlit notice."""
    from proxy.app import create_app
    from tests.proxy.api import chat_body, post

    answer = (429, {"Retry-After": "inf", "Content-Type": "application/json"}, b'{"error": "busy"}')
    handler = type("Handler", (_Scripted,), {"answer": answer})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        app = create_app(client_from_target(f"http://127.0.0.1:{server.server_address[1]}"))
        result = post(app, route, chat_body())
        assert (result.status_code, result.json()["error"]["code"], result.headers["Retry-After"]) == (
            429,
            "throttled",
            "5",
        )
    finally:
        server.shutdown()
        server.server_close()
