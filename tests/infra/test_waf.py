"""The optional WAF (``confee:waf``, ``confee_infra/waf.py``) in both states: off (nothing of it in any template)
and on (the web ACL on the API stage, its rules in order, the allow-list, CloudFront's origin header)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest

from confee_infra.app import AGENT_STACK, API_STACK, FRONTEND_STACK
from confee_infra.config import InfraConfig
from confee_infra.stacks.api_stack import ApiStack
from confee_infra.waf import BODY_SIZE_RULE, ORIGIN_VERIFY_HEADER, VIEWER_IP_HEADER
from proxy.client.errors import DEFAULT_MESSAGES, STATUS_BY_CODE
from tests.infra.helpers import Sources, Synth, cdk_json_context, resources_of, standalone_signals
from tests.infra.test_app import assert_nag_clean

#: The Chat API's own cap on request bodies (proxy/api/validation.py MAX_BODY_BYTES) and the message cap.
API_BODY_CAP = 32 * 1024
MAX_MESSAGE_CHARS = 2000
#: What SizeRestrictions_BODY of the AWS common rule set blocks above (a fixed size).
CRS_BODY_LIMIT = 8 * 1024


def web_acl(template: dict[str, Any]) -> dict[str, Any]:
    (acl,) = resources_of(template, "AWS::WAFv2::WebACL").values()
    return dict(acl["Properties"])


def rules(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {rule["Name"]: rule for rule in web_acl(template)["Rules"]}


def origin_check(template: dict[str, Any]) -> dict[str, Any]:
    """The statement "this request carries CloudFront's secret header", as the template renders it."""
    (secret_id,) = [
        key
        for key, secret in resources_of(template, "AWS::SecretsManager::Secret").items()
        if "CloudFront" in secret["Properties"]["Description"]
    ]
    return {
        "ByteMatchStatement": {
            "FieldToMatch": {"SingleHeader": {"Name": ORIGIN_VERIFY_HEADER}},
            "PositionalConstraint": "EXACTLY",
            "SearchString": {"Fn::Join": ["", ["{{resolve:secretsmanager:", {"Ref": secret_id}, ":SecretString:::}}"]]},
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}],
        }
    }


def api_only(sources: Sources, outdir: Path, **context: Any) -> dict[str, Any]:
    merged = {**cdk_json_context(), **sources.context(), **context, "aws:cdk:bundling-stacks": []}
    config = InfraConfig.from_context(merged)
    app = cdk.App(outdir=str(outdir), context=merged)
    stack = ApiStack(
        app,
        "ApiOnly",
        config=config,
        runtime_arn=f"arn:aws:bedrock-agentcore:{config.region}:123456789012:runtime/confee_agent-abc",
        signals=standalone_signals(app, config.region),
        env=cdk.Environment(region=config.region),
    )
    return dict(app.synth().get_stack_by_name(stack.stack_name).template)


@pytest.fixture(scope="module")
def api(waf_synth: Synth) -> dict[str, Any]:
    return waf_synth.raw(API_STACK)


# --- off (the default) ----------------------------------------------------------------------------------------------


def test_off_by_default_leaves_no_waf_resource_and_no_origin_header(synth: Synth) -> None:
    for stack in (AGENT_STACK, API_STACK, FRONTEND_STACK):
        template = synth.raw(stack)
        assert not [r for r in template["Resources"].values() if r["Type"].startswith("AWS::WAFv2::")], stack
    (_connpass_key,) = resources_of(synth.raw(AGENT_STACK), "AWS::SecretsManager::Secret")
    assert resources_of(synth.raw(API_STACK), "AWS::SecretsManager::Secret") == {}
    assert ORIGIN_VERIFY_HEADER not in json.dumps(synth.raw(FRONTEND_STACK))


# --- on -------------------------------------------------------------------------------------------------------------


def test_regional_web_acl_on_the_api_stage(api: dict[str, Any]) -> None:
    acl = web_acl(api)
    assert (acl["Scope"], acl["Name"], acl["DefaultAction"]) == ("REGIONAL", "confee-chat-api", {"Allow": {}})
    (association,) = resources_of(api, "AWS::WAFv2::WebACLAssociation").values()
    (acl_id,) = resources_of(api, "AWS::WAFv2::WebACL")
    stage_id = next(iter(resources_of(api, "AWS::ApiGateway::Stage")))
    api_id = next(iter(resources_of(api, "AWS::ApiGateway::RestApi")))
    props = association["Properties"]
    assert props["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    assert props["ResourceArn"] == {
        "Fn::Join": [
            "",
            ["arn:aws:apigateway:ap-northeast-1::/restapis/", {"Ref": api_id}, "/stages/", {"Ref": stage_id}],
        ]
    }
    assert stage_id in association.get("DependsOn", [])


def test_rules_run_allow_list_then_rate_limits_then_common_rule_set(api: dict[str, Any]) -> None:
    ordered = sorted(web_acl(api)["Rules"], key=lambda rule: rule["Priority"])
    assert [rule["Name"] for rule in ordered] == [
        "AllowList",
        "RateLimitViaCloudFront",
        "RateLimitDirect",
        "CommonRuleSet",
    ]
    assert [rule["Priority"] for rule in ordered] == [0, 1, 2, 3]
    for rule in ordered:
        assert rule["VisibilityConfig"] == {
            "CloudWatchMetricsEnabled": True,
            "MetricName": rule["Name"],
            "SampledRequestsEnabled": True,
        }


def test_rate_limit_per_viewer_ip_through_cloudfront_and_per_source_ip_directly(api: dict[str, Any]) -> None:
    via_cloudfront = rules(api)["RateLimitViaCloudFront"]
    direct = rules(api)["RateLimitDirect"]
    check = origin_check(api)
    viewer = via_cloudfront["Statement"]["RateBasedStatement"]
    assert viewer == {
        "AggregateKeyType": "FORWARDED_IP",
        "EvaluationWindowSec": 300,
        "ForwardedIPConfig": {"FallbackBehavior": "NO_MATCH", "HeaderName": VIEWER_IP_HEADER},
        "Limit": 120,  # confee:wafRateLimit
        "ScopeDownStatement": check,
    }
    source = direct["Statement"]["RateBasedStatement"]
    assert source == {
        "AggregateKeyType": "IP",
        "EvaluationWindowSec": 300,
        "Limit": 120,
        "ScopeDownStatement": {"NotStatement": {"Statement": check}},
    }
    for rule in (via_cloudfront, direct):
        response = rule["Action"]["Block"]["CustomResponse"]
        assert response["ResponseCode"] == 429
        assert response["ResponseHeaders"] == [{"Name": "Retry-After", "Value": "60"}]
        body = json.loads(web_acl(api)["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
        assert body == {"error": {"code": "throttled", "message": DEFAULT_MESSAGES["throttled"]}}  # Contract 2
        assert STATUS_BY_CODE["throttled"] == response["ResponseCode"]


def test_allow_list_blocks_everyone_whose_address_is_not_listed(api: dict[str, Any]) -> None:
    ip_sets = {
        p["Properties"]["IPAddressVersion"]: (k, p["Properties"])
        for k, p in resources_of(api, "AWS::WAFv2::IPSet").items()
    }
    assert ip_sets["IPV4"][1]["Addresses"] == ["203.0.113.0/24", "198.51.100.7/32"]
    assert ip_sets["IPV6"][1]["Addresses"] == ["2001:db8::/32"]
    assert {p["Scope"] for _, p in ip_sets.values()} == {"REGIONAL"}
    arns = [{"Fn::GetAtt": [ip_sets[family][0], "Arn"]} for family in ("IPV4", "IPV6")]
    viewer_listed = {
        "OrStatement": {
            "Statements": [
                {
                    "IPSetReferenceStatement": {
                        "Arn": arn,
                        "IPSetForwardedIPConfig": {
                            "FallbackBehavior": "NO_MATCH",
                            "HeaderName": VIEWER_IP_HEADER,
                            "Position": "FIRST",
                        },
                    }
                }
                for arn in arns
            ]
        }
    }
    source_listed = {"OrStatement": {"Statements": [{"IPSetReferenceStatement": {"Arn": arn}} for arn in arns]}}
    allowed = {
        "OrStatement": {
            "Statements": [{"AndStatement": {"Statements": [origin_check(api), viewer_listed]}}, source_listed]
        }
    }
    rule = rules(api)["AllowList"]
    assert rule["Statement"] == {"NotStatement": {"Statement": allowed}}
    response = rule["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 403
    body = json.loads(web_acl(api)["CustomResponseBodies"][response["CustomResponseBodyKey"]]["Content"])
    assert body["error"]["code"] == "invalid_request"
    assert "許可されたネットワーク" in body["error"]["message"]


def test_common_rule_set_only_counts_the_8_kb_body_rule(api: dict[str, Any]) -> None:
    rule = rules(api)["CommonRuleSet"]
    assert rule["OverrideAction"] == {"None": {}}
    assert rule["Statement"]["ManagedRuleGroupStatement"] == {
        "VendorName": "AWS",
        "Name": "AWSManagedRulesCommonRuleSet",
        "RuleActionOverrides": [{"ActionToUse": {"Count": {}}, "Name": BODY_SIZE_RULE}],
    }


def test_valid_requests_can_exceed_the_common_rule_sets_body_size_limit() -> None:
    """Why SizeRestrictions_BODY only counts: a valid question is 6-24 KB of JSON, under the API's 32 KiB cap."""

    def size(message: str, *, ascii_only: bool) -> int:
        return len(json.dumps({"message": message, "session_id": "s" * 256}, ensure_ascii=ascii_only).encode())

    japanese, emoji = "あ" * MAX_MESSAGE_CHARS, "🎉" * MAX_MESSAGE_CHARS
    assert size(japanese, ascii_only=False) < CRS_BODY_LIMIT  # the SPA (JSON.stringify keeps UTF-8)
    assert size(japanese, ascii_only=True) > CRS_BODY_LIMIT  # Python's json.dumps escapes to \uXXXX
    assert size(emoji, ascii_only=False) > CRS_BODY_LIMIT  # 4 bytes a character even unescaped
    assert size(emoji, ascii_only=True) < API_BODY_CAP  # the largest valid body still fits the API's cap


def test_cloudfront_sends_the_secret_header_as_a_dynamic_reference(waf_synth: Synth, api: dict[str, Any]) -> None:
    frontend = waf_synth.raw(FRONTEND_STACK)
    (distribution,) = resources_of(frontend, "AWS::CloudFront::Distribution").values()
    origins = distribution["Properties"]["DistributionConfig"]["Origins"]
    (api_origin,) = [o for o in origins if "CustomOriginConfig" in o]
    (header,) = api_origin["OriginCustomHeaders"]
    assert header["HeaderName"] == ORIGIN_VERIFY_HEADER
    parts = header["HeaderValue"]["Fn::Join"][1]
    assert parts[0] == "{{resolve:secretsmanager:" and parts[2] == ":SecretString:::}}"
    output = parts[1]["Fn::GetStackOutput"]
    assert output["StackName"] == API_STACK
    (secret_id,) = resources_of(api, "AWS::SecretsManager::Secret")
    assert api["Outputs"][output["OutputName"]]["Value"] == {"Ref": secret_id}
    assert not [o for o in origins if "S3OriginConfig" in o and "OriginCustomHeaders" in o]


def test_origin_secret_is_generated_never_written(api: dict[str, Any]) -> None:
    (secret,) = resources_of(api, "AWS::SecretsManager::Secret").values()
    assert secret["Properties"]["GenerateSecretString"] == {"ExcludePunctuation": True, "PasswordLength": 48}
    assert "SecretString" not in secret["Properties"]


def test_dashboard_draws_the_waf_blocks(api: dict[str, Any]) -> None:
    (dashboard,) = resources_of(api, "AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    for rule in ("AllowList", "RateLimitViaCloudFront", "RateLimitDirect", "CommonRuleSet"):
        assert f'\\"AWS/WAFV2\\",\\"BlockedRequests\\",\\"Region\\",\\"ap-northeast-1\\",\\"Rule\\",\\"{rule}\\"' in (
            body.replace(" ", "")
        ), rule


def test_cdk_nag_passes_with_waf_on(waf_synth: Synth) -> None:
    """APIG3 is satisfied by the association (its acknowledgement is only made with WAF off)."""
    assert_nag_clean(waf_synth.outdir)


def test_without_an_allow_list_there_is_no_ip_set_and_no_allow_rule(sources: Sources, tmp_path: Path) -> None:
    template = api_only(sources, tmp_path, **{"confee:waf": True})
    assert resources_of(template, "AWS::WAFv2::IPSet") == {}
    assert [rule["Name"] for rule in web_acl(template)["Rules"]] == [
        "RateLimitViaCloudFront",
        "RateLimitDirect",
        "CommonRuleSet",
    ]
    assert rules(template)["RateLimitDirect"]["Statement"]["RateBasedStatement"]["Limit"] == 300  # the default
