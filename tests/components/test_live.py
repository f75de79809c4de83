"""A deployment never silently ends a broadcast: refused while live, and every stop is reported."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import boto3
import pytest
from moto import mock_aws

from livestream.components import live
from livestream.components.tags import CHANNEL_TAG, PLATFORM_TAG, SETTINGS_TAG
from livestream.model import settings as config
from livestream.plan.engine import Plan
from tests.conftest import run_stack, stack_config

REGION = "ap-northeast-2"


def dev_settings(**changes: Any) -> config.Settings:
    raw = {k.removeprefix("livestream:"): v for k, v in stack_config("dev").items() if k.startswith("livestream:")}
    return replace(config.load(raw, environment="dev", region=REGION), **changes)


def digests(settings: config.Settings) -> dict[str, str]:
    return {c.name: live.settings_digest(c, settings) for c in settings.channels}


# --- the decision -------------------------------------------------------------------------------


def test_a_running_channel_with_the_same_settings_lets_the_deployment_through() -> None:
    settings = dev_settings()
    running = [live.LiveChannel("1234567", "RUNNING", "main", digests(settings)["main"])]
    assert live.refusals(running, digests(settings)) == []


def test_changed_removed_or_untagged_running_channels_are_refused() -> None:
    settings = dev_settings()
    old = live.settings_digest(settings.channels[0], replace(settings, archive=replace(settings.archive, rollover_seconds=60)))
    running = [
        live.LiveChannel("1", "RUNNING", "main", old),
        live.LiveChannel("2", "STARTING", "gone", "abcd"),
        live.LiveChannel("3", "RUNNING", None, None),
    ]
    lines = live.refusals(running, digests(settings))
    assert lines == [
        "channel main (1) is RUNNING and this deployment changes it",
        "channel gone (2) is STARTING and this deployment removes it",
        "channel ? (3) is RUNNING and carries no settings digest, so this deployment may change it",
    ]


def test_only_settings_that_reach_the_medialive_channel_change_the_digest() -> None:
    channel = dev_settings().channels[0]
    settings = dev_settings()
    same = [
        replace(channel, dvr_window_minutes=120),
        replace(channel, ingest=replace(channel.ingest, allowed_cidrs=("203.0.113.0/24",))),
    ]
    for variant in same:
        assert live.settings_digest(variant, settings) == live.settings_digest(channel, settings)
    different = [
        replace(channel, segment_seconds=2),
        replace(channel, pipeline="STANDARD"),
        replace(channel, ladder=channel.ladder[:1]),
    ]
    for variant in different:
        assert live.settings_digest(variant, settings) != live.settings_digest(channel, settings)
    keyed = replace(channel, ingest=replace(channel.ingest, stream_key="secret-key-123"))
    assert "secret-key-123" not in live.settings_digest(keyed, settings)


def test_pulumi_up_is_refused_with_a_way_forward_and_preview_only_warns() -> None:
    settings = dev_settings()
    running = [live.LiveChannel("1234567", "RUNNING", "main", "stale")]
    with pytest.raises(live.LiveChannelError) as raised:
        live.guard("live-dev", settings, key="livestream:whileLive", lookup=lambda _: running, dry_run=False)
    text = str(raised.value)
    assert "refused before anything was touched" in text and "channel main (1234567) is RUNNING" in text
    assert "livestream stop" in text and "livestream:whileLive: allow" in text
    live.guard("live-dev", settings, key="livestream:whileLive", lookup=lambda _: running, dry_run=True)  # no raise
    live.guard("live-dev", replace(settings, while_live="allow"), key="k", lookup=lambda _: running, dry_run=False)


def test_an_unreachable_cloud_warns_instead_of_blocking() -> None:
    def failing(_: str) -> list[live.LiveChannel]:
        raise RuntimeError("no credentials")

    live.guard("live-dev", dev_settings(), key="k", lookup=failing, dry_run=False)


# --- reading MediaLive ----------------------------------------------------------------------------


@mock_aws
def test_live_channels_are_this_platforms_running_ones() -> None:
    client = boto3.client("medialive", region_name=REGION)

    def channel(name: str, platform: str, digest: str) -> str:
        tags = {PLATFORM_TAG: platform, CHANNEL_TAG: name, SETTINGS_TAG: digest}
        return client.create_channel(Name=name, ChannelClass="SINGLE_PIPELINE", Tags=tags)["Channel"]["Id"]

    running = channel("main", "live-dev", "d1")
    channel("idle", "live-dev", "d2")
    other = channel("main", "live-prod", "d3")
    client.start_channel(ChannelId=running)
    client.start_channel(ChannelId=other)
    found = live.list_live_channels(client, "live-dev")
    assert [(c.channel_id, c.name, c.digest) for c in found] == [(running, "main", "d1")]
    assert found[0].state in live.LIVE_STATES


# --- what the deployment creates ------------------------------------------------------------------


def test_each_channel_is_tagged_with_its_name_and_settings_digest(dev_plan: Plan) -> None:
    tags = dev_plan.one("aws:medialive/channel:Channel").inputs["tags"]
    assert tags[CHANNEL_TAG] == "main"
    assert tags[SETTINGS_TAG] == digests(dev_settings())["main"]
    assert tags[PLATFORM_TAG] == "live-dev"


def test_channel_state_changes_go_to_the_alarm_topic(prod_plan: Plan) -> None:
    rule = prod_plan.one("aws:cloudwatch/eventRule:EventRule", "live-prod-alarms-channel-state")
    pattern = json.loads(rule.inputs["eventPattern"])
    channel_arn = prod_plan.one("aws:medialive/channel:Channel").outputs["arn"]
    assert pattern == {
        "source": ["aws.medialive"],
        "detail-type": ["MediaLive Channel State Change"],
        "detail": {"channel_arn": [channel_arn]},
    }
    target = prod_plan.one("aws:cloudwatch/eventTarget:EventTarget", "live-prod-alarms-channel-state-topic")
    assert target.inputs["arn"] == prod_plan.exports["alarmTopicArn"]
    assert target.inputs["rule"] == rule.outputs["name"]
    assert "<state>" in target.inputs["inputTransformer"]["inputTemplate"]
    assert target.inputs["inputTransformer"]["inputPaths"]["state"] == "$.detail.state"


@pytest.mark.fresh_plans
def test_the_offline_engine_never_asks_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def lookup(region: str) -> live.Lookup:
        asked.append(region)
        return lambda _: []

    monkeypatch.setattr(live, "_aws_lookup", lookup)
    run_stack("dev")
    assert asked == []
