"""The caller's X-Ray trace, handed on to AgentCore so that one question is one trace (docs/operations.md).

Deployed, API Gateway starts the trace and Lambda continues it; the Lambda Web Adapter runs the Chat API as a
separate process, so Lambda's per-invocation ``_X_AMZN_TRACE_ID`` never reaches it: the adapter sends the
invocation's trace header as the request header ``x-amzn-trace-id`` instead (``Root=1-…;Parent=…;Sample=1``).
The Chat API puts that value here for the duration of its agent call (``traced``); code that runs as a Lambda
handler itself has it in ``_X_AMZN_TRACE_ID``. The ARN transport passes it to ``invoke_agent_runtime`` as
``traceId`` (the ``X-Amzn-Trace-Id`` header) and, when it names a parent, as the same trace in W3C form
(``traceParent``), so the runtime continues the trace whichever propagator its OpenTelemetry uses.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from contextvars import ContextVar

#: The request header the Lambda Web Adapter (and API Gateway) carry the X-Ray trace header in.
TRACE_HEADER = "x-amzn-trace-id"
#: Where Lambda puts the current invocation's trace header for a handler running in its runtime process.
TRACE_ENV = "_X_AMZN_TRACE_ID"
#: ``invoke_agent_runtime``'s ``traceId`` is at most this long (botocore's service model).
MAX_TRACE_ID_CHARS = 128

_CURRENT: ContextVar[str | None] = ContextVar("confee_trace_header", default=None)
_HEADER = re.compile(rf"[A-Za-z0-9=;:._-]{{1,{MAX_TRACE_ID_CHARS}}}")
_ROOT = re.compile(r"(?:^|;)Root=1-(?P<time>[0-9a-f]{8})-(?P<id>[0-9a-f]{24})(?:;|$)")
_PARENT = re.compile(r"(?:^|;)Parent=(?P<parent>[0-9a-f]{16})(?:;|$)")
_SAMPLED = re.compile(r"(?:^|;)Sampled?=1(?:;|$)")


@contextlib.contextmanager
def traced(header: str | None) -> Iterator[None]:
    """Make ``header`` (an ``X-Amzn-Trace-Id`` value, or ``None``) the current trace within the block."""
    token = _CURRENT.set(header)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_trace_header() -> str | None:
    """The current X-Ray trace header when it is a well-formed one: ``traced``'s, else ``_X_AMZN_TRACE_ID``."""
    for value in (_CURRENT.get(), os.environ.get(TRACE_ENV)):
        if value and _HEADER.fullmatch(value.strip()) and _ROOT.search(value.strip()):
            return value.strip()
    return None


def trace_params(header: str | None) -> dict[str, str]:
    """``invoke_agent_runtime``'s trace parameters for an X-Ray trace header (none without one).

    ``traceParent`` is the same trace in W3C Trace Context form (``00-<trace id>-<parent id>-<flags>``: the
    X-Ray root without its version and dashes, the parent segment, sampled or not); it needs a parent.
    """
    if header is None:
        return {}
    params = {"traceId": header}
    root, parent = _ROOT.search(header), _PARENT.search(header)
    if root is not None and parent is not None:
        flags = "01" if _SAMPLED.search(header) else "00"
        params["traceParent"] = f"00-{root['time']}{root['id']}-{parent['parent']}-{flags}"
    return params
