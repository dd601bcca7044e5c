"""The event mirror: a private bucket of connpass snapshots, refreshed by a scheduled Sync Lambda.

Every session of the AgentCore runtime searches the newest snapshot in memory instead of calling
connpass (DESIGN.md, contract 3): one sync reads every upcoming event at 1 request/second, which is
the key's whole budget, so exactly one sync may run at a time (reserved concurrency 1).

Layout under ``s3://<bucket>/mirror/`` (written by ``python -m agent sync``, ``agent/mirror/``):
``snapshots/<id>.json.gz`` (immutable, pruned by the sync), ``manifest.json`` (the current snapshot)
and ``checkpoint.json.gz`` (a resumable run in progress). The runtime may read only the first two.

Failure handling: EventBridge Scheduler invokes the Lambda asynchronously. Delivery failures (the
invoke itself refused) are retried by the scheduler; a sync that raises is retried once by Lambda.
Either kind, once given up, lands in one dead-letter queue, whose messages carry the request and,
for Lambda failures, the error. Two alarms: the queue is not empty, and the sync failed in two
consecutive schedule intervals (the snapshot is then at least two intervals old). The agent stack wires both to
the alarm topic, next to the freshness alarm on the sync's own log lines (``observability/agent.py``).
"""

from __future__ import annotations

import aws_cdk as cdk
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda_destinations as destinations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_scheduler as scheduler
from aws_cdk import aws_scheduler_targets as targets
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from confee_infra import nag
from confee_infra.buckets import private_bucket
from confee_infra.bundling import package_code
from confee_infra.config import AGENT_CONSTRAINTS, SYNC_REQUIREMENTS, InfraConfig
from confee_infra.python_function import ARCHITECTURE, RUNTIME, PythonFunction

#: Key prefix of everything the sync writes; the runtime's env and grants name it.
MIRROR_PREFIX = "mirror"
MANIFEST_KEY = f"{MIRROR_PREFIX}/manifest.json"
SNAPSHOTS_PREFIX = f"{MIRROR_PREFIX}/snapshots/"
SYNC_HANDLER = "agent.mirror.lambda_handler.handler"
#: How far ahead the sync reads (``CONFEE_SYNC_MONTHS``); the agent searches up to six months out.
SYNC_MONTHS = 6
#: A six-month sync is ~100-300 requests at 1 req/s plus S3 writes; Lambda's maximum leaves room for a slow connpass.
SYNC_TIMEOUT = cdk.Duration.minutes(15)
SYNC_MEMORY_MB = 512
#: The sync prunes old snapshots itself; this only catches what a failing sync leaves behind.
SNAPSHOT_EXPIRATION = cdk.Duration.days(7)
DLQ_RETENTION = cdk.Duration.days(14)
#: Scheduler retries of a refused invoke (throttled or failed Invoke API call), not of a failed sync.
SCHEDULE_RETRY_ATTEMPTS = 2
#: Lambda retries of a sync that raised: one quick retry for a blip, then the next scheduled run resumes.
SYNC_RETRY_ATTEMPTS = 1
#: Lambda keeps an asynchronous event for at most six hours.
MAX_ASYNC_EVENT_AGE_MINUTES = 6 * 60
#: Files of ``agent/`` that only the container image uses.
IMAGE_ONLY_FILES = ("Dockerfile", ".dockerignore")


class EventMirror(Construct):
    """Snapshot bucket, Sync Lambda, its schedule, dead-letter queue and alarms.

    Attributes:
        bucket: The private snapshot bucket.
        uri: ``s3://<bucket>/mirror``, what ``CONFEE_MIRROR_URI`` holds for the sync and the runtime.
        sync: The Sync Lambda (function, role, log group).
        schedule: The EventBridge Scheduler schedule invoking ``sync``.
        schedule_role: The role the schedule assumes: invoke ``sync``, send to the dead-letter queue.
        dead_letter_queue: Invocations given up on, by the scheduler or by Lambda.
        sync_errors_alarm: The sync failed in two consecutive schedule intervals.
        dead_letter_alarm: The dead-letter queue holds a message.
    """

    def __init__(
        self, scope: Construct, construct_id: str, *, config: InfraConfig, secret: secretsmanager.ISecret
    ) -> None:
        """Create the mirror.

        Args:
            scope: Parent construct (the AgentCore stack).
            construct_id: Construct id.
            config: Validated configuration (agent folder, sync interval).
            secret: The connpass API key; the sync role may read it (the secret's own policy must allow it too).
        """
        super().__init__(scope, construct_id)
        interval = cdk.Duration.minutes(config.mirror_sync_minutes)
        # An event older than one interval is superseded by the next scheduled run.
        event_age = cdk.Duration.minutes(min(config.mirror_sync_minutes, MAX_ASYNC_EVENT_AGE_MINUTES))
        self.bucket = self._bucket()
        self.uri = f"s3://{self.bucket.bucket_name}/{MIRROR_PREFIX}"
        self.dead_letter_queue = sqs.Queue(
            self,
            "DeadLetterQueue",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=DLQ_RETENTION,
            removal_policy=cdk.RemovalPolicy.DESTROY,
        )
        self.sync = self._sync_function(config, secret)
        self.sync.function.configure_async_invoke(
            on_failure=destinations.SqsDestination(self.dead_letter_queue),
            retry_attempts=SYNC_RETRY_ATTEMPTS,
            max_event_age=event_age,
        )
        self.schedule_role = self._schedule_role()
        self.schedule = scheduler.Schedule(
            self,
            "SyncSchedule",
            description=f"Confee: refresh the connpass event mirror every {config.mirror_sync_minutes} minutes",
            schedule=scheduler.ScheduleExpression.rate(interval),
            target=targets.LambdaInvoke(
                self.sync.function,
                dead_letter_queue=self.dead_letter_queue,
                retry_attempts=SCHEDULE_RETRY_ATTEMPTS,
                max_event_age=event_age,
                # LambdaInvoke would also grant invoke on every qualifier (ARN:*): the role takes no further grants.
                role=self.schedule_role.without_policy_updates(),
            ),
        )
        # The scheduler checks the role when it invokes: its policy must be in place before the schedule exists.
        self.schedule.node.add_dependency(self.schedule_role)
        self.sync_errors_alarm = cloudwatch.Alarm(
            self,
            "SyncErrorsAlarm",
            alarm_name="confee-mirror-sync-errors",
            alarm_description=(
                "Confee mirror sync failed in two consecutive schedule intervals: the snapshot is getting stale "
                "and the agent falls back to live connpass. See the Sync Lambda's logs and the dead-letter queue."
            ),
            metric=self.sync.function.metric_errors(period=interval, statistic=cloudwatch.Stats.SUM),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=2,
            datapoints_to_alarm=2,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self.dead_letter_alarm = cloudwatch.Alarm(
            self,
            "DeadLetterAlarm",
            alarm_name="confee-mirror-dead-letters",
            alarm_description=(
                "Confee mirror: a sync invocation was given up on (scheduler could not invoke, or the sync failed "
                "after its retry). Read the message for the error, then purge the queue."
            ),
            metric=self.dead_letter_queue.metric_approximate_number_of_messages_visible(
                period=cdk.Duration.minutes(5), statistic=cloudwatch.Stats.MAXIMUM
            ),
            threshold=0,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        self._acknowledge()

    def snapshot_read_statement(self) -> iam.PolicyStatement:
        """``s3:GetObject`` on the manifest and the snapshots only: what a reader of the mirror needs."""
        return iam.PolicyStatement(
            sid="ReadEventMirror",
            actions=["s3:GetObject"],
            resources=[self.bucket.arn_for_objects(MANIFEST_KEY), self.bucket.arn_for_objects(f"{SNAPSHOTS_PREFIX}*")],
        )

    def acknowledge_snapshot_reader(self, role: iam.IRole) -> None:
        """Record why a role holding ``snapshot_read_statement()`` may read ``snapshots/*``."""
        nag.acknowledge(
            role,
            "IAM5",
            "Snapshot keys carry the sync's snapshot id, known only when a sync writes them; the reader may get "
            "objects under mirror/snapshots/ of the mirror bucket (plus mirror/manifest.json) and nothing else.",
            findings=(f"Resource::<{self._bucket_logical_id()}.Arn>/{SNAPSHOTS_PREFIX}*",),
        )

    def _bucket(self) -> s3.Bucket:
        return private_bucket(
            self,
            "Bucket",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireOldSnapshots",
                    prefix=SNAPSHOTS_PREFIX,
                    expiration=SNAPSHOT_EXPIRATION,
                ),
                s3.LifecycleRule(
                    id="AbortIncompleteUploads",
                    prefix=f"{MIRROR_PREFIX}/",
                    abort_incomplete_multipart_upload_after=cdk.Duration.days(1),
                ),
            ],
        )

    def _sync_function(self, config: InfraConfig, secret: secretsmanager.ISecret) -> PythonFunction:
        """The ``agent`` package with httpx and boto3 only (``requirements-sync.txt``), never the model stack."""
        constraints = AGENT_CONSTRAINTS if (config.agent_dir / AGENT_CONSTRAINTS).is_file() else None
        code = package_code(
            config.agent_dir,
            package_name="agent",
            runtime=RUNTIME,
            architecture=ARCHITECTURE,
            requirements_file=SYNC_REQUIREMENTS,
            constraints_file=constraints,
            exclude=IMAGE_ONLY_FILES,
        )
        sync = PythonFunction(
            self,
            "Sync",
            code=code,
            handler=SYNC_HANDLER,
            description="Confee mirror sync: copies upcoming connpass events into the snapshot bucket",
            timeout=SYNC_TIMEOUT,
            memory_size=SYNC_MEMORY_MB,
            # Two syncs at once would share the key's 1 request/second and both be refused.
            reserved_concurrent_executions=1,
            environment={
                "CONFEE_MIRROR_URI": self.uri,
                "CONNPASS_API_KEY_SECRET_ARN": secret.secret_arn,
                "CONFEE_SYNC_MONTHS": str(SYNC_MONTHS),
                "CONFEE_LOG_LEVEL": "INFO",
            },
        )
        sync.role.add_to_policy(
            iam.PolicyStatement(
                sid="WriteEventMirror",
                actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                resources=[self.bucket.arn_for_objects(f"{MIRROR_PREFIX}/*")],
            )
        )
        sync.role.add_to_policy(
            iam.PolicyStatement(
                sid="ListEventMirror",
                actions=["s3:ListBucket"],
                resources=[self.bucket.bucket_arn],
                conditions={"StringLike": {"s3:prefix": [f"{MIRROR_PREFIX}/*"]}},
            )
        )
        sync.role.add_to_policy(
            iam.PolicyStatement(
                sid="ReadConnpassKey", actions=["secretsmanager:GetSecretValue"], resources=[secret.secret_arn]
            )
        )
        return sync

    def _schedule_role(self) -> iam.Role:
        """The scheduler's role: invoke the unqualified Sync Lambda, send to the dead-letter queue, nothing else."""
        stack = cdk.Stack.of(self)
        role = iam.Role(
            self,
            "ScheduleRole",
            description="Lets EventBridge Scheduler start the Confee mirror sync",
            assumed_by=iam.ServicePrincipal(
                "scheduler.amazonaws.com",
                conditions={
                    "StringEquals": {
                        "aws:SourceAccount": stack.account,
                        "aws:SourceArn": stack.format_arn(
                            service="scheduler", resource="schedule-group", resource_name="default"
                        ),
                    }
                },
            ),
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="StartSync", actions=["lambda:InvokeFunction"], resources=[self.sync.function.function_arn]
            )
        )
        role.add_to_policy(
            iam.PolicyStatement(
                sid="DeadLetter", actions=["sqs:SendMessage"], resources=[self.dead_letter_queue.queue_arn]
            )
        )
        return role

    def _bucket_logical_id(self) -> str:
        bucket_cfn = self.bucket.node.default_child
        assert isinstance(bucket_cfn, s3.CfnBucket)
        return cdk.Stack.of(self).get_logical_id(bucket_cfn)

    def _acknowledge(self) -> None:
        nag.acknowledge(
            self.sync.role,
            "IAM5",
            "The sync writes a new snapshot key per run, rewrites mirror/manifest.json and its checkpoint, and "
            "deletes pruned snapshots: object rights stay under mirror/ of the mirror bucket.",
            findings=(f"Resource::<{self._bucket_logical_id()}.Arn>/{MIRROR_PREFIX}/*",),
        )
        nag.acknowledge(
            self.bucket,
            "S1",
            "The bucket holds only copies of public connpass event listings, written by the Sync Lambda and read "
            "by the AgentCore runtime, each through its own role; access logs would record only those two.",
        )
        nag.acknowledge(
            self.dead_letter_queue,
            "SQS3",
            "This queue is itself the dead-letter queue of the mirror schedule and of the Sync Lambda's failed "
            "asynchronous invocations; a queue behind it would only move the failure records further away.",
        )
