"""livestream.model.ladder: presets, the input class and bitrate a ladder needs, H.264 levels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livestream.model import ladder
from livestream.model.ladder import Rendition


@pytest.mark.parametrize("name", sorted(ladder.PRESETS))
def test_presets_run_top_down_with_distinct_even_sizes(name: str) -> None:
    rungs = ladder.PRESETS[name]
    assert [r.height for r in rungs] == sorted({r.height for r in rungs}, reverse=True)
    assert [r.video_bitrate_bps for r in rungs] == sorted((r.video_bitrate_bps for r in rungs), reverse=True)
    assert all(r.width % 2 == 0 and r.height % 2 == 0 for r in rungs)
    assert ladder.top(rungs) == rungs[0]


@pytest.mark.parametrize(
    ("height", "resolution"), [(240, "SD"), (480, "SD"), (576, "SD"), (720, "HD"), (1080, "HD"), (1440, "UHD")]
)
def test_input_class_is_the_cheapest_that_carries_the_top(height: int, resolution: str) -> None:
    assert ladder.input_resolution((Rendition(height * 16 // 9 // 2 * 2, height, 1_000_000),)) == resolution


def test_more_than_8_mbps_at_the_top_needs_the_20_mbps_input() -> None:
    assert ladder.input_max_bitrate(ladder.PRESETS["fhd"]) == "MAX_10_MBPS"
    assert ladder.input_max_bitrate((Rendition(1920, 1080, 9_000_000),)) == "MAX_20_MBPS"


@pytest.mark.parametrize(
    ("rendition", "framerate", "level"),
    [
        (Rendition(640, 360, 800_000), 30, "H264_LEVEL_3"),
        (Rendition(1280, 720, 3_000_000), 30, "H264_LEVEL_3_1"),
        (Rendition(1920, 1080, 6_000_000), 30, "H264_LEVEL_4"),
        (Rendition(1920, 1080, 6_000_000), 60, "H264_LEVEL_4_2"),
    ],
)
def test_h264_level_fits_size_and_frame_rate(rendition: Rendition, framerate: int, level: str) -> None:
    assert ladder.h264_level(rendition, framerate) == level


LEVELS = ("H264_LEVEL_3", "H264_LEVEL_3_1", "H264_LEVEL_4", "H264_LEVEL_4_2")


@given(st.integers(32, 960), st.integers(32, 540), st.sampled_from([24, 25, 30]))
def test_a_bigger_picture_never_needs_a_lower_level(half_width: int, half_height: int, framerate: int) -> None:
    small = Rendition(half_width * 2, half_height * 2, 1_000_000)
    bigger = Rendition(min(1920, small.width + 64), min(1080, small.height + 64), 1_000_000)
    assert LEVELS.index(ladder.h264_level(small, framerate)) <= LEVELS.index(ladder.h264_level(bigger, framerate))
