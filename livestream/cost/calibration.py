"""AWS's own published cost examples for its live-streaming solutions, priced by this model line by line.

Pure (no Pulumi): the tests (`tests/cost/test_calibration.py`) and `bench/calibration.py` use it.
Each case gives the model the guide's assumptions and nothing else: its prices (as price-table
overrides), no free tier, its cache-hit ratio, its ladder and bitrates (video only: the guides
count no audio), its viewers at the top bitrate, and its unit conversion (Mbps / 8 / 1,024 x 3,600 s
per GB, i.e. 1 GB = 1.024e9 bytes, where AWS bills 2^30). A published line the model cannot
reproduce carries the arithmetic that explains it (`Line.gap`). Sources: docs/pricing-sources.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from livestream.cost import ChannelUsage, PriceTable, Usage, estimate, load_prices

GUIDE = "https://docs.aws.amazon.com/solutions/latest/live-streaming-on-aws/plan-your-deployment.html"
S3_GUIDE = "https://docs.aws.amazon.com/solutions/latest/live-streaming-on-aws-with-amazon-s3/cost-example-{}.html"
TOLERANCE = 0.05  # |model - published| / published, per line

SD_540P = ((512, 288, 400_000), (640, 360, 800_000), (768, 432, 1_200_000), (960, 540, 1_800_000))
HD_1080P = (*SD_540P, (1280, 720, 2_700_000), (1920, 1080, 4_100_000))
# The guides' conventions: "no free-tier or discounts", "99% cache/hit ratio", GB = Mbps / 8 / 1,024 x 3,600.
GUIDE_ASSUMPTIONS = {"assumptions.applyFreeTiers": 0, "assumptions.cacheHitRatio": 0.99, "assumptions.bytesPerGb": 1.024e9}
# "Live Streaming on AWS" prices MediaLive at one pipeline's rate but doubles ingest "with redundancy".
GUIDE_PRICES = {
    "medialive.inputPerHour.HD": 0.234,
    "medialive.outputPerHour.SD": 0.44,
    "medialive.outputPerHour.HD": 0.88,
    "medialive.pipelineFactor.STANDARD": 1.0,
}

ENCODING = ("MediaLive channels",)
PACKAGING = ("MediaPackage ingest", "MediaPackage origination")
DELIVERY = ("CloudFront egress",)


@dataclass(frozen=True)
class Line:
    label: str
    published: float
    items: tuple[str, ...]  # the model's items that price the same thing; () = not modelled here
    gap: str = ""  # why the model cannot reproduce it (arithmetic), when it cannot


@dataclass(frozen=True)
class Case:
    name: str
    source: str
    ladder: tuple[tuple[int, int, int], ...]
    hours: float
    viewer_hours: float
    watched_kbps: float
    lines: tuple[Line, ...]
    pipeline: str = "SINGLE_PIPELINE"
    prices: Mapping[str, float] = field(default_factory=dict)

    def usage(self) -> Usage:
        channel = ChannelUsage(self.name, self.pipeline, "HD", self.ladder, self.hours, audio_bps=0)
        return Usage(
            region="us-east-1",
            channels=(channel,),
            viewer_hours_per_month=self.viewer_hours,
            watched_kbps=self.watched_kbps,
            viewer_region="us_europe",
        )

    def table(self, *, guide_gb: bool = True) -> PriceTable:
        values = {**GUIDE_ASSUMPTIONS, **self.prices}
        if not guide_gb:
            values.pop("assumptions.bytesPerGb")
        return with_values(load_prices("us-east-1"), values, self.source)


@dataclass(frozen=True)
class Row:
    case: str
    line: Line
    model_usd: float | None  # None: not modelled
    billed_gb_usd: float | None  # the same at GB = 2^30, as AWS bills

    @property
    def difference(self) -> float | None:
        """(model - published) / published."""
        return None if self.model_usd is None else (self.model_usd - self.line.published) / self.line.published


def with_values(table: PriceTable, values: Mapping[str, float], source: str) -> PriceTable:
    """`table` with some figures set to a document's own values (points, not estimates)."""
    figures = dict(table.figures)
    for path, value in values.items():
        figures[path] = replace(table.figure(path), value=float(value), source=source, low=None, high=None, estimate=False)
    return replace(table, figures=figures, overridden=tuple(values))


def compare(case: Case) -> list[Row]:
    """Each published line of `case` against the model's items for it."""
    priced = estimate(case.usage(), case.table())
    billed = estimate(case.usage(), case.table(guide_gb=False))
    rows = []
    for line in case.lines:
        model = sum(priced.item(name).monthly_usd for name in line.items) if line.items else None
        at_2_30 = sum(billed.item(name).monthly_usd for name in line.items) if line.items else None
        rows.append(Row(case.name, line, model, at_2_30))
    return rows


ORIGIN_GAP = (
    "published $96.68 = 1,933.59 GB x $0.05: the guide prices origination on the ingest volume (966.79 GB x 2 "
    "for redundancy), and its table cites '(180 GB x $0.05)' copied from example 2; 1 % of this example's "
    "36,035 GB of viewer traffic x $0.05 = $18.02, which is what the model gives"
)

CASES = (
    Case(
        "LSoA 1: SD-540p, 1,000 viewers, 1 h",
        GUIDE,
        SD_540P,
        hours=1,
        viewer_hours=1_000,
        watched_kbps=1_800,
        pipeline="STANDARD",
        prices=GUIDE_PRICES,
        lines=(
            Line("MediaLive input and outputs", 1.99, ENCODING),
            Line("MediaPackage ingest", 0.11, PACKAGING[:1]),
            Line("MediaPackage packaging and origination", 0.40, PACKAGING[1:]),
            Line("CloudFront distribution (791 GB)", 67.24, DELIVERY),
            Line("live encoding and packaging", 2.50, ENCODING + PACKAGING),
            Line("total", 69.74, ENCODING + PACKAGING + DELIVERY),
        ),
    ),
    Case(
        "LSoA 2: HD-1080p, 10,000 viewers, 1 h",
        GUIDE,
        HD_1080P,
        hours=1,
        viewer_hours=10_000,
        watched_kbps=4_100,
        pipeline="STANDARD",
        prices=GUIDE_PRICES,
        lines=(
            Line("MediaLive input and outputs", 3.75, ENCODING),
            Line("MediaPackage ingest", 0.28, PACKAGING[:1]),
            Line("MediaPackage packaging and origination", 9.01, PACKAGING[1:]),
            Line("CloudFront distribution (18,017 GB)", 1_492.56, DELIVERY),
            Line("live encoding and packaging", 13.04, ENCODING + PACKAGING),
            Line("total", 1_505.60, ENCODING + PACKAGING + DELIVERY),
        ),
    ),
    Case(
        "LSoA 3: HD-1080p, ~100 viewers, 200 h/month",
        GUIDE,
        HD_1080P,
        hours=200,
        viewer_hours=100 * 200,
        watched_kbps=4_100,
        pipeline="STANDARD",
        # Table 12 of the guide prices this example's outputs at $0.438 and $0.882.
        prices={**GUIDE_PRICES, "medialive.outputPerHour.SD": 0.438, "medialive.outputPerHour.HD": 0.882},
        lines=(
            Line("MediaLive input and outputs", 750.00, ENCODING),
            Line("MediaPackage ingest", 58.01, PACKAGING[:1]),
            Line("MediaPackage packaging and origination", 96.68, PACKAGING[1:], gap=ORIGIN_GAP),
            Line("CloudFront distribution (36,035 GB)", 2_934.00, DELIVERY),
            Line(
                "live encoding and packaging", 904.69, ENCODING + PACKAGING, gap="it includes the origination line: " + ORIGIN_GAP
            ),
            Line("total", 3_838.69, ENCODING + PACKAGING + DELIVERY),
        ),
    ),
    Case(
        "LSoA with S3 1: SD-540p, 1,000 viewers, 1 h",
        S3_GUIDE.format(1),
        SD_540P,
        hours=1,
        viewer_hours=1_000,
        watched_kbps=1_800,
        lines=(
            Line("MediaLive input and outputs", 1.71, ENCODING),
            Line("S3 storage (HLS segments at the origin)", 0.01, ()),
            Line("S3 requests (7,200 PUTs)", 0.04, ()),
            Line("CloudFront distribution (791 GB)", 67.24, DELIVERY),
            Line("total of the lines this platform has", 1.71 + 67.24, ENCODING + DELIVERY),
        ),
    ),
    Case(
        "LSoA with S3 2: HD-1080p, 10,000 viewers, 1 h",
        S3_GUIDE.format(2),
        HD_1080P,
        hours=1,
        viewer_hours=10_000,
        watched_kbps=4_100,
        lines=(
            Line("MediaLive input and outputs", 3.11, ENCODING),
            Line("S3 storage (HLS segments at the origin)", 0.01, ()),
            Line("S3 requests (10,800 PUTs)", 0.06, ()),
            # The guide prices all 18,017 GB at $0.085 (no 10 TB tier); the model tiers: 2.5 % lower.
            Line("CloudFront distribution (18,017 GB, all at $0.085)", 1_531.49, DELIVERY),
            Line("total of the lines this platform has", 3.11 + 1_531.49, ENCODING + DELIVERY),
        ),
    ),
)

NOT_MODELLED = (
    "the S3 guide serves viewers from S3 (segments and PUT requests at the origin); this platform's origin is "
    "MediaPackage, and its S3 archive (recordings) is a different line"
)


def rows() -> list[Row]:
    return [row for case in CASES for row in compare(case)]
