"""Scheduler: the control function, its roles and the EventBridge Scheduler schedules, under mocks."""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta
from pathlib import Path
from typing import Any

import pulumi
import pytest

from livestream import cost
from livestream.components import scheduler
from livestream.model import cron
from livestream.model.settings import ConfigError, ScheduleSettings
from livestream.plan import engine as offline
from tests.conftest import run_stack, stack_config

FUNCTION = "aws:lambda/function:Function"
SCHEDULE = "aws:scheduler/schedule:Schedule"
GROUP = "aws:scheduler/scheduleGroup:ScheduleGroup"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
TOPIC = "aws:sns/topic:Topic"
KEY = "aws:kms/key:Key"
COMPONENT = "livestream:index:Scheduler"


# --- helpers ----------------------------------------------------------------------------------


def schedules(plan: offline.Plan) -> dict[str, offline.PlannedResource]:
    """Schedules keyed by the action their target receives."""
    found = {json.loads(r.inputs["target"]["input"])["action"]: r for r in plan.of_type(SCHEDULE)}
    assert len(found) == len(plan.of_type(SCHEDULE)), "two schedules send the same action"
    return found


def function(plan: offline.Plan) -> offline.PlannedResource:
    [control] = [r for r in plan.of_type(FUNCTION) if not r.name.endswith("-recordings-indexer")]
    return control


def role_of(plan: offline.Plan, role_arn: str) -> offline.PlannedResource:
    return next(r for r in plan.of_type(ROLE) if r.outputs["arn"] == role_arn)


def policy_of(plan: offline.Plan, role: offline.PlannedResource) -> dict[str, Any]:
    """The one inline policy attached to `role`, parsed."""
    attached = [p for p in plan.of_type(ROLE_POLICY) if p.inputs["role"] == role.outputs.get("id", f"{role.name}-id")]
    assert len(attached) == 1, [p.name for p in attached]
    return json.loads(attached[0].inputs["policy"])


def statements(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in document["Statement"]}


def config_error(stack: str, **overrides: Any) -> ConfigError:
    """The ConfigError a stack is refused with; also proves nothing was registered first."""
    try:
        run_stack(stack, **overrides)
    except ConfigError as error:  # the runner lets the program's exception through
        return error
    except offline.ProgramError as error:  # the runner wraps it, with what was registered
        original = getattr(error, "error", None)
        assert isinstance(original, ConfigError), error
        plan = getattr(error, "plan", None)
        assert plan is None or plan.resources == [], [r.name for r in plan.resources]
        return original
    pytest.fail(f"{overrides} was accepted")


# --- what to schedule (pure) ------------------------------------------------------------------


def test_specs_follow_the_settings() -> None:
    specs = scheduler.schedule_specs(
        ScheduleSettings(
            timezone="Asia/Seoul",
            start="cron(0 19 * * ? *)",
            stop="cron(0 23 * * ? *)",
            idle_stop_minutes=20,
            running_notice_hour=1,
        )
    )
    assert [(s.key, s.expression, s.timezone, dict(s.payload)) for s in specs] == [
        ("start", "cron(0 19 * * ? *)", "Asia/Seoul", {"action": "start", "source": "schedule"}),
        ("stop", "cron(0 23 * * ? *)", "Asia/Seoul", {"action": "stop"}),
        ("stop-if-idle", "rate(5 minutes)", "Asia/Seoul", {"action": "stop-if-idle"}),
        ("notify-if-running", "cron(0 1 * * ? *)", "Asia/Seoul", {"action": "notify-if-running"}),
    ]
    assert all(json.loads(s.input) == s.payload for s in specs)


def test_nothing_configured_schedules_nothing() -> None:
    assert scheduler.schedule_specs(ScheduleSettings(running_notice_hour=None)) == ()


def test_idle_checks_are_not_retried_late() -> None:
    (idle,) = scheduler.schedule_specs(ScheduleSettings(idle_stop_minutes=30, running_notice_hour=None))
    assert idle.retry_attempts == 0 and idle.max_event_age_seconds < 300  # the next check is 5 minutes away


def test_idle_check_runs_at_the_interval_the_cost_model_counts() -> None:
    (idle,) = scheduler.schedule_specs(ScheduleSettings(idle_stop_minutes=30, running_notice_hour=None))
    schedule = cron.parse(idle.expression)
    assert isinstance(schedule, cron.RateSchedule)
    assert schedule.interval == timedelta(minutes=cost.IDLE_CHECK_INTERVAL_MINUTES)
    assert idle.max_event_age_seconds < schedule.interval.total_seconds()


@pytest.mark.parametrize("hour, expression", [(0, "cron(0 0 * * ? *)"), (3, "cron(0 3 * * ? *)"), (23, "cron(0 23 * * ? *)")])
def test_running_notice_expression(hour: int, expression: str) -> None:
    assert scheduler.running_notice_expression(hour) == expression


def test_code_is_the_packaged_control_function() -> None:
    archive = scheduler.function_code()
    assert list(archive.assets) == ["channel_control.py"]
    asset = archive.assets["channel_control.py"]
    assert isinstance(asset, pulumi.FileAsset)
    path = Path(asset.path)
    assert path.is_file() and path.parent.name == "functions" and path.parent.parent.name == "livestream"
    assert scheduler.HANDLER == "channel_control.handler"


# --- dev: evening schedule, idle stop, notice ------------------------------------------------


def test_dev_schedules_carry_timezone_expressions_and_payloads(dev_plan: offline.Plan) -> None:
    found = schedules(dev_plan)
    assert set(found) == {"start", "stop", "stop-if-idle", "notify-if-running"}
    expected = {
        "start": "cron(0 19 * * ? *)",
        "stop": "cron(0 23 * * ? *)",
        "stop-if-idle": "rate(5 minutes)",
        "notify-if-running": "cron(0 1 * * ? *)",
    }
    for action, schedule in found.items():
        assert schedule.inputs["scheduleExpression"] == expected[action]
        assert schedule.inputs["scheduleExpressionTimezone"] == "Asia/Seoul"
        assert schedule.inputs["flexibleTimeWindow"] == {"mode": "OFF"}
        assert schedule.inputs["state"] == "ENABLED"
        # The scheduled start marks itself, so the idle check lets the channel wait for its broadcaster.
        payload = {"action": action, "source": "schedule"} if action == "start" else {"action": action}
        assert json.loads(schedule.inputs["target"]["input"]) == payload


def test_schedules_target_the_control_function_through_the_scheduler_role(dev_plan: offline.Plan) -> None:
    fn = function(dev_plan)
    group = dev_plan.one(GROUP)
    roles = set()
    for schedule in schedules(dev_plan).values():
        assert schedule.inputs["target"]["arn"] == fn.outputs["arn"]
        assert schedule.inputs["groupName"] == group.outputs["name"]
        roles.add(schedule.inputs["target"]["roleArn"])
    assert len(roles) == 1
    assert roles != {fn.inputs["role"]}, "schedules must not borrow the function's own role"


def test_scheduler_role_invokes_only_the_function(dev_plan: offline.Plan) -> None:
    fn = function(dev_plan)
    (role_arn,) = {s.inputs["target"]["roleArn"] for s in schedules(dev_plan).values()}
    role = role_of(dev_plan, role_arn)
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "scheduler.amazonaws.com"}
    assert trust["Action"] == ["sts:AssumeRole"]
    assert trust["Condition"]["StringEquals"] == {"aws:SourceAccount": offline.ACCOUNT_ID}
    assert trust["Condition"]["ArnEquals"] == {"aws:SourceArn": dev_plan.one(GROUP).outputs["arn"]}
    grant, dead_letters = policy_of(dev_plan, role)["Statement"]
    assert grant["Effect"] == "Allow"
    assert grant["Action"] == ["lambda:InvokeFunction"]
    assert grant["Resource"] == [fn.outputs["arn"]]
    queue = dev_plan.one("aws:sqs/queue:Queue")
    assert (dead_letters["Action"], dead_letters["Resource"]) == (["sqs:SendMessage"], [queue.outputs["arn"]])


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_a_failed_schedule_lands_in_a_watched_dead_letter_queue(
    stack: str, dev_plan: offline.Plan, prod_plan: offline.Plan
) -> None:
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    queue = plan.one("aws:sqs/queue:Queue")
    assert queue.inputs["sqsManagedSseEnabled"] is True
    assert queue.inputs["messageRetentionSeconds"] == 14 * 24 * 3600
    for spec in schedules(plan).values():
        assert spec.inputs["target"]["deadLetterConfig"] == {"arn": queue.outputs["arn"]}
    (alarm,) = [a for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm") if a.inputs.get("namespace") == "AWS/SQS"]
    assert alarm.inputs["metricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm.inputs["dimensions"] == {"QueueName": queue.outputs["name"]}
    assert alarm.inputs["alarmActions"] == [plan.exports["alarmTopicArn"]]
    assert (alarm.inputs["comparisonOperator"], alarm.inputs["threshold"]) == ("GreaterThanThreshold", 0)


def test_function_shape(dev_plan: offline.Plan) -> None:
    fn = function(dev_plan).inputs
    assert fn["handler"] == "channel_control.handler"
    assert fn["runtime"] == "python3.14"
    assert fn["architectures"] == ["arm64"]
    assert fn["memorySize"] == 128
    assert fn["timeout"] == 60
    archive = fn["code"]["assetArchive"]
    assert set(archive) == {"channel_control.py"}
    assert archive["channel_control.py"]["path"].endswith("livestream/functions/channel_control.py")


def test_function_environment(dev_plan: offline.Plan) -> None:
    variables = function(dev_plan).inputs["environment"]["variables"]
    assert variables["CHANNEL_IDS"].split(",") == sorted(dev_plan.exports["channelIds"].values())
    assert variables["IDLE_MINUTES"] == "20"
    assert variables["TOPIC_ARN"] == dev_plan.exports["alarmTopicArn"]  # notices reach the people alarms reach


def test_function_logs_to_its_own_group_with_retention(dev_plan: offline.Plan) -> None:
    fn = function(dev_plan)
    log_group = dev_plan.one(LOG_GROUP, "live-dev-scheduler-control-logs")
    assert log_group.inputs["retentionInDays"] == 30
    assert fn.inputs["loggingConfig"]["logGroup"] == log_group.outputs["name"]
    assert log_group.urn in fn.dependencies


def test_function_role_is_scoped_to_the_platform(dev_plan: offline.Plan) -> None:
    fn = function(dev_plan)
    role = role_of(dev_plan, fn.inputs["role"])
    (trust,) = json.loads(role.inputs["assumeRolePolicy"])["Statement"]
    assert trust["Principal"] == {"Service": "lambda.amazonaws.com"}
    granted = statements(policy_of(dev_plan, role))
    channel_arns = sorted(c.outputs["arn"] for c in dev_plan.of_type("aws:medialive/channel:Channel"))
    assert sorted(granted["ControlOwnChannels"]["Action"]) == [
        "medialive:CreateTags",  # who started the channel, and when
        "medialive:DescribeChannel",
        "medialive:StartChannel",
        "medialive:StopChannel",
    ]
    assert sorted(granted["ControlOwnChannels"]["Resource"]) == channel_arns
    assert granted["ReadChannelMetrics"]["Action"] == ["cloudwatch:GetMetricData"]
    assert granted["PublishNotices"] == {
        "Sid": "PublishNotices",
        "Effect": "Allow",
        "Action": ["sns:Publish"],
        "Resource": [fn.inputs["environment"]["variables"]["TOPIC_ARN"]],
    }
    log_group = dev_plan.one(LOG_GROUP, "live-dev-scheduler-control-logs")
    assert granted["WriteOwnLogs"]["Resource"] == [log_group.outputs["arn"] + ":*"]
    assert sorted(granted["WriteOwnLogs"]["Action"]) == ["logs:CreateLogStream", "logs:PutLogEvents"]
    # The alarm topic is encrypted with a customer managed key: the function may use it for that topic only.
    topic = next(t for t in dev_plan.of_type(TOPIC) if t.outputs["arn"] == dev_plan.exports["alarmTopicArn"])
    key = next(k for k in dev_plan.of_type(KEY) if k.outputs["arn"] == topic.inputs["kmsMasterKeyId"])
    assert granted["EncryptNotices"]["Resource"] == [key.outputs["arn"]]
    assert sorted(granted["EncryptNotices"]["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert granted["EncryptNotices"]["Condition"] == {
        "StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic.outputs["arn"]}
    }
    assert set(granted) == {"ControlOwnChannels", "ReadChannelMetrics", "PublishNotices", "WriteOwnLogs", "EncryptNotices"}


def test_wildcard_resources_only_on_read_actions(dev_plan: offline.Plan) -> None:
    for policy in dev_plan.of_type(ROLE_POLICY):
        if "scheduler" not in policy.name:
            continue
        for grant in json.loads(policy.inputs["policy"])["Statement"]:
            if "*" in grant.get("Resource", []):
                verbs = {action.split(":")[1] for action in grant["Action"]}
                assert all(v.startswith(("Get", "Describe", "List")) for v in verbs), grant


def test_everything_lives_under_the_scheduler_component(dev_plan: offline.Plan) -> None:
    component = dev_plan.one(COMPONENT)
    assert component.parent == dev_plan.one("livestream:index:LiveStreamPlatform").urn
    children = {r.urn for r in dev_plan.children(component)}
    for token in (FUNCTION, SCHEDULE, GROUP, LOG_GROUP):
        ours = {r.urn for r in dev_plan.of_type(token) if "-recordings-" not in r.name}  # the indexer is the Recordings'
        assert ours <= children, token


def test_control_function_name_is_exported(dev_plan: offline.Plan) -> None:
    assert dev_plan.exports["controlFunctionName"] == function(dev_plan).outputs["name"]


# --- prod: idle stop only ---------------------------------------------------------------------


def test_prod_has_idle_stop_and_notice_but_no_fixed_times(prod_plan: offline.Plan) -> None:
    found = schedules(prod_plan)
    assert set(found) == {"stop-if-idle", "notify-if-running"}
    assert found["stop-if-idle"].inputs["scheduleExpression"] == "rate(5 minutes)"
    assert found["notify-if-running"].inputs["scheduleExpression"] == "cron(0 4 * * ? *)"
    assert {s.inputs["scheduleExpressionTimezone"] for s in found.values()} == {"Asia/Seoul"}
    assert function(prod_plan).inputs["environment"]["variables"]["IDLE_MINUTES"] == "30"


# --- config variations --------------------------------------------------------------------------


def test_every_channel_is_controlled() -> None:
    channels = stack_config("dev")["livestream:channels"]
    channels["backup"] = channels["main"]
    plan = run_stack("dev", channels=channels)
    variables = function(plan).inputs["environment"]["variables"]
    assert variables["CHANNEL_IDS"] == "live-dev-backup-channel-id,live-dev-main-channel-id"
    role = role_of(plan, function(plan).inputs["role"])
    granted = statements(policy_of(plan, role))
    assert len(granted["ControlOwnChannels"]["Resource"]) == 2
    assert function(plan) and len(plan.of_type(SCHEDULE)) == 4  # shared, not per channel


def test_no_schedule_section_still_deploys_the_function() -> None:
    config = stack_config("dev")
    del config["livestream:schedule"]
    plan = offline.run(Path(__file__).resolve().parents[2], "dev", config=config)
    assert function(plan)
    # The settings model defaults to a 03:00 UTC running notice: nothing else is scheduled.
    assert set(schedules(plan)) == {"notify-if-running"}
    assert plan.one(SCHEDULE).inputs["scheduleExpressionTimezone"] == "UTC"
    assert "IDLE_MINUTES" not in function(plan).inputs["environment"]["variables"]


def test_start_without_any_stop_is_refused() -> None:
    error = config_error("dev", schedule={"timezone": "Asia/Seoul", "start": "cron(0 19 * * ? *)"})
    assert error.key == "livestream:schedule.stop"


def test_start_with_idle_stop_only_is_accepted() -> None:
    plan = run_stack("dev", schedule={"timezone": "Asia/Seoul", "start": "cron(0 19 * * ? *)", "idleStopMinutes": 15})
    assert set(schedules(plan)) == {"start", "stop-if-idle", "notify-if-running"}


@pytest.mark.parametrize(
    "schedule, key",
    [
        ({"timezone": "Asia/Atlantis", "idleStopMinutes": 20}, "livestream:schedule.timezone"),
        ({"timezone": "KST", "idleStopMinutes": 20}, "livestream:schedule.timezone"),
        ({"start": "cron(0 19 * * *)", "stop": "cron(0 23 * * ? *)"}, "livestream:schedule.start"),
        ({"start": "cron(0 19 * * ? *)", "stop": "0 23 * * *"}, "livestream:schedule.stop"),
        ({"start": "cron(0 19 * * * *)", "stop": "cron(0 23 * * ? *)"}, "livestream:schedule.start"),
        ({"idleStopMinutes": 1}, "livestream:schedule.idleStopMinutes"),
        ({"runningNoticeHour": 24}, "livestream:schedule.runningNoticeHour"),
        ({"startAt": "cron(0 19 * * ? *)"}, "livestream:schedule.startAt"),
    ],
)
def test_bad_schedules_are_refused(schedule: dict[str, Any], key: str) -> None:
    assert config_error("dev", schedule=schedule).key == key


# --- the component on its own, as a library user would use it ---------------------------------

PROGRAM = """
    import pulumi
    from livestream.model.settings import ScheduleSettings
    from livestream.components.scheduler import Scheduler

    scheduler = Scheduler(
        "ops",
        ScheduleSettings(timezone="Europe/Berlin", start="cron(30 8 ? * MON-FRI *)", stop="cron(0 18 ? * MON-FRI *)",
                         running_notice_hour=None),
        channel_ids={"studio": "1234567", "field": "7654321"},
        channel_arns={"studio": "arn:aws:medialive:eu-central-1:123456789012:channel:1234567",
                      "field": "arn:aws:medialive:eu-central-1:123456789012:channel:7654321"},
        topic_arn="arn:aws:sns:eu-central-1:123456789012:ops-alerts",
        account_id="123456789012",
        log_retention_days=7,
    )
    pulumi.export("functionName", scheduler.function_name)
"""


@pytest.fixture(scope="module")
def library_plan(tmp_path_factory: pytest.TempPathFactory) -> offline.Plan:
    project = tmp_path_factory.mktemp("library-user")
    (project / "Pulumi.yaml").write_text("name: library-user\nruntime: python\n")
    (project / "Pulumi.test.yaml").write_text("config:\n  aws:region: eu-central-1\n")
    (project / "__main__.py").write_text(textwrap.dedent(PROGRAM))
    return offline.run(project, "test")


def test_library_use_with_a_given_topic(library_plan: offline.Plan) -> None:
    assert library_plan.of_type(TOPIC) == []  # the given topic is used; none is created
    variables = function(library_plan).inputs["environment"]["variables"]
    assert variables == {"CHANNEL_IDS": "7654321,1234567", "TOPIC_ARN": "arn:aws:sns:eu-central-1:123456789012:ops-alerts"}
    found = schedules(library_plan)
    assert set(found) == {"start", "stop"}  # no idle stop, notice switched off
    assert found["start"].inputs["scheduleExpression"] == "cron(30 8 ? * MON-FRI *)"
    assert {s.inputs["scheduleExpressionTimezone"] for s in found.values()} == {"Europe/Berlin"}
    assert library_plan.one(LOG_GROUP).inputs["retentionInDays"] == 7
    granted = statements(policy_of(library_plan, role_of(library_plan, function(library_plan).inputs["role"])))
    assert granted["PublishNotices"]["Resource"] == ["arn:aws:sns:eu-central-1:123456789012:ops-alerts"]
    assert "EncryptNotices" not in granted  # an unencrypted (or AWS-managed-key) topic needs no key grant
    assert library_plan.exports["functionName"] == function(library_plan).outputs["name"]


def test_idle_rules_reach_the_control_function(dev_plan: offline.Plan) -> None:
    variables = function(dev_plan).inputs["environment"]["variables"]
    assert variables["MAX_RUN_HOURS"] == "6"  # the dev stack sets the ceiling
    assert "BROADCASTER_WAIT_MINUTES" not in variables  # off by default: wait until the scheduled stop
    schedule = {**stack_config("dev")["livestream:schedule"], "broadcasterWaitMinutes": 45}
    variables = function(run_stack("dev", schedule=schedule)).inputs["environment"]["variables"]
    assert variables["BROADCASTER_WAIT_MINUTES"] == "45"


def test_prod_has_no_run_ceiling(prod_plan: offline.Plan) -> None:
    assert "MAX_RUN_HOURS" not in function(prod_plan).inputs["environment"]["variables"]
