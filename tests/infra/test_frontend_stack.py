"""ConfeeFrontendStack: private bucket, CloudFront with OAC, SPA routing by function, same-origin /api/*."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from aws_cdk.assertions import Match, Template

from confee_infra.app import API_STACK, FRONTEND_STACK
from confee_infra.stacks.api_stack import INTEGRATION_TIMEOUT_SECONDS
from confee_infra.stacks.frontend_stack import CONTENT_SECURITY_POLICY, FUNCTIONS_DIR
from tests.infra.helpers import Sources, Synth, as_list, resources_of

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
    assert api["Compress"] is False
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


def test_api_origin_waits_for_a_stream_within_the_default_quota(synth: Synth) -> None:
    """The read timeout bounds the wait for the first byte and every later gap; the keep-alive, idle reuse."""
    config = distribution_config(synth)
    (api,) = config["CacheBehaviors"]
    (origin,) = [o for o in config["Origins"] if o["Id"] == api["TargetOriginId"]]
    custom = origin["CustomOriginConfig"]
    assert custom["OriginReadTimeout"] == 60  # up from 30: the limit without a quota request
    assert custom["OriginKeepaliveTimeout"] == 60  # up from 5
    # The API answers (its 504 included) before CloudFront gives up; the agent's 25 s budget fits well inside.
    assert custom["OriginReadTimeout"] > INTEGRATION_TIMEOUT_SECONDS
    assert "ResponseCompletionTimeout" not in origin  # unset: no total cap beyond the API's own


def test_spa_behavior_still_compresses_and_caches(synth: Synth) -> None:
    default = distribution_config(synth)["DefaultCacheBehavior"]
    assert default["Compress"] is True
    assert default["CachePolicyId"] == CACHING_OPTIMIZED


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
    assert headers["ContentSecurityPolicy"]["ContentSecurityPolicy"] == CONTENT_SECURITY_POLICY


def csp_directives(policy: str) -> dict[str, set[str]]:
    directives: dict[str, set[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def test_csp_header_is_as_strict_as_the_page_needs() -> None:
    csp = csp_directives(CONTENT_SECURITY_POLICY)
    assert csp["default-src"] == {"'none'"}
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}  # React sets styles through the CSSOM: no 'unsafe-inline'
    assert csp["img-src"] == {"'self'", "data:"}  # answers never load remote images
    assert csp["connect-src"] == {"'self'"}  # the API is same-origin: no other host to talk to
    assert csp["frame-ancestors"] == {"'none'"}
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


def test_csp_header_matches_the_built_pages_meta_policy(sources: Sources) -> None:
    index = sources.spa_dist_dir / "index.html"
    match = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', index.read_text(encoding="utf-8"))
    if match is None:
        pytest.skip(f"{index} has no meta CSP (build the SPA: cd spa && npm run build)")
    meta = csp_directives(html.unescape(match.group(1)))
    header = csp_directives(CONTENT_SECURITY_POLICY)
    # Both policies are enforced: a stricter header would break the page, a looser one would be no backstop.
    assert header.pop("frame-ancestors") == {"'none'"}  # meta tags cannot carry it
    assert header == meta


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


def deployments(synth: Synth) -> dict[str, dict[str, Any]]:
    """The BucketDeployments by their ``cache-control`` header."""
    found = resources_of(synth.raw(FRONTEND_STACK), "Custom::CDKBucketDeployment")
    return {d["Properties"]["SystemMetadata"]["cache-control"]: {"id": key, **d} for key, d in found.items()}


def test_hashed_assets_are_immutable_and_index_html_is_revalidated(synth: Synth) -> None:
    # Without Cache-Control, browsers cache index.html heuristically and, after a deploy, keep asking for the
    # previous build's hashed assets.
    by_header = deployments(synth)
    assert set(by_header) == {"public, max-age=31536000, immutable", "no-cache"}
    assets = by_header["public, max-age=31536000, immutable"]["Properties"]
    assert (assets["Exclude"], assets["Include"]) == (["*"], ["assets/*"])  # only Vite's content-hashed files
    # Old hashed files stay, so a page loaded just before a deploy still finds its scripts.
    assert assets["Prune"] is False
    pages = by_header["no-cache"]
    assert pages["Properties"]["Exclude"] == ["assets/*"]  # everything else, index.html included
    assert "Include" not in pages["Properties"]
    assert pages["Properties"]["Prune"] is True  # excluded files (the assets) are never pruned by aws s3 sync
    assert "DistributionId" not in assets  # one invalidation, after both uploads
    # index.html naming the new assets goes live only after they are uploaded.
    assert by_header["public, max-age=31536000, immutable"]["id"] in pages["DependsOn"]
    # One upload of the build serves both deployments.
    assert assets["SourceObjectKeys"] == pages["Properties"]["SourceObjectKeys"]


def test_copier_invalidates_only_this_distribution(synth: Synth) -> None:
    template = synth.raw(FRONTEND_STACK)
    (distribution_id,) = resources_of(template, "AWS::CloudFront::Distribution")
    role_policies = [
        s
        for key, r in resources_of(template, "AWS::IAM::Policy").items()
        if key.startswith("DeploySpaRole")
        for s in r["Properties"]["PolicyDocument"]["Statement"]
    ]
    cloudfront = [s for s in role_policies if any(a.startswith("cloudfront:") for a in as_list(s["Action"]))]
    assert len(cloudfront) == 1
    assert sorted(as_list(cloudfront[0]["Action"])) == ["cloudfront:CreateInvalidation", "cloudfront:GetInvalidation"]
    resource = json.dumps(cloudfront[0]["Resource"])
    assert ":distribution/" in resource and f'{{"Ref": "{distribution_id}"}}' in resource
    assert all(s["Resource"] != "*" for s in role_policies)


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
