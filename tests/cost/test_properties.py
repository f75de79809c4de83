"""Laws of the cost model, for any usage hypothesis draws: more hours or more viewing never costs less,
and the total is the sum of its items (as printed, to the cent)."""

from __future__ import annotations

import math
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from livestream import cost
from livestream.model import ladder

REGIONS = ("us-east-1", "ap-northeast-2", "eu-west-1", "sa-east-1")  # table regions and one that is not in it
TABLES = {region: cost.load_prices(region) for region in REGIONS}
HOURS = st.floats(min_value=0.0, max_value=cost.MAX_HOURS_PER_MONTH, allow_nan=False)


@st.composite
def channels(draw: st.DrawFn) -> cost.ChannelUsage:
    preset = ladder.PRESETS[draw(st.sampled_from(sorted(ladder.PRESETS)))]
    return cost.ChannelUsage(
        name=draw(st.sampled_from(["main", "backup", "studio"])),
        pipeline=draw(st.sampled_from(cost.PIPELINES)),
        input_resolution=draw(st.sampled_from(cost.RESOLUTIONS)),
        renditions=tuple((r.width, r.height, r.video_bitrate_bps) for r in preset),
        hours_per_month=draw(HOURS),
    )


@st.composite
def usages(draw: st.DrawFn) -> cost.Usage:
    count = st.integers(min_value=0, max_value=40)
    return cost.Usage(
        region=draw(st.sampled_from(REGIONS)),
        channels=tuple(draw(st.lists(channels(), min_size=1, max_size=3))),
        viewer_hours_per_month=draw(st.floats(min_value=0, max_value=2_000_000, allow_nan=False)),
        watched_kbps=draw(st.floats(min_value=100, max_value=12_000, allow_nan=False)),
        viewer_region=draw(st.sampled_from(TABLES["us-east-1"].viewer_regions)),
        archive_retention_days=draw(st.none() | st.integers(min_value=1, max_value=3650)),
        glacier_after_days=draw(st.none() | st.integers(min_value=0, max_value=365)),
        alarms=draw(count),
        dashboards=draw(count),
        budgets=draw(count),
        secrets=draw(count),
        kms_keys=draw(count),
        scheduler_invocations_per_month=draw(st.integers(min_value=0, max_value=50_000_000)),
        lambda_invocations_per_month=draw(st.integers(min_value=0, max_value=50_000_000)),
    )


def total(usage: cost.Usage) -> float:
    return cost.estimate(usage, TABLES[usage.region]).monthly_usd


def with_hours(usage: cost.Usage, extra: float) -> cost.Usage:
    grown = tuple(replace(c, hours_per_month=min(cost.MAX_HOURS_PER_MONTH, c.hours_per_month + extra)) for c in usage.channels)
    return replace(usage, channels=grown)


@settings(max_examples=150, deadline=None)
@given(usages(), st.floats(min_value=0, max_value=cost.MAX_HOURS_PER_MONTH, allow_nan=False))
def test_more_channel_hours_never_cost_less(usage: cost.Usage, extra: float) -> None:
    assert total(with_hours(usage, extra)) >= total(usage)


@settings(max_examples=150, deadline=None)
@given(usages(), st.integers(min_value=0, max_value=2), HOURS)
def test_more_hours_on_one_channel_never_cost_less(usage: cost.Usage, which: int, hours: float) -> None:
    index = which % len(usage.channels)
    channel = usage.channels[index]
    longer = replace(channel, hours_per_month=max(channel.hours_per_month, hours))
    more = replace(usage, channels=(*usage.channels[:index], longer, *usage.channels[index + 1 :]))
    assert total(more) >= total(usage)


@settings(max_examples=150, deadline=None)
@given(usages(), st.floats(min_value=0, max_value=5_000_000, allow_nan=False))
def test_more_viewer_hours_never_cost_less(usage: cost.Usage, extra: float) -> None:
    more = replace(usage, viewer_hours_per_month=usage.viewer_hours_per_month + extra)
    assert total(more) >= total(usage)


@settings(max_examples=150, deadline=None)
@given(usages())
def test_the_total_is_the_sum_of_the_items(usage: cost.Usage) -> None:
    estimate = cost.estimate(usage, TABLES[usage.region])
    amounts = [item.monthly_usd for item in estimate.items]
    assert all(math.isfinite(a) and a >= 0 for a in amounts)
    assert abs(estimate.monthly_usd - math.fsum(amounts)) <= 0.005 + 1e-9
    printed = estimate.as_dict()
    # What the report prints: each item to the cent; they add up to the total within half a cent per item.
    assert math.isclose(printed["monthlyUsd"], estimate.monthly_usd)
    assert abs(math.fsum(i["monthlyUsd"] for i in printed["items"]) - printed["monthlyUsd"]) <= 0.005 * len(amounts) + 1e-9
