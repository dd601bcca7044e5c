"""ConfeeAgentCoreStack: the runtime, its least-privilege role and the connpass key secret."""

from __future__ import annotations

import json
from typing import Any

import aws_cdk as cdk
from aws_cdk.assertions import Match, Template

from confee_infra.app import AGENT_STACK
from confee_infra.config import InfraConfig
from confee_infra.mirror import SYNC_HANDLER
from confee_infra.stacks.agentcore_stack import bedrock_invoke_statements
from tests.infra.helpers import (
    Synth,
    as_list,
    cdk_json_context,
    policy_statements_of_role,
    resources_of,
    statements_of,
)

PROFILE_ARN = {
    "Fn::Join": [
        "",
        [
            "arn:aws:bedrock:ap-northeast-1:",
            {"Ref": "AWS::AccountId"},
            ":inference-profile/apac.amazon.nova-micro-v1:0",
        ],
    ]
}


def runtime_props(synth: Synth) -> dict[str, Any]:
    (runtime,) = resources_of(synth.raw(AGENT_STACK), "AWS::BedrockAgentCore::Runtime").values()
    return dict(runtime["Properties"])


def sync_function(synth: Synth) -> dict[str, Any]:
    functions = resources_of(synth.raw(AGENT_STACK), "AWS::Lambda::Function").values()
    (props,) = [f["Properties"] for f in functions if f["Properties"].get("Handler") == SYNC_HANDLER]
    return dict(props)


def role_statements(synth: Synth) -> list[dict[str, Any]]:
    return statements_of(synth.raw(AGENT_STACK))


def test_runtime_is_the_public_confee_agent_with_explicit_lifecycle(agent_template: Template) -> None:
    agent_template.resource_count_is("AWS::BedrockAgentCore::Runtime", 1)
    agent_template.has_resource_properties(
        "AWS::BedrockAgentCore::Runtime",
        {
            "AgentRuntimeName": "confee_agent",
            "NetworkConfiguration": {"NetworkMode": "PUBLIC"},
            "LifecycleConfiguration": {"IdleRuntimeSessionTimeout": 900, "MaxLifetime": 28800},
            "ProtocolConfiguration": "HTTP",
        },
    )


def test_runtime_environment_selects_bedrock_the_mirror_and_the_secret(synth: Synth, agent_template: Template) -> None:
    env = runtime_props(synth)["EnvironmentVariables"]
    (secret_id,) = agent_template.find_resources("AWS::SecretsManager::Secret")
    bucket_ref = synth.raw(AGENT_STACK)["Outputs"]["MirrorBucketName"]["Value"]
    assert env == {
        "CONFEE_MODEL": "bedrock",
        "CONFEE_MODEL_ID": "apac.amazon.nova-micro-v1:0",
        "CONFEE_EVENTS": "mirror",
        "CONFEE_MIRROR_URI": {"Fn::Join": ["", ["s3://", bucket_ref, "/mirror"]]},
        # live connpass when the snapshot is missing or too old
        "CONNPASS_API_KEY_SECRET_ARN": {"Ref": secret_id},
        "CONFEE_SESSION_TTL_SECONDS": "900",  # the agent forgets a session when AgentCore would
    }


def test_image_is_built_for_arm64_from_the_agent_folder(synth: Synth) -> None:
    artifact = synth.assembly.get_stack_by_name(AGENT_STACK)
    assets = json.loads((synth.outdir / f"{artifact.stack_name}.assets.json").read_text())
    (image,) = assets["dockerImages"].values()
    assert image["source"]["platform"] == "linux/arm64"
    context_dir = synth.outdir / image["source"]["directory"]
    assert (context_dir / "Dockerfile").is_file()
    uri = runtime_props(synth)["AgentRuntimeArtifact"]["ContainerConfiguration"]["ContainerUri"]
    assert "container-assets" in json.dumps(uri)


def test_secret_is_created_empty_and_named_for_the_operator(agent_template: Template) -> None:
    agent_template.has_resource(
        "AWS::SecretsManager::Secret",
        {
            "Properties": {
                "Name": "confee/connpass-api-key",
                "GenerateSecretString": Match.absent(),  # a random "key" would look configured
                "SecretString": Match.absent(),
            },
            "DeletionPolicy": "Delete",
        },
    )
    agent_template.has_output("ConnpassSecretName", {"Value": "confee/connpass-api-key"})


def test_only_the_runtime_and_sync_roles_may_read_the_secret(synth: Synth, agent_template: Template) -> None:
    runtime_role = runtime_props(synth)["RoleArn"]
    sync_role = sync_function(synth)["Role"]
    (secret_id,) = agent_template.find_resources("AWS::SecretsManager::Secret")
    agent_template.resource_count_is("AWS::SecretsManager::ResourcePolicy", 1)
    agent_template.has_resource_properties(
        "AWS::SecretsManager::ResourcePolicy",
        {
            "SecretId": {"Ref": secret_id},
            "ResourcePolicy": {
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Principal": {"AWS": "*"},
                        "Action": "secretsmanager:GetSecretValue",
                        "Resource": "*",
                        "Sid": "OnlyTheAgentReadsTheKey",
                        "Condition": {"StringNotEquals": {"aws:PrincipalArn": [runtime_role, sync_role]}},
                    }
                ],
                "Version": "2012-10-17",
            },
        },
    )
    template = synth.raw(AGENT_STACK)
    reads = {
        role["Fn::GetAtt"][0]: [
            s for s in policy_statements_of_role(template, role) if "secretsmanager" in json.dumps(s["Action"])
        ]
        for role in (runtime_role, sync_role)
    }
    assert reads == {
        runtime_role["Fn::GetAtt"][0]: [
            {
                "Action": ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"],
                "Effect": "Allow",
                "Resource": {"Ref": secret_id},
            }
        ],
        sync_role["Fn::GetAtt"][0]: [
            {
                "Action": "secretsmanager:GetSecretValue",
                "Effect": "Allow",
                "Resource": {"Ref": secret_id},
                "Sid": "ReadConnpassKey",
            }
        ],
    }
    # and no other role of the stack is granted anything on the secret
    granted = [s for s in role_statements(synth) if "secretsmanager" in json.dumps(s["Action"])]
    assert len(granted) == 2


def test_bedrock_invoke_is_limited_to_the_profile_and_its_model(synth: Synth) -> None:
    bedrock = [s for s in role_statements(synth) if any(a.startswith("bedrock:") for a in as_list(s["Action"]))]
    actions = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]
    assert bedrock == [
        {"Action": actions, "Effect": "Allow", "Resource": PROFILE_ARN, "Sid": "InvokeInferenceProfile"},
        {
            "Action": actions,
            "Condition": {"StringEquals": {"bedrock:InferenceProfileArn": PROFILE_ARN}},
            "Effect": "Allow",
            "Resource": "arn:aws:bedrock:*::foundation-model/amazon.nova-micro-v1:0",
            "Sid": "InvokeModelThroughProfile",
        },
    ]


def test_a_foundation_model_id_gets_its_home_region_arn_only() -> None:
    app = cdk.App(context=cdk_json_context())
    stack = cdk.Stack(app, "S", env=cdk.Environment(region="ap-northeast-1", account="123456789012"))
    statements = bedrock_invoke_statements(stack, InfraConfig(model_id="amazon.nova-lite-v1:0"))
    rendered = [stack.resolve(s.to_statement_json()) for s in statements]
    assert rendered == [
        {
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            "Effect": "Allow",
            "Resource": "arn:aws:bedrock:ap-northeast-1::foundation-model/amazon.nova-lite-v1:0",
            "Sid": "InvokeModel",
        }
    ]


def test_role_wildcards_are_only_where_iam_offers_nothing_narrower(synth: Synth) -> None:
    star = {a for s in role_statements(synth) if s["Resource"] == "*" for a in as_list(s["Action"])}
    assert star == {
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "cloudwatch:PutMetricData",
        "ecr:GetAuthorizationToken",
    }
    metrics = next(s for s in role_statements(synth) if s["Action"] == "cloudwatch:PutMetricData")
    assert metrics["Condition"] == {"StringEquals": {"cloudwatch:namespace": "bedrock-agentcore"}}


def test_runtime_role_trusts_only_agentcore_in_this_account(agent_template: Template) -> None:
    agent_template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": {
                "Statement": [
                    Match.object_like(
                        {
                            "Principal": {"Service": "bedrock-agentcore.amazonaws.com"},
                            "Condition": Match.object_like(
                                {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}}
                            ),
                        }
                    )
                ]
            },
            "ManagedPolicyArns": Match.absent(),
        },
    )


def test_outputs_the_runtime_arn_under_a_stable_name(agent_template: Template) -> None:
    (runtime_id,) = agent_template.find_resources("AWS::BedrockAgentCore::Runtime")
    agent_template.has_output("AgentRuntimeArn", {"Value": {"Fn::GetAtt": [runtime_id, "AgentRuntimeArn"]}})
