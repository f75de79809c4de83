"""The CrossGuard pack in policies/: every rule on passing and violating wire-format resources,
the offline evaluator (`livestream.verdicts`), config validation, a deliberately bad program,
and this repository's own stacks."""

from __future__ import annotations

import copy
import importlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError, unknown_checking_proxy

from livestream import cost as cost_model
from livestream.plan import engine as offline
from livestream.plan import verdicts

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "policies"
BAD_PROGRAM = ROOT / "tests" / "fixtures" / "bad_program"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))
lp = importlib.import_module("livestream_policies")
POLICIES = {p.name: p for p in lp.ALL_POLICIES}

BUCKET = "aws:s3/bucket:Bucket"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CHANNEL = "aws:medialive/channel:Channel"
ACCOUNT = "123456789012"


# --- helpers ------------------------------------------------------------------------------------


def urn(type_: str, name: str) -> str:
    return f"urn:pulumi:test::policies::{type_}::{name}"


def options(parent: str | None = None) -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], parent)


def config_for(name: str, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The policy's schema defaults under `overrides`, validated as the CLI would."""
    pack = verdicts.pack_from_policies("test-pack", [POLICIES[name]])
    return verdicts.resolve_config(pack, {name: dict(overrides)} if overrides else None)[name].properties


def check_resource(name: str, type_: str, props: Mapping[str, Any], config: Mapping[str, Any] | None = None) -> list[str]:
    """Messages a resource policy reports for one resource (inputs in wire format, behind the analyzer's proxy)."""
    policy = POLICIES[name]
    assert isinstance(policy, ResourceValidationPolicy)
    messages: list[str] = []
    args = ResourceValidationArgs(
        type_,
        unknown_checking_proxy(copy.deepcopy(dict(props))),
        urn(type_, "r"),
        "r",
        options(),
        None,
        config_for(name, config),
        {},
    )
    policy.validate(args, lambda message, _urn=None: messages.append(message))
    return messages


def res(
    type_: str,
    name: str,
    props: Mapping[str, Any],
    *,
    deps: Sequence[str] = (),
    prop_deps: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, Any]:
    return {"type": type_, "name": name, "props": props, "deps": deps, "prop_deps": prop_deps or {}}


def check_stack(
    name: str, specs: Sequence[Mapping[str, Any]], config: Mapping[str, Any] | None = None
) -> list[tuple[str | None, str]]:
    """(resource name or None, message) a stack policy reports for a set of resources (outputs in wire format)."""
    policy = POLICIES[name]
    assert isinstance(policy, StackValidationPolicy)
    by_name = {
        s["name"]: PolicyResource(
            s["type"],
            unknown_checking_proxy(copy.deepcopy(dict(s["props"]))),
            urn(s["type"], s["name"]),
            s["name"],
            options(),
            None,
            None,
            [],
            {},
        )
        for s in specs
    }
    for s in specs:
        resource = by_name[s["name"]]
        resource.dependencies = [by_name[d] for d in s["deps"]]
        resource.property_dependencies = {k: [by_name[d] for d in v] for k, v in s["prop_deps"].items()}
    found: list[tuple[str | None, str]] = []

    def report(message: str, reported: str | None = None) -> None:
        found.append((reported.rsplit("::", 1)[-1] if reported else None, message))

    policy.validate(StackValidationArgs(list(by_name.values()), config_for(name, config), {}), report)
    return found


def bucket(name: str, **extra: Any) -> dict[str, Any]:
    return res(BUCKET, name, {"bucket": f"{name}-0a1b2c3", "arn": f"arn:aws:s3:::{name}-0a1b2c3", **extra})


def on_bucket(type_: str, name: str, bucket_name: str, **props: Any) -> dict[str, Any]:
    return res(type_, name, {"bucket": f"{bucket_name}-0a1b2c3", **props})


def tls_policy(bucket_name: str, condition: Mapping[str, Any] | None = None) -> str:
    arn = f"arn:aws:s3:::{bucket_name}-0a1b2c3"
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": {"AWS": "*"},
                    "Action": ["s3:*"],
                    "Resource": [arn, f"{arn}/*"],
                    "Condition": condition if condition is not None else {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


def channel_props(**overrides: Any) -> dict[str, Any]:
    """A MediaLive channel in wire format: SD SINGLE_PIPELINE, three-rung SD ladder, never auto-started."""
    ladder = [(854, 480, 1_500_000), (640, 360, 800_000), (426, 240, 400_000)]
    props: dict[str, Any] = {
        "channelClass": "SINGLE_PIPELINE",
        "startChannel": False,
        "inputSpecification": {"codec": "AVC", "inputResolution": "SD", "maximumBitrate": "MAX_10_MBPS"},
        "encoderSettings": {
            "videoDescriptions": [
                {
                    "name": f"video_{h}p",
                    "width": float(w),
                    "height": float(h),
                    "codecSettings": {"h264Settings": {"bitrate": float(b)}},
                }
                for w, h, b in ladder
            ]
        },
        "destinations": [{"id": "archive", "settings": [{"url": "s3ssl://archive-0a1b2c3/main/pipeline0/main"}]}],
    }
    props.update(overrides)
    return props


def channel(name: str = "ch", **overrides: Any) -> dict[str, Any]:
    props = channel_props(**overrides)
    props.update({"channelId": f"{name}-id", "arn": f"arn:aws:medialive:us-east-1:{ACCOUNT}:channel:{name}-id"})
    return res(CHANNEL, name, props)


def distribution(**overrides: Any) -> dict[str, Any]:
    props: dict[str, Any] = {
        "priceClass": "PriceClass_200",
        "defaultCacheBehavior": {"targetOriginId": "packager", "viewerProtocolPolicy": "redirect-to-https"},
        "orderedCacheBehaviors": [{"pathPattern": "*.m3u8", "targetOriginId": "packager", "viewerProtocolPolicy": "https-only"}],
        "origins": [
            {
                "originId": "packager",
                "domainName": "group.egress.mediapackagev2.us-east-1.amazonaws.com",
                "customOriginConfig": {
                    "originProtocolPolicy": "https-only",
                    "originSslProtocols": ["TLSv1.2"],
                    "httpPort": 80.0,
                    "httpsPort": 443.0,
                },
            }
        ],
        "viewerCertificate": {"cloudfrontDefaultCertificate": True},
    }
    props.update(overrides)
    return props


# --- the pack as a whole --------------------------------------------------------------------------


def test_every_policy_is_named_kebab_case_uniquely_and_documented() -> None:
    names = [p.name for p in lp.ALL_POLICIES]
    assert len(names) == len(set(names)) == 23
    for policy in lp.ALL_POLICIES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", policy.name), policy.name
        assert "Fix:" in policy.description, policy.name
        assert policy.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY)
        assert policy.config_schema is not None and policy.remediation_steps
        assert policy.severity is not None


def test_groups_partition_the_pack() -> None:
    assert {g: len(ps) for g, ps in lp.GROUPS.items()} == {"https": 7, "cost": 9, "security": 7}
    assert lp.group_of("monthly-cost-limit") == "cost" and lp.group_of("nope") is None


def test_schema_defaults_validate_against_their_own_schema() -> None:
    pack = verdicts.pack_from_policies(lp.PACK_NAME, list(lp.ALL_POLICIES))
    resolved = verdicts.resolve_config(pack)
    assert resolved["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.ADVISORY
    assert resolved["monthly-cost-limit"].properties["maxMonthlyUsd"] == 500


def test_load_pack_runs_main_without_serving() -> None:
    pack = verdicts.load_pack(PACK_DIR)
    assert pack.name == "livestream-policies"
    assert [p.name for p in pack.policies] == [p.name for p in lp.ALL_POLICIES]
    assert pack.enforcement_level == EnforcementLevel.ADVISORY
    assert pack.description


def test_load_pack_works_for_any_python_pack(tmp_path: Path) -> None:
    (tmp_path / "rules_pkg").mkdir()
    (tmp_path / "rules_pkg" / "__init__.py").write_text(
        "from pulumi_policy import EnforcementLevel, ResourceValidationPolicy\n"
        "def _no_topics(args, report):\n"
        "    if args.resource_type == 'aws:sns/topic:Topic':\n"
        "        report('no topics here')\n"
        "RULES = [ResourceValidationPolicy(name='no-topics', description='No SNS topics.', validate=_no_topics,"
        " enforcement_level=EnforcementLevel.MANDATORY)]\n"
    )
    (tmp_path / "__main__.py").write_text(
        "from pulumi_policy import EnforcementLevel, PolicyPack\nfrom rules_pkg import RULES\n"
        "PolicyPack('other-pack', RULES, EnforcementLevel.ADVISORY, {'no-topics': {'enforcementLevel': 'advisory'}})\n"
    )
    pack = verdicts.load_pack(tmp_path)
    assert pack.name == "other-pack" and pack.initial_config == {"no-topics": {"enforcementLevel": "advisory"}}
    plan = offline.Plan("p", "dev", {}, [planned("aws:sns/topic:Topic", "t", {})])
    assert [(v.policy, v.enforcement_level) for v in verdicts.evaluate(pack, plan)] == [("no-topics", "advisory")]
    assert [(v.policy, v.enforcement_level) for v in verdicts.evaluate(pack, plan, {"all": "mandatory"})] == [
        ("no-topics", "mandatory")
    ]


def test_load_pack_reports_a_directory_without_a_pack(tmp_path: Path) -> None:
    with pytest.raises(verdicts.PackError, match=r"__main__\.py"):
        verdicts.load_pack(tmp_path)
    (tmp_path / "__main__.py").write_text("print('no pack')\n")
    with pytest.raises(verdicts.PackError, match="0 PolicyPack"):
        verdicts.load_pack(tmp_path)


def test_wire_helpers_shared_by_the_rules() -> None:
    w = importlib.import_module("livestream_policies._wire")
    statement = {
        "Condition": {"ForAnyValue:StringLikeIfExists": {"AWS:SourceArn": ["a", "b"]}, "StringNotLike": {"aws:sourcearn": "c"}}
    }
    assert [v for _, v in w.condition_values(statement, "aws:SourceArn", ("StringLike",))] == ["a", "b"]
    assert [v for _, v in w.condition_values(statement, "aws:SourceArn")] == ["a", "b", "c"]
    assert (w.arn_resource("arn:aws:s3:::b/k"), w.arn_resource("b")) == ("b/k", "b")
    native = {"distributionConfig": {"priceClass": "PriceClass_100"}}
    assert w.distribution_config(native, "aws-native:cloudfront:Distribution") == native["distributionConfig"]
    assert w.distribution_config(native, DISTRIBUTION) is native

    def resource(props: dict[str, Any]) -> PolicyResource:
        return PolicyResource(BUCKET, unknown_checking_proxy(props), urn(BUCKET, "b"), "b", options(), None, None, [], {})

    assert w.known_items(resource({"rules": [{"id": "a"}]}), "rules") == [{"id": "a"}]
    assert w.known_items(resource({"rules": [{"id": UNKNOWN_STRING_VALUE}]}), "rules") == []


# --- HTTPS ------------------------------------------------------------------------------------------


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


HARVESTER = {
    "Sid": "AllowMediaPackageHarvestObjectAccess",
    "Effect": "Allow",
    "Principal": {"Service": "mediapackagev2.amazonaws.com"},
    "Action": ["mediapackagev2:HarvestObject", "mediapackagev2:GetObject"],
    "Resource": ["arn:aws:mediapackagev2:us-east-1:1:channelGroup/g/channel/c/originEndpoint/hls"],
    "Condition": {"StringEquals": {"AWS:SourceAccount": ACCOUNT}},
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, None),  # the documented L2V harvester grant (recordings)
        ({"Condition": {}}, "aws:SourceAccount"),
        ({"Condition": {"StringLike": {"AWS:SourceAccount": "*"}}}, "aws:SourceAccount"),
        ({"Action": ["mediapackagev2:HarvestObject", "mediapackagev2:PutObject"]}, "the harvester needs only"),
    ],
)
def test_endpoint_policy_admits_only_this_accounts_harvester_besides_cloudfront(
    change: dict[str, Any], expected: str | None
) -> None:
    found = check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), endpoint_policy(statement={**HARVESTER, **change})])
    if expected is None:
        assert found == []
    else:
        assert found and any(expected in message for _, message in found), found


def test_endpoint_policy_matches_by_dependency_when_names_are_unknown() -> None:
    unknown_name = endpoint_policy(originEndpointName=UNKNOWN_STRING_VALUE)
    unknown_name["props"] = {k: v for k, v in unknown_name["props"].items() if k != "originEndpointName"}
    unknown_name["deps"] = ["hls"]
    assert check_stack("mediapackage-endpoint-cloudfront-only", [endpoint(), unknown_name]) == []


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


def test_ingest_not_open_prefix_floor_is_configurable_and_advisory_by_default() -> None:
    props = {"whitelistRules": [{"cidr": "10.0.0.0/8"}]}
    assert check_resource("medialive-ingest-not-open", SG, props) == []
    assert len(check_resource("medialive-ingest-not-open", SG, props, {"minIpv4PrefixLength": 16})) == 1
    assert POLICIES["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.ADVISORY


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


# --- cost -------------------------------------------------------------------------------------------


def test_channel_class_single_pipeline_passes_standard_needs_allowance() -> None:
    assert check_resource("medialive-channel-class", CHANNEL, channel_props()) == []
    standard = channel_props(channelClass="STANDARD")
    assert len(check_resource("medialive-channel-class", CHANNEL, standard)) == 1
    assert check_resource("medialive-channel-class", CHANNEL, standard, {"allowStandard": True}) == []
    unset = {k: v for k, v in channel_props().items() if k != "channelClass"}
    assert len(check_resource("medialive-channel-class", CHANNEL, unset)) == 1  # MediaLive's default is STANDARD


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"codec": "AVC", "inputResolution": "UHD", "maximumBitrate": "MAX_10_MBPS"}, "inputResolution"),
        ({"codec": "AVC", "inputResolution": "HD", "maximumBitrate": "MAX_50_MBPS"}, "maximumBitrate"),
        ({"codec": "HEVC", "inputResolution": "SD", "maximumBitrate": "MAX_10_MBPS"}, "codec"),
        (None, "not set"),
    ],
)
def test_input_spec_ceiling(spec: dict[str, Any] | None, expected: str) -> None:
    assert check_resource("medialive-input-spec-ceiling", CHANNEL, channel_props()) == []
    props = channel_props(inputSpecification=spec)
    if spec is None:
        del props["inputSpecification"]
    [message] = check_resource("medialive-input-spec-ceiling", CHANNEL, props)
    assert expected in message


def test_ladder_ceiling_passes_the_sd_ladder() -> None:
    assert check_resource("medialive-ladder-ceiling", CHANNEL, channel_props()) == []


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"maxRenditions": 2}, "3 renditions"),
        ({"maxTopHeight": 360}, "height 480"),
        ({"maxTotalBitrateKbps": 2000}, "2700 kbps"),
    ],
)
def test_ladder_ceiling_limits_are_configurable(config: dict[str, Any], expected: str) -> None:
    [message] = check_resource("medialive-ladder-ceiling", CHANNEL, channel_props(), config)
    assert expected in message


def test_ladder_ceiling_flags_unbounded_renditions_and_skips_thumbnails() -> None:
    props = channel_props()
    props["encoderSettings"]["videoDescriptions"].append(
        {"name": "thumbs", "codecSettings": {"frameCaptureSettings": {"captureInterval": 10.0}}}
    )
    assert check_resource("medialive-ladder-ceiling", CHANNEL, props) == []
    props["encoderSettings"]["videoDescriptions"].append(
        {"name": "qvbr", "width": 640.0, "height": 360.0, "codecSettings": {"h264Settings": {}}}
    )
    assert "neither bitrate nor maxBitrate" in check_resource("medialive-ladder-ceiling", CHANNEL, props)[0]


def test_price_class_allowed_and_default_all() -> None:
    assert check_resource("cloudfront-price-class", DISTRIBUTION, distribution()) == []
    unset = {k: v for k, v in distribution().items() if k != "priceClass"}
    assert "PriceClass_All" in check_resource("cloudfront-price-class", DISTRIBUTION, unset)[0]
    assert (
        len(check_resource("cloudfront-price-class", DISTRIBUTION, distribution(), {"allowedPriceClasses": ["PriceClass_100"]}))
        == 1
    )


def test_no_auto_start() -> None:
    assert check_resource("medialive-no-auto-start", CHANNEL, channel_props()) == []
    assert len(check_resource("medialive-no-auto-start", CHANNEL, channel_props(startChannel=True))) == 1
    assert check_resource("medialive-no-auto-start", CHANNEL, channel_props(startChannel=True), {"allowAutoStart": True}) == []


LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"


def lifecycle(
    bucket_name: str, *, expire: float | None = 365.0, glacier: float | None = None, noncurrent: float | None = 30.0
) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": "recordings", "status": "Enabled", "filter": {"prefix": ""}}
    if expire is not None:
        rule["expiration"] = {"days": expire}
    if glacier is not None:
        rule["transitions"] = [{"days": glacier, "storageClass": "GLACIER"}]
    if noncurrent is not None:
        rule["noncurrentVersionExpiration"] = {"noncurrentDays": noncurrent}
    return on_bucket(LIFECYCLE, f"{bucket_name}-lifecycle", bucket_name, rules=[rule])


def versioning(bucket_name: str) -> dict[str, Any]:
    return on_bucket(VERSIONING, f"{bucket_name}-versioning", bucket_name, versioningConfiguration={"status": "Enabled"})


def test_archive_lifecycle_passes_with_expiry_and_noncurrent_expiry() -> None:
    specs = [channel(), bucket("archive"), versioning("archive"), lifecycle("archive", glacier=30.0)]
    assert check_stack("archive-lifecycle", specs, {"requireTransition": True, "maxTransitionDays": 30}) == []


def test_archive_lifecycle_accepts_the_legacy_inline_rules() -> None:
    inline = bucket("old", lifecycleRules=[{"enabled": True, "expiration": {"days": 30.0}}])
    assert check_stack("archive-lifecycle", [inline]) == []


@pytest.mark.parametrize(
    ("specs", "config", "expected"),
    [
        ([bucket("archive")], None, "no enabled lifecycle rule"),
        ([bucket("archive"), lifecycle("archive", expire=None)], None, "never expires objects"),
        ([bucket("archive"), versioning("archive"), lifecycle("archive", noncurrent=None)], None, "noncurrent versions"),
        ([channel(), bucket("archive"), lifecycle("archive")], {"requireTransition": True}, "colder class within 90 days"),
        ([channel(), bucket("archive"), lifecycle("archive", glacier=120.0)], {"requireTransition": True}, "[120.0]"),
    ],
)
def test_archive_lifecycle_violations(specs: list[dict[str, Any]], config: dict[str, Any] | None, expected: str) -> None:
    [(where, message)] = check_stack("archive-lifecycle", specs, config)
    assert where == "archive" and expected in message


def test_archive_lifecycle_scope_archive_judges_only_recorded_buckets() -> None:
    specs = [channel(), bucket("archive"), lifecycle("archive"), bucket("scratch")]
    assert [w for w, _ in check_stack("archive-lifecycle", specs)] == ["scratch"]
    assert check_stack("archive-lifecycle", specs, {"scope": "archive"}) == []


FUNCTION = "aws:lambda/function:Function"
SCHEDULE = "aws:scheduler/schedule:Schedule"
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:control"


def function(channel_ids: str | None = "ch-id", **extra: Any) -> dict[str, Any]:
    env = {"variables": {"CHANNEL_IDS": channel_ids, "IDLE_MINUTES": "20"}} if channel_ids is not None else {"variables": {}}
    return res(FUNCTION, "control", {"arn": FUNCTION_ARN, "name": "control", "environment": env}, **extra)


def schedule(name: str, payload: Mapping[str, Any], *, target: str = FUNCTION_ARN, state: str = "ENABLED") -> dict[str, Any]:
    return res(
        SCHEDULE,
        name,
        {
            "scheduleExpression": "rate(5 minutes)",
            "state": state,
            "target": {"arn": target, "roleArn": "arn:aws:iam::1:role/s", "input": json.dumps(payload)},
        },
    )


@pytest.mark.parametrize("action", ["stop", "stop-if-idle"])
def test_stop_schedule_covers_the_channel(action: str) -> None:
    assert check_stack("channel-stop-schedule", [channel(), function(), schedule("stop", {"action": action})]) == []


def test_stop_schedule_accepts_the_universal_target_and_preview_dependencies() -> None:
    universal = schedule("stop", {"ChannelId": "ch-id"}, target="arn:aws:scheduler:::aws-sdk:medialive:stopChannel")
    assert check_stack("channel-stop-schedule", [channel(), universal]) == []
    preview = function(channel_ids=None, prop_deps={"environment": ["ch"]})
    preview["props"]["environment"] = {"variables": {"CHANNEL_IDS": UNKNOWN_STRING_VALUE}}
    assert check_stack("channel-stop-schedule", [channel(), preview, schedule("idle", {"action": "stop-if-idle"})]) == []


@pytest.mark.parametrize(
    "specs",
    [
        [channel(), function()],
        [channel(), function(), schedule("start", {"action": "start"})],
        [channel(), function(), schedule("stop", {"action": "stop"}, state="DISABLED")],
        [channel(), function("other-id"), schedule("stop", {"action": "stop"})],
        [channel(), function(), schedule("stop", {"action": "stop", "channelIds": ["other-id"]})],
        [
            channel(),
            function(),
            schedule("stop", {"action": "stop"}, target=f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:elsewhere"),
        ],
    ],
)
def test_stop_schedule_violations(specs: list[dict[str, Any]]) -> None:
    [(where, message)] = check_stack("channel-stop-schedule", specs)
    assert where == "ch" and "no enabled stop schedule" in message


BUDGET = "aws:budgets/budget:Budget"


def budget(amount: str = "150.0", **extra: Any) -> dict[str, Any]:
    props = {
        "budgetType": "COST",
        "timeUnit": "MONTHLY",
        "limitUnit": "USD",
        "limitAmount": amount,
        "notifications": [
            {"comparisonOperator": "GREATER_THAN", "threshold": 80.0, "subscriberEmailAddresses": ["ops@example.com"]}
        ],
        **extra,
    }
    return res(BUDGET, "monthly", props)


def test_budget_exists_passes() -> None:
    assert check_stack("budget-exists", [budget()]) == []
    assert check_stack("budget-exists", [budget("1200", timeUnit="ANNUALLY")], {"maxMonthlyUsd": 100}) == []


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ([], "no AWS Budgets budget"),
        ([budget("900")], "$900.00/month"),
        ([budget(notifications=[])], "notifies nobody"),
        ([budget(budgetType="USAGE")], "not a USD COST budget"),
    ],
)
def test_budget_violations(specs: list[dict[str, Any]], expected: str) -> None:
    [(_, message)] = check_stack("budget-exists", specs)
    assert expected in message


def cost_stack(**channel_overrides: Any) -> list[dict[str, Any]]:
    return [
        channel(**channel_overrides),
        bucket("archive"),
        lifecycle("archive", expire=7.0),
        function(),
        schedule("idle", {"action": "stop-if-idle"}),
    ]


def test_monthly_cost_within_the_limit() -> None:
    assert check_stack("monthly-cost-limit", cost_stack(), {"maxMonthlyUsd": 1000, "hoursPerMonth": 120}) == []


def test_monthly_cost_above_the_limit_is_itemised() -> None:
    [(where, message)] = check_stack(
        "monthly-cost-limit", cost_stack(channelClass="STANDARD"), {"maxMonthlyUsd": 50, "hoursPerMonth": 700}
    )
    assert where is None and "above this stack's ceiling of $50.00" in message and "MediaLive" in message


def policy_resources(specs: Sequence[Mapping[str, Any]]) -> list[PolicyResource]:
    """Resources as a stack policy receives them (outputs behind the analyzer's proxy, property dependencies linked)."""
    by_name = {
        s["name"]: PolicyResource(
            s["type"],
            unknown_checking_proxy(copy.deepcopy(dict(s["props"]))),
            urn(s["type"], s["name"]),
            s["name"],
            options(),
            None,
            None,
            [],
            {},
        )
        for s in specs
    }
    for s in specs:
        by_name[s["name"]].property_dependencies = {k: [by_name[d] for d in v] for k, v in s["prop_deps"].items()}
    return list(by_name.values())


def usage_of(specs: Sequence[Mapping[str, Any]], **config: Any) -> Any:
    return importlib.import_module("livestream_policies.cost").usage_from_resources(
        policy_resources(specs), config_for("monthly-cost-limit", config)
    )


def test_monthly_cost_usage_is_read_from_the_resources() -> None:
    cost = importlib.import_module("livestream_policies.cost")
    resources = policy_resources([*cost_stack(), budget()])
    usage = cost.usage_from_resources(resources, config_for("monthly-cost-limit", {"viewerHoursPerMonth": 10}))
    [ch] = usage.channels
    assert (ch.pipeline, ch.input_resolution, ch.hours_per_month) == ("SINGLE_PIPELINE", "SD", 120.0)
    assert ch.renditions[0] == (854, 480, 1_500_000)
    assert (usage.region, usage.archive_retention_days, usage.glacier_after_days, usage.budgets) == ("us-east-1", 7, None, 1)
    assert usage.scheduler_invocations_per_month == usage.lambda_invocations_per_month == 8760
    assert cost_model.firings_per_month("cron(0 19 * * ? *)") == pytest.approx(30.4, abs=0.1)
    assert cost_model.firings_per_month("cron(0/15 9-17 ? * MON-FRI *)") == pytest.approx(4 * 9 * 5 * 30.42 / 7, rel=0.01)


def test_monthly_cost_counts_what_bills_like_the_cli() -> None:
    kms = res("aws:kms/key:Key", "key", {"arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1"})
    secret = res("aws-native:secretsmanager:Secret", "srt", {})
    usage = usage_of([*cost_stack(), kms, secret])
    assert (usage.kms_keys, usage.secrets) == (1, 1)


def test_monthly_cost_usage_during_preview() -> None:
    # A value the cost model prices a channel by is unknown: the rule cannot run (the analyzer notes it).
    with pytest.raises(UnknownValueError):
        usage_of([channel(channelClass=UNKNOWN_STRING_VALUE)])
    # Other unknowns are left out: the packager's ingest URL and the lifecycle's bucket (named by its dependency).
    destinations = [
        {"id": "archive", "settings": [{"url": "s3ssl://archive-0a1b2c3/main/pipeline0/main"}]},
        {"id": "packager", "settings": [{"url": UNKNOWN_STRING_VALUE}]},
    ]
    rules = lifecycle("archive", expire=30.0, glacier=7.0)
    rules["props"]["bucket"] = UNKNOWN_STRING_VALUE
    rules["prop_deps"] = {"bucket": ["archive"]}
    usage = usage_of([channel(destinations=destinations), bucket("archive"), rules], region="us-east-1")
    assert (usage.archive_retention_days, usage.glacier_after_days) == (30, 7)
    assert usage.channels[0].renditions[0] == (854, 480, 1_500_000)


# --- security ---------------------------------------------------------------------------------------

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


TOPIC = "aws:sns/topic:Topic"


def test_topic_encryption() -> None:
    assert check_resource("sns-topic-encrypted", TOPIC, {"kmsMasterKeyId": "arn:aws:kms:us-east-1:1:key/abc"}) == []
    assert "not set" in check_resource("sns-topic-encrypted", TOPIC, {"name": "alerts"})[0]
    assert "CloudWatch alarms" in check_resource("sns-topic-encrypted", TOPIC, {"kmsMasterKeyId": "alias/aws/sns"})[0]
    assert check_resource("sns-topic-encrypted", TOPIC, {"kmsMasterKeyId": "alias/aws/sns"}, {"allowAwsManagedKey": True}) == []


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


LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"


def test_log_group_retention() -> None:
    assert check_resource("log-group-retention", LOG_GROUP, {"retentionInDays": 30.0}) == []
    assert "not set" in check_resource("log-group-retention", LOG_GROUP, {"name": "x"})[0]
    assert "not set" in check_resource("log-group-retention", LOG_GROUP, {"retentionInDays": 0.0})[0]
    assert (
        "at most 14" in check_resource("log-group-retention", LOG_GROUP, {"retentionInDays": 30.0}, {"maxRetentionDays": 14})[0]
    )


# --- config validation --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> verdicts.LoadedPack:
    return verdicts.load_pack(PACK_DIR)


@pytest.mark.parametrize(
    ("config", "policy", "key", "hint"),
    [
        ({"no-such-policy": "mandatory"}, "no-such-policy", None, "no such policy"),
        (
            {"budget-exists": {"maxMonthlyUsd": 100, "maxMonthly": 5}},
            "budget-exists",
            "maxMonthly",
            "allowed: enforcementLevel, maxMonthlyUsd",
        ),
        ({"budget-exists": {"maxMonthlyUsd": "lots"}}, "budget-exists", "maxMonthlyUsd", "'number'"),
        ({"medialive-channel-class": {"allowStandard": "yes"}}, "medialive-channel-class", "allowStandard", "'boolean'"),
        (
            {"cloudfront-price-class": {"allowedPriceClasses": ["PriceClass_300"]}},
            "cloudfront-price-class",
            "allowedPriceClasses[0]",
            "enum",
        ),
        ({"budget-exists": {"maxMonthlyUsd": -5}}, "budget-exists", "maxMonthlyUsd", "exclusiveMinimum"),
        ({"budget-exists": "strict"}, "budget-exists", "enforcementLevel", "advisory, mandatory, remediate, disabled"),
        ({"all": {"maxMonthlyUsd": 5}}, "all", "maxMonthlyUsd", "only an enforcementLevel"),
    ],
)
def test_config_errors_name_the_policy_the_key_and_what_is_allowed(
    pack: verdicts.LoadedPack, config: dict[str, Any], policy: str, key: str | None, hint: str
) -> None:
    with pytest.raises(verdicts.PolicyConfigError) as error:
        verdicts.validate_config(pack, config)
    assert (error.value.policy, error.value.key) == (policy, key)
    assert hint in str(error.value)


def test_config_files_validate_and_prod_is_stricter(pack: verdicts.LoadedPack) -> None:
    dev = verdicts.resolve_config(pack, verdicts.load_config(PACK_DIR / "config" / "dev.json"))
    prod = verdicts.resolve_config(pack, verdicts.load_config(PACK_DIR / "config" / "prod.json"))
    assert dev["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.ADVISORY
    assert prod["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.MANDATORY
    assert (
        prod["archive-lifecycle"].properties["requireTransition"] and not dev["archive-lifecycle"].properties["requireTransition"]
    )
    assert prod["cloudfront-price-class"].properties["allowedPriceClasses"] == ["PriceClass_200"]
    assert not prod["iam-no-wildcards"].properties["allowServiceWildcards"]


@pytest.mark.parametrize(
    ("config", "key", "hint"),
    [
        ({"budget-exists": {"enforcementLevel": 5}}, "enforcementLevel", "must be a string"),
        ({"budget-exists": 5}, None, "must be an enforcement level"),
        ({"budget-exists": {"enforcementLevel": "loud"}}, "enforcementLevel", "'loud' is not one of"),
    ],
)
def test_enforcement_level_errors(pack: verdicts.LoadedPack, config: dict[str, Any], key: str | None, hint: str) -> None:
    with pytest.raises(verdicts.PolicyConfigError) as error:
        verdicts.validate_config(pack, config)
    assert (error.value.policy, error.value.key) == ("budget-exists", key) and hint in str(error.value)


def test_enforcement_levels_may_be_given_as_enum_members_or_strings(pack: verdicts.LoadedPack) -> None:
    config = {
        "budget-exists": EnforcementLevel.DISABLED,
        "log-group-retention": {"enforcementLevel": EnforcementLevel.ADVISORY, "maxRetentionDays": 30},
        "sns-topic-encrypted": {"allowAwsManagedKey": True},
        "s3-encryption": "remediate",
    }
    resolved = verdicts.resolve_config(pack, config)
    assert resolved["budget-exists"].enforcement_level == EnforcementLevel.DISABLED
    assert resolved["log-group-retention"] == verdicts.ResolvedPolicyConfig(EnforcementLevel.ADVISORY, {"maxRetentionDays": 30})
    assert resolved["sns-topic-encrypted"].enforcement_level == EnforcementLevel.MANDATORY
    assert resolved["s3-encryption"].enforcement_level == EnforcementLevel.REMEDIATE


def test_load_config_rejects_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(verdicts.PolicyConfigError, match="not valid JSON"):
        verdicts.load_config(path)
    path.write_text("[]")
    with pytest.raises(verdicts.PolicyConfigError, match="JSON object"):
        verdicts.load_config(path)
    path.write_text("")
    assert verdicts.load_config(path) == {}


# --- the evaluator --------------------------------------------------------------------------------------


def planned(type_: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any] | None = None) -> offline.PlannedResource:
    return offline.PlannedResource(urn(type_, name), type_, name, None, True, inputs, {**inputs, **(outputs or {})})


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
        "enforcementLevel": "mandatory",
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


# --- whole programs ---------------------------------------------------------------------------------------

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
