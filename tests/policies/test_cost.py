"""Cost rules: channel class, input and ladder ceilings, price class, auto start, lifecycle, stop schedules,
budgets, monthly cost."""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from livestream import cost as cost_model
from tests.policies.helpers import (
    ACCOUNT,
    BUDGET,
    CHANNEL,
    DISTRIBUTION,
    bucket,
    channel,
    channel_props,
    check_resource,
    check_stack,
    config_for,
    distribution,
    on_bucket,
    policy_resources,
    res,
    versioning,
)


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


def test_price_class_of_an_aws_native_distribution_is_read_from_its_distribution_config() -> None:
    native = "aws-native:cloudfront:Distribution"
    assert check_resource("cloudfront-price-class", native, {"distributionConfig": distribution()}) == []
    assert "PriceClass_All" in check_resource("cloudfront-price-class", native, {"distributionConfig": {}})[0]


def test_no_auto_start() -> None:
    assert check_resource("medialive-no-auto-start", CHANNEL, channel_props()) == []
    assert len(check_resource("medialive-no-auto-start", CHANNEL, channel_props(startChannel=True))) == 1
    assert check_resource("medialive-no-auto-start", CHANNEL, channel_props(startChannel=True), {"allowAutoStart": True}) == []


LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"


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


def test_archive_lifecycle_lets_a_site_bucket_whose_objects_the_stack_declares_keep_them() -> None:
    site = [bucket("site"), lifecycle("site", expire=None, noncurrent=None)]
    page = on_bucket("aws:s3/bucketObjectv2:BucketObjectv2", "site-index", "site", key="index.html")
    assert [w for w, _ in check_stack("archive-lifecycle", site)] == ["site"]
    assert check_stack("archive-lifecycle", [*site, page]) == []
    recorded = [channel(), bucket("archive"), lifecycle("archive", expire=None), on_bucket(page["type"], "x", "archive")]
    assert "never expires objects" in check_stack("archive-lifecycle", recorded)[0][1]  # MediaLive writes there too


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


def usage_of(specs: Sequence[Mapping[str, Any]], **config: Any) -> Any:
    return importlib.import_module("livestream_policies.spend").usage_from_resources(
        policy_resources(specs), config_for("monthly-cost-limit", config)
    )


def test_monthly_cost_usage_is_read_from_the_resources() -> None:
    usage = usage_of([*cost_stack(), budget()], viewerHoursPerMonth=10)
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
