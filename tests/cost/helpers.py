"""Shared by the cost model's tests: small usages, the packaged us-east-1 table, override files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from livestream import cost
from livestream.model import ladder

PRICES = cost.load_prices("us-east-1")
HOURS_PER_GB_AT_1500 = cost.GB * 8 / (1500 * 1000 * 3600)  # viewer-hours that pull one GB at 1500 kbps


def rungs(preset: str) -> tuple[tuple[int, int, int], ...]:
    return tuple((r.width, r.height, r.video_bitrate_bps) for r in ladder.PRESETS[preset])


def channel(
    hours: float = 120.0, *, pipeline: str = "SINGLE_PIPELINE", resolution: str = "SD", preset: str = "sd"
) -> cost.ChannelUsage:
    return cost.ChannelUsage("main", pipeline, resolution, rungs(preset), hours)


def usage(*channels: cost.ChannelUsage, **fields: Any) -> cost.Usage:
    return cost.Usage(region=fields.pop("region", "us-east-1"), channels=channels or (channel(),), **fields)


def viewer_hours(gb: float) -> float:
    return gb * HOURS_PER_GB_AT_1500


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "prices-override.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def v(path: str, prices: cost.PriceTable = PRICES) -> float:
    return prices.value(path)
