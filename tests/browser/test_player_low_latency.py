"""LL-HLS in headless Chromium: a channel with `lowLatencyHls` and 1 s segments plays its llHls URL in low-latency mode."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from livestream.components.packager import LL_HLS, manifest_window_seconds
from livestream.model.settings import ChannelSettings
from tests.browser import harness, live
from tests.browser.conftest import Viewer, csp_violations

START_TIMEOUT_S = 10


@dataclass
class LowLatencyPlatform:
    channel: ChannelSettings
    origin: harness.Origin


@pytest.fixture(scope="module")
def low_latency(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LowLatencyPlatform]:
    settings = harness.stack_settings("dev", segmentSeconds=1, lowLatencyHls=True)
    channel = settings.channels[0]
    assert (channel.segment_seconds, channel.gop_seconds, channel.low_latency_hls) == (1, 1, True)  # the library's choice
    layout = harness.Layout(tmp_path_factory.mktemp("cdn-ll"), group=f"live-{settings.environment}")
    with harness.serving(layout, settings) as origin:
        on_air = live.Broadcast.on_air_for(manifest_window_seconds(channel.segment_seconds))
        parts = live.replay(ffmpeg, channel, on_air, part_seconds=live.PART_SECONDS)
        origin.add_endpoint(channel.name, LL_HLS, live.LowLatencyOrigin(parts, channel.segment_seconds))
        harness.write_site(origin, {channel.name: harness.playback_urls(origin, channel)})
        (layout.root / "recordings.json").write_text('{"recordings": []}')
        yield LowLatencyPlatform(channel, origin)


def test_low_latency_hls_plays_close_to_live_with_blocking_reloads(low_latency: LowLatencyPlatform, open_page: Any) -> None:
    requests: list[str] = []
    viewer: Viewer = open_page(low_latency.origin.url(f"/?channel={low_latency.channel.name}"))
    viewer.page.on("request", lambda request: requests.append(request.url))
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    viewer.page.wait_for_timeout(4000)
    behind = viewer.behind_live()
    print(f"LL-HLS: {behind} s behind the live edge")
    assert behind is not None and behind < 3 * low_latency.channel.segment_seconds
    assert any("/llhls/" in url and "_HLS_msn=" in url for url in requests)  # hls.js in low-latency mode
    assert any("/llhls/chunk_" in url for url in requests)  # it fetches partial segments
    rungs = viewer.page.locator("#quality option").count() - 1
    assert rungs == len(low_latency.channel.ladder)
    assert viewer.errors == [] and csp_violations(viewer) == []
