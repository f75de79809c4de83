"""The component used directly, as a library, and the platform's shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from livestream.plan import engine as offline
from livestream.plan.engine import SECRET, Plan

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "two_channels"


@pytest.fixture(scope="module")
def two_channels() -> Plan:
    return offline.run(FIXTURE, "test")


def test_platform_owns_one_encoder_per_channel_and_one_archive(two_channels: Plan) -> None:
    platform = two_channels.one("livestream:index:LiveStreamPlatform")
    children = {(r.type, r.name) for r in two_channels.children(platform)}
    assert ("livestream:index:Encoder", "studio-studio-a") in children
    assert ("livestream:index:Encoder", "studio-studio-b") in children
    assert [r.name for r in two_channels.of_type("livestream:index:Archive")] == ["studio-archive"]
    assert len(two_channels.of_type("aws:s3/bucket:Bucket")) >= 1


def test_each_channel_keeps_its_own_settings(two_channels: Plan) -> None:
    channels = {r.name: r.inputs for r in two_channels.of_type("aws:medialive/channel:Channel")}
    assert channels["studio-studio-a-channel"]["channelClass"] == "STANDARD"
    assert channels["studio-studio-b-channel"]["channelClass"] == "SINGLE_PIPELINE"
    inputs = {r.name: r.inputs["type"] for r in two_channels.of_type("aws-native:medialive:Input")}
    assert inputs == {"studio-studio-a-rtmp": "RTMP_PUSH", "studio-studio-b-srt": "SRT_LISTENER"}


def test_channels_share_one_archive_bucket_with_separate_prefixes(two_channels: Plan) -> None:
    bucket = two_channels.one("aws:s3/bucket:Bucket", "studio-archive-bucket").outputs["bucket"]
    for channel in two_channels.of_type("aws:medialive/channel:Channel"):
        name = channel.name.removeprefix("studio-").removesuffix("-channel")
        archive = next(d for d in channel.inputs["destinations"] if d["id"] == "archive")
        assert all(s["url"].startswith(f"s3ssl://{bucket}/{name}/") for s in archive["settings"])


def test_outputs_per_channel_with_secret_ingest(two_channels: Plan) -> None:
    assert set(two_channels.exports["channelIds"]) == {"studio-a", "studio-b"}
    assert two_channels.exports["ingestUrls"] == SECRET


def test_every_resource_is_inside_the_platform(two_channels: Plan) -> None:
    platform = two_channels.one("livestream:index:LiveStreamPlatform")
    for resource in two_channels.resources:
        ancestor = resource
        while ancestor.parent and ancestor is not platform:
            ancestor = two_channels.by_urn(ancestor.parent) if ancestor.parent != platform.urn else platform
        assert ancestor is platform, resource.urn


def test_the_program_exports_what_the_ops_commands_read(dev_plan: Plan) -> None:
    """livestream status | verify | go-live read these exports (livestream/ops/outputs.py)."""
    exports = dev_plan.exports
    assert exports["region"] == "ap-northeast-2" and exports["scheduleTimezone"] == "Asia/Seoul"
    alarms = {r.outputs["name"] for r in dev_plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert sorted(n for names in exports["alarmNames"].values() for n in names) == sorted(alarms)
    assert all("-cdn-" in n for n in exports["alarmNames"]["us-east-1"])
    assert exports["budgetName"] == dev_plan.one("aws:budgets/budget:Budget").outputs["name"]
    assert exports["scheduleGroupName"] == dev_plan.one("aws:scheduler/scheduleGroup:ScheduleGroup").outputs["name"]
    for kind, url in exports["originUrls"]["main"].items():  # same path as the CDN's, on the packager's egress domain
        assert url.split("/", 3)[3] == exports["playbackUrls"]["main"][kind].split("/", 3)[3]
        assert ".mediapackagev2." in url
    assert exports["srtPassphraseArns"] == {}


def test_an_srt_channel_exports_its_passphrase_secret() -> None:
    from tests.conftest import run_stack

    plan = run_stack(
        "dev", channels={"main": {"ingest": {"protocol": "srt", "allowedCidrs": ["203.0.113.0/24"]}, "ladder": "sd"}}
    )
    secret = plan.one("aws:secretsmanager/secret:Secret")
    assert plan.exports["srtPassphraseArns"] == {"main": secret.outputs["arn"]}
