"""`channels`: a map of channel name to its ingest, ladder and packaging settings."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from livestream.model import ladder as ladders
from livestream.model.ladder import Ladder, Rendition
from livestream.model.settings import readers as r
from livestream.model.settings import unknowable
from livestream.model.settings.errors import ConfigError
from livestream.model.settings.fields import Section, read_declared, section, section_of, setting

PIPELINES = ("SINGLE_PIPELINE", "STANDARD")
PROTOCOLS = ("rtmp", "srt")
FRAMERATES = (24, 25, 30)
MAX_DVR_MINUTES = 14 * 24 * 60  # MediaPackage v2 startover window: 14 days
_CHANNEL_NAME = re.compile(r"^[a-z][a-z0-9-]{0,30}[a-z0-9]$|^[a-z]$")
_RENDITION_KEYS = ("width", "height", "video_kbps")


@section()
class IngestSettings:
    protocol: str = setting(
        default="rtmp", read=r.choice(PROTOCOLS), why="phones and OBS speak RTMP; MediaLive has no RTMPS input"
    )
    allowed_cidrs: tuple[str, ...] = setting(
        default=(), read=r.list_of(r.cidr), why="no default: the encoder's networks must be listed"
    )
    allow_public: bool = setting(default=False, read=r.boolean, why="an open ingest is refused unless asked for")
    stream_key: str | None = setting(
        default=None,
        read=r.stream_key,
        why="generated once and kept in the stack; supply one to keep it across rebuilds",
        secret=True,
    )


def read_ingest(key: str, raw: Any) -> IngestSettings:
    section = section_of(IngestSettings, key, raw)
    values = read_declared(IngestSettings, section)
    if not values["allowed_cidrs"]:
        raise ConfigError(section.key("allowed_cidrs"), [], "list at least one CIDR the encoder sends from")
    for i, cidr in enumerate(values["allowed_cidrs"]):
        if unknowable.is_placeholder(cidr):
            continue
        if ipaddress.ip_network(cidr).prefixlen == 0 and not values["allow_public"]:
            raise ConfigError(
                f"{section.key('allowed_cidrs')}[{i}]",
                cidr,
                f"an open ingest is refused unless {section.key('allow_public')} is true; list the encoder's networks",
            )
    return IngestSettings(**values)


@section()
class ChannelSettings:
    name: str
    ingest: IngestSettings = setting(
        read=read_ingest, why="no default: how the broadcaster reaches it", required="{protocol: rtmp|srt, allowedCidrs: [...]}"
    )
    ladder: Ladder = setting(why="a preset name or a list of renditions (`renditions`); default sd", also=("renditions",))
    ladder_name: str  # the preset, or "custom"
    pipeline: str = setting(default="SINGLE_PIPELINE", read=r.choice(PIPELINES), why="one pipeline bills half of STANDARD")
    segment_seconds: int = setting(
        default=4, read=r.whole(1, 30), why="4 s: the usual live HLS/DASH segment; 1-30 s in MediaPackage v2"
    )
    gop_seconds: int = setting(
        default=2,
        read=r.whole(1, 10),
        why="a closed GOP every 2 s, or 1 s when the segment is odd, so every segment starts on a keyframe",
        derive=lambda read: 2 if read["segment_seconds"] % 2 == 0 else 1,
    )
    framerate: int = setting(default=30, read=r.choice(FRAMERATES), why="30 fps: what phones send")
    low_latency_hls: bool = setting(default=False, read=r.boolean, why="LL-HLS needs 1-2 s segments and costs an extra endpoint")
    dvr_window_minutes: int = setting(default=60, read=r.whole(0, MAX_DVR_MINUTES), why="an hour of start-over / time-shift")
    input_resolution: str = setting(
        default="HD",
        read=r.choice(ladders.INPUT_RESOLUTIONS),
        why="the cheapest MediaLive input class that carries the ladder's top rendition",
        derive=lambda read: ladders.input_resolution(read["ladder"]),
    )
    input_max_bitrate: str = "MAX_10_MBPS"  # derived from the ladder, never set

    @property
    def pipeline_count(self) -> int:
        return 2 if self.pipeline == "STANDARD" else 1


def _rendition(key: str, raw: Any) -> Rendition:
    section = Section(raw, key, _RENDITION_KEYS)
    for name in _RENDITION_KEYS:
        if not section.has(name):
            raise ConfigError(
                section.key(name), None, f"required: each rendition needs width, height and {section.name('video_kbps')}"
            )
    width = section.get("width", r.whole(64, 1920), 0)
    height = section.get("height", r.whole(64, 1080), 0)
    for name, value in (("width", width), ("height", height)):
        if value % 2:
            raise ConfigError(section.key(name), value, "H.264 needs an even number of pixels")
    kbps = section.get("video_kbps", r.whole(100, 20_000), 0)
    return Rendition(width, height, kbps * 1000)


def _ladder(key: str, value: Any) -> tuple[str, Ladder]:
    if isinstance(value, str):
        if value not in ladders.PRESETS:
            raise ConfigError(key, value, "allowed presets are " + ", ".join(ladders.PRESETS) + ", or a list of renditions")
        return value, ladders.PRESETS[value]
    renditions = r.list_of(_rendition)(key, value)
    if not 1 <= len(renditions) <= 8:
        raise ConfigError(key, len(renditions), "a ladder has 1 to 8 renditions")
    if len({x.name for x in renditions}) != len(renditions):
        raise ConfigError(key, [x.name for x in renditions], "each rendition needs a distinct height")
    return "custom", tuple(sorted(renditions, key=lambda x: -x.height))


def _read_ladder(section: Section) -> tuple[str, Ladder]:
    if section.has("ladder") and section.has("renditions"):
        raise ConfigError(section.key("renditions"), "...", "give either a ladder preset or renditions, not both")
    return section.get("renditions", _ladder, None) or section.get("ladder", _ladder, ("sd", ladders.PRESETS["sd"]))


def _check_channel(section: Section, values: Mapping[str, Any]) -> None:
    segment, gop = values["segment_seconds"], values["gop_seconds"]
    if segment % gop:
        raise ConfigError(
            section.key("segment_seconds"),
            segment,
            f"must be a whole multiple of {section.name('gop_seconds')} ({gop}) so every segment starts on a keyframe",
        )
    if values["low_latency_hls"] and segment > 2:  # blame the switch that was turned on, and name the length it met
        given = "" if section.has("segment_seconds") else ", the default"
        raise ConfigError(
            section.key("low_latency_hls"),
            True,
            f"low-latency HLS needs segments of 1 or 2 seconds, but {section.key('segment_seconds')} is {segment}{given}; "
            f"set {section.name('segment_seconds')} to 1 or 2, or turn {section.name('low_latency_hls')} off",
        )
    derived = ladders.input_resolution(values["ladder"])
    resolution = values["input_resolution"]
    if ladders.INPUT_RESOLUTIONS.index(resolution) < ladders.INPUT_RESOLUTIONS.index(derived):
        raise ConfigError(section.key("input_resolution"), resolution, f"the ladder's top rendition needs at least {derived}")


def read_channel(key: str, name: Any, raw: Any) -> ChannelSettings:
    if not isinstance(name, str) or not _CHANNEL_NAME.match(name):
        raise ConfigError(key, name, "a channel name is 1-32 lowercase letters, digits or '-', starting with a letter")
    section = section_of(ChannelSettings, key, raw)
    ladder_name, ladder = _read_ladder(section)
    values = read_declared(ChannelSettings, section, {"name": name, "ladder": ladder, "ladder_name": ladder_name})
    _check_channel(section, values)
    return ChannelSettings(**values, input_max_bitrate=ladders.input_max_bitrate(ladder))


def read_channels(key: str, raw: Any) -> tuple[ChannelSettings, ...]:
    if not isinstance(raw, Mapping) or not raw:
        raise ConfigError(key, raw, "expected a map of channel name to channel settings, with at least one channel")
    seen: dict[str, str] = {}
    channels = []
    for name, value in raw.items():
        folded = str(name).lower()
        if folded in seen:
            raise ConfigError(f"{key}.{name}", name, f"duplicate channel name (already used as {seen[folded]!r})")
        seen[folded] = str(name)
        channels.append(read_channel(f"{key}.{name}", name, value))
    return tuple(channels)
