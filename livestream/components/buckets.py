"""A private, encrypted, TLS-only S3 bucket: the building block for the archive and the CDN logs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi

from livestream.components import aws, iam


@dataclass(frozen=True)
class PrivateBucket:
    """The bucket and its guard rails; depend on `guards` to wait until the rails are in place."""

    bucket: aws.s3.Bucket
    guards: list[pulumi.Resource]


@dataclass(frozen=True)
class Lifecycle:
    """Days after which objects move to Glacier / expire; None switches the step off."""

    glacier_after_days: int | None
    expire_after_days: int | None
    noncurrent_expire_days: int = 30


def private_bucket(
    name: str,
    *,
    lifecycle: Lifecycle,
    parent: pulumi.Resource,
    retain_on_delete: bool,
    versioned: bool = True,
    kms_key_arn: Any = None,
    object_ownership: str = "BucketOwnerEnforced",
) -> PrivateBucket:
    """Create the bucket and every guard rail it needs."""
    child = pulumi.ResourceOptions(parent=parent, retain_on_delete=retain_on_delete)
    bucket = aws.s3.Bucket(name, force_destroy=not retain_on_delete, opts=child)
    guard = pulumi.ResourceOptions(parent=bucket, retain_on_delete=retain_on_delete)
    guards: list[pulumi.Resource] = [
        aws.s3.BucketPublicAccessBlock(
            f"{name}-public-access",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=True,
            opts=guard,
        ),
        aws.s3.BucketOwnershipControls(
            f"{name}-ownership",
            bucket=bucket.id,
            rule=aws.s3.BucketOwnershipControlsRuleArgs(object_ownership=object_ownership),
            opts=guard,
        ),
        aws.s3.BucketServerSideEncryptionConfiguration(
            f"{name}-encryption", bucket=bucket.id, rules=[_encryption_rule(kms_key_arn)], opts=guard
        ),
        aws.s3.BucketPolicy(f"{name}-tls-only", bucket=bucket.id, policy=tls_only_policy(bucket.arn), opts=guard),
        aws.s3.BucketLifecycleConfiguration(
            f"{name}-lifecycle", bucket=bucket.id, rules=[_lifecycle_rule(lifecycle, versioned)], opts=guard
        ),
    ]
    if versioned:
        guards.append(
            aws.s3.BucketVersioning(
                f"{name}-versioning",
                bucket=bucket.id,
                versioning_configuration=aws.s3.BucketVersioningVersioningConfigurationArgs(status="Enabled"),
                opts=guard,
            )
        )
    return PrivateBucket(bucket, guards)


def _encryption_rule(kms_key_arn: Any) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgs:
    """SSE-S3 by default; SSE-KMS with bucket keys (fewer KMS calls) when a key is given."""
    return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
        apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms" if kms_key_arn else "AES256",
            kms_master_key_id=kms_key_arn,
        ),
        bucket_key_enabled=bool(kms_key_arn),
    )


def tls_only_policy(bucket_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    return iam.document(
        iam.statement(
            ["s3:*"],
            [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
            effect="Deny",
            principal={"AWS": "*"},
            condition={"Bool": {"aws:SecureTransport": "false"}},
            sid="DenyInsecureTransport",
        )
    )


def _lifecycle_rule(lifecycle: Lifecycle, versioned: bool) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    rules = aws.s3
    transitions = (
        [rules.BucketLifecycleConfigurationRuleTransitionArgs(days=lifecycle.glacier_after_days, storage_class="GLACIER")]
        if lifecycle.glacier_after_days is not None
        else None
    )
    expiration = (
        rules.BucketLifecycleConfigurationRuleExpirationArgs(days=lifecycle.expire_after_days)
        if lifecycle.expire_after_days is not None
        else None
    )
    noncurrent = (
        rules.BucketLifecycleConfigurationRuleNoncurrentVersionExpirationArgs(noncurrent_days=lifecycle.noncurrent_expire_days)
        if versioned
        else None
    )
    return rules.BucketLifecycleConfigurationRuleArgs(
        id="recordings",
        status="Enabled",
        filter=rules.BucketLifecycleConfigurationRuleFilterArgs(prefix=""),
        transitions=transitions,
        expiration=expiration,
        noncurrent_version_expiration=noncurrent,
        abort_incomplete_multipart_upload=rules.BucketLifecycleConfigurationRuleAbortIncompleteMultipartUploadArgs(
            days_after_initiation=7
        ),
    )
