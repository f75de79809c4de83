"""Cost guard rails: what a channel is allowed to cost, and that nothing bills while idle.

Limits come from the policy config (see `policies/config/*.json`). Like every rule, these read
resources through the pure wire vocabulary `livestream.wire` (the ladder rule through its one
rendition reader, which the cost model and `livestream plan` use too). The monthly-estimate rule
also uses the pure cost model `livestream.cost`: its `usage_from_wire` reads the stack's
resources as `livestream plan` does; it is imported when that rule runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream.wire.medialive import INPUT_CLASS_LINES, renditions
from livestream_policies import _wire as w

if TYPE_CHECKING:
    from livestream.cost import Usage

INPUT_RESOLUTIONS = ("SD", "HD", "UHD")
INPUT_BITRATES = ("MAX_10_MBPS", "MAX_20_MBPS", "MAX_50_MBPS")
INPUT_CODECS = ("MPEG2", "AVC", "HEVC")
PRICE_CLASSES = ("PriceClass_100", "PriceClass_200", "PriceClass_All")
STOP_ACTIONS = ("stop", "stop-if-idle")
UNIVERSAL_STOP_TARGET = "arn:aws:scheduler:::aws-sdk:medialive:stopChannel"


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
    dist = w.get(props, "distributionConfig", default={}) if args.resource_type == w.NATIVE_DISTRIBUTION else props
    price_class = w.get(dist, "priceClass") or "PriceClass_All"  # CloudFront's default
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


# --- channel-stop-schedule --------------------------------------------------------------------


def channel_ids(channel: PolicyResource) -> set[str]:
    """What a control function or a schedule may call the channel: its id, or its ARN."""
    ids = w.reference_values(channel, "channelId", "id", "arn")
    return ids | {i.rsplit(":", 1)[-1] for i in ids if i.startswith("arn:")}


def _function_targets(function: PolicyResource) -> set[str]:
    return w.reference_values(function, "arn", "name", "qualifiedArn", "invokeArn")


def _function_channels(function: PolicyResource, variable: str, channels: list[PolicyResource]) -> set[str]:
    """URNs of the channels a control function acts on: listed in its environment, or feeding it (preview)."""
    raw = w.known(lambda: w.get(function.props, "environment", "variables", variable), None)
    listed = {p.strip() for p in str(raw).split(",") if p.strip()} if raw is not None else set()
    deps = {d.urn for d in (function.property_dependencies or {}).get("environment", [])} if raw is None else set()
    return {c.urn for c in channels if channel_ids(c) & listed or c.urn in deps}


def _check_stop_schedule(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    channels = w.of_type(resources, w.MEDIALIVE_CHANNELS)
    if not channels:
        return
    functions = w.of_type(resources, w.LAMBDA_FUNCTIONS)
    covered: set[str] = set()
    for schedule in w.of_type(resources, w.SCHEDULES):
        state, target, payload = w.known(
            lambda s=schedule: (
                w.get(s.props, "state"),
                w.get(s.props, "target", "arn"),
                w.json_value(w.get(s.props, "target", "input")),
            ),
            (None, None, None),
        )
        if state == "DISABLED" or not isinstance(target, str):
            continue
        if target.startswith(UNIVERSAL_STOP_TARGET):
            wanted = {str(w.get(payload, "ChannelId"))}
            covered |= {c.urn for c in channels if channel_ids(c) & wanted}
            continue
        if w.get(payload, "action") not in config["actions"]:
            continue
        narrowed = set(w.strings(w.get(payload, "channelIds")))
        for function in functions:
            names = _function_targets(function)
            if not any(target == n or target.startswith(n + ":") for n in names):
                continue
            acted_on = _function_channels(function, config["channelIdsVariable"], channels)
            if narrowed:
                acted_on = {c.urn for c in channels if c.urn in acted_on and channel_ids(c) & narrowed}
            covered |= acted_on
    for channel in channels:
        if channel.urn not in covered:
            report(
                f"{w.label(channel)} has no enabled stop schedule: nothing stops it if someone forgets, and a running channel "
                f'bills every minute. Add an EventBridge Scheduler schedule with input {{"action": "stop"}} or '
                f'{{"action": "stop-if-idle"}} targeting a control function whose {config["channelIdsVariable"]} lists '
                "this channel (or the aws-sdk:medialive:stopChannel universal target).",
                channel.urn,
            )


stop_schedule = w.stack_policy(
    name="channel-stop-schedule",
    description=(
        "Every MediaLive channel is covered by an enabled stop schedule or idle auto-stop: an EventBridge Scheduler "
        "schedule whose input action is 'stop' or 'stop-if-idle', targeting a Lambda whose CHANNEL_IDS lists the channel. "
        "Equivalents: none (our addition). Fix: configure a stop time or idleStopMinutes."
    ),
    check=_check_stop_schedule,
    level=w.MANDATORY,
    severity="high",
    remediation="Add a schedule (stop cron or idle auto-stop) targeting the channel-control function that lists this channel.",
    tags=["cost", "medialive", "scheduler"],
    properties={
        "actions": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(STOP_ACTIONS),
            "description": "Control-function actions that stop a channel.",
        },
        "channelIdsVariable": {
            "type": "string",
            "default": "CHANNEL_IDS",
            "description": "Environment variable of the control function listing the channel ids (comma-separated).",
        },
    },
)


# --- budget-exists ----------------------------------------------------------------------------

_MONTHS_PER_PERIOD = {"DAILY": 1 / 30, "MONTHLY": 1.0, "QUARTERLY": 3.0, "ANNUALLY": 12.0}


def monthly_budget_usd(budget: PolicyResource) -> float | None:
    """The budget's limit per month in USD, or None if it is not a USD cost budget."""
    props = budget.props
    if w.get(props, "budgetType") != "COST":
        return None
    months = _MONTHS_PER_PERIOD.get(str(w.get(props, "timeUnit")))
    if months is None:
        return None
    amounts = [(w.number(w.get(props, "limitAmount")), w.get(props, "limitUnit"))]
    amounts += [(w.number(w.get(p, "amount")), w.get(p, "unit")) for p in w.items(props, "plannedLimits")]
    usd = [a for a, unit in amounts if a is not None and unit == "USD"]
    return max(usd) / months if usd else None


def _check_budget(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    budgets = w.of_type(resources, w.BUDGETS)
    limit = float(config["maxMonthlyUsd"])
    if not budgets:
        report(
            f"the stack has no AWS Budgets budget. Add an aws.budgets.Budget (budgetType COST, timeUnit MONTHLY, limitUnit USD, "
            f"limitAmount <= {limit:g}) with an e-mail or SNS notification."
        )
    for budget in budgets:
        monthly = w.known(lambda b=budget: monthly_budget_usd(b), -1.0)
        if monthly is not None and monthly < 0:
            continue  # unknown during preview: judged at `pulumi up`
        if monthly is None:
            report(f"{w.label(budget)} is not a USD COST budget with a DAILY/MONTHLY/QUARTERLY/ANNUALLY period.", budget.urn)
        elif monthly > limit:
            report(
                f"{w.label(budget)} allows ${monthly:,.2f}/month; this stack's ceiling is ${limit:,.2f}. Lower limitAmount.",
                budget.urn,
            )
        notified = w.known(
            lambda b=budget: any(
                w.strings(w.get(n, "subscriberEmailAddresses")) or w.strings(w.get(n, "subscriberSnsTopicArns"))
                for n in w.items(b.props, "notifications")
            ),
            True,
        )
        if config["requireNotification"] and not notified:
            report(
                f"{w.label(budget)} notifies nobody; add notifications with subscriberEmailAddresses or subscriberSnsTopicArns.",
                budget.urn,
            )


budget_exists = w.stack_policy(
    name="budget-exists",
    description=(
        "The stack has a monthly USD cost budget no higher than maxMonthlyUsd, which notifies someone. "
        "Equivalents: none (our addition). Fix: add an aws.budgets.Budget (COST, MONTHLY, USD) with notifications."
    ),
    check=_check_budget,
    level=w.MANDATORY,
    severity="medium",
    remediation=(
        "Add aws.budgets.Budget(budget_type='COST', time_unit='MONTHLY', limit_unit='USD', limit_amount=..., "
        "notifications=[...])."
    ),
    tags=["cost", "budgets"],
    properties={
        "maxMonthlyUsd": {"type": "number", "exclusiveMinimum": 0, "default": 500},
        "requireNotification": {"type": "boolean", "default": True},
    },
)


# --- monthly-cost-limit -----------------------------------------------------------------------


def _region(resources: list[PolicyResource], configured: str) -> str:
    if configured:
        return configured
    for resource in resources:
        region = w.known(lambda r=resource: w.get(r.provider.props, "region") if r.provider else None, None)
        if isinstance(region, str) and region:
            return region
    for resource in w.of_type(resources, (*w.MEDIALIVE_CHANNELS, *w.BUCKETS, *w.LAMBDA_FUNCTIONS, *w.SNS_TOPICS)):
        for arn in w.reference_values(resource, "arn"):
            if w.arn_part(arn, 3):
                return str(w.arn_part(arn, 3))
    return "us-east-1"


# What the cost model reads to price a MediaLive channel. Unknown during preview, it raises, and the
# analyzer notes that the rule could not run; any other unknown value is left out of the estimate.
_PRICED_CHANNEL_PATHS = (("channelClass",), ("inputSpecification", "inputResolution"), ("encoderSettings", "videoDescriptions"))
_UNKNOWN = object()


def _known_copy(value: Any) -> Any:
    """A deep copy made of dicts and lists, without the entries that are unknown during preview."""
    if w.is_map(value):
        entries = ((str(k), w.known(lambda k=k: value[k], _UNKNOWN)) for k in value)
        return {k: _known_copy(v) for k, v in entries if v is not _UNKNOWN}
    if w.is_list(value):
        entries = (w.known(lambda i=i: value[i], _UNKNOWN) for i in range(len(value)))
        return [_known_copy(v) for v in entries if v is not _UNKNOWN]
    return value


def _wire_props(resource: PolicyResource, channel_types: Sequence[str]) -> dict[str, Any]:
    props = resource.props
    if resource.resource_type in channel_types:
        for path in _PRICED_CHANNEL_PATHS:
            w.plain(w.get(props, *path))  # raises while unknown
    copied: dict[str, Any] = _known_copy(props)
    if "bucket" not in copied:  # unknown during preview: the property dependency names the bucket
        deps = (resource.property_dependencies or {}).get("bucket") or []
        names = sorted(n for d in deps for n in w.bucket_names(d))
        if names:
            copied["bucket"] = names[0]
    return copied


def usage_from_resources(resources: list[PolicyResource], config: Mapping[str, Any]) -> Usage:
    """The cost model's `Usage` for a stack (`livestream.cost.usage_from_wire`): channels, ladders, archive lifecycle,
    schedules and counts from the resources; hours, viewing and the region (else inferred) from this rule's config."""
    from livestream import cost

    records = [cost.WireResource(r.resource_type, r.name, _wire_props(r, w.MEDIALIVE_CHANNELS)) for r in resources]
    return cost.usage_from_wire(
        records,
        region=_region(resources, str(config["region"])),
        hours_per_month=float(config["hoursPerMonth"]),
        viewer_hours_per_month=float(config["viewerHoursPerMonth"]),
        watched_kbps=float(config["watchedKbps"]),
        viewer_region=str(config["viewerRegion"]) or None,
    )


PLATFORM = "livestream:index:LiveStreamPlatform"  # the component records its validated settings as its `settings` input


def _under(resource: PolicyResource, root: PolicyResource) -> bool:
    parent = resource.parent
    while parent is not None:
        if parent.urn == root.urn:
            return True
        parent = parent.parent
    return False


def recorded_usages(resources: list[PolicyResource]) -> list[tuple[str, Usage]]:
    """Per LiveStreamPlatform, the usage its recorded settings imply (schedule and usage assumptions included), as
    `livestream plan` prices it; none when there is no platform or its settings cannot be read (then the config's
    assumptions apply)."""
    from livestream import cost

    found = []
    for platform in (r for r in resources if r.resource_type == PLATFORM):
        recorded = _known_copy(platform.props).get("settings") if platform.props else None
        if not isinstance(recorded, str):
            return []
        records = [
            cost.WireResource(r.resource_type, r.name, _wire_props(r, w.MEDIALIVE_CHANNELS))
            for r in resources
            if _under(r, platform)
        ]
        try:
            found.append((platform.name, cost.usage_from_recorded(json.loads(recorded), records)))
        except ValueError:  # ConfigError is a ValueError: a secret's placeholder offline, or an older record
            return []
    return found


def _check_monthly_cost(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    try:
        from livestream.cost import estimate
    except ImportError as error:
        report(
            f"cannot estimate the monthly cost: the cost model livestream.cost is not importable ({error}). Install the "
            "livestream package from the repository root (pip install -r policies/requirements.txt, run there)."
        )
        return
    limit = float(config["maxMonthlyUsd"])
    platforms = recorded_usages(resources)
    if platforms:
        _check_platforms(platforms, limit, report)
        return
    try:
        usage = usage_from_resources(resources, config)
        result = estimate(usage)
    except (ValueError, KeyError) as error:
        report(f"cannot estimate the monthly cost: {error}. Adjust this policy's usage assumptions.")
        return
    if result.monthly_usd > limit:
        biggest = sorted(result.items, key=lambda i: -i.monthly_usd)[:3]
        report(
            f"the stack is estimated at ${result.monthly_usd:,.2f}/month, above this stack's ceiling of ${limit:,.2f} "
            f"(assuming {config['hoursPerMonth']:g} channel-hours, {config['viewerHoursPerMonth']:g} viewer-hours at "
            f"{config['watchedKbps']:g} kbps, {usage.region}). Largest items: "
            + ", ".join(f"{i.name} ${i.monthly_usd:,.2f}" for i in biggest)
            + ". Shrink the ladder, run fewer hours, choose a cheaper price class or raise maxMonthlyUsd."
        )


def _check_platforms(platforms: list[tuple[str, Usage]], limit: float, report: ReportViolation) -> None:
    """The platforms' own settings priced, as `livestream plan` prices them: one total, whoever computes it."""
    from livestream.cost import estimate

    results = [(name, estimate(usage)) for name, usage in platforms]
    total = round(sum(result.monthly_usd for _, result in results), 2)
    if total > limit:
        biggest = sorted((i for _, r in results for i in r.items), key=lambda i: -i.monthly_usd)[:3]
        report(
            f"the stack is estimated at ${total:,.2f}/month, above this stack's ceiling of ${limit:,.2f} (from the settings "
            f"{', '.join(name for name, _ in results)} was built with: its schedule and usage assumptions). Largest items: "
            + ", ".join(f"{i.name} ${i.monthly_usd:,.2f}" for i in biggest)
            + ". Shrink the ladder, run fewer hours, choose a cheaper price class or raise maxMonthlyUsd."
        )


monthly_cost = w.stack_policy(
    name="monthly-cost-limit",
    description=(
        "The stack's estimated monthly cost (livestream.cost model: MediaLive, MediaPackage, CloudFront, S3, monitoring) "
        "stays within maxMonthlyUsd: a LiveStreamPlatform is priced from the settings it recorded (its schedule and usage, "
        "the same total `livestream plan` shows), other stacks under the configured usage assumptions. "
        "Equivalents: none (our addition). "
        "Fix: smaller ladder, fewer hours, "
        "cheaper price class — or a deliberate, higher limit."
    ),
    check=_check_monthly_cost,
    level=w.MANDATORY,
    severity="medium",
    remediation="Reduce the ladder, the channel hours (schedule, idle stop) or the CDN price class, or raise maxMonthlyUsd.",
    tags=["cost"],
    properties={
        "maxMonthlyUsd": {"type": "number", "exclusiveMinimum": 0, "default": 500},
        "hoursPerMonth": {
            "type": "number",
            "minimum": 0,
            "maximum": 744,
            "default": 120,
            "description": "Hours each channel runs per month (120 = 4 h/day).",
        },
        "viewerHoursPerMonth": {"type": "number", "minimum": 0, "default": 0},
        "watchedKbps": {"type": "number", "exclusiveMinimum": 0, "default": 1500},
        "region": {"type": "string", "default": "", "description": "AWS region to price; '' infers it from the stack."},
        "viewerRegion": {
            "type": "string",
            "default": "",
            "description": "CloudFront price group of the viewers (korea, japan, india, us_europe, ...); '' infers it.",
        },
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
