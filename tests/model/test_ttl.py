"""The TTL / timeout derivation: one segment length drives every CloudFront timing (pure, no Pulumi)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from livestream.model import ttl

# segment s -> (manifest min, default, max), origin read timeout, origin keepalive
TABLE = {
    1: ((1, 1, 1), 10, 5),
    2: ((1, 1, 2), 10, 5),
    4: ((1, 2, 4), 12, 8),
    6: ((1, 3, 6), 18, 12),
}


@pytest.mark.parametrize(("segment", "expected"), [(6, 3), (4, 2), (2, 1), (1, 1), (3, 1), (5, 2), (30, 15)])
def test_manifest_ttl_is_half_a_segment_and_at_least_one_second(segment: int, expected: int) -> None:
    assert ttl.manifest_ttl(segment) == expected
    assert ttl.cache_timings(segment).manifest_default_ttl == expected


@pytest.mark.parametrize("segment", sorted(TABLE))
def test_table(segment: int) -> None:
    (low, default, high), read, keepalive = TABLE[segment]
    timings = ttl.cache_timings(segment)
    assert (timings.manifest_min_ttl, timings.manifest_default_ttl, timings.manifest_max_ttl) == (low, default, high)
    assert timings.ll_hls_playlist_ttl == 1
    assert (timings.segment_min_ttl, timings.segment_default_ttl, timings.segment_max_ttl) == (0, 86_400, 1_209_600)
    assert timings.error_ttl == 1
    assert (timings.origin_read_timeout, timings.origin_keepalive_timeout) == (read, keepalive)
    assert timings.segment_seconds == segment


@pytest.mark.parametrize("segment", range(1, 31))
def test_invariants_for_every_allowed_segment(segment: int) -> None:
    timings = ttl.cache_timings(segment)
    assert 1 <= timings.manifest_min_ttl <= timings.manifest_default_ttl <= timings.manifest_max_ttl == segment
    assert timings.manifest_default_ttl * 2 <= max(segment, 2)  # never staler than half a segment (1 s floor)
    assert timings.segment_min_ttl <= timings.segment_default_ttl <= timings.segment_max_ttl == 14 * 24 * 3600
    assert timings.origin_read_timeout >= min(60, 3 * segment)  # an LL-HLS blocking reload fits
    assert 1 <= timings.origin_keepalive_timeout <= 60 and 1 <= timings.origin_read_timeout <= 60


def test_timeouts_are_capped_at_cloudfront_limits() -> None:
    assert ttl.origin_read_timeout(30) == 60
    assert ttl.origin_keepalive_timeout(30) == 60


@pytest.mark.parametrize("bad", [0, 31, -4, 2.5, True, "4", None])
def test_invalid_segment_lengths_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="segment length"):
        ttl.cache_timings(bad)  # type: ignore[arg-type]


def test_shared_timings_of_one_length_equal_its_own() -> None:
    assert ttl.shared_timings([4, 4]) == ttl.cache_timings(4)


def test_shared_timings_take_the_shortest_default_and_the_longest_caps() -> None:
    shared = ttl.shared_timings([6, 2, 4])
    assert shared.manifest_default_ttl == 1  # the 2 s channel's half segment
    assert shared.manifest_max_ttl == 6  # MediaPackage's max-age for the 6 s channel (3 s) is not clipped
    assert shared.origin_read_timeout == ttl.origin_read_timeout(6)
    assert shared.origin_keepalive_timeout == ttl.origin_keepalive_timeout(6)
    assert shared.segment_seconds == 2


def test_shared_timings_need_a_length() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ttl.shared_timings([])


# --- laws, for every segment length (property-based) ----------------------------------------------

SEGMENTS = st.integers(ttl.MIN_SEGMENT_SECONDS, ttl.MAX_SEGMENT_SECONDS)


@given(SEGMENTS)
def test_every_ttl_is_ordered(segment: int) -> None:
    t = ttl.cache_timings(segment)
    assert 1 <= t.manifest_min_ttl <= t.manifest_default_ttl <= t.manifest_max_ttl == segment
    assert t.ll_hls_playlist_ttl <= t.manifest_default_ttl  # LL-HLS playlists change at least as often
    assert t.error_ttl <= t.manifest_default_ttl  # an early 404 never outlives a manifest
    assert t.manifest_max_ttl <= t.segment_default_ttl  # manifests go stale long before segments
    assert t.segment_min_ttl <= t.segment_default_ttl <= t.segment_max_ttl


@given(SEGMENTS)
def test_manifests_are_never_staler_than_half_a_segment(segment: int) -> None:
    default = ttl.cache_timings(segment).manifest_default_ttl
    assert default == max(1, segment // 2)
    assert default * 2 <= segment or default == ttl.MIN_MANIFEST_TTL


@given(SEGMENTS)
def test_origin_timeouts_cover_a_blocking_reload_and_the_polling_interval(segment: int) -> None:
    t = ttl.cache_timings(segment)
    assert ttl.MIN_ORIGIN_READ_TIMEOUT <= t.origin_read_timeout <= ttl.MAX_ORIGIN_TIMEOUT
    assert ttl.MIN_ORIGIN_KEEPALIVE_TIMEOUT <= t.origin_keepalive_timeout <= ttl.MAX_ORIGIN_TIMEOUT
    assert t.origin_read_timeout >= min(ttl.MAX_ORIGIN_TIMEOUT, 3 * segment)  # three target durations
    assert t.origin_keepalive_timeout >= min(ttl.MAX_ORIGIN_TIMEOUT, 2 * segment)  # outlives manifest polling


@given(SEGMENTS, SEGMENTS)
def test_longer_segments_never_shorten_a_timing(a: int, b: int) -> None:
    short, long = ttl.cache_timings(min(a, b)), ttl.cache_timings(max(a, b))
    for name in ("manifest_default_ttl", "manifest_max_ttl", "origin_read_timeout", "origin_keepalive_timeout"):
        assert getattr(short, name) <= getattr(long, name), name


@given(st.lists(SEGMENTS, min_size=1, max_size=20))
def test_shared_timings_serve_every_channel(lengths: list[int]) -> None:
    shared = ttl.shared_timings(lengths)
    for own in map(ttl.cache_timings, lengths):
        assert shared.manifest_default_ttl <= own.manifest_default_ttl  # no channel served staler than its own
        assert shared.manifest_max_ttl >= own.manifest_max_ttl  # each channel's max-age is honoured, not clipped
        assert shared.origin_read_timeout >= own.origin_read_timeout
        assert shared.origin_keepalive_timeout >= own.origin_keepalive_timeout
    assert shared == ttl.shared_timings(sorted(lengths, reverse=True))  # order does not matter
