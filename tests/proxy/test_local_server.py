"""Integration: the local API server + the real agent server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import http.client
import json
import socket
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from proxy.agent_client import client_from_target, new_session_id
from proxy.handlers import chat
from proxy.local import make_server

QUESTION = "TypeScriptのカンファレンスある？"


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    raw: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.raw.decode("utf-8"))


class Api:
    """A tiny HTTP client for the local server (one connection per request, like a browser tab might)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            answer = conn.getresponse()
            return Response(answer.status, answer.headers, answer.read())
        finally:
            conn.close()

    def chat(self, body: Any, headers: dict[str, str] | None = None) -> Response:
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        return self.request("POST", "/api/chat", raw, {"Content-Type": "application/json", **(headers or {})})


@pytest.fixture(scope="module")
def spa_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("dist")
    (root / "assets").mkdir()
    (root / "index.html").write_text("<!doctype html><title>Confee</title><div id=root></div>", encoding="utf-8")
    (root / "assets" / "index-abc123.js").write_text("console.log('confee')", encoding="utf-8")
    (root / "assets" / "index-abc123.css").write_text("body{}", encoding="utf-8")
    (root / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (root.parent / "secret.txt").write_text("outside the build", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def server(spa_dir: Path) -> Iterator[int]:
    httpd = make_server("127.0.0.1", 0, spa_dir=spa_dir)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield int(httpd.server_address[1])
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def api(server: int, agent_server_url: str) -> Api:
    chat.use_client(client_from_target(agent_server_url))
    return Api(server)


def test_health(api: Api, openapi: Any) -> None:
    response = api.request("GET", "/api/health")
    assert response.status == 200 and response.json == {"status": "ok"}
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    openapi.check("/health", "get", 200, response.json)


def test_two_turn_conversation_keeps_context(api: Api, openapi: Any) -> None:
    sid = new_session_id()
    first = api.chat({"message": QUESTION, "session_id": sid})
    assert first.status == 200, first.raw
    openapi.check("/chat", "post", 200, first.json)
    assert first.json["session_id"] == sid
    second = api.chat({"message": "大阪だと？", "session_id": sid, "turn": 1})
    assert second.status == 200, second.raw
    openapi.check("/chat", "post", 200, second.json)
    answer = second.json["response"]
    assert "大阪" in answer
    assert "TypeScript" in answer  # the follow-up kept the first question's topic


def test_expired_session_is_408(api: Api, openapi: Any) -> None:
    response = api.chat({"message": "大阪だと？", "session_id": new_session_id(), "turn": 1})
    assert response.status == 408
    assert response.json["error"]["code"] == "session_expired"
    openapi.check("/chat", "post", 408, response.json)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"null",
        json.dumps({"message": 42, "session_id": "a" * 40}).encode(),
        json.dumps({"message": "あ" * 2001, "session_id": "a" * 40}).encode(),
        json.dumps({"message": "   ", "session_id": "a" * 40}).encode(),
        json.dumps({"message": "TS", "session_id": "short"}).encode(),
        json.dumps({"message": "TS", "session_id": "a" * 40 + "!"}).encode(),
        json.dumps({"message": "TS", "session_id": "a" * 40, "turn": "1"}).encode(),
        b"\xff\xfe{}",
    ],
)
def test_bad_requests_are_400_json(api: Api, openapi: Any, body: bytes) -> None:
    response = api.chat(body)
    assert response.status == 400
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json["error"]["code"] == "invalid_request"
    openapi.check("/chat", "post", 400, response.json)


def test_oversized_upload_is_refused_unread(api: Api) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", api.port, timeout=10)
    try:
        conn.putrequest("POST", "/api/chat")
        conn.putheader("Content-Type", "application/json")
        conn.putheader("Content-Length", str(50 * 1024 * 1024))
        conn.endheaders()  # the body never comes: the server must answer without waiting for it
        answer = conn.getresponse()
        assert answer.status == 413
        assert json.loads(answer.read())["error"]["code"] == "invalid_request"
    finally:
        conn.close()


def test_concurrent_sessions_stay_isolated(api: Api) -> None:
    topics = ["TypeScript", "Rust", "Python", "Go"]

    def converse(topic: str) -> tuple[str, str]:
        sid = new_session_id()
        first = api.chat({"message": f"{topic}の勉強会ある？", "session_id": sid})
        second = api.chat({"message": "東京だと？", "session_id": sid, "turn": 1})
        assert (first.status, second.status) == (200, 200)
        return topic, second.json["response"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(converse, topics))
    for topic, answer in results:
        assert topic in answer
        assert not any(other in answer for other in topics if other != topic), (topic, answer[:300])


def test_cors(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = {"Origin": "http://localhost:5173"}
    assert api.request("OPTIONS", "/api/chat", headers=origin).status == 405
    assert "Access-Control-Allow-Origin" not in api.request("GET", "/api/health", headers=origin).headers
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://localhost:5173")
    preflight = api.request("OPTIONS", "/api/chat", headers={**origin, "Access-Control-Request-Method": "POST"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    response = api.chat({"message": "", "session_id": "a" * 40}, headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"


def test_unknown_api_path_is_json_404(api: Api) -> None:
    response = api.request("GET", "/api/nothing")
    assert response.status == 404 and "error" in response.json


@pytest.mark.parametrize(
    ("path", "status", "content_type", "marker"),
    [
        ("/", 200, "text/html; charset=utf-8", b"Confee"),
        ("/chat/some/route", 200, "text/html; charset=utf-8", b"Confee"),
        ("/assets/index-abc123.js", 200, "text/javascript; charset=utf-8", b"console.log"),
        ("/assets/index-abc123.css", 200, "text/css; charset=utf-8", b"body"),
        ("/favicon.svg", 200, "image/svg+xml", b"<svg"),
        ("/assets/missing.js", 404, None, b""),
        ("/../secret.txt", 404, None, b""),
        ("/%2e%2e/secret.txt", 404, None, b""),
    ],
)
def test_spa_is_served(api: Api, path: str, status: int, content_type: str | None, marker: bytes) -> None:
    response = api.request("GET", path)
    assert response.status == status
    assert b"outside the build" not in response.raw
    if content_type:
        assert response.headers["Content-Type"] == content_type
        assert marker in response.raw


def test_spa_cache_headers(api: Api) -> None:
    assert api.request("GET", "/").headers["Cache-Control"] == "no-cache"
    assert "immutable" in api.request("GET", "/assets/index-abc123.js").headers["Cache-Control"]


def _exchange(port: int, data: bytes) -> bytes:
    """Send raw bytes on one connection and read until the server closes it (or goes quiet)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        sock.settimeout(2)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received


@pytest.mark.parametrize(
    ("method", "path", "framing", "status"),
    [("POST", "/api/chat", "chunked", 411), ("POST", "/index.html", "length", 405)],
)
def test_an_unread_body_closes_the_connection(server: int, method: str, path: str, framing: str, status: int) -> None:
    """A body the server does not read must not be parsed as the next request on a kept-alive connection."""
    body = b'{"message": "TS", "session_id": "x"}'
    if framing == "chunked":
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
        framed = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    else:
        head = f"{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        framed = body
    follow_up = b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
    received = _exchange(server, head + framed + follow_up)
    first, _, rest = received.partition(b"\r\n\r\n")
    assert first.startswith(b"HTTP/1.1 %d " % status)
    assert b"\r\nConnection: close" in first
    assert b"HTTP/1.1" not in rest and b"<html" not in rest.lower()  # nothing answered the stray bytes
