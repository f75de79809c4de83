"""Live HLS and LL-HLS endpoints on the wall clock, from media encoded once (`tests/browser/media.py`).

A `Broadcast` that began at t0 has, at time t, published every item (a segment, or an LL-HLS part)
that ends by t - t0. `Replay` makes an endless live stream of a cached encode L seconds long: live
item n is cached item n mod N with its timestamps moved (n div N)·L later, so the stream is one
continuous encoder output (no discontinuity, continuity counters in step). Its playlists list the
packager's window (`manifest_window_seconds`) up to the newest item, numbered from the broadcast's
start, with PROGRAM-DATE-TIMEs on the broadcast's clock, as MediaPackage's origin lists them.

- the encoder is lost: `Broadcast.kill()` freezes the playlists, no #EXT-X-ENDLIST;
- a clean stop: `Broadcast.stop()` freezes them and ends them with #EXT-X-ENDLIST;
- back: a new `Broadcast`, numbered from 0 again, like a restarted encoder's.

`LowLatencyOrigin` serves LL-HLS the way MediaPackage does (parts, blocking playlist reload) from a
replay of quarter-second chunks or, for the benchmark, from what a real-time ffmpeg writes
(`EncoderChunks`): ffmpeg 5 has no Apple LL-HLS muxer.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import itertools
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from livestream.components.packager import MANIFEST_NAME, manifest_window_seconds
from livestream.model.settings import ChannelSettings
from tests.browser import media

PART_SECONDS = 0.25  # LL-HLS part length; MediaPackage's parts are a fraction of a second too
BLOCKING_RELOAD_TIMEOUT_SECONDS = 3.0
# A replayed encode is a whole number of segments and of AAC frames (1024 samples at 48 kHz, so
# 8 s = 375 frames): its audio and video both join up where it starts over.
AUDIO_LOOP_SECONDS = 8
PLAYLIST_TYPE = "application/vnd.apple.mpegurl"
SEGMENT_TYPE = "video/mp2t"
MASTER = f"{MANIFEST_NAME}.m3u8"

Answer = tuple[bytes | None, str]  # body (None: 404) and content type


@dataclass
class Broadcast:
    """A broadcast on the wall clock; `started` is `time.time()` at its first frame."""

    started: float
    frozen: float | None = None
    ended: bool = False

    @classmethod
    def on_air_for(cls, seconds: float) -> Broadcast:
        return cls(time.time() - seconds)

    def elapsed(self) -> float:
        return (time.time() if self.frozen is None else self.frozen) - self.started

    def kill(self) -> None:
        """The encoder is gone: nothing new is published, the playlists stay as they were."""
        self.frozen = time.time() if self.frozen is None else self.frozen

    def stop(self) -> None:
        """A clean stop: nothing new, and the playlists end (#EXT-X-ENDLIST)."""
        self.kill()
        self.ended = True


@dataclass
class Chunk:
    number: int
    duration: float
    uri: str
    date: str | None


def _chunks(text: str) -> list[Chunk]:
    sequence = int(re.search(r"#EXT-X-MEDIA-SEQUENCE:(\d+)", text).group(1)) if "#EXT-X-MEDIA-SEQUENCE" in text else 0  # type: ignore[union-attr]
    chunks: list[Chunk] = []
    duration, date = 0.0, None
    for line in text.splitlines():
        if line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].rstrip(","))
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date = line.split(":", 1)[1]
        elif line and not line.startswith("#"):
            chunks.append(Chunk(sequence + len(chunks), duration, line, date))
            date = None
    return chunks


def _date(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Source(Protocol):
    """Where a live endpoint's media comes from: a replay on a clock, or a real-time encoder's folder."""

    def master(self) -> bytes | None: ...

    def published(self, variant: int) -> int: ...  # the number of the next item to come

    def chunks(self, variant: int) -> list[Chunk]: ...  # the live window, oldest first

    def read(self, variant: int, number: int) -> bytes | None: ...


class Replay:
    """A cached VOD encode (`media.encode`), `loop_seconds` long, played out live on a broadcast's clock, endlessly."""

    def __init__(self, folder: Path, playlist: str, loop_seconds: int, window: int, broadcast: Broadcast) -> None:
        self.folder, self.loop_seconds, self.window, self.broadcast = folder, loop_seconds, window, broadcast
        paths = itertools.takewhile(Path.exists, (folder / f"{playlist}_{v}.m3u8" for v in itertools.count()))
        self.files = [_chunks(path.read_text()) for path in paths]
        durations = [c.duration for c in self.files[0]]
        self.ends = list(itertools.accumulate(durations))
        if abs(self.ends[-1] - loop_seconds) > 0.05 or any([c.duration for c in f] != durations for f in self.files):
            raise ValueError(f"{folder}: not {loop_seconds} s cut alike in every variant: {durations}")
        self.ends[-1] = loop_seconds
        self.stem = self.files[0][0].uri.rsplit("_", 2)[0]  # "seg" or "chunk", as ffmpeg named them
        self.continuity = [media.payload_packets(b"".join((folder / c.uri).read_bytes() for c in f)) for f in self.files]
        self.moved: Callable[[int, int], bytes] = functools.lru_cache(maxsize=64)(self._moved)

    def master(self) -> bytes | None:
        return (self.folder / MASTER).read_bytes()

    def published(self, variant: int = 0) -> int:
        loops, into = divmod(self.broadcast.elapsed(), self.loop_seconds)
        return int(loops) * len(self.ends) + bisect.bisect_right(self.ends, into + 1e-6)

    def start_of(self, number: int) -> float:
        """Seconds from the broadcast's start to item `number`'s first frame."""
        loops, index = divmod(number, len(self.ends))
        return loops * self.loop_seconds + (self.ends[index - 1] if index else 0.0)

    def chunks(self, variant: int) -> list[Chunk]:
        newest = self.published()
        numbers = range(max(0, newest - self.window), newest)
        cached, started = self.files[variant], self.broadcast.started
        return [
            Chunk(n, cached[n % len(cached)].duration, f"{self.stem}_{variant}_{n:05d}.ts", _date(started + self.start_of(n)))
            for n in numbers
        ]

    def read(self, variant: int, number: int) -> bytes | None:
        if not 0 <= variant < len(self.files) or number >= self.published():
            return None
        return self.moved(variant, number)

    def _moved(self, variant: int, number: int) -> bytes:
        loops, index = divmod(number, len(self.ends))
        data = (self.folder / self.files[variant][index].uri).read_bytes()
        if not loops:
            return data
        continuity = self.continuity[variant].copy()
        for pid in continuity:
            continuity[pid] *= loops
        return media.shift_timestamps(data, loops * self.loop_seconds * media.TIMESTAMP_HZ, continuity)


def replay(ffmpeg: str, channel: ChannelSettings, broadcast: Broadcast, *, part_seconds: float | None = None) -> Replay:
    """The channel's ladder live on `broadcast`'s clock: its segments (or parts of `part_seconds`) in the packager's window."""
    seconds = math.lcm(channel.segment_seconds, AUDIO_LOOP_SECONDS)
    folder = media.encode(ffmpeg, channel, seconds, part_seconds=part_seconds)
    window = round(manifest_window_seconds(channel.segment_seconds) / (part_seconds or channel.segment_seconds))
    return Replay(folder, "chunks" if part_seconds else "index", seconds, window, broadcast)


@dataclass
class LiveHls:
    """MediaPackage's HLS endpoint for a channel: the multivariant playlist, live media playlists, segments."""

    source: Replay
    target_seconds: int

    def playlist(self, variant: int) -> str:
        chunks = self.source.chunks(variant)
        if not chunks:
            return ""  # nothing published yet: no playlist, as before an encoder's first segment
        lines = ["#EXTM3U", "#EXT-X-VERSION:6", f"#EXT-X-TARGETDURATION:{self.target_seconds}"]
        lines += [f"#EXT-X-MEDIA-SEQUENCE:{chunks[0].number}", "#EXT-X-INDEPENDENT-SEGMENTS"]
        for chunk in chunks:
            lines += [f"#EXT-X-PROGRAM-DATE-TIME:{chunk.date}", f"#EXTINF:{chunk.duration:.6f},", chunk.uri]
        if self.source.broadcast.ended:
            lines.append("#EXT-X-ENDLIST")
        return "\n".join(lines) + "\n"

    def answer(self, name: str, query: dict[str, list[str]]) -> Answer | None:
        if name == MASTER:
            return self.source.master(), PLAYLIST_TYPE
        if playlist := re.fullmatch(r"index_(\d+)\.m3u8", name):
            return self.playlist(int(playlist[1])).encode() or None, PLAYLIST_TYPE
        if segment := re.fullmatch(rf"{self.source.stem}_(\d+)_(\d+)\.ts", name):
            return self.source.read(int(segment[1]), int(segment[2])), SEGMENT_TYPE
        return None


@dataclass
class EncoderChunks:
    """The quarter-second chunks a real-time ffmpeg writes (`media.LiveEncoder` with `part_seconds`)."""

    directory: Path

    def master(self) -> bytes | None:
        with contextlib.suppress(OSError):
            return (self.directory / MASTER).read_bytes()
        return None

    def chunks(self, variant: int) -> list[Chunk]:
        with contextlib.suppress(OSError):
            return _chunks((self.directory / f"chunks_{variant}.m3u8").read_text())
        return []

    def published(self, variant: int) -> int:
        chunks = self.chunks(variant)
        return chunks[-1].number + 1 if chunks else 0

    def read(self, variant: int, number: int) -> bytes | None:
        with contextlib.suppress(OSError):
            return (self.directory / f"chunk_{variant}_{number:05d}.ts").read_bytes()
        return None


@dataclass
class LowLatencyOrigin:
    """LL-HLS media playlists built from a source's chunks: parts of `part_seconds`, segments of `segment_seconds`."""

    source: Source
    segment_seconds: int
    part_seconds: float = PART_SECONDS
    parts_per_segment: int = field(init=False)

    def __post_init__(self) -> None:
        self.parts_per_segment = round(self.segment_seconds / self.part_seconds)

    def ready(self, variant: int, msn: int, part: int | None) -> bool:
        last = self.source.published(variant) - 1
        return last >= msn * self.parts_per_segment + (self.parts_per_segment - 1 if part is None else part)

    def playlist(self, variant: int) -> str:
        per = self.parts_per_segment
        chunks = {c.number: c for c in self.source.chunks(variant)}
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
        per = self.parts_per_segment
        parts = [self.source.read(variant, n) for n in range(segment * per, (segment + 1) * per)]
        return None if None in parts else b"".join(p for p in parts if p is not None)

    def answer(self, name: str, query: dict[str, list[str]]) -> Answer | None:
        if name == MASTER:
            return self.source.master(), PLAYLIST_TYPE
        if segment := re.fullmatch(r"seg_(\d+)_(\d+)\.ts", name):
            return self.segment(int(segment[1]), int(segment[2])), SEGMENT_TYPE
        if chunk := re.fullmatch(r"chunk_(\d+)_(\d+)\.ts", name):
            return self.source.read(int(chunk[1]), int(chunk[2])), SEGMENT_TYPE
        playlist = re.fullmatch(r"chunks_(\d+)\.m3u8", name)
        if not playlist:
            return None
        variant = int(playlist[1])
        if "_HLS_msn" in query:  # blocking playlist reload: hold until that segment / part exists
            msn, part = int(query["_HLS_msn"][0]), int(query["_HLS_part"][0]) if "_HLS_part" in query else None
            deadline = time.monotonic() + BLOCKING_RELOAD_TIMEOUT_SECONDS
            while not self.ready(variant, msn, part) and time.monotonic() < deadline:
                time.sleep(0.02)
        return self.playlist(variant).encode() or None, PLAYLIST_TYPE
