"""build_source: the settings pick the connpass client or the sample catalogue."""

from __future__ import annotations

import uuid

import boto3  # type: ignore[import-untyped, unused-ignore]
import pytest
from botocore.stub import Stubber  # type: ignore[import-untyped, unused-ignore]

from agent.config import Settings
from agent.errors import ConfigError
from agent.sources.base import SearchQuery
from agent.sources.connpass import ConnpassClient
from agent.sources.factory import build_source
from tests.fixtures.fake_connpass import FakeConnpass

ARN = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:confee/connpass-api-key-AbCdEf"


def test_connpass_with_a_direct_key_searches_the_configured_base_url():
    key = f"key-{uuid.uuid4()}"  # unique: the process-wide limiter must not make this test wait
    with FakeConnpass(api_key=key) as fake:
        source = build_source(Settings(events="connpass", connpass_api_key=key, connpass_base_url=fake.base_url))
        assert isinstance(source, ConnpassClient)
        assert source.name == "connpass"
        result = source.search(SearchQuery(keyword=("python",)))
        source.close()
    assert len(result.events) == 3
    assert fake.requests[0].api_key == key


def test_auto_with_a_secret_arn_reads_the_secret_on_first_search_only(monkeypatch):
    key = f"key-{uuid.uuid4()}"
    # Only the AWS boundary is faked: a real botocore client answered by a Stubber.
    aws = boto3.client(
        "secretsmanager",
        region_name="ap-northeast-1",
        endpoint_url="http://127.0.0.1:9",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    created: list[tuple[str, str | None]] = []

    def fake_boto3_client(service: str, region_name: str | None = None, **_: object) -> object:
        created.append((service, region_name))
        return aws

    monkeypatch.setattr(boto3, "client", fake_boto3_client)
    with FakeConnpass(api_key=key) as fake, Stubber(aws) as stubber:
        settings = Settings(connpass_api_key_secret_arn=ARN, region="ap-northeast-1", connpass_base_url=fake.base_url)
        source = build_source(settings)
        assert created == []  # building touches no AWS
        secret = {"ARN": ARN, "SecretString": f'{{"api_key": "{key}"}}'}
        stubber.add_response("get_secret_value", secret, {"SecretId": ARN})
        source.search(SearchQuery())
        stubber.assert_no_pending_responses()
    assert created == [("secretsmanager", "ap-northeast-1")]
    assert fake.requests[0].api_key == key


def test_connpass_without_any_key_is_a_config_error():
    with pytest.raises(ConfigError):
        build_source(Settings(events="connpass"))


@pytest.mark.parametrize("settings", [Settings(), Settings(events="sample", connpass_api_key="ignored")])
def test_sample_catalogue_when_no_key_or_asked_for(settings):
    source = build_source(settings)
    assert source.name == "sample"
    assert not isinstance(source, ConnpassClient)
