"""ConfeeApiStack: the Chat API (REST) with the Health and Chat Lambdas from ``proxy/``."""

from __future__ import annotations

import json

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from confee_infra import nag
from confee_infra.bundling import package_code
from confee_infra.config import InfraConfig
from confee_infra.python_function import ARCHITECTURE, LOG_RETENTION, RUNTIME, PythonFunction
from confee_infra.schema import load_chat_request_schema, to_json_schema

STAGE_NAME = "prod"
INVOKE_ACTION = "bedrock-agentcore:InvokeAgentRuntime"
PACKAGE_NAME = "proxy"

#: API Gateway's own refusals in the Chat API's error shape (DESIGN.md, contract 2), never its default text;
#: the messages are the proxy's (proxy/client/errors.py) so the SPA shows the same wording either way.
GATEWAY_ERRORS: dict[str, tuple[str, str, str]] = {
    # response type: (status, code, Japanese message)
    "BAD_REQUEST_BODY": ("400", "invalid_request", "リクエストの形式が正しくありません。"),
    "THROTTLED": ("429", "throttled", "ただいま混み合っています。少し時間をおいて再度お試しください。"),
    "INTEGRATION_TIMEOUT": (
        "504",
        "agent_timeout",
        "回答に時間がかかりすぎたため中断しました。もう一度お試しください。",
    ),
    "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found", "指定された API は存在しません。"),
    "DEFAULT_4_XX": ("", "invalid_request", "リクエストの形式が正しくありません。"),
    "DEFAULT_5_XX": (
        "",
        "agent_unavailable",
        "エージェントに接続できませんでした。しばらくしてから再度お試しください。",
    ),
}


class ApiStack(cdk.Stack):
    """REST API ``GET /health`` and ``POST /chat``; the Chat Lambda may invoke exactly one runtime.

    Attributes:
        api: The REST API (stage ``prod``); CloudFront reaches it as an origin.
        chat: The Chat Lambda.
        health: The Health Lambda.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: InfraConfig,
        runtime_arn: str,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        # One asset (proxy package + pinned boto3) for both functions: uploaded once.
        code = package_code(config.proxy_dir, package_name=PACKAGE_NAME, runtime=RUNTIME, architecture=ARCHITECTURE)
        self.health = PythonFunction(
            self,
            "Health",
            code=code,
            handler=f"{PACKAGE_NAME}.handlers.health.handler",
            description="Confee GET /health",
            timeout=cdk.Duration.seconds(10),
            memory_size=128,
        )
        self.chat = PythonFunction(
            self,
            "Chat",
            code=code,
            handler=f"{PACKAGE_NAME}.handlers.chat.handler",
            description="Confee POST /chat: forwards to the AgentCore runtime",
            timeout=cdk.Duration.seconds(30),
            environment={
                "AGENT_RUNTIME_ARN": runtime_arn,
                "ALLOWED_ORIGINS": ",".join(config.allowed_origins),
            },
        )
        self._grant_invoke(runtime_arn)
        self.api = self._rest_api(config)
        self._routes(config)
        self._acknowledge()
        cdk.CfnOutput(self, "ApiUrl", value=self.api.url, description="Chat API (direct; the site uses /api/)")

    def _grant_invoke(self, runtime_arn: str) -> None:
        """What ``Runtime.grant_invoke_runtime`` grants (the runtime and its endpoints), for one runtime."""
        self.chat.role.add_to_principal_policy(invoke_runtime_statement(runtime_arn))
        # cdk-nag prints a plain ARN as is and an intrinsic (Fn::GetStackOutput) as compact JSON.
        resolved = self.resolve(runtime_arn)
        rendered = resolved if isinstance(resolved, str) else json.dumps(resolved, separators=(",", ":"))
        nag.acknowledge(
            self.chat.role,
            "IAM5",
            "Invoking the runtime through an endpoint (qualifier DEFAULT) is authorised on the runtime's "
            "sub-resources (runtime ARN + '/*'), exactly as Runtime.grant_invoke_runtime grants; one runtime only.",
            findings=(f"Resource::{rendered}/*",),
        )

    def _rest_api(self, config: InfraConfig) -> apigw.RestApi:
        access_logs = logs.LogGroup(
            self, "AccessLogs", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.DESTROY
        )
        cors = (
            apigw.CorsOptions(
                allow_origins=list(config.allowed_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Content-Type"],
                max_age=cdk.Duration.hours(1),
            )
            if config.allowed_origins
            else None
        )
        api = apigw.RestApi(
            self,
            "ChatApi",
            rest_api_name="confee-chat",
            description="Confee Chat API (DESIGN.md contract 2)",
            # CloudFront fronts the API; an edge-optimised endpoint would add a second, hidden distribution.
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=False,
            default_cors_preflight_options=cors,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                throttling_rate_limit=config.throttle_rate_limit,
                throttling_burst_limit=config.throttle_burst_limit,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=False,
                ),
            ),
        )
        for response_type, (status, code, message) in GATEWAY_ERRORS.items():
            body = json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False)
            api.add_gateway_response(
                f"Gateway{response_type.title().replace('_', '')}",
                type=getattr(apigw.ResponseType, response_type),
                status_code=status or None,
                response_headers={"Retry-After": "'5'"} if response_type == "THROTTLED" else None,
                templates={"application/json": body},
            )
        return api

    def _routes(self, config: InfraConfig) -> None:
        validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        model = self.api.add_model(
            "ChatRequest",
            content_type="application/json",
            model_name="ChatRequest",
            description="POST /chat body (from proxy/openapi.yaml)",
            schema=to_json_schema(load_chat_request_schema(config.proxy_dir / "openapi.yaml")),
        )
        self.api.root.add_resource("health").add_method(
            "GET",
            apigw.LambdaIntegration(self.health.function, allow_test_invoke=False),
            request_validator=validator,
        )
        self.api.root.add_resource("chat").add_method(
            "POST",
            apigw.LambdaIntegration(self.chat.function, allow_test_invoke=False),
            request_validator=validator,
            request_models={"application/json": model},
        )

    def _acknowledge(self) -> None:
        nag.acknowledge(
            self.api,
            "APIG4",
            "The Chat API is the public backend of an anonymous web app (no user accounts); abuse is bounded by "
            "stage throttling, request validation and the 30 s Lambda timeout.",
        )
        nag.acknowledge(
            self.api,
            "COG4",
            "No user accounts exist, so there is no Cognito user pool to authorize against (see APIG4).",
        )
        nag.acknowledge(
            self.api,
            "APIG3",
            "No WAF web ACL: a low-traffic demo where a web ACL's fixed monthly fee would exceed the app's "
            "running cost; stage throttling caps the request rate instead.",
        )
        nag.acknowledge(
            self.api,
            "APIG6",
            "Execution logging needs the account-wide API Gateway CloudWatch role (AWS::ApiGateway::Account), "
            "a per-account singleton this app must not take over; access logs and Lambda logs are enabled.",
        )


def invoke_runtime_statement(runtime_arn: str) -> iam.PolicyStatement:
    """The statement ``Runtime.grant_invoke_runtime`` adds: the runtime and its endpoints (``ARN/*``)."""
    return iam.PolicyStatement(
        sid="InvokeConfeeAgent", actions=[INVOKE_ACTION], resources=[runtime_arn, f"{runtime_arn}/*"]
    )
