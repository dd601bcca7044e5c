"""The API side's alarms and dashboard rows: the Chat API (REST, stage ``prod``) and the Chat Lambda.

``AWS/ApiGateway`` publishes ``Count``, ``4XXError``, ``5XXError``, ``Latency`` and ``IntegrationLatency`` per
``ApiName`` + ``Stage`` (``Count`` is the number of requests as SampleCount). REST APIs publish no throttle metric:
the stage's 429s (and the app's own 429 ``throttled``) are counted from the access log's ``status`` field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from constructs import Construct

from confee_infra.observability.alarms import (
    FIVE_MINUTES,
    METRIC_NAMESPACE,
    DashboardSection,
    graph,
    line,
    make_alarm,
)
from confee_infra.python_function import PythonFunction

THROTTLED_METRIC = "ApiThrottledRequests"

#: 5xx answers (agent_unavailable 503, agent_timeout 504, gateway faults) as a share of requests, alarmed only with
#: at least 10 requests in the five minutes: below that one failure is 10-100 % and the errors alarms speak instead.
SERVER_ERROR_RATE_PERCENT = 5
SERVER_ERROR_MIN_REQUESTS = 10
#: 4xx answers include expected ones (408 session_expired after 15 idle minutes, 400 for a too-long message, 429):
#: a quarter of 20+ requests, in 2 of 3 periods, means a broken client or someone probing the API.
CLIENT_ERROR_RATE_PERCENT = 25
CLIENT_ERROR_MIN_REQUESTS = 20
#: The agent's budget per answer (AGENT_TIMEOUT_SECONDS): a p95 at the budget means answers are being cut off.
API_LATENCY_P95_MS = 25_000
#: 429 answers in five minutes: the stage throttle (confee:throttleRateLimit) or an upstream throttle at work.
THROTTLED_THRESHOLD = 10
#: Any Chat Lambda error: the app answers every failure as HTTP, so a function error is a crash, an out-of-memory
#: or the 60 s timeout.
CHAT_ERRORS_THRESHOLD = 1
#: p95 of the Chat Lambda's duration near the 35 s integration timeout (API Gateway ends the response there).
CHAT_DURATION_P95_MS = 30_000


class ApiMonitoring(Construct):
    """A metric filter on the access log and the API's alarms, all notifying the alarm topic.

    Attributes:
        server_error_rate_alarm: 5xx share of requests.
        client_error_rate_alarm: 4xx share of requests.
        latency_alarm: API latency p95.
        throttled_alarm: 429 answers.
        chat_errors_alarm: Chat Lambda function errors.
        chat_duration_alarm: Chat Lambda duration p95.
        alarms: All of them.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        api: apigw.RestApi,
        access_logs: logs.ILogGroup,
        chat: PythonFunction,
        topic: sns.ITopic,
        firewall_metrics: Sequence[cloudwatch.IMetric] = (),
    ) -> None:
        """Create the throttle metric filter and the alarms.

        Args:
            scope: Parent construct (the API stack).
            construct_id: Construct id.
            api: The Chat API; its deployment stage is measured.
            access_logs: The stage's access log group (JSON lines with ``status``).
            chat: The Chat function.
            topic: The alarm topic.
            firewall_metrics: The WAF web ACL's blocked-request metrics, drawn next to the 429s when WAF is on.
        """
        super().__init__(scope, construct_id)
        self._stage = api.deployment_stage
        self._chat = chat.function
        self._firewall_metrics = tuple(firewall_metrics)
        logs.MetricFilter(
            self,
            "ThrottledRequests",
            log_group=access_logs,
            filter_pattern=logs.FilterPattern.string_value("$.status", "=", "429"),
            metric_namespace=METRIC_NAMESPACE,
            metric_name=THROTTLED_METRIC,
            metric_value="1",
            unit=cloudwatch.Unit.COUNT,
        )
        self.server_error_rate_alarm = make_alarm(
            self,
            "ServerErrorRate",
            name="api-5xx-rate",
            topic=topic,
            description=(
                f"Confee Chat API: {SERVER_ERROR_RATE_PERCENT}%+ of requests answered 5xx in 2 of 3 five-minute "
                f"periods (with {SERVER_ERROR_MIN_REQUESTS}+ requests). Access log: which status (503 "
                "agent_unavailable, 504 agent_timeout); then the agent errors/latency alarms and the Chat Lambda log."
            ),
            metric=self.error_rate("5xx", self._stage.metric_server_error, SERVER_ERROR_MIN_REQUESTS),
            threshold=SERVER_ERROR_RATE_PERCENT,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        self.client_error_rate_alarm = make_alarm(
            self,
            "ClientErrorRate",
            name="api-4xx-rate",
            topic=topic,
            description=(
                f"Confee Chat API: {CLIENT_ERROR_RATE_PERCENT}%+ of requests answered 4xx in 2 of 3 five-minute "
                f"periods (with {CLIENT_ERROR_MIN_REQUESTS}+ requests). Access log: group by status and "
                "resourcePath (400/415: a client sends bad requests, 429: throttled, 403: WAF, 408: idle sessions)."
            ),
            metric=self.error_rate("4xx", self._stage.metric_client_error, CLIENT_ERROR_MIN_REQUESTS),
            threshold=CLIENT_ERROR_RATE_PERCENT,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        self.latency_alarm = make_alarm(
            self,
            "Latency",
            name="api-latency-p95",
            topic=topic,
            description=(
                f"Confee Chat API: p95 latency >= {API_LATENCY_P95_MS // 1000} s (the agent's answer budget) in 2 "
                "of 3 five-minute periods: answers end in agent_timeout. Look at the agent latency and Bedrock latency "
                "rows of the dashboard to find the slow layer."
            ),
            metric=self._stage.metric_latency(statistic="p95", period=FIVE_MINUTES),
            threshold=API_LATENCY_P95_MS,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        self.throttled_alarm = make_alarm(
            self,
            "Throttled",
            name="api-throttled",
            topic=topic,
            description=(
                f"Confee Chat API: {THROTTLED_THRESHOLD}+ answers with status 429 in 5 minutes (stage throttle "
                "confee:throttleRateLimit/BurstLimit, or AgentCore/Bedrock throttling passed on). Access log: "
                "filter status = 429 | stats count() by ip; one IP: abuse (consider confee:waf), many: raise the limit."
            ),
            metric=self.throttled(),
            threshold=THROTTLED_THRESHOLD,
        )
        self.chat_errors_alarm = make_alarm(
            self,
            "ChatErrors",
            name="chat-lambda-errors",
            topic=topic,
            description=(
                "Confee Chat Lambda: a function error in 5 minutes (crash, out of memory or the 60 s timeout; the app "
                "answers its own failures as HTTP). Chat Lambda log group: the REPORT line and the traceback before it."
            ),
            metric=self._chat.metric_errors(period=FIVE_MINUTES, statistic=cloudwatch.Stats.SUM),
            threshold=CHAT_ERRORS_THRESHOLD,
        )
        self.chat_duration_alarm = make_alarm(
            self,
            "ChatDuration",
            name="chat-lambda-duration-p95",
            topic=topic,
            description=(
                f"Confee Chat Lambda: p95 duration >= {CHAT_DURATION_P95_MS // 1000} s in 2 of 3 five-minute "
                "periods, near the 35 s integration timeout where API Gateway ends the stream. Look at the agent "
                "latency alarm and at Init Duration in the REPORT lines (cold starts)."
            ),
            metric=self._chat.metric_duration(statistic="p95", period=FIVE_MINUTES),
            threshold=CHAT_DURATION_P95_MS,
            evaluation_periods=3,
            datapoints_to_alarm=2,
        )
        self.alarms: tuple[cloudwatch.Alarm, ...] = (
            self.server_error_rate_alarm,
            self.client_error_rate_alarm,
            self.latency_alarm,
            self.throttled_alarm,
            self.chat_errors_alarm,
            self.chat_duration_alarm,
        )

    def error_rate(
        self, label: str, errors: Callable[..., cloudwatch.Metric], min_requests: int
    ) -> cloudwatch.MathExpression:
        """``100 * errors / requests`` per five minutes, 0 below ``min_requests`` requests.

        Args:
            label: ``4xx`` or ``5xx``.
            errors: The stage's ``metric_client_error`` or ``metric_server_error`` method.
            min_requests: The minimum-traffic guard.
        """
        errors_id = f"errors{label}"  # one id per expression: both rates share a graph
        return cloudwatch.MathExpression(
            expression=f"IF(requests >= {min_requests}, 100 * FILL({errors_id}, 0) / requests, 0)",
            using_metrics={
                errors_id: errors(period=FIVE_MINUTES, statistic=cloudwatch.Stats.SUM),
                "requests": self.requests(),
            },
            label=f"{label} % of requests",
            period=FIVE_MINUTES,
        )

    def requests(self) -> cloudwatch.Metric:
        """Requests to the stage per five minutes (``Count`` as SampleCount)."""
        return self._stage.metric_count(period=FIVE_MINUTES, statistic=cloudwatch.Stats.SAMPLE_COUNT)

    def throttled(self) -> cloudwatch.Metric:
        """429 answers per five minutes, from the access log."""
        return cloudwatch.Metric(
            namespace=METRIC_NAMESPACE,
            metric_name=THROTTLED_METRIC,
            statistic=cloudwatch.Stats.SUM,
            period=FIVE_MINUTES,
        )

    def sections(self) -> tuple[DashboardSection, ...]:
        """The API and Lambda rows of the dashboard."""
        stage, chat, p = self._stage, self._chat, FIVE_MINUTES
        api_row = (
            graph(
                "Requests and errors",
                [
                    self.requests(),
                    stage.metric_client_error(period=p, statistic=cloudwatch.Stats.SUM),
                    stage.metric_server_error(period=p, statistic=cloudwatch.Stats.SUM),
                ],
                width=6,
            ),
            graph(
                "Error rates (%)",
                [
                    self.error_rate("4xx", stage.metric_client_error, CLIENT_ERROR_MIN_REQUESTS),
                    self.error_rate("5xx", stage.metric_server_error, SERVER_ERROR_MIN_REQUESTS),
                ],
                annotations=[
                    line(self.client_error_rate_alarm, "4xx alarm"),
                    line(self.server_error_rate_alarm, "5xx alarm"),
                ],
                width=6,
            ),
            graph(
                "Latency (ms)",
                [
                    stage.metric_latency(statistic="p50", period=p),
                    stage.metric_latency(statistic="p95", period=p),
                    stage.metric_integration_latency(statistic="p95", period=p),
                ],
                annotations=[line(self.latency_alarm, "p95 alarm")],
                width=6,
            ),
            graph(
                "429 answers" + (" and WAF blocks" if self._firewall_metrics else ""),
                [self.throttled().with_(label="429 answers"), *self._firewall_metrics],
                annotations=[line(self.throttled_alarm, "429 alarm")],
                width=6,
            ),
        )
        lambda_row = (
            graph(
                "Chat Lambda invocations and errors",
                [
                    chat.metric_invocations(period=p, statistic=cloudwatch.Stats.SUM),
                    chat.metric_errors(period=p, statistic=cloudwatch.Stats.SUM),
                    chat.metric_throttles(period=p, statistic=cloudwatch.Stats.SUM),
                ],
                annotations=[line(self.chat_errors_alarm, "errors alarm")],
            ),
            graph(
                "Chat Lambda duration (ms)",
                [
                    chat.metric_duration(statistic="p50", period=p),
                    chat.metric_duration(statistic="p95", period=p),
                    chat.metric_duration(statistic=cloudwatch.Stats.MAXIMUM, period=p),
                ],
                annotations=[line(self.chat_duration_alarm, "p95 alarm")],
            ),
            graph(
                "Chat Lambda concurrent executions",
                [chat.metric("ConcurrentExecutions", period=p, statistic=cloudwatch.Stats.MAXIMUM)],
            ),
        )
        return (DashboardSection("Chat API", api_row), DashboardSection("Chat Lambda", lambda_row))
