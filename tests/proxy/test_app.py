"""The app's HTTP surface: health, security headers, CORS and preflights, unknown paths and methods, logs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from proxy.api.agent import MAX_TIMEOUT_SECONDS
from proxy.app import create_app
from proxy.client import AgentError
from proxy.client.arn_transport import ArnAgentClient
from tests.proxy.api import ROUTES, SESSION, AnsweringClient, call, chat_body, post

ORIGIN = "http://localhost:5173"


@pytest.fixture
def app() -> Any:
    return create_app(AnsweringClient())


def test_health(app: Any, openapi: Any) -> None:
    response = call(app, "GET", "/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    openapi.check("/health", "get", 200, response.json())
    assert call(app, "HEAD", "/health").status_code == 200
    assert call(app, "POST", "/health").status_code == 405


@pytest.mark.parametrize(("method", "path"), [("GET", "/health"), ("POST", "/chat"), ("POST", "/chat/stream")])
def test_security_headers_on_every_answer(app: Any, method: str, path: str) -> None:
    response = call(app, method, path, body=chat_body() if method == "POST" else None)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for error in (call(app, "GET", "/nothing"), post(app, path if method == "POST" else "/chat", {"x": 1})):
        assert error.headers["Cache-Control"] == "no-store"
        assert error.headers["X-Content-Type-Options"] == "nosniff"


def test_public_meta_only(app: Any, openapi: Any) -> None:
    """Token counts (``meta.usage``) are the team's, not browsers'."""
    body = post(app, "/chat", chat_body()).json()
    assert body == {
        "response": "回答",
        "session_id": SESSION,
        "events": [{"id": 1}],
        "meta": {"model": "offline", "source": "sample"},
    }
    openapi.check("/chat", "post", 200, body)


@pytest.mark.parametrize("route", ROUTES)
def test_cors_headers_only_for_configured_origins(app: Any, monkeypatch: pytest.MonkeyPatch, route: str) -> None:
    origin = {"Origin": ORIGIN}
    assert "Access-Control-Allow-Origin" not in post(app, route, chat_body(), origin).headers
    monkeypatch.setenv("ALLOWED_ORIGINS", f"https://confee.example, {ORIGIN}/")
    allowed = post(app, route, chat_body(), origin)
    assert allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert allowed.headers["Vary"] == "Origin"
    other = post(app, route, chat_body(), {"origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    error = call(app, "POST", route, content="{", headers={**origin, "Content-Type": "application/json"})
    assert error.status_code == 400 and error.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_vary_origin_on_every_answer_once_origins_are_configured(app: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The answer depends on Origin whether or not it is allowed, so a cache must key on it either way."""
    assert "Vary" not in post(app, "/chat", chat_body(), {"Origin": "https://evil.example"}).headers
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://confee.example")
    for origin, allowed in (("https://evil.example", False), (None, False), ("https://confee.example", True)):
        for route in ROUTES:
            response = post(app, route, chat_body(), {"Origin": origin} if origin else {})
            assert response.headers["Vary"] == "Origin", (origin, route)
            assert response.headers.get("Access-Control-Allow-Origin") == (origin if allowed else None)
    assert call(app, "GET", "/health").headers["Vary"] == "Origin"


@pytest.mark.parametrize(("path", "method"), [("/chat", "POST"), ("/chat/stream", "POST"), ("/health", "GET")])
def test_preflight_only_for_allowed_origins(app: Any, monkeypatch: pytest.MonkeyPatch, path: str, method: str) -> None:
    preflight = {"Origin": "https://confee.example", "Access-Control-Request-Method": method}
    assert call(app, "OPTIONS", path, headers=preflight).status_code == 405
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://confee.example")
    response = call(app, "OPTIONS", path, headers={**preflight, "Access-Control-Request-Headers": "content-type"})
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "https://confee.example"
    assert method in response.headers["Access-Control-Allow-Methods"]
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert response.headers["Vary"] == "Origin"
    evil = {**preflight, "Origin": "https://evil.example"}
    assert call(app, "OPTIONS", path, headers=evil).status_code == 405


def test_wrong_method_and_unknown_path_are_json(app: Any, openapi: Any) -> None:
    for path in ROUTES:
        response = call(app, "GET", path)
        assert response.status_code == 405 and response.headers["Allow"] == "POST"
        openapi.check(path, "post", 405, response.json())
    missing = call(app, "GET", "/nothing")
    assert missing.status_code == 404
    # The same answer as API Gateway's own for a path it does not have (infra GATEWAY_ERRORS).
    assert missing.json()["error"] == {"code": "not_found", "message": "指定された API は存在しません。"}


@pytest.mark.parametrize("route", ROUTES)
def test_unexpected_bug_is_503_without_a_stack_trace(route: str, capsys: pytest.CaptureFixture[str]) -> None:
    app = create_app(AnsweringClient(fail=KeyError("boom-internal")))
    response = post(app, route, chat_body())
    assert (response.status_code, response.json()["error"]["code"]) == (503, "agent_unavailable")
    assert "boom" not in response.text and "Traceback" not in response.text
    record = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert record["level"] == "ERROR" and record["exception"] == "KeyError" and record["route"] == route
    assert "boom" not in json.dumps(record)


@pytest.mark.parametrize("route", ROUTES)
def test_fractional_retry_after_is_rounded_up(route: str) -> None:
    app = create_app(AnsweringClient(fail=AgentError("throttled", retry_after=4.2)))
    response = post(app, route, chat_body())
    assert (response.status_code, response.headers["Retry-After"]) == (429, "5")  # waiting 4 s would be too early


@pytest.mark.parametrize("route", ROUTES)
def test_one_json_log_line_per_request_without_message_text(
    app: Any, route: str, capsys: pytest.CaptureFixture[str]
) -> None:
    context = json.dumps({"request_id": "lambda-request-123", "deadline": 1, "invoked_function_arn": "arn:x"})
    post(app, route, chat_body("秘密の質問テキスト", turn=0), {"x-amzn-lambda-context": context})
    out = capsys.readouterr().out
    assert "秘密の質問テキスト" not in out
    lines = out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["request_id"] == "lambda-request-123"
    assert record["route"] == route and record["status"] == 200 and record["level"] == "INFO"
    assert record["message_chars"] == len("秘密の質問テキスト") and record["turn"] == 0
    assert record["session"] == SESSION[:8] and SESSION not in out  # a prefix only
    assert isinstance(record["duration_ms"], int)


def test_log_falls_back_to_api_gateway_request_id(app: Any, capsys: pytest.CaptureFixture[str]) -> None:
    post(app, "/chat", {"message": ""}, {"x-amzn-request-context": json.dumps({"requestId": "apigw-42"})})
    record = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert (record["request_id"], record["status"], record["code"]) == ("apigw-42", 400, "invalid_request")


def test_client_is_built_from_agent_runtime_arn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGENT_RUNTIME_ARN", "arn:aws:bedrock-agentcore:us-west-2:123456789012:runtime/other-XyZ123")
    monkeypatch.setenv("AGENT_TIMEOUT_SECONDS", "60")
    app = create_app()
    first = app.state.agent.get()
    assert isinstance(first, ArnAgentClient)
    assert first.region == "us-west-2"
    assert app.state.agent.get() is first
    boto = first.boto_client()
    assert boto.meta.region_name == "us-west-2"
    assert boto.meta.config.read_timeout == MAX_TIMEOUT_SECONDS  # clamped below API Gateway's 29 s
    assert boto.meta.config.retries["total_max_attempts"] == 1
    assert first.boto_client() is boto
