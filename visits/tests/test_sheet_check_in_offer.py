"""The day sheet offers "Check in" only where a check-in can succeed: on today's sheet,
at a stop that is not finished (★). Past days and done stops show no check-in button,
and the service refuses a check-in at a finished visit from any entry point (the API too)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from clients.tests.factories import ClientFactory
from tests import clock
from visits import checkins, rules, services
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory

pytestmark = pytest.mark.django_db

TODAY = clock.TODAY


@pytest.fixture
def shop(manager, supervisor):
    """A client of the manager, under this month's approved plan."""
    shop = ClientFactory(owner=manager)
    plan = services.start_plan(owner=manager, month=rules.month_start(TODAY), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return shop


def stop_html(client, day, visit) -> str:
    html = client.get(f"{reverse('visits:sheet')}?day={day:%Y-%m-%d}").content.decode()
    start = html.index(f'id="stop-{visit.pk}"')
    return html[start : html.index("</li>", start)]


def test_todays_open_stop_offers_a_check_in(client, manager, shop):
    visit = PlannedVisitFactory(client=shop, date=TODAY)
    client.force_login(manager)
    assert 'data-testid="check-in"' in stop_html(client, TODAY, visit)


def test_a_past_days_stop_offers_no_check_in(client, manager, shop):
    yesterday = TODAY - timedelta(days=1)
    visit = PlannedVisitFactory(client=shop, date=yesterday)
    client.force_login(manager)
    html = stop_html(client, yesterday, visit)
    assert 'data-testid="check-in"' not in html
    assert "Log visit" in html  # a past visit may still be logged


def test_a_future_days_stop_offers_no_check_in(client, manager, shop):
    tomorrow = TODAY + timedelta(days=1)
    visit = PlannedVisitFactory(client=shop, date=tomorrow)
    client.force_login(manager)
    assert 'data-testid="check-in"' not in stop_html(client, tomorrow, visit)


def test_a_finished_stop_offers_no_check_in_and_the_service_refuses_it(client, manager, shop):
    visit = PlannedVisitFactory(client=shop, date=TODAY, status=PlannedVisit.Status.DONE)
    client.force_login(manager)
    assert 'data-testid="check-in"' not in stop_html(client, TODAY, visit)
    with pytest.raises(ValidationError, match="already done"):
        checkins.check_in(visit, by=manager)
    visit.refresh_from_db()
    assert visit.checked_in_at is None


def test_a_checked_in_finished_stop_still_offers_the_check_out(client, manager, shop):
    visit = PlannedVisitFactory(client=shop, date=TODAY)
    checkins.check_in(visit, by=manager)
    PlannedVisit.objects.filter(pk=visit.pk).update(status=PlannedVisit.Status.DONE)
    client.force_login(manager)
    assert 'data-testid="check-out"' in stop_html(client, TODAY, visit)
