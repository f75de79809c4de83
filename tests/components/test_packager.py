"""Packager (MediaPackage v2) under mocks: channel group, v2 channels, CMAF endpoints, ingest and egress policies."""

from __future__ import annotations

import json
from typing import Any

import pytest

from livestream.components import packager
from livestream.model.ladder import PRESETS
from livestream.model.settings import ChannelSettings, IngestSettings
from livestream.plan import engine as offline
from tests import botocore_shapes
from tests.conftest import run_stack

GROUP = "aws-native:mediapackagev2:ChannelGroup"
CHANNEL = "aws-native:mediapackagev2:Channel"
CHANNEL_POLICY = "aws-native:mediapackagev2:ChannelPolicy"
ENDPOINT = "aws-native:mediapackagev2:OriginEndpoint"
ENDPOINT_POLICY = "aws-native:mediapackagev2:OriginEndpointPolicy"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
MEDIALIVE = "aws:medialive/channel:Channel"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"


def channel_config(**overrides: Any) -> dict[str, Any]:
    return {
        "ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]},
        "ladder": "sd",
        "segmentSeconds": 4,
        **overrides,
    }


@pytest.fixture(scope="module")
def three_channels() -> offline.Plan:
    """Three channels with different segment lengths, one of them low-latency, one without DVR."""
    return run_stack(
        "dev",
        channels={
            "news": channel_config(segmentSeconds=6, dvrWindowMinutes=120),
            "sports": channel_config(segmentSeconds=2, lowLatencyHls=True),
            "music": channel_config(pipeline="STANDARD", dvrWindowMinutes=0),
        },
    )


@pytest.fixture(scope="module")
def low_latency() -> offline.Plan:
    return run_stack("dev", channels={"main": channel_config(segmentSeconds=2, lowLatencyHls=True)})


def viewer_endpoints(plan: offline.Plan, token: str = ENDPOINT) -> list[offline.PlannedResource]:
    """The packager's endpoints (and their policies), not the recordings' harvest-only ones."""
    return [r for r in plan.of_type(token) if "-packager-" in r.name]


def endpoints_of(plan: offline.Plan, channel: str) -> dict[str, offline.PlannedResource]:
    return {r.inputs["originEndpointName"]: r for r in viewer_endpoints(plan) if r.inputs["channelName"] == channel}


def role_arn(plan: offline.Plan, channel: str) -> str:
    return next(r.outputs["arn"] for r in plan.of_type(ROLE) if r.name.endswith(f"-{channel}-role"))


def statements(policy: Any) -> list[dict[str, Any]]:
    document = json.loads(policy) if isinstance(policy, str) else policy
    return list(document["Statement"])


# --- pure helpers -----------------------------------------------------------------------------


def test_physical_names_follow_the_mediapackage_pattern() -> None:
    assert packager.physical_name("live-dev") == "live-dev"
    assert packager.physical_name("my platform/v2") == "my-platform-v2"
    assert len(packager.physical_name("x" * 300)) == 256
    with pytest.raises(ValueError):
        packager.physical_name("")


def test_window_helpers() -> None:
    assert packager.manifest_window_seconds(4) == 60
    assert packager.manifest_window_seconds(30) == 180
    settings = ChannelSettings("main", IngestSettings("rtmp", ("203.0.113.0/24",)), PRESETS["sd"], "sd", dvr_window_minutes=90)
    assert packager.startover_window_seconds(settings) == 5400
    assert packager.endpoint_kinds(settings) == ("hls", "dash")
    no_dvr = ChannelSettings("main", settings.ingest, settings.ladder, "sd", dvr_window_minutes=0, low_latency_hls=True)
    assert packager.startover_window_seconds(no_dvr) is None
    assert packager.endpoint_kinds(no_dvr) == ("hls", "dash", "llhls")


# --- the stacks -------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_one_channel_group_and_one_hls_input_channel(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    group = plan.one(GROUP)
    assert group.inputs["channelGroupName"] == f"live-{stack}"
    channel = plan.one(CHANNEL)
    assert channel.inputs == {**channel.inputs, "channelGroupName": f"live-{stack}", "channelName": "main", "inputType": "HLS"}
    assert plan.by_urn(channel.parent or "").type == "livestream:index:Packager"


@pytest.mark.parametrize(("stack", "dvr_minutes"), [("dev", 60), ("prod", 120)])
def test_hls_and_dash_cmaf_endpoints(stack: str, dvr_minutes: int, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    endpoints = endpoints_of(plan, "main")
    assert set(endpoints) == {"hls", "dash"}  # no low-latency HLS unless the channel asks for it
    for kind, endpoint in endpoints.items():
        inputs = endpoint.inputs
        assert inputs["containerType"] == "CMAF"
        assert inputs["segment"]["segmentDurationSeconds"] == 4  # the channel's segmentSeconds
        assert inputs["startoverWindowSeconds"] == dvr_minutes * 60
        assert inputs["channelGroupName"] == f"live-{stack}"
        manifests = {"hls": "hlsManifests", "dash": "dashManifests"}
        assert [k for k in ("hlsManifests", "dashManifests", "lowLatencyHlsManifests") if inputs.get(k)] == [manifests[kind]]
    dash = endpoints["dash"].inputs["dashManifests"][0]
    assert dash["segmentTemplateFormat"] == "NUMBER_WITH_TIMELINE"
    assert dash["minUpdatePeriodSeconds"] == 4
    assert endpoints["hls"].inputs["hlsManifests"][0]["programDateTimeIntervalSeconds"] == 4


def test_low_latency_channel_gets_an_ll_hls_endpoint(low_latency: offline.Plan) -> None:
    endpoints = endpoints_of(low_latency, "main")
    assert set(endpoints) == {"hls", "dash", "llhls"}
    ll = endpoints["llhls"].inputs
    assert ll["lowLatencyHlsManifests"][0]["manifestName"] == "index"
    assert ll["segment"]["segmentDurationSeconds"] == 2
    assert not ll.get("hlsManifests") and not ll.get("dashManifests")
    assert set(low_latency.exports["playbackUrls"]["main"]) == {"hls", "dash", "llHls"}


@pytest.mark.parametrize(("stack", "pipelines"), [("dev", 1), ("prod", 2)])
def test_encoder_pushes_hls_to_the_v2_ingest_endpoints(stack: str, pipelines: int, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    ingest = plan.one(CHANNEL).outputs["ingestEndpointUrls"]
    medialive = plan.one(MEDIALIVE).inputs
    destination = next(d for d in medialive["destinations"] if d["id"] == "packager")
    assert [s["url"] for s in destination["settings"]] == ingest[:pipelines]  # one ingest endpoint per pipeline
    groups = {g["name"]: g for g in medialive["encoderSettings"]["outputGroups"]}
    hls = groups["packager"]["outputGroupSettings"]["hlsGroupSettings"]
    assert hls["destination"]["destinationRefId"] == "packager"
    assert "hlsBasicPutSettings" in hls["hlsCdnSettings"][0]  # MediaPackage v2 ingest is basic PUT, signed by the role
    assert hls["segmentLength"] == 4


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_only_the_channels_medialive_role_may_ingest(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    channel = plan.one(CHANNEL)
    policy = plan.one(CHANNEL_POLICY)
    assert (policy.inputs["channelGroupName"], policy.inputs["channelName"]) == (f"live-{stack}", "main")
    [statement] = statements(policy.inputs["policy"])
    assert statement["Effect"] == "Allow"
    assert statement["Principal"] == {"AWS": role_arn(plan, "main")}
    assert statement["Action"] == ["mediapackagev2:PutObject"]
    assert statement["Resource"] == [channel.outputs["arn"]]
    role_policy = next(r for r in plan.of_type(ROLE_POLICY) if r.name.endswith("-main-role-policy"))
    feed = [s for s in statements(role_policy.inputs["policy"]) if "mediapackagev2:PutObject" in s["Action"]]
    assert [s["Resource"] for s in feed] == [[channel.outputs["arn"]]]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_endpoint_is_readable_only_by_the_distribution(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    distribution_arn = plan.one(DISTRIBUTION).outputs["arn"]
    policies = viewer_endpoints(plan, ENDPOINT_POLICY)
    endpoints = viewer_endpoints(plan)
    assert sorted(p.inputs["originEndpointName"] for p in policies) == sorted(e.inputs["originEndpointName"] for e in endpoints)
    for policy in policies:
        endpoint = plan.by_urn(policy.parent or "")
        [statement] = statements(policy.inputs["policy"])
        assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
        assert sorted(statement["Action"]) == ["mediapackagev2:GetHeadObject", "mediapackagev2:GetObject"]
        assert statement["Resource"] == [endpoint.outputs["arn"]]
        assert statement["Condition"] == {"StringEquals": {"AWS:SourceArn": distribution_arn}}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_mediapackage_enums_are_valid_per_botocore(stack: str, request: pytest.FixtureRequest) -> None:
    plan: offline.Plan = request.getfixturevalue(f"{stack}_plan")
    for endpoint in plan.of_type(ENDPOINT):
        report = botocore_shapes.check("mediapackagev2", "CreateOriginEndpoint", endpoint.inputs)
        assert report.invalid == []
        assert report.checked["CreateOriginEndpoint.containerType"] == "CMAF"
    dash = endpoints_of(plan, "main")["dash"]
    checked = botocore_shapes.check("mediapackagev2", "CreateOriginEndpoint", dash.inputs).checked
    assert checked["CreateOriginEndpoint.dashManifests[0].segmentTemplateFormat"] == "NUMBER_WITH_TIMELINE"
    report = botocore_shapes.check("mediapackagev2", "CreateChannel", plan.one(CHANNEL).inputs)
    assert report.invalid == [] and report.checked["CreateChannel.inputType"] == "HLS"


def test_low_latency_endpoint_enums_are_valid(low_latency: offline.Plan) -> None:
    report = botocore_shapes.check("mediapackagev2", "CreateOriginEndpoint", endpoints_of(low_latency, "main")["llhls"].inputs)
    assert report.invalid == [] and report.checked["CreateOriginEndpoint.containerType"] == "CMAF"


# --- many channels ----------------------------------------------------------------------------


def test_three_channels_share_one_group_and_one_distribution(three_channels: offline.Plan) -> None:
    plan = three_channels
    group = plan.one(GROUP)
    distribution = plan.one(DISTRIBUTION)
    assert sorted(c.inputs["channelName"] for c in plan.of_type(CHANNEL)) == ["music", "news", "sports"]
    assert {c.inputs["channelGroupName"] for c in plan.of_type(CHANNEL)} == {group.inputs["channelGroupName"]}
    endpoint_arns = [e.outputs["arn"] for e in viewer_endpoints(plan)]
    assert len(endpoint_arns) == len(set(endpoint_arns)) == 2 + 3 + 2  # sports adds low-latency HLS
    assert {p.inputs["channelName"] for p in viewer_endpoints(plan, ENDPOINT_POLICY)} == {"music", "news", "sports"}
    for policy in viewer_endpoints(plan, ENDPOINT_POLICY):
        [statement] = statements(policy.inputs["policy"])
        assert statement["Condition"]["StringEquals"]["AWS:SourceArn"] == distribution.outputs["arn"]


def test_three_channels_keep_their_own_settings(three_channels: offline.Plan) -> None:
    plan = three_channels
    for name, segment, startover in (("news", 6, 7200), ("sports", 2, 3600), ("music", 4, None)):
        for endpoint in endpoints_of(plan, name).values():
            assert endpoint.inputs["segment"]["segmentDurationSeconds"] == segment
            assert endpoint.inputs.get("startoverWindowSeconds") == startover
    assert set(endpoints_of(plan, "sports")) == {"hls", "dash", "llhls"}


def test_three_channels_each_ingest_only_from_their_own_role(three_channels: offline.Plan) -> None:
    plan = three_channels
    channels = {c.inputs["channelName"]: c for c in plan.of_type(CHANNEL)}
    policies = {p.inputs["channelName"]: p for p in plan.of_type(CHANNEL_POLICY)}
    assert set(policies) == set(channels)
    principals = set()
    for name, policy in policies.items():
        [statement] = statements(policy.inputs["policy"])
        assert statement["Resource"] == [channels[name].outputs["arn"]]
        assert statement["Principal"]["AWS"] == role_arn(plan, name)
        principals.add(statement["Principal"]["AWS"])
    assert len(principals) == 3
    ingest_by_channel = {}
    for medialive in plan.of_type(MEDIALIVE):
        destination = next(d for d in medialive.inputs["destinations"] if d["id"] == "packager")
        ingest_by_channel[medialive.name] = [s["url"] for s in destination["settings"]]
    assert ingest_by_channel["live-dev-music-channel"] == channels["music"].outputs["ingestEndpointUrls"]  # STANDARD: 2
    assert ingest_by_channel["live-dev-news-channel"] == channels["news"].outputs["ingestEndpointUrls"][:1]


def test_three_channels_have_distinct_playback_urls(three_channels: offline.Plan) -> None:
    urls = three_channels.exports["playbackUrls"]
    assert set(urls) == {"news", "sports", "music"}
    assert set(urls["sports"]) == {"hls", "dash", "llHls"} and set(urls["news"]) == {"hls", "dash"}
    flat = [url for channel in urls.values() for url in channel.values()]
    assert len(flat) == len(set(flat)) == 7
    for channel, by_kind in urls.items():
        for url in by_kind.values():
            assert f"/out/v1/live-dev/{channel}/" in url
