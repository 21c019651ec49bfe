"""A supervisor opens each dashboard on a laptop-sized screen, sees the charts drawn, and
follows a figure to the list behind it."""

from pathlib import Path

import pytest

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory
from complaints import services
from complaints.models import Category
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PASSWORD = "dash-pass-2026"


def test_supervisor_dashboards_and_drill_down(live_server, browser):
    supervisor = SupervisorFactory(username="dash_sup", password=PASSWORD)
    manager = ManagerFactory(username="dash_mgr", team=supervisor.team)
    late = ClientFactory(owner=manager, name="Overdue Tea Co")
    type(late).objects.filter(pk=late.pk).update(next_visit_due="2020-01-01")
    ClientFactory(owner=manager, name="On Time Tea Co")
    category = Category.objects.filter(parent__isnull=False).first()
    for client in (late, ClientFactory(owner=manager, name="Complaining Tea Co")):
        services.register(by=manager, client=client, category=category, channel="phone", description="Cold tea")

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    log_in(page, live_server.url, "dash_sup", PASSWORD)
    ARTIFACTS.mkdir(exist_ok=True)
    # Visits: planned and done by manager (no visit logged: no chart per day); complaints: open
    # by state, and the one week's complaints as a bar; satisfaction: no answer, no chart.
    for name, charts in (("visits", 1), ("complaints", 2), ("satisfaction", 0)):
        page.goto(f"{live_server.url}/dashboards/{name}/")
        page.wait_for_load_state("load")
        assert page.locator("canvas").count() == charts, name
        for i in range(charts):
            page.locator("canvas").nth(i).and_(page.locator("[data-rendered='true']")).wait_for()
        page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)

    page.goto(f"{live_server.url}/dashboards/visits/")
    row = page.get_by_test_id("visits-table").locator("tr", has_text=str(manager))
    row.locator("a[href*=overdue]").click()  # the manager's overdue clients
    page.wait_for_url("**/clients/?owner=*overdue=true")
    assert page.get_by_role("link", name="Overdue Tea Co").count() == 1
    assert page.get_by_role("link", name="On Time Tea Co").count() == 0

    page.goto(f"{live_server.url}/dashboards/complaints/")
    assert page.get_by_test_id("received").inner_text() == "2"
    page.get_by_test_id("received").click()  # this month's complaints
    page.wait_for_url("**/complaints/?received=*")
    assert page.get_by_text("Complaining Tea Co").count() == 1 and page.get_by_text("Overdue Tea Co").count() == 1
    context.close()
