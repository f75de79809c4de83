"""Usage from settings: channel hours under schedules and idle stop, firings, what a validated platform implies."""

from __future__ import annotations

from typing import Any

import pytest

from livestream import cost
from livestream.model import cron, ladder
from livestream.model import settings as config
from livestream.model.settings import ScheduleSettings, UsageSettings
from tests.cost.helpers import rungs

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


def test_channel_hours_of_a_fixed_schedule_come_from_the_crons() -> None:
    scheduled = cron.monthly_channel_hours(EVENINGS["start"], EVENINGS["stop"], EVENINGS["timezone"])
    assert 118 <= scheduled <= 124
    assert cost.channel_hours(ScheduleSettings(**EVENINGS), UsageSettings()) == pytest.approx(scheduled)
    # No idle stop: the window runs whatever is streamed.
    assert cost.channel_hours(ScheduleSettings(**EVENINGS), UsageSettings(streamed_hours_per_month=75)) == pytest.approx(
        scheduled
    )


def test_channel_hours_with_idle_stop_is_streamed_plus_the_idle_window_capped_by_the_schedule() -> None:
    schedule = ScheduleSettings(**EVENINGS, idle_stop_minutes=20)
    broadcasts = cost.broadcasts_per_month(schedule)
    assert broadcasts == pytest.approx(365 / 12)
    overrun = (20 + cost.IDLE_CHECK_INTERVAL_MINUTES / 2) / 60
    assert cost.channel_hours(schedule, UsageSettings(streamed_hours_per_month=75)) == pytest.approx(75 + broadcasts * overrun)
    scheduled = cost.channel_hours(ScheduleSettings(**EVENINGS), UsageSettings())
    assert cost.channel_hours(schedule, UsageSettings(streamed_hours_per_month=119)) == pytest.approx(scheduled)


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


def test_firings_per_month_of_any_expression() -> None:
    assert cost.firings_per_month("cron(0 19 * * ? *)", "Asia/Seoul") == pytest.approx(365 / 12)
    assert cost.firings_per_month("rate(5 minutes)") == pytest.approx(730 * 60 / 5)
    assert cost.firings_per_month("at(2026-05-01T19:00:00)") == 1
    assert cost.firings_per_month("cron(0 19 * *)") == cost.firings_per_month(None) == 0  # unreadable: nothing
    assert cost.firings_per_month("cron(0 19 * * ? *)", "Mars/Olympus") == cost.firings_per_month("cron(0 19 * * ? *)")
