"""Build or buy: the managed services' cost for the same usage, and where this platform crosses each."""

from __future__ import annotations

import dataclasses

import pytest

from livestream import cost
from livestream.cost import alternatives
from livestream.cost.calibration import with_values

PRICES = cost.load_prices("us-east-1")
SD = ((854, 480, 1_500_000), (640, 360, 800_000))


def usage(viewer_hours: float = 2_000, hours: float = 120, **fields: object) -> cost.Usage:
    channel = cost.ChannelUsage("main", "SINGLE_PIPELINE", "HD", fields.pop("ladder", SD), hours)  # type: ignore[arg-type]
    return cost.Usage(
        region="us-east-1", channels=(channel,), viewer_hours_per_month=viewer_hours, viewer_region="us_europe", **fields
    )  # type: ignore[arg-type]


def by_name(rows: list[alternatives.AlternativeCost]) -> dict[str, alternatives.AlternativeCost]:
    return {row.name: row for row in rows}


def test_every_alternative_is_priced_with_dated_sources() -> None:
    rows = alternatives.compare(usage(), PRICES)
    assert [r.name for r in rows] == [name for name, _ in alternatives.ALTERNATIVES]
    for row in rows:
        assert row.sources and all("https://" in s and "[read 2026-" in s for s in row.sources), row.name
        assert row.low_usd <= row.monthly_usd <= row.high_usd
        assert row.platform_monthly_usd == pytest.approx(alternatives.platform_usd(usage(), PRICES), abs=0.01)


def test_cloudflare_is_free_ingest_plus_delivered_and_stored_minutes() -> None:
    got = by_name(alternatives.compare(usage(), PRICES))["Cloudflare Stream"]
    stored_minutes = 120 * 60 * 365 / cost.DAYS_PER_MONTH
    expected = 2_000 * 60 / 1000 * PRICES.value("alternatives.cloudflare.deliveryPer1000Minutes") + stored_minutes / 1000 * 5
    assert got.monthly_usd == pytest.approx(expected)
    assert not got.estimate and got.low_usd == got.high_usd


def test_ivs_prices_input_hours_and_output_hours_at_the_top_resolution() -> None:
    got = by_name(alternatives.compare(usage(), PRICES))["Amazon IVS (standard channel)"]
    recorded_gb = (1_500_000 + 128_000) * 120 * 3600 / 8 / cost.GB * 365 / cost.DAYS_PER_MONTH
    expected = 120 * 2.0 + 2_000 * PRICES.value("alternatives.ivs.outputPerHour.SD") + recorded_gb * 0.023
    assert got.monthly_usd == pytest.approx(expected)
    assert got.estimate and got.low_usd < got.high_usd


@pytest.mark.parametrize(
    ("lines", "cls"), [(360, "SD"), (480, "SD"), (540, "HD"), (720, "HD"), (1080, "FULL_HD"), (2160, "FULL_HD")]
)
def test_ivs_output_class_follows_its_resolution_bands(lines: int, cls: str) -> None:
    assert alternatives.ivs_output_class(lines) == cls


def test_at_the_break_even_both_cost_the_same_within_a_cent() -> None:
    rows = alternatives.compare(usage(), PRICES)
    crossings = [r for r in rows if r.break_even_viewer_hours is not None]
    assert crossings
    for row in crossings:
        at = dataclasses.replace(usage(), viewer_hours_per_month=row.break_even_viewer_hours)
        alternative = by_name(alternatives.compare(at, PRICES))[row.name].monthly_usd
        assert alternatives.platform_usd(at, PRICES) == pytest.approx(alternative, abs=0.01), row.name


def test_the_cheaper_side_flips_at_the_break_even() -> None:
    for row in alternatives.compare(usage(), PRICES):
        if row.break_even_viewer_hours is None:
            continue
        below, above = row.break_even_viewer_hours * 0.5, row.break_even_viewer_hours * 2
        cheaper = []
        for viewer_hours in (below, above):
            got = by_name(alternatives.compare(usage(viewer_hours), PRICES))[row.name]
            cheaper.append(got.platform_is_cheaper)
        assert cheaper == [row.platform_cheaper_below, not row.platform_cheaper_below], row.name


def test_costs_never_fall_as_viewing_or_streaming_grows() -> None:
    previous: dict[str, float] = {}
    for viewer_hours in (0, 10, 1_000, 50_000, 2_000_000):
        for row in alternatives.compare(usage(viewer_hours), PRICES):
            assert row.monthly_usd >= previous.get(row.name, 0.0), (row.name, viewer_hours)
            previous[row.name] = row.monthly_usd
    short, long = (by_name(alternatives.compare(usage(hours=h), PRICES)) for h in (10, 300))
    assert all(long[name].monthly_usd > short[name].monthly_usd for name in short)


def test_no_crossing_is_reported_as_never() -> None:
    """With delivery free and a month of recordings, Cloudflare stays flat below this platform, which grows with viewing."""
    free_delivery = with_values(PRICES, {"alternatives.cloudflare.deliveryPer1000Minutes": 0}, "test")
    row = by_name(alternatives.compare(usage(archive_retention_days=30), free_delivery))["Cloudflare Stream"]
    assert row.break_even_viewer_hours is None and row.platform_cheaper_below is None
    assert not row.platform_is_cheaper


def test_break_even_solves_a_line_to_a_cent() -> None:
    assert alternatives.break_even(lambda v: 100 - 0.5 * v) == pytest.approx(200, abs=0.02)
    assert alternatives.break_even(lambda v: 5 + v) is None


def test_as_dict_is_json_ready() -> None:
    data = alternatives.compare(usage(), PRICES)[0].as_dict()
    assert {"name", "monthlyUsd", "lowUsd", "highUsd", "breakEvenViewerHours", "sources", "estimate"} <= set(data)


def test_the_break_even_searches_price_each_viewer_hours_point_of_the_platform_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The four searches scan the same grid of viewer-hours: the platform's estimate at a point is reused."""
    priced_at: list[float] = []
    real_estimate = alternatives.estimate

    def counting(at: cost.Usage, prices: cost.PriceTable) -> cost.Estimate:
        priced_at.append(at.viewer_hours_per_month)
        return real_estimate(at, prices)

    monkeypatch.setattr(alternatives, "estimate", counting)
    rows = alternatives.compare(usage(), PRICES)
    assert sum(r.break_even_viewer_hours is not None for r in rows) >= 2  # the searches ran
    assert len(priced_at) == len(set(priced_at))
