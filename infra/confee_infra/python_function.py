"""A Python Lambda function with its own role, log group and nothing else.

Each function gets a dedicated role whose only built-in rights are writing to its own log group and sending its
X-Ray trace segments: the managed ``AWSLambdaBasicExecutionRole`` would let it create and write any log group in the
account. Active tracing is on for every function, so an API request or a scheduled sync shows up as one trace.
Used for the Chat function (``ConfeeApiStack``) and the mirror's Sync Lambda (``ConfeeAgentCoreStack``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from confee_infra import nag

#: Newest Python Lambda runtime in aws-cdk-lib 2.275 (cdk-nag L1 wants the latest of the family).
RUNTIME = lambda_.Runtime.PYTHON_3_14
#: Graviton: cheaper per GB-second, and the handlers are pure Python.
ARCHITECTURE = lambda_.Architecture.ARM_64
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


class PythonFunction(Construct):
    """A Python handler (``package.module.handler``, or a start script run by a layer's wrapper) as a Lambda function.

    Attributes:
        function: The Lambda function.
        role: Its execution role (own log group and X-Ray only; callers add what the handler needs).
        log_group: Where the function logs, retained for a month.
    """

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        code: lambda_.Code,
        handler: str,
        description: str,
        timeout: cdk.Duration,
        memory_size: int = 256,
        environment: Mapping[str, str] | None = None,
        reserved_concurrent_executions: int | None = None,
        layers: Sequence[lambda_.ILayerVersion] = (),
    ) -> None:
        """Create the log group, the role and the function.

        Args:
            scope: Parent construct.
            construct_id: Construct id.
            code: The bundled code (see ``bundling.package_code``).
            handler: Dotted path of the handler inside the bundle (or a script path for an exec wrapper).
            description: Function description; the role's description names it too.
            timeout: Function timeout.
            memory_size: Memory in MB.
            environment: Environment variables.
            reserved_concurrent_executions: Cap on concurrent executions (``None``: the account's pool).
            layers: Lambda layers (the Chat function's Web Adapter).
        """
        super().__init__(scope, construct_id)
        self.log_group = logs.LogGroup(self, "Logs", retention=LOG_RETENTION, removal_policy=cdk.RemovalPolicy.DESTROY)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
            description=f"Execution role of {description}",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteOwnLogs",
                actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[self.log_group.log_group_arn],
            )
        )
        self.function = lambda_.Function(
            self,
            "Function",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            code=code,
            handler=handler,
            description=description,
            timeout=timeout,
            memory_size=memory_size,
            role=self.role,
            log_group=self.log_group,
            environment=dict(environment or {}),
            reserved_concurrent_executions=reserved_concurrent_executions,
            layers=list(layers) or None,
            # Lambda samples and records the invocation (and continues API Gateway's trace); CDK adds the role's
            # xray:PutTraceSegments / PutTelemetryRecords grant.
            tracing=lambda_.Tracing.ACTIVE,
        )
        # The role's policy must exist before the function can log its first invocation.
        self.function.node.add_dependency(self.role)
        nag.acknowledge(
            self.role,
            "IAM5",
            "Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level "
            "permissions, so IAM only accepts them on '*' (the statement lambda.Tracing.ACTIVE adds).",
            findings=("Resource::*",),
        )
