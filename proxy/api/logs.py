"""Structured JSON logs on stdout (one object per line), as CloudWatch Logs Insights reads them.

Callers pass fields, not prose; nobody logs the user's message text at INFO or any secret, and session ids
only by their first characters (an id is what lets anyone continue that conversation).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
import traceback
import uuid
from collections.abc import Mapping
from typing import Any

_LOGGER_NAME = "confee.proxy"

#: Characters of a session id that logs keep: enough to follow one conversation, not enough to join it.
SESSION_PREFIX_CHARS = 8


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, event name, and the record's ``fields``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # The type and the frames only: an exception's text might quote request data.
            entry["exception"] = record.exc_info[0].__name__
            entry["traceback"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(entry, ensure_ascii=False, default=str)


class StdoutHandler(logging.Handler):
    """Writes to whatever ``sys.stdout`` is at emit time (Lambda captures it; so do tests)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stdout.write(self.format(record) + "\n")
            sys.stdout.flush()
        except Exception:
            self.handleError(record)


def get_logger() -> logging.Logger:
    """The proxy's logger, set up once: JSON to stdout, level from ``LOG_LEVEL`` (default INFO)."""
    logger = logging.getLogger(_LOGGER_NAME)
    if not logger.handlers:
        handler = StdoutHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
        level = os.environ.get("LOG_LEVEL", "INFO").upper()
        logger.setLevel(level if level in ("DEBUG", "INFO", "WARNING", "ERROR") else "INFO")
    return logger


def log(level: int, event: str, *, exc: BaseException | None = None, **fields: Any) -> None:
    """Log ``event`` with structured ``fields`` (and the type and frames of ``exc``)."""
    get_logger().log(level, event, exc_info=exc, extra={"fields": fields})


def session_prefix(session_id: str | None) -> str | None:
    """What logs keep of a session id."""
    return session_id[:SESSION_PREFIX_CHARS] if session_id else None


def request_id(headers: Mapping[str, str]) -> str:
    """Lambda's request id, else API Gateway's, else a fresh one (so every log line has one).

    Behind the AWS Lambda Web Adapter, the invocation context arrives as JSON in ``x-amzn-lambda-context`` and
    API Gateway's request context in ``x-amzn-request-context``.
    """
    for name, key in (("x-amzn-lambda-context", "request_id"), ("x-amzn-request-context", "requestId")):
        value = _json_field(headers.get(name), key)
        if value:
            return value
    return uuid.uuid4().hex


def _json_field(raw: str | None, key: str) -> str | None:
    if not raw:
        return None
    try:
        value = json.loads(raw).get(key)
    except (ValueError, AttributeError):
        return None
    return value[:100] if isinstance(value, str) and value else None
