"""The text report of a hand-built document: every section, folding, glyphs, the verdict line."""

from __future__ import annotations

from dataclasses import replace

from livestream.plan.document import Gates, Latency, Violation
from livestream.plan.estimates import NOT_APPLICABLE
from livestream.plan.render import render, render_text
from livestream.plan.render.text import GROUP_AT
from tests.plan.builders import document, resource

PLATFORM = resource("livestream:index:LiveStreamPlatform", "live")
ENCODER = resource("livestream:index:Encoder", "live-main", PLATFORM)
ALARMS = [resource("aws:cloudwatch/metricAlarm:MetricAlarm", f"alarm-{i}", PLATFORM) for i in range(GROUP_AT)]
RESOURCES = (PLATFORM, ENCODER, resource("aws:medialive/channel:Channel", "live-main-channel", ENCODER), *ALARMS)


def test_every_section_in_order_with_the_failing_verdict() -> None:
    text = render_text(document(*RESOURCES))
    heads = [
        "livestream plan – project proj, stack dev, region ap-northeast-2",
        "Resources  (7: 2 components, 5 cloud",
        "Policies  (pack pack",
        "Monthly cost  (estimate, USD, ap-northeast-2 prices; basis: settings)",
        "Latency  (glass to glass",
        "Exports",
    ]
    positions = [text.index(h) for h in heads]
    assert positions == sorted(positions)
    assert "LiveStreamPlatform live  [livestream:index:LiveStreamPlatform, 5 resources]" in text
    assert "└─ aws:medialive:Channel  live-main-channel" in text
    assert f"aws:cloudwatch:MetricAlarm  ×{GROUP_AT}  (alarm-0 – alarm-{GROUP_AT - 1})" in text  # same-type leaves fold
    assert "  https-only     mandatory  FAIL" in text and "  unused         mandatory  n/a" in text
    assert "  off            disabled   disabled        -       -" in text
    assert "[mandatory] https-only – cdn (aws:cloudfront:Distribution)" in text
    assert "  total                   $12.50  per month" in text
    assert "1 price figures are estimates" in text
    assert '  ids          {"main": "1"}' in text
    assert text.endswith("FAIL – 1 mandatory policy violation(s), 0 advisory (exit 1)\n")


def test_full_tree_and_the_ascii_fallback() -> None:
    full = render(document(*RESOURCES), "text", full_tree=True)
    assert all(f"aws:cloudwatch:MetricAlarm  alarm-{i}" in full for i in range(GROUP_AT))
    ascii_text = render_text(document(*RESOURCES), encoding="ascii")
    ascii_text.encode("ascii")
    assert "`- aws:medialive:Channel  live-main-channel" in ascii_text and "(exit 1)" in ascii_text


def test_without_a_pack_cost_or_latency_it_says_why() -> None:
    doc = document(
        PLATFORM,
        cost=NOT_APPLICABLE,
        latency=Latency(note="not applicable: no live channels in this plan"),
        policy_pack=None,
        policy_pack_note="none here",
        policies=(),
        violations=(Violation("x", "advisory", None, "stack-wide"),),
        exports={},
        warnings=("careful",),
        notes=("none here",),
    )
    text = render_text(doc)
    assert "Policies\n  no policy pack: none here\n" in text
    assert "Monthly cost\n  not applicable: the plan has neither a LiveStreamPlatform component nor a MediaLive" in text
    assert "Latency  (glass to glass, estimate)\n  not applicable: no live channels in this plan" in text
    assert "Exports\n  none\n" in text and "warning: careful\nnote: none here\n" in text
    assert text.endswith("FAIL – no policy pack was run (pass --no-policies to plan without one), 1 advisory (exit 1)\n")
    skipped = render_text(replace(doc, gates=Gates(policies_skipped=True)))
    assert skipped.endswith("NOT CHECKED – policies skipped with --no-policies (exit 0)\n") and "PASS" not in skipped


def test_markdown_for_a_pull_request_leads_with_the_verdict_and_tables_the_cost() -> None:
    from livestream.cost import CostItem, Estimate
    from livestream.plan.document import Cost
    from livestream.plan.render import render

    estimate = Estimate(
        (CostItem("MediaLive | idle", 10.0, "d", "s", figures=("x",)), CostItem("S3", 2.5, "d", "s")),
        {"estimatedFigures": ["x"]},
    )
    doc = document(
        resource("aws:s3/bucket:Bucket", "b"),
        cost=Cost.of(estimate, "platform", "n"),
        violations=(Violation("https-only", "mandatory", "urn:pulumi:dev::p::aws:s3/bucket:Bucket::b", "plain | http"),),
    )
    text = render(doc, "markdown")
    assert text.splitlines()[2].startswith("**FAIL** (exit 1): 1 mandatory policy violation(s)")
    assert "| mandatory | `https-only` | b | plain \\| http |" in text
    assert "| MediaLive \\| idle | $10.00 |  | yes |" in text and "| S3 | $2.50 |  |  |" in text
    assert "| **total** | **$12.50** | $12.50–$12.50 | |" in text


def test_build_or_buy_lines_follow_the_cost() -> None:
    import dataclasses

    from livestream.cost.alternatives import AlternativeCost

    doc = document(*RESOURCES)
    options = (
        AlternativeCost("Svc A", 20.0, 1234.0, ("https://a",), 15.0, 30.0, True, 12.5, "", platform_cheaper_below=True),
        AlternativeCost("Svc B", 5.0, None, ("https://b",), 5.0, 5.0, False, 12.5, ""),
    )
    text = render_text(dataclasses.replace(doc, cost=dataclasses.replace(doc.cost, alternatives=options)))
    assert text.index("Build or buy") > text.index("Monthly cost") and text.index("Build or buy") < text.index("Latency")
    assert "  Svc A      $20.00* ($15.00-$30.00)" in text
    assert "break-even 1,234 viewer-h/month (this platform cheaper below)" in text
    assert "this platform is dearer at any viewing" in text
    assert "Build or buy" not in render_text(doc)
