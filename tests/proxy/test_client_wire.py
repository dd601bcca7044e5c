"""The client's pure parts: session ids, error translation, SSE framing and stream checking."""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest

from proxy.agent_client import AgentError, client_from_target, is_valid_session_id, new_session_id
from proxy.client.errors import DEFAULT_MESSAGES, STATUS_BY_CODE, ErrorCode, error_from_object
from proxy.client.wire import checked_stream, lines_of, reply_from_body, reply_from_stream, sse_data, sse_objects

SID = "s" * 40


def test_new_session_ids_satisfy_agentcore_and_contract_2() -> None:
    ids = {new_session_id() for _ in range(200)}
    assert len(ids) == 200
    for sid in ids:
        assert 33 <= len(sid) <= 256
        assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", sid)
        assert is_valid_session_id(sid)


@pytest.mark.parametrize("sid", ["a" * 32, "a" * 257, "_" + "a" * 40, "a" * 40 + " ", "あ" * 40, None, 123])
def test_invalid_session_ids(sid: Any) -> None:
    assert not is_valid_session_id(sid)


def test_status_table_is_contract_2() -> None:
    assert dict(STATUS_BY_CODE) == {
        "invalid_request": 400,
        "not_found": 404,
        "session_expired": 408,
        "unsupported_media_type": 415,
        "throttled": 429,
        "agent_unavailable": 503,
        "agent_timeout": 504,
    }


def test_one_error_table_for_code_status_and_message(openapi: Any) -> None:
    """The OpenAPI ``ErrorCode`` enum, the ``ErrorCode`` type, the status table and the messages name the same codes.

    infra's gateway responses are tied to this table in tests/infra/test_api_stack.py.
    """
    enum = openapi.schema("ErrorCode")["enum"]
    assert sorted(enum) == sorted(STATUS_BY_CODE) == sorted(get_args(ErrorCode)) == sorted(DEFAULT_MESSAGES)
    for code, status in STATUS_BY_CODE.items():
        error = AgentError(code)
        assert (error.code, error.status, error.message) == (code, status, DEFAULT_MESSAGES[code])


def test_agent_error_defaults() -> None:
    throttled = AgentError("throttled")
    assert (throttled.status, throttled.retry_after) == (429, 5.0)
    assert throttled.message  # Japanese default
    unknown = AgentError("internal_error", "詳細")
    assert (unknown.code, unknown.status, unknown.retry_after) == ("agent_unavailable", 503, None)
    assert unknown.to_body() == {"error": {"code": "agent_unavailable", "message": "詳細"}}


@pytest.mark.parametrize(
    ("obj", "status", "code"),
    [
        ({"error": {"code": "session_expired", "message": "期限切れ"}}, 200, "session_expired"),
        ({"type": "error", "code": "agent_timeout", "message": "遅い"}, 200, "agent_timeout"),
        ({"error": {"code": "source_error", "message": "x"}}, 200, "agent_unavailable"),
        ({"error": "Invalid JSON", "details": "Expecting value"}, 400, "invalid_request"),
        ({"error": "boom", "error_type": "ValueError"}, 200, "agent_unavailable"),
        ({"error": "slow"}, 504, "agent_timeout"),
        # A code only the Chat API itself answers with is nonsense from an agent.
        ({"error": {"code": "unsupported_media_type", "message": "x"}}, 200, "agent_unavailable"),
        ({"error": {"code": "not_found", "message": "x"}}, 200, "agent_unavailable"),
    ],
)
def test_error_objects(obj: dict[str, Any], status: int, code: str) -> None:
    error = error_from_object(obj, status=status)
    assert error is not None and error.code == code
    assert "Invalid JSON" not in error.message and "boom" not in error.message


def test_non_errors_are_not_errors() -> None:
    assert error_from_object({"response": "x"}) is None
    assert error_from_object({"type": "text", "text": "x"}) is None
    assert error_from_object("error") is None


def test_sse_framing() -> None:
    lines = [
        b'data: {"a": 1}\n',
        b"\n",
        b": comment\n",
        b"event: x\n",
        b'data:{"b":\n',
        b"data: 2}\r\n",
        b"\r\n",
        b"data: 3",
    ]
    assert list(sse_data(lines)) == ['{"a": 1}', '{"b":\n2}', "3"]
    assert list(sse_objects(lines)) == [{"a": 1}, {"b": 2}, 3]
    with pytest.raises(AgentError) as caught:
        list(sse_objects([b"data: not json\n", b"\n"]))
    assert caught.value.code == "agent_unavailable"
    with pytest.raises(AgentError) as undecodable:  # once a raw UnicodeDecodeError (a traceback in Streamlit)
        list(sse_objects([b'data: {"type": "text", "text": "\xff"}\n', b"\n"]))
    assert undecodable.value.code == "agent_unavailable"


def test_lines_of_yields_each_line_as_soon_as_it_is_complete() -> None:
    seen: list[bytes] = []

    def chunks() -> Any:
        for chunk in (b'data: {"a"', b": 1}\n\nda", b"ta: 2\n", b"\n", b"data: 3"):
            seen.append(chunk)
            yield chunk

    lines = lines_of(chunks())
    assert next(lines) == b'data: {"a": 1}\n'
    assert len(seen) == 2  # not held back until more bytes arrive
    assert list(lines) == [b"\n", b"data: 2\n", b"\n", b"data: 3"]


@pytest.mark.parametrize("value", [float("inf"), float("nan"), -3.0])
def test_unusable_retry_after_becomes_the_default(value: float) -> None:
    assert AgentError("throttled", retry_after=value).retry_after == 5.0
    assert AgentError("agent_timeout", retry_after=value).retry_after is None


def test_credentials_in_an_agent_url_are_never_echoed() -> None:
    """The error text is shown on the Streamlit page and in logs."""
    with pytest.raises(ValueError) as caught:
        client_from_target("http://admin:s3cret-pass@127.0.0.1:8080")
    assert "s3cret-pass" not in str(caught.value) and "admin" not in str(caught.value)


def test_checked_stream_passes_text_and_done_and_stops() -> None:
    objects = [
        {"type": "text", "text": "あ"},
        {"type": "text", "text": ""},
        {"type": "tool", "name": "search_connpass"},
        {"type": "done", "events": [{"id": 1}, "junk"], "meta": {"model": "offline"}},
        {"type": "text", "text": "after done"},
    ]
    events = list(checked_stream(objects, SID))
    assert events == [
        {"type": "text", "text": "あ"},
        {"type": "tool", "name": "search_connpass"},
        {"type": "done", "session_id": SID, "events": [{"id": 1}], "meta": {"model": "offline"}},
    ]
    reply = reply_from_stream(iter(events), SID)
    assert (reply.response, reply.session_id, reply.events) == ("あ", SID, [{"id": 1}])


def test_checked_stream_raises_on_error_and_on_truncation() -> None:
    with pytest.raises(AgentError) as caught:
        list(
            checked_stream([{"type": "text", "text": "a"}, {"type": "error", "code": "throttled", "message": "m"}], SID)
        )
    assert (caught.value.code, caught.value.message, caught.value.retry_after) == ("throttled", "m", 5.0)
    with pytest.raises(AgentError) as truncated:
        list(checked_stream([{"type": "text", "text": "a"}], SID))
    assert truncated.value.code == "agent_unavailable"


def test_reply_from_body() -> None:
    reply = reply_from_body(
        {"response": "md", "session_id": SID, "events": [{"id": 2}], "meta": {"source": "sample"}}, SID
    )
    assert (reply.response, reply.events, reply.meta) == ("md", [{"id": 2}], {"source": "sample"})
    assert reply_from_body({"response": "md"}, SID).session_id == SID
    with pytest.raises(AgentError):
        reply_from_body({"response": 5}, SID)


def test_client_from_target(monkeypatch: pytest.MonkeyPatch) -> None:
    assert client_from_target().target == "local"
    monkeypatch.setenv("CONFEE_AGENT", "http://127.0.0.1:8080")
    http = client_from_target()
    assert (http.target, http.label) == ("http", "エージェントサーバー http://127.0.0.1:8080")
    arn = client_from_target("arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-Ab12")
    assert arn.target == "arn" and "confee_agent-Ab12" in arn.label and "ap-northeast-1" in arn.label
    assert "123456789012" not in arn.label
    for bad in ("ftp://x", "arn:aws:lambda:ap-northeast-1:123456789012:function:f", "http://user:pw@host:1", "bedrock"):
        with pytest.raises(ValueError):
            client_from_target(bad)


@pytest.mark.parametrize(
    "target", ["local", "http://127.0.0.1:9", "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/a-1"]
)
@pytest.mark.parametrize(
    ("sid", "message", "turn"),
    [("short", "q", 0), (SID, "  ", 0), (SID, "q", -1), (SID, "q", True), (SID, "q\ud800", 0)],
)
def test_bad_arguments_fail_before_anything_is_sent(target: str, sid: str, message: str, turn: Any) -> None:
    client = client_from_target(target)
    with pytest.raises(AgentError) as caught:
        client.invoke(sid, message, turn)
    assert caught.value.code == "invalid_request"
    with pytest.raises(AgentError):
        list(client.stream(sid, message, turn))
