"""Contract 1 on the wire, shared by every transport: payloads, replies, SSE frames, stream events."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from proxy.client.errors import AgentError, error_from_object
from proxy.client.session import is_valid_session_id


@dataclass(frozen=True)
class AgentReply:
    """One answer: Markdown, the session it belongs to, the events it showed, and agent metadata."""

    response: str
    session_id: str
    events: list[dict[str, Any]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


def build_payload(session_id: str, message: str, turn: int, *, stream: bool) -> dict[str, Any]:
    """The Contract 1 request payload; raise ``invalid_request`` before anything leaves the process."""
    if not is_valid_session_id(session_id):
        raise AgentError("invalid_request", "セッション ID の形式が正しくありません。", detail="bad session id")
    if not isinstance(message, str) or not message.strip():
        raise AgentError("invalid_request", "メッセージを入力してください。", detail="empty message")
    if not is_utf8_text(message):
        raise AgentError("invalid_request", "メッセージに使えない文字が含まれています。", detail="lone surrogates")
    if isinstance(turn, bool) or not isinstance(turn, int) or turn < 0:
        raise AgentError("invalid_request", detail="bad turn")
    return {"prompt": message.strip(), "turn": turn, "stream": stream}


def is_utf8_text(text: str) -> bool:
    """Whether ``text`` can be sent as UTF-8: JSON's ``\\ud800`` escapes decode to lone surrogates, which cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def encode_payload(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def reply_from_body(obj: Any, session_id: str, *, status: int = 200) -> AgentReply:
    """A non-streaming Contract 1 body as a reply; error objects and malformed bodies raise ``AgentError``."""
    error = error_from_object(obj, status=status)
    if error is not None:
        raise error
    if not isinstance(obj, dict) or not isinstance(obj.get("response"), str):
        raise AgentError("agent_unavailable", detail=f"malformed agent response (HTTP {status})")
    return AgentReply(
        response=obj["response"],
        session_id=_str(obj.get("session_id"), session_id),
        events=_dicts(obj.get("events")),
        meta=_dict(obj.get("meta")),
    )


def reply_from_json_bytes(raw: bytes, session_id: str, *, status: int = 200) -> AgentReply:
    """Decode a JSON body (``agent_unavailable`` when it is not JSON) and read it as a reply."""
    try:
        obj = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise AgentError("agent_unavailable", detail=f"non-JSON agent response (HTTP {status})") from exc
    return reply_from_body(obj, session_id, status=status)


def lines_of(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Lines (with their terminator) out of arbitrary chunks, each as soon as it is complete."""
    pending = b""
    for chunk in chunks:
        pending += chunk
        *complete, pending = pending.split(b"\n")
        for line in complete:
            yield line + b"\n"
    if pending:
        yield pending


def sse_data(lines: Iterable[bytes | str]) -> Iterator[str]:
    """The ``data`` of each Server-Sent Event in ``lines`` (line terminators already stripped)."""
    buffer: list[str] = []
    for raw in lines:
        try:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:  # a broken upstream must still surface as a Contract 2 error
            raise AgentError("agent_unavailable", detail="non-UTF-8 SSE line") from exc
        line = line.rstrip("\r\n")
        if not line:
            if buffer:
                yield "\n".join(buffer)
                buffer = []
        elif line.startswith("data:"):
            value = line[5:]
            buffer.append(value[1:] if value.startswith(" ") else value)
        # Comments (":") and other fields (event, id, retry) carry nothing for us.
    if buffer:
        yield "\n".join(buffer)


def sse_objects(lines: Iterable[bytes | str]) -> Iterator[Any]:
    """Decode each SSE ``data`` as JSON (the AgentCore SDK writes one JSON value per event)."""
    for data in sse_data(lines):
        try:
            yield json.loads(data)
        except ValueError as exc:
            raise AgentError("agent_unavailable", detail="non-JSON SSE event") from exc


def checked_stream(objects: Iterable[Any], session_id: str, *, status: int = 200) -> Iterator[dict[str, Any]]:
    """Contract 1 stream events from ``objects``: text deltas, then ``done``; errors raise ``AgentError``.

    Unknown event types pass through (clients ignore them); a stream that ends without ``done`` is a
    failed invocation.
    """
    for obj in objects:
        error = error_from_object(obj, status=status)
        if error is not None:
            raise error
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
            continue
        if obj["type"] == "text":
            if isinstance(obj.get("text"), str) and obj["text"]:
                yield {"type": "text", "text": obj["text"]}
        elif obj["type"] == "done":
            yield {
                "type": "done",
                "session_id": _str(obj.get("session_id"), session_id),
                "events": _dicts(obj.get("events")),
                "meta": _dict(obj.get("meta")),
            }
            return
        else:
            yield obj
    raise AgentError("agent_unavailable", detail="agent stream ended without a done event")


def reply_from_stream(events: Iterable[dict[str, Any]], session_id: str) -> AgentReply:
    """Fold checked stream events into one reply."""
    parts: list[str] = []
    for event in events:
        if event["type"] == "text":
            parts.append(event["text"])
        elif event["type"] == "done":
            return AgentReply("".join(parts), event["session_id"], event["events"], event["meta"])
    raise AgentError("agent_unavailable", detail="agent stream ended without a done event")


def stream_from_reply(reply: AgentReply) -> Iterator[dict[str, Any]]:
    """A whole reply as stream events, for agents that answered JSON to a streaming request."""
    if reply.response:
        yield {"type": "text", "text": reply.response}
    yield {"type": "done", "session_id": reply.session_id, "events": reply.events, "meta": reply.meta}


def is_event_stream(content_type: str | None) -> bool:
    return (content_type or "").lower().startswith("text/event-stream")


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _str(value: Any, default: str) -> str:
    return value if isinstance(value, str) and value else default


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
