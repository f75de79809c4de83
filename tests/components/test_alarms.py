"""Alarms, dashboard, topic and budget, as the dev and prod stacks (and a library user) register them."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from livestream.components import alarms
from livestream.functions import channel_control
from livestream.model import settings as config
from livestream.plan import engine as offline
from livestream.plan.engine import Plan, PlannedResource
from tests.conftest import ROOT, run_stack, stack_config

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
TOPIC = "aws:sns/topic:Topic"
TWO_CHANNELS = Path(__file__).resolve().parents[1] / "fixtures" / "two_channels"
PIPELINE_KINDS = ("activeAlerts", "inputLoss", "droppedFrames", "outputErrors")
KIND_BY_METRIC = {
    "ActiveAlerts": "activeAlerts",
    "InputVideoFrameRate": "inputLoss",
    "DroppedFrames": "droppedFrames",
    "5xxErrorRate": "cdn5xxRate",
    "4xxErrorRate": "cdn4xxRate",
    "ApproximateNumberOfMessagesVisible": "scheduleDeadLetters",
}


def kind(alarm: PlannedResource) -> str:
    if "metricQueries" in alarm.inputs:
        metrics = {q["metric"]["metricName"] for q in alarm.inputs["metricQueries"] if "metric" in q}
        assert metrics == {"Output4xxErrors", "Output5xxErrors"}
        return "outputErrors"
    return KIND_BY_METRIC[alarm.inputs["metricName"]]


def dimension_sets(alarm: PlannedResource) -> list[dict[str, str]]:
    if "metricQueries" in alarm.inputs:
        return [q["metric"]["dimensions"] for q in alarm.inputs["metricQueries"] if "metric" in q]
    return [alarm.inputs["dimensions"]]


def by_kind(plan: Plan) -> dict[str, list[PlannedResource]]:
    found: dict[str, list[PlannedResource]] = {}
    for alarm in plan.of_type(ALARM):
        found.setdefault(kind(alarm), []).append(alarm)
    return found


def channel_ids(plan: Plan) -> dict[str, str]:
    """MediaLive channel id per channel name, from what the engine would return."""
    return {
        r.name.removesuffix("-channel").split("-")[-1]: r.outputs["channelId"]
        for r in plan.of_type("aws:medialive/channel:Channel")
    }


def topic(plan: Plan, arn: str) -> PlannedResource:
    return next(t for t in plan.of_type(TOPIC) if t.outputs["arn"] == arn)


def policy(resource: PlannedResource) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(resource.inputs["policy"])
    return document


# --- number, kind and dimensions ------------------------------------------------------------


@pytest.mark.parametrize(("stack", "pipelines"), [("dev", 1), ("prod", 2)])
def test_alarm_kinds_per_pipeline_class(stack: str, pipelines: int, dev_plan: Plan, prod_plan: Plan) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    counts = Counter(kind(a) for a in plan.of_type(ALARM))
    assert counts == {
        **dict.fromkeys(PIPELINE_KINDS, pipelines),
        "cdn5xxRate": 1,
        "cdn4xxRate": 1,
        "scheduleDeadLetters": 1,
    }
    assert sum(counts.values()) == {"dev": 7, "prod": 11}[stack]
    target = alarms.ChannelTarget("main", "id", pipelines, "packager", "group", "main")
    assert alarms.alarm_count([target], with_distribution=True, with_dead_letters=True) == sum(counts.values())


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_medialive_alarms_watch_each_pipeline_of_the_channel(stack: str, dev_plan: Plan, prod_plan: Plan) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    channel_id = channel_ids(plan)["main"]
    expected = {"0"} if stack == "dev" else {"0", "1"}
    for name, found in by_kind(plan).items():
        if name not in PIPELINE_KINDS:
            continue
        pipelines = set()
        for alarm in found:
            for dims in dimension_sets(alarm):
                assert dims["ChannelId"] == channel_id
                pipelines.add(dims["Pipeline"])
            if name != "outputErrors":
                assert alarm.inputs["namespace"] == "AWS/MediaLive"
                assert set(alarm.inputs["dimensions"]) == {"ChannelId", "Pipeline"}
        assert pipelines == expected, name


def test_input_loss_is_no_frames_while_running(dev_plan: Plan) -> None:
    (alarm,) = by_kind(dev_plan)["inputLoss"]
    assert alarm.inputs["statistic"] == "Maximum"
    assert alarm.inputs["comparisonOperator"] == "LessThanThreshold"
    assert alarm.inputs["threshold"] == 1


def test_output_errors_watch_the_hls_group_that_feeds_the_packager(prod_plan: Plan) -> None:
    channel = prod_plan.one("aws:medialive/channel:Channel")
    hls_groups = [
        g["name"] for g in channel.inputs["encoderSettings"]["outputGroups"] if "hlsGroupSettings" in g["outputGroupSettings"]
    ]
    assert len(hls_groups) == 1
    for alarm in by_kind(prod_plan)["outputErrors"]:
        queries = alarm.inputs["metricQueries"]
        assert [q["id"] for q in queries if q.get("returnData")] == ["errors"]
        # A pipeline that had no 4xx in a minute publishes no Output4xxErrors datapoint: without FILL
        # the sum is missing too, and the 5xx it should count is hidden.
        assert next(q for q in queries if q.get("returnData"))["expression"] == "FILL(e4xx, 0) + FILL(e5xx, 0)"
        assert {d["OutputGroupName"] for d in dimension_sets(alarm)} == set(hls_groups)
        assert all(q["metric"]["stat"] == "Sum" for q in queries if "metric" in q)


def test_dashboard_graphs_the_v2_channel_by_channel_group_and_channel(dev_plan: Plan) -> None:
    body = json.loads(dev_plan.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    group = dev_plan.one("aws-native:mediapackagev2:ChannelGroup").outputs["channelGroupName"]
    channel = dev_plan.one("aws-native:mediapackagev2:Channel").outputs["channelName"]
    rows = [m for w in body["widgets"] if w["type"] == "metric" for m in w["properties"]["metrics"]]
    packager = [r for r in rows if r[0] == "AWS/MediaPackage"]
    assert packager and all(r[2:-1] == ["ChannelGroup", group, "Channel", channel] for r in packager)


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_cdn_alarms_live_in_us_east_1_and_notify_a_topic_there(stack: str, dev_plan: Plan, prod_plan: Plan) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    distribution = plan.exports["distributionId"]
    found = by_kind(plan)
    for alarm in found["cdn5xxRate"] + found["cdn4xxRate"]:
        assert alarm.inputs["region"] == "us-east-1"
        assert alarm.inputs["namespace"] == "AWS/CloudFront"
        assert alarm.inputs["dimensions"] == {"DistributionId": distribution, "Region": "Global"}
        assert alarm.inputs["statistic"] == "Average"
        (target,) = set(alarm.inputs["alarmActions"])
        cdn_topic = topic(plan, target)
        assert cdn_topic.inputs["region"] == "us-east-1"
        assert ":us-east-1:" in target
        key = next(k for k in plan.of_type("aws:kms/key:Key") if k.outputs["arn"] == cdn_topic.inputs["kmsMasterKeyId"])
        assert key.inputs["region"] == "us-east-1"
    for name in PIPELINE_KINDS:
        assert all("region" not in a.inputs for a in found[name])  # the stack's own region


def test_in_us_east_1_one_topic_serves_every_alarm() -> None:
    plan = offline.run(ROOT, "dev", config={**stack_config("dev"), "aws:region": "us-east-1"})
    (only,) = plan.of_type(TOPIC)
    for alarm in plan.of_type(ALARM):
        assert "region" not in alarm.inputs
        assert alarm.inputs["alarmActions"] == [only.outputs["arn"]]


# --- behaviour: quiet when idle, loud on ALARM and OK ---------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_alarm_is_quiet_when_idle_and_notifies_on_alarm_and_ok(stack: str, dev_plan: Plan, prod_plan: Plan) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    main_topic = plan.exports["alarmTopicArn"]
    for alarm in plan.of_type(ALARM):
        inputs = alarm.inputs
        assert inputs["treatMissingData"] == "notBreaching", alarm.name
        assert inputs["actionsEnabled"] is True
        assert len(inputs["alarmActions"]) == 1
        assert inputs["okActions"] == inputs["alarmActions"]
        assert "insufficientDataActions" not in inputs
        if kind(alarm) not in ("cdn5xxRate", "cdn4xxRate"):
            assert inputs["alarmActions"] == [main_topic]
        assert "What to do:" in inputs["alarmDescription"]
        assert len(inputs["alarmDescription"]) <= 1024


def test_thresholds_and_periods_come_from_config(dev_plan: Plan) -> None:
    defaults = {kind(a): a.inputs for a in dev_plan.of_type(ALARM)}
    for key, (threshold, period, evaluations) in config.ALARM_DEFAULTS.items():
        inputs = defaults[key]
        assert inputs["threshold"] == threshold, key
        assert inputs["evaluationPeriods"] == evaluations == inputs["datapointsToAlarm"], key
        periods = [q["metric"]["period"] for q in inputs.get("metricQueries", []) if "metric" in q] or [inputs["period"]]
        assert set(periods) == {period}, key

    overrides = {"inputLoss": {"periodSeconds": 30, "evaluationPeriods": 4}, "cdn5xxRate": {"threshold": 2}}
    plan = run_stack("dev", alarms={"emails": ["ops@example.com"], "thresholds": overrides})
    changed = {kind(a): a.inputs for a in plan.of_type(ALARM)}
    assert (changed["inputLoss"]["period"], changed["inputLoss"]["evaluationPeriods"], changed["inputLoss"]["threshold"]) == (
        30,
        4,
        1,
    )
    assert (changed["cdn5xxRate"]["threshold"], changed["cdn5xxRate"]["period"]) == (2, 300)
    assert changed["droppedFrames"]["threshold"] == config.ALARM_DEFAULTS["droppedFrames"][0]


# --- topic, key, subscriptions --------------------------------------------------------------


def test_topic_is_encrypted_with_a_key_cloudwatch_budgets_and_eventbridge_may_use(dev_plan: Plan) -> None:
    main = topic(dev_plan, dev_plan.exports["alarmTopicArn"])
    key = next(k for k in dev_plan.of_type("aws:kms/key:Key") if k.outputs["arn"] == main.inputs["kmsMasterKeyId"])
    assert not main.inputs["kmsMasterKeyId"].startswith("alias/aws/")
    assert key.inputs["enableKeyRotation"] is True
    statements = {s["Sid"]: s for s in policy(key)["Statement"]}
    assert statements["AccountAdministers"]["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}
    services = statements["ServicesEncryptNotifications"]
    assert set(services["Principal"]["Service"]) == {"cloudwatch.amazonaws.com", "budgets.amazonaws.com", "events.amazonaws.com"}
    assert set(services["Action"]) == {"kms:Decrypt", "kms:GenerateDataKey*"}


def test_topic_policy_lets_only_our_alarms_budgets_and_state_rule_publish(dev_plan: Plan) -> None:
    arn = dev_plan.exports["alarmTopicArn"]
    document = policy(next(p for p in dev_plan.of_type("aws:sns/topicPolicy:TopicPolicy") if p.inputs["arn"] == arn))
    statements = {s["Sid"]: s for s in document["Statement"]}
    assert set(statements) == {"CloudWatchAlarmsPublish", "BudgetsPublish", "ChannelStateEventsPublish"}
    for sid, service, source in (
        (
            "CloudWatchAlarmsPublish",
            "cloudwatch.amazonaws.com",
            "arn:aws:cloudwatch:ap-northeast-2:123456789012:alarm:live-dev-alarms-*",
        ),
        ("BudgetsPublish", "budgets.amazonaws.com", "arn:aws:budgets::123456789012:*"),
        (
            "ChannelStateEventsPublish",
            "events.amazonaws.com",
            "arn:aws:events:ap-northeast-2:123456789012:rule/live-dev-alarms-*",
        ),
    ):
        statement = statements[sid]
        assert statement["Principal"] == {"Service": service}
        assert statement["Action"] == ["sns:Publish"]
        assert statement["Resource"] == [arn]
        assert statement["Condition"] == {
            "StringEquals": {"aws:SourceAccount": "123456789012"},
            "ArnLike": {"aws:SourceArn": source},
        }
    for alarm in dev_plan.of_type(ALARM):
        assert alarm.name.startswith("live-dev-alarms-")  # auto-named from this prefix, so the ArnLike matches
    rule = dev_plan.one("aws:cloudwatch/eventRule:EventRule", "live-dev-alarms-channel-state")
    assert "name" not in rule.inputs and rule.outputs["name"].startswith("live-dev-alarms-")  # auto-named too


def test_every_address_subscribes_once_to_each_topic(prod_plan: Plan) -> None:
    subscriptions = prod_plan.of_type("aws:sns/topicSubscription:TopicSubscription")
    topics = {t.outputs["arn"] for t in prod_plan.of_type(TOPIC)}
    assert len(topics) == 2
    emails = stack_config("prod")["livestream:alarms"]["emails"]
    assert sorted((s.inputs["topic"], s.inputs["endpoint"]) for s in subscriptions) == sorted(
        (t, e) for t in topics for e in emails
    )
    assert {s.inputs["protocol"] for s in subscriptions} == {"email"}

    plan = run_stack("dev", alarms={"emails": ["ops@example.com", "OPS@example.com"]})
    assert len(plan.of_type("aws:sns/topicSubscription:TopicSubscription")) == 2  # one per topic


# --- dashboard ------------------------------------------------------------------------------


def dashboard(plan: Plan) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(plan.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardBody"])
    return body


def metric_rows(body: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    return [
        (w["properties"]["region"], row) for w in body["widgets"] if w["type"] == "metric" for row in w["properties"]["metrics"]
    ]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_dashboard_covers_input_encoder_packager_and_cdn(stack: str, dev_plan: Plan, prod_plan: Plan) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    body = dashboard(plan)
    rows = metric_rows(body)
    channel_id = channel_ids(plan)["main"]
    pipelines = {"dev": {"0"}, "prod": {"0", "1"}}[stack]
    for metric in ("NetworkIn", "InputVideoFrameRate", "ActiveAlerts", "DroppedFrames", "FillMsec", "SvqTime"):
        found = {row[5] for region, row in rows if row[:4] == ["AWS/MediaLive", metric, "ChannelId", channel_id]}
        assert found == pipelines, metric
    packager = [row for _, row in rows if row[0] == "AWS/MediaPackage"]
    assert {row[1] for row in packager} == {"IngressRequestCount", "EgressRequestCount", "EgressBytes"}
    cdn = [(region, row) for region, row in rows if row[0] == "AWS/CloudFront"]
    distribution = plan.exports["distributionId"]
    assert {region for region, _ in cdn} == {"us-east-1"}
    assert {row[1] for _, row in cdn} == {
        "Requests",
        "BytesDownloaded",
        "4xxErrorRate",
        "5xxErrorRate",
        "TotalErrorRate",
        "CacheHitRate",
    }
    assert all(row[2:6] == ["DistributionId", distribution, "Region", "Global"] for _, row in cdn)
    alarm_widgets = [w for w in body["widgets"] if w["type"] == "alarm"]
    # The schedules' dead-letter alarm is added once the scheduler exists, after the dashboard; it notifies the topic.
    same_region = [a.outputs["arn"] for a in plan.of_type(ALARM) if "region" not in a.inputs and kind(a) != "scheduleDeadLetters"]
    assert sorted(arn for w in alarm_widgets for arn in w["properties"]["alarms"]) == sorted(same_region)


def test_dashboard_references_every_channel_of_a_library_platform() -> None:
    plan = offline.run(TWO_CHANNELS, "test")
    body = json.dumps(dashboard(plan))
    ids = channel_ids(plan)
    assert set(ids) == {"a", "b"}  # studio-studio-a / studio-studio-b
    for channel_id in ids.values():
        assert channel_id in body
    assert "studio-a" in body and "studio-b" in body
    assert not plan.of_type("aws:budgets/budget:Budget")  # no budget.monthlyUsd, no budget


def test_dashboard_url_is_exported(dev_plan: Plan) -> None:
    name = dev_plan.one("aws:cloudwatch/dashboard:Dashboard").inputs["dashboardName"]
    assert name == "live-dev"
    assert dev_plan.exports["dashboardUrl"] == (
        "https://ap-northeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-2#dashboards/dashboard/live-dev"
    )


def test_dashboard_body_is_plain_data() -> None:
    targets = [alarms.ChannelTarget(f"ch{i}", f"id-{i}", 2) for i in range(3)]
    body = alarms.dashboard_body("eu-west-1", targets, None, [f"arn:{i}" for i in range(150)])
    parsed = json.loads(json.dumps(body))
    alarm_widgets = [w for w in parsed["widgets"] if w["type"] == "alarm"]
    assert [len(w["properties"]["alarms"]) for w in alarm_widgets] == [100, 50]
    assert not any(row[0] in ("AWS/MediaPackage", "AWS/CloudFront") for _, row in metric_rows(parsed))
    assert alarms.dashboard_name("my platform/1") == "my-platform-1"


# --- budget ---------------------------------------------------------------------------------


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_monthly_budget_scoped_by_the_platform_tag(stack: str, dev_plan: Plan, prod_plan: Plan) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    amount = f"{stack_config(stack)['livestream:budget']['monthlyUsd']:.2f}"
    budget = plan.one("aws:budgets/budget:Budget").inputs
    assert (budget["budgetType"], budget["timeUnit"], budget["limitUnit"], budget["limitAmount"]) == (
        "COST",
        "MONTHLY",
        "USD",
        amount,
    )
    assert budget["costFilters"] == [{"name": "TagKeyValue", "values": [f"user:livestream:platform$live-{stack}"]}]
    notifications = {(n["notificationType"], n["threshold"]) for n in budget["notifications"]}
    assert notifications == {("ACTUAL", 80), ("FORECASTED", 100)}
    for notification in budget["notifications"]:
        assert notification["thresholdType"] == "PERCENTAGE"
        assert notification["comparisonOperator"] == "GREATER_THAN"
        assert notification["subscriberSnsTopicArns"] == [plan.exports["alarmTopicArn"]]
        assert "subscriberEmailAddresses" not in notification


def test_budget_emails_are_notified_directly() -> None:
    plan = run_stack("dev", budget={"monthlyUsd": 40, "emails": ["finance@example.com"]})
    budget = plan.one("aws:budgets/budget:Budget").inputs
    assert budget["limitAmount"] == "40.00"
    assert all(n["subscriberEmailAddresses"] == ["finance@example.com"] for n in budget["notifications"])


# --- bad input: a clear error and nothing created -----------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "key", "hint"),
    [
        ({"alarms": {"emails": ["ops@example"]}}, "livestream:alarms.emails[0]", "e-mail address"),
        ({"alarms": {"emails": "ops@example.com"}}, "livestream:alarms.emails", "list"),
        ({"alarms": {"thresholds": {"inputLos": {"threshold": 1}}}}, "livestream:alarms.thresholds.inputLos", "inputLoss"),
        (
            {"alarms": {"thresholds": {"inputLoss": {"periodSeconds": 45}}}},
            "livestream:alarms.thresholds.inputLoss.periodSeconds",
            "60",
        ),
        ({"alarms": {"thresholds": {"inputLoss": {"limit": 1}}}}, "livestream:alarms.thresholds.inputLoss.limit", "threshold"),
        ({"budget": {"monthlyUsd": 0}}, "livestream:budget.monthlyUsd", "greater than 0"),
        ({"budget": {"monthlyUsd": -5}}, "livestream:budget.monthlyUsd", "greater than 0"),
        ({"budget": {"monthlyUsd": 10, "emails": ["finance@"]}}, "livestream:budget.emails[0]", "e-mail"),
        ({"budget": {"emails": [f"f{i}@example.com" for i in range(11)]}}, "livestream:budget.emails", "at most 10"),
    ],
)
def test_bad_operations_settings_fail_before_anything_is_created(overrides: dict[str, Any], key: str, hint: str) -> None:
    with pytest.raises(offline.ProgramError) as raised:
        run_stack("dev", **overrides)
    error = raised.value.error
    assert isinstance(error, config.ConfigError)
    assert error.key == key
    assert hint in str(error)
    assert raised.value.plan is not None and raised.value.plan.resources == []


# --- runbook --------------------------------------------------------------------------------


def test_idle_check_reads_the_metric_the_input_loss_alarm_watches() -> None:
    """The control function runs alone in Lambda, so it keeps its own copy of the metric's name,
    namespace and dimensions; they must stay the input-loss alarm's."""
    for key, metric in (("inputLoss", channel_control.METRIC), ("activeAlerts", channel_control.RUNNING_METRIC)):
        rule = alarms.RULES[key]
        assert (rule.namespace, rule.metric) == (channel_control.NAMESPACE, metric)
        query = channel_control._query("q", "1234567", metric, "1")["MetricStat"]
        dimensions = {d["Name"]: d["Value"] for d in query["Metric"]["Dimensions"]}
        assert dimensions == alarms.ChannelTarget("main", "1234567", 2).pipeline_dimensions(1)
        assert query["Stat"] == rule.statistic


# --- every alarm watches a documented metric --------------------------------------------------

# (namespace, metric) -> the dimension sets AWS documents for it, with the page that says so.
# MediaLive global metrics (ActiveAlerts: ChannelId, Pipeline):
#   https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-global.html
# MediaLive input metrics (InputVideoFrameRate: ChannelId, Pipeline):
#   https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-input-metrics.html
# MediaLive output metrics (Output4xxErrors / Output5xxErrors: ChannelId, OutputGroupName, Pipeline):
#   https://docs.aws.amazon.com/medialive/latest/ug/eml-metrics-output-metrics.html
# DroppedFrames per channel pipeline (ChannelId, Pipeline): the CDK MediaLive reference
#   (Channel.metricDroppedFrames(Pipeline)) https://docs.aws.amazon.com/cdk/api/v2/docs/@aws-cdk_aws-medialive-alpha.Pipeline.html
#   - the MediaLive output-metrics page lists "Pipeline, Region" for it, which no per-channel alarm can use.
# CloudFront distribution metrics (DistributionId, Region=Global):
#   https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html
# SQS (ApproximateNumberOfMessagesVisible: QueueName):
#   https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html
DOCUMENTED: dict[tuple[str, str], list[set[str]]] = {
    ("AWS/MediaLive", "ActiveAlerts"): [{"ChannelId", "Pipeline"}],
    ("AWS/MediaLive", "InputVideoFrameRate"): [{"ChannelId", "Pipeline"}],
    ("AWS/MediaLive", "DroppedFrames"): [{"ChannelId", "Pipeline"}],
    ("AWS/MediaLive", "Output4xxErrors"): [{"ChannelId", "OutputGroupName", "Pipeline"}],
    ("AWS/MediaLive", "Output5xxErrors"): [{"ChannelId", "OutputGroupName", "Pipeline"}],
    ("AWS/CloudFront", "5xxErrorRate"): [{"DistributionId", "Region"}],
    ("AWS/CloudFront", "4xxErrorRate"): [{"DistributionId", "Region"}],
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): [{"QueueName"}],
}


def watched_metrics(alarm: PlannedResource) -> list[tuple[str, str, set[str]]]:
    inputs = alarm.inputs
    if "metricQueries" in inputs:
        return [
            (q["metric"]["namespace"], q["metric"]["metricName"], set(q["metric"]["dimensions"]))
            for q in inputs["metricQueries"]
            if "metric" in q
        ]
    return [(inputs["namespace"], inputs["metricName"], set(inputs["dimensions"]))]


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_alarm_watches_a_documented_metric_and_dimension_set(stack: str, dev_plan: Plan, prod_plan: Plan) -> None:
    """The MediaPackage v2 5xx alarm (ChannelGroup, Channel, StatusCodeRange) matched no AWS page: it is gone."""
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    for alarm in plan.of_type(ALARM):
        for namespace, metric, dimensions in watched_metrics(alarm):
            assert dimensions in DOCUMENTED.get((namespace, metric), []), (alarm.name, namespace, metric, dimensions)


def test_every_rule_cites_the_page_documenting_its_metric() -> None:
    for rule in alarms.RULES.values():
        assert rule.source.startswith("https://docs.aws.amazon.com/"), rule.key
        for metric in rule.metric.split("+"):
            assert set(rule.dimensions) in DOCUMENTED[(rule.namespace, metric)], rule.key
