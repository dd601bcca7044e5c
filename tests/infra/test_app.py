"""The whole app: three stacks in order, cross-stack wiring, IAM wildcards, and cdk-nag's verdict."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from confee_infra.app import AGENT_STACK, API_STACK, FRONTEND_STACK
from tests.infra.conftest import OTHER_RUNTIME_ARN
from tests.infra.helpers import Sources, Synth, as_list, resources_of, statements_of, synthesize

STACKS = (AGENT_STACK, API_STACK, FRONTEND_STACK)

#: Actions granted on "*" anywhere in the app, each because IAM has no narrower resource for it.
ALLOWED_STAR_ACTIONS = {
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "cloudwatch:PutMetricData",  # with a cloudwatch:namespace condition
    "ecr:GetAuthorizationToken",
    "cloudfront:CreateInvalidation",  # BucketDeployment's invalidation
    "cloudfront:GetInvalidation",
}


def manifest(synth: Synth) -> dict[str, Any]:
    return dict(json.loads((synth.outdir / "manifest.json").read_text()))


def test_exactly_the_three_named_stacks_in_the_configured_region(synth: Synth) -> None:
    artifacts = manifest(synth)["artifacts"]
    stacks = {name: a for name, a in artifacts.items() if a["type"] == "aws:cloudformation:stack"}
    assert set(stacks) == set(STACKS)
    for artifact in stacks.values():
        assert artifact["environment"].endswith("/ap-northeast-1")


def test_stacks_deploy_in_dependency_order(synth: Synth) -> None:
    artifacts = manifest(synth)["artifacts"]
    assert AGENT_STACK in artifacts[API_STACK]["dependencies"]
    assert API_STACK in artifacts[FRONTEND_STACK]["dependencies"]
    assert not any(s in artifacts[AGENT_STACK].get("dependencies", []) for s in STACKS)


def stack_outputs_read(template: dict[str, Any], producer: str) -> set[str]:
    """Names of ``producer``'s outputs that ``template`` reads with ``Fn::GetStackOutput``."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            reference = node.get("Fn::GetStackOutput")
            if isinstance(reference, dict) and reference.get("StackName") == producer:
                found.add(reference["OutputName"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(template)
    return found


def test_api_imports_the_runtime_arn_through_an_export_cloudformation_tracks(synth: Synth) -> None:
    """Strong on purpose: a weak reference would leave the Chat function on a replaced runtime's old ARN."""
    agent_outputs = synth.raw(AGENT_STACK)["Outputs"]
    exports = {o["Export"]["Name"]: o["Value"] for o in agent_outputs.values() if "Export" in o}
    (runtime_id,) = resources_of(synth.raw(AGENT_STACK), "AWS::BedrockAgentCore::Runtime")
    assert exports == {"ConfeeAgentRuntimeArn": {"Fn::GetAtt": [runtime_id, "AgentRuntimeArn"]}}
    api = synth.raw(API_STACK)
    imports = imported_values(api)
    assert imports == ["ConfeeAgentRuntimeArn"] * len(imports) and imports
    assert "AgentRuntimeArn" not in stack_outputs_read(api, AGENT_STACK)
    (chat,) = [f for f in resources_of(api, "AWS::Lambda::Function").values() if "AGENT_RUNTIME_ARN" in env_of(f)]
    assert env_of(chat)["AGENT_RUNTIME_ARN"] == {"Fn::ImportValue": "ConfeeAgentRuntimeArn"}


def test_a_given_runtime_arn_replaces_the_import_so_the_runtime_can_be_replaced(waf_synth: Synth) -> None:
    """``confee:agentRuntimeArn``: the API stops importing the export, which CloudFormation then lets change."""
    api = waf_synth.raw(API_STACK)
    assert imported_values(api) == []
    assert not stack_outputs_read(api, AGENT_STACK) & {"AgentRuntimeArn", "ExportConfeeAgentRuntimeArn"}
    (chat,) = [f for f in resources_of(api, "AWS::Lambda::Function").values() if "AGENT_RUNTIME_ARN" in env_of(f)]
    assert env_of(chat)["AGENT_RUNTIME_ARN"] == OTHER_RUNTIME_ARN
    invoke = [s for s in statements_of(api) if s.get("Sid") == "InvokeConfeeAgent"]
    assert [as_list(s["Resource"]) for s in invoke] == [[OTHER_RUNTIME_ARN, f"{OTHER_RUNTIME_ARN}/*"]]
    # The agent stack still exports its own runtime's ARN for the next deploy without the override.
    assert "ExportConfeeAgentRuntimeArn" in waf_synth.raw(AGENT_STACK)["Outputs"]


def imported_values(template: dict[str, Any]) -> list[str]:
    """Every ``Fn::ImportValue`` name in ``template``."""
    text = json.dumps(template)
    return re.findall(r'"Fn::ImportValue": "([^"]+)"', text)


def env_of(function: dict[str, Any]) -> dict[str, Any]:
    return dict(function["Properties"].get("Environment", {}).get("Variables", {}))


def test_api_reads_nothing_of_the_agent_stack_but_the_runtime_topic_and_alarms(synth: Synth) -> None:
    """The alarm topic (alarm actions), the agent side's alarms and what its dashboard rows measure (runtime, Sync
    Lambda, dead-letter queue), never the secret."""
    agent = synth.raw(AGENT_STACK)
    api = synth.raw(API_STACK)
    by_export = {o["Export"]["Name"]: o for o in agent["Outputs"].values() if "Export" in o}
    values = [agent["Outputs"][name]["Value"] for name in stack_outputs_read(api, AGENT_STACK)]
    values += [by_export[name]["Value"] for name in imported_values(api)]
    kinds = set()
    for output_value in values:
        value = json.dumps(output_value)
        (logical_id,) = [key for key in agent["Resources"] if f'"{key}"' in value]
        kinds.add(agent["Resources"][logical_id]["Type"])
    assert kinds == {
        "AWS::BedrockAgentCore::Runtime",
        "AWS::SNS::Topic",
        "AWS::CloudWatch::Alarm",
        "AWS::Lambda::Function",
        "AWS::SQS::Queue",
    }


def test_frontend_reaches_the_api_of_the_api_stack(synth: Synth) -> None:
    frontend = json.dumps(synth.raw(FRONTEND_STACK))
    assert f'"StackName": "{API_STACK}"' in frontend
    assert f'"StackName": "{AGENT_STACK}"' not in frontend


def test_the_secret_is_granted_to_nobody_but_the_runtime(synth: Synth) -> None:
    for stack in (API_STACK, FRONTEND_STACK):
        assert "secretsmanager" not in json.dumps(statements_of(synth.raw(stack)))


def test_no_wildcard_resource_where_a_narrower_one_exists(synth: Synth) -> None:
    for stack in STACKS:
        for statement in statements_of(synth.raw(stack)):
            assert statement["Action"] != "*" and "*" not in as_list(statement["Action"])
            if statement.get("Effect") == "Allow" and statement["Resource"] == "*":
                assert set(as_list(statement["Action"])) <= ALLOWED_STAR_ACTIONS, (stack, statement)


def test_every_stack_is_tagged(synth: Synth) -> None:
    for stack in STACKS:
        for resource in synth.raw(stack)["Resources"].values():
            tags = resource.get("Properties", {}).get("Tags")
            if isinstance(tags, list) and tags and isinstance(tags[0], dict) and "Key" in tags[0]:
                assert {"Key": "project", "Value": "confee"} in tags


def nag_report(outdir: Path) -> dict[str, Any]:
    report = json.loads((outdir / "validation-report.json").read_text())
    (plugin,) = [p for p in report["pluginReports"] if p["pluginName"] == "AwsSolutions"]
    return dict(plugin)


def declared_acknowledgements(outdir: Path) -> set[str]:
    found: set[str] = set()
    for path in outdir.glob("*.metadata.json"):
        for entries in json.loads(path.read_text()).values():
            for entry in entries:
                if entry["type"] == "aws:cdk:acknowledged-rules":
                    found.update(key for key in entry["data"] if key.startswith("AwsSolutions::"))
    return found


def assert_nag_clean(outdir: Path) -> None:
    report = nag_report(outdir)
    assert report["conclusion"] == "success"
    assert report["violations"] == []
    suppressed = report["suppressedViolations"]
    for finding in suppressed:
        assert len(finding["reason"]) >= 60, finding["ruleName"]  # a specific reason, not "ok"
    used = {finding["acknowledgedId"] for finding in suppressed}
    assert declared_acknowledgements(outdir) == used, "stale or unused cdk-nag acknowledgements"


def test_cdk_nag_passes_with_every_finding_acknowledged_for_a_reason(synth: Synth) -> None:
    assert_nag_clean(synth.outdir)


def test_cdk_nag_keeps_passing_with_a_concrete_account_and_a_foundation_model(
    sources: Sources, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Finding ids embed rendered ARNs: an explicit account and a non-profile model change them."""
    outdir = tmp_path_factory.mktemp("cdk.out-account")
    other = synthesize(outdir, sources, {"confee:account": "123456789012", "confee:modelId": "amazon.nova-micro-v1:0"})
    assert_nag_clean(other.outdir)
    statements = json.dumps(statements_of(other.raw(AGENT_STACK)))
    assert "inference-profile" not in statements
    assert "arn:aws:bedrock:ap-northeast-1::foundation-model/amazon.nova-micro-v1:0" in statements
