"""One AWS/MediaLive metric over every pipeline of a channel, as 1-minute maxima.

Standard library and boto3 only, shipped next to the handler in the same Lambda archive. The
dimension set is ChannelId + Pipeline ("0", "1")
(https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-global.html).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError


def pipeline_maxima(
    cloudwatch: Any, channel_id: str, pipelines: int, name: str, start: datetime, end: datetime
) -> list[tuple[datetime, float]]:
    """(minute, maximum) datapoints of `name` on each pipeline; an AWS error reads as no datapoints."""
    queries = [
        {
            "Id": f"p{pipeline}",
            "MetricStat": {
                "Metric": {
                    "Namespace": "AWS/MediaLive",
                    "MetricName": name,
                    "Dimensions": [
                        {"Name": "ChannelId", "Value": channel_id},
                        {"Name": "Pipeline", "Value": str(pipeline)},
                    ],
                },
                "Period": 60,
                "Stat": "Maximum",
            },
        }
        for pipeline in range(pipelines)
    ]
    try:
        results = cloudwatch.get_metric_data(MetricDataQueries=queries, StartTime=start, EndTime=end)
    except (ClientError, BotoCoreError):
        return []
    return [
        (t, v) for r in results["MetricDataResults"] for t, v in zip(r.get("Timestamps", []), r.get("Values", []), strict=False)
    ]
