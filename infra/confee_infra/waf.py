"""The optional AWS WAF web ACL of the Chat API (``confee:waf``), regional, on the API Gateway stage.

Why regional on the stage (docs/deployment.md, WAF): a CloudFront-scope web ACL must be created in us-east-1,
which would need a fourth stack or a cross-region deployment, and it would not see requests sent to the API's
own ``execute-api`` URL. On the stage every request is inspected, whichever way it came.

The stage sees CloudFront's addresses, not the browser's, for requests through the site, and an
``X-Forwarded-For`` header can be written by anyone. So:

- CloudFront sends a secret header (``x-confee-origin-verify``, a value generated in Secrets Manager and
  resolved by CloudFormation) with every ``/api/*`` request: WAF knows a request really came through CloudFront.
- The ``/api/*`` CloudFront Function writes the viewer's address into ``x-confee-viewer-ip``, replacing anything
  the client sent. For requests carrying the secret, WAF takes the client address from that header; for all
  others (direct calls), from the connection.

Rules, in order: the allow-list (``confee:allowedIps``; when given, everyone else gets 403), a per-IP rate limit
(``confee:wafRateLimit`` per 5 minutes, 429 with ``Retry-After``) for each of the two paths, and the AWS managed
common rule set with ``SizeRestrictions_BODY`` counted instead of blocking (it blocks bodies over 8 KB, and a valid
2,000-character question can be 6-24 KB of JSON). Blocks answer in the Chat API's error shape (DESIGN.md contract 2).
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable, Sequence

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

from confee_infra import nag
from confee_infra.config import InfraConfig

#: Sent by CloudFront to the API with the secret value (frontend stack, RestApiOrigin custom header).
ORIGIN_VERIFY_HEADER = "x-confee-origin-verify"
#: Written by the /api/* CloudFront Function (cloudfront/strip_api_prefix.js) from event.viewer.ip.
VIEWER_IP_HEADER = "x-confee-viewer-ip"
#: The web ACL's name: the ``WebACL`` dimension of its AWS/WAFV2 metrics.
WEB_ACL_NAME = "confee-chat-api"
#: The rate-based rules' evaluation window (AWS WAF allows 60, 120, 300 or 600 seconds).
RATE_WINDOW_SECONDS = 300
#: What a rate-limited client is told to wait (WAF lifts the block once the 5-minute count drops below the limit).
RETRY_AFTER_SECONDS = 60
COMMON_RULE_SET = "AWSManagedRulesCommonRuleSet"
#: Blocks any body over 8 KB (a fixed size, whatever the inspection limit): counted only, see the module docstring.
BODY_SIZE_RULE = "SizeRestrictions_BODY"
#: Metric names (the ``Rule`` dimension of AWS/WAFV2) of the rules, in evaluation order.
RULE_METRICS = ("AllowList", "RateLimitViaCloudFront", "RateLimitDirect", "CommonRuleSet")

_THROTTLED_BODY = "throttled"
_FORBIDDEN_BODY = "forbidden"
_BODIES = {
    # Contract 2 bodies; the 429 message is the proxy's own for throttled (proxy/client/errors.py).
    _THROTTLED_BODY: {
        "code": "throttled",
        "message": "ただいま混み合っています。少し時間をおいて再度お試しください。",
    },
    _FORBIDDEN_BODY: {
        "code": "invalid_request",
        "message": "このサービスは許可されたネットワークからのみ利用できます。",
    },
}

Statement = wafv2.CfnWebACL.StatementProperty


class ApiFirewall(Construct):
    """Web ACL, its association with the stage, the allow-list IP sets and the origin secret.

    Attributes:
        origin_secret: The value CloudFront sends in ``x-confee-origin-verify`` (generated, never in a template).
        web_acl: The web ACL.
        ip_sets: The allow-list, one IP set per address family given.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: InfraConfig, stage: apigw.Stage) -> None:
        """Create the firewall for ``stage``.

        Args:
            scope: Parent construct (the API stack).
            construct_id: Construct id.
            config: Validated configuration (rate limit, allow-list).
            stage: The API stage to protect.
        """
        super().__init__(scope, construct_id)
        self.origin_secret = secretsmanager.Secret(
            self,
            "OriginSecret",
            description="Confee: header value CloudFront sends to the Chat API so WAF can tell its requests apart",
            generate_secret_string=secretsmanager.SecretStringGenerator(exclude_punctuation=True, password_length=48),
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        nag.acknowledge(
            self.origin_secret,
            "SMG4",
            "The origin header secret is copied by CloudFormation into the CloudFront origin header and the WAF rule "
            "when those resources are updated; a rotated value would reach neither, so it is replaced by recreating "
            "the secret (confee:waf off, then on; docs/deployment.md).",
        )
        self.ip_sets = self._ip_sets(config.allowed_ips)
        via_cloudfront = _origin_verified(self.origin_secret)
        rules = []
        if self.ip_sets:
            rules.append(_allow_list(self.ip_sets, via_cloudfront))
        rules += [
            _rate_limit("RateLimitViaCloudFront", config.waf_rate_limit, scope_down=via_cloudfront),
            _rate_limit("RateLimitDirect", config.waf_rate_limit, scope_down=_not(via_cloudfront)),
            _common_rule_set(),
        ]
        self.web_acl = wafv2.CfnWebACL(
            self,
            "WebAcl",
            name=WEB_ACL_NAME,
            scope="REGIONAL",
            description="Confee Chat API: allow-list, per-IP rate limit, AWS common rule set",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow=wafv2.CfnWebACL.AllowActionProperty()),
            custom_response_bodies={
                key: wafv2.CfnWebACL.CustomResponseBodyProperty(
                    content_type="APPLICATION_JSON", content=json.dumps({"error": body}, ensure_ascii=False)
                )
                for key, body in _BODIES.items()
            },
            rules=[make(priority) for priority, make in enumerate(rules)],
            visibility_config=_visibility("ConfeeChatApi"),
        )
        association = wafv2.CfnWebACLAssociation(
            self, "Association", resource_arn=stage.stage_arn, web_acl_arn=self.web_acl.attr_arn
        )
        # The stage must exist (deployed) before WAF can attach to it.
        association.node.add_dependency(stage)

    def blocked_metrics(self) -> list[cloudwatch.IMetric]:
        """Requests each rule blocked per five minutes (``AWS/WAFV2`` ``BlockedRequests`` by WebACL, Rule, Region)."""
        region = cdk.Stack.of(self).region
        rules = [name for name in RULE_METRICS if name != "AllowList" or self.ip_sets]
        return [
            cloudwatch.Metric(
                namespace="AWS/WAFV2",
                metric_name="BlockedRequests",
                dimensions_map={"WebACL": WEB_ACL_NAME, "Rule": rule, "Region": region},
                statistic=cloudwatch.Stats.SUM,
                period=cdk.Duration.minutes(5),
                label=f"WAF {rule}",
            )
            for rule in rules
        ]

    def _ip_sets(self, cidrs: Sequence[str]) -> list[wafv2.CfnIPSet]:
        families = {
            "IPV4": [c for c in cidrs if ipaddress.ip_network(c).version == 4],
            "IPV6": [c for c in cidrs if ipaddress.ip_network(c).version == 6],
        }
        return [
            wafv2.CfnIPSet(
                self,
                f"AllowedIps{family.title()}",
                scope="REGIONAL",
                ip_address_version=family,
                addresses=addresses,
                description="Confee - addresses allowed to use the Chat API, confee:allowedIps",
            )
            for family, addresses in families.items()
            if addresses
        ]


# --- rule builders (each returns a function of the rule's priority) ------------------------------------------------

RuleBuilder = Callable[[int], wafv2.CfnWebACL.RuleProperty]


def _visibility(metric_name: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric_name, sampled_requests_enabled=True
    )


def _not(statement: Statement) -> Statement:
    return Statement(not_statement=wafv2.CfnWebACL.NotStatementProperty(statement=statement))


def _any(statements: Sequence[Statement]) -> Statement:
    if len(statements) == 1:
        return statements[0]
    return Statement(or_statement=wafv2.CfnWebACL.OrStatementProperty(statements=list(statements)))


def _block(body_key: str, status: int, headers: Sequence[tuple[str, str]] = ()) -> wafv2.CfnWebACL.RuleActionProperty:
    return wafv2.CfnWebACL.RuleActionProperty(
        block=wafv2.CfnWebACL.BlockActionProperty(
            custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                response_code=status,
                custom_response_body_key=body_key,
                response_headers=[wafv2.CfnWebACL.CustomHTTPHeaderProperty(name=n, value=v) for n, v in headers]
                or None,
            )
        )
    )


def _origin_verified(secret: secretsmanager.ISecret) -> Statement:
    """The request carries CloudFront's secret header: it came through the site's distribution."""
    return Statement(
        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
            # single_header is untyped JSON in the L1: the CloudFormation key is spelled out.
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(single_header={"Name": ORIGIN_VERIFY_HEADER}),
            positional_constraint="EXACTLY",
            # A CloudFormation dynamic reference: the value never appears in the template.
            search_string=secret.secret_value.unsafe_unwrap(),
            text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="NONE")],
        )
    )


def _allow_list(ip_sets: Sequence[wafv2.CfnIPSet], via_cloudfront: Statement) -> RuleBuilder:
    """Block unless the client address is listed: the viewer's (via CloudFront) or the connection's (direct)."""
    viewer_listed = _any(
        [
            Statement(
                ip_set_reference_statement=wafv2.CfnWebACL.IPSetReferenceStatementProperty(
                    arn=ip_set.attr_arn,
                    ip_set_forwarded_ip_config=wafv2.CfnWebACL.IPSetForwardedIPConfigurationProperty(
                        header_name=VIEWER_IP_HEADER, fallback_behavior="NO_MATCH", position="FIRST"
                    ),
                )
            )
            for ip_set in ip_sets
        ]
    )
    source_listed = _any(
        [
            Statement(ip_set_reference_statement=wafv2.CfnWebACL.IPSetReferenceStatementProperty(arn=ip_set.attr_arn))
            for ip_set in ip_sets
        ]
    )
    viewer_via_cloudfront = Statement(
        and_statement=wafv2.CfnWebACL.AndStatementProperty(statements=[via_cloudfront, viewer_listed])
    )
    allowed = _any([viewer_via_cloudfront, source_listed])
    return lambda priority: wafv2.CfnWebACL.RuleProperty(
        name="AllowList",
        priority=priority,
        action=_block(_FORBIDDEN_BODY, 403),
        statement=_not(allowed),
        visibility_config=_visibility("AllowList"),
    )


def _rate_limit(name: str, limit: int, *, scope_down: Statement) -> RuleBuilder:
    """At most ``limit`` requests per client address per 5 minutes, then 429 until the rate drops."""
    via_header = name == "RateLimitViaCloudFront"
    statement = Statement(
        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
            limit=limit,
            evaluation_window_sec=RATE_WINDOW_SECONDS,
            aggregate_key_type="FORWARDED_IP" if via_header else "IP",
            forwarded_ip_config=(
                wafv2.CfnWebACL.ForwardedIPConfigurationProperty(
                    header_name=VIEWER_IP_HEADER, fallback_behavior="NO_MATCH"
                )
                if via_header
                else None
            ),
            scope_down_statement=scope_down,
        )
    )
    return lambda priority: wafv2.CfnWebACL.RuleProperty(
        name=name,
        priority=priority,
        action=_block(_THROTTLED_BODY, 429, [("Retry-After", str(RETRY_AFTER_SECONDS))]),
        statement=statement,
        visibility_config=_visibility(name),
    )


def _common_rule_set() -> RuleBuilder:
    """AWS's baseline rule group, blocking as published except the 8 KB body-size rule, which only counts."""
    statement = Statement(
        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
            vendor_name="AWS",
            name=COMMON_RULE_SET,
            rule_action_overrides=[
                wafv2.CfnWebACL.RuleActionOverrideProperty(
                    name=BODY_SIZE_RULE,
                    action_to_use=wafv2.CfnWebACL.RuleActionProperty(count=wafv2.CfnWebACL.CountActionProperty()),
                )
            ],
        )
    )
    return lambda priority: wafv2.CfnWebACL.RuleProperty(
        name="CommonRuleSet",
        priority=priority,
        override_action=wafv2.CfnWebACL.OverrideActionProperty(none={}),
        statement=statement,
        visibility_config=_visibility("CommonRuleSet"),
    )
