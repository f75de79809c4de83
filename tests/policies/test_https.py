"""HTTPS rules: viewers, TLS, origins, endpoint policies, S3 TLS-only, ingest, SRT."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pulumi_policy import EnforcementLevel
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from tests.policies.helpers import (
    ACCOUNT,
    DISTRIBUTION,
    POLICIES,
    bucket,
    check_resource,
    check_stack,
    distribution,
    on_bucket,
    res,
    tls_policy,
)


def test_viewer_https_passes_redirect_and_https_only() -> None:
    assert check_resource("cloudfront-viewer-https", DISTRIBUTION, distribution()) == []


@pytest.mark.parametrize("where", ["defaultCacheBehavior", "orderedCacheBehaviors"])
def test_viewer_https_rejects_allow_all_on_any_behaviour(where: str) -> None:
    props = distribution()
    if where == "defaultCacheBehavior":
        props["defaultCacheBehavior"]["viewerProtocolPolicy"] = "allow-all"
    else:
        props["orderedCacheBehaviors"].append({"pathPattern": "*.ts", "viewerProtocolPolicy": "allow-all"})
    [message] = check_resource("cloudfront-viewer-https", DISTRIBUTION, props)
    assert "allow-all" in message and where in message


def test_viewer_https_can_require_https_only_and_reads_native_distributions() -> None:
    assert len(check_resource("cloudfront-viewer-https", DISTRIBUTION, distribution(), {"requireHttpsOnly": True})) == 1
    native = {"distributionConfig": {"defaultCacheBehavior": {"viewerProtocolPolicy": "allow-all"}, "cacheBehaviors": []}}
    assert len(check_resource("cloudfront-viewer-https", "aws-native:cloudfront:Distribution", native)) == 1


def test_tls_minimum_default_certificate_is_a_configurable_stance() -> None:
    assert check_resource("cloudfront-tls-minimum", DISTRIBUTION, distribution()) == []
    [message] = check_resource("cloudfront-tls-minimum", DISTRIBUTION, distribution(), {"allowDefaultCertificate": False})
    assert "default *.cloudfront.net certificate" in message


def test_tls_minimum_with_a_custom_certificate() -> None:
    cert = {"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x", "sslSupportMethod": "sni-only"}
    good = distribution(viewerCertificate={**cert, "minimumProtocolVersion": "TLSv1.2_2021"})
    old = distribution(viewerCertificate={**cert, "minimumProtocolVersion": "TLSv1.1_2016"})
    vip = distribution(viewerCertificate={**cert, "minimumProtocolVersion": "TLSv1.2_2025", "sslSupportMethod": "vip"})
    assert check_resource("cloudfront-tls-minimum", DISTRIBUTION, good) == []
    assert "TLSv1.1_2016" in check_resource("cloudfront-tls-minimum", DISTRIBUTION, old)[0]
    assert "$600/month" in check_resource("cloudfront-tls-minimum", DISTRIBUTION, vip)[0]
    assert len(check_resource("cloudfront-tls-minimum", DISTRIBUTION, good, {"minimumProtocolVersion": "TLSv1.3_2025"})) == 1


def test_origin_https_requires_https_only_and_tls12() -> None:
    assert check_resource("cloudfront-origin-https", DISTRIBUTION, distribution()) == []
    bad = distribution()
    bad["origins"][0]["customOriginConfig"].update(originProtocolPolicy="match-viewer", originSslProtocols=["TLSv1", "TLSv1.2"])
    messages = check_resource("cloudfront-origin-https", DISTRIBUTION, bad)
    assert len(messages) == 2 and "match-viewer" in messages[0] and "TLSv1'" in messages[1]


def test_origin_https_ignores_s3_origins() -> None:
    props = distribution(origins=[{"originId": "logs", "domainName": "b.s3.amazonaws.com", "s3OriginConfig": {}}])
    assert check_resource("cloudfront-origin-https", DISTRIBUTION, props) == []


def test_native_distributions_are_read_from_distribution_config() -> None:
    native = "aws-native:cloudfront:Distribution"
    origin = {"id": "pkg", "domainName": "x.example.com", "customOriginConfig": {"originProtocolPolicy": "http-only"}}
    config = {"origins": [origin], "viewerCertificate": {"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/x"}}
    [policy, protocols] = check_resource("cloudfront-origin-https", native, {"distributionConfig": config})
    assert policy.startswith("origins[0] (pkg).") and "http-only" in policy and "originSslProtocols" in protocols
    [tls] = check_resource("cloudfront-tls-minimum", native, {"distributionConfig": config})
    assert "minimumProtocolVersion is None" in tls
    assert check_resource("cloudfront-tls-minimum", native, {}) == []  # no distributionConfig: the default certificate


ENDPOINT = "aws-native:mediapackagev2:OriginEndpoint"
ENDPOINT_POLICY = "aws-native:mediapackagev2:OriginEndpointPolicy"
DIST_ARN = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E123"


def endpoint_policy(name: str = "hls-policy", statement: Mapping[str, Any] | None = None, **keys: Any) -> dict[str, Any]:
    allow = {
        "Sid": "AllowCloudFrontDistribution",
        "Effect": "Allow",
        "Action": ["mediapackagev2:GetObject", "mediapackagev2:GetHeadObject"],
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Resource": ["arn:aws:mediapackagev2:us-east-1:1:channelGroup/g/channel/c/originEndpoint/hls"],
        "Condition": {"StringEquals": {"AWS:SourceArn": DIST_ARN}},
    }
    names = {"channelGroupName": "g", "channelName": "c", "originEndpointName": "hls", **keys}
    return res(ENDPOINT_POLICY, name, {**names, "policy": {"Version": "2012-10-17", "Statement": [statement or allow]}})


def endpoint(name: str = "hls") -> dict[str, Any]:
    return res(
        ENDPOINT, name, {"channelGroupName": "g", "channelName": "c", "originEndpointName": "hls", "containerType": "CMAF"}
    )


def test_endpoint_readable_only_by_cloudfront_passes_with_a_scoped_policy() -> None:
    assert check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), endpoint_policy()]) == []


def test_endpoint_without_policy_is_a_violation() -> None:
    [(where, message)] = check_stack("mediapackage-endpoint-cloudfront-only", [endpoint()])
    assert where == "hls" and "no OriginEndpointPolicy" in message


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ({"Effect": "Allow", "Principal": "*", "Action": "mediapackagev2:GetObject"}, "allow only Service"),
        (
            {"Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"}, "Action": "mediapackagev2:GetObject"},
            "aws:SourceArn",
        ),
        (
            {
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "mediapackagev2:*",
                "Condition": {"StringEquals": {"aws:SourceArn": DIST_ARN}},
            },
            "CloudFront needs only",
        ),
    ],
)
def test_endpoint_policy_must_allow_only_cloudfront_for_one_distribution(statement: dict[str, Any], expected: str) -> None:
    found = check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), endpoint_policy(statement=statement)])
    assert found and all(where == "hls-policy" for where, _ in found)
    assert any(expected in message for _, message in found)


@pytest.mark.parametrize(
    ("operator", "passes"),
    [
        ("ArnEquals", True),
        ("StringLikeIfExists", True),
        ("ForAnyValue:ArnLike", True),
        ("StringNotEquals", False),
        ("ArnNotLike", False),
    ],
)
def test_endpoint_policy_source_arn_operators(operator: str, passes: bool) -> None:
    statement = {
        "Effect": "Allow",
        "Principal": {"Service": "cloudfront.amazonaws.com"},
        "Action": ["mediapackagev2:GetObject"],
        "Condition": {operator: {"aws:SourceArn": DIST_ARN}},
    }
    found = check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), endpoint_policy(statement=statement)])
    assert (found == []) is passes, found


def test_endpoint_policy_matches_by_dependency_when_names_are_unknown() -> None:
    unknown_name = endpoint_policy(originEndpointName=UNKNOWN_STRING_VALUE)
    unknown_name["props"] = {k: v for k, v in unknown_name["props"].items() if k != "originEndpointName"}
    unknown_name["deps"] = ["hls"]
    assert check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), unknown_name]) == []


# The documented live-to-VOD harvester statement, as "Origin endpoint authorization" prints it:
# https://docs.aws.amazon.com/mediapackage/latest/userguide/endpoint-auth.html
HARVESTER = {
    "Sid": "AllowMediaPackageHarvestObjectAccess",
    "Effect": "Allow",
    "Principal": {"Service": "mediapackagev2.amazonaws.com"},
    "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}},
    "Action": ["mediapackagev2:HarvestObject", "mediapackagev2:GetObject"],
    "Resource": "arn:aws:mediapackagev2:us-east-1:1:channelGroup/g/channel/c/originEndpoint/hls",
}


def with_statement(statement: Mapping[str, Any]) -> dict[str, Any]:
    """The CloudFront-only endpoint policy plus one more statement."""
    spec = endpoint_policy()
    spec["props"]["policy"]["Statement"].append(dict(statement))
    return spec


def test_endpoint_policy_admits_the_documented_harvester_statement() -> None:
    assert check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), with_statement(HARVESTER)]) == []


@pytest.mark.parametrize(
    "change",
    [
        {"Condition": {}},  # not bound to an account
        {"Condition": {"StringEquals": {"AWS:SourceAccount": "*"}}},
        {"Action": ["mediapackagev2:HarvestObject", "mediapackagev2:*"]},
        {"Principal": {"Service": ["mediapackagev2.amazonaws.com", "medialive.amazonaws.com"]}},
    ],
)
def test_a_harvester_statement_that_differs_from_the_documented_one_is_a_violation(change: dict[str, Any]) -> None:
    statement = {k: v for k, v in {**HARVESTER, **change}.items() if v != {}}
    found = check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), with_statement(statement)])
    assert found and all(where == "hls-policy" for where, _ in found)


def test_the_harvester_can_be_refused_and_other_principals_allowlisted() -> None:
    specs = [endpoint(), with_statement(HARVESTER)]
    assert check_stack("mediapackage-endpoint-cloudfront-only", specs, {"allowHarvester": False})
    cdn_user = f"arn:aws:iam::{ACCOUNT}:user/third-party-cdn"
    third_party = {"Effect": "Allow", "Principal": {"AWS": cdn_user}, "Action": ["mediapackagev2:GetObject"]}
    specs = [endpoint(), with_statement(third_party)]
    assert check_stack("mediapackage-endpoint-cloudfront-only", specs)
    assert check_stack("mediapackage-endpoint-cloudfront-only", specs, {"allowedPrincipals": [cdn_user]}) == []
    writes = {**third_party, "Action": ["mediapackagev2:GetObject", "mediapackagev2:PutObject"]}
    found = check_stack(
        "mediapackage-endpoint-cloudfront-only", [endpoint(), with_statement(writes)], {"allowedPrincipals": [cdn_user]}
    )
    assert found


def test_default_certificate_gets_a_tls10_advisory() -> None:
    [message] = check_resource("cloudfront-default-certificate-tls", DISTRIBUTION, distribution())
    assert "TLS 1.0" in message
    custom = distribution(
        viewerCertificate={"acmCertificateArn": "arn:aws:acm:us-east-1:1:certificate/c", "minimumProtocolVersion": "TLSv1.2_2021"}
    )
    assert check_resource("cloudfront-default-certificate-tls", DISTRIBUTION, custom) == []
    assert POLICIES["cloudfront-default-certificate-tls"].enforcement_level == EnforcementLevel.ADVISORY
    # the mandatory rule documents the trade-off it accepts: older media clients, and the prod advisory
    assert "older media clients" in POLICIES["cloudfront-tls-minimum"].description
    assert "cloudfront-default-certificate-tls" in POLICIES["cloudfront-tls-minimum"].description


def test_bucket_tls_only_passes_with_a_deny_insecure_transport_policy() -> None:
    specs = [bucket("archive"), on_bucket("aws:s3/bucketPolicy:BucketPolicy", "tls", "archive", policy=tls_policy("archive"))]
    assert check_stack("s3-bucket-tls-only", specs) == []


def test_bucket_tls_only_accepts_the_inline_policy_and_preview_property_dependencies() -> None:
    assert check_stack("s3-bucket-tls-only", [bucket("inline", policy=tls_policy("inline"))]) == []
    during_preview = res("aws:s3/bucketPolicy:BucketPolicy", "tls", {"policy": tls_policy("b")}, prop_deps={"bucket": ["b"]})
    assert check_stack("s3-bucket-tls-only", [bucket("b"), during_preview]) == []
    still_unknown = res("aws:s3/bucketPolicy:BucketPolicy", "tls", {"policy": UNKNOWN_STRING_VALUE}, prop_deps={"bucket": ["b"]})
    assert check_stack("s3-bucket-tls-only", [bucket("b"), still_unknown]) == []


@pytest.mark.parametrize(
    "condition", [{}, {"Bool": {"aws:SecureTransport": "true"}}, {"StringEquals": {"aws:SecureTransport": "false"}}]
)
def test_bucket_tls_only_rejects_buckets_without_the_deny(condition: dict[str, Any]) -> None:
    specs = [
        bucket("archive"),
        bucket("logs"),
        on_bucket("aws:s3/bucketPolicy:BucketPolicy", "p", "archive", policy=tls_policy("archive", condition)),
    ]
    assert {where for where, _ in check_stack("s3-bucket-tls-only", specs)} == {"archive", "logs"}


@pytest.mark.parametrize(
    "condition",
    [
        {"BoolIfExists": {"aws:SecureTransport": "false"}},
        {"Bool": {"AWS:SecureTransport": False}},
        {"ForAnyValue:Bool": {"aws:securetransport": ["false"]}},
    ],
)
def test_bucket_tls_only_accepts_the_deny_in_every_spelling(condition: dict[str, Any]) -> None:
    specs = [
        bucket("archive"),
        on_bucket("aws:s3/bucketPolicy:BucketPolicy", "p", "archive", policy=tls_policy("archive", condition)),
    ]
    assert check_stack("s3-bucket-tls-only", specs) == []


def test_sub_resources_may_name_their_bucket_by_arn() -> None:
    by_arn = res(
        "aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "arn:aws:s3:::archive-0a1b2c3", "policy": tls_policy("archive")}
    )
    assert check_stack("s3-bucket-tls-only", [bucket("archive"), by_arn]) == []
    elsewhere = res("aws:s3/bucketPolicy:BucketPolicy", "p", {"bucket": "arn:aws:s3:::other", "policy": tls_policy("other")})
    assert [where for where, _ in check_stack("s3-bucket-tls-only", [bucket("archive"), elsewhere])] == ["archive"]


SG = "aws:medialive/inputSecurityGroup:InputSecurityGroup"


def test_ingest_not_open_accepts_encoder_networks() -> None:
    assert (
        check_resource(
            "medialive-ingest-not-open", SG, {"whitelistRules": [{"cidr": "203.0.113.0/24"}, {"cidr": "2001:db8::/48"}]}
        )
        == []
    )


@pytest.mark.parametrize("cidr", ["0.0.0.0/0", "::/0", "not-a-cidr"])
def test_ingest_not_open_flags_the_whole_internet(cidr: str) -> None:
    assert (
        len(check_resource("medialive-ingest-not-open", SG, {"whitelistRules": [{"cidr": "203.0.113.0/24"}, {"cidr": cidr}]}))
        == 1
    )
    assert (
        len(
            check_resource(
                "medialive-ingest-not-open", "aws-native:medialive:InputSecurityGroup", {"whitelistRules": [{"cidr": cidr}]}
            )
        )
        == 1
    )


def test_ingest_not_open_prefix_floor_is_configurable_and_mandatory_by_default() -> None:
    props = {"whitelistRules": [{"cidr": "10.0.0.0/8"}]}
    assert check_resource("medialive-ingest-not-open", SG, props) == []
    assert len(check_resource("medialive-ingest-not-open", SG, props, {"minIpv4PrefixLength": 16})) == 1
    assert POLICIES["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.MANDATORY


@pytest.mark.parametrize(
    "cidrs",
    [
        ["0.0.0.0/1", "128.0.0.0/1"],  # two halves: the whole internet
        ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"],
        ["10.0.0.0/9", "10.128.0.0/9", "11.0.0.0/9"],  # each narrower than /8, together wider
        ["::/1", "8000::/1"],
    ],
)
def test_ingest_not_open_judges_the_union_of_all_cidrs(cidrs: list[str]) -> None:
    [message] = check_resource("medialive-ingest-not-open", SG, {"whitelistRules": [{"cidr": c} for c in cidrs]})
    assert "together allow" in message


def test_ingest_union_collapses_adjacent_blocks_within_the_floor() -> None:
    halves = {"whitelistRules": [{"cidr": "10.0.0.0/9"}, {"cidr": "10.128.0.0/9"}]}  # = 10.0.0.0/8
    assert check_resource("medialive-ingest-not-open", SG, halves) == []


def test_ingest_open_to_phones_only_when_the_stack_opts_in() -> None:
    props = {"whitelistRules": [{"cidr": "0.0.0.0/0"}]}
    assert check_resource("medialive-ingest-not-open", SG, props, {"allowMobileNetworks": True}) == []
    assert "allowMobileNetworks" in check_resource("medialive-ingest-not-open", SG, props)[0]


NATIVE_INPUT = "aws-native:medialive:Input"


def test_srt_listener_with_passphrase_passes_and_rtmp_is_not_judged() -> None:
    decryption = {"algorithm": "AES256", "passphraseSecretArn": "arn:aws:secretsmanager:us-east-1:1:secret:x"}
    srt = {"type": "SRT_LISTENER", "srtSettings": {"srtListenerSettings": {"decryption": decryption, "minimumLatency": 2000.0}}}
    assert check_resource("medialive-srt-encrypted", NATIVE_INPUT, srt) == []
    assert (
        check_resource("medialive-srt-encrypted", NATIVE_INPUT, {"type": "RTMP_PUSH", "destinations": [{"streamName": "a/b"}]})
        == []
    )


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (NATIVE_INPUT, {"type": "SRT_LISTENER", "srtSettings": {"srtListenerSettings": {"minimumLatency": 2000.0}}}),
        (NATIVE_INPUT, {"type": "SRT_CALLER", "srtSettings": {"srtCallerSources": [{"srtListenerAddress": "192.0.2.1"}]}}),
        ("aws:medialive/input:Input", {"type": "SRT_LISTENER"}),
    ],
)
def test_srt_without_passphrase_is_a_violation(type_: str, props: dict[str, Any]) -> None:
    [message] = check_resource("medialive-srt-encrypted", type_, props)
    assert "passphraseSecretArn" in message


def test_srt_algorithm_allow_list() -> None:
    decryption = {"algorithm": "AES128", "passphraseSecretArn": "arn:aws:secretsmanager:us-east-1:1:secret:x"}
    srt = {"type": "SRT_LISTENER", "srtSettings": {"srtListenerSettings": {"decryption": decryption}}}
    assert len(check_resource("medialive-srt-encrypted", NATIVE_INPUT, srt, {"allowedAlgorithms": ["AES256"]})) == 1
