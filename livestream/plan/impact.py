"""What a change means for broadcasters, viewers and recordings, in their words.

Rules per resource type, from the wire-format inputs of the previous and current plan (plain data,
no Pulumi import). They say what a reader of `pulumi preview` would otherwise have to work out:
an update to a MediaLive channel stops it if it runs (pulumi-aws keeps it stopped: live.py), a new
input is a new ingest URL and key, a new distribution or channel group a new playback URL, a
shorter expiry deletes recordings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

Row = Mapping[str, Any] | None
Rule = Callable[[str, Row, Row, Sequence[str]], list[str]]

CHANNEL = "aws:medialive/channel:Channel"
INPUT = "aws-native:medialive:Input"
SECURITY_GROUP = "aws:medialive/inputSecurityGroup:InputSecurityGroup"
PASSWORD = "random:index/randomPassword:RandomPassword"
DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
CHANNEL_GROUP = "aws-native:mediapackagev2:ChannelGroup"
PACKAGER_CHANNEL = "aws-native:mediapackagev2:Channel"
ENDPOINT = "aws-native:mediapackagev2:OriginEndpoint"
BUCKET = "aws:s3/bucket:Bucket"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
SCHEDULE = "aws:scheduler/schedule:Schedule"

STOPS_CHANNEL = (
    "stops the channel if it is running: the provider stops a RUNNING channel to update it and does not start it "
    "again (livestream refuses this deployment while the channel is live unless whileLive: allow)"
)
_TAG_INPUTS = frozenset({"tags", "tagsAll"})


def _inputs(row: Row) -> Mapping[str, Any]:
    return (row or {}).get("inputs") or {}


def _channel(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action == "update":
        return [STOPS_CHANNEL] if set(changed) - _TAG_INPUTS - {"startChannel"} else []
    if action == "replace":
        old, new = _inputs(before).get("channelClass"), _inputs(after).get("channelClass")
        return [
            f"the channel is deleted before its replacement is created ({old} -> {new}): no broadcast until the new "
            "channel exists and is started (deleting a running channel stops it; creating one takes a few minutes)",
            "new channel id: the control function, schedules, alarms and dashboard follow it in the same deployment; "
            "anything outside the stack that holds the old id must be updated (livestream status shows the new one)",
        ]
    if action == "delete":
        return ["the channel stops for good (deleting a running channel stops it first)"]
    return []


def _input(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action in ("replace", "create") or (action == "update" and "destinations" in changed):
        protocol = "SRT" if _inputs(after).get("type") == "SRT_LISTENER" else "RTMP"
        return [f"new ingest URL and key ({protocol}): every encoder and Larix profile must be given the new one"]
    if action == "delete":
        return ["the ingest URL and key stop working"]
    return []


def _stream_key(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action == "replace":
        return ["new stream key: every encoder must be given the new RTMP URL"]
    if action == "delete":
        return ["the stream key is gone: adding the channel back generates a new one (ingest.streamKey keeps one)"]
    return []


def _security_group(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action == "update" and "whitelistRules" in changed:
        old = {r.get("cidr") for r in _inputs(before).get("whitelistRules") or []}
        new = {r.get("cidr") for r in _inputs(after).get("whitelistRules") or []}
        removed = sorted(str(c) for c in old - new)
        return [f"encoders sending from {', '.join(removed)} are refused"] if removed else []
    return []


def _distribution(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action in ("replace", "delete"):
        return ["new playback URL: the CloudFront domain changes; players, links and DNS must follow"]
    impacts = []
    if action == "update" and "aliases" in changed:
        impacts.append("new playback URL on the custom domain (point its DNS at the distribution first)")
    if action == "update" and "priceClass" in changed:
        impacts.append(
            f"edge locations change ({_inputs(before).get('priceClass')} -> {_inputs(after).get('priceClass')}): "
            "viewers outside the new class are served from farther away"
        )
    if action == "update" and "restrictions" in changed:
        impacts.append("which countries may watch changes (geo restriction)")
    return impacts


def _channel_group(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action in ("replace", "delete"):
        return ["new playback URL for every channel (the channel group is in every playback path)"]
    return []


def _packager_channel(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action == "replace":
        return ["new packager ingest endpoints; the DVR window starts empty"]
    if action == "delete":
        return ["the channel's packaging and its DVR history go"]
    return []


def _endpoint(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    name = _inputs(after or before).get("originEndpointName", "")
    if action in ("replace", "create"):
        return [f"new playback URL ({name})"]
    if action == "delete":
        return [f"playback URL removed ({name}): players using it get errors"]
    if action == "update" and "startoverWindowSeconds" in changed:
        old, new = (_inputs(r).get("startoverWindowSeconds") for r in (before, after))
        return [f"DVR / start-over window {_minutes(old)} -> {_minutes(new)}"]
    return []


def _minutes(seconds: Any) -> str:
    return "off" if not seconds else f"{float(seconds) / 60:g} min"


def _expiry(row: Row) -> float | None:
    days = [((r.get("expiration") or {}).get("days")) for r in _inputs(row).get("rules") or []]
    known = [float(d) for d in days if isinstance(d, int | float)]
    return min(known) if known else None


def _lifecycle(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    old, new = _expiry(before), _expiry(after)
    if action == "update" and new is not None and (old is None or new < old):
        return [f"recordings older than {new:g} days will be deleted (was {'never' if old is None else f'{old:g} days'})"]
    return []


def _encryption(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action == "update" and "rules" in changed:
        return ["new recordings are encrypted with the new setting; older ones keep their key (keep it enabled)"]
    return []


def _bucket(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action not in ("replace", "delete"):
        return []
    if ((before or {}).get("options") or {}).get("retainOnDelete"):
        return [
            "the old bucket and its recordings stay in the account, no longer managed by the stack; new recordings go elsewhere"
        ]
    if _inputs(before).get("forceDestroy"):
        return ["the bucket and every recording in it are deleted (retainOnDelete is false)"]
    return ["the bucket is deleted if it is empty, else the deployment fails; recordings are not moved"]


def _schedule(action: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    if action == "update" and "scheduleExpression" in changed:
        old, new = (_inputs(r).get("scheduleExpression") for r in (before, after))
        return [f"channels start or stop at a new time: {old} -> {new}"]
    if action == "delete":
        return [f"no longer runs: {_inputs(before).get('scheduleExpression')}"]
    if action == "create":
        return [f"new schedule: {_inputs(after).get('scheduleExpression')}"]
    return []


RULES: dict[str, Rule] = {
    CHANNEL: _channel,
    INPUT: _input,
    SECURITY_GROUP: _security_group,
    DISTRIBUTION: _distribution,
    CHANNEL_GROUP: _channel_group,
    PACKAGER_CHANNEL: _packager_channel,
    ENDPOINT: _endpoint,
    LIFECYCLE: _lifecycle,
    ENCRYPTION: _encryption,
    SCHEDULE: _schedule,
}


def of(action: str, type_token: str, name: str, before: Row, after: Row, changed: Sequence[str]) -> list[str]:
    """The user impact of one change; empty when nobody outside the stack notices it."""
    if type_token == PASSWORD and name.endswith("-stream-key"):
        return _stream_key(action, before, after, changed)
    if type_token == BUCKET and name.endswith("-archive-bucket"):
        return _bucket(action, before, after, changed)
    if type_token in (LIFECYCLE, ENCRYPTION) and "-archive-bucket" not in name:
        return []  # the CDN's access logs: nobody watches them
    rule = RULES.get(type_token)
    return rule(action, before, after, changed) if rule else []
