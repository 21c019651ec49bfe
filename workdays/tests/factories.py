from datetime import date, timedelta

import factory

from workdays.models import CalendarDay


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay
        django_get_or_create = ["date"]

    date = factory.Sequence(lambda n: date(2030, 1, 1) + timedelta(days=n))
    kind = CalendarDay.Kind.HOLIDAY
    name = "Holiday"


def national_day_2026() -> None:
    """China's 2026 National Day as the State Council set it: Thursday 1 to Wednesday 7
    October off; Sunday 20 September and Saturday 10 October worked (调休)."""
    for day in range(1, 8):
        CalendarDayFactory(date=date(2026, 10, day), name="国庆节")
    for worked in (date(2026, 9, 20), date(2026, 10, 10)):
        CalendarDayFactory(date=worked, kind=CalendarDay.Kind.WORKING_DAY, name="国庆节调休上班")
