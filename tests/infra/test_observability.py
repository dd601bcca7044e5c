"""Alarms, their topic and the dashboard (``confee_infra/observability``): every alarm's metric, threshold, period
and action, the metric filters and the log lines they count, the encrypted topic and its optional e-mail
subscription, and the one dashboard."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import httpx
import pytest

from confee_infra.app import AGENT_STACK, API_STACK, FRONTEND_STACK
from confee_infra.mirror import SYNC_HANDLER
from confee_infra.observability import agent as agent_alarms
from confee_infra.observability import api as api_alarms
from confee_infra.stacks.api_stack import (
    AGENT_BUDGET_SECONDS,
    CHAT_HANDLER,
    CHAT_TIMEOUT_SECONDS,
    INTEGRATION_TIMEOUT_SECONDS,
)
from tests.infra.helpers import XRAY_STATEMENT, Synth, policy_statements_of_role, resources_of

#: Every alarm of the app, by name.
AGENT_ALARMS = {
    "confee-agent-errors",
    "confee-agent-latency-p95",
    "confee-bedrock-throttles",
    "confee-connpass-failures",
    "confee-mirror-stale",
    "confee-mirror-sync-errors",
    "confee-mirror-dead-letters",
}
API_ALARMS = {
    "confee-api-5xx-rate",
    "confee-api-4xx-rate",
    "confee-api-latency-p95",
    "confee-api-throttled",
    "confee-chat-lambda-errors",
    "confee-chat-lambda-duration-p95",
}


def alarms(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Alarm name → properties."""
    found = resources_of(template, "AWS::CloudWatch::Alarm").values()
    return {alarm["Properties"]["AlarmName"]: alarm["Properties"] for alarm in found}


def only_id(template: dict[str, Any], resource_type: str) -> str:
    (key,) = resources_of(template, resource_type)
    return key


def runtime_dimensions(agent: dict[str, Any]) -> list[dict[str, Any]]:
    """What AgentCore publishes its runtime metrics under: the operation, runtime::endpoint, the runtime ARN."""
    runtime = only_id(agent, "AWS::BedrockAgentCore::Runtime")
    return [
        {"Name": "Name", "Value": "confee_agent::DEFAULT"},
        {"Name": "Operation", "Value": "InvokeAgentRuntime"},
        {"Name": "Resource", "Value": {"Fn::GetAtt": [runtime, "AgentRuntimeArn"]}},
    ]


def metric_stats(alarm: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Metric id → MetricStat of a metric-math alarm."""
    return {m["Id"]: m["MetricStat"] for m in alarm["Metrics"] if "MetricStat" in m}


def expression(alarm: dict[str, Any]) -> str:
    (expr,) = [m["Expression"] for m in alarm["Metrics"] if "Expression" in m]
    return str(expr)


def assert_evaluation(alarm: dict[str, Any], threshold: float, periods: int, datapoints: int | None = None) -> None:
    assert alarm["Threshold"] == threshold
    assert alarm["EvaluationPeriods"] == periods
    assert alarm.get("DatapointsToAlarm") == datapoints


@pytest.fixture(scope="module")
def agent(synth: Synth) -> dict[str, Any]:
    return synth.raw(AGENT_STACK)


@pytest.fixture(scope="module")
def api(synth: Synth) -> dict[str, Any]:
    return synth.raw(API_STACK)


# --- the topic ------------------------------------------------------------------------------------------------------


def test_topic_is_encrypted_with_a_rotated_key_that_cloudwatch_may_use(agent: dict[str, Any]) -> None:
    (topic,) = resources_of(agent, "AWS::SNS::Topic").values()
    key_id = only_id(agent, "AWS::KMS::Key")
    assert topic["Properties"]["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    key = agent["Resources"][key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    (cloudwatch,) = [s for s in key["KeyPolicy"]["Statement"] if s.get("Sid") == "CloudWatchAlarmsEncryptForTheTopic"]
    assert cloudwatch["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]


def test_topic_refuses_plain_http_and_takes_alarms_of_this_account_only(agent: dict[str, Any]) -> None:
    topic_id = only_id(agent, "AWS::SNS::Topic")
    (policy,) = resources_of(agent, "AWS::SNS::TopicPolicy").values()
    statements = {s["Sid"]: s for s in policy["Properties"]["PolicyDocument"]["Statement"]}
    ssl = statements["AllowPublishThroughSSLOnly"]
    assert (ssl["Effect"], ssl["Condition"]) == ("Deny", {"Bool": {"aws:SecureTransport": "false"}})
    publish = statements["CloudWatchAlarmsPublish"]
    assert publish["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    assert (publish["Action"], publish["Resource"]) == ("sns:Publish", {"Ref": topic_id})
    assert publish["Condition"]["StringEquals"] == {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    source = json.dumps(publish["Condition"]["ArnLike"]["aws:SourceArn"])
    assert "arn:aws:cloudwatch:ap-northeast-1:" in source and ":alarm:*" in source


def test_no_subscription_unless_an_address_is_configured(agent: dict[str, Any]) -> None:
    assert resources_of(agent, "AWS::SNS::Subscription") == {}
    assert agent["Outputs"]["AlarmTopicArn"]["Value"] == {"Ref": only_id(agent, "AWS::SNS::Topic")}


def test_configured_address_is_subscribed_by_email(waf_synth: Synth) -> None:
    agent = waf_synth.raw(AGENT_STACK)
    (subscription,) = resources_of(agent, "AWS::SNS::Subscription").values()
    props = subscription["Properties"]
    assert (props["Protocol"], props["Endpoint"]) == ("email", "ops@example.com")
    assert props["TopicArn"] == {"Ref": only_id(agent, "AWS::SNS::Topic")}


# --- every alarm ----------------------------------------------------------------------------------------------------


def test_each_stack_has_exactly_its_alarms(agent: dict[str, Any], api: dict[str, Any], synth: Synth) -> None:
    assert set(alarms(agent)) == AGENT_ALARMS
    assert set(alarms(api)) == API_ALARMS
    assert alarms(synth.raw(FRONTEND_STACK)) == {}


def test_every_alarm_notifies_the_topic_when_it_fires_and_when_it_recovers(
    agent: dict[str, Any], api: dict[str, Any]
) -> None:
    topic = {"Ref": only_id(agent, "AWS::SNS::Topic")}
    for alarm in alarms(agent).values():
        assert alarm["AlarmActions"] == alarm["OKActions"] == [topic], alarm["AlarmName"]
    for alarm in alarms(api).values():
        (action,) = alarm["AlarmActions"]
        assert alarm["OKActions"] == [action]
        output = action["Fn::GetStackOutput"]
        assert output["StackName"] == AGENT_STACK
        assert agent["Outputs"][output["OutputName"]]["Value"] == topic, alarm["AlarmName"]


def test_every_alarm_says_what_it_means_and_where_to_look(agent: dict[str, Any], api: dict[str, Any]) -> None:
    for name, alarm in {**alarms(agent), **alarms(api)}.items():
        description = alarm["AlarmDescription"]
        assert description.startswith("Confee"), name
        assert len(description) > 120, name
        assert any(word in description for word in ("Look", "look", "Check", "check", "Read", "See", "log")), name


# --- agent side -----------------------------------------------------------------------------------------------------


def test_runtime_errors_alarm_adds_system_and_user_errors(agent: dict[str, Any]) -> None:
    alarm = alarms(agent)["confee-agent-errors"]
    assert expression(alarm) == "FILL(system, 0) + FILL(user, 0)"
    stats = metric_stats(alarm)
    for metric_id, name in (("system", "SystemErrors"), ("user", "UserErrors")):
        stat = stats[metric_id]
        assert stat["Metric"]["Namespace"] == "AWS/Bedrock-AgentCore"
        assert stat["Metric"]["MetricName"] == name
        assert stat["Metric"]["Dimensions"] == runtime_dimensions(agent)
        assert (stat["Stat"], stat["Period"]) == ("Sum", 300)
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert_evaluation(alarm, 3, 1)
    assert alarm["TreatMissingData"] == "notBreaching"


def test_runtime_latency_alarm_fires_before_the_chat_api_cuts_answers_off(agent: dict[str, Any]) -> None:
    alarm = alarms(agent)["confee-agent-latency-p95"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Bedrock-AgentCore", "Latency")
    assert alarm["Dimensions"] == runtime_dimensions(agent)
    assert (alarm["ExtendedStatistic"], alarm["Period"]) == ("p95", 300)
    assert_evaluation(alarm, 20_000, 3, 2)
    assert alarm["Threshold"] < AGENT_BUDGET_SECONDS * 1000


def test_bedrock_throttles_alarm_watches_the_configured_model(agent: dict[str, Any]) -> None:
    alarm = alarms(agent)["confee-bedrock-throttles"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Bedrock", "InvocationThrottles")
    assert alarm["Dimensions"] == [{"Name": "ModelId", "Value": "apac.amazon.nova-micro-v1:0"}]
    assert (alarm["Statistic"], alarm["Period"]) == ("Sum", 300)
    assert_evaluation(alarm, 5, 3, 2)


def test_connpass_failures_alarm_counts_the_log_metric(agent: dict[str, Any]) -> None:
    alarm = alarms(agent)["confee-connpass-failures"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("Confee", "ConnpassRequestFailures")
    assert (alarm["Statistic"], alarm["Period"]) == ("Sum", 900)
    assert "Dimensions" not in alarm  # the runtime's and the Sync Lambda's lines add up in one series
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert_evaluation(alarm, 3, 1)


def test_mirror_is_stale_after_two_intervals_without_a_successful_sync(agent: dict[str, Any]) -> None:
    alarm = alarms(agent)["confee-mirror-stale"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("Confee", "MirrorSyncSucceeded")
    assert (alarm["Statistic"], alarm["Period"]) == ("Sum", 1800)  # one schedule interval
    assert alarm["ComparisonOperator"] == "LessThanThreshold"
    assert_evaluation(alarm, 1, 2, 2)
    assert alarm["TreatMissingData"] == "breaching"  # no line at all is the failure


def test_runtime_log_group_is_created_with_a_retention_and_removed_with_the_stack(agent: dict[str, Any]) -> None:
    groups = resources_of(agent, "AWS::Logs::LogGroup")
    (key,) = [k for k, g in groups.items() if "bedrock-agentcore" in json.dumps(g["Properties"].get("LogGroupName"))]
    group = groups[key]
    runtime = only_id(agent, "AWS::BedrockAgentCore::Runtime")
    assert group["Properties"]["LogGroupName"] == {
        "Fn::Join": ["", ["/aws/bedrock-agentcore/runtimes/", {"Fn::GetAtt": [runtime, "AgentRuntimeId"]}, "-DEFAULT"]]
    }
    assert group["Properties"]["RetentionInDays"] == 30
    assert group["DeletionPolicy"] == "Delete"


def metric_filters(template: dict[str, Any]) -> list[dict[str, Any]]:
    return [f["Properties"] for f in resources_of(template, "AWS::Logs::MetricFilter").values()]


def test_connpass_failures_are_counted_in_the_runtime_and_sync_logs(agent: dict[str, Any]) -> None:
    groups = resources_of(agent, "AWS::Logs::LogGroup")
    runtime_logs = next(k for k, g in groups.items() if "bedrock-agentcore" in json.dumps(g["Properties"]))
    sync_logs = next(k for k in groups if k.startswith("EventMirrorSyncLogs"))
    connpass = [
        f for f in metric_filters(agent) if f["MetricTransformations"][0]["MetricName"] == "ConnpassRequestFailures"
    ]
    assert sorted(f["LogGroupName"]["Ref"] for f in connpass) == sorted([runtime_logs, sync_logs])
    for metric_filter in connpass:
        assert metric_filter["FilterPattern"] == '{ $.event = "connpass request failed" }'
        assert metric_filter["MetricTransformations"] == [
            {"MetricName": "ConnpassRequestFailures", "MetricNamespace": "Confee", "MetricValue": "1", "Unit": "Count"}
        ]


def test_successful_syncs_are_counted_in_the_sync_log(agent: dict[str, Any]) -> None:
    (synced,) = [
        f for f in metric_filters(agent) if f["MetricTransformations"][0]["MetricName"] == "MirrorSyncSucceeded"
    ]
    assert synced["LogGroupName"]["Ref"].startswith("EventMirrorSyncLogs")
    assert synced["FilterPattern"] == '{ ($.message = "mirror sync") && ($.ok IS TRUE) }'
    assert synced["MetricTransformations"][0]["MetricNamespace"] == "Confee"


def test_the_agent_writes_the_connpass_failure_line_the_filter_counts() -> None:
    """A real failing connpass request, through the agent's JSON formatter: the field the filter matches."""
    from agent.errors import SourceError
    from agent.logs import JsonFormatter
    from agent.sources.base import SearchQuery
    from agent.sources.connpass import ConnpassClient

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    source_logger = logging.getLogger("agent.sources.connpass")
    source_logger.addHandler(handler)
    transport = httpx.MockTransport(lambda request: httpx.Response(503, json={"error": "down"}))
    client = ConnpassClient(
        "https://connpass.invalid/api/v2",
        api_key_provider=lambda: "test-key",
        http_client=httpx.Client(transport=transport),
    )
    try:
        with pytest.raises(SourceError):
            client.search(SearchQuery(keyword=("python",)))
    finally:
        source_logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    failures = [line for line in lines if line["event"] == agent_alarms.CONNPASS_FAILED_EVENT]
    assert len(failures) == 1
    assert failures[0]["connpass_error"]
    assert "test-key" not in stream.getvalue()


def test_the_sync_lambda_prints_the_line_the_freshness_filter_counts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from agent.mirror import lambda_handler

    monkeypatch.setenv("CONFEE_MIRROR_URI", "s3://bucket/mirror")
    monkeypatch.setattr(lambda_handler, "configure_logging", lambda *args, **kwargs: None)
    monkeypatch.setattr(lambda_handler, "run_sync", lambda out, **kwargs: ({"events": 3}, True))
    lambda_handler.handler({}, None)
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert line["message"] == agent_alarms.MIRROR_SYNC_MESSAGE
    assert line["ok"] is True  # a JSON boolean: `$.ok IS TRUE` matches it

    monkeypatch.setattr(lambda_handler, "run_sync", lambda out, **kwargs: ({"error": "auth"}, False))
    with pytest.raises(lambda_handler.SyncError):
        lambda_handler.handler({}, None)
    (line,) = [json.loads(text) for text in capsys.readouterr().out.splitlines()]
    assert (line["message"], line["ok"]) == (agent_alarms.MIRROR_SYNC_MESSAGE, False)


# --- API side -------------------------------------------------------------------------------------------------------


def stage_dimensions(api: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"Name": "ApiName", "Value": "confee-chat"}, {"Name": "Stage", "Value": {"Ref": stage_id(api)}}]


def stage_id(api: dict[str, Any]) -> str:
    return only_id(api, "AWS::ApiGateway::Stage")


def chat_function_id(api: dict[str, Any]) -> str:
    return only_id(api, "AWS::Lambda::Function")


@pytest.mark.parametrize(
    ("name", "metric", "guard", "threshold"),
    [("confee-api-5xx-rate", "5XXError", 10, 5), ("confee-api-4xx-rate", "4XXError", 20, 25)],
)
def test_error_rate_alarms_divide_errors_by_requests_with_a_traffic_guard(
    api: dict[str, Any], name: str, metric: str, guard: int, threshold: int
) -> None:
    alarm = alarms(api)[name]
    errors_id = f"errors{metric[0]}xx"
    assert expression(alarm) == f"IF(requests >= {guard}, 100 * FILL({errors_id}, 0) / requests, 0)"
    stats = metric_stats(alarm)
    assert stats[errors_id]["Metric"]["MetricName"] == metric
    assert stats["requests"]["Metric"]["MetricName"] == "Count"
    assert (stats[errors_id]["Stat"], stats["requests"]["Stat"]) == ("Sum", "SampleCount")
    for stat in stats.values():
        assert stat["Metric"]["Namespace"] == "AWS/ApiGateway"
        assert stat["Metric"]["Dimensions"] == stage_dimensions(api)
        assert stat["Period"] == 300
    assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
    assert_evaluation(alarm, threshold, 3, 2)


def test_api_latency_alarm_is_the_agents_answer_budget(api: dict[str, Any]) -> None:
    alarm = alarms(api)["confee-api-latency-p95"]
    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/ApiGateway", "Latency")
    assert alarm["Dimensions"] == stage_dimensions(api)
    assert (alarm["ExtendedStatistic"], alarm["Period"]) == ("p95", 300)
    assert_evaluation(alarm, AGENT_BUDGET_SECONDS * 1000, 3, 2)


def test_throttled_alarm_counts_429s_from_the_access_log(api: dict[str, Any]) -> None:
    alarm = alarms(api)["confee-api-throttled"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("Confee", "ApiThrottledRequests", "Sum")
    assert alarm["Period"] == 300
    assert_evaluation(alarm, 10, 1)
    (throttled,) = metric_filters(api)
    access_logs = next(k for k in resources_of(api, "AWS::Logs::LogGroup") if k.startswith("AccessLogs"))
    assert throttled["LogGroupName"] == {"Ref": access_logs}
    assert throttled["FilterPattern"] == '{ $.status = "429" }'
    # The pattern compares strings: the access log writes the status as a JSON string.
    (stage,) = resources_of(api, "AWS::ApiGateway::Stage").values()
    assert json.loads(stage["Properties"]["AccessLogSetting"]["Format"])["status"] == "$context.status"


def test_chat_lambda_alarms_watch_errors_and_duration_near_the_integration_timeout(api: dict[str, Any]) -> None:
    function = [{"Name": "FunctionName", "Value": {"Ref": chat_function_id(api)}}]
    errors = alarms(api)["confee-chat-lambda-errors"]
    assert (errors["Namespace"], errors["MetricName"], errors["Statistic"]) == ("AWS/Lambda", "Errors", "Sum")
    assert (errors["Dimensions"], errors["Period"]) == (function, 300)
    assert_evaluation(errors, 1, 1)
    duration = alarms(api)["confee-chat-lambda-duration-p95"]
    assert (duration["Namespace"], duration["MetricName"]) == ("AWS/Lambda", "Duration")
    assert (duration["Dimensions"], duration["ExtendedStatistic"], duration["Period"]) == (function, "p95", 300)
    assert_evaluation(duration, 30_000, 3, 2)


def test_thresholds_sit_in_the_order_of_the_timeouts() -> None:
    """agent latency alarm < agent budget = API latency alarm < Chat duration alarm < integration < function timeout."""
    assert agent_alarms.RUNTIME_LATENCY_P95_MS < AGENT_BUDGET_SECONDS * 1000 == api_alarms.API_LATENCY_P95_MS
    assert api_alarms.API_LATENCY_P95_MS < api_alarms.CHAT_DURATION_P95_MS < INTEGRATION_TIMEOUT_SECONDS * 1000
    assert INTEGRATION_TIMEOUT_SECONDS < CHAT_TIMEOUT_SECONDS


# --- tracing --------------------------------------------------------------------------------------------------------


def test_api_stage_traces_with_xray(api: dict[str, Any]) -> None:
    (stage,) = resources_of(api, "AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["TracingEnabled"] is True


@pytest.mark.parametrize(("stack", "handler"), [(API_STACK, CHAT_HANDLER), (AGENT_STACK, SYNC_HANDLER)])
def test_chat_and_sync_lambdas_trace_actively_and_may_send_segments(synth: Synth, stack: str, handler: str) -> None:
    template = synth.raw(stack)
    (function,) = [
        f["Properties"]
        for f in resources_of(template, "AWS::Lambda::Function").values()
        if f["Properties"].get("Handler") == handler
    ]
    assert function["TracingConfig"] == {"Mode": "Active"}
    assert XRAY_STATEMENT in policy_statements_of_role(template, function["Role"])


# --- the dashboard --------------------------------------------------------------------------------------------------


def dashboard_body(template: dict[str, Any]) -> dict[str, Any]:
    (dashboard,) = resources_of(template, "AWS::CloudWatch::Dashboard").values()
    assert dashboard["Properties"]["DashboardName"] == "confee"
    body = dashboard["Properties"]["DashboardBody"]
    text = "".join(part if isinstance(part, str) else '"TOKEN"' for part in body["Fn::Join"][1])
    return dict(json.loads(text.replace('""TOKEN""', '"TOKEN"')))


def test_one_dashboard_in_the_api_stack(synth: Synth, api: dict[str, Any]) -> None:
    for stack in (AGENT_STACK, FRONTEND_STACK):
        assert resources_of(synth.raw(stack), "AWS::CloudWatch::Dashboard") == {}
    dashboard_body(api)
    assert api["Outputs"]["DashboardUrl"]["Value"].endswith("#dashboards/dashboard/confee")


def test_dashboard_shows_every_alarm_then_one_row_group_per_layer(api: dict[str, Any]) -> None:
    widgets = dashboard_body(api)["widgets"]
    (status,) = [w for w in widgets if w["type"] == "alarm"]
    assert len(status["properties"]["alarms"]) == len(AGENT_ALARMS | API_ALARMS)
    headers = [w["properties"]["markdown"] for w in widgets if w["type"] == "text"][1:]
    assert headers == [
        "## Chat API",
        "## Chat Lambda",
        "## AgentCore runtime",
        "## Bedrock (apac.amazon.nova-micro-v1:0)",
        "## connpass and the event mirror",
    ]
    # every row fills the 24 columns exactly, graphs below their header
    rows: dict[int, int] = {}
    for widget in widgets:
        rows[widget["y"]] = rows.get(widget["y"], 0) + widget["width"]
    assert set(rows.values()) == {24}


def test_dashboard_graphs_every_alarmed_metric(api: dict[str, Any]) -> None:
    graphs = json.dumps([w for w in dashboard_body(api)["widgets"] if w["type"] == "metric"])
    for namespace, metric in [
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/ApiGateway", "4XXError"),
        ("AWS/ApiGateway", "Latency"),
        ("Confee", "ApiThrottledRequests"),
        ("AWS/Lambda", "Errors"),
        ("AWS/Lambda", "Duration"),
        ("AWS/Bedrock-AgentCore", "SystemErrors"),
        ("AWS/Bedrock-AgentCore", "UserErrors"),
        ("AWS/Bedrock-AgentCore", "Latency"),
        ("AWS/Bedrock", "InvocationThrottles"),
        ("Confee", "ConnpassRequestFailures"),
        ("Confee", "MirrorSyncSucceeded"),
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    ]:
        assert f'"{namespace}", "{metric}"' in graphs, (namespace, metric)
