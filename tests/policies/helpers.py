"""Shared helpers for the policy tests: wire-format resources, and running one rule on them
the way the analyzer does (behind the unknown-checking proxy)."""

from __future__ import annotations

import copy
import importlib
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.proxy import unknown_checking_proxy

from livestream.plan import engine as offline
from livestream.plan import verdicts

ROOT = Path(__file__).resolve().parents[2]
PACK_DIR = ROOT / "livestream" / "policypack"  # the pack the wheel carries; `policies` links here
BAD_PROGRAM = ROOT / "tests" / "fixtures" / "bad_program"
CARELESS_PROGRAM = ROOT / "tests" / "fixtures" / "careless_program"
CONSUMER = ROOT / "examples" / "consumer"
if str(PACK_DIR) not in sys.path:
    sys.path.insert(0, str(PACK_DIR))
lp = importlib.import_module("livestream_policies")
POLICIES = {p.name: p for p in lp.ALL_POLICIES}

BUCKET = "aws:s3/bucket:Bucket"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CHANNEL = "aws:medialive/channel:Channel"
ACCOUNT = "123456789012"


TOPIC = "aws:sns/topic:Topic"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
VERSIONING = "aws:s3/bucketVersioning:BucketVersioning"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
BUDGET = "aws:budgets/budget:Budget"


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


def policy_resources(specs: Sequence[Mapping[str, Any]]) -> list[PolicyResource]:
    """Resources as a stack policy receives them (outputs behind the analyzer's proxy, dependencies linked)."""
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
    return list(by_name.values())


def check_stack(
    name: str, specs: Sequence[Mapping[str, Any]], config: Mapping[str, Any] | None = None
) -> list[tuple[str | None, str]]:
    """(resource name or None, message) a stack policy reports for a set of resources (outputs in wire format)."""
    policy = POLICIES[name]
    assert isinstance(policy, StackValidationPolicy)
    resources = policy_resources(specs)
    found: list[tuple[str | None, str]] = []

    def report(message: str, reported: str | None = None) -> None:
        found.append((reported.rsplit("::", 1)[-1] if reported else None, message))

    policy.validate(StackValidationArgs(resources, config_for(name, config), {}), report)
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


def planned(type_: str, name: str, inputs: dict[str, Any], outputs: dict[str, Any] | None = None) -> offline.PlannedResource:
    return offline.PlannedResource(urn(type_, name), type_, name, None, True, inputs, {**inputs, **(outputs or {})})


def versioning(bucket_name: str) -> dict[str, Any]:
    return on_bucket(VERSIONING, f"{bucket_name}-versioning", bucket_name, versioningConfiguration={"status": "Enabled"})
