"""The control function (contract in its module docstring) against moto's MediaLive, CloudWatch, SNS and SQS back ends.

moto notes: describe_channel moves a transient state on (CREATING/STOPPING -> IDLE, STARTING -> RUNNING),
so "describe after start" sees RUNNING. moto's get_metric_data matches dimensions order-sensitively,
so data here is put with ChannelId before Pipeline, the order the function queries with.
"""

from __future__ import annotations

import ast
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from livestream.functions import channel_control as cc

REGION = "ap-northeast-2"
IDLE = 20


@pytest.fixture
def aws(monkeypatch):
    for key, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
    }.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        yield


@pytest.fixture
def medialive(aws):
    return boto3.client("medialive", region_name=REGION)


@pytest.fixture
def queue_url(aws, monkeypatch):
    """An SNS topic (TOPIC_ARN) with an SQS queue subscribed, to count published notices."""
    sns, sqs = boto3.client("sns", region_name=REGION), boto3.client("sqs", region_name=REGION)
    topic = sns.create_topic(Name="livestream-alerts")["TopicArn"]
    url = sqs.create_queue(QueueName="notices")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    monkeypatch.setenv("TOPIC_ARN", topic)
    monkeypatch.setenv("IDLE_MINUTES", str(IDLE))
    return url


def notices(url: str) -> list[dict]:
    sqs = boto3.client("sqs", region_name=REGION)
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def make_channel(medialive, monkeypatch, *, channel_class="SINGLE_PIPELINE", running=False, name="main") -> str:
    channel_id = medialive.create_channel(Name=name, ChannelClass=channel_class)["Channel"]["Id"]
    assert medialive.describe_channel(ChannelId=channel_id)["State"] == "IDLE"
    if running:
        medialive.start_channel(ChannelId=channel_id)
        assert medialive.describe_channel(ChannelId=channel_id)["State"] == "RUNNING"
    ids = [i for i in (cc.os.environ.get("CHANNEL_IDS", "").split(",")) if i]
    monkeypatch.setenv("CHANNEL_IDS", ",".join([*ids, channel_id]))
    return channel_id


def put_frames(channel_id: str, pipeline: str, values: dict[int, float]) -> None:
    """values maps minutes-before-now (0 = the current minute) to a frame rate."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    data = [
        {
            "MetricName": "InputVideoFrameRate",
            "Dimensions": [{"Name": "ChannelId", "Value": channel_id}, {"Name": "Pipeline", "Value": pipeline}],
            "Timestamp": now - timedelta(minutes=ago, seconds=-30),
            "Value": value,
        }
        for ago, value in values.items()
    ]
    cloudwatch = boto3.client("cloudwatch", region_name=REGION)
    for i in range(0, len(data), 20):
        cloudwatch.put_metric_data(Namespace="AWS/MediaLive", MetricData=data[i : i + 20])


def zeros(first: int = 60, last: int = -2) -> dict[int, float]:
    """0 fps for every minute from `first` minutes ago to `-last` minutes ahead (covers any idle window)."""
    return dict.fromkeys(range(last, first + 1), 0.0)


def state(medialive, channel_id: str) -> str:
    return medialive.describe_channel(ChannelId=channel_id)["State"]


# --- start / stop / status ---------------------------------------------------------------------


def test_start_is_idempotent(medialive, monkeypatch):
    channel_id = make_channel(medialive, monkeypatch)
    first = cc.handler({"action": "start"}, None)
    assert first == {"action": "start", "channels": [{"channelId": channel_id, "state": "STARTING", "changed": True}]}
    second = cc.handler({"action": "start"}, None)
    # moto's start_channel would put a RUNNING channel back to STARTING: RUNNING proves no call was made
    assert second["channels"] == [{"channelId": channel_id, "state": "RUNNING", "changed": False, "reason": "already RUNNING"}]


def test_stop_is_idempotent(medialive, monkeypatch):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    first = cc.handler({"action": "stop"}, None)
    assert first["channels"] == [{"channelId": channel_id, "state": "STOPPING", "changed": True}]
    assert state(medialive, channel_id) == "IDLE"
    second = cc.handler({"action": "stop"}, None)
    assert second["channels"] == [{"channelId": channel_id, "state": "IDLE", "changed": False, "reason": "already IDLE"}]


def test_status_reports_idle_and_running_without_changing_them(medialive, monkeypatch):
    idle = make_channel(medialive, monkeypatch, name="a")
    running = make_channel(medialive, monkeypatch, running=True, name="b")
    result = cc.handler({"action": "status"}, None)
    assert result == {
        "action": "status",
        "channels": [
            {"channelId": idle, "state": "IDLE", "changed": False},
            {"channelId": running, "state": "RUNNING", "changed": False},
        ],
    }
    assert (state(medialive, idle), state(medialive, running)) == ("IDLE", "RUNNING")


def test_channel_ids_narrow_the_action(medialive, monkeypatch):
    first = make_channel(medialive, monkeypatch, name="a")
    second = make_channel(medialive, monkeypatch, name="b")
    result = cc.handler({"action": "start", "channelIds": [second]}, None)
    assert [c["channelId"] for c in result["channels"]] == [second]
    assert (state(medialive, first), state(medialive, second)) == ("IDLE", "RUNNING")


def test_unknown_channel_id_is_an_error_result(medialive, monkeypatch):
    known = make_channel(medialive, monkeypatch)
    result = cc.handler({"action": "start", "channelIds": ["9999999"]}, None)
    assert result["action"] == "start"
    assert "9999999" in result["error"] and known in result["error"]
    assert "channels" not in result
    assert state(medialive, known) == "IDLE"


@pytest.mark.parametrize("event", [{"action": "reboot"}, {}, {"action": None}, ["start"], "start", None])
def test_unknown_action_or_malformed_event_is_an_error_result(event, monkeypatch):
    monkeypatch.setenv("CHANNEL_IDS", "1234567")
    result = cc.handler(event, None)
    assert set(result) == {"action", "error"}
    for action in cc.ACTIONS:
        assert action in result["error"]


@pytest.mark.parametrize("channel_ids", ["1234567", [], [1234567]])
def test_malformed_channel_ids_is_an_error_result(channel_ids, monkeypatch):
    monkeypatch.setenv("CHANNEL_IDS", "1234567")
    result = cc.handler({"action": "stop", "channelIds": channel_ids}, None)
    assert result["action"] == "stop"
    assert "channelIds" in result["error"]


def test_missing_environment_is_an_error_result(monkeypatch):
    monkeypatch.delenv("CHANNEL_IDS", raising=False)
    assert "CHANNEL_IDS" in cc.handler({"action": "status"}, None)["error"]
    monkeypatch.setenv("CHANNEL_IDS", "1234567")
    monkeypatch.setenv("TOPIC_ARN", "arn:aws:sns:ap-northeast-2:123456789012:t")
    monkeypatch.setenv("IDLE_MINUTES", "soon")
    assert "IDLE_MINUTES" in cc.handler({"action": "stop-if-idle"}, None)["error"]


def test_aws_error_on_one_channel_becomes_its_reason(medialive, monkeypatch):
    good = make_channel(medialive, monkeypatch)
    monkeypatch.setenv("CHANNEL_IDS", f"{good},1234567")
    real = cc._describe

    def describe(client, channel_id):
        if channel_id == "1234567":
            raise ClientError({"Error": {"Code": "NotFoundException", "Message": "no such channel"}}, "DescribeChannel")
        return real(client, channel_id)

    monkeypatch.setattr(cc, "_describe", describe)
    result = cc.handler({"action": "status"}, None)
    assert result["channels"][0] == {"channelId": good, "state": "IDLE", "changed": False}
    assert result["channels"][1]["state"] == "UNKNOWN"
    assert "NotFoundException" in result["channels"][1]["reason"]


def test_log_lines_are_json_objects(medialive, monkeypatch, capsys):
    channel_id = make_channel(medialive, monkeypatch)
    cc.handler({"action": "start"}, None)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"action": "start", "channelId": channel_id, "state": "STARTING", "changed": True} in lines


# --- stop-if-idle ------------------------------------------------------------------------------


def test_stop_if_idle_stops_a_channel_with_zero_frames_all_window_and_notifies_once(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    put_frames(channel_id, "0", zeros())
    result = cc.handler({"action": "stop-if-idle"}, None)
    (channel,) = result["channels"]
    assert channel["changed"] is True and channel["state"] == "STOPPING"
    assert channel["reason"].startswith("idle:")
    assert state(medialive, channel_id) == "IDLE"
    assert result["notified"] is True
    (notice,) = notices(queue_url)
    assert channel_id in notice["Subject"]
    assert channel_id in notice["Message"] and f"({IDLE} min)" in notice["Message"]


def test_stop_if_idle_keeps_a_channel_with_any_frames(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    put_frames(channel_id, "0", {**zeros(), 10: 25.0})
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel["changed"] is False
    assert "received video" in channel["reason"] and "25" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_stop_if_idle_keeps_a_channel_whose_datapoints_do_not_cover_the_window(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    put_frames(channel_id, "0", zeros(first=10))  # started 10 minutes ago, window is 20
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel["changed"] is False
    assert f"of {IDLE} minutes" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_stop_if_idle_keeps_a_channel_with_a_gap_inside_the_window(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    values = zeros()
    del values[12]
    put_frames(channel_id, "0", values)
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel["changed"] is False and f"{IDLE - 1} of {IDLE}" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"


def test_stop_if_idle_keeps_a_channel_with_no_datapoints(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel["changed"] is False and "no InputVideoFrameRate datapoints" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_stop_if_idle_leaves_an_idle_state_channel_alone(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch)
    put_frames(channel_id, "0", zeros())
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel == {"channelId": channel_id, "state": "IDLE", "changed": False, "reason": channel["reason"]}
    assert "not RUNNING" in channel["reason"]
    assert notices(queue_url) == []


def test_standard_channel_needs_both_pipelines_idle(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, channel_class="STANDARD", running=True)
    put_frames(channel_id, "0", zeros())
    put_frames(channel_id, "1", dict.fromkeys(zeros(), 30.0))
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel["changed"] is False
    assert "pipeline 1 received video" in channel["reason"] and "pipeline 0" not in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_standard_channel_with_data_on_one_pipeline_only_is_kept(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, channel_class="STANDARD", running=True)
    put_frames(channel_id, "0", zeros())
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel["changed"] is False and "pipeline 1 has no" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"


def test_standard_channel_with_both_pipelines_idle_is_stopped(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, channel_class="STANDARD", running=True)
    put_frames(channel_id, "0", zeros())
    put_frames(channel_id, "1", zeros())
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    assert channel["changed"] is True and "pipeline(s) 0, 1" in channel["reason"]
    assert state(medialive, channel_id) == "IDLE"
    assert len(notices(queue_url)) == 1


def test_stop_if_idle_judges_each_channel_separately(medialive, monkeypatch, queue_url):
    idle = make_channel(medialive, monkeypatch, running=True, name="idle")
    busy = make_channel(medialive, monkeypatch, running=True, name="busy")
    put_frames(idle, "0", zeros())
    put_frames(busy, "0", dict.fromkeys(zeros(), 29.97))
    result = cc.handler({"action": "stop-if-idle"}, None)
    assert [(c["channelId"], c["changed"]) for c in result["channels"]] == [(idle, True), (busy, False)]
    (notice,) = notices(queue_url)
    assert idle in notice["Message"] and busy not in notice["Message"]


# --- notify-if-running -------------------------------------------------------------------------


def test_notify_if_running_lists_running_channels_in_one_notice(medialive, monkeypatch, queue_url):
    idle = make_channel(medialive, monkeypatch, name="a")
    running = make_channel(medialive, monkeypatch, running=True, name="b")
    result = cc.handler({"action": "notify-if-running"}, None)
    assert result["channels"] == [{"channelId": running, "state": "RUNNING", "changed": False}]
    assert result["notified"] is True
    (notice,) = notices(queue_url)
    assert running in notice["Message"] and idle not in notice["Message"]
    assert "still running" in notice["Subject"]
    assert (state(medialive, idle), state(medialive, running)) == ("IDLE", "RUNNING")


def test_notify_if_running_publishes_nothing_when_nothing_runs(medialive, monkeypatch, queue_url):
    make_channel(medialive, monkeypatch)
    result = cc.handler({"action": "notify-if-running"}, None)
    assert result == {"action": "notify-if-running", "channels": [], "notified": False}
    assert notices(queue_url) == []


# --- packaging ---------------------------------------------------------------------------------


def test_function_imports_only_the_standard_library_and_boto3():
    tree = ast.parse(Path(cc.__file__).read_text())
    modules = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    modules |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    top = {m.split(".")[0] for m in modules if m}
    assert top - set(sys.stdlib_module_names) <= {"boto3", "botocore"}
    # botocore stores max_attempts=8 (retries) as total_max_attempts=9 (first call + 8 retries)
    assert cc.RETRY.retries == {"mode": "adaptive", "total_max_attempts": 9}


def test_window_is_whole_minutes_ending_before_now():
    start, end = cc._window(IDLE, datetime(2026, 3, 1, 12, 30, 45, tzinfo=UTC))
    assert end == datetime(2026, 3, 1, 12, 28, tzinfo=UTC)
    assert end - start == timedelta(minutes=IDLE)
