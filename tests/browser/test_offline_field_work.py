"""On a phone without a signal (issue #30 items 1-3): today's sheet and a client file open
from the phone with the "offline — as of" banner; a visit log with a photo, a check-in and
a call log wait in the outbox and are sent exactly once when the network returns, even when
the connection drops halfway; what the server refuses stays with its reason."""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory
from interactions.models import Interaction
from visits import services
from visits.models import PlannedVisit, VisitLog
from visits.tests.factories import PlannedVisitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "offline-pass-2026"
PHOTO = settings.BASE_DIR / "static" / "icons" / "icon-192.png"


@pytest.fixture
def day(db):
    supervisor = SupervisorFactory(username="off_sup", password=PASSWORD)
    manager = ManagerFactory(username="off_mgr", team=supervisor.team, password=PASSWORD)
    shop = ClientFactory(owner=manager, name="Lotus Shop")
    kiosk = ClientFactory(owner=manager, name="Pine Kiosk")
    plan = services.start_plan(owner=manager, month=timezone.localdate(), by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    PlannedVisit.objects.filter(owner=manager).delete()
    return {
        "manager": manager,
        "shop": shop,
        "logged": PlannedVisitFactory(client=shop),
        "checked": PlannedVisitFactory(client=kiosk),
    }


def open_phone(browser, base_url):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="zh-CN", geolocation={"latitude": 31.2304, "longitude": 121.4737, "accuracy": 30},
        permissions=["geolocation"],
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.locator("#id_username").fill("off_mgr")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#submit-id-submit").click()
    page.wait_for_url(f"{base_url}/")
    return context, page


def assert_offline_banner(page):
    """The page came from the phone: "offline — as of 08:12" (the time it was kept)."""
    banner = page.get_by_test_id("offline-banner")
    assert banner.is_visible()
    assert re.search(r"\b\d\d:\d\d\b", banner.inner_text())


def queue_three_offline(context, page, base_url, day):
    """Open the sheet online, go offline, read from the phone, and queue three items."""
    page.goto(f"{base_url}/visits/today/")
    page.wait_for_selector("body[data-offline-ready]", state="attached", timeout=15000)
    context.set_offline(True)
    page.reload()
    assert_offline_banner(page)
    assert page.get_by_test_id("stop").count() == 2
    kept = page.goto(f"{base_url}/clients/{day['shop'].pk}/")
    assert_offline_banner(page)
    assert "Lotus Shop" in page.locator("h1").inner_text()
    # A page opened from the phone keeps the security policy it was sent with.
    assert "script-src 'self'" in (kept.headers.get("content-security-policy") or "")

    page.goto(f"{base_url}/visits/log/?visit={day['logged'].pk}")
    page.locator("[name=work_done]").fill("Checked the shelf; the owner wants a new display.")
    page.locator("[name=photos]").set_input_files(str(PHOTO))
    page.locator("#save-log").click()
    page.wait_for_url(f"{base_url}/visits/outbox/")

    page.goto(f"{base_url}/visits/today/")
    page.locator(f"#stop-{day['checked'].pk} [data-testid=check-in]").click()
    page.wait_for_url(f"{base_url}/visits/outbox/")

    page.goto(f"{base_url}/interactions/client/{day['shop'].pk}/log/")
    page.locator("[name=summary]").fill("Called about the display delivery.")
    page.locator("#save-interaction").click()
    page.wait_for_url(f"{base_url}/visits/outbox/")
    page.reload()
    # The list is drawn from the phone's database after the page loads: wait for it.
    expect(page.get_by_test_id("outbox-item")).to_have_count(3)
    assert_offline_banner(page)


def assert_exactly_one_of_each(day):
    assert VisitLog.objects.filter(planned_visit=day["logged"]).count() == 1
    log = VisitLog.objects.get(planned_visit=day["logged"])
    assert log.work_done.startswith("Checked the shelf") and log.photos.count() == 1
    checked = PlannedVisit.objects.get(pk=day["checked"].pk)
    assert checked.checked_in_at is not None
    assert Interaction.objects.filter(client=day["shop"], summary__startswith="Called about").count() == 1


def wait_until_sent(page):
    page.wait_for_selector("body[data-outbox-count='0']", state="attached", timeout=15000)


def test_read_and_write_offline_then_everything_is_sent_once(live_server, browser, day):
    context, page = open_phone(browser, live_server.url)
    try:
        queue_three_offline(context, page, live_server.url, day)
        context.set_offline(False)
        wait_until_sent(page)
        page.reload()
        expect(page.get_by_test_id("outbox-item")).to_have_count(0)
        assert_exactly_one_of_each(day)
    finally:
        context.close()


def test_a_connection_cut_halfway_through_the_sync_sends_nothing_twice(live_server, browser, day):
    context, page = open_phone(browser, live_server.url)
    cut = {"count": 0}

    def second_request_fails_once(route):
        if route.request.method != "POST":  # the change feed read before sending
            route.continue_()
            return
        cut["count"] += 1
        if cut["count"] == 2:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    try:
        queue_three_offline(context, page, live_server.url, day)
        context.route("**/api/v1/**", second_request_fails_once)
        context.set_offline(False)
        page.wait_for_selector("body[data-outbox-count='2']", state="attached", timeout=15000)
        assert cut["count"] == 2
        page.reload()  # the next chance to send: a page opened online
        wait_until_sent(page)
        assert_exactly_one_of_each(day)
    finally:
        context.close()


def test_a_refused_item_stays_with_the_servers_reason(live_server, browser, day):
    context, page = open_phone(browser, live_server.url)
    try:
        queue_three_offline(context, page, live_server.url, day)
        PlannedVisit.objects.filter(pk=day["logged"].pk).delete()  # removed on the web meanwhile
        sent = []
        page.on("request", lambda request: sent.append(request.url) if request.method == "POST" else None)
        context.set_offline(False)
        page.wait_for_selector("body[data-outbox-count='1']", state="attached", timeout=15000)
        item = page.get_by_test_id("outbox-item")
        assert item.get_attribute("data-status") == "refused"
        # The change feed said the visit was removed: the log is refused on the phone, not sent.
        reason = page.get_by_test_id("offline-banner").get_attribute("data-msg-visit-removed")
        assert item.get_by_test_id("outbox-reason").inner_text().strip() == reason
        assert not [url for url in sent if "/api/v1/visit-logs/" in url]
        assert "Checked the shelf" in item.locator("textarea").input_value()  # the typed text is kept
        assert not VisitLog.objects.exists()
        assert Interaction.objects.count() == 1
    finally:
        context.close()
