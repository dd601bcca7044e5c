"""OpenTelemetry: one question is one trace — agent → model calls → search_connpass → confee.search → connpass.

Spans go to an in-memory exporter (the SDK's own test exporter); deployed, ADOT sends the same spans to
CloudWatch (agent/Dockerfile). connpass is a local fake on 127.0.0.1.
"""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from agent.clock import fixed_clock
from agent.config import Settings
from agent.models.offline import OfflineModel
from agent.runtime.service import ChatService
from agent.sources.apikey import StaticKey
from agent.sources.connpass import ConnpassClient
from agent.sources.ratelimit import RateLimiterRegistry
from tests.agent.runtime.conftest import NOW, SESSION_A
from tests.fixtures.fake_connpass import FakeConnpass, sample_event

KEY = "telemetry-" + "k" * 30
_EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    """The process's tracer provider (OpenTelemetry allows one): set here unless something set it first."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
    trace.set_tracer_provider(provider)
    current = trace.get_tracer_provider()
    if not isinstance(current, TracerProvider) or current is not provider:
        pytest.skip("another tracer provider is installed in this process")
    return _EXPORTER


def _ancestors(span: ReadableSpan, by_id: dict[int, ReadableSpan]) -> list[str]:
    names = []
    while span.parent is not None and span.parent.span_id in by_id:
        span = by_id[span.parent.span_id]
        names.append(span.name)
    return names


def test_one_question_is_one_trace_down_to_connpass(exporter: InMemorySpanExporter) -> None:
    exporter.clear()
    events = [sample_event(i, title=f"Rust勉強会 #{i}", started_at="2026-12-10T19:00:00+09:00") for i in (1, 2)]
    with FakeConnpass(api_key=KEY, events=events) as fake:
        client = ConnpassClient(fake.base_url, api_key_provider=StaticKey(KEY), limiters=RateLimiterRegistry(0.001))
        service = ChatService(Settings(), client, OfflineModel(fixed_clock(NOW), chunk_delay=0), clock=fixed_clock(NOW))
        try:
            body = service.invoke(SESSION_A, {"prompt": "12月のRustの勉強会"})
        finally:
            service.close()
            client.close()
    assert "error" not in body
    spans = exporter.get_finished_spans()
    names = [s.name for s in spans]
    assert len({s.context.trace_id for s in spans}) == 1, names
    by_id = {s.context.span_id: s for s in spans}
    connpass = [s for s in spans if s.name == "connpass GET /events/"]
    assert connpass, names
    chain = _ancestors(connpass[0], by_id)
    assert "confee.search" in chain and any("search_connpass" in n for n in chain), chain
    assert any("invoke_agent" in n for n in chain), chain
    assert sum(1 for n in names if n.startswith("chat")) >= 2, names  # the model calls
    assert all(KEY not in str(dict(s.attributes or {})) for s in spans), "the key is never an attribute"
    assert "ym=202612" in str(dict(connpass[0].attributes or {})["connpass.query"])
