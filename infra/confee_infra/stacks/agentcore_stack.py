"""ConfeeAgentCoreStack: the agent container on Bedrock AgentCore Runtime, the connpass key secret, the event mirror,
the alarm topic and the agent side's alarms (runtime, Bedrock, connpass, mirror).

The secret lives here because only the agent reads it: the runtime (live fallback) and the mirror's Sync
Lambda, which runs the agent's own sync code. Nothing else is granted it.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_bedrockagentcore as agentcore
from aws_cdk import aws_ecr_assets as ecr_assets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from confee_infra import nag
from confee_infra.config import InfraConfig
from confee_infra.mirror import EventMirror
from confee_infra.observability import AgentMonitoring, AgentSignals, AlarmTopic

RUNTIME_NAME = "confee_agent"
RUNTIME_ARN_OUTPUT = "AgentRuntimeArn"
#: The CloudFormation export the API stack imports (a tracked reference: see ``runtime_arn_reference``).
RUNTIME_ARN_EXPORT = "ConfeeAgentRuntimeArn"
MIRROR_BUCKET_OUTPUT = "MirrorBucketName"
MIRROR_SYNC_OUTPUT = "MirrorSyncFunctionName"
ALARM_TOPIC_OUTPUT = "AlarmTopicArn"
SECRET_NAME = "confee/connpass-api-key"  # noqa: S105 - the secret's name, not its value
BEDROCK_INVOKE_ACTIONS = ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"]


class AgentCoreStack(cdk.Stack):
    """The AgentCore runtime (linux/arm64 image built from ``agent/``) with a least-privilege role.

    Attributes:
        runtime: The runtime; other stacks reach it through ``runtime_arn_reference()``.
        secret: The connpass API key secret, created empty and filled by the operator.
        mirror: The event mirror the runtime searches (snapshot bucket, scheduled Sync Lambda, alarms).
        alarm_topic: The SNS topic every Confee alarm notifies (both stacks').
        monitoring: The runtime's log group, the log metric filters and the agent side's alarms.
    """

    def __init__(self, scope: Construct, construct_id: str, *, config: InfraConfig, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self._config = config
        self.secret = self._connpass_secret()
        self.mirror = EventMirror(self, "EventMirror", config=config, secret=self.secret)
        self.runtime = agentcore.Runtime(
            self,
            "Runtime",
            runtime_name=RUNTIME_NAME,
            description="Confee: finds tech events in Japan on connpass",
            agent_runtime_artifact=agentcore.AgentRuntimeArtifact.from_asset(
                str(config.agent_dir),
                file=config.agent_dockerfile,
                platform=ecr_assets.Platform.LINUX_ARM64,
                exclude=["**/__pycache__", "**/*.pyc", ".pytest_cache", ".mypy_cache", "tests"],
            ),
            network_configuration=agentcore.RuntimeNetworkConfiguration.using_public_network(),
            lifecycle_configuration=agentcore.LifecycleConfiguration(
                idle_runtime_session_timeout=cdk.Duration.minutes(config.agent_idle_timeout_minutes),
                max_lifetime=cdk.Duration.hours(config.agent_max_lifetime_hours),
            ),
            environment_variables={
                "CONFEE_MODEL": "bedrock",
                "CONFEE_MODEL_ID": config.model_id,
                # The snapshot first; live connpass (the key) when it is missing or too old.
                "CONFEE_EVENTS": "mirror",
                "CONFEE_MIRROR_URI": self.mirror.uri,
                "CONNPASS_API_KEY_SECRET_ARN": self.secret.secret_arn,
                "CONFEE_SESSION_TTL_SECONDS": str(config.agent_idle_timeout_minutes * 60),
            },
        )
        self.secret.grant_read(self.runtime.role)
        self._restrict_secret_to(self.runtime.role, self.mirror.sync.role)
        self.runtime.add_to_role_policy(self.mirror.snapshot_read_statement())
        for statement in bedrock_invoke_statements(self, config):
            self.runtime.add_to_role_policy(statement)
        self._acknowledge_runtime_role()
        self.mirror.acknowledge_snapshot_reader(self.runtime.role)
        self.alarm_topic = AlarmTopic(self, "AlarmTopic", email=config.alarm_email)
        self.monitoring = AgentMonitoring(
            self,
            "Monitoring",
            config=config,
            runtime=self.runtime,
            mirror=self.mirror,
            topic=self.alarm_topic.topic,
        )

        output = cdk.CfnOutput(
            self, RUNTIME_ARN_OUTPUT, value=self.runtime.agent_runtime_arn, description="AgentCore runtime"
        )
        output.override_logical_id(RUNTIME_ARN_OUTPUT)
        cdk.CfnOutput(self, "ConnpassSecretName", value=SECRET_NAME, description="put the connpass API key here")
        mirror_outputs = {
            MIRROR_BUCKET_OUTPUT: (self.mirror.bucket.bucket_name, "event mirror snapshots"),
            MIRROR_SYNC_OUTPUT: (self.mirror.sync.function.function_name, "invoke once to sync right after deploying"),
            ALARM_TOPIC_OUTPUT: (self.alarm_topic.topic.topic_arn, "every Confee alarm notifies this SNS topic"),
        }
        for name, (value, description) in mirror_outputs.items():
            cdk.CfnOutput(self, name, value=value, description=description).override_logical_id(name)

    @property
    def signals(self) -> AgentSignals:
        """The alarm topic, the agent side's alarms and dashboard rows, for the API stack."""
        return self.monitoring.signals()

    def runtime_arn_reference(self) -> str:
        """The runtime ARN for another stack, as a reference CloudFormation tracks (Export + ``Fn::ImportValue``).

        An explicitly named export renders the same in every synth, so the consumer's IAM statement and its
        cdk-nag acknowledgement can name it.

        The app's default cross-stack reference is weak (``Fn::GetStackOutput``, cdk.json), right for values
        that may come and go (the WAF origin secret). Not here: ``cdk deploy`` skips a stack whose template did not
        change, so after a *replaced* runtime (a new ``AgentRuntimeName``) the Chat function would keep invoking
        the deleted one with nothing failing at deploy time. Strong, CloudFormation
        refuses to replace the runtime while the API imports its ARN: the deploy fails loudly and rolls back,
        the old runtime keeps answering, and docs/deployment.md gives the replacement procedure.
        """
        return self.export_value(self.runtime.agent_runtime_arn, name=RUNTIME_ARN_EXPORT)

    def _connpass_secret(self) -> secretsmanager.Secret:
        secret = secretsmanager.Secret(
            self,
            "ConnpassApiKey",
            secret_name=SECRET_NAME,
            description="connpass API v2 key for the Confee agent (raw key; filled in by the operator)",
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        # CDK would generate a random value: a random "key" looks configured yet is always refused by
        # connpass. Without one the secret is created empty and the agent reports a missing key.
        cfn = secret.node.default_child
        assert isinstance(cfn, secretsmanager.CfnSecret)
        cfn.add_property_deletion_override("GenerateSecretString")
        nag.acknowledge(
            secret,
            "SMG4",
            "The connpass API key is issued by connpass and cannot be rotated by a Lambda; the operator rotates "
            "it by hand with put-secret-value (docs/deployment.md).",
        )
        return secret

    def _restrict_secret_to(self, *roles: iam.IRole) -> None:
        """Deny reading the key to every principal but ``roles``, whatever their IAM policies say."""
        self.secret.add_to_resource_policy(
            iam.PolicyStatement(
                sid="OnlyTheAgentReadsTheKey",
                effect=iam.Effect.DENY,
                principals=[iam.AnyPrincipal()],
                actions=["secretsmanager:GetSecretValue"],
                resources=["*"],  # in a resource policy "*" means this secret only
                conditions={"StringNotEquals": {"aws:PrincipalArn": [role.role_arn for role in roles]}},
            )
        )

    def _acknowledge_runtime_role(self) -> None:
        role = self.runtime.role
        partition, account = nag.rendered_partition(self), nag.rendered_account(self)
        log_group = f"arn:{partition}:logs:{self.region}:{account}:log-group"
        nag.acknowledge(
            role,
            "IAM5",
            "AgentCore names the runtime's log groups and streams after the runtime id, which exists only "
            "after the role; the grant stays inside /aws/bedrock-agentcore/runtimes/ (added by the L2 Runtime).",
            findings=(
                f"Resource::{log_group}:/aws/bedrock-agentcore/runtimes/*",
                f"Resource::{log_group}:/aws/bedrock-agentcore/runtimes/*:log-stream:*",
            ),
        )
        nag.acknowledge(
            role,
            "IAM5",
            "logs:DescribeLogGroups is a list action that IAM only authorises on the account's log-group:* ARN.",
            findings=(f"Resource::{log_group}:*",),
        )
        nag.acknowledge(
            role,
            "IAM5",
            "X-Ray segment/telemetry/sampling actions and ecr:GetAuthorizationToken support no resource-level "
            "permissions; cloudwatch:PutMetricData is limited by the cloudwatch:namespace=bedrock-agentcore "
            "condition.",
            findings=("Resource::*",),
        )
        nag.acknowledge(
            role,
            "IAM5",
            "Workload access tokens are issued per workload identity that AgentCore creates for the runtime; "
            "the grant is limited to the account's default workload-identity directory.",
            findings=(
                f"Resource::arn:{partition}:bedrock-agentcore:{self.region}:{account}:"
                "workload-identity-directory/default/workload-identity/*",
            ),
        )
        if self._config.is_inference_profile:
            nag.acknowledge(
                role,
                "IAM5",
                "Cross-region inference routes a request to the foundation model in any destination region of the "
                "profile; the condition bedrock:InferenceProfileArn pins the grant to the configured profile.",
                findings=(f"Resource::arn:{partition}:bedrock:*::foundation-model/{self._config.foundation_model_id}",),
            )


def bedrock_invoke_statements(stack: cdk.Stack, config: InfraConfig) -> list[iam.PolicyStatement]:
    """Invoke rights for exactly the configured model.

    An inference profile needs invoke on the profile and on the foundation model in every region the
    profile may route to; the ``bedrock:InferenceProfileArn`` condition stops the region wildcard from
    granting direct use of the model anywhere. A plain foundation model id gets its home-region ARN only.
    """
    partition = stack.partition
    if not config.is_inference_profile:
        model_arn = f"arn:{partition}:bedrock:{stack.region}::foundation-model/{config.foundation_model_id}"
        return [iam.PolicyStatement(sid="InvokeModel", actions=BEDROCK_INVOKE_ACTIONS, resources=[model_arn])]
    profile_arn = f"arn:{partition}:bedrock:{stack.region}:{stack.account}:inference-profile/{config.model_id}"
    return [
        iam.PolicyStatement(sid="InvokeInferenceProfile", actions=BEDROCK_INVOKE_ACTIONS, resources=[profile_arn]),
        iam.PolicyStatement(
            sid="InvokeModelThroughProfile",
            actions=BEDROCK_INVOKE_ACTIONS,
            resources=[f"arn:{partition}:bedrock:*::foundation-model/{config.foundation_model_id}"],
            conditions={"StringEquals": {"bedrock:InferenceProfileArn": profile_arn}},
        ),
    ]
