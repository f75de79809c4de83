"""Recordings in the cost model: harvest, storage under the Glacier Instant Retrieval lifecycle, requests."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from livestream import cost
from livestream.model import settings as config

GB = cost.GB


def platform(**recordings: Any) -> config.Settings:
    raw = {
        "channels": {"main": {"ingest": {"allowedCidrs": ["203.0.113.0/24"]}, "ladder": "sd", "segmentSeconds": 4}},
        "usage": {"streamedHoursPerMonth": 100},
        "recordings": recordings,
    }
    return config.load(raw, environment="dev", region="us-east-1")


def usage(**recordings: Any) -> cost.Usage:
    return cost.usage_from_settings(platform(**recordings))


def v(path: str) -> float:
    return cost.load_prices("us-east-1").value(path)


def test_every_rung_of_every_running_hour_is_harvested_once() -> None:
    rec = usage().recordings
    assert rec is not None
    ladder = platform().channels[0].ladder
    assert rec.gb_per_month == pytest.approx(sum(r.total_bitrate_bps for r in ladder) * 100 * 3600 / 8 / GB)
    # One object per track (3 rungs + audio) per 4 s segment, plus the playlists.
    assert rec.objects_per_month == pytest.approx(100 * 3600 / 4 * 4 + 3 + 2)


def test_a_standard_channel_records_one_copy() -> None:
    single = usage().recordings
    raw = platform()
    standard = dataclasses.replace(raw, channels=(dataclasses.replace(raw.channels[0], pipeline="STANDARD"),))
    assert cost.usage_from_settings(standard).recordings == single


def test_items_and_their_figures() -> None:
    u = usage(expireAfterDays=365, glacierAfterDays=30)
    rec = u.recordings
    assert rec is not None
    estimate = cost.estimate(u)
    harvest = estimate.item("Recordings harvest")
    assert harvest.monthly_usd == pytest.approx(rec.gb_per_month * v("mediapackage.harvestPerGb"))
    storage = estimate.item("S3 recordings")
    standard_gb = rec.gb_per_month * 30 / cost.DAYS_PER_MONTH
    cold_gb = rec.gb_per_month * (365 - 30) / cost.DAYS_PER_MONTH
    assert storage.monthly_usd == pytest.approx(
        standard_gb * v("s3.standardPerGbMonth") + cold_gb * v("s3.glacierInstantPerGbMonth")
    )
    requests = estimate.item("S3 recording requests")
    per_1000 = v("s3.putPer1000") + v("s3.glacierInstantTransitionPer1000")
    assert requests.monthly_usd == pytest.approx(rec.objects_per_month / 1000 * per_1000)
    assert "s3.glacierInstantPerGbMonth" in storage.figures and "mediapackage.harvestPerGb" in harvest.figures


def test_short_retention_skips_cold_storage_and_its_transitions() -> None:
    estimate = cost.estimate(usage(expireAfterDays=14))
    rec = usage(expireAfterDays=14).recordings
    assert rec is not None
    storage = estimate.item("S3 recordings")
    assert storage.monthly_usd == pytest.approx(rec.gb_per_month * 14 / cost.DAYS_PER_MONTH * v("s3.standardPerGbMonth"))
    assert estimate.item("S3 recording requests").monthly_usd == pytest.approx(rec.objects_per_month / 1000 * v("s3.putPer1000"))


def test_glacier_instant_retrieval_bills_its_90_day_minimum() -> None:
    rec = usage(expireAfterDays=40, glacierAfterDays=30).recordings
    assert rec is not None
    storage = cost.estimate(usage(expireAfterDays=40, glacierAfterDays=30)).item("S3 recordings")
    cold_gb = rec.gb_per_month * v("s3.glacierInstantMinimumDays") / cost.DAYS_PER_MONTH
    standard_gb = rec.gb_per_month * 30 / cost.DAYS_PER_MONTH
    assert storage.monthly_usd == pytest.approx(
        standard_gb * v("s3.standardPerGbMonth") + cold_gb * v("s3.glacierInstantPerGbMonth")
    )


def test_switched_off_recordings_cost_nothing() -> None:
    u = usage(enabled=False)
    assert u.recordings is None and cost.recording_invocations(platform(enabled=False)) == 0
    names = [i.name for i in cost.estimate(u).items]
    assert not {"Recordings harvest", "S3 recordings", "S3 recording requests"} & set(names)


def test_the_indexer_runs_hourly_and_per_broadcast_event() -> None:
    broadcasts = cost.broadcasts_per_month(platform().schedule)
    assert cost.recording_invocations(platform()) == round(cost.HOURS_PER_MONTH + broadcasts * (2 * 1 + 2))


def test_new_prices_are_sourced_and_dated() -> None:
    prices = cost.load_prices("us-east-1")
    for path in (
        "mediapackage.harvestPerGb",
        "s3.glacierInstantPerGbMonth",
        "s3.glacierInstantMinimumDays",
        "s3.putPer1000",
        "s3.glacierInstantTransitionPer1000",
    ):
        figure = prices.figure(path)
        assert figure.source and figure.date, path
        assert figure.estimate or "https://" in figure.source, path
