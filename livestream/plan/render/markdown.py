"""The plan as Markdown, for a pull-request comment: verdict first, then what fails, what it costs, how late it plays.

GitHub-flavoured: tables, and the resource counts folded in a `<details>` block so the comment stays short.
"""

from __future__ import annotations

from collections import Counter

from livestream.plan.document import Cost, PlanDocument


def _money(value: float) -> str:
    return f"${value:,.2f}"


def _cell(text: object) -> str:
    """Table-safe text: pipes escaped, line breaks flattened."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _verdict(document: PlanDocument) -> str:
    summary = document.summary
    if summary.failures:
        return f"**FAIL** (exit 1): {'; '.join(summary.failures)}"
    if document.policy_pack is None:
        return "**NOT CHECKED** (exit 0): policies skipped with `--no-policies`"
    return f"**PASS** (exit 0): no mandatory policy violated, {summary.advisory_violations} advisory"


def _policies(document: PlanDocument) -> list[str]:
    if document.policy_pack is None:
        return ["### Policies", "", f"No policy pack was run: {document.policy_pack_note or 'none'}", ""]
    rows = document.policies
    passed = sum(1 for r in rows if r.status == "pass")
    lines = ["### Policies", "", f"Pack `{document.policy_pack.name}`: {passed} of {len(rows)} policies pass.", ""]
    if document.violations:
        lines += ["| level | policy | resource | message |", "|---|---|---|---|"]
        for v in document.violations:
            resource = v.resource.rsplit("::", 1)[-1] if v.resource else "(stack)"
            lines.append(f"| {v.enforcement_level} | `{v.policy}` | {_cell(resource)} | {_cell(v.message)} |")
        lines.append("")
    return lines


def _cost(cost: Cost) -> list[str]:
    if cost.monthly_usd is None:
        return ["### Monthly cost", "", _cell(cost.note or "not estimated"), ""]
    lines = [
        f"### Monthly cost: {_money(cost.monthly_usd)}",
        "",
        f"Estimate in USD, basis `{cost.basis}`; range {_money(cost.low_usd or 0)} to {_money(cost.high_usd or 0)}.",
        "",
        "| item | USD/month | range | from estimated prices |",
        "|---|---:|---:|:---:|",
    ]
    for item in cost.items:
        span = f"{_money(item.low)}–{_money(item.high)}" if item.low != item.high else ""
        lines.append(f"| {_cell(item.name)} | {_money(item.monthly_usd)} | {span} | {'yes' if item.estimate else ''} |")
    lines += [f"| **total** | **{_money(cost.monthly_usd)}** | {_money(cost.low_usd or 0)}–{_money(cost.high_usd or 0)} | |", ""]
    return lines


def _latency(document: PlanDocument) -> list[str]:
    channels = document.latency.channels
    if not channels:
        return []
    lines = ["### Latency (glass to glass, estimate)", "", "| channel | seconds | range | delivery |", "|---|---:|---:|---|"]
    for name, est in channels.items():
        kind = "LL-HLS" if est.low_latency_hls else "HLS"
        lines.append(
            f"| {_cell(name)} | {est.seconds:.1f} | {est.low:g}–{est.high:g} | {kind}, {est.segment_seconds:g} s segments |"
        )
    return [*lines, ""]


def _notes(document: PlanDocument) -> list[str]:
    notes = [f"- warning: {_cell(w)}" for w in document.warnings]
    notes += [f"- unchecked: `{key}` holds a secret the offline plan cannot know" for key in document.unchecked]
    return ["### Warnings", "", *notes, ""] if notes else []


def _resources(document: PlanDocument) -> list[str]:
    counts = Counter(r.type for r in document.resources)
    summary = document.summary
    lines = [
        f"<details><summary>{summary.resources} resources ({summary.components} components)</summary>",
        "",
        "| type | count |",
        "|---|---:|",
        *(f"| `{type_}` | {n} |" for type_, n in sorted(counts.items())),
        "",
        "</details>",
    ]
    return lines


def render_markdown(document: PlanDocument) -> str:
    lines = [
        f"## livestream plan: {document.project} / {document.stack} ({document.region or '?'})",
        "",
        _verdict(document),
        "",
        "_Offline, under the Pulumi SDK's mock engine: nothing was deployed and no cloud was called._",
        "",
        *_policies(document),
        *_cost(document.cost),
        *_latency(document),
        *_notes(document),
        *_resources(document),
    ]
    return "\n".join(lines) + "\n"
