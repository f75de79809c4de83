"""The plan document: `to_json` is the `--json` contract (keys, order, values); the summary follows the violations."""

from __future__ import annotations

import json
import random
from dataclasses import replace

from livestream.plan.document import Cost, Latency, PlanDocument, Violation, resources_of
from livestream.plan.engine import Plan, PlannedResource
from livestream.plan.estimates import NOT_APPLICABLE
from tests.plan.builders import document, resource

CONTRACT = [
    "schemaVersion",
    "project",
    "stack",
    "projectDir",
    "region",
    "resources",
    "policyPack",
    "policyPackNote",
    "policies",
    "violations",
    "cost",
    "latency",
    "latencyBasis",
    "latencyNote",
    "exports",
    "warnings",
    "unchecked",
    "gates",
    "notes",
    "summary",
]


def planned(urn: str, type_: str, name: str, parent: str | None) -> PlannedResource:
    return PlannedResource(urn, type_, name, parent, not type_.startswith("livestream:"), {"k": name}, {})


def test_to_json_has_the_contract_keys_in_order_and_is_json() -> None:
    platform = resource("livestream:index:LiveStreamPlatform", "live")
    doc = document(platform, resource("aws:s3/bucket:Bucket", "b", platform))
    out = doc.to_json()
    assert list(out) == CONTRACT
    assert json.loads(json.dumps(out)) == out
    assert out["resources"][1] == {
        "type": "aws:s3/bucket:Bucket",
        "name": "b",
        "parent": "live",
        "parentType": "livestream:index:LiveStreamPlatform",
        "urn": doc.resources[1].urn,
        "custom": True,
        "inputs": {},
        "options": {},
        "dependencies": [],
    }  # inputs, options and dependencies for `--against`; outputs stay out of the JSON
    assert "changes" not in out  # only with --against
    assert out["schemaVersion"] == 1
    assert list(out["cost"]) == [
        "monthlyUsd",
        "lowUsd",
        "highUsd",
        "estimate",
        "items",
        "assumptions",
        "basis",
        "note",
        "alternatives",
    ]
    assert list(out["latency"]["main"]) == ["seconds", "low", "high", "breakdown", "lowLatencyHls", "segmentSeconds"]
    assert out["policies"][0] == {
        "policy": "https-only",
        "kind": "resource",
        "enforcementLevel": "mandatory",
        "status": "fail",
        "evaluated": 2,
        "passed": 1,
        "failed": 1,
        "violations": 1,
    }


def test_summary_counts_and_the_exit_code_follow_the_violations() -> None:
    platform = resource("livestream:index:LiveStreamPlatform", "live")
    doc = document(platform, resource("aws:s3/bucket:Bucket", "b", platform))
    assert doc.to_json()["summary"] == {
        "resources": 2,
        "components": 1,
        "mandatoryViolations": 1,
        "advisoryViolations": 0,
        "failures": ["1 mandatory policy violation(s)"],
        "exitCode": 1,
    }
    advisory = document(violations=(Violation("p", "advisory", None, "m"),))
    assert (advisory.exit_code, advisory.summary.advisory_violations) == (0, 1)


def test_no_cost_and_no_latency_keep_their_shapes() -> None:
    doc: PlanDocument = document(cost=NOT_APPLICABLE, latency=Latency(note="not applicable"), policy_pack=None)
    out = doc.to_json()
    assert out["cost"] == {"monthlyUsd": None, "items": [], "basis": None, "note": NOT_APPLICABLE.note}
    assert (out["latency"], out["latencyBasis"], out["latencyNote"]) == ({}, None, "not applicable")
    assert out["policyPack"] is None
    assert Cost(monthly_usd=None, note="n").to_json()["items"] == []


def test_resources_come_in_tree_order_whatever_the_registration_order() -> None:
    stack = "urn:pulumi:dev::p::"
    platform, encoder = f"{stack}livestream:index:LiveStreamPlatform::live", f"{stack}x$livestream:index:Encoder::e"
    rows = [
        planned(platform, "livestream:index:LiveStreamPlatform", "live", None),
        planned(f"{stack}x$livestream:index:Scheduler::s", "livestream:index:Scheduler", "s", platform),
        planned(encoder, "livestream:index:Encoder", "e", platform),
        planned(f"{stack}x$aws:s3/bucket:Bucket::b", "aws:s3/bucket:Bucket", "b", encoder),
        planned(f"{stack}x$aws:iam/role:Role::a", "aws:iam/role:Role", "a", encoder),
        planned(f"{stack}aws:sns/topic:Topic::t", "aws:sns/topic:Topic", "t", None),
    ]
    orders = []
    for seed in range(5):
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        orders.append([(r.name, r.parent_name) for r in resources_of(Plan("p", "dev", {}, shuffled))])
    # components first, the media path in data-flow order (Encoder before Scheduler), then resources by (type, name)
    assert orders == [orders[0]] * 5
    assert orders[0] == [("live", None), ("e", "live"), ("a", "e"), ("b", "e"), ("s", "live"), ("t", None)]


def test_cost_lines_are_flagged_estimate_from_their_figures_and_carry_a_range() -> None:
    from livestream.cost import CostItem, Estimate

    published = CostItem("S3 archive", 3.0, "d", "s", figures=("s3.standardPerGbMonth",))
    guessed = CostItem("MediaLive idle", 10.0, "d", "s", figures=("medialive.idleChannelPerHour",))
    ranged = replace(guessed, name="ranged", low_usd=8.0, high_usd=14.0)  # from the price table's figure ranges
    estimate = Estimate((published, guessed, ranged), {"estimatedFigures": ["medialive.idleChannelPerHour"]})
    cost = Cost.of(estimate, "platform", "n").to_json()
    lines = {i["name"]: i for i in cost["items"]}
    assert lines["S3 archive"]["estimate"] is False and lines["MediaLive idle"]["estimate"] is True
    assert (lines["S3 archive"]["lowUsd"], lines["S3 archive"]["highUsd"]) == (3.0, 3.0)  # no range: low = high
    assert (lines["ranged"]["lowUsd"], lines["ranged"]["highUsd"]) == (8.0, 14.0)
    assert (cost["lowUsd"], cost["monthlyUsd"], cost["highUsd"]) == (21.0, 23.0, 27.0) and cost["estimate"] is True
