"""Resource policies and origin access: KMS and SNS not public, key rotation, the packager's ingest, CloudFront OAC."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from tests.policies.helpers import ACCOUNT, DISTRIBUTION, check_resource, check_stack, distribution, res

KEY = "aws:kms/key:Key"
TOPIC_POLICY = "aws:sns/topicPolicy:TopicPolicy"
ROLE = "aws:iam/role:Role"
CHANNEL_POLICY = "aws-native:mediapackagev2:ChannelPolicy"
OAC = "aws:cloudfront/originAccessControl:OriginAccessControl"
ENCODER_ARN = f"arn:aws:iam::{ACCOUNT}:role/encoder"


def doc(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def grant(principal: Any, actions: list[str], condition: Mapping[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Sid": "S", "Effect": "Allow", "Principal": principal, "Action": actions, "Resource": "*"}
    if condition:
        statement["Condition"] = condition
    return statement


# --- kms-key-policy-not-public / sns-topic-policy-not-public -------------------------------------------


@pytest.mark.parametrize(("rule", "type_"), [("kms-key-policy-not-public", KEY), ("sns-topic-policy-not-public", TOPIC_POLICY)])
def test_named_or_bound_principals_pass(rule: str, type_: str) -> None:
    named = grant({"Service": "cloudwatch.amazonaws.com"}, ["kms:Decrypt"])
    bound = grant("*", ["sns:Publish"], {"StringEquals": {"aws:SourceAccount": ACCOUNT}})
    by_arn = grant(
        {"AWS": "*"}, ["sns:Publish"], {"ArnLike": {"aws:SourceArn": f"arn:aws:cloudwatch:us-east-1:{ACCOUNT}:alarm:*"}}
    )
    assert check_resource(rule, type_, {"policy": doc(named, bound, by_arn)}) == []
    assert check_resource(rule, type_, {"name": "no policy: the account-only default"}) == []


@pytest.mark.parametrize(("rule", "type_"), [("kms-key-policy-not-public", KEY), ("sns-topic-policy-not-public", TOPIC_POLICY)])
@pytest.mark.parametrize(
    "statement",
    [
        grant("*", ["kms:*"]),
        grant({"AWS": "*"}, ["sns:Publish"]),
        grant({"AWS": ["*"]}, ["sns:Publish"], {"Bool": {"aws:SecureTransport": "true"}}),  # binds nobody
        grant("*", ["sns:Publish"], {"StringLike": {"aws:SourceAccount": "*"}}),
    ],
)
def test_public_principals_are_violations(rule: str, type_: str, statement: dict[str, Any]) -> None:
    [message] = check_resource(rule, type_, {"policy": doc(statement)})
    assert "principal '*'" in message


# --- kms-key-rotation ---------------------------------------------------------------------------------------


def test_key_rotation() -> None:
    assert check_resource("kms-key-rotation", KEY, {"enableKeyRotation": True}) == []
    assert "enableKeyRotation" in check_resource("kms-key-rotation", KEY, {"description": "topic key"})[0]
    assert (
        len(check_resource("kms-key-rotation", KEY, {"enableKeyRotation": False, "customerMasterKeySpec": "SYMMETRIC_DEFAULT"}))
        == 1
    )
    assert check_resource("kms-key-rotation", KEY, {"customerMasterKeySpec": "RSA_2048", "keyUsage": "SIGN_VERIFY"}) == []
    assert check_resource("kms-key-rotation", KEY, {"keyUsage": "GENERATE_VERIFY_MAC", "customerMasterKeySpec": "HMAC_256"}) == []


# --- mediapackage-channel-ingest-only-encoder ----------------------------------------------------------------


def encoder_role(arn: str = ENCODER_ARN, service: str = "medialive.amazonaws.com") -> dict[str, Any]:
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}}
    return res(ROLE, arn.rsplit("/", 1)[-1], {"assumeRolePolicy": doc(trust), "arn": arn})


def channel_policy(principal: Any, actions: tuple[str, ...] = ("mediapackagev2:PutObject",)) -> dict[str, Any]:
    statement = {"Sid": "Ingest", "Effect": "Allow", "Principal": principal, "Action": list(actions), "Resource": "*"}
    return res(CHANNEL_POLICY, "ingest-policy", {"policy": {"Version": "2012-10-17", "Statement": [statement]}})


def test_only_the_encoder_role_may_push() -> None:
    assert check_stack("mediapackage-channel-ingest-only-encoder", [encoder_role(), channel_policy({"AWS": ENCODER_ARN})]) == []


@pytest.mark.parametrize(
    ("principal", "actions", "expected"),
    [
        ("*", ("mediapackagev2:PutObject",), "anyone"),
        ({"AWS": "*"}, ("mediapackagev2:*",), "anyone"),
        ({"AWS": "arn:aws:iam::999988887777:role/encoder"}, ("mediapackagev2:PutObject",), "only this platform's encoder"),
        ({"AWS": f"arn:aws:iam::{ACCOUNT}:role/lambda"}, ("*",), "only this platform's encoder"),
        ({"Service": "medialive.amazonaws.com"}, ("mediapackagev2:PutObject",), "['Service'] principals"),
    ],
)
def test_anyone_else_pushing_is_a_violation(principal: Any, actions: tuple[str, ...], expected: str) -> None:
    specs = [encoder_role(), encoder_role(f"arn:aws:iam::{ACCOUNT}:role/lambda", "lambda.amazonaws.com")]
    [(resource, message)] = check_stack("mediapackage-channel-ingest-only-encoder", [*specs, channel_policy(principal, actions)])
    assert resource == "ingest-policy" and expected in message


def test_another_account_is_refused_even_without_encoder_roles_in_the_stack() -> None:
    other = res("aws:s3/bucket:Bucket", "b", {"arn": "arn:aws:s3:::b", "bucket": "b"})
    lambda_role = encoder_role(f"arn:aws:iam::{ACCOUNT}:role/lambda", "lambda.amazonaws.com")
    [(_, message)] = check_stack(
        "mediapackage-channel-ingest-only-encoder",
        [other, lambda_role, channel_policy({"AWS": "arn:aws:iam::999988887777:root"})],
    )
    assert "another account" in message


def test_an_encoder_deployed_elsewhere_can_be_allowlisted() -> None:
    elsewhere = "arn:aws:iam::999988887777:role/encoder"
    specs = [encoder_role(), channel_policy({"AWS": elsewhere})]
    assert check_stack("mediapackage-channel-ingest-only-encoder", specs, {"allowedPrincipals": [elsewhere]}) == []


# --- cloudfront-origin-access-control ---------------------------------------------------------------------------


def oac(kind: str = "mediapackagev2", signing: str = "always", protocol: str = "sigv4") -> dict[str, Any]:
    props = {
        "originAccessControlOriginType": kind,
        "signingBehavior": signing,
        "signingProtocol": protocol,
        "id": f"oac-{kind}",
    }
    return res(OAC, f"oac-{kind}", props)


def cdn(*origins: dict[str, Any]) -> dict[str, Any]:
    return res(DISTRIBUTION, "cdn", distribution(origins=list(origins)))


def packager_origin(oac_id: str | None = "oac-mediapackagev2") -> dict[str, Any]:
    origin = distribution()["origins"][0]
    return {**origin, **({"originAccessControlId": oac_id} if oac_id else {})}


def s3_origin(oac_id: str | None = "oac-s3", **extra: Any) -> dict[str, Any]:
    origin = {"originId": "site", "domainName": "site-0a1b2c3.s3.ap-northeast-2.amazonaws.com", **extra}
    return {**origin, **({"originAccessControlId": oac_id} if oac_id else {})}


def test_packager_and_s3_origins_with_their_own_oac_pass() -> None:
    specs = [oac(), oac("s3"), cdn(packager_origin(), s3_origin())]
    assert check_stack("cloudfront-origin-access-control", specs) == []
    custom = {"originId": "api", "domainName": "api.example.com", "customOriginConfig": {"originProtocolPolicy": "https-only"}}
    assert check_stack("cloudfront-origin-access-control", [cdn(custom)]) == []


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ([cdn(packager_origin(None))], "mediapackagev2 origin without origin access control"),
        ([cdn(s3_origin(None))], "s3 origin without origin access control"),
        (
            [cdn(s3_origin(None, s3OriginConfig={"originAccessIdentity": "origin-access-identity/cloudfront/E1"}))],
            "legacy origin access identity",
        ),
        ([oac("s3"), cdn(packager_origin("oac-s3"))], "('mediapackagev2', 'always', 'sigv4')"),
        ([oac(signing="no-override"), cdn(packager_origin())], "'no-override'"),
    ],
)
def test_origins_without_the_right_oac_are_violations(specs: list[dict[str, Any]], expected: str) -> None:
    [(resource, message)] = check_stack("cloudfront-origin-access-control", specs)
    assert resource == "cdn" and expected in message


def test_native_distributions_are_judged_too() -> None:
    native = res(
        "aws-native:cloudfront:Distribution", "cdn", {"distributionConfig": {"origins": [{**packager_origin(None), "id": "p"}]}}
    )
    [(_, message)] = check_stack("cloudfront-origin-access-control", [native])
    assert "'p'" in message
