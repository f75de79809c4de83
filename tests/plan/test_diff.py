"""`livestream plan --against`: the thirteen common changes to a live platform, diffed plan against plan.

Each test plans the real program with one setting changed and compares it with the unchanged
plan, as an operator would compare today's `livestream plan --json` with the last one.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from livestream.plan import diff, impact
from livestream.plan.diff import CREATE, DELETE, REPLACE, UPDATE
from livestream.plan.document import resources_of
from tests.conftest import run_stack, stack_config

CHANNEL = impact.CHANNEL
INPUT = impact.INPUT
ENDPOINT = impact.ENDPOINT


def document(stack: str = "dev", **overrides: Any) -> dict[str, Any]:
    """The `resources` of the plan document, as `livestream plan --json` writes them."""
    return {"resources": [r.to_json() for r in resources_of(run_stack(stack, **overrides))]}


@pytest.fixture(scope="module")
def dev_document() -> dict[str, Any]:
    return document("dev")


def channels(**changes: Any) -> dict[str, Any]:
    """Dev's channels with `main` changed (ingest keys given as ingest={...} are merged)."""
    config = copy.deepcopy(stack_config("dev")["livestream:channels"])
    ingest = changes.pop("ingest", {})
    config["main"].update(changes)
    config["main"]["ingest"].update(ingest)
    return config


def change(result: diff.Diff, type_token: str, name: str) -> diff.Change:
    found = result.find(type_token, name)
    assert found is not None, f"no change for {type_token} {name}: {[(c.action, c.name) for c in result.changes]}"
    return found


def test_same_plan_changes_nothing(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document("dev"))
    assert result.changes == ()
    assert result.unchanged == len([r for r in dev_document["resources"] if r["custom"]])


def test_ladder_updates_the_channel_which_stops_it_if_running(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(channels=channels(ladder="hd")))
    channel = change(result, CHANNEL, "live-dev-main-channel")
    assert channel.action == UPDATE
    assert "encoderSettings" in channel.properties
    assert channel.impacts == (impact.STOPS_CHANNEL,)
    assert not result.of(REPLACE) and not result.of(DELETE)


def test_segment_length_updates_channel_and_endpoints(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(channels=channels(segmentSeconds=2)))
    assert change(result, CHANNEL, "live-dev-main-channel").impacts == (impact.STOPS_CHANNEL,)
    assert change(result, ENDPOINT, "live-dev-packager-main-hls").action == UPDATE
    assert not result.of(REPLACE) and not result.of(DELETE)


def test_dvr_window_updates_only_the_endpoints(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(channels=channels(dvrWindowMinutes=120)))
    assert result.find(CHANNEL, "live-dev-main-channel") is None  # the running channel is not touched
    hls = change(result, ENDPOINT, "live-dev-packager-main-hls")
    assert (hls.action, hls.impacts) == (UPDATE, ("DVR / start-over window 60 min -> 120 min",))


def test_low_latency_hls_adds_a_playback_url(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(channels=channels(segmentSeconds=2, lowLatencyHls=True)))
    llhls = change(result, ENDPOINT, "live-dev-packager-main-llhls")
    assert (llhls.action, llhls.impacts) == (CREATE, ("new playback URL (llhls)",))
    assert change(result, CHANNEL, "live-dev-main-channel").action == UPDATE  # 2 s segments: stops it if running


def test_adding_a_channel_creates_its_ingest_and_playback(dev_document: dict[str, Any]) -> None:
    config = channels()
    config["studio"] = {"ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}}
    result = diff.diff(dev_document, document(channels=config))
    assert change(result, INPUT, "live-dev-studio-rtmp").impacts[0].startswith("new ingest URL and key (RTMP)")
    assert change(result, CHANNEL, "live-dev-studio-channel").action == CREATE
    assert change(result, ENDPOINT, "live-dev-packager-studio-hls").impacts == ("new playback URL (hls)",)
    assert result.find(CHANNEL, "live-dev-main-channel") is None  # the existing channel is not touched
    assert not result.of(REPLACE) and not result.of(DELETE)


def test_removing_a_channel_deletes_its_ingest_and_playback() -> None:
    config = channels()
    config["studio"] = {"ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}}
    result = diff.diff(document(channels=config), document(channels=channels()))
    assert change(result, CHANNEL, "live-dev-studio-channel").impacts == (
        "the channel stops for good (deleting a running channel stops it first)",
    )
    assert change(result, INPUT, "live-dev-studio-rtmp").impacts == ("the ingest URL and key stop working",)
    assert change(result, ENDPOINT, "live-dev-packager-studio-dash").action == DELETE
    assert {c.action for c in result.changes if "studio" in c.name} == {DELETE}
    key = change(result, impact.PASSWORD, "live-dev-studio-stream-key")
    assert "adding the channel back generates a new one" in key.impacts[0]


def test_pipeline_upgrade_replaces_the_channel_delete_first_and_keeps_the_input(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(channels=channels(pipeline="STANDARD")))
    channel = change(result, CHANNEL, "live-dev-main-channel")
    assert (channel.action, channel.replaced_by, channel.delete_before_replace) == (REPLACE, ("channelClass",), True)
    assert "ForceNew" in channel.reason
    assert "deleted before its replacement is created (SINGLE_PIPELINE -> STANDARD)" in channel.impacts[0]
    assert "new channel id" in channel.impacts[1]
    # What uses the channel id follows it in the same deployment.
    followers = {c.name for c in result.changes if "which is replaced" in c.reason}
    assert {"live-dev-scheduler-control", "live-dev-alarms-channel-state", "live-dev-alarms-main-p0-input-loss"} <= followers
    assert change(result, "aws:cloudwatch/metricAlarm:MetricAlarm", "live-dev-alarms-main-p1-input-loss").action == CREATE
    # The input is already standard-class: same addresses, same key, nothing to re-attach.
    assert result.find(INPUT, "live-dev-main-rtmp") is None
    assert result.find(impact.PASSWORD, "live-dev-main-stream-key") is None


def test_cidrs_update_the_security_group_only() -> None:
    before = document(channels=channels(ingest={"allowedCidrs": ["203.0.113.0/24", "198.51.100.0/24"], "allowPublic": False}))
    after = document(channels=channels(ingest={"allowedCidrs": ["203.0.113.0/24"], "allowPublic": False}))
    result = diff.diff(before, after)
    group = change(result, impact.SECURITY_GROUP, "live-dev-main-ingest-sg")
    assert (group.action, group.impacts) == (UPDATE, ("encoders sending from 198.51.100.0/24 are refused",))
    assert result.find(CHANNEL, "live-dev-main-channel") is None


def test_protocol_switch_gives_a_new_ingest_but_keeps_the_stream_key(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(channels=channels(ingest={"protocol": "srt"})))
    assert change(result, INPUT, "live-dev-main-rtmp").action == DELETE
    srt = change(result, INPUT, "live-dev-main-srt")
    assert (srt.action, srt.impacts[0].startswith("new ingest URL and key (SRT)")) == (CREATE, True)
    assert result.find(impact.PASSWORD, "live-dev-main-stream-key") is None  # switching back gives the same key
    assert change(result, CHANNEL, "live-dev-main-channel").impacts == (impact.STOPS_CHANNEL,)


def test_shorter_archive_expiry_says_which_recordings_go(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(archive={"glacierAfterDays": None, "expireAfterDays": 3, "retainOnDelete": False}))
    lifecycle = change(result, impact.LIFECYCLE, "live-dev-archive-bucket-lifecycle")
    assert lifecycle.impacts == ("recordings older than 3 days will be deleted (was 7 days)",)
    longer = diff.diff(dev_document, document(archive={"glacierAfterDays": None, "expireAfterDays": 30, "retainOnDelete": False}))
    assert change(longer, impact.LIFECYCLE, "live-dev-archive-bucket-lifecycle").impacts == ()


def test_archive_kms_key_updates_encryption_without_touching_the_bucket(dev_document: dict[str, Any]) -> None:
    key = "arn:aws:kms:ap-northeast-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    archive = {"glacierAfterDays": None, "expireAfterDays": 7, "retainOnDelete": False, "kmsKeyArn": key}
    result = diff.diff(dev_document, document(archive=archive))
    encryption = change(result, impact.ENCRYPTION, "live-dev-archive-bucket-encryption")
    assert encryption.action == UPDATE and "older ones keep their key" in encryption.impacts[0]
    assert result.find(impact.BUCKET, "live-dev-archive-bucket") is None
    assert result.find(CHANNEL, "live-dev-main-channel") is None  # only the role policy gains the key


def test_price_class_custom_domain_and_geo_update_the_distribution(dev_document: dict[str, Any]) -> None:
    before = stack_config("dev")["livestream:cdn"]["priceClass"]
    after = "PriceClass_All" if before != "PriceClass_All" else "PriceClass_100"
    cdn = {
        "priceClass": after,
        "corsOrigins": ["*"],
        "geoRestriction": {"type": "whitelist", "countries": ["KR"]},
        "customDomain": {
            "domainName": "live.example.com",
            "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/abcd",
        },
    }
    result = diff.diff(dev_document, document(cdn=cdn))
    distribution = change(result, impact.DISTRIBUTION, "live-dev-cdn-distribution")
    assert distribution.action == UPDATE
    text = " | ".join(distribution.impacts)
    assert "new playback URL on the custom domain" in text
    assert f"{before} -> {after}" in text
    assert "geo restriction" in text


def test_schedule_change_says_when_channels_now_start(dev_document: dict[str, Any]) -> None:
    schedule = dict(stack_config("dev")["livestream:schedule"], start="cron(0 18 * * ? *)")
    result = diff.diff(dev_document, document(schedule=schedule))
    start = change(result, impact.SCHEDULE, "live-dev-scheduler-start")
    assert start.impacts == ("channels start or stop at a new time: cron(0 19 * * ? *) -> cron(0 18 * * ? *)",)
    assert result.find(CHANNEL, "live-dev-main-channel") is None


def test_rename_replaces_everything_and_protection_refuses_it_in_prod() -> None:
    before = document("prod")
    result = diff.diff(before, document("prod", name="live-main"))
    assert result.counts[UPDATE] == 0 and result.counts[DELETE] == result.counts[CREATE] > 50
    distribution = change(result, impact.DISTRIBUTION, "live-prod-cdn-distribution")
    assert distribution.impacts[0].startswith("new playback URL")
    assert distribution.refused is not None and "pulumi state unprotect" in distribution.refused
    refused = {c.name for c in result.changes if c.refused}
    assert {"live-prod-packager-group", "live-prod-main-rtmp", "live-prod-main-stream-key", "live-prod-archive-bucket"} <= refused
    assert change(result, impact.CHANNEL, "live-prod-main-channel").refused is None  # the channel itself is not protected


def test_environment_only_retags() -> None:
    before = document("prod")
    result = diff.diff(before, document("prod", environment="production"))
    assert {c.action for c in result.changes} == {UPDATE}
    assert all(c.properties == ("tags",) for c in result.changes)
    assert all(c.impacts == () for c in result.changes)  # a tag change never stops a channel


def test_fail_on_selects_the_named_actions(dev_document: dict[str, Any]) -> None:
    result = diff.diff(dev_document, document(channels=channels(pipeline="STANDARD")))
    assert [c.name for c in diff.failing(result, ["replace"])] == ["live-dev-main-channel"]
    assert diff.failing(result, ["delete"]) == []


def test_older_plan_documents_are_refused_with_a_clear_message(dev_document: dict[str, Any]) -> None:
    old = {"resources": [{k: v for k, v in r.items() if k not in ("inputs", "options")} for r in dev_document["resources"]]}
    with pytest.raises(ValueError, match="has no resource inputs"):
        diff.diff(old, dev_document)
