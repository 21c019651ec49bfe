"""On a phone a manager opens today's sheet, logs a visit with two strategies ticked and
sees the visit done and the strategies closed; the sheet prints on one A4 width."""

import re
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory, ContactFactory
from tests.browser.helpers import log_in
from visits import rules, services
from visits.models import ServiceStrategy, VisitLog
from visits.tests.factories import PlannedVisitFactory, ServiceStrategyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "sheet-pass-2026"
A4_WIDTH_PX = 794  # 210 mm at 96 dpi


def test_log_a_visit_from_todays_sheet(live_server, phone, browser):
    supervisor = SupervisorFactory(username="sheet_sup", password=PASSWORD)
    manager = ManagerFactory(username="sheet_mgr", team=supervisor.team, password=PASSWORD)
    today = timezone.localdate()
    tea = ClientFactory(owner=manager, name="Longjing Tea House", address="88 Hupao Road, Hangzhou")
    other = ClientFactory(owner=manager, name="Bamboo Paper Co", address="12 Wensan Road")
    ContactFactory(client=tea, name="Chen Jing", title="Owner", is_key_person=True, decision_role="decision_maker")
    plan = services.start_plan(owner=manager, month=today, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    ServiceStrategy.objects.filter(client__in=[tea, other]).delete()
    month = rules.month_start(today)
    first = ServiceStrategyFactory(client=tea, month=month, text="Explain the new tea-shop package")
    second = ServiceStrategyFactory(client=tea, month=month, text="Collect the overdue invoice")
    third = ServiceStrategyFactory(client=tea, month=month, text="Invite to the spring fair")
    PlannedVisitFactory(owner=manager, client=tea, date=today, method="on_site", route_order=1)
    PlannedVisitFactory(owner=manager, client=other, date=today, method="phone", route_order=2)

    page = phone()
    log_in(page, live_server.url, "sheet_mgr", PASSWORD)
    page.get_by_test_id("today-button").tap()  # one tap from any page, outside the menu
    page.wait_for_url(re.compile(r"/visits/today/"))
    stops = page.get_by_test_id("stop")
    assert stops.count() == 2
    assert "Chen Jing" in stops.first.inner_text() and "Collect the overdue invoice" in stops.first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    stops.first.get_by_role("link", name="Log visit").tap()
    page.wait_for_url(re.compile(r"/visits/log/"))
    page.get_by_label("What was done").fill("Presented the package; invoice promised for Friday")
    page.get_by_label("Explain the new tea-shop package").check()
    page.get_by_label("Collect the overdue invoice").check()
    page.get_by_label("Client's opinions and suggestions").fill("Wants delivery before 9 am")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "visit-log-phone.png"), full_page=True)
    with page.expect_navigation():
        page.get_by_role("button", name="Save visit").tap()

    assert "/visits/today/" in page.url
    assert page.get_by_test_id("done-mark").count() == 1
    first_stop = page.get_by_test_id("stop").first
    assert "★" in first_stop.inner_text()
    remaining = first_stop.get_by_test_id("open-strategies").inner_text()
    assert "Invite to the spring fair" in remaining and "Collect the overdue invoice" not in remaining
    for item, state in ((first, "done"), (second, "done"), (third, "open")):
        item.refresh_from_db()
        assert item.state == state
    log = VisitLog.objects.get()
    assert log.checked_in_at is not None and log.planned_visit.status == "done"

    # The printed sheet: no navigation or buttons, and nothing wider than an A4 page.
    desk = browser.new_page(viewport={"width": A4_WIDTH_PX, "height": 1123})
    log_in(desk, live_server.url, "sheet_mgr", PASSWORD)
    desk.goto(f"{live_server.url}/visits/today/")
    desk.emulate_media(media="print")
    assert not desk.locator("nav.navbar").is_visible()
    assert not desk.get_by_role("button", name="Print").is_visible()
    assert desk.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH_PX
    desk.screenshot(path=str(ARTIFACTS / "daily-sheet-print.png"), full_page=True)
    pdf = desk.pdf(format="A4", path=str(ARTIFACTS / "daily-sheet.pdf"))
    assert (
        pdf[:4] == b"%PDF"
        and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page/") + pdf.count(b"/Type /Page ") >= 1
    )
    desk.close()
