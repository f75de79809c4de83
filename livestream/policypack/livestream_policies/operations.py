"""Operations: what happened is recorded, what fails is noticed, what runs is still supported.

CloudFront access logs, Lambda runtimes, alarm actions, and the scheduled stop that keeps a
channel from billing all night.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream_policies import _wire as w
from livestream_policies.spend import UNIVERSAL_STOP_TARGET

# Lambda runtimes and the date Lambda deprecates (deprecated or scheduled) each, from the
# "Deprecated runtimes" and "Supported runtimes" tables of
# https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html (read November 2025; AWS
# sometimes postpones a date, never advances it). After the date Lambda stops patching the runtime.
RUNTIME_DEPRECATIONS: dict[str, str] = {
    "nodejs": "2016-10-31",
    "nodejs4.3": "2020-03-05",
    "nodejs4.3-edge": "2019-04-30",
    "nodejs6.10": "2019-08-12",
    "nodejs8.10": "2020-03-06",
    "nodejs10.x": "2021-07-30",
    "nodejs12.x": "2023-03-31",
    "nodejs14.x": "2023-12-04",
    "nodejs16.x": "2024-06-12",
    "nodejs18.x": "2025-09-01",
    "nodejs20.x": "2026-04-30",
    "python2.7": "2021-07-15",
    "python3.6": "2022-07-18",
    "python3.7": "2023-12-04",
    "python3.8": "2024-10-14",
    "python3.9": "2025-12-15",
    "python3.10": "2026-06-30",
    "python3.11": "2026-06-30",
    "ruby2.5": "2021-07-30",
    "ruby2.7": "2023-12-07",
    "ruby3.2": "2026-03-31",
    "java8": "2024-01-08",
    "java8.al2": "2026-06-30",
    "java11": "2026-06-30",
    "java17": "2026-06-30",  # Amazon Linux 2 reaches end of life on 2026-06-30, taking its runtimes with it
    "go1.x": "2024-01-08",
    "provided": "2024-01-08",
    "provided.al2": "2026-06-30",
    "dotnetcore1.0": "2019-07-30",
    "dotnetcore2.0": "2019-05-30",
    "dotnetcore2.1": "2022-01-05",
    "dotnetcore3.1": "2023-04-03",
    "dotnet6": "2024-12-20",
    "dotnet7": "2024-05-14",
    "dotnet8": "2026-11-10",
}
# The control function's action for the fixed evening stop. `stop-if-idle` runs every few minutes:
# its next tick is its retry, so it is not judged here.
SCHEDULED_STOP_ACTIONS = ("stop",)


# --- cloudfront-access-logging ----------------------------------------------------------------------


def _logs_to_bucket(distribution: PolicyResource) -> bool:
    native = distribution.resource_type == w.NATIVE_DISTRIBUTION
    path = ("distributionConfig", "logging", "bucket") if native else ("loggingConfig", "bucket")
    return w.known(lambda: bool(w.get(distribution.props, *path)), True)


def _logs_by_delivery(resources: list[PolicyResource], distribution: PolicyResource) -> bool:
    """Standard logging v2: a CloudWatch Logs delivery source with the distribution's ARN."""
    arns = w.reference_values(distribution, "arn")
    arns |= {w.arn_resource(a) for a in arns}  # refers_to compares the resource part of an ARN
    return any(
        w.known(lambda s=s: w.get(s.props, "logType"), None) == "ACCESS_LOGS"
        and w.refers_to(s, "resourceArn", distribution, arns)
        for s in w.of_type(resources, w.LOG_DELIVERY_SOURCES)
    )


def _check_logging(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    for distribution in w.of_type(resources, w.DISTRIBUTIONS):
        if not _logs_to_bucket(distribution) and not _logs_by_delivery(resources, distribution):
            report(
                f"{w.label(distribution)} keeps no access logs: who watched, from where, and which requests failed is "
                "lost. Set loggingConfig (standard logging to S3) or add a CloudWatch Logs delivery source for it.",
                distribution.urn,
            )


access_logging = w.stack_policy(
    name="cloudfront-access-logging",
    description=(
        "Every CloudFront distribution keeps access logs (standard logging to S3, or standard logging v2 through a "
        "CloudWatch Logs delivery source). Equivalents: AwsSolutions-CFR3, Security Hub CloudFront.5, Checkov CKV_AWS_86. "
        "Fix: set loggingConfig to a logs bucket."
    ),
    check=_check_logging,
    level=w.MANDATORY,
    severity="medium",
    remediation="Set logging_config=DistributionLoggingConfigArgs(bucket=<logs bucket domain>, include_cookies=False).",
    tags=["operations", "cloudfront", "logging"],
)


# --- lambda-runtime-supported -----------------------------------------------------------------------


def _as_of(config: Mapping[str, Any]) -> datetime.date:
    text = str(config.get("asOf") or "")
    return datetime.date.fromisoformat(text) if text else datetime.datetime.now(datetime.UTC).date()


def _check_runtime(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    runtime = w.get(props, "runtime")
    deprecated = RUNTIME_DEPRECATIONS.get(str(runtime)) if runtime else None
    if deprecated and datetime.date.fromisoformat(deprecated) <= _as_of(config):
        report(
            f"runtime {runtime} was deprecated on {deprecated}: Lambda no longer patches it, and later blocks updates. "
            "Move to a supported runtime (python3.13 or newer, nodejs22.x or newer)."
        )


runtime_supported = w.resource_policy(
    name="lambda-runtime-supported",
    description=(
        "Lambda functions use a runtime Lambda still supports (a dated deprecation table from the Lambda runtimes page). "
        "Equivalents: AwsSolutions-L1 (stricter: the latest runtime), Security Hub Lambda.2, Checkov CKV_AWS_363. "
        "Fix: set runtime to a supported version."
    ),
    types=w.LAMBDA_FUNCTIONS,
    check=_check_runtime,
    level=w.MANDATORY,
    severity="high",
    remediation="Set the function's runtime to a supported one, e.g. python3.14 or nodejs22.x, and redeploy.",
    tags=["operations", "lambda"],
    properties={
        "asOf": {
            "type": "string",
            "default": "",
            "description": "Judge deprecation as of this ISO date (YYYY-MM-DD); empty means today (UTC).",
        }
    },
)


# --- cloudwatch-alarm-actions -----------------------------------------------------------------------


def _check_alarm(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    if w.get(props, "actionsEnabled") is False:
        report("actionsEnabled is false: the alarm changes state and tells nobody. Enable its actions.")
    elif not w.strings(w.get(props, "alarmActions")):
        report("the alarm has no alarmActions: it changes state and tells nobody. Send it to the platform's SNS topic.")


alarm_actions = w.resource_policy(
    name="cloudwatch-alarm-actions",
    description=(
        "Every CloudWatch alarm notifies someone: alarmActions set and actions enabled. Equivalents: "
        "NIST.800.53.R5-CloudWatchAlarmAction, HIPAA.Security-CloudWatchAlarmAction, Security Hub CloudWatch.15 and .17, "
        "Checkov CKV_AWS_319. Fix: alarm_actions=[topic ARN]."
    ),
    types=w.ALARMS,
    check=_check_alarm,
    level=w.MANDATORY,
    severity="medium",
    remediation="Set alarm_actions (and ok_actions) to the platform's SNS topic ARN; leave actions_enabled true.",
    tags=["operations", "cloudwatch"],
)


# --- scheduled-stop-failure-noticed -------------------------------------------------------------------


def _is_scheduled_stop(schedule: PolicyResource, actions: list[str]) -> bool:
    target, payload = w.known(
        lambda: (w.get(schedule.props, "target", "arn"), w.json_value(w.get(schedule.props, "target", "input"))),
        (None, None),
    )
    if isinstance(target, str) and target.startswith(UNIVERSAL_STOP_TARGET):
        return True
    return w.get(payload, "action") in actions


def _watched(resources: list[PolicyResource], queue: PolicyResource) -> bool:
    """Is an alarm with actions watching the queue (dimension QueueName)?

    During preview the queue's name and the topic's ARN are unknown: the alarm's property
    dependencies name the queue, and unknown actions count as present (judged at `pulumi up`)."""
    names = w.reference_values(queue, "name") | {a.rsplit(":", 1)[-1] for a in w.reference_values(queue, "arn")}
    for alarm in w.of_type(resources, w.ALARMS):
        queue_name = w.known(lambda a=alarm: w.get(a.props, "dimensions", "QueueName"), None)
        actions = w.known(lambda a=alarm: w.strings(w.get(a.props, "alarmActions")), ["(unknown)"])
        if actions and (queue_name in names or w.built_from(alarm, "dimensions", queue)):
            return True
    return False


def _stop_problem(resources: list[PolicyResource], schedule: PolicyResource) -> str | None:
    retries, dead_letter = w.known(
        lambda: (
            w.number(w.get(schedule.props, "target", "retryPolicy", "maximumRetryAttempts")),
            w.get(schedule.props, "target", "deadLetterConfig", "arn"),
        ),
        (1.0, "unknown"),
    )
    if retries is not None and retries < 1:
        return "its target retries 0 times: one throttled call and the channel runs all night"
    if not dead_letter:
        return "its target has no deadLetterConfig: a stop that fails after its retries vanishes without a trace"
    queues = [
        q
        for q in w.of_type(resources, w.SQS_QUEUES)
        if dead_letter in w.reference_values(q, "arn") or w.built_from(schedule, "target", q)
    ]
    if queues and not any(_watched(resources, q) for q in queues):
        return f"its dead-letter queue {w.label(queues[0])} has no alarm with actions, so nobody learns of a failed stop"
    return None


def _check_stop_failures(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    for schedule in w.of_type(resources, w.SCHEDULES):
        if not _is_scheduled_stop(schedule, config["actions"]):
            continue
        problem = _stop_problem(resources, schedule)
        if problem:
            report(
                f"{w.label(schedule)} stops channels, but {problem}. Give the target a retryPolicy (1 or more attempts), a "
                "deadLetterConfig SQS queue, and an alarm on that queue's ApproximateNumberOfMessagesVisible.",
                schedule.urn,
            )


stop_failure_noticed = w.stack_policy(
    name="scheduled-stop-failure-noticed",
    description=(
        "A scheduled stop that fails gets noticed: the schedule's target retries (retryPolicy with 1 or more "
        "attempts) and has a dead-letter queue, and a dead-letter queue in this stack has an alarm with actions. "
        "Equivalents: NIST.800.53.R5-LambdaDLQ / HIPAA.Security-LambdaDLQ and Checkov CKV_AWS_116 (partly: they ask "
        "for a Lambda DLQ), AwsSolutions-SQS3 (partly). Fix: deadLetterConfig plus an alarm on the queue."
    ),
    check=_check_stop_failures,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Create an SQS queue, set target.dead_letter_config.arn to it (the execution role needs sqs:SendMessage), keep "
        "retry_policy.maximum_retry_attempts >= 1, and alarm on the queue's ApproximateNumberOfMessagesVisible > 0."
    ),
    tags=["operations", "scheduler", "cost"],
    properties={
        "actions": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(SCHEDULED_STOP_ACTIONS),
            "description": "Control-function actions of fixed-time stops (periodic idle checks retry by their next tick).",
        }
    },
)


POLICIES = [access_logging, runtime_supported, alarm_actions, stop_failure_noticed]
