"""ConfeeApiStack: Lambdas with their own roles, the REST API's validation, throttling, logging, errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import jsonschema
import pytest
from aws_cdk import aws_bedrockagentcore as agentcore
from aws_cdk import aws_iam as iam
from aws_cdk.assertions import Match, Template

from confee_infra.app import AGENT_STACK, API_STACK
from confee_infra.config import InfraConfig
from confee_infra.stacks.api_stack import ApiStack, invoke_runtime_statement
from tests.infra.helpers import Sources, Synth, cdk_json_context, policy_statements_of_role, resources_of
from tests.infra.test_schema import BODIES

RUNTIME_ARN = {
    "Fn::GetStackOutput": {"StackName": AGENT_STACK, "Region": "ap-northeast-1", "OutputName": "AgentRuntimeArn"}
}


def function_by_handler(synth: Synth, handler: str) -> tuple[str, dict[str, Any]]:
    functions = resources_of(synth.raw(API_STACK), "AWS::Lambda::Function")
    (match,) = [
        (key, value["Properties"]) for key, value in functions.items() if value["Properties"]["Handler"] == handler
    ]
    return match


@pytest.mark.parametrize(
    ("handler", "timeout"), [("proxy.handlers.health.handler", 10), ("proxy.handlers.chat.handler", 30)]
)
def test_functions_run_the_proxy_handlers_on_arm64(synth: Synth, handler: str, timeout: int) -> None:
    _, props = function_by_handler(synth, handler)
    assert props["Runtime"] == "python3.14"
    assert props["Architectures"] == ["arm64"]
    assert props["Timeout"] == timeout


def test_chat_function_knows_the_runtime_and_no_extra_origins(synth: Synth) -> None:
    _, props = function_by_handler(synth, "proxy.handlers.chat.handler")
    assert props["Environment"]["Variables"] == {"AGENT_RUNTIME_ARN": RUNTIME_ARN, "ALLOWED_ORIGINS": ""}


def test_both_functions_share_one_code_asset(synth: Synth) -> None:
    functions = resources_of(synth.raw(API_STACK), "AWS::Lambda::Function").values()
    assert len({json.dumps(f["Properties"]["Code"], sort_keys=True) for f in functions}) == 1


@pytest.mark.parametrize("handler", ["proxy.handlers.health.handler", "proxy.handlers.chat.handler"])
def test_each_function_has_its_own_role_and_log_group(synth: Synth, handler: str) -> None:
    template = synth.raw(API_STACK)
    _, props = function_by_handler(synth, handler)
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


def test_functions_do_not_share_roles_or_log_groups(synth: Synth) -> None:
    functions = [p["Properties"] for p in resources_of(synth.raw(API_STACK), "AWS::Lambda::Function").values()]
    assert len({json.dumps(f["Role"]) for f in functions}) == len(functions) == 2
    assert len({json.dumps(f["LoggingConfig"]) for f in functions}) == 2


def test_health_role_can_do_nothing_but_log(synth: Synth) -> None:
    _, props = function_by_handler(synth, "proxy.handlers.health.handler")
    assert len(policy_statements_of_role(synth.raw(API_STACK), props["Role"])) == 1


def test_chat_role_may_invoke_exactly_the_confee_runtime(synth: Synth) -> None:
    _, props = function_by_handler(synth, "proxy.handlers.chat.handler")
    statements = policy_statements_of_role(synth.raw(API_STACK), props["Role"])
    assert statements[1:] == [
        {
            "Action": "bedrock-agentcore:InvokeAgentRuntime",
            "Effect": "Allow",
            "Resource": [RUNTIME_ARN, {"Fn::Join": ["", [RUNTIME_ARN, "/*"]]}],
            "Sid": "InvokeConfeeAgent",
        }
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


def test_api_is_regional_with_health_and_chat_only(api_template: Template) -> None:
    api_template.has_resource_properties("AWS::ApiGateway::RestApi", {"EndpointConfiguration": {"Types": ["REGIONAL"]}})
    methods = {
        (m["Properties"]["HttpMethod"], m["Properties"]["ResourceId"]["Ref"])
        for m in api_template.find_resources("AWS::ApiGateway::Method").values()
    }
    paths = {
        key: r["Properties"]["PathPart"] for key, r in api_template.find_resources("AWS::ApiGateway::Resource").items()
    }
    assert {(verb, paths[resource]) for verb, resource in methods} == {("GET", "health"), ("POST", "chat")}
    api_template.resource_count_is("AWS::ApiGateway::Account", 0)  # never takes over the account-wide role


def test_chat_body_is_validated_against_the_chat_request_model(api_template: Template) -> None:
    (validator_id,) = api_template.find_resources(
        "AWS::ApiGateway::RequestValidator",
        {"Properties": {"ValidateRequestBody": True, "ValidateRequestParameters": True}},
    )
    (model_id,) = api_template.find_resources("AWS::ApiGateway::Model")
    api_template.has_resource_properties(
        "AWS::ApiGateway::Method",
        {
            "HttpMethod": "POST",
            "RequestValidatorId": {"Ref": validator_id},
            "RequestModels": {"application/json": {"Ref": model_id}},
            "Integration": Match.object_like({"Type": "AWS_PROXY"}),
        },
    )


@pytest.mark.parametrize(("body", "valid"), BODIES)
def test_rendered_model_accepts_exactly_the_contract_bodies(
    api_template: Template, body: dict[str, Any], valid: bool
) -> None:
    (model,) = api_template.find_resources("AWS::ApiGateway::Model").values()
    schema = model["Properties"]["Schema"]
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    assert jsonschema.Draft4Validator(schema).is_valid(body) is valid


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
    errors = pytest.importorskip("proxy.client.errors")
    for response in api_template.find_resources("AWS::ApiGateway::GatewayResponse").values():
        props = response["Properties"]
        error = json.loads(props["ResponseTemplates"]["application/json"])["error"]
        if error["code"] not in errors.STATUS_BY_CODE:
            continue  # not_found: API Gateway's own (unknown path), the proxy never sees it
        assert error["message"] == errors.DEFAULT_MESSAGES[error["code"]]
        if "StatusCode" in props:
            assert int(props["StatusCode"]) == errors.STATUS_BY_CODE[error["code"]]


def test_lambda_permissions_only_for_the_deployed_stage(api_template: Template) -> None:
    permissions = api_template.find_resources("AWS::Lambda::Permission").values()
    assert len(permissions) == 2
    for permission in permissions:
        source = json.dumps(permission["Properties"]["SourceArn"])
        assert "test-invoke-stage" not in source


def test_api_url_output(api_template: Template) -> None:
    api_template.has_output("ApiUrl", {"Value": Match.object_like({"Fn::Join": Match.any_value()})})


def test_throttling_and_origins_come_from_context(sources: Sources, tmp_path: Path) -> None:
    context = {
        **cdk_json_context(),
        **sources.context(),
        "confee:throttleRateLimit": "3",
        "confee:throttleBurstLimit": "6",
        "confee:allowedOrigins": "https://demo.example.com,http://localhost:5173",
        "aws:cdk:bundling-stacks": [],
    }
    app = cdk.App(outdir=str(tmp_path), context=context)
    config = InfraConfig.from_context(context)
    stack = ApiStack(
        app,
        "ApiOnly",
        config=config,
        runtime_arn="arn:aws:bedrock-agentcore:ap-northeast-1:123456789012:runtime/confee_agent-abc",
        env=cdk.Environment(region=config.region),
    )
    template = Template.from_stack(stack)
    template.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {"MethodSettings": [Match.object_like({"ThrottlingRateLimit": 3, "ThrottlingBurstLimit": 6})]},
    )
    template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": "proxy.handlers.chat.handler",
            "Environment": {
                "Variables": Match.object_like({"ALLOWED_ORIGINS": "https://demo.example.com,http://localhost:5173"})
            },
        },
    )
    options = [
        m["Properties"]
        for m in template.find_resources("AWS::ApiGateway::Method", {"Properties": {"HttpMethod": "OPTIONS"}}).values()
    ]
    assert options, "allowed origins need CORS preflight answers"
    for option in options:
        (response,) = option["Integration"]["IntegrationResponses"]
        # API Gateway answers the first origin statically and echoes the others from a mapping template.
        allow = response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"]
        assert allow == "'https://demo.example.com'"
        assert '$origin == "http://localhost:5173"' in response["ResponseTemplates"]["application/json"]
        assert response["ResponseParameters"]["method.response.header.Vary"] == "'Origin'"
