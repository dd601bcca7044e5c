"""The agent side's alarms and dashboard rows: AgentCore runtime, Bedrock, connpass and the event mirror.

Metric sources (verified facts in docs/deployment.md):

- AgentCore Runtime publishes ``Invocations``, ``SystemErrors``, ``UserErrors``, ``Throttles``, ``Latency`` and
  ``SessionCount`` to ``AWS/Bedrock-AgentCore``; aws-cdk-lib 2.275's ``Runtime.metric_*`` helpers carry the
  dimensions (``Operation=InvokeAgentRuntime``, ``Name=<runtime>::DEFAULT``, ``Resource=<runtime ARN>``).
- Bedrock publishes ``Invocations``, ``InvocationThrottles``, ``InvocationLatency`` and token counts to
  ``AWS/Bedrock`` by ``ModelId``, the id the agent calls (the inference profile ``apac.amazon.nova-micro-v1:0``).
- connpass failures and successful mirror syncs exist only as log lines (``agent/sources/connpass.py``,
  ``agent/mirror/lambda_handler.py``); metric filters count them into ``Confee/ConnpassRequestFailures`` and
  ``Confee/MirrorSyncSucceeded``.

The runtime's container logs go to ``/aws/bedrock-agentcore/runtimes/<runtime id>-DEFAULT``, which AgentCore
would create on the first invocation; this construct creates it (a metric filter needs its log group to exist,
and this way it has a retention and is deleted with the stack).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_bedrockagentcore as agentcore
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from confee_infra.config import InfraConfig
from confee_infra.mirror import EventMirror
from confee_infra.observability.alarms import (
    FIVE_MINUTES,
    METRIC_NAMESPACE,
    AgentSignals,
    DashboardSection,
    graph,
    line,
    make_alarm,
    notify,
)
from confee_infra.python_function import LOG_RETENTION

#: The log line every failed connpass request writes once (``agent/sources/connpass.py``), in the runtime and the
#: Sync Lambda alike: JSON with ``"event": "connpass request failed"`` and a ``connpass_error`` kind.
CONNPASS_FAILED_EVENT = "connpass request failed"
#: The Sync Lambda's one line per run (``agent/mirror/lambda_handler.py``): ``{"message": "mirror sync", "ok": …}``.
MIRROR_SYNC_MESSAGE = "mirror sync"
CONNPASS_FAILURES_METRIC = "ConnpassRequestFailures"
MIRROR_SYNC_OK_METRIC = "MirrorSyncSucceeded"

#: Failed agent invocations (AgentCore system + user errors) in five minutes: each one is a user's question that
#: got agent_unavailable; three are not a blip.
RUNTIME_ERRORS_THRESHOLD = 3
#: p95 of the runtime's end-to-end latency. The Chat API gives up at 25 s (agent_timeout): at 20 s the agent is
#: slow enough that answers are about to be cut off.
RUNTIME_LATENCY_P95_MS = 20_000
#: Bedrock refusals for the configured model in five minutes, in two of three periods: a sustained quota limit
#: (single throttles are retried by botocore and Strands).
BEDROCK_THROTTLES_THRESHOLD = 5
#: Failed connpass requests (after the client's own retries) per fifteen minutes, runtime and Sync Lambda together.
CONNPASS_FAILURES_THRESHOLD = 3
CONNPASS_PERIOD = cdk.Duration.minutes(15)


class AgentMonitoring(Construct):
    """Metric filters and alarms of the agent stack, all notifying the alarm topic.

    Attributes:
        runtime_logs: The runtime's application log group (container stdout/stderr), created here.
        runtime_errors_alarm: Agent invocations failing (system + user errors).
        runtime_latency_alarm: Agent answers getting slow (p95).
        bedrock_throttles_alarm: Bedrock throttling the configured model.
        connpass_failures_alarm: connpass requests failing (runtime's live fallback and the Sync Lambda).
        mirror_freshness_alarm: No successful mirror sync in two schedule intervals.
        alarms: Every alarm of the agent stack, the mirror's two included.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        config: InfraConfig,
        runtime: agentcore.Runtime,
        mirror: EventMirror,
        topic: sns.ITopic,
    ) -> None:
        """Create the runtime's log group, the metric filters and the alarms; wire the mirror's alarms to the topic.

        Args:
            scope: Parent construct (the AgentCore stack).
            construct_id: Construct id.
            config: Validated configuration (model id, mirror interval).
            runtime: The AgentCore runtime.
            mirror: The event mirror (Sync Lambda, its log group, its two alarms).
            topic: The alarm topic.
        """
        super().__init__(scope, construct_id)
        self._config = config
        self._runtime = runtime
        self._mirror = mirror
        self._topic = topic
        self._interval = cdk.Duration.minutes(config.mirror_sync_minutes)
        self.runtime_logs = logs.LogGroup(
            self,
            "RuntimeLogs",
            log_group_name=runtime.application_log_group.log_group_name,
            retention=LOG_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self._metric_filters()
        self.runtime_errors_alarm = make_alarm(
            self,
            "RuntimeErrors",
            name="agent-errors",
            topic=topic,
            description=(
                f"Confee: {RUNTIME_ERRORS_THRESHOLD}+ AgentCore invocations failed in 5 minutes (SystemErrors + "
                "UserErrors): users get agent_unavailable. Look at the runtime's log group "
                "(/aws/bedrock-agentcore/runtimes/confee_agent-*-DEFAULT) for tracebacks, then the Chat Lambda log "
                "for the AgentCore error code (AccessDenied/ResourceNotFound: IAM or runtime ARN; RuntimeClientError: "
                "the container failed)."
            ),
            metric=self.runtime_errors(),
            threshold=RUNTIME_ERRORS_THRESHOLD,
        )
        self.runtime_latency_alarm = make_alarm(
            self,
            "RuntimeLatency",
            name="agent-latency-p95",
            topic=topic,
            description=(
                f"Confee: p95 of AgentCore invocation latency >= {RUNTIME_LATENCY_P95_MS // 1000} s in 2 of 3 "
                "five-minute periods; the Chat API cuts answers off at 25 s (agent_timeout). Look at Bedrock latency "
                "and throttles on the dashboard, then the slow traces in CloudWatch GenAI Observability."
            ),
            metric=runtime.metric_latency(statistic="p95", period=FIVE_MINUTES),
            threshold=RUNTIME_LATENCY_P95_MS,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        self.bedrock_throttles_alarm = make_alarm(
            self,
            "BedrockThrottles",
            name="bedrock-throttles",
            topic=topic,
            description=(
                f"Confee: Bedrock throttled {config.model_id} {BEDROCK_THROTTLES_THRESHOLD}+ times in 5 minutes, in "
                "2 of 3 periods: answers slow down or fail with throttled. Check the model's on-demand quotas "
                "(Service Quotas > Amazon Bedrock) and the request rate on the dashboard."
            ),
            metric=self.bedrock("InvocationThrottles"),
            threshold=BEDROCK_THROTTLES_THRESHOLD,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        self.connpass_failures_alarm = make_alarm(
            self,
            "ConnpassFailures",
            name="connpass-failures",
            topic=topic,
            description=(
                f"Confee: {CONNPASS_FAILURES_THRESHOLD}+ connpass requests failed in 15 minutes (runtime and Sync "
                "Lambda). Logs Insights on both log groups: filter event = 'connpass request failed' | stats count() "
                "by connpass_error. auth: check the key in secret confee/connpass-api-key; rate_limited: too many "
                "live searches; timeout/unavailable: connpass itself."
            ),
            metric=self.connpass_failures(),
            threshold=CONNPASS_FAILURES_THRESHOLD,
        )
        self.mirror_freshness_alarm = make_alarm(
            self,
            "MirrorFreshness",
            name="mirror-stale",
            topic=topic,
            description=(
                f"Confee: no successful mirror sync for two intervals ({2 * config.mirror_sync_minutes} minutes): "
                "the snapshot is getting old and after 6 h the agent falls back to live connpass. Look at the Sync "
                "Lambda's 'mirror sync' lines (error field), its Errors and the dead-letter queue; a missing key "
                "fails every sync."
            ),
            metric=self.mirror_syncs(),
            threshold=1,
            comparison=cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
            evaluation_periods=2,
            datapoints_to_alarm=2,
            # No line at all (the schedule stopped, the function timed out before printing) is the failure itself.
            missing=cloudwatch.TreatMissingData.BREACHING,
        )
        notify(mirror.sync_errors_alarm, topic)
        notify(mirror.dead_letter_alarm, topic)
        self.alarms: tuple[cloudwatch.Alarm, ...] = (
            self.runtime_errors_alarm,
            self.runtime_latency_alarm,
            self.bedrock_throttles_alarm,
            self.connpass_failures_alarm,
            self.mirror_freshness_alarm,
            mirror.sync_errors_alarm,
            mirror.dead_letter_alarm,
        )

    # --- metrics --------------------------------------------------------------------------------------------------

    def runtime_errors(self) -> cloudwatch.MathExpression:
        """AgentCore system + user errors per five minutes (a missing series counts as 0)."""
        return cloudwatch.MathExpression(
            expression="FILL(system, 0) + FILL(user, 0)",
            using_metrics={
                "system": self._runtime.metric_system_errors(period=FIVE_MINUTES),
                "user": self._runtime.metric_user_errors(period=FIVE_MINUTES),
            },
            label="Invocation errors (system + user)",
            period=FIVE_MINUTES,
        )

    def bedrock(self, metric_name: str, statistic: str = cloudwatch.Stats.SUM) -> cloudwatch.Metric:
        """An ``AWS/Bedrock`` metric of the configured model id (inference profile or foundation model)."""
        return cloudwatch.Metric(
            namespace="AWS/Bedrock",
            metric_name=metric_name,
            dimensions_map={"ModelId": self._config.model_id},
            statistic=statistic,
            period=FIVE_MINUTES,
        )

    def connpass_failures(self) -> cloudwatch.Metric:
        """Failed connpass requests per fifteen minutes (runtime and Sync Lambda)."""
        return cloudwatch.Metric(
            namespace=METRIC_NAMESPACE,
            metric_name=CONNPASS_FAILURES_METRIC,
            statistic=cloudwatch.Stats.SUM,
            period=CONNPASS_PERIOD,
        )

    def mirror_syncs(self) -> cloudwatch.Metric:
        """Successful mirror syncs per schedule interval."""
        return cloudwatch.Metric(
            namespace=METRIC_NAMESPACE,
            metric_name=MIRROR_SYNC_OK_METRIC,
            statistic=cloudwatch.Stats.SUM,
            period=self._interval,
        )

    def signals(self) -> AgentSignals:
        """The topic, the alarms and the dashboard rows, for the API stack's dashboard and alarms."""
        return AgentSignals(topic=self._topic, alarms=self.alarms, sections=self._sections())

    # --- internals ------------------------------------------------------------------------------------------------

    def _metric_filters(self) -> None:
        connpass_failed = logs.FilterPattern.string_value("$.event", "=", CONNPASS_FAILED_EVENT)
        for construct_id, log_group in (
            ("RuntimeConnpassFailures", self.runtime_logs),
            ("SyncConnpassFailures", self._mirror.sync.log_group),
        ):
            logs.MetricFilter(
                self,
                construct_id,
                log_group=log_group,
                filter_pattern=connpass_failed,
                metric_namespace=METRIC_NAMESPACE,
                metric_name=CONNPASS_FAILURES_METRIC,
                metric_value="1",
                unit=cloudwatch.Unit.COUNT,
            )
        logs.MetricFilter(
            self,
            "MirrorSyncSucceeded",
            log_group=self._mirror.sync.log_group,
            filter_pattern=logs.FilterPattern.all(
                logs.FilterPattern.string_value("$.message", "=", MIRROR_SYNC_MESSAGE),
                logs.FilterPattern.boolean_value("$.ok", True),
            ),
            metric_namespace=METRIC_NAMESPACE,
            metric_name=MIRROR_SYNC_OK_METRIC,
            metric_value="1",
            unit=cloudwatch.Unit.COUNT,
        )

    def _sections(self) -> tuple[DashboardSection, ...]:
        runtime, mirror, sync = self._runtime, self._mirror, self._mirror.sync.function
        p = FIVE_MINUTES
        runtime_row = (
            graph(
                "Invocations and errors",
                [
                    runtime.metric_invocations(period=p),
                    runtime.metric_system_errors(period=p),
                    runtime.metric_user_errors(period=p),
                    runtime.metric_throttles(period=p),
                ],
                annotations=[line(self.runtime_errors_alarm, "errors alarm")],
            ),
            graph(
                "Latency (ms)",
                [
                    runtime.metric_latency(statistic="p50", period=p),
                    runtime.metric_latency(statistic="p95", period=p),
                ],
                annotations=[line(self.runtime_latency_alarm, "p95 alarm")],
            ),
            graph("New sessions", [runtime.metric_session_count(period=p)]),
        )
        bedrock_row = (
            graph(
                f"{self._config.model_id}: invocations and throttles",
                [
                    self.bedrock("Invocations"),
                    self.bedrock("InvocationThrottles"),
                    self.bedrock("InvocationClientErrors"),
                    self.bedrock("InvocationServerErrors"),
                ],
                annotations=[line(self.bedrock_throttles_alarm, "throttles alarm")],
            ),
            graph(
                "Model latency (ms)",
                [self.bedrock("InvocationLatency", "p50"), self.bedrock("InvocationLatency", "p95")],
            ),
            graph("Tokens", [self.bedrock("InputTokenCount"), self.bedrock("OutputTokenCount")]),
        )
        mirror_row = (
            graph(
                "connpass failures (per 15 min)",
                [self.connpass_failures().with_(label="failed connpass requests")],
                annotations=[line(self.connpass_failures_alarm, "alarm")],
            ),
            graph(
                f"Mirror syncs (per {self._config.mirror_sync_minutes} min)",
                [
                    self.mirror_syncs().with_(label="successful syncs"),
                    sync.metric_errors(period=self._interval, statistic=cloudwatch.Stats.SUM),
                ],
            ),
            graph(
                "Sync duration (ms) and dead letters",
                [sync.metric_duration(period=self._interval, statistic=cloudwatch.Stats.MAXIMUM)],
                right=[
                    mirror.dead_letter_queue.metric_approximate_number_of_messages_visible(
                        period=p, statistic=cloudwatch.Stats.MAXIMUM
                    )
                ],
            ),
        )
        return (
            DashboardSection("AgentCore runtime", runtime_row),
            DashboardSection(f"Bedrock ({self._config.model_id})", bedrock_row),
            DashboardSection("connpass and the event mirror", mirror_row),
        )
