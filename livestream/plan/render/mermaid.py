"""`flowchart LR` of a plan's media path and operations, drawn with only the nodes the plan has.

broadcaster -> Encoder (each MediaLive channel) -> Packager (each MediaPackage v2 channel group)
-> Cdn (each CloudFront distribution) -> viewers; Encoder -> Archive (S3 buckets the channels record
into); Scheduler (EventBridge schedules) and Alarms (CloudWatch, SNS, Budgets) dotted. Nodes are
numbered in name order, so the same plan always draws the same diagram (the README embeds it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from livestream.plan.document import PlanDocument, Resource
from livestream.wire import cloudfront, medialive, tokens
from livestream.wire.props import get, items

INGEST_PROTOCOLS = {"RTMP_PUSH": "RTMP", "SRT_LISTENER": "SRT", "SRT_CALLER": "SRT", "RTP_PUSH": "RTP", "RTMP_PULL": "RTMP pull"}
ENDPOINT_MANIFESTS = (("hlsManifests", "HLS"), ("lowLatencyHlsManifests", "LL-HLS"), ("dashManifests", "DASH"))


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _quote(text: str) -> str:
    return '"' + text.replace('"', "#quot;") + '"'


@dataclass
class _Diagram:
    document: PlanDocument
    lines: list[str] = field(default_factory=lambda: ["flowchart LR"])
    edges: list[str] = field(default_factory=list)
    encoders: dict[str, str] = field(default_factory=dict)  # channel URN -> node id
    packagers: dict[str, str] = field(default_factory=dict)  # channel group name -> node id
    cdns: list[str] = field(default_factory=list)

    def edge(self, text: str) -> None:
        if text not in self.edges:
            self.edges.append(text)

    def text(self) -> str:
        return "\n".join([*self.lines, *self.edges]) + "\n"


def _ingest_protocols(d: _Diagram, channel: Resource) -> list[str]:
    inputs = d.document.of_type(tokens.MEDIALIVE_INPUTS)
    found: list[str] = []
    for attachment in items(channel.inputs, "inputAttachments"):
        input_id = get(attachment, "inputId")
        for item in inputs:
            if input_id in {item.outputs.get("id"), item.outputs.get("awsId"), item.outputs.get("inputId")}:
                kind = str(item.inputs.get("type") or "push")
                label = INGEST_PROTOCOLS.get(kind, kind)
                if label not in found:
                    found.append(label)
    return found


def _encoders(d: _Diagram) -> None:
    channels = d.document.of_type(tokens.MEDIALIVE_CHANNELS)
    for i, channel in enumerate(channels, 1):
        node = d.encoders[channel.urn] = f"enc{i}"
        ladder = medialive.renditions(channel.inputs)
        heights = [r.height for r in ladder if r.height]
        detail = _n(len(ladder), "rendition") + (f", top {int(max(heights))}p" if heights else "")
        label = (
            f"Encoder {d.document.component_name(channel)}<br/>MediaLive {medialive.channel_class(channel.inputs)}<br/>{detail}"
        )
        d.lines.append(f"  {node}[{_quote(label)}]")
        protocol = " / ".join(_ingest_protocols(d, channel)) or "push"
        d.edges.append(f"  broadcaster -->|{protocol}| {node}")
    if channels:
        d.lines.insert(1, f"  broadcaster([{_quote('Broadcaster<br/>phone / OBS / RTMP or SRT encoder')}])")


def _packagers(d: _Diagram) -> None:
    members = d.document.of_type(tokens.PACKAGER_CHANNELS)
    endpoints = d.document.of_type(tokens.ORIGIN_ENDPOINTS)
    for i, group in enumerate(d.document.of_type(tokens.PACKAGER_GROUPS), 1):
        name = str(group.inputs.get("channelGroupName") or group.outputs.get("channelGroupName") or group.name)
        node = d.packagers[name] = f"pkg{i}"
        count = sum(1 for c in members if c.inputs.get("channelGroupName") == name)
        kinds: list[str] = []
        for endpoint in (e for e in endpoints if e.inputs.get("channelGroupName") == name):
            kinds += [kind for key, kind in ENDPOINT_MANIFESTS if items(endpoint.inputs, key) and kind not in kinds]
        detail = _n(count, "channel") + (f", {' + '.join(kinds)} endpoints" if kinds else "")
        label = f"Packager {d.document.component_name(group)}<br/>MediaPackage v2 channel group<br/>{detail}"
        d.lines.append(f"  {node}[{_quote(label)}]")
    for channel in d.document.of_type(tokens.MEDIALIVE_CHANNELS):
        urls = [
            u
            for u in medialive.destination_urls(get(channel.inputs, "destinations"))
            if "mediapackage" in u or u.startswith("https://")
        ]
        targets = [node for name, node in d.packagers.items() if any(f"/{name}/" in u or f"//{name}-" in u for u in urls)]
        if not targets and urls and len(d.packagers) == 1:
            targets = list(d.packagers.values())
        for target in targets:
            d.edges.append(f"  {d.encoders[channel.urn]} -->|HLS ingest| {target}")


def _cdns(d: _Diagram) -> None:
    for i, distribution in enumerate(d.document.of_type(tokens.DISTRIBUTIONS), 1):
        node = f"cdn{i}"
        d.cdns.append(node)
        origins = cloudfront.origins(distribution.inputs, distribution.type)
        price_class = cloudfront.price_class(distribution.inputs, distribution.type)
        label = f"Cdn {d.document.component_name(distribution)}<br/>CloudFront" + (
            " + OAC" if any(get(o, "originAccessControlId") for o in origins) else ""
        )
        if price_class:
            label += f"<br/>{price_class}"
        d.lines.append(f"  {node}[{_quote(label)}]")
        domains = [str(get(o, "domainName") or "") for o in origins]
        for name, source in d.packagers.items():
            if any(name in domain or "mediapackagev2" in domain for domain in domains):
                d.edges.append(f"  {source} -->|origin fetch| {node}")
    if d.cdns:
        d.lines.append(f"  viewers([{_quote('Viewers<br/>HLS / DASH over HTTPS')}])")
        d.edges += [f"  {node} -->|HTTPS| viewers" for node in d.cdns]


def _bucket_name(bucket: Resource) -> str:
    return str(bucket.outputs.get("bucket") or bucket.inputs.get("bucket") or bucket.outputs.get("id") or bucket.name)


def _archives(d: _Diagram) -> None:
    buckets = d.document.of_type(tokens.BUCKETS)
    archives: dict[str, str] = {}  # bucket URN (or host, for a bucket not in the plan) -> node id
    for channel in d.document.of_type(tokens.MEDIALIVE_CHANNELS):
        for host in medialive.recording_buckets(get(channel.inputs, "destinations")):
            bucket = next((b for b in buckets if _bucket_name(b) == host), None)
            key = bucket.urn if bucket else host
            if key not in archives:
                node = archives[key] = f"arc{len(archives) + 1}"
                owner = d.document.component_name(bucket) if bucket else host
                d.lines.append(f"  {node}[({_quote(f'Archive {owner}<br/>S3 {host}')})]")
            d.edge(f"  {d.encoders[channel.urn]} -->|recording| {archives[key]}")


def _scheduler(d: _Diagram) -> None:
    schedules = d.document.of_type(tokens.SCHEDULES)
    if not schedules:
        return
    targets = {str(get(s.inputs, "target", "arn")) for s in schedules}
    functions = [f for f in d.document.of_type(tokens.FUNCTIONS) if str(f.outputs.get("arn")) in targets]  # what schedules call
    detail = _n(len(schedules), "EventBridge schedule") + (f"<br/>{_n(len(functions), 'control function')}" if functions else "")
    d.lines.append(f"  scheduler{{{{{_quote('Scheduler<br/>' + detail)}}}}}")
    label = _schedule_label(schedules)
    d.edges += [f"  scheduler -.->|{label}| {node}" for node in d.encoders.values()]


# The control function's actions (livestream/functions/channel_control.py) as the diagram names them.
_ACTIONS = (("start", "start"), ("stop", "stop"), ("stop-if-idle", "idle stop"))


def _schedule_label(schedules: list[Resource]) -> str:
    """What the schedules do to the channels: "start / stop", "idle stop", ...; "control" when no action is known."""
    actions = set()
    for schedule in schedules:
        try:
            payload = json.loads(str(get(schedule.inputs, "target", "input") or "{}"))
        except ValueError:
            continue
        if isinstance(payload, dict):
            actions.add(payload.get("action"))
    named = [label for action, label in _ACTIONS if action in actions]
    return " / ".join(named) or "control"


def _alarms(d: _Diagram) -> None:
    of_type = d.document.of_type
    alarms, dashboards, budgets = of_type(tokens.METRIC_ALARMS), of_type(tokens.DASHBOARDS), of_type(tokens.BUDGETS)
    if not (alarms or dashboards or budgets):
        return
    parts = [_n(len(alarms), "CloudWatch alarm")]
    for found, noun in ((dashboards, "dashboard"), (of_type(tokens.TOPICS), "SNS topic"), (budgets, "budget")):
        if found:
            parts.append(_n(len(found), noun))
    d.lines.append(f"  alarms{{{{{_quote('Alarms<br/>' + '<br/>'.join(parts))}}}}}")
    d.edges += [f"  {node} -.->|metrics| alarms" for node in [*d.encoders.values(), *d.packagers.values(), *d.cdns]]
    if of_type(tokens.SUBSCRIPTIONS):
        d.lines.append(f"  operators([{_quote('Operators<br/>e-mail')}])")
        d.edges.append("  alarms -.->|SNS| operators")


PLAYER_SITE = "livestream:index:PlayerSite"
RECORDINGS = "livestream:index:Recordings"


def _viewer_extras(d: _Diagram) -> None:
    """The player page and the recordings, served by the same distribution, when the plan has them."""
    if not d.cdns:
        return
    for i, resource in enumerate(d.document.of_type([PLAYER_SITE]), start=1):
        d.lines.append(f"  site{i}[({_quote(f'Player page {resource.name}<br/>S3 + OAC, at the distribution root')})]")
        d.edges += [f"  site{i} -->|page| {cdn}" for cdn in d.cdns]
    for i, resource in enumerate(d.document.of_type([RECORDINGS]), start=1):
        d.lines.append(f"  rec{i}[({_quote(f'Recordings {resource.name}<br/>harvest per broadcast, S3 + OAC')})]")
        d.edges += [f"  {pkg} -.->|harvest on stop| rec{i}" for pkg in d.packagers.values()]
        d.edges += [f"  rec{i} -->|past broadcasts| {cdn}" for cdn in d.cdns]


def render_mermaid(document: PlanDocument) -> str:
    """The diagram, one node or edge a line: nodes first, then edges."""
    d = _Diagram(document)
    for section in (_encoders, _packagers, _cdns, _viewer_extras, _archives, _scheduler, _alarms):
        section(d)
    return d.text()


def node_labels(mermaid: str) -> Sequence[str]:
    """The node labels of a rendered diagram (for tests and the README check)."""
    return re.findall(r'"([^"]*)"', mermaid)
