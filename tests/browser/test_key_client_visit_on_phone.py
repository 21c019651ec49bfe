"""A key-client visit on a 375-px phone in Chinese (issue #32): the day's sheet shows the stop's
key-client type and what to bring; the log asks for the type's checklist, refuses a required
item left unticked with the message next to that item and nothing typed lost; ticked, with a
note, a competitor observation and a photo, it is saved. The client file then shows the
competitor. The log form passes axe-core (no serious or critical violation) and does not
scroll sideways.

The visit-type strings are being translated while this is written: the test reads stable
things (test ids, the items' own Chinese names, ``<html lang>``) and only the Chinese strings
already in locale/."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.tests.factories import ManagerFactory, SupervisorFactory
from clients.tests.factories import ClientFactory, ContactFactory, default_tier
from market.models import MarketObservation
from performance.tests.factories import created_on
from tests.browser.test_everyday_layout import AXE, AXE_RUN, SMALL_TARGETS, WORD_BREAKS
from visits import services
from visits.models import ChecklistItem, PlannedVisit, VisitLog, VisitType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "key-visit-pass-2026"
PHOTO = settings.BASE_DIR / "static" / "icons" / "icon-192.png"
PHONE_WIDTH = 375


@pytest.fixture
def key_stop(db, visit_types):
    """A VIP client's visit planned today by hand, in an approved plan: its type comes from
    its reason, a key client."""
    supervisor = SupervisorFactory(username="key_sup", password=PASSWORD)
    manager = ManagerFactory(username="key_mgr", team=supervisor.team, password=PASSWORD)
    shop = ClientFactory(owner=manager, name="金龙超市", tier=default_tier("vip-gold"))
    created_on(shop, timezone.now().replace(year=2020))  # not a new client: the key client's type
    ContactFactory(client=shop, name="陈静", title="店主", is_key_person=True, decision_role="decision_maker")
    today = timezone.localdate()
    plan = services.start_plan(owner=manager, month=today, by=manager)
    services.submit_plan(plan, by=manager)
    services.approve_plan(plan, by=supervisor)
    PlannedVisit.objects.filter(owner=manager).delete()
    visit = services.add_visit(owner=manager, client=shop, day=today, by=manager)
    assert visit.visit_type.code == VisitType.KEY_CLIENT
    return visit


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH, page.url


def axe_problems(page):
    """The everyday-layout test's axe-core run (WCAG 2.1 AA), serious and critical only. The
    script is evaluated rather than added as a tag: the page keeps its security policy."""
    page.evaluate(f"() => {{ {AXE}\n; window.axe = window.axe || axe; }}")
    return page.evaluate(AXE_RUN)


def refusal(item):
    """The refusal of ``item`` left unticked, in Chinese as far as locale/ has it (the lead
    is translating the visit-type strings)."""
    with translation.override("zh-hans"):
        item = ChecklistItem.objects.select_related("visit_type").get(pk=item.pk)
        return gettext("“%(item)s” is required for a “%(type)s” visit: check it once done.") % {
            "item": item.text,
            "type": item.visit_type.name,
        }


def test_a_key_client_visit_logged_in_chinese_on_a_phone(live_server, browser, key_stop):
    shop = key_stop.client
    key_type = key_stop.visit_type
    items = list(key_type.checklist_items.filter(is_active=True).order_by("position"))
    required = [item for item in items if item.required]
    skipped = required[1]  # "Met the key person": left unticked the first time
    assert len(items) == 4 and len(required) == 3 and key_type.requires_photo
    context = browser.new_context(
        viewport={"width": PHONE_WIDTH, "height": 740}, device_scale_factor=2, is_mobile=True, has_touch=True,
        locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN,zh;q=0.9"},
    )  # fmt: skip
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(f"{base}/accounts/login/")
        page.locator("#id_username").fill("key_mgr")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#submit-id-submit").click()
        page.wait_for_url(f"{base}/")

        # The day's sheet: the stop's type and what to bring, in Chinese (the items' own names).
        page.goto(f"{base}/visits/today/")
        assert page.locator("html").get_attribute("lang").lower() == "zh-hans"
        stop = page.get_by_test_id("stop")
        expect(stop).to_have_count(1)
        expect(stop.get_by_test_id("stop-visit-type")).to_contain_text("重点客户拜访")
        preparation = stop.get_by_test_id("preparation")
        for thing in ("客户档案和亲情档案", "小礼品", "样品", "名片"):
            expect(preparation).to_contain_text(thing)
        no_sideways_scroll(page)

        # The log: the key-client checklist, its items in Chinese.
        stop.locator(f"a[href$='/visits/log/?visit={key_stop.pk}']").tap()
        page.wait_for_url(f"{base}/visits/log/?visit={key_stop.pk}")
        assert page.locator("html").get_attribute("lang").lower() == "zh-hans"
        rows = page.get_by_test_id("checklist-item")
        expect(rows).to_have_count(4)
        expect(rows.nth(1)).to_contain_text("拜见关键人")
        expect(page.get_by_test_id("photo-required")).to_be_visible()
        expect(page.get_by_role("button", name="保存拜访")).to_be_visible()
        no_sideways_scroll(page)
        assert axe_problems(page) == []
        assert page.evaluate(SMALL_TARGETS) + page.evaluate(WORD_BREAKS) == []

        # First try: a required item not ticked, no photo yet.
        page.locator("[name=work_done]").fill("介绍了春季新品，核对了货架陈列")
        for item in items:
            if item != skipped:
                page.locator(f"[name=check_{item.pk}]").check()
        page.locator(f"[name=check_{items[0].pk}_note]").fill("路上看了档案")
        observation = page.get_by_test_id("market-observations")
        observation.locator("[name=observations-0-brand]").fill("康师傅")
        observation.locator("[name=observations-0-price]").fill("3.50")
        observation.locator("[name=observations-0-shelf_position]").select_option("eye")
        with page.expect_navigation():
            page.locator("#save-log").tap()

        assert "/visits/log/" in page.url and not VisitLog.objects.exists()
        assert page.locator("html").get_attribute("lang").lower() == "zh-hans"
        refused = page.locator(f"[data-testid=checklist-item][data-item='{skipped.pk}']")
        error = refused.get_by_test_id("checklist-error")
        expect(error).to_have_count(1)
        expect(error).to_be_visible()
        expect(error).to_contain_text("拜见关键人")  # names the item, in the item's Chinese name
        expect(error).to_have_text(refusal(skipped))  # the service's message, as the catalog has it
        checkbox = page.locator(f"[name=check_{skipped.pk}]")
        assert checkbox.get_attribute("aria-describedby") == error.get_attribute("id")
        expect(checkbox).to_have_class("form-check-input is-invalid")
        expect(checkbox).not_to_be_checked()
        expect(page.get_by_test_id("checklist-error")).to_have_count(1)  # only that item
        # Everything typed is kept.
        expect(page.locator("[name=work_done]")).to_have_value("介绍了春季新品，核对了货架陈列")
        for item in items:
            if item != skipped:
                expect(page.locator(f"[name=check_{item.pk}]")).to_be_checked()
        expect(page.locator(f"[name=check_{items[0].pk}_note]")).to_have_value("路上看了档案")
        expect(observation.locator("[name=observations-0-brand]")).to_have_value("康师傅")
        expect(observation.locator("[name=observations-0-price]")).to_have_value("3.50")
        expect(observation.locator("[name=observations-0-shelf_position]")).to_have_value("eye")
        no_sideways_scroll(page)
        assert axe_problems(page) == []  # the form with its errors too

        # Ticked, with a photo: saved.
        checkbox.check()
        page.locator("[name=photos]").set_input_files(str(PHOTO))
        with page.expect_navigation():
            page.locator("#save-log").tap()
        page.wait_for_url(f"{base}/visits/today/*")
        expect(page.locator(".alert-success")).to_contain_text("对 金龙超市 的拜访已记录。")
        expect(page.get_by_test_id("done-mark")).to_have_count(1)

        log = VisitLog.objects.get()
        assert log.planned_visit_id == key_stop.pk and log.visit_type.code == VisitType.KEY_CLIENT
        answers = {a.item_id: (a.done, a.note) for a in log.checklist_answers.all()}
        assert answers == {item.pk: (True, "路上看了档案" if item == items[0] else "") for item in items}
        seen = MarketObservation.objects.get()
        assert (seen.client_id, seen.visit_log_id, seen.owner_id) == (shop.pk, log.pk, log.owner_id)
        assert (seen.brand, seen.price, seen.shelf_position) == ("康师傅", Decimal("3.50"), "eye")
        assert log.photos.count() == 1

        # The client file shows the competitor.
        page.goto(f"{base}/clients/{shop.pk}/")
        timeline = page.get_by_test_id("timeline")
        expect(timeline).to_contain_text("发现竞品：康师傅")
        expect(timeline).to_contain_text("3.50")
        no_sideways_scroll(page)
    finally:
        context.close()
