"""Cost and latency of a plan: from what the program built, else from the planned resources.

Basis, in order:
- `platform`: the plan has `LiveStreamPlatform` components. Each recorded its validated settings
  (defaults filled in, schedule and usage assumptions included) as its `settings` input, however the
  program passed them: args in code or the repository's stack file. Those settings are priced, with
  the alarm, dashboard, budget, secret and KMS key counts of the resources under that component.
  Stack keys are never read here: configuration that no component read is not priced (`unread_keys`
  names the `livestream:*` keys nothing read, for a warning);
- `resources`: no such component, but the plan has MediaLive channels (raw providers): channels,
  pipeline class, input class and ladder from the captured channels, segment length and LL-HLS from
  the MediaPackage v2 endpoints, archive lifecycle, schedule firings and counts from the plan
  (`cost.usage_from_wire`, which the policy pack's monthly-cost rule uses too). Nothing says how long
  channels run or who watches, so each channel is priced running all month (730 h, an upper bound)
  with no viewer traffic;
- otherwise neither applies: no cost (with a note) and no latency.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livestream.plan.document import Cost, Latency, Resource, component_name
from livestream.plan.errors import PlanError
from livestream.wire import WireResource, tokens
from livestream.wire.props import get, items, number

if TYPE_CHECKING:
    from livestream.cost import Estimate, Usage
    from livestream.cost.alternatives import AlternativeCost
    from livestream.model.latency import LatencyEstimate
    from livestream.model.settings import Settings

PREFIX = "livestream:"
DEFAULT_REGION = "us-east-1"  # the AWS provider's region when the stack sets none
SERVICE_SEGMENT_SECONDS = 6.0  # MediaPackage v2's segment length when an endpoint sets none

PLATFORM = "livestream:index:LiveStreamPlatform"  # the component's type token (components/platform.py TYPE)
RECORDED = "settings"  # its input holding the validated settings as JSON (components/platform.py SETTINGS)
PLATFORM_NOTE = (
    "from the settings the platform component was built with (its schedule and usage assumptions, defaults filled "
    "in) and the alarm, dashboard, budget, secret and KMS key counts of its resources"
)
NOT_APPLICABLE = Cost(
    monthly_usd=None,
    note="not applicable: the plan has neither a LiveStreamPlatform component nor a MediaLive channel "
    "(cost is modelled for live-streaming platforms only)",
)


@dataclass(frozen=True)
class Estimates:
    cost: Cost
    latency: Latency
    unchecked: tuple[str, ...] = ()  # settings the components could not check (secrets the plan cannot know)


def unread_keys(config: Mapping[str, Any], read: Iterable[str]) -> list[str]:
    """The stack's `livestream:*` keys that nothing in the program read: neither deployed nor priced."""
    seen = set(read)
    return sorted(key for key in config if key.startswith(PREFIX) and key not in seen)


@dataclass(frozen=True)
class BuiltPlatform:
    """A `LiveStreamPlatform` in the plan, with the settings it recorded and the resources under it."""

    name: str
    settings: Settings
    resources: tuple[Resource, ...]
    unchecked: tuple[str, ...] = ()  # settings whose values the plan could not know (secrets)


def built_platforms(resources: Sequence[Resource]) -> list[BuiltPlatform]:
    """Every platform component's recorded settings, re-validated (a secret's placeholder stays unchecked)."""
    from livestream.model import settings as model
    from livestream.plan.engine import SECRET

    found = []
    for platform in (r for r in resources if r.type == PLATFORM):
        recorded = platform.inputs.get(RECORDED)
        if not isinstance(recorded, str) or recorded == SECRET:
            continue  # an older component version, or settings made secret as a whole: nothing to price
        try:
            with model.placeholders({SECRET}):
                settings = model.load_recorded(json.loads(recorded))
        except (ValueError, model.ConfigError) as error:
            raise PlanError("program", f"{platform.name}: its recorded settings cannot be read: {error}") from None
        unchecked = tuple(str(k) for k in platform.inputs.get("unchecked") or ())
        found.append(BuiltPlatform(platform.name, settings, _descendants(resources, platform), unchecked))
    return found


def _descendants(resources: Sequence[Resource], root: Resource) -> tuple[Resource, ...]:
    below = {root.urn}
    for r in resources:  # tree order: a parent comes before its children
        if r.parent_urn in below:
            below.add(r.urn)
    return tuple(r for r in resources if r.urn in below and r.urn != root.urn)


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


def _usage_of(platform: BuiltPlatform) -> Usage:
    from livestream import cost
    from livestream.model import settings as model
    from livestream.plan.engine import SECRET

    with model.placeholders({SECRET}):
        return cost.usage_from_recorded(model.as_args(platform.settings), wire_resources(platform.resources))


def _priced_usage(usage: Usage, prices_path: Path | None) -> tuple[Estimate, tuple[AlternativeCost, ...]]:
    """The itemised estimate of a usage, and the same usage on managed services (build or buy)."""
    from livestream import cost
    from livestream.cost import alternatives

    try:
        table = cost.load_prices(usage.region, prices_path)
        return cost.estimate(usage, table), tuple(alternatives.compare(usage, table))
    except (ValueError, KeyError, OSError) as error:
        raise PlanError("prices", f"cannot price the plan: {error}") from None


def _priced(usage: Usage, basis: str, note: str, prices_path: Path | None) -> Cost:
    estimate, options = _priced_usage(usage, prices_path)
    return Cost.of(estimate, basis, note, options)


def _platform_basis(platforms: list[BuiltPlatform], prices: Path | None) -> Estimates:
    """One platform priced as it is; several, item by item with the platform's name in front, summed."""
    from livestream import cost
    from livestream.model import latency

    estimates = [(p, *_priced_usage(_usage_of(p), prices)) for p in platforms]
    if len(estimates) == 1:
        _, estimate, options = estimates[0]
    else:  # build or buy compares one platform's usage: not shown for several
        items = tuple(replace(i, name=f"{p.name}: {i.name}") for p, e, _ in estimates for i in e.items)
        estimate, options = cost.Estimate(items, {p.name: dict(e.assumptions) for p, e, _ in estimates}), ()
    channels = {c.name: latency.for_channel(c) for p in platforms for c in p.settings.channels}
    unchecked = tuple(key for p in platforms for key in p.unchecked)
    return Estimates(Cost.of(estimate, "platform", PLATFORM_NOTE, options), Latency(channels, "platform"), unchecked)


def _resources_basis(config: Mapping[str, Any], resources: Sequence[Resource], prices: Path | None) -> Estimates:
    from livestream import cost

    usage = cost.usage_from_wire(
        wire_resources(resources), region=_region(config), hours_per_month=cost.HOURS_PER_MONTH, viewer_hours_per_month=0.0
    )
    note = (
        "derived from the plan's resources: no LiveStreamPlatform component says how long channels run or who watches, "
        f"so each channel is priced running all month ({cost.HOURS_PER_MONTH:g} h, an upper bound) with no viewer "
        "traffic. Build the channels with the LiveStreamPlatform component, with its schedule and usage, for a real estimate."
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
    """Cost and latency of what the plan built. Raises PlanError for unreadable settings or prices.

    `stack` is kept for callers; the settings come from the components, never from the stack's config.
    """
    platforms = built_platforms(resources)
    if platforms:
        return _platform_basis(platforms, prices_path)
    if any(r.type in tokens.MEDIALIVE_CHANNELS for r in resources):
        return _resources_basis(config, resources, prices_path)
    return Estimates(NOT_APPLICABLE, Latency(note="not applicable: no live channels in this plan"))
