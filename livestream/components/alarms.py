"""Alarms: the operator's view of a platform — alarms, dashboard, notification topic, budget.

Built from plain inputs (MediaLive channel ids, MediaPackage v2 names, the distribution id),
so it imports no other subcomponent. What it creates:

- an SNS topic encrypted with a customer-managed KMS key, e-mail subscriptions, and a topic
  policy letting CloudWatch (this account's alarms) and AWS Budgets publish. The AWS-managed
  `alias/aws/sns` key cannot be used: its key policy cannot be changed to let
  `cloudwatch.amazonaws.com` or `budgets.amazonaws.com` use it, so their notifications would
  be dropped.
- per channel and pipeline (`ChannelId`, `Pipeline` "0"/"1") in `AWS/MediaLive`: active
  alerts, input loss, dropped frames, HLS output errors; for the distribution
  (`AWS/CloudFront`, `Region=Global`, us-east-1): 5xx and 4xx error rates. Idle channels
  publish no datapoints, so every alarm treats missing data as not breaching; every alarm
  notifies on ALARM and on OK. Each rule names the AWS page that documents its namespace,
  metric and dimension set (`Rule.source`, model/alarm_rules.py). There is no MediaPackage v2
  alarm: its StatusCodeRange dimensions were found on no AWS page; a failing origin shows as
  the CDN 5xx rate, a failing ingest as the channel's output errors.
- a CloudWatch dashboard, and the monthly AWS Budgets cost budget scoped by the platform's
  cost-allocation tag.

CloudFront publishes its metrics only in us-east-1 and an alarm can only watch metrics of its
own region and notify a topic of its own region, so off us-east-1 the CDN alarms get their
own key, topic and subscriptions there (resource-level `region`, same provider and
credentials).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import pulumi

from livestream.components import aws, iam, state_events
from livestream.components import tags as cost_tags
from livestream.components.dashboard import (
    ChannelTarget,
    dashboard_body,
    dashboard_name,
    dashboard_url,
    distribution_dimensions,
)
from livestream.model.alarm_rules import (
    CDN_REGION,
    DISTRIBUTION_RULES,
    MEDIALIVE,
    MISSING_DATA,
    PIPELINE_RULES,
    RULES,
    description,
    runbook_markdown,
)
from livestream.model.settings import AlarmSettings, BudgetSettings

__all__ = ["RULES", "Alarms", "ChannelTarget", "alarm_count", "dashboard_body", "dashboard_name", "runbook_markdown"]

BUDGET_ACTUAL_PERCENT = 80
BUDGET_FORECAST_PERCENT = 100


def alarm_count(channels: Sequence[ChannelTarget], *, with_distribution: bool, with_dead_letters: bool = False) -> int:
    """How many alarms `Alarms` creates for these inputs (plus `watch_dead_letters`' one, if called)."""
    per_pipeline = sum(c.pipelines * (len(PIPELINE_RULES) + (c.hls_output_group is not None)) for c in channels)
    return per_pipeline + (len(DISTRIBUTION_RULES) if with_distribution else 0) + with_dead_letters


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
        return alarms

    def _output_errors(
        self,
        name: str,
        where: str,
        topic_arn: pulumi.Input[str],
        dims: Mapping[str, pulumi.Input[str]],
        output_group: pulumi.Input[str],
    ) -> aws.cloudwatch.MetricAlarm:
        """4xx + 5xx from the HLS output group's destination, as one alarm (metric math).

        MediaLive publishes a datapoint only for the error kinds that occurred, and `a + b` is
        missing when either series is, so each series is filled with 0 first (CloudWatch metric
        math FILL: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
        """
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
                id="errors", expression="FILL(e4xx, 0) + FILL(e5xx, 0)", label="HLS output errors", return_data=True
            )
        )
        return self._alarm(name, "outputErrors", where, topic_arn, metric_queries=queries)

    def _cdn_alarms(
        self, name: str, distribution_id: pulumi.Input[str], topic_arn: pulumi.Input[str], region: str | None
    ) -> list[aws.cloudwatch.MetricAlarm]:
        dims = distribution_dimensions(distribution_id)
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
            alarm_description=description(rule, where, limit)[:1024],
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

    def watch_dead_letters(self, queue_name: pulumi.Input[str]) -> aws.cloudwatch.MetricAlarm:
        """Alarm when the schedules' dead-letter queue holds a message: a scheduled start or stop failed.

        Named under this component (`<name>-schedule-dead-letters`) so the topic policy's aws:SourceArn
        pattern admits it. AWS/SQS ApproximateNumberOfMessagesVisible, dimension QueueName:
        https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
        """
        return aws.cloudwatch.MetricAlarm(
            f"{self._name}-schedule-dead-letters",
            alarm_description=(
                "A schedule could not invoke the channel control function after its retries (its event is in the "
                "dead-letter queue): a channel may not have started or stopped. What to do: read the queue's message, "
                "start or stop the channel by hand, then purge the queue."
            ),
            namespace="AWS/SQS",
            metric_name="ApproximateNumberOfMessagesVisible",
            dimensions={"QueueName": queue_name},
            statistic="Maximum",
            period=300,
            evaluation_periods=1,
            threshold=0,
            comparison_operator="GreaterThanThreshold",
            treat_missing_data=MISSING_DATA,
            actions_enabled=True,
            alarm_actions=[self.topic_arn],
            ok_actions=[self.topic_arn],
            opts=pulumi.ResourceOptions(parent=self),
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


def _unique(emails: Sequence[str]) -> tuple[str, ...]:
    """E-mail addresses once each (case-insensitively), in the order given."""
    seen: dict[str, str] = {}
    for email in emails:
        seen.setdefault(email.lower(), email)
    return tuple(seen.values())
