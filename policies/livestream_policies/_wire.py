"""Helpers shared by the rules: reading wire-format properties and building policies.

Policies see resource properties the way the Pulumi engine sends them: type tokens such as
`aws:s3/bucket:Bucket`, camelCase keys, numbers as floats, nested objects as mappings — and,
inside the real analyzer, wrapped in `pulumi_policy`'s unknown-checking proxies (a `Mapping`,
a `Sequence`, never a `dict` or `list`). Every helper here therefore works on the abstract
collection types. A value that is unknown during preview raises
`pulumi_policy.proxy.UnknownValueError` on access; resource rules let it propagate (the
analyzer turns it into an advisory "can't run during preview" note), stack rules skip the
resource it belongs to (see `known`).

This module imports only the standard library and `pulumi_policy`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UnknownValueError

T = TypeVar("T")

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

# --- type tokens --------------------------------------------------------------------------

BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
BUCKET_POLICIES = ("aws:s3/bucketPolicy:BucketPolicy",)
PUBLIC_ACCESS_BLOCKS = ("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",)
ACCOUNT_PUBLIC_ACCESS_BLOCKS = ("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",)
ENCRYPTION_CONFIGS = (
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
)
VERSIONING_CONFIGS = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
BUCKET_OBJECTS = ("aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject")
LIFECYCLE_CONFIGS = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
CLASSIC_DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
NATIVE_DISTRIBUTION = "aws-native:cloudfront:Distribution"
DISTRIBUTIONS = (CLASSIC_DISTRIBUTION, NATIVE_DISTRIBUTION)
MEDIALIVE_CHANNELS = ("aws:medialive/channel:Channel",)
MEDIALIVE_INPUTS = ("aws-native:medialive:Input", "aws:medialive/input:Input")
MEDIALIVE_SECURITY_GROUPS = (
    "aws:medialive/inputSecurityGroup:InputSecurityGroup",
    "aws-native:medialive:InputSecurityGroup",
)
ORIGIN_ENDPOINTS = ("aws-native:mediapackagev2:OriginEndpoint",)
ORIGIN_ENDPOINT_POLICIES = ("aws-native:mediapackagev2:OriginEndpointPolicy",)
SCHEDULES = ("aws:scheduler/schedule:Schedule",)
LAMBDA_FUNCTIONS = ("aws:lambda/function:Function",)
LAMBDA_PERMISSIONS = ("aws:lambda/permission:Permission",)
LAMBDA_FUNCTION_URLS = ("aws:lambda/functionUrl:FunctionUrl",)
BUDGETS = ("aws:budgets/budget:Budget",)
SNS_TOPICS = ("aws:sns/topic:Topic",)
LOG_GROUPS = ("aws:cloudwatch/logGroup:LogGroup",)
METRIC_ALARMS = ("aws:cloudwatch/metricAlarm:MetricAlarm",)
DASHBOARDS = ("aws:cloudwatch/dashboard:Dashboard",)
SECRETS = ("aws:secretsmanager/secret:Secret",)
IAM_POLICY_HOLDERS = (
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
)
IAM_ROLES = ("aws:iam/role:Role",)
IAM_MANAGED_POLICIES = ("aws:iam/policy:Policy",)
# Attachments of managed policies by ARN: `policyArn` on each; roles also list `managedPolicyArns`.
IAM_POLICY_ATTACHMENTS = (
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
)
KMS_KEYS = ("aws:kms/key:Key",)
KMS_KEY_POLICIES = ("aws:kms/keyPolicy:KeyPolicy",)
SNS_TOPIC_POLICIES = ("aws:sns/topicPolicy:TopicPolicy",)
SQS_QUEUES = ("aws:sqs/queue:Queue",)
CHANNEL_POLICIES = ("aws-native:mediapackagev2:ChannelPolicy",)
ORIGIN_ACCESS_CONTROLS = ("aws:cloudfront/originAccessControl:OriginAccessControl", "aws-native:cloudfront:OriginAccessControl")
LOG_DELIVERY_SOURCES = ("aws:cloudwatch/logDeliverySource:LogDeliverySource",)


# --- reading wire-format values -------------------------------------------------------------


def is_map(value: Any) -> bool:
    return isinstance(value, Mapping)


def is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def get(value: Any, *path: str | int, default: Any = None) -> Any:
    """The value at `path` (keys for mappings, indexes for sequences), or `default` if any step is missing."""
    for step in path:
        if isinstance(step, int):
            present = is_list(value) and -len(value) <= step < len(value)
        else:
            present = is_map(value) and step in value
        if not present:
            return default
        value = value[step]
        if value is None:
            return default
    return value


def items(value: Any, *path: str | int) -> list[Any]:
    """The list at `path`; a single object counts as a one-item list, a missing value as empty."""
    found = get(value, *path)
    if found is None:
        return []
    if is_list(found):
        return list(found)
    return [found]


def strings(value: Any) -> list[str]:
    """IAM-style "string or list of strings"."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if is_list(value):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def number(value: Any) -> float | None:
    """Wire numbers are floats; some providers take numbers as strings (budgets' limitAmount)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def plain(value: Any) -> Any:
    """A deep copy made of dicts and lists (proxies unwrapped; unknown values still raise)."""
    if is_map(value):
        return {str(k): plain(value[k]) for k in value}
    if is_list(value):
        return [plain(v) for v in value]
    return value


def json_value(value: Any) -> Any:
    """A JSON document given as a string (IAM, schedule input) or as an object (aws-native `policy`)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return plain(value) if value is not None else None


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of an IAM-style policy document (JSON string or object)."""
    doc = json_value(document)
    if not is_map(doc):
        return []
    found = doc.get("Statement")
    if is_map(found):
        return [found]
    if is_list(found):
        return [s for s in found if is_map(s)]
    return []


def condition_values(statement: Mapping[str, Any], key: str, operators: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(operator, value) pairs for a condition key, matching the key case-insensitively as IAM does.

    With `operators`, only pairs whose operator is one of them once its set qualifier
    (`ForAnyValue:`, `ForAllValues:`) and `IfExists` suffix are dropped: `ForAnyValue:ArnLike`
    and `ArnLikeIfExists` count as `ArnLike`.
    """
    pairs: list[tuple[str, str]] = []
    condition = statement.get("Condition")
    if not is_map(condition):
        return pairs
    for operator, block in condition.items():
        if not is_map(block):
            continue
        if operators is not None and str(operator).split(":")[-1].removesuffix("IfExists") not in operators:
            continue
        for name, values in block.items():
            if str(name).lower() == key.lower():
                for value in values if is_list(values) else [values]:
                    pairs.append((str(operator), str(value).lower() if isinstance(value, bool) else str(value)))
    return pairs


def principals(statement: Mapping[str, Any]) -> dict[str, list[str]]:
    """The statement's principals by kind; `"*"` is reported as {"*": ["*"]}."""
    principal = statement.get("Principal")
    if principal is None:
        return {}
    if isinstance(principal, str):
        return {"*": ["*"]} if principal == "*" else {"AWS": [principal]}
    if is_map(principal):
        return {str(k): strings(v) for k, v in principal.items()}
    return {}


def arn_resource(value: str) -> str:
    """The resource part of an ARN (`arn:aws:s3:::b` -> `b`); any other string as it is."""
    return value.split(":", 5)[-1] if value.startswith("arn:") else value


def arn_part(arn: Any, index: int) -> str | None:
    """A field of an ARN: 2 service, 3 region, 4 account, 5 resource."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts[index] if len(parts) > index else None


def known(read: Callable[[], T], default: T) -> T:
    """`read()`, or `default` when it touches a value unknown during preview."""
    try:
        return read()
    except UnknownValueError:
        return default


# --- stack helpers ----------------------------------------------------------------------------


def known_items(resource: PolicyResource, *path: str | int) -> list[Any]:
    """`items` at `path` on a resource, read in full into plain dicts and lists; [] while any of it is unknown."""
    return known(lambda: plain(items(resource.props, *path)), [])


def of_type(resources: Iterable[PolicyResource], types: Sequence[str]) -> list[PolicyResource]:
    return [r for r in resources if r.resource_type in types]


def reference_values(resource: PolicyResource, *keys: str) -> set[str]:
    """Known string values of `keys` on a resource's outputs (ids, names, ARNs) — what others refer to it by."""
    values: set[str] = set()
    for key in keys:
        value = known(lambda key=key: get(resource.props, key), None)
        if isinstance(value, str) and value:
            values.add(value)
    return values


def refers_to(resource: PolicyResource, key: str, target: PolicyResource, target_values: set[str]) -> bool:
    """Does `resource`'s property `key` point at `target`?

    During `pulumi preview` the engine sends `propertyDependencies`, so the property that was
    built from the target's output names it even while its value is still unknown; once values
    are known (and offline, under mocks) the value itself matches one of the target's ids.
    """
    deps = resource.property_dependencies.get(key) if resource.property_dependencies else None
    if deps and any(d.urn == target.urn for d in deps):
        return True
    value = known(lambda: get(resource.props, key), None)
    return isinstance(value, str) and arn_resource(value) in target_values


def bucket_names(bucket: PolicyResource) -> set[str]:
    names = reference_values(bucket, "bucket", "id", "arn")
    return names | {arn_resource(n) for n in names}


def resources_for_bucket(
    resources: Sequence[PolicyResource], types: Sequence[str], bucket: PolicyResource
) -> list[PolicyResource]:
    names = bucket_names(bucket)
    return [r for r in of_type(resources, types) if refers_to(r, "bucket", bucket, names)]


def medialive_destination_buckets(resources: Sequence[PolicyResource]) -> set[str]:
    """Bucket names that MediaLive channels record into (`s3://` / `s3ssl://` destination URLs)."""
    names: set[str] = set()
    for channel in of_type(resources, MEDIALIVE_CHANNELS):
        for destination in known_items(channel, "destinations"):
            for setting in items(destination, "settings"):
                url = get(setting, "url")
                if isinstance(url, str) and url.startswith(("s3://", "s3ssl://")):
                    names.add(url.split("://", 1)[1].split("/", 1)[0])
    return names


def archive_buckets(resources: Sequence[PolicyResource]) -> list[PolicyResource]:
    """The buckets a MediaLive channel in this stack writes to."""
    targets = medialive_destination_buckets(resources)
    return [b for b in of_type(resources, BUCKETS) if bucket_names(b) & targets]


def is_versioned(resources: Sequence[PolicyResource], bucket: PolicyResource) -> bool:
    """Versioning enabled by a BucketVersioning resource or the legacy inline `versioning` argument."""
    for versioning in resources_for_bucket(resources, VERSIONING_CONFIGS, bucket):
        if known(lambda v=versioning: get(v.props, "versioningConfiguration", "status"), None) == "Enabled":
            return True
    return known(lambda: truthy(get(bucket.props, "versioning", "enabled")), False)


def distribution_config(props: Mapping[str, Any], resource_type: str) -> Mapping[str, Any]:
    """A CloudFront distribution's settings: the classic resource's own properties, aws-native's `distributionConfig`."""
    if resource_type == NATIVE_DISTRIBUTION:
        return get(props, "distributionConfig", default={})
    return props


def label(resource: PolicyResource) -> str:
    return f"{resource.resource_type.rsplit(':', 1)[-1]} '{resource.name}'"


# --- building policies ------------------------------------------------------------------------


def _schema(properties: Mapping[str, Mapping[str, Any]] | None, required: Sequence[str] | None) -> PolicyConfigSchema:
    return PolicyConfigSchema(
        properties={k: dict(v) for k, v in (properties or {}).items()}, required=list(required or []) or None
    )


def config_of(get_config: Callable[[], Mapping[str, Any]], schema: PolicyConfigSchema) -> dict[str, Any]:
    """The policy's config over its schema defaults (the engine merges them too; this covers direct calls)."""
    merged = {k: v["default"] for k, v in schema.properties.items() if "default" in v}
    merged.update(plain(get_config() or {}))
    return merged


ResourceCheck = Callable[[Mapping[str, Any], dict[str, Any], Callable[[str], None], ResourceValidationArgs], None]
StackCheck = Callable[[list[PolicyResource], dict[str, Any], ReportViolation], None]


def resource_policy(
    *,
    name: str,
    description: str,
    types: Sequence[str],
    check: ResourceCheck,
    level: EnforcementLevel,
    severity: str,
    remediation: str,
    tags: Sequence[str],
    properties: Mapping[str, Mapping[str, Any]] | None = None,
    required: Sequence[str] | None = None,
) -> ResourceValidationPolicy:
    """A ResourceValidationPolicy that calls `check(props, config, report, args)` for resources of `types`."""
    schema = _schema(properties, required)

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        if args.resource_type not in types:
            return
        config = config_of(args.get_config, schema)
        check(args.props, config, lambda message: report_violation(message, None), args)

    return ResourceValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=schema,
        severity=Severity(severity),
        remediation_steps=remediation,
        tags=list(tags),
    )


def stack_policy(
    *,
    name: str,
    description: str,
    check: StackCheck,
    level: EnforcementLevel,
    severity: str,
    remediation: str,
    tags: Sequence[str],
    properties: Mapping[str, Mapping[str, Any]] | None = None,
    required: Sequence[str] | None = None,
) -> StackValidationPolicy:
    """A StackValidationPolicy that calls `check(resources, config, report)`."""
    schema = _schema(properties, required)

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        check(list(args.resources), config_of(args.get_config, schema), report_violation)

    return StackValidationPolicy(
        name=name,
        description=description,
        validate=validate,
        enforcement_level=level,
        config_schema=schema,
        severity=Severity(severity),
        remediation_steps=remediation,
        tags=list(tags),
    )
