"""Shared fixtures for the Chat API tests: the real agent server, a clean environment, the OpenAPI document."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.fixtures.agent_server import agent_server_url  # noqa: F401 (session fixture re-exported)
from tests.proxy.paced_agent import PacedAgent, running_paced_agent

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "proxy" / "openapi.yaml"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test sees real AWS settings (each test builds its own app, so no client is shared)."""
    for name in ("ALLOWED_ORIGINS", "AGENT_RUNTIME_ARN", "CONFEE_AGENT", "AGENT_TIMEOUT_SECONDS", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-northeast-1")
    yield


class OpenApi:
    """Validates response bodies against ``proxy/openapi.yaml``."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = yaml.safe_load(OPENAPI_PATH.read_text(encoding="utf-8"))

    def schema(self, name: str) -> dict[str, Any]:
        return {**self.document["components"]["schemas"][name], "components": self.document["components"]}

    def request_schema(self, path: str) -> dict[str, Any]:
        """The JSON request body schema of ``POST path``."""
        ref = self.document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        return self.schema(ref.rsplit("/", 1)[-1])

    def response_schema(self, path: str, method: str, status: int) -> dict[str, Any]:
        response = self.document["paths"][path][method]["responses"][str(status)]
        if "$ref" in response:
            response = self.document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        ref = response["content"]["application/json"]["schema"]["$ref"]
        return self.schema(ref.rsplit("/", 1)[-1])

    def check(self, path: str, method: str, status: int, body: Any) -> None:
        """Raise unless ``body`` matches the documented response for ``status``."""
        jsonschema.validate(body, self.response_schema(path, method, status))

    def check_stream_event(self, event: Any) -> None:
        """Raise unless ``event`` matches the schema documented for ``/chat/stream``'s ``data`` lines."""
        content = self.document["paths"]["/chat/stream"]["post"]["responses"]["200"]["content"]["text/event-stream"]
        item = self.schema(content["itemSchema"]["$ref"].rsplit("/", 1)[-1])  # one Server-Sent Event
        ref = item["properties"]["data"]["contentSchema"]["$ref"]  # what its `data` line holds (JSON)
        jsonschema.validate(event, self.schema(ref.rsplit("/", 1)[-1]))


@pytest.fixture(scope="session")
def openapi() -> OpenApi:
    return OpenApi()


@pytest.fixture(scope="session")
def paced_agent() -> Iterator[PacedAgent]:
    """One slow-writing agent (see ``paced_agent.py``) shared by the streaming tests."""
    with running_paced_agent() as agent:
        yield agent


#: The stalling server answers its headers this late, then sends part of a body and nothing more.
HEADERS_AFTER_SECONDS = 0.8


@pytest.fixture
def headers_then_stall() -> Iterator[str]:
    """Base URL of a server that answers any POST late (200, chunked JSON), then stalls mid-body.

    A client whose read timeout restarts on every socket read waits for the headers *and* again for the body;
    one that keeps a total budget gives up when the budget is spent.
    """
    release = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            time.sleep(HEADERS_AFTER_SECONDS)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b'5\r\n{"res\r\n')
            self.wfile.flush()
            release.wait(30)
            self.close_connection = True

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    release.set()
    server.shutdown()
    server.server_close()
