"""The monthly cycle in a browser: a manager drafts and submits a plan on a phone, the
supervisor approves it, the manager generates the month's visits and sees them in the
calendar."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory
from tests.browser.helpers import log_in
from visits import rules
from visits.models import MonthlyPlan, PlannedVisit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "cycle-pass-2026"


def test_plan_submit_approve_generate_and_calendar(live_server, phone, browser):
    supervisor = SupervisorFactory(username="cycle_sup", password=PASSWORD)
    manager = ManagerFactory(username="cycle_mgr", team=supervisor.team, password=PASSWORD)
    clients = [ClientFactory(owner=manager, name=f"Cycle client {i}") for i in range(6)]
    next_month = rules.next_month(timezone.localdate())

    # The manager drafts next month's plan on a phone and marks a key client.
    page = phone()
    log_in(page, live_server.url, "cycle_mgr", PASSWORD)
    page.goto(f"{live_server.url}/visits/plans/")
    page.get_by_role("button", name=f"Draft the plan for {next_month:%Y-%m}").tap()
    page.wait_for_url(re.compile(r"/visits/plans/\d+/$"))
    assert page.get_by_test_id("plan-status").inner_text() == "Draft"
    page.get_by_label("This month's focus").fill("Renew the tea contracts")
    page.get_by_label("Cycle client 3 is a key client").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save and recalculate").tap()
    assert "1 key" in page.get_by_test_id("plan-summary").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="Submit to supervisor").tap()
    assert page.get_by_test_id("plan-status").inner_text() == "Submitted"
    assert page.get_by_label("Cycle client 3 is a key client").is_disabled()  # read-only now
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    # The supervisor finds it in the queue and approves it.
    desk = browser.new_page(viewport={"width": 1280, "height": 900})
    log_in(desk, live_server.url, "cycle_sup", PASSWORD)
    desk.goto(f"{live_server.url}/visits/plans/")
    desk.get_by_test_id("approval-queue").get_by_role("link").first.click()
    desk.get_by_label("Comment").fill("Good focus")
    with desk.expect_navigation():
        desk.get_by_role("button", name="Approve").click()
    assert desk.get_by_test_id("plan-status").inner_text() == "Approved"
    desk.close()
    plan = MonthlyPlan.objects.get(owner=manager)
    assert plan.status == "approved"
    clients[3].refresh_from_db()
    assert clients[3].visit_frequency == "weekly"

    # The manager generates the month's visits and sees them in the calendar.
    page.goto(f"{live_server.url}/visits/schedule/?month={next_month:%Y-%m}")
    with page.expect_navigation():
        page.get_by_role("button", name="Generate visits").tap()
    assert page.get_by_test_id("visit-table").is_visible()
    generated = PlannedVisit.objects.filter(owner=manager).count()
    assert generated >= 6
    page.get_by_role("link", name="Calendar").last.tap()
    page.wait_for_url(re.compile(r"/visits/calendar/"))
    visible = page.get_by_test_id("month-list").get_by_test_id("visit")
    assert visible.count() == min(generated, PlannedVisit.objects.filter(owner=manager).count())
    assert "Cycle client 3" in page.get_by_test_id("month-list").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "calendar-phone.png"), full_page=True)
