"""`livestream player --out DIR [--channels FILE]` writes the folder the PlayerSite component uploads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from livestream.cli import main
from livestream.player import site


def test_writes_the_site_with_an_example_channels_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["player", "--out", str(tmp_path / "site")]) == 0
    written = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert written == sorted(f.key for f in site.site_files(site.EXAMPLE_CHANNELS))
    assert json.loads((tmp_path / "site" / "channels.json").read_text()) == site.EXAMPLE_CHANNELS
    assert "http.server" in capsys.readouterr().out


def test_uses_the_given_channels_or_the_stack_outputs(tmp_path: Path) -> None:
    channels = {"main": {"hls": "http://localhost:9/out/v1/g/main/hls/index.m3u8", "dash": "http://x/index.mpd"}}
    (tmp_path / "channels.json").write_text(json.dumps(channels))
    (tmp_path / "outputs.json").write_text(json.dumps({"playbackUrls": channels, "playerUrl": "https://d/"}))
    for source in ("channels.json", "outputs.json"):
        out = tmp_path / f"from-{source}"
        assert main(["player", "--out", str(out), "--channels", str(tmp_path / source)]) == 0
        assert json.loads((out / "channels.json").read_text()) == channels


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "is not JSON"),
        ("{}", "at least one channel"),
        ('{"main": {"dash": "http://x/index.mpd"}}', 'channel "main" has no "hls" URL'),
        ('{"main": {"hls": "h", "llHls": 3}}', "URLs must be strings"),
    ],
)
def test_bad_channels_exit_2_saying_what_is_wrong(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, expected: str
) -> None:
    (tmp_path / "channels.json").write_text(content)
    assert main(["player", "--out", str(tmp_path / "out"), "--channels", str(tmp_path / "channels.json")]) == 2
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
