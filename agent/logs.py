"""The agent's logs: one JSON object per line on stderr, whatever the message holds (quotes, newlines, tracebacks).

The same shape as the Chat API's (``proxy/api/logs.py``: ``ts``, ``level``, ``logger``, ``event``, extra
fields, exception type and frames), so one Logs Insights query reads the runtime, the Sync Lambda and the API.
The agent and the proxy are separate deployables that cannot import each other, hence a module each;
``tests/agent/test_logs.py`` checks they write the same fields.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import traceback
from typing import Any

from agent.errors import ConfigError

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, the message as ``event``, and ``fields`` if given."""

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


def parse_level(value: str | None, default: str = "WARNING") -> str:
    """``CONFEE_LOG_LEVEL`` checked: one of ``LEVELS`` (any case); empty means ``default``.

    Raises:
        ConfigError: Any other value (a clear message instead of logging's traceback).
    """
    level = (value or "").strip().upper() or default
    if level not in LEVELS:
        raise ConfigError(f"CONFEE_LOG_LEVEL must be one of {', '.join(LEVELS)}, got {value!r}")
    return level


def configure(level: str | None, *, default: str = "WARNING", stream: Any = None) -> None:
    """Send every log record of the process to ``stream`` (stderr) as JSON lines, at ``level``.

    Raises:
        ConfigError: ``level`` is not a logging level.
    """
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(parse_level(level, default))
