"""Build or buy: what the same streamed hours and viewer-hours would cost on managed live-video services.

Pure (no Pulumi). The list prices are the `alternatives` section of the price table
(`livestream/cost/prices.json`, sources and read dates in docs/pricing-sources.md). For a `Usage`:

- streamed hours = the hours each channel runs (the same hours this platform's encoder is billed for);
- viewer-hours = `usage.viewer_hours_per_month`, delivered at the ladder's top resolution (the upper end,
  as AWS's own examples assume);
- recordings: this platform archives each channel's top rendition; the alternatives store the same
  minutes (or GB) for the archive's retention (`archiveHorizonMonths` when it never expires).

Services: Amazon IVS low-latency (a standard channel transcodes a ladder as this platform does; a basic
channel passes the input through, for reference), Mux Video live, Cloudflare Stream. Not priced: IVS
real-time stages, Mux Data, players, DRM, any free tier for new accounts only.

The break-even is the viewer-hours per month at which this platform's whole estimate equals the
alternative's cost, all else equal; found by scanning viewer-hours up to `MAX_VIEWER_HOURS` and
bisecting the first sign change to a cent. None when the two never cross in that span.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from livestream.cost import DAYS_PER_MONTH, PriceTable, Usage, estimate, load_prices

MAX_VIEWER_HOURS = 1e9  # a scan limit: 1 billion viewer-hours a month is past any single platform
CENT = 0.01
_SCAN_RATIO = 1.25  # geometric grid of viewer-hours scanned for a crossing
# IVS output classes by the delivered resolution's lines (its pricing page: SD <= 480, HD <= 720, Full HD <= 1080).
IVS_OUTPUT_CLASSES = ((480, "SD"), (720, "HD"), (1080, "FULL_HD"))


@dataclass(frozen=True)
class AlternativeCost:
    name: str
    monthly_usd: float
    break_even_viewer_hours: float | None  # where this platform and the alternative cost the same; None: never
    sources: tuple[str, ...]
    low_usd: float = 0.0
    high_usd: float = 0.0
    estimate: bool = False  # priced from figures marked estimates
    platform_monthly_usd: float = 0.0  # this platform's estimate for the same usage
    detail: str = ""
    platform_cheaper_below: bool | None = None  # below the break-even, is this platform the cheaper? None: no break-even

    @property
    def platform_is_cheaper(self) -> bool:
        return self.platform_monthly_usd < self.monthly_usd

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "monthlyUsd": round(self.monthly_usd, 2),
            "lowUsd": round(self.low_usd, 2),
            "highUsd": round(self.high_usd, 2),
            "estimate": self.estimate,
            "breakEvenViewerHours": None if self.break_even_viewer_hours is None else round(self.break_even_viewer_hours, 1),
            "platformMonthlyUsd": round(self.platform_monthly_usd, 2),
            "platformIsCheaper": self.platform_is_cheaper,
            "platformCheaperBelowBreakEven": self.platform_cheaper_below,
            "detail": self.detail,
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class _Priced:
    usd: float
    detail: str
    figures: tuple[str, ...]


def _streamed_hours(usage: Usage) -> float:
    return sum(ch.hours_per_month for ch in usage.channels)


def _retained_months(usage: Usage, prices: PriceTable) -> float:
    if usage.archive_retention_days is None:
        return prices.value("assumptions.archiveHorizonMonths")
    return usage.archive_retention_days / DAYS_PER_MONTH


def _top_lines(usage: Usage) -> int:
    return max((min(w, h) for ch in usage.channels for w, h, _ in ch.renditions), default=720)


def ivs_output_class(lines: int) -> str:
    return next((cls for limit, cls in IVS_OUTPUT_CLASSES if lines <= limit), "FULL_HD")


def _ivs(channel_type: str) -> Callable[[Usage, PriceTable], _Priced]:
    def price(usage: Usage, prices: PriceTable) -> _Priced:
        hours = _streamed_hours(usage)
        in_path = f"alternatives.ivs.inputPerHour.{channel_type}"
        out_path = f"alternatives.ivs.outputPerHour.{ivs_output_class(_top_lines(usage))}"
        rec_path = "alternatives.ivs.recordingPerGbMonth"
        recorded_gb = sum(
            ch.top_bitrate_bps * ch.hours_per_month * 3600 / 8 / prices.value("assumptions.bytesPerGb") for ch in usage.channels
        )
        stock_gb = recorded_gb * _retained_months(usage, prices)
        parts = (
            hours * prices.value(in_path),
            usage.viewer_hours_per_month * prices.value(out_path),
            stock_gb * prices.value(rec_path),
        )
        detail = (
            f"{hours:,.1f} input h x ${prices.value(in_path):.3f} + {usage.viewer_hours_per_month:,.0f} viewer-h x "
            f"${prices.value(out_path):.4f} ({out_path.rsplit('.', 1)[1]}) + {stock_gb:,.1f} GB recordings x "
            f"${prices.value(rec_path):.3f}"
        )
        return _Priced(sum(parts), detail, (in_path, out_path, rec_path))

    return price


def _mux(usage: Usage, prices: PriceTable) -> _Priced:
    minutes = _streamed_hours(usage) * 60
    delivered = usage.viewer_hours_per_month * 60
    free = prices.value("alternatives.mux.freeDeliveryMinutes")
    stock = minutes * _retained_months(usage, prices)
    paths = ("encodingPerMinute", "deliveryPerMinute", "freeDeliveryMinutes", "storagePerMinuteMonth")
    enc, per_min, _, store = (prices.value(f"alternatives.mux.{p}") for p in paths)
    usd = minutes * enc + max(0.0, delivered - free) * per_min + stock * store
    detail = (
        f"{minutes:,.0f} live min x ${enc:.4f} + ({delivered:,.0f} - {free:,.0f} free) delivered min x ${per_min:.4f} "
        f"+ {stock:,.0f} stored min x ${store:.4f}"
    )
    return _Priced(usd, detail, tuple(f"alternatives.mux.{p}" for p in paths))


def _cloudflare(usage: Usage, prices: PriceTable) -> _Priced:
    minutes = _streamed_hours(usage) * 60
    delivered = usage.viewer_hours_per_month * 60
    stock = minutes * _retained_months(usage, prices)
    paths = ("inputPerMinute", "deliveryPer1000Minutes", "storagePer1000Minutes")
    ingest, per_k, store_k = (prices.value(f"alternatives.cloudflare.{p}") for p in paths)
    usd = minutes * ingest + delivered / 1000 * per_k + stock / 1000 * store_k
    detail = (
        f"{minutes:,.0f} live min x ${ingest:g} + {delivered:,.0f} delivered min x ${per_k:g}/1,000 + "
        f"{stock:,.0f} stored min x ${store_k:g}/1,000"
    )
    return _Priced(usd, detail, tuple(f"alternatives.cloudflare.{p}" for p in paths))


ALTERNATIVES: tuple[tuple[str, Callable[[Usage, PriceTable], _Priced]], ...] = (
    ("Amazon IVS (standard channel)", _ivs("standard")),
    ("Amazon IVS (basic channel, no ladder)", _ivs("basic")),
    ("Mux Video (live)", _mux),
    ("Cloudflare Stream", _cloudflare),
)


def _points(prices: PriceTable) -> PriceTable:
    """The table without ranges: one pass per estimate, for the break-even search."""
    return replace(prices, figures={p: replace(f, low=None, high=None) for p, f in prices.figures.items()})


def platform_usd(usage: Usage, prices: PriceTable) -> float:
    """This platform's whole monthly estimate, unrounded."""
    return sum(item.monthly_usd for item in estimate(usage, prices).items)


def _platform_by_viewer_hours(usage: Usage, prices: PriceTable) -> Callable[[float], float]:
    """This platform's whole estimate as a function of viewer-hours, each point priced once: the break-even
    searches of all the alternatives scan the same grid (a prod plan: 377 estimates, 95 distinct)."""

    @functools.cache
    def at(viewer_hours: float) -> float:
        return platform_usd(replace(usage, viewer_hours_per_month=viewer_hours), prices)

    return at


def break_even(difference: Callable[[float], float], limit: float = MAX_VIEWER_HOURS) -> float | None:
    """The smallest viewer-hours where `difference` (platform - alternative) changes sign, to a cent; None if never."""
    previous, d_previous = 0.0, difference(0.0)
    if abs(d_previous) <= CENT / 2:
        return 0.0
    point = 1.0
    while point <= limit:
        d_point = difference(point)
        if abs(d_point) <= CENT / 2:
            return point
        if (d_point > 0) != (d_previous > 0):
            return _bisect(difference, previous, point, d_previous)
        previous, d_previous, point = point, d_point, point * _SCAN_RATIO
    return None


def _bisect(difference: Callable[[float], float], low: float, high: float, d_low: float) -> float:
    for _ in range(200):
        middle = (low + high) / 2
        d_middle = difference(middle)
        if abs(d_middle) <= CENT / 2 or high - low < 1e-9:
            return middle
        if (d_middle > 0) == (d_low > 0):
            low, d_low = middle, d_middle
        else:
            high = middle
    return (low + high) / 2


def _sources(prices: PriceTable, paths: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f"{prices.figure(p).source} [read {prices.figure(p).date}]" for p in paths))


def compare(usage: Usage, prices: PriceTable | None = None) -> list[AlternativeCost]:
    """Each alternative's monthly cost for `usage`, its low-high range, and the break-even viewer-hours."""
    prices = prices if prices is not None else load_prices(usage.region)
    points = _points(prices)
    platform_at = _platform_by_viewer_hours(usage, points)
    platform = platform_at(usage.viewer_hours_per_month)
    out = []
    for name, price in ALTERNATIVES:
        priced = price(usage, points)
        ends = [price(usage, prices.at(end)).usd for end in ("low", "high")]

        def difference(viewer_hours: float, price: Callable[[Usage, PriceTable], _Priced] = price) -> float:
            return platform_at(viewer_hours) - price(replace(usage, viewer_hours_per_month=viewer_hours), points).usd

        crossing = break_even(difference)
        out.append(
            AlternativeCost(
                name=name,
                monthly_usd=priced.usd,
                break_even_viewer_hours=crossing,
                sources=_sources(prices, priced.figures),
                low_usd=min(priced.usd, *ends),
                high_usd=max(priced.usd, *ends),
                estimate=any(prices.figure(p).estimate for p in priced.figures),
                platform_monthly_usd=platform,
                detail=priced.detail,
                platform_cheaper_below=None if crossing is None else difference(0.0) < 0,
            )
        )
    return out
