"""The times a manager needs on site: the log form of a checked-in visit says when the
check-in was (local time), and a check-out refused as too early says from when it works."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.tests.factories import ClientFactory
from tests import clock
from visits import checkins, rules, services
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db

TODAY = clock.TODAY


@pytest.fixture
def visit(manager, supervisor):
    shop = ClientFactory(owner=manager, name="Jade Shop")
    plan = services.start_plan(owner=manager, month=rules.month_start(TODAY), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return PlannedVisitFactory(client=shop, date=TODAY)


def local(hour: int, minute: int) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, minute, tzinfo=clock.TIME_ZONE)


def test_the_log_form_of_a_checked_in_visit_says_when(client, manager, visit):
    checkins.check_in(visit, by=manager, at=local(10, 5))  # stored in UTC: 02:05
    client.force_login(manager)
    html = client.get(f"{reverse('visits:log')}?visit={visit.pk}").content.decode()
    assert "Checked in at 10:05" in html
    assert "Checked in when this page opened." not in html


def test_the_log_form_without_a_check_in_keeps_the_opening_time(client, manager, visit):
    client.force_login(manager)
    html = client.get(f"{reverse('visits:log')}?visit={visit.pk}").content.decode()
    assert "Checked in when this page opened." in html and "Checked in at" not in html


def test_a_too_early_check_out_says_from_when_it_is_possible(manager, visit, settings):
    settings.CRM_VISIT_MIN_MINUTES = 15
    checkins.check_in(visit, by=manager, at=local(10, 5))
    with pytest.raises(ValidationError) as refused:
        checkins.check_out(visit, by=manager, at=local(10, 12))
    assert "Check out from 10:20:" in refused.value.messages[0]
    assert checkins.check_out(visit, by=manager, at=local(10, 20)).checked_out_at == local(10, 20)


def test_the_earliest_check_out_is_rounded_up_to_a_whole_minute(manager, visit):
    checkins.check_in(visit, by=manager, at=local(10, 5) + timedelta(seconds=30))
    with pytest.raises(ValidationError, match="from 10:16"):  # at 10:15 it would still be refused
        checkins.check_out(visit, by=manager, at=local(10, 6))


def test_the_sheet_shows_the_check_out_time_after_a_refusal(client, manager, visit, settings):
    settings.CRM_VISIT_MIN_MINUTES = 10
    checkins.check_in(visit, by=manager, at=clock.TEST_NOW - timedelta(minutes=2))
    client.force_login(manager)
    url = reverse("visits:visit_check", args=[visit.pk])
    response = client.post(url, {"action": "out"}, follow=True)
    expected = (clock.TEST_NOW + timedelta(minutes=8)).astimezone(clock.TIME_ZONE)
    assert f"Check out from {expected:%H:%M}:" in response.content.decode()
