"""`livestream smoke CHANNEL`: the end-to-end proof for a first deployment.

Start the channel; push an ffmpeg test pattern (testsrc2 + a sine tone, H.264/AAC) to every
pipeline's ingest URL; fetch the HLS manifest through the CDN until it is playable and advances;
download the newest segment of every rung; stop the channel; check the recording appears (the
player site's recordings.json or the archive bucket, whichever the stack has); read the input
metrics; report timings: channel start, first playable segment, distance behind live (from
EXT-X-PROGRAM-DATE-TIME). Ctrl-C, SIGTERM or any failure still stops the channel.
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, urljoin

from botocore.exceptions import BotoCoreError, ClientError

from livestream.ops import OpsError, channels, golive, hls, http, metrics
from livestream.ops.aws import Aws
from livestream.ops.outputs import StackOutputs
from livestream.ops.verify import FAIL, PASS, SKIP, Check

CLOCK_SLACK = timedelta(minutes=1)  # this machine's clock against AWS's, for "after the smoke started"
STOP_GRACE_SECONDS = 5.0  # ffmpeg gets this long to close its stream before it is killed

Say = Callable[[str], None]


@dataclass(frozen=True)
class SmokeOptions:
    duration: float = 180.0  # seconds of test pattern: a few minutes shows the manifest advancing
    size: str = "1280x720"  # the pattern's size and rate: a phone's usual 720p30
    fps: int = 30
    video_kbps: int = 3000
    poll: float = 2.0  # manifest polls: about half a live segment
    playable_timeout: float = 180.0  # push start -> playable through the CDN; MediaLive + packager take ~30-60 s
    recording_timeout: float = 180.0  # stop -> recording indexed or archived
    channel_timeout: float = channels.TIMEOUT_SECONDS
    channel_poll: float = channels.POLL_SECONDS
    ffmpeg: str = "ffmpeg"


@dataclass
class SmokeReport:
    channel: str
    steps: list[Check] = field(default_factory=list)
    timings: dict[str, float | None] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.interrupted and not any(s.status == FAIL for s in self.steps)

    def add(self, check: Check, say: Say) -> None:
        self.steps.append(check)
        say(f"{check.status.upper():4}  {check.name}: {check.detail}" + (f" -> {check.fix}" if check.fix else ""))

    def as_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "ok": self.ok,
            "interrupted": self.interrupted,
            "steps": [s.as_dict() for s in self.steps],
            "timings": {k: None if v is None else round(v, 1) for k, v in self.timings.items()},
        }


def pusher_command(url: str, options: SmokeOptions, passphrase: str | None = None) -> list[str]:
    """ffmpeg sending a test pattern in real time (-re): H.264 with 2 s GOPs and AAC, FLV for RTMP, MPEG-TS for SRT."""
    gop = str(options.fps * 2)
    video = f"testsrc2=size={options.size}:rate={options.fps}"
    target, container = url, "flv"
    if url.startswith("srt://"):
        container = "mpegts"
        if passphrase:
            target += ("&" if "?" in url else "?") + f"passphrase={quote(passphrase, safe='')}&pbkeylen={golive.SRT_KEY_BYTES}"
    return [
        options.ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
        "-f", "lavfi", "-i", video, "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
        "-t", f"{options.duration:g}", "-map", "0:v", "-map", "1:a",
        "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
        "-g", gop, "-keyint_min", gop, "-b:v", f"{options.video_kbps}k",
        "-c:a", "aac", "-b:a", "128k", "-ar", "48000", "-f", container, target,
    ]  # fmt: skip


def start_pushers(found: list[golive.Ingest], options: SmokeOptions) -> list[subprocess.Popen[bytes]]:
    """One ffmpeg per pipeline, in its own session: a terminal Ctrl-C reaches us, and we end them."""
    try:
        return [
            subprocess.Popen(
                pusher_command(i.url, options, i.passphrase),
                stdin=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            for i in found
        ]
    except FileNotFoundError:
        raise OpsError(
            f"{options.ffmpeg} not found", hint="install ffmpeg (apt-get install ffmpeg, brew install ffmpeg)"
        ) from None


def end_pushers(pushers: list[subprocess.Popen[bytes]]) -> None:
    for process in pushers:
        if process.poll() is None:
            process.terminate()
    for process in pushers:
        try:
            process.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


@contextlib.contextmanager
def interrupts_raise() -> Iterator[None]:
    """SIGINT and SIGTERM raise KeyboardInterrupt here (even when started with SIGINT ignored)."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    previous = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _playlists(master_url: str) -> list[hls.MediaPlaylist] | None:
    """Every rung's media playlist, or None while the master or a rung is not served yet."""
    master = http.get(master_url)
    if not master.ok:
        return None
    urls = hls.variants(master.text, master_url) if hls.is_master(master.text) else [master_url]
    found = []
    for url in urls:
        answer = http.get(url)
        if not answer.ok:
            return None
        playlist = hls.media_playlist(answer.text, url)
        if not playlist.segments:
            return None
        found.append(playlist)
    return found or None


def _poll(
    what: Callable[[], Any], timeout: float, every: float, give_up: Callable[[], bool] = lambda: False
) -> tuple[Any, float]:
    """Call `what` until it returns something truthy, `timeout` passes or `give_up()`; (result, seconds)."""
    began = time.monotonic()
    while True:
        result = what()
        waited = time.monotonic() - began
        if result or waited >= timeout or give_up():
            return result, waited
        time.sleep(every)


def _failed(pushers: list[subprocess.Popen[bytes]]) -> list[subprocess.Popen[bytes]]:
    """The pushers that have exited with an error."""
    return [p for p in pushers if p.poll() not in (0, None)]


def _push_failed(pushers: list[subprocess.Popen[bytes]]) -> bool:
    """Every pusher has exited with an error: nothing more will reach the ingest (a wrong URL, a closed CIDR)."""
    return bool(pushers) and len(_failed(pushers)) == len(pushers)


def _media_steps(
    report: SmokeReport,
    master_url: str,
    options: SmokeOptions,
    say: Say,
    pushed_at: float,
    pushers: list[subprocess.Popen[bytes]],
) -> None:
    first, _ = _poll(lambda: _playlists(master_url), options.playable_timeout, options.poll, lambda: _push_failed(pushers))
    if not first:
        report.add(_not_playable(master_url, pushers), say)
        return
    report.timings["firstPlayableSeconds"] = time.monotonic() - pushed_at
    report.add(Check("manifest playable through the CDN", PASS, f"{len(first)} rungs"), say)
    newest = max(p.last_sequence for p in first)

    def advanced() -> list[hls.MediaPlaylist] | None:
        now = _playlists(master_url)
        return now if now and max(p.last_sequence for p in now) > newest else None

    later, waited = _poll(advanced, options.playable_timeout, options.poll)
    if not later:
        report.add(Check("manifest advances", FAIL, f"stuck at media sequence {newest}", "the encoder stopped pushing"), say)
        return
    report.add(Check("manifest advances", PASS, f"new segment after {waited:.0f} s"), say)
    _segment_steps(report, later, say)


def _segment_steps(report: SmokeReport, playlists: list[hls.MediaPlaylist], say: Say) -> None:
    for playlist in playlists:
        segment = playlist.segments[-1]
        answer = http.get(segment.url)
        ok = answer.ok and len(answer.body) > 0
        report.add(Check(f"segment of {playlist.url.rsplit('/', 1)[-1]}", PASS if ok else FAIL,
                         f"{answer.describe()}, {len(answer.body)} bytes"), say)  # fmt: skip
    now = datetime.now(UTC)
    ends = [s.ends_at for p in playlists for s in p.segments[-1:] if s.ends_at is not None]
    if ends:
        report.timings["behindLiveSeconds"] = (now - max(ends)).total_seconds()
    else:
        report.add(Check("program date-time", SKIP, "the playlists carry no EXT-X-PROGRAM-DATE-TIME"), say)


def recording_appeared(aws: Aws, outputs: StackOutputs, channel: str, since: datetime) -> str | None:
    """Where this broadcast's recording shows: an entry in recordings.json, or objects in the archive."""
    if outputs.player_url:
        answer = http.get(urljoin(outputs.player_url, "recordings.json"))
        with contextlib.suppress(ValueError, AttributeError, TypeError):
            for entry in json.loads(answer.text).get("recordings", []) if answer.ok else []:
                started = datetime.fromisoformat(str(entry.get("startedAt", "")))
                if entry.get("channel") == channel and started >= since - CLOCK_SLACK:
                    return f"recordings.json lists it ({entry.get('hls') or entry.get('startedAt')})"
    if outputs.archive_bucket:
        with contextlib.suppress(ClientError, BotoCoreError):
            pages = (
                aws.client("s3").get_paginator("list_objects_v2").paginate(Bucket=outputs.archive_bucket, Prefix=f"{channel}/")
            )
            fresh = [o for page in pages for o in page.get("Contents", []) if o["LastModified"] >= since - CLOCK_SLACK]
            if fresh:
                return f"{len(fresh)} new objects in s3://{outputs.archive_bucket}/{channel}/"
    return None


def _metric_step(report: SmokeReport, aws: Aws, channel: channels.Channel, since: datetime, say: Say) -> None:
    now = datetime.now(UTC)
    seen = []
    for pipeline in range(channel.pipelines):
        dims = metrics.pipeline_dimensions(channel.channel_id, pipeline)
        points = metrics.datapoints(aws, metrics.MEDIALIVE, "InputVideoFrameRate", dims, since - CLOCK_SLACK, now)
        seen.append(f"pipeline {pipeline}: " + (f"max {max(v for _, v in points):g} fps" if points else "no datapoints"))
    status = PASS if all("max" in s and not s.endswith(" 0 fps") for s in seen) else SKIP
    fix = "" if status == PASS else "CloudWatch publishes a few minutes late: run `livestream verify` later"
    report.add(Check("input metrics", status, "; ".join(seen), fix), say)


def run(aws: Aws, outputs: StackOutputs, name: str, options: SmokeOptions, *, say: Say,
        progress: channels.Progress | None = None) -> SmokeReport:  # fmt: skip
    """The whole smoke test; the channel is stopped on every way out (Ctrl-C and SIGTERM included)."""
    report = SmokeReport(name)
    found = golive.ingests(aws, outputs, name, with_passphrase=True)
    master_url = outputs.playback_urls.get(name, {}).get("hls")
    if not master_url:
        raise OpsError(f"the outputs have no HLS playback URL for channel {name}")
    since = datetime.now(UTC)
    pushers: list[subprocess.Popen[bytes]] = []
    waiting: dict[str, Any] = {"timeout": options.channel_timeout, "poll": options.channel_poll, "progress": progress}
    with interrupts_raise():
        try:
            began = time.monotonic()
            started = channels.start(aws, outputs, name, **waiting)
            report.timings["channelStartSeconds"] = time.monotonic() - began
            report.add(
                Check("channel started", PASS if started.reached else FAIL, f"{started.state} after {started.seconds:.0f} s"), say
            )
            if started.reached:
                pushers = start_pushers(found, options)
                pushed_at = time.monotonic()
                say(f"pushing a {options.size}@{options.fps} test pattern for {options.duration:g} s to {len(pushers)} ingest(s)")
                _media_steps(report, master_url, options, say, pushed_at, pushers)
                _finish_push(report, pushers, pushed_at, options, say)
        except KeyboardInterrupt:
            report.interrupted = True
            say("interrupted: stopping the channel")
        except OpsError as error:
            report.add(Check("smoke", FAIL, error.message, error.hint or ""), say)
        finally:
            end_pushers(pushers)
            _stop(report, aws, outputs, name, waiting, say)
    if not report.interrupted and report.timings.get("channelStopSeconds") is not None:
        _after_stop(report, aws, outputs, name, since, options, say)
    return report


def _not_playable(master_url: str, pushers: list[subprocess.Popen[bytes]]) -> Check:
    if _push_failed(pushers):
        codes = ", ".join(str(p.returncode) for p in pushers)
        detail = f"the test pattern push failed (ffmpeg exit {codes}) before anything was playable at {master_url}"
        fix = "see 'test pattern pushed' for ffmpeg's message: is the ingest URL right, and this address in the input's CIDRs?"
        return Check("manifest playable through the CDN", FAIL, detail, fix)
    fix = "livestream status: is input arriving? are the alarms quiet?"
    return Check("manifest playable through the CDN", FAIL, f"nothing playable at {master_url}", fix)


def _finish_push(
    report: SmokeReport, pushers: list[subprocess.Popen[bytes]], pushed_at: float, options: SmokeOptions, say: Say
) -> None:
    """Let the pattern run its full duration, then check ffmpeg ended cleanly."""
    remaining = options.duration + STOP_GRACE_SECONDS * 2 - (time.monotonic() - pushed_at)
    for process in pushers:
        try:
            process.wait(max(remaining, 0.1))
        except subprocess.TimeoutExpired:
            continue
    failed = _failed(pushers)
    detail = "; ".join(
        (p.stderr.read().decode(errors="replace").strip()[-300:] if p.stderr else "") or f"exit {p.returncode}" for p in failed
    )
    report.add(Check("test pattern pushed", FAIL if failed else PASS, detail or f"{options.duration:g} s"), say)


def _stop(report: SmokeReport, aws: Aws, outputs: StackOutputs, name: str, waiting: dict[str, Any], say: Say) -> None:
    """Stop the channel whatever happened; a second Ctrl-C only skips the wait (the stop is already sent)."""
    began = time.monotonic()
    try:
        stopped = channels.stop(aws, outputs, name, **waiting)
    except KeyboardInterrupt:
        report.interrupted = True
        say("interrupted again: StopChannel was sent; check with `livestream status`")
        return
    except OpsError as error:
        report.add(Check("channel stopped", FAIL, error.message, f"stop it now: livestream stop {name}"), say)
        return
    report.timings["channelStopSeconds"] = time.monotonic() - began
    report.add(Check("channel stopped", PASS if stopped.reached else FAIL, f"{stopped.state} after {stopped.seconds:.0f} s",
                     "" if stopped.reached else f"livestream stop {name}"), say)  # fmt: skip


def _after_stop(
    report: SmokeReport, aws: Aws, outputs: StackOutputs, name: str, since: datetime, options: SmokeOptions, say: Say
) -> None:
    where, waited = _poll(lambda: recording_appeared(aws, outputs, name, since), options.recording_timeout, options.poll)
    fix = "check the recordings indexer's logs and the archive output group (MediaLive alerts)"
    report.add(
        Check("recording appears", PASS if where else FAIL, where or f"nothing after {waited:.0f} s", "" if where else fix), say
    )
    _metric_step(report, aws, channels.describe(aws, outputs, name), since, say)


def render(report: SmokeReport) -> str:
    names = {
        "channelStartSeconds": "channel start",
        "firstPlayableSeconds": "first playable segment after push start",
        "behindLiveSeconds": "behind live (program date-time)",
        "channelStopSeconds": "channel stop",
    }
    lines = [f"smoke {report.channel}: {'PASS' if report.ok else 'FAIL'}" + (" (interrupted)" if report.interrupted else "")]
    lines += [f"  {label}: {report.timings[key]:.1f} s" for key, label in names.items() if report.timings.get(key) is not None]
    return "\n".join(lines)
