"""Turn every broadcast into a VOD recording and keep `recordings.json` current (README "Recordings").

Runs alone in AWS Lambda: standard library and boto3/botocore only.

When a MediaLive channel stops, MediaPackage v2 harvests [first video, stop] of the channel's
`recording` origin endpoint into `recordings/<channel>/<id>/`
(https://docs.aws.amazon.com/mediapackage/latest/userguide/live-to-vod.html); MediaPackage merges
both pipelines of a STANDARD channel, so each broadcast is one adaptive recording. Triggers:
`MediaLive Channel State Change` (RUNNING opens a run, STOPPED or IDLE closes it,
https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html), and
`MediaPackageV2 HarvestJob Notification` / the hourly `Scheduled Event`, which only make it check
pending runs (GetHarvestJob). `{"action": "reindex"}` rebuilds the index.

State lives in S3 (`state/<channel>/<id>.json` per run, `recording.json` per listed recording);
`recordings.json` is rebuilt from it and written with S3 conditional writes
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html), so repeated events
and concurrent invocations are harmless.

Environment: RECORDINGS_BUCKET, INDEX_BUCKET, PLAYBACK_BASE (https://<distribution domain>),
CHANNELS (JSON: MediaLive channel id -> {name, channelGroup, channel, endpoint, manifest,
segmentSeconds, pipelines, maxHours}), INDEX_KEY (default recordings.json).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

try:  # in Lambda the archive's root holds both files; in the package they are siblings
    from livestream.functions import hls_playlists, medialive_metrics
except ImportError:  # pragma: no cover - the Lambda runtime
    import hls_playlists  # type: ignore[no-redef]
    import medialive_metrics  # type: ignore[no-redef]

PREFIX = "recordings/"  # served by the CDN at https://<domain>/recordings/...
STATE_PREFIX = "state/"  # never served
ENTRY_NAME = "recording.json"
INDEX_KEY = "recordings.json"
MANIFEST = "index"  # the HLS manifest name of the harvested endpoint (packager MANIFEST_NAME)
START_STATES = ("RUNNING",)
STOP_STATES = ("STOPPED", "IDLE")
# A start tag is trusted only when written shortly before the RUNNING event (a start takes ~1-2 min).
TAG_START_SLACK = timedelta(minutes=15)
STARTED_AT_TAG = "livestream:started-at"
INDEX_WRITE_ATTEMPTS = 5
# A run older than this whose channel is idle lost its stop event; younger ones may still be starting.
LOST_STOP_MINUTES = 10
# "No video" needs frame-rate datapoints this close to the stop; earlier ones alone may miss a late arrival.
METRIC_COVERAGE_MINUTES = 2
RETRY = Config(retries={"mode": "adaptive", "max_attempts": 8})
AWS_ERRORS = (ClientError, BotoCoreError)
# A conditional write lost a race (412), collided with a concurrent one (409), or its object went away.
_CONFLICTS = ("PreconditionFailed", "ConditionalRequestConflict", "NoSuchKey")


@dataclass(frozen=True)
class Channel:
    """One recorded channel, as the component describes it in CHANNELS."""

    channel_id: str
    name: str
    channel_group: str
    packager_channel: str
    endpoint: str
    manifest: str
    segment_seconds: int
    pipelines: int
    max_hours: int


# --- entry point ------------------------------------------------------------------------------


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Record what the event says, then finish whatever is pending and refresh the index."""
    event = event if isinstance(event, dict) else {}
    result: dict[str, Any] = {"event": event.get("detail-type") or event.get("action") or "unknown"}
    detail = event.get("detail") if isinstance(event.get("detail"), dict) else {}
    if event.get("detail-type") == "MediaLive Channel State Change":
        result["run"] = on_state_change(detail, _time(event.get("time")))
    result.update(reconcile(force_index=event.get("action") == "reindex"))
    _log(**result)
    return result


def on_state_change(detail: dict[str, Any], at: datetime) -> str:
    channel = channels().get(str(detail.get("channel_arn", "")).rsplit(":", 1)[-1])
    if channel is None:
        return "ignored: not a recorded channel"
    state = detail.get("state")
    if state in START_STATES:
        return open_run(channel, at, str(detail.get("channel_arn")))
    if state in STOP_STATES:
        if int(detail.get("pipelines_running_count") or 0) > 0:
            return "ignored: a pipeline stopped, the channel still runs"
        return close_run(channel, at, str(detail.get("channel_arn")))
    return f"ignored: state {state}"


# --- runs -----------------------------------------------------------------------------------------


def recording_id(started_at: datetime) -> str:
    """A run's id: its start, UTC to the second (sorts by time, valid in S3 keys and harvest job names)."""
    return started_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def recording_prefix(channel: str, started_at: datetime) -> str:
    """Where a broadcast's VOD lands: recordings/<channel>/<id>/ (its playlist: index.m3u8 there)."""
    return f"{PREFIX}{channel}/{recording_id(started_at)}/"


def open_run(channel: Channel, at: datetime, channel_arn: str) -> str:
    """A RUNNING event opens a run unless its time lies in a finished one. Each pipeline of a STANDARD
    channel may report RUNNING: the stop merges every run open before it, so they become one."""
    started = _tagged_start(channel_arn, not_after=at, not_before=at - TAG_START_SLACK) or at
    if _covered(channel, _states(channel), started):
        return "already recorded"
    key = _state_key(channel.name, started)
    state = {"channel": channel.name, "channelId": channel.channel_id, "status": "live", "startedAt": _iso(started)}
    return "opened" if _put_json(_bucket(), key, state, if_none_match=True) else "already open"


def close_run(channel: Channel, at: datetime, channel_arn: str) -> str:
    """A stop closes every open run that started before it (two pipelines' starts merge into one)."""
    runs = _states(channel)
    open_runs = sorted((s["startedAt"], k) for k, s in runs.items() if s["status"] == "live" and _time(s["startedAt"]) <= at)
    if not open_runs:
        started = _tagged_start(channel_arn, not_after=at, not_before=at - timedelta(hours=channel.max_hours))
        if started is None or _covered(channel, runs, started):
            return "ignored: no open run for this stop"
        key = _state_key(channel.name, started)
        state = {"channel": channel.name, "channelId": channel.channel_id, "startedAt": _iso(started)}
        _put_json(_bucket(), key, {**state, "status": "stopped", "endedAt": _iso(at)}, if_none_match=True)
        return "closed (start from the channel's tag)"
    (_, first), *duplicates = open_runs
    _put_json(_bucket(), first, {**runs[first], "status": "stopped", "endedAt": _iso(at)})
    for _, key in duplicates:
        _s3().delete_object(Bucket=_bucket(), Key=key)
    return "closed"


def _covered(channel: Channel, runs: dict[str, dict[str, Any]], at: datetime) -> bool:
    """True when `at` falls inside a closed run or a listed recording of the channel."""
    spans = [(s["startedAt"], s.get("endedAt")) for s in runs.values() if s.get("endedAt")]
    spans += [(e["startedAt"], e["endedAt"]) for e in _entries(channel.name)]
    return any(_time(start) <= at <= _time(end) for start, end in spans)


def _tagged_start(channel_arn: str, *, not_after: datetime, not_before: datetime) -> datetime | None:
    """The `livestream:started-at` tag (brief contract) when it belongs to this run, else None."""
    try:
        tags = _client("medialive").list_tags_for_resource(ResourceArn=channel_arn).get("Tags", {})
        value = _time(tags[STARTED_AT_TAG])
    except (*AWS_ERRORS, KeyError, ValueError, TypeError):
        return None
    return value if not_before <= value <= not_after else None


# --- reconcile: harvest, finish, index ------------------------------------------------------------


def reconcile(*, force_index: bool = False) -> dict[str, Any]:
    """Advance every pending run one step; rebuild the index when a recording appeared or vanished."""
    finished: list[str] = []
    steps: dict[str, str] = {}
    for channel in channels().values():
        for key, state in _states(channel).items():
            outcome = _advance(channel, key, state)
            if outcome:
                steps[key] = outcome
            if outcome == "complete":
                finished.append(key)
    return {"steps": steps, "index": refresh_index(force=force_index or bool(finished))}


def _advance(channel: Channel, key: str, state: dict[str, Any]) -> str | None:
    if state["status"] == "live":
        recovered = recover_lost_stop(channel, key, state)
        if recovered is None:
            return None
        if recovered["status"] != "stopped":
            return str(recovered["status"])
        state = recovered  # harvest it now
    if state["status"] == "stopped":
        return start_harvest(channel, key, state)
    if state["status"] == "harvesting":
        return check_harvest(channel, key, state)
    return None


def recover_lost_stop(channel: Channel, key: str, state: dict[str, Any]) -> dict[str, Any] | None:
    """Close a run whose stop event was lost (EventBridge delivers service events best effort): the channel
    is idle, and its last ActiveAlerts datapoint (published whenever a channel runs: MediaLive UG, global
    metrics) marks the stop. Returns the run's new state, or None while it may still be running."""
    started = _time(state["startedAt"])
    if _now() - started < timedelta(minutes=LOST_STOP_MINUTES):
        return None
    try:
        current = _client("medialive").describe_channel(ChannelId=channel.channel_id).get("State")
    except AWS_ERRORS:
        return None
    if current != "IDLE":
        return None
    last = _last_running_minute(channel, started)
    if last is None:
        reason = "the stop was never seen and the channel left no ActiveAlerts datapoint"
        _finish(key, state, "failed", reason)
        return {**state, "status": "failed", "reason": reason}
    stopped = {**state, "status": "stopped", "endedAt": _iso(last + timedelta(minutes=1)), "reason": "stop recovered"}
    _put_json(_bucket(), key, stopped)
    return stopped


def _last_running_minute(channel: Channel, started: datetime) -> datetime | None:
    times = [t for t, _ in _metric(channel, "ActiveAlerts", started, _now())]
    return max(times) if times else None


def start_harvest(channel: Channel, key: str, state: dict[str, Any]) -> str:
    """Ask MediaPackage for [first video, stop + one segment] of the recording endpoint (24 h at most)."""
    started, ended = _time(state["startedAt"]), _time(state["endedAt"])
    video = _video(channel, started, ended)
    if video.none_seen:
        return _finish(key, state, "empty", "no video arrived while the channel ran")
    first = video.first - timedelta(minutes=1) if video.first else started  # a minute early: datapoints are per minute
    start = max(started, first, ended - timedelta(hours=channel.max_hours))
    end = ended + timedelta(seconds=channel.segment_seconds)  # the last, partial segment
    name = f"{channel.name}-{recording_id(started)}"
    try:
        _client("mediapackagev2").create_harvest_job(
            ChannelGroupName=channel.channel_group,
            ChannelName=channel.packager_channel,
            OriginEndpointName=channel.endpoint,
            Description=f"Broadcast of {channel.name} from {state['startedAt']} to {state['endedAt']}",
            HarvestedManifests={"HlsManifests": [{"ManifestName": channel.manifest}]},
            ScheduleConfiguration={"StartTime": start, "EndTime": end},
            Destination={"S3Destination": {"BucketName": _bucket(), "DestinationPath": recording_prefix(channel.name, started)}},
            HarvestJobName=name,
            ClientToken=name,
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code not in ("ConflictException",):  # Conflict: a concurrent invocation created it
            if code in ("ValidationException", "ResourceNotFoundException", "AccessDeniedException"):
                return _finish(key, state, "failed", f"CreateHarvestJob: {error}")
            return f"retry later: {code}"
    _put_json(_bucket(), key, {**state, "status": "harvesting", "harvestJob": name, "harvestStart": _iso(start)})
    return "harvesting"


def check_harvest(channel: Channel, key: str, state: dict[str, Any]) -> str:
    try:
        job = _client("mediapackagev2").get_harvest_job(
            ChannelGroupName=channel.channel_group,
            ChannelName=channel.packager_channel,
            OriginEndpointName=channel.endpoint,
            HarvestJobName=state["harvestJob"],
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "ResourceNotFoundException":
            _put_json(_bucket(), key, {**state, "status": "stopped"})  # create it again
            return "stopped"
        return f"retry later: {error}"
    status = job.get("Status")
    if status == "COMPLETED":
        return finish_recording(channel, key, state)
    if status in ("FAILED", "CANCELLED"):
        return _finish(key, state, "failed", f"harvest job {status}: {job.get('ErrorMessage', '')}".strip())
    return "harvesting"


def finish_recording(channel: Channel, key: str, state: dict[str, Any]) -> str:
    """Describe the harvested VOD; a harvest without a segment lists nothing."""
    started = _time(state["startedAt"])
    prefix = recording_prefix(channel.name, started)
    objects = _objects(prefix)
    if _video(channel, started, _time(state["endedAt"])).none_seen:  # the metrics are complete by now
        for stale in objects:
            _s3().delete_object(Bucket=_bucket(), Key=stale)
        return _finish(key, state, "empty", "no video arrived while the channel ran (the harvest held only filler)")
    manifest = hls_playlists.multivariant(prefix, objects, channel.manifest, _text)
    duration = hls_playlists.duration(manifest, _text) if manifest else 0.0
    if not duration:
        return _finish(key, state, "empty", "the harvested recording has no segment")
    entry = {
        "channel": channel.name,
        "startedAt": state.get("harvestStart", state["startedAt"]),
        "endedAt": state["endedAt"],
        "durationSeconds": round(duration, 3),
        "hls": f"{os.environ['PLAYBACK_BASE'].rstrip('/')}/{manifest}",
        "bytes": sum(size for k, size in objects.items() if not k.endswith(ENTRY_NAME)),
    }
    _put_json(_bucket(), prefix + ENTRY_NAME, entry)
    _s3().delete_object(Bucket=_bucket(), Key=key)
    return "complete"


def _finish(key: str, state: dict[str, Any], status: str, reason: str) -> str:
    """Keep the run's record (so a repeated event cannot record it again), with why nothing is listed."""
    _put_json(_bucket(), key, {**state, "status": status, "reason": reason})
    return status


@dataclass(frozen=True)
class Video:
    """What InputVideoFrameRate says about a run (1-minute maxima over its pipelines)."""

    first: datetime | None  # the first minute with frames, if any
    none_seen: bool  # datapoints reach the stop and every one is 0: no video arrived


def _video(channel: Channel, started: datetime, ended: datetime) -> Video:
    """No AWS page says what InputVideoFrameRate publishes without input, so 0 and absent are
    both handled: "no video" needs zeros up to the stop (CloudWatch publishes a minute late, so a fresh stop
    may not be covered yet); no datapoints at all prove nothing and the harvest's content decides."""
    points = sorted(_frame_rates(channel, started, ended))
    with_video = [t for t, v in points if v > 0]
    covered = bool(points) and points[-1][0] >= ended - timedelta(minutes=METRIC_COVERAGE_MINUTES)
    return Video(first=with_video[0] if with_video else None, none_seen=covered and not with_video)


def _frame_rates(channel: Channel, started: datetime, ended: datetime) -> list[tuple[datetime, float]]:
    return _metric(channel, "InputVideoFrameRate", started - timedelta(minutes=1), ended + timedelta(minutes=1))


def _metric(channel: Channel, name: str, start: datetime, end: datetime) -> list[tuple[datetime, float]]:
    return medialive_metrics.pipeline_maxima(_client("cloudwatch"), channel.channel_id, channel.pipelines, name, start, end)


# --- the harvested VOD ------------------------------------------------------------------------------


def _objects(prefix: str) -> dict[str, int]:
    """Every object under `prefix` with its size."""
    found: dict[str, int] = {}
    for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=prefix):
        found.update({o["Key"]: o["Size"] for o in page.get("Contents", [])})
    return found


def _text(key: str) -> str:
    try:
        return _s3().get_object(Bucket=_bucket(), Key=key)["Body"].read().decode("utf-8", "replace")
    except AWS_ERRORS:
        return ""


# --- the index --------------------------------------------------------------------------------------


def refresh_index(*, force: bool) -> str:
    """Rewrite recordings.json when forced, missing, corrupt or listing a recording that is gone (expired)."""
    for _ in range(INDEX_WRITE_ATTEMPTS):
        current, etag = _read_index()
        entries = _all_entries()
        if not force and current is not None and current == entries:
            return "unchanged"
        body = {"recordings": entries}
        if _put_json(os.environ["INDEX_BUCKET"], _index_key(), body, if_match=etag, if_none_match=etag is None, index=True):
            return f"written ({len(entries)} recordings)"
    return "conflict: another invocation is writing; the next event retries"


def _read_index() -> tuple[list[dict[str, Any]] | None, str | None]:
    """(entries, ETag); entries is None when the object is missing or not a valid index."""
    try:
        response = _s3().get_object(Bucket=os.environ["INDEX_BUCKET"], Key=_index_key())
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None, None
        raise
    etag = response["ETag"]
    try:
        body = json.loads(response["Body"].read())
    except ValueError:
        return None, etag
    entries = body.get("recordings") if isinstance(body, dict) else None
    return (entries if isinstance(entries, list) else None), etag


def _all_entries() -> list[dict[str, Any]]:
    """Every listed recording of every channel in the bucket, newest first."""
    pages = _s3().get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=PREFIX, Delimiter="/")
    names = [p["Prefix"][len(PREFIX) : -1] for page in pages for p in page.get("CommonPrefixes", [])]
    entries = [e for name in names for e in _entries(name)]
    return sorted(entries, key=lambda e: (e["startedAt"], e["channel"]), reverse=True)


def _entries(channel: str) -> list[dict[str, Any]]:
    """The `recording.json` of each finished recording of `channel`."""
    pages = _s3().get_paginator("list_objects_v2").paginate(Bucket=_bucket(), Prefix=f"{PREFIX}{channel}/", Delimiter="/")
    keys = [p["Prefix"] + ENTRY_NAME for page in pages for p in page.get("CommonPrefixes", [])]
    return [entry for key in keys if (entry := _read_json(key)) is not None]


# --- S3 and configuration ---------------------------------------------------------------------------


def _states(channel: Channel) -> dict[str, dict[str, Any]]:
    keys = _objects(f"{STATE_PREFIX}{channel.name}/")
    return {key: state for key in sorted(keys) if (state := _read_json(key)) is not None and "status" in state}


def _state_key(channel: str, started_at: datetime) -> str:
    return f"{STATE_PREFIX}{channel}/{recording_id(started_at)}.json"


def _read_json(key: str) -> dict[str, Any] | None:
    try:
        value = json.loads(_text(key) or "null")
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _put_json(
    bucket: str, key: str, body: Any, *, if_match: str | None = None, if_none_match: bool = False, index: bool = False
) -> bool:
    """Write JSON; False when a condition failed (someone else wrote first)."""
    extra: dict[str, Any] = {}
    if if_match:
        extra["IfMatch"] = if_match
    elif if_none_match:
        extra["IfNoneMatch"] = "*"
    if index:
        extra["CacheControl"] = "max-age=30"  # the page polls it; the CDN may keep it half a minute
    try:
        _s3().put_object(
            Bucket=bucket, Key=key, Body=json.dumps(body, indent=1).encode(), ContentType="application/json", **extra
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _CONFLICTS:
            return False
        raise
    return True


@cache
def channels() -> dict[str, Channel]:
    raw = json.loads(os.environ.get("CHANNELS", "{}"))
    return {
        channel_id: Channel(
            channel_id=channel_id,
            name=c["name"],
            channel_group=c["channelGroup"],
            packager_channel=c["channel"],
            endpoint=c["endpoint"],
            manifest=c.get("manifest", MANIFEST),
            segment_seconds=int(c.get("segmentSeconds", 4)),
            pipelines=int(c.get("pipelines", 1)),
            max_hours=int(c.get("maxHours", 24)),
        )
        for channel_id, c in raw.items()
    }


def _bucket() -> str:
    return os.environ["RECORDINGS_BUCKET"]


def _index_key() -> str:
    return os.environ.get("INDEX_KEY", INDEX_KEY)


@cache
def _client(service: str) -> Any:
    return boto3.client(service, config=RETRY)


def _s3() -> Any:
    return _client("s3")


def _now() -> datetime:
    return datetime.now(UTC)


def _time(value: Any) -> datetime:
    """An ISO 8601 time (EventBridge's `time`, our own fields); now when absent."""
    if not value:
        return _now()
    parsed = datetime.fromisoformat(str(value))  # reads a trailing Z since Python 3.11
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _log(**fields: Any) -> None:
    print(json.dumps(fields, default=str))
