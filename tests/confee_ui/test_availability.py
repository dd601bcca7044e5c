"""What can work here: AWS credentials along botocore's chain (no request sent), connpass key, mirror URI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.config import Settings
from confee_ui import availability
from confee_ui.availability import Availability, aws_reason, check, request_fields_reason


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/dev/null")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")


def test_no_credentials(no_aws: None) -> None:
    assert aws_reason("ap-northeast-1") == "AWS の認証情報が見つかりません"


def test_credentials_from_the_environment_and_a_region(no_aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    assert aws_reason(None) == "AWS のリージョンが設定されていません（AWS_REGION）"
    assert aws_reason("ap-northeast-1") is None


def test_credentials_from_a_profile_file(no_aws: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text("[default]\naws_access_key_id = a\naws_secret_access_key = b\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    assert aws_reason("ap-northeast-1") is None


def test_instance_metadata_is_never_asked(no_aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The IMDS provider would send a request; it is left out of the chain."""
    import botocore.credentials

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("instance metadata was asked")

    monkeypatch.setattr(botocore.credentials.InstanceMetadataProvider, "load", refuse)
    monkeypatch.delenv("AWS_EC2_METADATA_DISABLED", raising=False)
    assert aws_reason("ap-northeast-1") == "AWS の認証情報が見つかりません"


def test_container_credentials_count_without_a_request(no_aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")
    assert aws_reason(None) is None


def test_check_names_the_missing_connpass_key_and_mirror(no_aws: None) -> None:
    found = check(Settings())
    assert found.aws and found.connpass and found.mirror
    assert found.source_reason("sample") is None and found.source_reason("connpass") == found.connpass
    assert check(Settings(connpass_api_key="k", mirror_uri="/tmp/m")).source_reason("mirror") is None


def test_model_and_target_reasons() -> None:
    can = Availability()
    assert can.model_reason("offline") is None and can.target_reason("http") is None
    assert Availability(aws="x").model_reason("apac.amazon.nova-micro-v1:0") == "x"
    assert Availability(aws="x").target_reason("arn") == "x" and Availability(aws="x").model_reason("offline") is None


def test_every_catalog_model_gets_the_request_fields_it_accepts() -> None:
    """The agent asks each family for greedy decoding its own way (Claude: ``top_k``), so all are offered."""
    availability.request_fields_reason.cache_clear()
    for model_id in (
        "apac.amazon.nova-pro-v1:0",
        "apac.anthropic.claude-haiku-4-5-20251001-v1:0",
        "some.unknown-model",
    ):
        assert request_fields_reason(model_id) is None
