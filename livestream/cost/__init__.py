"""Monthly cost estimate of a live-streaming platform, itemised, every figure with its source.

Pure module: the standard library, the ladder and the settings types only (no Pulumi), so the
CLI's `plan`, the policy pack's monthly-cost limit and the bench scripts can all use it.

Usage comes from validated settings (`usage_from_settings`) or from any program's resources in
wire format (`usage_from_wire`: what `livestream plan` captured, or what a policy pack sees).

Prices are data: `livestream/cost/prices.json` holds us-east-1 figures (`base`), per-region uplift
factors and explicit figures (`regions`), and the modelling assumptions (`assumptions`). Each
figure has a value, unit, source, date and, where nothing could be sourced, `"estimate": true`.
A user file overrides any figure or assumption (`load_prices(region, override_path)`).

Conventions: GB = 2**30 bytes (as AWS bills); a month = 730 hours (AWS's convention) = 30.42 days.

The model, item by item (all per month):

- MediaLive channels: per channel, hours x pipeline factor x (input price of the channel's input
  class + sum over renditions of the output price of the rendition's class). Output classes
  follow the AWS guide: SD up to 960x540, HD up to 1920x1080, UHD above. A STANDARD channel
  has factor 2 (two pipelines billed as two single-pipeline channels: an upper bound, AWS
  says STANDARD costs less). The archive output re-uses the top rendition's encode, and
  MediaLive bills "each individual encode", so it adds no output charge (assumption).
- MediaLive idle: the rest of the month (730 h - running hours) each channel is stopped and
  its push input idle; both have an idle charge whose amount is an estimate.
- MediaPackage ingest: the ladder's total bitrate (video + 128 kbps audio per rendition) x
  hours x pipelines (each pipeline pushes its own copy; the AWS guide counts ingest twice for
  a redundant channel).
- MediaPackage origination: what CloudFront fetches from the origin = viewer GB x
  (1 - cacheHitRatio); cacheHitRatio is an assumption in the table (default 0.8).
- CloudFront: viewer GB = viewer-hours x watched kbps; the 1 TB always-free tier comes off the
  cheapest end first (AWS applies it to the first GB), then tiered per-GB prices of the
  viewers' price group. HTTPS requests are not priced (10 M/month are free: about 5,500
  viewer-hours at 4 s segments, playlist + segment per segment).
- S3 archive: each channel records its top rendition for every running hour, per pipeline.
  Steady state under the lifecycle: each month's recording sits `glacier_after_days` in
  Standard, then in Glacier Flexible Retrieval until expiry (at least the 90-day minimum is
  billed); stock in a class = monthly GB x days in the class / 30.42. With no expiry the bill
  of month `archiveHorizonMonths` (12) is shown. Request and transition charges are left out
  (cents for 300 s rollover files).
- Recordings (when `livestream:recordings` is enabled): every running hour of every rung is harvested
  once (a STANDARD channel's two pipelines make one recording), priced per GB at
  `mediapackage.harvestPerGb` (no harvest price was found: the origination rate, an estimate); stored
  like the archive but cold in Glacier Instant Retrieval (still playable; 90-day minimum); one PUT
  per track per segment plus playlists, and one lifecycle transition per object when it goes cold.
  An upper bound: the harvest starts at the first video, not at the channel start.
- CloudWatch alarms and dashboards, AWS Budgets (first two free, then per budget-day), Secrets
  Manager (per secret-month), EventBridge Scheduler (per invocation above the free tier),
  Lambda arm64 (requests + GB-seconds above the free tier, memory and duration assumed), SNS
  e-mail notifications (count assumed). Free tiers apply unless `applyFreeTiers` is 0.

Channel-hours (`channel_hours`), with S = scheduled hours (`livestream.cron.monthly_channel_hours`
of the start/stop crons, else 730) and H = `usage.streamed_hours_per_month`:

- H not given: S (no schedule: the channel runs 24/7).
- idle auto-stop set and H given: min(S, H + N x (idle_stop_minutes + 5 / 2) / 60), where
  N = broadcasts per month (the start schedule's fires per month averaged over 2026, e.g. 30.4
  for a daily start; 30 for channels started by hand) and 5 min is the idle check's rate, so
  the stop fires on average idle_stop_minutes + 2.5 min after the last frame. It assumes the
  broadcast begins when the channel starts, and every scheduled start costs at least the idle
  window even when nobody streams.
- no idle auto-stop, fixed start and stop, H given: S. The channel runs the whole window
  whatever is streamed, so streamed hours do not lower the bill (a deviation from "H when
  given": with the window fixed, H would under-estimate).
- no idle auto-stop, no fixed window, H given: H (channels started and stopped by hand).
"""

from __future__ import annotations

import json
import math
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from livestream.model import ladder as ladders
from livestream.model.settings import ChannelSettings, ScheduleSettings, Settings, UsageSettings

HOURS_PER_MONTH = 730.0
DAYS_PER_MONTH = HOURS_PER_MONTH / 24
GB = 2**30
MAX_HOURS_PER_MONTH = 744.0

# Usage-shape assumptions that `channel_hours` and `usage_from_settings` need before any price
# table is loaded. They mirror livestream/scheduler.py (rate(5 minutes) idle check, daily notice).
BROADCASTS_PER_MONTH = 30  # channels started by hand: one broadcast a day (scheduled ones are counted)
SCHEDULE_YEAR = 2026  # the year whose calendar months schedules are averaged over
IDLE_CHECK_INTERVAL_MINUTES = 5
PUSH_INPUTS_PER_CHANNEL = 1  # RTMP push or SRT listener: both are push inputs
RECORDING_SWEEP_HOURS = 1  # livestream/components/recordings.py SWEEP: rate(1 hour)
HARVEST_NOTICES_PER_BROADCAST = 2  # assumption: a harvest job reports its start and its end

PIPELINES = ("SINGLE_PIPELINE", "STANDARD")
RESOLUTIONS = ladders.INPUT_RESOLUTIONS  # MediaLive's price classes, of inputs and of outputs alike
VIEWER_REGION_ALIASES = {"us": "us_europe", "europe": "us_europe", "us-europe": "us_europe", "eu": "us_europe"}
# The CloudFront price group whose edges most likely serve viewers of a platform in this region.
REGION_VIEWERS = {"ap-northeast-2": "korea", "ap-northeast-1": "japan", "ap-northeast-3": "japan", "ap-south-1": "india"}

FIGURE_FIELDS = ("value", "unit", "source", "date", "estimate", "note", "upToGb")
_REQUIRED_FIELDS = ("value", "unit", "source", "date")


# --- usage ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelUsage:
    name: str
    pipeline: str  # "SINGLE_PIPELINE" | "STANDARD"
    input_resolution: str  # "SD" | "HD" | "UHD"
    renditions: tuple[tuple[int, int, int], ...]  # (width, height, video_bitrate_bps)
    hours_per_month: float

    @property
    def pipelines(self) -> int:
        return 2 if self.pipeline == "STANDARD" else 1

    @property
    def total_bitrate_bps(self) -> int:
        """Video plus the ladder's per-rendition audio, as MediaLive pushes it to the packager."""
        return sum(bps + ladders.AUDIO_BITRATE_BPS for _, _, bps in self.renditions)

    @property
    def top_bitrate_bps(self) -> int:
        """The archived rendition (the ladder's top rung) with its audio."""
        _, _, bps = max(self.renditions, key=lambda r: (r[1], r[2]))
        return bps + ladders.AUDIO_BITRATE_BPS

    @classmethod
    def from_channel(cls, channel: ChannelSettings, hours_per_month: float) -> ChannelUsage:
        return cls(
            name=channel.name,
            pipeline=channel.pipeline,
            input_resolution=channel.input_resolution,
            renditions=tuple((r.width, r.height, r.video_bitrate_bps) for r in channel.ladder),
            hours_per_month=hours_per_month,
        )


@dataclass(frozen=True)
class RecordingUsage:
    """Broadcast recordings (MediaPackage v2 harvests into S3): how much is written and how long it is kept."""

    gb_per_month: float  # every rung of every broadcast, one copy whatever the pipelines
    objects_per_month: float  # media segments (one per track per segment) and playlists the harvester writes
    expire_after_days: int | None = 365
    glacier_after_days: int | None = 30  # to Glacier Instant Retrieval (still playable)


@dataclass(frozen=True)
class Usage:
    region: str
    channels: tuple[ChannelUsage, ...]
    viewer_hours_per_month: float = 0.0
    watched_kbps: float = 1500.0  # average bitrate a viewer pulls
    viewer_region: str = "korea"  # which CloudFront price group the viewers are in
    archive_retention_days: int | None = 365
    glacier_after_days: int | None = 30
    alarms: int = 0
    dashboards: int = 0
    budgets: int = 0
    secrets: int = 0
    kms_keys: int = 0
    scheduler_invocations_per_month: int = 0
    lambda_invocations_per_month: int = 0
    recordings: RecordingUsage | None = None

    @property
    def viewer_gb(self) -> float:
        return self.viewer_hours_per_month * 3600 * self.watched_kbps * 1000 / 8 / GB


# --- estimate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CostItem:
    name: str
    monthly_usd: float
    detail: str
    source: str
    figures: tuple[str, ...] = field(default=(), compare=False)  # price-table paths the item used


@dataclass(frozen=True)
class Estimate:
    items: tuple[CostItem, ...]
    assumptions: Mapping[str, Any] = field(default_factory=dict)

    @property
    def monthly_usd(self) -> float:
        return round(sum(item.monthly_usd for item in self.items), 2)

    def item(self, name: str) -> CostItem:
        for item in self.items:
            if item.name == name:
                return item
        raise KeyError(f"no cost item {name!r}; items are " + ", ".join(i.name for i in self.items))

    def as_dict(self) -> dict[str, Any]:
        return {
            "monthlyUsd": self.monthly_usd,
            "items": [
                {"name": i.name, "monthlyUsd": round(i.monthly_usd, 2), "detail": i.detail, "source": i.source}
                for i in self.items
            ],
            "assumptions": dict(self.assumptions),
        }


# --- price table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    value: float
    unit: str
    source: str
    date: str
    estimate: bool = False
    note: str = ""
    up_to_gb: float | None = None

    @classmethod
    def from_dict(cls, path: str, raw: Mapping[str, Any]) -> Figure:
        for key in raw:
            if key not in FIGURE_FIELDS:
                raise ValueError(f"{path}.{key}: unknown figure field; allowed fields are " + ", ".join(FIGURE_FIELDS))
        missing = [key for key in _REQUIRED_FIELDS if key not in raw]
        if missing:
            raise ValueError(f"{path}: figure lacks " + ", ".join(missing))
        return cls(
            value=_number(f"{path}.value", raw["value"]),
            unit=str(raw["unit"]),
            source=str(raw["source"]),
            date=str(raw["date"]),
            estimate=bool(raw.get("estimate", False)),
            note=str(raw.get("note", "")),
            up_to_gb=None if raw.get("upToGb") is None else _number(f"{path}.upToGb", raw["upToGb"]),
        )

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"value": self.value, "unit": self.unit, "source": self.source, "date": self.date}
        if self.estimate:
            out["estimate"] = True
        if self.note:
            out["note"] = self.note
        if self.up_to_gb is not None:
            out["upToGb"] = self.up_to_gb
        return out


@dataclass(frozen=True)
class PriceTable:
    """Figures for one region, by dotted path (e.g. `medialive.outputPerHour.SD`)."""

    region: str
    pricing_region: str
    figures: Mapping[str, Figure]
    overridden: tuple[str, ...] = ()

    def figure(self, path: str) -> Figure:
        try:
            return self.figures[path]
        except KeyError:
            raise KeyError(f"no price figure {path!r}") from None

    def value(self, path: str) -> float:
        return self.figure(path).value

    def children(self, prefix: str) -> dict[str, Figure]:
        """The figures directly under `prefix`, in table order (e.g. CloudFront tiers)."""
        start = prefix + "."
        return {
            path[len(start) :]: fig
            for path, fig in self.figures.items()
            if path.startswith(start) and "." not in path[len(start) :]
        }

    @property
    def viewer_regions(self) -> tuple[str, ...]:
        return tuple(sorted({path.split(".")[2] for path in self.figures if path.startswith("cloudfront.perGb.")}))

    def as_dict(self) -> dict[str, Any]:
        tree: dict[str, Any] = {}
        for path, fig in self.figures.items():
            node = tree
            *parents, leaf = path.split(".")
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = fig.as_dict()
        return tree


def _number(key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{key}: {value!r} is not a price figure; expected a number of 0 or more")
    return float(value)


@lru_cache(maxsize=1)
def _packaged_text() -> str:
    return resources.files("livestream.cost").joinpath("prices.json").read_text(encoding="utf-8")


def _flatten(tree: Any, prefix: str, out: dict[str, dict[str, Any]]) -> None:
    if not isinstance(tree, Mapping):
        raise ValueError(f"{prefix}: expected an object of figures")
    for key, node in tree.items():
        if str(key).startswith("_"):
            continue
        path = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(node, Mapping) and "value" in node:
            out[path] = dict(node)
        else:
            _flatten(node, path, out)


def _resolve_region(data: Mapping[str, Any], region: str) -> tuple[str, dict[str, dict[str, Any]]]:
    base: dict[str, dict[str, Any]] = {}
    _flatten(data["base"], "", base)
    _flatten(data["assumptions"], "assumptions", base)
    regions: Mapping[str, Any] = data["regions"]
    base_region = str(data["baseRegion"])
    if region not in regions:
        for raw in base.values():
            if not raw["unit"].startswith("USD"):
                continue
            raw["source"] = f"{raw['source']} [{base_region} figure: {region} is not in the price table]"
            raw["estimate"] = True
        return base_region, base
    entry = regions[region]
    explicit: dict[str, dict[str, Any]] = {}
    _flatten(entry.get("figures", {}), "", explicit)
    for path in explicit:
        if path not in base:
            raise ValueError(f"regions.{region}.figures.{path}: no such figure in the base table")
    uplifts: dict[str, Figure] = {
        service: Figure.from_dict(f"regions.{region}.uplift.{service}", raw) for service, raw in entry.get("uplift", {}).items()
    }
    resolved: dict[str, dict[str, Any]] = {}
    for path, raw in base.items():
        service = path.split(".")[0]
        if path in explicit:
            resolved[path] = explicit[path]
        elif service in uplifts and raw["unit"].startswith("USD") and uplifts[service].value != 1.0:
            factor = uplifts[service]
            resolved[path] = {
                **raw,
                "value": raw["value"] * factor.value,
                "source": f"{raw['source']} x {factor.value:g} for {region} ({factor.source})",
                "estimate": bool(raw.get("estimate")) or factor.estimate,
            }
        elif service in uplifts and raw["unit"].startswith("USD") and uplifts[service].estimate:
            resolved[path] = {**raw, "source": f"{raw['source']} (same in {region}: {uplifts[service].source})", "estimate": True}
        else:
            resolved[path] = raw
    return region, resolved


def _apply_override(figures: dict[str, dict[str, Any]], override: Any, origin: str) -> list[str]:
    interior = {".".join(path.split(".")[:i]) for path in figures for i in range(1, path.count(".") + 1)}
    changed: list[str] = []

    def walk(node: Any, prefix: str) -> None:
        if not isinstance(node, Mapping):
            raise ValueError(f"{prefix or 'price override'}: expected an object in {origin}")
        for key, value in node.items():
            if str(key).startswith("_"):
                continue
            path = f"{prefix}.{key}" if prefix else str(key)
            if path in figures:
                figures[path] = merge(path, figures[path], value)
                changed.append(path)
            elif path in interior:
                walk(value, path)
            else:
                raise ValueError(f"unknown key {path!r} in price override {origin}; known keys here: " + ", ".join(known(prefix)))

    def known(prefix: str) -> list[str]:
        start = prefix + "." if prefix else ""
        return sorted({p[len(start) :].split(".")[0] for p in figures if p.startswith(start)})

    def merge(path: str, old: dict[str, Any], new: Any) -> dict[str, Any]:
        if not isinstance(new, Mapping):
            new = {"value": new}
        for key in new:
            if key not in FIGURE_FIELDS:
                raise ValueError(
                    f"unknown key '{path}.{key!s}' in price override {origin}; allowed fields are " + ", ".join(FIGURE_FIELDS)
                )
        merged = {**old, **new}
        if "value" in new:
            _number(path, new["value"])
            if "source" not in new:
                merged["source"] = f"user override ({origin}); was {old['value']:g} from {old['source']}"
            if "date" not in new:
                merged["date"] = "undated"
            if "estimate" not in new:
                merged["estimate"] = False
        return merged

    walk(override, "")
    return changed


def load_prices(region: str, override_path: str | Path | None = None) -> PriceTable:
    """The packaged price table resolved for `region`, then the user's file merged over it.

    The override is JSON shaped like the table's `base` plus `assumptions`, e.g.
    `{"medialive": {"outputPerHour": {"SD": 0.30}}, "assumptions": {"cacheHitRatio": 0.95}}`;
    a number replaces a figure's value, an object replaces the fields it names. Keys starting
    with `_` are comments. Any other unknown key raises ValueError naming it. A region not in
    the table gets the us-east-1 figures, flagged as estimates.
    """
    data = json.loads(_packaged_text())
    pricing_region, raw = _resolve_region(data, region)
    changed: list[str] = []
    if override_path is not None:
        path = Path(override_path)
        try:
            override = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"price override {path}: not valid JSON ({error})") from None
        changed = _apply_override(raw, override, str(path))
    figures = {path: Figure.from_dict(path, fig) for path, fig in raw.items()}
    return PriceTable(region=region, pricing_region=pricing_region, figures=figures, overridden=tuple(changed))


# --- items ------------------------------------------------------------------------------


def _money(value: float) -> str:
    return f"${value:,.2f}" if value >= 0.01 or value == 0 else f"${value:.4f}"


def _sources(prices: PriceTable, paths: Iterable[str]) -> str:
    grouped: dict[str, list[str]] = {}
    for path in paths:
        fig = prices.figure(path)
        text = fig.source + (" [estimate]" if fig.estimate and "estimate" not in fig.source else "")
        grouped.setdefault(text, []).append(path)
    return " | ".join(f"{', '.join(group)}: {text}" for text, group in grouped.items())


def _item(name: str, monthly_usd: float, detail: str, prices: PriceTable, paths: Iterable[str]) -> CostItem:
    used = tuple(dict.fromkeys(paths))
    return CostItem(name, monthly_usd, detail, _sources(prices, used), used)


def output_class(width: int, height: int) -> str:
    """MediaLive output price class: SD up to 960x540, HD up to 1920x1080 (either orientation)."""
    long_side, short_side = max(width, height), min(width, height)
    if long_side <= 960 and short_side <= 540:
        return "SD"
    if long_side <= 1920 and short_side <= 1080:
        return "HD"
    return "UHD"


def _free(prices: PriceTable, path: str) -> float:
    return prices.value(path) if prices.value("assumptions.applyFreeTiers") else 0.0


def _check(usage: Usage, prices: PriceTable) -> str:
    for channel in usage.channels:
        if channel.pipeline not in PIPELINES:
            raise ValueError(f"channel {channel.name}: pipeline {channel.pipeline!r}; allowed values are " + ", ".join(PIPELINES))
        if channel.input_resolution not in RESOLUTIONS:
            raise ValueError(
                f"channel {channel.name}: input_resolution {channel.input_resolution!r}; allowed values are "
                + ", ".join(RESOLUTIONS)
            )
        if not 0 <= channel.hours_per_month <= MAX_HOURS_PER_MONTH:
            raise ValueError(f"channel {channel.name}: hours_per_month {channel.hours_per_month!r}; expected 0 to 744")
        if not channel.renditions:
            raise ValueError(f"channel {channel.name}: a channel needs at least one rendition")
    viewer_region = VIEWER_REGION_ALIASES.get(usage.viewer_region, usage.viewer_region)
    if viewer_region not in prices.viewer_regions:
        raise ValueError(f"viewer_region {usage.viewer_region!r}; allowed values are " + ", ".join(prices.viewer_regions))
    ratio = prices.value("assumptions.cacheHitRatio")
    if not 0 <= ratio <= 1:
        raise ValueError(f"assumptions.cacheHitRatio: {ratio!r}; expected a ratio from 0 to 1")
    return viewer_region


def _medialive(usage: Usage, prices: PriceTable) -> tuple[CostItem, CostItem]:
    running = idle = 0.0
    run_parts: list[str] = []
    idle_parts: list[str] = []
    run_paths: list[str] = []
    channel_rate = prices.value("medialive.idleChannelPerHour")
    input_rate = prices.value("medialive.idlePushInputPerHour")
    for ch in usage.channels:
        in_path = f"medialive.inputPerHour.{ch.input_resolution}"
        factor_path = f"medialive.pipelineFactor.{ch.pipeline}"
        classes = [output_class(w, h) for w, h, _ in ch.renditions]
        counts = {c: classes.count(c) for c in RESOLUTIONS if c in classes}
        per_hour = prices.value(in_path) + sum(n * prices.value(f"medialive.outputPerHour.{c}") for c, n in counts.items())
        factor = prices.value(factor_path)
        cost = ch.hours_per_month * factor * per_hour
        running += cost
        outputs = " + ".join(
            f"{n} {c} output{'s' if n > 1 else ''} x ${prices.value(f'medialive.outputPerHour.{c}'):.3f}"
            for c, n in counts.items()
        )
        run_parts.append(
            f"{ch.name}: {ch.hours_per_month:.1f} h x {factor:g} ({ch.pipeline}) x "
            f"({ch.input_resolution} input ${prices.value(in_path):.3f} + {outputs}) = {_money(cost)}"
        )
        run_paths += [in_path, factor_path] + [f"medialive.outputPerHour.{c}" for c in counts]
        idle_hours = max(0.0, HOURS_PER_MONTH - ch.hours_per_month)
        idle_cost = idle_hours * (channel_rate + PUSH_INPUTS_PER_CHANNEL * input_rate)
        idle += idle_cost
        idle_parts.append(
            f"{ch.name}: {idle_hours:.1f} h stopped x (channel ${channel_rate:.3f} + "
            f"{PUSH_INPUTS_PER_CHANNEL} push input ${input_rate:.3f}) = {_money(idle_cost)}"
        )
    archive_note = "; the archive output re-uses the top rendition's encode (no extra output charge)"
    return (
        _item("MediaLive channels", running, "; ".join(run_parts) + archive_note, prices, run_paths),
        _item(
            "MediaLive idle",
            idle,
            "; ".join(idle_parts) + " (idle amounts are estimates)",
            prices,
            ["medialive.idleChannelPerHour", "medialive.idlePushInputPerHour"],
        ),
    )


def _mediapackage(usage: Usage, prices: PriceTable) -> tuple[CostItem, CostItem]:
    ingest_gb = sum(ch.total_bitrate_bps * ch.hours_per_month * 3600 / 8 / GB * ch.pipelines for ch in usage.channels)
    ingest_rate = prices.value("mediapackage.ingestPerGb")
    ratio = prices.value("assumptions.cacheHitRatio")
    origin_gb = usage.viewer_gb * (1 - ratio)
    origin_rate = prices.value("mediapackage.originationPerGb")
    ingest_parts = [
        f"{ch.name}: {ch.total_bitrate_bps / 1e6:.3f} Mbps ladder x {ch.hours_per_month:.1f} h x {ch.pipelines} pipeline(s)"
        for ch in usage.channels
    ]
    return (
        _item(
            "MediaPackage ingest",
            ingest_gb * ingest_rate,
            f"{'; '.join(ingest_parts)} = {ingest_gb:,.1f} GB x ${ingest_rate:.3f}/GB",
            prices,
            ["mediapackage.ingestPerGb"],
        ),
        _item(
            "MediaPackage origination",
            origin_gb * origin_rate,
            f"{usage.viewer_gb:,.1f} viewer GB x (1 - {ratio:g} cache-hit ratio) = "
            f"{origin_gb:,.1f} GB to CloudFront x ${origin_rate:.3f}/GB",
            prices,
            ["mediapackage.originationPerGb", "assumptions.cacheHitRatio"],
        ),
    )


def _cloudfront(usage: Usage, prices: PriceTable, viewer_region: str) -> CostItem:
    gb = usage.viewer_gb
    free = _free(prices, "cloudfront.freeGbPerMonth")
    billable = max(0.0, gb - free)
    tiers = prices.children(f"cloudfront.perGb.{viewer_region}")
    cost = 0.0
    lower = free
    parts: list[str] = []
    remaining = billable
    names = list(tiers)
    for i, (name, tier) in enumerate(tiers.items()):
        if remaining <= 0:
            break
        last = i == len(names) - 1
        # Tier bounds count from the first GB; the free tier uses the bottom of the first tier.
        bound = tier.up_to_gb if tier.up_to_gb is not None and not last else math.inf
        size = max(0.0, min(remaining, bound - lower))
        if size <= 0:
            continue
        cost += size * tier.value
        parts.append(f"{size:,.1f} GB x ${tier.value:.3f} ({name})")
        remaining -= size
        lower += size
    paths = ["cloudfront.freeGbPerMonth"] + [f"cloudfront.perGb.{viewer_region}.{n}" for n in names]
    detail = (
        f"{usage.viewer_hours_per_month:,.0f} viewer-hours x {usage.watched_kbps:g} kbps = "
        f"{gb:,.1f} GB to {viewer_region} viewers; "
        f"{min(gb, free):,.1f} GB in the free tier" + (f"; {' + '.join(parts)}" if parts else "")
    )
    return _item("CloudFront egress", cost, detail, prices, paths)


def _class_days(expire: int | None, glacier: int | None, minimum_path: str, prices: PriceTable) -> tuple[float, float]:
    """Days each month's objects spend in Standard and in the colder class (billed, steady state)."""
    horizon = expire if expire is not None else prices.value("assumptions.archiveHorizonMonths") * DAYS_PER_MONTH
    if glacier is None or glacier >= horizon:
        return float(horizon), 0.0
    in_glacier = horizon - glacier
    if expire is not None:
        in_glacier = max(in_glacier, prices.value(minimum_path))
    return float(glacier), float(in_glacier)


def _archive_days(usage: Usage, prices: PriceTable) -> tuple[float, float]:
    return _class_days(usage.archive_retention_days, usage.glacier_after_days, "s3.glacierMinimumDays", prices)


def _s3(usage: Usage, prices: PriceTable) -> CostItem:
    monthly_gb = sum(ch.top_bitrate_bps * ch.hours_per_month * 3600 / 8 / GB * ch.pipelines for ch in usage.channels)
    standard_days, glacier_days = _archive_days(usage, prices)
    standard_gb = monthly_gb * standard_days / DAYS_PER_MONTH
    glacier_gb = monthly_gb * glacier_days / DAYS_PER_MONTH
    standard_rate = prices.value("s3.standardPerGbMonth")
    glacier_rate = prices.value("s3.glacierFlexiblePerGbMonth")
    cost = standard_gb * standard_rate + glacier_gb * glacier_rate
    expiry = (
        f"expire after {usage.archive_retention_days} d" if usage.archive_retention_days is not None else "no expiry (month 12)"
    )
    detail = (
        f"{monthly_gb:,.1f} GB recorded/month (top rendition x hours x pipelines); {expiry}, Glacier after "
        f"{usage.glacier_after_days if usage.glacier_after_days is not None else 'never'}: "
        f"{standard_gb:,.1f} GB Standard x ${standard_rate:.4f} + {glacier_gb:,.1f} GB Glacier Flexible x ${glacier_rate:.4f}"
    )
    paths = ["s3.standardPerGbMonth", "s3.glacierFlexiblePerGbMonth"]
    if glacier_days:
        paths.append("s3.glacierMinimumDays")
    return _item("S3 archive", cost, detail, prices, paths)


def _recordings(usage: Usage, prices: PriceTable) -> list[CostItem]:
    """Harvest, storage and requests of the broadcast recordings (nothing when recordings are off)."""
    rec = usage.recordings
    if rec is None:
        return []
    harvest_rate = prices.value("mediapackage.harvestPerGb")
    standard_days, cold_days = _class_days(rec.expire_after_days, rec.glacier_after_days, "s3.glacierInstantMinimumDays", prices)
    standard_gb, cold_gb = (rec.gb_per_month * days / DAYS_PER_MONTH for days in (standard_days, cold_days))
    standard_rate, cold_rate = prices.value("s3.standardPerGbMonth"), prices.value("s3.glacierInstantPerGbMonth")
    put_rate, transition_rate = prices.value("s3.putPer1000"), prices.value("s3.glacierInstantTransitionPer1000")
    transitions = rec.objects_per_month if cold_days else 0.0
    requests = rec.objects_per_month / 1000 * put_rate + transitions / 1000 * transition_rate
    expiry = f"expire after {rec.expire_after_days} d" if rec.expire_after_days is not None else "no expiry (month 12)"
    cold_after = rec.glacier_after_days if rec.glacier_after_days is not None else "never"
    return [
        _item(
            "Recordings harvest",
            rec.gb_per_month * harvest_rate,
            f"{rec.gb_per_month:,.1f} GB harvested/month (every rung, one copy) x ${harvest_rate:.3f}/GB",
            prices,
            ["mediapackage.harvestPerGb"],
        ),
        _item(
            "S3 recordings",
            standard_gb * standard_rate + cold_gb * cold_rate,
            f"{expiry}, Glacier Instant Retrieval after {cold_after}: "
            f"{standard_gb:,.1f} GB Standard x ${standard_rate:.4f} + {cold_gb:,.1f} GB Glacier IR x ${cold_rate:.4f}",
            prices,
            ["s3.standardPerGbMonth", "s3.glacierInstantPerGbMonth"] + (["s3.glacierInstantMinimumDays"] if cold_days else []),
        ),
        _item(
            "S3 recording requests",
            requests,
            f"{rec.objects_per_month:,.0f} harvested objects x ${put_rate:.3f}/1000 PUT"
            + (f" + {transitions:,.0f} transitions x ${transition_rate:.3f}/1000" if transitions else ""),
            prices,
            ["s3.putPer1000"] + (["s3.glacierInstantTransitionPer1000"] if transitions else []),
        ),
    ]


def _counted(
    name: str, count: float, free: float, rate: float, unit: str, prices: PriceTable, paths: list[str], scale: float = 1.0
) -> CostItem:
    billable = max(0.0, count - free)
    cost = billable * rate * scale
    free_note = f" ({free:,.0f} free)" if free else ""
    return _item(name, cost, f"{count:,.0f} {unit}{free_note}; {billable:,.0f} billed = {_money(cost)}", prices, paths)


def _operations(usage: Usage, prices: PriceTable) -> list[CostItem]:
    items = [
        _counted(
            "CloudWatch alarms",
            usage.alarms,
            _free(prices, "cloudwatch.freeAlarms"),
            prices.value("cloudwatch.alarmPerMonth"),
            f"alarms x ${prices.value('cloudwatch.alarmPerMonth'):.2f}",
            prices,
            ["cloudwatch.alarmPerMonth", "cloudwatch.freeAlarms"],
        ),
        _counted(
            "CloudWatch dashboards",
            usage.dashboards,
            _free(prices, "cloudwatch.freeDashboards"),
            prices.value("cloudwatch.dashboardPerMonth"),
            f"dashboards x ${prices.value('cloudwatch.dashboardPerMonth'):.2f}",
            prices,
            ["cloudwatch.dashboardPerMonth", "cloudwatch.freeDashboards"],
        ),
        _counted(
            "AWS Budgets",
            usage.budgets,
            prices.value("budgets.freeBudgets"),
            prices.value("budgets.perBudgetDay") * DAYS_PER_MONTH,
            f"budgets x ${prices.value('budgets.perBudgetDay'):.2f}/day",
            prices,
            ["budgets.perBudgetDay", "budgets.freeBudgets"],
        ),
        _counted(
            "Secrets Manager",
            usage.secrets,
            0.0,
            prices.value("secretsmanager.secretPerMonth"),
            f"secrets x ${prices.value('secretsmanager.secretPerMonth'):.2f}",
            prices,
            ["secretsmanager.secretPerMonth"],
        ),
        _counted(
            "KMS keys",
            usage.kms_keys,
            0.0,
            prices.value("kms.keyPerMonth"),
            f"customer managed keys x ${prices.value('kms.keyPerMonth'):.2f}",
            prices,
            ["kms.keyPerMonth"],
        ),
        _counted(
            "EventBridge Scheduler",
            usage.scheduler_invocations_per_month,
            _free(prices, "scheduler.freeInvocations"),
            prices.value("scheduler.perMillionInvocations"),
            "invocations",
            prices,
            ["scheduler.perMillionInvocations", "scheduler.freeInvocations"],
            scale=1e-6,
        ),
    ]
    invocations = usage.lambda_invocations_per_month
    gb_seconds = (
        invocations * prices.value("assumptions.lambdaMemoryMb") / 1024 * prices.value("assumptions.lambdaSecondsPerInvocation")
    )
    requests_cost = max(0.0, invocations - _free(prices, "lambda.freeRequests")) * prices.value("lambda.perMillionRequests") / 1e6
    compute_cost = max(0.0, gb_seconds - _free(prices, "lambda.freeGbSeconds")) * prices.value("lambda.arm64PerGbSecond")
    items.append(
        _item(
            "Lambda",
            requests_cost + compute_cost,
            f"{invocations:,} invocations x {prices.value('assumptions.lambdaMemoryMb'):g} MB x "
            f"{prices.value('assumptions.lambdaSecondsPerInvocation'):g} s = {gb_seconds:,.0f} GB-s (arm64); "
            f"requests {_money(requests_cost)} + compute {_money(compute_cost)} after the free tier",
            prices,
            [
                "lambda.arm64PerGbSecond",
                "lambda.perMillionRequests",
                "lambda.freeRequests",
                "lambda.freeGbSeconds",
                "assumptions.lambdaMemoryMb",
                "assumptions.lambdaSecondsPerInvocation",
            ],
        )
    )
    items.append(
        _counted(
            "SNS",
            prices.value("assumptions.snsEmailsPerMonth"),
            _free(prices, "sns.freeEmails"),
            prices.value("sns.emailPer100k"),
            "e-mail notifications",
            prices,
            ["sns.emailPer100k", "sns.freeEmails", "assumptions.snsEmailsPerMonth"],
            scale=1e-5,
        )
    )
    return items


def estimate(usage: Usage, prices: PriceTable | None = None) -> Estimate:
    """Itemised monthly USD for `usage`, priced from `prices` (default: the packaged table)."""
    prices = prices if prices is not None else load_prices(usage.region)
    viewer_region = _check(usage, prices)
    items = [
        *_medialive(usage, prices),
        *_mediapackage(usage, prices),
        _cloudfront(usage, prices, viewer_region),
        _s3(usage, prices),
        *_recordings(usage, prices),
        *_operations(usage, prices),
    ]
    used = sorted({p for item in items for p in item.figures})
    assumptions: dict[str, Any] = {
        "region": usage.region,
        "pricingRegion": prices.pricing_region,
        "hoursPerMonth": HOURS_PER_MONTH,
        "gbBytes": GB,
        "channelHours": {ch.name: round(ch.hours_per_month, 2) for ch in usage.channels},
        "pipelines": {ch.name: ch.pipeline for ch in usage.channels},
        "viewerGb": round(usage.viewer_gb, 1),
        "viewerHoursPerMonth": usage.viewer_hours_per_month,
        "watchedKbps": usage.watched_kbps,
        "viewerRegion": viewer_region,
        "cacheHitRatio": prices.value("assumptions.cacheHitRatio"),
        "applyFreeTiers": bool(prices.value("assumptions.applyFreeTiers")),
        "archiveRetentionDays": usage.archive_retention_days,
        "glacierAfterDays": usage.glacier_after_days,
        "estimatedFigures": [p for p in used if prices.figure(p).estimate],
        "overridden": list(prices.overridden),
    }
    return Estimate(items=tuple(items), assumptions=assumptions)


# --- from settings ----------------------------------------------------------------------


def _scheduled_hours(schedule: ScheduleSettings) -> float:
    if schedule.start is None or schedule.stop is None:
        return HOURS_PER_MONTH
    from livestream.model import cron  # imported here: only schedules with a start and a stop need it

    return float(cron.monthly_channel_hours(schedule.start, schedule.stop, schedule.timezone, year=SCHEDULE_YEAR))


@lru_cache(maxsize=64)
def _monthly_fires(expression: str, timezone: str) -> float:
    """Average fires per calendar month of SCHEDULE_YEAR, in the schedule's timezone."""
    from livestream.model import cron

    zone = zoneinfo.ZoneInfo(timezone)
    start, end = datetime(SCHEDULE_YEAR, 1, 1, tzinfo=zone), datetime(SCHEDULE_YEAR + 1, 1, 1, tzinfo=zone)
    return len(cron.fire_times(expression, timezone, start, end)) / 12


def broadcasts_per_month(schedule: ScheduleSettings) -> float:
    """Scheduled starts per month; a channel started by hand is assumed to broadcast once a day."""
    if schedule.start is None:
        return float(BROADCASTS_PER_MONTH)
    return _monthly_fires(schedule.start, schedule.timezone)


def channel_hours(settings: ScheduleSettings, usage: UsageSettings) -> float:
    """Hours a channel runs per month under the schedule and usage assumptions (module docstring)."""
    scheduled = _scheduled_hours(settings)
    streamed = usage.streamed_hours_per_month
    if streamed is None:
        return scheduled
    if settings.idle_stop_minutes is not None:
        overrun_hours = (settings.idle_stop_minutes + IDLE_CHECK_INTERVAL_MINUTES / 2) / 60
        return min(scheduled, streamed + broadcasts_per_month(settings) * overrun_hours)
    if settings.start is not None and settings.stop is not None:
        return scheduled
    return min(streamed, MAX_HOURS_PER_MONTH)


def scheduler_invocations(schedule: ScheduleSettings) -> int:
    """Schedule firings per month (start, stop, idle check, daily notice); each invokes the control function."""
    firings = 0.0
    if schedule.start is not None:
        firings += _monthly_fires(schedule.start, schedule.timezone)
    if schedule.stop is not None:
        firings += _monthly_fires(schedule.stop, schedule.timezone)
    if schedule.idle_stop_minutes is not None:
        firings += HOURS_PER_MONTH * 60 / IDLE_CHECK_INTERVAL_MINUTES
    if schedule.running_notice_hour is not None:
        firings += DAYS_PER_MONTH
    return round(firings)


def _viewer_region(price_classes: Iterable[Any], region: str) -> str:
    """PriceClass_100 serves everyone from North America / Europe edges, billed at that rate;
    otherwise viewers are assumed to be near the platform's region."""
    if "PriceClass_100" in price_classes:
        return "us_europe"
    return REGION_VIEWERS.get(region, "us_europe")


def viewer_region_for(settings: Settings) -> str:
    return _viewer_region((settings.cdn.price_class,), settings.region)


def usage_from_settings(
    settings: Settings, *, alarms: int = 0, dashboards: int = 1, budgets: int = 0, kms_keys: int = 0
) -> Usage:
    """The usage a validated platform implies; alarm, dashboard, budget and key counts come from the caller."""
    hours = channel_hours(settings.schedule, settings.usage)
    watched = settings.usage.watched_kbps
    if watched is None:
        watched = max(ladders.top(c.ladder).total_bitrate_bps for c in settings.channels) / 1000
    invocations = scheduler_invocations(settings.schedule)
    return Usage(
        region=settings.region,
        channels=tuple(ChannelUsage.from_channel(c, hours) for c in settings.channels),
        viewer_hours_per_month=settings.usage.viewer_hours_per_month,
        watched_kbps=float(watched),
        viewer_region=viewer_region_for(settings),
        archive_retention_days=settings.archive.expire_after_days,
        glacier_after_days=settings.archive.glacier_after_days,
        alarms=alarms,
        dashboards=dashboards,
        budgets=budgets,
        secrets=sum(1 for c in settings.channels if c.ingest.protocol == "srt"),
        kms_keys=kms_keys,
        scheduler_invocations_per_month=invocations,
        lambda_invocations_per_month=invocations + recording_invocations(settings),
        recordings=recording_usage(settings, hours),
    )


def recording_usage(settings: Settings, hours_per_month: float) -> RecordingUsage | None:
    """What the recordings write per month when every running hour is harvested (an upper bound: the harvest
    starts at the first video): each rung with its audio once, one object per track per segment plus playlists."""
    if not settings.recordings.enabled:
        return None
    gb = sum(sum(r.total_bitrate_bps for r in c.ladder) * hours_per_month * 3600 / 8 / GB for c in settings.channels)
    objects = sum(hours_per_month * 3600 / c.segment_seconds * (len(c.ladder) + 1) + len(c.ladder) + 2 for c in settings.channels)
    return RecordingUsage(
        gb_per_month=gb,
        objects_per_month=objects,
        expire_after_days=settings.recordings.expire_after_days,
        glacier_after_days=settings.recordings.glacier_after_days,
    )


def recording_invocations(settings: Settings) -> int:
    """The indexer's runs: the hourly sweep, and per broadcast a start and a stop per pipeline plus harvest notices."""
    if not settings.recordings.enabled:
        return 0
    events = sum(2 * c.pipeline_count + HARVEST_NOTICES_PER_BROADCAST for c in settings.channels)
    return round(HOURS_PER_MONTH / RECORDING_SWEEP_HOURS + broadcasts_per_month(settings.schedule) * events)


# --- from wire-format resources ---------------------------------------------------------------
#
# Any program's resources as the engine sends them (type tokens, camelCase properties, plain data):
# `livestream plan` passes the inputs it captured, the policy pack's monthly-cost rule what it sees.

MEDIALIVE_CHANNELS = ("aws:medialive/channel:Channel", "aws-native:medialive:Channel")
DISTRIBUTIONS = ("aws:cloudfront/distribution:Distribution", "aws-native:cloudfront:Distribution")
BUCKETS = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws-native:s3:Bucket")
LIFECYCLE_CONFIGS = (
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
)
SCHEDULES = ("aws:scheduler/schedule:Schedule",)
FUNCTIONS = ("aws:lambda/function:Function",)
METRIC_ALARMS = ("aws:cloudwatch/metricAlarm:MetricAlarm",)
DASHBOARDS = ("aws:cloudwatch/dashboard:Dashboard",)
BUDGETS = ("aws:budgets/budget:Budget",)
SECRETS = ("aws:secretsmanager/secret:Secret", "aws-native:secretsmanager:Secret")
KMS_KEYS = ("aws:kms/key:Key", "aws-native:kms:Key")
# Usage fields that count resources, and the resources they count.
COUNTED = {
    "alarms": METRIC_ALARMS,
    "dashboards": DASHBOARDS,
    "budgets": BUDGETS,
    "secrets": SECRETS,
    "kms_keys": KMS_KEYS,
}
# Lines a rendition without an explicit height reaches: it follows the source, bounded by the input class.
INPUT_CLASS_LINES = {"SD": 576, "HD": 1080, "UHD": 2160}
UNREAD_LADDER = ((1280, 720, 3_000_000),)  # a channel without a readable video description is priced as one 720p rung
_ARCHIVE_SCHEMES = ("s3://", "s3ssl://")


class WireResource(NamedTuple):
    """One resource in wire format: its type token, the name the estimate shows, its properties (plain data)."""

    type: str
    name: str
    props: Mapping[str, Any]


def _get(value: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, Sequence) and not isinstance(value, str | bytes) else []


def _wire_number(value: Any) -> float | None:
    """Wire numbers are floats; some providers take numbers as strings."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _of_type(resources: Iterable[WireResource], types: Sequence[str]) -> list[WireResource]:
    return [r for r in resources if r.type in types]


def firings_per_month(expression: Any, timezone: str = "UTC") -> float:
    """Average monthly firings of an EventBridge Scheduler expression in `timezone` (`livestream.cron`, over
    SCHEDULE_YEAR). A one-time at() fires once; an expression the parser refuses counts nothing, an
    unknown timezone counts in UTC."""
    text = str(expression or "").strip()
    if text.startswith("at("):
        return 1.0
    try:
        zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone = "UTC"
    try:
        return _monthly_fires(text, timezone)
    except ValueError:
        return 0.0


def _wire_renditions(props: Mapping[str, Any]) -> tuple[tuple[int, int, int], ...]:
    """(width, height, video bps) per encoded video description of a MediaLive channel; frame captures are skipped.

    A rendition without a height follows the source, up to the input class's lines; without a width it is
    16:9; without bitrate or maxBitrate it counts 0 bps (MediaLive still bills the encode).
    """
    resolution = _get(props, "inputSpecification", "inputResolution")
    source_lines = INPUT_CLASS_LINES.get(str(resolution), INPUT_CLASS_LINES["HD"])
    found: list[tuple[int, int, int]] = []
    for description in _items(_get(props, "encoderSettings", "videoDescriptions")):
        codec = _get(description, "codecSettings") or {}
        if _get(codec, "frameCaptureSettings") is not None:
            continue
        settings: Any = next((s for k in ("h264Settings", "h265Settings", "av1Settings") if (s := _get(codec, k))), None)
        bitrate = _wire_number(_get(settings, "bitrate")) or _wire_number(_get(settings, "maxBitrate"))
        height = int(_wire_number(_get(description, "height")) or source_lines)
        width = int(_wire_number(_get(description, "width")) or round(height * 16 / 9))
        found.append((width, height, int(bitrate or 0)))
    return tuple(found)


def _wire_channel(channel: WireResource, hours_per_month: float) -> ChannelUsage:
    resolution = str(_get(channel.props, "inputSpecification", "inputResolution") or "HD")
    return ChannelUsage(
        name=channel.name,
        pipeline=str(_get(channel.props, "channelClass") or "STANDARD"),  # MediaLive's default class
        input_resolution=resolution if resolution in RESOLUTIONS else "HD",
        renditions=_wire_renditions(channel.props) or UNREAD_LADDER,
        hours_per_month=hours_per_month,
    )


def _arn_resource(value: Any) -> str | None:
    """A bucket reference by name or by ARN (`arn:aws:s3:::name`), as its name."""
    if not isinstance(value, str) or not value:
        return None
    return value.split(":", 5)[-1] if value.startswith("arn:") else value


def _archive_lifecycle(resources: Sequence[WireResource]) -> tuple[bool, int | None, int | None]:
    """(found, expiry days, Glacier-after days) of the buckets the channels record into (s3:// or s3ssl:// destinations).

    A lifecycle configuration applies when its bucket is a destination host, or another name (id, ARN) of
    the bucket resource that host names. The earliest enabled expiration and transition win. Without a
    lifecycle the archive never expires and stays in Standard; without any recording the model's defaults stand.
    """
    hosts = {
        url.split("://", 1)[1].split("/", 1)[0]
        for channel in _of_type(resources, MEDIALIVE_CHANNELS)
        for destination in _items(_get(channel.props, "destinations"))
        for setting in _items(_get(destination, "settings"))
        if isinstance(url := _get(setting, "url"), str) and url.startswith(_ARCHIVE_SCHEMES)
    }
    if not hosts:
        return False, None, None
    names = set(hosts)
    for bucket in _of_type(resources, BUCKETS):
        aliases = {a for key in ("bucket", "bucketName", "id", "arn") if (a := _arn_resource(_get(bucket.props, key)))}
        if aliases & hosts:
            names |= aliases
    expirations: list[float] = []
    transitions: list[float] = []
    for config in _of_type(resources, LIFECYCLE_CONFIGS):
        if _arn_resource(_get(config.props, "bucket")) not in names:
            continue
        for rule in _items(_get(config.props, "rules")):
            if _get(rule, "status") != "Enabled":
                continue
            if days := _wire_number(_get(rule, "expiration", "days")):
                expirations.append(days)
            transitions += [d for t in _items(_get(rule, "transitions")) if (d := _wire_number(_get(t, "days"))) is not None]
    return True, int(min(expirations)) if expirations else None, int(min(transitions)) if transitions else None


def _schedule_firings(resources: Sequence[WireResource]) -> tuple[float, float]:
    """Monthly firings of the enabled schedules: all of them, and those that invoke a Lambda function."""
    function_arns = {arn for f in _of_type(resources, FUNCTIONS) if isinstance(arn := _get(f.props, "arn"), str) and arn}
    total = to_lambda = 0.0
    for schedule in _of_type(resources, SCHEDULES):
        props = schedule.props
        if _get(props, "state") == "DISABLED":
            continue
        firings = firings_per_month(_get(props, "scheduleExpression"), str(_get(props, "scheduleExpressionTimezone") or "UTC"))
        total += firings
        target = str(_get(props, "target", "arn") or "")
        if ":lambda:" in target or any(target.startswith(arn) for arn in function_arns):
            to_lambda += firings
    return total, to_lambda


def resource_counts(resources: Iterable[WireResource]) -> dict[str, int]:
    """How many of each separately billed resource there are, by `Usage` field (`COUNTED`)."""
    types = [r.type for r in resources]
    return {name: sum(1 for t in types if t in tokens) for name, tokens in COUNTED.items()}


def usage_from_wire(
    resources: Iterable[WireResource],
    *,
    region: str,
    hours_per_month: float,
    viewer_hours_per_month: float,
    watched_kbps: float = 1500.0,
    viewer_region: str | None = None,
) -> Usage:
    """The usage a set of wire-format resources implies.

    From the resources: MediaLive channels (pipeline class, input class, ladder; by name), the recording
    buckets' lifecycle, schedule firings (from their expressions; those targeting Lambda invoke it) and
    the counted resources. From the caller: the region, the hours each channel runs, viewing, and the
    viewers' CloudFront price group (default: PriceClass_100 means us_europe, otherwise near `region`).
    """
    resources = list(resources)
    channels = sorted(_of_type(resources, MEDIALIVE_CHANNELS), key=lambda r: r.name)
    if not viewer_region:
        classes = {
            _get(d.props, "priceClass") or _get(d.props, "distributionConfig", "priceClass")
            for d in _of_type(resources, DISTRIBUTIONS)
        }
        viewer_region = _viewer_region(classes, region)
    firings, lambda_firings = _schedule_firings(resources)
    usage = Usage(
        region=region,
        channels=tuple(_wire_channel(c, hours_per_month) for c in channels),
        viewer_hours_per_month=viewer_hours_per_month,
        watched_kbps=watched_kbps,
        viewer_region=viewer_region,
        scheduler_invocations_per_month=round(firings),
        lambda_invocations_per_month=round(lambda_firings),
        recordings=None,  # not read from wire resources: harvests depend on how channels are used
        **resource_counts(resources),
    )
    found, expire_days, glacier_days = _archive_lifecycle(resources)
    return replace(usage, archive_retention_days=expire_days, glacier_after_days=glacier_days) if found else usage
