"""The phone drops what the change feed reports (issue #30 item 4): a client handed to a
colleague and a removed visit leave the pages kept on the phone at the next page opened
online; offline, the handed-over client's file no longer opens, the other client's does."""

import pytest
from playwright.sync_api import Error as PlaywrightError

from accounts.tests.factories import ManagerFactory
from clients.services import reassign_owner
from visits.models import PlannedVisit

from .test_offline_field_work import PASSWORD, assert_offline_banner, day, open_phone  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

KEPT_URLS = """(user) => caches.open("crm-pages-u" + user).then((cache) => cache.keys())
  .then((requests) => requests.map((request) => new URL(request.url).pathname + new URL(request.url).search))"""


def test_a_handed_over_client_and_a_removed_visit_leave_the_phone(live_server, browser, day):  # noqa: F811 (fixture)
    base, manager = live_server.url, day["manager"]
    handed, stays = day["checked"].client, day["shop"]
    context, page = open_phone(browser, base)
    try:
        page.goto(f"{base}/visits/today/")
        page.wait_for_selector("body[data-offline-ready]", state="attached", timeout=15000)
        assert f"/clients/{handed.pk}/" in page.evaluate(KEPT_URLS, manager.pk)

        colleague = ManagerFactory(team=manager.team, password=PASSWORD)
        reassign_owner(client=handed, new_owner=colleague, by=manager.team.supervisor, reason="Moved area")
        PlannedVisit.objects.filter(pk=day["logged"].pk).delete()

        page.goto(f"{base}/")  # any page opened online reads the change feed
        page.wait_for_selector("body[data-changes-checked]", state="attached", timeout=15000)
        kept = page.evaluate(KEPT_URLS, manager.pk)
        assert f"/clients/{handed.pk}/" not in kept
        assert f"/interactions/client/{handed.pk}/log/" not in kept
        assert f"/visits/log/?visit={day['logged'].pk}" not in kept
        assert f"/clients/{stays.pk}/" in kept

        context.set_offline(True)
        with pytest.raises(PlaywrightError):  # not kept any more: no page at all offline
            context.new_page().goto(f"{base}/clients/{handed.pk}/")
        page.goto(f"{base}/clients/{stays.pk}/")
        assert_offline_banner(page)
        assert "Lotus Shop" in page.locator("h1").inner_text()
        page.goto(f"{base}/visits/today/")  # kept again from the server: neither stop is on it now
        assert_offline_banner(page)
        assert page.get_by_test_id("stop").count() == 0
    finally:
        context.close()
