"""The stack outputs the ops commands read: names are the program's exports in `__main__.py`.

Source, in order: `--outputs FILE` (the JSON `pulumi stack output --json --show-secrets` prints),
else that command itself when the `pulumi` CLI is on PATH. Secret values (ingest URLs with their
stream keys) are kept here and never printed unless the user asks (`--show-secrets`).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livestream.ops import OpsError

PULUMI_TIMEOUT_SECONDS = 120  # a remote backend can be slow; longer means something is wrong
SECRET_PLACEHOLDER = "[secret]"  # what pulumi prints for a secret without --show-secrets


@dataclass(frozen=True)
class StackOutputs:
    """Typed view of the exports; optional ones are empty when an older stack does not export them."""

    channel_ids: Mapping[str, str]
    ingest_urls: Mapping[str, tuple[str, ...]]
    playback_urls: Mapping[str, Mapping[str, str]]
    region: str | None = None
    distribution_id: str | None = None
    distribution_domain: str | None = None
    origin_urls: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    srt_passphrase_arns: Mapping[str, str] = field(default_factory=dict)
    alarm_names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    budget_name: str | None = None
    schedule_group_name: str | None = None
    schedule_timezone: str | None = None
    archive_bucket: str | None = None
    player_url: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def channel_id(self, channel: str) -> str:
        """The MediaLive channel id of a channel name, or an error that lists the known ones."""
        try:
            return self.channel_ids[channel]
        except KeyError:
            known = ", ".join(sorted(self.channel_ids)) or "none"
            raise OpsError(f"unknown channel {channel!r}; this stack's channels are: {known}") from None

    def ingest(self, channel: str) -> tuple[str, ...]:
        self.channel_id(channel)
        urls = self.ingest_urls.get(channel, ())
        if not urls or any(u == SECRET_PLACEHOLDER for u in urls):
            raise OpsError(
                f"the outputs hold no ingest URL for channel {channel!r}",
                hint="read them with `pulumi stack output --json --show-secrets` (the ingestUrls export is a secret)",
            )
        return urls

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value that must not appear in output without --show-secrets: RTMP URLs and their keys."""
        found: list[str] = []
        for urls in self.ingest_urls.values():
            for url in urls:
                parts = urlsplit(url)
                if parts.scheme.startswith("rtmp"):  # the stream key is the URL's last segment
                    found += [url, parts.path.rsplit("/", 1)[-1]]
                elif parts.query:  # an SRT URL is public unless it carries a passphrase or stream id
                    found.append(url)
        return tuple(sorted(set(found), key=len, reverse=True))


def _strings(value: Any, name: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or not all(isinstance(v, str) for v in value.values()):
        raise OpsError(f"output {name!r} should map names to strings, got {type(value).__name__}")
    return dict(value)


def _nested(value: Any, name: str) -> dict[str, dict[str, str]]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise OpsError(f"output {name!r} should be an object, got {type(value).__name__}")
    return {key: _strings(inner, f"{name}.{key}") for key, inner in value.items()}


def _lists(value: Any, name: str) -> dict[str, tuple[str, ...]]:
    if value is None or value == SECRET_PLACEHOLDER:
        return {}
    if not isinstance(value, Mapping):
        raise OpsError(f"output {name!r} should be an object, got {type(value).__name__}")
    out: dict[str, tuple[str, ...]] = {}
    for key, items in value.items():
        items = [items] if isinstance(items, str) else items
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise OpsError(f"output {name}.{key} should be a list of strings")
        out[key] = tuple(items)
    return out


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def parse(document: Mapping[str, Any]) -> StackOutputs:
    """StackOutputs from the exports' JSON object; a missing `channelIds` means this is not our stack."""
    if not isinstance(document, Mapping) or "channelIds" not in document:
        raise OpsError(
            "the stack outputs have no channelIds export: is this a livestream stack?",
            hint="run the command in the Pulumi project directory, or pass --outputs FILE / --stack NAME",
        )
    return StackOutputs(
        channel_ids=_strings(document["channelIds"], "channelIds"),
        ingest_urls=_lists(document.get("ingestUrls"), "ingestUrls"),
        playback_urls=_nested(document.get("playbackUrls"), "playbackUrls"),
        region=_text(document.get("region")),
        distribution_id=_text(document.get("distributionId")),
        distribution_domain=_text(document.get("distributionDomain")),
        origin_urls=_nested(document.get("originUrls"), "originUrls"),
        srt_passphrase_arns=_strings(document.get("srtPassphraseArns"), "srtPassphraseArns"),
        alarm_names=_lists(document.get("alarmNames"), "alarmNames"),
        budget_name=_text(document.get("budgetName")),
        schedule_group_name=_text(document.get("scheduleGroupName")),
        schedule_timezone=_text(document.get("scheduleTimezone")),
        archive_bucket=_text(document.get("archiveBucket")),
        player_url=_text(document.get("playerUrl")),
        raw=dict(document),
    )


def _read_file(path: Path) -> Any:
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise OpsError(f"cannot read --outputs {path}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise OpsError(f"--outputs {path} is not JSON: {error}") from None


def _from_pulumi(stack: str | None, cwd: Path | None) -> Any:
    command = ["pulumi", "stack", "output", "--json", "--show-secrets", *(["--stack", stack] if stack else [])]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PULUMI_TIMEOUT_SECONDS, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise OpsError(f"`{' '.join(command)}` did not answer within {PULUMI_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        raise OpsError(f"`{' '.join(command)}` failed: {done.stderr.strip() or done.stdout.strip()}")
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError as error:
        raise OpsError(f"`{' '.join(command)}` did not print JSON: {error}") from None


def load(*, outputs_file: str | Path | None = None, stack: str | None = None, cwd: Path | None = None) -> StackOutputs:
    """The outputs from `--outputs FILE`, else from the Pulumi CLI; a clear error when neither exists."""
    if outputs_file is not None:
        return parse(_read_file(Path(outputs_file)))
    if shutil.which("pulumi", path=os.environ.get("PATH")) is None:
        raise OpsError(
            "no stack outputs: the pulumi CLI is not installed here and no --outputs FILE was given",
            hint="on a machine with the CLI: `pulumi stack output --json --show-secrets > outputs.json`, "
            "then pass --outputs outputs.json (keep the file private: it holds the stream keys)",
        )
    return parse(_from_pulumi(stack, cwd))
