"""CRM_HOLIDAYS, the settings list the calendar replaces, seeds the table once, so a
deployment that had set it loses no holiday."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from workdays import selectors
from workdays.models import CalendarDay

seed = importlib.import_module("workdays.migrations.0002_seed_from_crm_holidays").seed


@pytest.mark.django_db
def test_crm_holidays_become_calendar_days(settings):
    settings.CRM_HOLIDAYS = ["2026-11-30", " 2026-12-31"]
    seed(apps, None)
    seed(apps, None)  # again: nothing twice
    assert list(CalendarDay.objects.values_list("date", "kind")) == [
        (date(2026, 11, 30), "holiday"),
        (date(2026, 12, 31), "holiday"),
    ]
    selectors.forget_cached_years()  # a migration sends no signal
    assert not selectors.is_working_day(date(2026, 11, 30))


def test_a_wrong_date_stops_the_migration_with_its_name(settings):
    settings.CRM_HOLIDAYS = ["2026-13-01"]
    with pytest.raises(ValueError, match="CRM_HOLIDAYS"):
        seed(apps, None)
