"""A plan's page is read by its manager and by their supervisor (and admins): its notes
speak to whoever reads them. "Your clients" is for the manager only."""

import pytest
from django.urls import reverse

from clients.tests.factories import ClientFactory
from tests import clock
from visits import rules, services
from visits.tests.factories import MonthlyPlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved_plan(manager, supervisor):
    ClientFactory(owner=manager)
    plan = services.start_plan(owner=manager, month=rules.month_start(clock.TODAY), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    return plan


def test_the_manager_reads_that_the_frequencies_are_on_their_clients(client, manager, approved_plan):
    client.force_login(manager)
    html = client.get(reverse("visits:plan", args=[approved_plan.pk])).content.decode()
    assert "the visit frequencies below are now on your clients" in html


def test_the_supervisor_reads_whose_clients_got_the_frequencies(client, manager, supervisor, approved_plan):
    client.force_login(supervisor)
    html = client.get(reverse("visits:plan", args=[approved_plan.pk])).content.decode()
    assert "your clients" not in html
    assert f"the visit frequencies below are now on the clients of {manager}" in html


def test_a_plan_without_clients_names_its_manager_to_others(client, manager, supervisor):
    plan = MonthlyPlanFactory(owner=manager)
    client.force_login(supervisor)
    html = client.get(reverse("visits:plan", args=[plan.pk])).content.decode()
    assert "You have no clients to plan for." not in html
    assert f"{manager} has no clients to plan for." in html
    client.force_login(manager)
    assert "You have no clients to plan for." in client.get(reverse("visits:plan", args=[plan.pk])).content.decode()
