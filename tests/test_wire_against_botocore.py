"""Everything the program sends stays valid against botocore's service models (issue 12):
enums, numeric ranges, string lengths and list sizes, for dev, prod and a mixed three-channel
platform (an SRT fhd STANDARD channel with LL-HLS and 1 s segments; a custom 1080p ladder at
24 fps with 6 s segments; an sd channel with 2 s segments). Scope: see tests/botocore_shapes.py.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from livestream.plan import engine as offline
from tests import botocore_shapes
from tests.conftest import run_stack

MIXED_CHANNELS = {
    "keynote": {
        "ingest": {"protocol": "srt", "allowedCidrs": ["198.51.100.0/24"]},
        "ladder": "fhd",
        "pipeline": "STANDARD",
        "segmentSeconds": 1,
        "lowLatencyHls": True,
    },
    "film": {
        "ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]},
        "renditions": [
            {"width": 1920, "height": 1080, "videoKbps": 6000},
            {"width": 1280, "height": 720, "videoKbps": 3500},
            {"width": 640, "height": 360, "videoKbps": 900},
        ],
        "framerate": 24,
        "segmentSeconds": 6,
    },
    "lobby": {"ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}, "ladder": "sd", "segmentSeconds": 2},
}

# (type token, botocore service, operation, wrapper member or None)
CALLS = (
    ("aws:medialive/channel:Channel", "medialive", "CreateChannel", None),
    ("aws-native:medialive:Input", "medialive", "CreateInput", None),
    ("aws:medialive/inputSecurityGroup:InputSecurityGroup", "medialive", "CreateInputSecurityGroup", None),
    ("aws-native:mediapackagev2:ChannelGroup", "mediapackagev2", "CreateChannelGroup", None),
    ("aws-native:mediapackagev2:Channel", "mediapackagev2", "CreateChannel", None),
    ("aws-native:mediapackagev2:OriginEndpoint", "mediapackagev2", "CreateOriginEndpoint", None),
    ("aws:cloudfront/distribution:Distribution", "cloudfront", "CreateDistribution", "DistributionConfig"),
)


@pytest.fixture(scope="module")
def mixed_plan() -> offline.Plan:
    return run_stack("prod", channels=copy.deepcopy(MIXED_CHANNELS))


def reports(plan: offline.Plan) -> list[tuple[str, botocore_shapes.ShapeReport]]:
    found = []
    for token, service, operation, wrapper in CALLS:
        for resource in plan.of_type(token):
            inputs: dict[str, Any] = {wrapper: resource.inputs} if wrapper else resource.inputs
            found.append((f"{resource.name} ({operation})", botocore_shapes.check(service, operation, inputs)))
    return found


@pytest.mark.parametrize("stack", ["dev", "prod", "mixed"])
def test_every_request_is_valid_for_botocore(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    found = reports(plan)
    assert {name.split(" (")[1] for name, _ in found} >= {f"{op})" for _, _, op, _ in CALLS if op != "CreateInput"} | {
        "CreateInput)"
    }
    invalid = [f"{name}: {problem}" for name, report in found for problem in report.invalid]
    assert invalid == []
    checked = {path.split(".")[-1] for _, report in found for path in report.checked}
    # not only enums: numeric ranges and string lengths are checked too
    assert {"segmentLength", "framerateNumerator", "segmentDurationSeconds", "manifestWindowSeconds", "channelName"} <= checked


def test_the_mixed_platform_is_what_the_issue_describes(mixed_plan: offline.Plan) -> None:
    channels = {
        c.name.removeprefix("live-prod-").removesuffix("-channel"): c.inputs
        for c in mixed_plan.of_type("aws:medialive/channel:Channel")
    }
    assert channels["keynote"]["channelClass"] == "STANDARD"
    assert {i.inputs["type"] for i in mixed_plan.of_type("aws-native:medialive:Input")} == {"SRT_LISTENER", "RTMP_PUSH"}
    film = channels["film"]["encoderSettings"]["videoDescriptions"]
    assert {v["height"] for v in film} == {1080, 720, 360}
    assert {v["codecSettings"]["h264Settings"]["framerateNumerator"] for v in film} == {24}
    segments = {
        e.inputs["channelName"]: e.inputs["segment"]["segmentDurationSeconds"]
        for e in mixed_plan.of_type("aws-native:mediapackagev2:OriginEndpoint")
    }
    assert segments == {"keynote": 1, "film": 6, "lobby": 2}
    assert any(e.inputs.get("lowLatencyHlsManifests") for e in mixed_plan.of_type("aws-native:mediapackagev2:OriginEndpoint"))


def test_the_checker_catches_ranges_and_lengths(dev_plan: offline.Plan) -> None:
    channel = copy.deepcopy(dev_plan.one("aws:medialive/channel:Channel").inputs)
    group = channel["encoderSettings"]["outputGroups"][1]["outputGroupSettings"]["hlsGroupSettings"]
    group["segmentLength"] = 0  # MediaLive: at least 1
    report = botocore_shapes.check("medialive", "CreateChannel", channel)
    assert any("segmentLength" in problem for problem in report.invalid)
    endpoint = copy.deepcopy(dev_plan.of_type("aws-native:mediapackagev2:OriginEndpoint")[0].inputs)
    endpoint["segment"]["segmentDurationSeconds"] = 31  # MediaPackage v2: 1-30 s
    endpoint["description"] = "x" * 1025
    problems = botocore_shapes.check("mediapackagev2", "CreateOriginEndpoint", endpoint).invalid
    assert any("segmentDurationSeconds" in p for p in problems) and any("description" in p for p in problems)
