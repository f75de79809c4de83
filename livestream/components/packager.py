"""Packager: MediaPackage v2 channel group (shared), per-channel v2 channels and origin endpoints.

Every channel gets one v2 channel with HLS input (MediaLive's HLS output group pushes to its two
ingest endpoints, one per pipeline) and CMAF origin endpoints: `hls`, `dash` and, when the channel
asks for it, `llhls`. Egress URLs look like

    https://<egress domain>/out/v1/<group>/<channel>/<endpoint>/index.m3u8  (or .mpd)

Nobody reads them directly: `allow_distribution` gives each endpoint a policy that lets only
CloudFront, on behalf of one distribution (`aws:SourceArn`), get objects. Ingest is as tight:
`authorize_encoder` gives each v2 channel a policy that lets only that channel's MediaLive role
put objects (MediaLive signs with its role; there are no ingest credentials).

Physical names are required by MediaPackage v2 and derived from the platform and channel names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

import pulumi

from livestream.components import aws_native, iam
from livestream.model.settings import ChannelSettings

mp = aws_native.mediapackagev2

HLS = "hls"
DASH = "dash"
LL_HLS = "llhls"
PLAYBACK_KEYS = {HLS: "hls", DASH: "dash", LL_HLS: "llHls"}  # endpoint -> key in the playbackUrls export
MANIFEST_NAME = "index"
SEGMENT_NAME = "segment"
CLOUDFRONT = "cloudfront.amazonaws.com"
READ_ACTIONS = ("mediapackagev2:GetObject", "mediapackagev2:GetHeadObject")
INGEST_ACTIONS = ("mediapackagev2:PutObject",)
_NAME_CHARS = re.compile(r"[^A-Za-z0-9_-]")
MAX_NAME_LENGTH = 256


def physical_name(name: str) -> str:
    """A MediaPackage v2 name ([A-Za-z0-9_-], 1-256 characters) from any component name."""
    cleaned = _NAME_CHARS.sub("-", name)[:MAX_NAME_LENGTH]
    if not cleaned:
        raise ValueError(f"cannot derive a MediaPackage name from {name!r}")
    return cleaned


def endpoint_kinds(channel: ChannelSettings) -> tuple[str, ...]:
    """The origin endpoints a channel gets: HLS and DASH, plus low-latency HLS when asked."""
    return (HLS, DASH, LL_HLS) if channel.low_latency_hls else (HLS, DASH)


def manifest_window_seconds(segment_seconds: int) -> int:
    """The live playlist length: at least a minute and at least six segments."""
    return max(60, 6 * segment_seconds)


def startover_window_seconds(channel: ChannelSettings) -> int | None:
    """DVR / time-shift window from `dvrWindowMinutes`; None (no startover) when it is 0."""
    return channel.dvr_window_minutes * 60 or None


def ingest_policy(channel_arn: pulumi.Input[str], role_arn: pulumi.Input[str]) -> dict[str, Any]:
    """Only this channel's MediaLive role may put objects into this v2 channel."""
    return iam.policy_object(
        iam.statement(list(INGEST_ACTIONS), [channel_arn], principal={"AWS": role_arn}, sid="AllowEncoderIngest")
    )


def egress_policy(endpoint_arn: pulumi.Input[str], distribution_arn: pulumi.Input[str]) -> dict[str, Any]:
    """Only CloudFront, on behalf of this distribution, may read this endpoint (origin access control)."""
    return iam.policy_object(
        iam.statement(
            list(READ_ACTIONS),
            [endpoint_arn],
            principal={"Service": CLOUDFRONT},
            condition={"StringEquals": {"AWS:SourceArn": distribution_arn}},
            sid="AllowCloudFrontDistribution",
        )
    )


class Packager(pulumi.ComponentResource):
    """One MediaPackage v2 channel group for the platform; a v2 channel and origin endpoints per channel."""

    group_name: str
    egress_domain: pulumi.Output[str]
    channel_arns: dict[str, pulumi.Output[str]]
    ingest_urls: dict[str, pulumi.Output[list[str]]]
    playback_paths: dict[str, dict[str, pulumi.Output[str]]]  # channel -> hls | dash | llHls -> manifest path

    def __init__(
        self,
        name: str,
        channels: Sequence[ChannelSettings],
        *,
        group_name: str,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("livestream:index:Packager", name, None, opts)
        self._prefix = name
        self.group_name = physical_name(group_name)
        group = mp.ChannelGroup(
            f"{name}-group",
            channel_group_name=self.group_name,
            description=f"Live channels of {group_name}",
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.egress_domain = group.egress_domain
        self.channels: dict[str, mp.Channel] = {}
        self.endpoints: dict[str, dict[str, mp.OriginEndpoint]] = {}
        self.channel_arns = {}
        self.ingest_urls = {}
        self.playback_paths = {}
        for channel in channels:
            v2_channel = mp.Channel(
                f"{name}-{channel.name}",
                channel_group_name=group.channel_group_name,
                channel_name=physical_name(channel.name),
                input_type=mp.ChannelInputType.HLS,
                description=f"HLS ingest from MediaLive channel {channel.name}",
                opts=pulumi.ResourceOptions(parent=self),
            )
            self.channels[channel.name] = v2_channel
            self.channel_arns[channel.name] = v2_channel.arn
            self.ingest_urls[channel.name] = v2_channel.ingest_endpoint_urls.apply(list)
            self.endpoints[channel.name] = {
                kind: self._endpoint(name, channel, kind, group, v2_channel) for kind in endpoint_kinds(channel)
            }
            self.playback_paths[channel.name] = {
                PLAYBACK_KEYS[kind]: _manifest_path(endpoint, kind) for kind, endpoint in self.endpoints[channel.name].items()
            }
        self.register_outputs({"channelGroupName": self.group_name, "egressDomain": self.egress_domain})

    def _endpoint(
        self, name: str, channel: ChannelSettings, kind: str, group: mp.ChannelGroup, v2_channel: mp.Channel
    ) -> mp.OriginEndpoint:
        segment = channel.segment_seconds
        window = manifest_window_seconds(segment)
        hls = [
            mp.OriginEndpointHlsManifestConfigurationArgs(
                manifest_name=MANIFEST_NAME, manifest_window_seconds=window, program_date_time_interval_seconds=segment
            )
        ]
        low_latency = [
            mp.OriginEndpointLowLatencyHlsManifestConfigurationArgs(
                manifest_name=MANIFEST_NAME, manifest_window_seconds=window, program_date_time_interval_seconds=segment
            )
        ]
        dash = [
            mp.OriginEndpointDashManifestConfigurationArgs(
                manifest_name=MANIFEST_NAME,
                manifest_window_seconds=window,
                min_update_period_seconds=segment,
                min_buffer_time_seconds=2 * segment,
                suggested_presentation_delay_seconds=3 * segment,
                segment_template_format=mp.OriginEndpointDashSegmentTemplateFormat.NUMBER_WITH_TIMELINE,
            )
        ]
        return mp.OriginEndpoint(
            f"{name}-{channel.name}-{kind}",
            channel_group_name=group.channel_group_name,
            channel_name=v2_channel.channel_name,
            origin_endpoint_name=kind,
            container_type=mp.OriginEndpointContainerType.CMAF,
            description=f"{kind} for channel {channel.name}",
            segment=mp.OriginEndpointSegmentArgs(segment_duration_seconds=segment, segment_name=SEGMENT_NAME),
            startover_window_seconds=startover_window_seconds(channel),
            hls_manifests=hls if kind == HLS else None,
            low_latency_hls_manifests=low_latency if kind == LL_HLS else None,
            dash_manifests=dash if kind == DASH else None,
            opts=pulumi.ResourceOptions(parent=v2_channel),
        )

    def authorize_encoder(self, channel: str, role_arn: pulumi.Input[str]) -> mp.ChannelPolicy:
        """Let this channel's MediaLive role (and nobody else) push HLS into its v2 channel."""
        v2_channel = self.channels[channel]
        return mp.ChannelPolicy(
            f"{self._prefix}-{channel}-ingest-policy",
            channel_group_name=v2_channel.channel_group_name,
            channel_name=v2_channel.channel_name,
            policy=ingest_policy(v2_channel.arn, role_arn),
            opts=pulumi.ResourceOptions(parent=v2_channel),
        )

    def allow_distribution(self, distribution_arn: pulumi.Input[str]) -> list[mp.OriginEndpointPolicy]:
        """Let one CloudFront distribution (and nobody else) read every origin endpoint."""
        return [
            mp.OriginEndpointPolicy(
                f"{self._prefix}-{channel}-{kind}-policy",
                channel_group_name=endpoint.channel_group_name,
                channel_name=endpoint.channel_name,
                origin_endpoint_name=endpoint.origin_endpoint_name,
                policy=egress_policy(endpoint.arn, distribution_arn),
                opts=pulumi.ResourceOptions(parent=endpoint),
            )
            for channel, endpoints in self.endpoints.items()
            for kind, endpoint in endpoints.items()
        ]


def _manifest_path(endpoint: mp.OriginEndpoint, kind: str) -> pulumi.Output[str]:
    """The path of the endpoint's manifest on the egress domain; the CDN serves the same path."""
    urls = {HLS: endpoint.hls_manifest_urls, DASH: endpoint.dash_manifest_urls, LL_HLS: endpoint.low_latency_hls_manifest_urls}
    return urls[kind].apply(lambda found: urlsplit(found[0]).path)
