"""Start, stop, report on and idle-stop MediaLive channels (the control-function contract below).

Runs alone in AWS Lambda: imports only the standard library and boto3/botocore.

Environment: CHANNEL_IDS (comma-separated MediaLive channel ids), TOPIC_ARN, IDLE_MINUTES.
Event: {"action": "start" | "stop" | "status" | "stop-if-idle" | "notify-if-running", "channelIds": [...]?}.
Result: {"action": ..., "channels": [{"channelId", "state", "changed", "reason"?}]} or {"action": ..., "error": ...}.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

NAMESPACE = "AWS/MediaLive"
METRIC = "InputVideoFrameRate"
PERIOD_SECONDS = 60
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
    return Request(
        action=action,
        channel_ids=_narrow(configured, event.get("channelIds")),
        topic_arn=_topic_arn(action),
        idle_minutes=_idle_minutes(action),
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


# --- actions --------------------------------------------------------------------------------


def _on_each_channel(act_on_one: Callable[[Any, str], dict[str, Any]]) -> Callable[[Request], dict[str, Any]]:
    """An action that applies `act_on_one(medialive, channel_id)` to every requested channel."""

    def action(request: Request) -> dict[str, Any]:
        medialive = _client("medialive")
        return _respond(request, _each(request, lambda cid: act_on_one(medialive, cid)))

    return action


def _stop_if_idle(request: Request) -> dict[str, Any]:
    medialive, cloudwatch = _client("medialive"), _client("cloudwatch")
    start, end = _window(request.idle_minutes, datetime.now(UTC))
    results = _each(request, lambda cid: _stop_one_if_idle(medialive, cloudwatch, cid, start, end))
    stopped = [r for r in results if r["changed"]]
    response = _respond(request, results)
    if stopped:
        subject = _subject("stopped idle channel", stopped)
        lines = [f"{r['channelId']}: {r['reason']}" for r in stopped]
        body = f"Stopped {len(stopped)} MediaLive channel(s) that received no video from {_span(start, end)}:\n" + "\n".join(
            lines
        )
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


def _start_one(medialive: Any, channel_id: str) -> dict[str, Any]:
    state = _describe(medialive, channel_id)["State"]
    if state in RUNNING_STATES:
        return _result(channel_id, state, False, f"already {state}")
    if state != "IDLE":
        return _result(channel_id, state, False, f"cannot start a channel that is {state}; it must be IDLE")
    return _result(channel_id, medialive.start_channel(ChannelId=channel_id)["State"], True)


def _stop_one(medialive: Any, channel_id: str) -> dict[str, Any]:
    state = _describe(medialive, channel_id)["State"]
    if state in STOPPED_STATES:
        return _result(channel_id, state, False, f"already {state}")
    if state not in RUNNING_STATES:
        return _result(channel_id, state, False, f"cannot stop a channel that is {state}")
    return _result(channel_id, medialive.stop_channel(ChannelId=channel_id)["State"], True)


def _stop_one_if_idle(medialive: Any, cloudwatch: Any, channel_id: str, start: datetime, end: datetime) -> dict[str, Any]:
    channel = _describe(medialive, channel_id)
    state = channel["State"]
    if state != "RUNNING":
        return _result(channel_id, state, False, f"not RUNNING ({state}); only a running channel can be idle")
    pipelines = _pipelines(channel)
    series = _frame_rates(cloudwatch, channel_id, pipelines, start, end)
    busy = _not_idle_reasons(series, start, end)
    if busy:
        return _result(channel_id, state, False, "not idle: " + "; ".join(busy))
    new_state = medialive.stop_channel(ChannelId=channel_id)["State"]
    reason = f"idle: {METRIC} was 0 every minute from {_span(start, end)} on pipeline(s) {', '.join(pipelines)}"
    return _result(channel_id, new_state, True, reason)


def _pipelines(channel: dict[str, Any]) -> list[str]:
    """Pipeline ids from the channel class (STANDARD = 2), plus any that PipelineDetails names."""
    count = 1 if channel.get("ChannelClass") == "SINGLE_PIPELINE" else 2
    ids = {str(i) for i in range(count)}
    ids.update(str(d["PipelineId"]) for d in channel.get("PipelineDetails") or [] if d.get("PipelineId") is not None)
    return sorted(ids)


# --- actions by name -----------------------------------------------------------------------

_ACTIONS: dict[str, Callable[[Request], dict[str, Any]]] = {
    "start": _on_each_channel(_start_one),
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


def _frame_rates(
    cloudwatch: Any, channel_id: str, pipelines: list[str], start: datetime, end: datetime
) -> dict[str, dict[datetime, float]]:
    """Per pipeline, the per-minute Maximum of InputVideoFrameRate keyed by the minute's start."""
    query_ids = {f"pipeline{i}": pipeline for i, pipeline in enumerate(pipelines)}
    queries = [_query(qid, channel_id, pipeline) for qid, pipeline in query_ids.items()]
    series: dict[str, dict[datetime, float]] = {pipeline: {} for pipeline in pipelines}
    kwargs: dict[str, Any] = {"MetricDataQueries": queries, "StartTime": start, "EndTime": end, "ScanBy": "TimestampAscending"}
    while True:
        page = cloudwatch.get_metric_data(**kwargs)
        for result in page["MetricDataResults"]:
            points = series[query_ids[result["Id"]]]
            points.update(zip((_minute(t) for t in result["Timestamps"]), result["Values"], strict=True))
        if not page.get("NextToken"):
            return series
        kwargs["NextToken"] = page["NextToken"]


def _query(query_id: str, channel_id: str, pipeline: str) -> dict[str, Any]:
    # Dimension order ChannelId then Pipeline: AWS ignores it; moto's matcher needs it to match put_metric_data.
    dimensions = [{"Name": "ChannelId", "Value": channel_id}, {"Name": "Pipeline", "Value": pipeline}]
    metric = {"Namespace": NAMESPACE, "MetricName": METRIC, "Dimensions": dimensions}
    return {"Id": query_id, "MetricStat": {"Metric": metric, "Period": PERIOD_SECONDS, "Stat": "Maximum"}, "ReturnData": True}


def _minute(timestamp: datetime) -> datetime:
    return timestamp.astimezone(UTC).replace(second=0, microsecond=0)


def _not_idle_reasons(series: dict[str, dict[datetime, float]], start: datetime, end: datetime) -> list[str]:
    """Why the channel is not provably idle; empty when every pipeline has 0 for every minute."""
    minutes = int((end - start).total_seconds() // 60)
    expected = {start + timedelta(minutes=i) for i in range(minutes)}
    return [reason for pipeline, points in series.items() if (reason := _pipeline_reason(pipeline, points, expected))]


def _pipeline_reason(pipeline: str, points: dict[datetime, float], expected: set[datetime]) -> str:
    covered = expected & points.keys()
    if not covered:
        return f"pipeline {pipeline} has no {METRIC} datapoints in the window"
    peak = max(points[m] for m in covered)
    if peak > 0:
        return f"pipeline {pipeline} received video (up to {peak:g} fps)"
    if covered != expected:
        return f"pipeline {pipeline} has datapoints for {len(covered)} of {len(expected)} minutes (started inside the window?)"
    return ""


# --- helpers --------------------------------------------------------------------------------


def _client(service: str) -> Any:
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
