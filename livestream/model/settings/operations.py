"""`alarms`, `budget`, `schedule`, `usage` and `tags`: who hears about failures, what it may cost, when it runs."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from livestream.model.settings import readers as r
from livestream.model.settings.errors import ConfigError
from livestream.model.settings.fields import nearest, read_declared, section, section_of, setting

MAX_BUDGET_EMAILS = 10  # e-mail subscribers per AWS Budgets notification
_TAG_KEY = re.compile(r"^[\w.:/=+@ -]{1,128}$")

# Alarm defaults (threshold, period seconds, evaluation periods): a fault that lasts two or three
# minutes pages someone, a single bad minute does not. Stacks override per key.
ALARM_DEFAULTS: dict[str, tuple[float, int, int]] = {
    "activeAlerts": (1, 60, 2),
    "inputLoss": (1, 60, 2),
    "droppedFrames": (10, 60, 3),
    "outputErrors": (1, 60, 2),
    "cdn5xxRate": (5, 300, 1),
    "cdn4xxRate": (15, 300, 2),
}


@section()
class AlarmThreshold:
    threshold: float = setting(read=r.non_negative_number, why="per alarm: ALARM_DEFAULTS")
    period_seconds: int = setting(read=r.whole(10, 86_400), why="per alarm: ALARM_DEFAULTS")
    evaluation_periods: int = setting(read=r.whole(1, 100), why="per alarm: ALARM_DEFAULTS")


def read_threshold(key: str, raw: Any, default: AlarmThreshold) -> AlarmThreshold:
    section = section_of(AlarmThreshold, key, raw)
    values = read_declared(AlarmThreshold, section, defaults=default)
    period = values["period_seconds"]
    if period not in (10, 20, 30) and period % 60:
        raise ConfigError(section.key("period_seconds"), period, "CloudWatch periods are 10, 20, 30 or a multiple of 60")
    return AlarmThreshold(**values)


def default_thresholds() -> dict[str, AlarmThreshold]:
    return {name: AlarmThreshold(*values) for name, values in ALARM_DEFAULTS.items()}


def read_thresholds(key: str, raw: Any) -> dict[str, AlarmThreshold]:
    """The default thresholds with the stack's overrides; unknown alarm names are refused."""
    if not isinstance(raw, Mapping):
        raise ConfigError(key, raw, "expected a map of alarm name to {threshold, periodSeconds, evaluationPeriods}")
    thresholds = default_thresholds()
    for name, value in raw.items():
        if name not in thresholds:
            near = nearest(str(name), list(thresholds))
            hint = f"did you mean {key}.{near}? " if near else ""
            raise ConfigError(f"{key}.{name}", value, f"unknown alarm; {hint}allowed alarms are " + ", ".join(thresholds))
        thresholds[name] = read_threshold(f"{key}.{name}", value, thresholds[name])
    return thresholds


@section()
class AlarmSettings:
    emails: tuple[str, ...] = setting(
        default=(), read=r.list_of(r.email), why="the topic exists; who subscribes is the stack's choice"
    )
    thresholds: Mapping[str, AlarmThreshold] = setting(read=read_thresholds, why="ALARM_DEFAULTS", factory=default_thresholds)


def read_alarms(key: str, raw: Any) -> AlarmSettings:
    return AlarmSettings(**read_declared(AlarmSettings, section_of(AlarmSettings, key, raw)))


@section()
class BudgetSettings:
    monthly_usd: float | None = setting(default=None, read=r.positive_number, why="no budget unless a limit is given")
    emails: tuple[str, ...] = setting(default=(), read=r.list_of(r.email), why="the alarm topic is always notified")


def read_budget(key: str, raw: Any) -> BudgetSettings:
    section = section_of(BudgetSettings, key, raw)
    values = read_declared(BudgetSettings, section)
    if len({e.lower() for e in values["emails"]}) > MAX_BUDGET_EMAILS:
        raise ConfigError(
            section.key("emails"), list(values["emails"]), f"AWS Budgets notifies at most {MAX_BUDGET_EMAILS} addresses"
        )
    return BudgetSettings(**values)


@section()
class ScheduleSettings:
    timezone: str = setting(default="UTC", read=r.timezone, why="EventBridge Scheduler's own default")
    start: str | None = setting(default=None, read=r.schedule_expression, why="channels start by hand unless scheduled")
    stop: str | None = setting(default=None, read=r.schedule_expression, why="no fixed stop; idle stop or a person stops them")
    idle_stop_minutes: int | None = setting(
        default=None, read=r.whole(10, 1440), why="off: a quiet broadcast is not stopped unless asked"
    )
    running_notice_hour: int | None = setting(
        default=3, read=r.whole(0, 23), why="03:00 local: a channel left running overnight is noticed by morning", nullable=True
    )
    broadcaster_wait_minutes: int | None = setting(
        default=None,
        read=r.whole(10, 1440),
        why="off: a channel started by its schedule waits for its broadcaster until the scheduled stop",
    )
    max_run_hours: int | None = setting(
        default=None, read=r.whole(1, 168), why="off: no ceiling on how long a channel runs unless asked"
    )

    @property
    def has_stop(self) -> bool:
        return self.stop is not None or self.idle_stop_minutes is not None


def read_schedule(key: str, raw: Any) -> ScheduleSettings:
    section = section_of(ScheduleSettings, key, raw)
    values = read_declared(ScheduleSettings, section)
    start, stop, idle = values["start"], values["stop"], values["idle_stop_minutes"]
    if start is not None and start == stop:
        raise ConfigError(section.key("stop"), stop, "the stop expression must differ from start")
    if start is not None and stop is None and idle is None:
        raise ConfigError(
            section.key("stop"),
            None,
            f"a start schedule needs a stop expression or {section.name('idle_stop_minutes')}, or channels run forever",
        )
    for name in ("broadcaster_wait_minutes", "max_run_hours"):
        if values[name] is not None and idle is None:  # the idle check enforces both; it runs only with idleStopMinutes
            raise ConfigError(
                section.key(name), values[name], f"needs {section.key('idle_stop_minutes')}: the idle check enforces it"
            )
    return ScheduleSettings(**values)


@section()
class UsageSettings:
    """Assumptions for the cost estimate; they create no resources."""

    streamed_hours_per_month: float | None = setting(
        default=None, read=r.number(low=0, high=744), why="from the schedule; needed with idle stop or no schedule"
    )
    viewer_hours_per_month: float = setting(default=0.0, read=r.non_negative_number, why="no viewers assumed")
    watched_kbps: float | None = setting(default=None, read=r.positive_number, why="the top rendition's bitrate")


def read_usage(key: str, raw: Any) -> UsageSettings:
    return UsageSettings(**read_declared(UsageSettings, section_of(UsageSettings, key, raw)))


def read_tags(key: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, Mapping):
        raise ConfigError(key, raw, "expected a map of tag key to value")
    for name, value in raw.items():
        if not isinstance(name, str) or not _TAG_KEY.match(name) or name.startswith("aws:"):
            raise ConfigError(f"{key}.{name}", name, "tag keys are 1-128 characters and may not start with 'aws:'")
        if not isinstance(value, str) or len(value) > 256:
            raise ConfigError(f"{key}.{name}", value, "tag values are strings of at most 256 characters")
    return dict(raw)
