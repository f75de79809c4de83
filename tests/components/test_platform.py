"""The component used directly, as a library, and the platform's shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livestream.model import settings as settings_model
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


CONSUMER = Path(__file__).resolve().parents[2] / "examples" / "consumer"
ROOT = CONSUMER.parents[1]


def recorded_settings(plan: Plan) -> settings_model.Settings:
    platform = plan.one("livestream:index:LiveStreamPlatform")
    return settings_model.load_recorded(json.loads(platform.inputs["settings"]))


def test_the_platform_records_its_validated_settings_with_defaults_for_the_plan(dev_plan: Plan) -> None:
    recorded = recorded_settings(dev_plan)
    assert recorded.schedule.idle_stop_minutes == 20 and recorded.usage.viewer_hours_per_month == 500
    assert recorded.archive.glacier_after_days is None  # an explicit null survives the wire format
    assert recorded.channel("main").gop_seconds == 2  # a default the stack file never states
    assert recorded.region == "ap-northeast-2" and recorded.environment == "dev"


def test_args_in_code_and_the_same_values_in_a_stack_file_record_the_same_settings() -> None:
    """The consumer passes `schedule` and `usage` as args; the repository's program reads them from its stack file."""
    from_code = recorded_settings(offline.run(CONSUMER, "dev"))
    ingest = {"lobby": ("rtmp", "203.0.113.0/24"), "keynote": ("srt", "198.51.100.0/24")}
    stack_file = {
        "aws:region": "ap-northeast-2",
        "livestream:channels": {
            "lobby": {"ingest": {"protocol": ingest["lobby"][0], "allowedCidrs": [ingest["lobby"][1]]}, "ladder": "sd"},
            "keynote": {
                "ingest": {"protocol": ingest["keynote"][0], "allowedCidrs": [ingest["keynote"][1]]},
                "ladder": "hd",
                "segmentSeconds": 2,
                "lowLatencyHls": True,
            },
        },
        "livestream:archive": {"expireAfterDays": 90},
        "livestream:cdn": {"priceClass": "PriceClass_200", "corsOrigins": ["https://studio.example.com"]},
        "livestream:alarms": {"emails": ["studio-ops@example.com"]},
        "livestream:budget": {"monthlyUsd": 600},
        "livestream:schedule": {"timezone": "Asia/Seoul", "idleStopMinutes": 15},
        "livestream:usage": {"streamedHoursPerMonth": 40, "viewerHoursPerMonth": 800, "watchedKbps": 2000},
        "livestream:tags": {"team": "studio"},
    }
    from_stack_file = recorded_settings(offline.run(ROOT, "dev", config=stack_file))
    assert from_code == from_stack_file
    assert from_code.usage.streamed_hours_per_month == 40 and from_code.schedule.idle_stop_minutes == 15


def test_a_secret_the_plan_cannot_know_is_reported_unchecked_not_refused(tmp_path: Path) -> None:
    """Issue 13: an alarm e-mail kept as a `secure:` value failed the offline plan as an invalid address."""
    (tmp_path / "Pulumi.yaml").write_text(f"name: livestream\nruntime: python\nmain: {ROOT}\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(
        (ROOT / "Pulumi.dev.yaml")
        .read_text()
        .replace('emails: ["dev-alerts@example.com"]', 'emails: [{secure: "v1:bm9uY2U=:AAAAY2lwaGVydGV4dA=="}]')
    )
    plan = offline.run(tmp_path, "dev")
    platform = plan.one("livestream:index:LiveStreamPlatform")
    assert platform.inputs["unchecked"] == ["livestream:alarms.emails[0]"]
    with settings_model.placeholders({SECRET}):
        assert recorded_settings(plan).alarms.emails == (SECRET,)
    assert "v1:bm9uY2U" not in json.dumps([r.inputs for r in plan.resources])


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
