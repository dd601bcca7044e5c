"""Resolving the connpass key: directly, or from Secrets Manager.

The Secrets Manager tests use a real botocore client with botocore's ``Stubber``: it fakes only
the AWS boundary (the HTTP call), so request validation and response parsing are botocore's own.
Nothing leaves the machine (the endpoint is an unused local port and the Stubber answers first).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import Any

import boto3  # type: ignore[import-untyped, unused-ignore]
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped, unused-ignore]

from agent.config import Settings
from agent.errors import ConfigError, SourceError
from agent.sources.apikey import (
    KeyProvider,
    SecretsManagerKey,
    StaticKey,
    key_provider_from_settings,
    parse_secret,
)
from agent.sources.base import SearchQuery
from agent.sources.connpass import ConnpassClient
from agent.sources.ratelimit import RateLimiterRegistry
from tests.fixtures.fake_connpass import FakeConnpass, VirtualTime

ARN = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:confee/connpass-AbCdEf"


class CountingClient:
    """Delegates to the stubbed botocore client and counts ``GetSecretValue`` calls."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.calls = 0

    def get_secret_value(self, **kwargs: Any) -> Any:
        self.calls += 1
        return self.client.get_secret_value(**kwargs)


@pytest.fixture
def stubbed() -> Iterator[tuple[Stubber, CountingClient]]:
    client = boto3.client(
        "secretsmanager",
        region_name="ap-northeast-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    with Stubber(client) as stubber:
        yield stubber, CountingClient(client)


def add_secret(stubber: Stubber, secret: str) -> None:
    stubber.add_response(
        "get_secret_value", {"ARN": ARN, "Name": "confee/connpass", "SecretString": secret}, {"SecretId": ARN}
    )


# -- parsing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "key"),
    [
        ("raw-key-123", "raw-key-123"),
        ("  raw-key-123\n", "raw-key-123"),
        ('{"api_key": "json-key"}', "json-key"),
        ('{"CONNPASS_API_KEY": "env-style-key", "other": 1}', "env-style-key"),
        ('{"api_key": "", "CONNPASS_API_KEY": "second-choice"}', "second-choice"),
    ],
)
def test_parse_secret_accepts_raw_and_json(secret, key):
    assert parse_secret(secret) == key


@pytest.mark.parametrize(
    "secret", ["", "   \n", '{"api_key": ""}', '{"token": "x"}', "{}", "ここにキーを貼る", "two\nlines"]
)
def test_parse_secret_rejects_empty_or_unknown_shapes(secret):
    with pytest.raises(SourceError) as info:
        parse_secret(secret)
    assert info.value.kind == "unauthorized"


# -- static key --------------------------------------------------------------------------------


def test_static_key():
    provider = StaticKey(" k-123 ")
    assert provider() == "k-123"
    provider.invalidate()
    assert provider() == "k-123"
    assert "k-123" not in repr(provider)
    assert isinstance(provider, KeyProvider)
    with pytest.raises(ConfigError):
        StaticKey("  ")
    with pytest.raises(ConfigError):
        StaticKey("kéy")


# -- Secrets Manager ---------------------------------------------------------------------------


def test_secret_is_read_once_and_cached(stubbed):
    stubber, client = stubbed
    add_secret(stubber, '{"api_key": "from-secret"}')
    provider = SecretsManagerKey(ARN, client=client)
    assert provider() == "from-secret"
    assert provider() == "from-secret"
    assert client.calls == 1
    stubber.assert_no_pending_responses()


def test_concurrent_first_use_reads_the_secret_once(stubbed):
    stubber, client = stubbed
    add_secret(stubber, "from-secret")
    provider = SecretsManagerKey(ARN, client=client)
    barrier = threading.Barrier(6)
    keys: list[str] = []

    def worker() -> None:
        barrier.wait()
        keys.append(provider())

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert keys == ["from-secret"] * 6
    assert client.calls == 1


def test_binary_secret(stubbed):
    stubber, client = stubbed
    stubber.add_response("get_secret_value", {"ARN": ARN, "SecretBinary": b"binary-key"}, {"SecretId": ARN})
    assert SecretsManagerKey(ARN, client=client)() == "binary-key"


@pytest.mark.parametrize("not_filled_in", ["no-value-yet", " ", '{"api_key": ""}'])
def test_unfilled_secret_is_unauthorized_remembered_briefly_then_retried(stubbed, not_filled_in):
    stubber, client = stubbed
    vt = VirtualTime()
    if not_filled_in == "no-value-yet":  # a secret created without a value has no AWSCURRENT version
        stubber.add_client_error(
            "get_secret_value",
            service_error_code="ResourceNotFoundException",
            service_message="Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
        )
    else:  # Secrets Manager refuses an empty string, so operators leave blanks or a JSON template
        add_secret(stubber, not_filled_in)
    add_secret(stubber, "filled-in-later")
    provider = SecretsManagerKey(ARN, client=client, failure_ttl=30.0, monotonic=vt.monotonic)
    for _ in range(2):
        with pytest.raises(SourceError) as info:
            provider()
        assert info.value.kind == "unauthorized"
        assert info.value.message.startswith("connpass API キーが無効です")
    assert client.calls == 1  # the second failure came from the negative cache
    vt.advance(31.0)
    assert provider() == "filled-in-later"
    assert client.calls == 2


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("ResourceNotFoundException", 400, "unauthorized"),
        ("AccessDeniedException", 400, "unauthorized"),
        ("DecryptionFailure", 400, "unauthorized"),
        ("ThrottlingException", 400, "upstream"),
        ("InternalServiceError", 500, "upstream"),
    ],
)
def test_aws_errors_map_to_source_error_kinds(stubbed, code, status, kind):
    stubber, client = stubbed
    stubber.add_client_error("get_secret_value", service_error_code=code, http_status_code=status)
    with pytest.raises(SourceError) as info:
        SecretsManagerKey(ARN, client=client)()
    assert info.value.kind == kind
    assert code in info.value.detail


def test_transient_failures_are_not_cached(stubbed):
    stubber, client = stubbed
    stubber.add_client_error("get_secret_value", service_error_code="InternalServiceError", http_status_code=500)
    add_secret(stubber, "second-try")
    provider = SecretsManagerKey(ARN, client=client)
    with pytest.raises(SourceError):
        provider()
    assert provider() == "second-try"


def test_invalidate_rereads_a_rotated_secret(stubbed):
    stubber, client = stubbed
    add_secret(stubber, "old-key")
    add_secret(stubber, "new-key")
    provider = SecretsManagerKey(ARN, client=client)
    assert provider() == "old-key"
    provider.invalidate()
    assert provider() == "new-key"


def test_connpass_401_rereads_the_secret_then_succeeds(stubbed):
    stubber, client = stubbed
    add_secret(stubber, '{"api_key": "revoked-key"}')
    add_secret(stubber, '{"api_key": "rotated-key"}')
    provider = SecretsManagerKey(ARN, client=client)
    vt = VirtualTime()
    registry = RateLimiterRegistry(monotonic=vt.monotonic, sleep=vt.sleep)
    with (
        FakeConnpass(api_key="rotated-key") as fake,
        ConnpassClient(fake.base_url, api_key_provider=provider, limiters=registry) as connpass,
    ):
        with pytest.raises(SourceError) as info:
            connpass.search(SearchQuery())
        assert info.value.kind == "unauthorized"
        assert len(connpass.search(SearchQuery()).events) == 3
        assert [r.api_key for r in fake.requests] == ["revoked-key", "rotated-key"]


def test_the_key_is_never_logged(stubbed, caplog):
    stubber, client = stubbed
    add_secret(stubber, '{"api_key": "very-secret-value"}')
    with caplog.at_level(logging.DEBUG):
        SecretsManagerKey(ARN, client=client)()
    assert ARN in caplog.text  # the ARN is not secret and helps operators
    assert "very-secret-value" not in caplog.text


# -- settings ----------------------------------------------------------------------------------


def test_provider_from_settings():
    assert key_provider_from_settings(Settings(connpass_api_key="direct"))() == "direct"
    from_arn = key_provider_from_settings(Settings(connpass_api_key_secret_arn=ARN, region="ap-northeast-1"))
    assert isinstance(from_arn, SecretsManagerKey)
    assert from_arn.secret_arn == ARN
    with pytest.raises(ConfigError):
        key_provider_from_settings(Settings())
