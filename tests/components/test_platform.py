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
