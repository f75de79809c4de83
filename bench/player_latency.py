"""How fast does the player page start, and how far behind live does it play? Prints a table; asserts nothing.

The local setup of the browser tests (tests/browser/harness.py), except that here ffmpeg encodes
the dev channel's ladder in real time (the tests replay a cached encode on the clock): a local
origin serves it laid out like the distribution with the CDN's headers, and the deployed page runs
in headless Chromium (Playwright, system Chromium).

Scenarios:
- dev: the dev stack's channel (SD ladder, 4 s segments, 2 s GOP), HLS through hls.js;
- ll-hls: the same channel with `lowLatencyHls` and 1 s segments (the library picks a 1 s GOP),
  LL-HLS with quarter-second parts and blocking playlist reloads.

Per run, a fresh browser context opens `/?channel=main`:
- time to first frame: navigation start to the first decoded frame with currentTime > 0
  (`requestVideoFrameCallback`);
- behind the edge: what the page shows ("N s behind live", hls.js's distance to the live edge),
  SETTLE seconds after the first frame;
- behind the clock: now minus the PROGRAM-DATE-TIME of the frame on screen, i.e. encoder to
  screen in this setup (a deployed stack adds MediaLive, MediaPackage and CloudFront on top).
Medians of RUNS runs. No network beyond localhost; nothing here is a CloudFront figure.

    .venv/bin/python bench/player_latency.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import sync_playwright

from livestream.components.packager import HLS, LL_HLS
from tests.browser import harness, live, media

SETTLE_SECONDS = 6
FIRST_FRAME = """
window.__firstFrame = null;
document.addEventListener('DOMContentLoaded', () => {
  const video = document.querySelector('video');
  const seen = () => {
    if (video.currentTime > 0) window.__firstFrame = performance.now();
    else video.requestVideoFrameCallback(seen);
  };
  video.requestVideoFrameCallback(seen);
});
"""


def one_run(browser: Any, url: str) -> tuple[float, float, float]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.add_init_script(FIRST_FRAME)
        page.goto(url)
        page.wait_for_function("() => window.__firstFrame !== null", timeout=30_000)
        first_frame = page.evaluate("() => window.__firstFrame") / 1000
        page.wait_for_timeout(SETTLE_SECONDS * 1000)
        edge = float(page.get_attribute("#behind", "data-seconds") or "nan")
        clock = float(page.get_attribute("#behind", "data-wallclock-seconds") or "nan")
        return first_frame, edge, clock
    finally:
        context.close()


def scenario(name: str, browser: Any, ffmpeg: str, runs: int, **overrides: Any) -> list[str]:
    settings = harness.stack_settings("dev", **overrides)
    channel = settings.channels[0]
    low_latency = channel.low_latency_hls
    with tempfile.TemporaryDirectory() as folder:
        layout = harness.Layout(Path(folder), group=f"live-{settings.environment}")
        directory = layout.endpoint_dir(channel.name, LL_HLS if low_latency else HLS)
        part = live.PART_SECONDS if low_latency else None
        with harness.serving(layout, settings) as origin:
            if low_latency:
                chunks = live.EncoderChunks(directory)
                origin.add_endpoint(channel.name, LL_HLS, live.LowLatencyOrigin(chunks, channel.segment_seconds))
            harness.write_site(origin, {channel.name: harness.playback_urls(origin, channel)})
            (layout.root / "recordings.json").write_text('{"recordings": []}')
            encoder = media.LiveEncoder(ffmpeg, channel, directory, part_seconds=part).start()
            try:
                encoder.wait_for_media(4 * channel.segment_seconds)
                results = [one_run(browser, origin.url(f"/?channel={channel.name}")) for _ in range(runs)]
            finally:
                encoder.stop()
    first, edge, clock = (statistics.median(r[i] for r in results) for i in range(3))
    ladder = "/".join(r.name for r in channel.ladder)
    return [name, f"{channel.segment_seconds} s", ladder, f"{first:.2f} s", f"{edge:.1f} s", f"{clock:.1f} s"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ffmpeg = media.ffmpeg_exe()
    if not ffmpeg:
        print("no ffmpeg: run `make browser-deps`", file=sys.stderr)
        return 2
    started = time.monotonic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=harness.CHROMIUM, args=harness.CHROMIUM_FLAGS)
        rows = [
            scenario("dev", browser, ffmpeg, args.runs),
            scenario("ll-hls", browser, ffmpeg, args.runs, segmentSeconds=1, lowLatencyHls=True),
        ]
        browser.close()
    header = ["scenario", "segment", "ladder", "first frame", "behind edge", "behind clock"]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    print(f"player latency, medians of {args.runs} runs (local origin, headless Chromium)")
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    print(f"({time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
