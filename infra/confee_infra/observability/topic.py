"""The alarm topic: every Confee alarm notifies it; an optional e-mail address (``confee:alarmEmail``) subscribes.

Encrypted with its own customer managed KMS key: CloudWatch can only publish to an encrypted topic when the key
policy lets ``cloudwatch.amazonaws.com`` use the key, and the AWS managed ``alias/aws/sns`` key's policy cannot be
changed (docs/deployment.md, 確認した事実). The topic policy refuses plain HTTP and lets CloudWatch publish only
for alarms of this account and region.
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

CLOUDWATCH = "cloudwatch.amazonaws.com"


class AlarmTopic(Construct):
    """SNS topic for alarms, KMS-encrypted, SSL-only, with an optional e-mail subscription.

    Attributes:
        key: The topic's KMS key (rotated yearly), usable by CloudWatch alarms.
        topic: The topic alarms notify.
    """

    def __init__(self, scope: Construct, construct_id: str, *, email: str | None) -> None:
        """Create the key, the topic and, when ``email`` is given, its e-mail subscription.

        Args:
            scope: Parent construct (the AgentCore stack, deployed first).
            construct_id: Construct id.
            email: Address to subscribe; AWS sends it a confirmation mail that must be accepted.
        """
        super().__init__(scope, construct_id)
        stack = cdk.Stack.of(self)
        cloudwatch = iam.ServicePrincipal(CLOUDWATCH)
        self.key = kms.Key(
            self,
            "Key",
            description="Confee alarm topic encryption (SNS); CloudWatch alarms may use it",
            enable_key_rotation=True,
            removal_policy=cdk.RemovalPolicy.DESTROY,
            pending_window=cdk.Duration.days(7),
        )
        # In a key policy "*" is this key. No source conditions: the key encrypts this topic only.
        self.key.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsEncryptForTheTopic",
                principals=[cloudwatch],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"],
                resources=["*"],
            )
        )
        self.topic = sns.Topic(self, "Topic", display_name="Confee alarms", master_key=self.key, enforce_ssl=True)
        alarms_here = stack.format_arn(
            service="cloudwatch",
            resource="alarm",
            resource_name="*",
            arn_format=cdk.ArnFormat.COLON_RESOURCE_NAME,
        )
        self.topic.add_to_resource_policy(
            iam.PolicyStatement(
                sid="CloudWatchAlarmsPublish",
                principals=[cloudwatch],
                actions=["sns:Publish"],
                resources=[self.topic.topic_arn],
                conditions={
                    "StringEquals": {"aws:SourceAccount": stack.account},
                    "ArnLike": {"aws:SourceArn": alarms_here},
                },
            )
        )
        if email:
            self.topic.add_subscription(subscriptions.EmailSubscription(email))
