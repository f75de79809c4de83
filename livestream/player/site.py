"""The player site's files: one list for the Pulumi upload and for `livestream player --out`.

Assets get content-hashed names (`assets/app.<hash>.js`), so they can be cached for a year while
`index.html` and `channels.json`, cached briefly, point at the current ones. Scripts and styles are
loaded with Subresource Integrity hashes computed here from the exact bytes that are uploaded.

hls.js is vendored from its npm release (`scripts/vendor-hlsjs` checks the tarball against the
registry's integrity hash): the file the tests play with is byte for byte the file viewers load.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

STATIC = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class VendoredScript:
    """A third-party file copied from its npm release, with what proves where it came from."""

    package: str
    version: str
    path: str  # under static/
    tarball: str
    tarball_integrity: str  # the registry's dist.integrity of the tarball
    sha256: str  # of the file itself, checked by the tests


HLS_JS = VendoredScript(
    package="hls.js",
    version="1.7.4",
    path="vendor/hls.min.js",
    tarball="https://registry.npmjs.org/hls.js/-/hls.js-1.7.4.tgz",
    tarball_integrity="sha512-3GlxGdPvT2YHvQYOt+yOzT/DEior/qJVNIylHA77kgeoBTdQQqi70GwefNEUmHQeNGyjC8U62+bruqW/Tpm+tg==",
    sha256="cfc70cc9e9fc63d071919e087670abc760c8fd1bc889b88588026e4d22193bbe",
)

# Short: a deploy (new channel, new asset names) reaches viewers within a minute.
SHORT_CACHE = "public, max-age=60"
# Content-hashed names never change meaning, so browsers and edges may keep them a year.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
CHANNELS_FILE = "channels.json"
RECORDINGS_FILE = "recordings.json"  # written only by the recordings indexer, never uploaded by Pulumi
PLAYBACK_KEYS = ("hls", "dash", "llHls")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
}
# Example channels.json for a local preview: public test streams (replace with your own URLs).
EXAMPLE_CHANNELS = {
    "example": {
        "hls": "https://test-streams.mux.dev/x36xhzz/x36xhzz.m3u8",
        "dash": "https://dash.akamaized.net/envivio/EnvivioDash3/manifest.mpd",
    }
}


@dataclass(frozen=True)
class SiteFile:
    """One object of the site: its key (= path in the folder), bytes and the headers S3 serves it with.

    `name` stays the same when the content (and so the hashed key) changes.
    """

    name: str
    key: str
    body: bytes
    content_type: str
    cache_control: str


def sri(body: bytes) -> str:
    """A Subresource Integrity value (sha384, the algorithm the SRI spec's examples use)."""
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode()


def _asset(name: str, body: bytes, *, stem: str | None = None) -> SiteFile:
    """assets/<stem>.<12 hex of sha256>.<suffix>: a new content is a new name, so old copies never go stale."""
    default_stem, suffix = name.rsplit(".", 1)
    digest = hashlib.sha256(body).hexdigest()[:12]
    key = f"assets/{stem or default_stem}.{digest}.{suffix}"
    return SiteFile(name, key, body, CONTENT_TYPES[f".{suffix}"], IMMUTABLE_CACHE)


def _assets() -> dict[str, SiteFile]:
    """Template name -> content-hashed asset."""
    hls = (STATIC / HLS_JS.path).read_bytes()
    return {
        "app_js": _asset("app.js", (STATIC / "app.js").read_bytes()),
        "app_css": _asset("app.css", (STATIC / "app.css").read_bytes()),
        "favicon": _asset("favicon.svg", (STATIC / "favicon.svg").read_bytes()),
        "hls_js": _asset("hls.min.js", hls, stem=f"hls-{HLS_JS.version}.min"),
        "hls_license": _asset("hls.LICENSE.txt", (STATIC / "vendor" / "hls.js.LICENSE").read_bytes()),
    }


def page_files() -> list[SiteFile]:
    """index.html and its assets: everything but channels.json (per platform) and recordings.json (indexer's)."""
    assets = _assets()
    values = {name: f.key for name, f in assets.items()}
    values |= {f"{name}_sri": sri(f.body) for name, f in assets.items()}
    values["hls_version"] = HLS_JS.version
    html = Template((STATIC / "index.html").read_text()).substitute(values).encode()
    return [SiteFile("index.html", "index.html", html, CONTENT_TYPES[".html"], SHORT_CACHE), *assets.values()]


def channels_json(playback_urls: Mapping[str, Mapping[str, str]]) -> str:
    """channels.json, shaped like the `playbackUrls` output: {"<channel>": {"hls", "dash", "llHls"?}}."""
    channels = {
        channel: {key: urls[key] for key in PLAYBACK_KEYS if urls.get(key)} for channel, urls in sorted(playback_urls.items())
    }
    return json.dumps(channels, indent=2) + "\n"


def read_channels(data: Any) -> dict[str, dict[str, str]]:
    """channels.json content (or `pulumi stack output --json`, whose `playbackUrls` it takes), checked.

    Raises ValueError saying what is wrong: the page needs at least an `hls` URL per channel.
    """
    if isinstance(data, dict) and isinstance(data.get("playbackUrls"), dict):
        data = data["playbackUrls"]
    if not isinstance(data, dict) or not data:
        raise ValueError('expected {"<channel>": {"hls": URL, "dash": URL, "llHls": URL?}} with at least one channel')
    for channel, urls in data.items():
        if not isinstance(urls, dict) or not isinstance(urls.get("hls"), str) or not urls["hls"]:
            raise ValueError(f'channel "{channel}" has no "hls" URL (got {json.dumps(urls)})')
        bad = {k: v for k, v in urls.items() if k in PLAYBACK_KEYS and not isinstance(v, str)}
        if bad:
            raise ValueError(f'channel "{channel}": URLs must be strings (got {json.dumps(bad)})')
    return data


def channels_file(playback_urls: Mapping[str, Mapping[str, str]]) -> SiteFile:
    return SiteFile(CHANNELS_FILE, CHANNELS_FILE, channels_json(playback_urls).encode(), CONTENT_TYPES[".json"], SHORT_CACHE)


def site_files(playback_urls: Mapping[str, Mapping[str, str]]) -> list[SiteFile]:
    """The whole folder as Pulumi publishes it."""
    return [*page_files(), channels_file(playback_urls)]


def write_folder(out: Path, playback_urls: Mapping[str, Mapping[str, str]]) -> list[Path]:
    """Write the site to `out` (created if missing); returns the files written."""
    written = []
    for site_file in site_files(playback_urls):
        path = out / site_file.key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(site_file.body)
        written.append(path)
    return written
