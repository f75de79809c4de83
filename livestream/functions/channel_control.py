"""Start, stop, report on and idle-stop MediaLive channels (the control-function contract below).

Runs alone in AWS Lambda: imports only the standard library and boto3/botocore.

Environment: CHANNEL_IDS (comma-separated MediaLive channel ids), TOPIC_ARN, IDLE_MINUTES, and
optionally BROADCASTER_WAIT_MINUTES and MAX_RUN_HOURS (the stop-if-idle rules below).
Event: {"action": "start" | "stop" | "status" | "stop-if-idle" | "notify-if-running", "channelIds": [...]?,
"source": "schedule"?}. Result: {"action": ..., "channels": [{"channelId", "state", "changed", "reason"?}]}
or {"action": ..., "error": ...}.

Who started a channel: a start that changes an IDLE channel tags its ARN with
livestream:started-by = schedule (the event says "source": "schedule") or manual (anything else), and
livestream:started-at = the ISO 8601 UTC time. A tag older than the channel's current run is stale
and counts as manual.

stop-if-idle, per RUNNING channel (facts from AWS/MediaLive, ChannelId + Pipeline, 1-minute data):
- "running" is proven by ActiveAlerts datapoints, which exist whenever a channel runs ("meaning of no
  datapoints: the channel isn't running", https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-global.html);
- "no video" holds when InputVideoFrameRate is 0 or absent (no AWS page says which a running channel
  without input publishes);
- MAX_RUN_HOURS stops a channel that has run that long, whatever its video;
- a channel started by its schedule that has received no video yet waits for its broadcaster (until the
  scheduled stop, or BROADCASTER_WAIT_MINUTES after it started);
- any other channel - started by hand, or video came and went - is stopped when it ran all of the last
  IDLE_MINUTES without video; with no ActiveAlerts datapoints nothing is proven and it keeps running.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

NAMESPACE = "AWS/MediaLive"
METRIC = "InputVideoFrameRate"
RUNNING_METRIC = "ActiveAlerts"  # has datapoints whenever the channel runs (MediaLive UG, global metrics)
PERIOD_SECONDS = 60
STARTED_BY = "livestream:started-by"
STARTED_AT = "livestream:started-at"
STARTED_AT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # ISO 8601 UTC, as the tag contract writes it
SCHEDULE, MANUAL = "schedule", "manual"
SOURCES = (SCHEDULE, MANUAL)
# A run's first ActiveAlerts minute follows its StartChannel call by the time the channel takes to
# start (a minute or two); a started-at tag further back than this belongs to an earlier run.
START_GRACE_MINUTES = 15
LOOKBACK_HOURS = 24  # how far back the run's start and its first video are looked for (at least)
MAX_RUN_HOURS_LIMIT = 168
# CloudWatch makes a minute's datapoint visible a little after the minute ends, so the idle window
# ends this many whole minutes before now; otherwise the newest minute would never be covered.
METRIC_DELAY_MINUTES = 2
RUNNING_STATES = ("STARTING", "RUNNING", "RECOVERING")  # billed states
STOPPED_STATES = ("IDLE", "STOPPING")
RETRY = Config(retries={"mode": "adaptive", "max_attempts": 8})
AWS_ERRORS = (ClientError, BotoCoreError)


class EventError(ValueError):
    """The event or the function's environment cannot be acted on."""


@dataclass(frozen=True)
class Request:
    action: str
    channel_ids: tuple[str, ...]
    topic_arn: str
    idle_minutes: int
    source: str = MANUAL
    wait_minutes: int | None = None  # BROADCASTER_WAIT_MINUTES: cap on a scheduled start's wait
    max_run_hours: int | None = None


# --- entry point ----------------------------------------------------------------------------


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point: never raises; problems come back as an "error" or a per-channel "reason"."""
    action = event.get("action") if isinstance(event, dict) else None
    try:
        request = _request(event)
    except EventError as error:
        _log(action=action, error=str(error))
        return {"action": action, "error": str(error)}
    return _ACTIONS[request.action](request)


def _request(event: Any) -> Request:
    if not isinstance(event, dict):
        raise EventError(f"the event must be a JSON object such as {{'action': 'status'}}; allowed actions: {_allowed()}")
    action = event.get("action")
    if action not in ACTIONS:
        raise EventError(f"unknown action {action!r}; allowed actions: {_allowed()}")
    configured = _configured_ids()
    source = event.get("source", MANUAL)
    if source not in SOURCES:
        raise EventError(f"source {source!r} is not known; use 'schedule' (the scheduled start) or omit it (manual)")
    return Request(
        action=action,
        channel_ids=_narrow(configured, event.get("channelIds")),
        topic_arn=_topic_arn(action),
        idle_minutes=_idle_minutes(action),
        source=source,
        wait_minutes=_optional_whole("BROADCASTER_WAIT_MINUTES", 1, 1440) if action == "stop-if-idle" else None,
        max_run_hours=_optional_whole("MAX_RUN_HOURS", 1, MAX_RUN_HOURS_LIMIT) if action == "stop-if-idle" else None,
    )


def _allowed() -> str:
    return ", ".join(ACTIONS)


def _configured_ids() -> tuple[str, ...]:
    ids = tuple(dict.fromkeys(part.strip() for part in os.environ.get("CHANNEL_IDS", "").split(",") if part.strip()))
    if not ids:
        raise EventError("the CHANNEL_IDS environment variable is empty; set it to comma-separated MediaLive channel ids")
    return ids


def _narrow(configured: tuple[str, ...], requested: Any) -> tuple[str, ...]:
    if requested is None:
        return configured
    if not isinstance(requested, list) or not requested or not all(isinstance(i, str) for i in requested):
        raise EventError("channelIds must be a non-empty list of channel id strings; omit it to act on every channel")
    unknown = [i for i in requested if i not in configured]
    if unknown:
        raise EventError(f"channelIds {unknown} are not controlled by this function; known channel ids: {list(configured)}")
    return tuple(dict.fromkeys(requested))


def _topic_arn(action: str) -> str:
    topic = os.environ.get("TOPIC_ARN", "")
    if not topic and action in ("stop-if-idle", "notify-if-running"):
        raise EventError(f"action {action!r} needs the TOPIC_ARN environment variable (the SNS topic for notices)")
    return topic


def _idle_minutes(action: str) -> int:
    raw = os.environ.get("IDLE_MINUTES", "")
    if action != "stop-if-idle":
        return 0
    if not raw.strip().isdigit() or not 1 <= int(raw) <= 1440:
        raise EventError(f"IDLE_MINUTES must be a whole number of minutes from 1 to 1440, got {raw!r}")
    return int(raw)


def _optional_whole(name: str, low: int, high: int) -> int | None:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise EventError(f"{name} must be a whole number from {low} to {high}, or unset; got {raw!r}")
    return int(raw)


# --- actions --------------------------------------------------------------------------------


def _on_each_channel(act_on_one: Callable[[Any, str], dict[str, Any]]) -> Callable[[Request], dict[str, Any]]:
    """An action that applies `act_on_one(medialive, channel_id)` to every requested channel."""

    def action(request: Request) -> dict[str, Any]:
        medialive = _client("medialive")
        return _respond(request, _each(request, lambda cid: act_on_one(medialive, cid)))

    return action


def _start(request: Request) -> dict[str, Any]:
    medialive = _client("medialive")
    return _respond(request, _each(request, lambda cid: _start_one(medialive, cid, request.source)))


def _stop_if_idle(request: Request) -> dict[str, Any]:
    medialive, cloudwatch = _client("medialive"), _client("cloudwatch")
    now = datetime.now(UTC)
    start, end = _window(request.idle_minutes, now)
    results = _each(request, lambda cid: _stop_one_if_idle(medialive, cloudwatch, cid, request, now))
    stopped = [r for r in results if r["changed"]]
    response = _respond(request, results)
    if stopped:
        subject = _subject("stopped idle channel", stopped)
        lines = [f"{r['channelId']}: {r['reason']}" for r in stopped]
        body = f"Stopped {len(stopped)} MediaLive channel(s) (idle window {_span(start, end)}):\n" + "\n".join(lines)
        response["notified"] = _publish(request.topic_arn, subject, body)
    return response


def _notify_if_running(request: Request) -> dict[str, Any]:
    medialive = _client("medialive")
    results = _each(request, lambda cid: _status_one(medialive, cid))
    running = [r for r in results if r["state"] in RUNNING_STATES]
    response = _respond(request, running + [r for r in results if r["state"] == "UNKNOWN"])
    response["notified"] = False
    if running:
        lines = [f"{r['channelId']}: {r['state']}" for r in running]
        body = f"{len(running)} MediaLive channel(s) are running and billed per minute:\n" + "\n".join(lines)
        response["notified"] = _publish(request.topic_arn, _subject("still running", running), body)
    return response


# --- one channel ----------------------------------------------------------------------------


def _status_one(medialive: Any, channel_id: str) -> dict[str, Any]:
    return _result(channel_id, _describe(medialive, channel_id)["State"], False)


def _start_one(medialive: Any, channel_id: str, source: str = MANUAL) -> dict[str, Any]:
    """Start an IDLE channel and tag who started it and when (the brief's tag contract)."""
    channel = _describe(medialive, channel_id)
    state = channel["State"]
    if state in RUNNING_STATES:
        return _result(channel_id, state, False, f"already {state}")
    if state != "IDLE":
        return _result(channel_id, state, False, f"cannot start a channel that is {state}; it must be IDLE")
    new_state = medialive.start_channel(ChannelId=channel_id)["State"]
    started_at = datetime.now(UTC).strftime(STARTED_AT_FORMAT)
    try:
        medialive.create_tags(ResourceArn=channel["Arn"], Tags={STARTED_BY: source, STARTED_AT: started_at})
    except AWS_ERRORS as error:  # started anyway: without the tag the idle check treats it as manual
        return _result(channel_id, new_state, True, f"started; tagging it {source} failed: {error}")
    return _result(channel_id, new_state, True)


def _stop_one(medialive: Any, channel_id: str) -> dict[str, Any]:
    state = _describe(medialive, channel_id)["State"]
    if state in STOPPED_STATES:
        return _result(channel_id, state, False, f"already {state}")
    if state not in RUNNING_STATES:
        return _result(channel_id, state, False, f"cannot stop a channel that is {state}")
    return _result(channel_id, medialive.stop_channel(ChannelId=channel_id)["State"], True)


def _stop_one_if_idle(medialive: Any, cloudwatch: Any, channel_id: str, request: Request, now: datetime) -> dict[str, Any]:
    channel = _describe(medialive, channel_id)
    state = channel["State"]
    if state != "RUNNING":
        return _result(channel_id, state, False, f"not RUNNING ({state}); only a running channel can be idle")
    run = _run_facts(cloudwatch, channel, request, now)
    stop, reason = decide(run, request)
    if not stop:
        return _result(channel_id, state, False, reason)
    return _result(channel_id, medialive.stop_channel(ChannelId=channel_id)["State"], True, reason)


@dataclass(frozen=True)
class RunFacts:
    """What the metrics and tags say about a channel's current run (minutes are UTC minute starts)."""

    now: datetime
    window: tuple[datetime, datetime]  # the last idle minutes CloudWatch has published, [start, end)
    running: frozenset[datetime]  # minutes with ActiveAlerts datapoints on any pipeline
    video: dict[datetime, float]  # minutes with InputVideoFrameRate > 0 on some pipeline: the highest
    began: datetime | None  # when the current run began (its tag, else its first ActiveAlerts minute)
    started_by: str  # schedule | manual


def decide(run: RunFacts, request: Request) -> tuple[bool, str]:
    """The stop-if-idle rules, in order: (stop?, why)."""
    if request.max_run_hours is not None and run.began is not None:
        hours = (run.now - run.began).total_seconds() / 3600
        if hours >= request.max_run_hours:
            ceiling = request.max_run_hours
            return True, f"ran {hours:.1f} h since {run.began:%Y-%m-%d %H:%M} UTC: the maxRunHours ceiling is {ceiling} h"
    video_in_run = any(run.began is None or minute >= run.began for minute in run.video)
    if run.started_by == SCHEDULE and not video_in_run:
        waited = (run.now - run.began).total_seconds() / 60 if run.began else 0
        if request.wait_minutes is not None and waited >= request.wait_minutes:
            cap = request.wait_minutes
            return True, f"started by its schedule; no video in {waited:.0f} min (the wait for the broadcaster is {cap} min)"
        return False, "started by its schedule: waits for its broadcaster until the scheduled stop"
    start, end = run.window
    expected = {start + timedelta(minutes=i) for i in range(int((end - start).total_seconds() // 60))}
    covered = expected & run.running
    if not covered:
        return False, f"no {RUNNING_METRIC} datapoints in {_span(start, end)}: nothing proves it ran, so it keeps running"
    if covered != expected:
        return False, f"{RUNNING_METRIC} covers {len(covered)} of {len(expected)} minutes: it did not run the whole window"
    peak = max((v for m, v in run.video.items() if m in expected), default=0.0)
    if peak > 0:
        return False, f"received video in {_span(start, end)} (up to {peak:g} fps)"
    how = "started by its schedule, video came and went" if run.started_by == SCHEDULE else f"started {run.started_by}"
    return True, f"idle: ran every minute of {_span(start, end)} with {METRIC} 0 or absent ({how})"


def _run_facts(cloudwatch: Any, channel: dict[str, Any], request: Request, now: datetime) -> RunFacts:
    window = _window(request.idle_minutes, now)
    end = window[1]
    lookback = end - timedelta(hours=max(LOOKBACK_HOURS, (request.max_run_hours or 0) + 1))
    series = _series(cloudwatch, channel["Id"], _pipelines(channel), lookback, end)
    running = frozenset(m for (metric, _), points in series.items() if metric == RUNNING_METRIC for m in points)
    video: dict[datetime, float] = {}
    for (metric, _), points in series.items():
        for minute, value in points.items():
            if metric == METRIC and value > 0:
                video[minute] = max(value, video.get(minute, 0.0))
    first = _run_start(running, end, lookback)
    started_by, tagged_at = _tagged_start(channel.get("Tags") or {}, first, lookback)
    return RunFacts(now, window, running, video, tagged_at or first, started_by)


def _run_start(running: frozenset[datetime], end: datetime, lookback: datetime) -> datetime | None:
    """The first minute of the run of ActiveAlerts minutes that reaches the newest published minute."""
    minute = end - timedelta(minutes=1)
    if minute not in running:
        return None
    while minute - timedelta(minutes=1) in running and minute > lookback:
        minute -= timedelta(minutes=1)
    return minute


def _tagged_start(tags: dict[str, str], first: datetime | None, lookback: datetime) -> tuple[str, datetime | None]:
    """(started-by, started-at) from the tags, or (manual, None) when they are missing, malformed or stale."""
    source = tags.get(STARTED_BY)
    try:
        at = datetime.strptime(tags.get(STARTED_AT, ""), STARTED_AT_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return MANUAL, None
    if source not in SOURCES:
        return MANUAL, None
    if first is not None and first > lookback and not _belongs_to_run(at, first):
        return MANUAL, None  # the tag is from an earlier run (or the run has a gap since): stale
    return source, at


def _belongs_to_run(started_at: datetime, first: datetime) -> bool:
    """A start belongs to the run whose first ActiveAlerts minute follows it within the grace.

    `first` is a whole minute, so a tag written inside it (19:00:30 for first = 19:00) belongs too.
    """
    return first - timedelta(minutes=START_GRACE_MINUTES) <= started_at < first + timedelta(minutes=1)


def _pipelines(channel: dict[str, Any]) -> list[str]:
    """Pipeline ids from the channel class (STANDARD = 2), plus any that PipelineDetails names."""
    count = 1 if channel.get("ChannelClass") == "SINGLE_PIPELINE" else 2
    ids = {str(i) for i in range(count)}
    ids.update(str(d["PipelineId"]) for d in channel.get("PipelineDetails") or [] if d.get("PipelineId") is not None)
    return sorted(ids)


# --- actions by name -----------------------------------------------------------------------

_ACTIONS: dict[str, Callable[[Request], dict[str, Any]]] = {
    "start": _start,
    "stop": _on_each_channel(_stop_one),
    "status": _on_each_channel(_status_one),
    "stop-if-idle": _stop_if_idle,
    "notify-if-running": _notify_if_running,
}
ACTIONS = tuple(_ACTIONS)


# --- metrics --------------------------------------------------------------------------------


def _window(idle_minutes: int, now: datetime) -> tuple[datetime, datetime]:
    """[start, end) in whole UTC minutes: the last idle_minutes complete minutes CloudWatch has published."""
    end = now.astimezone(UTC).replace(second=0, microsecond=0) - timedelta(minutes=METRIC_DELAY_MINUTES)
    return end - timedelta(minutes=idle_minutes), end


def _series(
    cloudwatch: Any, channel_id: str, pipelines: list[str], start: datetime, end: datetime
) -> dict[tuple[str, str], dict[datetime, float]]:
    """Per (metric, pipeline), the per-minute Maximum of ActiveAlerts and InputVideoFrameRate."""
    keys = {f"m{i}": (metric, p) for i, (metric, p) in enumerate((m, p) for m in (RUNNING_METRIC, METRIC) for p in pipelines)}
    queries = [_query(qid, channel_id, metric, pipeline) for qid, (metric, pipeline) in keys.items()]
    series: dict[tuple[str, str], dict[datetime, float]] = {key: {} for key in keys.values()}
    kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end, "ScanBy": "TimestampAscending"}
    while True:
        page = cloudwatch.get_metric_data(**kwargs)
        for result in page["MetricDataResults"]:
            points = series[keys[result["Id"]]]
            points.update(zip((_minute(t) for t in result["Timestamps"]), result["Values"], strict=True))
        if not page.get("NextToken"):
            return series
        kwargs["NextToken"] = page["NextToken"]


def _query(query_id: str, channel_id: str, metric_name: str, pipeline: str) -> dict[str, Any]:
    # Dimension order ChannelId then Pipeline: AWS ignores it; moto's matcher needs it to match put_metric_data.
    dimensions = [{"Name": "ChannelId", "Value": channel_id}, {"Name": "Pipeline", "Value": pipeline}]
    metric = {"Namespace": NAMESPACE, "MetricName": metric_name, "Dimensions": dimensions}
    return {"Id": query_id, "MetricStat": {"Metric": metric, "Period": PERIOD_SECONDS, "Stat": "Maximum"}, "ReturnData": True}


def _minute(timestamp: datetime) -> datetime:
    return timestamp.astimezone(UTC).replace(second=0, microsecond=0)


# --- helpers --------------------------------------------------------------------------------


@cache
def _client(service: str) -> Any:
    """One client per service for the execution environment's life: Lambda reuses an environment across
    invocations, and a client made outside the handler is not made again (AWS Lambda Developer Guide,
    "Best practices for working with AWS Lambda functions": initialize SDK clients outside the handler)."""
    return boto3.client(service, config=RETRY)


def _describe(medialive: Any, channel_id: str) -> dict[str, Any]:
    return medialive.describe_channel(ChannelId=channel_id)


def _each(request: Request, act: Callable[[str], dict[str, Any]]) -> list[dict[str, Any]]:
    """Run act on every channel; an AWS error on one channel becomes its reason, not an exception."""
    results = []
    for channel_id in request.channel_ids:
        try:
            result = act(channel_id)
        except AWS_ERRORS as error:
            result = _result(channel_id, "UNKNOWN", False, f"AWS error: {error}")
        _log(action=request.action, **result)
        results.append(result)
    return results


def _result(channel_id: str, state: str, changed: bool, reason: str = "") -> dict[str, Any]:
    result: dict[str, Any] = {"channelId": channel_id, "state": state, "changed": changed}
    if reason:
        result["reason"] = reason
    return result


def _respond(request: Request, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {"action": request.action, "channels": results}


def _publish(topic_arn: str, subject: str, message: str) -> bool:
    try:
        _client("sns").publish(TopicArn=topic_arn, Subject=subject[:100], Message=message)
    except AWS_ERRORS as error:
        _log(action="publish", topicArn=topic_arn, error=str(error))
        return False
    _log(action="publish", topicArn=topic_arn, subject=subject)
    return True


def _subject(what: str, results: list[dict[str, Any]]) -> str:
    ids = ", ".join(r["channelId"] for r in results)
    return f"livestream: {what}: {ids}" if len(results) == 1 else f"livestream: {what}: {len(results)} channels ({ids})"


def _span(start: datetime, end: datetime) -> str:
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC ({int((end - start).total_seconds() // 60)} min)"


def _log(**fields: Any) -> None:
    print(json.dumps(fields, default=str))
