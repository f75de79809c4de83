"""The player page in headless Chromium against a live stream shaped like the dev stack's channel.

The stream has the dev channel's ladder, GOP, frame rate, segment length and playlist window
(ffmpeg's encode of them, published live on the clock by `tests/browser/live.py`); the page, its
assets and the response headers are the ones the platform deploys. The stream is already on air
for a whole window when the first test starts. The offline test's broadcast is on a channel of
its own (`RESTARTS`): its stop and restart never touch the stream the other tests watch, so in
one process it plays out beside them (`OfflineScenario`) instead of holding the process for the
half minute the player's own timers take.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from livestream.components.packager import HLS, manifest_window_seconds
from livestream.model.settings import ChannelSettings, Settings
from livestream.player import headers
from tests.browser import harness, live, media
from tests.browser.conftest import Viewer, csp_violations, new_viewer, one_process, unexpected, write_recordings

SCREENSHOT = harness.ROOT / "docs" / "player.png"
NEVER_STARTED = "backup"  # in channels.json, but nothing is ever published: its playlist is a 404
RESTARTS = "rehearsal"  # in channels.json: the offline test's channel, its broadcast lost, restarted, stopped
RECORDING_SECONDS = 8
START_TIMEOUT_S = 10  # "playback starts within a few seconds"
PHONE = {"width": 390, "height": 844}  # a phone's screen in CSS pixels


@dataclass
class Platform:
    settings: Settings
    channel: ChannelSettings
    origin: harness.Origin
    replay: live.Replay
    rehearsal: live.Replay  # RESTARTS' stream, for the offline test alone
    recordings: list[dict[str, Any]]

    def url(self, path: str) -> str:
        return self.origin.url(path)


# Session-wide: in one process the offline test runs last, after the low-latency module, while its
# broadcast on this origin has been playing out since the first test (`offline_in_background`).
@pytest.fixture(scope="session")
def platform(ffmpeg: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    settings = harness.stack_settings("dev")
    channel = settings.channels[0]
    layout = harness.Layout(tmp_path_factory.mktemp("cdn"), group=f"live-{settings.environment}")
    recording = layout.recording_dir(channel.name, "2026-11-30T19-00-00Z")
    media.make_recording(ffmpeg, channel, recording, RECORDING_SECONDS)
    with harness.serving(layout, settings) as origin:
        backup = harness.playback_urls(origin, replace(channel, name=NEVER_STARTED))
        rehearsal = replace(channel, name=RESTARTS)
        urls = {channel.name: harness.playback_urls(origin, channel), NEVER_STARTED: backup}
        harness.write_site(origin, urls | {RESTARTS: harness.playback_urls(origin, rehearsal)})
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
        restarts = live.replay(ffmpeg, rehearsal, on_air(rehearsal))  # the same cached encode
        origin.add_endpoint(RESTARTS, HLS, live.LiveHls(restarts, channel.segment_seconds))
        yield Platform(settings, channel, origin, replay, restarts, recordings)


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


# First in the module, after the offline test on pytest-xdist workers (`long_wait`): a worker fetches its next
# test before it runs one, so the worker that runs the offline test runs this one too, and it is quick.
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
        viewer.wait_until(f"() => document.querySelector('video').videoHeight === {height}", 20)
    viewer.page.select_option("#quality", "-1")
    assert_advances(viewer)
    assert viewer.errors == [] and csp_violations(viewer) == []


def test_distance_behind_live_seeking_in_the_window_and_jump_to_live(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page)
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    viewer.wait_until("() => document.querySelector('#behind').dataset.seconds", 5)
    at_start = viewer.behind_live()
    assert at_start is not None and 0 < at_start < 4 * platform.channel.segment_seconds
    assert "behind live" in viewer.page.inner_text("#behind")
    viewer.page.focus("#seek")
    viewer.page.keyboard.press("Home")  # keyboard: back to the start of the DVR window
    viewer.wait_until(f"() => Number(document.querySelector('#behind').dataset.seconds) > {at_start + 3}", 10)
    viewer.page.keyboard.press("Tab")
    assert viewer.page.evaluate("() => document.activeElement.id") == "go-live"
    viewer.page.keyboard.press("Enter")
    viewer.wait_until(f"() => Number(document.querySelector('#behind').dataset.seconds) < {at_start + 2}", 10)
    assert viewer.errors == []


def test_the_embed_snippet_is_copyable_and_embeds_one_channel(platform: Platform, open_page: Any) -> None:
    viewer = watch(platform, open_page, permissions=["clipboard-read", "clipboard-write"])
    viewer.wait_until("() => document.querySelector('#embed-code').value")
    snippet = viewer.page.input_value("#embed-code")
    src = f"{platform.url('/')}?channel={platform.channel.name}&amp;embed=1"
    assert snippet.startswith(f'<iframe src="{src}"') and "allowfullscreen" in snippet
    viewer.page.click("#copy-embed")
    viewer.wait_until("() => document.querySelector('#copy-result').textContent.includes('copied')")
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
    viewer = watch(platform, open_page, viewport=PHONE)
    viewer.wait_for_status("playing", START_TIMEOUT_S)
    assert viewer.page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    for selector in ("video", "#quality", "#go-live", "#copy-embed"):
        box = viewer.page.locator(selector).bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], selector
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
    safari.wait_until("() => document.querySelector('video').src.endsWith('.m3u8')", 5)
    assert (
        safari.page.evaluate("() => document.querySelector('video').src")
        == harness.playback_urls(platform.origin, platform.channel)["hls"]
    )
    assert safari.page.is_disabled("#quality")  # Safari picks the rendition itself


# The page's status changes, each with the time it saw it and the time the video last advanced
# (`timeupdate` does not bubble: captured on the document), reported to `statusChanged` (a Playwright
# binding). The observer sees each change once: several in one task are told apart by oldValue.
STATUS_LOG = """
window.__statuses = [];
let progressAt = null, position = null;
document.addEventListener('timeupdate', (e) => {
  if (e.target.currentTime !== position) [position, progressAt] = [e.target.currentTime, Date.now() / 1000];
}, true);
new MutationObserver((records) => {
  const changes = records.filter((r) => r.target.id === 'status');
  changes.forEach((record, i) => {
    const last = i + 1 === changes.length;
    const state = last ? record.target.dataset.state : changes[i + 1].oldValue;
    if (state === record.oldValue) return;
    const text = last ? record.target.textContent : '';
    const at = Date.now() / 1000;
    window.__statuses.push({ state, text, at, progressAt });
    window.statusChanged(state, at);
  });
}).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });
"""
PHASE_TIMEOUT_S = 60  # from an origin-side step to the status it should bring; the player's rules take about 25 s
STALL_TARGETS = 3  # the player's rule (README): offline after three target durations without progress ...
TICK_S = 1  # ... checked once a second
CLOCK_SLACK_S = 0.01  # the page's clocks: Date.now() in whole milliseconds, performance.now() coarsened


def _lose_encoder(replay: live.Replay) -> None:
    replay.broadcast.kill()  # the playlists go stale, as when the broadcaster's encoder drops


def _start_again(replay: live.Replay) -> None:
    replay.broadcast = live.Broadcast.on_air_for(0)  # a new broadcast, its first segment due in a segment's time


def _stop_cleanly(replay: live.Replay) -> None:
    replay.broadcast.stop()  # the playlists end (#EXT-X-ENDLIST)


@dataclass
class Status:
    state: str
    text: str
    at: float  # the page's clock (Date.now()), the same wall clock as time.time()
    progressAt: float | None  # noqa: N815 (the page's name) when the video last advanced

    def still(self) -> float:
        """Seconds the video had not advanced when the page showed this."""
        return self.at - (self.progressAt or self.at)


@dataclass
class OfflineScenario:
    """The offline test's broadcast on `RESTARTS`, each origin-side step taken when the page shows what should precede it.

    The page reports its status changes (`STATUS_LOG`); Playwright's sync API runs the binding
    whenever this process is inside a Playwright call (the other tests mostly wait in one), so the
    scenario needs no thread of its own and Python never blocks on it: playing -> the encoder is
    lost; offline -> a new broadcast; playing -> a clean stop; offline -> done. A step taken late
    (Python busy between tests) only starts the next phase later: phases are timed from the step.
    """

    PLAN = (("playing", _lose_encoder), ("offline", _start_again), ("playing", _stop_cleanly), ("offline", None))

    replay: live.Replay
    viewer: Viewer
    target_seconds: int
    opened_at: float = 0.0
    steps: list[float] = field(default_factory=list)  # time.time() of each step of PLAN taken

    def on_status(self, state: str, at: float) -> None:
        """The next step, if the page shows what should precede it (not before the last step: Python may hear late)."""
        if len(self.steps) < len(self.PLAN) and state == self.PLAN[len(self.steps)][0] and at >= self.last_step():
            action: Callable[[live.Replay], None] | None = self.PLAN[len(self.steps)][1]
            if action:
                action(self.replay)
            self.steps.append(time.time())

    def last_step(self) -> float:
        return self.steps[-1] if self.steps else self.opened_at

    @property
    def finished(self) -> bool:
        return len(self.steps) == len(self.PLAN)

    def statuses(self) -> list[Status]:
        return [Status(**s) for s in self.viewer.page.evaluate("() => window.__statuses")]

    def wait(self) -> None:
        """Until the last step, an error status, or a phase overdue by PHASE_TIMEOUT_S."""
        while not self.finished and time.time() - self.last_step() < PHASE_TIMEOUT_S:
            if any(s.state == "error" for s in self.statuses()):
                return
            self.viewer.page.wait_for_timeout(250)

    def first(self, state: str, after: float) -> Status | None:
        return next((s for s in self.statuses() if s.state == state and s.at >= after), None)


@pytest.fixture(scope="session")
def offline_scenario(platform: Platform, browser: Any) -> Iterator[OfflineScenario]:
    platform.rehearsal.broadcast = on_air(platform.channel)
    # A viewer who left the stream open on a phone: the page is the same; a phone-sized screen composites
    # a third of the pixels of the desktop tests' 1280x800 for the half minute it plays (~2 CPU-s less).
    viewer = new_viewer(browser, viewport=PHONE)
    scenario = OfflineScenario(platform.rehearsal, viewer, platform.channel.segment_seconds)
    page = viewer.page
    page.add_init_script(STATUS_LOG)
    page.expose_function("statusChanged", scenario.on_status)
    scenario.opened_at = time.time()
    viewer.response = page.goto(platform.url(f"/?channel={RESTARTS}"))
    yield scenario
    page.context.close()


@pytest.fixture(scope="module", autouse=True)
def offline_in_background(request: pytest.FixtureRequest) -> None:
    """In one process the offline test's scenario starts with the module and plays out beside the other tests."""
    wanted = any("offline_scenario" in getattr(item, "fixturenames", ()) for item in request.session.items)
    if wanted and one_process(request.config):
        request.getfixturevalue("offline_scenario")


@pytest.mark.long_wait  # about 35 s of the player's own stall and poll timers: started first, checked last
def test_the_offline_state_appears_when_the_stream_stops_and_playback_resumes_when_it_is_back(
    offline_scenario: OfflineScenario,
) -> None:
    scenario = offline_scenario
    scenario.wait()
    seen = scenario.statuses()
    awaited = [state for state, _ in scenario.PLAN[len(scenario.steps) :]]
    assert scenario.finished, f"no {awaited[0]!r} after step {len(scenario.steps)} of the scenario; the page showed {seen}"
    assert [s for s in seen if s.state == "error"] == []
    opened, lost, back, stopped, _ = scenario.opened_at, *scenario.steps
    playing = scenario.first("playing", after=opened)
    assert playing and playing.at - opened < START_TIMEOUT_S
    stall_s = STALL_TARGETS * scenario.target_seconds
    offline = scenario.first("offline", after=lost)  # when the buffer ran dry, and not before the stall rule says
    assert offline and offline.at - lost < PHASE_TIMEOUT_S and "offline" in offline.text
    print(f"offline shown {offline.at - lost:.1f} s after the stream stopped, {offline.still():.1f} s after the video did")
    assert stall_s - CLOCK_SLACK_S < offline.still() < stall_s + 2 * TICK_S + 4  # the tick, slack for a busy machine
    resumed = scenario.first("playing", after=back)  # the offline page notices the new broadcast by itself
    assert resumed and resumed.at - back < PHASE_TIMEOUT_S
    ended = scenario.first("offline", after=stopped)  # a clean stop ends it as offline ...
    assert ended and ended.at - stopped < PHASE_TIMEOUT_S
    print(f"after the clean stop: offline {ended.at - stopped:.1f} s later, {ended.still():.1f} s after the video ended")
    assert ended.still() < stall_s, "a clean stop waited for the stall rule"  # ... as soon as the video ends (ENDLIST)
    viewer = scenario.viewer
    assert unexpected(viewer.errors) == [] and csp_violations(viewer) == []
