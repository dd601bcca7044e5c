"""ConfeeApiStack: the Chat API (REST) answered by one Chat function that streams through the Lambda Web Adapter,
its alarms, the optional WAF web ACL, and the one operations dashboard (both stacks' metrics)."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from confee_infra import nag, web_adapter
from confee_infra.bundling import package_code
from confee_infra.config import CHAT_START_SCRIPT, InfraConfig
from confee_infra.observability import AgentSignals, ApiMonitoring, OperationsDashboard
from confee_infra.python_function import ARCHITECTURE, LOG_RETENTION, RUNTIME, PythonFunction
from confee_infra.schema import load_chat_request_schema, to_json_schema
from confee_infra.waf import ApiFirewall

STAGE_NAME = "prod"
INVOKE_ACTION = "bedrock-agentcore:InvokeAgentRuntime"
PACKAGE_NAME = "proxy"
#: The adapter's wrapper runs ``${LAMBDA_TASK_ROOT}/${_HANDLER}``: the start script where the repository has it
#: (the bundle keeps the repository's layout, ``proxy/`` next to the pip-installed packages).
CHAT_HANDLER = f"{PACKAGE_NAME}/{CHAT_START_SCRIPT}"

#: The agent's total budget per answer (the app's ``AGENT_TIMEOUT_SECONDS``): a stream ends by then with ``done``
#: or an ``agent_timeout`` error event.
AGENT_BUDGET_SECONDS = 25
#: How long API Gateway keeps an integration open. A STREAM integration may stay open up to 15 minutes (29 s
#: is the BUFFERED default and cap); the budget plus a cold start (adapter, uvicorn, the first boto3 client)
#: and the final event fits in 35 s, and a stream still open then is a bug the API ends for us.
INTEGRATION_TIMEOUT_SECONDS = 35
#: Above the integration timeout, so API Gateway (with its Contract 2 504 while nothing was sent) rather than
#: Lambda ends an overrun; the function may outlive a closed connection, and this caps what that costs.
CHAT_TIMEOUT_SECONDS = 60
#: The app waits on the agent, but a cold start (Python, uvicorn, Starlette, then boto3 and its client on the
#: first request) is CPU-bound and Lambda's CPU grows with memory; at demo traffic most requests are cold.
#: SnapStart stays off (docs/deployment.md, ストリーミング): it would snapshot only the imports (the agent client
#: is built on the first request), bill a cached snapshot per published version, and restore pre-snapshot
#: sockets unless the app implemented the adapter's SnapStart hooks.
CHAT_MEMORY_MB = 1024

#: Statuses of the Chat API methods' errors (DESIGN.md contract 2, proxy/client/errors.py STATUS_BY_CODE but
#: ``not_found``, which is for paths and methods the API does not have).
ERROR_STATUSES = ("400", "408", "415", "429", "503", "504")
#: Contract 2's error body, as the method responses' model.
ERROR_SCHEMA = apigw.JsonSchema(
    schema=apigw.JsonSchemaVersion.DRAFT4,
    type=apigw.JsonSchemaType.OBJECT,
    required=["error"],
    properties={
        "error": apigw.JsonSchema(
            type=apigw.JsonSchemaType.OBJECT,
            required=["code", "message"],
            properties={
                "code": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING),
                "message": apigw.JsonSchema(type=apigw.JsonSchemaType.STRING),
            },
        )
    },
)

#: API Gateway's own refusals in the Chat API's error shape (DESIGN.md, contract 2), never its default text;
#: codes, statuses and messages are the proxy's (proxy/client/errors.py) so the SPA shows the same wording either
#: way (tests/infra/test_api_stack.py ties them to that table and to proxy/openapi.yaml's ErrorCode).
GATEWAY_ERRORS: dict[str, tuple[str, str, str]] = {
    # response type: (status, code, Japanese message)
    "BAD_REQUEST_BODY": ("400", "invalid_request", "リクエストの形式が正しくありません。"),
    "UNSUPPORTED_MEDIA_TYPE": ("415", "unsupported_media_type", "Content-Type は application/json にしてください。"),
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
    """REST API ``GET /health``, ``POST /chat`` and ``POST /chat/stream``, all answered by the Chat function.

    Every method's integration streams (``ResponseTransferMode: STREAM``): the adapter runs in
    ``response_stream`` mode for the whole function, and a BUFFERED method cannot read that output, so the
    JSON answers of ``/chat`` and ``/health`` travel the streaming path too. The Chat function may invoke
    exactly one AgentCore runtime.

    Attributes:
        api: The REST API (stage ``prod``, X-Ray tracing on); CloudFront reaches it as an origin.
        chat: The Chat function (the Chat API app behind the Lambda Web Adapter).
        access_logs: The stage's access log group.
        firewall: The WAF web ACL and its origin secret (``confee:waf``), or ``None``.
        monitoring: The API side's alarms (notifying the agent stack's alarm topic).
        dashboard: The operations dashboard of the whole app.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: InfraConfig,
        runtime_arn: str,
        signals: AgentSignals,
        **kwargs: object,
    ) -> None:
        """Create the Chat function, the API, its alarms and the dashboard.

        Args:
            scope: The app.
            construct_id: Stack name.
            config: Validated configuration.
            runtime_arn: The AgentCore runtime the Chat function invokes.
            signals: The agent stack's alarm topic, alarms and dashboard rows.
            kwargs: Stack properties (env, description).
        """
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        code = package_code(
            config.proxy_dir,
            package_name=PACKAGE_NAME,
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            executables=(CHAT_START_SCRIPT,),
        )
        adapter = lambda_.LayerVersion.from_layer_version_arn(
            self, "WebAdapterLayer", web_adapter.layer_arn(config.region, config.web_adapter_layer_version)
        )
        self.chat = PythonFunction(
            self,
            "Chat",
            code=code,
            handler=CHAT_HANDLER,
            description="Confee Chat API (/health, /chat, /chat/stream): streams through the Lambda Web Adapter",
            timeout=cdk.Duration.seconds(CHAT_TIMEOUT_SECONDS),
            memory_size=CHAT_MEMORY_MB,
            layers=[adapter],
            environment={
                **web_adapter.environment(),
                "AGENT_RUNTIME_ARN": runtime_arn,
                "AGENT_TIMEOUT_SECONDS": str(AGENT_BUDGET_SECONDS),
                "ALLOWED_ORIGINS": ",".join(config.allowed_origins),
                "LOG_LEVEL": "INFO",
            },
        )
        self._grant_invoke(runtime_arn)
        self.api = self._rest_api(config)
        self._routes(config)
        self.firewall = (
            ApiFirewall(self, "Firewall", config=config, stage=self.api.deployment_stage) if config.waf else None
        )
        self._observe(signals)
        self._acknowledge(waf=config.waf)
        cdk.CfnOutput(self, "ApiUrl", value=self.api.url, description="Chat API (direct; the site uses /api/)")

    def _grant_invoke(self, runtime_arn: str) -> None:
        """What ``Runtime.grant_invoke_runtime`` grants (the runtime and its endpoints), for one runtime."""
        self.chat.role.add_to_principal_policy(invoke_runtime_statement(runtime_arn))
        # cdk-nag prints a plain ARN as is, an imported value by its export name, other intrinsics as compact JSON.
        resolved = self.resolve(runtime_arn)
        if isinstance(resolved, dict) and isinstance(resolved.get("Fn::ImportValue"), str):
            resolved = resolved["Fn::ImportValue"]
        rendered = resolved if isinstance(resolved, str) else json.dumps(resolved, separators=(",", ":"))
        nag.acknowledge(
            self.chat.role,
            "IAM5",
            "Invoking the runtime through an endpoint (qualifier DEFAULT) is authorised on the runtime's "
            "sub-resources (runtime ARN + '/*'), exactly as Runtime.grant_invoke_runtime grants; one runtime only.",
            findings=(f"Resource::{rendered}/*",),
        )

    def _observe(self, signals: AgentSignals) -> None:
        """The API side's alarms, and the dashboard of both stacks (the API stack deploys last of the two)."""
        self.monitoring = ApiMonitoring(
            self,
            "Monitoring",
            api=self.api,
            access_logs=self.access_logs,
            chat=self.chat,
            topic=signals.topic,
            firewall_metrics=self.firewall.blocked_metrics() if self.firewall else (),
        )
        self.dashboard = OperationsDashboard(
            self,
            "Operations",
            alarms=[*self.monitoring.alarms, *signals.alarms],
            sections=[*self.monitoring.sections(), *signals.sections],
        )
        cdk.CfnOutput(self, "DashboardUrl", value=self.dashboard.url, description="CloudWatch dashboard of Confee")

    def _rest_api(self, config: InfraConfig) -> apigw.RestApi:
        self.access_logs = access_logs = logs.LogGroup(
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
                # X-Ray: API Gateway samples requests and passes the trace header on to the Chat Lambda.
                tracing_enabled=True,
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
        request = self.api.add_model(
            "ChatRequest",
            content_type="application/json",
            model_name="ChatRequest",
            description="POST /chat and /chat/stream body (from proxy/openapi.yaml)",
            schema=to_json_schema(load_chat_request_schema(config.proxy_dir / "openapi.yaml")),
        )
        error = self.api.add_model(
            "ChatError",
            content_type="application/json",
            model_name="ChatError",
            description="Every Chat API error (DESIGN.md contract 2)",
            schema=ERROR_SCHEMA,
        )
        # One integration for every method: InvokeWithResponseStream, which needs only lambda:InvokeFunction.
        integration = apigw.LambdaIntegration(
            self.chat.function,
            allow_test_invoke=False,
            response_transfer_mode=apigw.ResponseTransferMode.STREAM,
            timeout=cdk.Duration.seconds(INTEGRATION_TIMEOUT_SECONDS),
        )
        self.api.root.add_resource("health").add_method(
            "GET",
            integration,
            request_validator=validator,
            method_responses=[apigw.MethodResponse(status_code="200")],
        )
        chat = self.api.root.add_resource("chat")
        stream = chat.add_resource("stream")
        for resource in (chat, stream):
            resource.add_method(
                "POST",
                integration,
                request_validator=validator,
                request_models={"application/json": request},
                method_responses=chat_method_responses(error),
            )

    def _acknowledge(self, *, waf: bool) -> None:
        nag.acknowledge(
            self.api,
            "APIG4",
            "The Chat API is the public backend of an anonymous web app (no user accounts); abuse is bounded by "
            f"stage throttling, request validation and the {INTEGRATION_TIMEOUT_SECONDS} s integration timeout.",
        )
        nag.acknowledge(
            self.api,
            "COG4",
            "No user accounts exist, so there is no Cognito user pool to authorize against (see APIG4).",
        )
        if not waf:
            nag.acknowledge(
                self.api,
                "APIG3",
                "WAF is optional (confee:waf, off by default): for a low-traffic demo the web ACL's fixed monthly fee "
                "(about 9 USD, docs/deployment.md) exceeds the app's running cost; stage throttling and the agent's "
                "per-session turn budget cap the spend instead.",
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


def chat_method_responses(error_model: apigw.IModel) -> list[apigw.MethodResponse]:
    """What ``POST /chat`` and ``/chat/stream`` answer: 200 (JSON or SSE, passed through) or a Contract 2 error."""
    responses = [apigw.MethodResponse(status_code="200")]
    for status in ERROR_STATUSES:
        headers: dict[str, Any] | None = {"method.response.header.Retry-After": True} if status == "429" else None
        responses.append(
            apigw.MethodResponse(
                status_code=status, response_models={"application/json": error_model}, response_parameters=headers
            )
        )
    return responses
