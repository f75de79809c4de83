# ruff: noqa: E501 (the messages are kept whole, as the user reads them)
"""Every refusal, word for word: the exact text a user reads for each kind of bad setting.

The texts were recorded from the settings module before it became a package of declarations;
they must not drift (the allowed-key lists grow with new settings: name, protect, whileLive, streamKey; issue 13 added the
nearest key to unknown-key errors and blames LL-HLS, not the segment length it met). Each config has one problem; keys are
spelt as in a stack file.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from livestream.model import settings
from livestream.model.settings import ConfigError


def config(channel: dict[str, Any] | None = None, **sections: Any) -> dict[str, Any]:
    """A stack config with one channel, `main`, ingesting RTMP from a documentation CIDR; `channel` adds keys to it
    (after `ingest`), `sections` adds top-level keys (after `channels`)."""
    ingest = {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}
    return {"channels": {"main": {"ingest": ingest, **(channel or {})}}, **sections}


CASES: list[tuple[dict[str, Any], str]] = [
    ({}, "livestream:channels: None is not valid; required: a map of channel name to channel settings"),
    (
        {"channels": {}},
        "livestream:channels: {} is not valid; expected a map of channel name to channel settings, with at least one channel",
    ),
    (
        {"channels": []},
        "livestream:channels: [] is not valid; expected a map of channel name to channel settings, with at least one channel",
    ),
    (
        config(chanels={}),
        "livestream:chanels: {} is not valid; unknown key; did you mean livestream:channels? allowed keys are channels, archive, recordings, cdn, alarms, budget, schedule, usage, tags, environment, name, protect, whileLive",
    ),
    (
        config({"ladr": "sd"}),
        "livestream:channels.main.ladr: 'sd' is not valid; unknown key; did you mean livestream:channels.main.ladder? allowed keys are ingest, ladder, renditions, pipeline, segmentSeconds, gopSeconds, framerate, lowLatencyHls, dvrWindowMinutes, inputResolution",
    ),
    (
        {"channels": {"Main Stage": {"ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}}}},
        "livestream:channels.Main Stage: 'Main Stage' is not valid; a channel name is 1-32 lowercase letters, digits or '-', starting with a letter",
    ),
    (
        {
            "channels": {
                "main": {"ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}},
                "MAIN": {"ingest": {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}},
            }
        },
        "livestream:channels.MAIN: 'MAIN' is not valid; duplicate channel name (already used as 'main')",
    ),
    (
        {"channels": {"main": "x"}},
        "livestream:channels.main: 'x' is not valid; expected a mapping with keys ingest, ladder, renditions, pipeline, segmentSeconds, gopSeconds, framerate, lowLatencyHls, dvrWindowMinutes, inputResolution",
    ),
    (
        {"channels": {"main": {"ladder": "sd"}}},
        "livestream:channels.main.ingest: None is not valid; required: {protocol: rtmp|srt, allowedCidrs: [...]}",
    ),
    (
        config({"ladder": "4k"}),
        "livestream:channels.main.ladder: '4k' is not valid; allowed presets are sd, hd, fhd, or a list of renditions",
    ),
    (
        config({"ladder": 7}),
        "livestream:channels.main.ladder: 7 is not valid; expected a list",
    ),
    (
        config({"ladder": []}),
        "livestream:channels.main.ladder: 0 is not valid; a ladder has 1 to 8 renditions",
    ),
    (
        config({"ladder": [{"width": 1281, "height": 720, "videoKbps": 3000}]}),
        "livestream:channels.main.ladder[0].width: 1281 is not valid; H.264 needs an even number of pixels",
    ),
    (
        config({"ladder": [{"width": 1280, "height": 721, "videoKbps": 3000}]}),
        "livestream:channels.main.ladder[0].height: 721 is not valid; H.264 needs an even number of pixels",
    ),
    (
        config({"ladder": [{"width": 1280, "height": 720}]}),
        "livestream:channels.main.ladder[0].videoKbps: None is not valid; required: each rendition needs width, height and videoKbps",
    ),
    (
        config({"ladder": [{"width": 4000, "height": 720, "videoKbps": 3000}]}),
        "livestream:channels.main.ladder[0].width: 4000 is not valid; expected a whole number from 64 to 1920",
    ),
    (
        config({"ladder": [{"width": 1280, "height": 720, "videoKbps": 50}]}),
        "livestream:channels.main.ladder[0].videoKbps: 50 is not valid; expected a whole number from 100 to 20000",
    ),
    (
        config({"ladder": [{"width": 1280, "height": 720, "videoKbps": 3000, "fps": 3}]}),
        "livestream:channels.main.ladder[0].fps: 3 is not valid; unknown key; allowed keys are width, height, videoKbps",
    ),
    (
        config(
            {
                "ladder": [
                    {"width": 1280, "height": 720, "videoKbps": 3000},
                    {"width": 1024, "height": 720, "videoKbps": 2000},
                ]
            }
        ),
        "livestream:channels.main.ladder: ['720p', '720p'] is not valid; each rendition needs a distinct height",
    ),
    (
        config(
            {
                "ladder": [
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                    {"width": 640, "height": 360, "videoKbps": 800},
                ]
            }
        ),
        "livestream:channels.main.ladder: 9 is not valid; a ladder has 1 to 8 renditions",
    ),
    (
        config({"ladder": "sd", "renditions": [{"width": 640, "height": 360, "videoKbps": 800}]}),
        "livestream:channels.main.renditions: '...' is not valid; give either a ladder preset or renditions, not both",
    ),
    (
        config({"pipeline": "DOUBLE"}),
        "livestream:channels.main.pipeline: 'DOUBLE' is not valid; allowed values are SINGLE_PIPELINE, STANDARD",
    ),
    (
        config({"segmentSeconds": 5, "gopSeconds": 2}),
        "livestream:channels.main.segmentSeconds: 5 is not valid; must be a whole multiple of gopSeconds (2) so every segment starts on a keyframe",
    ),
    (
        config({"segmentSeconds": 0}),
        "livestream:channels.main.segmentSeconds: 0 is not valid; expected a whole number from 1 to 30",
    ),
    (
        config({"segmentSeconds": 31}),
        "livestream:channels.main.segmentSeconds: 31 is not valid; expected a whole number from 1 to 30",
    ),
    (
        config({"segmentSeconds": 4.5}),
        "livestream:channels.main.segmentSeconds: 4.5 is not valid; expected a whole number from 1 to 30",
    ),
    (
        config({"segmentSeconds": True}),
        "livestream:channels.main.segmentSeconds: True is not valid; expected a whole number from 1 to 30",
    ),
    (
        config({"gopSeconds": 11}),
        "livestream:channels.main.gopSeconds: 11 is not valid; expected a whole number from 1 to 10",
    ),
    (
        config({"lowLatencyHls": True, "segmentSeconds": 6}),
        "livestream:channels.main.lowLatencyHls: True is not valid; low-latency HLS needs segments of 1 or 2 seconds, but livestream:channels.main.segmentSeconds is 6; set segmentSeconds to 1 or 2, or turn lowLatencyHls off",
    ),
    (
        config({"lowLatencyHls": "yes"}),
        "livestream:channels.main.lowLatencyHls: 'yes' is not valid; expected true or false",
    ),
    (
        config({"framerate": 60}),
        "livestream:channels.main.framerate: 60 is not valid; allowed values are 24, 25, 30",
    ),
    (
        config({"dvrWindowMinutes": 30000}),
        "livestream:channels.main.dvrWindowMinutes: 30000 is not valid; expected a whole number from 0 to 20160",
    ),
    (
        config({"inputResolution": "SD", "ladder": "hd"}),
        "livestream:channels.main.inputResolution: 'SD' is not valid; the ladder's top rendition needs at least HD",
    ),
    (
        config({"inputResolution": "8K"}),
        "livestream:channels.main.inputResolution: '8K' is not valid; allowed values are SD, HD, UHD",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": ["203.0.113.0/33"]}}}},
        "livestream:channels.main.ingest.allowedCidrs[0]: '203.0.113.0/33' is not valid; expected a CIDR block such as 203.0.113.0/24 ('203.0.113.0/33' does not appear to be an IPv4 or IPv6 network)",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": ["203.0.113.1/24"]}}}},
        "livestream:channels.main.ingest.allowedCidrs[0]: '203.0.113.1/24' is not valid; expected a CIDR block such as 203.0.113.0/24 (203.0.113.1/24 has host bits set)",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": ["0.0.0.0/0"]}}}},
        "livestream:channels.main.ingest.allowedCidrs[0]: '0.0.0.0/0' is not valid; an open ingest is refused unless livestream:channels.main.ingest.allowPublic is true; list the encoder's networks",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": ["::/0"]}}}},
        "livestream:channels.main.ingest.allowedCidrs[0]: '::/0' is not valid; an open ingest is refused unless livestream:channels.main.ingest.allowPublic is true; list the encoder's networks",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": []}}}},
        "livestream:channels.main.ingest.allowedCidrs: [] is not valid; list at least one CIDR the encoder sends from",
    ),
    (
        {"channels": {"main": {"ingest": {}}}},
        "livestream:channels.main.ingest.allowedCidrs: [] is not valid; list at least one CIDR the encoder sends from",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": "203.0.113.0/24"}}}},
        "livestream:channels.main.ingest.allowedCidrs: '203.0.113.0/24' is not valid; expected a list",
    ),
    (
        {"channels": {"main": {"ingest": {"protocol": "rtmps", "allowedCidrs": ["203.0.113.0/24"]}}}},
        "livestream:channels.main.ingest.protocol: 'rtmps' is not valid; allowed values are rtmp, srt",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": ["203.0.113.0/24"], "allowPublic": 1}}}},
        "livestream:channels.main.ingest.allowPublic: 1 is not valid; expected true or false",
    ),
    (
        {"channels": {"main": {"ingest": {"allowedCidrs": ["203.0.113.0/24"], "port": 1}}}},
        "livestream:channels.main.ingest.port: 1 is not valid; unknown key; allowed keys are protocol, allowedCidrs, allowPublic, streamKey",
    ),
    (
        {"channels": {"main": {"ingest": ["x"]}}},
        "livestream:channels.main.ingest: ['x'] is not valid; expected a mapping with keys protocol, allowedCidrs, allowPublic, streamKey",
    ),
    (
        config(archive={"glacierAfterDays": 400, "expireAfterDays": 365}),
        "livestream:archive.glacierAfterDays: 400 is not valid; must be fewer days than expireAfterDays (365), or null",
    ),
    (
        config(archive={"glacierAfterDays": 30, "expireAfterDays": 30}),
        "livestream:archive.glacierAfterDays: 30 is not valid; must be fewer days than expireAfterDays (30), or null",
    ),
    (
        config(archive={"glacierAfterDays": -1}),
        "livestream:archive.glacierAfterDays: -1 is not valid; expected a whole number from 0 to 3650",
    ),
    (
        config(archive={"expireAfterDays": 0}),
        "livestream:archive.expireAfterDays: 0 is not valid; expected a whole number from 1 to 36500",
    ),
    (
        config(archive={"noncurrentExpireDays": 0}),
        "livestream:archive.noncurrentExpireDays: 0 is not valid; expected a whole number from 1 to 3650",
    ),
    (
        config(archive={"retainOnDelete": "yes"}),
        "livestream:archive.retainOnDelete: 'yes' is not valid; expected true or false",
    ),
    (
        config(archive={"kmsKeyArn": "my-key"}),
        "livestream:archive.kmsKeyArn: 'my-key' is not valid; expected an ARN such as arn:aws:service:region:account:resource",
    ),
    (
        config(archive={"rolloverSeconds": 30}),
        "livestream:archive.rolloverSeconds: 30 is not valid; expected a whole number from 60 to 86400",
    ),
    (
        config(archive="x"),
        "livestream:archive: 'x' is not valid; expected a mapping with keys glacierAfterDays, expireAfterDays, noncurrentExpireDays, retainOnDelete, kmsKeyArn, rolloverSeconds",
    ),
    (
        config(archive={"bucket": "x"}),
        "livestream:archive.bucket: 'x' is not valid; unknown key; allowed keys are glacierAfterDays, expireAfterDays, noncurrentExpireDays, retainOnDelete, kmsKeyArn, rolloverSeconds",
    ),
    (
        config(cdn={"priceClass": "PriceClass_Cheap"}),
        "livestream:cdn.priceClass: 'PriceClass_Cheap' is not valid; allowed values are PriceClass_100, PriceClass_200, PriceClass_All",
    ),
    (
        config(cdn={"viewerProtocol": "allow-all"}),
        "livestream:cdn.viewerProtocol: 'allow-all' is not valid; allowed values are redirect-to-https, https-only",
    ),
    (
        config(cdn={"corsOrigins": "*"}),
        "livestream:cdn.corsOrigins: '*' is not valid; expected a list",
    ),
    (
        config(cdn={"corsOrigins": ["example.com"]}),
        "livestream:cdn.corsOrigins[0]: 'example.com' is not valid; expected '*' or an origin such as https://www.example.com",
    ),
    (
        config(
            cdn={
                "customDomain": {
                    "domainName": "live.example.com",
                    "certificateArn": "arn:aws:acm:ap-northeast-2:123456789012:certificate/x",
                }
            }
        ),
        "livestream:cdn.customDomain.certificateArn: 'arn:aws:acm:ap-northeast-2:123456789012:certificate/x' is not valid; CloudFront needs an ACM certificate in us-east-1",
    ),
    (
        config(cdn={"customDomain": {"domainName": "live.example.com"}}),
        "livestream:cdn.customDomain.certificateArn: None is not valid; required: an ACM certificate ARN in us-east-1",
    ),
    (
        config(
            cdn={
                "customDomain": {
                    "domainName": "Not A Domain",
                    "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x",
                }
            }
        ),
        "livestream:cdn.customDomain.domainName: 'Not A Domain' is not valid; expected a DNS name such as live.example.com",
    ),
    (
        config(cdn={"customDomain": {"certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"}}),
        "livestream:cdn.customDomain.domainName: None is not valid; expected a DNS name such as live.example.com",
    ),
    (
        config(cdn={"customDomain": {"domainName": 5, "certificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/x"}}),
        "livestream:cdn.customDomain.domainName: 5 is not valid; expected a non-empty string",
    ),
    (
        config(cdn={"geoRestriction": {"type": "whitelist", "countries": ["Korea"]}}),
        "livestream:cdn.geoRestriction.countries[0]: 'Korea' is not valid; expected an ISO 3166-1 alpha-2 country code such as KR",
    ),
    (
        config(cdn={"geoRestriction": {"type": "allow", "countries": ["KR"]}}),
        "livestream:cdn.geoRestriction.type: 'allow' is not valid; allowed values are whitelist, blacklist",
    ),
    (
        config(cdn={"geoRestriction": {"type": "whitelist", "countries": []}}),
        "livestream:cdn.geoRestriction.countries: [] is not valid; list at least one country code",
    ),
    (
        config(cdn={"geoRestriction": {"type": "whitelist"}}),
        "livestream:cdn.geoRestriction.countries: [] is not valid; list at least one country code",
    ),
    (
        config(cdn={"signedUrlsPublicKey": "ssh-rsa AAAA"}),
        "livestream:cdn.signedUrlsPublicKey: '<key>' is not valid; expected a PEM-encoded RSA public key",
    ),
    (
        config(cdn={"signedUrlsPublicKey": 5}),
        "livestream:cdn.signedUrlsPublicKey: 5 is not valid; expected a PEM-encoded RSA public key",
    ),
    (
        config(cdn={"webAclArn": "acl"}),
        "livestream:cdn.webAclArn: 'acl' is not valid; expected an ARN such as arn:aws:service:region:account:resource",
    ),
    (
        config(cdn={"logsExpireDays": 0}),
        "livestream:cdn.logsExpireDays: 0 is not valid; expected a whole number from 1 to 3650",
    ),
    (
        config(alarms={"emails": ["ops-at-example.com"]}),
        "livestream:alarms.emails[0]: 'ops-at-example.com' is not valid; expected an e-mail address such as ops@example.com",
    ),
    (
        config(alarms={"emails": "ops@example.com"}),
        "livestream:alarms.emails: 'ops@example.com' is not valid; expected a list",
    ),
    (
        config(alarms={"thresholds": {"inputLos": {"threshold": 1}}}),
        "livestream:alarms.thresholds.inputLos: {'threshold': 1} is not valid; unknown alarm; did you mean livestream:alarms.thresholds.inputLoss? allowed alarms are activeAlerts, inputLoss, droppedFrames, outputErrors, cdn5xxRate, cdn4xxRate",
    ),
    (
        config(alarms={"thresholds": {"inputLoss": {"periodSeconds": 45}}}),
        "livestream:alarms.thresholds.inputLoss.periodSeconds: 45 is not valid; CloudWatch periods are 10, 20, 30 or a multiple of 60",
    ),
    (
        config(alarms={"thresholds": {"inputLoss": {"periodSeconds": 5}}}),
        "livestream:alarms.thresholds.inputLoss.periodSeconds: 5 is not valid; expected a whole number from 10 to 86400",
    ),
    (
        config(alarms={"thresholds": {"inputLoss": {"threshold": -1}}}),
        "livestream:alarms.thresholds.inputLoss.threshold: -1 is not valid; expected a number of 0 or more",
    ),
    (
        config(alarms={"thresholds": {"inputLoss": {"evaluationPeriods": 0}}}),
        "livestream:alarms.thresholds.inputLoss.evaluationPeriods: 0 is not valid; expected a whole number from 1 to 100",
    ),
    (
        config(alarms={"thresholds": {"inputLoss": {"evaluation": 1}}}),
        "livestream:alarms.thresholds.inputLoss.evaluation: 1 is not valid; unknown key; did you mean livestream:alarms.thresholds.inputLoss.evaluationPeriods? allowed keys are threshold, periodSeconds, evaluationPeriods",
    ),
    (
        config(alarms={"thresholds": []}),
        "livestream:alarms.thresholds: [] is not valid; expected a map of alarm name to {threshold, periodSeconds, evaluationPeriods}",
    ),
    (
        config(budget={"monthlyUsd": -5}),
        "livestream:budget.monthlyUsd: -5 is not valid; expected a number greater than 0",
    ),
    (
        config(budget={"monthlyUsd": 0}),
        "livestream:budget.monthlyUsd: 0 is not valid; expected a number greater than 0",
    ),
    (
        config(budget={"monthlyUsd": "5"}),
        "livestream:budget.monthlyUsd: '5' is not valid; expected a number greater than 0",
    ),
    (
        config(
            budget={
                "emails": [
                    "a0@example.com",
                    "a1@example.com",
                    "a2@example.com",
                    "a3@example.com",
                    "a4@example.com",
                    "a5@example.com",
                    "a6@example.com",
                    "a7@example.com",
                    "a8@example.com",
                    "a9@example.com",
                    "a10@example.com",
                ]
            }
        ),
        "livestream:budget.emails: ['a0@example.com', 'a1@example.com', 'a2@example.com', 'a3@example.com', 'a4@example.com', 'a5@example.com', 'a6@example.com', 'a7@example.com', 'a8@example.com', 'a9@example.com', 'a10@example.com'] is not valid; AWS Budgets notifies at most 10 addresses",
    ),
    (
        config(schedule={"timezone": "Asia/Busan"}),
        "livestream:schedule.timezone: 'Asia/Busan' is not valid; expected an IANA timezone name such as Asia/Seoul or UTC",
    ),
    (
        config(schedule={"timezone": 9}),
        "livestream:schedule.timezone: 9 is not valid; expected an IANA timezone name such as Asia/Seoul",
    ),
    (
        config(schedule={"start": "cron(0 19 * * *)", "stop": "cron(0 23 * * ? *)"}),
        "livestream:schedule.start: 'cron(0 19 * * *)' is not valid; cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 5",
    ),
    (
        config(schedule={"start": 19, "stop": "cron(0 23 * * ? *)"}),
        "livestream:schedule.start: 19 is not valid; expected cron(min hour day-of-month month day-of-week year) or rate(n minutes)",
    ),
    (
        config(schedule={"start": "cron(0 19 * * ? *)"}),
        "livestream:schedule.stop: None is not valid; a start schedule needs a stop expression or idleStopMinutes, or channels run forever",
    ),
    (
        config(schedule={"start": "cron(0 19 * * ? *)", "stop": "cron(0 19 * * ? *)"}),
        "livestream:schedule.stop: 'cron(0 19 * * ? *)' is not valid; the stop expression must differ from start",
    ),
    (
        config(schedule={"start": "cron(0 19 * * ? *)", "stop": "every day"}),
        "livestream:schedule.stop: 'every day' is not valid; 'every day' is not a schedule expression; expected cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 19 * * ? *), or rate(value unit), e.g. rate(5 minutes)",
    ),
    (
        config(schedule={"idleStopMinutes": 5}),
        "livestream:schedule.idleStopMinutes: 5 is not valid; expected a whole number from 10 to 1440",
    ),
    (
        config(schedule={"runningNoticeHour": 24}),
        "livestream:schedule.runningNoticeHour: 24 is not valid; expected a whole number from 0 to 23",
    ),
    (
        config(usage={"streamedHoursPerMonth": 800}),
        "livestream:usage.streamedHoursPerMonth: 800 is not valid; expected a number of 0 to 744",
    ),
    (
        config(usage={"streamedHoursPerMonth": -1}),
        "livestream:usage.streamedHoursPerMonth: -1 is not valid; expected a number of 0 to 744",
    ),
    (
        config(usage={"viewerHoursPerMonth": -1}),
        "livestream:usage.viewerHoursPerMonth: -1 is not valid; expected a number of 0 or more",
    ),
    (
        config(usage={"watchedKbps": 0}),
        "livestream:usage.watchedKbps: 0 is not valid; expected a number greater than 0",
    ),
    (
        config(tags={"aws:owner": "me"}),
        "livestream:tags.aws:owner: 'aws:owner' is not valid; tag keys are 1-128 characters and may not start with 'aws:'",
    ),
    (
        config(tags={"team": 5}),
        "livestream:tags.team: 5 is not valid; tag values are strings of at most 256 characters",
    ),
    (
        config(
            tags={
                "team": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
            }
        ),
        "livestream:tags.team: 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' is not valid; tag values are strings of at most 256 characters",
    ),
    (
        config(tags=["team"]),
        "livestream:tags: ['team'] is not valid; expected a map of tag key to value",
    ),
    (
        config(environment=""),
        "livestream:environment: '' is not valid; expected a non-empty string",
    ),
    (
        config(environment=5),
        "livestream:environment: 5 is not valid; expected a non-empty string",
    ),
]


@pytest.mark.parametrize(("raw", "message"), CASES, ids=[str(i) for i in range(len(CASES))])
def test_error_text_is_exactly_as_before(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as failure:
        settings.load(raw, environment="dev", region="ap-northeast-2", prefix="livestream:")
    assert str(failure.value) == message
    assert message.startswith(f"{failure.value.key}: ")


def snake_keys(raw: Any) -> Any:
    """A stack-file config as a library user writes the same args: snake_case keys (channel names kept)."""
    if isinstance(raw, dict):
        return {settings.snake(k) if k[:1].islower() and k not in ("main", "MAIN") else k: snake_keys(v) for k, v in raw.items()}
    return [snake_keys(v) for v in raw] if isinstance(raw, list) else raw


def snake_text(message: str) -> str:
    """The same message with every camelCase key spelt snake_case, as component args spell them."""
    return re.sub(r"\b[a-z]+(?:[A-Z][a-z0-9]+)+\b", lambda m: settings.snake(m.group()), message)


@pytest.mark.parametrize(("raw", "message"), CASES[:12], ids=[str(i) for i in range(12)])
def test_library_args_get_the_same_text_in_snake_case_without_the_namespace(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as failure:
        settings.load(snake_keys(raw), environment="dev", region="ap-northeast-2")
    assert str(failure.value) == snake_text(message.removeprefix("livestream:").replace("livestream:", ""))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (
            {"channels": {"main": {"ingest": {"allowed_cidrs": ["203.0.113.0/24"]}, "low_latency_hls": True}}},
            "channels.main.low_latency_hls: True is not valid; low-latency HLS needs segments of 1 or 2 seconds, but "
            "channels.main.segment_seconds is 4, the default; set segment_seconds to 1 or 2, or turn low_latency_hls off",
        ),
        (
            {"channels": {"main": {"ingest": {"allowed_cidrs": ["203.0.113.0/24"]}}}, "archiv": {"expire_after_days": 7}},
            "archiv: {'expire_after_days': 7} is not valid; unknown key; did you mean archive? allowed keys are channels, "
            "archive, recordings, cdn, alarms, budget, schedule, usage, tags, environment, name, protect, while_live",
        ),
        (
            {"channels": {"main": {"ingest": {"allowed_cidrs": ["203.0.113.0/24"]}, "segment_second": 2}}},
            "channels.main.segment_second: 2 is not valid; unknown key; did you mean channels.main.segment_seconds? allowed "
            "keys are ingest, ladder, renditions, pipeline, segment_seconds, gop_seconds, framerate, low_latency_hls, "
            "dvr_window_minutes, input_resolution",
        ),
        (
            {"channels": {"main": {"ingest": {"allowed_cidrs": ["203.0.113.0/24"]}}}, "budgets": {"monthly_usd": 5}},
            "budgets: {'monthly_usd': 5} is not valid; unknown key; did you mean budget? allowed keys are channels, "
            "archive, recordings, cdn, alarms, budget, schedule, usage, tags, environment, name, protect, while_live",
        ),
        (
            {"channels": {"main": {"ingest": {"allowed_cidrs": ["203.0.113.0/24"]}}}, "xyz": 1},
            "xyz: 1 is not valid; unknown key; allowed keys are channels, archive, recordings, cdn, alarms, budget, schedule, "
            "usage, tags, environment, name, protect, while_live",
        ),
    ],
)
def test_component_args_errors_name_keys_as_written_and_suggest_the_nearest(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as failure:
        settings.load(raw, environment="dev", region="ap-northeast-2")
    assert str(failure.value) == message
