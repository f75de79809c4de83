"""Whole programs: a deliberately bad program trips every rule; this repository's own stacks pass."""

from __future__ import annotations

import json

import pytest

from livestream.plan import engine as offline
from livestream.plan import verdicts
from tests.policies.helpers import (
    BAD_PROGRAM,
    PACK_DIR,
    POLICIES,
    ROOT,
)

EXPECTED_BAD = {
    "cloudfront-viewer-https": "cdn",
    "cloudfront-tls-minimum": "cdn",
    "cloudfront-origin-https": "cdn",
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
    "sns-topic-encrypted": "alerts",
    "lambda-not-public": "public-invoke",
    "log-group-retention": "control-logs",
}


@pytest.fixture(scope="module")
def bad_evaluation(pack: verdicts.LoadedPack) -> verdicts.Evaluation:
    return verdicts.evaluate(pack, offline.run(BAD_PROGRAM, "dev"))


def test_bad_program_trips_every_policy(bad_evaluation: verdicts.Evaluation) -> None:
    assert set(EXPECTED_BAD) == set(POLICIES)
    found = {(v.policy, v.resource.rsplit("::", 1)[-1] if v.resource else None) for v in bad_evaluation}
    for policy, resource in EXPECTED_BAD.items():
        assert (policy, resource) in found, policy
    assert {v.policy for v in bad_evaluation if v.enforcement_level == "advisory"} == {"medialive-ingest-not-open"}
    assert all(v.status == "fail" for v in bad_evaluation.policies)


def test_bad_program_violations_serialise_for_plan_json(bad_evaluation: verdicts.Evaluation) -> None:
    payload = json.loads(json.dumps([v.as_dict() for v in bad_evaluation]))
    assert all(set(item) == {"policy", "enforcementLevel", "resource", "message"} for item in payload)
    assert any(item["policy"] == "lambda-not-public" and item["resource"].endswith("::scheduler-invoke") for item in payload)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_own_stacks_have_no_mandatory_violations(pack: verdicts.LoadedPack, stack: str) -> None:
    plan = offline.run(ROOT, stack)
    evaluation = verdicts.evaluate(pack, plan, verdicts.load_config(PACK_DIR / "config" / f"{stack}.json"))
    assert [v.as_dict() for v in evaluation.mandatory] == []
