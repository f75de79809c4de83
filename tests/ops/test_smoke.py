"""`livestream smoke`: the media steps against local stand-ins, and the channel stopped on every way out.

Stand-ins: ffmpeg listening as the RTMP ingest (`-listen 1`) and packaging two HLS rungs with
program date-times into a folder; a local HTTP server serving that folder as the CDN; a recordings
"indexer" that writes recordings.json once the stream ends. MediaLive itself is moto (which
publishes no metrics: the test puts the input datapoint MediaLive would).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from livestream.cli import main
from livestream.ops import smoke
from tests.ops.conftest import REGION, STREAM_KEY, Deployed, client

ROOT = Path(__file__).resolve().parents[2]
FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(
    FFMPEG is None, reason="ffmpeg is not installed: apt-get install -y ffmpeg (or make browser-deps) to run the media steps"
)
FAST = ["--size", "320x180", "--fps", "10", "--manifest-poll", "0.5", "--poll", "0.2"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


LISTEN = "0A"  # a TCP socket's state in /proc/net/tcp when it listens


def wait_until_listening(port: int, listener: subprocess.Popen[bytes], timeout_s: float = 15.0) -> None:
    """Wait for ffmpeg's `-listen 1` socket, without connecting to it (it accepts one connection only).

    A fixed pause was not enough on 2 busy cores: the pusher connected before ffmpeg had bound, and
    the smoke test failed with "Input/output error". Where /proc/net/tcp does not exist, a pause.
    """
    table = Path("/proc/net/tcp")
    if not table.exists():
        time.sleep(2.0)
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert listener.poll() is None, f"the RTMP listener exited with {listener.returncode}"
        rows = (line.split() for line in table.read_text().splitlines()[1:])
        if any(row[1].endswith(f":{port:04X}") and row[3] == LISTEN for row in rows):
            return
        time.sleep(0.02)
    raise AssertionError(f"the RTMP listener did not listen on port {port} within {timeout_s:g} s")


def listener_command(url: str, folder: Path) -> list[str]:
    """ffmpeg as the ingest + packager: two rungs (full size and 160x90) as HLS with program date-times."""
    return [
        "ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-listen", "1", "-f", "flv", "-i", url,
        "-filter_complex", "[0:v]split=2[a][b];[b]scale=160:90[small]",
        "-map", "[a]", "-map", "0:a", "-map", "[small]", "-map", "0:a",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-c:a", "aac", "-b:a", "64k",
        "-f", "hls", "-hls_time", "1", "-hls_list_size", "10", "-hls_flags", "program_date_time",
        "-var_stream_map", "v:0,a:0 v:1,a:1", "-master_pl_name", "index.m3u8",
        "-hls_segment_filename", str(folder / "rung_%v_%03d.ts"), str(folder / "rung_%v.m3u8"),
    ]  # fmt: skip


@pytest.fixture
def ingest(deployed: Deployed) -> Iterator[subprocess.Popen[bytes]]:
    """The RTMP ingest stand-in, writing where the CDN serves the channel's HLS manifest."""
    port = free_port()
    url = f"rtmp://127.0.0.1:{port}/main/{STREAM_KEY}-primary"
    folder = deployed.cdn_folder / deployed.outputs["playbackUrls"]["main"]["hls"].split("/", 3)[3].rsplit("/", 1)[0]
    folder.mkdir(parents=True)
    listener = subprocess.Popen(listener_command(url, folder), stdin=subprocess.DEVNULL)
    wait_until_listening(port, listener)  # before the smoke test's ffmpeg connects
    started = datetime.now(UTC)

    def index_when_the_stream_ends() -> None:
        listener.wait()
        entry = {"channel": "main", "startedAt": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "hls": "recordings/main/index.m3u8"}
        (deployed.cdn_folder / "recordings.json").write_text(json.dumps({"recordings": [entry]}))

    threading.Thread(target=index_when_the_stream_ends, daemon=True).start()
    deployed.write(ingestUrls={"main": [url]}, playerUrl=deployed.cdn_url + "/")
    yield listener
    if listener.poll() is None:
        listener.kill()
        listener.wait()


def channel_state(deployed: Deployed) -> str:
    return str(client("medialive").describe_channel(ChannelId=deployed.channel_id)["State"])


@needs_ffmpeg
def test_smoke_plays_every_rung_through_the_cdn_and_stops_the_channel(
    deployed: Deployed, ingest: subprocess.Popen[bytes], capsys: Any
) -> None:
    dims = [{"Name": "ChannelId", "Value": deployed.channel_id}, {"Name": "Pipeline", "Value": "0"}]
    client("cloudwatch").put_metric_data(
        Namespace="AWS/MediaLive", MetricData=[{"MetricName": "InputVideoFrameRate", "Dimensions": dims, "Value": 10.0}]
    )
    argv = ["smoke", "main", "--outputs", str(deployed.outputs_path), "--duration", "5", "--json", *FAST]
    code = main([*argv, "--playable-timeout", "30", "--recording-timeout", "20"])
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    steps = {s["check"]: s for s in report["steps"]}
    assert code == 0, report["steps"]
    assert steps["manifest playable through the CDN"]["detail"] == "2 rungs"
    assert steps["manifest advances"]["status"] == "pass"
    assert {n for n in steps if n.startswith("segment of ")} == {"segment of rung_0.m3u8", "segment of rung_1.m3u8"}
    assert all(steps[n]["status"] == "pass" for n in steps)
    assert steps["recording appears"]["detail"].startswith("recordings.json lists it")
    assert steps["input metrics"]["detail"] == "pipeline 0: max 10 fps"
    timings = report["timings"]
    assert timings["channelStartSeconds"] >= 0 and timings["channelStopSeconds"] >= 0
    assert 0 < timings["firstPlayableSeconds"] < 30
    assert -5 < timings["behindLiveSeconds"] < 30
    assert channel_state(deployed) == "IDLE"
    assert STREAM_KEY not in captured.out + captured.err


@needs_ffmpeg
def test_a_failed_push_still_stops_the_channel(deployed: Deployed, capsys: Any) -> None:
    deployed.write(ingestUrls={"main": [f"rtmp://127.0.0.1:{free_port()}/main/{STREAM_KEY}-primary"]})  # nobody listens
    argv = ["smoke", "main", "--outputs", str(deployed.outputs_path), "--duration", "5", "--json", *FAST]
    code = main([*argv, "--playable-timeout", "120", "--recording-timeout", "0"])
    report = json.loads(capsys.readouterr().out)
    steps = {s["check"]: s for s in report["steps"]}
    assert code == 1
    assert steps["manifest playable through the CDN"]["status"] == "fail"
    # not the playable timeout: the wait ends as soon as the push has failed
    assert steps["manifest playable through the CDN"]["detail"].startswith("the test pattern push failed (ffmpeg exit ")
    assert steps["test pattern pushed"]["status"] == "fail"
    assert steps["channel stopped"]["status"] == "pass"
    assert channel_state(deployed) == "IDLE"


@pytest.fixture
def silent_ingest() -> Iterator[str]:
    """An ingest that takes the connection and never answers: the push hangs, nothing ever plays."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held: list[socket.socket] = []
    threading.Thread(target=lambda: held.append(server.accept()[0]), daemon=True).start()
    yield f"rtmp://127.0.0.1:{server.getsockname()[1]}/main/{STREAM_KEY}-primary"
    for connection in [*held, server]:
        connection.close()


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_smoke_stops_the_channel(deployed: Deployed, silent_ingest: str, sent: signal.Signals) -> None:
    """A running smoke (channel RUNNING, waiting for a manifest) gets a signal: it stops the channel and exits 1."""
    deployed.write(ingestUrls={"main": [silent_ingest]})
    argv = [
        "smoke",
        "main",
        "--outputs",
        str(deployed.outputs_path),
        "--duration",
        "60",
        "--json",
        *FAST,
        "--playable-timeout",
        "60",
    ]
    process = subprocess.Popen(
        [sys.executable, "-m", "livestream.cli", *argv],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(os.environ),
    )
    medialive = client("medialive")
    deadline = time.monotonic() + 60
    while medialive.describe_channel(ChannelId=deployed.channel_id)["State"] != "RUNNING":
        assert time.monotonic() < deadline and process.poll() is None, process.communicate()
        time.sleep(0.2)
    time.sleep(1.0)  # into the manifest polling
    process.send_signal(sent)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    report = json.loads(out)
    assert report["interrupted"] is True
    assert {s["check"]: s["status"] for s in report["steps"]}["channel stopped"] == "pass"
    assert b"interrupted: stopping the channel" in err
    assert channel_state(deployed) == "IDLE"


def test_pusher_command_sends_h264_aac_test_pattern() -> None:
    options = smoke.SmokeOptions(duration=90, size="1280x720", fps=30)
    rtmp = smoke.pusher_command("rtmp://203.0.113.1:1935/main/key-primary", options)
    assert rtmp[rtmp.index("-i") + 1] == "testsrc2=size=1280x720:rate=30" and "-re" in rtmp
    assert rtmp[-3:] == ["-f", "flv", "rtmp://203.0.113.1:1935/main/key-primary"]
    assert rtmp[rtmp.index("-c:v") + 1] == "libx264" and rtmp[rtmp.index("-c:a") + 1] == "aac"
    assert rtmp[rtmp.index("-g") + 1] == "60" and rtmp[rtmp.index("-t") + 1] == "90"
    srt = smoke.pusher_command("srt://203.0.113.1:5000", options, passphrase="pass phrase/1")
    assert srt[-3:] == ["-f", "mpegts", "srt://203.0.113.1:5000?passphrase=pass%20phrase%2F1&pbkeylen=32"]


def test_the_archive_bucket_also_proves_the_recording(deployed: Deployed) -> None:
    from livestream.ops import aws, outputs

    stack = outputs.load(outputs_file=deployed.outputs_path)
    since = datetime.now(UTC)
    connection = aws.connect(stack)
    assert smoke.recording_appeared(connection, stack, "main", since) is None
    client("s3").put_object(Bucket=deployed.outputs["archiveBucket"], Key="other/old.ts", Body=b"x")
    assert smoke.recording_appeared(connection, stack, "main", since) is None
    client("s3").put_object(Bucket=deployed.outputs["archiveBucket"], Key="main/archive/seg_00001.ts", Body=b"ts")
    assert (
        smoke.recording_appeared(connection, stack, "main", since)
        == f"1 new objects in s3://{deployed.outputs['archiveBucket']}/main/"
    )
    assert connection.region == REGION
