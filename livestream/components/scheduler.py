"""Scheduler: the channel control function and the EventBridge Scheduler schedules that invoke it.

A channel bills while it runs, so this component is the platform's cost guard:

- the control function (`livestream/functions/channel_control.py`, its events and rules in its docstring) starts, stops,
  reports on and idle-stops the platform's own MediaLive channels; it always exists, because it
  is also the operator's start/stop button (`aws lambda invoke ... '{"action": "start"}'`);
- schedules from `livestream:schedule`, all in one IANA timezone: fixed `start` / `stop` crons,
  a `rate(5 minutes)` idle check when `idleStopMinutes` is set, and a daily "still running"
  notice at `runningNoticeHour` local time.

EventBridge Scheduler invokes the function through its own execution role (no Lambda resource
policy is involved); that role may invoke only this function, and only for schedules in this
platform's schedule group.

A schedule that cannot invoke the function after its retries drops its event into an SQS
dead-letter queue (EventBridge Scheduler "Configuring a schedule's dead-letter queue":
https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html); the
platform alarms on that queue (`Alarms.watch_dead_letters`), so a failed scheduled stop is noticed
instead of leaving a channel billing all night.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from livestream.components import aws, iam, lambdas
from livestream.cost import IDLE_CHECK_INTERVAL_MINUTES
from livestream.model.settings import ScheduleSettings

TYPE = "livestream:index:Scheduler"

FUNCTION_MODULE = "channel_control"
HANDLER = f"{FUNCTION_MODULE}.handler"
MEMORY_MB = 128  # a few boto3 calls; the function is I/O-bound
TIMEOUT_SECONDS = 60  # adaptive retries against MediaLive throttling fit comfortably
LOG_RETENTION_DAYS = 30
# Dead-letter events are kept for SQS's maximum, 14 days: long enough to read after a holiday.
DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3600
# The cost model counts idle checks at this interval; the schedule is built from the same figure.
IDLE_CHECK_EXPRESSION = f"rate({IDLE_CHECK_INTERVAL_MINUTES} minutes)"


SCHEDULE_SOURCE = "schedule"


# --- what to schedule (pure data, unit-tested) -------------------------------------------------


@dataclass(frozen=True)
class ScheduleSpec:
    """One schedule: when, in which timezone, and the action the control function receives."""

    key: str  # the control function's action; also names the schedule
    expression: str
    timezone: str
    description: str
    # A missed start, stop or notice is retried for up to an hour: a late stop still saves money,
    # and a late start is what an operator would do by hand anyway.
    retry_attempts: int = 3
    max_event_age_seconds: int = 3600

    @property
    def payload(self) -> dict[str, Any]:
        # The scheduled start says so: the control function tags the channel started-by=schedule,
        # and its idle check then lets it wait for its broadcaster (README: idle-stop rules).
        return {"action": self.key, "source": SCHEDULE_SOURCE} if self.key == "start" else {"action": self.key}

    @property
    def input(self) -> str:
        return json.dumps(self.payload, sort_keys=True)


def running_notice_expression(hour: int) -> str:
    """Once a day at `hour` o'clock local time."""
    return f"cron(0 {hour} * * ? *)"


def schedule_specs(settings: ScheduleSettings) -> tuple[ScheduleSpec, ...]:
    """The schedules `settings` asks for; none at all is fine (the function is still invocable by hand)."""
    tz = settings.timezone
    specs: list[ScheduleSpec] = []
    if settings.start is not None:
        specs.append(ScheduleSpec("start", settings.start, tz, "Start the channels"))
    if settings.stop is not None:
        specs.append(ScheduleSpec("stop", settings.stop, tz, "Stop the channels"))
    if settings.idle_stop_minutes is not None:
        # The next check is one interval away: retrying an old check only repeats it late.
        specs.append(
            ScheduleSpec(
                "stop-if-idle",
                IDLE_CHECK_EXPRESSION,
                tz,
                f"Stop channels that received no video for {settings.idle_stop_minutes} minutes",
                retry_attempts=0,
                max_event_age_seconds=(IDLE_CHECK_INTERVAL_MINUTES - 1) * 60,
            )
        )
    if settings.running_notice_hour is not None:
        specs.append(
            ScheduleSpec(
                "notify-if-running",
                running_notice_expression(settings.running_notice_hour),
                tz,
                f"Notify the topic if a channel is still running at {settings.running_notice_hour:02d}:00 {tz}",
            )
        )
    return tuple(specs)


def idle_rules(settings: ScheduleSettings) -> dict[str, str]:
    """The control function's environment for its stop-if-idle rules (only the ones that are set)."""
    values = {
        "IDLE_MINUTES": settings.idle_stop_minutes,
        "BROADCASTER_WAIT_MINUTES": settings.broadcaster_wait_minutes,
        "MAX_RUN_HOURS": settings.max_run_hours,
    }
    return {name: str(value) for name, value in values.items() if value is not None}


# --- IAM documents -----------------------------------------------------------------------------


def function_policy(
    channel_arns: Sequence[pulumi.Input[str]],
    topic_arn: pulumi.Input[str],
    log_group_arn: pulumi.Input[str],
    topic_kms_key_arn: pulumi.Input[str] | None = None,
) -> pulumi.Output[str]:
    """What the control function may do: its own channels, metrics, its topic, its log group."""
    statements = [
        iam.statement(
            # CreateTags: a start records who started the channel and when (livestream:started-by/-at).
            ["medialive:DescribeChannel", "medialive:StartChannel", "medialive:StopChannel", "medialive:CreateTags"],
            list(channel_arns),
            sid="ControlOwnChannels",
        ),
        # GetMetricData supports no resource-level permissions or condition keys: "*" is the only
        # valid resource. It is a read action; the function reads AWS/MediaLive only.
        iam.statement(["cloudwatch:GetMetricData"], ["*"], sid="ReadChannelMetrics"),
        iam.statement(["sns:Publish"], [topic_arn], sid="PublishNotices"),
        iam.statement(
            ["logs:CreateLogStream", "logs:PutLogEvents"],
            [pulumi.Output.concat(log_group_arn, ":*")],
            sid="WriteOwnLogs",
        ),
    ]
    if topic_kms_key_arn is not None:
        # An encrypted topic: SNS encrypts with the publisher's credentials, for this topic only.
        statements.append(
            iam.statement(
                ["kms:Decrypt", "kms:GenerateDataKey*"],
                [topic_kms_key_arn],
                condition={"StringEquals": {"kms:EncryptionContext:aws:sns:topicArn": topic_arn}},
                sid="EncryptNotices",
            )
        )
    return iam.document(*statements)


def scheduler_trust(account_id: pulumi.Input[str], schedule_group_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """EventBridge Scheduler may assume the role only for this account's schedule group (confused deputy)."""
    return iam.service_trust("scheduler.amazonaws.com", source_account=account_id, source_arn=schedule_group_arn)


def scheduler_policy(function_arn: pulumi.Input[str], dead_letter_arn: pulumi.Input[str]) -> pulumi.Output[str]:
    """The schedules' execution role: invoke the control function, and deliver dead-letter events to its queue.

    Scheduler sends dead-letter events with the execution role, which needs sqs:SendMessage on the queue
    (https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html)."""
    return iam.document(
        iam.statement(["lambda:InvokeFunction"], [function_arn], sid="InvokeControlFunction"),
        iam.statement(["sqs:SendMessage"], [dead_letter_arn], sid="DeliverDeadLetters"),
    )


def function_code() -> pulumi.AssetArchive:
    """The control function's source, read from the installed package (works from a wheel too)."""
    return lambdas.code("control function", FUNCTION_MODULE)


# --- component ---------------------------------------------------------------------------------


class Scheduler(pulumi.ComponentResource):
    """The control function plus its schedules; shared by every channel of a platform."""

    function_name: pulumi.Output[str]
    function_arn: pulumi.Output[str]
    topic_arn: pulumi.Output[str]
    schedule_group_name: pulumi.Output[str]
    dead_letter_queue_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        settings: ScheduleSettings,
        *,
        channel_ids: Mapping[str, pulumi.Input[str]],
        channel_arns: Mapping[str, pulumi.Input[str]],
        topic_arn: pulumi.Input[str],
        topic_kms_key_arn: pulumi.Input[str] | None = None,
        account_id: pulumi.Input[str] | None = None,
        log_retention_days: int = LOG_RETENTION_DAYS,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`channel_ids` / `channel_arns` are keyed by channel name. Idle stops and "still running"
        notices go to `topic_arn` (the platform's alarm topic); give `topic_kms_key_arn` when that
        topic is encrypted with a customer managed key, so the function may encrypt its messages."""
        if not channel_ids or set(channel_ids) != set(channel_arns):
            raise ValueError("Scheduler needs the same, non-empty set of channels in channel_ids and channel_arns")
        super().__init__(TYPE, name, None, opts)
        if account_id is None:
            account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id
        self.topic_arn = pulumi.Output.from_input(topic_arn)

        names = sorted(channel_ids)  # one channel order for the function's environment and its policy
        function = self._function(
            name,
            channel_ids=[channel_ids[c] for c in names],
            channel_arns=[channel_arns[c] for c in names],
            topic_arn=self.topic_arn,
            topic_kms_key_arn=topic_kms_key_arn,
            idle_rules=idle_rules(settings),
            log_retention_days=log_retention_days,
        )
        self.function_name = function.name
        self.function_arn = function.arn

        dead_letters = aws.sqs.Queue(
            f"{name}-dead-letters",
            message_retention_seconds=DEAD_LETTER_RETENTION_SECONDS,
            sqs_managed_sse_enabled=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.dead_letter_queue_name = dead_letters.name
        self.schedule_group_name = self._schedules(name, settings, function.arn, dead_letters.arn, account_id).name
        self.register_outputs(
            {
                "functionName": self.function_name,
                "functionArn": self.function_arn,
                "topicArn": self.topic_arn,
                "scheduleGroupName": self.schedule_group_name,
                "deadLetterQueueName": self.dead_letter_queue_name,
            }
        )

    def _schedules(
        self,
        name: str,
        settings: ScheduleSettings,
        function_arn: pulumi.Input[str],
        dead_letter_arn: pulumi.Input[str],
        account_id: pulumi.Input[str],
    ) -> aws.scheduler.ScheduleGroup:
        """The schedule group, the role the schedules invoke the function with, and one schedule per spec
        (each delivering to the dead-letter queue once its retries are spent)."""
        child = pulumi.ResourceOptions(parent=self)
        group = aws.scheduler.ScheduleGroup(f"{name}-group", opts=child)
        role = aws.iam.Role(f"{name}-invoke-role", assume_role_policy=scheduler_trust(account_id, group.arn), opts=child)
        role_policy = aws.iam.RolePolicy(
            f"{name}-invoke-policy",
            role=role.id,
            policy=scheduler_policy(function_arn, dead_letter_arn),
            opts=pulumi.ResourceOptions(parent=role),
        )
        for spec in schedule_specs(settings):
            aws.scheduler.Schedule(
                f"{name}-{spec.key}",
                description=spec.description,
                group_name=group.name,
                schedule_expression=spec.expression,
                schedule_expression_timezone=spec.timezone,
                flexible_time_window=aws.scheduler.ScheduleFlexibleTimeWindowArgs(mode="OFF"),
                state="ENABLED",
                target=aws.scheduler.ScheduleTargetArgs(
                    arn=function_arn,
                    role_arn=role.arn,
                    input=spec.input,
                    retry_policy=aws.scheduler.ScheduleTargetRetryPolicyArgs(
                        maximum_retry_attempts=spec.retry_attempts,
                        maximum_event_age_in_seconds=spec.max_event_age_seconds,
                    ),
                    dead_letter_config=aws.scheduler.ScheduleTargetDeadLetterConfigArgs(arn=dead_letter_arn),
                ),
                # The role must be able to invoke before the first tick fires.
                opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy]),
            )
        return group

    def _function(
        self,
        name: str,
        *,
        channel_ids: Sequence[pulumi.Input[str]],
        channel_arns: Sequence[pulumi.Input[str]],
        topic_arn: pulumi.Input[str],
        topic_kms_key_arn: pulumi.Input[str] | None,
        idle_rules: Mapping[str, str],
        log_retention_days: int,
    ) -> aws.lambda_.Function:
        child = pulumi.ResourceOptions(parent=self)
        # Created before the function so Lambda never auto-creates a never-expiring group.
        log_group = aws.cloudwatch.LogGroup(f"{name}-control-logs", retention_in_days=log_retention_days, opts=child)
        role = aws.iam.Role(f"{name}-control-role", assume_role_policy=iam.service_trust("lambda.amazonaws.com"), opts=child)
        role_policy = aws.iam.RolePolicy(
            f"{name}-control-policy",
            role=role.id,
            policy=function_policy(channel_arns, topic_arn, log_group.arn, topic_kms_key_arn),
            opts=pulumi.ResourceOptions(parent=role),
        )
        ids = pulumi.Output.all(*channel_ids).apply(lambda values: ",".join(str(v) for v in values))
        variables: dict[str, pulumi.Input[str]] = {"CHANNEL_IDS": ids, "TOPIC_ARN": topic_arn, **idle_rules}
        return aws.lambda_.Function(
            f"{name}-control",
            description="Start, stop, idle-stop and report on the platform's MediaLive channels",
            code=function_code(),
            handler=HANDLER,
            runtime=lambdas.RUNTIME,
            architectures=[lambdas.ARCHITECTURE],
            memory_size=MEMORY_MB,
            timeout=TIMEOUT_SECONDS,
            role=role.arn,
            environment=aws.lambda_.FunctionEnvironmentArgs(variables=variables),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=log_group.name),
            # The role's permissions must exist before a schedule (or a person) can invoke it.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, log_group]),
        )
