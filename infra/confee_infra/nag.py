"""cdk-nag (3.x) registration and acknowledgements.

cdk-nag 3 runs as a CDK validation plugin: any finding that is not acknowledged fails synthesis.
Acknowledgements are scoped to the construct that causes the finding and carry a specific reason;
the ``AwsSolutions::`` prefix makes the reason appear in ``validation-report.json``.
"""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

PACK = "AwsSolutions"


def register(app: cdk.App) -> None:
    """Run the AWS Solutions rules on every stack of ``app`` at synth."""
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(verbose=True))


def acknowledge(scope: IConstruct, rule: str, reason: str, *, findings: tuple[str, ...] = ()) -> None:
    """Acknowledge one AWS Solutions rule on ``scope`` (and everything below it).

    Args:
        scope: The narrowest construct that causes the finding.
        rule: Rule id without the pack prefix, e.g. ``"IAM5"``.
        reason: Why the finding is accepted here; specific enough for a reviewer to disagree with.
        findings: Finding ids for rules that report one per offending value (``IAM5``: ``"Resource::<arn>"``
            or ``"Action::s3:GetObject*"``); each is acknowledged on its own instead of the whole rule.
    """
    ids = [f"{PACK}-{rule}[{finding}]" for finding in findings] or [f"{PACK}-{rule}"]
    cdk.Validations.of(scope).acknowledge(
        *(cdk.Acknowledgment(id=f"{PACK}::{rule_id}", reason=reason) for rule_id in ids)
    )


def rendered_partition(stack: cdk.Stack) -> str:
    """The partition as cdk-nag prints it in finding ids (a literal when the region is known)."""
    return "<AWS::Partition>" if cdk.Token.is_unresolved(stack.partition) else stack.partition


def rendered_account(stack: cdk.Stack) -> str:
    """The account as cdk-nag prints it in finding ids (``<AWS::AccountId>`` for account-agnostic stacks)."""
    return "<AWS::AccountId>" if cdk.Token.is_unresolved(stack.account) else stack.account
