"""Property-based tests generated from ``proxy/openapi.yaml`` (schemathesis) against the running Chat API.

The spec must say what the API really does: every answer schemathesis provokes must be one the spec documents,
with the documented status, Content-Type, headers and body (``/chat/stream``: every Server-Sent Event's ``data``
against ``StreamEvent``).

- **Server**: a real uvicorn on 127.0.0.1 serving ``proxy.app.create_app`` (``serve_asgi``), not schemathesis's
  ASGI integration: the Chat Lambda runs this very app on uvicorn (behind the Web Adapter), and only a real server
  shows what goes on the wire: status lines, Content-Type, chunked SSE framing, ``Allow`` on 405, how undeclared
  methods (``TRACE``, ``QUERY``) and bodies without a Content-Type are handled. A request costs a few ms.
- **Agent**: ``AnsweringClient`` (``tests/proxy/api.py``), an in-process fake that answers at once, so no model
  runs and every valid request is answered 200. The agent's error answers (408, 429 + ``Retry-After``, 503, 504,
  and an ``error`` event mid-stream) are checked against the spec with scripted failures below.
- **Phases**: coverage (boundary values, each invalid shape of each field, every undeclared method, missing and
  unsupported Content-Type) and fuzzing with positive and negative data; examples (the spec has none). The
  stateful phase needs links between operations, which the API does not have.
- **Checks**: every check schemathesis registers (``ALL_CHECKS``: server errors, status code, Content-Type, headers
  and response schema conformance, positive data accepted, negative data rejected, unsupported methods, ``Allow``
  header, ...) plus ``stream_protocol`` below. Not ``max_response_time``: timing on shared cores is no property of
  the API.
- **Bounded and deterministic**: a fixed seed with ``derandomize``, ``MAX_EXAMPLES`` per operation for fuzzing (the
  coverage phase is a fixed set), no example database, no deadline, and Hypothesis's timing-based ``too_slow``
  health check off; a few seconds in all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
import requests
import schemathesis
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.definitions import OPENAPI_32

from proxy.app import create_app
from proxy.client import AgentError
from tests.fixtures.uvicorn_server import serve_asgi
from tests.proxy.api import QUESTION, SESSION, AnsweringClient, sse_events
from tests.proxy.conftest import OPENAPI_PATH

#: A schemathesis test case (any operation).
Case = schemathesis.Case[Any]

SEED = 20261202
MAX_EXAMPLES = 20

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "suppress-health-check": ["too_slow"],
        "generation": {"mode": "all", "max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}, "fuzzing": {"enabled": True}},
    }
)
schema = schemathesis.openapi.from_path(str(OPENAPI_PATH), config=CONFIG)

load_all_checks()
#: Every built-in check of the pinned schemathesis, by name.
ALL_CHECKS: dict[str, Any] = {check.__name__: check for check in CHECKS.get_all()}


def stream_protocol(ctx: Any, response: schemathesis.Response, case: Case) -> None:
    """Contract 2's stream: a ``data:`` line per frame (or a comment), ``text`` events, then one ``done``/``error``."""
    content_type = response.headers.get("content-type", [""])[0]
    if response.status_code != 200 or not content_type.startswith("text/event-stream"):
        return
    kinds = [event["type"] for event in sse_events(response.content.decode("utf-8"))]  # asserts the framing
    assert kinds and kinds[-1] in ("done", "error") and set(kinds[:-1]) <= {"text"}, kinds


@pytest.fixture(scope="module")
def session() -> Iterator[requests.Session]:
    with requests.Session() as http:
        yield http


@pytest.fixture(scope="module")
def answering_api() -> Iterator[str]:
    with serve_asgi(create_app(AnsweringClient())) as url:
        yield url


def test_every_check_of_the_pinned_schemathesis_is_known() -> None:
    """A schemathesis upgrade that adds a check shows up here, so someone decides whether it applies."""
    assert set(ALL_CHECKS) == {
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "positive_data_acceptance",
        "missing_required_header",
        "unsupported_method",
        "allow_header_conformance",
        "use_after_free",
        "ensure_resource_availability",
        "ignored_auth",
        "object_level_authorization",
    }


def test_the_document_is_valid_openapi_3_2(openapi: Any) -> None:
    """Against the OpenAPI 3.2 meta-schema schemathesis ships, and each schema against JSON Schema 2020-12."""
    assert openapi.document["openapi"].startswith("3.2.")
    jsonschema.Draft202012Validator(OPENAPI_32).validate(openapi.document)
    for component in openapi.document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(component)


@schema.parametrize()
def test_api_conforms_to_openapi(case: Case, answering_api: str, session: requests.Session) -> None:
    case.call_and_validate(
        base_url=answering_api,
        session=session,
        checks=list(ALL_CHECKS.values()),
        additional_checks=[stream_protocol],
        timeout=10,
    )


#: What the agent fails with, and whether the stream has sent text first (an SSE ``error`` event, not a status).
AGENT_FAILURES = {
    "session_expired": (AgentError("session_expired"), False),
    "throttled": (AgentError("throttled", retry_after=2.5), False),
    "agent_unavailable": (AgentError("agent_unavailable", detail="test"), False),
    "agent_timeout": (AgentError("agent_timeout"), False),
    "mid-stream error": (AgentError("agent_timeout"), True),
}
#: The agent's failures are valid requests answered 4xx/5xx on purpose.
NOT_FOR_SCRIPTED_FAILURES = {"not_a_server_error", "positive_data_acceptance"}


@pytest.fixture(scope="module")
def failing_agent() -> AnsweringClient:
    """The agent behind ``failing_api``: each test sets what it fails with."""
    return AnsweringClient()


@pytest.fixture(scope="module")
def failing_api(failing_agent: AnsweringClient) -> Iterator[str]:
    with serve_asgi(create_app(failing_agent)) as url:
        yield url


@pytest.mark.parametrize("path", ["/chat", "/chat/stream"])
@pytest.mark.parametrize("failure", AGENT_FAILURES)
def test_agent_failures_are_answered_as_documented(
    path: str, failure: str, failing_agent: AnsweringClient, failing_api: str, session: requests.Session
) -> None:
    error, after_text = AGENT_FAILURES[failure]
    failing_agent.fail, failing_agent.after_text = error, after_text
    turn = 1 if error.code == "session_expired" else 0  # a later turn of a conversation whose context is gone
    body: dict[str, Any] = {"message": QUESTION, "session_id": SESSION, "turn": turn}
    case = schema[path]["POST"].Case(body=body, media_type="application/json")
    checks = [check for name, check in ALL_CHECKS.items() if name not in NOT_FOR_SCRIPTED_FAILURES]
    response = case.call_and_validate(
        base_url=failing_api, session=session, checks=checks, additional_checks=[stream_protocol], timeout=10
    )
    streamed = after_text and path == "/chat/stream"
    assert response.status_code == (200 if streamed else error.status)
