"""Integration: the local server (the Chat API app under /api + the SPA) on uvicorn, and the real agent server."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from proxy.agent_client import client_from_target, new_session_id
from proxy.local import create_local_app
from tests.fixtures.uvicorn_server import serve_asgi
from tests.proxy.api import QUESTION, answer_text, sse_events


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
def base_url(spa_dir: Path, agent_server_url: str) -> Iterator[str]:
    app = create_local_app(client_from_target(agent_server_url), spa_dir=spa_dir)
    with serve_asgi(app) as url:
        yield url


@pytest.fixture
def api(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


def test_health(api: httpx.Client, openapi: Any) -> None:
    response = api.get("/api/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    openapi.check("/health", "get", 200, response.json())


def test_two_turn_conversation_keeps_context(api: httpx.Client, openapi: Any) -> None:
    sid = new_session_id()
    first = api.post("/api/chat", json={"message": QUESTION, "session_id": sid})
    assert first.status_code == 200, first.text
    openapi.check("/chat", "post", 200, first.json())
    assert first.json()["session_id"] == sid
    second = api.post("/api/chat/stream", json={"message": "大阪だと？", "session_id": sid, "turn": 1})
    assert second.status_code == 200, second.text
    events = sse_events(second.text)
    answer = answer_text(events)
    assert "大阪" in answer
    assert "TypeScript" in answer  # the follow-up kept the first question's topic
    assert events[-1]["type"] == "done" and events[-1]["session_id"] == sid


@pytest.mark.parametrize("path", ["/api/chat", "/api/chat/stream"])
def test_expired_session_is_408(api: httpx.Client, openapi: Any, path: str) -> None:
    response = api.post(path, json={"message": "大阪だと？", "session_id": new_session_id(), "turn": 1})
    assert response.status_code == 408
    assert response.json()["error"]["code"] == "session_expired"
    openapi.check("/chat", "post", 408, response.json())


def _raw_request(path: str, body: bytes) -> bytes:
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    return head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


@pytest.mark.parametrize("path", ["/api/chat", "/api/chat/stream"])
def test_expired_session_closes_the_connection(base_url: str, path: str) -> None:
    """Issue 12: 408 is also a transport status; browsers re-send a POST answered 408 on a reused connection."""
    body = json.dumps({"message": "大阪だと？", "session_id": new_session_id(), "turn": 1}).encode()
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(_raw_request(path, body))
        received = b""
        while chunk := sock.recv(65536):  # returns b"" only when the server closed the connection
            received += chunk
        # A second request on the same connection cannot be answered: the server has closed it.
        try:
            sock.sendall(_raw_request(path, body))
            again = sock.recv(65536)
        except OSError:
            again = b""
    head, _, payload = received.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    assert lines[0].startswith("HTTP/1.1 408"), lines[0]
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:])}
    assert headers["connection"].lower() == "close"
    assert json.loads(payload)["error"]["code"] == "session_expired"
    assert again == b""


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
def test_bad_requests_are_400_json(api: httpx.Client, openapi: Any, body: bytes) -> None:
    response = api.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["error"]["code"] == "invalid_request"
    openapi.check("/chat", "post", 400, response.json())


def test_chunked_bodies_are_read_too(api: httpx.Client) -> None:
    body = json.dumps({"message": QUESTION, "session_id": new_session_id()}, ensure_ascii=False).encode()
    response = api.post("/api/chat", content=iter([body[:10], body[10:]]), headers={"Content-Type": "application/json"})
    assert response.status_code == 200


def test_concurrent_sessions_stay_isolated(api: httpx.Client) -> None:
    topics = ["TypeScript", "Rust", "Python", "Go"]

    def converse(topic: str) -> tuple[str, str]:
        sid = new_session_id()
        first = api.post("/api/chat/stream", json={"message": f"{topic}の勉強会ある？", "session_id": sid})
        second = api.post("/api/chat", json={"message": "東京だと？", "session_id": sid, "turn": 1})
        assert (first.status_code, second.status_code) == (200, 200)
        return topic, second.json()["response"]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(converse, topics))
    for topic, answer in results:
        assert topic in answer
        assert not any(other in answer for other in topics if other != topic), (topic, answer[:300])


def test_cors(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    origin = {"Origin": "http://localhost:5173"}
    assert api.options("/api/chat", headers=origin).status_code == 405
    assert "Access-Control-Allow-Origin" not in api.get("/api/health", headers=origin).headers
    monkeypatch.setenv("ALLOWED_ORIGINS", "http://localhost:5173")
    for path in ("/api/chat", "/api/chat/stream"):
        preflight = api.options(path, headers={**origin, "Access-Control-Request-Method": "POST"})
        assert preflight.status_code == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    response = api.post("/api/chat", json={"message": "", "session_id": "a" * 40}, headers=origin)
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"


def test_unknown_api_path_is_json_404(api: httpx.Client) -> None:
    response = api.get("/api/nothing")
    assert response.status_code == 404 and "error" in response.json()


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
def test_spa_is_served(base_url: str, path: str, status: int, content_type: str | None, marker: bytes) -> None:
    port = int(base_url.rsplit(":", 1)[1])
    response = _raw(port, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
    head, _, body = response.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d " % status), head
    assert b"outside the build" not in body
    if content_type:
        assert f"content-type: {content_type}".encode() in head.lower()
        assert marker in body


def test_spa_cache_headers_and_methods(api: httpx.Client) -> None:
    assert api.get("/").headers["Cache-Control"] == "no-cache"
    assert "immutable" in api.get("/assets/index-abc123.js").headers["Cache-Control"]
    assert api.head("/").status_code == 200
    refused = api.post("/index.html", content=b"x")
    assert (refused.status_code, refused.headers["Allow"]) == (405, "GET, HEAD")


def test_a_body_is_never_taken_for_a_request(base_url: str) -> None:
    """A body the server does not read must not be parsed as the next request on a kept-alive connection."""
    port = int(base_url.rsplit(":", 1)[1])
    smuggled = b"GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"
    head = b"POST /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n" % len(smuggled)
    received = _raw(port, head + smuggled)
    assert received.startswith(b"HTTP/1.1 405 ")
    assert received.count(b"HTTP/1.1") == 1  # nothing answered the bytes of the body


def test_without_a_build_the_spa_paths_say_so(agent_server_url: str, tmp_path: Path) -> None:
    with serve_asgi(create_local_app(client_from_target(agent_server_url), spa_dir=tmp_path)) as url:
        response = httpx.get(f"{url}/")
        assert response.status_code == 404 and "/api/chat/stream" in response.text
        assert httpx.get(f"{url}/api/health").status_code == 200


def _raw(port: int, data: bytes) -> bytes:
    """Send raw bytes on one connection and read until the server closes it (or goes quiet)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        sock.settimeout(1)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
    return received
