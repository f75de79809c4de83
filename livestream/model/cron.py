"""EventBridge Scheduler schedule expressions: parse them, list their fire times, count channel hours.

Pure standard library (no Pulumi import), so config validation, the cost model and the tests can use it.

Syntax (EventBridge Scheduler / EventBridge cron reference):
    cron(minutes hours day-of-month month day-of-week year)
        minutes 0-59 and hours 0-23          , - * /
        day-of-month 1-31                    , - * ? / L W   (L = last day, LW = last weekday, 15W = weekday nearest the 15th)
        month 1-12 or JAN-DEC                , - * /
        day-of-week 1-7 or SUN-SAT (1 = SUN) , - * ? L #     (L = SAT, 6L = last Friday, 3#2 = second Tuesday)
        year 1970-2199                       , - * /
        exactly one of day-of-month and day-of-week is '?'.
    rate(value minute(s) | hour(s) | day(s))

Time semantics follow EventBridge Scheduler: cron expressions are evaluated in an IANA timezone; a
local time that does not exist (spring forward) is skipped and a repeated one (fall back) fires once.
Rate schedules count absolute time (a day is 24 hours) from an anchor — the schedule's start date.
"""

from __future__ import annotations

import calendar
import itertools
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

__all__ = ["CronSchedule", "RateSchedule", "Schedule", "fire_times", "monthly_channel_hours", "parse", "running_hours"]

_MONTHS = {name.upper(): i for i, name in enumerate(calendar.month_abbr) if name}
_WEEKDAYS = {"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
_RATE = re.compile(r"(\d+) +(minute|minutes|hour|hours|day|days)")
_SYNTAX = (
    "expected cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 19 * * ? *), "
    "or rate(value unit), e.g. rate(5 minutes)"
)
_LOOKBACK_DAYS = (2, 8, 32, 367, 1462)  # widening searches for the last fire before a moment


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int]
    wildcards: str
    name_range: str = ""

    def allowed(self) -> str:
        names = f" or {self.name_range}" if self.name_range else ""
        return f"allowed: {self.low}-{self.high}{names} with the wildcards {' '.join(self.wildcards)}"


_MINUTES = _Field("minutes", 0, 59, {}, ",-*/")
_HOURS = _Field("hours", 0, 23, {}, ",-*/")
_DAY_OF_MONTH = _Field("day-of-month", 1, 31, {}, ",-*?/LW")
_MONTH = _Field("month", 1, 12, _MONTHS, ",-*/", "JAN-DEC")
_DAY_OF_WEEK = _Field("day-of-week", 1, 7, _WEEKDAYS, ",-*?L#", "SUN-SAT (1 = SUN)")
_YEAR = _Field("year", 1970, 2199, {}, ",-*/")
_FIELDS = (_MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK, _YEAR)  # in expression order


@dataclass(frozen=True)
class CronSchedule:
    """A parsed cron(...) expression. Day-of-week numbers are AWS's: 1 = Sunday ... 7 = Saturday."""

    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: '?' or a special rule
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # None: '?' or a special rule
    years: frozenset[int]
    special: tuple[str, int, int] | None = None  # ("last-day"|"last-weekday"|"nearest-weekday"|"last-dow"|"nth-dow", n, k)

    def __repr__(self) -> str:
        return f"CronSchedule({self.expression!r})"

    def runs_on(self, day: date) -> bool:
        """Whether the expression fires on this (local) calendar day."""
        if day.year not in self.years or day.month not in self.months:
            return False
        if self.special is not None:
            return day.day in _special_days(self.special, day.year, day.month)
        if self.days_of_month is not None:
            return day.day in self.days_of_month
        return self.days_of_week is not None and _aws_weekday(day) in self.days_of_week


@dataclass(frozen=True)
class RateSchedule:
    """A parsed rate(...) expression."""

    expression: str
    value: int
    unit: str  # "minutes" | "hours" | "days"

    @property
    def interval(self) -> timedelta:
        return timedelta(**{self.unit: self.value})


Schedule = CronSchedule | RateSchedule


# --- parsing ---------------------------------------------------------------------------------


def parse(expression: str) -> Schedule:
    """Parse an EventBridge Scheduler cron(...) or rate(...) expression; ValueError names the bad field."""
    if not isinstance(expression, str):
        raise ValueError(f"{expression!r} is not a string; {_SYNTAX}")
    return _parse(expression)


@lru_cache(maxsize=256)
def _parse(expression: str) -> Schedule:
    if expression.startswith("rate(") and expression.endswith(")"):
        return _parse_rate(expression, expression[5:-1])
    if expression.startswith("cron(") and expression.endswith(")"):
        return _parse_cron(expression, expression[5:-1])
    raise ValueError(f"{expression!r} is not a schedule expression; {_SYNTAX}")


def _parse_rate(expression: str, body: str) -> RateSchedule:
    match = _RATE.fullmatch(body)
    if not match:
        raise ValueError(
            f"{expression!r}: rate needs 'value unit' — a whole number and minute(s), hour(s) or day(s), e.g. rate(5 minutes)"
        )
    value = int(match.group(1))
    if value < 1:
        raise ValueError(f"{expression!r}: rate value must be a positive whole number, got {value}")
    return RateSchedule(expression, value, match.group(2).rstrip("s") + "s")


def _parse_cron(expression: str, body: str) -> CronSchedule:
    parts = body.split()
    if len(parts) != len(_FIELDS):
        raise ValueError(
            f"{expression!r}: cron needs 6 fields (minutes hours day-of-month month day-of-week year), got {len(parts)}"
        )
    minutes, hours, dom, month, dow, year = parts
    if (dom == "?") == (dow == "?"):
        raise ValueError(
            f"{expression!r}: exactly one of day-of-month ({dom!r}) and day-of-week ({dow!r}) must be '?', "
            "e.g. cron(0 19 * * ? *) or cron(0 19 ? * MON-FRI *)"
        )
    for field, text in zip(_FIELDS, parts, strict=True):
        _check_characters(expression, field, text)
    special = _special(expression, dom, dow)
    return CronSchedule(
        expression=expression,
        minutes=_values(expression, _MINUTES, minutes),
        hours=_values(expression, _HOURS, hours),
        days_of_month=None if dom == "?" or special else _values(expression, _DAY_OF_MONTH, dom),
        months=_values(expression, _MONTH, month),
        days_of_week=None if dow == "?" or special else _values(expression, _DAY_OF_WEEK, dow),
        years=_values(expression, _YEAR, year),
        special=special,
    )


def _fail(expression: str, field: _Field, text: str, problem: str) -> ValueError:
    return ValueError(f"{expression!r}: {field.name} field {text!r}: {problem}; {field.allowed()}")


def _check_characters(expression: str, field: _Field, text: str) -> None:
    names = "".join(field.names)
    for char in text:
        if not (char.isdigit() or char in field.wildcards or char.upper() in names):
            raise _fail(expression, field, text, f"{char!r} is not allowed here")
    if "?" in text and text != "?":
        raise _fail(expression, field, text, "'?' must stand alone")


def _special(expression: str, dom: str, dow: str) -> tuple[str, int, int] | None:
    """The L / W / # day rules; they must be the whole day field."""
    if dom == "L":
        return ("last-day", 0, 0)
    if dom == "LW":
        return ("last-weekday", 0, 0)
    if "L" in dom or "W" in dom:
        match = re.fullmatch(r"(\d+)W", dom)
        if not match:
            raise _fail(expression, _DAY_OF_MONTH, dom, "use L, LW or nW (the weekday nearest day n) on its own")
        return ("nearest-weekday", _number(expression, _DAY_OF_MONTH, dom, match.group(1)), 0)
    if dow == "L":
        return None  # plain Saturday, handled by _values
    if "L" in dow.upper():  # no weekday name contains an L
        match = re.fullmatch(r"(\w+?)L", dow, flags=re.IGNORECASE)
        if not match:
            raise _fail(expression, _DAY_OF_WEEK, dow, "use nL (the last day n of the month, e.g. 6L) on its own")
        return ("last-dow", _number(expression, _DAY_OF_WEEK, dow, match.group(1)), 0)
    if "#" in dow:
        match = re.fullmatch(r"(\w+)#(\d)", dow)
        if not match or not 1 <= int(match.group(2)) <= 5:
            raise _fail(expression, _DAY_OF_WEEK, dow, "use one n#k (the k-th day n of the month, k 1-5, e.g. 3#2)")
        return ("nth-dow", _number(expression, _DAY_OF_WEEK, dow, match.group(1)), int(match.group(2)))
    return None


def _values(expression: str, field: _Field, text: str) -> frozenset[int]:
    if field is _DAY_OF_WEEK and text.upper() == "L":
        return frozenset({7})
    values: set[int] = set()
    for item in text.split(","):
        values.update(_item(expression, field, text, item))
    return frozenset(values)


def _item(expression: str, field: _Field, text: str, item: str) -> range:
    base, _, step_text = item.partition("/")
    step = 1
    if "/" in item:
        if not step_text.isdigit() or int(step_text) < 1:
            raise _fail(expression, field, text, f"the step in {item!r} must be a positive whole number")
        step = int(step_text)
    if base == "*":
        return range(field.low, field.high + 1, step)
    first_text, dash, last_text = base.partition("-")
    first = _number(expression, field, text, first_text)
    last = _number(expression, field, text, last_text) if dash else (field.high if "/" in item else first)
    if last < first:
        raise _fail(expression, field, text, f"the range {item!r} runs backwards")
    return range(first, last + 1, step)


def _number(expression: str, field: _Field, text: str, token: str) -> int:
    if token.upper() in field.names:
        return field.names[token.upper()]
    if not token.isdigit():
        raise _fail(expression, field, text, f"{token!r} is not a number" + (" or a name" if field.names else ""))
    value = int(token)
    if not field.low <= value <= field.high:
        raise _fail(expression, field, text, f"{value} is out of range")
    return value


# --- calendar rules --------------------------------------------------------------------------


def _aws_weekday(day: date) -> int:
    """1 = Sunday ... 7 = Saturday."""
    return day.isoweekday() % 7 + 1


def _special_days(special: tuple[str, int, int], year: int, month: int) -> set[int]:
    kind, n, k = special
    last = calendar.monthrange(year, month)[1]
    days = [date(year, month, d) for d in range(1, last + 1)]
    if kind == "last-day":
        return {last}
    if kind == "last-weekday":
        return {max(d.day for d in days if d.weekday() < 5)}
    if kind == "nearest-weekday":
        return _nearest_weekday(n, days)
    matching = [d.day for d in days if _aws_weekday(d) == n]
    if kind == "last-dow":
        return {matching[-1]}
    return {matching[k - 1]} if k <= len(matching) else set()


def _nearest_weekday(n: int, days: list[date]) -> set[int]:
    """The weekday nearest day n, staying inside the month (Saturday the 1st -> Monday the 3rd)."""
    if n > len(days):
        return set()
    weekdays = [d.day for d in days if d.weekday() < 5]
    return {min(weekdays, key=lambda d: (abs(d - n), d))}


# --- fire times ------------------------------------------------------------------------------


def fire_times(
    expression: str | Schedule,
    timezone: str,
    start: datetime,
    end: datetime,
    *,
    anchor: datetime | None = None,
) -> list[datetime]:
    """Fire times in [start, end), as aware datetimes in `timezone`.

    Cron is evaluated on the local wall clock of `timezone` (DST-correct: a skipped local time does not
    fire, a repeated one fires once, at its first occurrence). A rate fires every interval of absolute
    time from `anchor` (the schedule's start date; default `start`).
    """
    zone = _zone(timezone)
    start_utc, end_utc = _utc(start, "start"), _utc(end, "end")
    first = start_utc if anchor is None else _utc(anchor, "anchor")
    return [t.astimezone(zone) for t in _fires(_schedule(expression), zone, start_utc, end_utc, first)]


def _fires(schedule: Schedule, zone: zoneinfo.ZoneInfo, start: datetime, end: datetime, anchor: datetime) -> list[datetime]:
    """UTC fire times in [start, end)."""
    if start >= end:
        return []
    if isinstance(schedule, RateSchedule):
        return _rate_fires(schedule.interval, start, end, anchor)
    return _cron_fires(schedule, zone, start, end)


def _rate_fires(interval: timedelta, start: datetime, end: datetime, anchor: datetime) -> list[datetime]:
    steps = -((anchor - start) // interval)  # ceil((start - anchor) / interval)
    first = anchor + max(steps, 0) * interval
    count = max(0, -((first - end) // interval))
    return [first + i * interval for i in range(count)]


def _cron_fires(schedule: CronSchedule, zone: zoneinfo.ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    day, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    times = [(h, m) for h in sorted(schedule.hours) for m in sorted(schedule.minutes)]
    fires: list[datetime] = []
    while day <= last:
        if schedule.runs_on(day):
            fires.extend(t for h, m in times if (t := _local(day, h, m, zone)) is not None and start <= t < end)
        day += timedelta(days=1)
    return fires


def _local(day: date, hour: int, minute: int, zone: zoneinfo.ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time; None if DST skips it (fold=0 picks the first of two)."""
    wall = datetime(day.year, day.month, day.day, hour, minute)
    instant = wall.replace(tzinfo=zone).astimezone(UTC)
    return instant if instant.astimezone(zone).replace(tzinfo=None) == wall else None


def _last_fire(schedule: Schedule, zone: zoneinfo.ZoneInfo, before: datetime, anchor: datetime) -> datetime | None:
    for days in _LOOKBACK_DAYS:
        fires = _fires(schedule, zone, before - timedelta(days=days), before, anchor)
        if fires:
            return fires[-1]
    return None


# --- running hours ---------------------------------------------------------------------------


def running_hours(
    start_expr: str,
    stop_expr: str,
    timezone: str,
    period_start: datetime,
    period_end: datetime,
    *,
    minimum_minutes: int = 10,
) -> float:
    """Hours in [period_start, period_end) that a channel runs when started by start_expr and stopped by stop_expr.

    A start while running and a stop while stopped do nothing; when both fire at the same minute the
    stop is applied first. A run already going at period_start (e.g. started 22:00 the evening before)
    counts from period_start. Each run is billed at least `minimum_minutes` (MediaLive: per minute,
    10-minute minimum); the billed time is clipped to the period. Rate expressions are anchored at
    period_start.
    """
    if minimum_minutes < 0:
        raise ValueError(f"minimum_minutes must be 0 or more, got {minimum_minutes}")
    zone = _zone(timezone)
    begin, end = _utc(period_start, "period_start"), _utc(period_end, "period_end")
    minimum = timedelta(minutes=minimum_minutes)
    billed = timedelta()
    for run_start, run_end in _runs(_schedule(start_expr), _schedule(stop_expr), zone, begin, end):
        billed += _overlap(run_start, max(run_end, run_start + minimum), begin, end)
    return billed.total_seconds() / 3600


def _runs(
    start: Schedule, stop: Schedule, zone: zoneinfo.ZoneInfo, begin: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """(run start, run end) pairs touching [begin, end); a run still going at `end` ends there."""
    events = sorted(
        [(t, 0) for t in _fires(stop, zone, begin, end, begin)] + [(t, 1) for t in _fires(start, zone, begin, end, begin)]
    )
    running_since = _running_since(start, stop, zone, begin)
    runs = []
    for moment, is_start in events:
        if is_start and running_since is None:
            running_since = moment
        elif not is_start and running_since is not None:
            runs.append((running_since, moment))
            running_since = None
    if running_since is not None:
        runs.append((running_since, end))
    return runs


def _running_since(start: Schedule, stop: Schedule, zone: zoneinfo.ZoneInfo, moment: datetime) -> datetime | None:
    """When the run in progress at `moment` began, or None when the channel is stopped then."""
    last_start = _last_fire(start, zone, moment, moment)
    if last_start is None:
        return None
    last_stop = _last_fire(stop, zone, moment, moment)
    if last_stop is None:
        return last_start
    if last_start < last_stop:
        return None
    return _fires(start, zone, last_stop, moment, moment)[0]


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> timedelta:
    return max(timedelta(), min(a_end, b_end) - max(a_start, b_start))


def monthly_channel_hours(start_expr: str, stop_expr: str, timezone: str, *, year: int = 2026) -> float:
    """Average over the 12 calendar months of `year` (local to `timezone`) of running_hours per month."""
    zone = _zone(timezone)
    months = [datetime(year, m, 1, tzinfo=zone) for m in range(1, 13)] + [datetime(year + 1, 1, 1, tzinfo=zone)]
    total = sum(running_hours(start_expr, stop_expr, timezone, a, b) for a, b in itertools.pairwise(months))
    return total / 12


# --- helpers ---------------------------------------------------------------------------------


def _schedule(expression: str | Schedule) -> Schedule:
    return expression if isinstance(expression, CronSchedule | RateSchedule) else parse(expression)


def _zone(timezone: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise ValueError(f"{timezone!r} is not an IANA timezone name such as Asia/Seoul or UTC") from None


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a timezone), got {moment!r}")
    return moment.astimezone(UTC)
