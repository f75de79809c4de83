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

import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

from livestream.functions import channel_control as cc
from tests.conftest import aws_client

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
    cc._client.cache_clear()  # a client per test's environment (region, credentials), as per Lambda environment
    with mock_aws():
        yield


def client(service: str):
    return aws_client(service, REGION)


@pytest.fixture
def medialive(aws):
    return client("medialive")


@pytest.fixture
def queue_url(aws, monkeypatch):
    """An SNS topic (TOPIC_ARN) with an SQS queue subscribed, to count published notices."""
    sns, sqs = client("sns"), client("sqs")
    topic = sns.create_topic(Name="livestream-alerts")["TopicArn"]
    url = sqs.create_queue(QueueName="notices")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    monkeypatch.setenv("TOPIC_ARN", topic)
    monkeypatch.setenv("IDLE_MINUTES", str(IDLE))
    return url


def notices(url: str) -> list[dict]:
    sqs = client("sqs")
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


def put_running(channel_id: str, pipeline: str, first: int = 60, last: int = -2) -> None:
    """ActiveAlerts datapoints (0 alerts) for every minute from `first` minutes ago: the channel ran."""
    put_metric(channel_id, pipeline, "ActiveAlerts", zeros(first, last))


def put_metric(channel_id: str, pipeline: str, metric: str, values: dict[int, float]) -> None:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    data = [
        {
            "MetricName": metric,
            "Dimensions": [{"Name": "ChannelId", "Value": channel_id}, {"Name": "Pipeline", "Value": pipeline}],
            "Timestamp": now - timedelta(minutes=ago, seconds=-30),
            "Value": value,
        }
        for ago, value in values.items()
    ]
    cloudwatch = client("cloudwatch")
    for i in range(0, len(data), 20):
        cloudwatch.put_metric_data(Namespace="AWS/MediaLive", MetricData=data[i : i + 20])


def moto_channel(channel_id: str):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.medialive.models import medialive_backends

    return medialive_backends[DEFAULT_ACCOUNT_ID][REGION]._channels[channel_id]


def tag_start(channel_id: str, by: str, minutes_ago: float) -> None:
    """As a start by the function (or `livestream start`) leaves the channel: who and when."""
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    moto_channel(channel_id).tags = {cc.STARTED_BY: by, cc.STARTED_AT: at.strftime("%Y-%m-%dT%H:%M:%SZ")}


@pytest.fixture
def tagging(monkeypatch):
    """moto's MediaLive has no CreateTags: the function's client writes tags into moto's channel model instead."""
    real = cc._client

    class Client:
        def __init__(self, client):
            self._client = client

        def __getattr__(self, name):
            return getattr(self._client, name)

        def create_tags(self, ResourceArn, Tags):  # noqa: N803 (boto3 keyword names)
            channel_id = ResourceArn.rsplit(":", 1)[-1]
            moto_channel(channel_id).tags = {**(moto_channel(channel_id).tags or {}), **Tags}
            return {}

    monkeypatch.setattr(cc, "_client", lambda service: Client(real(service)) if service == "medialive" else real(service))


def zeros(first: int = 60, last: int = -2) -> dict[int, float]:
    """0 fps for every minute from `first` minutes ago to `-last` minutes ahead (covers any idle window)."""
    return dict.fromkeys(range(last, first + 1), 0.0)


def state(medialive, channel_id: str) -> str:
    return medialive.describe_channel(ChannelId=channel_id)["State"]


def stop_if_idle() -> dict:
    """Run the idle check over the one channel a test made and return its result."""
    (channel,) = cc.handler({"action": "stop-if-idle"}, None)["channels"]
    return channel


# --- start / stop / status ---------------------------------------------------------------------


def test_start_is_idempotent(medialive, monkeypatch, tagging):
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


def test_a_warm_environment_reuses_its_clients(medialive, monkeypatch, queue_url):
    """Lambda runs invocations one after another in one environment: the clients are made once, not per call."""
    make_channel(medialive, monkeypatch, running=True)
    made: list[str] = []
    real = cc.boto3.client
    monkeypatch.setattr(cc.boto3, "client", lambda service, **options: made.append(service) or real(service, **options))
    for action in ("status", "stop-if-idle", "status", "stop-if-idle"):
        cc.handler({"action": action}, None)
    assert sorted(made) == sorted(set(made)) and "medialive" in made


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


def test_channel_ids_narrow_the_action(medialive, monkeypatch, tagging):
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


def test_log_lines_are_json_objects(medialive, monkeypatch, capsys, tagging):
    channel_id = make_channel(medialive, monkeypatch)
    cc.handler({"action": "start"}, None)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"action": "start", "channelId": channel_id, "state": "STARTING", "changed": True} in lines


# --- who started it ---------------------------------------------------------------------------


def test_scheduled_start_tags_the_channel_schedule_and_a_start_by_hand_manual(medialive, monkeypatch, tagging):
    scheduled = make_channel(medialive, monkeypatch, name="a")
    by_hand = make_channel(medialive, monkeypatch, name="b")
    cc.handler({"action": "start", "source": "schedule", "channelIds": [scheduled]}, None)
    cc.handler({"action": "start", "channelIds": [by_hand]}, None)
    tags = {cid: medialive.describe_channel(ChannelId=cid)["Tags"] for cid in (scheduled, by_hand)}
    assert tags[scheduled][cc.STARTED_BY] == "schedule" and tags[by_hand][cc.STARTED_BY] == "manual"
    started = datetime.strptime(tags[scheduled][cc.STARTED_AT], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - started).total_seconds()) < 60


def test_starting_a_running_channel_keeps_who_started_it(medialive, monkeypatch, tagging):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "schedule", 30)
    cc.handler({"action": "start"}, None)  # a person presses start on a channel the schedule started
    assert medialive.describe_channel(ChannelId=channel_id)["Tags"][cc.STARTED_BY] == "schedule"


def test_unknown_source_is_an_error_result(monkeypatch):
    monkeypatch.setenv("CHANNEL_IDS", "1234567")
    assert "source" in cc.handler({"action": "start", "source": "cron"}, None)["error"]


# --- stop-if-idle ------------------------------------------------------------------------------


def test_a_manual_start_that_never_receives_video_is_stopped(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "manual", 62)
    put_running(channel_id, "0")
    put_metric(channel_id, "0", "InputVideoFrameRate", zeros())
    result = cc.handler({"action": "stop-if-idle"}, None)
    (channel,) = result["channels"]
    assert channel["changed"] is True and channel["state"] == "STOPPING"
    assert channel["reason"].startswith("idle:") and "started manual" in channel["reason"]
    assert state(medialive, channel_id) == "IDLE"
    assert result["notified"] is True
    (notice,) = notices(queue_url)
    assert channel_id in notice["Subject"]
    assert channel_id in notice["Message"] and f"({IDLE} min)" in notice["Message"]


def test_no_video_holds_when_the_frame_rate_publishes_nothing(medialive, monkeypatch, queue_url):
    """No AWS page says whether a running channel without input reports 0 fps or no datapoint: both are idle."""
    channel_id = make_channel(medialive, monkeypatch, running=True)
    put_running(channel_id, "0")  # it ran; InputVideoFrameRate has no datapoints at all
    channel = stop_if_idle()
    assert channel["changed"] is True and "0 or absent" in channel["reason"]
    assert state(medialive, channel_id) == "IDLE"


def test_a_channel_started_by_its_schedule_waits_for_its_broadcaster(medialive, monkeypatch, queue_url):
    """19:00 scheduled start, broadcaster at 19:30: the 19:25 check must not stop it."""
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "schedule", 27)
    put_running(channel_id, "0", first=25)
    channel = stop_if_idle()
    assert channel["changed"] is False and "waits for its broadcaster" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_the_optional_cap_ends_a_scheduled_wait(medialive, monkeypatch, queue_url):
    monkeypatch.setenv("BROADCASTER_WAIT_MINUTES", "45")
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "schedule", 50)
    put_running(channel_id, "0", first=48)
    channel = stop_if_idle()
    assert channel["changed"] is True and "45 min" in channel["reason"]
    assert len(notices(queue_url)) == 1


def test_once_video_came_a_scheduled_channel_that_loses_it_is_stopped(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "schedule", 62)
    put_running(channel_id, "0")
    put_metric(channel_id, "0", "InputVideoFrameRate", {**dict.fromkeys(range(40, 61), 30.0), **zeros(first=39)})
    channel = stop_if_idle()
    assert channel["changed"] is True and "video came and went" in channel["reason"]


def test_a_stale_schedule_tag_from_an_earlier_run_counts_as_manual(medialive, monkeypatch, queue_url):
    """Stopped in the console after last night's schedule, started by hand 40 minutes ago: no wait."""
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "schedule", 60 * 20)
    put_running(channel_id, "0", first=40)
    channel = stop_if_idle()
    assert channel["changed"] is True and "started manual" in channel["reason"]


def test_stop_if_idle_keeps_a_channel_with_any_frames(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    put_running(channel_id, "0")
    put_metric(channel_id, "0", "InputVideoFrameRate", {**zeros(), 10: 25.0})
    channel = stop_if_idle()
    assert channel["changed"] is False
    assert "received video" in channel["reason"] and "25" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_a_channel_that_started_inside_the_window_is_kept(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    put_running(channel_id, "0", first=10)  # started 10 minutes ago, window is 20
    channel = stop_if_idle()
    assert channel["changed"] is False
    assert f"of {IDLE} minutes" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_a_gap_in_activealerts_inside_the_window_keeps_the_channel(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    values = zeros()
    del values[12]
    put_metric(channel_id, "0", "ActiveAlerts", values)
    channel = stop_if_idle()
    assert channel["changed"] is False and "of 20 minutes" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"


def test_with_no_datapoints_nothing_is_proven_and_the_channel_keeps_running(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, running=True)
    channel = stop_if_idle()
    assert channel["changed"] is False and "no ActiveAlerts datapoints" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"
    assert notices(queue_url) == []


def test_max_run_hours_stops_a_channel_whatever_the_metrics_say(medialive, monkeypatch, queue_url):
    monkeypatch.setenv("MAX_RUN_HOURS", "2")
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "schedule", 125)
    put_running(channel_id, "0", first=123)
    put_metric(channel_id, "0", "InputVideoFrameRate", dict.fromkeys(range(-2, 124), 30.0))  # streaming all along
    channel = stop_if_idle()
    assert channel["changed"] is True and "maxRunHours" in channel["reason"]
    assert state(medialive, channel_id) == "IDLE"


def test_max_run_hours_leaves_a_shorter_run_alone(medialive, monkeypatch, queue_url):
    monkeypatch.setenv("MAX_RUN_HOURS", "2")
    channel_id = make_channel(medialive, monkeypatch, running=True)
    tag_start(channel_id, "manual", 62)
    put_running(channel_id, "0")
    put_metric(channel_id, "0", "InputVideoFrameRate", dict.fromkeys(range(-2, 61), 30.0))
    channel = stop_if_idle()
    assert channel["changed"] is False and "received video" in channel["reason"]


def test_stop_if_idle_leaves_an_idle_state_channel_alone(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch)
    put_running(channel_id, "0")
    channel = stop_if_idle()
    assert channel == {"channelId": channel_id, "state": "IDLE", "changed": False, "reason": channel["reason"]}
    assert "not RUNNING" in channel["reason"]
    assert notices(queue_url) == []


def test_standard_channel_with_video_on_one_pipeline_is_kept(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, channel_class="STANDARD", running=True)
    put_running(channel_id, "0")
    put_running(channel_id, "1")
    put_metric(channel_id, "1", "InputVideoFrameRate", dict.fromkeys(zeros(), 30.0))
    channel = stop_if_idle()
    assert channel["changed"] is False and "received video" in channel["reason"]
    assert state(medialive, channel_id) == "RUNNING"


def test_standard_channel_with_no_video_on_either_pipeline_is_stopped(medialive, monkeypatch, queue_url):
    channel_id = make_channel(medialive, monkeypatch, channel_class="STANDARD", running=True)
    put_running(channel_id, "0")
    put_running(channel_id, "1")
    put_metric(channel_id, "0", "InputVideoFrameRate", zeros())
    channel = stop_if_idle()
    assert channel["changed"] is True
    assert state(medialive, channel_id) == "IDLE"
    assert len(notices(queue_url)) == 1


def test_stop_if_idle_judges_each_channel_separately(medialive, monkeypatch, queue_url):
    idle = make_channel(medialive, monkeypatch, running=True, name="idle")
    busy = make_channel(medialive, monkeypatch, running=True, name="busy")
    for channel_id in (idle, busy):
        put_running(channel_id, "0")
    put_metric(busy, "0", "InputVideoFrameRate", dict.fromkeys(zeros(), 29.97))
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


def test_a_tag_written_inside_the_runs_first_minute_belongs_to_the_run() -> None:
    first = datetime(2026, 11, 30, 19, 0, tzinfo=UTC)
    assert cc._belongs_to_run(datetime(2026, 11, 30, 19, 0, 30, tzinfo=UTC), first)
    assert cc._belongs_to_run(datetime(2026, 11, 30, 18, 58, 40, tzinfo=UTC), first)  # the channel took a minute to start
    assert not cc._belongs_to_run(datetime(2026, 11, 29, 19, 0, tzinfo=UTC), first)  # yesterday's run
