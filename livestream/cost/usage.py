"""What a platform uses per month: channels and their hours, viewing, and the separately billed resources.

Hours come from validated settings (`usage_from_settings`, with `channel_hours` from the schedule
and usage assumptions: see the `livestream.cost` docstring); `livestream.cost.from_wire` reads the
same `Usage` from any program's resources.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from livestream.model import ladder as ladders
from livestream.model.settings import ChannelSettings, ScheduleSettings, Settings, UsageSettings

HOURS_PER_MONTH = 730.0
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
GB = 2**30
MAX_HOURS_PER_MONTH = 744.0

# Usage-shape assumptions that `channel_hours` and `usage_from_settings` need before any price
# table is loaded. They mirror livestream/components/scheduler.py (rate(5 minutes) idle check, daily notice).
BROADCASTS_PER_MONTH = 30  # channels started by hand: one broadcast a day (scheduled ones are counted)
SCHEDULE_YEAR = 2026  # the year whose calendar months schedules are averaged over
IDLE_CHECK_INTERVAL_MINUTES = 5
PUSH_INPUTS_PER_CHANNEL = 1  # RTMP push or SRT listener: both are push inputs
RECORDING_SWEEP_HOURS = 1  # livestream/components/recordings.py SWEEP: rate(1 hour)
HARVEST_NOTICES_PER_BROADCAST = 2  # assumption: a harvest job reports its start and its end

PIPELINES = ("SINGLE_PIPELINE", "STANDARD")
RESOLUTIONS = ladders.INPUT_RESOLUTIONS  # MediaLive's price classes, of inputs and of outputs alike
VIEWER_REGION_ALIASES = {"us": "us_europe", "europe": "us_europe", "us-europe": "us_europe", "eu": "us_europe"}
# The CloudFront price group whose edges most likely serve viewers of a platform in this region.
REGION_VIEWERS = {"ap-northeast-2": "korea", "ap-northeast-1": "japan", "ap-northeast-3": "japan", "ap-south-1": "india"}


@dataclass(frozen=True)
class ChannelUsage:
    name: str
    pipeline: str  # "SINGLE_PIPELINE" | "STANDARD"
    input_resolution: str  # "SD" | "HD" | "UHD"
    renditions: tuple[tuple[int, int, int], ...]  # (width, height, video_bitrate_bps)
    hours_per_month: float
    audio_bps: int = ladders.AUDIO_BITRATE_BPS  # per rendition, pushed with its video (0 to count video only)

    @property
    def pipelines(self) -> int:
        return 2 if self.pipeline == "STANDARD" else 1

    @property
    def total_bitrate_bps(self) -> int:
        """Video plus the ladder's per-rendition audio, as MediaLive pushes it to the packager."""
        return sum(bps + self.audio_bps for _, _, bps in self.renditions)

    @property
    def top_bitrate_bps(self) -> int:
        """The archived rendition (the ladder's top rung) with its audio."""
        _, _, bps = max(self.renditions, key=lambda r: (r[1], r[2]))
        return bps + self.audio_bps

    @classmethod
    def from_channel(cls, channel: ChannelSettings, hours_per_month: float) -> ChannelUsage:
        return cls(
            name=channel.name,
            pipeline=channel.pipeline,
            input_resolution=channel.input_resolution,
            renditions=tuple((r.width, r.height, r.video_bitrate_bps) for r in channel.ladder),
            hours_per_month=hours_per_month,
        )


@dataclass(frozen=True)
class RecordingUsage:
    """Broadcast recordings (MediaPackage v2 harvests into S3): how much is written and how long it is kept."""

    gb_per_month: float  # every rung of every broadcast, one copy whatever the pipelines
    objects_per_month: float  # media segments (one per track per segment) and playlists the harvester writes
    expire_after_days: int | None = 365
    glacier_after_days: int | None = 30  # to Glacier Instant Retrieval (still playable)


@dataclass(frozen=True)
class Usage:
    region: str
    channels: tuple[ChannelUsage, ...]
    viewer_hours_per_month: float = 0.0
    watched_kbps: float = 1500.0  # average bitrate a viewer pulls
    viewer_region: str = "korea"  # which CloudFront price group the viewers are in
    archive_retention_days: int | None = 365
    glacier_after_days: int | None = 30
    alarms: int = 0
    dashboards: int = 0
    budgets: int = 0
    secrets: int = 0
    kms_keys: int = 0
    scheduler_invocations_per_month: int = 0
    lambda_invocations_per_month: int = 0
    recordings: RecordingUsage | None = None

    @property
    def viewer_gb(self) -> float:
        return self.viewer_hours_per_month * 3600 * self.watched_kbps * 1000 / 8 / GB


def _scheduled_hours(schedule: ScheduleSettings) -> float:
    if schedule.start is None or schedule.stop is None:
        return HOURS_PER_MONTH
    from livestream.model import cron  # imported here: only schedules with a start and a stop need it

    return float(cron.monthly_channel_hours(schedule.start, schedule.stop, schedule.timezone, year=SCHEDULE_YEAR))


@lru_cache(maxsize=64)
def _monthly_fires(expression: str, timezone: str) -> float:
    """Average fires per calendar month of SCHEDULE_YEAR, in the schedule's timezone."""
    from livestream.model import cron

    zone = zoneinfo.ZoneInfo(timezone)
    start, end = datetime(SCHEDULE_YEAR, 1, 1, tzinfo=zone), datetime(SCHEDULE_YEAR + 1, 1, 1, tzinfo=zone)
    return len(cron.fire_times(expression, timezone, start, end)) / 12


def broadcasts_per_month(schedule: ScheduleSettings) -> float:
    """Scheduled starts per month; a channel started by hand is assumed to broadcast once a day."""
    if schedule.start is None:
        return float(BROADCASTS_PER_MONTH)
    return _monthly_fires(schedule.start, schedule.timezone)


def channel_hours(settings: ScheduleSettings, usage: UsageSettings) -> float:
    """Hours a channel runs per month under the schedule and usage assumptions (module docstring)."""
    scheduled = _scheduled_hours(settings)
    streamed = usage.streamed_hours_per_month
    if streamed is None:
        return scheduled
    if settings.idle_stop_minutes is not None:
        overrun_hours = (settings.idle_stop_minutes + IDLE_CHECK_INTERVAL_MINUTES / 2) / 60
        return min(scheduled, streamed + broadcasts_per_month(settings) * overrun_hours)
    if settings.start is not None and settings.stop is not None:
        return scheduled
    return min(streamed, MAX_HOURS_PER_MONTH)


def scheduler_invocations(schedule: ScheduleSettings) -> int:
    """Schedule firings per month (start, stop, idle check, daily notice); each invokes the control function."""
    firings = 0.0
    if schedule.start is not None:
        firings += _monthly_fires(schedule.start, schedule.timezone)
    if schedule.stop is not None:
        firings += _monthly_fires(schedule.stop, schedule.timezone)
    if schedule.idle_stop_minutes is not None:
        firings += HOURS_PER_MONTH * 60 / IDLE_CHECK_INTERVAL_MINUTES
    if schedule.running_notice_hour is not None:
        firings += DAYS_PER_MONTH
    return round(firings)


def viewer_region_near(price_classes: Iterable[Any], region: str) -> str:
    """PriceClass_100 serves everyone from North America / Europe edges, billed at that rate;
    otherwise viewers are assumed to be near the platform's region."""
    if "PriceClass_100" in price_classes:
        return "us_europe"
    return REGION_VIEWERS.get(region, "us_europe")


def viewer_region_for(settings: Settings) -> str:
    return viewer_region_near((settings.cdn.price_class,), settings.region)


def usage_from_settings(
    settings: Settings, *, alarms: int = 0, dashboards: int = 1, budgets: int = 0, kms_keys: int = 0
) -> Usage:
    """The usage a validated platform implies; alarm, dashboard, budget and key counts come from the caller."""
    hours = channel_hours(settings.schedule, settings.usage)
    watched = settings.usage.watched_kbps
    if watched is None:
        watched = max(ladders.top(c.ladder).total_bitrate_bps for c in settings.channels) / 1000
    invocations = scheduler_invocations(settings.schedule)
    return Usage(
        region=settings.region,
        channels=tuple(ChannelUsage.from_channel(c, hours) for c in settings.channels),
        viewer_hours_per_month=settings.usage.viewer_hours_per_month,
        watched_kbps=float(watched),
        viewer_region=viewer_region_for(settings),
        archive_retention_days=settings.archive.expire_after_days,
        glacier_after_days=settings.archive.glacier_after_days,
        alarms=alarms,
        dashboards=dashboards,
        budgets=budgets,
        secrets=sum(1 for c in settings.channels if c.ingest.protocol == "srt"),
        kms_keys=kms_keys,
        scheduler_invocations_per_month=invocations,
        lambda_invocations_per_month=invocations + recording_invocations(settings),
        recordings=recording_usage(settings, hours),
    )


def recording_usage(settings: Settings, hours_per_month: float) -> RecordingUsage | None:
    """What the recordings write per month when every running hour is harvested (an upper bound: the harvest
    starts at the first video): each rung with its audio once, one object per track per segment plus playlists."""
    if not settings.recordings.enabled:
        return None
    gb = sum(sum(r.total_bitrate_bps for r in c.ladder) * hours_per_month * 3600 / 8 / GB for c in settings.channels)
    objects = sum(hours_per_month * 3600 / c.segment_seconds * (len(c.ladder) + 1) + len(c.ladder) + 2 for c in settings.channels)
    return RecordingUsage(
        gb_per_month=gb,
        objects_per_month=objects,
        expire_after_days=settings.recordings.expire_after_days,
        glacier_after_days=settings.recordings.glacier_after_days,
    )


def recording_invocations(settings: Settings) -> int:
    """The indexer's runs: the hourly sweep, and per broadcast a start and a stop per pipeline plus harvest notices."""
    if not settings.recordings.enabled:
        return 0
    events = sum(2 * c.pipeline_count + HARVEST_NOTICES_PER_BROADCAST for c in settings.channels)
    return round(HOURS_PER_MONTH / RECORDING_SWEEP_HOURS + broadcasts_per_month(settings.schedule) * events)


def firings_per_month(expression: Any, timezone: str = "UTC") -> float:
    """Average monthly firings of an EventBridge Scheduler expression in `timezone` (`livestream.model.cron`, over
    SCHEDULE_YEAR). A one-time at() fires once; an expression the parser refuses counts nothing, an
    unknown timezone counts in UTC."""
    text = str(expression or "").strip()
    if text.startswith("at("):
        return 1.0
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone = "UTC"
    try:
        return _monthly_fires(text, timezone)
    except ValueError:
        return 0.0
