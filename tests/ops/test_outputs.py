"""Where the ops commands find the stack outputs: --outputs FILE, else the Pulumi CLI, else a clear error."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from livestream.ops import OpsError, outputs
from tests.conftest import main_without

DOCUMENT = {
    "channelIds": {"main": "1234567"},
    "ingestUrls": {"main": ["rtmp://203.0.113.1:1935/main/abcdef-primary"], "stage": ["srt://203.0.113.2:5000"]},
    "playbackUrls": {"main": {"hls": "https://d1.cloudfront.net/out/v1/g/main/hls/index.m3u8"}},
    "region": "ap-northeast-2",
    "alarmNames": {"ap-northeast-2": ["a1"], "us-east-1": ["c1"]},
}


def fake_pulumi(folder: Path, script: str) -> None:
    path = folder / "pulumi"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def test_the_pulumi_cli_is_asked_for_the_stacks_outputs_with_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "doc.json").write_text(json.dumps(DOCUMENT))
    fake_pulumi(tmp_path, f'echo "$@" > {tmp_path}/args\ncat {tmp_path}/doc.json\n')
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    loaded = outputs.load(stack="dev")
    assert (tmp_path / "args").read_text().split() == ["stack", "output", "--json", "--show-secrets", "--stack", "dev"]
    assert loaded.channel_id("main") == "1234567" and loaded.region == "ap-northeast-2"
    assert loaded.alarm_names == {"ap-northeast-2": ("a1",), "us-east-1": ("c1",)}


def test_a_failing_pulumi_cli_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_pulumi(tmp_path, 'echo "error: no stack named dev found" >&2\nexit 255\n')
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(OpsError, match="no stack named dev found"):
        outputs.load(stack="dev")


def test_outputs_file_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(OpsError, match="cannot read --outputs"):
        outputs.load(outputs_file=tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(OpsError, match="is not JSON"):
        outputs.load(outputs_file=tmp_path / "bad.json")
    (tmp_path / "other.json").write_text(json.dumps({"bucket": "x"}))
    with pytest.raises(OpsError, match="no channelIds export"):
        outputs.load(outputs_file=tmp_path / "other.json")


def test_secrets_are_the_rtmp_urls_and_keys_not_a_plain_srt_url() -> None:
    parsed = outputs.parse(DOCUMENT)
    assert set(parsed.secrets) == {"rtmp://203.0.113.1:1935/main/abcdef-primary", "abcdef-primary"}


def test_outputs_read_without_show_secrets_are_refused_for_ingest() -> None:
    parsed = outputs.parse({**DOCUMENT, "ingestUrls": "[secret]"})
    with pytest.raises(OpsError, match="no ingest URL") as refused:
        parsed.ingest("main")
    assert "--show-secrets" in str(refused.value.hint)


@pytest.mark.parametrize("absent", ["boto3", "qrcode", "PIL"])
def test_ops_commands_without_the_extra_name_the_install_command(absent: str) -> None:
    result = main_without(absent, ["status", "--outputs", "x.json"])
    assert result.returncode == 2
    assert f"missing: {absent}" in result.stderr and "pip install 'livestream[ops]'" in result.stderr
    assert "Traceback" not in result.stderr
