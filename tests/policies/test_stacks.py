"""Whole programs: a deliberately bad program trips the rules, a careless one trips exactly its faults,
and this repository's own stacks and the consumer example pass every mandatory rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livestream.model import ladder
from livestream.plan import engine as offline
from livestream.plan import verdicts
from tests.conftest import stack_config
from tests.policies.helpers import BAD_PROGRAM, CARELESS_PROGRAM, CONSUMER, PACK_DIR, POLICIES, ROOT

EXPECTED_BAD = {
    "cloudfront-viewer-https": "cdn",
    "cloudfront-tls-minimum": "cdn",
    "cloudfront-origin-https": "cdn",
    "cloudfront-access-logging": "cdn",
    "cloudfront-origin-access-control": "cdn",
    "mediapackage-endpoint-cloudfront-only": "open-endpoint",
    "s3-bucket-tls-only": "recordings",
    "medialive-ingest-not-open": "open-ingest",
    "medialive-srt-encrypted": "plain-srt",
    "medialive-channel-class": "always-on",
    "medialive-input-spec-ceiling": "always-on",
    "medialive-ladder-ceiling": "always-on",
    "cloudfront-price-class": "cdn",
    "medialive-no-auto-start": "always-on",
    "archive-lifecycle": "recordings",
    "channel-stop-schedule": "always-on",
    "budget-exists": None,
    "monthly-cost-limit": None,
    "s3-public-access-block": "recordings",
    "s3-encryption": "recordings",
    "s3-archive-versioning": "recordings",
    "iam-no-wildcards": "medialive-role-policy",
    "iam-no-sensitive-reads-on-all": "medialive-role-policy",
    "iam-no-privilege-escalation": "medialive-role-policy",
    "sns-topic-encrypted": "alerts",
    "sns-topic-publishers-can-encrypt": "managed-key-alerts",
    "lambda-not-public": "public-invoke",
    "log-group-retention": "control-logs",
    "log-retention-cost-ceiling": "control-logs",
}

# The careless program of issue 17: each (rule, resource) is one of its marked faults, and nothing else fails.
EXPECTED_CARELESS = {
    ("medialive-ingest-not-open", "split-ingest"),  # 0.0.0.0/1 + 128.0.0.0/1
    ("mediapackage-channel-ingest-only-encoder", "open-ingest-policy"),  # anyone may push
    ("cloudfront-origin-access-control", "cdn"),  # MediaPackage origin without OAC
    ("cloudfront-access-logging", "cdn"),  # no access logs
    ("iam-trust-not-open", "ops-role"),  # anyone may assume it ...
    ("iam-no-admin-managed-policies", "ops-role"),  # ... with AdministratorAccess
    ("kms-key-policy-not-public", "topic-key"),  # kms:* for principal '*'
    ("kms-key-rotation", "topic-key"),
    ("sns-topic-policy-not-public", "alerts-policy"),  # anyone may publish
    ("lambda-runtime-supported", "stop"),  # python3.8
    ("cloudwatch-alarm-actions", "input-loss"),  # notifies nobody
    ("scheduled-stop-failure-noticed", "nightly-stop"),  # no dead-letter queue
}


def found(evaluation: verdicts.Evaluation) -> set[tuple[str, str | None]]:
    return {(v.policy, v.resource.rsplit("::", 1)[-1] if v.resource else None) for v in evaluation}


@pytest.fixture(scope="module")
def bad_evaluation(pack: verdicts.LoadedPack) -> verdicts.Evaluation:
    return verdicts.evaluate(pack, offline.run(BAD_PROGRAM, "dev"))


def test_bad_program_trips_its_rules(bad_evaluation: verdicts.Evaluation) -> None:
    seen = found(bad_evaluation)
    for policy, resource in EXPECTED_BAD.items():
        assert (policy, resource) in seen, policy
    assert {v.policy for v in bad_evaluation if v.enforcement_level == "advisory"} == {"sns-topic-encrypted"}


def test_every_rule_is_tripped_by_a_fixture_or_prod() -> None:
    """Every rule fails somewhere: the bad program, the careless program, or (the TLS 1.0 advisory) prod."""
    careless = {policy for policy, _ in EXPECTED_CARELESS}
    assert set(EXPECTED_BAD) | careless | {"cloudfront-default-certificate-tls"} == set(POLICIES)


def test_bad_program_violations_serialise_for_plan_json(bad_evaluation: verdicts.Evaluation) -> None:
    payload = json.loads(json.dumps([v.as_dict() for v in bad_evaluation]))
    assert all(set(item) == {"policy", "enforcementLevel", "resource", "message"} for item in payload)
    assert any(item["policy"] == "lambda-not-public" and item["resource"].endswith("::scheduler-invoke") for item in payload)


def test_careless_program_fails_on_every_fault_and_nowhere_else(pack: verdicts.LoadedPack) -> None:
    evaluation = verdicts.evaluate(pack, offline.run(CARELESS_PROGRAM, "dev"))
    assert found(evaluation) == EXPECTED_CARELESS
    assert {v.enforcement_level for v in evaluation} == {"mandatory"}


@pytest.mark.parametrize(
    ("root", "stack", "config", "advisories"),
    [
        (ROOT, "dev", PACK_DIR / "config" / "dev.json", set()),
        (ROOT, "prod", PACK_DIR / "config" / "prod.json", {"cloudfront-default-certificate-tls"}),
        (CONSUMER, "dev", CONSUMER / "policy-config.json", {"cloudfront-default-certificate-tls"}),
    ],
)
def test_own_stacks_and_the_consumer_pass_every_mandatory_rule(
    pack: verdicts.LoadedPack, root: Path, stack: str, config: Path, advisories: set[str]
) -> None:
    evaluation = verdicts.evaluate(pack, offline.run(root, stack), verdicts.load_config(config))
    assert [v.as_dict() for v in evaluation.mandatory] == []
    assert {v.policy for v in evaluation} == advisories


LADDER_RULES = ("medialive-ladder-ceiling", "medialive-input-spec-ceiling", "medialive-channel-class")


@pytest.mark.parametrize("stack", ["dev", "prod"])
@pytest.mark.parametrize("preset", sorted(ladder.PRESETS))
def test_every_ladder_preset_passes_the_shipped_policy_configs(pack: verdicts.LoadedPack, stack: str, preset: str) -> None:
    """The built-in ladders and the shipped configs agree: a stack may pick any preset (issue 13: hd failed dev).

    The ceilings that judge a ladder pass for every preset. What the whole stack costs is another rule: the
    dev stack's $300 ceiling at 122 channel-hours admits sd only (hd is estimated near $360), as it should.
    """
    config = stack_config(stack)
    for channel in config["livestream:channels"].values():
        channel["ladder"] = preset
    plan = offline.run(ROOT, stack, config=config)
    evaluation = verdicts.evaluate(pack, plan, verdicts.load_config(PACK_DIR / "config" / f"{stack}.json"))
    assert [v.as_dict() for v in evaluation if v.policy in LADDER_RULES] == []
    assert {v.policy for v in evaluation.mandatory} <= {"monthly-cost-limit"}


@pytest.mark.parametrize(("root", "stack"), [(ROOT, "dev"), (ROOT, "prod"), (CONSUMER, "dev")])
def test_the_monthly_cost_rule_and_the_plan_give_one_total(pack: verdicts.LoadedPack, root: Path, stack: str) -> None:
    """Issue 13: one run showed $844 from the policy (its own usage assumptions) and $4,729 from the report."""
    from livestream.cli import plan as plan_command

    total = plan_command.build(root, stack, policy_config=None).document.cost.monthly_usd
    assert total
    evaluation = verdicts.evaluate(pack, offline.run(root, stack), {"monthly-cost-limit": {"maxMonthlyUsd": total - 0.01}})
    [violation] = [v for v in evaluation if v.policy == "monthly-cost-limit"]
    assert f"estimated at ${total:,.2f}/month" in violation.message
    assert "(from the settings " in violation.message and "). Largest items: " in violation.message
    assert not [
        v
        for v in verdicts.evaluate(pack, offline.run(root, stack), {"monthly-cost-limit": {"maxMonthlyUsd": total}})
        if v.policy == "monthly-cost-limit"
    ]
