"""ConfeeFrontendStack: private bucket, CloudFront with OAC, SPA routing by function, same-origin /api/*."""

from __future__ import annotations

import json
from typing import Any

from aws_cdk.assertions import Match, Template

from confee_infra.app import API_STACK, FRONTEND_STACK
from confee_infra.stacks.frontend_stack import FUNCTIONS_DIR
from tests.infra.helpers import Synth, resources_of

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
CACHING_OPTIMIZED = "658327ea-f89d-4fab-a63d-7e88639e58f6"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"


def distribution_config(synth: Synth) -> dict[str, Any]:
    (distribution,) = resources_of(synth.raw(FRONTEND_STACK), "AWS::CloudFront::Distribution").values()
    return dict(distribution["Properties"]["DistributionConfig"])


def function_id_for(frontend_template: Template, file_name: str) -> str:
    code = (FUNCTIONS_DIR / file_name).read_text(encoding="utf-8")
    (function_id,) = frontend_template.find_resources(
        "AWS::CloudFront::Function", {"Properties": {"FunctionCode": code}}
    )
    return function_id


def test_bucket_is_private_encrypted_and_removed_with_the_stack(frontend_template: Template) -> None:
    frontend_template.has_resource(
        "AWS::S3::Bucket",
        {
            "Properties": Match.object_like(
                {
                    "PublicAccessBlockConfiguration": {
                        "BlockPublicAcls": True,
                        "BlockPublicPolicy": True,
                        "IgnorePublicAcls": True,
                        "RestrictPublicBuckets": True,
                    },
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "BucketEncryption": Match.any_value(),
                    "WebsiteConfiguration": Match.absent(),
                }
            ),
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
        },
    )
    frontend_template.resource_count_is("Custom::S3AutoDeleteObjects", 1)


def test_bucket_refuses_plain_http_and_reads_only_through_this_distribution(synth: Synth) -> None:
    (policy,) = resources_of(synth.raw(FRONTEND_STACK), "AWS::S3::BucketPolicy").values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    deny = [s for s in statements if s["Effect"] == "Deny"]
    assert len(deny) == 1
    assert deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny[0]["Action"] == "s3:*"
    reads = [s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}]
    assert len(reads) == 1
    assert reads[0]["Action"] == "s3:GetObject"
    source_arn = json.dumps(reads[0]["Condition"]["StringEquals"]["AWS:SourceArn"])
    (distribution_id,) = resources_of(synth.raw(FRONTEND_STACK), "AWS::CloudFront::Distribution")
    assert f'{{"Ref": "{distribution_id}"}}' in source_arn
    public = [s for s in statements if s.get("Principal") in ("*", {"AWS": "*"}) and s["Effect"] == "Allow"]
    assert public == []


def test_default_behavior_serves_the_spa_over_https_with_oac(synth: Synth, frontend_template: Template) -> None:
    config = distribution_config(synth)
    default = config["DefaultCacheBehavior"]
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["CachePolicyId"] == CACHING_OPTIMIZED
    spa_routing = function_id_for(frontend_template, "spa_routing.js")
    assert default["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [spa_routing, "FunctionARN"]}}
    ]
    (s3_origin,) = [o for o in config["Origins"] if o["Id"] == default["TargetOriginId"]]
    (oac_id,) = frontend_template.find_resources("AWS::CloudFront::OriginAccessControl")
    assert s3_origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac_id, "Id"]}
    assert config["DefaultRootObject"] == "index.html"


def test_no_custom_error_responses_so_api_errors_reach_the_browser(synth: Synth) -> None:
    assert "CustomErrorResponses" not in distribution_config(synth)


def test_api_behavior_forwards_everything_uncached_to_the_rest_api(synth: Synth, frontend_template: Template) -> None:
    config = distribution_config(synth)
    (api,) = config["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*"
    assert set(api["AllowedMethods"]) == {"GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"}
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["OriginRequestPolicyId"] == ALL_VIEWER_EXCEPT_HOST_HEADER
    assert api["ViewerProtocolPolicy"] == "https-only"
    strip = function_id_for(frontend_template, "strip_api_prefix.js")
    assert api["FunctionAssociations"] == [
        {"EventType": "viewer-request", "FunctionARN": {"Fn::GetAtt": [strip, "FunctionARN"]}}
    ]
    (origin,) = [o for o in config["Origins"] if o["Id"] == api["TargetOriginId"]]
    assert origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    rendered = json.dumps(origin)
    assert f'"StackName": "{API_STACK}"' in rendered  # the REST API of ConfeeApiStack, by reference
    assert ".execute-api.ap-northeast-1." in rendered
    # RestApiOrigin prefixes the stage taken from the API URL: /api/chat -> /chat -> /prod/chat
    assert origin["OriginPath"]["Fn::Join"][1][0] == "/"
    assert "ChatApiDeploymentStageprod" in json.dumps(origin["OriginPath"])


def test_both_behaviors_send_security_headers(synth: Synth, frontend_template: Template) -> None:
    (policy_id,) = frontend_template.find_resources("AWS::CloudFront::ResponseHeadersPolicy")
    config = distribution_config(synth)
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    assert config["CacheBehaviors"][0]["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    (policy,) = frontend_template.find_resources("AWS::CloudFront::ResponseHeadersPolicy").values()
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "default-src 'self'" in csp
    assert "connect-src 'self'" in csp  # the API is same-origin: no other host to talk to
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-eval" not in csp


def test_functions_are_the_tested_files_on_the_js2_runtime(frontend_template: Template) -> None:
    for file_name in ("spa_routing.js", "strip_api_prefix.js"):
        function_id = function_id_for(frontend_template, file_name)
        props = frontend_template.find_resources("AWS::CloudFront::Function")[function_id]["Properties"]
        assert props["FunctionConfig"]["Runtime"] == "cloudfront-js-2.0"
        assert props["AutoPublish"] is True


def test_spa_build_is_deployed_and_the_cache_invalidated(synth: Synth, frontend_template: Template) -> None:
    (distribution_id,) = frontend_template.find_resources("AWS::CloudFront::Distribution")
    (bucket_id,) = frontend_template.find_resources("AWS::S3::Bucket")
    frontend_template.has_resource_properties(
        "Custom::CDKBucketDeployment",
        {
            "DestinationBucketName": {"Ref": bucket_id},
            "DistributionId": {"Ref": distribution_id},
            "DistributionPaths": ["/*"],
            "Prune": True,
        },
    )


def test_spa_copier_has_its_own_role_and_log_group(synth: Synth, frontend_template: Template) -> None:
    template = synth.raw(FRONTEND_STACK)
    copier = [
        f["Properties"]
        for key, f in resources_of(template, "AWS::Lambda::Function").items()
        if key.startswith("CustomCDKBucketDeployment")
    ]
    assert len(copier) == 1
    role = template["Resources"][copier[0]["Role"]["Fn::GetAtt"][0]]["Properties"]
    assert "ManagedPolicyArns" not in role
    log_group_id = copier[0]["LoggingConfig"]["LogGroup"]["Ref"]
    assert template["Resources"][log_group_id]["Properties"]["RetentionInDays"] == 30


def test_site_url_output(frontend_template: Template) -> None:
    (distribution_id,) = frontend_template.find_resources("AWS::CloudFront::Distribution")
    frontend_template.has_output(
        "SiteUrl", {"Value": {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}}
    )
