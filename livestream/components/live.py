"""A deployment never silently ends a broadcast: it is refused while a channel it would change is live.

Why: pulumi-aws's `aws.medialive.Channel` is the Terraform provider's `aws_medialive_channel`. Its
update (terraform-provider-aws `internal/service/medialive/channel.go`, `resourceChannelUpdate`)
reads the channel, calls `stopChannel` when its state is RUNNING, sends `UpdateChannel`, waits for
IDLE, and calls `startChannel` again only `if d.Get("start_channel")`. `resourceChannelDelete`
(which a replacement runs) stops a running channel the same way. This platform keeps
`start_channel` false (a deployment must not start billing, and a `start_channel` flipped back to
false stops a running channel on the next update), so an update would end a live broadcast and
leave it ended.

So the program checks before it registers anything: every channel of this platform that is
RUNNING (or starting, or recovering) carries the digest of the settings it was deployed with in
its `livestream:channel-settings` tag; when this deployment's digest differs, or the channel is
no longer in the settings, `pulumi up` stops with a message saying how to proceed. `pulumi preview`
only warns, so an operator can still look at a change during a broadcast. `whileLive: allow`
skips the check; the platform's "MediaLive Channel State Change" rule (alarms.py) tells the
alarm topic about every stop and start either way.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import pulumi

from livestream.components.tags import CHANNEL_TAG, PLATFORM_TAG, SETTINGS_TAG
from livestream.model.settings import ChannelSettings, Settings

# States in which a channel is (or is about to be) on air. MediaLive API ChannelState enum.
LIVE_STATES = ("STARTING", "RUNNING", "RECOVERING")


class LiveChannelError(RuntimeError):
    """A deployment would stop a live channel; the message says which and how to proceed."""


@dataclass(frozen=True)
class LiveChannel:
    """A channel of this platform that is on air, as MediaLive lists it."""

    channel_id: str
    state: str
    name: str | None  # the `livestream:channel` tag; None for channels deployed before the tag existed
    digest: str | None  # the `livestream:channel-settings` tag


def settings_digest(channel: ChannelSettings, settings: Settings) -> str:
    """The settings the MediaLive channel is built from, as a short hash: equal digests, no channel update.

    Only what the Encoder feeds into `aws.medialive.Channel` counts: the DVR window and LL-HLS shape the
    packager's endpoints, the CIDRs the input security group (updated without touching the channel), the
    archive key the role policy, and the stream key the input (whether one is supplied counts, never the key).
    """
    shape = {
        "channel": channel.name,
        "protocol": channel.ingest.protocol,
        "streamKeySupplied": channel.ingest.stream_key is not None,
        "ladder": [asdict(r) for r in channel.ladder],
        "pipeline": channel.pipeline,
        "segmentSeconds": channel.segment_seconds,
        "gopSeconds": channel.gop_seconds,
        "framerate": channel.framerate,
        "inputResolution": channel.input_resolution,
        "inputMaxBitrate": channel.input_max_bitrate,
        "rolloverSeconds": settings.archive.rollover_seconds,
    }
    return hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()[:16]


def refusals(live: Iterable[LiveChannel], digests: Mapping[str, str]) -> list[str]:
    """One line per live channel this deployment would stop (changed, replaced or removed)."""
    lines = []
    for channel in live:
        where = f"channel {channel.name or '?'} ({channel.channel_id}) is {channel.state}"
        if channel.name is None or channel.digest is None:
            lines.append(f"{where} and carries no settings digest, so this deployment may change it")
        elif channel.name not in digests:
            lines.append(f"{where} and this deployment removes it")
        elif digests[channel.name] != channel.digest:
            lines.append(f"{where} and this deployment changes it")
    return lines


def message(platform: str, lines: Sequence[str], key: str) -> str:
    return (
        f"livestream {platform}: refused before anything was touched: "
        + "; ".join(lines)
        + ". Updating a running MediaLive channel stops it and the provider does not start it again, so the broadcast"
        " would end. Stop the channel when the broadcast is over (livestream stop, or the control function's"
        f' {{"action": "stop"}}) and deploy again, or set {key}: allow to deploy now and restart the channel yourself'
        " (the alarm topic is told when it stops)."
    )


def list_live_channels(client: Any, platform: str) -> list[LiveChannel]:
    """This platform's channels that are on air, from one paginated ListChannels (tags and state included)."""
    found = []
    for page in client.get_paginator("list_channels").paginate():
        for summary in page.get("Channels", []):
            tags = summary.get("Tags") or {}
            if tags.get(PLATFORM_TAG) != platform or summary.get("State") not in LIVE_STATES:
                continue
            found.append(LiveChannel(summary["Id"], summary["State"], tags.get(CHANNEL_TAG), tags.get(SETTINGS_TAG)))
    return found


Lookup = Callable[[str], list[LiveChannel]]


def _aws_lookup(region: str) -> Lookup:
    def lookup(platform: str) -> list[LiveChannel]:
        import boto3

        profile = pulumi.Config("aws").get("profile")
        client = boto3.session.Session(profile_name=profile, region_name=region).client("medialive")
        return list_live_channels(client, platform)

    return lookup


def _offline() -> bool:
    """Under the SDK's mock engine (tests, `livestream plan`) there is no cloud to ask."""
    from pulumi.runtime import mocks, settings

    return isinstance(settings.SETTINGS.monitor, mocks.MockMonitor)


def guard(platform: str, settings: Settings, *, key: str, lookup: Lookup | None = None, dry_run: bool | None = None) -> None:
    """Raise LiveChannelError when `pulumi up` would stop a live channel; warn in a preview."""
    if settings.while_live == "allow":
        return
    if lookup is None:
        if _offline():
            return
        lookup = _aws_lookup(settings.region)
    try:
        live = lookup(platform)
    except Exception as error:  # no credentials or no permission: say so; the state-change rule still reports stops
        pulumi.log.warn(f"livestream {platform}: could not check for running channels ({error}); set {key}: allow to skip")
        return
    lines = refusals(live, {c.name: settings_digest(c, settings) for c in settings.channels})
    if not lines:
        return
    text = message(platform, lines, key)
    if pulumi.runtime.is_dry_run() if dry_run is None else dry_run:
        pulumi.log.warn(text)
        return
    raise LiveChannelError(text)
