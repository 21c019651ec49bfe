"""The one answer to "is this a working day?" for every part of the CRM: complaint
business hours, visit generation, the "last working day" reminders, the weekly summary,
the scorecard and the analysis pace (SPEC "Working days").

The listed days are read once per year and kept in the shared cache (the web, worker and
beat processes all see an admin's change at once): every save, delete and import of the
calendar starts a new cache generation (signals.py).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.cache import cache

from .models import CalendarDay
from .rules import ListedDays, WorkCalendar

GENERATION_KEY = "workdays:generation"
# A safety net only: a change made behind the models' back (raw SQL) shows within a day.
YEAR_SECONDS = 24 * 3600


def _generation() -> str:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY) or "none"
    return generation


def forget_cached_years() -> None:
    """Start a new generation: every year is read from the database again. A new random
    name, not a counter, so an evicted generation key can never bring back old years."""
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def listed_days(year: int) -> ListedDays:
    key = f"workdays:{_generation()}:{year}"
    listed = cache.get(key)
    if listed is None:
        rows = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
        listed = ListedDays(
            holidays=frozenset(day for day, kind in rows if kind == CalendarDay.Kind.HOLIDAY),
            make_up_days=frozenset(day for day, kind in rows if kind == CalendarDay.Kind.WORKING_DAY),
        )
        cache.set(key, listed, YEAR_SECONDS)
    return listed


def work_calendar() -> WorkCalendar:
    """The calendar to ask about many days (it reads each year once)."""
    return WorkCalendar(weekdays=settings.CRM_BUSINESS_DAYS, listed=listed_days)


def is_working_day(day: date) -> bool:
    return work_calendar().is_working_day(day)


def working_days(start: date, end: date) -> list[date]:
    """The working days from ``start`` to ``end``, both included."""
    return work_calendar().working_days(start, end)


def next_working_day(day: date) -> date | None:
    """The first working day after ``day`` (to show the next day's work when ``day`` has
    none, e.g. a weekend or a holiday); None when the next 31 days have none."""
    following = working_days(day + timedelta(days=1), day + timedelta(days=31))
    return following[0] if following else None
