"""On a phone: the calendar's month list opens at today, and the visit plan's client
picker narrows to the client whose name is typed (both are client-side, static/js/crm.js)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory
from tests.browser.helpers import log_in
from visits import rules, services
from visits.models import PlannedVisit
from visits.tests.factories import PlannedVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "day-pass-2026"


@pytest.fixture
def manager_with_a_month(db):
    supervisor = SupervisorFactory(username="day_sup", password=PASSWORD)
    manager = ManagerFactory(username="day_mgr", team=supervisor.team, password=PASSWORD)
    today = timezone.localdate()
    shops = [ClientFactory(owner=manager, name=f"Shop {n:02d}") for n in range(12)]
    ClientFactory(owner=manager, name="Jasmine Garden")
    plan = services.start_plan(owner=manager, month=today, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    PlannedVisit.objects.filter(owner=manager).delete()
    day = rules.month_start(today)
    while day.month == today.month:  # a visit every day: a long list on the phone
        PlannedVisitFactory(client=shops[day.day % len(shops)], date=day)
        day += timedelta(days=1)
    return manager


def test_the_month_list_opens_at_today(live_server, phone, manager_with_a_month):
    today = timezone.localdate()
    page = phone()
    log_in(page, live_server.url, "day_mgr", PASSWORD)
    page.goto(f"{live_server.url}/visits/calendar/")
    opening = page.locator("#opening-day")
    assert f"{today:%m-%d}" in opening.inner_text()
    top, bottom = page.evaluate(
        "() => { const r = document.getElementById('opening-day').getBoundingClientRect(); return [r.top, r.bottom]; }"
    )
    assert top >= 0 and bottom <= 740  # today's card is on the first screen
    if today.day > 4:  # further down than the first screen: the page was scrolled to it
        assert page.evaluate("window.scrollY") > 0


def test_the_visit_plans_client_picker_narrows_as_one_types(live_server, phone, manager_with_a_month):
    page = phone()
    log_in(page, live_server.url, "day_mgr", PASSWORD)
    page.goto(f"{live_server.url}/visits/schedule/")
    picker = page.locator("select[name=client]")
    assert picker.locator("option").count() == 14  # the empty choice and 13 clients
    page.get_by_role("searchbox", name="Search the list").fill("jasm")
    assert picker.locator("option").count() == 2
    assert picker.evaluate("s => s.options[s.selectedIndex].text").startswith("Jasmine Garden")
    page.get_by_role("searchbox", name="Search the list").fill("")
    assert picker.locator("option").count() == 14
    page.get_by_role("searchbox", name="Search the list").fill("jasmine")
    with page.expect_navigation():
        page.get_by_role("button", name="Add visit").tap()
    assert re.search(r"/visits/schedule/\?month=", page.url)
    assert PlannedVisit.objects.filter(client__name="Jasmine Garden").exists()
