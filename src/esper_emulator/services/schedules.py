"""When a scheduled Commands API command may run: the windows of its ``schedule_args``.

The public description names the fields (``start_datetime``, ``end_datetime``,
``time_type``, ``window_start_time``, ``window_end_time``, ``days``) but not their
formats or how they combine. The emulator reads them so [guess]:

- ``start_datetime`` and ``end_datetime`` (ISO 8601; UTC when no offset is given)
  bound the schedule; ``start_datetime`` defaults to now, ``end_datetime`` is required.
- ``window_start_time`` / ``window_end_time`` (``HH:MM`` or ``HH:MM:SS``) make a daily
  window, on the ``days`` named (weekday names, any case, or their first three
  letters; every day when none), within the bounds. Without them the one window is
  the whole span from ``start_datetime`` to ``end_datetime``. A window whose end time is
  before its start time runs past midnight.
- ``time_type`` (``console`` or ``device``) is accepted; every simulated device keeps
  UTC, as the console's times are read, so both mean UTC here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from esper_emulator.errors import bad_request
from esperclient._generated.v0 import CommandScheduleArgs

IMMEDIATE, WINDOW, RECURRING = "IMMEDIATE", "WINDOW", "RECURRING"
SCHEDULES = (IMMEDIATE, WINDOW, RECURRING)
"""The ``schedule`` of a Commands API request (``CommandScheduleEnum``)."""
TIME_TYPES = ("console", "device")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Window = tuple[datetime, datetime]
"""When a window opens and when it closes."""


@dataclass(frozen=True)
class Schedule:
    """The windows a scheduled command may run in."""

    start: datetime
    end: datetime
    daily: tuple[time, time] | None
    days: frozenset[int]

    def window(self, after: datetime) -> Window | None:
        """The first window that closes after ``after`` (it may be open already), if any."""
        if self.daily is None:
            return (self.start, self.end) if self.end > after else None
        day = max(after, self.start).date() - timedelta(days=1)
        while datetime.combine(day, time.min, timezone.utc) < self.end:
            opens, closes = self._on(day)
            if closes > after and opens < closes and day.weekday() in self.days:
                return opens, closes
            day += timedelta(days=1)
        return None

    def next_run(self, when: datetime) -> Window | None:
        """The window after the one ``when`` falls in (or the first one after ``when``)."""
        current = self.window(when)
        if current is not None and current[0] <= when:
            return self.window(current[1])
        return current

    def _on(self, day: date) -> Window:
        """The window of ``day``, clipped to the schedule's bounds."""
        assert self.daily is not None
        start, end = self.daily
        opens = datetime.combine(day, start, timezone.utc)
        closes = datetime.combine(day + timedelta(days=end <= start), end, timezone.utc)
        return max(opens, self.start), min(closes, self.end)


def parse(args: CommandScheduleArgs | None, now: datetime) -> Schedule:
    """The schedule of ``args`` sent at ``now``; a 400 naming the field that does not fit.

    The schedule's start is written back into ``args`` when it was left out.
    """
    if args is None:
        raise bad_request("schedule_args", "A WINDOW or RECURRING schedule needs schedule_args.")
    if args.start_datetime is None:
        args.start_datetime = now.isoformat()
    schedule = read(args)
    if schedule.window(now) is None:
        raise bad_request("schedule_args", "The schedule has no window left to run in.")
    return schedule


def read(args: CommandScheduleArgs) -> Schedule:
    """The schedule of ``args`` (with a start); a 400 naming the field that does not fit."""
    start = _datetime("start_datetime", args.start_datetime)
    assert start is not None
    end = _datetime("end_datetime", args.end_datetime)
    if end is None:
        raise bad_request("schedule_args.end_datetime", "This field is required.")
    if end <= start:
        raise bad_request("schedule_args.end_datetime", "Must be after start_datetime.")
    if args.time_type is not None and args.time_type not in TIME_TYPES:
        raise bad_request("schedule_args.time_type", f"Must be one of {', '.join(TIME_TYPES)}.")
    return Schedule(start, end, _daily(args), _days(args.days))


def _datetime(field: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise bad_request(
            f"schedule_args.{field}", f"{value!r} is not an ISO 8601 datetime."
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _daily(args: CommandScheduleArgs) -> tuple[time, time] | None:
    start, end = args.window_start_time, args.window_end_time
    if start is None and end is None:
        return None
    return _time("window_start_time", start), _time("window_end_time", end)


def _time(field: str, value: str | None) -> time:
    if value is None:
        raise bad_request(f"schedule_args.{field}", "Both window times are needed, or neither.")
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise bad_request(
            f"schedule_args.{field}", f"{value!r} is not a time (HH:MM[:SS])."
        ) from None


def _days(days: list[str] | None) -> frozenset[int]:
    if not days:
        return frozenset(range(7))
    found = set()
    for day in days:
        named = [n for n, name in enumerate(WEEKDAYS) if day.lower() in (name, name[:3])]
        if not named:
            raise bad_request("schedule_args.days", f"{day!r} is not a weekday name.")
        found.add(named[0])
    return frozenset(found)
