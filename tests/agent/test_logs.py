"""The agent's JSON log lines: valid JSON whatever the message holds, the proxy's fields, clear level errors."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from agent.errors import ConfigError
from agent.logs import JsonFormatter, configure, parse_level
from proxy.api.logs import JsonFormatter as ProxyFormatter


def _record(message: str, exc: bool = False) -> logging.LogRecord:
    info = None
    if exc:
        try:
            raise ValueError("-".join(("secret", "ish", "detail")))  # the text, not the source line
        except ValueError:
            info = sys.exc_info()
    return logging.LogRecord("agent.test", logging.WARNING, __file__, 1, message, None, info)


@pytest.mark.parametrize("message", ['quote " inside', "new\nline", "tab\t and \\ backslash", "日本語 {json: like}"])
def test_every_line_is_valid_json(message: str) -> None:
    line = JsonFormatter().format(_record(message))
    assert "\n" not in line
    assert json.loads(line)["event"] == message


def test_tracebacks_stay_inside_the_json_and_leave_out_the_exception_text() -> None:
    entry = json.loads(JsonFormatter().format(_record("failed", exc=True)))
    assert entry["exception"] == "ValueError" and "test_logs.py" in entry["traceback"]
    assert "secret-ish-detail" not in json.dumps(entry)


def test_the_agent_and_the_proxy_write_the_same_fields() -> None:
    record = _record("hello")
    assert set(json.loads(JsonFormatter().format(record))) == set(json.loads(ProxyFormatter().format(record)))


def test_configure_sends_json_lines_and_refuses_unknown_levels() -> None:
    stream = io.StringIO()
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        configure("info", stream=stream)
        logging.getLogger("agent.x").info('a "quoted"\nmessage')
        assert json.loads(stream.getvalue().strip())["event"] == 'a "quoted"\nmessage'
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
    assert parse_level("") == "WARNING" and parse_level(None, "INFO") == "INFO"
    with pytest.raises(ConfigError, match="CONFEE_LOG_LEVEL"):
        parse_level("verbose")
