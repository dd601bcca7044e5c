"""The one operations dashboard: every alarm's state on top, then a titled row per part of the path.

A question travels API → Chat Lambda → AgentCore runtime → Bedrock (and connpass or the mirror); the rows follow
that order, so the first row that looks wrong is usually the layer at fault (docs/operations.md).
"""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from confee_infra.observability.alarms import DashboardSection

DASHBOARD_NAME = "confee"
#: Rows of the alarm status widget: four alarms per row at 24 columns.
_ALARM_STATUS_HEIGHT = 6


class OperationsDashboard(Construct):
    """A CloudWatch dashboard named ``confee``.

    Attributes:
        dashboard: The dashboard.
        url: Its console URL (a stack output).
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        alarms: Sequence[cloudwatch.IAlarm],
        sections: Sequence[DashboardSection],
    ) -> None:
        """Lay out the alarm states and the sections, in order.

        Args:
            scope: Parent construct (the API stack, which can see both stacks' metrics).
            construct_id: Construct id.
            alarms: Every alarm, shown as one status grid.
            sections: The rows: Chat API, Chat Lambda, runtime, Bedrock, connpass and the mirror.
        """
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self,
            "Dashboard",
            dashboard_name=DASHBOARD_NAME,
            default_interval=cdk.Duration.hours(3),
            period_override=cloudwatch.PeriodOverride.INHERIT,
        )
        self.dashboard.add_widgets(
            cloudwatch.TextWidget(
                markdown=(
                    "# Confee\nA question travels Chat API → Chat Lambda → AgentCore runtime → Bedrock (and "
                    "connpass or the mirror). Red lines are alarm thresholds; what each alarm means and what to "
                    "check first: docs/operations.md, アラームとダッシュボード."
                ),
                width=24,
                height=2,
            )
        )
        self.dashboard.add_widgets(
            cloudwatch.AlarmStatusWidget(title="Alarms", alarms=list(alarms), width=24, height=_ALARM_STATUS_HEIGHT)
        )
        for section in sections:
            self.dashboard.add_widgets(cloudwatch.TextWidget(markdown=f"## {section.title}", width=24, height=1))
            self.dashboard.add_widgets(*section.widgets)
        region = cdk.Stack.of(self).region
        self.url = (
            f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}"
            f"#dashboards/dashboard/{DASHBOARD_NAME}"
        )
