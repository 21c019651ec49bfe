"""A visit type's checklist on a 375-px phone, and offline: the log form fits the screen; a
log queued without a signal and refused for a required item not checked comes back with the
item's message; ticked in the outbox, it is sent again and saved once."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory
from performance.tests.factories import created_on
from visits import services
from visits.models import PlannedVisit, VisitLog
from visits.tests.factories import PlannedVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "checklist-pass-2026"


@pytest.fixture
def stop(db, visit_types):
    supervisor = SupervisorFactory(username="chk_sup", password=PASSWORD)
    manager = ManagerFactory(username="chk_mgr", team=supervisor.team, password=PASSWORD)
    shop = created_on(ClientFactory(owner=manager, name="Lotus Shop"), timezone.now().replace(year=2020))
    plan = services.start_plan(owner=manager, month=timezone.localdate(), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    PlannedVisit.objects.filter(owner=manager).delete()
    return PlannedVisitFactory(client=shop, visit_type=visit_types["routine"])


def test_a_refused_checklist_comes_back_and_is_ticked_in_the_outbox(live_server, browser, stop):
    first, second, _optional = stop.visit_type.checklist_items.order_by("position")
    context = browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="en-US")  # fmt: skip
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/")
        page.locator("#id_username").fill("chk_mgr")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#submit-id-submit").click()
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/visits/today/")
        expect(page.get_by_test_id("preparation")).to_contain_text("The client file")
        page.wait_for_selector("body[data-offline-ready]", state="attached", timeout=15000)

        page.goto(f"{base}/visits/log/?visit={stop.pk}")
        expect(page.get_by_test_id("checklist-item")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.locator("[name=work_done]").fill("Checked the shelf.")
        page.locator(f"[name=check_{first.pk}]").check()
        page.locator(f"[name=check_{first.pk}_note]").fill("read the file on the bus")
        context.set_offline(True)
        page.locator("#save-log").click()
        page.wait_for_url(f"{base}/visits/outbox/")
        expect(page.get_by_test_id("outbox-item")).to_have_count(1)

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        expect(page.get_by_test_id("outbox-reason")).to_contain_text(second.text, timeout=15000)
        assert not VisitLog.objects.exists()
        page.get_by_test_id("outbox-check").check()
        page.get_by_role("button", name="Send").click()
        page.wait_for_selector("body[data-outbox-count='0']", state="attached", timeout=15000)
        log = VisitLog.objects.get()
        answers = {a.item_id: (a.done, a.note) for a in log.checklist_answers.all()}
        assert answers[first.pk] == (True, "read the file on the bus") and answers[second.pk] == (True, "")
    finally:
        context.close()
