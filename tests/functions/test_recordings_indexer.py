"""The recordings indexer on moto (S3, CloudWatch) with EventBridge events as input.

moto has no MediaPackage v2 harvest jobs, so the harvester is a botocore Stubber: every call is
checked against botocore's service model, and a test fails if the function creates a harvest job
it should not (an unexpected call) or omits one it should (`assert_no_pending_responses`).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws
from moto.s3.models import s3_backends

from livestream.functions import recordings_indexer as indexer
from tests.conftest import aws_client

REGION = "ap-northeast-2"
ACCOUNT = "123456789012"
BUCKET = "live-recordings"
SITE = "live-site"
BASE = "https://d111111abcdef8.cloudfront.net"
CHANNEL_ID = "4455667"
CHANNEL_ARN = f"arn:aws:medialive:{REGION}:{ACCOUNT}:channel:{CHANNEL_ID}"
ENDPOINT_ARN = f"arn:aws:mediapackagev2:{REGION}:{ACCOUNT}:channelGroup/live-dev/channel/main/originEndpoint/recording"
T0 = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
# The indexer's clock is frozen where every test's timeline starts (a test that needs a later one moves
# it): on the real clock a run would look older than LOST_STOP_MINUTES, and the lost-stop sweep would
# kick in, depending on the day the suite runs.
NOW = T0


def iso(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def state_event(state: str, at: datetime, *, running: int = 0, pipeline: str | None = None) -> dict[str, Any]:
    """The event MediaLive sends (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html)."""
    detail: dict[str, Any] = {"channel_arn": CHANNEL_ARN, "state": state, "message": state, "pipelines_running_count": running}
    if pipeline is not None:
        detail["pipeline"] = pipeline
    return {
        "version": "0",
        "id": "fbcbbbe3-2541-d4a3-d819-x39f522a8ce",
        "detail-type": "MediaLive Channel State Change",
        "source": "aws.medialive",
        "account": ACCOUNT,
        "time": iso(at),
        "region": REGION,
        "resources": [CHANNEL_ARN],
        "detail": detail,
    }


HARVEST_EVENT = {"detail-type": "MediaPackageV2 HarvestJob Notification", "source": "aws.mediapackagev2", "detail": {}}
HOURLY = {"detail-type": "Scheduled Event", "source": "aws.events", "detail": {}}


class Harvester:
    """MediaPackage v2 harvest calls, stubbed and validated against botocore's model."""

    def __init__(self) -> None:
        self.client = boto3.client("mediapackagev2", region_name=REGION)
        self.stub = Stubber(self.client)
        self.stub.activate()
        self.overrides: dict[str, Any] = {"mediapackagev2": self.client}  # services a test stubs instead of moto

    def expect_create(self, name: str, start: datetime, end: datetime, path: str) -> None:
        params = {
            "ChannelGroupName": "live-dev",
            "ChannelName": "main",
            "OriginEndpointName": "recording",
            "Description": Any,
            "HarvestedManifests": {"HlsManifests": [{"ManifestName": "index"}]},
            "ScheduleConfiguration": {"StartTime": start, "EndTime": end},
            "Destination": {"S3Destination": {"BucketName": BUCKET, "DestinationPath": path}},
            "HarvestJobName": name,
            "ClientToken": name,
        }
        self.stub.add_response("create_harvest_job", self._job(name, "QUEUED", start, end), {**params, "Description": ANY})

    def status(self, name: str, status: str) -> None:
        params = {
            "ChannelGroupName": "live-dev",
            "ChannelName": "main",
            "OriginEndpointName": "recording",
            "HarvestJobName": name,
        }
        self.stub.add_response("get_harvest_job", self._job(name, status, T0, T0), params)

    def _job(self, name: str, status: str, start: datetime, end: datetime) -> dict[str, Any]:
        return {
            "ChannelGroupName": "live-dev",
            "ChannelName": "main",
            "OriginEndpointName": "recording",
            "Destination": {"S3Destination": {"BucketName": BUCKET, "DestinationPath": "recordings/"}},
            "HarvestJobName": name,
            "HarvestedManifests": {"HlsManifests": [{"ManifestName": "index"}]},
            "ScheduleConfiguration": {"StartTime": start, "EndTime": end},
            "Arn": f"{ENDPOINT_ARN}/harvestJob/{name}",
            "CreatedAt": T0,
            "ModifiedAt": T0,
            "Status": status,
        }


class _Anything:
    def __eq__(self, other: object) -> bool:
        return True


ANY = _Anything()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Harvester]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "RECORDINGS_BUCKET": BUCKET,
        "INDEX_BUCKET": SITE,
        "PLAYBACK_BASE": BASE,
        "CHANNELS": json.dumps(
            {
                CHANNEL_ID: {
                    "name": "main",
                    "channelGroup": "live-dev",
                    "channel": "main",
                    "endpoint": "recording",
                    "manifest": "index",
                    "segmentSeconds": 4,
                    "pipelines": 2,
                    "maxHours": 24,
                }
            }
        ),
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(indexer, "_now", lambda: NOW)
    indexer.channels.cache_clear()
    indexer._client.cache_clear()
    with mock_aws():
        for bucket in (BUCKET, SITE):
            s3().create_bucket(Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION})
        harvester = Harvester()
        real = indexer._client
        monkeypatch.setattr(
            indexer, "_client", lambda service: harvester.overrides[service] if service in harvester.overrides else real(service)
        )
        yield harvester
        harvester.stub.assert_no_pending_responses()
        real.cache_clear()


def s3() -> Any:
    return aws_client("s3", REGION)


def harvested() -> Any:
    """moto's S3, where a test lays out what MediaPackage's harvest wrote: the indexer still reads it
    through boto3, but arranging hundreds of files by API cost ~4 ms of request plumbing each."""
    return s3_backends[ACCOUNT]["global"]


def write_vod(prefix: str, segments: list[float], rungs: tuple[str, ...] = ("480p", "360p")) -> int:
    """What a harvest leaves in S3: a multivariant playlist, one media playlist per rung, segments. Returns the bytes."""
    written = 0

    def put(key: str, body: bytes) -> None:
        nonlocal written
        harvested().put_object(BUCKET, prefix + key, body)
        written += len(body)

    put(
        "index.m3u8",
        "\n".join(
            ["#EXTM3U"] + [f"#EXT-X-STREAM-INF:BANDWIDTH={1000 * (i + 1)}\nindex_{r}.m3u8" for i, r in enumerate(rungs)]
        ).encode(),
    )
    for rung in rungs:
        lines = ["#EXTM3U", "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-TARGETDURATION:4"]
        for n, seconds in enumerate(segments):
            lines += [f"#EXTINF:{seconds},", f"segment_{rung}_{n}.mp4"]
            put(f"segment_{rung}_{n}.mp4", b"x" * 1000)
        put(f"index_{rung}.m3u8", "\n".join([*lines, "#EXT-X-ENDLIST"]).encode())
    return written


def video(
    at: datetime, minutes: int, fps: float, pipelines: tuple[str, ...] = ("0", "1"), metric: str = "InputVideoFrameRate"
) -> None:
    cloudwatch = aws_client("cloudwatch", REGION)
    for pipeline in pipelines:
        cloudwatch.put_metric_data(
            Namespace="AWS/MediaLive",
            MetricData=[
                {
                    "MetricName": metric,
                    "Dimensions": [{"Name": "ChannelId", "Value": CHANNEL_ID}, {"Name": "Pipeline", "Value": pipeline}],
                    "Timestamp": at + timedelta(minutes=m),
                    "Value": fps,
                }
                for m in range(minutes)
            ],
        )


def index() -> dict[str, Any]:
    return json.loads(s3().get_object(Bucket=SITE, Key="recordings.json")["Body"].read())


def prefix(started: datetime) -> str:
    return f"recordings/main/{started.strftime('%Y%m%dT%H%M%SZ')}/"


def job(started: datetime) -> str:
    return f"main-{started.strftime('%Y%m%dT%H%M%SZ')}"


def broadcast(harvester: Harvester, started: datetime, ended: datetime, *, harvest_start: datetime | None = None) -> None:
    """A channel runs from `started` to `ended`; the stop creates a harvest job."""
    indexer.handler(state_event("RUNNING", started, running=1), None)
    harvester.expect_create(
        job(started), harvest_start or started, ended + timedelta(seconds=4), prefix(started)
    )  # stop + one segment: the last, partial one
    indexer.handler(state_event("STOPPED", ended), None)


# --- a broadcast becomes one recording -----------------------------------------------------------------


def test_a_standard_channel_broadcast_becomes_exactly_one_adaptive_recording(aws: Harvester) -> None:
    end = T0 + timedelta(minutes=5)
    video(T0, 5, 30.0)
    # Both pipelines report RUNNING; one pipeline stopping first does not close the run.
    indexer.handler(state_event("RUNNING", T0, running=1, pipeline="0"), None)
    indexer.handler(state_event("RUNNING", T0 + timedelta(seconds=3), running=2, pipeline="1"), None)
    indexer.handler(state_event("STOPPED", end - timedelta(seconds=2), running=1, pipeline="0"), None)
    aws.expect_create(job(T0), T0, end + timedelta(seconds=4), prefix(T0))
    indexer.handler(state_event("STOPPED", end, running=0, pipeline="1"), None)
    assert index() == {"recordings": []}

    written = write_vod(prefix(T0), [4.0] * 75)
    aws.status(job(T0), "COMPLETED")
    result = indexer.handler(HARVEST_EVENT, None)

    assert result["index"].startswith("written")
    assert index() == {
        "recordings": [
            {
                "channel": "main",
                "startedAt": iso(T0),
                "endedAt": iso(end),
                "durationSeconds": 300.0,
                "hls": f"{BASE}/recordings/main/20261130T100000Z/index.m3u8",
                "bytes": written,
            }
        ]
    }


def test_a_broadcast_shorter_than_one_segment_is_listed_with_its_real_length(aws: Harvester) -> None:
    end = T0 + timedelta(seconds=3)
    broadcast(aws, T0, end)
    write_vod(prefix(T0), [3.0])
    aws.status(job(T0), "COMPLETED")
    indexer.handler(HARVEST_EVENT, None)
    [entry] = index()["recordings"]
    assert entry["durationSeconds"] == 3.0 and entry["endedAt"] == iso(end)


def test_the_harvest_starts_at_the_first_minute_of_video_not_at_the_channel_start(aws: Harvester) -> None:
    """A scheduled channel waits for its broadcaster: the recording skips the wait."""
    video(T0, 5, 0.0)
    video(T0 + timedelta(minutes=5), 5, 30.0)
    broadcast(aws, T0, T0 + timedelta(minutes=10), harvest_start=T0 + timedelta(minutes=4))
    write_vod(prefix(T0), [4.0] * 75)
    aws.status(job(T0), "COMPLETED")
    indexer.handler(HOURLY, None)
    assert index()["recordings"][0]["startedAt"] == iso(T0 + timedelta(minutes=4))


# --- nothing empty is listed ----------------------------------------------------------------------------


def test_a_channel_stopped_before_any_video_arrived_creates_no_harvest_and_lists_nothing(aws: Harvester) -> None:
    video(T0, 20, 0.0)
    indexer.handler(state_event("RUNNING", T0, running=1), None)
    result = indexer.handler(state_event("STOPPED", T0 + timedelta(minutes=20)), None)  # no create_harvest_job expected
    assert result["steps"] == {"state/main/20261130T100000Z.json": "empty"}
    assert index() == {"recordings": []}
    state = json.loads(s3().get_object(Bucket=BUCKET, Key="state/main/20261130T100000Z.json")["Body"].read())
    assert state["status"] == "empty" and "no video" in state["reason"]


@pytest.mark.parametrize("outcome", ["no segment", "FAILED"])
def test_a_harvest_without_media_lists_nothing(aws: Harvester, outcome: str) -> None:
    """No metrics at all proves nothing: the harvest runs, and its result decides."""
    broadcast(aws, T0, T0 + timedelta(minutes=5))
    if outcome == "no segment":
        write_vod(prefix(T0), [])
    aws.status(job(T0), "COMPLETED" if outcome == "no segment" else "FAILED")
    indexer.handler(HARVEST_EVENT, None)
    assert index() == {"recordings": []}
    with pytest.raises(s3().exceptions.NoSuchKey):
        s3().get_object(Bucket=BUCKET, Key=prefix(T0) + "recording.json")


# --- timing ---------------------------------------------------------------------------------------------


def test_two_quick_start_stop_cycles_give_two_recordings_newest_first(aws: Harvester) -> None:
    second = T0 + timedelta(minutes=2)
    broadcast(aws, T0, T0 + timedelta(minutes=1))
    aws.status(job(T0), "IN_PROGRESS")  # every event also checks the pending harvest
    indexer.handler(state_event("RUNNING", second, running=1), None)
    aws.status(job(T0), "IN_PROGRESS")
    aws.expect_create(job(second), second, second + timedelta(minutes=1, seconds=4), prefix(second))
    indexer.handler(state_event("STOPPED", second + timedelta(minutes=1)), None)
    for started in (T0, second):
        write_vod(prefix(started), [4.0] * 15)
        aws.status(job(started), "COMPLETED")
    indexer.handler(HOURLY, None)
    assert [e["startedAt"] for e in index()["recordings"]] == [iso(second), iso(T0)]


def test_a_late_stop_event_closes_the_run_it_belongs_to(aws: Harvester) -> None:
    """EventBridge does not order events: the second start can arrive before the first stop."""
    second = T0 + timedelta(minutes=2)
    indexer.handler(state_event("RUNNING", T0, running=1), None)
    indexer.handler(state_event("RUNNING", second, running=1), None)
    aws.expect_create(job(T0), T0, T0 + timedelta(minutes=1, seconds=4), prefix(T0))
    indexer.handler(state_event("STOPPED", T0 + timedelta(minutes=1)), None)
    aws.status(job(T0), "IN_PROGRESS")
    aws.expect_create(job(second), second, second + timedelta(minutes=1, seconds=4), prefix(second))
    indexer.handler(state_event("STOPPED", second + timedelta(minutes=1)), None)


def test_a_stop_while_the_previous_recording_is_still_harvesting(aws: Harvester) -> None:
    second = T0 + timedelta(minutes=10)
    broadcast(aws, T0, T0 + timedelta(minutes=5))
    aws.status(job(T0), "IN_PROGRESS")  # the reconcile after the next start
    indexer.handler(state_event("RUNNING", second, running=1), None)
    aws.status(job(T0), "IN_PROGRESS")
    aws.expect_create(job(second), second, second + timedelta(minutes=5, seconds=4), prefix(second))
    indexer.handler(state_event("STOPPED", second + timedelta(minutes=5)), None)
    assert index() == {"recordings": []}

    write_vod(prefix(T0), [4.0] * 75)
    aws.status(job(T0), "COMPLETED")
    aws.status(job(second), "IN_PROGRESS")
    indexer.handler(HARVEST_EVENT, None)
    assert [e["startedAt"] for e in index()["recordings"]] == [iso(T0)]

    write_vod(prefix(second), [4.0] * 75)
    aws.status(job(second), "COMPLETED")
    indexer.handler(HARVEST_EVENT, None)
    assert [e["startedAt"] for e in index()["recordings"]] == [iso(second), iso(T0)]


def test_repeated_events_record_a_broadcast_once(aws: Harvester) -> None:
    start, stop = state_event("RUNNING", T0, running=1), state_event("STOPPED", T0 + timedelta(minutes=5))
    indexer.handler(start, None)
    indexer.handler(start, None)
    aws.expect_create(job(T0), T0, T0 + timedelta(minutes=5, seconds=4), prefix(T0))
    indexer.handler(stop, None)
    aws.status(job(T0), "IN_PROGRESS")
    indexer.handler(stop, None)  # a second delivery: no second job (the Stubber refuses one)
    write_vod(prefix(T0), [4.0] * 75)
    aws.status(job(T0), "COMPLETED")
    indexer.handler(start, None)  # a late duplicate start inside the finished run opens nothing
    assert len(index()["recordings"]) == 1
    assert not [k for k in s3().list_objects_v2(Bucket=BUCKET, Prefix="state/").get("Contents", [])]


# --- the index object -------------------------------------------------------------------------------------


def recorded(harvester: Harvester) -> None:
    broadcast(harvester, T0, T0 + timedelta(minutes=1))
    write_vod(prefix(T0), [4.0] * 15)
    harvester.status(job(T0), "COMPLETED")
    indexer.handler(HARVEST_EVENT, None)


@pytest.mark.parametrize("damage", ["missing", b"{not json", b'{"recordings": "many"}', b"[]"])
def test_a_missing_or_corrupt_index_is_rebuilt_from_the_recordings(aws: Harvester, damage: Any) -> None:
    recorded(aws)
    if damage == "missing":
        s3().delete_object(Bucket=SITE, Key="recordings.json")
    else:
        s3().put_object(Bucket=SITE, Key="recordings.json", Body=damage)
    assert indexer.handler(HOURLY, None)["index"] == "written (1 recordings)"
    assert index()["recordings"][0]["hls"].endswith("/recordings/main/20261130T100000Z/index.m3u8")
    assert indexer.handler(HOURLY, None)["index"] == "unchanged"


def test_an_expired_recording_leaves_the_index(aws: Harvester) -> None:
    recorded(aws)
    for item in s3().list_objects_v2(Bucket=BUCKET, Prefix=prefix(T0))["Contents"]:  # what the lifecycle expiry does
        s3().delete_object(Bucket=BUCKET, Key=item["Key"])
    indexer.handler(HOURLY, None)
    assert index() == {"recordings": []}


def test_a_concurrent_index_write_is_not_overwritten_with_a_stale_view(aws: Harvester, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another invocation writes between our read and our write: S3 refuses ours (If-Match), we read again."""
    recorded(aws)
    s3().put_object(Bucket=SITE, Key="recordings.json", Body=b'{"recordings": []}')
    real = indexer._all_entries
    calls: list[int] = []

    def racing() -> list[dict[str, Any]]:
        entries = real()
        if not calls:
            s3().put_object(Bucket=SITE, Key="recordings.json", Body=b'{"recordings": [{"channel": "other"}]}')
        calls.append(1)
        return entries

    monkeypatch.setattr(indexer, "_all_entries", racing)
    assert indexer.refresh_index(force=False).startswith("written")
    assert len(calls) == 2  # the first write lost the race and was retried on a fresh read
    assert [e["channel"] for e in index()["recordings"]] == ["main"]


def test_the_index_is_written_with_a_condition_on_what_was_read(aws: Harvester) -> None:
    s3().put_object(Bucket=SITE, Key="recordings.json", Body=b'{"recordings": []}')
    assert indexer._put_json(SITE, "recordings.json", {"recordings": []}, if_match='"0000"') is False
    assert indexer._put_json(SITE, "recordings.json", {"recordings": []}, if_none_match=True) is False


def test_events_for_other_channels_are_ignored(aws: Harvester) -> None:
    event = state_event("STOPPED", T0)
    event["detail"]["channel_arn"] = f"arn:aws:medialive:{REGION}:{ACCOUNT}:channel:999"
    assert indexer.handler(event, None)["run"] == "ignored: not a recorded channel"


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_a_vod_made_by_ffmpeg_in_the_documented_layout_is_indexed(aws: Harvester, tmp_path: Path) -> None:
    """The README's ffmpeg recipe (for the player's browser tests) gives what the indexer lists."""
    folder = tmp_path / prefix(T0)
    folder.mkdir(parents=True)
    subprocess.run(
        ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=30", "-f", "lavfi", "-i",
         "sine=frequency=440", "-t", "6", "-filter_complex", "[0:v]split=2[v0][v1];[v1]scale=160:90[v1s]",
         "-map", "[v0]", "-map", "[v1s]", "-map", "1:a", "-map", "1:a", "-c:v", "libx264", "-g", "60", "-keyint_min", "60",
         "-sc_threshold", "0", "-c:a", "aac", "-f", "hls", "-hls_time", "2", "-hls_playlist_type", "vod",
         "-hls_segment_type", "fmp4", "-master_pl_name", "index.m3u8", "-var_stream_map", "v:0,a:0 v:1,a:1",
         "-hls_segment_filename", f"{folder}/segment_%v_%d.m4s", f"{folder}/index_%v.m3u8"],
        check=True,
        timeout=120,
    )  # fmt: skip
    broadcast(aws, T0, T0 + timedelta(seconds=6))
    for path in folder.iterdir():
        s3().put_object(Bucket=BUCKET, Key=prefix(T0) + path.name, Body=path.read_bytes())
    aws.status(job(T0), "COMPLETED")
    indexer.handler(HARVEST_EVENT, None)
    [entry] = index()["recordings"]
    assert entry["durationSeconds"] == pytest.approx(6.0, abs=0.1)
    assert entry["hls"] == f"{BASE}/recordings/main/20261130T100000Z/index.m3u8"
    assert entry["bytes"] == sum(p.stat().st_size for p in folder.iterdir())


def test_video_that_cloudwatch_has_not_published_yet_is_not_taken_for_no_video(aws: Harvester) -> None:
    """At the stop the last minutes may have no datapoint yet: zeros before them prove nothing."""
    end = T0 + timedelta(minutes=10)
    video(T0, 7, 0.0)  # the broadcaster arrived at minute 8; those minutes are not published yet
    broadcast(aws, T0, end)  # harvested from the start, not refused as empty
    video(T0 + timedelta(minutes=8), 2, 30.0)  # published by the time the harvest is done
    write_vod(prefix(T0), [4.0] * 150)
    aws.status(job(T0), "COMPLETED")
    indexer.handler(HARVEST_EVENT, None)
    assert [e["startedAt"] for e in index()["recordings"]] == [iso(T0)]


def test_a_harvest_of_filler_only_is_not_listed_and_its_files_are_removed(aws: Harvester) -> None:
    """A single-pipeline channel emits filler without input; the metrics, complete after the harvest, say so."""
    end = T0 + timedelta(minutes=5)
    broadcast(aws, T0, end)  # no datapoints yet at the stop
    video(T0, 5, 0.0)
    write_vod(prefix(T0), [4.0] * 75)
    aws.status(job(T0), "COMPLETED")
    indexer.handler(HARVEST_EVENT, None)
    assert index() == {"recordings": []}
    assert "Contents" not in s3().list_objects_v2(Bucket=BUCKET, Prefix=prefix(T0))


def test_a_lost_stop_event_is_recovered_by_the_sweep(aws: Harvester, monkeypatch: pytest.MonkeyPatch) -> None:
    """EventBridge delivers best effort: the sweep closes a run whose channel is idle, at its last ActiveAlerts minute."""
    medialive = boto3.client("medialive", region_name=REGION)
    stub = Stubber(medialive)
    stub.activate()
    aws.overrides["medialive"] = medialive
    stub.add_client_error("list_tags_for_resource", "NotFoundException")  # no start tag: the event time is the start
    indexer.handler(state_event("RUNNING", T0, running=1), None)
    video(T0, 20, 30.0)
    video(T0, 20, 0.0, metric="ActiveAlerts")  # published whenever the channel runs
    monkeypatch.setattr(indexer, "_now", lambda: T0 + timedelta(hours=1))
    stub.add_response("describe_channel", {"State": "IDLE"}, {"ChannelId": CHANNEL_ID})
    aws.expect_create(job(T0), T0, T0 + timedelta(minutes=20, seconds=4), prefix(T0))
    result = indexer.handler(HOURLY, None)
    assert result["steps"] == {"state/main/20261130T100000Z.json": "harvesting"}
    stub.assert_no_pending_responses()


def test_a_running_channel_keeps_its_open_run(aws: Harvester, monkeypatch: pytest.MonkeyPatch) -> None:
    medialive = boto3.client("medialive", region_name=REGION)
    stub = Stubber(medialive)
    stub.activate()
    aws.overrides["medialive"] = medialive
    stub.add_client_error("list_tags_for_resource", "NotFoundException")
    indexer.handler(state_event("RUNNING", T0, running=1), None)
    monkeypatch.setattr(indexer, "_now", lambda: T0 + timedelta(hours=1))
    stub.add_response("describe_channel", {"State": "RUNNING"}, {"ChannelId": CHANNEL_ID})
    assert indexer.handler(HOURLY, None)["steps"] == {}  # no harvest: the Stubber would refuse one


def test_the_start_tag_of_this_start_names_the_run(aws: Harvester) -> None:
    """The brief's contract: whoever starts a channel tags livestream:started-at; the run starts there."""
    medialive = boto3.client("medialive", region_name=REGION)
    stub = Stubber(medialive)
    stub.activate()
    aws.overrides["medialive"] = medialive
    tagged = T0 - timedelta(seconds=70)  # the start request; RUNNING follows about a minute later
    stub.add_response("list_tags_for_resource", {"Tags": {"livestream:started-at": iso(tagged)}}, {"ResourceArn": CHANNEL_ARN})
    indexer.handler(state_event("RUNNING", T0, running=1), None)
    stub.add_response("list_tags_for_resource", {"Tags": {"livestream:started-at": iso(tagged)}}, {"ResourceArn": CHANNEL_ARN})
    indexer.handler(state_event("RUNNING", T0 + timedelta(seconds=2), running=2), None)  # the second pipeline: same run
    aws.expect_create(job(tagged), tagged, T0 + timedelta(minutes=5, seconds=4), prefix(tagged))
    indexer.handler(state_event("STOPPED", T0 + timedelta(minutes=5)), None)
    assert [k["Key"] for k in s3().list_objects_v2(Bucket=BUCKET, Prefix="state/")["Contents"]] == [
        "state/main/20261130T095850Z.json"
    ]
