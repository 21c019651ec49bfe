"""A manager registers a complaint from a client page on a phone, acknowledges it, resolves
it with a compensation note, and finds the return visit on their task list."""

import re
from pathlib import Path

import pytest

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory
from complaints.models import Complaint, ReturnVisit
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "complaint-pass-2026"
DETAIL = re.compile(r"/complaints/\d+/$")


def test_register_acknowledge_resolve_and_return_visit(live_server, phone):
    supervisor = SupervisorFactory(username="cmp_sup", password=PASSWORD)
    manager = ManagerFactory(username="cmp_mgr", team=supervisor.team, password=PASSWORD)
    acme = ClientFactory(owner=manager, name="Xihu Logistics")

    page = phone()
    log_in(page, live_server.url, "cmp_mgr", PASSWORD)

    page.goto(f"{live_server.url}{acme.get_absolute_url()}")
    page.get_by_role("link", name="Register complaint").tap()
    page.get_by_label("Channel").select_option(label="Hotline")
    page.get_by_label("Category").select_option(index=2)
    page.get_by_label("Severity").select_option(label="High")
    page.get_by_label("What happened").fill("Parcel arrived damaged for the second time")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").tap()
    page.wait_for_url(DETAIL)
    complaint = Complaint.objects.get()
    assert page.get_by_role("heading", level=1).inner_text() == complaint.number
    assert page.get_by_test_id("complaint-state").inner_text() == "New"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_label("What the client was told (who handles it, by when)").fill("Wang handles it; answer by tomorrow")
    with page.expect_navigation():
        page.get_by_role("button", name="Acknowledge").tap()
    assert page.get_by_test_id("complaint-state").inner_text() == "Acknowledged"
    with page.expect_navigation():
        page.get_by_role("button", name="Start work").tap()
    page.get_by_label("Root cause").fill("Packaging too thin")
    page.get_by_label("Action taken").fill("Switched to reinforced boxes")
    page.get_by_label("Compensation or apology", exact=True).fill("Written apology and a refund")
    page.get_by_label("Compensation amount").fill("150")
    with page.expect_navigation():
        page.get_by_role("button", name="Resolve").tap()
    assert page.get_by_test_id("complaint-state").inner_text() == "Resolved"
    events = page.get_by_test_id("complaint-events").inner_text()
    assert "Acknowledged" in events and "Resolved" in events
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "complaint-phone.png"), full_page=True)

    page.goto(f"{live_server.url}/complaints/return-visits/")
    tasks = page.get_by_test_id("return-visits")
    assert complaint.number in tasks.inner_text() and "Xihu Logistics" in tasks.inner_text()
    complaint.refresh_from_db()
    assert complaint.compensation_amount == 150 and ReturnVisit.objects.filter(complaint=complaint).exists()
