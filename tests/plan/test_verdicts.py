"""Offline policy evaluation judges the same plan the same way, whatever order the engine registered it in."""

from __future__ import annotations

import random

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

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


def test_what_a_policy_changes_in_its_arguments_is_its_own() -> None:
    """The analyzer deserializes a resource's properties for each policy: a policy that writes into them
    changes neither what the next policy sees nor the plan."""

    def scribble(args: ResourceValidationArgs, report: ReportViolation) -> None:
        args.props["bucket"] = "changed"
        args.props["tags"]["env"] = "changed"
        args.props["rules"][0]["days"] = 0.0

    def look(args: ResourceValidationArgs, report: ReportViolation) -> None:
        report(f"{args.props['bucket']} {args.props['tags']['env']} {args.props['rules'][0]['days']}")

    def look_at_stack(args: StackValidationArgs, report: ReportViolation) -> None:
        props = args.resources[0].props
        props["tags"]["env"] = "changed"
        report(f"{props['bucket']} {props['rules'][0]['days']}", None)

    inputs = {"bucket": "recordings", "tags": {"env": "dev"}, "rules": [{"days": 30.0}]}
    bucket = PlannedResource(f"{STACK}aws:s3/bucket:Bucket::b", "aws:s3/bucket:Bucket", "b", None, True, inputs, dict(inputs))
    pack = verdicts.pack_from_policies(
        "isolation",
        [
            ResourceValidationPolicy(name="scribble", description="Writes into its arguments.", validate=scribble),
            ResourceValidationPolicy(name="look", description="Reports what it sees.", validate=look),
            StackValidationPolicy(name="stack", description="Writes and reports.", validate=look_at_stack),
            ResourceValidationPolicy(name="look-again", description="Reports what it sees.", validate=look),
        ],
    )
    evaluation = verdicts.evaluate(pack, Plan("p", "dev", {}, [bucket]), {"all": EnforcementLevel.ADVISORY.value})
    assert [v.message for v in evaluation] == ["recordings dev 30.0", "recordings 30.0", "recordings dev 30.0"]
    assert bucket.inputs == bucket.outputs == {"bucket": "recordings", "tags": {"env": "dev"}, "rules": [{"days": 30.0}]}
