"""The player site's files: content-hashed assets, SRI from the exact bytes, channels.json, the vendored hls.js."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from livestream.player import headers, site


def index_html() -> str:
    return site.page_files()[0].body.decode()


def test_the_vendored_hls_js_is_the_npm_release_file() -> None:
    body = (site.STATIC / site.HLS_JS.path).read_bytes()
    assert hashlib.sha256(body).hexdigest() == site.HLS_JS.sha256  # scripts/vendor-hlsjs wrote it from the tarball
    assert site.HLS_JS.tarball.endswith(f"/hls.js-{site.HLS_JS.version}.tgz")
    assert site.HLS_JS.tarball_integrity.startswith("sha512-")


def test_every_script_and_style_is_loaded_with_the_sri_of_the_uploaded_bytes() -> None:
    files = {f.key: f for f in site.page_files()}
    tags = re.findall(r'(?:src|href)="([^"]+)" integrity="([^"]+)"', index_html())
    assert len(tags) == 3  # hls.js, app.js, app.css
    for key, integrity in tags:
        assert integrity == site.sri(files[key].body)
    assert any(key.startswith(f"assets/hls-{site.HLS_JS.version}.min.") for key, _ in tags)
    assert "cdn.jsdelivr" not in index_html() and "unpkg" not in index_html() and "//" not in index_html().split("<body>")[0]


def test_assets_are_content_hashed_and_cached_for_a_year_the_page_for_a_minute() -> None:
    one, other = site._asset("app.js", b"a"), site._asset("app.js", b"b")
    assert one.key != other.key and one.name == other.name == "app.js"
    for site_file in site.page_files():
        expected = site.SHORT_CACHE if site_file.key == "index.html" else site.IMMUTABLE_CACHE
        assert site_file.cache_control == expected
        if site_file.key != "index.html":
            assert hashlib.sha256(site_file.body).hexdigest()[:12] in site_file.key
            assert site_file.key in index_html()  # nothing uploaded that the page does not use


def test_channels_json_is_shaped_like_the_playback_urls_output() -> None:
    urls = {
        "b": {"hls": "https://d/out/v1/g/b/hls/index.m3u8", "dash": "https://d/out/v1/g/b/dash/index.mpd"},
        "a": {"hls": "h", "dash": "d", "llHls": "l", "other": "x"},
    }
    assert json.loads(site.channels_json(urls)) == {"a": {"hls": "h", "dash": "d", "llHls": "l"}, "b": urls["b"]}
    assert list(json.loads(site.channels_json(urls))) == ["a", "b"]


def test_the_folder_holds_the_files_pulumi_uploads(tmp_path: Path) -> None:
    written = site.write_folder(tmp_path, site.EXAMPLE_CHANNELS)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in written) == sorted(
        f.key for f in site.site_files(site.EXAMPLE_CHANNELS)
    )
    assert json.loads((tmp_path / "channels.json").read_text()) == site.EXAMPLE_CHANNELS
    assert not (tmp_path / site.RECORDINGS_FILE).exists()


def test_the_page_may_be_embedded_where_the_streams_may_be_fetched() -> None:
    assert "frame-ancestors *" in headers.content_security_policy(["*"])
    assert "frame-ancestors 'self' https://a.example" in headers.content_security_policy(["https://a.example"])
    assert headers.http_headers(headers.MEDIA_HEADERS) == {"Strict-Transport-Security": "max-age=31536000"}
