"""Offline policy evaluation judges the same plan the same way, whatever order the engine registered it in."""

from __future__ import annotations

import random

from pulumi_policy import EnforcementLevel, ReportViolation, StackValidationArgs, StackValidationPolicy

from livestream.plan import verdicts
from livestream.plan.engine import Plan, PlannedResource

STACK = "urn:pulumi:dev::p::pulumi:pulumi:Stack$"


def first_seen(args: StackValidationArgs, report: ReportViolation) -> None:
    """Like a rule that takes the first of something (the monthly-cost rule's region): names what it saw first."""
    report(" ".join(r.name for r in args.resources), None)


def test_stack_policies_see_resources_in_tree_order() -> None:
    pack = verdicts.pack_from_policies(
        "order", [StackValidationPolicy(name="first", description="Names the resources in order.", validate=first_seen)]
    )
    platform = f"{STACK}livestream:index:LiveStreamPlatform::live"
    topics = [
        PlannedResource(f"{STACK}aws:sns/topic:Topic::t{i}", "aws:sns/topic:Topic", f"t{i}", None, True, {}, {}) for i in range(4)
    ]
    rows = [
        PlannedResource(platform, "livestream:index:LiveStreamPlatform", "live", None, False, {}, {}),
        PlannedResource(f"{STACK}livestream:index:Alarms::alarms", "livestream:index:Alarms", "alarms", platform, False, {}, {}),
        PlannedResource(f"{STACK}livestream:index:Encoder::enc", "livestream:index:Encoder", "enc", platform, False, {}, {}),
        *topics,
    ]
    seen = set()
    for seed in range(6):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        evaluation = verdicts.evaluate(pack, Plan("p", "dev", {}, shuffled), {"all": EnforcementLevel.ADVISORY.value})
        seen.add(evaluation[0].message)
    assert seen == {"live enc alarms t0 t1 t2 t3"}  # components in data-flow order, then resources by (type, name)
