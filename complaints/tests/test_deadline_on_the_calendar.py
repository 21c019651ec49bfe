"""Business-hour deadlines follow the working-day calendar: no hours counted over the
National Day holiday, hours counted on its make-up Saturday (SPEC "Working days")."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from clients.tests.factories import ClientFactory, default_tier
from complaints import services
from workdays.tests.factories import national_day_2026

SHANGHAI = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def at(day_of_month, hour, month=10):
    return datetime(2026, month, day_of_month, hour, tzinfo=SHANGHAI)


@pytest.fixture
def client_(manager):
    return ClientFactory(owner=manager, tier=default_tier("standard"))


def test_national_day_week_with_its_make_up_saturday(client_):
    national_day_2026()
    # "normal": 8 business hours to the first answer, 09:00–18:00 on working days.
    # Wednesday 30 September 16:00: 2 hours that day, then nothing until Thursday 8 October.
    first_due, _ = services.compute_deadlines(client_, "normal", at(30, 16, month=9))
    assert first_due == at(8, 15)
    # Friday 9 October 16:00: 2 hours, then 6 on Saturday the 10th, a working day.
    first_due, _ = services.compute_deadlines(client_, "normal", at(9, 16))
    assert first_due == at(10, 15)


def test_a_change_to_the_calendar_moves_the_next_deadline(client_):
    received = at(9, 16)
    assert services.compute_deadlines(client_, "normal", received)[0] == at(12, 15)  # Monday
    national_day_2026()
    assert services.compute_deadlines(client_, "normal", received)[0] == at(10, 15)
