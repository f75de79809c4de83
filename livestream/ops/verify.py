"""`livestream verify`: read-only checks of a deployed platform; each says pass / fail / skip and what to do.

Nothing is started, stopped or written. Checks that need a first broadcast (the metrics the alarms
read) are skipped, not failed, before one happened.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from botocore.exceptions import ClientError

from livestream.ops import OpsError, channels, http, metrics
from livestream.ops.aws import GLOBAL_REGION, Aws, error_code, translated
from livestream.ops.outputs import StackOutputs

PASS, FAIL, SKIP = "pass", "fail", "skip"
FORBIDDEN = 403  # what MediaPackage v2 answers an unsigned request an endpoint policy does not allow
CLOUDFRONT_PRINCIPAL = "cloudfront.amazonaws.com"
SCHEDULE_STATES = ("ENABLED",)


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail, **({"fix": self.fix} if self.fix else {})}


def _channel_checks(aws: Aws, described: dict[str, channels.Channel]) -> Iterable[Check]:
    for name, channel in sorted(described.items()):
        name_ = f"channel {name}: state and input"
        if channel.state not in (channels.IDLE, channels.RUNNING):
            yield Check(
                name_, FAIL, f"state {channel.state}", "wait for a transition to finish; a *_FAILED state needs `pulumi up`"
            )
            continue
        if not channel.input_ids:
            yield Check(
                name_, FAIL, f"{channel.state}, no input attached", "run `pulumi up`: the program attaches the ingest input"
            )
            continue
        states = [_input_state(aws, input_id) for input_id in channel.input_ids]
        gone = [s for s in states if s in (None, "DELETING", "DELETED")]
        if gone:
            yield Check(
                name_, FAIL, f"{channel.state}, attached input missing or deleted", "run `pulumi up` to recreate the input"
            )
        else:
            yield Check(name_, PASS, f"{channel.state}, input attached ({', '.join(str(s) for s in states)})")


def _input_state(aws: Aws, input_id: str) -> str | None:
    try:
        return str(aws.client("medialive").describe_input(InputId=input_id).get("State"))
    except ClientError as error:
        if error_code(error) in {"NotFoundException", "ResourceNotFoundException"}:
            return None
        raise


def _origin_checks(outputs: StackOutputs, running: set[str]) -> Iterable[Check]:
    """The packager refuses viewers (403 unsigned) while the CDN serves the same manifests."""
    for name in sorted(outputs.channel_ids):
        for kind, url in sorted(outputs.origin_urls.get(name, {}).items()):
            answer = http.get(url)
            check = f"origin {name}/{kind} refuses a direct request"
            if answer.status == FORBIDDEN:
                yield Check(check, PASS, "HTTP 403")
            else:
                fix = "the endpoint policy must allow only CloudFront (aws:SourceArn = the distribution): run `pulumi up`"
                yield Check(check, FAIL, f"{answer.describe()} from {urlsplit(url).netloc}", fix)
        for kind, url in sorted(outputs.playback_urls.get(name, {}).items()):
            yield _cdn_check(name, kind, url, name in running)


def _cdn_check(name: str, kind: str, url: str, running: bool) -> Check:
    answer = http.get(url)
    check = f"CDN serves {name}/{kind}"
    if answer.ok:
        return Check(check, PASS, answer.describe())
    if not running and answer.status == 404:
        # An idle channel has no segments: MediaPackage answers 404 through the CDN, which proves the path works.
        return Check(check, PASS, "HTTP 404 while the channel is idle (no content yet): origin access works")
    fix = (
        "403: origin access control or the endpoint policy is wrong (run `pulumi up`); "
        "5xx/no answer: check the packager alarms; 404 while running: the encoder pushes nothing (livestream status)"
    )
    return Check(check, FAIL, answer.describe(), fix)


def _player_check(outputs: StackOutputs) -> Iterable[Check]:
    if not outputs.player_url:
        return
    answer = http.get(outputs.player_url)
    fix = "the player site's bucket policy must admit this distribution; upload the site with `pulumi up`"
    yield Check("CDN serves the player page", PASS if answer.ok else FAIL, answer.describe(), "" if answer.ok else fix)


def endpoint_names(url: str) -> tuple[str, str, str]:
    """(channel group, channel, origin endpoint) from a MediaPackage v2 URL: /out/v1/<group>/<channel>/<endpoint>/<manifest>."""
    parts = urlsplit(url).path.strip("/").split("/")
    if len(parts) < 6 or parts[:2] != ["out", "v1"]:
        raise OpsError(f"{url} is not a MediaPackage v2 origin endpoint URL (/out/v1/<group>/<channel>/<endpoint>/...)")
    return parts[2], parts[3], parts[4]


def policy_names_distribution(policy: Any, distribution_arn: str) -> bool:
    """Whether a policy lets CloudFront read only on behalf of this distribution (aws:SourceArn)."""
    document = json.loads(policy) if isinstance(policy, str) else policy
    statements = document.get("Statement", [])
    for statement in [statements] if isinstance(statements, dict) else statements:
        principal = statement.get("Principal", {})
        services = principal.get("Service", []) if isinstance(principal, dict) else []
        services = [services] if isinstance(services, str) else services
        if statement.get("Effect") != "Allow" or CLOUDFRONT_PRINCIPAL not in services:
            continue
        for condition in (statement.get("Condition") or {}).values():
            for key, value in condition.items():
                values = [value] if isinstance(value, str) else value
                if key.lower() == "aws:sourcearn" and distribution_arn in values:
                    return True
    return False


def distribution_arn(aws: Aws, distribution_id: str) -> str:
    with translated("read the account id", aws.region):
        identity = aws.client("sts").get_caller_identity()
    partition = identity["Arn"].split(":")[1] if identity.get("Arn", "").startswith("arn:") else "aws"
    return f"arn:{partition}:cloudfront::{identity['Account']}:distribution/{distribution_id}"


def _policy_checks(aws: Aws, outputs: StackOutputs) -> Iterable[Check]:
    if not outputs.distribution_id or not outputs.origin_urls:
        yield Check("endpoint policies name the distribution", SKIP, "the outputs have no distributionId / originUrls")
        return
    arn = distribution_arn(aws, outputs.distribution_id)
    client = aws.client("mediapackagev2")
    for name in sorted(outputs.origin_urls):
        for kind, url in sorted(outputs.origin_urls[name].items()):
            group, channel, endpoint = endpoint_names(url)
            check = f"endpoint policy {name}/{kind} names the distribution"
            try:
                policy = client.get_origin_endpoint_policy(
                    ChannelGroupName=group, ChannelName=channel, OriginEndpointName=endpoint
                )
            except ClientError as error:
                yield Check(
                    check, FAIL, f"cannot read it: {error_code(error) or error}", "run `pulumi up` (the policy may be missing)"
                )
                continue
            ok = policy_names_distribution(policy.get("Policy", "{}"), arn)
            yield Check(
                check,
                PASS if ok else FAIL,
                arn if ok else f"no CloudFront statement with aws:SourceArn = {arn}",
                "" if ok else "run `pulumi up`: the policy must name this distribution",
            )


def _alarm_checks(aws: Aws, outputs: StackOutputs, alarms: dict[str, dict[str, Any]]) -> Iterable[Check]:
    if not outputs.alarm_names:
        yield Check("alarms exist", SKIP, "the outputs have no alarmNames export", "redeploy (pulumi up) to add the export")
        return
    expected = [n for names in outputs.alarm_names.values() for n in names]
    missing = sorted(set(expected) - set(alarms))
    yield Check(
        "alarms exist",
        FAIL if missing else PASS,
        f"missing: {', '.join(missing)}" if missing else f"{len(expected)} alarms",
        "run `pulumi up`" if missing else "",
    )
    firing = sorted(n for n, a in alarms.items() if a.get("StateValue") == "ALARM")
    yield Check(
        "no alarm in ALARM",
        FAIL if firing else PASS,
        ", ".join(firing) or "all OK or INSUFFICIENT_DATA",
        "each alarm's description says what to do (README, alarms runbook)" if firing else "",
    )


def _budget_check(aws: Aws, outputs: StackOutputs) -> Iterable[Check]:
    if not outputs.budget_name:
        yield Check("budget exists", SKIP, "no budgetName export (budget.monthlyUsd not set)")
        return
    account = aws.client("sts").get_caller_identity()["Account"]
    try:
        budget = aws.client("budgets", GLOBAL_REGION).describe_budget(AccountId=account, BudgetName=outputs.budget_name)["Budget"]
    except ClientError as error:
        yield Check("budget exists", FAIL, f"{outputs.budget_name}: {error_code(error) or error}", "run `pulumi up`")
        return
    limit = budget.get("BudgetLimit", {})
    yield Check(
        "budget exists", PASS, f"{outputs.budget_name}: {limit.get('Amount')} {limit.get('Unit')} {budget.get('TimeUnit')}"
    )


def _schedule_checks(aws: Aws, outputs: StackOutputs) -> Iterable[Check]:
    if not outputs.schedule_group_name:
        yield Check("schedules exist", SKIP, "no scheduleGroupName export")
        return
    client = aws.client("scheduler")
    try:
        listed = [
            s
            for page in client.get_paginator("list_schedules").paginate(GroupName=outputs.schedule_group_name)
            for s in page["Schedules"]
        ]
    except ClientError as error:
        yield Check(
            "schedules exist", FAIL, f"group {outputs.schedule_group_name}: {error_code(error) or error}", "run `pulumi up`"
        )
        return
    if not listed:
        yield Check("schedules exist", SKIP, f"group {outputs.schedule_group_name} holds no schedule (none configured)")
        return
    for summary in listed:
        schedule = client.get_schedule(Name=summary["Name"], GroupName=outputs.schedule_group_name)
        zone, state = schedule.get("ScheduleExpressionTimezone") or "UTC", schedule.get("State")
        wrong = outputs.schedule_timezone is not None and zone != outputs.schedule_timezone
        detail = f"{schedule.get('ScheduleExpression')} in {zone}, {state}"
        fix = (
            f"expected timezone {outputs.schedule_timezone}: run `pulumi up`"
            if wrong
            else ("enable it" if state not in SCHEDULE_STATES else "")
        )
        yield Check(f"schedule {summary['Name']}", FAIL if fix else PASS, detail, fix)


def _metric_checks(aws: Aws, outputs: StackOutputs, alarms: dict[str, dict[str, Any]]) -> Iterable[Check]:
    """After a first broadcast, every metric an alarm reads exists (a wrong name or dimension never fires)."""
    broadcast = [
        n
        for n, cid in sorted(outputs.channel_ids.items())
        if metrics.metric_exists(aws, metrics.MEDIALIVE, "ActiveAlerts", metrics.pipeline_dimensions(cid, 0), aws.region)
    ]
    if not broadcast:
        yield Check(
            "alarm metrics exist", SKIP, "no channel has run yet (no ActiveAlerts datapoints): run `livestream smoke` first"
        )
        return
    ran_ids = {outputs.channel_ids[n] for n in broadcast}
    for name, alarm in sorted(alarms.items()):
        wanted = alarm_metrics_for(alarm, ran_ids)
        missing = [f"{ns} {m} {d}" for ns, m, d in wanted if not metrics.metric_exists(aws, ns, m, d, alarm["Region"])]
        if wanted:
            yield Check(
                f"metrics of {name}",
                FAIL if missing else PASS,
                "; ".join(missing) or "present",
                "the alarm reads a metric CloudWatch never received: check its name and dimensions" if missing else "",
            )


def alarm_metrics_for(alarm: dict[str, Any], ran_ids: set[str]) -> list[tuple[str, str, dict[str, str]]]:
    """The metrics an alarm reads that should exist by now: MediaLive ones only for channels that ran."""
    return [(ns, m, d) for ns, m, d in metrics.alarm_metrics(alarm) if ns != metrics.MEDIALIVE or d.get("ChannelId") in ran_ids]


def verify(aws: Aws, outputs: StackOutputs) -> list[Check]:
    """Every check, in the order an operator would look."""
    described = {name: channels.describe(aws, outputs, name) for name in outputs.channel_ids}
    with translated("verify channels", aws.region):
        checks = list(_channel_checks(aws, described))
    running = {name for name, channel in described.items() if channel.state == channels.RUNNING}
    checks += _origin_checks(outputs, running)
    checks += _player_check(outputs)
    steps: list[Callable[[], Iterable[Check]]] = [
        lambda: _policy_checks(aws, outputs),
        lambda: _budget_check(aws, outputs),
        lambda: _schedule_checks(aws, outputs),
    ]
    for step in steps:
        with translated("verify", aws.region):
            checks += step()
    with translated("verify alarms", aws.region):
        alarms = metrics.describe_alarms(aws, outputs.alarm_names)
        checks += _alarm_checks(aws, outputs, alarms)
        checks += _metric_checks(aws, outputs, alarms)
    return checks


def render(checks: list[Check]) -> str:
    mark = {PASS: "PASS", FAIL: "FAIL", SKIP: "skip"}
    lines = []
    for check in checks:
        lines.append(f"{mark[check.status]}  {check.name}: {check.detail}")
        if check.fix:
            lines.append(f"      -> {check.fix}")
    failed = sum(c.status == FAIL for c in checks)
    lines.append(
        f"{len(checks)} checks: {sum(c.status == PASS for c in checks)} passed, {failed} failed, "
        f"{sum(c.status == SKIP for c in checks)} skipped"
    )
    return "\n".join(lines)
