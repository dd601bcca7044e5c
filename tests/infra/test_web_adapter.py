"""The Lambda Web Adapter's layer ARN and settings (the facts behind them: docs/deployment.md, ストリーミング)."""

from __future__ import annotations

import pytest

from confee_infra import web_adapter
from confee_infra.web_adapter import WebAdapterError, environment, layer_arn


def test_default_layer_is_adapter_v1_1_0_arm64_in_tokyo() -> None:
    assert layer_arn("ap-northeast-1") == "arn:aws:lambda:ap-northeast-1:753240598075:layer:LambdaAdapterLayerArm64:30"


@pytest.mark.parametrize("region", ["us-east-1", "eu-central-1", "ap-northeast-3"])
def test_layer_is_regional_with_the_same_publisher_and_version(region: str) -> None:
    assert layer_arn(region, 28) == f"arn:aws:lambda:{region}:753240598075:layer:LambdaAdapterLayerArm64:28"


@pytest.mark.parametrize("region", ["cn-north-1", "cn-northwest-1", "us-gov-west-1"])
def test_no_layer_outside_the_commercial_partition(region: str) -> None:
    # China has other publisher accounts and no arm64 build; GovCloud has no published layer.
    with pytest.raises(WebAdapterError, match="commercial regions only"):
        layer_arn(region)


@pytest.mark.parametrize("version", [0, 26, True, "30"])
def test_versions_before_v1_0_0_or_not_integers_are_refused(version: object) -> None:
    with pytest.raises(WebAdapterError, match=r">= 27"):
        layer_arn("ap-northeast-1", version)  # type: ignore[arg-type]


def test_minimum_is_v1_0_0_and_default_the_newest_release() -> None:
    assert web_adapter.MIN_LAYER_VERSION == 27 <= web_adapter.DEFAULT_LAYER_VERSION == 30


def test_environment_runs_the_start_script_and_streams() -> None:
    assert environment() == {
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
        "AWS_LWA_INVOKE_MODE": "response_stream",
        "AWS_LWA_PORT": "8080",
        "AWS_LWA_READINESS_CHECK_PATH": "/health",
    }
