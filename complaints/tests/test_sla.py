from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clients.tests.factories import ClientFactory, default_tier
from complaints import services, sla
from complaints.models import SlaPolicy

SHANGHAI = ZoneInfo("Asia/Shanghai")
CAL = sla.BusinessCalendar(opens=time(9), closes=time(18), weekdays=frozenset(range(5)))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("start", "hours", "due"),
    [
        (at(2026, 11, 23, 10), 4, at(2026, 11, 23, 14)),  # Monday, inside the day
        (at(2026, 11, 23, 16), 4, at(2026, 11, 24, 11)),  # runs over into Tuesday morning
        (at(2026, 11, 27, 16), 8, at(2026, 11, 30, 15)),  # Friday afternoon → across the weekend
        (at(2026, 11, 28, 12), 2, at(2026, 11, 30, 11)),  # received on Saturday: counts from Monday 9:00
        (at(2026, 11, 23, 7), 1, at(2026, 11, 23, 10)),  # before opening
        (at(2026, 11, 23, 20), 9, at(2026, 11, 24, 18)),  # after closing: the whole next day
        (at(2026, 11, 23, 9), 45, at(2026, 11, 27, 18)),  # exactly five working days
    ],
)
def test_business_hours(start, hours, due):
    assert sla.add_business_hours(start, hours, CAL) == due


def test_clock_hours_ignore_the_weekend():
    assert sla.deadline(at(2026, 11, 27, 16), 24, business_hours=False, calendar=CAL) == at(2026, 11, 28, 16)


def test_target_is_the_stricter_of_severity_and_tier():
    assert sla.target_hours(8, 4) == 4
    assert sla.target_hours(24, 72) == 24
    assert sla.target_hours(None, 12) == 12


def test_a_calendar_without_open_days_is_refused():
    with pytest.raises(ValueError):
        sla.add_business_hours(at(2026, 11, 23, 10), 1, sla.BusinessCalendar(weekdays=frozenset()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("severity", "tier", "first", "resolution"),
    [
        ("critical", "basic", 2, 24),  # severity stricter than the basic tier (24 / 120)
        ("low", "vip-diamond", 2, 24),  # diamond tier (2 / 24) stricter than low severity (24 / 120)
        ("high", "standard", 4, 24),
    ],
)
def test_deadlines_by_severity_and_tier_in_clock_hours(severity, tier, first, resolution):
    SlaPolicy.objects.update(business_hours=False)
    client = ClientFactory(tier=default_tier(tier))
    received = at(2026, 11, 27, 16)
    first_due, resolution_due = services.compute_deadlines(client, severity, received)
    assert first_due == received + timedelta(hours=first)
    assert resolution_due == received + timedelta(hours=resolution)


@pytest.mark.django_db
def test_business_hours_policy_across_a_weekend(settings):
    settings.CRM_BUSINESS_OPENS, settings.CRM_BUSINESS_CLOSES = "09:00", "18:00"
    client = ClientFactory(tier=default_tier("standard"))  # normal severity: 8 h / 72 h, business hours
    first_due, resolution_due = services.compute_deadlines(client, "normal", at(2026, 11, 27, 16))
    assert first_due == at(2026, 11, 30, 15)  # Friday 16:00 + 8 working hours
    assert resolution_due == at(2026, 12, 9, 16)  # 72 working hours = 8 days of 9 h


def test_deadline_status():
    now = at(2026, 11, 23, 12)
    soon = timedelta(hours=4)
    assert sla.deadline_status(at(2026, 11, 23, 11), now, done=False, soon=soon) == "breached"
    assert sla.deadline_status(at(2026, 11, 23, 15), now, done=False, soon=soon) == "due_soon"
    assert sla.deadline_status(at(2026, 11, 24, 15), now, done=False, soon=soon) == "on_time"
    assert sla.deadline_status(at(2026, 11, 23, 11), now, done=True, soon=soon) == ""
