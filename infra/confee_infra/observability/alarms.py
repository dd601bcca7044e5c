"""What every Confee alarm shares: the metric namespace of the log-derived metrics, notification, naming."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_sns as sns
from constructs import Construct

#: Namespace of the metrics Confee derives from its own log lines (metric filters).
METRIC_NAMESPACE = "Confee"
#: Every alarm name starts with this, so ``aws cloudwatch describe-alarms --alarm-name-prefix confee-`` lists them.
ALARM_PREFIX = "confee-"
#: The default evaluation period of the request-driven alarms.
FIVE_MINUTES = cdk.Duration.minutes(5)


@dataclass(frozen=True)
class DashboardSection:
    """One titled row group of the operations dashboard."""

    title: str
    widgets: tuple[cloudwatch.IWidget, ...]


@dataclass(frozen=True)
class AgentSignals:
    """What the API stack needs from the agent stack to alarm and to draw one dashboard.

    Attributes:
        topic: The alarm topic every alarm notifies.
        alarms: The agent side's alarms (runtime, Bedrock, connpass, mirror), for the dashboard's status widget.
        sections: The agent side's dashboard rows.
    """

    topic: sns.ITopic
    alarms: tuple[cloudwatch.IAlarm, ...] = ()
    sections: tuple[DashboardSection, ...] = ()


def notify(alarm: cloudwatch.Alarm, topic: sns.ITopic) -> cloudwatch.Alarm:
    """Send ``alarm``'s ALARM and OK transitions to ``topic`` (OK tells the operator it recovered by itself)."""
    action = actions.SnsAction(topic)
    alarm.add_alarm_action(action)
    alarm.add_ok_action(action)
    return alarm


def make_alarm(
    scope: Construct,
    construct_id: str,
    *,
    name: str,
    topic: sns.ITopic,
    description: str,
    metric: cloudwatch.IMetric,
    threshold: float,
    comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluation_periods: int = 1,
    datapoints_to_alarm: int | None = None,
    missing: cloudwatch.TreatMissingData = cloudwatch.TreatMissingData.NOT_BREACHING,
) -> cloudwatch.Alarm:
    """A named alarm that notifies ``topic``.

    Args:
        scope: Parent construct.
        construct_id: Construct id.
        name: Alarm name without the ``confee-`` prefix (it appears in the notification's subject).
        topic: The alarm topic.
        description: What the alarm means and the first thing to look at (shown in the notification).
        metric: Metric or metric-math expression, with its period and statistic.
        threshold: Threshold compared with ``comparison``.
        comparison: How the datapoint is compared with the threshold.
        evaluation_periods: N of "M out of N".
        datapoints_to_alarm: M of "M out of N" (default: N).
        missing: How a period without data counts (quiet periods are normal for most of these metrics).
    """
    alarm = cloudwatch.Alarm(
        scope,
        construct_id,
        alarm_name=f"{ALARM_PREFIX}{name}",
        alarm_description=description,
        metric=metric,
        threshold=threshold,
        comparison_operator=comparison,
        evaluation_periods=evaluation_periods,
        datapoints_to_alarm=datapoints_to_alarm,
        treat_missing_data=missing,
    )
    return notify(alarm, topic)


def graph(
    title: str,
    left: Sequence[cloudwatch.IMetric],
    *,
    right: Sequence[cloudwatch.IMetric] = (),
    width: int = 8,
    left_label: str | None = None,
    right_label: str | None = None,
    annotations: Sequence[cloudwatch.HorizontalAnnotation] = (),
) -> cloudwatch.GraphWidget:
    """A dashboard graph, eight columns wide (three to a row)."""
    return cloudwatch.GraphWidget(
        title=title,
        left=list(left),
        right=list(right) or None,
        width=width,
        height=6,
        left_y_axis=cloudwatch.YAxisProps(label=left_label, min=0) if left_label else cloudwatch.YAxisProps(min=0),
        right_y_axis=cloudwatch.YAxisProps(label=right_label, min=0) if right_label else None,
        left_annotations=list(annotations) or None,
    )


def line(alarm: cloudwatch.Alarm, label: str) -> cloudwatch.HorizontalAnnotation:
    """The alarm's threshold drawn on a graph."""
    return cloudwatch.HorizontalAnnotation(value=_threshold(alarm), label=label, color=cloudwatch.Color.RED)


def _threshold(alarm: cloudwatch.Alarm) -> float:
    cfn = alarm.node.default_child
    assert isinstance(cfn, cloudwatch.CfnAlarm)
    assert cfn.threshold is not None
    return float(cfn.threshold)
