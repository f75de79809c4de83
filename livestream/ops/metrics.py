"""CloudWatch reads shared by status, verify and smoke: channel input, run time, CDN requests, alarms.

MediaLive publishes per channel and pipeline (`AWS/MediaLive`, dimensions ChannelId + Pipeline
"0"/"1"): https://docs.aws.amazon.com/medialive/latest/ug/monitoring-eml-metrics.html.
`ActiveAlerts` has datapoints exactly while a channel runs ("meaning of no datapoints: the channel
isn't running", https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-global.html), so its
1-minute datapoints count the minutes a channel ran. No AWS page says what `InputVideoFrameRate`
publishes while a running channel receives nothing, so "no input" is 0 or no datapoints alike.
CloudFront publishes in us-east-1 with Region=Global:
https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from livestream.ops.aws import GLOBAL_REGION, Aws, translated

MEDIALIVE = "AWS/MediaLive"
CLOUDFRONT = "AWS/CloudFront"
PERIOD_SECONDS = 60  # MediaLive and CloudFront both publish 1-minute datapoints
RECENT_MINUTES = 5  # "now" for input and CDN requests: long enough to hold a few datapoints
DESCRIBE_ALARMS_BATCH = 100  # DescribeAlarms takes at most 100 AlarmNames


@dataclass(frozen=True)
class PipelineInput:
    pipeline: str
    max_fps: float | None  # None: no datapoints in the window

    @property
    def arriving(self) -> bool:
        return bool(self.max_fps)

    @property
    def summary(self) -> str:
        if self.max_fps is None:
            return "no data"
        return f"arriving ({self.max_fps:g} fps)" if self.max_fps > 0 else "none (0 fps)"


def datapoints(
    aws: Aws,
    namespace: str,
    metric: str,
    dimensions: Mapping[str, str],
    start: datetime,
    end: datetime,
    *,
    statistic: str = "Maximum",
    period: int = PERIOD_SECONDS,
    region: str | None = None,
) -> list[tuple[datetime, float]]:
    """(timestamp, value) pairs, oldest first."""
    with translated(f"read {namespace} {metric}", aws.region):
        answer = aws.client("cloudwatch", region).get_metric_statistics(
            Namespace=namespace,
            MetricName=metric,
            Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()],
            StartTime=start,
            EndTime=end,
            Period=period,
            Statistics=[statistic],
        )
    points = [(p["Timestamp"], float(p[statistic])) for p in answer.get("Datapoints", [])]
    return sorted(points, key=lambda p: p[0])


def pipeline_dimensions(channel_id: str, pipeline: int) -> dict[str, str]:
    return {"ChannelId": channel_id, "Pipeline": str(pipeline)}


def input_per_pipeline(aws: Aws, channel_id: str, pipelines: int, now: datetime) -> list[PipelineInput]:
    """The highest input frame rate per pipeline over the last few minutes."""
    start = now - timedelta(minutes=RECENT_MINUTES)
    found = []
    for pipeline in range(pipelines):
        points = datapoints(aws, MEDIALIVE, "InputVideoFrameRate", pipeline_dimensions(channel_id, pipeline), start, now)
        found.append(PipelineInput(str(pipeline), max((v for _, v in points), default=None)))
    return found


def minutes_running(aws: Aws, channel_id: str, pipelines: int, since: datetime, now: datetime) -> int:
    """Minutes since `since` in which any pipeline published ActiveAlerts, i.e. the channel ran."""
    minutes: set[datetime] = set()
    for pipeline in range(pipelines):
        points = datapoints(aws, MEDIALIVE, "ActiveAlerts", pipeline_dimensions(channel_id, pipeline), since, now)
        minutes |= {ts.replace(second=0, microsecond=0) for ts, _ in points}
    return len(minutes)


def cdn_requests(aws: Aws, distribution_id: str, now: datetime) -> int | None:
    """Viewer requests to the distribution in the last few minutes; None when CloudWatch has no datapoints."""
    start = now - timedelta(minutes=RECENT_MINUTES)
    dims = {"DistributionId": distribution_id, "Region": "Global"}
    points = datapoints(aws, CLOUDFRONT, "Requests", dims, start, now, statistic="Sum", region=GLOBAL_REGION)
    return int(sum(v for _, v in points)) if points else None


def _batches(names: Sequence[str]) -> Iterable[list[str]]:
    for i in range(0, len(names), DESCRIBE_ALARMS_BATCH):
        yield list(names[i : i + DESCRIBE_ALARMS_BATCH])


def describe_alarms(aws: Aws, alarm_names: Mapping[str, Sequence[str]]) -> dict[str, dict[str, Any]]:
    """The platform's metric alarms by name, each with the region it was found in."""
    found: dict[str, dict[str, Any]] = {}
    for region, names in alarm_names.items():
        client = aws.client("cloudwatch", region)
        for batch in _batches(names):
            with translated(f"describe alarms in {region}", aws.region):
                for page in client.get_paginator("describe_alarms").paginate(AlarmNames=batch, AlarmTypes=["MetricAlarm"]):
                    for alarm in page.get("MetricAlarms", []):
                        found[alarm["AlarmName"]] = {**alarm, "Region": region}
    return found


def alarm_metrics(alarm: Mapping[str, Any]) -> list[tuple[str, str, dict[str, str]]]:
    """(namespace, metric, dimensions) an alarm reads: its own metric or each metric-math query's."""
    if alarm.get("MetricName"):
        dims = {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])}
        return [(alarm.get("Namespace", ""), alarm["MetricName"], dims)]
    found = []
    for query in alarm.get("Metrics", []):
        metric = (query.get("MetricStat") or {}).get("Metric")
        if metric:
            dims = {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])}
            found.append((metric.get("Namespace", ""), metric["MetricName"], dims))
    return found


def metric_exists(aws: Aws, namespace: str, metric: str, dimensions: Mapping[str, str], region: str) -> bool:
    """Whether CloudWatch holds this metric (ListMetrics lists metrics with datapoints in the last two weeks)."""
    with translated(f"list {namespace} {metric}", aws.region):
        answer = aws.client("cloudwatch", region).list_metrics(
            Namespace=namespace, MetricName=metric, Dimensions=[{"Name": k, "Value": v} for k, v in dimensions.items()]
        )
    wanted = set(dimensions.items())
    return any(
        m.get("MetricName") == metric and wanted == {(d["Name"], d["Value"]) for d in m.get("Dimensions", [])}
        for m in answer.get("Metrics", [])
    )
