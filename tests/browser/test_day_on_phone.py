"""On a phone: the calendar's month list opens at today (static/js/crm.js), and the client
pickers of the visit plan and the day's sheet find a client by a few letters of its name
(a search box asking clients:pick, static/js/search.js: issue #31)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.models import Client
from clients.tests.factories import ClientFactory
from tests.browser.helpers import log_in
from visits import rules, services
from visits.models import PlannedVisit, TemporaryTask
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


def test_the_visit_plans_client_picker_finds_the_client_typed(live_server, phone, manager_with_a_month):
    jasmine = Client.objects.get(name="Jasmine Garden")
    page = phone()
    log_in(page, live_server.url, "day_mgr", PASSWORD)
    page.goto(f"{live_server.url}/visits/schedule/")
    assert page.locator("select[name=client]").count() == 0  # no list of the whole book
    box = page.get_by_role("combobox", name="Client")
    box.fill("jasm")
    options = page.get_by_role("listbox", name="Client").get_by_role("option")
    options.first.wait_for()
    assert options.count() == 1 and "Jasmine Garden" in options.first.inner_text()
    assert box.get_attribute("aria-expanded") == "true"
    # the keyboard: down to the option, Enter takes it (and does not send the form)
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "id_client-option-0"
    box.press("Enter")
    assert box.input_value() == "Jasmine Garden" and box.get_attribute("aria-expanded") == "false"
    assert page.locator("input[name=client]").input_value() == str(jasmine.pk)
    with page.expect_navigation():
        page.get_by_role("button", name="Add visit").tap()
    assert re.search(r"/visits/schedule/\?month=", page.url)
    assert PlannedVisit.objects.filter(client=jasmine).exists()


def test_a_task_on_the_sheet_names_its_client_by_a_few_letters(live_server, phone, manager_with_a_month):
    jasmine = Client.objects.get(name="Jasmine Garden")
    ClientFactory(owner=manager_with_a_month, name="Jasmine Tea Rooms")
    ClientFactory(owner=SupervisorFactory(username="day_other_sup"), name="Jasmine Elsewhere")
    page = phone()
    log_in(page, live_server.url, "day_mgr", PASSWORD)
    page.goto(f"{live_server.url}/visits/today/")
    page.get_by_label("Unplanned work").fill("Brought the new price list")
    box = page.get_by_role("combobox", name="Client")
    box.fill("asmi")
    listbox = page.get_by_role("listbox", name="Client")
    listbox.get_by_role("option").nth(1).wait_for()
    assert listbox.get_by_role("option").all_inner_texts() == [
        f"Jasmine Garden{jasmine.code}",
        f"Jasmine Tea Rooms{Client.objects.get(name='Jasmine Tea Rooms').code}",
    ]  # only the manager's own, by name; never another team's
    box_left, list_box = box.bounding_box(), listbox.bounding_box()
    assert list_box["x"] >= 0 and list_box["x"] + list_box["width"] <= 375  # on the phone's screen
    assert abs(list_box["y"] - (box_left["y"] + box_left["height"])) < 10  # right under the box
    listbox.get_by_role("option", name="Jasmine Garden").tap()
    assert box.input_value() == "Jasmine Garden"
    # typing again forgets the choice: what is sent then is the text
    box.fill("Jasmine Garde")
    assert page.locator("input[name=client]").input_value() == ""
    listbox.get_by_role("option").first.wait_for()
    listbox.get_by_role("option").first.tap()
    assert page.locator("input[name=client]").input_value() == str(jasmine.pk)
    with page.expect_navigation():
        page.get_by_role("button", name="Record").tap()
    assert "The temporary task was recorded." in page.content()
    task = TemporaryTask.objects.get(owner=manager_with_a_month)
    assert task.client == jasmine and task.description == "Brought the new price list"
