"""Operators hear about every start and stop of a channel: MediaLive state changes to the alarm topic.

A deployment allowed to update a running channel (`whileLive: allow`) stops it and leaves it
stopped (live.py); so do schedules, idle stops and people. MediaLive emits a
"MediaLive Channel State Change" event for each (source `aws.medialive`, `detail.channel_arn`,
`detail.state`, `detail.message`:
https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html).
This rule matches this platform's channels only and forwards a one-line notice to the alarm topic.
The topic's policy admits `events.amazonaws.com` with `aws:SourceArn` = this platform's rules
(alarms.py), and its KMS key lets EventBridge encrypt
(https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

from livestream.components import aws

DETAIL_TYPE = "MediaLive Channel State Change"
NOTICE_FIELDS = {"arn": "$.detail.channel_arn", "state": "$.detail.state", "message": "$.detail.message", "time": "$.time"}
RULE_SUFFIX = "channel-state"  # the rule's logical name is <alarms>-channel-state


def event_pattern(channel_arns: Sequence[str]) -> dict[str, object]:
    return {"source": ["aws.medialive"], "detail-type": [DETAIL_TYPE], "detail": {"channel_arn": list(channel_arns)}}


def channel_state_rule(
    name: str, platform: str, channel_arns: Sequence[pulumi.Input[str]], topic_arn: pulumi.Input[str], parent: pulumi.Resource
) -> aws.cloudwatch.EventRule:
    """The rule `<name>-channel-state` and its SNS target with a readable message."""
    rule = aws.cloudwatch.EventRule(
        f"{name}-{RULE_SUFFIX}",
        description=f"livestream {platform}: MediaLive channel state changes to the alarm topic",
        event_pattern=pulumi.Output.json_dumps(pulumi.Output.all(*channel_arns).apply(event_pattern)),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    aws.cloudwatch.EventTarget(
        f"{name}-{RULE_SUFFIX}-topic",
        rule=rule.name,
        arn=topic_arn,
        input_transformer=aws.cloudwatch.EventTargetInputTransformerArgs(
            input_paths=NOTICE_FIELDS,
            input_template=f'"livestream {platform}: MediaLive channel <arn> is <state> at <time> (<message>)"',
        ),
        opts=pulumi.ResourceOptions(parent=rule),
    )
    return rule
