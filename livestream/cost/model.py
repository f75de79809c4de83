"""The itemised monthly estimate: each AWS service priced from a `Usage` and a `PriceTable`, with its sources.

The model, item by item, is described in the `livestream.cost` docstring.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from livestream.cost.prices import BOUNDS, PriceTable, load_prices
from livestream.cost.usage import (
    DAYS_PER_MONTH,
    GB,
    HOURS_PER_MONTH,
    MAX_HOURS_PER_MONTH,
    PIPELINES,
    PUSH_INPUTS_PER_CHANNEL,
    RESOLUTIONS,
    VIEWER_REGION_ALIASES,
    Usage,
)


@dataclass(frozen=True)
class CostItem:
    name: str
    monthly_usd: float
    detail: str
    source: str
    figures: tuple[str, ...] = field(default=(), compare=False)  # price-table paths the item used
    low_usd: float | None = field(default=None, compare=False)  # priced with every figure at the low end of its range
    high_usd: float | None = field(default=None, compare=False)  # ... and at the high end
    estimate: bool = field(default=False, compare=False)  # a figure it used is an estimate

    @property
    def range(self) -> tuple[float, float]:
        """(low, high) monthly USD; a point when no figure it used has a range."""
        low = self.monthly_usd if self.low_usd is None else self.low_usd
        high = self.monthly_usd if self.high_usd is None else self.high_usd
        return low, high


@dataclass(frozen=True)
class Estimate:
    items: tuple[CostItem, ...]
    assumptions: Mapping[str, Any] = field(default_factory=dict)

    @property
    def monthly_usd(self) -> float:
        return round(sum(item.monthly_usd for item in self.items), 2)

    def range(self) -> tuple[float, float]:
        """(low, high) of the monthly total: every item at the low, then at the high end of its figures' ranges."""
        return (
            round(sum(item.range[0] for item in self.items), 2),
            round(sum(item.range[1] for item in self.items), 2),
        )

    def item(self, name: str) -> CostItem:
        for item in self.items:
            if item.name == name:
                return item
        raise KeyError(f"no cost item {name!r}; items are " + ", ".join(i.name for i in self.items))

    def as_dict(self) -> dict[str, Any]:
        low, high = self.range()
        return {
            "monthlyUsd": self.monthly_usd,
            "lowUsd": low,
            "highUsd": high,
            "items": [
                {
                    "name": i.name,
                    "monthlyUsd": round(i.monthly_usd, 2),
                    "lowUsd": round(i.range[0], 2),
                    "highUsd": round(i.range[1], 2),
                    "estimate": i.estimate,
                    "detail": i.detail,
                    "source": i.source,
                }
                for i in self.items
            ],
            "assumptions": dict(self.assumptions),
        }


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
    estimated = any(prices.figure(path).estimate for path in used)
    return CostItem(name, monthly_usd, detail, _sources(prices, used), used, estimate=estimated)


def output_class(width: int, height: int) -> str:
    """MediaLive output price class: SD up to 960x540, HD up to 1920x1080 (either orientation)."""
    long_side, short_side = max(width, height), min(width, height)
    if long_side <= 960 and short_side <= 540:
        return "SD"
    if long_side <= 1920 and short_side <= 1080:
        return "HD"
    return "UHD"


def _gb(prices: PriceTable) -> float:
    """Bytes in a GB: 2**30 as AWS bills; the AWS guides' worked examples divide Mbps by 8 and 1,024 (1.024e9)."""
    return prices.value("assumptions.bytesPerGb")


def _viewer_gb(usage: Usage, prices: PriceTable) -> float:
    return usage.viewer_gb * GB / _gb(prices)


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
    ingest_gb = sum(ch.total_bitrate_bps * ch.hours_per_month * 3600 / 8 / _gb(prices) * ch.pipelines for ch in usage.channels)
    ingest_rate = prices.value("mediapackage.ingestPerGb")
    ratio = prices.value("assumptions.cacheHitRatio")
    viewer_gb = _viewer_gb(usage, prices)
    origin_gb = viewer_gb * (1 - ratio)
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
            f"{viewer_gb:,.1f} viewer GB x (1 - {ratio:g} cache-hit ratio) = "
            f"{origin_gb:,.1f} GB to CloudFront x ${origin_rate:.3f}/GB",
            prices,
            ["mediapackage.originationPerGb", "assumptions.cacheHitRatio"],
        ),
    )


def _cloudfront(usage: Usage, prices: PriceTable, viewer_region: str) -> CostItem:
    gb = _viewer_gb(usage, prices)
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
    """Days each month's recording spends in Standard and in Glacier (billed, steady state)."""
    return _class_days(usage.archive_retention_days, usage.glacier_after_days, "s3.glacierMinimumDays", prices)


def _s3(usage: Usage, prices: PriceTable) -> CostItem:
    monthly_gb = sum(ch.top_bitrate_bps * ch.hours_per_month * 3600 / 8 / _gb(prices) * ch.pipelines for ch in usage.channels)
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
        f"{monthly_gb:,.1f} GB recorded/month (top rendition x hours x pipelines); {expiry}, "
        f"{f'Glacier after {usage.glacier_after_days} d' if usage.glacier_after_days is not None else 'no Glacier transition'}: "
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


@dataclass(frozen=True)
class _PerUnit:
    """An item billed per unit above a free allowance: a resource count, or invocations, or e-mails."""

    name: str
    rate: str  # price figure path: USD per unit (per `scale` units)
    unit: str  # the detail's unit text; `{rate}` is the rate figure's value, `{s}` the plural ending
    count: Callable[[Usage, PriceTable], float]
    free: str | None = None  # price figure path of the free allowance
    free_tier: bool = True  # the allowance is a free tier that `applyFreeTiers` 0 turns off
    per_day: bool = False  # the rate is per unit-day
    scale: float = 1.0
    extra_paths: tuple[str, ...] = ()


_PER_UNIT = (
    _PerUnit(
        "CloudWatch alarms", "cloudwatch.alarmPerMonth", "alarm{s} x ${rate:.2f}", lambda u, p: u.alarms, "cloudwatch.freeAlarms"
    ),
    _PerUnit(
        "CloudWatch dashboards",
        "cloudwatch.dashboardPerMonth",
        "dashboard{s} x ${rate:.2f}",
        lambda u, p: u.dashboards,
        "cloudwatch.freeDashboards",
    ),
    _PerUnit(  # the first two budgets are free whatever `applyFreeTiers` says: AWS Budgets' pricing, not a free tier
        "AWS Budgets",
        "budgets.perBudgetDay",
        "budget{s} x ${rate:.2f}/day",
        lambda u, p: u.budgets,
        "budgets.freeBudgets",
        free_tier=False,
        per_day=True,
    ),
    _PerUnit("Secrets Manager", "secretsmanager.secretPerMonth", "secret{s} x ${rate:.2f}", lambda u, p: u.secrets),
    _PerUnit("KMS keys", "kms.keyPerMonth", "customer managed key{s} x ${rate:.2f}", lambda u, p: u.kms_keys),
    _PerUnit(
        "EventBridge Scheduler",
        "scheduler.perMillionInvocations",
        "invocation{s}",
        lambda u, p: u.scheduler_invocations_per_month,
        "scheduler.freeInvocations",
        scale=1e-6,
    ),
)
_SNS = _PerUnit(
    "SNS",
    "sns.emailPer100k",
    "e-mail notification{s}",
    lambda u, p: p.value("assumptions.snsEmailsPerMonth"),
    "sns.freeEmails",
    scale=1e-5,
    extra_paths=("assumptions.snsEmailsPerMonth",),
)
_LAMBDA_FIGURES = (
    "lambda.arm64PerGbSecond",
    "lambda.perMillionRequests",
    "lambda.freeRequests",
    "lambda.freeGbSeconds",
    "assumptions.lambdaMemoryMb",
    "assumptions.lambdaSecondsPerInvocation",
)


def _per_unit(spec: _PerUnit, usage: Usage, prices: PriceTable) -> CostItem:
    rate = prices.value(spec.rate)
    free = 0.0
    if spec.free is not None:
        free = _free(prices, spec.free) if spec.free_tier else prices.value(spec.free)
    paths = [spec.rate, *([spec.free] if spec.free else []), *spec.extra_paths]
    per_unit = rate * DAYS_PER_MONTH if spec.per_day else rate
    count = spec.count(usage, prices)
    unit = spec.unit.format(rate=rate, s="" if count == 1 else "s")  # "1 dashboard", "2 dashboards"
    return _counted(spec.name, count, free, per_unit, unit, prices, paths, spec.scale)


def _lambda(usage: Usage, prices: PriceTable) -> CostItem:
    invocations = usage.lambda_invocations_per_month
    memory_mb, seconds = prices.value("assumptions.lambdaMemoryMb"), prices.value("assumptions.lambdaSecondsPerInvocation")
    gb_seconds = invocations * memory_mb / 1024 * seconds
    requests_cost = max(0.0, invocations - _free(prices, "lambda.freeRequests")) * prices.value("lambda.perMillionRequests") / 1e6
    compute_cost = max(0.0, gb_seconds - _free(prices, "lambda.freeGbSeconds")) * prices.value("lambda.arm64PerGbSecond")
    detail = (
        f"{invocations:,} invocations x {memory_mb:g} MB x {seconds:g} s = {gb_seconds:,.0f} GB-s (arm64); "
        f"requests {_money(requests_cost)} + compute {_money(compute_cost)} after the free tier"
    )
    return _item("Lambda", requests_cost + compute_cost, detail, prices, _LAMBDA_FIGURES)


def _operations(usage: Usage, prices: PriceTable) -> list[CostItem]:
    """Monitoring, budgets, secrets, keys, schedules, the control function and notifications."""
    return [*(_per_unit(spec, usage, prices) for spec in _PER_UNIT), _lambda(usage, prices), _per_unit(_SNS, usage, prices)]


def _priced_items(usage: Usage, prices: PriceTable, viewer_region: str) -> list[CostItem]:
    return [
        *_medialive(usage, prices),
        *_mediapackage(usage, prices),
        _cloudfront(usage, prices, viewer_region),
        _s3(usage, prices),
        *_recordings(usage, prices),
        *_operations(usage, prices),
    ]


def estimate(usage: Usage, prices: PriceTable | None = None) -> Estimate:
    """Itemised monthly USD for `usage`, priced from `prices` (default: the packaged table)."""
    prices = prices if prices is not None else load_prices(usage.region)
    viewer_region = _check(usage, prices)
    items = _priced_items(usage, prices, viewer_region)
    if prices.has_ranges:
        ends = [_priced_items(usage, prices.at(end), viewer_region) for end in BOUNDS]
        items = [
            replace(
                item,
                low_usd=min(item.monthly_usd, *(e.monthly_usd for e in at_ends)),
                high_usd=max(item.monthly_usd, *(e.monthly_usd for e in at_ends)),
            )
            for item, *at_ends in zip(items, *ends, strict=True)
        ]
    used = sorted({p for item in items for p in item.figures})
    assumptions: dict[str, Any] = {
        "region": usage.region,
        "pricingRegion": prices.pricing_region,
        "hoursPerMonth": HOURS_PER_MONTH,
        "gbBytes": _gb(prices),
        "channelHours": {ch.name: round(ch.hours_per_month, 2) for ch in usage.channels},
        "pipelines": {ch.name: ch.pipeline for ch in usage.channels},
        "viewerGb": round(_viewer_gb(usage, prices), 1),
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
