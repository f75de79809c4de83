"""Cost guard rails: what a channel is allowed to cost, and that nothing bills while idle.

Limits come from the policy config (see `policies/config/*.json`). Like every rule, these read
resources through the pure wire vocabulary `livestream.wire` (the ladder rule through its one
rendition reader, which the cost model and `livestream plan` use too). The group's stack-wide
rules (stop schedule, budget, monthly estimate) live in `spend`; `POLICIES` lists them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream.wire import cloudfront
from livestream.wire.medialive import INPUT_CLASS_LINES, renditions
from livestream_policies import _wire as w
from livestream_policies.spend import budget_exists, monthly_cost, stop_schedule

INPUT_RESOLUTIONS = ("SD", "HD", "UHD")
INPUT_BITRATES = ("MAX_10_MBPS", "MAX_20_MBPS", "MAX_50_MBPS")
INPUT_CODECS = ("MPEG2", "AVC", "HEVC")
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")


# --- medialive-channel-class ------------------------------------------------------------------


def _check_channel_class(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    channel_class = w.get(props, "channelClass") or "STANDARD"  # MediaLive's default class is STANDARD
    if channel_class == "STANDARD" and not config["allowStandard"]:
        report(
            "channelClass is STANDARD: two pipelines bill about twice a SINGLE_PIPELINE channel. Set channelClass "
            "'SINGLE_PIPELINE', or set allowStandard for stacks that need pipeline redundancy (prod)."
        )


channel_class = w.resource_policy(
    name="medialive-channel-class",
    description=(
        "MediaLive channels are SINGLE_PIPELINE unless the stack allows STANDARD (two pipelines, about twice the price). "
        "Equivalents: none (our addition). "
        "Fix: channelClass='SINGLE_PIPELINE', or allowStandard=true in this stack's policy config."
    ),
    types=w.MEDIALIVE_CHANNELS,
    check=_check_channel_class,
    level=w.MANDATORY,
    severity="medium",
    remediation="Set channelClass='SINGLE_PIPELINE', or allowStandard: true for stacks that need redundancy.",
    tags=["cost", "medialive"],
    properties={"allowStandard": {"type": "boolean", "default": False, "description": "Allow STANDARD (two-pipeline) channels."}},
)


# --- medialive-input-spec-ceiling -------------------------------------------------------------


def _check_input_spec(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    spec = w.get(props, "inputSpecification")
    if spec is None:
        report("inputSpecification is not set; MediaLive prices the input by it. Set codec, inputResolution and maximumBitrate.")
        return
    checks = (
        ("inputResolution", INPUT_RESOLUTIONS, config["maxInputResolution"]),
        ("maximumBitrate", INPUT_BITRATES, config["maxInputBitrate"]),
    )
    for key, order, ceiling in checks:
        value = w.get(spec, key)
        if value not in order or order.index(value) > order.index(ceiling):
            report(
                f"inputSpecification.{key} is {value!r}; this stack allows up to {ceiling}. A higher input class raises "
                f"the per-hour input and encoding price: set {key} to {ceiling} or lower."
            )
    codec = w.get(spec, "codec")
    if codec not in config["allowedCodecs"]:
        report(f"inputSpecification.codec is {codec!r}; allowed: {config['allowedCodecs']}.")


input_spec_ceiling = w.resource_policy(
    name="medialive-input-spec-ceiling",
    description=(
        "A MediaLive channel's input specification (resolution class, maximum bitrate, codec) stays within the stack's "
        "ceiling. Equivalents: none (our addition). Fix: lower inputSpecification.inputResolution / maximumBitrate."
    ),
    types=w.MEDIALIVE_CHANNELS,
    check=_check_input_spec,
    level=w.MANDATORY,
    severity="medium",
    remediation="Set inputSpecification.inputResolution and maximumBitrate to the smallest class the contribution stream needs.",
    tags=["cost", "medialive"],
    properties={
        "maxInputResolution": {"type": "string", "enum": list(INPUT_RESOLUTIONS), "default": "HD"},
        "maxInputBitrate": {"type": "string", "enum": list(INPUT_BITRATES), "default": "MAX_20_MBPS"},
        "allowedCodecs": {
            "type": "array",
            "items": {"type": "string", "enum": list(INPUT_CODECS)},
            "default": ["MPEG2", "AVC"],
            "description": "HEVC input is billed at a higher rate.",
        },
    },
)


# --- medialive-ladder-ceiling -----------------------------------------------------------------


def _check_ladder(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    ladder = renditions(props)
    if len(ladder) > config["maxRenditions"]:
        report(
            f"encoderSettings.videoDescriptions has {len(ladder)} renditions; this stack allows {config['maxRenditions']}. "
            "Every rendition adds encoding and delivery cost: drop rungs."
        )
    source_lines = INPUT_CLASS_LINES.get(str(w.get(props, "inputSpecification", "inputResolution")), 1080)
    for name, _, height, bitrate in ladder:
        lines = height if height is not None else float(source_lines)
        if lines > config["maxTopHeight"]:
            how = f"height {lines:.0f}" if height is not None else f"no height (follows the source, up to {source_lines} lines)"
            report(
                f"video description {name!r} has {how}; this stack allows up to {config['maxTopHeight']} lines. Set height lower."
            )
        if bitrate is None:
            report(f"video description {name!r} sets neither bitrate nor maxBitrate, so its cost is unbounded; set one.")
    total_kbps = sum(b for _, _, _, b in ladder if b is not None) / 1000
    if total_kbps > config["maxTotalBitrateKbps"]:
        report(
            f"the ladder's video bitrates add up to {total_kbps:.0f} kbps; "
            f"this stack allows {config['maxTotalBitrateKbps']} kbps. Lower the rungs' bitrates or drop a rung."
        )


ladder_ceiling = w.resource_policy(
    name="medialive-ladder-ceiling",
    description=(
        "A MediaLive channel's ABR ladder stays within the stack's ceiling: number of renditions, top height and total "
        "video bitrate. Equivalents: none (our addition). Fix: use a smaller ladder preset or fewer, lower rungs."
    ),
    types=w.MEDIALIVE_CHANNELS,
    check=_check_ladder,
    level=w.MANDATORY,
    severity="medium",
    remediation="Reduce encoderSettings.videoDescriptions: fewer rungs, a lower top height, lower bitrates.",
    tags=["cost", "medialive", "ladder"],
    properties={
        "maxRenditions": {"type": "integer", "minimum": 1, "default": 5},
        "maxTopHeight": {"type": "integer", "minimum": 144, "default": 1080},
        "maxTotalBitrateKbps": {"type": "number", "exclusiveMinimum": 0, "default": 15000},
    },
)


# --- cloudfront-price-class -------------------------------------------------------------------


def _check_price_class(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    price_class = cloudfront.price_class(props, args.resource_type) or "PriceClass_All"  # CloudFront's default
    if price_class not in config["allowedPriceClasses"]:
        report(
            f"priceClass is {price_class!r}; allowed: {config['allowedPriceClasses']}. PriceClass_200 covers North America, "
            "Europe, Asia (incl. Korea and Japan); PriceClass_100 only North America and Europe."
        )


price_class = w.resource_policy(
    name="cloudfront-price-class",
    description=(
        "CloudFront distributions use an allowed price class (an unset priceClass means PriceClass_All). "
        "Equivalents: none (our addition). Fix: set priceClass to one the stack allows, covering where the viewers are."
    ),
    types=w.DISTRIBUTIONS,
    check=_check_price_class,
    level=w.MANDATORY,
    severity="low",
    remediation="Set priceClass explicitly, e.g. 'PriceClass_200' for viewers in Korea/Japan, 'PriceClass_100' for US/Europe.",
    tags=["cost", "cloudfront"],
    properties={
        "allowedPriceClasses": {
            "type": "array",
            "items": {"type": "string", "enum": list(PRICE_CLASSES)},
            "default": ["PriceClass_100", "PriceClass_200"],
        }
    },
)


# --- medialive-no-auto-start ------------------------------------------------------------------


def _check_auto_start(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    if w.truthy(w.get(props, "startChannel")) and not config["allowAutoStart"]:
        report(
            "startChannel is true: the channel starts billing the moment it is deployed and runs until someone stops it. "
            "Set startChannel false and start it by schedule or on demand."
        )


no_auto_start = w.resource_policy(
    name="medialive-no-auto-start",
    description=(
        "MediaLive channels are not started by the deployment (startChannel), so they bill only when started on purpose. "
        "Equivalents: none (our addition). Fix: startChannel=false; start by schedule or on demand."
    ),
    types=w.MEDIALIVE_CHANNELS,
    check=_check_auto_start,
    level=w.MANDATORY,
    severity="medium",
    remediation="Set startChannel=false and start the channel with the scheduler or the control function.",
    tags=["cost", "medialive"],
    properties={"allowAutoStart": {"type": "boolean", "default": False}},
)


# --- archive-lifecycle ------------------------------------------------------------------------


def _rule_summary(rule: Mapping[str, Any], noncurrent_days: str) -> dict[str, Any]:
    """What the lifecycle check asks of one enabled rule; a transition by date counts as day 0."""
    return {
        "expires": bool(w.get(rule, "expiration", "days") or w.get(rule, "expiration", "date")),
        "transitions": [w.get(t, "days", default=0 if w.get(t, "date") else None) for t in w.items(rule, "transitions")],
        "noncurrent": w.get(rule, "noncurrentVersionExpiration", noncurrent_days) is not None,
    }


def _normalised_rules(resources: list[PolicyResource], bucket: PolicyResource) -> list[dict[str, Any]]:
    """Enabled lifecycle rules of a bucket: standalone configurations and the legacy inline `lifecycleRules`
    (which spell the rule's switch `enabled` and the noncurrent expiry `days`)."""
    configured = [
        rule
        for config in w.resources_for_bucket(resources, w.LIFECYCLE_CONFIGS, bucket)
        for rule in w.known_items(config, "rules")
        if rule.get("status") == "Enabled"
    ]
    inline = [rule for rule in w.known_items(bucket, "lifecycleRules") if w.truthy(rule.get("enabled"))]
    return [_rule_summary(r, "noncurrentDays") for r in configured] + [_rule_summary(r, "days") for r in inline]


def _check_lifecycle(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    archives = {b.urn for b in w.archive_buckets(resources)}
    buckets = w.of_type(resources, w.BUCKETS)
    in_scope = buckets if config["scope"] == "all" else [b for b in buckets if b.urn in archives]
    for bucket in in_scope:
        rules = _normalised_rules(resources, bucket)
        # A site bucket whose objects the stack declares: the deployment deletes what it stops declaring.
        declared = bucket.urn not in archives and bool(w.resources_for_bucket(resources, w.BUCKET_OBJECTS, bucket))
        problems: list[str] = []
        if not rules:
            problems.append("has no enabled lifecycle rule (add a BucketLifecycleConfiguration)")
        if rules and config["requireExpiration"] and not declared and not any(r["expires"] for r in rules):
            problems.append("never expires objects (add expiration.days to a rule)")
        if (
            rules
            and config["requireNoncurrentExpiration"]
            and w.is_versioned(resources, bucket)
            and not any(r["noncurrent"] for r in rules)
        ):
            problems.append("is versioned but never expires noncurrent versions, so deleted and expired objects keep billing")
        if bucket.urn in archives and config["requireTransition"]:
            days = [d for r in rules for d in r["transitions"] if d is not None]
            if not days or min(days) > config["maxTransitionDays"]:
                problems.append(
                    f"records MediaLive archives but moves none to a colder class within {config['maxTransitionDays']} days "
                    f"(transitions found: {days or 'none'})"
                )
        for problem in problems:
            report(f"{w.label(bucket)} {problem}.", bucket.urn)


archive_lifecycle = w.stack_policy(
    name="archive-lifecycle",
    description=(
        "S3 buckets have a lifecycle: objects expire (noncurrent versions too when versioned), and buckets MediaLive "
        "records into move to a colder class within maxTransitionDays when requireTransition. "
        "Equivalents: Security Hub S3.13 and S3.10, Checkov CKV2_AWS_61. "
        "Fix: add a BucketLifecycleConfiguration with expiration (and transitions)."
    ),
    check=_check_lifecycle,
    level=w.MANDATORY,
    severity="medium",
    remediation=(
        "Add aws.s3.BucketLifecycleConfiguration with an Enabled rule: expiration.days, noncurrentVersionExpiration "
        "for versioned buckets, and transitions to GLACIER for the archive."
    ),
    tags=["cost", "s3", "archive"],
    properties={
        "scope": {
            "type": "string",
            "enum": ["all", "archive"],
            "default": "all",
            "description": "'all' buckets, or only 'archive' buckets (those a MediaLive channel writes to).",
        },
        "requireExpiration": {"type": "boolean", "default": True},
        "requireNoncurrentExpiration": {"type": "boolean", "default": True},
        "requireTransition": {
            "type": "boolean",
            "default": False,
            "description": "Archive buckets must transition objects to a colder storage class.",
        },
        "maxTransitionDays": {"type": "integer", "minimum": 0, "default": 90},
    },
)


# --- log-retention-cost-ceiling ---------------------------------------------------------------


def _check_retention_ceiling(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    days = w.number(w.get(props, "retentionInDays"))
    if not days:
        report(
            f"retentionInDays is not set: the logs are stored (and billed) forever; this stack keeps at most "
            f"{config['maxRetentionDays']} days."
        )
    elif days > config["maxRetentionDays"]:
        report(f"retentionInDays is {days:.0f}; this stack pays for at most {config['maxRetentionDays']} days of logs.")


log_retention_ceiling = w.resource_policy(
    name="log-retention-cost-ceiling",
    description=(
        "CloudWatch log groups keep logs at most maxRetentionDays (log storage bills per GB-month). "
        "Equivalents: none (our addition: a cost ceiling, not a security control). Fix: lower retentionInDays."
    ),
    types=w.LOG_GROUPS,
    check=_check_retention_ceiling,
    level=w.MANDATORY,
    severity="low",
    remediation="Set retention_in_days on aws.cloudwatch.LogGroup to at most the stack's maxRetentionDays.",
    tags=["cost", "logs"],
    properties={"maxRetentionDays": {"type": "integer", "minimum": 1, "default": 3653}},
)


POLICIES = [
    channel_class,
    input_spec_ceiling,
    ladder_ceiling,
    price_class,
    no_auto_start,
    archive_lifecycle,
    stop_schedule,
    budget_exists,
    monthly_cost,
    log_retention_ceiling,
]
