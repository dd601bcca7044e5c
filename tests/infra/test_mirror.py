"""The event mirror in ConfeeAgentCoreStack: snapshot bucket, Sync Lambda, schedule, dead-letter queue, alarms.

Resources are found by what they are (the bucket with the snapshot lifecycle rule, the function with the
sync handler, the role a resource names), never by hashed logical ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk import aws_secretsmanager as secretsmanager

from confee_infra.app import AGENT_STACK
from confee_infra.config import InfraConfig
from confee_infra.mirror import SYNC_HANDLER, EventMirror
from confee_infra.stacks.agentcore_stack import AgentCoreStack
from tests.infra.helpers import (
    XRAY_STATEMENT,
    Sources,
    Synth,
    as_list,
    cdk_json_context,
    make_wheels_for,
    policy_statements_of_role,
    resources_of,
    statements_of,
)

Template = dict[str, Any]


def arn_of(logical_id: str) -> dict[str, Any]:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def object_arn(bucket_id: str, key: str) -> dict[str, Any]:
    return {"Fn::Join": ["", [arn_of(bucket_id), f"/{key}"]]}


def bucket_id(template: Template) -> str:
    """The bucket whose lifecycle rules name the mirror's snapshots (the stack's only bucket today)."""
    buckets = resources_of(template, "AWS::S3::Bucket").items()
    (match,) = [key for key, b in buckets if "mirror/snapshots/" in json.dumps(b["Properties"])]
    return match


def only(template: Template, resource_type: str) -> tuple[str, dict[str, Any]]:
    """The single resource of a type (the mirror has one schedule, one queue, one invoke config)."""
    ((logical_id, resource),) = resources_of(template, resource_type).items()
    return logical_id, resource


def sync_function(template: Template) -> tuple[str, dict[str, Any]]:
    functions = resources_of(template, "AWS::Lambda::Function")
    (match,) = [
        (key, f["Properties"]) for key, f in functions.items() if f["Properties"].get("Handler") == SYNC_HANDLER
    ]
    return match


def topic_id(template: Template) -> str:
    return only(template, "AWS::SNS::Topic")[0]


def queue_id(template: Template) -> str:
    return only(template, "AWS::SQS::Queue")[0]


def alarm_on(template: Template, metric_name: str) -> dict[str, Any]:
    alarms = resources_of(template, "AWS::CloudWatch::Alarm").values()
    (props,) = [a["Properties"] for a in alarms if a["Properties"].get("MetricName") == metric_name]
    return dict(props)


@pytest.fixture(scope="module")
def agent(synth: Synth) -> Template:
    return synth.raw(AGENT_STACK)


# --- bucket ---------------------------------------------------------------------------------------------------------


def test_bucket_is_private_encrypted_and_removed_with_the_stack(agent: Template) -> None:
    bucket = agent["Resources"][bucket_id(agent)]
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    assert props["BucketEncryption"] == {
        "ServerSideEncryptionConfiguration": [{"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert "VersioningConfiguration" not in props  # snapshots are versioned by name
    assert "WebsiteConfiguration" not in props
    assert (bucket["DeletionPolicy"], bucket["UpdateReplacePolicy"]) == ("Delete", "Delete")
    auto_delete = resources_of(agent, "Custom::S3AutoDeleteObjects").values()
    assert [a["Properties"]["BucketName"] for a in auto_delete] == [{"Ref": bucket_id(agent)}]


def test_old_snapshots_expire_as_a_backstop_to_the_syncs_own_pruning(agent: Template) -> None:
    rules = agent["Resources"][bucket_id(agent)]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert rules == [
        {"ExpirationInDays": 7, "Id": "ExpireOldSnapshots", "Prefix": "mirror/snapshots/", "Status": "Enabled"},
        {
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
            "Id": "AbortIncompleteUploads",
            "Prefix": "mirror/",
            "Status": "Enabled",
        },
    ]


def test_bucket_refuses_plain_http_and_allows_no_one_by_policy_but_the_cleanup(agent: Template) -> None:
    policies = resources_of(agent, "AWS::S3::BucketPolicy").values()
    (policy,) = [p for p in policies if p["Properties"]["Bucket"] == {"Ref": bucket_id(agent)}]
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Action"] == "s3:*"
    assert deny["Principal"] == {"AWS": "*"}
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    (allow,) = [s for s in statements if s["Effect"] == "Allow"]
    (provider_role,) = [key for key in resources_of(agent, "AWS::IAM::Role") if "AutoDeleteObjects" in key]
    assert allow["Principal"] == {"AWS": arn_of(provider_role)}  # auto-delete on stack removal only


def test_bucket_and_sync_function_names_are_outputs(agent: Template) -> None:
    assert agent["Outputs"]["MirrorBucketName"]["Value"] == {"Ref": bucket_id(agent)}
    function_id, _ = sync_function(agent)
    assert agent["Outputs"]["MirrorSyncFunctionName"]["Value"] == {"Ref": function_id}


# --- Sync Lambda ----------------------------------------------------------------------------------------------------


def test_sync_function_runs_one_at_a_time_on_arm64(agent: Template) -> None:
    _, props = sync_function(agent)
    assert props["Runtime"] == "python3.14"
    assert props["Architectures"] == ["arm64"]
    assert props["Timeout"] == 900
    assert props["MemorySize"] == 512
    assert props["ReservedConcurrentExecutions"] == 1  # two syncs would share the key's 1 request/second


def test_sync_function_environment(agent: Template) -> None:
    _, props = sync_function(agent)
    (secret_id,) = resources_of(agent, "AWS::SecretsManager::Secret")
    assert props["Environment"]["Variables"] == {
        "CONFEE_MIRROR_URI": {"Fn::Join": ["", ["s3://", {"Ref": bucket_id(agent)}, "/mirror"]]},
        "CONNPASS_API_KEY_SECRET_ARN": {"Ref": secret_id},
        "CONFEE_SYNC_MONTHS": "6",
        "CONFEE_LOG_LEVEL": "INFO",
    }


def test_sync_role_may_write_the_mirror_prefix_read_the_key_and_dead_letter(agent: Template) -> None:
    _, props = sync_function(agent)
    role = agent["Resources"][props["Role"]["Fn::GetAtt"][0]]["Properties"]
    assert "ManagedPolicyArns" not in role
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": "lambda.amazonaws.com"}
    (secret_id,) = resources_of(agent, "AWS::SecretsManager::Secret")
    log_group_id = props["LoggingConfig"]["LogGroup"]["Ref"]
    bucket = bucket_id(agent)
    assert policy_statements_of_role(agent, props["Role"]) == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": arn_of(log_group_id),
            "Sid": "WriteOwnLogs",
        },
        XRAY_STATEMENT,  # active tracing
        {
            "Action": ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
            "Effect": "Allow",
            "Resource": object_arn(bucket, "mirror/*"),
            "Sid": "WriteEventMirror",
        },
        {
            "Action": "s3:ListBucket",
            "Condition": {"StringLike": {"s3:prefix": ["mirror/*"]}},
            "Effect": "Allow",
            "Resource": arn_of(bucket),
            "Sid": "ListEventMirror",
        },
        {
            "Action": "secretsmanager:GetSecretValue",
            "Effect": "Allow",
            "Resource": {"Ref": secret_id},
            "Sid": "ReadConnpassKey",
        },
        {  # Lambda's on-failure destination
            "Action": ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"],
            "Effect": "Allow",
            "Resource": arn_of(queue_id(agent)),
        },
    ]


def test_a_failed_sync_is_retried_once_then_dead_lettered(agent: Template) -> None:
    function_id, _ = sync_function(agent)
    _, config = only(agent, "AWS::Lambda::EventInvokeConfig")
    assert config["Properties"] == {
        "FunctionName": {"Ref": function_id},
        "Qualifier": "$LATEST",
        "MaximumRetryAttempts": 1,
        "MaximumEventAgeInSeconds": 1800,  # older than one interval: the next scheduled run supersedes it
        "DestinationConfig": {"OnFailure": {"Destination": arn_of(queue_id(agent))}},
    }


# --- schedule -------------------------------------------------------------------------------------------------------


def test_schedule_invokes_the_sync_every_30_minutes_with_retries_and_a_dead_letter_queue(agent: Template) -> None:
    function_id, _ = sync_function(agent)
    _, schedule = only(agent, "AWS::Scheduler::Schedule")
    props = schedule["Properties"]
    assert props["ScheduleExpression"] == "rate(30 minutes)"
    assert props["State"] == "ENABLED"
    assert props["FlexibleTimeWindow"] == {"Mode": "OFF"}
    target = props["Target"]
    assert target["Arn"] == arn_of(function_id)
    assert target["DeadLetterConfig"] == {"Arn": arn_of(queue_id(agent))}
    assert target["RetryPolicy"] == {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 1800}


def test_schedule_role_may_invoke_the_sync_function_only(agent: Template) -> None:
    function_id, _ = sync_function(agent)
    _, schedule = only(agent, "AWS::Scheduler::Schedule")
    role_ref = schedule["Properties"]["Target"]["RoleArn"]
    role = agent["Resources"][role_ref["Fn::GetAtt"][0]]["Properties"]
    (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert "schedule-group/default" in json.dumps(trust["Condition"]["StringEquals"]["aws:SourceArn"])
    assert policy_statements_of_role(agent, role_ref) == [
        # the function itself: no "ARN:*" for versions and aliases the schedule never invokes
        {"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": arn_of(function_id), "Sid": "StartSync"},
        {"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": arn_of(queue_id(agent)), "Sid": "DeadLetter"},
    ]


def test_dead_letter_queue_is_encrypted_ssl_only_and_kept_14_days(agent: Template) -> None:
    queue = queue_id(agent)
    props = agent["Resources"][queue]["Properties"]
    assert props["SqsManagedSseEnabled"] is True
    assert props["MessageRetentionPeriod"] == 14 * 24 * 3600
    (policy,) = resources_of(agent, "AWS::SQS::QueuePolicy").values()
    assert policy["Properties"]["Queues"] == [{"Ref": queue}]
    (deny,) = policy["Properties"]["PolicyDocument"]["Statement"]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


# --- alarms ---------------------------------------------------------------------------------------------------------


def test_alarm_when_the_sync_fails_in_two_consecutive_intervals(agent: Template) -> None:
    function_id, _ = sync_function(agent)
    alarm = alarm_on(agent, "Errors")
    assert alarm["Namespace"] == "AWS/Lambda"
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": function_id}}]
    assert alarm["Statistic"] == "Sum"
    assert alarm["Period"] == 1800  # one schedule interval
    assert (alarm["EvaluationPeriods"], alarm["DatapointsToAlarm"]) == (2, 2)
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanOrEqualToThreshold", 1)
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmName"] == "confee-mirror-sync-errors"
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic_id(agent)}]


def test_alarm_when_the_dead_letter_queue_holds_a_message(agent: Template) -> None:
    alarm = alarm_on(agent, "ApproximateNumberOfMessagesVisible")
    assert alarm["Namespace"] == "AWS/SQS"
    assert alarm["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [queue_id(agent), "QueueName"]}}]
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)
    assert alarm["Statistic"] == "Maximum"
    assert alarm["EvaluationPeriods"] == 1
    assert alarm["TreatMissingData"] == "notBreaching"
    assert alarm["AlarmName"] == "confee-mirror-dead-letters"
    assert alarm["AlarmActions"] == alarm["OKActions"] == [{"Ref": topic_id(agent)}]


def test_alarms_are_exposed_for_a_notification_topic(synth: Synth) -> None:
    mirror = synth.stacks.agent.mirror
    assert mirror.sync_errors_alarm.alarm_arn
    assert mirror.dead_letter_alarm.alarm_arn


# --- the runtime's view ---------------------------------------------------------------------------------------------


def test_runtime_reads_only_the_manifest_and_the_snapshots(agent: Template) -> None:
    (runtime,) = resources_of(agent, "AWS::BedrockAgentCore::Runtime").values()
    statements = policy_statements_of_role(agent, runtime["Properties"]["RoleArn"])
    s3 = [s for s in statements if any(a.startswith("s3:") for a in as_list(s["Action"]))]
    bucket = bucket_id(agent)
    assert s3 == [
        {
            "Action": "s3:GetObject",
            "Effect": "Allow",
            "Resource": [object_arn(bucket, "mirror/manifest.json"), object_arn(bucket, "mirror/snapshots/*")],
            "Sid": "ReadEventMirror",
        }
    ]


def test_only_the_sync_role_may_list_or_write_the_bucket(agent: Template) -> None:
    _, props = sync_function(agent)
    sync_role = props["Role"]
    writers = [
        s
        for s in statements_of(agent)
        if {"s3:ListBucket", "s3:PutObject", "s3:DeleteObject"} & set(as_list(s["Action"]))
    ]
    assert writers == [s for s in policy_statements_of_role(agent, sync_role) if s in writers]
    assert len(writers) == 2


# --- interval from context ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def custom_intervals(sources: Sources, tmp_path_factory: pytest.TempPathFactory) -> dict[int, Template]:
    """The AgentCore stack alone, synthesized for two ``confee:mirrorSyncMinutes`` values given as -c strings."""
    context = {**cdk_json_context(), "aws:cdk:bundling-stacks": []}
    app = cdk.App(outdir=str(tmp_path_factory.mktemp("cdk.out-interval")), context=context)
    env = cdk.Environment(region="ap-northeast-1")
    for minutes in (45, 720):
        config = InfraConfig.from_context({**sources.context(), "confee:mirrorSyncMinutes": str(minutes)})
        AgentCoreStack(app, f"Interval{minutes}", config=config, env=env)
    assembly = app.synth()
    return {minutes: dict(assembly.get_stack_by_name(f"Interval{minutes}").template) for minutes in (45, 720)}


@pytest.mark.parametrize(
    ("minutes", "expression", "event_age"),
    [
        (45, "rate(45 minutes)", 45 * 60),
        (720, "rate(12 hours)", 6 * 3600),  # Lambda keeps an asynchronous event six hours at most
    ],
)
def test_interval_comes_from_context(
    custom_intervals: dict[int, Template], minutes: int, expression: str, event_age: int
) -> None:
    template = custom_intervals[minutes]
    _, schedule = only(template, "AWS::Scheduler::Schedule")
    assert schedule["Properties"]["ScheduleExpression"] == expression
    assert schedule["Properties"]["Target"]["RetryPolicy"]["MaximumEventAgeInSeconds"] == event_age
    _, config = only(template, "AWS::Lambda::EventInvokeConfig")
    assert config["Properties"]["MaximumEventAgeInSeconds"] == event_age
    assert alarm_on(template, "Errors")["Period"] == minutes * 60
    # The freshness alarm looks at the same intervals: two of them, 24 hours at most (CloudWatch allows 7 days
    # for periods of an hour or more, one day below an hour).
    freshness = alarm_on(template, "MirrorSyncSucceeded")
    assert (freshness["Period"], freshness["EvaluationPeriods"]) == (minutes * 60, 2)
    limit = 7 * 86_400 if freshness["Period"] >= 3600 else 86_400
    assert freshness["Period"] * freshness["EvaluationPeriods"] <= limit


# --- the bundle -----------------------------------------------------------------------------------------------------


@pytest.fixture
def offline_wheels(sources: Sources, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fake wheels for every pin of the agent image *and* the sync: the wrong requirements file would show."""
    wheels = tmp_path / "wheels"
    files = [sources.agent_dir / name for name in ("requirements.txt", "requirements-sync.txt", "constraints.txt")]
    names = make_wheels_for(wheels, *(path for path in files if path.is_file()))
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheels))
    yield names


def test_sync_bundle_holds_the_agent_package_and_the_sync_requirements_only(
    sources: Sources, tmp_path: Path, offline_wheels: list[str]
) -> None:
    assert "strands-agents" in offline_wheels  # a strands/ in the bundle would be found below
    outdir = tmp_path / "cdk.out"
    app = cdk.App(outdir=str(outdir), context=cdk_json_context())
    stack = cdk.Stack(app, "MirrorBundle", env=cdk.Environment(region="ap-northeast-1"))
    secret = secretsmanager.Secret(stack, "Key")
    EventMirror(stack, "Mirror", config=InfraConfig(agent_dir=sources.agent_dir), secret=secret)
    app.synth()

    (bundle,) = [path for path in outdir.glob("asset.*") if (path / "agent").is_dir()]
    assert (bundle / "agent" / "__init__.py").is_file()
    assert (bundle / "agent" / "mirror").is_dir()
    if (sources.agent_dir / "mirror" / "lambda_handler.py").is_file():
        assert (bundle / "agent" / "mirror" / "lambda_handler.py").is_file()
    if (sources.agent_dir / "data" / "sample_events.json").is_file():
        assert (bundle / "agent" / "data" / "sample_events.json").is_file()  # agent.data stays importable
    for package in ("httpx", "boto3", "botocore"):
        assert (bundle / package / "__init__.py").is_file(), package
    assert not (bundle / "strands").exists()
    assert not (bundle / "bedrock_agentcore").exists()
    assert not (bundle / "agent" / "Dockerfile").exists()
    assert not list((bundle / "agent").rglob("__pycache__"))
    assert not list((bundle / "agent").rglob("tests"))
