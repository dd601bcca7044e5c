"""ConfeeFrontendStack: the SPA on a private bucket behind CloudFront, with the API same-origin at /api/*."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as s3_assets
from aws_cdk import aws_s3_deployment as s3deploy
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from confee_infra import nag
from confee_infra.buckets import private_bucket
from confee_infra.config import InfraConfig
from confee_infra.python_function import LOG_RETENTION
from confee_infra.waf import ORIGIN_VERIFY_HEADER

FUNCTIONS_DIR = Path(__file__).resolve().parents[1] / "cloudfront"
API_PATH_PATTERN = "/api/*"

#: How long CloudFront waits for the API's first byte and then between two packets of a response. An answer
#: streams its first event within the agent's 25 s budget (before it, the app holds the status), later
#: silences are at most 10 s (keep-alive comments) and API Gateway ends any integration at 35 s, so 60 s is
#: never reached by a working stream. 60 s is the limit every account has without a quota request (the
#: current CloudFront API reference allows up to 120 s).
API_READ_TIMEOUT_SECONDS = 60
#: How long CloudFront keeps an idle connection to the API for the next request (default 5 s): a follow-up
#: question within a minute skips a new TLS handshake to API Gateway. It does not bound an open stream.
API_KEEPALIVE_TIMEOUT_SECONDS = 60

#: The built page's own policy (the meta tag spa/vite.config.ts injects into dist/index.html) plus what only a
#: header can say (frame-ancestors). Both are enforced, so the header must not be looser than the meta tag (it
#: would be the only policy for a build without one) nor stricter (it would break the SPA): no inline styles
#: (React sets styles through the CSSOM), no remote images (answers never load any), only same-origin calls.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "object-src 'none'",
        "frame-ancestors 'none'",
    ]
)

#: Vite's content-hashed build output: a changed file gets a new name, so browsers may keep these forever.
HASHED_ASSETS = "assets/*"
HASHED_CACHE_CONTROL = [
    s3deploy.CacheControl.set_public(),
    s3deploy.CacheControl.max_age(cdk.Duration.days(365)),
    s3deploy.CacheControl.immutable(),
]
#: index.html (and the other unhashed files) names the current hashed assets: browsers must revalidate it.
PAGE_CACHE_CONTROL = [s3deploy.CacheControl.no_cache()]


class FrontendStack(cdk.Stack):
    """Private S3 bucket + CloudFront (OAC) serving ``spa/dist``, routing ``/api/*`` to the REST API.

    Attributes:
        bucket: The private site bucket.
        distribution: The CloudFront distribution; its domain is the site URL.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: InfraConfig,
        api: apigw.RestApi,
        origin_secret: secretsmanager.ISecret | None = None,
        **kwargs: object,
    ) -> None:
        """Create the bucket, the distribution and the SPA upload.

        Args:
            scope: The app.
            construct_id: Stack name.
            config: Validated configuration.
            api: The Chat API, served at ``/api/*``.
            origin_secret: With the API's WAF on, the value sent in ``x-confee-origin-verify`` on every ``/api/*``
                request (a CloudFormation dynamic reference, resolved at deploy time).
            kwargs: Stack properties (env, description).
        """
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.bucket = private_bucket(self, "SiteBucket")
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            comment="Confee security headers",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=CONTENT_SECURITY_POLICY, override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=cdk.Duration.days(730), include_subdomains=True, override=True
                ),
                xss_protection=cloudfront.ResponseHeadersXSSProtection(protection=True, mode_block=True, override=True),
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Confee SPA and same-origin Chat API",
            default_root_object="index.html",
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,  # includes Japan, skips the priciest regions
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
                compress=True,
                function_associations=[self._function("SpaRouting", "spa_routing.js")],
            ),
            additional_behaviors={
                API_PATH_PATTERN: cloudfront.BehaviorOptions(
                    origin=origins.RestApiOrigin(
                        api,
                        read_timeout=cdk.Duration.seconds(API_READ_TIMEOUT_SECONDS),
                        keepalive_timeout=cdk.Duration.seconds(API_KEEPALIVE_TIMEOUT_SECONDS),
                        # The API's WAF tells CloudFront's requests (whose viewer address it trusts) by this header.
                        custom_headers=(
                            {ORIGIN_VERIFY_HEADER: origin_secret.secret_value.unsafe_unwrap()}
                            if origin_secret
                            else None
                        ),
                    ),
                    # A redirect would turn POST into GET: refuse plain HTTP instead.
                    viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
                    allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
                    # Answers are per session and streamed: nothing to cache and nothing to compress. A compressor
                    # batches small SSE frames into deflate blocks (events held back). CloudFront compresses only
                    # with a cache policy that enables Gzip/Brotli, which CachingDisabled does not; compress=False
                    # says so here too, so a later cache policy cannot start compressing the stream.
                    cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
                    compress=False,
                    origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
                    response_headers_policy=headers,
                    function_associations=[self._function("StripApiPrefix", "strip_api_prefix.js")],
                )
            },
        )
        self._deploy_spa(config)
        self._acknowledge()
        cdk.CfnOutput(self, "SiteUrl", value=f"https://{self.distribution.distribution_domain_name}")

    def _deploy_spa(self, config: InfraConfig) -> None:
        """Upload ``spa/dist`` with cache headers that survive a redeploy, then invalidate the cache.

        Two deployments of one asset: the hashed assets first (immutable, never pruned, so a page loaded
        just before a deploy still finds its scripts), then index.html and the other unhashed files
        (``no-cache``: without a Cache-Control header browsers cache index.html heuristically and keep
        asking for assets of an older build). The copier gets its own role with exactly the grants
        BucketDeployment would add, except that invalidation is limited to this distribution.
        """
        log_group = logs.LogGroup(
            self, "DeploySpaLogs", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        self.deploy_role = iam.Role(
            self,
            "DeploySpaRole",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description="Copies the SPA build into the site bucket and invalidates CloudFront",
        )
        self.deploy_role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[log_group.log_group_arn],
            )
        )
        build = s3_assets.Asset(self, "SpaBuild", path=str(config.spa_dist_dir))
        build.grant_read(self.deploy_role)
        self.bucket.grant_read_write(self.deploy_role)
        # BucketDeployment would grant these on "*"; the distribution's ARN is known here.
        self.distribution.grant(self.deploy_role, "cloudfront:CreateInvalidation", "cloudfront:GetInvalidation")
        # The copier's role takes no further grants: BucketDeployment's own (same S3 rights, "*" for CloudFront)
        # would only widen the statements above.
        copier_role = self.deploy_role.without_policy_updates()
        source = s3deploy.Source.bucket(build.bucket, build.s3_object_key)
        self.assets_deployment = s3deploy.BucketDeployment(
            self,
            "DeploySpaAssets",
            sources=[source],
            destination_bucket=self.bucket,
            exclude=["*"],
            include=[HASHED_ASSETS],
            prune=False,
            cache_control=HASHED_CACHE_CONTROL,
            memory_limit=256,
            role=copier_role,
            log_group=log_group,
        )
        self.deployment = s3deploy.BucketDeployment(
            self,
            "DeploySpa",
            sources=[source],
            destination_bucket=self.bucket,
            exclude=[HASHED_ASSETS],
            prune=True,
            cache_control=PAGE_CACHE_CONTROL,
            distribution=self.distribution,
            distribution_paths=["/*"],
            memory_limit=256,
            role=copier_role,
            log_group=log_group,
        )
        # The new index.html goes live only once the assets it names are in the bucket.
        self.deployment.node.add_dependency(self.assets_deployment)

    def _function(self, construct_id: str, file_name: str) -> cloudfront.FunctionAssociation:
        function = cloudfront.Function(
            self,
            construct_id,
            code=cloudfront.FunctionCode.from_file(file_path=str(FUNCTIONS_DIR / file_name)),
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment=f"Confee {file_name}",
        )
        return cloudfront.FunctionAssociation(function=function, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST)

    def _acknowledge(self) -> None:
        partition, account = nag.rendered_partition(self), nag.rendered_account(self)
        bucket_cfn = self.bucket.node.default_child
        assert isinstance(bucket_cfn, s3.CfnBucket)
        nag.acknowledge(
            self.deploy_role,
            "IAM5",
            "The S3 grants BucketDeployment needs (asset.grant_read on the CDK asset bucket, grant_read_write on "
            "the site bucket for aws s3 sync --delete): wildcards stay inside one bucket each.",
            findings=(
                "Action::s3:GetBucket*",
                "Action::s3:GetObject*",
                "Action::s3:List*",
                "Action::s3:Abort*",
                "Action::s3:DeleteObject*",
                f"Resource::arn:{partition}:s3:::cdk-hnb659fds-assets-{account}-{self.region}/*",
                f"Resource::<{self.get_logical_id(bucket_cfn)}.Arn>/*",
            ),
        )
        # The copier is a singleton function created at stack level, not below the BucketDeployment.
        copiers = [c for c in self.node.children if c.node.id.startswith("Custom::CDKBucketDeployment")]
        assert len(copiers) == 1, "expected exactly one BucketDeployment copier function"
        nag.acknowledge(
            copiers[0],
            "L1",
            "The copier Lambda's runtime is chosen by aws-cdk-lib's BucketDeployment (it bundles the AWS CLI "
            "layer for that runtime) and follows CDK upgrades.",
        )
        nag.acknowledge(
            self.bucket,
            "S1",
            "Objects are only the public SPA build, written solely by the BucketDeployment and read through "
            "CloudFront; server access logs would record nothing but CloudFront's own reads.",
        )
        nag.acknowledge(
            self.distribution,
            "CFR1",
            "No geo restriction: Japanese-speaking users abroad are part of the audience.",
        )
        nag.acknowledge(
            self.distribution,
            "CFR2",
            "No CloudFront-scope web ACL (it must live in us-east-1, a fourth stack): the optional WAF (confee:waf) "
            "is regional on the API stage behind /api/*, and the rest of the site is static files.",
        )
        nag.acknowledge(
            self.distribution,
            "CFR3",
            "No CloudFront standard logs: every API request is already access-logged at the API Gateway stage, "
            "and the remaining requests only fetch the static SPA build, which carries no user data.",
        )
        nag.acknowledge(
            self.distribution,
            "CFR4",
            "The distribution uses the default *.cloudfront.net certificate, for which CloudFront fixes the "
            "minimum TLS version; a custom domain with its own certificate would allow TLSv1.2_2021.",
        )
