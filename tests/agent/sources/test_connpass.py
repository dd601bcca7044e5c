"""ConnpassClient against a real local HTTP server that imitates connpass (tests/fixtures/fake_connpass.py)."""

from __future__ import annotations

import http.client
import itertools
import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import httpx
import pytest

from agent.errors import ConfigError, SourceError
from agent.sources.apikey import StaticKey
from agent.sources.base import SearchQuery
from agent.sources.connpass import ConnpassClient, parse_search_result
from agent.sources.deadline import search_deadline
from agent.sources.ratelimit import DEFAULT_REGISTRY, QueueTooLong, RateLimiterRegistry
from tests.fixtures.fake_connpass import FakeConnpass, FakeResponse, VirtualTime, sample_event, search_body

KEY = "test-key"


@pytest.fixture
def fake() -> Iterator[FakeConnpass]:
    with FakeConnpass(api_key=KEY) as server:
        yield server


@pytest.fixture
def vt() -> VirtualTime:
    return VirtualTime()


def client_for(fake: FakeConnpass, vt: VirtualTime, *, key: str = KEY, **kwargs) -> ConnpassClient:
    """A client paced in virtual time, so tests never really sleep for the limiter."""
    registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
    return ConnpassClient(fake.base_url, api_key_provider=StaticKey(key), limiters=registry, **kwargs)


def search_error(client: ConnpassClient, query: SearchQuery | None = None) -> SourceError:
    with pytest.raises(SourceError) as info:
        client.search(query or SearchQuery())
    return info.value


# -- the request on the wire -------------------------------------------------------------------


def test_sends_key_and_a_real_user_agent(fake, vt):
    with client_for(fake, vt) as client:
        client.search(SearchQuery())
    [request] = fake.requests
    assert request.method == "GET"
    assert request.path == "/api/v2/events/"
    assert request.headers["x-api-key"] == KEY
    assert request.headers["user-agent"].startswith("Confee/")
    assert "python-httpx" not in request.headers["user-agent"]
    assert request.headers["accept"] == "application/json"


def test_multi_value_params_are_repeated_keys_and_japanese_is_percent_encoded(fake, vt):
    query = SearchQuery(
        keyword=("Python", "機械学習"),
        keyword_or=("東京", "Rust 入門"),
        ym=("202612", "202701"),
        ymd=("20261205",),
        prefecture=("tokyo", "online"),
        order=3,
        start=11,
        count=50,
    )
    with client_for(fake, vt) as client:
        client.search(query)
    [request] = fake.requests
    assert request.query == query.to_params()
    assert request.values("keyword") == ["Python", "機械学習"]
    assert request.values("prefecture") == ["tokyo", "online"]
    raw = request.raw_query
    assert raw.count("keyword=") == 2 and raw.count("ym=") == 2
    assert "keyword=%E6%A9%9F%E6%A2%B0%E5%AD%A6%E7%BF%92" in raw  # 機械学習 in UTF-8
    assert "機" not in raw and " " not in raw


def test_connection_is_reused_between_searches(fake, vt):
    with client_for(fake, vt) as client:
        client.search(SearchQuery())
        client.search(SearchQuery())
    first, second = fake.requests
    assert first.client_port == second.client_port


# -- successful answers ------------------------------------------------------------------------


def test_parses_a_v2_response(fake, vt):
    fake.events = [sample_event(i, title=f"イベント{i}") for i in range(1, 6)]
    with client_for(fake, vt) as client:
        result = client.search(SearchQuery(start=2, count=2))
    assert result.results_returned == 2
    assert result.results_available == 5
    assert result.results_start == 2
    assert [e["id"] for e in result.events] == [2, 3]
    assert result.events[0]["title"] == "イベント2"
    assert result.events[0]["started_at"] == "2026-12-05T19:00:00+09:00"


def test_events_missing_essential_fields_are_dropped(fake, vt):
    incomplete = sample_event(2)
    del incomplete["url"]
    body = {
        "results_returned": 3,
        "results_available": 3,
        "results_start": 1,
        "events": [sample_event(1), incomplete, "not an event"],
    }
    fake.enqueue(FakeResponse(200, body))
    with client_for(fake, vt) as client:
        result = client.search(SearchQuery())
    assert [e["id"] for e in result.events] == [1]
    assert result.results_returned == 1


@pytest.mark.parametrize(
    "body",
    [
        "<html><body>メンテナンス中</body></html>",
        b"\xff\xfe not json",
        [],
        {"events": []},
        {"results_returned": 0, "results_available": 0, "results_start": 1},
        {"results_returned": "1", "results_available": 1, "results_start": 1, "events": []},
        {"results_returned": 0, "results_available": 0, "results_start": 1, "events": {}},
    ],
    ids=["html", "binary", "list", "no-envelope", "no-events", "string-count", "events-not-list"],
)
def test_malformed_bodies(fake, vt, body):
    fake.enqueue(FakeResponse(200, body))
    with client_for(fake, vt) as client:
        assert search_error(client).kind == "malformed"


def test_parse_search_result_rejects_booleans_as_counts():
    with pytest.raises(SourceError):
        parse_search_result({"results_returned": True, "results_available": 1, "results_start": 1, "events": []})


# -- failures ----------------------------------------------------------------------------------


def test_timeout(fake, vt):
    fake.enqueue(FakeResponse(delay=2.0))
    with client_for(fake, vt, timeout=0.3) as client:
        started = time.monotonic()
        error = search_error(client)
    assert error.kind == "timeout"
    assert time.monotonic() - started < 1.5
    assert error.message == "接続がタイムアウトしました。再度お試しください。"


def test_wrong_key_is_unauthorized_and_invalidates_the_provider(fake, vt):
    class Provider:
        invalidated = 0

        def __call__(self) -> str:
            return "wrong-key"

        def invalidate(self) -> None:
            self.invalidated += 1

    provider = Provider()
    registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
    with ConnpassClient(fake.base_url, api_key_provider=provider, limiters=registry) as client:
        assert search_error(client).kind == "unauthorized"
    assert provider.invalidated == 1
    assert [r.status for r in fake.requests] == [401]


def test_forbidden(fake, vt):
    fake.enqueue(FakeResponse(403))
    with client_for(fake, vt) as client:
        assert search_error(client).kind == "forbidden"


def test_the_fake_refuses_requests_without_user_agent(fake):
    # http.client sends no User-Agent unless told to: this is what connpass refuses.
    conn = http.client.HTTPConnection("127.0.0.1", fake.port, timeout=2)
    conn.request("GET", "/api/v2/events/?keyword=python", headers={"X-API-Key": KEY})
    assert conn.getresponse().status == 403
    conn.close()


@pytest.mark.parametrize("status", [500, 502, 503, 404, 302, 400])
def test_server_errors_and_unexpected_statuses_are_upstream(fake, vt, status):
    fake.enqueue(FakeResponse(status, headers={"Location": "https://example.com/"} if status == 302 else {}))
    with client_for(fake, vt) as client:
        error = search_error(client)
    assert error.kind == "upstream"
    assert len(fake.requests) == 1  # no retry except for 429


def test_each_failure_is_logged_once_for_the_failure_alarm(fake, vt, caplog):
    fake.enqueue(FakeResponse(503))
    with caplog.at_level(logging.WARNING, logger="agent.sources.connpass"), client_for(fake, vt) as client:
        search_error(client)
        client.search(SearchQuery())  # a success logs nothing at WARNING
    failures = [r for r in caplog.records if r.getMessage() == "connpass request failed"]
    assert [r.fields["connpass_error"] for r in failures] == ["upstream"]
    assert KEY not in caplog.text


def test_connection_refused_is_upstream(vt):
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
    with ConnpassClient(f"http://127.0.0.1:{port}/api/v2", api_key_provider=StaticKey(KEY), limiters=registry) as c:
        assert search_error(c).kind == "upstream"


@pytest.mark.parametrize("base_url", ["connpass.com/api/v2", "ftp://127.0.0.1/api/v2"])
def test_base_url_must_be_http(base_url):
    with pytest.raises(ConfigError):
        ConnpassClient(base_url, api_key_provider=StaticKey(KEY))


def test_provider_failure_propagates_without_a_request(fake, vt):
    def broken() -> str:
        raise SourceError("unauthorized", detail="secret is empty")

    registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
    with ConnpassClient(fake.base_url, api_key_provider=broken, limiters=registry) as client:
        assert search_error(client).kind == "unauthorized"
    assert fake.requests == []


# -- 429 ---------------------------------------------------------------------------------------


def test_429_then_success_honours_retry_after(fake, vt):
    fake.enqueue(FakeResponse(429, headers={"Retry-After": "3"}))
    with client_for(fake, vt) as client:
        result = client.search(SearchQuery(keyword=("python",)))
    assert len(result.events) == 3
    assert [r.status for r in fake.requests] == [429, 200]
    assert fake.requests[1].query == fake.requests[0].query
    assert vt.sleeps == pytest.approx([3.0])  # waited exactly what the server asked


def test_429_without_retry_after_waits_one_interval(fake, vt):
    fake.enqueue(FakeResponse(429))
    with client_for(fake, vt) as client:
        client.search(SearchQuery())
    assert vt.sleeps and vt.sleeps[0] >= 1.0


def test_429_twice_is_rate_limited(fake, vt):
    fake.enqueue(FakeResponse(429, headers={"Retry-After": "1"}), FakeResponse(429, headers={"Retry-After": "2"}))
    with client_for(fake, vt) as client:
        error = search_error(client)
    assert error.kind == "rate_limited"
    assert error.retry_after == 2.0
    assert [r.status for r in fake.requests] == [429, 429]


def test_429_with_a_long_retry_after_fails_fast_and_pauses_the_key(fake, vt):
    fake.enqueue(FakeResponse(429, headers={"Retry-After": "30"}))
    with client_for(fake, vt, max_retry_after=5.0) as client:
        error = search_error(client)
        assert error.kind == "rate_limited"
        assert error.retry_after == 30.0
        assert vt.sleeps == []
        # Other searches with the same key do not hammer connpass meanwhile.
        assert search_error(client).kind == "rate_limited"
    assert len(fake.requests) == 1


def test_full_client_side_queue_is_rate_limited_without_a_request(fake, vt):
    with client_for(fake, vt, max_queue_wait=0.5) as client:
        client.search(SearchQuery())
        error = search_error(client)
    assert error.kind == "rate_limited"
    assert error.retry_after == pytest.approx(1.05)
    assert len(fake.requests) == 1


# -- the search's deadline (what is left of the turn's budget) -----------------------------------


def test_retry_after_beyond_the_deadline_fails_fast(fake, vt, caplog):
    """A wait the client would sit out (3 s <= 5 s) but the turn cannot afford: "busy" now, not agent_timeout later."""
    fake.enqueue(FakeResponse(429, headers={"Retry-After": "3"}))
    with (
        caplog.at_level(logging.WARNING, logger="agent.sources.connpass"),
        client_for(fake, vt, max_retry_after=5.0) as client,
        search_deadline(time.monotonic() + 2.0),
    ):
        error = search_error(client)
    assert (error.kind, error.retry_after) == ("rate_limited", 3.0)
    assert vt.sleeps == [] and len(fake.requests) == 1
    # connpass did answer 429: that counts for the failure alarm.
    assert [r.fields["connpass_error"] for r in caplog.records if r.getMessage() == "connpass request failed"] == [
        "rate_limited"
    ]


def test_no_request_slot_within_the_deadline_sends_nothing_and_is_no_connpass_failure(fake, vt, caplog):
    with caplog.at_level(logging.INFO, logger="agent.sources.connpass"), client_for(fake, vt) as client:
        client.search(SearchQuery())  # the next slot is 1.05 s away
        with search_deadline(time.monotonic() + 1.5):  # leaves 0.5 s for queueing: a request needs 1 s after it
            error = search_error(client)
        with search_deadline(time.monotonic() - 0.1):  # spent
            spent = search_error(client)
    assert error.kind == "rate_limited" and error.retry_after == pytest.approx(1.05)
    assert spent.kind == "timeout"
    assert len(fake.requests) == 1 and vt.sleeps == []
    assert not [r for r in caplog.records if r.getMessage() == "connpass request failed"]
    assert "connpass request skipped" in caplog.text


def test_a_request_gets_only_what_is_left_of_the_deadline(vt):
    timeouts: list[dict[str, float]] = []

    def connpass(request: httpx.Request) -> httpx.Response:
        timeouts.append(request.extensions["timeout"])
        return httpx.Response(200, json=search_body([sample_event(1)]))

    registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
    http = httpx.Client(transport=httpx.MockTransport(connpass), timeout=5.0)
    client = ConnpassClient("http://connpass.test/api/v2", api_key_provider=StaticKey(KEY), limiters=registry,
                            http_client=http)  # fmt: skip
    with http:
        client.search(SearchQuery())  # no deadline: the client's own timeout
        vt.advance(2)
        with search_deadline(time.monotonic() + 2.0):
            client.search(SearchQuery())
    assert timeouts[0]["read"] == 5.0
    assert 1.0 < timeouts[1]["read"] <= 2.0 and timeouts[1]["connect"] <= 2.0


# -- pacing across threads and clients ---------------------------------------------------------


def test_concurrent_searches_take_spaced_slots_virtual_time(fake):
    vt = VirtualTime(advance_on_sleep=False)  # the limiter's schedule, without waiting for it
    registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
    clients = [ConnpassClient(fake.base_url, api_key_provider=StaticKey(KEY), limiters=registry) for _ in range(2)]
    errors: list[BaseException] = []

    def session(client: ConnpassClient) -> None:
        try:
            for _ in range(2):
                client.search(SearchQuery(keyword=("go",)))
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=session, args=(clients[i % 2],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    for c in clients:
        c.close()
    assert errors == []
    assert len(fake.requests) == 8
    slots = sorted([vt.now, *vt.wakeups])  # the first caller did not sleep
    assert len(slots) == 8
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(slots))


def test_concurrent_searches_arrive_spaced_real_time():
    # A scaled-down interval keeps this fast; the server enforces pacing like connpass does.
    with FakeConnpass(api_key=KEY, min_interval=0.15) as fake:
        registry = RateLimiterRegistry(min_interval=0.2)
        with ConnpassClient(fake.base_url, api_key_provider=StaticKey(KEY), limiters=registry) as client:
            threads = [
                threading.Thread(target=lambda: [client.search(SearchQuery()) for _ in range(2)]) for _ in range(4)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=10)
        assert [r.status for r in fake.requests] == [200] * 8
        assert fake.min_gap(KEY) >= 0.15


def test_default_pacing_is_one_second_per_key_real_time():
    key = f"key-{uuid.uuid4()}"
    with FakeConnpass(api_key=key, min_interval=1.0) as fake:
        clients = [ConnpassClient(fake.base_url, api_key_provider=StaticKey(key)) for _ in range(2)]
        threads = [threading.Thread(target=c.search, args=(SearchQuery(),)) for c in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=10)
        for c in clients:
            c.close()
        assert [r.status for r in fake.requests] == [200, 200]
        assert fake.min_gap(key) >= 1.0


def test_clients_use_the_process_wide_limiter_by_default(fake):
    key = f"key-{uuid.uuid4()}"
    fake.api_key = key
    with ConnpassClient(fake.base_url, api_key_provider=StaticKey(key)) as client:
        client.search(SearchQuery())
    with pytest.raises(QueueTooLong):  # the slot after that search is already taken
        DEFAULT_REGISTRY.for_key(key).acquire(max_wait=0.0)


# -- secrets stay secret -----------------------------------------------------------------------


def test_key_is_never_logged_nor_in_errors(caplog, vt):
    secret = "super-secret-connpass-key"
    with FakeConnpass(api_key=secret) as fake:
        fake.enqueue(FakeResponse(429, headers={"Retry-After": "1"}), FakeResponse(500))
        with caplog.at_level(logging.DEBUG), client_for(fake, vt, key=secret) as client:
            error = search_error(client)
            client.search(SearchQuery())
    assert error.kind == "upstream"
    assert "status=<200>" in caplog.text and "status=<429>" in caplog.text
    assert secret not in caplog.text
    assert secret not in str(error) and secret not in error.detail
    assert secret not in repr(client)
