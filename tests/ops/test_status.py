"""`livestream status` against moto, with the datapoints MediaLive and CloudFront would publish."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from livestream import cost
from livestream.cli import main
from livestream.model import ladder
from livestream.ops.status import start_of_day
from tests.ops.conftest import REGION, Deployed, client


def put(region: str, namespace: str, metric: str, dims: dict[str, str], points: list[tuple[datetime, float]]) -> None:
    cloudwatch = client("cloudwatch", region)
    for i in range(0, len(points), 20):
        cloudwatch.put_metric_data(
            Namespace=namespace,
            MetricData=[
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    "Timestamp": ts,
                    "Value": value,
                }
                for ts, value in points[i : i + 20]
            ],
        )


def minutes_before(now: datetime, count: int, value: float, *, offset: int = 0) -> list[tuple[datetime, float]]:
    base = now.replace(second=30, microsecond=0)
    return [(base - timedelta(minutes=offset + i), value) for i in range(count)]


def status(capsys: pytest.CaptureFixture[str], deployed: Deployed) -> tuple[int, dict[str, Any]]:
    code = main(["status", "--outputs", str(deployed.outputs_path), "--json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.fixture
def running(deployed: Deployed) -> datetime:
    """The channel has run for 30 minutes today, receiving video for the last 3."""
    now = datetime.now(UTC)
    if now - timedelta(minutes=31) < start_of_day(now, deployed.outputs["scheduleTimezone"]):
        pytest.skip("too close to midnight in Asia/Seoul for 30 minutes of 'today'")
    client("medialive").start_channel(ChannelId=deployed.channel_id)
    dims = {"ChannelId": deployed.channel_id, "Pipeline": "0"}
    put(REGION, "AWS/MediaLive", "ActiveAlerts", dims, minutes_before(now, 30, 0.0, offset=1))
    put(REGION, "AWS/MediaLive", "InputVideoFrameRate", dims, minutes_before(now, 3, 29.97, offset=1))
    cdn_dims = {"DistributionId": deployed.outputs["distributionId"], "Region": "Global"}
    put("us-east-1", "AWS/CloudFront", "Requests", cdn_dims, minutes_before(now, 3, 40.0, offset=1))
    return now


def test_status_reports_state_input_run_time_cost_cdn_and_alarms(deployed: Deployed, running: datetime, capsys: Any) -> None:
    code, document = status(capsys, deployed)
    assert code == 0
    (row,) = document["channels"]
    assert (row["channel"], row["state"]) == ("main", "RUNNING")
    assert row["input"] == {"0": {"arriving": True, "maxFps": 29.97, "summary": "arriving (29.97 fps)"}}
    assert row["minutesToday"] == 30
    sd = tuple((r.width, r.height, r.video_bitrate_bps) for r in ladder.PRESETS["sd"])
    half_hour = cost.estimate(
        cost.Usage(REGION, (cost.ChannelUsage("main", "SINGLE_PIPELINE", "SD", sd, 0.5),)), cost.load_prices(REGION)
    ).item("MediaLive channels")
    assert row["costTodayUsd"] == pytest.approx(round(half_hour.monthly_usd, 2))
    assert row["costTodayUsd"] > 0
    assert document["cdnRequestsLast5Min"] == 120
    assert document["alarmsInAlarm"] == []


def test_an_alarm_in_alarm_is_listed_and_fails_the_status(deployed: Deployed, running: datetime, capsys: Any) -> None:
    name = deployed.outputs["alarmNames"]["us-east-1"][0]
    client("cloudwatch", "us-east-1").set_alarm_state(AlarmName=name, StateValue="ALARM", StateReason="5xx rate 12 %")
    code, document = status(capsys, deployed)
    assert code == 1
    assert document["alarmsInAlarm"] == [{"alarm": name, "region": "us-east-1", "reason": "5xx rate 12 %"}]


def test_input_reports_zero_and_no_data_apart(deployed: Deployed, capsys: Any) -> None:
    client("medialive").start_channel(ChannelId=deployed.channel_id)
    _, document = status(capsys, deployed)
    assert document["channels"][0]["input"] == {"0": {"arriving": False, "maxFps": None, "summary": "no data"}}  # no datapoints
    now = datetime.now(UTC)
    put(
        REGION,
        "AWS/MediaLive",
        "InputVideoFrameRate",
        {"ChannelId": deployed.channel_id, "Pipeline": "0"},
        minutes_before(now, 2, 0.0),
    )
    _, document = status(capsys, deployed)
    assert document["channels"][0]["input"] == {"0": {"arriving": False, "maxFps": 0.0, "summary": "none (0 fps)"}}
    main(["status", "--outputs", str(deployed.outputs_path)])
    assert "input pipeline 0: none (0 fps)" in capsys.readouterr().out


def test_idle_channel_text_output(deployed: Deployed, capsys: Any) -> None:
    code = main(["status", "--outputs", str(deployed.outputs_path)])
    out = capsys.readouterr().out
    assert code == 0
    assert "main (" in out and ": IDLE" in out
    assert "ran today: 0 min" in out
    assert "CDN requests, last 5 min: no data" in out
    assert "alarms in ALARM: none" in out


def test_today_starts_at_midnight_in_the_schedules_timezone() -> None:
    now = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 01:30 on 1 December in Seoul
    assert start_of_day(now, "Asia/Seoul") == datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    assert start_of_day(now, None) == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert start_of_day(now, "Not/AZone") == datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
