"""The one answer to "is this a working day?": the usual week, minus listed holidays,
plus listed make-up working days (调休), read once per year and forgotten on a change."""

from datetime import date

import pytest

from workdays import selectors
from workdays.models import CalendarDay
from workdays.rules import ListedDays, WorkCalendar

from .factories import CalendarDayFactory, national_day_2026

NATIONAL_DAY = ListedDays(
    holidays=frozenset(date(2026, 10, day) for day in range(1, 8)),
    make_up_days=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
)


def test_the_usual_week_without_a_calendar():
    days = WorkCalendar().working_days(date(2026, 12, 1), date(2026, 12, 31))
    assert len(days) == 23 and all(day.weekday() < 5 for day in days)


def test_national_day_week_with_its_make_up_days():
    calendar = WorkCalendar(listed=lambda year: NATIONAL_DAY)
    assert calendar.working_days(date(2026, 9, 28), date(2026, 10, 11)) == [
        date(2026, 9, 28),
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),  # a Saturday, worked
    ]
    assert calendar.is_working_day(date(2026, 9, 20))  # a Sunday, worked
    assert not calendar.is_working_day(date(2026, 10, 5))  # a Monday off
    assert calendar.last_working_day(date(2026, 10, 1), date(2026, 10, 4)) is None


def test_the_week_follows_crm_business_days(settings, db):
    settings.CRM_BUSINESS_DAYS = [0, 1, 2, 3, 4, 5]  # a six-day week
    assert selectors.is_working_day(date(2026, 12, 12))  # a Saturday
    assert not selectors.is_working_day(date(2026, 12, 13))


@pytest.mark.django_db
def test_the_stored_calendar_is_the_answer():
    national_day_2026()
    assert selectors.working_days(date(2026, 10, 1), date(2026, 10, 11)) == [
        date(2026, 10, 8),
        date(2026, 10, 9),
        date(2026, 10, 10),
    ]
    assert selectors.is_working_day(date(2026, 9, 20))


@pytest.mark.django_db
def test_a_change_is_seen_at_once_and_a_year_is_read_once(django_assert_num_queries):
    monday = date(2026, 11, 30)
    assert selectors.is_working_day(monday)
    with django_assert_num_queries(0):  # cached
        assert selectors.is_working_day(date(2026, 12, 1))
    holiday = CalendarDayFactory(date=monday, name="Company day")
    assert not selectors.is_working_day(monday)
    holiday.kind = CalendarDay.Kind.WORKING_DAY
    holiday.save()
    assert selectors.is_working_day(monday)
    CalendarDayFactory(date=date(2026, 11, 28), kind=CalendarDay.Kind.WORKING_DAY, name="Make-up Saturday")
    assert selectors.is_working_day(date(2026, 11, 28))
    CalendarDay.objects.get(date=date(2026, 11, 28)).delete()
    assert not selectors.is_working_day(date(2026, 11, 28))
    selectors.forget_cached_years()
    with django_assert_num_queries(1):  # one year, one query, for a whole loop of days
        assert len(selectors.working_days(date(2026, 11, 1), date(2026, 11, 30))) == 21


@pytest.mark.django_db
def test_changes_are_kept_in_the_history():
    day = CalendarDayFactory(date=date(2026, 12, 31), name="Year end")
    day.name = "New Year's Eve"
    day.save()
    assert [h.name for h in day.history.order_by("history_date")] == ["Year end", "New Year's Eve"]


@pytest.mark.django_db
def test_the_next_working_day_skips_weekends_and_holidays():
    friday, saturday = date(2026, 12, 11), date(2026, 12, 12)
    assert selectors.next_working_day(friday) == date(2026, 12, 14)
    assert selectors.next_working_day(saturday) == date(2026, 12, 14)
    national_day_2026()
    # From the last day before National Day, the next working day is the make-up Saturday.
    assert selectors.next_working_day(date(2026, 9, 30)) == date(2026, 10, 8)
    assert selectors.next_working_day(date(2026, 10, 9)) == date(2026, 10, 10)
