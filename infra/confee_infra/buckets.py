"""The one kind of S3 bucket Confee creates: private, encrypted, SSL-only, owned by the account, emptied on destroy."""

from __future__ import annotations

from collections.abc import Sequence

import aws_cdk as cdk
from aws_cdk import aws_s3 as s3
from constructs import Construct


def private_bucket(
    scope: Construct, construct_id: str, *, lifecycle_rules: Sequence[s3.LifecycleRule] = ()
) -> s3.Bucket:
    """A bucket nothing public can reach; its objects are deleted with the stack (they are all rebuildable)."""
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        removal_policy=cdk.RemovalPolicy.DESTROY,
        auto_delete_objects=True,
        lifecycle_rules=list(lifecycle_rules) or None,
    )
