"""Glass-to-glass latency estimate: sanity against published ranges, and the formula's parts."""

from __future__ import annotations

import json

import pytest

from livestream.model import latency
from livestream.model import settings as config


def test_regular_hls_with_4_second_segments_lands_in_15_to_25_seconds() -> None:
    got = latency.estimate(4)
    assert 15 <= got.seconds <= 25
    assert got.low < got.seconds < got.high
    assert got.low >= 12 and got.high <= 30  # regular HLS typically shows 12-30 s


@pytest.mark.parametrize("segment", [1, 2])
def test_ll_hls_lands_in_5_to_10_seconds(segment: int) -> None:
    got = latency.estimate(segment, low_latency_hls=True)
    assert 5 <= got.seconds <= 10  # AWS Media blog: LL-HLS with MediaLive + MediaPackage v2 + CloudFront
    assert got.breakdown["playlist"] == 0  # blocking playlist reload


def test_breakdown_sums_to_the_estimate() -> None:
    for got in (latency.estimate(6), latency.estimate(2, low_latency_hls=True)):
        assert sum(got.breakdown.values()) == pytest.approx(got.seconds)
        assert set(got.breakdown) == {"encoder", "delivery", "join", "playlist", "holdBack"}


def test_player_starts_three_target_durations_back() -> None:
    got = latency.estimate(6)
    assert got.breakdown["holdBack"] == 3 * 6
    assert latency.estimate(6, player_buffer_segments=5).seconds - got.seconds == pytest.approx(2 * 6)


def test_ll_hls_holds_back_parts_not_segments() -> None:
    got = latency.estimate(2, low_latency_hls=True, part_seconds=0.5)
    assert got.breakdown["holdBack"] == 3 * 0.5
    assert got.breakdown["join"] == 0.25
    # A part longer than the segment is capped at the segment.
    assert latency.estimate(1, low_latency_hls=True, part_seconds=4).breakdown["holdBack"] == 3 * 1


def test_latency_grows_with_segment_length() -> None:
    values = [latency.estimate(s).seconds for s in (1, 2, 4, 6, 10)]
    assert values == sorted(values)
    assert latency.estimate(8).low <= 30 <= latency.estimate(8).high  # the reference build measured 30-40 s


def test_encoder_delay_is_a_parameter() -> None:
    assert latency.estimate(4, encoder_delay_seconds=5).seconds - latency.estimate(4).seconds == pytest.approx(2)


@pytest.mark.parametrize(("segment", "buffer", "part"), [(0, 3, 1.0), (4, 0, 1.0), (4, 3, 0.0)])
def test_bad_arguments_are_refused(segment: int, buffer: int, part: float) -> None:
    with pytest.raises(ValueError):
        latency.estimate(segment, player_buffer_segments=buffer, part_seconds=part)


def test_as_dict_is_json() -> None:
    data = json.loads(json.dumps(latency.estimate(4).as_dict()))
    assert {"seconds", "low", "high", "breakdown"} <= set(data)
    assert data["lowLatencyHls"] is False


def test_for_channel_uses_the_channels_segments_and_ll_switch() -> None:
    ingest = {"protocol": "rtmp", "allowedCidrs": ["203.0.113.0/24"]}
    settings = config.load(
        {
            "channels": {
                "main": {"ingest": ingest, "segmentSeconds": 4},
                "fast": {"ingest": ingest, "segmentSeconds": 2, "lowLatencyHls": True},
            }
        },
        environment="dev",
        region="ap-northeast-2",
    )
    assert latency.for_channel(settings.channel("main")) == latency.estimate(4)
    fast = latency.for_channel(settings.channel("fast"))
    assert fast == latency.estimate(2, low_latency_hls=True)
    assert fast.seconds < latency.for_channel(settings.channel("main")).seconds
