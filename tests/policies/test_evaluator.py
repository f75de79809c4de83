"""The offline evaluator (`livestream.plan.verdicts`): levels, config, verdicts, unknown values, crashes."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi_policy import (
    ResourceValidationArgs,
    ResourceValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from livestream.plan import engine as offline
from livestream.plan import verdicts
from tests.policies.helpers import (
    BUCKET,
    LOG_GROUP,
    TOPIC,
    planned,
    urn,
)


def small_plan() -> offline.Plan:
    return offline.Plan(
        "p",
        "dev",
        {},
        [
            planned(TOPIC, "alerts", {}),
            planned(LOG_GROUP, "logs", {"retentionInDays": 7.0}),
            planned(BUCKET, "b", {}, {"bucket": "b-1", "arn": "arn:aws:s3:::b-1"}),
        ],
    )


def test_evaluate_levels_config_and_verdicts(pack: verdicts.LoadedPack) -> None:
    evaluation = verdicts.evaluate(pack, small_plan())
    by_policy = {v.policy for v in evaluation}
    assert {"sns-topic-encrypted", "s3-bucket-tls-only", "s3-public-access-block", "budget-exists"} <= by_policy
    assert "log-group-retention" not in by_policy
    [topic] = [v for v in evaluation if v.policy == "sns-topic-encrypted"]
    assert topic.as_dict() == {
        "policy": "sns-topic-encrypted",
        "enforcementLevel": "advisory",
        "resource": urn(TOPIC, "alerts"),
        "message": topic.message,
    }
    [budget_violation] = [v for v in evaluation if v.policy == "budget-exists"]
    assert budget_violation.resource is None
    verdict = {v.policy: v for v in evaluation.policies}
    assert (verdict["log-group-retention"].status, verdict["log-group-retention"].evaluated) == ("pass", 1)
    assert (verdict["sns-topic-encrypted"].status, verdict["sns-topic-encrypted"].resources_failed) == ("fail", 1)
    assert len(evaluation.policies) == len(pack.policies)
    assert "sns-topic-encrypted" in verdicts.summary(evaluation)


def test_evaluate_applies_all_disabled_and_remediate(pack: verdicts.LoadedPack) -> None:
    config = {"all": "advisory", "sns-topic-encrypted": "disabled", "s3-encryption": {"enforcementLevel": "remediate"}}
    evaluation = verdicts.evaluate(pack, small_plan(), config)
    assert "sns-topic-encrypted" not in {v.policy for v in evaluation}
    assert {v.policy: v.enforcement_level for v in evaluation}["s3-encryption"] == "mandatory"
    assert {v.policy: v.enforcement_level for v in evaluation}["s3-bucket-tls-only"] == "advisory"
    assert {v.policy: v.status for v in evaluation.policies}["sns-topic-encrypted"] == "disabled"
    assert not evaluation.mandatory or all(v.policy == "s3-encryption" for v in evaluation.mandatory)


def test_evaluate_turns_unknown_values_into_advisory_notes(pack: verdicts.LoadedPack) -> None:
    plan = offline.Plan("p", "dev", {}, [planned(TOPIC, "alerts", {"kmsMasterKeyId": UNKNOWN_STRING_VALUE})])
    [note] = [v for v in verdicts.evaluate(pack, plan) if v.policy == "sns-topic-encrypted"]
    assert note.enforcement_level == "advisory" and "can't be known during preview" in note.message


def test_evaluate_reports_a_policy_that_crashes() -> None:
    def broken(args: ResourceValidationArgs, report: Any) -> None:
        raise KeyError("oops")

    crashing = verdicts.pack_from_policies("p", [ResourceValidationPolicy(name="broken", description="Broken.", validate=broken)])
    with pytest.raises(verdicts.PolicyRuntimeError, match="broken"):
        verdicts.evaluate(crashing, small_plan())
