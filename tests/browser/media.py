"""The channel's ladder encoded by ffmpeg, as the browser tests and the latency benchmark need it.

- `ffmpeg_args`: one ffmpeg run encoding the channel's whole ladder (rungs, GOP, frame rate, segment
  length from `livestream.model.settings`; the live window from the packager's own function) into
  HLS, either live (`-re`, a rolling playlist) or `seconds` of it as fast as the CPU allows.
- `encoded`: the folder a command's output is cached in (`LIVESTREAM_MEDIA_CACHE`, default
  `<repo>/.cache/browser-media/<hash of the command>/`): ffmpeg runs once per command, a warm run
  encodes nothing. The browser tests replay such an encode on a clock (`tests/browser/live.py`).
- `LiveEncoder`: ffmpeg encoding in real time, for the benchmark, which measures latency behind
  ffmpeg's own clock.
- `shift_timestamps`: an MPEG-TS segment moved later in time, so a replayed encode stays one
  continuous stream from loop to loop.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from pathlib import Path

from livestream.components.packager import MANIFEST_NAME, manifest_window_seconds
from livestream.model import ladder as ladders
from livestream.model.settings import ChannelSettings

ROOT = Path(__file__).resolve().parents[2]
CACHE_ENV = "LIVESTREAM_MEDIA_CACHE"
OUTPUT = "{output}"  # stands for the output folder in a cached command, so the hash does not depend on it
AAC_PRIMING_SAMPLES = 1024  # the AAC encoder's delay: its first frame starts this long before the input
TS_PACKET = 188
TIMESTAMP_HZ = 90_000  # MPEG-TS PTS, DTS and PCR base
TIMESTAMP_WRAP = 1 << 33


def ffmpeg_exe() -> str | None:
    """The system's ffmpeg, else the one the imageio-ffmpeg wheel carries."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    with contextlib.suppress(ImportError, RuntimeError):
        import imageio_ffmpeg  # type: ignore[import-not-found,unused-ignore]

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    return None


def ffmpeg_args(
    ffmpeg: str, channel: ChannelSettings, directory: Path, *, part_seconds: float | None = None, seconds: int | None = None
) -> list[str]:
    """One ffmpeg run encoding the channel's whole ladder into HLS variants under `directory`.

    `seconds`: that much media, as fast as the CPU allows, every segment listed (a VOD playlist),
    its audio exactly `seconds` long counting the AAC encoder's priming frame, so that it can be
    replayed back to back seamlessly; else live (`-re`) until stopped. `part_seconds`: chunks that
    long instead of whole segments.
    """
    top = ladders.top(channel.ladder)
    args = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"]
    args += [] if seconds else ["-re"]
    args += ["-f", "lavfi", "-i", f"testsrc2=size={top.width}x{top.height}:rate={channel.framerate}"]
    args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={ladders.AUDIO_SAMPLE_RATE}"]
    args += ["-t", str(seconds)] if seconds else []
    args += _filters(channel, seconds)
    fps, gop = channel.framerate, channel.gop_seconds
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-r", str(fps)]
    for i, rung in enumerate(channel.ladder):
        bps = rung.video_bitrate_bps
        args += [f"-b:v:{i}", str(bps), f"-maxrate:v:{i}", str(bps), f"-bufsize:v:{i}", str(2 * bps)]
    args += ["-g", str(fps * gop), "-keyint_min", str(fps * gop), "-sc_threshold", "0"]
    args += ["-force_key_frames", f"expr:gte(t,n_forced*{gop})"]
    args += ["-c:a", "aac", "-b:a", str(ladders.AUDIO_BITRATE_BPS), "-ac", "2"]
    args += _hls_args(channel, directory, part_seconds=part_seconds, vod=bool(seconds))
    return args


def _filters(channel: ChannelSettings, seconds: int | None) -> list[str]:
    """The test picture scaled to each rung, each with the tone (trimmed for the AAC priming frame in a VOD)."""
    rungs = range(len(channel.ladder))
    graph = [f"[0:v]split={len(rungs)}" + "".join(f"[s{i}]" for i in rungs)]
    graph += [f"[s{i}]scale={r.width}:{r.height}[v{i}]" for i, r in enumerate(channel.ladder)]
    if seconds:
        samples = seconds * ladders.AUDIO_SAMPLE_RATE - AAC_PRIMING_SAMPLES
        graph.append(f"[1:a]atrim=end_sample={samples},asplit={len(rungs)}" + "".join(f"[a{i}]" for i in rungs))
    maps = [arg for i in rungs for arg in ("-map", f"[v{i}]", "-map", f"[a{i}]" if seconds else "1:a")]
    return ["-filter_complex", ";".join(graph), *maps]


def _hls_args(channel: ChannelSettings, directory: Path, *, part_seconds: float | None, vod: bool) -> list[str]:
    variants = " ".join(f"v:{i},a:{i}" for i in range(len(channel.ladder)))
    window = manifest_window_seconds(channel.segment_seconds)  # the packager's live window
    hls = ["-f", "hls", "-master_pl_name", f"{MANIFEST_NAME}.m3u8", "-var_stream_map", variants]
    if part_seconds:
        length, flags, segment, playlist = part_seconds, ["split_by_time"], "chunk", "chunks"
    else:
        length, flags, segment, playlist = channel.segment_seconds, ["independent_segments"], "seg", "index"
    hls += ["-hls_time", str(length)]
    if vod:
        hls += ["-hls_playlist_type", "vod", "-hls_list_size", "0"]
    else:
        hls += ["-hls_list_size", str(int(window / length))] + (["-hls_delete_threshold", "4"] if part_seconds else [])
        flags += ["delete_segments", "program_date_time", "temp_file"]
    hls += ["-hls_flags", "+".join(flags)]
    return [*hls, "-hls_segment_filename", f"{directory}/{segment}_%v_%05d.ts", f"{directory}/{playlist}_%v.m3u8"]


def media_cache() -> Path:
    return Path(os.environ.get(CACHE_ENV) or ROOT / ".cache" / "browser-media")


def encoded(args: list[str]) -> Path:
    """The folder holding what `args` makes (`OUTPUT` in them stands for that folder); ffmpeg runs only the first time.

    A second pytest worker asking for the same command waits for the first one's encode (a lock
    file); the folder appears whole or not at all (renamed into place once ffmpeg succeeded).
    """
    key = hashlib.sha256("\0".join(args).encode()).hexdigest()[:16]
    folder = media_cache() / key
    folder.parent.mkdir(parents=True, exist_ok=True)
    with open(folder.parent / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if folder.is_dir():
            return folder
        scratch = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=folder.parent))
        try:
            command = [arg.replace(OUTPUT, str(scratch)) for arg in args]
            run = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
            if run.returncode:
                raise RuntimeError(f"ffmpeg exited {run.returncode}: {run.stderr[-2000:]}")
            scratch.rename(folder)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return folder


def encode(ffmpeg: str, channel: ChannelSettings, seconds: int, *, part_seconds: float | None = None) -> Path:
    """`seconds` of the channel's ladder as VOD HLS (segments, or chunks of `part_seconds`), from the cache."""
    return encoded(ffmpeg_args(ffmpeg, channel, Path(OUTPUT), part_seconds=part_seconds, seconds=seconds))


def make_recording(ffmpeg: str, channel: ChannelSettings, directory: Path, seconds: int) -> None:
    """A VOD recording (ENDLIST) of the channel's ladder, as the recordings mechanism leaves it in S3."""
    shutil.copytree(encode(ffmpeg, channel, seconds), directory, dirs_exist_ok=True)


class LiveEncoder:
    """ffmpeg pushing a live stream into an endpoint folder in real time, as MediaLive + MediaPackage would publish it."""

    def __init__(self, ffmpeg: str, channel: ChannelSettings, directory: Path, *, part_seconds: float | None = None) -> None:
        self.channel = channel
        self.directory = directory
        self.part_seconds = part_seconds
        directory.mkdir(parents=True, exist_ok=True)
        self.args = ffmpeg_args(ffmpeg, channel, directory, part_seconds=part_seconds)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> LiveEncoder:
        self.process = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return self

    def stop(self) -> None:
        """Stop cleanly: ffmpeg ends the playlists with #EXT-X-ENDLIST."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def media_playlist(self, variant: int = 0) -> Path:
        return self.directory / (f"chunks_{variant}.m3u8" if self.part_seconds else f"index_{variant}.m3u8")

    def wait_for_media(self, seconds: float, timeout: float = 60) -> None:
        """Until every variant's playlist holds `seconds` of media (hls.js starts three target durations back)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise RuntimeError(f"ffmpeg exited {self.process.returncode}: {self.process.stderr.read().decode()[-2000:]}")  # type: ignore[union-attr]
            if all(_playlist_seconds(self.media_playlist(v)) >= seconds for v in range(len(self.channel.ladder))):
                return
            time.sleep(0.25)
        raise TimeoutError(f"no {seconds} s of media in {self.directory} after {timeout} s")


def _playlist_seconds(path: Path) -> float:
    try:
        text = path.read_text()
    except OSError:
        return 0.0
    return sum(float(d) for d in re.findall(r"#EXTINF:([\d.]+)", text))


def payload_packets(data: bytes) -> Counter[int]:
    """Packets carrying payload per PID: how far each continuity counter advances over `data`."""
    counts: Counter[int] = Counter()
    for p in range(0, len(data) - TS_PACKET + 1, TS_PACKET):
        if data[p + 3] & 0x10:
            counts[(data[p + 1] & 0x1F) << 8 | data[p + 2]] += 1
    return counts


def shift_timestamps(data: bytes, ticks: int, continuity: Counter[int]) -> bytes:
    """MPEG-TS `data` as if it came `ticks` (90 kHz) later in the same stream (ISO/IEC 13818-1 §2.4.3).

    PCRs, PTSs and DTSs move by `ticks`; each PID's 4-bit continuity counter moves by
    `continuity[pid]` packets, so the result follows on from what preceded it without a break.
    """
    out = bytearray(data)
    for p in range(0, len(out) - TS_PACKET + 1, TS_PACKET):
        if out[p] != 0x47:
            raise ValueError(f"no MPEG-TS sync byte at offset {p}")
        pid, control, payload = (out[p + 1] & 0x1F) << 8 | out[p + 2], out[p + 3] >> 4 & 0x3, p + 4
        if control & 0x1:
            out[p + 3] = (out[p + 3] & 0xF0) | ((out[p + 3] + continuity[pid]) & 0x0F)
        if control & 0x2:  # adaptation field, maybe with a program clock reference
            if out[p + 4] and out[p + 5] & 0x10:
                pcr = int.from_bytes(out[p + 6 : p + 12])
                out[p + 6 : p + 12] = (((pcr >> 15) + ticks) % TIMESTAMP_WRAP << 15 | pcr & 0x7FFF).to_bytes(6)
            payload += 1 + out[p + 4]
        starts_pes = control & 0x1 and out[p + 1] & 0x40 and out[payload : payload + 3] == b"\0\0\1"
        if starts_pes and 0xC0 <= out[payload + 3] <= 0xEF:  # an audio/video PES header: PTS, then maybe DTS
            flags = out[payload + 7] >> 6
            for offset in (9, 14)[: {2: 1, 3: 2}.get(flags, 0)]:
                _shift_pes_time(out, payload + offset, ticks)
    return bytes(out)


def _shift_pes_time(out: bytearray, i: int, ticks: int) -> None:
    """A 33-bit PTS/DTS as the PES header spreads it over 5 bytes (3 + 15 + 15 bits, each followed by a marker bit)."""
    value = (out[i] >> 1 & 0x07) << 30 | int.from_bytes(out[i + 1 : i + 3]) >> 1 << 15 | int.from_bytes(out[i + 3 : i + 5]) >> 1
    value = (value + ticks) % TIMESTAMP_WRAP
    out[i] = (out[i] & 0xF1) | (value >> 29 & 0x0E)
    out[i + 1 : i + 3] = ((value >> 15 & 0x7FFF) << 1 | 1).to_bytes(2)
    out[i + 3 : i + 5] = ((value & 0x7FFF) << 1 | 1).to_bytes(2)
