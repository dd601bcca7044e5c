"""Alarms, their SNS topic and the operations dashboard (docs/operations.md, アラームとダッシュボード).

The topic and the agent-side alarms live in ``ConfeeAgentCoreStack`` (deployed first, next to the runtime, the
mirror and their log groups); the API-side alarms and the one dashboard live in ``ConfeeApiStack``, which reads
the agent side through ``AgentSignals``.
"""

from confee_infra.observability.agent import AgentMonitoring
from confee_infra.observability.alarms import METRIC_NAMESPACE, AgentSignals, DashboardSection
from confee_infra.observability.api import ApiMonitoring
from confee_infra.observability.dashboard import DASHBOARD_NAME, OperationsDashboard
from confee_infra.observability.topic import AlarmTopic

__all__ = [
    "DASHBOARD_NAME",
    "METRIC_NAMESPACE",
    "AgentMonitoring",
    "AgentSignals",
    "AlarmTopic",
    "ApiMonitoring",
    "DashboardSection",
    "OperationsDashboard",
]
