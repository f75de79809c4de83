"""`livestream status`: per channel its state, input per pipeline, run time and cost today; CDN
requests in the last minutes; alarms in ALARM. Read-only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from livestream import cost
from livestream.ops import channels, metrics
from livestream.ops.aws import Aws
from livestream.ops.outputs import StackOutputs

HOURS = 3600.0


@dataclass(frozen=True)
class ChannelStatus:
    name: str
    channel_id: str
    state: str
    pipelines_running: int
    inputs: tuple[metrics.PipelineInput, ...]
    minutes_today: int
    cost_today_usd: float | None
    started_by: str | None
    started_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": self.name,
            "channelId": self.channel_id,
            "state": self.state,
            "pipelinesRunning": self.pipelines_running,
            "input": {p.pipeline: {"arriving": p.arriving, "maxFps": p.max_fps, "summary": p.summary} for p in self.inputs},
            "minutesToday": self.minutes_today,
            "costTodayUsd": self.cost_today_usd,
            "startedBy": self.started_by,
            "startedAt": self.started_at,
        }


def start_of_day(now: datetime, timezone: str | None) -> datetime:
    """Midnight in the stack's schedule timezone (the operators' day), else UTC, as a UTC time."""
    try:
        zone = ZoneInfo(timezone) if timezone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return now.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)


def _started_minutes(channel: channels.Channel, since: datetime, now: datetime) -> int:
    """Minutes since the start tag, for a channel running now whose metrics lag behind."""
    if channel.state not in channels.BILLED or channels.STARTED_AT not in channel.tags:
        return 0
    try:
        started = datetime.fromisoformat(channel.tags[channels.STARTED_AT])
    except ValueError:
        return 0
    return max(0, int((now - max(started, since)).total_seconds() // 60))


def cost_of_run(region: str, channel: channels.Channel, hours: float, prices_path: str | None = None) -> float | None:
    """What `hours` of this channel cost at the plan's prices (livestream.cost): encoding only,
    since delivery is priced per viewer GB. None when the price table has no figures for the region."""
    if not channel.renditions:
        return None
    try:
        prices = cost.load_prices(region, prices_path)
        usage = cost.Usage(
            region=region,
            channels=(
                cost.ChannelUsage(
                    name=channel.name,
                    pipeline=channel.channel_class,
                    input_resolution=channel.input_resolution,
                    renditions=channel.renditions,
                    hours_per_month=min(hours, cost.MAX_HOURS_PER_MONTH),
                ),
            ),
        )
        return round(cost.estimate(usage, prices).item("MediaLive channels").monthly_usd, 2)
    except (KeyError, ValueError):
        return None


def channel_status(
    aws: Aws, outputs: StackOutputs, name: str, now: datetime, since: datetime, prices_path: str | None = None
) -> ChannelStatus:
    channel = channels.describe(aws, outputs, name)
    running = channel.state in channels.BILLED
    inputs = tuple(metrics.input_per_pipeline(aws, channel.channel_id, channel.pipelines, now)) if running else ()
    minutes = max(
        metrics.minutes_running(aws, channel.channel_id, channel.pipelines, since, now),
        _started_minutes(channel, since, now),
    )
    return ChannelStatus(
        name=name,
        channel_id=channel.channel_id,
        state=channel.state,
        pipelines_running=channel.pipelines_running if running else 0,
        inputs=inputs,
        minutes_today=minutes,
        cost_today_usd=cost_of_run(aws.region, channel, minutes * 60 / HOURS, prices_path),
        started_by=channel.tags.get(channels.STARTED_BY) if running else None,
        started_at=channel.tags.get(channels.STARTED_AT) if running else None,
    )


def status(aws: Aws, outputs: StackOutputs, *, now: datetime | None = None, prices_path: str | None = None) -> dict[str, Any]:
    """The whole platform's status as one JSON-ready document."""
    now = now or datetime.now(UTC)
    since = start_of_day(now, outputs.schedule_timezone)
    rows = [channel_status(aws, outputs, name, now, since, prices_path) for name in sorted(outputs.channel_ids)]
    alarms = metrics.describe_alarms(aws, outputs.alarm_names)
    firing = sorted(
        (
            {"alarm": name, "region": a["Region"], "reason": a.get("StateReason", "")}
            for name, a in alarms.items()
            if a.get("StateValue") == "ALARM"
        ),
        key=lambda a: a["alarm"],
    )
    return {
        "region": aws.region,
        "at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "todaySince": since.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "todayTimezone": outputs.schedule_timezone or "UTC",
        "channels": [r.as_dict() for r in rows],
        "cdnRequestsLast5Min": metrics.cdn_requests(aws, outputs.distribution_id, now) if outputs.distribution_id else None,
        "alarmsInAlarm": firing,
        "alarmsKnown": bool(outputs.alarm_names),
    }


def render(document: dict[str, Any]) -> str:
    lines = [f"Platform in {document['region']} at {document['at']} (today = since midnight {document['todayTimezone']})"]
    for row in document["channels"]:
        lines.append(f"  {row['channel']} ({row['channelId']}): {row['state']}")
        if row["startedBy"]:
            lines.append(f"    started by {row['startedBy']} at {row['startedAt']}")
        lines += [f"    input pipeline {pipeline}: {seen['summary']}" for pipeline, seen in row["input"].items()]
        cost_text = (
            "unknown (no price figures for this channel)" if row["costTodayUsd"] is None else f"${row['costTodayUsd']:.2f}"
        )
        lines.append(f"    ran today: {row['minutesToday']} min, encoding cost at the plan's prices: {cost_text}")
    requests = document["cdnRequestsLast5Min"]
    lines.append(f"  CDN requests, last 5 min: {'no data' if requests is None else requests}")
    if not document["alarmsKnown"]:
        lines.append("  alarms: the outputs have no alarmNames export (redeploy to add it)")
    elif document["alarmsInAlarm"]:
        lines.append(f"  alarms in ALARM ({len(document['alarmsInAlarm'])}):")
        lines += [f"    {a['alarm']} ({a['region']}): {a['reason']}" for a in document["alarmsInAlarm"]]
    else:
        lines.append("  alarms in ALARM: none")
    return "\n".join(lines)
