"""Just enough HLS (RFC 8216) to follow a live stream: master playlist variants, media playlist segments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urljoin


@dataclass(frozen=True)
class Segment:
    url: str
    duration: float
    program_date_time: datetime | None  # EXT-X-PROGRAM-DATE-TIME, carried forward from the last tag

    @property
    def ends_at(self) -> datetime | None:
        return None if self.program_date_time is None else self.program_date_time + timedelta(seconds=self.duration)


@dataclass(frozen=True)
class MediaPlaylist:
    url: str
    media_sequence: int
    segments: tuple[Segment, ...]

    @property
    def last_sequence(self) -> int:
        """The media sequence number of the newest segment: it grows as the live stream advances."""
        return self.media_sequence + len(self.segments) - 1


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def is_master(text: str) -> bool:
    return "#EXT-X-STREAM-INF" in text


def variants(text: str, base_url: str) -> list[str]:
    """The media playlist URLs a master playlist lists (one per rung), absolute."""
    lines = _lines(text)
    found = []
    for i, line in enumerate(lines):
        if line.startswith("#EXT-X-STREAM-INF") and i + 1 < len(lines) and not lines[i + 1].startswith("#"):
            found.append(urljoin(base_url, lines[i + 1]))
    return found


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def media_playlist(text: str, url: str) -> MediaPlaylist:
    """Segments with their durations and program date-times (each later segment's time is derived)."""
    sequence, duration = 0, 0.0
    when: datetime | None = None
    segments = []
    for line in _lines(text):
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            when = _date(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":", 1)[1].split(",", 1)[0])
        elif not line.startswith("#"):
            segments.append(Segment(urljoin(url, line), duration, when))
            when = None if when is None else when + timedelta(seconds=duration)
    return MediaPlaylist(url, sequence, tuple(segments))
