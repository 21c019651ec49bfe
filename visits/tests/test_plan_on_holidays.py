"""Generated visits follow the working-day calendar: none over the National Day holiday,
some on its make-up Saturday (SPEC "Working days")."""

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from clients.tests.factories import ClientFactory, default_tier
from visits import services
from visits.models import PlannedVisit
from workdays.tests.factories import national_day_2026

pytestmark = pytest.mark.django_db

OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def september():
    """Planning October in September."""
    with time_machine.travel(datetime(2026, 9, 21, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        yield


def october_plan(manager, supervisor, clients):
    plan = services.start_plan(owner=manager, month=OCTOBER, by=manager)
    services.update_plan(plan, by=manager, key_client_ids={c.pk for c in clients})  # key: weekly
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return plan


def test_national_day_week_and_its_make_up_saturday(manager, supervisor):
    national_day_2026()
    clients = ClientFactory.create_batch(3, owner=manager, tier=default_tier("basic"))
    october_plan(manager, supervisor, clients)
    services.generate_visits(owner=manager, start=OCTOBER, end=date(2026, 10, 31), by=manager)
    days = Counter(PlannedVisit.objects.filter(owner=manager).values_list("date", flat=True))
    holidays = {OCTOBER + timedelta(days=n) for n in range(7)}
    assert not holidays & set(days)
    # Weekly clients: the first week of October has three working days, Thursday 8 to
    # Saturday 10; the three clients spread over them, the Saturday included.
    assert days[date(2026, 10, 10)] == 1
    assert {day for day in days if day.weekday() >= 5} == {date(2026, 10, 10)}
    per_client = Counter(PlannedVisit.objects.filter(owner=manager).values_list("client_id", flat=True))
    assert set(per_client.values()) == {4}  # four weeks with working days
