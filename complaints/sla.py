"""Complaint deadlines, as pure functions (no database).

A deadline is the received time plus a number of hours: either clock hours, or
business hours counted only on working days between the day's opening and closing
hours (all in the site's time zone). The hours are the stricter of the severity's
SLA policy and the client's tier: a VIP tier never gets a slower answer than its
tier promises, and a critical complaint never a slower one than its severity asks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from workdays.rules import is_working_day


@dataclass(frozen=True)
class BusinessCalendar:
    opens: time = time(9, 0)
    closes: time = time(18, 0)
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday is 0
    holidays: frozenset[date] = frozenset()  # e.g. Spring Festival and National Day
    # The working-day calendar's answer (workdays.selectors): when given, it alone says
    # which days are open, make-up working days (调休) included.
    working_day: Callable[[date], bool] | None = None

    def is_open_day(self, moment: datetime) -> bool:
        if self.working_day is not None:
            return self.working_day(moment.date())
        return is_working_day(moment.date(), weekdays=self.weekdays, holidays=self.holidays)


def add_business_hours(start: datetime, hours: float, calendar: BusinessCalendar) -> datetime:
    """``start`` plus ``hours`` counted only while the business is open.

    A complaint received out of hours starts counting at the next opening.
    """
    remaining = timedelta(hours=hours)
    moment = start
    for _ in range(3660):  # ten years of days: a bound, never reached with sane input
        day_open = moment.replace(hour=calendar.opens.hour, minute=calendar.opens.minute, second=0, microsecond=0)
        day_close = moment.replace(hour=calendar.closes.hour, minute=calendar.closes.minute, second=0, microsecond=0)
        if calendar.is_open_day(moment) and moment < day_close:
            moment = max(moment, day_open)
            available = day_close - moment
            if remaining <= available:
                return moment + remaining
            remaining -= available
        # on to the next day's opening
        next_day = (moment + timedelta(days=1)).replace(
            hour=calendar.opens.hour, minute=calendar.opens.minute, second=0, microsecond=0
        )
        moment = next_day
    raise ValueError("The business calendar has no open hours.")


def business_time_between(start: datetime, end: datetime, calendar: BusinessCalendar) -> timedelta:
    """The open time between two moments: the part of ``start``..``end`` that falls within
    the opening hours of open days (a night, a weekend or a holiday counts nothing)."""
    total = timedelta()
    day = start.replace(hour=0, minute=0, second=0, microsecond=0)
    while day < end:
        if calendar.is_open_day(day):
            day_open = day.replace(hour=calendar.opens.hour, minute=calendar.opens.minute)
            day_close = day.replace(hour=calendar.closes.hour, minute=calendar.closes.minute)
            counted = min(end, day_close) - max(start, day_open)
            if counted > timedelta():
                total += counted
        day = (day + timedelta(days=1)).replace(hour=0, minute=0)
    return total


def time_between(start: datetime, end: datetime, *, business_hours: bool, calendar: BusinessCalendar) -> timedelta:
    """How much of a deadline's clock ran between two moments (business or clock time)."""
    if business_hours:
        return business_time_between(start, end, calendar)
    return end - start


def postpone(due: datetime, paused: timedelta, *, business_hours: bool, calendar: BusinessCalendar) -> datetime:
    """A deadline moved by the time its clock was stopped: in business time, the paused
    hours are added as business hours after the old deadline (a deadline at 17:00 paused
    for 2 business hours falls at 10:00 on the next open day)."""
    if not paused:
        return due
    if business_hours:
        return add_business_hours(due, paused / timedelta(hours=1), calendar)
    return due + paused


def deadline(start: datetime, hours: float, *, business_hours: bool, calendar: BusinessCalendar) -> datetime:
    if business_hours:
        return add_business_hours(start, hours, calendar)
    return start + timedelta(hours=hours)


def target_hours(policy_hours: int | None, tier_hours: int | None) -> int:
    """The stricter (smaller) of the severity's and the tier's target."""
    known = [h for h in (policy_hours, tier_hours) if h]
    if not known:
        raise ValueError("No target hours known.")
    return min(known)


def deadline_status(due: datetime | None, now: datetime, *, done: bool, soon: timedelta) -> str:
    """on_time / due_soon / breached for a deadline that is not met yet ('' once met)."""
    if done or due is None:
        return ""
    if now > due:
        return "breached"
    if now > due - soon:
        return "due_soon"
    return "on_time"
