"""Reading a harvested HLS recording: which playlist is the top one, how long it plays.

Pure (standard library only) and shipped next to `recordings_indexer.py` in the same Lambda
archive; `read` is how the caller fetches a playlist's text by key (S3 there, a dict in tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

EXTINF = re.compile(r"^#EXTINF:([0-9.]+)", re.MULTILINE)


def multivariant(prefix: str, keys: Iterable[str], manifest: str, read: Callable[[str], str]) -> str | None:
    """The key of the recording's top playlist: `<manifest>.m3u8` under the prefix when the harvester wrote
    it there, else the shallowest playlist that lists variants (no AWS page fixes the harvested layout)."""
    keys = set(keys)
    playlists = sorted((k for k in keys if k.endswith(".m3u8")), key=lambda k: (k.count("/"), k))
    preferred = f"{prefix}{manifest}.m3u8"
    if preferred in keys:
        return preferred
    return next((k for k in playlists if "#EXT-X-STREAM-INF" in read(k)), playlists[0] if playlists else None)


def duration(manifest: str, read: Callable[[str], str]) -> float:
    """Seconds of media: the EXTINF sum of the first variant (or of the playlist itself if it has none)."""
    text = read(manifest)
    variants = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    if "#EXT-X-STREAM-INF" in text and variants:
        base = manifest.rsplit("/", 1)[0] + "/"
        text = read(resolve(base, variants[0]))
    return sum(float(seconds) for seconds in EXTINF.findall(text))


def resolve(base: str, uri: str) -> str:
    """A playlist URI relative to its parent's folder, as an S3 key (`../` allowed, no scheme)."""
    parts = (base + uri.split("?", 1)[0]).split("/")
    resolved: list[str] = []
    for part in parts:
        if part == "..":
            resolved = resolved[:-1]
        elif part not in (".", ""):
            resolved.append(part)
    return "/".join(resolved)
