"""Glass-to-glass latency estimate of a channel: camera to the viewer's screen.

Pure module: no Pulumi import.

The delay is a sum of stages, each with a typical value and a low-high range:

    encoder     capture, contribution (RTMP/SRT) and MediaLive's encode buffer: `encoder_delay_seconds`
                (default 3 s; low x2/3, high x5/3). An earlier build of this pipeline measured ~2 s
                from phone to MediaLive before packaging.
    delivery    MediaLive -> MediaPackage v2 upload, origin and CloudFront fetch: 1 s (0.5-2 s).
    join        a segment (or, in LL-HLS, a part) is listed only once complete; a player joins at a
                random moment of the newest one: half a segment on average (0 to one segment).
    playlist    regular HLS: the playlist a player reads is up to a manifest TTL old (CloudFront
                caches playlists for half a segment, see `livestream.model.ttl`): a quarter segment on average
                (0 to half a segment). LL-HLS uses blocking playlist reloads and preload hints: 0.
    hold-back   the player starts this far behind the live edge. Regular HLS: clients start no
                closer than three target durations from the end of the playlist (Apple HLS
                authoring spec / RFC 8216 §6.3.3; hls.js `liveSyncDurationCount` = 3), so
                `player_buffer_segments` x segment. LL-HLS: PART-HOLD-BACK is at least three part
                targets (RFC 8216bis, Apple LL-HLS), so `player_buffer_segments` x part.

    seconds = encoder + delivery + join + playlist + hold-back (typical values)
    low / high = the same sum over each stage's low / high value.

Regular HLS with 4 s segments: 3 + 1 + 2 + 1 + 12 = 19 s (14.5-25 s), inside the 12-30 s that
regular HLS typically shows. LL-HLS with 1 s parts: 3 + 1 + 0.5 + 0 + 3 = 7.5 s
(5.5-11 s), matching the 5-10 s AWS reports for LL-HLS with MediaLive + MediaPackage v2 +
CloudFront (AWS Media blog, low-latency HLS workflow). The earlier build measured 30-40 s;
this model reaches that range with ~8 s segments (34 s, 26.5-43 s).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from livestream.model.settings import ChannelSettings

ENCODER_DELAY_SECONDS = 3.0
DELIVERY_SECONDS: tuple[float, float, float] = (0.5, 1.0, 2.0)  # low, typical, high
PART_SECONDS = 1.0  # LL-HLS part target (assumption; capped at the segment length)
PLAYER_BUFFER_SEGMENTS = 3


@dataclass(frozen=True)
class LatencyEstimate:
    seconds: float
    low: float
    high: float
    breakdown: dict[str, float]
    low_latency_hls: bool
    segment_seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "seconds": self.seconds,
            "low": self.low,
            "high": self.high,
            "breakdown": dict(self.breakdown),
            "lowLatencyHls": self.low_latency_hls,
            "segmentSeconds": self.segment_seconds,
        }


def estimate(
    segment_seconds: int,
    *,
    low_latency_hls: bool = False,
    player_buffer_segments: int = PLAYER_BUFFER_SEGMENTS,
    encoder_delay_seconds: float = ENCODER_DELAY_SECONDS,
    part_seconds: float = PART_SECONDS,
) -> LatencyEstimate:
    """Typical glass-to-glass seconds with a low-high range and the per-stage breakdown."""
    if segment_seconds <= 0:
        raise ValueError(f"segment_seconds: {segment_seconds!r}; expected a positive number of seconds")
    if player_buffer_segments < 1:
        raise ValueError(f"player_buffer_segments: {player_buffer_segments!r}; expected 1 or more")
    if encoder_delay_seconds < 0 or part_seconds <= 0:
        raise ValueError("encoder_delay_seconds must be 0 or more and part_seconds greater than 0")
    segment = float(segment_seconds)
    encoder = float(encoder_delay_seconds)
    # A player joins inside the newest segment (LL-HLS: part); a part is never longer than its segment.
    unit = min(float(part_seconds), segment) if low_latency_hls else segment
    hold_back = player_buffer_segments * unit
    playlist = (0.0, 0.0, 0.0) if low_latency_hls else (0.0, segment / 4, segment / 2)
    stages: dict[str, tuple[float, float, float]] = {
        "encoder": (encoder * 2 / 3, encoder, encoder * 5 / 3),
        "delivery": DELIVERY_SECONDS,
        "join": (0.0, unit / 2, unit),
        "playlist": playlist,
        "holdBack": (hold_back, hold_back, hold_back),
    }
    return LatencyEstimate(
        seconds=round(sum(typical for _, typical, _ in stages.values()), 2),
        low=round(sum(low for low, _, _ in stages.values()), 2),
        high=round(sum(high for _, _, high in stages.values()), 2),
        breakdown={name: round(typical, 2) for name, (_, typical, _) in stages.items()},
        low_latency_hls=low_latency_hls,
        segment_seconds=segment,
    )


def for_channel(channel: ChannelSettings) -> LatencyEstimate:
    """The estimate for a configured channel (its segment length and LL-HLS switch)."""
    return estimate(channel.segment_seconds, low_latency_hls=channel.low_latency_hls)
