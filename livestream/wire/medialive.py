"""Reading a MediaLive channel in wire format: pipeline class, input class, the ABR ladder, destinations.

One reader for the cost model (prices each rendition), the policy pack (judges the ladder) and the
plan's diagram (draws it), so they agree on what a rendition is: an encoded video description;
frame captures (thumbnails) are not renditions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from livestream.wire.props import get, items, number

DEFAULT_CHANNEL_CLASS = "STANDARD"  # MediaLive's class when channelClass is unset
DEFAULT_INPUT_CLASS = "HD"  # what a channel without a readable inputSpecification is taken to be
# Lines a rendition without an explicit height reaches: it follows the source, bounded by the input class.
INPUT_CLASS_LINES = {"SD": 576, "HD": 1080, "UHD": 2160}
CODEC_SETTINGS = ("h264Settings", "h265Settings", "av1Settings")
ARCHIVE_SCHEMES = ("s3://", "s3ssl://")


class Rendition(NamedTuple):
    """An encoded video description as written: any of width, height and bitrate may be unset (None)."""

    name: str
    width: float | None
    height: float | None
    video_bitrate_bps: float | None  # `bitrate`, else `maxBitrate` (QVBR)

    def size(self, source_lines: int) -> tuple[int, int]:
        """(width, height) as encoded: an unset height follows the source (`source_lines`), an unset width is 16:9."""
        height = int(self.height or source_lines)
        return int(self.width or round(height * 16 / 9)), height


def channel_class(props: Mapping[str, Any]) -> str:
    return str(get(props, "channelClass") or DEFAULT_CHANNEL_CLASS)


def input_class(props: Mapping[str, Any]) -> str:
    """The input's price class (SD, HD, UHD); anything else or unset counts as HD."""
    resolution = str(get(props, "inputSpecification", "inputResolution") or DEFAULT_INPUT_CLASS)
    return resolution if resolution in INPUT_CLASS_LINES else DEFAULT_INPUT_CLASS


def source_lines(props: Mapping[str, Any]) -> int:
    """The most lines the input class admits: what a rendition without a height reaches."""
    return INPUT_CLASS_LINES[input_class(props)]


def renditions(props: Mapping[str, Any]) -> list[Rendition]:
    """The channel's renditions, in order: encoded video descriptions; frame captures are skipped."""
    found: list[Rendition] = []
    for description in items(props, "encoderSettings", "videoDescriptions"):
        codec = get(description, "codecSettings", default={})
        if get(codec, "frameCaptureSettings") is not None:
            continue
        settings: Any = next((s for key in CODEC_SETTINGS if (s := get(codec, key))), {})
        found.append(
            Rendition(
                name=str(get(description, "name") or "?"),
                width=number(get(description, "width")),
                height=number(get(description, "height")),
                video_bitrate_bps=number(get(settings, "bitrate")) or number(get(settings, "maxBitrate")),
            )
        )
    return found


def destination_urls(destinations: Any) -> list[str]:
    """Every URL of a channel's `destinations`: output settings (S3, HLS) and MediaPackage settings."""
    urls: list[str] = []
    for destination in items(destinations):
        urls += [str(u) for s in items(destination, "settings") if (u := get(s, "url"))]
        urls += [str(u) for s in items(destination, "mediaPackageSettings") if (u := get(s, "url"))]
    return urls


def recording_buckets(destinations: Any) -> list[str]:
    """The buckets a channel records into: hosts of its `s3://` / `s3ssl://` destination URLs, in order, once each."""
    hosts = [url.split("://", 1)[1].split("/", 1)[0] for url in destination_urls(destinations) if url.startswith(ARCHIVE_SCHEMES)]
    return list(dict.fromkeys(hosts))
