"""The cost model: every item recomputed from the price table's own figures, never a hard-coded total."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from livestream import cost
from livestream.model import ladder
from livestream.model import settings as config
from livestream.model.settings import ScheduleSettings, UsageSettings

PRICES = cost.load_prices("us-east-1")
HOURS_PER_GB_AT_1500 = cost.GB * 8 / (1500 * 1000 * 3600)  # viewer-hours that pull one GB at 1500 kbps

needs_cron = pytest.mark.skipif(
    importlib.util.find_spec("livestream.model.cron") is None,
    reason="livestream/cron.py (monthly_channel_hours) is not written yet",
)


def rungs(preset: str) -> tuple[tuple[int, int, int], ...]:
    return tuple((r.width, r.height, r.video_bitrate_bps) for r in ladder.PRESETS[preset])


def channel(
    hours: float = 120.0, *, pipeline: str = "SINGLE_PIPELINE", resolution: str = "SD", preset: str = "sd"
) -> cost.ChannelUsage:
    return cost.ChannelUsage("main", pipeline, resolution, rungs(preset), hours)


def usage(*channels: cost.ChannelUsage, **fields: Any) -> cost.Usage:
    return cost.Usage(region=fields.pop("region", "us-east-1"), channels=channels or (channel(),), **fields)


def viewer_hours(gb: float) -> float:
    return gb * HOURS_PER_GB_AT_1500


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "prices-override.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def v(path: str, prices: cost.PriceTable = PRICES) -> float:
    return prices.value(path)


# --- the table ---------------------------------------------------------------------------


def test_packaged_table_is_json_and_every_figure_has_value_unit_source_and_date() -> None:
    raw = json.loads(resources.files("livestream.cost").joinpath("prices.json").read_text(encoding="utf-8"))
    assert raw["baseRegion"] == "us-east-1"
    assert "ap-northeast-2" in raw["regions"]
    for region in ("us-east-1", "ap-northeast-2"):
        table = cost.load_prices(region)
        assert len(table.figures) > 40
        for path, fig in table.figures.items():
            assert fig.unit and fig.source and fig.date, path


def test_unsourced_figures_are_marked_estimates() -> None:
    for path in (
        "medialive.inputPerHour.SD",
        "medialive.inputPerHour.UHD",
        "medialive.idleChannelPerHour",
        "medialive.idlePushInputPerHour",
        "medialive.pipelineFactor.STANDARD",
        "mediapackage.ingestPerGb",  # a v1 figure used for v2
        "mediapackage.originationPerGb",
        "assumptions.cacheHitRatio",
    ):
        assert PRICES.figure(path).estimate, path
    assert not PRICES.figure("medialive.outputPerHour.SD").estimate
    assert not PRICES.figure("cloudfront.perGb.korea.first10TB").estimate
    assert PRICES.value("secretsmanager.secretPerMonth") == 0.40
    assert "secrets-manager/pricing" in PRICES.figure("secretsmanager.secretPerMonth").source


def test_seoul_applies_uplift_factors_and_flags_them_as_estimates() -> None:
    raw = json.loads(resources.files("livestream.cost").joinpath("prices.json").read_text(encoding="utf-8"))
    uplift = raw["regions"]["ap-northeast-2"]["uplift"]
    seoul = cost.load_prices("ap-northeast-2")
    for path, service in (("medialive.outputPerHour.SD", "medialive"), ("mediapackage.ingestPerGb", "mediapackage")):
        assert seoul.value(path) == pytest.approx(PRICES.value(path) * uplift[service]["value"])
        assert seoul.figure(path).estimate
    explicit = raw["regions"]["ap-northeast-2"]["figures"]["s3"]["standardPerGbMonth"]["value"]
    assert seoul.value("s3.standardPerGbMonth") == explicit
    # CloudFront is priced by where viewers are, not where the platform is; counts are not money.
    assert seoul.value("cloudfront.perGb.korea.first10TB") == PRICES.value("cloudfront.perGb.korea.first10TB")
    assert seoul.value("cloudwatch.freeAlarms") == PRICES.value("cloudwatch.freeAlarms")


def test_region_changes_the_estimate() -> None:
    east = cost.estimate(usage())
    seoul = cost.estimate(usage(region="ap-northeast-2"))
    factor = cost.load_prices("ap-northeast-2").value("medialive.outputPerHour.SD") / v("medialive.outputPerHour.SD")
    assert seoul.item("MediaLive channels").monthly_usd == pytest.approx(east.item("MediaLive channels").monthly_usd * factor)
    assert seoul.monthly_usd > east.monthly_usd
    assert seoul.assumptions["pricingRegion"] == "ap-northeast-2"


def test_a_region_not_in_the_table_uses_us_east_1_figures_flagged_as_estimates() -> None:
    table = cost.load_prices("eu-west-2")
    assert table.pricing_region == "us-east-1"
    fig = table.figure("medialive.outputPerHour.SD")
    assert fig.value == v("medialive.outputPerHour.SD")
    assert fig.estimate and "eu-west-2 is not in the price table" in fig.source


# --- overrides ---------------------------------------------------------------------------


def test_override_file_changes_a_price_and_records_its_source(tmp_path: Path) -> None:
    path = write(tmp_path, {"_comment": "ours", "medialive": {"outputPerHour": {"SD": 0.5}}})
    table = cost.load_prices("us-east-1", path)
    assert table.value("medialive.outputPerHour.SD") == 0.5
    assert "user override" in table.figure("medialive.outputPerHour.SD").source
    assert table.overridden == ("medialive.outputPerHour.SD",)
    assert table.value("medialive.outputPerHour.HD") == v("medialive.outputPerHour.HD")  # the rest is untouched
    got = cost.estimate(usage(), table).item("MediaLive channels").monthly_usd
    assert got == pytest.approx(120 * (v("medialive.inputPerHour.SD") + 3 * 0.5))


def test_override_object_form_replaces_named_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path, {"assumptions": {"cacheHitRatio": {"value": 0.95, "source": "our CloudFront reports", "date": "2026-05"}}}
    )
    table = cost.load_prices("ap-northeast-2", path)
    fig = table.figure("assumptions.cacheHitRatio")
    assert (fig.value, fig.source, fig.date, fig.estimate) == (0.95, "our CloudFront reports", "2026-05", False)
    got = cost.estimate(usage(viewer_hours_per_month=viewer_hours(1000)), table).item("MediaPackage origination")
    assert got.monthly_usd == pytest.approx(1000 * (1 - 0.95) * table.value("mediapackage.originationPerGb"))


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"medialive": {"outputPerHour": {"XD": 1.0}}}, "medialive.outputPerHour.XD"),
        ({"mediaconvert": {"perMinute": 1.0}}, "mediaconvert"),
        ({"s3": {"standardPerGbMonth": {"valeu": 0.02}}}, "s3.standardPerGbMonth.valeu"),
        ({"cloudfront": {"perGb": {"mars": {"first10TB": 1}}}}, "cloudfront.perGb.mars"),
    ],
)
def test_unknown_override_key_is_refused_by_name(tmp_path: Path, override: dict[str, Any], key: str) -> None:
    with pytest.raises(ValueError, match="unknown key '" + re.escape(key) + "'"):
        cost.load_prices("us-east-1", write(tmp_path, override))


@pytest.mark.parametrize("bad", [-1, "cheap", True, None])
def test_override_value_must_be_a_non_negative_number(tmp_path: Path, bad: Any) -> None:
    with pytest.raises(ValueError, match=re.escape("medialive.outputPerHour.SD")):
        cost.load_prices("us-east-1", write(tmp_path, {"medialive": {"outputPerHour": {"SD": bad}}}))


def test_override_that_is_not_json_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{medialive: 1", encoding="utf-8")
    with pytest.raises(ValueError, match="not valid JSON"):
        cost.load_prices("us-east-1", path)


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
    first, second = PRICES.children("cloudfront.perGb.korea").values()
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
    assert set(data) == {"monthlyUsd", "items", "assumptions"}
    assert data["monthlyUsd"] == got.monthly_usd == round(sum(i.monthly_usd for i in got.items), 2)
    assert all(set(i) == {"name", "monthlyUsd", "detail", "source"} and i["source"] for i in data["items"])
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


# --- channel hours and settings ----------------------------------------------------------


def test_channel_hours_without_a_schedule() -> None:
    assert cost.channel_hours(ScheduleSettings(), UsageSettings()) == cost.HOURS_PER_MONTH
    assert cost.channel_hours(ScheduleSettings(), UsageSettings(streamed_hours_per_month=75)) == 75
    idle = ScheduleSettings(idle_stop_minutes=20)
    overrun = (20 + cost.IDLE_CHECK_INTERVAL_MINUTES / 2) / 60
    assert cost.channel_hours(idle, UsageSettings(streamed_hours_per_month=75)) == pytest.approx(
        75 + cost.BROADCASTS_PER_MONTH * overrun
    )


EVENINGS = {"timezone": "Asia/Seoul", "start": "cron(0 19 * * ? *)", "stop": "cron(0 23 * * ? *)"}


@needs_cron
def test_channel_hours_of_a_fixed_schedule_come_from_the_crons() -> None:
    from livestream.model import cron

    scheduled = cron.monthly_channel_hours(EVENINGS["start"], EVENINGS["stop"], EVENINGS["timezone"])
    assert 118 <= scheduled <= 124
    assert cost.channel_hours(ScheduleSettings(**EVENINGS), UsageSettings()) == pytest.approx(scheduled)
    # No idle stop: the window runs whatever is streamed.
    assert cost.channel_hours(ScheduleSettings(**EVENINGS), UsageSettings(streamed_hours_per_month=75)) == pytest.approx(
        scheduled
    )


@needs_cron
def test_channel_hours_with_idle_stop_is_streamed_plus_the_idle_window_capped_by_the_schedule() -> None:
    schedule = ScheduleSettings(**EVENINGS, idle_stop_minutes=20)
    broadcasts = cost.broadcasts_per_month(schedule)
    assert broadcasts == pytest.approx(365 / 12)
    overrun = (20 + cost.IDLE_CHECK_INTERVAL_MINUTES / 2) / 60
    assert cost.channel_hours(schedule, UsageSettings(streamed_hours_per_month=75)) == pytest.approx(75 + broadcasts * overrun)
    scheduled = cost.channel_hours(ScheduleSettings(**EVENINGS), UsageSettings())
    assert cost.channel_hours(schedule, UsageSettings(streamed_hours_per_month=119)) == pytest.approx(scheduled)


@needs_cron
def test_weekly_schedule_counts_weekly_broadcasts() -> None:
    fridays = ScheduleSettings(
        timezone="Asia/Seoul", start="cron(0 19 ? * FRI *)", stop="cron(0 23 ? * FRI *)", idle_stop_minutes=20
    )
    assert cost.broadcasts_per_month(fridays) == pytest.approx(52 / 12, abs=0.1)
    assert cost.scheduler_invocations(fridays) == round(
        2 * cost.broadcasts_per_month(fridays)
        + cost.HOURS_PER_MONTH * 60 / cost.IDLE_CHECK_INTERVAL_MINUTES
        + cost.DAYS_PER_MONTH
    )


def settings(**sections: Any) -> config.Settings:
    raw = {
        "channels": {"main": {"ingest": {"protocol": "srt", "allowedCidrs": ["203.0.113.0/24"]}, "ladder": "sd"}},
        **sections,
    }
    return config.load(raw, environment="dev", region="ap-northeast-2")


def test_usage_from_settings_without_a_schedule() -> None:
    got = cost.usage_from_settings(settings(cdn={"priceClass": "PriceClass_200"}, usage={"viewerHoursPerMonth": 900}), alarms=7)
    main = got.channels[0]
    assert (main.pipeline, main.input_resolution, main.hours_per_month) == ("SINGLE_PIPELINE", "SD", cost.HOURS_PER_MONTH)
    assert main.renditions == rungs("sd")
    assert got.watched_kbps == ladder.top(ladder.PRESETS["sd"]).total_bitrate_bps / 1000
    assert (got.viewer_region, got.viewer_hours_per_month, got.secrets) == ("korea", 900, 1)
    assert (got.alarms, got.dashboards, got.budgets) == (7, 1, 0)
    assert (got.archive_retention_days, got.glacier_after_days) == (365, 30)
    # PriceClass_100 serves Korean viewers from North American / European edges, at their price.
    assert cost.usage_from_settings(settings()).viewer_region == "us_europe"
    assert cost.estimate(got).monthly_usd > 0


@needs_cron
def test_usage_from_settings_with_schedule_and_idle_stop() -> None:
    platform = settings(schedule={**EVENINGS, "idleStopMinutes": 20}, usage={"streamedHoursPerMonth": 75, "watchedKbps": 1200})
    got = cost.usage_from_settings(platform)
    schedule = ScheduleSettings(**EVENINGS, idle_stop_minutes=20)
    assert got.channels[0].hours_per_month == pytest.approx(
        cost.channel_hours(schedule, UsageSettings(streamed_hours_per_month=75))
    )
    assert got.watched_kbps == 1200
    assert got.scheduler_invocations_per_month == cost.scheduler_invocations(schedule)
    # The control function runs on every schedule firing, the recordings indexer on its own events.
    assert got.lambda_invocations_per_month == got.scheduler_invocations_per_month + cost.recording_invocations(platform)
    assert got.scheduler_invocations_per_month == round(2 * 365 / 12 + 730 * 60 / 5 + 730 / 24)


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
    return cost.WireResource(cost.LIFECYCLE_CONFIGS[0], "lifecycle", {"bucket": bucket, "rules": [rule]})


def wire_schedule(expression: str, target: str, **props: Any) -> cost.WireResource:
    return cost.WireResource(
        cost.SCHEDULES[0], expression, {"scheduleExpression": expression, "target": {"arn": target}, **props}
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
    bucket = cost.WireResource(cost.BUCKETS[0], "archive", {"bucket": ARCHIVE, "arn": f"arn:aws:s3:::{ARCHIVE}"})
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
        cost.WireResource(cost.FUNCTIONS[0], "control", {"arn": function}),
        wire_schedule("rate(5 minutes)", function),
        wire_schedule(
            "cron(0 19 * * ? *)", "arn:aws:scheduler:::aws-sdk:medialive:startChannel", scheduleExpressionTimezone="Asia/Seoul"
        ),
        wire_schedule("rate(1 minute)", function, state="DISABLED"),
    )
    assert got.scheduler_invocations_per_month == round(730 * 60 / 5 + 365 / 12)
    assert got.lambda_invocations_per_month == round(730 * 60 / 5)


def test_usage_from_wire_counts_billed_resources_and_infers_the_viewers() -> None:
    types = [*cost.METRIC_ALARMS * 3, *cost.DASHBOARDS, *cost.BUDGETS, *cost.SECRETS, *cost.KMS_KEYS, "aws:s3/bucket:Bucket"]
    resources = [wire_channel(), *(cost.WireResource(t, f"r{i}", {}) for i, t in enumerate(types))]
    assert cost.resource_counts(resources) == {"alarms": 3, "dashboards": 1, "budgets": 1, "secrets": 2, "kms_keys": 2}
    got = from_wire(*resources)
    assert (got.alarms, got.dashboards, got.budgets, got.secrets, got.kms_keys) == (3, 1, 1, 2, 2)
    assert got.viewer_region == "korea"  # no distribution: viewers near the region
    native = cost.WireResource(cost.DISTRIBUTIONS[1], "cdn", {"distributionConfig": {"priceClass": "PriceClass_100"}})
    assert from_wire(wire_channel(), native).viewer_region == "us_europe"
    assert from_wire(wire_channel(), native, viewer_region="japan").viewer_region == "japan"


def test_firings_per_month_of_any_expression() -> None:
    assert cost.firings_per_month("cron(0 19 * * ? *)", "Asia/Seoul") == pytest.approx(365 / 12)
    assert cost.firings_per_month("rate(5 minutes)") == pytest.approx(730 * 60 / 5)
    assert cost.firings_per_month("at(2026-05-01T19:00:00)") == 1
    assert cost.firings_per_month("cron(0 19 * *)") == cost.firings_per_month(None) == 0  # unreadable: nothing
    assert cost.firings_per_month("cron(0 19 * * ? *)", "Mars/Olympus") == cost.firings_per_month("cron(0 19 * * ? *)")
