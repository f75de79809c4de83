"""Usage from wire-format resources: channels and ladders, the recording buckets' lifecycle, schedules, counts."""

from __future__ import annotations

from typing import Any

from livestream import cost
from livestream.wire import tokens

# --- from wire-format resources ---------------------------------------------------------------

ARCHIVE = "archive-0a1b2c3"


def wire_channel(name: str = "main", **props: Any) -> cost.WireResource:
    """A MediaLive channel as the engine sends it: SD input, a 480p rung, a height-less rung, a thumbnail."""
    videos = [
        {"name": "480p", "width": 854.0, "height": 480.0, "codecSettings": {"h264Settings": {"bitrate": 1_500_000.0}}},
        {"name": "source", "codecSettings": {"h265Settings": {"maxBitrate": "800000"}}},
        {"name": "thumbs", "codecSettings": {"frameCaptureSettings": {"captureInterval": 10.0}}},
    ]
    base: dict[str, Any] = {
        "channelClass": "SINGLE_PIPELINE",
        "inputSpecification": {"codec": "AVC", "inputResolution": "SD", "maximumBitrate": "MAX_10_MBPS"},
        "encoderSettings": {"videoDescriptions": videos},
        "destinations": [
            {"id": "archive", "settings": [{"url": f"s3ssl://{ARCHIVE}/{name}/pipeline0/{name}"}]},
            {
                "id": "packager",
                "settings": [{"url": "https://x.ingest.mediapackagev2.us-east-1.amazonaws.com/in/v1/g/1/c/index"}],
            },
        ],
    }
    return cost.WireResource("aws:medialive/channel:Channel", name, {**base, **props})


def lifecycle(bucket: str, *, expire: float | None = 90.0, glacier: float | None = 30.0) -> cost.WireResource:
    rule: dict[str, Any] = {"id": "recordings", "status": "Enabled"}
    if expire is not None:
        rule["expiration"] = {"days": expire}
    if glacier is not None:
        rule["transitions"] = [{"days": glacier, "storageClass": "GLACIER"}]
    return cost.WireResource(tokens.LIFECYCLE_CONFIGS[0], "lifecycle", {"bucket": bucket, "rules": [rule]})


def wire_schedule(expression: str, target: str, **props: Any) -> cost.WireResource:
    return cost.WireResource(
        tokens.SCHEDULES[0], expression, {"scheduleExpression": expression, "target": {"arn": target}, **props}
    )


def from_wire(*resources: cost.WireResource, **fields: Any) -> cost.Usage:
    return cost.usage_from_wire(
        resources, region=fields.pop("region", "ap-northeast-2"), hours_per_month=120.0, viewer_hours_per_month=0.0, **fields
    )


def test_usage_from_wire_prices_each_encoded_rendition() -> None:
    got = from_wire(wire_channel("b"), wire_channel("a", channelClass=None, inputSpecification={"inputResolution": "8K"}))
    a, b = got.channels  # by name, whatever the registration order
    assert (b.name, b.pipeline, b.input_resolution, b.hours_per_month) == ("b", "SINGLE_PIPELINE", "SD", 120.0)
    # The height-less rung follows the SD source (576 lines, 16:9); maxBitrate counts; the frame capture is no encode.
    assert b.renditions == ((854, 480, 1_500_000), (1024, 576, 800_000))
    # MediaLive's default class is STANDARD; an input class the model does not know is priced as HD.
    assert (a.pipeline, a.input_resolution, a.renditions[1]) == ("STANDARD", "HD", (1920, 1080, 800_000))
    unread = from_wire(wire_channel(encoderSettings={})).channels[0]
    assert unread.renditions == cost.UNREAD_LADDER


def test_usage_from_wire_reads_the_recording_buckets_lifecycle() -> None:
    bucket = cost.WireResource(tokens.BUCKETS[0], "archive", {"bucket": ARCHIVE, "arn": f"arn:aws:s3:::{ARCHIVE}"})
    other = lifecycle("logs-0a1b2c3", expire=7.0, glacier=None)
    got = from_wire(wire_channel(), bucket, lifecycle(f"arn:aws:s3:::{ARCHIVE}", expire=90.0, glacier=0.0), other)
    assert (got.archive_retention_days, got.glacier_after_days) == (90, 0)  # a transition on day 0 is one
    # A recording bucket without a lifecycle keeps everything in Standard; no recording keeps the model's defaults.
    forever = from_wire(wire_channel(), other)
    assert (forever.archive_retention_days, forever.glacier_after_days) == (None, None)
    unrecorded = from_wire(wire_channel(destinations=[]), other)
    assert (unrecorded.archive_retention_days, unrecorded.glacier_after_days) == (365, 30)


def test_usage_from_wire_counts_schedule_firings_from_their_expressions() -> None:
    function = "arn:aws:lambda:ap-northeast-2:123456789012:function:control"
    got = from_wire(
        wire_channel(),
        cost.WireResource(tokens.FUNCTIONS[0], "control", {"arn": function}),
        wire_schedule("rate(5 minutes)", function),
        wire_schedule(
            "cron(0 19 * * ? *)", "arn:aws:scheduler:::aws-sdk:medialive:startChannel", scheduleExpressionTimezone="Asia/Seoul"
        ),
        wire_schedule("rate(1 minute)", function, state="DISABLED"),
    )
    assert got.scheduler_invocations_per_month == round(730 * 60 / 5 + 365 / 12)
    assert got.lambda_invocations_per_month == round(730 * 60 / 5)


def test_usage_from_wire_counts_billed_resources_and_infers_the_viewers() -> None:
    # Each kind in both providers: pulumi-aws and aws-native resources bill alike.
    types = [*tokens.METRIC_ALARMS * 3, *tokens.DASHBOARDS.classic, *tokens.BUDGETS, *tokens.SECRETS, *tokens.KMS_KEYS]
    resources = [wire_channel(), *(cost.WireResource(t, f"r{i}", {}) for i, t in enumerate([*types, "aws:s3/bucket:Bucket"]))]
    assert cost.resource_counts(resources) == {"alarms": 6, "dashboards": 1, "budgets": 2, "secrets": 2, "kms_keys": 2}
    got = from_wire(*resources)
    assert (got.alarms, got.dashboards, got.budgets, got.secrets, got.kms_keys) == (6, 1, 2, 2, 2)
    assert got.viewer_region == "korea"  # no distribution: viewers near the region
    native = cost.WireResource(tokens.DISTRIBUTIONS[1], "cdn", {"distributionConfig": {"priceClass": "PriceClass_100"}})
    assert from_wire(wire_channel(), native).viewer_region == "us_europe"
    assert from_wire(wire_channel(), native, viewer_region="japan").viewer_region == "japan"
