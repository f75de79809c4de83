"""ABR ladders as data, and the numbers MediaLive derives from them.

Pure module: no Pulumi import, so the policy pack and the cost model can reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass

AUDIO_BITRATE_BPS = 128_000
AUDIO_SAMPLE_RATE = 48_000


@dataclass(frozen=True)
class Rendition:
    """One rung of the ladder: a picture size and the video bitrate spent on it."""

    width: int
    height: int
    video_bitrate_bps: int

    @property
    def name(self) -> str:
        return f"{self.height}p"

    @property
    def total_bitrate_bps(self) -> int:
        return self.video_bitrate_bps + AUDIO_BITRATE_BPS


Ladder = tuple[Rendition, ...]

PRESETS: dict[str, Ladder] = {
    "sd": (
        Rendition(854, 480, 1_500_000),
        Rendition(640, 360, 800_000),
        Rendition(426, 240, 400_000),
    ),
    "hd": (
        Rendition(1280, 720, 3_000_000),
        Rendition(960, 540, 2_000_000),
        Rendition(640, 360, 800_000),
        Rendition(426, 240, 400_000),
    ),
    "fhd": (
        Rendition(1920, 1080, 6_000_000),
        Rendition(1280, 720, 3_000_000),
        Rendition(854, 480, 1_500_000),
        Rendition(640, 360, 800_000),
    ),
}

# MediaLive's input classes by the input's line count (MediaLive UG, input specification).
INPUT_RESOLUTIONS = ("SD", "HD", "UHD")


def top(ladder: Ladder) -> Rendition:
    return max(ladder, key=lambda r: (r.height, r.video_bitrate_bps))


def input_resolution(ladder: Ladder) -> str:
    """The cheapest input class that still carries the ladder's top rung.

    Encoding above the source is wasted bits, so the top rendition tells what the
    broadcaster must send: below 720 lines is SD, up to 1080 is HD.
    """
    height = top(ladder).height
    if height < 720:
        return "SD"
    if height <= 1080:
        return "HD"
    return "UHD"


def input_max_bitrate(ladder: Ladder) -> str:
    """Contribution bitrate class: 10 Mbps covers phones and OBS up to 1080p30."""
    return "MAX_20_MBPS" if top(ladder).video_bitrate_bps > 8_000_000 else "MAX_10_MBPS"


def h264_level(rendition: Rendition, framerate: int) -> str:
    """Lowest H.264 level that fits the picture size and frame rate (MediaLive enum).

    Levels cap macroblocks (16x16 pixels, partial ones count whole) per second (H.264 Annex A,
    table A-1): 720p30 is 80 x 45 x 30 = 108,000, exactly level 3.1; 1080p30 fits level 4.
    """
    macroblocks_per_second = -(-rendition.width // 16) * -(-rendition.height // 16) * framerate
    for level, limit in (("H264_LEVEL_3", 40_500), ("H264_LEVEL_3_1", 108_000), ("H264_LEVEL_4", 245_760)):
        if macroblocks_per_second <= limit:
            return level
    return "H264_LEVEL_4_2"
