"""Archive: private, encrypted, TLS-only, versioned, with a lifecycle — and kept in prod."""

from __future__ import annotations

import json

from livestream.plan.engine import Plan
from tests.conftest import archive_bucket, run_stack

S3 = "aws:s3/"


def bucket_part(plan: Plan, kind: str) -> dict:
    bucket_id = archive_bucket(plan).outputs["id"]
    parts = [
        r for r in plan.resources if r.type.startswith(S3) and r.type.endswith(f":{kind}") and r.inputs.get("bucket") == bucket_id
    ]
    assert len(parts) == 1, kind
    return parts[0].inputs


def test_public_access_fully_blocked(dev_plan: Plan) -> None:
    block = bucket_part(dev_plan, "BucketPublicAccessBlock")
    assert all(block[k] is True for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))


def test_ownership_enforced_and_versioned(dev_plan: Plan) -> None:
    assert bucket_part(dev_plan, "BucketOwnershipControls")["rule"]["objectOwnership"] == "BucketOwnerEnforced"
    assert bucket_part(dev_plan, "BucketVersioning")["versioningConfiguration"]["status"] == "Enabled"


def test_encrypted_with_s3_keys_by_default_and_kms_when_given() -> None:
    plan = run_stack("dev")
    rule = bucket_part(plan, "BucketServerSideEncryptionConfiguration")["rules"][0]
    assert rule["applyServerSideEncryptionByDefault"]["sseAlgorithm"] == "AES256"
    key = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    plan = run_stack("dev", archive={"kmsKeyArn": key, "expireAfterDays": 7})
    by_default = bucket_part(plan, "BucketServerSideEncryptionConfiguration")["rules"][0]["applyServerSideEncryptionByDefault"]
    assert by_default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key}


def test_policy_denies_requests_without_tls(dev_plan: Plan) -> None:
    policy = json.loads(bucket_part(dev_plan, "BucketPolicy")["policy"])
    arn = archive_bucket(dev_plan).outputs["arn"]
    deny = policy["Statement"][0]
    assert deny["Effect"] == "Deny"
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == [arn, f"{arn}/*"]


def test_lifecycle_per_stack(dev_plan: Plan, prod_plan: Plan) -> None:
    dev_rule = bucket_part(dev_plan, "BucketLifecycleConfiguration")["rules"][0]
    assert dev_rule["expiration"]["days"] == 7 and "transitions" not in dev_rule
    prod_rule = bucket_part(prod_plan, "BucketLifecycleConfiguration")["rules"][0]
    assert prod_rule["transitions"] == [{"days": 30, "storageClass": "GLACIER"}]
    assert prod_rule["expiration"]["days"] == 365
    assert prod_rule["noncurrentVersionExpiration"]["noncurrentDays"] == 30
    assert prod_rule["status"] == "Enabled"


def test_prod_recordings_survive_destroy(dev_plan: Plan, prod_plan: Plan) -> None:
    prod_bucket = archive_bucket(prod_plan)
    assert prod_bucket.retain_on_delete is True and prod_bucket.inputs["forceDestroy"] is False
    dev_bucket = archive_bucket(dev_plan)
    assert dev_bucket.retain_on_delete is False and dev_bucket.inputs["forceDestroy"] is True


def test_library_default_keeps_recordings() -> None:
    plan = run_stack("dev", archive={"expireAfterDays": 7})  # retainOnDelete not given
    assert archive_bucket(plan).retain_on_delete is True
