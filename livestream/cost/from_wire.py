"""The `Usage` that any program's resources imply, read in wire format through `livestream.wire`.

`livestream plan` passes the inputs it captured, the policy pack's monthly-cost rule what it sees:
type tokens, camelCase properties, plain data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from livestream.cost.usage import ChannelUsage, Usage, firings_per_month, viewer_region_near
from livestream.wire import WireResource, cloudfront, medialive, of_type, tokens
from livestream.wire.props import arn_resource, get, items, number

# Usage fields that count resources, and the resources they count.
COUNTED = {
    "alarms": tokens.METRIC_ALARMS,
    "dashboards": tokens.DASHBOARDS,
    "budgets": tokens.BUDGETS,
    "secrets": tokens.SECRETS,
    "kms_keys": tokens.KMS_KEYS,
}
UNREAD_LADDER = ((1280, 720, 3_000_000),)  # a channel without a readable video description is priced as one 720p rung


def _ladder(props: Mapping[str, Any]) -> tuple[tuple[int, int, int], ...]:
    """(width, height, video bps) per rendition (`livestream.wire.medialive.renditions`); without a bitrate, 0 bps
    (MediaLive still bills the encode)."""
    lines = medialive.source_lines(props)
    return tuple((*r.size(lines), int(r.video_bitrate_bps or 0)) for r in medialive.renditions(props))


def _wire_channel(channel: WireResource, hours_per_month: float) -> ChannelUsage:
    return ChannelUsage(
        name=channel.name,
        pipeline=medialive.channel_class(channel.props),
        input_resolution=medialive.input_class(channel.props),
        renditions=_ladder(channel.props) or UNREAD_LADDER,
        hours_per_month=hours_per_month,
    )


def _bucket_alias(value: Any) -> str | None:
    """A bucket reference by name or by ARN (`arn:aws:s3:::name`), as its name."""
    return arn_resource(value) if isinstance(value, str) and value else None


def _recording_buckets(resources: Sequence[WireResource]) -> set[str]:
    """Every name (host, id, ARN) of the buckets the channels record into."""
    hosts = {
        host
        for channel in of_type(resources, tokens.MEDIALIVE_CHANNELS)
        for host in medialive.recording_buckets(get(channel.props, "destinations"))
    }
    names = set(hosts)
    for bucket in of_type(resources, tokens.BUCKETS):
        aliases = {a for key in ("bucket", "bucketName", "id", "arn") if (a := _bucket_alias(get(bucket.props, key)))}
        if aliases & hosts:
            names |= aliases
    return names


def _archive_lifecycle(resources: Sequence[WireResource]) -> tuple[bool, int | None, int | None]:
    """(found, expiry days, Glacier-after days) of the buckets the channels record into (s3:// or s3ssl:// destinations).

    A lifecycle configuration applies when its bucket is a destination host, or another name (id, ARN) of
    the bucket resource that host names. The earliest enabled expiration and transition win. Without a
    lifecycle the archive never expires and stays in Standard; without any recording the model's defaults stand.
    """
    names = _recording_buckets(resources)
    if not names:
        return False, None, None
    expirations: list[float] = []
    transitions: list[float] = []
    for config in of_type(resources, tokens.LIFECYCLE_CONFIGS):
        if _bucket_alias(get(config.props, "bucket")) not in names:
            continue
        for rule in items(config.props, "rules"):
            if get(rule, "status") != "Enabled":
                continue
            if days := number(get(rule, "expiration", "days")):
                expirations.append(days)
            transitions += [d for t in items(rule, "transitions") if (d := number(get(t, "days"))) is not None]
    return True, int(min(expirations)) if expirations else None, int(min(transitions)) if transitions else None


def _schedule_firings(resources: Sequence[WireResource]) -> tuple[float, float]:
    """Monthly firings of the enabled schedules: all of them, and those that invoke a Lambda function."""
    function_arns = {arn for f in of_type(resources, tokens.FUNCTIONS) if isinstance(arn := get(f.props, "arn"), str) and arn}
    total = to_lambda = 0.0
    for schedule in of_type(resources, tokens.SCHEDULES):
        props = schedule.props
        if get(props, "state") == "DISABLED":
            continue
        firings = firings_per_month(get(props, "scheduleExpression"), str(get(props, "scheduleExpressionTimezone") or "UTC"))
        total += firings
        target = str(get(props, "target", "arn") or "")
        if ":lambda:" in target or any(target.startswith(arn) for arn in function_arns):
            to_lambda += firings
    return total, to_lambda


def resource_counts(resources: Iterable[WireResource]) -> dict[str, int]:
    """How many of each separately billed resource there are, by `Usage` field (`COUNTED`)."""
    types = [r.type for r in resources]
    return {name: sum(1 for t in types if t in kind) for name, kind in COUNTED.items()}


def usage_from_wire(
    resources: Iterable[WireResource],
    *,
    region: str,
    hours_per_month: float,
    viewer_hours_per_month: float,
    watched_kbps: float = 1500.0,
    viewer_region: str | None = None,
) -> Usage:
    """The usage a set of wire-format resources implies.

    From the resources: MediaLive channels (pipeline class, input class, ladder; by name), the recording
    buckets' lifecycle, schedule firings (from their expressions; those targeting Lambda invoke it) and
    the counted resources. From the caller: the region, the hours each channel runs, viewing, and the
    viewers' CloudFront price group (default: PriceClass_100 means us_europe, otherwise near `region`).
    """
    resources = list(resources)
    channels = sorted(of_type(resources, tokens.MEDIALIVE_CHANNELS), key=lambda r: r.name)
    if not viewer_region:
        classes = {cloudfront.price_class(d.props, d.type) for d in of_type(resources, tokens.DISTRIBUTIONS)}
        viewer_region = viewer_region_near(classes, region)
    firings, lambda_firings = _schedule_firings(resources)
    usage = Usage(
        region=region,
        channels=tuple(_wire_channel(c, hours_per_month) for c in channels),
        viewer_hours_per_month=viewer_hours_per_month,
        watched_kbps=watched_kbps,
        viewer_region=viewer_region,
        scheduler_invocations_per_month=round(firings),
        lambda_invocations_per_month=round(lambda_firings),
        recordings=None,  # not read from wire resources: harvests depend on how channels are used
        **resource_counts(resources),
    )
    found, expire_days, glacier_days = _archive_lifecycle(resources)
    return replace(usage, archive_retention_days=expire_days, glacier_after_days=glacier_days) if found else usage


def usage_from_recorded(recorded: Mapping[str, Any], resources: Iterable[WireResource]) -> Usage:
    """A `LiveStreamPlatform`'s usage from the settings it recorded (its `settings` input, `settings.as_args`), with
    the alarm, dashboard, budget, secret and key counts of its resources: what `livestream plan` and the policy
    pack's monthly-cost rule both price. Raises `ConfigError` for settings it cannot read back."""
    from livestream.cost.usage import usage_from_settings
    from livestream.model.settings import load_recorded

    counts = resource_counts(resources)
    usage = usage_from_settings(
        load_recorded(recorded),
        alarms=counts["alarms"],
        dashboards=counts["dashboards"],
        budgets=counts["budgets"],
        kms_keys=counts["kms_keys"],
    )
    return replace(usage, secrets=counts["secrets"]) if counts["secrets"] else usage
