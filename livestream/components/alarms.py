"""Alarms: the operator's view of a platform — alarms, dashboard, notification topic, budget.

Built from plain inputs (MediaLive channel ids, MediaPackage v2 names, the distribution id),
so it imports no other subcomponent. What it creates:

- an SNS topic encrypted with a customer-managed KMS key, e-mail subscriptions, and a topic
  policy letting CloudWatch (this account's alarms) and AWS Budgets publish. The AWS-managed
  `alias/aws/sns` key cannot be used: its key policy cannot be changed to let
  `cloudwatch.amazonaws.com` or `budgets.amazonaws.com` use it, so their notifications would
  be dropped.
- per channel and pipeline (`ChannelId`, `Pipeline` "0"/"1") in `AWS/MediaLive`: active
  alerts, input loss, dropped frames, HLS output errors; per channel in `AWS/MediaPackage`:
  egress 5xx; for the distribution (`AWS/CloudFront`, `Region=Global`, us-east-1): 5xx and 4xx
  error rates. Idle channels publish no datapoints, so every alarm treats missing data as
  not breaching; every alarm notifies on ALARM and on OK.
- a CloudWatch dashboard, and the monthly AWS Budgets cost budget scoped by the platform's
  cost-allocation tag.

CloudFront publishes its metrics only in us-east-1 and an alarm can only watch metrics of its
own region and notify a topic of its own region, so off us-east-1 the CDN alarms get their
own key, topic and subscriptions there (resource-level `region`, same provider and
credentials).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pulumi
import pulumi_aws as aws

from livestream.components import iam, state_events
from livestream.components import tags as cost_tags
from livestream.model.settings import AlarmSettings, AlarmThreshold, BudgetSettings

CDN_REGION = "us-east-1"  # CloudFront metrics exist only here
MEDIALIVE = "AWS/MediaLive"
MEDIAPACKAGE = "AWS/MediaPackage"
CLOUDFRONT = "AWS/CloudFront"
AT_LEAST = "GreaterThanOrEqualToThreshold"
BELOW = "LessThanThreshold"
MISSING_DATA = "notBreaching"  # idle channel = no datapoints = not an incident
BUDGET_ACTUAL_PERCENT = 80
BUDGET_FORECAST_PERCENT = 100
MAX_ALARMS_PER_WIDGET = 100


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
        ),
        Rule(
            "packagerErrors",
            "packager-5xx",
            "Packager 5xx",
            "channel",
            MEDIAPACKAGE,
            "EgressRequestCount",
            "Sum",
            AT_LEAST,
            "MediaPackage answers viewers/CloudFront with server errors: usually no fresh segments from the encoder.",
            "Check the channel's input alarms first (a stalled input makes stale manifests); then the AWS Health "
            "Dashboard for MediaPackage in this region.",
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
            "Check the packager alarms and origin access (OAC, endpoint policy); CloudFront metrics are in us-east-1.",
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
        ),
    )
}


# Which rules each scope gets (the HLS output-error alarm is added per pipeline when the group is known).
PIPELINE_RULES = ("activeAlerts", "inputLoss", "droppedFrames")
DISTRIBUTION_RULES = ("cdn5xxRate", "cdn4xxRate")


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
        """How MediaPackage v2 publishes this channel's metrics; None without a packager."""
        if self.packager_channel_group is None or self.packager_channel is None:
            return None
        return {"ChannelGroup": self.packager_channel_group, "Channel": self.packager_channel}

    def pipeline_dimensions(self, pipeline: int) -> dict[str, pulumi.Input[str]]:
        """How MediaLive publishes this channel's metrics: per pipeline, "0" and "1"."""
        return {"ChannelId": self.channel_id, "Pipeline": str(pipeline)}


def _distribution_dimensions(distribution_id: pulumi.Input[str]) -> dict[str, pulumi.Input[str]]:
    """How CloudFront publishes a distribution's metrics (us-east-1, Region=Global)."""
    return {"DistributionId": distribution_id, "Region": "Global"}


def runbook_markdown() -> str:
    """The README's runbook table, from the same data the alarms are built from."""
    rows = ["| alarm (threshold key) | what it means | what to do |", "|---|---|---|"]
    rows += [f"| {r.title} (`{r.key}`, per {r.scope}) | {r.meaning} | {r.action} |" for r in RULES.values()]
    return "\n".join(rows)


def alarm_count(channels: Sequence[ChannelTarget], *, with_distribution: bool) -> int:
    """How many alarms `Alarms` creates for these inputs."""
    per_pipeline = sum(c.pipelines * (len(PIPELINE_RULES) + (c.hls_output_group is not None)) for c in channels)
    per_channel = sum(c.packager_dimensions is not None for c in channels)
    return per_pipeline + per_channel + (len(DISTRIBUTION_RULES) if with_distribution else 0)


def dashboard_name(platform: str) -> str:
    """CloudWatch dashboard names allow letters, digits, '-' and '_' (at most 255)."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", platform)[:255]


def dashboard_url(region: str, name: pulumi.Input[str]) -> pulumi.Output[str]:
    return pulumi.Output.concat(
        f"https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#dashboards/dashboard/", name
    )


@dataclass(frozen=True)
class _Topic:
    key: aws.kms.Key
    topic: aws.sns.Topic
    policy: aws.sns.TopicPolicy


class _Publisher(NamedTuple):
    """A service allowed to publish to a topic, from sources matching `source_arn` in this account."""

    sid: str
    service: str
    source_arn: pulumi.Input[str]


class Alarms(pulumi.ComponentResource):
    """Alarms, dashboard, topic and budget for one platform."""

    topic_arn: pulumi.Output[str]
    topic_kms_key_arn: pulumi.Output[str]
    dashboard_name: pulumi.Output[str]
    dashboard_url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        settings: AlarmSettings,
        *,
        platform: str,
        region: str,
        channels: Sequence[ChannelTarget],
        budget: BudgetSettings | None = None,
        distribution_id: pulumi.Input[str] | None = None,
        account_id: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`platform` names the dashboard and scopes the budget (the `livestream:platform` tag value)."""
        super().__init__("livestream:index:Alarms", name, None, opts)
        self._name = name
        self._thresholds = settings.thresholds
        invoke = pulumi.InvokeOutputOptions(parent=self)
        if account_id is None:
            account_id = aws.get_caller_identity_output(opts=invoke).account_id
        self._account = pulumi.Output.from_input(account_id)
        self._partition = aws.get_partition_output(opts=invoke).partition
        emails = _unique(settings.emails)

        main = self._topic(name, platform, emails, region=None)
        self.topic_arn = main.topic.arn
        self.topic_kms_key_arn = main.key.arn
        arns = [self._channel_arn(region, c.channel_id) for c in channels]
        self.state_rule = state_events.channel_state_rule(name, platform, arns, main.topic.arn, self) if channels else None
        self.channel_alarms: list[aws.cloudwatch.MetricAlarm] = []
        for channel in channels:
            self.channel_alarms += self._channel_alarms(f"{name}-{channel.name}", channel, main.topic.arn)
        cdn_region = None if region == CDN_REGION else CDN_REGION  # None: the CDN alarms live in the stack's region
        self.cdn_alarms: list[aws.cloudwatch.MetricAlarm] = []
        if distribution_id is not None:
            cdn_topic = main if cdn_region is None else self._topic(f"{name}-cdn", platform, emails, region=cdn_region)
            self.cdn_alarms = self._cdn_alarms(f"{name}-cdn", distribution_id, cdn_topic.topic.arn, cdn_region)
        self.alarms = self.channel_alarms + self.cdn_alarms

        same_region = self.alarms if cdn_region is None else self.channel_alarms  # an alarm widget shows its own region
        dashboard = aws.cloudwatch.Dashboard(
            f"{name}-dashboard",
            dashboard_name=dashboard_name(platform),
            dashboard_body=pulumi.Output.json_dumps(
                dashboard_body(region, channels, distribution_id, [a.arn for a in same_region])
            ),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.dashboard_name = dashboard.dashboard_name
        self.dashboard_url = dashboard_url(region, dashboard.dashboard_name)
        self.budget = self._budget(name, platform, budget, main) if budget is not None and budget.monthly_usd else None
        self.register_outputs(
            {
                "topicArn": self.topic_arn,
                "topicKmsKeyArn": self.topic_kms_key_arn,
                "dashboardName": self.dashboard_name,
                "dashboardUrl": self.dashboard_url,
                "alarmCount": len(self.alarms),
            }
        )

    # --- topic -----------------------------------------------------------------------------

    def _topic(self, name: str, platform: str, emails: Sequence[str], *, region: str | None) -> _Topic:
        """A CMK-encrypted topic CloudWatch alarms (and, for the main topic, Budgets) may publish to.

        `region` None: the provider's region. Budgets notify only the main topic.
        """
        child = pulumi.ResourceOptions(parent=self)
        publishers = self._publishers(region)
        key = aws.kms.Key(
            f"{name}-topic-key",
            description=f"Encrypts the livestream {platform} alarm topic" + (f" ({region})" if region else ""),
            enable_key_rotation=True,
            policy=self._key_policy([p.service for p in publishers]),
            region=region,
            opts=child,
        )
        topic = aws.sns.Topic(
            f"{name}-topic",
            display_name=f"livestream {platform}"[:100],
            kms_master_key_id=key.arn,
            region=region,
            opts=child,
        )
        policy = aws.sns.TopicPolicy(
            f"{name}-topic-policy",
            arn=topic.arn,
            policy=self._topic_policy(topic.arn, publishers),
            region=region,
            opts=pulumi.ResourceOptions(parent=topic),
        )
        for email in emails:
            aws.sns.TopicSubscription(
                f"{name}-email-{email}",
                topic=topic.arn,
                protocol="email",
                endpoint=email,
                region=region,
                opts=pulumi.ResourceOptions(parent=topic),
            )
        return _Topic(key, topic, policy)

    def _publishers(self, region: str | None) -> list[_Publisher]:
        """Who publishes to a topic in `region`: this platform's alarms there and, for the main topic, Budgets."""
        alarm_region = region or aws.get_region_output(opts=pulumi.InvokeOutputOptions(parent=self)).region
        alarms = pulumi.Output.concat(
            "arn:", self._partition, ":cloudwatch:", alarm_region, ":", self._account, ":alarm:", self._name, "-*"
        )
        publishers = [_Publisher("CloudWatchAlarmsPublish", "cloudwatch.amazonaws.com", alarms)]
        if region is None:
            budgets = pulumi.Output.concat("arn:", self._partition, ":budgets::", self._account, ":*")
            publishers.append(_Publisher("BudgetsPublish", "budgets.amazonaws.com", budgets))
            rules = pulumi.Output.concat(
                "arn:", self._partition, ":events:", alarm_region, ":", self._account, ":rule/", self._name, "-*"
            )
            publishers.append(_Publisher("ChannelStateEventsPublish", "events.amazonaws.com", rules))
        return publishers

    def _channel_arn(self, region: str, channel_id: pulumi.Input[str]) -> pulumi.Output[str]:
        return pulumi.Output.concat("arn:", self._partition, ":medialive:", region, ":", self._account, ":channel:", channel_id)

    def _key_policy(self, services: Sequence[str]) -> pulumi.Output[str]:
        """Account administrators manage the key; the publishing services may encrypt messages with it.

        The service statements follow the SNS guide ("compatibility between event sources from AWS
        services and encrypted topics") without extra conditions: the key encrypts this one topic
        only, and publishing is scoped by the topic policy's SourceAccount/SourceArn conditions.
        """
        root = pulumi.Output.concat("arn:", self._partition, ":iam::", self._account, ":root")
        return iam.document(
            iam.statement(["kms:*"], ["*"], principal={"AWS": root}, sid="AccountAdministers"),
            iam.statement(
                ["kms:Decrypt", "kms:GenerateDataKey*"],
                ["*"],
                principal={"Service": list(services)},
                sid="ServicesEncryptNotifications",
            ),
        )

    def _topic_policy(self, topic_arn: pulumi.Input[str], publishers: Sequence[_Publisher]) -> pulumi.Output[str]:
        return iam.document(
            *(
                iam.statement(
                    ["sns:Publish"],
                    [topic_arn],
                    principal={"Service": p.service},
                    condition={"StringEquals": {"aws:SourceAccount": self._account}, "ArnLike": {"aws:SourceArn": p.source_arn}},
                    sid=p.sid,
                )
                for p in publishers
            )
        )

    # --- alarms ----------------------------------------------------------------------------

    def _channel_alarms(
        self, name: str, channel: ChannelTarget, topic_arn: pulumi.Input[str]
    ) -> list[aws.cloudwatch.MetricAlarm]:
        alarms = []
        for pipeline in range(channel.pipelines):
            where = f"channel {channel.name}, pipeline {pipeline}"
            dims = channel.pipeline_dimensions(pipeline)
            for key in PIPELINE_RULES:
                alarms.append(self._alarm(f"{name}-p{pipeline}-{RULES[key].slug}", key, where, topic_arn, dimensions=dims))
            if channel.hls_output_group is not None:
                slug = RULES["outputErrors"].slug
                alarms.append(self._output_errors(f"{name}-p{pipeline}-{slug}", where, topic_arn, dims, channel.hls_output_group))
        packager = channel.packager_dimensions
        if packager is not None:
            alarms.append(
                self._alarm(
                    f"{name}-{RULES['packagerErrors'].slug}",
                    "packagerErrors",
                    f"channel {channel.name}",
                    topic_arn,
                    dimensions={**packager, "StatusCodeRange": "5xx"},
                )
            )
        return alarms

    def _output_errors(
        self,
        name: str,
        where: str,
        topic_arn: pulumi.Input[str],
        dims: Mapping[str, pulumi.Input[str]],
        output_group: pulumi.Input[str],
    ) -> aws.cloudwatch.MetricAlarm:
        """4xx + 5xx from the HLS output group's destination, as one alarm (metric math)."""
        limit = self._thresholds["outputErrors"]
        group = {**dims, "OutputGroupName": output_group}
        queries = [
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id=query_id,
                return_data=False,
                metric=aws.cloudwatch.MetricAlarmMetricQueryMetricArgs(
                    namespace=MEDIALIVE, metric_name=metric, dimensions=group, period=limit.period_seconds, stat="Sum"
                ),
            )
            for query_id, metric in (("e4xx", "Output4xxErrors"), ("e5xx", "Output5xxErrors"))
        ]
        queries.append(
            aws.cloudwatch.MetricAlarmMetricQueryArgs(
                id="errors", expression="e4xx + e5xx", label="HLS output errors", return_data=True
            )
        )
        return self._alarm(name, "outputErrors", where, topic_arn, metric_queries=queries)

    def _cdn_alarms(
        self, name: str, distribution_id: pulumi.Input[str], topic_arn: pulumi.Input[str], region: str | None
    ) -> list[aws.cloudwatch.MetricAlarm]:
        dims = _distribution_dimensions(distribution_id)
        return [
            self._alarm(f"{name}-{RULES[key].slug}", key, "the distribution", topic_arn, dimensions=dims, region=region)
            for key in DISTRIBUTION_RULES
        ]

    def _alarm(
        self,
        name: str,
        key: str,
        where: str,
        topic_arn: pulumi.Input[str],
        *,
        dimensions: Mapping[str, pulumi.Input[str]] | None = None,
        metric_queries: Sequence[aws.cloudwatch.MetricAlarmMetricQueryArgs] | None = None,
        region: str | None = None,
    ) -> aws.cloudwatch.MetricAlarm:
        rule, limit = RULES[key], self._thresholds[key]
        metric: dict[str, Any] = (
            {"metric_queries": metric_queries}
            if metric_queries is not None
            else {
                "namespace": rule.namespace,
                "metric_name": rule.metric,
                "dimensions": dimensions,
                "statistic": rule.statistic,
                "period": limit.period_seconds,
            }
        )
        return aws.cloudwatch.MetricAlarm(
            name,
            alarm_description=_description(rule, where, limit)[:1024],
            comparison_operator=rule.comparison,
            threshold=limit.threshold,
            evaluation_periods=limit.evaluation_periods,
            datapoints_to_alarm=limit.evaluation_periods,
            treat_missing_data=MISSING_DATA,
            actions_enabled=True,
            alarm_actions=[topic_arn],
            ok_actions=[topic_arn],
            region=region,
            opts=pulumi.ResourceOptions(parent=self),
            **metric,
        )

    # --- budget ----------------------------------------------------------------------------

    def _budget(self, name: str, platform: str, budget: BudgetSettings, main: _Topic) -> aws.budgets.Budget:
        """Monthly cost of everything tagged `livestream:platform=<platform>`: 80 % actual, 100 % forecast."""
        emails = list(_unique(budget.emails)) or None

        def notification(kind: str, percent: int) -> aws.budgets.BudgetNotificationArgs:
            return aws.budgets.BudgetNotificationArgs(
                notification_type=kind,
                comparison_operator="GREATER_THAN",
                threshold=percent,
                threshold_type="PERCENTAGE",
                subscriber_sns_topic_arns=[main.topic.arn],
                subscriber_email_addresses=emails,
            )

        assert budget.monthly_usd is not None
        return aws.budgets.Budget(
            f"{name}-budget",
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=f"{budget.monthly_usd:.2f}",
            limit_unit="USD",
            cost_filters=[aws.budgets.BudgetCostFilterArgs(name="TagKeyValue", values=[cost_tags.cost_filter_value(platform)])],
            notifications=[notification("ACTUAL", BUDGET_ACTUAL_PERCENT), notification("FORECASTED", BUDGET_FORECAST_PERCENT)],
            opts=pulumi.ResourceOptions(parent=self, depends_on=[main.policy]),  # Budgets checks it may publish
        )


# --- dashboard -----------------------------------------------------------------------------


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
            requests = [
                _row(MEDIAPACKAGE, "EgressRequestCount", {**packager, **status}, {"stat": "Sum", "label": label})
                for label, status in (("requests", {}), ("4xx", {"StatusCodeRange": "4xx"}), ("5xx", {"StatusCodeRange": "5xx"}))
            ]
            egress = _row(MEDIAPACKAGE, "EgressBytes", packager, {"stat": "Sum", "label": "bytes", "yAxis": "right"})
            widgets.append(_metrics(f"{channel.name}: packager egress", region, [*requests, egress]))
    if distribution_id is not None:
        widgets.append(_text(f"## CDN (CloudFront, {CDN_REGION})"))
        dims = _distribution_dimensions(distribution_id)
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
    return {"start": "-PT6H", "periodOverride": "inherit", "widgets": widgets}


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


# --- helpers -------------------------------------------------------------------------------


def _description(rule: Rule, where: str, limit: AlarmThreshold) -> str:
    sign = "<" if rule.comparison == BELOW else ">="
    minutes = limit.period_seconds * limit.evaluation_periods / 60
    return (
        f"{rule.title} on {where}: {rule.metric} {rule.statistic} {sign} {limit.threshold:g} "
        f"for {minutes:g} min. {rule.meaning} What to do: {rule.action}"
    )


def _unique(emails: Sequence[str]) -> tuple[str, ...]:
    """E-mail addresses once each (case-insensitively), in the order given."""
    seen: dict[str, str] = {}
    for email in emails:
        seen.setdefault(email.lower(), email)
    return tuple(seen.values())
