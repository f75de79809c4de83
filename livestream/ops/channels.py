"""Start, stop and describe MediaLive channels by name, waiting for RUNNING / IDLE.

Who started a channel (the brief's contract, read by the control function's idle-stop rules): the
first to start it tags the channel ARN `livestream:started-by` = `manual` here, and
`livestream:started-at` = ISO 8601 UTC, before StartChannel. A channel already running keeps the
tags of whoever started it (a scheduled start stays scheduled).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from livestream.functions.channel_control import MANUAL, STARTED_AT, STARTED_AT_FORMAT, STARTED_BY
from livestream.ops import EXIT_FAILED, OpsError
from livestream.ops.aws import Aws, error_code, translated
from livestream.ops.outputs import StackOutputs

# MediaLive takes one to two minutes to start or stop a channel; botocore's own MediaLive waiters
# (channel_running / channel_stopped) poll every 5 s, so do we.
POLL_SECONDS = 5.0
TIMEOUT_SECONDS = 300.0  # well past the usual two minutes; a channel slower than this needs a look
RUNNING = "RUNNING"
IDLE = "IDLE"
ON_THE_WAY_UP = ("STARTING", "RECOVERING")
ON_THE_WAY_DOWN = ("STOPPING",)
BILLED = (RUNNING, *ON_THE_WAY_UP)  # https://aws.amazon.com/medialive/pricing/: running channels bill

Progress = Callable[[str, str, float], None]  # (channel, state, seconds waited)


@dataclass(frozen=True)
class Channel:
    """What the commands need from DescribeChannel."""

    name: str
    channel_id: str
    arn: str
    state: str
    channel_class: str
    pipelines_running: int
    input_ids: tuple[str, ...]
    tags: dict[str, str]
    input_resolution: str
    renditions: tuple[tuple[int, int, int], ...]  # (width, height, video bitrate) per video description

    @property
    def pipelines(self) -> int:
        return 2 if self.channel_class == "STANDARD" else 1


@dataclass
class Transition:
    """The outcome of start / stop: where it began, where it ended, whether this call changed it."""

    channel: str
    channel_id: str
    action: str
    before: str
    state: str
    changed: bool
    reached: bool
    seconds: float
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "channelId": self.channel_id,
            "action": self.action,
            "before": self.before,
            "state": self.state,
            "changed": self.changed,
            "reached": self.reached,
            "seconds": round(self.seconds, 1),
            "notes": self.notes,
        }


def _renditions(settings: dict[str, Any]) -> tuple[tuple[int, int, int], ...]:
    found = []
    for video in settings.get("VideoDescriptions") or []:
        codec = (
            (video.get("CodecSettings") or {}).get("H264Settings") or (video.get("CodecSettings") or {}).get("H265Settings") or {}
        )
        if video.get("Width") and video.get("Height"):
            found.append((int(video["Width"]), int(video["Height"]), int(codec.get("Bitrate") or codec.get("MaxBitrate") or 0)))
    return tuple(found)


def describe(aws: Aws, outputs: StackOutputs, name: str) -> Channel:
    """DescribeChannel by channel name; an id the region does not know says which region was asked."""
    channel_id = outputs.channel_id(name)
    client = aws.client("medialive")
    with translated(f"describe channel {name}", aws.region):
        try:
            raw = client.describe_channel(ChannelId=channel_id)
        except ClientError as error:
            if error_code(error) in {"NotFoundException", "ResourceNotFoundException"}:
                raise _not_found(name, channel_id, aws.region, outputs) from None
            raise
    return Channel(
        name=name,
        channel_id=channel_id,
        arn=raw.get("Arn", ""),
        state=raw.get("State", "UNKNOWN"),
        channel_class=raw.get("ChannelClass", "SINGLE_PIPELINE"),
        pipelines_running=int(raw.get("PipelinesRunningCount") or 0),
        input_ids=tuple(a["InputId"] for a in raw.get("InputAttachments") or [] if a.get("InputId")),
        tags=dict(raw.get("Tags") or {}),
        input_resolution=(raw.get("InputSpecification") or {}).get("Resolution", "HD"),
        renditions=_renditions(raw.get("EncoderSettings") or {}),
    )


def _not_found(name: str, channel_id: str, region: str, outputs: StackOutputs) -> OpsError:
    if outputs.region and outputs.region != region:
        hint = f"the stack is in {outputs.region}: drop --region or pass --region {outputs.region}"
    else:
        hint = "check --region / AWS_REGION is the stack's aws:region, and that the stack is deployed (pulumi up)"
    return OpsError(f"channel {name} (MediaLive id {channel_id}) does not exist in region {region}", hint=hint)


def _now_iso(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime(STARTED_AT_FORMAT)


def wait_for(
    aws: Aws,
    outputs: StackOutputs,
    name: str,
    target: str,
    *,
    timeout: float = TIMEOUT_SECONDS,
    poll: float = POLL_SECONDS,
    progress: Progress | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[Channel, float]:
    """Poll until the channel is in `target`; returns the last description and the seconds waited."""
    started = time.monotonic()
    while True:
        channel = describe(aws, outputs, name)
        waited = time.monotonic() - started
        if progress is not None:
            progress(name, channel.state, waited)
        if channel.state == target or waited >= timeout:
            return channel, waited
        if channel.state not in (*ON_THE_WAY_UP, *ON_THE_WAY_DOWN, RUNNING, IDLE, "UPDATING", "CREATING"):
            raise OpsError(f"channel {name} is {channel.state}; it cannot become {target}", exit_code=EXIT_FAILED)
        sleep(min(poll, max(0.0, timeout - waited)))


def _tag_manual_start(aws: Aws, channel: Channel, notes: list[str]) -> None:
    """The contract's tags, before StartChannel. A refusal is reported, not fatal: the idle-stop
    rules treat an untagged (or stale-tagged) running channel as started by hand anyway."""
    try:
        aws.client("medialive").create_tags(ResourceArn=channel.arn, Tags={STARTED_BY: MANUAL, STARTED_AT: _now_iso()})
    except ClientError as error:
        notes.append(f"could not tag the start as manual ({error_code(error) or error}); idle-stop treats it as manual anyway")


def start(aws: Aws, outputs: StackOutputs, name: str, *, wait: bool = True, **waiting: Any) -> Transition:
    """Start a channel (idempotent): tag it as a manual start, StartChannel, wait for RUNNING."""
    began = time.monotonic()
    channel = describe(aws, outputs, name)
    notes: list[str] = []
    if channel.state in ON_THE_WAY_DOWN:
        notes.append("the channel was stopping: waited for IDLE before starting it")
        channel, _ = wait_for(aws, outputs, name, IDLE, **waiting)
    changed = False
    if channel.state == IDLE:
        _tag_manual_start(aws, channel, notes)
        with translated(f"start channel {name}", aws.region):
            aws.client("medialive").start_channel(ChannelId=channel.channel_id)
        changed = True
    elif channel.state not in BILLED:
        raise OpsError(f"channel {name} is {channel.state}; only an IDLE channel can be started", exit_code=EXIT_FAILED)
    return _finish(aws, outputs, name, "start", channel.state, changed, RUNNING, wait, began, notes, waiting)


def stop(aws: Aws, outputs: StackOutputs, name: str, *, wait: bool = True, **waiting: Any) -> Transition:
    """Stop a channel (idempotent) and wait for IDLE. A channel still starting is stopped once RUNNING."""
    began = time.monotonic()
    channel = describe(aws, outputs, name)
    notes: list[str] = []
    changed = False
    if channel.state in (RUNNING, *ON_THE_WAY_UP):
        changed = _stop_call(aws, outputs, channel, notes, waiting)
    elif channel.state not in (IDLE, *ON_THE_WAY_DOWN):
        raise OpsError(f"channel {name} is {channel.state}; it cannot be stopped now", exit_code=EXIT_FAILED)
    return _finish(aws, outputs, name, "stop", channel.state, changed, IDLE, wait, began, notes, waiting)


def _stop_call(aws: Aws, outputs: StackOutputs, channel: Channel, notes: list[str], waiting: dict[str, Any]) -> bool:
    client = aws.client("medialive")
    with translated(f"stop channel {channel.name}", aws.region):
        try:
            client.stop_channel(ChannelId=channel.channel_id)
        except ClientError as error:
            if error_code(error) != "ConflictException":
                raise
            # MediaLive refuses StopChannel while the channel is still starting: stop it once it runs.
            notes.append("the channel was still starting: stopped it once RUNNING")
            wait_for(aws, outputs, channel.name, RUNNING, **waiting)
            client.stop_channel(ChannelId=channel.channel_id)
    return True


def _finish(
    aws: Aws,
    outputs: StackOutputs,
    name: str,
    action: str,
    before: str,
    changed: bool,
    target: str,
    wait: bool,
    began: float,
    notes: list[str],
    waiting: dict[str, Any],
) -> Transition:
    if wait:
        channel, _ = wait_for(aws, outputs, name, target, **waiting)
    else:
        channel = describe(aws, outputs, name)
    reached = channel.state == target
    if wait and not reached:
        notes.append(f"still {channel.state} after {waiting.get('timeout', TIMEOUT_SECONDS):.0f} s")
    return Transition(
        channel=name,
        channel_id=channel.channel_id,
        action=action,
        before=before,
        state=channel.state,
        changed=changed,
        reached=reached or not wait,
        seconds=time.monotonic() - began,
        notes=notes,
    )
