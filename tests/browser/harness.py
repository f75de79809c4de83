"""A local stand-in for the platform, for the real-browser tests and the latency benchmark.

- `Origin`: an HTTP server laid out like the distribution (`/`, `/out/v1/<group>/<channel>/hls/…`,
  `/recordings/…`), sending the response headers the CDN's policies send (`livestream.player.headers`).
  Page, assets, channels.json, recordings.json and recordings are files in its folder; a channel's
  live endpoints answer on the fly (`add_endpoint`).
- The live streams (`tests/browser/live.py`) have the ladder, GOP, frame rate, segment length and
  playlist window the library configures for a channel (read from `livestream.model.settings` and
  the packager's own window function, not restated here). ffmpeg encodes a few seconds of that
  ladder once into a cache (`tests/browser/media.py`); the origin then publishes it live on the
  wall clock, already on air when a test starts, so no test waits for an encoder and no encoder
  runs during the tests. The benchmark (`bench/player_latency.py`) still runs ffmpeg in real time.
"""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from livestream.components.packager import HLS, LL_HLS, MANIFEST_NAME
from livestream.model import settings as config
from livestream.model.settings import ChannelSettings, Settings
from livestream.player import headers, site
from tests.browser import live
from tests.conftest import stack_config

ROOT = Path(__file__).resolve().parents[2]
# The system's Chromium (apt); None: the one `playwright install chromium` downloaded. The headless
# shell first: the same Blink and media stack without the full browser's windowing and UI layers,
# as Playwright itself uses for headless runs; on this suite it costs ~5 CPU-s and ~150 MiB (PSS)
# less than `chromium --headless` (bench/peak_memory.py, 2 cores).
SYSTEM_CHROMIUMS = ("chromium-headless-shell", "chromium", "chromium-browser")


def _system_chromium() -> str | None:
    return next((found for name in SYSTEM_CHROMIUMS if (found := shutil.which(name))), None)


CHROMIUM = os.environ.get("LIVESTREAM_CHROMIUM") or _system_chromium()
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CONTENT_TYPES = {".m3u8": live.PLAYLIST_TYPE, ".ts": live.SEGMENT_TYPE, ".json": "application/json"}


class Endpoint(Protocol):
    """A live endpoint (`live.LiveHls`, `live.LowLatencyOrigin`): the answer for a file name in its folder, None if not its."""

    def answer(self, name: str, query: dict[str, list[str]]) -> live.Answer | None: ...


def stack_settings(stack: str = "dev", **channel_overrides: Any) -> Settings:
    """The stack's validated settings, its first channel's keys overridden (e.g. lowLatencyHls=True)."""
    values = stack_config(stack)
    raw = {key.removeprefix("livestream:"): value for key, value in values.items() if key.startswith("livestream:")}
    for channel in raw["channels"].values():
        channel.update(channel_overrides)
        break
    return config.load(raw, environment=stack, region=values["aws:region"])


@dataclass
class Layout:
    """Paths as the distribution serves them."""

    root: Path
    group: str

    def endpoint_dir(self, channel: str, endpoint: str) -> Path:
        return self.root / "out" / "v1" / self.group / channel / endpoint

    def manifest_path(self, channel: str, endpoint: str) -> str:
        return f"/out/v1/{self.group}/{channel}/{endpoint}/{MANIFEST_NAME}.m3u8"

    def recording_dir(self, channel: str, recording_id: str) -> Path:
        return self.root / "recordings" / channel / recording_id


class _Handler(http.server.SimpleHTTPRequestHandler):
    origin: Origin

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return CONTENT_TYPES.get(Path(path).suffix) or super().guess_type(path)

    def end_headers(self) -> None:
        for name, value in self.origin.headers_for(urlsplit(self.path).path).items():
            self.send_header(name, value)
        super().end_headers()

    def do_GET(self) -> None:
        answer = self.origin.live_answer(self.path)
        if answer is None:
            super().do_GET()
            return
        body, content_type = answer
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that closed a connection mid-response (a context closed, a seek) is not an error."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Origin:
    """The distribution, locally: page files with the page's headers, media with CORS + HSTS, live endpoints on the fly."""

    def __init__(self, layout: Layout, settings: Settings) -> None:
        self.layout = layout
        self.page = headers.http_headers(headers.page_headers(settings.cdn.cors_origins))
        self.media = headers.http_headers(headers.MEDIA_HEADERS) | {
            "Access-Control-Allow-Origin": ", ".join(settings.cdn.cors_origins)
        }
        self.cache = {f"/{f.key}": f.cache_control for f in site.site_files({})}
        self.endpoints: dict[str, Endpoint] = {}  # "/out/v1/<group>/<channel>/<endpoint>/" -> what answers there
        handler = type("Handler", (_Handler,), {"origin": self})
        self.server = _Server(("127.0.0.1", 0), partial(handler, directory=str(layout.root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def headers_for(self, path: str) -> dict[str, str]:
        if path.startswith(("/out/", "/recordings/")):
            return self.media
        cache = self.cache.get("/index.html" if path == "/" else path)
        return self.page | ({"Cache-Control": cache} if cache else {})

    def add_endpoint(self, channel: str, endpoint: str, answerer: Endpoint) -> None:
        self.endpoints[self.layout.manifest_path(channel, endpoint).rsplit("/", 1)[0] + "/"] = answerer

    def live_answer(self, raw_path: str) -> live.Answer | None:
        parts = urlsplit(raw_path)
        prefix, _, name = parts.path.rpartition("/")
        endpoint = self.endpoints.get(prefix + "/")
        return endpoint.answer(name, parse_qs(parts.query)) if endpoint else None

    def __enter__(self) -> Origin:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextlib.contextmanager
def serving(layout: Layout, settings: Settings) -> Iterator[Origin]:
    with Origin(layout, settings) as origin:
        yield origin


def write_site(origin: Origin, channels: dict[str, dict[str, str]]) -> None:
    """The player site as the component uploads it, with channels.json pointing at this origin."""
    site.write_folder(origin.layout.root, channels)


def playback_urls(origin: Origin, channel: ChannelSettings) -> dict[str, str]:
    """channels.json entry for a channel, like the packager's playback paths on the CDN."""
    layout = origin.layout
    urls = {
        "hls": origin.url(layout.manifest_path(channel.name, HLS)),
        "dash": origin.url(layout.manifest_path(channel.name, "dash")),
    }
    if channel.low_latency_hls:
        urls["llHls"] = origin.url(layout.manifest_path(channel.name, LL_HLS))
    return urls
