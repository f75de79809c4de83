"""Monthly cost estimate of a live-streaming platform, itemised, every figure with its source.

Pure package: the standard library, the ladder, the settings types and the wire vocabulary only (no
Pulumi), so `livestream plan`, the policy pack's monthly-cost limit and the bench scripts can all use it.
Modules: `usage` (what is used: channels, hours, viewing, counts), `from_wire` (the same read from
resources), `prices` (the price table and overrides), `model` (the itemised estimate). This module
re-exports their public names.

Usage comes from validated settings (`usage_from_settings`) or from any program's resources in
wire format (`usage_from_wire`: what `livestream plan` captured, or what a policy pack sees).

Prices are data: `livestream/cost/prices.json` holds us-east-1 figures (`base`), per-region uplift
factors and explicit figures (`regions`), and the modelling assumptions (`assumptions`). Each
figure has a value, unit, source (URL, with what it said in docs/pricing-sources.md), the date it
was read and, where nothing could be sourced, `"estimate": true`; a wide guess (Seoul uplifts, SD
and UHD MediaLive prices, idle charges) carries `low`/`high`, and each cost item is priced at both
ends as well (`CostItem.low_usd`/`high_usd`/`estimate`, `Estimate.range()`). The `alternatives`
section lists managed services' prices (`livestream.cost.alternatives`: build or buy, break-even
viewer-hours); `livestream.cost.calibration` prices AWS's published examples with the model.
A user file overrides any figure or assumption (`load_prices(region, override_path)`).

Conventions: GB = 2**30 bytes (as AWS bills; `assumptions.bytesPerGb`, which the calibration sets
to the AWS guides' 1.024e9); a month = 730 hours (AWS's convention) = 30.42 days.

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

Channel-hours (`channel_hours`), with S = scheduled hours (`livestream.model.cron.monthly_channel_hours`
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

from livestream.cost.from_wire import COUNTED, UNREAD_LADDER, resource_counts, usage_from_recorded, usage_from_wire
from livestream.cost.model import CostItem, Estimate, estimate, output_class
from livestream.cost.prices import BOUNDS, FIGURE_FIELDS, Figure, PriceTable, load_prices
from livestream.cost.usage import (
    BROADCASTS_PER_MONTH,
    DAYS_PER_MONTH,
    GB,
    HOURS_PER_MONTH,
    IDLE_CHECK_INTERVAL_MINUTES,
    MAX_HOURS_PER_MONTH,
    PIPELINES,
    PUSH_INPUTS_PER_CHANNEL,
    REGION_VIEWERS,
    RESOLUTIONS,
    SCHEDULE_YEAR,
    VIEWER_REGION_ALIASES,
    ChannelUsage,
    RecordingUsage,
    Usage,
    broadcasts_per_month,
    channel_hours,
    firings_per_month,
    recording_invocations,
    recording_usage,
    scheduler_invocations,
    usage_from_settings,
    viewer_region_for,
    viewer_region_near,
)
from livestream.wire import WireResource

__all__ = [
    "BOUNDS",
    "BROADCASTS_PER_MONTH",
    "COUNTED",
    "DAYS_PER_MONTH",
    "FIGURE_FIELDS",
    "GB",
    "HOURS_PER_MONTH",
    "IDLE_CHECK_INTERVAL_MINUTES",
    "MAX_HOURS_PER_MONTH",
    "PIPELINES",
    "PUSH_INPUTS_PER_CHANNEL",
    "REGION_VIEWERS",
    "RESOLUTIONS",
    "SCHEDULE_YEAR",
    "UNREAD_LADDER",
    "VIEWER_REGION_ALIASES",
    "ChannelUsage",
    "CostItem",
    "Estimate",
    "Figure",
    "PriceTable",
    "RecordingUsage",
    "Usage",
    "WireResource",
    "broadcasts_per_month",
    "channel_hours",
    "estimate",
    "firings_per_month",
    "load_prices",
    "output_class",
    "recording_invocations",
    "recording_usage",
    "resource_counts",
    "scheduler_invocations",
    "usage_from_recorded",
    "usage_from_settings",
    "usage_from_wire",
    "viewer_region_for",
    "viewer_region_near",
]
