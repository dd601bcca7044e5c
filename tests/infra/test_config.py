"""InfraConfig: context parsing (cdk.json types and -c strings), validation, input folder checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from confee_infra.config import INFRA_DIR, REPO_DIR, InfraConfig, InfraConfigError
from tests.infra.helpers import cdk_json_context, make_sources


def test_defaults_point_at_the_real_folders_and_production_values() -> None:
    config = InfraConfig.from_context({})
    assert config.region == "ap-northeast-1"
    assert config.model_id == "apac.amazon.nova-micro-v1:0"
    assert (config.throttle_rate_limit, config.throttle_burst_limit) == (10.0, 20)
    assert config.allowed_origins == ()
    assert (config.agent_idle_timeout_minutes, config.agent_max_lifetime_hours) == (15, 8)
    assert config.mirror_sync_minutes == 30
    assert config.web_adapter_layer_version == 30
    assert (config.alarm_email, config.waf, config.waf_rate_limit, config.allowed_ips) == (None, False, 300, ())
    assert config.agent_dir == REPO_DIR / "agent"
    assert config.proxy_dir == REPO_DIR / "proxy"
    assert config.spa_dist_dir == REPO_DIR / "spa" / "dist"
    assert config.account is None


def test_cdk_json_context_is_valid_and_matches_the_defaults() -> None:
    assert InfraConfig.from_context(cdk_json_context()) == InfraConfig()


def test_command_line_strings_are_parsed() -> None:
    config = InfraConfig.from_context(
        {
            "confee:region": "us-west-2",
            "confee:account": "123456789012",
            "confee:modelId": "amazon.nova-micro-v1:0",
            "confee:throttleRateLimit": "2.5",
            "confee:throttleBurstLimit": "5",
            "confee:allowedOrigins": "https://demo.example.com/, http://localhost:5173",
            "confee:agentIdleTimeoutMinutes": "30",
            "confee:agentMaxLifetimeHours": "2",
            "confee:mirrorSyncMinutes": "60",
            "confee:webAdapterLayerVersion": "31",
            "confee:spaDistDir": "../spa/build",
            "@aws-cdk/core:checkSecretUsage": True,  # non-confee keys are left to CDK
        }
    )
    assert config.region == "us-west-2"
    assert config.account == "123456789012"
    assert config.throttle_rate_limit == 2.5
    assert config.throttle_burst_limit == 5
    assert config.allowed_origins == ("https://demo.example.com", "http://localhost:5173")
    assert config.agent_idle_timeout_minutes == 30
    assert config.agent_max_lifetime_hours == 2
    assert config.mirror_sync_minutes == 60
    assert config.web_adapter_layer_version == 31
    # relative to infra/ (where cdk.json is), whatever the working directory
    assert config.spa_dist_dir == (INFRA_DIR / "../spa/build").resolve()


def test_json_list_of_origins_and_default_account() -> None:
    config = InfraConfig.from_context(
        {"confee:allowedOrigins": ["https://a.example.com"]}, default_account="210987654321"
    )
    assert config.allowed_origins == ("https://a.example.com",)
    assert config.account == "210987654321"
    explicit = InfraConfig.from_context({"confee:account": "123456789012"}, default_account="210987654321")
    assert explicit.account == "123456789012"


@pytest.mark.parametrize(
    ("context", "message"),
    [
        ({"confee:regoin": "ap-northeast-1"}, "unknown context keys: confee:regoin"),
        ({"confee:region": "tokyo"}, "confee:region"),
        ({"confee:account": "12345"}, "confee:account"),
        ({"confee:modelId": "nova micro"}, "confee:modelId"),
        ({"confee:throttleRateLimit": "0"}, "confee:throttleRateLimit"),
        ({"confee:throttleRateLimit": "fast"}, "confee:throttleRateLimit"),
        ({"confee:throttleBurstLimit": "2.5"}, "confee:throttleBurstLimit"),
        ({"confee:throttleBurstLimit": True}, "confee:throttleBurstLimit"),
        ({"confee:allowedOrigins": "*"}, "confee:allowedOrigins"),
        ({"confee:allowedOrigins": "http://evil.example.com"}, "confee:allowedOrigins"),
        ({"confee:allowedOrigins": 3}, "confee:allowedOrigins"),
        ({"confee:agentMaxLifetimeHours": "9"}, "confee:agentMaxLifetimeHours"),
        ({"confee:agentIdleTimeoutMinutes": "0"}, "confee:agentIdleTimeoutMinutes"),
        ({"confee:agentIdleTimeoutMinutes": "120", "confee:agentMaxLifetimeHours": "1"}, "maximum lifetime"),
        ({"confee:mirrorSyncMinutes": "often"}, "confee:mirrorSyncMinutes"),
        ({"confee:mirrorSyncMinutes": 7.5}, "confee:mirrorSyncMinutes"),
        ({"confee:mirrorSyncMinutes": True}, "confee:mirrorSyncMinutes"),
        ({"confee:webAdapterLayerVersion": "latest"}, "confee:webAdapterLayerVersion"),
        ({"confee:webAdapterLayerVersion": 30.5}, "confee:webAdapterLayerVersion"),
        ({"confee:webAdapterLayerVersion": True}, "confee:webAdapterLayerVersion"),
        ({"confee:webAdapterLayerVersion": "26"}, r"confee:webAdapterLayerVersion must be >= 27 .*got 26"),
        ({"confee:region": "cn-north-1"}, "confee:region: .*commercial regions only"),
        ({"confee:region": "us-gov-west-1"}, "confee:region: .*commercial regions only"),
        ({"confee:alarmEmail": "ops"}, r"confee:alarmEmail must be one e-mail address .*got 'ops'"),
        ({"confee:alarmEmail": "ops@localhost"}, "confee:alarmEmail must be one e-mail address"),
        ({"confee:alarmEmail": "a@example.com,b@example.com"}, "confee:alarmEmail must be one e-mail address"),
        ({"confee:alarmEmail": "Ops <ops@example.com>"}, "confee:alarmEmail must be one e-mail address"),
        ({"confee:alarmEmail": 42}, "confee:alarmEmail: expected a string"),
        ({"confee:agentRuntimeArn": "confee_agent-AbCdE12345"}, "confee:agentRuntimeArn must be an AgentCore runtime"),
        (
            {"confee:agentRuntimeArn": "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/*"},
            "confee:agentRuntimeArn must be an AgentCore runtime ARN",
        ),
        (
            {"confee:agentRuntimeArn": "arn:aws:lambda:ap-northeast-1:123456789012:function:confee-AbCdE12345"},
            "confee:agentRuntimeArn must be an AgentCore runtime ARN",
        ),
        ({"confee:waf": "yes"}, "confee:waf: expected true or false"),
        ({"confee:waf": 1}, "confee:waf: expected true or false"),
        ({"confee:wafRateLimit": "9"}, r"confee:wafRateLimit must be 10\.\.2,000,000,000 .*got 9"),
        ({"confee:wafRateLimit": 2_000_000_001}, "confee:wafRateLimit must be 10..2,000,000,000"),
        ({"confee:wafRateLimit": "fast"}, "confee:wafRateLimit"),
        ({"confee:wafRateLimit": 99.5}, "confee:wafRateLimit"),
        (
            {"confee:waf": True, "confee:allowedIps": "10.0.0.300"},
            r"confee:allowedIps: '10\.0\.0\.300' is not an IPv4/IPv6",
        ),
        ({"confee:waf": True, "confee:allowedIps": "10.0.0.1/24"}, r"confee:allowedIps: .*host bits set"),
        ({"confee:waf": True, "confee:allowedIps": ["203.0.113.0/33"]}, "confee:allowedIps: .*203.0.113.0/33"),
        ({"confee:waf": True, "confee:allowedIps": "office"}, "confee:allowedIps: 'office' is not an IPv4/IPv6"),
        ({"confee:waf": True, "confee:allowedIps": 3}, "confee:allowedIps: expected a list of CIDRs"),
        (
            {"confee:allowedIps": "203.0.113.0/24"},
            "confee:allowedIps is enforced by the WAF web ACL: set confee:waf=true",
        ),
    ],
)
def test_invalid_context_is_refused_with_the_key_named(context: dict[str, object], message: str) -> None:
    with pytest.raises(InfraConfigError, match=message):
        InfraConfig.from_context(context)


@pytest.mark.parametrize("minutes", [0, 4, 1441, -30, "2880"])
def test_mirror_sync_interval_must_be_5_to_1440_minutes(minutes: object) -> None:
    with pytest.raises(InfraConfigError, match=r"confee:mirrorSyncMinutes must be 5\.\.1440 .*got -?\d+"):
        InfraConfig.from_context({"confee:mirrorSyncMinutes": minutes})


@pytest.mark.parametrize(("minutes", "expected"), [(5, 5), ("15", 15), (30.0, 30), (1440, 1440)])
def test_mirror_sync_interval_bounds_are_inclusive(minutes: object, expected: int) -> None:
    assert InfraConfig.from_context({"confee:mirrorSyncMinutes": minutes}).mirror_sync_minutes == expected


@pytest.mark.parametrize(("version", "expected"), [(27, 27), ("28", 28), (30.0, 30), (99, 99)])
def test_web_adapter_layer_version_from_v1_0_0_on(version: object, expected: int) -> None:
    assert InfraConfig.from_context({"confee:webAdapterLayerVersion": version}).web_adapter_layer_version == expected


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ({"confee:waf": "true"}, (True, 300, ())),
        ({"confee:waf": "False"}, (False, 300, ())),
        ({"confee:waf": True, "confee:wafRateLimit": "10"}, (True, 10, ())),
        ({"confee:waf": True, "confee:wafRateLimit": 2_000_000_000}, (True, 2_000_000_000, ())),
        (
            {"confee:waf": "true", "confee:allowedIps": "203.0.113.7, 2001:DB8::/32,203.0.113.7/32"},
            (True, 300, ("203.0.113.7/32", "2001:db8::/32")),  # normal form, duplicates dropped
        ),
        ({"confee:waf": True, "confee:allowedIps": ["198.51.100.0/24"]}, (True, 300, ("198.51.100.0/24",))),
        ({"confee:waf": True, "confee:allowedIps": []}, (True, 300, ())),
    ],
)
def test_waf_settings(context: dict[str, object], expected: tuple[bool, int, tuple[str, ...]]) -> None:
    config = InfraConfig.from_context(context)
    assert (config.waf, config.waf_rate_limit, config.allowed_ips) == expected


@pytest.mark.parametrize("email", ["ops@example.com", "first.last+confee@mail.example.co.jp"])
def test_alarm_email(email: str) -> None:
    assert InfraConfig.from_context({"confee:alarmEmail": f" {email} "}).alarm_email == email
    assert InfraConfig.from_context({"confee:alarmEmail": ""}).alarm_email is None  # cdk.json's default: none


def test_agent_runtime_arn() -> None:
    arn = "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-AbCdE12345"
    assert InfraConfig.from_context({"confee:agentRuntimeArn": f" {arn} "}).agent_runtime_arn == arn
    assert InfraConfig.from_context({"confee:agentRuntimeArn": ""}).agent_runtime_arn is None  # cdk.json: none


def test_allow_list_built_in_code_must_be_normalised() -> None:
    with pytest.raises(InfraConfigError, match=r"'192\.0\.2\.7' is not in normal form \('192\.0\.2\.7/32'\)"):
        InfraConfig(waf=True, allowed_ips=("192.0.2.7",))
    with pytest.raises(InfraConfigError, match="at most 100 CIDRs"):
        InfraConfig(waf=True, allowed_ips=tuple(f"10.0.{i}.0/24" for i in range(101)))


def test_model_id_routing() -> None:
    profile = InfraConfig(model_id="apac.amazon.nova-micro-v1:0")
    assert profile.is_inference_profile
    assert profile.foundation_model_id == "amazon.nova-micro-v1:0"
    direct = InfraConfig(model_id="amazon.nova-lite-v1:0")
    assert not direct.is_inference_profile
    assert direct.foundation_model_id == "amazon.nova-lite-v1:0"


def test_check_sources_names_what_is_missing(tmp_path: Path) -> None:
    sources = make_sources(tmp_path / "ok")
    ok = InfraConfig(agent_dir=sources.agent_dir, proxy_dir=sources.proxy_dir, spa_dist_dir=sources.spa_dist_dir)
    ok.check_sources()

    with pytest.raises(InfraConfigError, match="npm run build"):
        InfraConfig(agent_dir=sources.agent_dir, proxy_dir=sources.proxy_dir, spa_dist_dir=tmp_path).check_sources()
    with pytest.raises(InfraConfigError, match="Dockerfile"):
        InfraConfig(agent_dir=tmp_path, proxy_dir=sources.proxy_dir, spa_dist_dir=sources.spa_dist_dir).check_sources()
    no_sync = tmp_path / "agent-without-sync"
    no_sync.mkdir()
    (no_sync / "Dockerfile").write_text("FROM scratch\n")
    with pytest.raises(InfraConfigError, match=r"requirements-sync\.txt"):
        InfraConfig(agent_dir=no_sync, proxy_dir=sources.proxy_dir, spa_dist_dir=sources.spa_dist_dir).check_sources()
    no_script = tmp_path / "proxy-without-run-sh"
    no_script.mkdir()
    (no_script / "requirements.txt").write_text("uvicorn==0.54.0\n")
    with pytest.raises(InfraConfigError, match=r"run\.sh, the Chat function's start script"):
        InfraConfig(agent_dir=sources.agent_dir, proxy_dir=no_script, spa_dist_dir=sources.spa_dist_dir).check_sources()
    (no_script / "requirements.txt").unlink()
    (no_script / "run.sh").write_text("#!/bin/sh\n")
    with pytest.raises(InfraConfigError, match=r"requirements\.txt"):
        InfraConfig(agent_dir=sources.agent_dir, proxy_dir=no_script, spa_dist_dir=sources.spa_dist_dir).check_sources()
