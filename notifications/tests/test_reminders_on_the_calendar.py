"""The weekly and month-end reminders go out on the last working day of the calendar,
not on a Friday or the last weekday that may be a holiday (SPEC "Working days")."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from notifications.jobs import run_job
from workdays.models import CalendarDay
from workdays.tests.factories import CalendarDayFactory, national_day_2026

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def counts_on(day: date) -> dict:
    with time_machine.travel(datetime(day.year, day.month, day.day, 14, tzinfo=SHANGHAI), tick=False):
        return run_job("visits.summaries_due").counts


def test_month_end_reminder_when_the_last_weekday_is_a_holiday(manager):
    CalendarDayFactory(date=date(2026, 12, 31), name="Year-end holiday")  # a Thursday
    assert counts_on(date(2026, 12, 31))["monthly"] == 0
    assert counts_on(date(2026, 12, 30))["monthly"] == 1


def test_month_end_reminder_on_a_make_up_saturday(manager):
    # February 2026: Saturday the 28th is worked after the Spring Festival.
    CalendarDayFactory(date=date(2026, 2, 28), kind=CalendarDay.Kind.WORKING_DAY, name="春节调休上班")
    assert counts_on(date(2026, 2, 27))["monthly"] == 0
    assert counts_on(date(2026, 2, 28))["monthly"] == 1


def test_weekly_summary_on_the_last_working_day_of_the_week(manager):
    national_day_2026()
    # The week of 28 September ends on Wednesday the 30th: Thursday to Sunday are off.
    assert counts_on(date(2026, 9, 30))["weekly"] == 1
    assert counts_on(date(2026, 10, 2))["weekly"] == 0
    # The week of 5 October ends on Saturday the 10th, a make-up working day.
    assert counts_on(date(2026, 10, 9))["weekly"] == 0
    assert counts_on(date(2026, 10, 10))["weekly"] == 1
