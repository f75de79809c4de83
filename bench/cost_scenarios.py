"""The reference scenario under three operating modes, itemised, against the $154/month an earlier design priced it at.

Run: .venv/bin/python bench/cost_scenarios.py

Scenario: one channel with the `sd` ladder (480p/360p/240p, SD input), single pipeline, us-east-1
prices, viewers in Korea pulling 600 GB a month at 1.5 Mbps, archive to Glacier after 30 days
and expiring after 365, 6 alarms + 1 dashboard + 1 budget (the reference's monitoring).

Modes:
- 24/7: the channel never stops (730 h).
- schedule: started 19:00 and stopped 23:00 every day (the reference's 4 h x 30 days = 120 h).
- schedule + idle stop: the same window, plus idleStopMinutes 20; the broadcaster actually streams
  2.5 h of the 4 h evening (75 h a month), so the channel stops ~22.5 min after the stream ends
  (20 min idle window + half the 5-minute idle-check interval), every evening.
"""

from __future__ import annotations

import dataclasses
import json
import tempfile
from pathlib import Path

from livestream import cost
from livestream.model import ladder
from livestream.model.settings import ChannelSettings, IngestSettings, ScheduleSettings, UsageSettings

REGION = "us-east-1"
VIEWER_GB = 600.0
WATCHED_KBPS = 1500.0
STREAMED_HOURS = 2.5 * 30
SCHEDULE = ScheduleSettings(timezone="Asia/Seoul", start="cron(0 19 * * ? *)", stop="cron(0 23 * * ? *)")
IDLE_SCHEDULE = dataclasses.replace(SCHEDULE, idle_stop_minutes=20)
SD_LADDER = ladder.PRESETS["sd"]
CHANNEL = ChannelSettings("main", IngestSettings(), SD_LADDER, "sd", input_resolution=ladder.input_resolution(SD_LADDER))
REFERENCE = {"MediaLive": 84.0, "MediaPackage": 10.0, "CloudFront": 51.0, "S3": 5.0, "Monitoring": 3.60}
REFERENCE_TOTAL = 154.0
REFERENCE_HOURS = 120.0  # the reference's 4 h x 30 days

GROUPS = {
    "MediaLive": ("MediaLive channels", "MediaLive idle"),
    "MediaPackage": ("MediaPackage ingest", "MediaPackage origination"),
    "CloudFront": ("CloudFront egress",),
    "S3": ("S3 archive",),
    # The KMS keys encrypt the alarm topics.
    "Monitoring": ("CloudWatch alarms", "CloudWatch dashboards", "AWS Budgets", "SNS", "KMS keys"),
    "Scheduling": ("EventBridge Scheduler", "Lambda", "Secrets Manager"),
}


def viewer_hours(gb: float, kbps: float) -> float:
    return gb * cost.GB * 8 / (kbps * 1000 * 3600)


def usage(hours: float, invocations: int, *, channel: ChannelSettings = CHANNEL, viewer_region: str = "korea") -> cost.Usage:
    return cost.Usage(
        region=REGION,
        channels=(cost.ChannelUsage.from_channel(channel, hours),),
        viewer_hours_per_month=viewer_hours(VIEWER_GB, WATCHED_KBPS),
        watched_kbps=WATCHED_KBPS,
        viewer_region=viewer_region,
        archive_retention_days=365,
        glacier_after_days=30,
        alarms=6,
        dashboards=1,
        budgets=1,
        scheduler_invocations_per_month=invocations,
        lambda_invocations_per_month=invocations,
    )


def table(columns: dict[str, cost.Estimate]) -> str:
    names = [item.name for item in next(iter(columns.values())).items]
    width = max(len(n) for n in names) + 2
    head = "item".ljust(width) + "".join(f"{title:>22}" for title in columns)
    lines = [head, "-" * len(head)]
    for name in names:
        lines.append(name.ljust(width) + "".join(f"{e.item(name).monthly_usd:>22,.2f}" for e in columns.values()))
    lines.append("-" * len(head))
    lines.append("TOTAL (USD/month)".ljust(width) + "".join(f"{e.monthly_usd:>22,.2f}" for e in columns.values()))
    return "\n".join(lines)


def grouped(columns: dict[str, cost.Estimate]) -> str:
    titles = [*columns, "reference design"]
    head = "service".ljust(14) + "".join(f"{t:>22}" for t in titles)
    lines = [head, "-" * len(head)]
    for group, names in GROUPS.items():
        values = [sum(e.item(n).monthly_usd for n in names) for e in columns.values()]
        ref = REFERENCE.get(group)
        lines.append(
            group.ljust(14) + "".join(f"{v:>22,.2f}" for v in values) + (f"{ref:>22,.2f}" if ref is not None else f"{'-':>22}")
        )
    lines.append("-" * len(head))
    totals = [e.monthly_usd for e in columns.values()]
    lines.append("TOTAL".ljust(14) + "".join(f"{t:>22,.2f}" for t in totals) + f"{REFERENCE_TOTAL:>22,.2f}")
    return "\n".join(lines)


def reference_aligned() -> cost.Estimate:
    """The schedule mode priced the reference's way, to show which assumptions make up the gap:
    one 480p output from an HD input, no idle charges, no free tiers, US/Europe CloudFront price."""
    override = {
        "medialive": {"idleChannelPerHour": 0, "idlePushInputPerHour": 0},
        "assumptions": {"applyFreeTiers": 0},
    }
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reference-override.json"
        path.write_text(json.dumps(override), encoding="utf-8")
        prices = cost.load_prices(REGION, path)
    channel = dataclasses.replace(CHANNEL, ladder=(ladder.top(SD_LADDER),), input_resolution="HD")
    return cost.estimate(usage(REFERENCE_HOURS, 90, channel=channel, viewer_region="us_europe"), prices)


def main() -> None:
    cron_hours = cost.channel_hours(SCHEDULE, UsageSettings())
    idle_hours = cost.channel_hours(IDLE_SCHEDULE, UsageSettings(streamed_hours_per_month=STREAMED_HOURS))
    modes = {  # title: (channel hours, schedule)
        "24/7 (730 h)": (cost.HOURS_PER_MONTH, ScheduleSettings()),
        f"schedule ({REFERENCE_HOURS:.0f} h)": (REFERENCE_HOURS, SCHEDULE),
        f"sched+idle ({idle_hours:.1f} h)": (idle_hours, IDLE_SCHEDULE),
    }
    usages = {title: usage(hours, cost.scheduler_invocations(schedule)) for title, (hours, schedule) in modes.items()}
    columns = {title: cost.estimate(mode) for title, mode in usages.items()}
    print("Reference scenario: sd ladder (480p/360p/240p, SD input), SINGLE_PIPELINE, us-east-1 prices,")
    print(f"{VIEWER_GB:.0f} GB/month to viewers in Korea at {WATCHED_KBPS:.0f} kbps, archive Glacier after 30 d, expiry 365 d,")
    print("6 alarms + 1 dashboard + 1 budget. Free tiers applied (CloudFront 1 TB, CloudWatch, Lambda, Scheduler, SNS).")
    print(
        f"Schedule + idle stop: {STREAMED_HOURS:.0f} h streamed (2.5 h of each 4 h evening) + "
        f"{cost.broadcasts_per_month(IDLE_SCHEDULE):.1f} broadcasts x "
        f"({IDLE_SCHEDULE.idle_stop_minutes} + {cost.IDLE_CHECK_INTERVAL_MINUTES / 2:g}) min = {idle_hours:.2f} h."
    )
    print(
        f"(The 19:00-23:00 Asia/Seoul cron averages {cron_hours:.2f} h/month over {cost.SCHEDULE_YEAR}; "
        f"the table uses the reference's {REFERENCE_HOURS:.0f} h.)"
    )
    print("Prices are on-demand: 24/7 channels (> 180 h/month) can reserve MediaLive for 12 months at up to 70-75 % off,")
    print("which this table does not model.")
    print()
    print(table(columns))
    print()
    print("By service, against the reference design's $154/month:")
    print(grouped(columns))
    print()
    aligned = reference_aligned()
    print("The schedule mode priced the reference's way (one 480p output from an HD input, no idle charges,")
    print("no free tiers, US/Europe CloudFront price):")
    print(grouped({"reference-aligned": aligned}))
    print()
    print("Same three modes in ap-northeast-2 (Seoul uplift factors are estimates):")
    for title, mode in usages.items():
        seoul = cost.estimate(dataclasses.replace(mode, region="ap-northeast-2"))
        print(f"  {title:<24}{seoul.monthly_usd:>10,.2f} USD/month")


if __name__ == "__main__":
    main()
