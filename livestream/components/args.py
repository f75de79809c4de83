"""The component's arguments, field by field: what library users (any Pulumi language) pass in.

These TypedDicts are the public contract; `livestream.model.settings` validates them into settings
(each key, default and validator is declared there once; tests/model/settings/test_declarations.py
keeps these docstrings in step).
Keys are snake_case here; the stack file and other languages spell them camelCase.
Everything that shapes the resource graph must be known at plan time; ARNs may be Outputs.

No `from __future__ import annotations` here: Pulumi's schema analyzer reads these
annotations at run time to build the multi-language schema.
"""

from collections.abc import Mapping, Sequence
from typing import NotRequired, TypedDict

import pulumi


class IngestArgs(TypedDict):
    """How a broadcaster reaches a channel."""

    allowed_cidrs: pulumi.Input[Sequence[pulumi.Input[str]]]
    """Networks the encoder sends from, e.g. ["203.0.113.0/24"]. At least one."""
    protocol: NotRequired[pulumi.Input[str]]
    """`rtmp` (default; the stream key is in the URL) or `srt` (AES-256 encrypted SRT listener)."""
    allow_public: NotRequired[pulumi.Input[bool]]
    """Allow 0.0.0.0/0 in allowed_cidrs (phones on mobile networks). Default false."""
    stream_key: NotRequired[pulumi.Input[str]]
    """RTMP stream key to keep across rebuilds (pass a secret). Default: generated once, kept in the stack."""


class RenditionArgs(TypedDict):
    """One rung of a custom ABR ladder."""

    width: pulumi.Input[int]
    """Picture width in pixels (even, 64-1920)."""
    height: pulumi.Input[int]
    """Picture height in pixels (even, 64-1080); also names the rendition (e.g. 720p)."""
    video_kbps: pulumi.Input[int]
    """Video bitrate in kbit/s (100-20000). AAC audio at 128 kbit/s is added."""


class ChannelArgs(TypedDict):
    """One live channel: its ingest, ladder and packaging."""

    ingest: pulumi.Input[IngestArgs]
    """Where the broadcaster pushes to."""
    ladder: NotRequired[pulumi.Input[str]]
    """Preset ABR ladder: `sd` (480p/360p/240p, default), `hd` (720p-240p) or `fhd` (1080p-360p)."""
    renditions: NotRequired[pulumi.Input[Sequence[pulumi.Input[RenditionArgs]]]]
    """A custom ladder instead of a preset (1-8 renditions)."""
    pipeline: NotRequired[pulumi.Input[str]]
    """`SINGLE_PIPELINE` (default, cheaper) or `STANDARD` (two redundant pipelines)."""
    segment_seconds: NotRequired[pulumi.Input[int]]
    """HLS/DASH segment length, 1-30 s (default 4; 1-2 for low latency). Drives CDN TTLs."""
    gop_seconds: NotRequired[pulumi.Input[int]]
    """Keyframe interval in seconds; must divide segment_seconds (default 2, or 1 for odd segments)."""
    framerate: NotRequired[pulumi.Input[int]]
    """Output frame rate: 24, 25 or 30 (default 30)."""
    low_latency_hls: NotRequired[pulumi.Input[bool]]
    """Add a low-latency HLS endpoint (needs segment_seconds of 1 or 2)."""
    dvr_window_minutes: NotRequired[pulumi.Input[int]]
    """Start-over / time-shift window, 0-20160 minutes (default 60)."""
    input_resolution: NotRequired[pulumi.Input[str]]
    """MediaLive input class `SD`, `HD` or `UHD`; default derived from the ladder's top rendition."""


class ArchiveArgs(TypedDict):
    """The shared recordings bucket."""

    glacier_after_days: NotRequired[pulumi.Input[int]]
    """Move recordings to Glacier after this many days (default 30; none for archives of 30 days or less)."""
    expire_after_days: NotRequired[pulumi.Input[int]]
    """Delete recordings after this many days (default 365)."""
    noncurrent_expire_days: NotRequired[pulumi.Input[int]]
    """Delete overwritten object versions after this many days (default 30)."""
    retain_on_delete: NotRequired[pulumi.Input[bool]]
    """Keep the bucket when the stack is destroyed (default true, so recordings are never lost)."""
    kms_key_arn: NotRequired[pulumi.Input[str]]
    """Encrypt with this KMS key instead of SSE-S3."""
    rollover_seconds: NotRequired[pulumi.Input[int]]
    """Length of each recorded file, 60-86400 s (default 300)."""


class RecordingArgs(TypedDict):
    """Each broadcast becomes a video-on-demand recording (README "Recordings")."""

    enabled: NotRequired[pulumi.Input[bool]]
    """Record every broadcast (default true)."""
    glacier_after_days: NotRequired[pulumi.Input[int]]
    """Move recordings to Glacier Instant Retrieval (still playable) after this many days (default 30; none for 30 or less)."""
    expire_after_days: NotRequired[pulumi.Input[int]]
    """Delete recordings after this many days (default 365)."""
    retain_on_delete: NotRequired[pulumi.Input[bool]]
    """Keep the recordings bucket when the stack is destroyed (default true)."""
    max_hours: NotRequired[pulumi.Input[int]]
    """Longest part of a broadcast that is recorded, 1-24 h (default 24): a longer one keeps its last hours."""


class GeoRestrictionArgs(TypedDict):
    """Who may watch, by country."""

    type: pulumi.Input[str]
    """`whitelist` or `blacklist`."""
    countries: pulumi.Input[Sequence[pulumi.Input[str]]]
    """ISO 3166-1 alpha-2 codes, e.g. ["KR", "JP"]."""


class CustomDomainArgs(TypedDict):
    """Serve playback from your own name."""

    domain_name: pulumi.Input[str]
    """e.g. live.example.com (point a CNAME/alias at the distribution)."""
    certificate_arn: pulumi.Input[str]
    """ACM certificate in us-east-1 covering domain_name."""


class CdnArgs(TypedDict):
    """The shared CloudFront distribution."""

    price_class: NotRequired[pulumi.Input[str]]
    """`PriceClass_100` (default), `PriceClass_200` (adds Korea/Japan edges) or `PriceClass_All`."""
    viewer_protocol: NotRequired[pulumi.Input[str]]
    """`redirect-to-https` (default) or `https-only`."""
    cors_origins: NotRequired[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Origins allowed to play from a browser (default ["*"])."""
    geo_restriction: NotRequired[pulumi.Input[GeoRestrictionArgs]]
    """Optional country allow/deny list."""
    custom_domain: NotRequired[pulumi.Input[CustomDomainArgs]]
    """Optional custom domain with its us-east-1 certificate (TLSv1.2_2021 minimum)."""
    signed_urls_public_key: NotRequired[pulumi.Input[str]]
    """PEM public key: when set, viewers need signed URLs or cookies (trusted key group)."""
    web_acl_arn: NotRequired[pulumi.Input[str]]
    """Optional AWS WAF web ACL (CLOUDFRONT scope) to attach."""
    logs_expire_days: NotRequired[pulumi.Input[int]]
    """Delete CDN access logs after this many days (default 90)."""


class AlarmThresholdArgs(TypedDict):
    """Override one alarm's trigger."""

    threshold: NotRequired[pulumi.Input[float]]
    """Value that breaches."""
    period_seconds: NotRequired[pulumi.Input[int]]
    """Evaluation period (10, 20, 30 or a multiple of 60)."""
    evaluation_periods: NotRequired[pulumi.Input[int]]
    """Consecutive breaching periods before ALARM."""


class AlarmArgs(TypedDict):
    """Who hears about failures, and when."""

    emails: NotRequired[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Addresses subscribed to the platform's topic (each confirms by e-mail)."""
    thresholds: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[AlarmThresholdArgs]]]]
    """Per-alarm overrides keyed by alarm name: activeAlerts, inputLoss, droppedFrames, outputErrors,
    cdn5xxRate, cdn4xxRate."""


class BudgetArgs(TypedDict):
    """A monthly AWS Budgets cost budget scoped to this platform's tag."""

    monthly_usd: NotRequired[pulumi.Input[float]]
    """Limit in USD; notifications at 80 % actual and 100 % forecast."""
    emails: NotRequired[pulumi.Input[Sequence[pulumi.Input[str]]]]
    """Extra addresses for budget notifications (the topic is always notified)."""


class ScheduleArgs(TypedDict):
    """When channels run: the main cost lever."""

    timezone: NotRequired[pulumi.Input[str]]
    """IANA timezone for the expressions, e.g. Asia/Seoul (default UTC)."""
    start: NotRequired[pulumi.Input[str]]
    """EventBridge Scheduler expression that starts every channel, e.g. cron(0 19 * * ? *)."""
    stop: NotRequired[pulumi.Input[str]]
    """Expression that stops every channel, e.g. cron(0 23 * * ? *)."""
    idle_stop_minutes: NotRequired[pulumi.Input[int]]
    """Stop a running channel that received no video for this many minutes (10-1440)."""
    running_notice_hour: NotRequired[pulumi.Input[int]]
    """Local hour (0-23) of the daily "still running" notice (default 3)."""
    broadcaster_wait_minutes: NotRequired[pulumi.Input[int]]
    """Cap (10-1440) on how long a scheduled start waits for its broadcaster; default: until the scheduled stop."""
    max_run_hours: NotRequired[pulumi.Input[int]]
    """Stop any channel that has run this many hours (1-168), whatever its video; off by default."""


class UsageArgs(TypedDict):
    """Assumptions for the cost estimate; they create nothing."""

    streamed_hours_per_month: NotRequired[pulumi.Input[float]]
    """Hours actually streamed per month (with idle stop, or with no schedule)."""
    viewer_hours_per_month: NotRequired[pulumi.Input[float]]
    """Total hours watched by all viewers per month."""
    watched_kbps: NotRequired[pulumi.Input[float]]
    """Average bitrate a viewer pulls (default: the top rendition)."""


class LiveStreamPlatformArgs(TypedDict):
    """Everything a platform needs; only `channels` is required."""

    channels: pulumi.Input[Mapping[str, pulumi.Input[ChannelArgs]]]
    """Channels by name (lowercase letters, digits, '-')."""
    archive: NotRequired[pulumi.Input[ArchiveArgs]]
    """Recording bucket settings."""
    recordings: NotRequired[pulumi.Input[RecordingArgs]]
    """VOD recordings of every broadcast."""
    cdn: NotRequired[pulumi.Input[CdnArgs]]
    """CloudFront settings."""
    alarms: NotRequired[pulumi.Input[AlarmArgs]]
    """Alarm recipients and thresholds."""
    budget: NotRequired[pulumi.Input[BudgetArgs]]
    """Monthly cost budget."""
    schedule: NotRequired[pulumi.Input[ScheduleArgs]]
    """Start/stop schedules and idle auto-stop."""
    usage: NotRequired[pulumi.Input[UsageArgs]]
    """Cost-estimate assumptions."""
    tags: NotRequired[pulumi.Input[Mapping[str, pulumi.Input[str]]]]
    """Your tags, added to every taggable resource next to the platform's own."""
    environment: NotRequired[pulumi.Input[str]]
    """Environment tag value (default: the stack name). Only tags: the platform's name is the resource name."""
    name: NotRequired[pulumi.Input[str]]
    """The platform's name in AWS: channel group, dashboard, tags (default: the resource name). Keep it when
    renaming the resource with `aliases`, so nothing is replaced."""
    protect: NotRequired[pulumi.Input[bool]]
    """Protect identity-bearing resources (distribution, channel group, inputs, stream keys, archive bucket)."""
    while_live: NotRequired[pulumi.Input[str]]
    """`refuse` (default): a deployment that would change a RUNNING channel stops before touching anything; `allow`."""
    region: NotRequired[pulumi.Input[str]]
    """AWS region the platform is in (default: aws:region, then AWS_REGION)."""
