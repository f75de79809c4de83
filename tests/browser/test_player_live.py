"""The player page in headless Chromium against a live stream shaped like the dev stack's channel.

The stream has the dev channel's ladder, GOP, frame rate, segment length and playlist window
(ffmpeg's encode of them, published live on the clock by `tests/browser/live.py`); the page, its
assets and the response headers are the ones the platform deploys. The stream is already on air
for a whole window when the first test starts. The offline test stops and restarts a broadcast
of its own and puts the module's back afterwards, so the tests run in any order.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from livestream.components.packager import HLS, manifest_window_seconds
from livestream.model.settings import ChannelSettings, Settings
from livestream.player import headers
from tests.browser import harness, live, media
from tests.browser.conftest import POLL_MS, Viewer, csp_violations, unexpected, write_recordings

SCREENSHOT = harness.ROOT / "docs" / "player.png"
NEVER_STARTED = "backup"  # in channels.json, but nothing is ever published: its playlist is a 404
RECORDING_SECONDS = 8
START_TIMEOUT_S = 10  # "playback starts within a few seconds"


@dataclass
class Platform:
    settings: Settings
    channel: ChannelSettings
    origin: harness.Origin
    replay: live.Replay
    recordings: list[dict[str, Any]]

    def url(self, path: str) -> str:
        return self.origin.url(path)


@pytest.fixture(scope="module")
def platform(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    settings = harness.stack_settings("dev")
    channel = settings.channels[0]
    layout = harness.Layout(tmp_path_factory.mktemp("cdn"), group=f"live-{settings.environment}")
    recording = layout.recording_dir(channel.name, "2026-11-30T19-00-00Z")
    media.make_recording(ffmpeg, channel, recording, RECORDING_SECONDS)
    with harness.serving(layout, settings) as origin:
        backup = {
            k: v.replace(f"/{channel.name}/", f"/{NEVER_STARTED}/") for k, v in harness.playback_urls(origin, channel).items()
        }
        harness.write_site(origin, {channel.name: harness.playback_urls(origin, channel), NEVER_STARTED: backup})
        recordings = [
            {
                "channel": channel.name,
                "startedAt": "2026-11-30T19:00:00Z",
                "endedAt": "2026-11-30T19:00:08Z",
                "durationSeconds": RECORDING_SECONDS,
                "hls": origin.url(f"/recordings/{channel.name}/2026-11-30T19-00-00Z/index.m3u8"),
                "bytes": sum(p.stat().st_size for p in recording.iterdir()),
            }
        ]
        write_recordings(layout.root, recordings)
        replay = live.replay(ffmpeg, channel, on_air(channel))
        origin.add_endpoint(channel.name, HLS, live.LiveHls(replay, channel.segment_seconds))
        yield Platform(settings, channel, origin, replay, recordings)


def on_air(channel: ChannelSettings) -> live.Broadcast:
    """A broadcast on air for a whole playlist window: MediaPackage's steady state, as viewers find it."""
    return live.Broadcast.on_air_for(manifest_window_seconds(channel.segment_seconds))


def watch(platform: Platform, open_page: Any, query: str = "", **options: Any) -> Viewer:
    viewer: Viewer = open_page(platform.url(f"/{query or '?channel=' + platform.channel.name}"), **options)
    return viewer


def assert_advances(viewer: Viewer, seconds: float = 1.5) -> None:
    before = viewer.video()["time"]
    viewer.page.wait_for_timeout(seconds * 1000)
    assert viewer.video()["time"] > before


# First in the module, after the offline test (`run_first`): a pytest-xdist worker fetches its next test
# before it runs one, so the worker that runs the offline test runs this one too, and it is quick.
def test_an_unknown_channel_says_so(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page, "?channel=nope")
    viewer.wait_for_status("error", 5)
    assert 'no channel named "nope"' in viewer.page.inner_text("#status")


def test_a_live_channel_plays_within_seconds_under_the_cdn_headers(platform: Platform, open_page: Any, tmp_path: Path) -> None:
    started = time.monotonic()
    viewer = watch(platform, open_page)
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    print(f"first frame after {time.monotonic() - started:.2f} s")
    assert_advances(viewer)
    sent = viewer.response.headers
    expected = headers.http_headers(headers.page_headers(platform.settings.cdn.cors_origins))
    assert sent["content-security-policy"] == expected["Content-Security-Policy"]
    assert sent["strict-transport-security"] == expected["Strict-Transport-Security"]
    assert viewer.errors == [] and csp_violations(viewer) == []
    viewer.page.wait_for_timeout(1000)
    # The README's picture: rewritten with UPDATE_SNAPSHOTS=1 (as the resource snapshots), else kept.
    path = SCREENSHOT if os.environ.get("UPDATE_SNAPSHOTS") or not SCREENSHOT.exists() else tmp_path / SCREENSHOT.name
    path.parent.mkdir(exist_ok=True)
    picture = viewer.page.screenshot(path=str(path), full_page=True)
    assert picture.startswith(b"\x89PNG") and viewer.page.is_visible("#recording-list button")


def test_the_quality_list_has_one_entry_per_rung_and_switching_works(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page)
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    options = viewer.page.eval_on_selector_all("#quality option", "os => os.map(o => [o.value, o.textContent])")
    assert options[0][0] == "-1" and options[0][1].startswith("Automatic")  # the default, e.g. "Automatic (480p)"
    assert viewer.page.input_value("#quality") == "-1"
    rungs = sorted(platform.channel.ladder, key=lambda r: -r.height)
    assert [text.split(" ")[0] for _, text in options[1:]] == [r.name for r in rungs]
    for value, text in [options[-1], options[1]]:  # lowest, then highest
        viewer.page.select_option("#quality", value)
        height = int(text.split("p")[0])
        viewer.page.wait_for_function(
            f"() => document.querySelector('video').videoHeight === {height}", timeout=20_000, polling=POLL_MS
        )
    viewer.page.select_option("#quality", "-1")
    assert_advances(viewer)
    assert viewer.errors == [] and csp_violations(viewer) == []


def test_distance_behind_live_seeking_in_the_window_and_jump_to_live(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page)
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    viewer.page.wait_for_function("() => document.querySelector('#behind').dataset.seconds", timeout=5000, polling=POLL_MS)
    at_start = viewer.behind_live()
    assert at_start is not None and 0 < at_start < 4 * platform.channel.segment_seconds
    assert "behind live" in viewer.page.inner_text("#behind")
    viewer.page.focus("#seek")
    viewer.page.keyboard.press("Home")  # keyboard: back to the start of the DVR window
    viewer.page.wait_for_function(
        f"() => Number(document.querySelector('#behind').dataset.seconds) > {at_start + 3}", timeout=10_000, polling=POLL_MS
    )
    viewer.page.keyboard.press("Tab")
    assert viewer.page.evaluate("() => document.activeElement.id") == "go-live"
    viewer.page.keyboard.press("Enter")
    viewer.page.wait_for_function(
        f"() => Number(document.querySelector('#behind').dataset.seconds) < {at_start + 2}", timeout=10_000, polling=POLL_MS
    )
    assert viewer.errors == []


def test_the_embed_snippet_is_copyable_and_embeds_one_channel(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page, permissions=["clipboard-read", "clipboard-write"])
    viewer.page.wait_for_function("() => document.querySelector('#embed-code').value", polling=POLL_MS)
    snippet = viewer.page.input_value("#embed-code")
    src = f"{platform.url('/')}?channel={platform.channel.name}&amp;embed=1"
    assert snippet.startswith(f'<iframe src="{src}"') and "allowfullscreen" in snippet
    viewer.page.click("#copy-embed")
    viewer.page.wait_for_function("() => document.querySelector('#copy-result').textContent.includes('copied')", polling=POLL_MS)
    assert viewer.page.evaluate("() => navigator.clipboard.readText()") == snippet
    embedded = open_page(html.unescape(src))
    embedded.wait_for_status("playing", START_TIMEOUT_S)
    assert not embedded.page.is_visible("#channel-list") and embedded.page.is_visible("video")
    assert viewer.errors == [] and embedded.errors == []


def test_keyboard_only_to_a_channel_that_is_not_broadcasting(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page)
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    for _ in range(15):
        viewer.page.keyboard.press("Tab")
        if viewer.page.evaluate("() => document.activeElement.dataset.channel") == NEVER_STARTED:
            break
    viewer.page.keyboard.press("Enter")
    viewer.wait_for_status("offline", 10)  # a clear message, not an endless spinner
    assert "offline" in viewer.page.inner_text("#status")
    assert viewer.page.inner_text(f'[data-channel="{NEVER_STARTED}"] .badge') == "Offline"
    assert unexpected(viewer.errors) == [] and csp_violations(viewer) == []


def test_a_phone_sized_screen_fits_without_sideways_scrolling(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page, viewport={"width": 390, "height": 844})
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    assert viewer.page.evaluate("() => document.documentElement.scrollWidth") <= 390
    for selector in ("video", "#quality", "#go-live", "#copy-embed"):
        box = viewer.page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390, selector
    assert viewer.page.locator("#go-live").bounding_box()["height"] >= 44  # a finger-sized target


def test_a_past_broadcast_plays(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page)
    recordings = viewer.page.locator("#recording-list button")
    recordings.wait_for(timeout=5000)
    assert recordings.count() == 1 and not viewer.page.is_visible("#no-recordings")
    recordings.first.click()
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    assert_advances(viewer)
    assert viewer.page.inner_text("#now-playing").startswith(f"{platform.channel.name} · ")
    assert viewer.page.inner_text("#behind") == ""  # not live
    assert viewer.errors == [] and csp_violations(viewer) == []


@pytest.mark.parametrize("raw", [None, "{not json", '{"recordings": "yes"}'], ids=["missing", "corrupt", "wrong-shape"])
def test_a_missing_or_corrupt_recordings_index_means_no_past_broadcasts(
    platform: Platform, open_page: Any, raw: str | None
) -> None:
    root = platform.origin.layout.root
    write_recordings(root, None, raw=raw)
    try:
        viewer = watch(platform, open_page)
        viewer.wait_for_status("playing", START_TIMEOUT_S)  # the live channel still plays
        assert viewer.page.is_visible("#no-recordings")
        assert viewer.page.locator("#recording-list li").count() == 0
        assert unexpected(viewer.errors) == []
    finally:
        write_recordings(root, platform.recordings)


SAFARI = """
Object.defineProperty(Navigator.prototype, 'vendor', { get: () => 'Apple Computer, Inc.' });
const canPlayType = HTMLMediaElement.prototype.canPlayType;
HTMLMediaElement.prototype.canPlayType = function (type) {
  return type === 'application/vnd.apple.mpegurl' ? 'maybe' : canPlayType.call(this, type);
};
"""


def test_safari_gets_the_playlist_natively_and_others_get_hls_js(platform: Platform, open_page: Any) -> None:
    chromium = watch(platform, open_page)
    chromium.wait_for_status("playing", START_TIMEOUT_S)
    assert chromium.page.evaluate("() => document.querySelector('video').src").startswith("blob:")  # Media Source via hls.js
    safari = open_page("about:blank")
    safari.page.add_init_script(SAFARI)
    safari.page.goto(platform.url(f"/?channel={platform.channel.name}"))
    safari.page.wait_for_function("() => document.querySelector('video').src.endsWith('.m3u8')", timeout=5000, polling=POLL_MS)
    assert (
        safari.page.evaluate("() => document.querySelector('video').src")
        == harness.playback_urls(platform.origin, platform.channel)["hls"]
    )
    assert safari.page.is_disabled("#quality")  # Safari picks the rendition itself


@pytest.mark.run_first  # about half a minute of the player's own stall and poll timers
def test_the_offline_state_appears_when_the_stream_stops_and_playback_resumes_when_it_is_back(
    platform: Platform, open_page: Any
) -> None:
    replay = platform.replay
    replay.broadcast = on_air(platform.channel)
    try:
        viewer = watch(platform, open_page)
        viewer.wait_for_status("playing", START_TIMEOUT_S)
        replay.broadcast.kill()  # the playlist goes stale, as when the broadcaster's encoder drops
        stopped = time.monotonic()
        viewer.wait_for_status("offline", 60)
        print(f"offline shown {time.monotonic() - stopped:.1f} s after the stream stopped")
        assert "offline" in viewer.page.inner_text("#status")
        replay.broadcast = live.Broadcast.on_air_for(0)  # back: a new broadcast, its first segment due in a segment's time
        viewer.wait_for_status("playing", 60)  # the offline page notices the new broadcast by itself
        replay.broadcast.stop()  # a clean stop ends the playlist (#EXT-X-ENDLIST)
        viewer.wait_for_status("offline", 60)
    finally:
        replay.broadcast = on_air(platform.channel)  # the other tests' stream, whichever runs next
    assert unexpected(viewer.errors) == [] and csp_violations(viewer) == []
