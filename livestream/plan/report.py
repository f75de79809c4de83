"""Rendering of `livestream plan`: the resource tree, the text report and the Mermaid architecture diagram.

Pure presentation: it reads an offline `Plan` (duck-typed: `resources` with `urn`, `type`, `name`,
`parent`, `custom`, `inputs`, `outputs`) and the report document that `livestream.cli` builds, and
returns strings. It imports no Pulumi code, so rendering costs nothing on top of the run.

Everything here is deterministic for a given plan: the mock engine registers resources
concurrently, so siblings are ordered by (type, name) rather than by registration order — the
README embeds the dev stack's diagram and it must not change from one run to the next.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livestream.cost import BUCKETS, BUDGETS, DASHBOARDS, DISTRIBUTIONS, FUNCTIONS, MEDIALIVE_CHANNELS, METRIC_ALARMS, SCHEDULES

if TYPE_CHECKING:
    from livestream.plan.engine import Plan, PlannedResource

WIDTH = 110  # fixed, not the terminal's: the same plan always prints the same text
GROUP_AT = 4  # leaf siblings of one type are folded into one line from this many on
# Components named like the platform's subcomponents are listed in data-flow order:
# broadcaster -> encoder -> packager -> CDN -> viewers, then archive, alarms and scheduler beside them.
FLOW_ORDER = {
    name: i for i, name in enumerate(("LiveStreamPlatform", "Encoder", "Packager", "Cdn", "Archive", "Alarms", "Scheduler"))
}

# Type tokens the diagram draws; the ones the cost model reads too come from it, so both agree on what a channel is.
MEDIALIVE_INPUTS = ("aws:medialive/input:Input", "aws-native:medialive:Input")
PACKAGER_GROUPS = ("aws-native:mediapackagev2:ChannelGroup", "aws:mediapackage/channelGroup:ChannelGroup")
PACKAGER_CHANNELS = ("aws-native:mediapackagev2:Channel",)
PACKAGER_ENDPOINTS = ("aws-native:mediapackagev2:OriginEndpoint",)
TOPICS = ("aws:sns/topic:Topic",)
SUBSCRIPTIONS = ("aws:sns/topicSubscription:TopicSubscription",)


def of_type(plan: Plan, types: Iterable[str]) -> list[PlannedResource]:
    wanted = set(types)
    return sorted((r for r in plan.resources if r.type in wanted), key=lambda r: r.name)


# --- resource tree ----------------------------------------------------------------------------


@dataclass
class Node:
    resource: PlannedResource
    children: list[Node] = field(default_factory=list)

    @property
    def is_component(self) -> bool:
        return not self.resource.custom

    def walk(self) -> Iterable[Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def tree(plan: Plan) -> list[Node]:
    """Resources nested under their parents: components first (the media path's in data-flow order,
    others by type and name), then resources by (type, name). Registration order is not used: the
    engine registers concurrently, so it changes from run to run."""
    nodes = {r.urn: Node(r) for r in plan.resources}
    roots: list[Node] = []
    for resource in plan.resources:
        parent = nodes.get(resource.parent or "")
        (parent.children if parent else roots).append(nodes[resource.urn])

    def key(node: Node) -> tuple[int, int, str, str]:
        kind = node.resource.type.rsplit(":", 1)[-1]
        if node.is_component:
            return (0, FLOW_ORDER.get(kind, len(FLOW_ORDER)), node.resource.type, node.resource.name)
        return (1, 0, node.resource.type, node.resource.name)

    for node in nodes.values():
        node.children.sort(key=key)
    roots.sort(key=key)
    return roots


def ordered(plan: Plan) -> list[PlannedResource]:
    """Every resource once, depth first in tree order."""
    return [node.resource for root in tree(plan) for node in root.walk()]


def short_type(type_token: str) -> str:
    """`aws:s3/bucket:Bucket` -> `aws:s3:Bucket`; `livestream:index:Encoder` -> `Encoder` for components."""
    package, _, rest = type_token.partition(":")
    module, _, name = rest.rpartition(":")
    return f"{package}:{module.split('/')[0]}:{name}" if module else type_token


# --- text -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Glyphs:
    branch: str
    last: str
    pipe: str
    blank: str = "   "
    dash: str = "-"
    times: str = "x"
    arrow: str = "->"


UNICODE = Glyphs("├─ ", "└─ ", "│  ", dash="–", times="×", arrow="→")
ASCII = Glyphs("|- ", "`- ", "|  ")


def glyphs_for(encoding: str | None) -> Glyphs:
    try:
        "├─└│–×→".encode(encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return UNICODE


def _label(node: Node) -> str:
    r = node.resource
    if node.is_component:
        count = sum(1 for n in node.walk() if not n.is_component)
        return f"{r.type.rsplit(':', 1)[-1]} {r.name}  [{r.type}, {count} resources]"
    return f"{short_type(r.type)}  {r.name}"


def tree_lines(plan: Plan, g: Glyphs, full: bool = False) -> list[str]:
    """The tree, one resource a line; unless `full`, GROUP_AT or more childless siblings of one type fold into one line."""
    lines: list[str] = []

    def entries(children: list[Node]) -> list[tuple[str, list[Node]]]:
        out: list[tuple[str, list[Node]]] = []
        leaves: dict[str, list[Node]] = {}
        for child in children:
            if not child.children and not child.is_component:
                leaves.setdefault(child.resource.type, []).append(child)
        folded: set[str] = set()
        for child in children:
            same = leaves.get(child.resource.type, [])
            if not full and child in same and len(same) >= GROUP_AT:
                if child.resource.type not in folded:
                    folded.add(child.resource.type)
                    names = [n.resource.name for n in same]
                    label = f"{short_type(child.resource.type)}  {g.times}{len(same)}  ({names[0]} {g.dash} {names[-1]})"
                    out.append((label, []))
                continue
            out.append((_label(child), child.children))
        return out

    def emit(children: list[Node], prefix: str) -> None:
        items = entries(children)
        for i, (label, grandchildren) in enumerate(items):
            last = i == len(items) - 1
            lines.append(f"{prefix}{g.last if last else g.branch}{label}")
            emit(grandchildren, prefix + (g.blank if last else g.pipe))

    for root in tree(plan):
        lines.append(_label(root))
        emit(root.children, "")
    return lines


def _money(value: float | None) -> str:
    return "n/a" if value is None else f"${value:,.2f}"


def _wrap(text: str, indent: int) -> list[str]:
    return textwrap.wrap(text, width=WIDTH, initial_indent=" " * indent, subsequent_indent=" " * indent) or [""]


def _resource_label(urn: str | None) -> str:
    if not urn:
        return "(stack)"
    type_part, _, name = urn.rpartition("::")
    return f"{name} ({short_type(type_part.rsplit('$', 1)[-1])})"


def _shown(path: str) -> str:
    """A path relative to the working directory when it is inside it (the README shows this output)."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def _verdict_lines(doc: Mapping[str, Any], g: Glyphs) -> list[str]:
    pack = doc.get("policyPack")
    if not pack:
        return ["Policies", "  no policy pack: " + str(doc.get("policyPackNote") or "none found"), ""]
    config = _shown(pack["config"]) if pack.get("config") else "pack defaults"
    lines = [f"Policies  (pack {pack['name']} from {_shown(pack['directory'])}; config: {config})"]
    rows = doc.get("policies") or []
    width = max([len(r["policy"]) for r in rows] + [6])
    lines.append(f"  {'policy':<{width}}  {'level':<9}  {'result':<8}  {'checked':>7}  {'failed':>6}")
    for row in rows:
        result = {"pass": "pass", "disabled": "disabled"}.get(
            row["status"], "FAIL" if row["enforcementLevel"] == "mandatory" else "warn"
        )
        if result == "pass" and not row["evaluated"]:
            result = "n/a"  # nothing in the plan that this policy judges
        checked = "-" if row["status"] == "disabled" else str(row["evaluated"])
        failed = "-" if row["status"] == "disabled" else str(row["failed"])
        lines.append(f"  {row['policy']:<{width}}  {row['enforcementLevel']:<9}  {result:<8}  {checked:>7}  {failed:>6}")
    lines.append("  (checked: resources the policy judged, 1 for a stack policy; n/a: nothing in the plan it judges)")
    violations = doc.get("violations") or []
    if violations:
        lines.append("")
        lines.append("  Violations")
        for v in violations:
            lines.append(f"  [{v['enforcementLevel']}] {v['policy']} {g.dash} {_resource_label(v['resource'])}")
            lines += _wrap(v["message"], 6)
    lines.append("")
    return lines


def _cost_lines(doc: Mapping[str, Any]) -> list[str]:
    cost = doc["cost"]
    assumptions = cost.get("assumptions") or {}
    if cost.get("monthlyUsd") is None:
        return ["Monthly cost", *_wrap(str(cost.get("note") or "not estimated"), 2), ""]
    region = assumptions.get("pricingRegion") or assumptions.get("region") or "?"
    lines = [f"Monthly cost  (estimate, USD, {region} prices; basis: {cost.get('basis')})"]
    items = cost.get("items") or []
    width = max([len(i["name"]) for i in items] + [5])
    for item in items:
        head = f"  {item['name']:<{width}}  {_money(item['monthlyUsd']):>10}  "
        body = textwrap.wrap(item["detail"], width=WIDTH - len(head)) or [""]
        lines.append(head + body[0])
        lines += [" " * len(head) + line for line in body[1:]]
    lines.append(f"  {'total':<{width}}  {_money(cost['monthlyUsd']):>10}  per month")
    if assumptions:
        hours = ", ".join(f"{k} {v:g} h" for k, v in (assumptions.get("channelHours") or {}).items())
        lines += _wrap(
            f"assumptions: channel-hours/month {hours or 'none'}; {assumptions.get('viewerHoursPerMonth', 0):,.0f} viewer-hours "
            f"at {assumptions.get('watchedKbps', 0):g} kbps = {assumptions.get('viewerGb', 0):,.1f} GB to viewers "
            f"({assumptions.get('viewerRegion')}); cache hit ratio {assumptions.get('cacheHitRatio')}; "
            f"{len(assumptions.get('estimatedFigures') or [])} price figures are estimates"
            + (f"; overridden: {', '.join(assumptions['overridden'])}" if assumptions.get("overridden") else ""),
            2,
        )
    if cost.get("note"):
        lines += _wrap(f"note: {cost['note']}", 2)
    lines.append("")
    return lines


_STAGES = (
    ("encoder", "encoder"),
    ("delivery", "delivery"),
    ("join", "join"),
    ("playlist", "playlist"),
    ("holdBack", "hold-back"),
)


def _latency_lines(doc: Mapping[str, Any], g: Glyphs) -> list[str]:
    latency: Mapping[str, Any] = doc.get("latency") or {}
    lines = ["Latency  (glass to glass, estimate" + (f"; basis: {doc.get('latencyBasis')})" if latency else ")")]
    if not latency:
        return [*lines, *_wrap(str(doc.get("latencyNote") or "not applicable"), 2), ""]
    width = max(len(name) for name in latency)
    for name, est in latency.items():
        kind = "LL-HLS" if est.get("lowLatencyHls") else "HLS"
        parts = " + ".join(f"{label} {est['breakdown'][key]:g}" for key, label in _STAGES if key in est.get("breakdown", {}))
        lines.append(
            f"  {name:<{width}}  {est['seconds']:>5.1f} s  ({est['low']:g}{g.dash}{est['high']:g} s)  "
            f"{kind}, {est['segmentSeconds']:g} s segments: {parts}"
        )
    lines.append("")
    return lines


def _export_lines(doc: Mapping[str, Any]) -> list[str]:
    exports: Mapping[str, Any] = doc.get("exports") or {}
    lines = ["Exports"]
    if not exports:
        return [*lines, "  none", ""]
    width = max(len(k) for k in exports)
    for key, value in exports.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
        lines.append(f"  {key:<{width}}  {text}")
    lines.append("")
    return lines


def render_text(doc: Mapping[str, Any], plan: Plan, *, encoding: str | None = "utf-8", full_tree: bool = False) -> str:
    g = glyphs_for(encoding)
    summary = doc["summary"]
    lines = [
        f"livestream plan {g.dash} project {doc['project']}, stack {doc['stack']}, region {doc.get('region') or '?'}",
        "  offline under the Pulumi SDK's mock engine: nothing was deployed and no cloud was called",
        "",
        f"Resources  ({summary['resources']}: {summary['components']} components, "
        f"{summary['resources'] - summary['components']} cloud resources)",
        *("  " + line for line in tree_lines(plan, g, full=full_tree)),
        "",
        *_verdict_lines(doc, g),
        *_cost_lines(doc),
        *_latency_lines(doc, g),
        *_export_lines(doc),
    ]
    for warning in doc.get("warnings") or []:
        lines += _wrap(f"warning: {warning}", 0)
    for note in doc.get("notes") or []:
        lines += _wrap(f"note: {note}", 0)
    mandatory, advisory = summary["mandatoryViolations"], summary["advisoryViolations"]
    if mandatory:
        verdict = f"FAIL {g.dash} {mandatory} mandatory policy violation(s), {advisory} advisory (exit 1)"
    elif doc.get("policyPack"):
        verdict = f"PASS {g.dash} no mandatory policy violated, {advisory} advisory (exit 0)"
    else:
        verdict = f"PASS {g.dash} no policy pack was run (exit 0)"
    lines.append(verdict)
    return "\n".join(lines) + "\n"


# --- mermaid ----------------------------------------------------------------------------------


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _quote(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


def _node_id(prefix: str, index: int) -> str:
    return f"{prefix}{index}"


def component_name(plan: Plan, resource: PlannedResource) -> str:
    """The owning component's name when the resource sits in one (Encoder `live-dev-main`), else its own."""
    parents = {r.urn: r for r in plan.resources}
    parent = parents.get(resource.parent or "")
    return parent.name if parent is not None and not parent.custom else resource.name


def get(value: Any, *path: str) -> Any:
    """The value at `path` in nested wire-format mappings, or None where a step is missing."""
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def as_list(value: Any) -> list[Any]:
    """A wire-format list as a list; anything else as an empty one."""
    return list(value) if isinstance(value, list | tuple) else []


def _height(resolution: Any) -> str:
    return f"{int(resolution)}p" if isinstance(resolution, int | float) and resolution else "?"


def _ingest_protocols(plan: Plan, channel: PlannedResource) -> list[str]:
    inputs = of_type(plan, MEDIALIVE_INPUTS)
    names = {"RTMP_PUSH": "RTMP", "SRT_LISTENER": "SRT", "SRT_CALLER": "SRT", "RTP_PUSH": "RTP", "RTMP_PULL": "RTMP pull"}
    found: list[str] = []
    for attachment in as_list(channel.inputs.get("inputAttachments")):
        input_id = get(attachment, "inputId")
        for item in inputs:
            ids = {item.outputs.get("id"), item.outputs.get("awsId"), item.outputs.get("inputId")}
            if input_id in ids:
                kind = str(item.inputs.get("type") or "push")
                label = names.get(kind, kind)
                if label not in found:
                    found.append(label)
    return found


def _destination_urls(channel: PlannedResource) -> list[str]:
    urls: list[str] = []
    for destination in as_list(channel.inputs.get("destinations")):
        urls += [str(get(s, "url")) for s in as_list(get(destination, "settings")) if get(s, "url")]
        urls += [str(get(s, "url")) for s in as_list(get(destination, "mediaPackageSettings")) if get(s, "url")]
    return urls


def _bucket_name(bucket: PlannedResource) -> str:
    return str(bucket.outputs.get("bucket") or bucket.inputs.get("bucket") or bucket.outputs.get("id") or bucket.name)


def render_mermaid(plan: Plan) -> str:
    """`flowchart LR` of the plan's media path and operations, with only the nodes the plan has.

    broadcaster -> Encoder (each MediaLive channel) -> Packager (each MediaPackage v2 channel group)
    -> Cdn (each CloudFront distribution) -> viewers; Encoder -> Archive (S3 buckets the channels
    record into); Scheduler (EventBridge schedules) and Alarms (CloudWatch, SNS, Budgets) dotted.
    """
    lines = ["flowchart LR"]
    edges: list[str] = []
    channels = of_type(plan, MEDIALIVE_CHANNELS)
    groups = of_type(plan, PACKAGER_GROUPS)
    mp_channels = of_type(plan, PACKAGER_CHANNELS)
    endpoints = of_type(plan, PACKAGER_ENDPOINTS)
    distributions = of_type(plan, DISTRIBUTIONS)
    buckets = of_type(plan, BUCKETS)

    encoder_ids: dict[str, str] = {}
    encoder_protocols: dict[str, list[str]] = {}
    for i, channel in enumerate(channels, 1):
        node = _node_id("enc", i)
        encoder_ids[channel.urn] = node
        pipeline = str(channel.inputs.get("channelClass") or "STANDARD")
        videos = as_list(get(channel.inputs, "encoderSettings", "videoDescriptions"))
        heights = [float(v["height"]) for v in videos if isinstance(v, Mapping) and isinstance(v.get("height"), int | float)]
        ladder = _n(len(videos), "rendition") + (f", top {_height(max(heights))}" if heights else "")
        protocols = _ingest_protocols(plan, channel)
        encoder_protocols[channel.urn] = protocols
        label = f"Encoder {component_name(plan, channel)}<br/>MediaLive {pipeline}<br/>{ladder}"
        lines.append(f"  {node}[{_quote(label)}]")
    if channels:
        lines.insert(1, f"  broadcaster([{_quote('Broadcaster<br/>phone / OBS / RTMP or SRT encoder')}])")
        for channel in channels:
            protocol = " / ".join(encoder_protocols[channel.urn]) or "push"
            edges.append(f"  broadcaster -->|{protocol}| {encoder_ids[channel.urn]}")

    packager_ids: dict[str, str] = {}
    for i, group in enumerate(groups, 1):
        node = _node_id("pkg", i)
        name = str(group.inputs.get("channelGroupName") or group.outputs.get("channelGroupName") or group.name)
        packager_ids[name] = node
        members = [c for c in mp_channels if c.inputs.get("channelGroupName") == name]
        kinds: list[str] = []
        for endpoint in endpoints:
            if endpoint.inputs.get("channelGroupName") != name:
                continue
            for key, kind in (("hlsManifests", "HLS"), ("lowLatencyHlsManifests", "LL-HLS"), ("dashManifests", "DASH")):
                if as_list(endpoint.inputs.get(key)) and kind not in kinds:
                    kinds.append(kind)
        detail = _n(len(members), "channel") + (f", {' + '.join(kinds)} endpoints" if kinds else "")
        label = f"Packager {component_name(plan, group)}<br/>MediaPackage v2 channel group<br/>{detail}"
        lines.append(f"  {node}[{_quote(label)}]")
    for channel in channels:
        urls = [u for u in _destination_urls(channel) if "mediapackage" in u or u.startswith("https://")]
        targets = [node for name, node in packager_ids.items() if any(f"/{name}/" in u or f"//{name}-" in u for u in urls)]
        if not targets and urls and len(packager_ids) == 1:
            targets = list(packager_ids.values())
        for target in targets:
            edges.append(f"  {encoder_ids[channel.urn]} -->|HLS ingest| {target}")

    cdn_ids: list[str] = []
    for i, distribution in enumerate(distributions, 1):
        node = _node_id("cdn", i)
        cdn_ids.append(node)
        inputs = distribution.inputs  # classic, or aws-native with everything under distributionConfig
        price_class = get(inputs, "priceClass") or get(inputs, "distributionConfig", "priceClass")
        origins = as_list(get(inputs, "origins")) or as_list(get(inputs, "distributionConfig", "origins"))
        oac = any(get(o, "originAccessControlId") for o in origins)
        label = f"Cdn {component_name(plan, distribution)}<br/>CloudFront" + (" + OAC" if oac else "")
        if price_class:
            label += f"<br/>{price_class}"
        lines.append(f"  {node}[{_quote(label)}]")
        domains = [str(get(o, "domainName") or "") for o in origins]
        sources = [p for name, p in packager_ids.items() if any(name in d or "mediapackagev2" in d for d in domains)]
        for source in sources:
            edges.append(f"  {source} -->|origin fetch| {node}")
    if cdn_ids:
        lines.append(f"  viewers([{_quote('Viewers<br/>HLS / DASH over HTTPS')}])")
        edges += [f"  {node} -->|HTTPS| viewers" for node in cdn_ids]

    archive_ids: dict[str, str] = {}
    for channel in channels:
        for url in _destination_urls(channel):
            if not url.startswith(("s3://", "s3ssl://")):
                continue
            host = url.split("://", 1)[1].split("/", 1)[0]
            bucket = next((b for b in buckets if _bucket_name(b) == host), None)
            key = bucket.urn if bucket else host
            if key not in archive_ids:
                node = _node_id("arc", len(archive_ids) + 1)
                archive_ids[key] = node
                owner = component_name(plan, bucket) if bucket else host
                lines.append(f"  {node}[({_quote(f'Archive {owner}<br/>S3 {host}')})]")
            edge = f"  {encoder_ids[channel.urn]} -->|recording| {archive_ids[key]}"
            if edge not in edges:
                edges.append(edge)

    schedules = of_type(plan, SCHEDULES)
    if schedules:
        functions = of_type(plan, FUNCTIONS)
        detail = _n(len(schedules), "EventBridge schedule") + (
            f"<br/>{_n(len(functions), 'control function')}" if functions else ""
        )
        lines.append(f"  scheduler{{{{{_quote('Scheduler<br/>' + detail)}}}}}")
        edges += [f"  scheduler -.->|start / stop| {node}" for node in encoder_ids.values()]

    alarms, dashboards, budgets = of_type(plan, METRIC_ALARMS), of_type(plan, DASHBOARDS), of_type(plan, BUDGETS)
    if alarms or dashboards or budgets:
        parts = [_n(len(alarms), "CloudWatch alarm")]
        if dashboards:
            parts.append(_n(len(dashboards), "dashboard"))
        if of_type(plan, TOPICS):
            parts.append(_n(len(of_type(plan, TOPICS)), "SNS topic"))
        if budgets:
            parts.append(_n(len(budgets), "budget"))
        lines.append(f"  alarms{{{{{_quote('Alarms<br/>' + '<br/>'.join(parts))}}}}}")
        watched = [*encoder_ids.values(), *packager_ids.values(), *cdn_ids]
        edges += [f"  {node} -.->|metrics| alarms" for node in watched]
        if of_type(plan, SUBSCRIPTIONS):
            lines.append(f"  operators([{_quote('Operators<br/>e-mail')}])")
            edges.append("  alarms -.->|SNS| operators")
    return "\n".join([*lines, *edges]) + "\n"


def node_labels(mermaid: str) -> Sequence[str]:
    """The node labels of a rendered diagram (for tests and the README check)."""
    return re.findall(r'"([^"]*)"', mermaid)
