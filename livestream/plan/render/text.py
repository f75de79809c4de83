"""The text report of a plan: resource tree, policy verdicts, monthly cost, latency, exports, the verdict line.

Fixed width (`WIDTH`, not the terminal's): the same plan always prints the same text, and the
README shows it. Unicode box drawing where the output encoding has it, ASCII otherwise.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

from livestream.plan.document import Cost, Latency, PlanDocument
from livestream.plan.tree import Node, short_type, tree

WIDTH = 110
GROUP_AT = 4  # leaf siblings of one type are folded into one line from this many on
_STAGES = (
    ("encoder", "encoder"),
    ("delivery", "delivery"),
    ("join", "join"),
    ("playlist", "playlist"),
    ("holdBack", "hold-back"),
)


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


# --- resource tree ----------------------------------------------------------------------------


def _label(node: Node) -> str:
    r = node.resource
    if node.is_component:
        count = sum(1 for n in node.walk() if not n.is_component)
        return f"{r.type.rsplit(':', 1)[-1]} {r.name}  [{r.type}, {count} resources]"
    return f"{short_type(r.type)}  {r.name}"


def _entries(children: list[Node], g: Glyphs, full: bool) -> list[tuple[str, list[Node]]]:
    """(label, children) per line; unless `full`, GROUP_AT or more childless siblings of one type share one line."""
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
                out.append((f"{short_type(child.resource.type)}  {g.times}{len(same)}  ({names[0]} {g.dash} {names[-1]})", []))
            continue
        out.append((_label(child), child.children))
    return out


def tree_lines(document: PlanDocument, g: Glyphs, full: bool = False) -> list[str]:
    """The tree, one resource a line."""
    lines: list[str] = []

    def emit(children: list[Node], prefix: str) -> None:
        entries = _entries(children, g, full)
        for i, (label, grandchildren) in enumerate(entries):
            last = i == len(entries) - 1
            lines.append(f"{prefix}{g.last if last else g.branch}{label}")
            emit(grandchildren, prefix + (g.blank if last else g.pipe))

    for root in tree(document.resources):
        lines.append(_label(root))
        emit(root.children, "")
    return lines


# --- sections ---------------------------------------------------------------------------------


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


def _verdict_lines(document: PlanDocument, g: Glyphs) -> list[str]:
    pack = document.policy_pack
    if not pack:
        return ["Policies", "  no policy pack: " + str(document.policy_pack_note or "none found"), ""]
    config = _shown(pack.config) if pack.config else "pack defaults"
    lines = [f"Policies  (pack {pack.name} from {_shown(pack.directory)}; config: {config})"]
    rows = document.policies
    width = max([len(r.policy) for r in rows] + [6])
    lines.append(f"  {'policy':<{width}}  {'level':<9}  {'result':<8}  {'checked':>7}  {'failed':>6}")
    for row in rows:
        result = {"pass": "pass", "disabled": "disabled"}.get(
            row.status, "FAIL" if row.enforcement_level == "mandatory" else "warn"
        )
        if result == "pass" and not row.evaluated:
            result = "n/a"  # nothing in the plan that this policy judges
        checked = "-" if row.status == "disabled" else str(row.evaluated)
        failed = "-" if row.status == "disabled" else str(row.failed)
        lines.append(f"  {row.policy:<{width}}  {row.enforcement_level:<9}  {result:<8}  {checked:>7}  {failed:>6}")
    lines.append("  (checked: resources the policy judged, 1 for a stack policy; n/a: nothing in the plan it judges)")
    if document.violations:
        lines += ["", "  Violations"]
        for v in document.violations:
            lines.append(f"  [{v.enforcement_level}] {v.policy} {g.dash} {_resource_label(v.resource)}")
            lines += _wrap(v.message, 6)
    lines.append("")
    return lines


def _assumption_lines(cost: Cost) -> list[str]:
    assumptions = cost.assumptions or {}
    if not assumptions:
        return []
    hours = ", ".join(f"{k} {v:g} h" for k, v in (assumptions.get("channelHours") or {}).items())
    overridden = f"; overridden: {', '.join(assumptions['overridden'])}" if assumptions.get("overridden") else ""
    return _wrap(
        f"assumptions: channel-hours/month {hours or 'none'}; {assumptions.get('viewerHoursPerMonth', 0):,.0f} viewer-hours "
        f"at {assumptions.get('watchedKbps', 0):g} kbps = {assumptions.get('viewerGb', 0):,.1f} GB to viewers "
        f"({assumptions.get('viewerRegion')}); cache hit ratio {assumptions.get('cacheHitRatio')}; "
        f"{len(assumptions.get('estimatedFigures') or [])} price figures are estimates" + overridden,
        2,
    )


def _cost_lines(cost: Cost) -> list[str]:
    if cost.monthly_usd is None:
        return ["Monthly cost", *_wrap(str(cost.note or "not estimated"), 2), ""]
    assumptions = cost.assumptions or {}
    region = assumptions.get("pricingRegion") or assumptions.get("region") or "?"
    lines = [f"Monthly cost  (estimate, USD, {region} prices; basis: {cost.basis})"]
    width = max([len(i.name) for i in cost.items] + [5])
    for item in cost.items:
        head = f"  {item.name:<{width}}  {_money(item.monthly_usd):>10}{'*' if item.estimate else ' '} "
        body = textwrap.wrap(item.detail, width=WIDTH - len(head)) or [""]
        lines.append(head + body[0])
        lines += [" " * len(head) + line for line in body[1:]]
    span = f" (range {_money(cost.low_usd or 0)}-{_money(cost.high_usd or 0)})" if cost.low_usd != cost.high_usd else ""
    lines.append(f"  {'total':<{width}}  {_money(cost.monthly_usd):>10}  per month{span}; * built from estimated figures")
    lines += _assumption_lines(cost)
    if cost.note:
        lines += _wrap(f"note: {cost.note}", 2)
    lines += _alternative_lines(cost)
    lines.append("")
    return lines


def _alternative_lines(cost: Cost) -> list[str]:
    """Build or buy: each managed service's cost for the same usage and where this platform crosses it."""
    if not cost.alternatives:
        return []
    lines = ["", "  Build or buy  (the same streamed hours and viewer-hours; list prices, * = from estimated figures)"]
    width = max(len(a.name) for a in cost.alternatives)
    for option in cost.alternatives:
        mark = "*" if option.estimate else " "
        span = f"({_money(option.low_usd)}-{_money(option.high_usd)})" if option.low_usd != option.high_usd else ""
        if option.break_even_viewer_hours is None:
            side = "cheaper" if option.platform_is_cheaper else "dearer"
            crossing = f"this platform is {side} at any viewing"
        else:
            below = "cheaper" if option.platform_cheaper_below else "dearer"
            crossing = f"break-even {option.break_even_viewer_hours:,.0f} viewer-h/month (this platform {below} below)"
        lines.append(f"  {option.name:<{width}}  {_money(option.monthly_usd):>10}{mark} {span}".rstrip())
        lines.append(f"  {'':<{width}}  {crossing}")
    return lines


def _latency_lines(latency: Latency, g: Glyphs) -> list[str]:
    channels = latency.channels
    lines = ["Latency  (glass to glass, estimate" + (f"; basis: {latency.basis})" if channels else ")")]
    if not channels:
        return [*lines, *_wrap(str(latency.note or "not applicable"), 2), ""]
    width = max(len(name) for name in channels)
    for name, est in channels.items():
        kind = "LL-HLS" if est.low_latency_hls else "HLS"
        parts = " + ".join(f"{label} {est.breakdown[key]:g}" for key, label in _STAGES if key in est.breakdown)
        lines.append(
            f"  {name:<{width}}  {est.seconds:>5.1f} s  ({est.low:g}{g.dash}{est.high:g} s)  "
            f"{kind}, {est.segment_seconds:g} s segments: {parts}"
        )
    lines.append("")
    return lines


def _export_lines(document: PlanDocument) -> list[str]:
    exports = document.exports
    if not exports:
        return ["Exports", "  none", ""]
    width = max(len(k) for k in exports)
    lines = ["Exports  (placeholders: the ids, names, domains and URLs below were made up offline by the mock engine)"]
    for key, value in exports.items():
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
        lines.append(f"  {key:<{width}}  {text}")
    lines.append("")
    return lines


def _verdict(document: PlanDocument, g: Glyphs) -> str:
    summary = document.summary
    advisory = summary.advisory_violations
    if summary.failures:
        return f"FAIL {g.dash} {'; '.join(summary.failures)}, {advisory} advisory (exit 1)"
    if document.policy_pack:
        return f"PASS {g.dash} no mandatory policy violated, {advisory} advisory (exit 0)"
    return f"NOT CHECKED {g.dash} policies skipped with --no-policies (exit 0)"


def render_text(document: PlanDocument, *, encoding: str | None = "utf-8", full_tree: bool = False) -> str:
    g = glyphs_for(encoding)
    summary = document.summary
    lines = [
        f"livestream plan {g.dash} project {document.project}, stack {document.stack}, region {document.region or '?'}",
        "  offline under the Pulumi SDK's mock engine: nothing was deployed and no cloud was called",
        "",
        f"Resources  ({summary.resources}: {summary.components} components, "
        f"{summary.resources - summary.components} cloud resources)",
        *("  " + line for line in tree_lines(document, g, full=full_tree)),
        "",
        *_verdict_lines(document, g),
        *_cost_lines(document.cost),
        *_latency_lines(document.latency, g),
        *_export_lines(document),
    ]
    for warning in document.warnings:
        lines += _wrap(f"warning: {warning}", 0)
    for key in document.unchecked:
        lines += _wrap(f"unchecked: {key} holds a secret the offline plan cannot know; it was not validated", 0)
    for note in document.notes:
        lines += _wrap(f"note: {note}", 0)
    lines.append(_verdict(document, g))
    return "\n".join(lines) + "\n"
