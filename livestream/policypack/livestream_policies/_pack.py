"""What the rules need beyond the pure wire vocabulary: `pulumi_policy` proxies, references, policy builders.

Inside the real analyzer properties are `pulumi_policy` unknown-checking proxies: a value unknown
during preview raises `UnknownValueError` on access. Resource rules let it propagate (the analyzer
turns it into an advisory "can't run during preview" note); stack rules skip the resource it
belongs to (`known`). The pure readers and type tokens come from `livestream.wire`; the rules see
both through `livestream_policies._wire`.
"""

from __future__ import annotations

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

from livestream.wire import medialive, tokens
from livestream.wire.iam import statements
from livestream.wire.props import arn_resource, get, items, plain, truthy

T = TypeVar("T")

MANDATORY = EnforcementLevel.MANDATORY
ADVISORY = EnforcementLevel.ADVISORY

# --- the kinds the rules judge --------------------------------------------------------------------
# Each is a kind of `livestream.wire.tokens`, with the types its rules were written and tested
# against. For these that is the classic provider's: several aws-native shapes differ (buckets
# carry public-access, encryption, versioning and lifecycle settings inline; bucket, topic, key and
# IAM policies are `policyDocument` objects; budgets nest everything under `budget`; function URLs
# spell `authType`), and a classic rule would then report settings that are there, or pass ones
# that are not. A kind gains `tokens.X.native` when its rules read and test those shapes; kinds
# whose rules already do are re-exported whole by `_wire`.

BUCKETS = tokens.BUCKETS.classic
BUCKET_POLICIES = tokens.BUCKET_POLICIES.classic
BUDGETS = tokens.BUDGETS.classic
DASHBOARDS = tokens.DASHBOARDS.classic
IAM_MANAGED_POLICIES = tokens.IAM_MANAGED_POLICIES.classic
IAM_POLICY_HOLDERS = tokens.IAM_POLICY_HOLDERS.classic
IAM_ROLES = tokens.IAM_ROLES.classic
KMS_KEYS = tokens.KMS_KEYS.classic
LAMBDA_FUNCTION_URLS = tokens.LAMBDA_FUNCTION_URLS.classic
LAMBDA_FUNCTIONS = tokens.FUNCTIONS.classic
LAMBDA_PERMISSIONS = tokens.LAMBDA_PERMISSIONS.classic
LOG_DELIVERY_SOURCES = tokens.LOG_DELIVERY_SOURCES.classic
LOG_GROUPS = tokens.LOG_GROUPS.classic
METRIC_ALARMS = tokens.METRIC_ALARMS.classic
# Metric and composite alarms: both notify through alarmActions (composite alarms have no wire vocabulary yet).
ALARMS = (*METRIC_ALARMS, "aws:cloudwatch/compositeAlarm:CompositeAlarm")
SCHEDULES = tokens.SCHEDULES.classic
SECRETS = tokens.SECRETS.classic
SNS_TOPIC_POLICIES = tokens.TOPIC_POLICIES.classic
SNS_TOPICS = tokens.TOPICS.classic
SQS_QUEUES = tokens.QUEUES.classic


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


def known_statements(resource: PolicyResource, key: str) -> list[Mapping[str, Any]] | None:
    """The statements of the policy document at `key` on a resource; None while any of it is unknown."""
    return known(lambda: statements(get(resource.props, key)), None)


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


def built_from(resource: PolicyResource, key: str, target: PolicyResource) -> bool:
    """Was `resource`'s property `key` built from `target`'s outputs (its `propertyDependencies` name the target)?"""
    return any(d.urn == target.urn for d in (resource.property_dependencies or {}).get(key) or [])


def refers_to(resource: PolicyResource, key: str, target: PolicyResource, target_values: set[str]) -> bool:
    """Does `resource`'s property `key` point at `target`?

    During `pulumi preview` the engine sends `propertyDependencies`, so the property that was
    built from the target's output names it even while its value is still unknown; once values
    are known (and offline, under mocks) the value itself matches one of the target's ids.
    """
    if built_from(resource, key, target):
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
    channels = of_type(resources, tokens.MEDIALIVE_CHANNELS)
    return {name for channel in channels for name in medialive.recording_buckets(known_items(channel, "destinations"))}


def archive_buckets(resources: Sequence[PolicyResource]) -> list[PolicyResource]:
    """The buckets a MediaLive channel in this stack writes to."""
    targets = medialive_destination_buckets(resources)
    return [b for b in of_type(resources, BUCKETS) if bucket_names(b) & targets]


def is_versioned(resources: Sequence[PolicyResource], bucket: PolicyResource) -> bool:
    """Versioning enabled by a BucketVersioning resource or the legacy inline `versioning` argument."""
    for versioning in resources_for_bucket(resources, tokens.VERSIONING_CONFIGS, bucket):
        if known(lambda v=versioning: get(v.props, "versioningConfiguration", "status"), None) == "Enabled":
            return True
    return known(lambda: truthy(get(bucket.props, "versioning", "enabled")), False)


def origin_name(origin: Any, resource_type: str) -> str:
    """What a report calls a distribution's origin: its id (aws-native `id`, classic `originId`), else its domain."""
    id_key = "id" if resource_type == tokens.NATIVE_DISTRIBUTION else "originId"
    return str(get(origin, id_key) or get(origin, "domainName"))


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
