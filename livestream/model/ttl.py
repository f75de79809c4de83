"""Cache timings for live HLS/DASH: one segment length drives every CloudFront TTL and origin timeout.

- Manifests (`*.m3u8`, `*.mpd`) change every segment: default TTL ½ segment, never below 1 s,
  never above one segment. MediaPackage v2 sends the same ½-segment `Cache-Control: max-age`
  itself, and the cache policy honours it between the minimum and maximum.
- Low-latency HLS playlists change every part: 1 s.
- Media segments never change once written: 1 day by default, up to 14 days (MediaPackage's own
  max-age for segments).
- Errors are cached 1 s, so a segment requested a moment too early is retried almost at once.
- Origin read timeout covers an LL-HLS blocking playlist reload, which the origin may hold for
  up to three target durations; keepalive outlives the players' manifest polling interval so
  CloudFront reuses its connections to the origin.

Pure module: no Pulumi import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

MIN_SEGMENT_SECONDS = 1
MAX_SEGMENT_SECONDS = 30  # MediaPackage v2 segment duration range
MIN_MANIFEST_TTL = 1
LL_HLS_PLAYLIST_TTL = 1
SEGMENT_MIN_TTL = 0
SEGMENT_DEFAULT_TTL = 24 * 60 * 60  # 1 day
SEGMENT_MAX_TTL = 14 * 24 * 60 * 60  # 14 days: 1,209,600 s
ERROR_TTL = 1
MIN_ORIGIN_READ_TIMEOUT = 10
MIN_ORIGIN_KEEPALIVE_TIMEOUT = 5
MAX_ORIGIN_TIMEOUT = 60  # CloudFront's limit for both timeouts without a quota increase


@dataclass(frozen=True)
class CacheTimings:
    """Every CloudFront TTL and origin timeout, in whole seconds."""

    segment_seconds: int
    manifest_min_ttl: int
    manifest_default_ttl: int
    manifest_max_ttl: int
    ll_hls_playlist_ttl: int
    segment_min_ttl: int
    segment_default_ttl: int
    segment_max_ttl: int
    error_ttl: int
    origin_read_timeout: int
    origin_keepalive_timeout: int


def _check(segment_seconds: int) -> int:
    if isinstance(segment_seconds, bool) or not isinstance(segment_seconds, int):
        raise ValueError(f"segment length must be a whole number of seconds, got {segment_seconds!r}")
    if not MIN_SEGMENT_SECONDS <= segment_seconds <= MAX_SEGMENT_SECONDS:
        raise ValueError(f"segment length must be {MIN_SEGMENT_SECONDS}-{MAX_SEGMENT_SECONDS} s, got {segment_seconds}")
    return segment_seconds


def manifest_ttl(segment_seconds: int) -> int:
    """Half a segment, rounded down, at least 1 s: 6 s -> 3 s, 4 s -> 2 s, 1 s -> 1 s."""
    return max(MIN_MANIFEST_TTL, _check(segment_seconds) // 2)


def origin_read_timeout(segment_seconds: int) -> int:
    """Three target durations (an LL-HLS blocking reload), at least 10 s, at most 60 s."""
    return min(MAX_ORIGIN_TIMEOUT, max(MIN_ORIGIN_READ_TIMEOUT, 3 * _check(segment_seconds)))


def origin_keepalive_timeout(segment_seconds: int) -> int:
    """Two segments (players poll manifests once a segment), at least 5 s, at most 60 s."""
    return min(MAX_ORIGIN_TIMEOUT, max(MIN_ORIGIN_KEEPALIVE_TIMEOUT, 2 * _check(segment_seconds)))


def cache_timings(segment_seconds: int) -> CacheTimings:
    """The timings for one segment length."""
    return CacheTimings(
        segment_seconds=_check(segment_seconds),
        manifest_min_ttl=MIN_MANIFEST_TTL,
        manifest_default_ttl=manifest_ttl(segment_seconds),
        manifest_max_ttl=segment_seconds,
        ll_hls_playlist_ttl=LL_HLS_PLAYLIST_TTL,
        segment_min_ttl=SEGMENT_MIN_TTL,
        segment_default_ttl=SEGMENT_DEFAULT_TTL,
        segment_max_ttl=SEGMENT_MAX_TTL,
        error_ttl=ERROR_TTL,
        origin_read_timeout=origin_read_timeout(segment_seconds),
        origin_keepalive_timeout=origin_keepalive_timeout(segment_seconds),
    )


def shared_timings(segment_lengths: Iterable[int]) -> CacheTimings:
    """Timings for one distribution serving channels with different segment lengths.

    The shortest segment sets the default manifest TTL (no channel's manifest is served staler
    than its own half segment when the origin sends no max-age); the longest sets the maximum
    manifest TTL (so MediaPackage's per-channel max-age is honoured, never clipped) and the
    origin timeouts (the single origin serves every channel). With one length this equals
    `cache_timings(length)`.
    """
    lengths = sorted({_check(s) for s in segment_lengths})
    if not lengths:
        raise ValueError("at least one segment length is needed")
    shortest, longest = cache_timings(lengths[0]), cache_timings(lengths[-1])
    return replace(longest, segment_seconds=shortest.segment_seconds, manifest_default_ttl=shortest.manifest_default_ttl)
