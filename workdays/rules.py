"""Which days are working days, as pure functions (no database).

A day is a working day when it is one of the week's working days (CRM_BUSINESS_DAYS,
Monday to Friday by default) and not a listed holiday, or when it is listed as a
make-up working day (调休: a Saturday or Sunday worked in exchange for a longer public
holiday, as China's yearly holiday schedule sets them). SPEC "Working days".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

MONDAY_TO_FRIDAY = frozenset(range(5))  # Monday is 0


@dataclass(frozen=True)
class ListedDays:
    """A year's days the calendar lists: the holidays, and the make-up working days."""

    holidays: frozenset[date] = frozenset()
    make_up_days: frozenset[date] = frozenset()


NOTHING_LISTED = ListedDays()


def is_working_day(
    day: date,
    *,
    weekdays: Iterable[int] = MONDAY_TO_FRIDAY,
    holidays: frozenset[date] = frozenset(),
    make_up_days: frozenset[date] = frozenset(),
) -> bool:
    if day in holidays:
        return False
    return day in make_up_days or day.weekday() in weekdays


class WorkCalendar:
    """The working days of any year: the week's working days, corrected by the days
    ``listed(year)`` returns (nothing listed by default). Each year is asked once per
    calendar, so a loop over many days reads the listed days once."""

    def __init__(
        self, weekdays: Iterable[int] = MONDAY_TO_FRIDAY, listed: Callable[[int], ListedDays] | None = None
    ) -> None:
        self.weekdays = frozenset(weekdays)
        self._listed = listed or (lambda year: NOTHING_LISTED)
        self._years: dict[int, ListedDays] = {}

    def listed(self, year: int) -> ListedDays:
        if year not in self._years:
            self._years[year] = self._listed(year)
        return self._years[year]

    def is_working_day(self, day: date) -> bool:
        listed = self.listed(day.year)
        return is_working_day(day, weekdays=self.weekdays, holidays=listed.holidays, make_up_days=listed.make_up_days)

    def working_days(self, start: date, end: date) -> list[date]:
        """The working days from ``start`` to ``end``, both included."""
        days, day = [], start
        while day <= end:
            if self.is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def last_working_day(self, start: date, end: date) -> date | None:
        """The last working day from ``start`` to ``end`` (None when there is none)."""
        day = end
        while day >= start:
            if self.is_working_day(day):
                return day
            day -= timedelta(days=1)
        return None
