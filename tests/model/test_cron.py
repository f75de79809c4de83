"""livestream.model.cron: EventBridge Scheduler expressions, fire times and channel running hours."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from livestream.model import cron
from livestream.model.settings import ConfigError, schedule_expression

SEOUL = "Asia/Seoul"
NEW_YORK = "America/New_York"
DAILY_19 = "cron(0 19 * * ? *)"
DAILY_23 = "cron(0 23 * * ? *)"


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def day(zone: str, y: int, m: int, d: int) -> tuple[datetime, datetime]:
    return local(zone, y, m, d), local(zone, y, m, d) + timedelta(days=1)


# --- parse ---------------------------------------------------------------------------------------


def test_parse_daily_cron():
    schedule = cron.parse(DAILY_19)
    assert isinstance(schedule, cron.CronSchedule)
    assert schedule.minutes == {0} and schedule.hours == {19}
    assert schedule.days_of_month == frozenset(range(1, 32)) and schedule.days_of_week is None
    assert schedule.months == frozenset(range(1, 13)) and 2026 in schedule.years


@pytest.mark.parametrize(
    ("expression", "field", "values"),
    [
        ("cron(0,15,30 * * * ? *)", "minutes", {0, 15, 30}),
        ("cron(1/20 * * * ? *)", "minutes", {1, 21, 41}),
        ("cron(*/15 * * * ? *)", "minutes", {0, 15, 30, 45}),
        ("cron(0 8-10,20 * * ? *)", "hours", {8, 9, 10, 20}),
        ("cron(0 0-12/6 * * ? *)", "hours", {0, 6, 12}),
        ("cron(0 0 ? * MON-FRI *)", "days_of_week", {2, 3, 4, 5, 6}),
        ("cron(0 0 ? * 1,7 *)", "days_of_week", {1, 7}),
        ("cron(0 0 ? * sat,SUN *)", "days_of_week", {7, 1}),
        ("cron(0 0 ? * L *)", "days_of_week", {7}),
        ("cron(0 0 1 JAN-MAR ? *)", "months", {1, 2, 3}),
        ("cron(0 0 1,15 * ? *)", "days_of_month", {1, 15}),
        ("cron(0 0 1 * ? 2026-2027)", "years", {2026, 2027}),
    ],
)
def test_parse_fields(expression, field, values):
    assert getattr(cron.parse(expression), field) == frozenset(values)


@pytest.mark.parametrize(
    ("expression", "unit", "interval"),
    [
        ("rate(5 minutes)", "minutes", timedelta(minutes=5)),
        ("rate(1 minute)", "minutes", timedelta(minutes=1)),
        ("rate(2 hours)", "hours", timedelta(hours=2)),
        ("rate(1 day)", "days", timedelta(days=1)),
    ],
)
def test_parse_rate(expression, unit, interval):
    schedule = cron.parse(expression)
    assert isinstance(schedule, cron.RateSchedule)
    assert schedule.unit == unit and schedule.interval == interval


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("cron(60 19 * * ? *)", "minutes field '60': 60 is out of range; allowed: 0-59"),
        ("cron(0 24 * * ? *)", "hours field '24': 24 is out of range; allowed: 0-23"),
        ("cron(0 19 32 * ? *)", "day-of-month field '32': 32 is out of range; allowed: 1-31"),
        ("cron(0 19 1 13 ? *)", "month field '13': 13 is out of range; allowed: 1-12 or JAN-DEC"),
        ("cron(0 19 ? * 8 *)", "day-of-week field '8': 8 is out of range; allowed: 1-7 or SUN-SAT"),
        ("cron(0 19 ? * MON-XYZ *)", "day-of-week field 'MON-XYZ'"),
        ("cron(0 19 ? * FRI-MON *)", "day-of-week field 'FRI-MON': the range 'FRI-MON' runs backwards"),
        ("cron(0 19 * * ? 1969)", "year field '1969': 1969 is out of range; allowed: 1970-2199"),
        ("cron(0 19 * * * *)", "exactly one of day-of-month ('*') and day-of-week ('*') must be '?'"),
        ("cron(0 19 ? * ? *)", "exactly one of day-of-month ('?') and day-of-week ('?') must be '?'"),
        ("cron(0 19 * * ?)", "cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 5"),
        ("cron(0 ? * * ? *)", "hours field '?': '?' is not allowed here"),
        ("cron(*/0 19 * * ? *)", "minutes field '*/0': the step in '*/0' must be a positive whole number"),
        ("cron(0 19 1,,2 * ? *)", "day-of-month field '1,,2': '' is not a number"),
        ("cron(0 19 ? JAN MON#6 *)", "day-of-week field 'MON#6': use one n#k"),
        ("cron(0 19 ? * 3#1,6#3 *)", "day-of-week field '3#1,6#3': use one n#k"),
        ("cron(0 19 1-5W * ? *)", "day-of-month field '1-5W': use L, LW or nW"),
        ("cron(0 L * * ? *)", "hours field 'L': 'L' is not allowed here"),
        ("rate(0 minutes)", "rate value must be a positive whole number, got 0"),
        ("rate(5 fortnights)", "rate needs 'value unit'"),
        ("rate(minutes)", "rate needs 'value unit'"),
        ("every day at 7", "is not a schedule expression; expected cron("),
        ("at(2026-01-01T00:00:00)", "is not a schedule expression"),
    ],
)
def test_parse_rejects_with_a_message_naming_the_problem(expression, problem):
    with pytest.raises(ValueError) as raised:
        cron.parse(expression)
    assert problem in str(raised.value)
    assert expression in str(raised.value)


def test_parse_rejects_non_strings():
    with pytest.raises(ValueError, match="not a string"):
        cron.parse(19)  # type: ignore[arg-type]


# --- fire times ----------------------------------------------------------------------------------


def test_fire_times_are_local_and_aware():
    start, end = local(SEOUL, 2026, 5, 1), local(SEOUL, 2026, 5, 4)
    times = cron.fire_times(DAILY_19, SEOUL, start, end)
    assert times == [local(SEOUL, 2026, 5, d, 19) for d in (1, 2, 3)]
    assert [t.astimezone(UTC).hour for t in times] == [10, 10, 10]  # KST is UTC+9


def test_fire_times_interval_is_half_open():
    start = local(SEOUL, 2026, 5, 1, 19)
    assert cron.fire_times(DAILY_19, SEOUL, start, start + timedelta(days=1)) == [start]


def test_fire_times_follow_new_york_dst_in_march():
    # 2026-03-08 02:00 EST -> 03:00 EDT
    times = cron.fire_times(DAILY_19, NEW_YORK, local(NEW_YORK, 2026, 3, 7), local(NEW_YORK, 2026, 3, 10))
    assert [t.astimezone(UTC) for t in times] == [
        datetime(2026, 3, 8, 0, 0, tzinfo=UTC),  # 19:00 EST = UTC-5
        datetime(2026, 3, 8, 23, 0, tzinfo=UTC),  # 19:00 EDT = UTC-4
        datetime(2026, 3, 9, 23, 0, tzinfo=UTC),
    ]


def test_nonexistent_local_time_is_skipped_on_spring_forward():
    times = cron.fire_times("cron(30 2 * * ? *)", NEW_YORK, local(NEW_YORK, 2026, 3, 7), local(NEW_YORK, 2026, 3, 10))
    assert [t.date() for t in times] == [date(2026, 3, 7), date(2026, 3, 9)]


def test_repeated_local_time_fires_once_on_fall_back():
    times = cron.fire_times("cron(30 1 * * ? *)", NEW_YORK, local(NEW_YORK, 2026, 10, 31), local(NEW_YORK, 2026, 11, 3))
    assert len(times) == 3
    assert times[1].astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)  # the first 01:30 (EDT)


def test_weekday_names_use_aws_numbering():
    # 1 = SUN in AWS cron; 2026-05-03 is a Sunday
    times = cron.fire_times("cron(0 9 ? * 1 *)", SEOUL, local(SEOUL, 2026, 5, 1), local(SEOUL, 2026, 5, 15))
    assert [t.day for t in times] == [3, 10]
    assert cron.fire_times("cron(0 9 ? * SUN *)", SEOUL, local(SEOUL, 2026, 5, 1), local(SEOUL, 2026, 5, 15)) == times


@pytest.mark.parametrize(
    ("expression", "days"),
    [
        ("cron(0 9 L * ? *)", [28]),  # last day of February 2026
        ("cron(0 9 LW * ? *)", [27]),  # last weekday: Friday 27th
        ("cron(0 9 1W * ? *)", [2]),  # 2026-02-01 is a Sunday -> Monday the 2nd
        ("cron(0 9 14W * ? *)", [13]),  # Saturday 14th -> Friday 13th
        ("cron(0 9 ? * 6L *)", [27]),  # last Friday
        ("cron(0 9 ? * 3#2 *)", [10]),  # second Tuesday
        ("cron(0 9 ? * 2#5 *)", []),  # no fifth Monday in February 2026
    ],
)
def test_special_day_rules(expression, days):
    times = cron.fire_times(expression, SEOUL, local(SEOUL, 2026, 2, 1), local(SEOUL, 2026, 3, 1))
    assert [t.day for t in times] == days


def test_rate_fires_every_interval_of_absolute_time_from_the_anchor():
    start = local(NEW_YORK, 2026, 3, 7, 12)
    times = cron.fire_times("rate(1 day)", NEW_YORK, start, start + timedelta(days=3))
    assert [t.astimezone(UTC) - start.astimezone(UTC) for t in times] == [timedelta(days=i) for i in range(3)]
    assert times[2].hour == 13  # 24 h after noon EST across spring-forward is 13:00 EDT
    anchored = cron.fire_times("rate(15 minutes)", SEOUL, start, start + timedelta(hours=1), anchor=start - timedelta(minutes=5))
    assert [t.minute for t in anchored] == [10, 25, 40, 55]


def test_fire_times_rejects_naive_datetimes_and_unknown_zones():
    with pytest.raises(ValueError, match="aware"):
        cron.fire_times(DAILY_19, SEOUL, datetime(2026, 1, 1), datetime(2026, 1, 2))
    with pytest.raises(ValueError, match="IANA timezone"):
        cron.fire_times(DAILY_19, "Mars/Olympus", local(SEOUL, 2026, 1, 1), local(SEOUL, 2026, 1, 2))


# --- running hours -------------------------------------------------------------------------------


def test_dev_schedule_runs_about_121_67_hours_a_month():
    hours = cron.monthly_channel_hours(DAILY_19, DAILY_23, SEOUL)
    assert hours == pytest.approx(4 * 365 / 12)
    assert round(hours, 2) == 121.67


def test_running_hours_for_a_month():
    assert cron.running_hours(DAILY_19, DAILY_23, SEOUL, local(SEOUL, 2026, 2, 1), local(SEOUL, 2026, 3, 1)) == 4 * 28


def test_weekdays_only_schedule():
    start, stop = "cron(0 19 ? * MON-FRI *)", "cron(0 23 ? * MON-FRI *)"
    # 2026-05-04 .. 05-10 is Monday .. Sunday
    assert cron.running_hours(start, stop, SEOUL, local(SEOUL, 2026, 5, 4), local(SEOUL, 2026, 5, 11)) == 20
    assert cron.monthly_channel_hours(start, stop, SEOUL) == pytest.approx(4 * 261 / 12)  # 261 weekdays in 2026


def test_overnight_schedule_crossing_midnight():
    start, stop = "cron(0 22 * * ? *)", "cron(0 2 * * ? *)"
    # the run started the evening before counts from midnight: 00:00-02:00 + 22:00-24:00
    assert cron.running_hours(start, stop, SEOUL, *day(SEOUL, 2026, 1, 10)) == 4
    assert cron.running_hours(start, stop, SEOUL, local(SEOUL, 2026, 1, 10, 23), local(SEOUL, 2026, 1, 11, 1)) == 2
    assert cron.monthly_channel_hours(start, stop, SEOUL) == pytest.approx(4 * 365 / 12)


def test_running_hours_follow_dst():
    start, stop = "cron(0 0 * * ? *)", "cron(0 4 * * ? *)"
    assert cron.running_hours(start, stop, NEW_YORK, *day(NEW_YORK, 2026, 3, 8)) == 3  # 02:00 -> 03:00
    assert cron.running_hours(start, stop, NEW_YORK, *day(NEW_YORK, 2026, 11, 1)) == 5  # 02:00 -> 01:00
    assert cron.running_hours(start, stop, NEW_YORK, *day(NEW_YORK, 2026, 3, 9)) == 4


def test_start_while_running_does_nothing():
    start, stop = "cron(0 8-20 * * ? *)", "cron(30 21 * * ? *)"  # hourly starts, one stop
    assert cron.running_hours(start, stop, SEOUL, *day(SEOUL, 2026, 6, 1)) == 13.5


def test_stop_while_stopped_does_nothing():
    start, stop = "cron(0 9 * * ? *)", "cron(30 * * * ? *)"  # one start, a stop every hour
    assert cron.running_hours(start, stop, SEOUL, *day(SEOUL, 2026, 6, 1)) == 0.5


def test_each_run_is_billed_at_least_the_minimum():
    start, stop = DAILY_19, "cron(3 19 * * ? *)"  # 3-minute runs
    period = day(SEOUL, 2026, 6, 1)
    assert cron.running_hours(start, stop, SEOUL, *period) == pytest.approx(10 / 60)
    assert cron.running_hours(start, stop, SEOUL, *period, minimum_minutes=0) == pytest.approx(3 / 60)
    assert cron.running_hours(DAILY_19, "cron(0 20 * * ? *)", SEOUL, *period) == 1  # longer runs are not padded


def test_channel_never_stopped_runs_to_the_end_of_the_period():
    start, never = "cron(0 19 1 6 ? 2026)", "cron(0 0 1 1 ? 2199)"  # one start, no stop before 2199
    assert cron.running_hours(start, never, SEOUL, *day(SEOUL, 2026, 6, 1)) == 5
    assert cron.running_hours(start, never, SEOUL, *day(SEOUL, 2026, 6, 2)) == 24  # still running from the day before
    assert cron.running_hours(start, never, SEOUL, *day(SEOUL, 2026, 5, 31)) == 0


# --- config delegates to cron.parse --------------------------------------------------------------


def test_config_accepts_what_cron_parses():
    assert schedule_expression("schedule.start", "cron(0 19 ? * MON-FRI *)") == "cron(0 19 ? * MON-FRI *)"
    assert schedule_expression("schedule.idle", "rate(5 minutes)") == "rate(5 minutes)"


@pytest.mark.parametrize(
    ("value", "problem"),
    [("cron(0 25 * * ? *)", "hours field '25'"), ("cron(0 19 * * * *)", "exactly one of"), (19, "expected cron(")],
)
def test_config_reports_cron_errors_as_config_errors(value, problem):
    with pytest.raises(ConfigError) as raised:
        schedule_expression("schedule.start", value)
    assert raised.value.key == "schedule.start" and raised.value.value == value
    assert problem in str(raised.value)


# --- laws across DST changes (property-based) ------------------------------------------------------
#
# EventBridge Scheduler evaluates cron in the schedule's timezone and adjusts for DST: "When the time
# shifts forward in Spring, your schedule invocation gets skipped if the cron expression falls on a
# non-existent date and time. When the time shifts back in the Fall, your schedule runs only once";
# a rate in days is "24 hours after the schedule's last invocation".
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
# https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst

DST_ZONES = st.sampled_from(["America/New_York", "Europe/London", "Australia/Sydney", "Asia/Seoul"])
YEARS = st.integers(2024, 2030)
# Months holding the northern and southern transitions (NY: Mar/Nov, London: Mar/Oct, Sydney: Apr/Oct).
SEASONS = st.sampled_from([(3, 5), (10, 12)])


def wall_clock_exists(zone: str, day: date, hour: int, minute: int) -> bool:
    wall = datetime(day.year, day.month, day.day, hour, minute)
    return wall.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) == wall


def local_days(zone: str, year: int, months: tuple[int, int]) -> tuple[datetime, datetime, list[date]]:
    start, end = local(zone, year, months[0], 1), local(zone, year, months[1], 1)
    days = [start.date() + timedelta(days=i) for i in range((end.date() - start.date()).days)]
    return start, end, days


@given(zone=DST_ZONES, year=YEARS, season=SEASONS, hour=st.integers(0, 23), minute=st.integers(0, 59))
@example(zone=NEW_YORK, year=2026, season=(3, 5), hour=2, minute=30)  # skipped on 2026-03-08
@example(zone="Europe/London", year=2026, season=(10, 12), hour=1, minute=30)  # repeated on 2026-10-25
@settings(max_examples=60, deadline=None)
def test_a_daily_cron_fires_at_the_wall_clock_time_once_a_day_or_not_when_skipped(
    zone: str, year: int, season: tuple[int, int], hour: int, minute: int
) -> None:
    start, end, days = local_days(zone, year, season)
    fires = cron.fire_times(f"cron({minute} {hour} * * ? *)", zone, start, end)
    assert fires == sorted(set(fires)) and all(start <= t < end for t in fires)
    for day in days:
        on_day = [t for t in fires if t.date() == day]
        if wall_clock_exists(zone, day, hour, minute):
            assert [(t.hour, t.minute) for t in on_day] == [(hour, minute)], day  # once, even when repeated
        else:
            assert on_day == [], day  # spring forward: skipped


@given(zone=DST_ZONES, year=YEARS, season=SEASONS, minute=st.integers(0, 59))
@settings(max_examples=20, deadline=None)
def test_an_hourly_cron_fires_once_per_existing_wall_clock_hour(
    zone: str, year: int, season: tuple[int, int], minute: int
) -> None:
    start, end, days = local_days(zone, year, season)
    fires = cron.fire_times(f"cron({minute} * * * ? *)", zone, start, end)
    for day in days:
        expected = [h for h in range(24) if wall_clock_exists(zone, day, h, minute)]
        assert [t.hour for t in fires if t.date() == day] == expected, day


@given(zone=DST_ZONES, year=YEARS, season=SEASONS, hours=st.integers(1, 48))
@settings(max_examples=30, deadline=None)
def test_a_rate_counts_absolute_time_across_dst(zone: str, year: int, season: tuple[int, int], hours: int) -> None:
    start, end, _ = local_days(zone, year, season)
    fires = [t.astimezone(UTC) for t in cron.fire_times(f"rate({hours} hours)", zone, start, end)]
    assert fires and all(b - a == timedelta(hours=hours) for a, b in itertools.pairwise(fires))


@given(zone=DST_ZONES, year=YEARS, season=SEASONS, first=st.integers(0, 22), length=st.integers(1, 23))
@settings(max_examples=25, deadline=None)
def test_running_hours_are_the_elapsed_time_between_existing_start_and_stop(
    zone: str, year: int, season: tuple[int, int], first: int, length: int
) -> None:
    last = min(first + length, 23)
    _, _, days = local_days(zone, year, season)
    for day in days:
        # A stop skipped by spring forward leaves the channel running into the next day: both days need both times.
        if not all(wall_clock_exists(zone, d, h, 0) for d in (day, day - timedelta(days=1)) for h in (first, last)):
            continue
        begin = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
        hours = cron.running_hours(f"cron(0 {first} * * ? *)", f"cron(0 {last} * * ? *)", zone, begin, begin + timedelta(days=1))
        elapsed = local(zone, day.year, day.month, day.day, last).astimezone(UTC) - local(
            zone, day.year, day.month, day.day, first
        ).astimezone(UTC)
        assert hours == pytest.approx(elapsed.total_seconds() / 3600), day


def test_a_stop_that_spring_forward_skips_leaves_the_channel_running_until_the_next_stop() -> None:
    start, stop = "cron(0 1 * * ? *)", "cron(30 2 * * ? *)"  # 02:30 does not exist in New York on 2026-03-08
    assert cron.running_hours(start, stop, NEW_YORK, *day(NEW_YORK, 2026, 3, 8)) == 22  # 01:00 EST to midnight (a 23 h day)
    assert (
        cron.running_hours(start, stop, NEW_YORK, *day(NEW_YORK, 2026, 3, 9)) == 2.5
    )  # carried over until 02:30 (the 01:00 start finds it running)
