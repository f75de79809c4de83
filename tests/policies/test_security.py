"""Security rules: S3 public access, encryption, versioning, IAM, SNS, Lambda, log groups."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from pulumi_policy import EnforcementLevel
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from tests.policies.helpers import (
    ACCOUNT,
    ALARM,
    BUDGET,
    LOG_GROUP,
    POLICIES,
    TOPIC,
    bucket,
    channel,
    check_resource,
    check_stack,
    lp,
    on_bucket,
    res,
    versioning,
)

PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
FLAGS = {"blockPublicAcls": True, "blockPublicPolicy": True, "ignorePublicAcls": True, "restrictPublicBuckets": True}


def test_public_access_block_passes_per_bucket_or_account_wide() -> None:
    assert check_stack("s3-public-access-block", [bucket("b"), on_bucket(PAB, "pab", "b", **FLAGS)]) == []
    account = res("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", FLAGS)
    assert check_stack("s3-public-access-block", [bucket("b"), account]) == []


def test_public_access_block_violations() -> None:
    [(where, message)] = check_stack("s3-public-access-block", [bucket("b")])
    assert where == "b" and "no BucketPublicAccessBlock" in message
    [(_, message)] = check_stack(
        "s3-public-access-block", [bucket("b"), on_bucket(PAB, "pab", "b", **{**FLAGS, "ignorePublicAcls": False})]
    )
    assert "ignorePublicAcls" in message


SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"


def sse(bucket_name: str, algorithm: str) -> dict[str, Any]:
    return on_bucket(
        SSE, f"{bucket_name}-sse", bucket_name, rules=[{"applyServerSideEncryptionByDefault": {"sseAlgorithm": algorithm}}]
    )


def test_encryption_passes_and_kms_can_be_required() -> None:
    assert check_stack("s3-encryption", [bucket("b"), sse("b", "AES256")]) == []
    inline = bucket(
        "i", serverSideEncryptionConfiguration={"rule": {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "aws:kms"}}}
    )
    assert check_stack("s3-encryption", [inline], {"requireKms": True}) == []
    assert len(check_stack("s3-encryption", [bucket("b"), sse("b", "AES256")], {"requireKms": True})) == 1


def test_encryption_missing_is_a_violation() -> None:
    [(where, message)] = check_stack("s3-encryption", [bucket("b"), sse("other", "AES256")])
    assert where == "b" and "no server-side encryption" in message


def test_archive_versioning() -> None:
    assert check_stack("s3-archive-versioning", [channel(), bucket("archive"), versioning("archive"), bucket("logs")]) == []
    [(where, _)] = check_stack("s3-archive-versioning", [channel(), bucket("archive"), bucket("logs")])
    assert where == "archive"
    assert {
        w
        for w, _ in check_stack(
            "s3-archive-versioning", [channel(), bucket("archive"), versioning("archive"), bucket("logs")], {"scope": "all"}
        )
    } == {"logs"}


ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def iam_doc(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_iam_scoped_policies_pass() -> None:
    doc = iam_doc(
        {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::archive/main/*"]},
        {"Effect": "Allow", "Action": ["medialive:DescribeChannel", "cloudwatch:GetMetricData"], "Resource": "*"},
        {"Effect": "Allow", "Action": "cloudwatch:PutMetricData", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    )
    assert check_resource("iam-no-wildcards", ROLE_POLICY, {"policy": doc, "role": "r"}) == []


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (ROLE_POLICY, {"policy": iam_doc({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b"})}, "Action '*'"),
        (
            ROLE_POLICY,
            {"policy": iam_doc({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"})},
            "['s3:PutObject'] on Resource '*'",
        ),
        (
            "aws:iam/policy:Policy",
            {"policy": iam_doc({"Effect": "Allow", "Action": "medialive:Stop*", "Resource": ["*"]})},
            "Resource '*'",
        ),
        (
            "aws:iam/policy:Policy",
            {"policy": iam_doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::b"})},
            "NotAction",
        ),
        (
            "aws:iam/role:Role",
            {
                "assumeRolePolicy": "{}",
                "inlinePolicies": [
                    {"name": "inline", "policy": iam_doc({"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"})}
                ],
            },
            "inlinePolicies[0] (inline)",
        ),
        (ROLE_POLICY, {"policy": "not json"}, "not a JSON policy document"),
    ],
)
def test_iam_wildcards_are_violations(type_: str, props: dict[str, Any], expected: str) -> None:
    messages = check_resource("iam-no-wildcards", type_, props)
    assert any(expected in m for m in messages), messages


def test_iam_service_wildcards_are_configurable() -> None:
    props = {"policy": iam_doc({"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/*"})}
    assert check_resource("iam-no-wildcards", ROLE_POLICY, props) == []
    assert len(check_resource("iam-no-wildcards", ROLE_POLICY, props, {"allowServiceWildcards": False})) == 1


def test_topic_encryption_is_advisory_and_states_that_sns_encrypts_at_rest() -> None:
    assert check_resource("sns-topic-encrypted", TOPIC, {"kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/abc"}) == []
    assert check_resource("sns-topic-encrypted", TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}) == []
    [message] = check_resource("sns-topic-encrypted", TOPIC, {"name": "alerts"})
    assert "disk encryption" in message and "unencrypted" not in message
    assert POLICIES["sns-topic-encrypted"].enforcement_level == EnforcementLevel.ADVISORY


TOPIC_ARN = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"


def topic(key: str | None) -> dict[str, Any]:
    return res(TOPIC, "alerts", {"arn": TOPIC_ARN, "name": "alerts", **({"kmsMasterKeyId": key} if key else {})})


def alarm_on(topic_arn: str) -> dict[str, Any]:
    return res(ALARM, "cpu", {"alarmActions": [topic_arn], "arn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:cpu"})


@pytest.mark.parametrize("key", ["alias/aws/sns", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/sns"])
def test_aws_managed_key_is_refused_when_cloudwatch_or_budgets_publish(key: str) -> None:
    [(resource, message)] = check_stack("sns-topic-publishers-can-encrypt", [topic(key), alarm_on(TOPIC_ARN)])
    assert resource == "alerts" and "CloudWatch alarms" in message
    budget = res(BUDGET, "b", {"notifications": [{"subscriberSnsTopicArns": [TOPIC_ARN]}]})
    [(_, message)] = check_stack("sns-topic-publishers-can-encrypt", [topic(key), budget])
    assert "AWS Budgets" in message


def test_aws_managed_key_is_fine_without_service_publishers_and_cmk_always() -> None:
    assert check_stack("sns-topic-publishers-can-encrypt", [topic("alias/aws/sns")]) == []
    cmk = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/abc"
    assert check_stack("sns-topic-publishers-can-encrypt", [topic(cmk), alarm_on(TOPIC_ARN)]) == []
    assert check_stack("sns-topic-publishers-can-encrypt", [topic(None), alarm_on(TOPIC_ARN)]) == []


PERMISSION = "aws:lambda/permission:Permission"


def test_lambda_permissions_naming_the_caller_pass() -> None:
    scheduler = {
        "action": "lambda:InvokeFunction",
        "function": "control",
        "principal": "scheduler.amazonaws.com",
        "sourceArn": "arn:aws:scheduler:::x",
    }
    account = {"action": "lambda:InvokeFunction", "function": "control", "principal": ACCOUNT}
    assert check_resource("lambda-not-public", PERMISSION, scheduler) == []
    assert check_resource("lambda-not-public", PERMISSION, account) == []
    assert check_resource("lambda-not-public", "aws:lambda/functionUrl:FunctionUrl", {"authorizationType": "AWS_IAM"}) == []


@pytest.mark.parametrize(
    ("type_", "props", "expected"),
    [
        (PERMISSION, {"action": "lambda:InvokeFunction", "function": "f", "principal": "*"}, "anyone"),
        (
            PERMISSION,
            {"action": "lambda:InvokeFunction", "function": "f", "principal": "events.amazonaws.com"},
            "without a sourceArn",
        ),
        ("aws:lambda/functionUrl:FunctionUrl", {"functionName": "f", "authorizationType": "NONE"}, "authorizationType NONE"),
    ],
)
def test_public_lambdas_are_violations(type_: str, props: dict[str, Any], expected: str) -> None:
    [message] = check_resource("lambda-not-public", type_, props)
    assert expected in message


def test_log_group_retention_is_security_and_the_ceiling_is_cost() -> None:
    assert check_resource("log-group-retention", LOG_GROUP, {"retentionInDays": 30.0}) == []
    assert "not set" in check_resource("log-group-retention", LOG_GROUP, {"name": "x"})[0]
    assert "not set" in check_resource("log-group-retention", LOG_GROUP, {"retentionInDays": 0.0})[0]
    assert (
        "at least 90" in check_resource("log-group-retention", LOG_GROUP, {"retentionInDays": 30.0}, {"minRetentionDays": 90})[0]
    )
    assert check_resource("log-group-retention", LOG_GROUP, {"retentionInDays": 3653.0}) == []
    ceiling = "log-retention-cost-ceiling"
    assert check_resource(ceiling, LOG_GROUP, {"retentionInDays": 30.0}, {"maxRetentionDays": 30}) == []
    assert "at most 14" in check_resource(ceiling, LOG_GROUP, {"retentionInDays": 30.0}, {"maxRetentionDays": 14})[0]
    assert "forever" in check_resource(ceiling, LOG_GROUP, {"name": "x"}, {"maxRetentionDays": 14})[0]
    assert lp.group_of("log-group-retention") == "security" and lp.group_of(ceiling) == "cost"


def test_during_preview_an_alarm_publishing_to_the_topic_is_found_by_dependency() -> None:
    alarm = alarm_on(UNKNOWN_STRING_VALUE)
    alarm["prop_deps"] = {"alarmActions": ["alerts"]}
    [(_, message)] = check_stack("sns-topic-publishers-can-encrypt", [topic("alias/aws/sns"), alarm])
    assert "CloudWatch alarms" in message
