"""The platform's CloudWatch dashboard, as data: per channel input, encoder health and packager
egress, and the CDN's requests, bytes, error and cache hit rates.

`ChannelTarget` says what to watch for one channel; the Alarms component uses the same
targets for its alarms.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from livestream.model.alarm_rules import CDN_REGION, CLOUDFRONT, MEDIALIVE, MEDIAPACKAGE

MAX_ALARMS_PER_WIDGET = 100


@dataclass(frozen=True)
class ChannelTarget:
    """What the alarms watch for one channel. Packager names and the HLS group are optional."""

    name: str
    channel_id: pulumi.Input[str]
    pipelines: int
    hls_output_group: pulumi.Input[str] | None = None
    packager_channel_group: pulumi.Input[str] | None = None
    packager_channel: pulumi.Input[str] | None = None

    @property
    def packager_dimensions(self) -> dict[str, pulumi.Input[str]] | None:
        """This v2 channel's MediaPackage metrics (dashboard only); None without a packager.

        No AWS metrics page read here lists the v2 dimension sets; AWS's CDK MediaPackage v2 reference
        builds channel metrics with ChannelGroup + Channel (Channel.metric*,
        https://docs.aws.amazon.com/cdk/api/v2/docs/@aws-cdk_aws-mediapackagev2-alpha.Channel.html), so
        the dashboard graphs those and no alarm depends on them.
        """
        if self.packager_channel_group is None or self.packager_channel is None:
            return None
        return {"ChannelGroup": self.packager_channel_group, "Channel": self.packager_channel}

    def pipeline_dimensions(self, pipeline: int) -> dict[str, pulumi.Input[str]]:
        """How MediaLive publishes this channel's metrics: per pipeline, "0" and "1"."""
        return {"ChannelId": self.channel_id, "Pipeline": str(pipeline)}


def distribution_dimensions(distribution_id: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
    """How CloudFront publishes a distribution's metrics (us-east-1, Region=Global)."""
    return {"DistributionId": distribution_id, "Region": "Global"}


def dashboard_name(platform: str) -> str:
    """CloudWatch dashboard names allow letters, digits, '-' and '_' (at most 255)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", platform)[:255]


def dashboard_url(region: str, name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards/dashboard/", name
    )


def dashboard_body(
    region: str,
    channels: Sequence[ChannelTarget],
    distribution_id: pulumi.Input[str] | None,
    alarm_arns: Sequence[pulumi.Input[str]] = (),
) -> dict[str, Any]:
    """The dashboard as data (Outputs inside are resolved by `Output.json_dumps`)."""
    widgets: list[dict[str, Any]] = []
    for start in range(0, len(alarm_arns), MAX_ALARMS_PER_WIDGET):
        chunk = list(alarm_arns[start : start + MAX_ALARMS_PER_WIDGET])
        widgets.append(_widget("alarm", "Alarms", {"alarms": chunk, "sortBy": "stateUpdatedTimestamp"}, width=24, height=3))
    for channel in channels:
        widgets += _channel_widgets(channel, region)
    if distribution_id is not None:
        widgets += _cdn_widgets(distribution_id)
    return {"start": "-PT6H", "periodOverride": "inherit", "widgets": widgets}


def _channel_widgets(channel: ChannelTarget, region: str) -> list[dict[str, Any]]:
    """A channel's heading, input, encoder health and (with a packager) packager egress."""
    widgets: list[dict[str, Any]] = []
    widgets.append(_text(f"## Channel `{channel.name}`"))
    widgets.append(
        _metrics(
            f"{channel.name}: input",
            region,
            _medialive(channel, "NetworkIn", "Average", "network in (Mbps)")
            + _medialive(channel, "InputVideoFrameRate", "Maximum", "input fps", right=True),
        )
    )
    widgets.append(
        _metrics(
            f"{channel.name}: encoder health",
            region,
            _medialive(channel, "ActiveAlerts", "Maximum", "active alerts")
            + _medialive(channel, "DroppedFrames", "Sum", "dropped frames")
            + _medialive(channel, "FillMsec", "Maximum", "fill msec", right=True)
            + _medialive(channel, "SvqTime", "Maximum", "SVQ %"),
        )
    )
    packager = channel.packager_dimensions
    if packager is not None:
        rows = [
            _row(MEDIAPACKAGE, metric, packager, {"stat": "Sum", "label": label} | ({"yAxis": "right"} if right else {}))
            for metric, label, right in (
                ("IngressRequestCount", "ingest requests", False),
                ("EgressRequestCount", "egress requests", False),
                ("EgressBytes", "egress bytes", True),
            )
        ]
        widgets.append(_metrics(f"{channel.name}: packager ingest and egress", region, rows))
    return widgets


def _cdn_widgets(distribution_id: pulumi.Input[str]) -> list[dict[str, Any]]:
    """The distribution's requests, bytes, error and cache hit rates (CloudFront metrics live in us-east-1)."""
    widgets: list[dict[str, Any]] = []
    widgets.append(_text(f"## CDN (CloudFront, {CDN_REGION})"))
    dims = distribution_dimensions(distribution_id)
    widgets.append(
        _metrics(
            "CDN: requests and bytes",
            CDN_REGION,
            [
                _row(CLOUDFRONT, "Requests", dims, {"stat": "Sum", "label": "requests"}),
                _row(CLOUDFRONT, "BytesDownloaded", dims, {"stat": "Sum", "label": "bytes downloaded", "yAxis": "right"}),
            ],
            period=300,
        )
    )
    widgets.append(
        _metrics(
            "CDN: error and cache hit rates (%)",
            CDN_REGION,
            [
                _row(CLOUDFRONT, metric, dims, {"stat": "Average", "label": label})
                for metric, label in (
                    ("4xxErrorRate", "4xx %"),
                    ("5xxErrorRate", "5xx %"),
                    ("TotalErrorRate", "total errors %"),
                    ("CacheHitRate", "cache hit % (needs additional metrics)"),
                )
            ],
            period=300,
        )
    )
    return widgets


def _medialive(channel: ChannelTarget, metric: str, stat: str, label: str, *, right: bool = False) -> list[list[Any]]:
    """One row per pipeline: the dimensions every MediaLive channel metric is published with."""
    options: dict[str, Any] = {"stat": stat} | ({"yAxis": "right"} if right else {})
    return [
        _row(MEDIALIVE, metric, channel.pipeline_dimensions(p), {**options, "label": f"{label} p{p}"})
        for p in range(channel.pipelines)
    ]


def _row(namespace: str, metric: str, dimensions: Mapping[str, Any], options: dict[str, Any]) -> list[Any]:
    """A dashboard metric row: namespace, metric name, dimension name/value pairs, then the rendering options."""
    return [namespace, metric, *itertools.chain.from_iterable(dimensions.items()), options]


def _widget(kind: str, title: str, properties: dict[str, Any], *, width: int = 12, height: int = 6) -> dict[str, Any]:
    return {"type": kind, "width": width, "height": height, "properties": {"title": title, **properties}}


def _text(markdown: str) -> dict[str, Any]:
    return {"type": "text", "width": 24, "height": 1, "properties": {"markdown": markdown}}


def _metrics(title: str, region: str, metrics: list[list[Any]], *, period: int = 60) -> dict[str, Any]:
    return _widget(
        "metric", title, {"metrics": metrics, "region": region, "view": "timeSeries", "stacked": False, "period": period}
    )
