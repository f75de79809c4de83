"""Operations rules: CloudFront access logs, Lambda runtimes, alarm actions, a failed scheduled stop is noticed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from tests.policies.helpers import ACCOUNT, ALARM, DISTRIBUTION, check_resource, check_stack, distribution, res

FUNCTION = "aws:lambda/function:Function"
SCHEDULE = "aws:scheduler/schedule:Schedule"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_ARN = f"arn:aws:sqs:us-east-1:{ACCOUNT}:dead-letters"
FUNCTION_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:control"


# --- cloudfront-access-logging ---------------------------------------------------------------------


def test_distributions_logging_to_s3_or_through_a_delivery_source_pass() -> None:
    logged = distribution(loggingConfig={"bucket": "logs-0a1b2c3.s3.amazonaws.com", "includeCookies": False})
    assert check_stack("cloudfront-access-logging", [res(DISTRIBUTION, "cdn", logged)]) == []
    arn = f"arn:aws:cloudfront::{ACCOUNT}:distribution/E1"
    source = res("aws:cloudwatch/logDeliverySource:LogDeliverySource", "src", {"logType": "ACCESS_LOGS", "resourceArn": arn})
    assert check_stack("cloudfront-access-logging", [res(DISTRIBUTION, "cdn", {**distribution(), "arn": arn}), source]) == []
    native = {"distributionConfig": {"logging": {"bucket": "logs.s3.amazonaws.com"}}}
    assert check_stack("cloudfront-access-logging", [res("aws-native:cloudfront:Distribution", "cdn", native)]) == []


def test_a_distribution_without_access_logs_is_a_violation() -> None:
    [(resource, message)] = check_stack("cloudfront-access-logging", [res(DISTRIBUTION, "cdn", distribution())])
    assert resource == "cdn" and "no access logs" in message


# --- lambda-runtime-supported ---------------------------------------------------------------------------


@pytest.mark.parametrize("runtime", ["python3.14", "python3.13", "nodejs22.x", "provided.al2023", None])
def test_supported_runtimes_pass(runtime: str | None) -> None:
    props = {"runtime": runtime} if runtime else {"packageType": "Image"}
    assert check_resource("lambda-runtime-supported", FUNCTION, props, {"asOf": "2026-11-30"}) == []


@pytest.mark.parametrize(
    ("runtime", "date"), [("python3.9", "2025-12-15"), ("nodejs18.x", "2025-09-01"), ("go1.x", "2024-01-08")]
)
def test_deprecated_runtimes_are_violations(runtime: str, date: str) -> None:
    [message] = check_resource("lambda-runtime-supported", FUNCTION, {"runtime": runtime}, {"asOf": "2026-11-30"})
    assert f"deprecated on {date}" in message


def test_a_runtime_is_judged_by_the_date() -> None:
    props = {"runtime": "python3.11"}  # deprecation scheduled for 2026-06-30
    assert check_resource("lambda-runtime-supported", FUNCTION, props, {"asOf": "2026-06-29"}) == []
    assert len(check_resource("lambda-runtime-supported", FUNCTION, props, {"asOf": "2026-06-30"})) == 1


# --- cloudwatch-alarm-actions ------------------------------------------------------------------------------


def test_alarm_actions() -> None:
    topic = f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts"
    assert check_resource("cloudwatch-alarm-actions", ALARM, {"alarmActions": [topic], "actionsEnabled": True}) == []
    assert "no alarmActions" in check_resource("cloudwatch-alarm-actions", ALARM, {"alarmActions": []})[0]
    assert "no alarmActions" in check_resource("cloudwatch-alarm-actions", ALARM, {"okActions": [topic]})[0]
    disabled = {"alarmActions": [topic], "actionsEnabled": False}
    assert "actionsEnabled is false" in check_resource("cloudwatch-alarm-actions", ALARM, disabled)[0]


# --- scheduled-stop-failure-noticed ------------------------------------------------------------------------------


def stop_schedule(action: str = "stop", *, retries: float | None = 3.0, dead_letter: str | None = QUEUE_ARN) -> dict[str, Any]:
    target: dict[str, Any] = {"arn": FUNCTION_ARN, "input": json.dumps({"action": action})}
    if retries is not None:
        target["retryPolicy"] = {"maximumRetryAttempts": retries, "maximumEventAgeInSeconds": 3600.0}
    if dead_letter:
        target["deadLetterConfig"] = {"arn": dead_letter}
    return res(SCHEDULE, f"sched-{action}", {"target": target, "state": "ENABLED"})


def queue() -> dict[str, Any]:
    return res(QUEUE, "dead-letters", {"arn": QUEUE_ARN, "name": "dead-letters"})


def queue_alarm(actions: tuple[str, ...] = (f"arn:aws:sns:us-east-1:{ACCOUNT}:alerts",)) -> dict[str, Any]:
    props = {
        "namespace": "AWS/SQS",
        "metricName": "ApproximateNumberOfMessagesVisible",
        "dimensions": {"QueueName": "dead-letters"},
        "alarmActions": list(actions),
    }
    return res(ALARM, "dlq-alarm", props)


def test_a_stop_with_retries_and_a_watched_dead_letter_queue_passes() -> None:
    assert check_stack("scheduled-stop-failure-noticed", [stop_schedule(), queue(), queue_alarm()]) == []
    # a queue outside the stack is someone else's to watch; no retry policy means Scheduler's default retries
    assert check_stack("scheduled-stop-failure-noticed", [stop_schedule(retries=None)]) == []
    # periodic idle checks retry by their next tick; other actions are not stops
    for action in ("stop-if-idle", "start"):
        assert check_stack("scheduled-stop-failure-noticed", [stop_schedule(action, retries=0.0, dead_letter=None)]) == []


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        ([stop_schedule(retries=0.0), queue(), queue_alarm()], "retries 0 times"),
        ([stop_schedule(dead_letter=None)], "no deadLetterConfig"),
        ([stop_schedule(), queue()], "has no alarm with actions"),
        ([stop_schedule(), queue(), queue_alarm(actions=())], "has no alarm with actions"),
    ],
)
def test_a_stop_whose_failure_nobody_notices_is_a_violation(specs: list[dict[str, Any]], expected: str) -> None:
    [(resource, message)] = check_stack("scheduled-stop-failure-noticed", specs)
    assert resource == "sched-stop" and expected in message


def test_the_universal_stop_channel_target_is_judged_too() -> None:
    universal = res(SCHEDULE, "sched-stop", {"target": {"arn": "arn:aws:scheduler:::aws-sdk:medialive:stopChannel"}})
    [(_, message)] = check_stack("scheduled-stop-failure-noticed", [universal])
    assert "no deadLetterConfig" in message


def test_during_preview_the_alarm_is_matched_to_its_queue_by_dependency() -> None:
    preview_alarm = queue_alarm()
    preview_alarm["props"] = {**preview_alarm["props"], "dimensions": {"QueueName": UNKNOWN_STRING_VALUE}}
    preview_alarm["props"]["alarmActions"] = [UNKNOWN_STRING_VALUE]
    preview_alarm["prop_deps"] = {"dimensions": ["dead-letters"]}
    assert check_stack("scheduled-stop-failure-noticed", [stop_schedule(), queue(), preview_alarm]) == []
    preview_alarm["prop_deps"] = {}
    assert check_stack("scheduled-stop-failure-noticed", [stop_schedule(), queue(), preview_alarm])
