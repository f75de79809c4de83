"""`livestream player --out DIR [--channels FILE]`: the player site as a folder, to preview the page locally.

The folder holds exactly what the `PlayerSite` component uploads (`livestream.player.site`), with
the given channels.json, or an example one that plays public test streams.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from livestream.cli import EXIT_ERROR, EXIT_OK
from livestream.player import site


def register(commands: Any) -> None:
    player = commands.add_parser(
        "player",
        help="write the player page (index.html, assets, channels.json) to a folder for a local preview",
        description=(
            "Write the player site the platform deploys to DIR: index.html, its assets and channels.json "
            "(FILE, or an example playing public test streams). Serve DIR over HTTP and open it, e.g. "
            "`python3 -m http.server -d DIR 8000`, then http://localhost:8000/?channel=<name>."
        ),
    )
    player.add_argument("--out", metavar="DIR", required=True, help="folder to write (created if missing)")
    player.add_argument(
        "--channels",
        metavar="FILE",
        help=(
            'channels.json: {"<channel>": {"hls": URL, "dash": URL, "llHls": URL?}}, or the JSON of '
            "`pulumi stack output --json` (its playbackUrls are used); default: an example"
        ),
    )
    player.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        channels = _channels(args.channels)
        written = site.write_folder(Path(args.out), channels)
    except (OSError, ValueError) as error:
        print(f"livestream player: {error}", file=sys.stderr)
        return EXIT_ERROR
    out = Path(args.out)
    print(f"wrote {len(written)} files to {out}/ ({', '.join(sorted(channels))})")
    print(f"preview: python3 -m http.server -d {out} 8000  ->  http://localhost:8000/")
    return EXIT_OK


def _channels(path: str | None) -> dict[str, dict[str, str]]:
    if path is None:
        return site.EXAMPLE_CHANNELS
    try:
        data = json.loads(Path(path).read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not JSON: {error}") from None
    try:
        return site.read_channels(data)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None
