"""`livestream go-live`: what a broadcaster needs once the channel runs, and a Larix Broadcaster QR code.

Larix Grove format (Softvelum, https://softvelum.com/larix/grove/): a `larix://set/v1?` link whose
query holds one connection per `conn[][...]` group: `url` (the ingest URL, URL-encoded), `name`,
`overwrite=on` (replace a connection of the same name), `mode` (`va` video+audio), and for SRT
`srtmode` (`c` caller), `srtlatency` (ms), `srtpass` (passphrase), `srtpbkl` (key length in bytes)
and `srtstreamid`. Scanning the QR code of that link in Larix adds the connections.

Secrets: the stream key (the last path segment of an RTMP ingest URL) and the SRT passphrase are
printed, and the QR code shown in the terminal, only with `--show-secrets`; otherwise the QR code
(which contains them) goes only to `--qr FILE.png`, written with owner-only permissions.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from livestream.ops import OpsError
from livestream.ops.aws import Aws, translated
from livestream.ops.outputs import StackOutputs

LARIX_PREFIX = "larix://set/v1?"
SRT_LATENCY_MS = 2000  # MediaLive SRT listener inputs: a generous latency rides out mobile networks
SRT_KEY_BYTES = 32  # the platform's SRT inputs use AES-256 (livestream/components/encoder.py)
HIDDEN = "[hidden: pass --show-secrets]"
PIPELINE_NAMES = ("primary", "backup")  # pipeline 0 and 1 of a STANDARD channel


@dataclass(frozen=True)
class Ingest:
    """One pipeline's ingest, as a broadcaster's app wants it."""

    pipeline: int
    url: str
    protocol: str  # "rtmp" | "srt"
    server: str | None = None  # OBS "Server": the RTMP URL without its last segment
    stream_key: str | None = None  # OBS "Stream Key": the last segment
    passphrase: str | None = None  # SRT

    def as_dict(self, show_secrets: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"pipeline": self.pipeline, "protocol": self.protocol}
        if self.protocol == "rtmp":
            out |= {"server": self.server, "streamKey": self.stream_key if show_secrets else HIDDEN}
        else:
            out |= {"url": self.url, "passphrase": self.passphrase if show_secrets else HIDDEN}
        if show_secrets:
            out["url"] = self.url
        return out


def split_rtmp(url: str) -> tuple[str, str]:
    """rtmp://host:1935/app/key -> ("rtmp://host:1935/app", "key"), as OBS asks for them."""
    parts = urlsplit(url)
    app, _, key = parts.path.rpartition("/")
    if not key or not app:
        raise OpsError(f"the ingest URL {parts.scheme}://{parts.netloc}/... has no stream name to split into server and key")
    return urlunsplit((parts.scheme, parts.netloc, app, "", "")), key


def srt_passphrase(aws: Aws, secret_arn: str) -> str:
    """The SRT passphrase from Secrets Manager (the platform never puts it in an output)."""
    with translated("read the SRT passphrase", aws.region):
        return str(aws.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"])


def ingests(aws: Aws | None, outputs: StackOutputs, channel: str, *, with_passphrase: bool) -> list[Ingest]:
    found = []
    for pipeline, url in enumerate(outputs.ingest(channel)):
        scheme = urlsplit(url).scheme.lower()
        if scheme.startswith("rtmp"):
            server, key = split_rtmp(url)
            found.append(Ingest(pipeline, url, "rtmp", server=server, stream_key=key))
        elif scheme == "srt":
            arn = outputs.srt_passphrase_arns.get(channel)
            passphrase = srt_passphrase(aws, arn) if with_passphrase and arn and aws is not None else None
            found.append(Ingest(pipeline, url, "srt", passphrase=passphrase))
        else:
            raise OpsError(f"channel {channel}: ingest scheme {scheme!r} is neither rtmp nor srt")
    return found


def connection_name(channel: str, ingest: Ingest, pipelines: int) -> str:
    return f"livestream {channel}" if pipelines == 1 else f"livestream {channel} {PIPELINE_NAMES[ingest.pipeline]}"


def larix_url(channel: str, found: list[Ingest]) -> str:
    """The Larix Grove link that adds one connection per pipeline (Larix streams to all at once)."""
    params: list[tuple[str, str]] = []
    for ingest in found:
        params += [
            ("conn[][url]", ingest.url),
            ("conn[][name]", connection_name(channel, ingest, len(found))),
            ("conn[][overwrite]", "on"),
            ("conn[][mode]", "va"),
        ]
        if ingest.protocol == "srt":
            params += [("conn[][srtmode]", "c"), ("conn[][srtlatency]", str(SRT_LATENCY_MS))]
            if ingest.passphrase:
                params += [("conn[][srtpass]", ingest.passphrase), ("conn[][srtpbkl]", str(SRT_KEY_BYTES))]
    # Brackets stay literal as in Softvelum's examples; values are fully percent-encoded.
    return LARIX_PREFIX + "&".join(f"{name}={quote(value, safe='')}" for name, value in params)


@dataclass
class QrCode:
    data: str
    matrix: list[list[bool]] = field(default_factory=list)

    @classmethod
    def of(cls, data: str) -> QrCode:
        import qrcode  # the `ops` extra

        code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
        code.add_data(data)
        code.make(fit=True)
        return cls(data, [list(row) for row in code.get_matrix()])

    def terminal(self) -> str:
        """Two modules per character cell (half blocks). Light modules are drawn in the terminal's
        foreground colour and dark ones left as background: dark on light on a dark-background
        terminal, which is what a phone's scanner needs. Use --qr FILE.png on a light one."""
        rows = self.matrix + ([[False] * len(self.matrix[0])] if len(self.matrix) % 2 else [])
        glyph = {(False, False): "\u2588", (True, False): "\u2584", (False, True): "\u2580", (True, True): " "}
        out = io.StringIO()
        for top, bottom in zip(rows[::2], rows[1::2], strict=True):
            out.write("".join(glyph[(a, b)] for a, b in zip(top, bottom, strict=True)) + "\n")
        return out.getvalue()

    def save_png(self, path: Path) -> None:
        import qrcode

        image = qrcode.make(self.data, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # it holds the stream key
        with os.fdopen(descriptor, "wb") as handle:
            image.save(handle, format="PNG")


def broadcast_sheet(outputs: StackOutputs, channel: str, found: list[Ingest], *, show_secrets: bool) -> dict[str, Any]:
    """What the broadcaster needs, JSON-ready; secrets replaced unless asked for."""
    playback = outputs.playback_urls.get(channel, {})
    return {
        "channel": channel,
        "ingest": [i.as_dict(show_secrets) for i in found],
        "larixUrl": larix_url(channel, found) if show_secrets else HIDDEN,
        "playerUrl": player_url(outputs, channel),
        "playback": dict(playback),
    }


def player_url(outputs: StackOutputs, channel: str) -> str | None:
    """The player page for this channel when the stack has one, else the HLS URL."""
    if outputs.player_url:
        return f"{outputs.player_url}{'&' if '?' in outputs.player_url else '?'}channel={quote(channel)}"
    return outputs.playback_urls.get(channel, {}).get("hls")


def render(sheet: dict[str, Any], *, qr_text: str | None, qr_file: str | None) -> str:
    lines = [f"Channel {sheet['channel']} is live. Broadcaster settings:"]
    for ingest in sheet["ingest"]:
        label = f"pipeline {ingest['pipeline']}" + (" (push both pipelines)" if len(sheet["ingest"]) > 1 else "")
        if ingest["protocol"] == "rtmp":
            lines += [f"  OBS, {label}:", f"    Server:     {ingest['server']}", f"    Stream key: {ingest['streamKey']}"]
        else:
            lines += [f"  SRT, {label}:", f"    URL:        {ingest['url']}", f"    Passphrase: {ingest['passphrase']}"]
    if qr_text:
        lines += ["  Larix Broadcaster: scan this QR code (Larix Grove link):", qr_text.rstrip("\n")]
    if qr_file:
        lines.append(f"  Larix QR code written to {qr_file} (it contains the stream key: keep it private)")
    if not qr_text and not qr_file:
        lines.append("  Larix QR code: pass --qr FILE.png, or --show-secrets to print it here")
    elif not qr_text:
        lines.append("  (the QR code is not printed here without --show-secrets: it contains the stream key)")
    lines.append(f"  Player: {sheet['playerUrl'] or 'no player URL in the outputs'}")
    return "\n".join(lines)
