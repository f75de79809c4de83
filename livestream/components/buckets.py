"""A private, encrypted, TLS-only S3 bucket: the building block for the archive, the CDN logs and the player site."""

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
    name: str = ""
    retain_on_delete: bool = False

    def add_policy(self, *statements: dict[str, Any]) -> aws.s3.BucketPolicy:
        """The bucket's one policy (S3 keeps one per bucket): TLS-only plus `statements`.

        For buckets made with `policy_later=True`, whose grants name resources that exist only
        after the bucket (a distribution reading it through origin access control).
        """
        policy = aws.s3.BucketPolicy(
            f"{self.name}-tls-only",
            bucket=self.bucket.id,
            policy=iam.document(tls_only_statement(self.bucket.arn), *statements),
            opts=pulumi.ResourceOptions(parent=self.bucket, retain_on_delete=self.retain_on_delete),
        )
        self.guards.append(policy)
        return policy


@dataclass(frozen=True)
class Lifecycle:
    """Days after which objects move to Glacier / expire; None switches the step off."""

    glacier_after_days: int | None
    expire_after_days: int | None
    noncurrent_expire_days: int = 30
    # GLACIER (Flexible Retrieval) for files nobody plays; GLACIER_IR keeps objects readable at once (recordings).
    storage_class: str = "GLACIER"


def private_bucket(
    name: str,
    *,
    lifecycle: Lifecycle,
    parent: pulumi.Resource,
    retain_on_delete: bool,
    versioned: bool = True,
    kms_key_arn: Any = None,
    object_ownership: str = "BucketOwnerEnforced",
    policy_later: bool = False,
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
    private = PrivateBucket(bucket, guards, name, retain_on_delete)
    if not policy_later:
        private.add_policy()
    return private


def _encryption_rule(kms_key_arn: Any) -> aws.s3.BucketServerSideEncryptionConfigurationRuleArgs:
    """SSE-S3 by default; SSE-KMS with bucket keys (fewer KMS calls) when a key is given."""
    return aws.s3.BucketServerSideEncryptionConfigurationRuleArgs(
        apply_server_side_encryption_by_default=aws.s3.BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultArgs(
            sse_algorithm="aws:kms" if kms_key_arn else "AES256",
            kms_master_key_id=kms_key_arn,
        ),
        bucket_key_enabled=bool(kms_key_arn),
    )


def tls_only_statement(bucket_arn: pulumi.Input[str]) -> dict[str, Any]:
    return iam.statement(
        ["s3:*"],
        [bucket_arn, pulumi.Output.concat(bucket_arn, "/*")],
        effect="Deny",
        principal={"AWS": "*"},
        condition={"Bool": {"aws:SecureTransport": "false"}},
        sid="DenyInsecureTransport",
    )


def cloudfront_read(bucket_arn: pulumi.Input[str], prefix: str, distribution_arn: pulumi.Input[str]) -> dict[str, Any]:
    """Let one CloudFront distribution read the objects under `prefix` ("" = the whole bucket) through origin access control.

    https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
    (principal cloudfront.amazonaws.com, s3:GetObject, condition AWS:SourceArn = the distribution's ARN).
    Without s3:ListBucket a missing key answers 403, not 404: nobody can probe the bucket's contents.
    """
    return iam.statement(
        ["s3:GetObject"],
        [pulumi.Output.concat(bucket_arn, "/", prefix, "*")],
        principal={"Service": "cloudfront.amazonaws.com"},
        condition={"StringEquals": {"AWS:SourceArn": distribution_arn}},
        sid="AllowCloudFrontServicePrincipalReadOnly",
    )


def _lifecycle_rule(lifecycle: Lifecycle, versioned: bool) -> aws.s3.BucketLifecycleConfigurationRuleArgs:
    rules = aws.s3
    transitions = (
        [
            rules.BucketLifecycleConfigurationRuleTransitionArgs(
                days=lifecycle.glacier_after_days, storage_class=lifecycle.storage_class
            )
        ]
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
