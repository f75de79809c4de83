"""Spend guard rails for a whole stack: every channel has a stop, a budget exists, the estimate fits.

Stack policies of the `cost` group (the group's list is in `cost.POLICIES`). The monthly-estimate
rule uses the pure cost model `livestream.cost`, imported when that rule runs: its
`usage_from_wire` reads the stack's resources as `livestream plan` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pulumi_policy import PolicyResource, ReportViolation

from livestream.wire import WireResource
from livestream_policies import _wire as w

if TYPE_CHECKING:
    from livestream.cost import Estimate, Usage

STOP_ACTIONS = ("stop", "stop-if-idle")
# EventBridge Scheduler's universal target calling MediaLive StopChannel (also what scheduled-stop-failure-noticed
# counts as a stop).
UNIVERSAL_STOP_TARGET = "arn:aws:scheduler:::aws-sdk:medialive:stopChannel"


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
    if raw is None:
        return {c.urn for c in channels if w.built_from(function, "environment", c)}
    listed = {p.strip() for p in str(raw).split(",") if p.strip()}
    return {c.urn for c in channels if channel_ids(c) & listed}


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


def _wire_props(resource: PolicyResource) -> dict[str, Any]:
    props = resource.props
    if resource.resource_type in w.MEDIALIVE_CHANNELS:
        for path in _PRICED_CHANNEL_PATHS:
            w.plain(w.get(props, *path))  # raises while unknown
    copied: dict[str, Any] = _known_copy(props)
    if "bucket" not in copied:  # unknown during preview: the property dependency names the bucket
        deps = (resource.property_dependencies or {}).get("bucket") or []
        names = sorted(n for d in deps for n in w.bucket_names(d))
        if names:
            copied["bucket"] = names[0]
    return copied


def _wire_records(resources: Iterable[PolicyResource]) -> list[WireResource]:
    """The resources as the cost model reads them (`livestream.wire.WireResource`)."""
    return [WireResource(r.resource_type, r.name, _wire_props(r)) for r in resources]


def usage_from_resources(resources: list[PolicyResource], config: Mapping[str, Any]) -> Usage:
    """The cost model's `Usage` for a stack (`livestream.cost.usage_from_wire`): channels, ladders, archive lifecycle,
    schedules and counts from the resources; hours, viewing and the region (else inferred) from this rule's config."""
    from livestream import cost

    return cost.usage_from_wire(
        _wire_records(resources),
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
        records = _wire_records(r for r in resources if _under(r, platform))
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
        basis = (
            f"assuming {config['hoursPerMonth']:g} channel-hours, {config['viewerHoursPerMonth']:g} viewer-hours at "
            f"{config['watchedKbps']:g} kbps, {usage.region}"
        )
        _report_over_limit(result.monthly_usd, limit, basis, [result], report)


def _check_platforms(platforms: list[tuple[str, Usage]], limit: float, report: ReportViolation) -> None:
    """The platforms' own settings priced, as `livestream plan` prices them: one total, whoever computes it."""
    from livestream.cost import estimate

    results = [estimate(usage) for _, usage in platforms]
    total = round(sum(result.monthly_usd for result in results), 2)
    if total > limit:
        names = ", ".join(name for name, _ in platforms)
        basis = f"from the settings {names} was built with: its schedule and usage assumptions"
        _report_over_limit(total, limit, basis, results, report)


def _report_over_limit(total: float, limit: float, basis: str, results: Sequence[Estimate], report: ReportViolation) -> None:
    """The one over-the-ceiling message: the total, what it assumed, and the three largest items."""
    biggest = sorted((i for r in results for i in r.items), key=lambda i: -i.monthly_usd)[:3]
    report(
        f"the stack is estimated at ${total:,.2f}/month, above this stack's ceiling of ${limit:,.2f} ({basis}). "
        "Largest items: "
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
