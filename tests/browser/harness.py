"""A local stand-in for the platform, for the real-browser tests and the latency benchmark.

- `LiveEncoder`: ffmpeg makes a live HLS stream with the ladder, GOP, frame rate, segment length
  and playlist window the library configures for a channel (read from `livestream.model.settings`
  and the packager's own window function, not restated here).
- `LowLatencyOrigin`: LL-HLS the way MediaPackage serves it (partial segments, blocking playlist
  reload): ffmpeg cuts quarter-second chunks, this origin lists them as `EXT-X-PART`s and serves
  each whole segment as the concatenation of its parts. ffmpeg 5 has no Apple LL-HLS muxer.
- `Origin`: an HTTP server laid out like the distribution (`/`, `/out/v1/<group>/<channel>/hls/…`,
  `/recordings/…`), sending the response headers the CDN's policies send (`livestream.player.headers`).
"""

from __future__ import annotations

import contextlib
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from livestream.components.packager import HLS, LL_HLS, MANIFEST_NAME, manifest_window_seconds
from livestream.model import ladder as ladders
from livestream.model import settings as config
from livestream.model.settings import ChannelSettings, Settings
from livestream.player import headers, site
from tests.conftest import stack_config

ROOT = Path(__file__).resolve().parents[2]
# The system's Chromium (apt); None: the one `playwright install chromium` downloaded.
CHROMIUM = os.environ.get("LIVESTREAM_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PART_SECONDS = 0.25  # LL-HLS part length; MediaPackage's parts are a fraction of a second too
BLOCKING_RELOAD_TIMEOUT_SECONDS = 3.0
CONTENT_TYPES = {".m3u8": "application/vnd.apple.mpegurl", ".ts": "video/mp2t", ".json": "application/json"}


def ffmpeg_exe() -> str | None:
    """The system's ffmpeg, else the one the imageio-ffmpeg wheel carries."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    with contextlib.suppress(ImportError, RuntimeError):
        import imageio_ffmpeg  # type: ignore[import-not-found,unused-ignore]

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    return None


def stack_settings(stack: str = "dev", **channel_overrides: Any) -> Settings:
    """The stack's validated settings, its first channel's keys overridden (e.g. lowLatencyHls=True)."""
    values = stack_config(stack)
    raw = {key.removeprefix("livestream:"): value for key, value in values.items() if key.startswith("livestream:")}
    for channel in raw["channels"].values():
        channel.update(channel_overrides)
        break
    return config.load(raw, environment=stack, region=values["aws:region"])


@dataclass
class Layout:
    """Paths as the distribution serves them."""

    root: Path
    group: str

    def endpoint_dir(self, channel: str, endpoint: str) -> Path:
        return self.root / "out" / "v1" / self.group / channel / endpoint

    def manifest_path(self, channel: str, endpoint: str) -> str:
        return f"/out/v1/{self.group}/{channel}/{endpoint}/{MANIFEST_NAME}.m3u8"

    def recording_dir(self, channel: str, recording_id: str) -> Path:
        return self.root / "recordings" / channel / recording_id


def ffmpeg_args(
    ffmpeg: str, channel: ChannelSettings, directory: Path, *, part_seconds: float | None = None, vod_seconds: int | None = None
) -> list[str]:
    """One ffmpeg run encoding the channel's whole ladder into HLS variants under `directory`."""
    rungs = list(channel.ladder)
    top = ladders.top(channel.ladder)
    fps, gop = channel.framerate, channel.gop_seconds
    split = f"[0:v]split={len(rungs)}" + "".join(f"[s{i}]" for i in range(len(rungs)))
    scales = ";".join(f"[s{i}]scale={r.width}:{r.height}[v{i}]" for i, r in enumerate(rungs))
    args = [ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin"]
    args += [] if vod_seconds else ["-re"]
    args += ["-f", "lavfi", "-i", f"testsrc2=size={top.width}x{top.height}:rate={fps}"]
    args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate={ladders.AUDIO_SAMPLE_RATE}"]
    if vod_seconds:
        args += ["-t", str(vod_seconds)]
    args += ["-filter_complex", f"{split};{scales}"]
    for i in range(len(rungs)):
        args += ["-map", f"[v{i}]", "-map", "1:a"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p", "-r", str(fps)]
    for i, rung in enumerate(rungs):
        bps = rung.video_bitrate_bps
        args += [f"-b:v:{i}", str(bps), f"-maxrate:v:{i}", str(bps), f"-bufsize:v:{i}", str(2 * bps)]
    args += ["-g", str(fps * gop), "-keyint_min", str(fps * gop), "-sc_threshold", "0"]
    args += ["-force_key_frames", f"expr:gte(t,n_forced*{gop})"]
    args += ["-c:a", "aac", "-b:a", str(ladders.AUDIO_BITRATE_BPS), "-ac", "2"]
    args += _hls_args(channel, directory, part_seconds=part_seconds, vod=bool(vod_seconds))
    return args


def _hls_args(channel: ChannelSettings, directory: Path, *, part_seconds: float | None, vod: bool) -> list[str]:
    variants = " ".join(f"v:{i},a:{i}" for i in range(len(channel.ladder)))
    window = manifest_window_seconds(channel.segment_seconds)  # the packager's live window
    common = ["-f", "hls", "-master_pl_name", f"{MANIFEST_NAME}.m3u8", "-var_stream_map", variants]
    if vod:
        hls = ["-hls_time", str(channel.segment_seconds), "-hls_playlist_type", "vod", "-hls_list_size", "0"]
        return [*common, *hls, "-hls_segment_filename", f"{directory}/seg_%v_%05d.ts", f"{directory}/index_%v.m3u8"]
    if part_seconds:
        chunks = int(window / part_seconds)
        hls = ["-hls_time", str(part_seconds), "-hls_list_size", str(chunks), "-hls_delete_threshold", "4"]
        hls += ["-hls_flags", "split_by_time+delete_segments+program_date_time+temp_file"]
        return [*common, *hls, "-hls_segment_filename", f"{directory}/chunk_%v_%05d.ts", f"{directory}/chunks_%v.m3u8"]
    hls = ["-hls_time", str(channel.segment_seconds), "-hls_list_size", str(window // channel.segment_seconds)]
    hls += ["-hls_flags", "delete_segments+independent_segments+program_date_time+temp_file"]
    return [*common, *hls, "-hls_segment_filename", f"{directory}/seg_%v_%05d.ts", f"{directory}/index_%v.m3u8"]


class LiveEncoder:
    """ffmpeg pushing a live stream into an endpoint folder, as MediaLive + MediaPackage would publish it."""

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

    def kill(self) -> None:
        """Stop as a lost encoder does: the playlist stays as it was, no #EXT-X-ENDLIST (MediaPackage's view of a dead input)."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

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


def make_recording(ffmpeg: str, channel: ChannelSettings, directory: Path, seconds: int) -> None:
    """A VOD recording (ENDLIST) of the channel's ladder, as the recordings mechanism leaves it in S3."""
    directory.mkdir(parents=True, exist_ok=True)
    subprocess.run(ffmpeg_args(ffmpeg, channel, directory, vod_seconds=seconds), check=True, stdin=subprocess.DEVNULL)


@dataclass
class Chunk:
    number: int
    duration: float
    uri: str
    date: str | None


def _chunks(text: str) -> list[Chunk]:
    sequence = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text).group(1)) if "#EXT-X-MEDIA-SEQUENCE" in text else 0  # type: ignore[union-attr]
    chunks, duration, date = [], 0.0, None
    for line in text.splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].rstrip(","))
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date = line.split(":", 1)[1]
        elif line and not line.startswith("#"):
            chunks.append(Chunk(sequence + len(chunks), duration, line, date))
            date = None
    return chunks


@dataclass
class LowLatencyOrigin:
    """LL-HLS media playlists built from ffmpeg's chunk playlists: parts of `part_seconds`, segments of `segment_seconds`."""

    directory: Path
    segment_seconds: int
    part_seconds: float = PART_SECONDS
    parts_per_segment: int = field(init=False)

    def __post_init__(self) -> None:
        self.parts_per_segment = round(self.segment_seconds / self.part_seconds)

    def chunks(self, variant: int) -> list[Chunk]:
        with contextlib.suppress(OSError):
            return _chunks((self.directory / f"chunks_{variant}.m3u8").read_text())
        return []

    def ready(self, variant: int, msn: int, part: int | None) -> bool:
        chunks = self.chunks(variant)
        last = chunks[-1].number if chunks else -1
        return last >= msn * self.parts_per_segment + (self.parts_per_segment - 1 if part is None else part)

    def playlist(self, variant: int) -> str:
        per = self.parts_per_segment
        chunks = {c.number: c for c in self.chunks(variant)}
        if not chunks:
            return ""
        first, last = -(-min(chunks) // per), max(chunks)
        complete = range(first, (last + 1) // per)
        part_target = max(c.duration for c in chunks.values())
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:9",
            f"#EXT-X-TARGETDURATION:{self.segment_seconds}",
            f"#EXT-X-PART-INF:PART-TARGET={part_target:.3f}",
            f"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK={3 * part_target:.3f}",
            f"#EXT-X-MEDIA-SEQUENCE:{first}",
        ]
        recent = max(first, (last + 1) // per - 3)  # parts only near the live edge, as the spec asks
        for segment in [*complete, (last + 1) // per]:
            numbers = [n for n in range(segment * per, segment * per + per) if n in chunks]
            if numbers and chunks[numbers[0]].date:
                lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{chunks[numbers[0]].date}")
            if segment >= recent:
                for n in numbers:
                    independent = ",INDEPENDENT=YES" if n % per == 0 else ""
                    lines.append(f'#EXT-X-PART:DURATION={chunks[n].duration:.3f},URI="{chunks[n].uri}"{independent}')
            if segment in complete:
                lines += [f"#EXTINF:{sum(chunks[n].duration for n in numbers):.3f},", f"seg_{variant}_{segment}.ts"]
        return "\n".join(lines) + "\n"

    def segment(self, variant: int, segment: int) -> bytes | None:
        chunks = {c.number: c for c in self.chunks(variant)}
        numbers = range(segment * self.parts_per_segment, (segment + 1) * self.parts_per_segment)
        if not all(n in chunks for n in numbers):
            return None
        return b"".join((self.directory / chunks[n].uri).read_bytes() for n in numbers)


class _Handler(http.server.SimpleHTTPRequestHandler):
    origin: Origin

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return CONTENT_TYPES.get(Path(path).suffix) or super().guess_type(path)

    def end_headers(self) -> None:
        for name, value in self.origin.headers_for(urlsplit(self.path).path).items():
            self.send_header(name, value)
        super().end_headers()

    def do_GET(self) -> None:
        answer = self.origin.low_latency_answer(self.path)
        if answer is None:
            super().do_GET()
            return
        body, content_type = answer
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closed a connection mid-response (a context closed, a seek) is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Origin:
    """The distribution, locally: page files with the page's headers, media with CORS + HSTS, LL-HLS built on the fly."""

    def __init__(self, layout: Layout, settings: Settings) -> None:
        self.layout = layout
        self.page = headers.http_headers(headers.page_headers(settings.cdn.cors_origins))
        self.media = headers.http_headers(headers.MEDIA_HEADERS) | {
            "Access-Control-Allow-Origin": ", ".join(settings.cdn.cors_origins)
        }
        self.cache = {f"/{f.key}": f.cache_control for f in site.site_files({})}
        self.low_latency: dict[str, LowLatencyOrigin] = {}  # "/out/v1/<group>/<channel>/llhls/" -> origin
        handler = type("Handler", (_Handler,), {"origin": self})
        self.server = _Server(("127.0.0.1", 0), partial(handler, directory=str(layout.root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def headers_for(self, path: str) -> dict[str, str]:
        if path.startswith(("/out/", "/recordings/")):
            return self.media
        cache = self.cache.get("/index.html" if path == "/" else path)
        return self.page | ({"Cache-Control": cache} if cache else {})

    def add_low_latency(self, channel: str, origin: LowLatencyOrigin) -> None:
        self.low_latency[self.layout.manifest_path(channel, LL_HLS).rsplit("/", 1)[0] + "/"] = origin

    def low_latency_answer(self, raw_path: str) -> tuple[bytes | None, str] | None:
        parts = urlsplit(raw_path)
        prefix, _, name = parts.path.rpartition("/")
        origin = self.low_latency.get(prefix + "/")
        playlist = re.fullmatch(r"chunks_(\d+)\.m3u8", name)
        segment = re.fullmatch(r"seg_(\d+)_(\d+)\.ts", name)
        if origin is None or not (playlist or segment):
            return None
        if segment:
            return origin.segment(int(segment[1]), int(segment[2])), CONTENT_TYPES[".ts"]
        variant, query = int(playlist[1]), parse_qs(parts.query)  # type: ignore[index]
        if "_HLS_msn" in query:  # blocking playlist reload: hold until that segment / part exists
            msn, part = int(query["_HLS_msn"][0]), int(query["_HLS_part"][0]) if "_HLS_part" in query else None
            deadline = time.monotonic() + BLOCKING_RELOAD_TIMEOUT_SECONDS
            while not origin.ready(variant, msn, part) and time.monotonic() < deadline:
                time.sleep(0.02)
        text = origin.playlist(variant)
        return (text.encode() if text else None), CONTENT_TYPES[".m3u8"]

    def __enter__(self) -> Origin:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def serving(layout: Layout, settings: Settings) -> Iterator[Origin]:
    with Origin(layout, settings) as origin:
        yield origin


def write_site(origin: Origin, channels: dict[str, dict[str, str]]) -> None:
    """The player site as the component uploads it, with channels.json pointing at this origin."""
    site.write_folder(origin.layout.root, channels)


def playback_urls(origin: Origin, channel: ChannelSettings) -> dict[str, str]:
    """channels.json entry for a channel, like the packager's playback paths on the CDN."""
    layout = origin.layout
    urls = {
        "hls": origin.url(layout.manifest_path(channel.name, HLS)),
        "dash": origin.url(layout.manifest_path(channel.name, "dash")),
    }
    if channel.low_latency_hls:
        urls["llHls"] = origin.url(layout.manifest_path(channel.name, LL_HLS))
    return urls
