"""The itemised estimate: every item recomputed from the price table's own figures, never a hard-coded total."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from livestream import cost
from livestream.model import ladder
from tests.cost.helpers import PRICES, channel, rungs, usage, v, viewer_hours, write

# --- MediaLive ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "cls"),
    [
        ((854, 480), "SD"),
        ((960, 540), "SD"),
        ((540, 960), "SD"),
        ((1024, 576), "HD"),
        ((1280, 720), "HD"),
        ((1920, 1080), "HD"),
        ((3840, 2160), "UHD"),
    ],
)
def test_output_class_follows_the_guides_size_bands(size: tuple[int, int], cls: str) -> None:
    assert cost.output_class(*size) == cls


def test_medialive_running_is_input_plus_each_rendition_output_times_hours() -> None:
    item = cost.estimate(usage(channel(120.0))).item("MediaLive channels")
    assert item.monthly_usd == pytest.approx(120 * (v("medialive.inputPerHour.SD") + 3 * v("medialive.outputPerHour.SD")))
    assert "medialive.outputPerHour.SD" in item.figures and "cost-example-1" in item.source


def test_medialive_prices_each_rendition_by_its_class() -> None:
    hd = cost.estimate(usage(channel(100.0, resolution="HD", preset="hd"))).item("MediaLive channels")
    per_hour = v("medialive.inputPerHour.HD") + v("medialive.outputPerHour.HD") + 3 * v("medialive.outputPerHour.SD")
    assert hd.monthly_usd == pytest.approx(100 * per_hour)


def test_medialive_idle_charges_the_rest_of_the_month() -> None:
    item = cost.estimate(usage(channel(120.0))).item("MediaLive idle")
    rate = v("medialive.idleChannelPerHour") + cost.PUSH_INPUTS_PER_CHANNEL * v("medialive.idlePushInputPerHour")
    assert item.monthly_usd == pytest.approx((cost.HOURS_PER_MONTH - 120) * rate)
    assert "estimate" in item.source
    assert cost.estimate(usage(channel(cost.HOURS_PER_MONTH))).item("MediaLive idle").monthly_usd == 0


def test_standard_pipeline_doubles_pipeline_items_only() -> None:
    single = cost.estimate(usage(channel(120.0), viewer_hours_per_month=viewer_hours(2000)))
    standard = cost.estimate(usage(channel(120.0, pipeline="STANDARD"), viewer_hours_per_month=viewer_hours(2000)))
    factor = v("medialive.pipelineFactor.STANDARD") / v("medialive.pipelineFactor.SINGLE_PIPELINE")
    assert factor == 2
    for name in ("MediaLive channels",):
        assert standard.item(name).monthly_usd == pytest.approx(single.item(name).monthly_usd * factor)
    for name in ("MediaPackage ingest", "S3 archive"):  # each pipeline pushes and archives its own copy
        assert standard.item(name).monthly_usd == pytest.approx(single.item(name).monthly_usd * 2)
    for name in ("MediaPackage origination", "CloudFront egress", "MediaLive idle"):
        assert standard.item(name).monthly_usd == pytest.approx(single.item(name).monthly_usd)


# --- MediaPackage and CloudFront ---------------------------------------------------------


def test_mediapackage_ingest_is_ladder_bitrate_times_hours() -> None:
    item = cost.estimate(usage(channel(120.0))).item("MediaPackage ingest")
    total_bps = sum(r.total_bitrate_bps for r in ladder.PRESETS["sd"])
    assert item.monthly_usd == pytest.approx(total_bps * 120 * 3600 / 8 / cost.GB * v("mediapackage.ingestPerGb"))


def test_mediapackage_origination_is_the_cache_misses() -> None:
    item = cost.estimate(usage(viewer_hours_per_month=viewer_hours(600))).item("MediaPackage origination")
    assert item.monthly_usd == pytest.approx(600 * (1 - v("assumptions.cacheHitRatio")) * v("mediapackage.originationPerGb"))


def test_cloudfront_free_tier_edge() -> None:
    free = v("cloudfront.freeGbPerMonth")
    at = cost.estimate(usage(viewer_hours_per_month=viewer_hours(free))).item("CloudFront egress")
    above = cost.estimate(usage(viewer_hours_per_month=viewer_hours(free + 1))).item("CloudFront egress")
    assert at.monthly_usd == pytest.approx(0, abs=1e-9)
    assert above.monthly_usd == pytest.approx(v("cloudfront.perGb.korea.first10TB"))


def test_cloudfront_tiers_count_from_the_first_gb() -> None:
    item = cost.estimate(usage(viewer_hours_per_month=viewer_hours(20480))).item("CloudFront egress")
    first, second, *_ = PRICES.children("cloudfront.perGb.korea").values()
    assert first.up_to_gb is not None
    expected = (first.up_to_gb - v("cloudfront.freeGbPerMonth")) * first.value + (20480 - first.up_to_gb) * second.value
    assert item.monthly_usd == pytest.approx(expected)


@pytest.mark.parametrize(
    ("region", "key"), [("korea", "korea"), ("us_europe", "us_europe"), ("europe", "us_europe"), ("japan", "japan")]
)
def test_cloudfront_uses_the_viewers_price_group(region: str, key: str) -> None:
    item = cost.estimate(usage(viewer_hours_per_month=viewer_hours(3024), viewer_region=region)).item("CloudFront egress")
    assert item.monthly_usd == pytest.approx(2000 * v(f"cloudfront.perGb.{key}.first10TB"))


def test_free_tiers_can_be_switched_off(tmp_path: Path) -> None:
    table = cost.load_prices("us-east-1", write(tmp_path, {"assumptions": {"applyFreeTiers": 0}}))
    got = cost.estimate(usage(viewer_hours_per_month=viewer_hours(600), viewer_region="us_europe", alarms=6, dashboards=1), table)
    assert got.item("CloudFront egress").monthly_usd == pytest.approx(600 * table.value("cloudfront.perGb.us_europe.first10TB"))
    monitoring = got.item("CloudWatch alarms").monthly_usd + got.item("CloudWatch dashboards").monthly_usd
    assert monitoring == pytest.approx(6 * table.value("cloudwatch.alarmPerMonth") + table.value("cloudwatch.dashboardPerMonth"))


# --- S3 archive --------------------------------------------------------------------------


def archive_gb(hours: float = 120.0) -> float:
    top = ladder.top(ladder.PRESETS["sd"])
    return top.total_bitrate_bps * hours * 3600 / 8 / cost.GB


def test_s3_steady_state_under_the_lifecycle() -> None:
    item = cost.estimate(usage(archive_retention_days=365, glacier_after_days=30)).item("S3 archive")
    expected = archive_gb() / cost.DAYS_PER_MONTH * (30 * v("s3.standardPerGbMonth") + 335 * v("s3.glacierFlexiblePerGbMonth"))
    assert item.monthly_usd == pytest.approx(expected)


def test_s3_glacier_minimum_storage_is_billed() -> None:
    item = cost.estimate(usage(archive_retention_days=60, glacier_after_days=30)).item("S3 archive")
    glacier_days = v("s3.glacierMinimumDays")
    assert glacier_days > 30
    expected = (
        archive_gb() / cost.DAYS_PER_MONTH * (30 * v("s3.standardPerGbMonth") + glacier_days * v("s3.glacierFlexiblePerGbMonth"))
    )
    assert item.monthly_usd == pytest.approx(expected)


def test_s3_without_glacier_or_expiry() -> None:
    no_glacier = cost.estimate(usage(archive_retention_days=90, glacier_after_days=None)).item("S3 archive")
    assert no_glacier.monthly_usd == pytest.approx(archive_gb() / cost.DAYS_PER_MONTH * 90 * v("s3.standardPerGbMonth"))
    forever = cost.estimate(usage(archive_retention_days=None, glacier_after_days=30)).item("S3 archive")
    horizon = v("assumptions.archiveHorizonMonths") * cost.DAYS_PER_MONTH
    expected = (
        archive_gb()
        / cost.DAYS_PER_MONTH
        * (30 * v("s3.standardPerGbMonth") + (horizon - 30) * v("s3.glacierFlexiblePerGbMonth"))
    )
    assert forever.monthly_usd == pytest.approx(expected)


# --- operations --------------------------------------------------------------------------


def test_monitoring_budgets_and_secrets_above_their_free_allowances() -> None:
    got = cost.estimate(usage(alarms=15, dashboards=4, budgets=3, secrets=2))
    assert got.item("CloudWatch alarms").monthly_usd == pytest.approx(
        (15 - v("cloudwatch.freeAlarms")) * v("cloudwatch.alarmPerMonth")
    )
    assert got.item("CloudWatch dashboards").monthly_usd == pytest.approx(
        (4 - v("cloudwatch.freeDashboards")) * v("cloudwatch.dashboardPerMonth")
    )
    assert got.item("AWS Budgets").monthly_usd == pytest.approx(
        (3 - v("budgets.freeBudgets")) * v("budgets.perBudgetDay") * cost.DAYS_PER_MONTH
    )
    assert got.item("Secrets Manager").monthly_usd == pytest.approx(2 * v("secretsmanager.secretPerMonth"))


def test_customer_managed_keys_bill_per_key() -> None:
    assert cost.estimate(usage()).item("KMS keys").monthly_usd == 0
    got = cost.estimate(usage(kms_keys=2))
    assert got.item("KMS keys").monthly_usd == pytest.approx(2 * v("kms.keyPerMonth"))
    assert "kms/pricing" in PRICES.figure("kms.keyPerMonth").source


def test_scheduler_and_lambda_above_their_free_tiers() -> None:
    n = 20_000_000
    got = cost.estimate(usage(scheduler_invocations_per_month=n, lambda_invocations_per_month=n))
    assert got.item("EventBridge Scheduler").monthly_usd == pytest.approx(
        (n - v("scheduler.freeInvocations")) / 1e6 * v("scheduler.perMillionInvocations")
    )
    gb_s = n * v("assumptions.lambdaMemoryMb") / 1024 * v("assumptions.lambdaSecondsPerInvocation")
    expected = (n - v("lambda.freeRequests")) / 1e6 * v("lambda.perMillionRequests") + (gb_s - v("lambda.freeGbSeconds")) * v(
        "lambda.arm64PerGbSecond"
    )
    assert got.item("Lambda").monthly_usd == pytest.approx(expected)


def test_the_platforms_own_scheduling_stays_in_the_free_tier() -> None:
    got = cost.estimate(usage(scheduler_invocations_per_month=8851, lambda_invocations_per_month=8851))
    assert got.item("EventBridge Scheduler").monthly_usd == 0
    assert got.item("Lambda").monthly_usd == 0
    assert got.item("SNS").monthly_usd == 0


# --- the estimate as a whole -------------------------------------------------------------


def test_every_item_has_a_source_and_as_dict_is_json() -> None:
    got = cost.estimate(usage(viewer_hours_per_month=viewer_hours(600), alarms=6, dashboards=1))
    data = json.loads(json.dumps(got.as_dict()))
    assert set(data) == {"monthlyUsd", "lowUsd", "highUsd", "items", "assumptions"}
    assert [data["lowUsd"], data["highUsd"]] == list(got.range())
    assert data["monthlyUsd"] == got.monthly_usd == round(sum(i.monthly_usd for i in got.items), 2)
    fields = {"name", "monthlyUsd", "lowUsd", "highUsd", "estimate", "detail", "source"}
    assert all(set(i) == fields and i["source"] for i in data["items"])
    assert all(i["lowUsd"] <= i["monthlyUsd"] <= i["highUsd"] for i in data["items"])
    assert "medialive.inputPerHour.SD" in data["assumptions"]["estimatedFigures"]
    assert data["assumptions"]["channelHours"] == {"main": 120.0}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"channels": (channel(pipeline="TRIPLE"),)}, "pipeline"),
        ({"channels": (channel(resolution="8K"),)}, "input_resolution"),
        ({"channels": (channel(800.0),)}, "hours_per_month"),
        ({"viewer_region": "mars"}, "viewer_region"),
    ],
)
def test_bad_usage_is_refused(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        cost.estimate(dataclasses.replace(usage(), **fields))


def reference_usage(hours: float = 120.0, **fields: Any) -> cost.Usage:
    """The reference scenario: one sd-ladder channel, 4 h/day x 30, single pipeline, ~600 GB/month to viewers."""
    return usage(
        channel(hours),
        viewer_hours_per_month=viewer_hours(600),
        viewer_region=fields.pop("viewer_region", "korea"),
        alarms=6,
        dashboards=1,
        budgets=1,
        scheduler_invocations_per_month=91,
        lambda_invocations_per_month=91,
        **fields,
    )


def test_reference_scenario_lands_within_the_documented_bounds() -> None:
    """The reference design said $154. This model prices all three outputs (the reference's $84 is
    about one input + one output), adds idle charges (estimate) and applies the 1 TB CloudFront and
    CloudWatch free tiers (-$51, -$3.60). Documented bound: $130-$180."""
    got = cost.estimate(reference_usage())
    assert 130 <= got.monthly_usd <= 180
    assert got.item("CloudFront egress").monthly_usd == 0  # 600 GB is inside the free TB
    mediapackage = got.item("MediaPackage ingest").monthly_usd + got.item("MediaPackage origination").monthly_usd
    assert 8 <= mediapackage <= 12  # reference ~$10
    assert 4 <= got.item("S3 archive").monthly_usd <= 6  # reference ~$5


def test_reference_scenario_priced_the_reference_way_reproduces_its_items(tmp_path: Path) -> None:
    """No free tiers, no idle charges, US/Europe CloudFront price, one 480p output from an HD input."""
    override = {"medialive": {"idleChannelPerHour": 0, "idlePushInputPerHour": 0}, "assumptions": {"applyFreeTiers": 0}}
    table = cost.load_prices("us-east-1", write(tmp_path, override))
    one_output = cost.ChannelUsage("main", "SINGLE_PIPELINE", "HD", rungs("sd")[:1], 120.0)
    got = cost.estimate(dataclasses.replace(reference_usage(viewer_region="us_europe"), channels=(one_output,)), table)
    assert got.item("CloudFront egress").monthly_usd == pytest.approx(51.00)
    monitoring = got.item("CloudWatch alarms").monthly_usd + got.item("CloudWatch dashboards").monthly_usd
    assert monitoring == pytest.approx(3.60)
    assert got.item("MediaLive channels").monthly_usd == pytest.approx(
        120 * (table.value("medialive.inputPerHour.HD") + table.value("medialive.outputPerHour.SD"))
    )
    assert 140 <= got.monthly_usd <= 160
