"""ConfeeApiStack: the streaming Chat function (Web Adapter layer, start script, environment, timeouts), the REST
API's STREAM integrations, request validation, method responses, throttling, logging, errors and permissions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsonschema
import pytest
import yaml
from aws_cdk import aws_bedrockagentcore as agentcore
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from confee_infra import web_adapter
from confee_infra.app import API_STACK
from confee_infra.config import InfraConfig
from confee_infra.stacks.api_stack import (
    AGENT_BUDGET_SECONDS,
    CHAT_TIMEOUT_SECONDS,
    ERROR_STATUSES,
    GATEWAY_ERRORS,
    INTEGRATION_TIMEOUT_SECONDS,
    ApiStack,
    invoke_runtime_statement,
)
from proxy.client import errors as proxy_errors
from tests.infra.helpers import (
    XRAY_STATEMENT,
    Sources,
    Synth,
    cdk_json_context,
    policy_statements_of_role,
    resources_of,
    standalone_signals,
)
from tests.infra.test_schema import BODIES

#: A reference CloudFormation tracks (see AgentCoreStack.runtime_arn_reference).
RUNTIME_ARN = {"Fn::ImportValue": "ConfeeAgentRuntimeArn"}
CHAT_HANDLER = "proxy/run.sh"
ADAPTER_ARN = re.compile(
    r"^arn:aws:lambda:(?P<region>[a-z0-9-]+):753240598075:layer:LambdaAdapterLayerArm64:(?P<v>\d+)$"
)
#: The API's routes (CORS preflights aside) and nothing else.
ROUTES = {("GET", "/health"), ("POST", "/chat"), ("POST", "/chat/stream")}


def chat_function(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The stack's only function: the Chat API app behind the Web Adapter."""
    ((key, function),) = resources_of(template, "AWS::Lambda::Function").items()
    return key, function["Properties"]


def resource_paths(template: dict[str, Any]) -> dict[str, str]:
    """Logical id of each ``AWS::ApiGateway::Resource`` → its full path (``/chat/stream``)."""
    resources = resources_of(template, "AWS::ApiGateway::Resource")

    def path(key: str) -> str:
        props = resources[key]["Properties"]
        parent = props["ParentId"]
        return f"{path(parent['Ref']) if 'Ref' in parent else ''}/{props['PathPart']}"

    return {key: path(key) for key in resources}


def methods_by_route(template: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    """(verb, path) → method properties, for every method but the CORS preflights."""
    paths = resource_paths(template)
    found = {}
    for method in resources_of(template, "AWS::ApiGateway::Method").values():
        props = method["Properties"]
        if props["HttpMethod"] != "OPTIONS":
            found[(props["HttpMethod"], paths[props["ResourceId"]["Ref"]])] = props
    return found


def api_only(sources: Sources, outdir: Path, **context: Any) -> dict[str, Any]:
    """The API stack alone, synthesized with context overrides (``confee:*`` keys, as ``cdk -c`` passes them)."""
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
    return dict(Template.from_stack(stack).to_json())


# -- the Chat function ---------------------------------------------------------------------------------------


def test_chat_function_runs_the_start_script_on_arm64(synth: Synth) -> None:
    _, props = chat_function(synth.raw(API_STACK))
    assert props["Handler"] == CHAT_HANDLER  # the adapter's wrapper runs ${LAMBDA_TASK_ROOT}/${_HANDLER}
    assert props["Runtime"] == "python3.14"
    assert props["Architectures"] == ["arm64"]
    assert props["MemorySize"] == 1024  # a cold start is CPU-bound, and CPU grows with memory


def test_chat_function_runs_on_the_web_adapter_layer_of_its_region(synth: Synth) -> None:
    _, props = chat_function(synth.raw(API_STACK))
    (layer,) = props["Layers"]
    match = ADAPTER_ARN.match(layer)
    assert match is not None, layer
    assert match["region"] == "ap-northeast-1"
    assert int(match["v"]) == web_adapter.DEFAULT_LAYER_VERSION == 30


def test_layer_version_and_region_come_from_context(sources: Sources, tmp_path: Path) -> None:
    template = api_only(sources, tmp_path, **{"confee:webAdapterLayerVersion": "31", "confee:region": "us-west-2"})
    _, props = chat_function(template)
    assert props["Layers"] == ["arn:aws:lambda:us-west-2:753240598075:layer:LambdaAdapterLayerArm64:31"]


def test_chat_function_environment(synth: Synth) -> None:
    _, props = chat_function(synth.raw(API_STACK))
    assert props["Environment"]["Variables"] == {
        "AWS_LAMBDA_EXEC_WRAPPER": "/opt/bootstrap",
        "AWS_LWA_INVOKE_MODE": "response_stream",
        "AWS_LWA_PORT": "8080",
        "AWS_LWA_READINESS_CHECK_PATH": "/health",
        "AGENT_RUNTIME_ARN": RUNTIME_ARN,
        "AGENT_TIMEOUT_SECONDS": "25",
        "ALLOWED_ORIGINS": "",
        "LOG_LEVEL": "INFO",
    }


def test_function_outlives_the_integration_which_outlives_the_agent_budget(synth: Synth) -> None:
    template = synth.raw(API_STACK)
    _, props = chat_function(template)
    assert props["Timeout"] == CHAT_TIMEOUT_SECONDS == 60
    assert AGENT_BUDGET_SECONDS == 25
    for route, method in methods_by_route(template).items():
        timeout_ms = method["Integration"]["TimeoutInMillis"]
        assert timeout_ms == INTEGRATION_TIMEOUT_SECONDS * 1000 == 35_000, route
        # A stream may run past BUFFERED's 29 s (STREAM allows 15 min); the API, not Lambda, ends an overrun.
        assert AGENT_BUDGET_SECONDS * 1000 < timeout_ms < props["Timeout"] * 1000
        assert 29_000 < timeout_ms <= 15 * 60 * 1000


def test_snapstart_is_off_so_the_api_invokes_the_function_itself(synth: Synth) -> None:
    """Off on purpose (docs/deployment.md): only imports would be snapshotted, at a cache fee per version."""
    template = synth.raw(API_STACK)
    key, props = chat_function(template)
    assert "SnapStart" not in props
    assert resources_of(template, "AWS::Lambda::Version") == {}
    assert resources_of(template, "AWS::Lambda::Alias") == {}
    for method in methods_by_route(template).values():
        assert {"Fn::GetAtt": [key, "Arn"]} in method["Integration"]["Uri"]["Fn::Join"][1]


def test_chat_function_has_its_own_role_and_log_group(synth: Synth) -> None:
    template = synth.raw(API_STACK)
    _, props = chat_function(template)
    role_id = props["Role"]["Fn::GetAtt"][0]
    role = template["Resources"][role_id]["Properties"]
    assert "ManagedPolicyArns" not in role  # no AWSLambdaBasicExecutionRole (any log group in the account)
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    assert template["Resources"][log_group_id]["Properties"]["RetentionInDays"] == 30
    statements = policy_statements_of_role(template, props["Role"])
    assert statements[0] == {
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Effect": "Allow",
        "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
        "Sid": "WriteOwnLogs",
    }


def test_chat_role_may_invoke_exactly_the_confee_runtime(synth: Synth) -> None:
    template = synth.raw(API_STACK)
    _, props = chat_function(template)
    statements = policy_statements_of_role(template, props["Role"])
    assert statements[1:] == [
        XRAY_STATEMENT,
        {
            "Action": "bedrock-agentcore:InvokeAgentRuntime",
            "Effect": "Allow",
            "Resource": [RUNTIME_ARN, {"Fn::Join": ["", [RUNTIME_ARN, "/*"]]}],
            "Sid": "InvokeConfeeAgent",
        },
    ]


def test_invoke_statement_is_what_grant_invoke_runtime_grants() -> None:
    stack = cdk.Stack(cdk.App(context=cdk_json_context()), "S", env=cdk.Environment(region="ap-northeast-1"))
    arn = "arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-abc"
    runtime = agentcore.Runtime.from_agent_runtime_attributes(
        stack,
        "Imported",
        agent_runtime_arn=arn,
        agent_runtime_id="confee_agent-abc",
        agent_runtime_name="confee_agent",
        role_arn="arn:aws:iam::123456789012:role/agent",
    )
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    runtime.grant_invoke_runtime(role)
    (granted,) = Template.from_stack(stack).find_resources("AWS::IAM::Policy").values()
    (expected,) = granted["Properties"]["PolicyDocument"]["Statement"]
    ours = stack.resolve(invoke_runtime_statement(arn).to_statement_json())
    assert {k: v for k, v in ours.items() if k != "Sid"} == expected


# -- the REST API ---------------------------------------------------------------------------------------------


def test_api_is_regional_with_health_chat_and_stream_only(synth: Synth, api_template: Template) -> None:
    # Regional: streams on an edge-optimised endpoint are cut after 30 s idle instead of 5 minutes.
    api_template.has_resource_properties("AWS::ApiGateway::RestApi", {"EndpointConfiguration": {"Types": ["REGIONAL"]}})
    assert set(methods_by_route(synth.raw(API_STACK))) == ROUTES
    api_template.resource_count_is("AWS::ApiGateway::Account", 0)  # never takes over the account-wide role


def test_every_method_streams_the_chat_function(synth: Synth) -> None:
    """The adapter streams for the whole function and a BUFFERED method cannot read that: every method is STREAM,
    so API Gateway calls InvokeWithResponseStream (the 2021-11-15 response-streaming-invocations path)."""
    template = synth.raw(API_STACK)
    key, _ = chat_function(template)
    for route, method in methods_by_route(template).items():
        integration = method["Integration"]
        assert integration["Type"] == "AWS_PROXY", route
        assert integration["ResponseTransferMode"] == "STREAM", route
        assert integration["IntegrationHttpMethod"] == "POST", route
        assert integration["Uri"] == {
            "Fn::Join": [
                "",
                [
                    "arn:aws:apigateway:ap-northeast-1:lambda:path/2021-11-15/functions/",
                    {"Fn::GetAtt": [key, "Arn"]},
                    "/response-streaming-invocations",
                ],
            ]
        }, route


def model_named(api_template: Template, name: str) -> tuple[str, dict[str, Any]]:
    ((model_id, model),) = api_template.find_resources("AWS::ApiGateway::Model", {"Properties": {"Name": name}}).items()
    return model_id, dict(model)


def test_both_chat_methods_validate_the_body_against_one_model(synth: Synth, api_template: Template) -> None:
    (validator_id,) = api_template.find_resources(
        "AWS::ApiGateway::RequestValidator",
        {"Properties": {"ValidateRequestBody": True, "ValidateRequestParameters": True}},
    )
    model_id, _ = model_named(api_template, "ChatRequest")
    methods = methods_by_route(synth.raw(API_STACK))
    for route in (("POST", "/chat"), ("POST", "/chat/stream")):
        assert methods[route]["RequestValidatorId"] == {"Ref": validator_id}, route
        assert methods[route]["RequestModels"] == {"application/json": {"Ref": model_id}}, route
    assert methods[("GET", "/health")]["RequestValidatorId"] == {"Ref": validator_id}
    assert "RequestModels" not in methods[("GET", "/health")]


@pytest.mark.parametrize(("body", "valid"), BODIES)
def test_rendered_model_accepts_exactly_the_contract_bodies(
    api_template: Template, body: dict[str, Any], valid: bool
) -> None:
    _, model = model_named(api_template, "ChatRequest")
    schema = model["Properties"]["Schema"]
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert jsonschema.Draft4Validator(schema).is_valid(body) is valid


def test_chat_methods_declare_their_answers_including_415(synth: Synth, api_template: Template) -> None:
    error_id, error = model_named(api_template, "ChatError")
    methods = methods_by_route(synth.raw(API_STACK))
    for route in (("POST", "/chat"), ("POST", "/chat/stream")):
        responses = {r["StatusCode"]: r for r in methods[route]["MethodResponses"]}
        assert set(responses) == {"200", "400", "408", "415", "429", "503", "504"}, route
        assert "ResponseModels" not in responses["200"]  # JSON or SSE, passed through as the app wrote it
        for status in ERROR_STATUSES:
            assert responses[status]["ResponseModels"] == {"application/json": {"Ref": error_id}}, (route, status)
        assert responses["429"]["ResponseParameters"] == {"method.response.header.Retry-After": True}
    assert methods[("GET", "/health")]["MethodResponses"] == [{"StatusCode": "200"}]
    validator = jsonschema.Draft4Validator(error["Properties"]["Schema"])
    assert validator.is_valid({"error": {"code": "unsupported_media_type", "message": "…"}})
    assert not validator.is_valid({"error": {"code": "throttled"}})


def test_error_statuses_are_the_proxy_error_table() -> None:
    # not_found is for paths and methods the API does not have: no method declares it, API Gateway answers it.
    routed = {code: status for code, status in proxy_errors.STATUS_BY_CODE.items() if code != "not_found"}
    assert set(ERROR_STATUSES) == {str(status) for status in routed.values()}
    assert proxy_errors.STATUS_BY_CODE["not_found"] == 404


def test_api_gateway_may_invoke_the_chat_function_per_method_only(synth: Synth) -> None:
    """InvokeWithResponseStream is authorised by lambda:InvokeFunction: no other action is granted or needed."""
    template = synth.raw(API_STACK)
    key, _ = chat_function(template)
    permissions = [p["Properties"] for p in resources_of(template, "AWS::Lambda::Permission").values()]
    assert len(permissions) == 3
    suffixes = set()
    for permission in permissions:
        assert permission["Action"] == "lambda:InvokeFunction"
        assert permission["Principal"] == "apigateway.amazonaws.com"
        assert permission["FunctionName"] == {"Fn::GetAtt": [key, "Arn"]}
        source = permission["SourceArn"]["Fn::Join"][1]
        assert "test-invoke-stage" not in json.dumps(source)
        suffixes.add(source[-1])
    assert suffixes == {"/GET/health", "/POST/chat", "/POST/chat/stream"}


def test_stage_throttles_and_writes_access_logs(synth: Synth) -> None:
    template = synth.raw(API_STACK)
    (stage,) = resources_of(template, "AWS::ApiGateway::Stage").values()
    props = stage["Properties"]
    assert props["StageName"] == "prod"
    (settings,) = props["MethodSettings"]
    assert settings["HttpMethod"] == "*"
    assert settings["ResourcePath"] == "/*"
    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (10, 20)
    access_log_groups = [key for key in resources_of(template, "AWS::Logs::LogGroup") if key.startswith("AccessLogs")]
    assert len(access_log_groups) == 1
    assert {"Ref": access_log_groups[0]} in props["AccessLogSetting"]["DestinationArn"]["Fn::Join"][1]
    log_format = json.loads(props["AccessLogSetting"]["Format"])
    assert {"requestId", "status", "resourcePath", "httpMethod"} <= set(log_format)


@pytest.mark.parametrize(
    ("response_type", "status", "code"),
    [
        ("BAD_REQUEST_BODY", "400", "invalid_request"),
        ("UNSUPPORTED_MEDIA_TYPE", "415", "unsupported_media_type"),
        ("THROTTLED", "429", "throttled"),
        ("INTEGRATION_TIMEOUT", "504", "agent_timeout"),
        ("MISSING_AUTHENTICATION_TOKEN", "404", "not_found"),
        ("DEFAULT_4XX", None, "invalid_request"),
        ("DEFAULT_5XX", None, "agent_unavailable"),
    ],
)
def test_gateway_errors_use_the_chat_api_error_shape(
    api_template: Template, response_type: str, status: str | None, code: str
) -> None:
    (response,) = api_template.find_resources(
        "AWS::ApiGateway::GatewayResponse", {"Properties": {"ResponseType": response_type}}
    ).values()
    props = response["Properties"]
    assert props.get("StatusCode") == status
    body = json.loads(props["ResponseTemplates"]["application/json"])
    assert body["error"]["code"] == code
    assert body["error"]["message"].endswith("。")  # a Japanese sentence, not API Gateway's English default
    if response_type == "THROTTLED":
        assert props["ResponseParameters"] == {"gatewayresponse.header.Retry-After": "'5'"}


def test_gateway_errors_match_the_proxy_error_table(api_template: Template) -> None:
    """Issue 12: one table. Every gateway response's code is the proxy's, with its status and its message."""
    responses = api_template.find_resources("AWS::ApiGateway::GatewayResponse").values()
    assert len(responses) == len(GATEWAY_ERRORS)
    for response in responses:
        props = response["Properties"]
        error = json.loads(props["ResponseTemplates"]["application/json"])["error"]
        assert error["code"] in proxy_errors.STATUS_BY_CODE, error
        assert error["message"] == proxy_errors.DEFAULT_MESSAGES[error["code"]]
        if "StatusCode" in props:  # DEFAULT_4XX / DEFAULT_5XX keep the status of what went wrong
            assert int(props["StatusCode"]) == proxy_errors.STATUS_BY_CODE[error["code"]]


def test_gateway_error_codes_are_in_the_openapi_error_enum(api_template: Template) -> None:
    """Issue 12: every answer of the API is Contract 2 JSON, API Gateway's own 404 (``not_found``) included."""
    document = yaml.safe_load((Path(__file__).resolve().parents[2] / "proxy" / "openapi.yaml").read_text())
    enum = set(document["components"]["schemas"]["ErrorCode"]["enum"])
    for response in api_template.find_resources("AWS::ApiGateway::GatewayResponse").values():
        error = json.loads(response["Properties"]["ResponseTemplates"]["application/json"])["error"]
        assert error["code"] in enum, error


def test_api_url_output(api_template: Template) -> None:
    api_template.has_output("ApiUrl", {"Value": Match.object_like({"Fn::Join": Match.any_value()})})


def test_throttling_and_origins_come_from_context(sources: Sources, tmp_path: Path) -> None:
    template = Template.from_json(
        api_only(
            sources,
            tmp_path,
            **{
                "confee:throttleRateLimit": "3",
                "confee:throttleBurstLimit": "6",
                "confee:allowedOrigins": "https://demo.example.com,http://localhost:5173",
            },
        )
    )
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {"MethodSettings": [Match.object_like({"ThrottlingRateLimit": 3, "ThrottlingBurstLimit": 6})]},
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": CHAT_HANDLER,
            "Environment": {
                "Variables": Match.object_like({"ALLOWED_ORIGINS": "https://demo.example.com,http://localhost:5173"})
            },
        },
    )
    options = [
        m["Properties"]
        for m in template.find_resources("AWS::ApiGateway::Method", {"Properties": {"HttpMethod": "OPTIONS"}}).values()
    ]
    assert len(options) >= 3, "allowed origins need CORS preflight answers on every route"
    for option in options:
        (response,) = option["Integration"]["IntegrationResponses"]
        # API Gateway answers the first origin statically and echoes the others from a mapping template.
        allow = response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"]
        assert allow == "'https://demo.example.com'"
        assert '$origin == "http://localhost:5173"' in response["ResponseTemplates"]["application/json"]
        assert response["ResponseParameters"]["method.response.header.Vary"] == "'Origin'"
