"""The alarm rules: for each kind of alarm, its metric, how it is judged, what it means and what to do.

Pure data (no Pulumi): the Alarms component builds CloudWatch alarms from it, and the README's
runbook table is printed from it, so the two cannot disagree. Thresholds are settings
(`livestream.model.settings.ALARM_DEFAULTS`, overridden per stack).
"""

from __future__ import annotations

from dataclasses import dataclass

from livestream.model.settings import AlarmThreshold

CDN_REGION = "us-east-1"  # CloudFront metrics exist only here
MEDIALIVE = "AWS/MediaLive"
MEDIAPACKAGE = "AWS/MediaPackage"
CLOUDFRONT = "AWS/CloudFront"
AT_LEAST = "GreaterThanOrEqualToThreshold"
BELOW = "LessThanThreshold"
MISSING_DATA = "notBreaching"  # idle channel = no datapoints = not an incident


@dataclass(frozen=True)
class Rule:
    """One kind of alarm: its metric, how it is judged, what it means and what to do."""

    key: str  # key in config.ALARM_DEFAULTS / livestream:alarms.thresholds
    slug: str  # in resource names
    title: str
    scope: str  # "pipeline", "channel" or "distribution"
    namespace: str
    metric: str
    statistic: str
    comparison: str
    meaning: str
    action: str
    dimensions: tuple[str, ...] = ()  # the dimension set AWS documents for this metric
    source: str = ""  # the AWS page that documents namespace, metric and dimension set


# Where each alarm's namespace, metric and dimension set is documented.
MEDIALIVE_GLOBAL = "https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-global.html"
MEDIALIVE_INPUT = "https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-input-metrics.html"
MEDIALIVE_OUTPUT = "https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-output-metrics.html"
# The MediaLive output-metrics page lists DroppedFrames with "Pipeline, Region"; AWS's own CDK
# MediaLive reference builds it per channel pipeline (Channel.metricDroppedFrames(Pipeline)). The
# alarm follows the CDK; should MediaLive publish no per-channel series it stays OK (missing data
# is not breaching) and the Encoder alerts alarm still reports a struggling encoder.
MEDIALIVE_DROPPED_FRAMES = "https://docs.aws.amazon.com/cdk/api/v2/docs/@aws-cdk_aws-medialive-alpha.Pipeline.html"
CLOUDFRONT_METRICS = "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html"
PIPELINE_DIMENSIONS = ("ChannelId", "Pipeline")
OUTPUT_GROUP_DIMENSIONS = ("ChannelId", "OutputGroupName", "Pipeline")
DISTRIBUTION_DIMENSIONS = ("DistributionId", "Region")

RULES: dict[str, Rule] = {
    rule.key: rule
    for rule in (
        Rule(
            "activeAlerts",
            "active-alerts",
            "Encoder alerts",
            "pipeline",
            MEDIALIVE,
            "ActiveAlerts",
            "Maximum",
            AT_LEAST,
            "MediaLive has raised alerts on this pipeline (input not detected, output failures, ...).",
            "Open the channel in the MediaLive console, Alerts tab: it names the fault. Fix the input or destination it names.",
            PIPELINE_DIMENSIONS,
            MEDIALIVE_GLOBAL,
        ),
        Rule(
            "inputLoss",
            "input-loss",
            "Input lost",
            "pipeline",
            MEDIALIVE,
            "InputVideoFrameRate",
            "Maximum",
            BELOW,
            "The channel is running but no video frames arrive: the encoder stopped sending or the network dropped.",
            "Check the phone/encoder is live and pushing to this pipeline's ingest URL, and that its network is "
            "in the allowed CIDRs. Stop the channel if the broadcast is over (it bills while running).",
            PIPELINE_DIMENSIONS,
            MEDIALIVE_INPUT,
        ),
        Rule(
            "droppedFrames",
            "dropped-frames",
            "Dropped frames",
            "pipeline",
            MEDIALIVE,
            "DroppedFrames",
            "Sum",
            AT_LEAST,
            "The encoder cannot keep up with real time and drops input frames; viewers see stutter.",
            "Lower the source resolution/frame rate or bitrate at the encoder, or use a lighter ladder; "
            "check the input specification matches what is sent.",
            PIPELINE_DIMENSIONS,
            MEDIALIVE_DROPPED_FRAMES,
        ),
        Rule(
            "outputErrors",
            "output-errors",
            "Output errors",
            "pipeline",
            MEDIALIVE,
            "Output4xxErrors+Output5xxErrors",
            "Sum",
            AT_LEAST,
            "Pushing HLS to the packager's ingest endpoint fails (4xx: rejected/permissions, 5xx: packager side).",
            "4xx: check the MediaPackage v2 channel policy grants the MediaLive role PutObject and the ingest URLs "
            "are current. 5xx: check the AWS Health Dashboard for MediaPackage; MediaLive retries.",
            OUTPUT_GROUP_DIMENSIONS,
            MEDIALIVE_OUTPUT,
        ),
        Rule(
            "cdn5xxRate",
            "5xx-rate",
            "CDN 5xx rate",
            "distribution",
            CLOUDFRONT,
            "5xxErrorRate",
            "Average",
            AT_LEAST,
            "A share of viewer requests gets 5xx from CloudFront: the origin (MediaPackage) fails or is unreachable.",
            "Check the channel's Output errors alarm and origin access (OAC, endpoint policy); "
            "CloudFront metrics are in us-east-1.",
            DISTRIBUTION_DIMENSIONS,
            CLOUDFRONT_METRICS,
        ),
        Rule(
            "cdn4xxRate",
            "4xx-rate",
            "CDN 4xx rate",
            "distribution",
            CLOUDFRONT,
            "4xxErrorRate",
            "Average",
            AT_LEAST,
            "Many viewer requests are refused or not found: expired signed URLs, geo blocking, wrong playback URL, "
            "or segments requested after they left the DVR window.",
            "Check the player's URL and signing, the geo restriction, and that the channel is running; "
            "a short spike at stream start/stop is normal.",
            DISTRIBUTION_DIMENSIONS,
            CLOUDFRONT_METRICS,
        ),
    )
}


# Which rules each scope gets (the HLS output-error alarm is added per pipeline when the group is known).
PIPELINE_RULES = ("activeAlerts", "inputLoss", "droppedFrames")
DISTRIBUTION_RULES = ("cdn5xxRate", "cdn4xxRate")


def runbook_markdown() -> str:
    """The README's runbook table, from the same data the alarms are built from."""
    rows = ["| alarm (threshold key) | what it means | what to do |", "|---|---|---|"]
    rows += [f"| {r.title} (`{r.key}`, per {r.scope}) | {r.meaning} | {r.action} |" for r in RULES.values()]
    return "\n".join(rows)


def description(rule: Rule, where: str, limit: AlarmThreshold) -> str:
    sign = "<" if rule.comparison == BELOW else ">="
    minutes = limit.period_seconds * limit.evaluation_periods / 60
    return (
        f"{rule.title} on {where}: {rule.metric} {rule.statistic} {sign} {limit.threshold:g} "
        f"for {minutes:g} min. {rule.meaning} What to do: {rule.action}"
    )
