"""Bad input is refused with the key, the value and what is allowed — before any resource exists."""

from __future__ import annotations

from typing import Any

import pytest

from livestream.model import settings as config
from livestream.model.settings import ConfigError
from livestream.plan.engine import ProgramError
from tests.conftest import run_stack, stack_config

INGEST = {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}


def channel(**fields: Any) -> dict[str, Any]:
    return {"main": {"ingest": INGEST, **fields}}


BAD_CONFIGS = [
    # (section, value, key named in the error)
    ("channels", {}, "livestream:channels"),
    ("channels", {"main": {"ingest": INGEST, "ladr": "sd"}}, "livestream:channels.main.ladr"),
    ("channels", {"Main Stage": {"ingest": INGEST}}, "livestream:channels.Main Stage"),
    ("channels", {"main": {"ingest": INGEST}, "MAIN": {"ingest": INGEST}}, "livestream:channels.MAIN"),
    ("channels", channel(ladder="4k"), "livestream:channels.main.ladder"),
    ("channels", channel(ladder=[{"width": 1281, "height": 720, "videoKbps": 3000}]), "livestream:channels.main.ladder[0].width"),
    ("channels", channel(ladder=[{"width": 1280, "height": 720}]), "livestream:channels.main.ladder[0].videoKbps"),
    ("channels", channel(pipeline="DOUBLE"), "livestream:channels.main.pipeline"),
    ("channels", channel(segmentSeconds=5, gopSeconds=2), "livestream:channels.main.segmentSeconds"),
    ("channels", channel(segmentSeconds=0), "livestream:channels.main.segmentSeconds"),
    ("channels", channel(lowLatencyHls=True, segmentSeconds=6), "livestream:channels.main.lowLatencyHls"),
    ("channels", channel(dvrWindowMinutes=30000), "livestream:channels.main.dvrWindowMinutes"),
    ("channels", channel(inputResolution="SD", ladder="hd"), "livestream:channels.main.inputResolution"),
    ("channels", {"main": {"ingest": {"allowedCidrs": ["203.0.113.0/33"]}}}, "livestream:channels.main.ingest.allowedCidrs[0]"),
    ("channels", {"main": {"ingest": {"allowedCidrs": ["0.0.0.0/0"]}}}, "livestream:channels.main.ingest.allowedCidrs[0]"),
    ("channels", {"main": {"ingest": {"allowedCidrs": []}}}, "livestream:channels.main.ingest.allowedCidrs"),
    (
        "channels",
        {"main": {"ingest": {"protocol": "rtmps", "allowedCidrs": ["203.0.113.0/24"]}}},
        "livestream:channels.main.ingest.protocol",
    ),
    ("channels", {"main": {"ladder": "sd"}}, "livestream:channels.main.ingest"),
    ("archive", {"glacierAfterDays": 400, "expireAfterDays": 365}, "livestream:archive.glacierAfterDays"),
    ("archive", {"retainOnDelete": "yes"}, "livestream:archive.retainOnDelete"),
    ("archive", {"kmsKeyArn": "my-key"}, "livestream:archive.kmsKeyArn"),
    ("recordings", {"glacierAfterDays": 90, "expireAfterDays": 60}, "livestream:recordings.glacierAfterDays"),
    ("recordings", {"maxHours": 25}, "livestream:recordings.maxHours"),
    ("recordings", {"enabled": "yes"}, "livestream:recordings.enabled"),
    ("recordings", {"keepForever": True}, "livestream:recordings.keepForever"),
    ("cdn", {"priceClass": "PriceClass_Cheap"}, "livestream:cdn.priceClass"),
    ("cdn", {"viewerProtocol": "allow-all"}, "livestream:cdn.viewerProtocol"),
    (
        "cdn",
        {
            "customDomain": {
                "domainName": "live.example.com",
                "certificateArn": "arn:aws:acm:ap-northeast-2:123456789012:certificate/x",
            }
        },
        "livestream:cdn.customDomain.certificateArn",
    ),
    ("cdn", {"geoRestriction": {"type": "whitelist", "countries": ["Korea"]}}, "livestream:cdn.geoRestriction.countries[0]"),
    ("alarms", {"emails": ["ops-at-example.com"]}, "livestream:alarms.emails[0]"),
    ("alarms", {"thresholds": {"inputLos": {"threshold": 1}}}, "livestream:alarms.thresholds.inputLos"),
    ("alarms", {"thresholds": {"inputLoss": {"periodSeconds": 45}}}, "livestream:alarms.thresholds.inputLoss.periodSeconds"),
    ("budget", {"monthlyUsd": -5}, "livestream:budget.monthlyUsd"),
    ("budget", {"monthlyUsd": 0}, "livestream:budget.monthlyUsd"),
    ("schedule", {"timezone": "Asia/Busan"}, "livestream:schedule.timezone"),
    ("schedule", {"start": "cron(0 19 * * *)", "stop": "cron(0 23 * * ? *)"}, "livestream:schedule.start"),
    ("schedule", {"start": "cron(0 19 * * ? *)"}, "livestream:schedule.stop"),
    ("schedule", {"start": "cron(0 19 * * ? *)", "stop": "cron(0 19 * * ? *)"}, "livestream:schedule.stop"),
    ("schedule", {"idleStopMinutes": 5}, "livestream:schedule.idleStopMinutes"),
    ("schedule", {"idleStopMinutes": 20, "maxRunHours": 0}, "livestream:schedule.maxRunHours"),
    ("schedule", {"idleStopMinutes": 20, "maxRunHours": 200}, "livestream:schedule.maxRunHours"),
    ("schedule", {"maxRunHours": 6}, "livestream:schedule.maxRunHours"),
    ("schedule", {"idleStopMinutes": 20, "broadcasterWaitMinutes": 5}, "livestream:schedule.broadcasterWaitMinutes"),
    ("schedule", {"broadcasterWaitMinutes": 60}, "livestream:schedule.broadcasterWaitMinutes"),
    ("usage", {"streamedHoursPerMonth": 800}, "livestream:usage.streamedHoursPerMonth"),
    ("tags", {"aws:owner": "me"}, "livestream:tags.aws:owner"),
]


@pytest.mark.parametrize(("section", "value", "key"), BAD_CONFIGS, ids=[f"{c[2]}-{i}" for i, c in enumerate(BAD_CONFIGS)])
def test_bad_config_names_the_key_and_creates_nothing(section: str, value: Any, key: str) -> None:
    with pytest.raises(ProgramError) as failure:
        run_stack("dev", **{section: value})
    error = failure.value.error
    assert isinstance(error, ConfigError), failure.value
    assert error.key == key
    assert key in str(error) and "not valid" in str(error)
    assert error.allowed  # says what is allowed
    assert failure.value.plan is not None and failure.value.plan.resources == []


def test_unknown_top_level_key_is_refused() -> None:
    with pytest.raises(ConfigError) as failure:
        config.load({"channels": channel(), "chanels": {}}, environment="dev", region="ap-northeast-2", prefix="livestream:")
    assert failure.value.key == "livestream:chanels"
    assert "allowed keys are channels" in failure.value.allowed


def test_stack_config_and_library_args_read_the_same() -> None:
    """camelCase (stack YAML) and snake_case (Python args) spell the same settings."""
    camel = config.load(
        {
            "channels": {"main": {"ingest": INGEST, "segmentSeconds": 6, "dvrWindowMinutes": 30}},
            "archive": {"expireAfterDays": 7},
        },
        environment="dev",
        region="ap-northeast-2",
    )
    snake = config.load(
        {
            "channels": {
                "main": {
                    "ingest": {"protocol": "rtmp", "allowed_cidrs": ["203.0.113.0/24"]},
                    "segment_seconds": 6,
                    "dvr_window_minutes": 30,
                }
            },
            "archive": {"expire_after_days": 7},
        },
        environment="dev",
        region="ap-northeast-2",
    )
    assert camel == snake
    assert camel.channel("main").segment_seconds == 6 and camel.archive.expire_after_days == 7


def test_library_errors_use_the_args_spelling() -> None:
    with pytest.raises(ConfigError) as failure:
        config.load(
            {"channels": {"main": {"ingest": INGEST, "segment_seconds": 7, "gop_seconds": 2}}}, environment="d", region="r"
        )
    assert failure.value.key == "channels.main.segment_seconds"


def test_gop_defaults_align_with_the_segment() -> None:
    for segment, gop in ((1, 1), (2, 2), (3, 1), (4, 2), (6, 2)):
        settings = config.load({"channels": channel(segmentSeconds=segment)}, environment="d", region="r")
        assert settings.channel("main").gop_seconds == gop
        assert segment % gop == 0


def test_input_specification_follows_the_ladder_top() -> None:
    def spec(ladder: Any) -> tuple[str, str]:
        c = config.load({"channels": channel(ladder=ladder)}, environment="d", region="r").channel("main")
        return c.input_resolution, c.input_max_bitrate

    assert spec("sd") == ("SD", "MAX_10_MBPS")
    assert spec("hd") == ("HD", "MAX_10_MBPS")
    assert spec([{"width": 1920, "height": 1080, "videoKbps": 9000}]) == ("HD", "MAX_20_MBPS")


def test_custom_ladder_is_sorted_top_down() -> None:
    ladder = [{"width": 640, "height": 360, "videoKbps": 800}, {"width": 1280, "height": 720, "videoKbps": 3000}]
    c = config.load({"channels": channel(ladder=ladder)}, environment="d", region="r").channel("main")
    assert [r.height for r in c.ladder] == [720, 360] and c.ladder_name == "custom"


def test_archive_null_switches_the_transition_off() -> None:
    settings = config.load(
        {"channels": channel(), "archive": {"glacierAfterDays": None, "expireAfterDays": 7}}, environment="d", region="r"
    )
    assert settings.archive.glacier_after_days is None and settings.archive.expire_after_days == 7


def test_prod_stack_file_never_opens_ingest() -> None:
    channels = stack_config("prod")["livestream:channels"]
    for settings in channels.values():
        assert "0.0.0.0/0" not in settings["ingest"]["allowedCidrs"]
        assert not settings["ingest"].get("allowPublic", False)


def test_recordings_default_on_with_the_archive_lifecycle_and_a_24_hour_ceiling() -> None:
    settings = config.load({"channels": channel()}, environment="dev", region="us-east-1")
    assert settings.recordings == config.RecordingSettings(
        enabled=True, glacier_after_days=30, expire_after_days=365, retain_on_delete=True, max_hours=24
    )
    short = config.load({"channels": channel(), "recordings": {"expireAfterDays": 14}}, environment="dev", region="us-east-1")
    assert (short.recordings.glacier_after_days, short.recordings.expire_after_days) == (None, 14)
    off = config.load({"channels": channel(), "recordings": {"enabled": False}}, environment="dev", region="us-east-1")
    assert off.recordings.enabled is False


@pytest.mark.parametrize(
    ("section", "suggested"),
    [("archiv", "livestream:archive"), ("budgets", "livestream:budget"), ("shedule", "livestream:schedule")],
)
def test_the_repository_program_refuses_a_misspelt_top_level_key_before_any_resource(section: str, suggested: str) -> None:
    """Issue 13: `livestream:archiv` was silently ignored (the archive fell back to defaults, the budget vanished)."""
    with pytest.raises(ProgramError) as failure:
        run_stack("dev", **{section: {"expireAfterDays": 7}})
    error = failure.value.error
    assert isinstance(error, ConfigError), failure.value
    assert error.key == f"livestream:{section}"
    assert f"did you mean {suggested}?" in error.allowed
    assert failure.value.plan is not None and failure.value.plan.resources == []
