"""Security guard rails: private, encrypted, versioned storage; least-privilege IAM; no public functions.

Stack rules match S3 sub-resources (public-access block, encryption, versioning) to their
bucket by reference: the sub-resource's `bucket` property holds the bucket's id (its name),
or — during `pulumi preview`, when the id is still unknown — its property dependencies name
the bucket resource. The legacy inline bucket arguments count too.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream_policies import _wire as w

PUBLIC_ACCESS_FLAGS = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")
# IAM verbs that only read. Anything else (Put, Create, Delete, Update, Start, Stop, Publish, Invoke...) writes.
READ_VERBS = ("Get", "List", "Describe", "Head", "BatchGet", "Query", "Scan", "Search", "Lookup", "View", "Select")
# Actions AWS only authorises on Resource "*": they cannot be scoped, so "*" is not a finding for them.
UNSCOPABLE_ACTIONS = (
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
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
        "overwrites and deletes. Fix: add aws.s3.BucketVersioning with status Enabled."
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


# --- iam-no-wildcards -------------------------------------------------------------------------


def is_write(action: str) -> bool:
    """Whether an action (pattern) can write: `s3:GetObject`, `s3:List*` read; `s3:*`, `*`, `s3:Put*` write."""
    _, _, verb = action.partition(":")
    literal = verb.split("*", 1)[0]  # what the pattern fixes before its first wildcard
    return not literal.startswith(READ_VERBS)


def _unscopable(action: str, allowed: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), a.lower()) for a in allowed)


def statement_problems(statement: Mapping[str, Any], config: dict[str, Any]) -> list[str]:
    if statement.get("Effect") != "Allow":
        return []
    sid = statement.get("Sid") or "(no Sid)"
    problems: list[str] = []
    actions = w.strings(statement.get("Action"))
    if "NotAction" in statement:
        problems.append(
            f"statement {sid} allows NotAction {w.strings(statement.get('NotAction'))} — everything else; list actions"
        )
    if "*" in actions:
        problems.append(f"statement {sid} allows Action '*'; list the actions it needs")
    elif not config["allowServiceWildcards"]:
        wide = [a for a in actions if a.endswith(":*")]
        if wide:
            problems.append(f"statement {sid} allows whole services {wide}; list the actions it needs")
    resources = w.strings(statement.get("Resource"))
    if "*" in resources or "NotResource" in statement:
        writes = [a for a in actions if is_write(a) and not _unscopable(a, config["allowedWildcardResourceActions"])]
        if "NotAction" in statement:
            writes.append("NotAction")
        if writes:
            problems.append(f"statement {sid} allows write actions {writes} on Resource '*'; scope them to the platform's ARNs")
    return problems


def _check_iam(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    if args.resource_type in w.IAM_ROLES:
        documents = [
            (f"inlinePolicies[{i}] ({w.get(p, 'name')})", w.get(p, "policy"))
            for i, p in enumerate(w.items(props, "inlinePolicies"))
        ]
    else:
        documents = [("policy", w.get(props, "policy"))]
    for where, document in documents:
        if document is None:
            continue
        statements = w.statements(document)
        if not statements:
            report(f"{where} is not a JSON policy document with statements; it cannot be checked.")
        for statement in statements:
            for problem in statement_problems(statement, config):
                report(f"{where}: {problem}.")


iam_no_wildcards = w.resource_policy(
    name="iam-no-wildcards",
    description=(
        "IAM policies (role, user, group and managed policies, and roles' inline policies) allow no '*' action and no "
        "write action on Resource '*'. Fix: list the actions and scope resources to the platform's ARNs."
    ),
    types=(*w.IAM_POLICY_HOLDERS, *w.IAM_ROLES),
    check=_check_iam,
    level=w.MANDATORY,
    severity="high",
    remediation="Replace '*' actions with the exact actions; replace Resource '*' on write actions with the resources' ARNs.",
    tags=["security", "iam", "least-privilege"],
    properties={
        "allowServiceWildcards": {
            "type": "boolean",
            "default": True,
            "description": "Accept 'service:*' actions (still not on Resource '*').",
        },
        "allowedWildcardResourceActions": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(UNSCOPABLE_ACTIONS),
            "description": "Write actions (glob patterns) accepted on Resource '*' — those IAM cannot scope.",
        },
    },
)


# --- sns-topic-encrypted ----------------------------------------------------------------------


def _check_topic(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    key = w.get(props, "kmsMasterKeyId")
    if not key:
        report("kmsMasterKeyId is not set, so messages are stored unencrypted; set it to a customer managed KMS key.")
    elif key == AWS_MANAGED_SNS_KEY and not config["allowAwsManagedKey"]:
        report(
            "kmsMasterKeyId is the AWS managed key alias/aws/sns, whose key policy does not let CloudWatch alarms or AWS "
            "Budgets publish: alarm notifications would silently fail. Use a customer managed key whose policy grants "
            "cloudwatch.amazonaws.com (and budgets.amazonaws.com) kms:Decrypt and kms:GenerateDataKey*."
        )


topic_encrypted = w.resource_policy(
    name="sns-topic-encrypted",
    description=(
        "SNS topics are encrypted with a customer managed KMS key that the publishers (CloudWatch, Budgets) may use. "
        "Fix: set kmsMasterKeyId to such a key (not alias/aws/sns)."
    ),
    types=w.SNS_TOPICS,
    check=_check_topic,
    level=w.MANDATORY,
    severity="medium",
    remediation=(
        "Create an aws.kms.Key whose policy allows cloudwatch.amazonaws.com kms:Decrypt/GenerateDataKey*, and set the "
        "topic's kms_master_key_id to it."
    ),
    tags=["security", "sns", "encryption"],
    properties={
        "allowAwsManagedKey": {
            "type": "boolean",
            "default": False,
            "description": "Accept alias/aws/sns (only for topics no AWS service publishes to).",
        }
    },
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
        "sourceArn, no unauthenticated function URL. Fix: name the caller and set sourceArn."
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


def _check_retention(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    days = w.number(w.get(props, "retentionInDays"))
    if not days:
        report("retentionInDays is not set: the logs are kept (and billed) forever. Set retentionInDays, e.g. 30.")
    elif days > config["maxRetentionDays"]:
        report(f"retentionInDays is {days:.0f}; this stack keeps logs at most {config['maxRetentionDays']} days.")


log_retention = w.resource_policy(
    name="log-group-retention",
    description=(
        "CloudWatch log groups expire their logs (retentionInDays set, at most maxRetentionDays). "
        "Fix: set retentionInDays on the log group."
    ),
    types=w.LOG_GROUPS,
    check=_check_retention,
    level=w.MANDATORY,
    severity="low",
    remediation="Set retention_in_days on aws.cloudwatch.LogGroup (1, 3, 5, 7, 14, 30, 60, 90, ... 3653).",
    tags=["security", "logs", "cost"],
    properties={"maxRetentionDays": {"type": "integer", "minimum": 1, "default": 3653}},
)


POLICIES = [
    public_access_block,
    encryption,
    archive_versioning,
    iam_no_wildcards,
    topic_encrypted,
    lambda_not_public,
    log_retention,
]
