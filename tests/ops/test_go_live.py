"""`livestream go-live`: OBS fields, SRT settings, a Larix Grove QR code decoded and compared with the ingest."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from PIL import Image

from livestream.cli import main
from livestream.ops import golive
from tests.ops.conftest import STREAM_KEY, Deployed, client, create_channel

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp decodes the QR codes (pip install zxing-cpp)")

PASSPHRASE = "Srt-passphrase-0123456789abcdef"


def decode(image: Image.Image) -> str:
    (found,) = zxingcpp.read_barcodes(image)
    return str(found.text)


def larix_connections(link: str) -> list[dict[str, str]]:
    """Larix Grove: `conn[][field]=value` pairs; a new connection starts at each `conn[][url]`."""
    assert link.startswith("larix://set/v1?")
    connections: list[dict[str, str]] = []
    for key, value in parse_qsl(link.split("?", 1)[1], keep_blank_values=True):
        assert key.startswith("conn[][") and key.endswith("]"), key
        field = key[len("conn[][") : -1]
        if field == "url":
            connections.append({})
        connections[-1][field] = value
    return connections


def terminal_image(text: str) -> Image.Image:
    """The terminal QR code (half blocks, dark on light) back into pixels, with a quiet zone."""
    rows = [line for line in text.splitlines() if line and set(line) <= {"\u2588", "\u2580", "\u2584", " "}]
    top = {"\u2588": 0, "\u2580": 0, "\u2584": 1, " ": 1}  # 1 = dark module
    bottom = {"\u2588": 0, "\u2580": 1, "\u2584": 0, " ": 1}
    matrix = [r for line in rows for r in ([top[c] for c in line], [bottom[c] for c in line])]
    scale, pad = 6, 24
    image = Image.new("L", (len(matrix[0]) * scale + 2 * pad, len(matrix) * scale + 2 * pad), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                image.paste(0, (pad + x * scale, pad + y * scale, pad + (x + 1) * scale, pad + (y + 1) * scale))
    return image


def test_go_live_starts_and_writes_a_larix_qr_code_of_the_ingest(deployed: Deployed, capsys: Any, tmp_path: Path) -> None:
    qr = tmp_path / "larix.png"
    code = main(["go-live", "main", "--outputs", str(deployed.outputs_path), "--qr", str(qr)])
    out = capsys.readouterr().out
    assert code == 0
    assert client("medialive").describe_channel(ChannelId=deployed.channel_id)["State"] == "RUNNING"
    (connection,) = larix_connections(decode(Image.open(qr)))
    assert connection["url"] == deployed.outputs["ingestUrls"]["main"][0]
    assert connection["name"] == "livestream main" and connection["mode"] == "va" and connection["overwrite"] == "on"
    assert stat.S_IMODE(qr.stat().st_mode) == 0o600
    # Without --show-secrets: the server, never the key; the QR code only in the file.
    assert "Server:     rtmp://127.0.0.1:1935/main" in out
    assert STREAM_KEY not in out and "[hidden: pass --show-secrets]" in out
    assert "\u2588" not in out and f"written to {qr}" in out
    assert f"Player: {deployed.outputs['playerUrl']}?channel=main" in out


def test_show_secrets_prints_the_key_and_a_scannable_terminal_qr_code(deployed: Deployed, capsys: Any) -> None:
    code = main(["go-live", "main", "--outputs", str(deployed.outputs_path), "--show-secrets"])
    out = capsys.readouterr().out
    assert code == 0
    assert f"Stream key: {STREAM_KEY}-primary" in out
    (connection,) = larix_connections(decode(terminal_image(out)))
    server, key = golive.split_rtmp(connection["url"])
    assert (server, key) == ("rtmp://127.0.0.1:1935/main", f"{STREAM_KEY}-primary")


def test_json_hides_secrets_unless_asked(deployed: Deployed, capsys: Any) -> None:
    assert main(["go-live", "main", "--outputs", str(deployed.outputs_path), "--json"]) == 0
    raw = capsys.readouterr().out
    sheet = json.loads(raw)
    assert STREAM_KEY not in raw
    assert sheet["ingest"][0]["server"] == "rtmp://127.0.0.1:1935/main"
    assert sheet["larixUrl"] == golive.HIDDEN and sheet["state"] == "RUNNING"


@pytest.fixture
def srt_channel(deployed: Deployed) -> str:
    channel = create_channel("stage")
    secret = client("secretsmanager").create_secret(Name="stage-srt-passphrase", SecretString=PASSPHRASE)
    deployed.outputs["channelIds"]["stage"] = channel["Id"]
    deployed.outputs["ingestUrls"]["stage"] = ["srt://203.0.113.10:5000", "srt://203.0.113.11:5000"]
    deployed.write(srtPassphraseArns={"stage": secret["ARN"]})
    return "stage"


def test_srt_channel_gets_url_passphrase_and_both_pipelines_in_the_qr_code(
    deployed: Deployed, srt_channel: str, capsys: Any, tmp_path: Path
) -> None:
    qr = tmp_path / "stage.png"
    assert main(["go-live", srt_channel, "--outputs", str(deployed.outputs_path), "--qr", str(qr)]) == 0
    out = capsys.readouterr().out
    assert "URL:        srt://203.0.113.10:5000" in out and PASSPHRASE not in out
    connections = larix_connections(decode(Image.open(qr)))
    assert [c["url"] for c in connections] == deployed.outputs["ingestUrls"]["stage"]
    assert [c["name"] for c in connections] == ["livestream stage primary", "livestream stage backup"]
    for connection in connections:
        assert connection["srtpass"] == PASSPHRASE and connection["srtpbkl"] == "32" and connection["srtmode"] == "c"
    assert main(["go-live", srt_channel, "--outputs", str(deployed.outputs_path), "--show-secrets"]) == 0
    assert f"Passphrase: {PASSPHRASE}" in capsys.readouterr().out


def test_outputs_without_the_secret_ingest_urls_are_refused_before_starting(deployed: Deployed, capsys: Any) -> None:
    deployed.write(ingestUrls="[secret]")
    assert main(["go-live", "main", "--outputs", str(deployed.outputs_path)]) == 2
    assert "--show-secrets" in capsys.readouterr().err
    assert client("medialive").describe_channel(ChannelId=deployed.channel_id)["State"] == "IDLE"
