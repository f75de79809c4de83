"""Security guard rails: private, encrypted, versioned storage; topics that can be read; no public functions.

Stack rules match S3 sub-resources (public-access block, encryption, versioning) to their
bucket by reference: the sub-resource's `bucket` property holds the bucket's id (its name),
or — during `pulumi preview`, when the id is still unknown — its property dependencies name
the bucket resource. The legacy inline bucket arguments count too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream_policies import _wire as w

PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
AWS_MANAGED_SNS_KEY = "alias/aws/sns"


# --- s3-public-access-block -------------------------------------------------------------------


def _flags_not_true(resource: PolicyResource) -> list[str]:
    """The public-access flags that are not true on a (bucket or account) public-access block."""
    return [f for f in PUBLIC_ACCESS_FLAGS if not w.known(lambda f=f: w.truthy(w.get(resource.props, f)), False)]


def _check_public_access(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    if any(not _flags_not_true(a) for a in w.of_type(resources, w.ACCOUNT_PUBLIC_ACCESS_BLOCKS)):
        return  # the account-wide block covers every bucket
    for bucket in w.of_type(resources, w.BUCKETS):
        blocks = w.resources_for_bucket(resources, w.PUBLIC_ACCESS_BLOCKS, bucket)
        if not blocks:
            report(
                f"{w.label(bucket)} has no BucketPublicAccessBlock; add one with blockPublicAcls, blockPublicPolicy, "
                "ignorePublicAcls and restrictPublicBuckets all true.",
                bucket.urn,
            )
            continue
        missing = min((_flags_not_true(b) for b in blocks), key=len)
        if missing:
            report(f"{w.label(bucket)}'s public-access block leaves {missing} false; set all four flags true.", bucket.urn)


public_access_block = w.stack_policy(
    name="s3-public-access-block",
    description=(
        "Every S3 bucket has a public-access block with all four flags true (or the account-wide block does). "
        "Equivalents: AwsSolutions-S2, Security Hub S3.1 and S3.8, NIST.800.53.R5-S3BucketLevelPublicAccessProhibited, "
        "Checkov CKV_AWS_53/54/55/56 and CKV2_AWS_6. "
        "Fix: add aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and "
        "restrictPublicBuckets."
    ),
    check=_check_public_access,
    level=w.MANDATORY,
    severity="critical",
    remediation=(
        "Add aws.s3.BucketPublicAccessBlock(bucket=bucket.id, block_public_acls=True, block_public_policy=True, "
        "ignore_public_acls=True, restrict_public_buckets=True)."
    ),
    tags=["security", "s3"],
)


# --- s3-encryption ----------------------------------------------------------------------------


def _algorithms(resources: list[PolicyResource], bucket: PolicyResource) -> list[str | None]:
    found: list[str | None] = []
    for config in w.resources_for_bucket(resources, w.ENCRYPTION_CONFIGS, bucket):
        rules = w.known_items(config, "rules")
        found += [w.get(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") for r in rules] or [None]
    inline = w.known(lambda: w.plain(w.get(bucket.props, "serverSideEncryptionConfiguration")), None)
    if inline is not None:
        found += [w.get(r, "applyServerSideEncryptionByDefault", "sseAlgorithm") for r in w.items(inline, "rule")]
    return found


def _check_encryption(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    allowed = [a for a in config["allowedAlgorithms"] if not config["requireKms"] or a.startswith("aws:kms")]
    for bucket in w.of_type(resources, w.BUCKETS):
        algorithms = _algorithms(resources, bucket)
        if not algorithms:
            report(
                f"{w.label(bucket)} has no server-side encryption configuration; add a "
                f"BucketServerSideEncryptionConfiguration with sseAlgorithm in {allowed}.",
                bucket.urn,
            )
        elif not any(a in allowed for a in algorithms):
            report(f"{w.label(bucket)} encrypts with {algorithms}; allowed: {allowed}.", bucket.urn)


encryption = w.stack_policy(
    name="s3-encryption",
    description=(
        "Every S3 bucket declares default server-side encryption (SSE-S3 or SSE-KMS; KMS only when requireKms). "
        "Equivalents: Checkov CKV_AWS_19; with requireKms NIST.800.53.R5-S3DefaultEncryptionKMS and Checkov CKV_AWS_145. "
        "Fix: add aws.s3.BucketServerSideEncryptionConfiguration."
    ),
    check=_check_encryption,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Add aws.s3.BucketServerSideEncryptionConfiguration with apply_server_side_encryption_by_default.sse_algorithm "
        "'AES256' or 'aws:kms'."
    ),
    tags=["security", "s3", "encryption"],
    properties={
        "requireKms": {"type": "boolean", "default": False, "description": "Accept only aws:kms / aws:kms:dsse."},
        "allowedAlgorithms": {
            "type": "array",
            "items": {"type": "string", "enum": list(SSE_ALGORITHMS)},
            "default": list(SSE_ALGORITHMS),
        },
    },
)


# --- s3-archive-versioning --------------------------------------------------------------------


def _check_versioning(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    buckets = w.of_type(resources, w.BUCKETS) if config["scope"] == "all" else w.archive_buckets(resources)
    for bucket in buckets:
        if not w.is_versioned(resources, bucket):
            report(
                f"{w.label(bucket)} {'receives MediaLive recordings but ' if config['scope'] == 'archive' else ''}"
                "is not versioned: an overwrite or delete loses the recording. Add aws.s3.BucketVersioning with status 'Enabled' "
                "(and a noncurrentVersionExpiration lifecycle rule).",
                bucket.urn,
            )


archive_versioning = w.stack_policy(
    name="s3-archive-versioning",
    description=(
        "Buckets that MediaLive records into (or every bucket, with scope 'all') are versioned, so recordings survive "
        "overwrites and deletes. "
        "Equivalents: NIST.800.53.R5-S3BucketVersioningEnabled, Checkov CKV_AWS_21 "
        "(partly: archive buckets unless scope 'all'). "
        "Fix: add aws.s3.BucketVersioning with status Enabled."
    ),
    check=_check_versioning,
    level=w.MANDATORY,
    severity="medium",
    remediation="Add aws.s3.BucketVersioning(bucket=bucket.id, versioning_configuration={'status': 'Enabled'}).",
    tags=["security", "s3", "archive"],
    properties={
        "scope": {
            "type": "string",
            "enum": ["archive", "all"],
            "default": "archive",
            "description": "'archive' (buckets a MediaLive channel writes to) or 'all' buckets.",
        }
    },
)


# --- sns-topic-encrypted / sns-topic-publishers-can-encrypt -------------------------------------------
#
# "By default, Amazon SNS stores messages and files using disk encryption. You can protect data at rest by
# requesting Amazon SNS to encrypt your messages before saving them" (server-side encryption, optional):
# https://docs.aws.amazon.com/sns/latest/dg/sns-data-encryption.html. A topic without a key is therefore
# encrypted at rest, only not under a key the stack controls: advisory. What breaks is the AWS managed key
# alias/aws/sns on a topic an AWS service publishes to: its key policy cannot be edited to let CloudWatch or
# Budgets use it, so their notifications fail
# (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services): mandatory.

SERVICE_PUBLISHERS = ("cloudwatch.amazonaws.com", "budgets.amazonaws.com")


def _is_aws_managed_key(key: Any) -> bool:
    return isinstance(key, str) and (key == AWS_MANAGED_SNS_KEY or key.endswith(":" + AWS_MANAGED_SNS_KEY))


def _check_topic(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    key = w.get(props, "kmsMasterKeyId")
    if not key:
        report(
            "kmsMasterKeyId is not set: SNS keeps the messages with its own disk encryption only. For control over who "
            "can decrypt (and a CloudTrail record of it), set a customer managed KMS key."
        )


topic_encrypted = w.resource_policy(
    name="sns-topic-encrypted",
    description=(
        "Advisory: SNS topics use server-side encryption with a KMS key the stack controls (SNS already stores messages "
        "with disk encryption; SSE adds key control). Equivalents: NIST.800.53.R5-SNSEncryptedKMS, "
        "HIPAA.Security-SNSEncryptedKMS, Security Hub SNS.1, Checkov CKV_AWS_26. Fix: set kmsMasterKeyId."
    ),
    types=w.SNS_TOPICS,
    check=_check_topic,
    level=w.ADVISORY,
    severity="low",
    remediation="Create an aws.kms.Key (rotation on) and set the topic's kms_master_key_id to it.",
    tags=["security", "sns", "encryption"],
)


def _topic_names(topic: PolicyResource) -> set[str]:
    return w.reference_values(topic, "arn", "id", "name")


def _published_by_services(resources: list[PolicyResource], topic: PolicyResource) -> list[str]:
    """Which AWS services publish to the topic: alarms' actions, budgets' subscribers, the topic policy's grants."""
    names = _topic_names(topic)
    found: list[str] = []
    alarms = w.of_type(resources, w.ALARMS)
    for alarm in alarms:
        actions = set(w.known(lambda a=alarm: w.strings(w.get(a.props, "alarmActions")), []))
        # During preview the topic's ARN is still unknown: the alarm's actions were built from the topic.
        if (names & actions or w.built_from(alarm, "alarmActions", topic)) and "CloudWatch alarms" not in found:
            found.append("CloudWatch alarms")
    for budget in w.of_type(resources, w.BUDGETS):
        subscribers = {s for n in w.known_items(budget, "notifications") for s in w.strings(w.get(n, "subscriberSnsTopicArns"))}
        if names & subscribers and "AWS Budgets" not in found:
            found.append("AWS Budgets")
    for policy in w.of_type(resources, w.SNS_TOPIC_POLICIES):
        if not w.refers_to(policy, "arn", topic, names):
            continue
        statements = w.known_statements(policy, "policy") or []
        services = {s for st in statements for s in w.principals(st).get("Service", [])}
        found += [s for s in SERVICE_PUBLISHERS if s in services and s not in found]
    return found


def _check_publishers(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    for topic in w.of_type(resources, w.SNS_TOPICS):
        key = w.known(lambda t=topic: w.get(t.props, "kmsMasterKeyId"), None)
        publishers = _published_by_services(resources, topic) if _is_aws_managed_key(key) else []
        if publishers:
            report(
                f"{w.label(topic)} is encrypted with the AWS managed key alias/aws/sns, whose key policy does not let "
                f"{' or '.join(publishers)} use it: their notifications would silently fail. Use a customer managed key "
                "whose policy grants those services kms:Decrypt and kms:GenerateDataKey*.",
                topic.urn,
            )


topic_publishers_can_encrypt = w.stack_policy(
    name="sns-topic-publishers-can-encrypt",
    description=(
        "A topic that CloudWatch alarms or AWS Budgets publish to is not encrypted with alias/aws/sns (the services "
        "cannot use that key, so notifications are lost). Equivalents: none in cdk-nag, Security Hub or Checkov (our "
        "addition). Fix: a customer managed key that grants the publishing services."
    ),
    check=_check_publishers,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Create an aws.kms.Key whose policy allows cloudwatch.amazonaws.com (and budgets.amazonaws.com) "
        "kms:Decrypt/GenerateDataKey*, and set the topic's kms_master_key_id to it."
    ),
    tags=["security", "sns", "encryption", "operations"],
)


# --- lambda-not-public ------------------------------------------------------------------------


def _check_lambda_permission(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    if args.resource_type in w.LAMBDA_FUNCTION_URLS:
        if w.get(props, "authorizationType") == "NONE" and not config["allowPublicFunctionUrls"]:
            report("the function URL has authorizationType NONE: anyone on the internet can invoke it. Use AWS_IAM.")
        return
    principal = str(w.get(props, "principal") or "")
    if principal == "*":
        if w.get(props, "functionUrlAuthType") == "AWS_IAM":
            return
        report("principal is '*': anyone may invoke the function. Grant the calling service or account instead.")
        return
    if principal.endswith(".amazonaws.com") and not w.get(props, "sourceArn"):
        report(
            f"{principal} may invoke the function without a sourceArn, so any {principal} resource in any account can "
            "call it (confused deputy). Set sourceArn to the calling resource's ARN (and sourceAccount)."
        )


lambda_not_public = w.resource_policy(
    name="lambda-not-public",
    description=(
        "Lambda functions are not publicly invokable: no permission for principal '*', service principals only with a "
        "sourceArn, no unauthenticated function URL. "
        "Equivalents: Security Hub Lambda.1, HIPAA.Security-LambdaFunctionPublicAccessProhibited, "
        "Checkov CKV_AWS_301 and CKV_AWS_258. "
        "Fix: name the caller and set sourceArn."
    ),
    types=(*w.LAMBDA_PERMISSIONS, *w.LAMBDA_FUNCTION_URLS),
    check=_check_lambda_permission,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Give aws.lambda_.Permission a specific principal and source_arn; give function URLs authorization_type='AWS_IAM'."
    ),
    tags=["security", "lambda"],
    properties={"allowPublicFunctionUrls": {"type": "boolean", "default": False}},
)


# --- log-group-retention ----------------------------------------------------------------------
#
# Security: logs exist long enough to investigate (retention set, at least minRetentionDays). The
# ceiling on how long they are billed is a cost rule (cost.log_retention_ceiling).


def _check_retention(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    days = w.number(w.get(props, "retentionInDays"))
    if not days:
        report("retentionInDays is not set: the logs are kept forever by nobody's decision. Set retentionInDays, e.g. 30.")
    elif days < config["minRetentionDays"]:
        report(f"retentionInDays is {days:.0f}; keep logs at least {config['minRetentionDays']} days to investigate incidents.")


log_retention = w.resource_policy(
    name="log-group-retention",
    description=(
        "CloudWatch log groups state their retention (retentionInDays set, at least minRetentionDays). "
        "Equivalents: NIST.800.53.R5-CloudWatchLogGroupRetentionPeriod, HIPAA.Security-CloudWatchLogGroupRetentionPeriod, "
        "Checkov CKV_AWS_66, Security Hub CloudWatch.16 and Checkov CKV_AWS_338 (partly: they ask for a year; "
        "minRetentionDays defaults to 1). Fix: set retentionInDays."
    ),
    types=w.LOG_GROUPS,
    check=_check_retention,
    level=w.MANDATORY,
    severity="low",
    remediation="Set retention_in_days on aws.cloudwatch.LogGroup (1, 3, 5, 7, 14, 30, 60, 90, ... 3653).",
    tags=["security", "logs"],
    properties={"minRetentionDays": {"type": "integer", "minimum": 1, "default": 1}},
)


POLICIES = [
    public_access_block,
    encryption,
    archive_versioning,
    topic_encrypted,
    topic_publishers_can_encrypt,
    lambda_not_public,
    log_retention,
]
