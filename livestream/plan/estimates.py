"""Cost and latency of a plan: from the stack's `livestream:*` settings, else from the planned resources.

Basis, in order:
- `settings`: the stack config has `livestream:channels`: the `livestream:*` keys go through the
  settings model (usage assumptions from `livestream:usage`, the schedule's hours); the alarm,
  dashboard, budget, secret and KMS key counts are read from the plan;
- `resources`: no such config, but the plan has MediaLive channels (a program that builds
  `LiveStreamPlatform` from Python args, or raw providers): channels, pipeline class, input class and
  ladder from the captured channels, segment length and LL-HLS from the MediaPackage v2 endpoints,
  archive lifecycle, schedule firings and counts from the plan (`cost.usage_from_wire`, which the
  policy pack's monthly-cost rule uses too). Nothing says how long channels run or who watches, so
  each channel is priced running all month (730 h, an upper bound) with no viewer traffic;
- otherwise neither applies: no cost (with a note) and no latency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livestream.plan.document import Cost, Latency, Resource, component_name
from livestream.plan.errors import PlanError
from livestream.wire import WireResource, tokens
from livestream.wire.props import get, items, number

if TYPE_CHECKING:
    from livestream.cost import Usage
    from livestream.model.latency import LatencyEstimate
    from livestream.model.settings import Settings

PREFIX = "livestream:"
DEFAULT_REGION = "us-east-1"  # the AWS provider's region when the stack sets none
SERVICE_SEGMENT_SECONDS = 6.0  # MediaPackage v2's segment length when an endpoint sets none

SETTINGS_NOTE = (
    "from the stack's livestream:* settings (schedule, usage assumptions) and the plan's alarm, dashboard, "
    "budget, secret and KMS key counts"
)
NOT_APPLICABLE = Cost(
    monthly_usd=None,
    note="not applicable: the stack config has no livestream:channels and the plan has no MediaLive channel "
    "(cost is modelled for live-streaming platforms only)",
)


@dataclass(frozen=True)
class Estimates:
    cost: Cost
    latency: Latency


def livestream_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The stack's `livestream:*` settings sections, keys without the prefix."""
    from livestream.model import settings

    return {
        key[len(PREFIX) :]: value
        for key, value in config.items()
        if key.startswith(PREFIX) and key[len(PREFIX) :] in settings.SECTIONS
    }


def wire_resources(resources: Sequence[Resource]) -> list[WireResource]:
    """The plan's resources for the cost model: their inputs; MediaLive channels named after their Encoder."""
    return [
        WireResource(r.type, component_name(resources, r) if r.type in tokens.MEDIALIVE_CHANNELS else r.name, r.inputs)
        for r in resources
    ]


def wire_latency(resources: Sequence[Resource]) -> dict[str, LatencyEstimate]:
    """Per MediaPackage v2 channel: its endpoints' shortest segment length, LL-HLS when any endpoint has LL-HLS manifests."""
    from livestream.model import latency

    segments: dict[str, float] = {}
    low_latency: dict[str, bool] = {}
    for endpoint in sorted((r for r in resources if r.type in tokens.ORIGIN_ENDPOINTS), key=lambda r: r.name):
        name = str(get(endpoint.inputs, "channelName") or endpoint.name)
        segment = number(get(endpoint.inputs, "segment", "segmentDurationSeconds")) or SERVICE_SEGMENT_SECONDS
        segments[name] = min(segments.get(name, segment), segment)
        low_latency[name] = low_latency.get(name, False) or bool(items(endpoint.inputs, "lowLatencyHlsManifests"))
    return {name: latency.estimate(max(1, round(segments[name])), low_latency_hls=low_latency[name]) for name in sorted(segments)}


def _from_settings(settings: Settings, resources: list[WireResource]) -> Usage:
    from livestream import cost

    counts = cost.resource_counts(resources)
    usage = cost.usage_from_settings(
        settings, alarms=counts["alarms"], dashboards=counts["dashboards"], budgets=counts["budgets"], kms_keys=counts["kms_keys"]
    )
    return replace(usage, secrets=counts["secrets"]) if counts["secrets"] else usage


def _priced(usage: Usage, basis: str, note: str, prices_path: Path | None) -> Cost:
    from livestream import cost
    from livestream.cost import alternatives

    try:
        table = cost.load_prices(usage.region, prices_path)
        estimate = cost.estimate(usage, table)
        options = alternatives.compare(usage, table)
    except (ValueError, KeyError, OSError) as error:
        raise PlanError("prices", f"cannot price the plan: {error}") from None
    return Cost.of(estimate, basis, note, options)


def _settings_basis(
    raw: dict[str, Any], config: Mapping[str, Any], resources: Sequence[Resource], stack: str, prices: Path | None
) -> Estimates:
    from livestream.model import latency
    from livestream.model import settings as model

    try:
        settings = model.load(raw, environment=stack, region=_region(config), prefix=PREFIX)
    except model.ConfigError as error:
        raise PlanError("config", str(error), key=error.key) from None
    usage = _from_settings(settings, wire_resources(resources))
    channels = {c.name: latency.for_channel(c) for c in settings.channels}
    return Estimates(_priced(usage, "settings", SETTINGS_NOTE, prices), Latency(channels, "settings"))


def _resources_basis(config: Mapping[str, Any], resources: Sequence[Resource], prices: Path | None) -> Estimates:
    from livestream import cost

    usage = cost.usage_from_wire(
        wire_resources(resources), region=_region(config), hours_per_month=cost.HOURS_PER_MONTH, viewer_hours_per_month=0.0
    )
    note = (
        "derived from the plan's resources: the stack config has no livestream:channels, so nothing says how long "
        f"channels run or who watches; each channel is priced running all month ({cost.HOURS_PER_MONTH:g} h, an upper "
        "bound) with no viewer traffic. Set livestream:channels and livestream:usage for a real estimate."
    )
    channels = wire_latency(resources)
    no_endpoints = "no MediaPackage v2 origin endpoints in the plan: no segment length to estimate from"
    return Estimates(
        _priced(usage, "resources", note, prices), Latency(channels, "resources", None if channels else no_endpoints)
    )


def _region(config: Mapping[str, Any]) -> str:
    return str(config.get("aws:region") or DEFAULT_REGION)


def estimate_plan(
    config: Mapping[str, Any], resources: Sequence[Resource], stack: str, prices_path: Path | None = None
) -> Estimates:
    """Cost and latency for a plan's stack config and resources. Raises PlanError for bad settings or prices."""
    raw = livestream_config(config)
    if "channels" in raw:
        return _settings_basis(raw, config, resources, stack, prices_path)
    if any(r.type in tokens.MEDIALIVE_CHANNELS for r in resources):
        return _resources_basis(config, resources, prices_path)
    return Estimates(NOT_APPLICABLE, Latency(note="not applicable: no live channels in this plan"))
